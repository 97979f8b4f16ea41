"""Slack workspace exports: who answered, mentioned and reacted to whom.

An export is a folder or a .zip (its entries may sit in one top-level folder) with

* ``users.json`` (``org_users.json`` in Enterprise Grid): the members;
* ``channels.json`` (public channels), and when present ``groups.json`` (private
  channels), ``mpims.json`` (group direct messages) and ``dms.json`` (direct messages):
  the conversations, each with ``id``, ``name`` and ``members``;
* one folder per conversation (named by the channel's ``name``; direct messages by
  their ``id``) holding a file ``YYYY-MM-DD.json`` per day: a list of messages
  (``type``, ``subtype``, ``user``, ``text``, ``ts``, ``thread_ts``,
  ``parent_user_id``, ``reactions`` [{``name``, ``users``, ``count``}], ``bot_id``,
  ``user_profile`` ...).  Slack groups messages into day files by the workspace's
  local date.

What becomes which table
------------------------
**actors**
    Every person of ``users.json``, deleted accounts included: ``actor_id`` is the
    Slack user id, ``name`` the ``real_name`` (else ``profile.real_name``,
    ``profile.display_name``, ``name``), ``email`` ``profile.email`` and ``role``
    ``profile.title`` when given.  Bots (``is_bot``, Slackbot ``USLACKBOT``) are not
    actors.  A poster missing from ``users.json`` (a guest of a shared channel) is an
    actor when their message carries a ``user_profile``; a user id repeated in
    ``users.json`` is one actor (the first entry).  People are never merged otherwise.
**events**
    One event per conversation and day on which people posted (``event_id``
    ``<folder>/<YYYY-MM-DD>``, the day file's path): ``date`` is that day, ``kind``
    ``online_discussion``, ``network`` the channel's name (none for direct
    messages).  A day is a better unit than the whole channel: channel membership is
    mostly passive (everyone is in #general), and a channel-wide event would link
    every pair of members with the same weight, while posting on the same day in the
    same channel is a real, dated encounter.
**participation**
    The people who posted (messages, thread replies) in the conversation that day.
    Membership lists and reactions alone do not make participation.
**ties**
    One tie per interaction, from the person who acted to the person acted upon, with
    the event (conversation and day) it happened in and ``date`` = the message's
    ``ts`` as a date-time in **UTC** (a reaction takes the time of the message it
    reacts to: Slack does not record when one reacted).  Kind and weight tell the
    interaction apart (see :data:`INTERACTIONS`):

    ============  ===============================================  ==============  ======
    interaction   tie                                              kind            weight
    ============  ===============================================  ==============  ======
    reply         replier → author of the thread's first message   conversation    1
    direct        author → each other member of a direct message   conversation    1
    mention       author → each ``<@U123>`` / ``<@U123|name>``     message         1
    reaction      each reacting person → the message's author      message         0.5
    ============  ===============================================  ==============  ======

    A reply's parent is ``parent_user_id``, else looked up by ``thread_ts`` among the
    conversation's messages.  A person mentioned twice in one message gives one tie;
    a reply that also mentions the parent's author gives two (two interactions).  In a
    direct message, replies and mentions of its members are covered by the direct
    tie.  ``replies``/``reply_users`` of a thread's first message are not read: the
    replies are messages of their own.

What is left out, and counted (``RawTable.left_out``)
-----------------------------------------------------
``slack_join_leave`` (channel or group joins and leaves), ``slack_bot_message``
(``bot_message``, a ``bot_id``, or a bot's user id), ``slack_system_message`` (topic,
purpose, renames, pins, deleted and changed messages, and other notices),
``slack_self_interaction`` (a reply to one's own thread, a mention of or a reaction
to oneself), ``slack_bot_interaction`` (a reply to, mention of or reaction from a
bot), ``slack_group_mention`` (``<!channel>``, ``<!here>``, ``<!everyone>``, user
groups), ``slack_thread_parent_missing`` (a reply whose thread starts outside the
export), ``blank_row`` (an empty ``{}`` message), ``slack_bot_user`` and
``slack_duplicate_user`` (entries of ``users.json``) and ``slack_other_file`` (files
that are not part of the above, e.g. ``integration_logs.json``).  Reactions to a
left-out message go with it.

Errors
------
Broken JSON names the file and line; a message that is not what Slack writes (a
``ts`` that is no time stamp, ``reactions`` that are no list ...) names the day file,
the line where the message starts, the field, and the message's number and ``ts``; so
does a user id that is neither in ``users.json`` nor known from a ``user_profile``.

Rows of the generated tables: actors keep the line of their entry in ``users.json``;
events, participation and ties are one table each for the whole export (``file`` is
the export) with the line of the message in its day file (the ``event_id`` names the
day file).

>>> import json, tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "users.json").write_text(json.dumps([
...     {"id": "U1", "real_name": "Åsa Ek"}, {"id": "U2", "real_name": "Äijä Öhman"}]))
>>> _ = (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "yleinen"}]))
>>> (root / "yleinen").mkdir()
>>> _ = (root / "yleinen" / "2024-03-14.json").write_text(json.dumps([
...     {"type": "message", "user": "U1", "text": "Moi <@U2>!", "ts": "1710410400.000100"}]))
>>> sniff_slack(root)
True
>>> ties = {raw.table: raw for raw in read_slack_raw(root)}["ties"].frame
>>> ties[["source", "target", "kind", "event_id"]].values.tolist()
[['U1', 'U2', 'message', 'yleinen/2024-03-14']]
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .limits import LimitError, limit, read_member, too_large
from ..errors import InputError, Problem
from ..tables.validation import RawTable, leave_out

__all__ = ["read_slack_raw", "sniff_slack", "INTERACTIONS"]

#: interaction -> (tie kind, weight); see the module's documentation.
INTERACTIONS: dict[str, tuple[str, float]] = {
    "reply": ("conversation", 1.0),
    "direct": ("conversation", 1.0),
    "mention": ("message", 1.0),
    "reaction": ("message", 0.5),
}

USER_FILES = ("users.json", "org_users.json")
#: conversation list file -> whether its folders are named by ``id`` (else ``name``)
#: and whether its messages are direct messages to the other members.
CONVERSATION_FILES = {"channels.json": (False, False), "groups.json": (False, False),
                      "mpims.json": (False, True), "dms.json": (True, True)}
SLACKBOT = "USLACKBOT"
_BOT = "\x00bot"

#: Subtypes written by a person: everything else is a notice or a bot.
HUMAN_SUBTYPES = {None, "me_message", "file_share", "thread_broadcast"}
JOIN_LEAVE_SUBTYPES = {"channel_join", "channel_leave", "group_join", "group_leave",
                       "joiner_notification"}
BOT_SUBTYPES = {"bot_message", "slackbot_response"}

_DAY_FILE = re.compile(r"^([^/]+)/(\d{4}-\d{2}-\d{2})\.json$")
_MENTION = re.compile(r"<@([A-Za-z0-9]+)(?:\|[^>]*)?>")
_GROUP_MENTION = re.compile(r"<!(?:channel|here|everyone|subteam\^[^>|]*)(?:\|[^>]*)?>")
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: What zipfile raises for a damaged or unusual archive (NotImplementedError: a
#: compression method it does not support; RuntimeError: an encrypted member).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError, KeyError)


# --------------------------------------------------------------------------- the export


class _Export:
    """The files of an export, folder or zip, relative to the folder of users.json."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            names = [p.relative_to(path).as_posix() for p in _walk(path)]
        else:
            cap = limit("zip_bytes")
            if cap is not None and path.stat().st_size > cap:
                raise too_large("zip_bytes", file=path, value=path.stat().st_size)
            self.zip = zipfile.ZipFile(path)
            self.unzipped = [0]
            names = [i.filename for i in self.zip.infolist()
                     if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        user_files = sorted((n for n in names if PurePosixPath(n).name in USER_FILES),
                            key=lambda n: (n.count("/"), n))
        prefix = str(PurePosixPath(user_files[0]).parent) if user_files else "."
        self.prefix = "" if prefix == "." else prefix + "/"
        self.names = sorted(n[len(self.prefix):] for n in names if n.startswith(self.prefix))
        self.outside = len(names) - len(self.names)

    def display(self, name: str) -> str:
        """The name a person sees: the path of the file, or ``export.zip/member``."""
        if self.zip is None:
            return str(self.path / self.prefix / name)
        return f"{self.path}/{self.prefix}{name}"

    def read(self, name: str) -> bytes:
        if self.zip is None:
            return (self.path / self.prefix / name).read_bytes()
        try:
            return read_member(self.zip, self.zip.getinfo(self.prefix + name),
                               file=self.display(name), used=self.unzipped)
        except InputError:  # a limit (verkostolab.io.limits), already clear
            raise
        except _ZIP_ERRORS as exc:
            raise InputError([Problem("unreadable", file=self.display(name),
                                      value=f"{type(exc).__name__}: {exc}")],
                             source=str(self.path)) from None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _walk(root: Path):
    """Files under ``root``, hidden ones (``.DS_Store``) left aside."""
    for p in sorted(root.rglob("*")):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts):
            yield p


def _open(path: Path) -> _Export:
    try:
        return _Export(path)
    except InputError:
        raise
    except _ZIP_ERRORS as exc:
        raise InputError([Problem("unreadable", file=str(path), value=f"{type(exc).__name__}: {exc}")],
                         source=str(path)) from None


# --------------------------------------------------------------------------- JSON with lines


def _load_json(data: bytes, file: str, encoding: str | None) -> tuple[object, list[int] | None]:
    """Parse a JSON file; for a list, also the line on which each element starts."""
    try:
        text = data.decode(encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:
        start = getattr(exc, "start", 0)
        line = data.count(b"\n", 0, start) + 1
        raise InputError([Problem("encoding", file=file, row=line,
                                  value=f"{encoding or 'utf-8'}: {data[start:start + 4]!r}")],
                         source=file) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError([Problem("empty_file", file=file)], source=file)
    try:
        items, lines = _scan_list(text)
        return items, lines
    except (ValueError, IndexError, RecursionError):
        pass
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        raise InputError([Problem("slack_json", file=file, row=exc.lineno, value=exc.msg,
                                  params={"col": exc.colno})], source=file) from None
    except RecursionError:
        raise InputError([Problem("slack_json", file=file, row=1, value="nesting too deep",
                                  params={"col": 1})], source=file) from None


def _scan_list(text: str) -> tuple[list, list[int]]:
    """A top-level JSON list element by element, with each element's first line.
    Raises ValueError (or IndexError) when ``text`` is not exactly one such list."""
    pos = _WS.match(text, 0).end()
    if text[pos] != "[":
        raise ValueError("not a list")
    pos += 1
    items, lines = [], []
    line, last = 1, 0
    pos = _WS.match(text, pos).end()
    if text[pos] == "]":
        pos += 1
    else:
        while True:
            line += text.count("\n", last, pos)
            last = pos
            lines.append(line)
            item, pos = _DECODER.raw_decode(text, pos)
            items.append(item)
            pos = _WS.match(text, pos).end()
            if text[pos] == ",":
                pos = _WS.match(text, pos + 1).end()
                continue
            if text[pos] == "]":
                pos += 1
                break
            raise ValueError("expected , or ]")
    if _WS.match(text, pos).end() != len(text):
        raise ValueError("extra data")
    return items, lines


def _json_list(export: _Export, name: str, encoding, expected: str) -> tuple[list, list[int]]:
    file = export.display(name)
    value, lines = _load_json(export.read(name), file, encoding)
    if not isinstance(value, list):
        raise InputError([Problem("slack_structure", file=file, row=1,
                                  value=type(value).__name__, params={"expected": expected})],
                         source=file)
    return value, lines or list(range(1, len(value) + 1))


# --------------------------------------------------------------------------- reading


@dataclass
class _Conversation:
    folder: str
    name: str
    direct: bool = False
    members: list[str] = field(default_factory=list)


@dataclass
class _People:
    """Who is who: people of users.json (id -> entry), bots, and guests known only
    from a message's ``user_profile`` (id -> profile)."""

    people: dict[str, dict] = field(default_factory=dict)
    bots: set[str] = field(default_factory=lambda: {SLACKBOT})
    external: dict[str, dict] = field(default_factory=dict)

    def known(self, uid) -> bool:
        return uid in self.people or uid in self.external

    def is_bot(self, uid) -> bool:
        return uid in self.bots


def _text(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _person_name(entry: dict, profile: dict, uid: str) -> str:
    for value in (entry.get("real_name"), profile.get("real_name"), profile.get("display_name"),
                  entry.get("name"), profile.get("name")):
        if _text(value):
            return _text(value)
    return uid


def _read_users(export: _Export, name: str, encoding, left_out: dict,
                problems: list) -> tuple[_People, RawTable]:
    file = export.display(name)
    users, lines = _json_list(export, name, encoding, "users")
    people = _People()
    records, rows = [], []
    for index, (entry, line) in enumerate(zip(users, lines), start=1):
        if entry == {}:
            _count(left_out, "blank_row")
            continue
        if not isinstance(entry, dict):
            problems.append(_bad(file, line, None, entry, "user", index, None))
            continue
        uid = entry.get("id")
        if not _text(uid):
            problems.append(_bad(file, line, "id", uid, "user id", index, None))
            continue
        uid = uid.strip()
        profile = entry.get("profile") if isinstance(entry.get("profile"), dict) else {}
        if entry.get("is_bot") is True or uid == SLACKBOT:
            people.bots.add(uid)
            _count(left_out, "slack_bot_user")
            continue
        if uid in people.people:
            _count(left_out, "slack_duplicate_user")
            continue
        people.people[uid] = entry
        records.append([uid, _person_name(entry, profile, uid), _text(profile.get("title")),
                        _text(profile.get("email"))])
        rows.append(line)
    raw = RawTable.from_records("actors", ["actor_id", "name", "role", "email"], records, rows,
                                file=file)
    return people, raw


def _read_conversations(export: _Export, encoding, problems: list) -> dict[str, _Conversation]:
    conversations: dict[str, _Conversation] = {}
    for list_name, (by_id, direct) in CONVERSATION_FILES.items():
        if list_name not in export.names:
            continue
        file = export.display(list_name)
        entries, lines = _json_list(export, list_name, encoding, "conversations")
        for index, (entry, line) in enumerate(zip(entries, lines), start=1):
            if not isinstance(entry, dict):
                problems.append(_bad(file, line, None, entry, "conversation", index, None))
                continue
            cid, name = entry.get("id"), entry.get("name")
            folder = cid if by_id else (name if _text(name) else cid)
            if not _text(folder) or "/" in folder:
                problems.append(_bad(file, line, "id" if by_id else "name", folder,
                                     "conversation name", index, None))
                continue
            members = entry.get("members") or []
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                problems.append(_bad(file, line, "members", members, "list of user ids", index, None))
                continue
            conversations[folder] = _Conversation(folder, name if _text(name) else folder,
                                                  direct, members)
    return conversations


@dataclass
class _Day:
    folder: str
    day: str
    file: str
    messages: list
    lines: list[int]


def _bad(file, line, column, value, expected, index, ts) -> Problem:
    """A message (or entry) that is not what Slack writes."""
    shown = json.dumps(value, ensure_ascii=False)[:80] if not isinstance(value, str) else value[:80]
    return Problem("slack_malformed", file=file, row=line, column=column, value=shown,
                   params={"expected": expected, "index": index, "ts": ts if ts is not None else "-"})


def _count(left_out: dict, reason: str, n: int = 1) -> None:
    left_out[reason] = left_out.get(reason, 0) + n


def _timestamp(ts) -> dt.datetime:
    """A message's ``ts`` ("1710410400.000100") as a naive UTC date-time, to the second."""
    if isinstance(ts, bool) or not isinstance(ts, (str, int, float)):
        raise ValueError(ts)
    seconds = float(ts)
    stamp = dt.datetime.fromtimestamp(round(seconds), tz=dt.timezone.utc)
    return stamp.replace(tzinfo=None)


def _check_message(msg: dict, file: str, line: int, index: int, problems: list):
    """The fields this reader relies on, checked; returns ``(ts, time)`` or None."""
    ts = msg.get("ts")
    try:
        when = _timestamp(ts)
    except (ValueError, OverflowError, OSError):
        problems.append(_bad(file, line, "ts", ts, "a Slack time stamp such as 1710410400.000100",
                             index, None))
        return None
    ts = str(ts)
    ok = True
    for name in ("user", "subtype", "parent_user_id"):
        value = msg.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(_bad(file, line, name, value, "text", index, ts))
            ok = False
    thread = msg.get("thread_ts")
    if thread is not None and not isinstance(thread, (str, int, float)):
        problems.append(_bad(file, line, "thread_ts", thread, "a Slack time stamp", index, ts))
        ok = False
    text = msg.get("text")
    if text is not None and not isinstance(text, str):
        problems.append(_bad(file, line, "text", text, "text", index, ts))
        ok = False
    reactions = msg.get("reactions")
    if reactions is not None and not (
            isinstance(reactions, list)
            and all(isinstance(r, dict) and isinstance(r.get("users", []), list)
                    and all(isinstance(u, str) for u in r.get("users", [])) for r in reactions)):
        problems.append(_bad(file, line, "reactions", reactions,
                             "a list of {name, users, count}", index, ts))
        ok = False
    return (ts, when) if ok else None


def read_slack_raw(path: Path, *, encoding: str | None = None, lenient: bool = False) -> list[RawTable]:
    """Raw tables (actors, events, participation, ties) of a Slack export folder or zip.

    ``encoding`` overrides UTF-8 for the JSON files.  Raises
    :class:`~verkostolab.errors.InputError` naming file, line and field of every
    problem found.
    """
    path = Path(path)
    source = str(path)
    if path.is_file() and path.stat().st_size == 0:
        raise InputError([Problem("empty_file", file=source)], source=source)
    export = _open(path)
    try:
        return _read(export, encoding, lenient)
    finally:
        export.close()


def _read(export: _Export, encoding, lenient: bool = False) -> list[RawTable]:
    source = str(export.path)
    user_file = next((n for n in USER_FILES if n in export.names), None)
    if user_file is None or not any(n in export.names for n in CONVERSATION_FILES):
        missing = "users.json" if user_file is None else "channels.json"
        raise InputError([Problem("slack_missing_file", file=source, value=missing)], source=source)
    problems: list[Problem] = []
    user_left_out: dict[str, int] = {}
    people, actors = _read_users(export, user_file, encoding, user_left_out, problems)
    actors.left_out = user_left_out
    conversations = _read_conversations(export, encoding, problems)
    days, other = _read_days(export, encoding, problems)
    starters, guests = _starters_and_guests(days, people)
    people.external = {uid: g[0] for uid, g in guests.items()}

    builder = _Builder(people, problems)
    if other:
        builder.left_out["slack_other_file"] = other
    for day in days:
        conv = conversations.get(day.folder) or _Conversation(day.folder, day.folder)
        roots = starters.get(day.folder, {})
        for index, (msg, line) in enumerate(zip(day.messages, day.lines), start=1):
            builder.message(msg, _Where(day, conv, line, index), roots)
    if problems and not lenient:
        raise InputError(problems, source=source)

    raws = [actors]
    if guests:
        records = [[uid, _person_name({}, profile, uid), _text(profile.get("title")),
                    _text(profile.get("email"))] for uid, (profile, _f, _l) in guests.items()]
        raws.append(RawTable.from_records("actors", ["actor_id", "name", "role", "email"],
                                          records, [g[2] for g in guests.values()], file=source))
    raws += builder.tables(source)
    # A message, user or tie with a problem was skipped by the builder: list it.
    return leave_out(raws, problems) if lenient else raws


def _read_days(export: _Export, encoding, problems: list) -> tuple[list[_Day], int]:
    """Every day file parsed, and the number of other files."""
    days: list[_Day] = []
    other = export.outside
    for name in export.names:
        m = _DAY_FILE.match(name)
        if m is None:
            other += name not in USER_FILES and name not in CONVERSATION_FILES
            continue
        try:
            dt.date.fromisoformat(m.group(2))
        except ValueError:
            other += 1
            continue
        try:
            messages, lines = _json_list(export, name, encoding, "messages")
        except LimitError:
            raise  # a size limit guards the whole archive: not a record to leave out
        except InputError as exc:
            problems += exc.problems
            continue
        days.append(_Day(m.group(1), m.group(2), export.display(name), messages, lines))
    return days, other


def _starters_and_guests(days: list[_Day], people: _People):
    """Per conversation, who started each thread (ts -> user id, ``_BOT`` for a bot,
    ``""`` when unknown); and posters missing from users.json who bring a
    ``user_profile`` (user id -> (profile, file, line))."""
    starters: dict[str, dict[str, str]] = {}
    guests: dict[str, tuple[dict, str, int]] = {}
    for day in days:
        roots = starters.setdefault(day.folder, {})
        for msg, line in zip(day.messages, day.lines):
            if not isinstance(msg, dict) or not isinstance(msg.get("ts"), (str, int, float)):
                continue
            user = msg.get("user")
            user = user.strip() if isinstance(user, str) else ""
            subtype = msg.get("subtype")  # checked later; any JSON value may be here
            bot = bool(msg.get("bot_id") or (isinstance(subtype, str) and subtype in BOT_SUBTYPES)
                       or people.is_bot(user))
            roots.setdefault(str(msg["ts"]), _BOT if bot else user)
            profile = msg.get("user_profile")
            if (user and not bot and not people.known(user) and user not in guests
                    and isinstance(profile, dict)):
                guests[user] = (profile, day.file, line)
    return starters, guests


@dataclass
class _Where:
    """Where a message is: its day file and conversation, line and number."""

    day: _Day
    conv: _Conversation
    line: int
    index: int
    ts: str = "-"

    @property
    def event_id(self) -> str:
        return f"{self.day.folder}/{self.day.day}"


class _Builder:
    """Turns messages into events, participation and ties, counting what it leaves out."""

    def __init__(self, people: _People, problems: list):
        self.people = people
        self.problems = problems
        self.left_out: dict[str, int] = {}
        self.events: dict[str, tuple[list, int]] = {}
        self.part: dict[tuple[str, str], int] = {}
        self.ties: list[list] = []
        self.tie_rows: list[int] = []

    def message(self, msg, at: _Where, roots: dict[str, str]) -> None:
        if msg == {}:
            _count(self.left_out, "blank_row")
            return
        if not isinstance(msg, dict):
            self.problems.append(_bad(at.day.file, at.line, None, msg, "a message object",
                                      at.index, None))
            return
        checked = _check_message(msg, at.day.file, at.line, at.index, self.problems)
        if checked is None:
            return
        at.ts, when = checked
        user = self._author(msg, at)
        if not user:
            return
        self._posted(user, at)
        conv = at.conv
        if conv.direct:
            for member in conv.members:
                if member != user and self._other(member, user, at, "members"):
                    self._tie("direct", user, member, at, when)
        thread = msg.get("thread_ts")
        if thread is not None and str(thread) != at.ts and not conv.direct:
            parent = msg.get("parent_user_id") or roots.get(str(thread), "")
            if parent == "":
                _count(self.left_out, "slack_thread_parent_missing")
            elif parent == _BOT:
                _count(self.left_out, "slack_bot_interaction")
            elif self._other(parent, user, at, "parent_user_id"):
                self._tie("reply", user, parent, at, when)
        text = msg.get("text") or ""
        group = len(_GROUP_MENTION.findall(text))
        if group:
            _count(self.left_out, "slack_group_mention", group)
        members = set(conv.members) if conv.direct else set()
        for mentioned in dict.fromkeys(_MENTION.findall(text)):
            if mentioned not in members and self._other(mentioned, user, at, "text"):
                self._tie("mention", user, mentioned, at, when)
        for reaction in msg.get("reactions") or []:
            for reactor in dict.fromkeys(reaction.get("users", [])):
                if self._other(reactor, user, at, "reactions"):
                    self._tie("reaction", reactor, user, at, when)

    def _author(self, msg: dict, at: _Where) -> str | None:
        """The person who wrote ``msg``, or None (counted or reported) if none did."""
        subtype, user = msg.get("subtype"), (msg.get("user") or "").strip()
        if subtype in JOIN_LEAVE_SUBTYPES:
            _count(self.left_out, "slack_join_leave")
        elif subtype in BOT_SUBTYPES or msg.get("bot_id") or (user and self.people.is_bot(user)):
            _count(self.left_out, "slack_bot_message")
        elif subtype not in HUMAN_SUBTYPES or not user:
            _count(self.left_out, "slack_system_message")
        elif not self.people.known(user):
            self._unknown(user, at, "user")
        else:
            return user
        return None

    def _posted(self, user: str, at: _Where) -> None:
        event_id, conv, day = at.event_id, at.conv, at.day.day
        if event_id not in self.events:
            title = f"{conv.name} {day}" if conv.direct else f"#{conv.name} {day}"
            network = None if conv.direct else conv.name
            self.events[event_id] = ([event_id, day, "online_discussion", network, title], at.line)
        self.part.setdefault((event_id, user), at.line)

    def _other(self, uid: str, self_id: str, at: _Where, column: str) -> bool:
        """Whether ``uid`` is another person to tie to; counts or reports if not."""
        if uid == self_id:
            _count(self.left_out, "slack_self_interaction")
        elif self.people.is_bot(uid):
            _count(self.left_out, "slack_bot_interaction")
        elif not self.people.known(uid):
            self._unknown(uid, at, column)
        else:
            return True
        return False

    def _unknown(self, uid: str, at: _Where, column: str) -> None:
        self.problems.append(Problem("slack_unknown_user", file=at.day.file, row=at.line,
                                     column=column, value=uid,
                                     params={"index": at.index, "ts": at.ts}))

    def _tie(self, interaction: str, source: str, target: str, at: _Where, when) -> None:
        kind, weight = INTERACTIONS[interaction]
        self.ties.append([source, target, at.event_id, kind, weight, when])
        self.tie_rows.append(at.line)

    def tables(self, source: str) -> list[RawTable]:
        events = list(self.events.values())
        raws = [
            RawTable.from_records("events", ["event_id", "date", "kind", "network", "title"],
                                  [e for e, _ in events], [r for _, r in events], file=source),
            RawTable.from_records("participation", ["event_id", "actor_id"],
                                  [list(k) for k in self.part], list(self.part.values()),
                                  file=source),
            RawTable.from_records("ties", ["source", "target", "event_id", "kind", "weight",
                                           "date"], self.ties, self.tie_rows, file=source),
        ]
        raws[-1].left_out = self.left_out
        return raws


# --------------------------------------------------------------------------- sniffing


def sniff_slack(path) -> bool:
    """Whether ``path`` is a Slack export: a folder or zip with ``users.json`` and
    ``channels.json`` (or ``groups.json``, ``mpims.json``, ``dms.json``) side by side,
    possibly inside one top-level folder.  Never raises."""
    try:
        path = Path(path)
        if path.is_dir():
            folders = [path, *(p for p in sorted(path.iterdir()) if p.is_dir())][:50]
            return any(any((f / u).is_file() for u in USER_FILES)
                       and any((f / c).is_file() for c in CONVERSATION_FILES) for f in folders)
        if not path.is_file() or not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
        folders = {str(PurePosixPath(n).parent) for n in names
                   if PurePosixPath(n).name in USER_FILES and n.count("/") <= 1}
        for folder in folders:
            prefix = "" if folder == "." else folder + "/"
            if any(prefix + c in names for c in CONVERSATION_FILES):
                return True
        return False
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False
