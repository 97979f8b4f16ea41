"""Microsoft Teams meeting attendance reports.

A report is one meeting: it becomes one event (kind ``meeting``), its attendees become
actors and participation rows.  Two layouts are read:

* the sectioned report (2021 onwards), tab-separated text, usually UTF-16 with a byte
  order mark (little- or big-endian; UTF-8 with or without a BOM is read too)::

      1. Summary
      Meeting title         Kiertotalousverkoston tapaaminen
      Attended participants 4
      Start time            3/14/24, 9:00:12 AM
      End time              3/14/24, 11:02:40 AM
      Meeting duration      2h 2m 28s
      Average attendance time 1h 40m 3s

      2. Participants
      Name  First Join  Last Leave  In-Meeting Duration  Email  Participant ID (UPN)  Role

      3. In-Meeting Activities
      Name  Join Time  Leave Time  Duration  Email  Role

  Section titles and headers are matched without regard to case; Finnish titles
  (``1. Yhteenveto``, ``2. Osallistujat``; ``Nimi``, ``Ensimmäinen liittyminen``,
  ``Viimeinen poistuminen``, ``Kesto``, ``Sähköposti``, ``Rooli``; ``Kokouksen
  otsikko``, ``Alkamisaika``, ``Päättymisaika``) are accepted as seen in a public
  parser's Finnish test fixture, not in Microsoft's documentation.  The participant list
  is found by the shape of its header row (a name column and a join column), so an
  unnumbered or reordered section still reads.  The in-meeting activities repeat the
  participants once per join and leave: they are counted as left out, not read.
* the older list (2020): columns ``Full Name``, ``User Action`` (``Joined``, ``Joined
  before``, ``Left``) and ``Timestamp``, one line per action.  Attendees are the people
  with any join; the event is dated by the earliest timestamp and titled by the file
  name.

Identities: an attendee with an e-mail (the ``Email`` column, else a ``Participant ID
(UPN)`` that is an address) gets the lower-cased address as ``actor_id`` and ``email``
(so that the same person's rows are identical across reports); one without
gets a slug of the name as written (``Matti Meikäläinen (Guest)`` →
``matti-meikäläinen-guest``).  Names are kept as written, guest suffixes included:
identity resolution proposes merges later.  The meeting role (organizer, presenter,
attendee) is not stored: it belongs to one meeting, not to the person.

Dates and times: see :func:`parse_timestamps` for how day-first and month-first dates
are told apart (one decision per file).  Durations are checked with
:func:`parse_duration`; a broken timestamp or duration is an input error naming the
file, row and column.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..tables.schema import fold
from ..tables.validation import RawTable, leave_out, parse_date
from .text import decode

__all__ = ["read_teams_raw", "sniff_teams", "parse_timestamps", "parse_duration", "slug",
           "IdAllocator"]

#: Bytes that make a file "empty" when nothing else is in it (whitespace, NULs, BOMs).
EMPTY_BYTES = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"

# --------------------------------------------------------------------------- dates

_DATE_TIME = re.compile(
    r"""^(?:(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})
         |(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})(?P=s2)(?P<y2>\d{4}|\d{2}))
        (?:(?:\s*,\s*|\s+|T)(?:klo\s+)?
           (?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2})(?:[.,]\d+)?)?
           (?:\s*(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?)?
        (?:\s*(?:Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{2,5}))?$""",
    re.X)


@dataclass(frozen=True)
class _Stamp:
    first: int            # day or month (unknown until the file decides), or the month
    second: int           # month or day, or the day when year_first
    year: int
    sep: str
    year_first: bool
    hour: int
    minute: int
    sec: int
    ampm: str | None

    @property
    def ambiguous_order(self) -> bool:
        """Whether day and month order depends on the file's style (``a/b/yy``)."""
        return not self.year_first and self.sep != "."


def _scan(text: str) -> _Stamp | None:
    m = _DATE_TIME.match(text.strip().replace("\u202f", " ").replace("\u00a0", " "))
    if not m:
        return None
    g = m.groupdict()
    hour, minute, sec = int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0)
    ampm = g["ampm"].upper() if g["ampm"] else None
    if g["y1"]:
        return _Stamp(int(g["m1"]), int(g["d1"]), int(g["y1"]), g["s1"], True, hour, minute,
                      sec, ampm)
    year = int(g["y2"])
    year += 2000 if year < 100 else 0
    return _Stamp(int(g["a"]), int(g["b"]), year, g["s2"], False, hour, minute, sec, ampm)


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _decide_dayfirst(stamps: list[_Stamp]) -> bool:
    ambiguous = [s for s in stamps if s.ambiguous_order]
    day_votes = month_votes = 0
    for s in ambiguous:
        as_day, as_month = _valid_date(s.year, s.second, s.first), _valid_date(s.year, s.first, s.second)
        day_votes += as_day and not as_month
        month_votes += as_month and not as_day
    if day_votes != month_votes:
        return day_votes > month_votes
    return not any(s.ampm for s in ambiguous)


def _to_datetime(s: _Stamp, dayfirst: bool) -> dt.datetime:
    if s.year_first:
        month, day = s.first, s.second
    elif s.sep == "." or dayfirst:
        day, month = s.first, s.second
    else:
        month, day = s.first, s.second
    hour = s.hour
    if s.ampm:
        if not 1 <= hour <= 12:
            raise ValueError(hour)
        hour = hour % 12 + (12 if s.ampm == "P" else 0)
    return dt.datetime(s.year, month, day, hour, s.minute, s.sec)


def parse_timestamps(values, *, dayfirst: bool | None = None):
    """Date-times of one file, with day and month order decided once for the file.

    Returns ``(parsed, bad, dayfirst)``: a list with a :class:`datetime.datetime` (or
    ``None`` for a blank) per value, the positions of values that are not date-times,
    and the order used.

    Accepted: ISO and other year-first dates (``2024-03-14 09:00:12``, ``2024/03/14
    9:00:12 AM EET``), dotted dates, always day first (``14.3.2024 9.00.12``), and
    slashed dates (``3/14/24, 9:00:12 AM``, ``14/03/24, 09:00:12``), with two- or
    four-digit years, an optional ``klo``, seconds and AM/PM.  Time zone designations
    (``EET``, ``GMT+2``, ``+02:00``) are dropped: the time is kept as the local time
    written in the file.  Date and time objects (from a workbook) pass unchanged.

    Slashed dates are read day first or month first for the whole file, unless
    ``dayfirst`` says.  The dates that can be read only one way vote (``14/3/24`` can
    only be day first, ``3/14/24`` only month first) and the majority decides; when no
    date decides (all numbers up to 12, or a tie), dates are month first when the times
    carry AM/PM (the US style ``M/d/yy h:mm tt``), else day first (24-hour clocks go with
    day-first dates: ``dd/MM/yy HH:mm``).  A value that does not fit the chosen order
    is reported as bad, so a file mixing styles names its odd rows.

    >>> parsed, bad, dayfirst = parse_timestamps(["3/4/24, 9:00:12 AM", "3/14/24, 1:05 PM"])
    >>> [p.isoformat() for p in parsed], bad, dayfirst
    (['2024-03-04T09:00:12', '2024-03-14T13:05:00'], [], False)
    >>> parsed, bad, dayfirst = parse_timestamps(["03/04/24, 09:00:12", "14.3.2024 9.00.12", "x"])
    >>> [p and p.isoformat() for p in parsed], bad, dayfirst
    (['2024-04-03T09:00:12', '2024-03-14T09:00:12', None], [2], True)
    """
    values = list(values)
    stamps: list[_Stamp | None] = []
    for v in values:
        stamps.append(_scan(v) if isinstance(v, str) else None)
    if dayfirst is None:
        dayfirst = _decide_dayfirst([s for s in stamps if s is not None])
    parsed: list[dt.datetime | None] = []
    bad: list[int] = []
    for i, (v, s) in enumerate(zip(values, stamps)):
        if v is None or (isinstance(v, str) and not v.strip()):
            parsed.append(None)
            continue
        try:
            if s is not None:
                parsed.append(_to_datetime(s, dayfirst))
            elif isinstance(v, str):
                raise ValueError(v)
            else:
                parsed.append(parse_date(v).to_pydatetime())
        except (ValueError, TypeError, OverflowError):
            parsed.append(None)
            bad.append(i)
    return parsed, bad, dayfirst


_UNITS = {}
for _names, _seconds in (
        (("h", "hr", "hrs", "hour", "hours", "t", "tunti", "tuntia", "tim", "timme", "timmar"), 3600),
        (("m", "min", "mins", "minute", "minutes", "minuutti", "minuuttia", "minut", "minuter"), 60),
        (("s", "sec", "secs", "second", "seconds", "sek", "sekunti", "sekuntia", "sekund",
          "sekunder"), 1)):
    for _name in _names:
        _UNITS[_name] = _seconds
_DURATION = re.compile(r"(?:\s*\d+(?:[.,]\d+)?\s*[^\W\d]+\.?)+\s*")
_DURATION_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d]+)\.?")
_CLOCK = re.compile(r"(\d{1,3}):(\d{2})(?::(\d{2}))?")


def parse_duration(text: str) -> int:
    """Seconds of a Teams duration: ``2h 2m 28s``, ``45m 3s``, ``59s``, ``18 min 20 s``,
    ``1 t 5 min`` or a clock ``0:45:03``.  Raises ValueError.

    >>> parse_duration("2h 2m 28s"), parse_duration("59s"), parse_duration("0:45:03")
    (7348, 59, 2703)
    """
    t = str(text).strip()
    m = _CLOCK.fullmatch(t)
    if m:
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if mi > 59 or s > 59:
            raise ValueError(text)
        return h * 3600 + mi * 60 + s
    if not t or not _DURATION.fullmatch(t):
        raise ValueError(text)
    total = 0.0
    for number, unit in _DURATION_PART.findall(t):
        seconds = _UNITS.get(unit.casefold())
        if seconds is None:
            raise ValueError(text)
        total += float(number.replace(",", ".")) * seconds
    return int(round(total))


# --------------------------------------------------------------------------- identities


def slug(text: str) -> str:
    """A readable id from a name: lower case, letters kept, anything else a dash.

    >>> slug("Matti Meikäläinen (Guest)")
    'matti-meikäläinen-guest'
    """
    norm = unicodedata.normalize("NFC", str(text)).casefold()
    out = re.sub(r"[\W_]+", "-", norm).strip("-")
    if out:
        return out
    return "x-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]


def clean_name(text) -> str | None:
    """A name as written, in Unicode NFC, with runs of white space made one space."""
    if text is None:
        return None
    out = " ".join(unicodedata.normalize("NFC", str(text)).split())
    return out or None


@dataclass
class IdAllocator:
    """Actor ids of one file: the lower-cased e-mail when there is one, else a slug of
    the name.  Two different names that would share a slug get ``-2``, ``-3`` ...
    (in order of appearance), so that one id never stands for two names by accident;
    the same e-mail or the same name always gets the same id."""

    by_name: dict[str, str] = field(default_factory=dict)
    taken: dict[str, str] = field(default_factory=dict)  # slug id -> name

    def for_person(self, name: str | None, email: str | None) -> str:
        if email:
            return email.strip().lower()
        return self.for_name(name or "")

    def for_name(self, name: str) -> str:
        if name in self.by_name:
            return self.by_name[name]
        base = slug(name)
        candidate, n = base, 1
        while candidate in self.taken and self.taken[candidate] != name:
            n += 1
            candidate = f"{base}-{n}"
        self.taken[candidate] = name
        self.by_name[name] = candidate
        return candidate


def looks_like_email(text) -> bool:
    return isinstance(text, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text.strip()) is not None


# --------------------------------------------------------------------------- layout

#: Participant list headers (folded) -> field.
_ATTENDEE_HEADERS = {
    "name": "name", "full_name": "name", "nimi": "name", "koko_nimi": "name",
    "first_join": "first_join", "join_time": "first_join", "ensimmainen_liittyminen": "first_join",
    "liittymisaika": "first_join",
    "last_leave": "last_leave", "leave_time": "last_leave", "viimeinen_poistuminen": "last_leave",
    "poistumisaika": "last_leave",
    "in_meeting_duration": "duration", "duration": "duration", "attendance_duration": "duration",
    "kesto": "duration", "kokouksessa_oloaika": "duration", "kokouksen_aikainen_kesto": "duration",
    "email": "email", "e_mail": "email", "sahkoposti": "email", "sahkopostiosoite": "email",
    "participant_id_(upn)": "upn", "participant_id": "upn", "upn": "upn",
    "osallistujan_tunnus_(upn)": "upn", "osallistujan_tunnus": "upn",
    "role": "role", "rooli": "role",
}
_LEGACY_HEADERS = {"full_name": "name", "user_action": "action", "timestamp": "timestamp"}
#: Summary keys (folded) -> field.
_SUMMARY_KEYS = {
    "meeting_title": "title", "title": "title", "kokouksen_otsikko": "title", "otsikko": "title",
    "meeting_start_time": "start", "start_time": "start", "alkamisaika": "start",
    "kokouksen_alkamisaika": "start",
    "meeting_end_time": "end", "end_time": "end", "paattymisaika": "end",
    "kokouksen_paattymisaika": "end",
    "meeting_duration": "duration", "kokouksen_kesto": "duration",
    "average_attendance_time": "duration", "keskimaarainen_osallistumisaika": "duration",
    "attended_participants": "count", "total_number_of_participants": "count",
    "osallistuneet": "count", "osallistujia": "count", "meeting_id": "meeting_id",
}
_SECTION = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*(\S.*)$")
_SECTION_TITLES = {"summary", "meeting_summary", "participants", "in_meeting_activities",
                   "yhteenveto", "osallistujat", "kokouksen_aikaiset_toiminnot", "toiminnot"}
_ACTIVITY_WORDS = ("activit", "toiminn", "toiminto")
_JOIN_ACTIONS = {"joined": True, "joined_before": True, "left": False}
#: The columns of the participant list, as the error message names them.
EXPECTED_COLUMNS = "Name, First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role"


def _attendee_header(cells) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for i, c in enumerate(cells):
        if c is None:
            continue
        key = _ATTENDEE_HEADERS.get(fold(c))
        if key and key not in found:
            found[key] = i
    if "name" in found and ({"first_join", "last_leave"} & set(found)):
        return found
    return None


def _legacy_header(cells) -> dict[str, int] | None:
    found = {}
    for i, c in enumerate(cells):
        if c is None:
            continue
        key = _LEGACY_HEADERS.get(fold(c))
        if key and key not in found:
            found[key] = i
    return found if len(found) == 3 else None


def _section_title(cells) -> str | None:
    """The folded title of a section heading row (``2. Participants``), else None."""
    filled = [c for c in cells if c is not None]
    if len(filled) != 1 or cells[0] is None:
        return None
    m = _SECTION.match(cells[0])
    title = fold(m.group(2)) if m else fold(cells[0])
    if m and not re.search(r"\d", m.group(2)):
        return title
    return title if title in _SECTION_TITLES else None


def _summary_key(cells) -> str | None:
    if not cells or cells[0] is None:
        return None
    key = fold(cells[0].rstrip(":"))
    return _SUMMARY_KEYS.get(key)


def _delimiter(text: str) -> str:
    if "\t" in text:
        return "\t"
    head = "\n".join(text.splitlines()[:40])
    return ";" if head.count(";") > head.count(",") else ","


def _records(text: str, *, file: str) -> list[tuple[int, list[str | None]]]:
    """(line, cells) of every line of ``text``, blank lines included as empty lists."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    out = []
    last = 0
    try:
        for record in reader:
            start = last + 1
            last = reader.line_num
            cells = [c.strip() or None for c in record]
            while cells and cells[-1] is None:
                cells.pop()
            out.append((start, cells))
    except csv.Error as exc:
        raise InputError([Problem("unreadable", file=file, row=last + 1, value=str(exc))],
                         source=file) from None
    return out


# --------------------------------------------------------------------------- reading


@dataclass
class _Table:
    columns: dict[str, int]
    header: list
    header_row: int
    activities: bool
    rows: list = field(default_factory=list)
    blank: int = 0
    pending: int = 0


@dataclass
class _Cell:
    value: str | None
    row: int
    column: str | None


def _cell(cells, columns, key) -> str | None:
    i = columns.get(key)
    return cells[i] if i is not None and i < len(cells) else None


def _header_text(table: _Table, key: str) -> str | None:
    i = table.columns.get(key)
    return table.header[i] if i is not None else None


def read_teams_raw(path: Path, *, encoding: str | None = None,
                   dayfirst: bool | None = None, lenient: bool = False) -> list[RawTable]:
    """Raw events, actors and participation of one Teams attendance report.

    ``dayfirst`` forces the order of slashed dates (see :func:`parse_timestamps`).
    Raises :class:`~verkostolab.errors.InputError` for an empty or unreadable file, a
    file without an attendance list, and every broken timestamp, duration or action.
    """
    path = Path(path)
    name = str(path)
    data = path.read_bytes()
    if not data.strip(EMPTY_BYTES):
        raise InputError([Problem("empty_file", file=name)], source=name)
    text, _ = decode(data, file=name, encoding=encoding)
    records = _records(text, file=name)
    if not any(cells for _, cells in records):
        raise InputError([Problem("empty_file", file=name)], source=name)
    for _, cells in records:
        if cells and _legacy_header(cells):
            return _read_legacy(records, path, dayfirst, lenient)
        if cells and (_attendee_header(cells) or _section_title(cells) or _summary_key(cells)):
            break
    return _read_sectioned(records, path, dayfirst, lenient)


def _tables(records):
    summary: dict[str, _Cell] = {}
    summary_cells: list[tuple[str, _Cell]] = []
    tables: list[_Table] = []
    current: _Table | None = None
    section = ""
    other = 0
    for line, cells in records:
        if not cells:
            if current is not None:
                current.pending += 1
            continue
        title = _section_title(cells)
        if title is not None:
            current, section = None, title
            continue
        columns = _attendee_header(cells)
        if columns:
            current = _Table(columns, cells, line, any(w in section for w in _ACTIVITY_WORDS))
            tables.append(current)
            continue
        key = _summary_key(cells)
        if key and (current is None or sum(c is not None for c in cells) <= 2):
            current = None
            value = next((c for c in cells[1:] if c is not None), None)
            cell = _Cell(value, line, cells[0])
            summary.setdefault(key, cell)
            summary_cells.append((key, cell))
            continue
        if current is not None:
            current.rows.append((line, cells))
            current.blank += current.pending
            current.pending = 0
            continue
        other += 1
    return summary, summary_cells, tables, other


def _read_sectioned(records, path: Path, dayfirst, lenient: bool = False) -> list[RawTable]:
    name = str(path)
    summary, summary_cells, tables, other = _tables(records)
    if not tables:
        raise InputError([Problem("teams_no_attendees", file=name,
                                  params={"expected": EXPECTED_COLUMNS})], source=name)
    main = next((t for t in tables if not t.activities), tables[0])
    problems: list[Problem] = []
    left_out: dict[str, int] = {}

    # Every date-time of the file, parsed together (one day/month decision).
    stamps: list[_Cell] = [c for k, c in summary_cells if k in ("start", "end")]
    for table in tables:
        for key in ("first_join", "last_leave"):
            if key in table.columns:
                stamps += [_Cell(_cell(cells, table.columns, key), line, _header_text(table, key))
                           for line, cells in table.rows]
    parsed, bad, _ = parse_timestamps([c.value for c in stamps], dayfirst=dayfirst)
    for i in bad:
        c = stamps[i]
        problems.append(Problem("teams_bad_timestamp", file=name, row=c.row, column=c.column,
                                value=c.value))
    when = {(c.row, c.column): p for c, p in zip(stamps, parsed)}

    durations = [c for k, c in summary_cells if k == "duration"]
    for table in tables:
        if "duration" in table.columns:
            durations += [_Cell(_cell(cells, table.columns, "duration"), line,
                                _header_text(table, "duration")) for line, cells in table.rows]
    for c in durations:
        if c.value is None:
            continue
        try:
            parse_duration(c.value)
        except ValueError:
            problems.append(Problem("teams_bad_duration", file=name, row=c.row, column=c.column,
                                    value=c.value))

    ids = IdAllocator()
    actors: dict[str, tuple[list, int]] = {}
    joins: list[dt.datetime] = []
    for line, cells in main.rows:
        person = clean_name(_cell(cells, main.columns, "name"))
        if person is None:
            problems.append(Problem("required_value", file=name, row=line,
                                    column=_header_text(main, "name")))
            continue
        email = _cell(cells, main.columns, "email")
        if not looks_like_email(email):
            upn = _cell(cells, main.columns, "upn")
            email = upn if looks_like_email(upn) else None
        actor_id = ids.for_person(person, email)
        if actor_id in actors:
            left_out["teams_repeat_attendee"] = left_out.get("teams_repeat_attendee", 0) + 1
            continue
        actors[actor_id] = ([actor_id, person, email.strip().lower() if email else None], line)
        first = when.get((line, _header_text(main, "first_join")))
        if first is not None:
            joins.append(first)
    for table in tables:
        if table is not main and table.rows:
            left_out["teams_activity_row"] = left_out.get("teams_activity_row", 0) + len(table.rows)
    blank = sum(t.blank for t in tables)
    if blank:
        left_out["blank_row"] = blank
    if other:
        left_out["teams_other_line"] = other
    if problems and not lenient:
        raise InputError(problems, source=name)

    title_cell = summary.get("title")
    title = clean_name(title_cell.value) if title_cell else None
    start_cell = summary.get("start")
    start = when.get((start_cell.row, start_cell.column)) if start_cell else None
    start = start or (min(joins) if joins else None)
    event_row = title_cell.row if title_cell else (start_cell.row if start_cell else main.header_row)
    # Lenient: the attendee of a broken row is left out (the meeting itself is kept).
    raws = _tables_out(path, title or path.stem, start, event_row, actors, left_out)
    return leave_out(raws, problems, tables=("actors", "participation")) if lenient else raws


def _event_id(title: str, start: dt.datetime | None) -> str:
    when = f"{start:%Y-%m-%d-%H%M}-" if start else ""
    return f"teams-{when}{slug(title)[:60].strip('-')}"


def _tables_out(path: Path, title: str, start, event_row: int, actors: dict,
                left_out: dict) -> list[RawTable]:
    name = str(path)
    event_id = _event_id(title, start)
    events = RawTable.from_records("events", ["event_id", "date", "kind", "title"],
                                   [[event_id, start, "meeting", title]], [event_row], file=name)
    people = RawTable.from_records("actors", ["actor_id", "name", "email"],
                                   [rec for rec, _ in actors.values()],
                                   [row for _, row in actors.values()], file=name)
    part = RawTable.from_records("participation", ["event_id", "actor_id"],
                                 [[event_id, a] for a in actors],
                                 [row for _, row in actors.values()], file=name)
    part.left_out = {k: v for k, v in left_out.items() if v}
    return [events, people, part]


def _read_legacy(records, path: Path, dayfirst, lenient: bool = False) -> list[RawTable]:
    name = str(path)
    problems: list[Problem] = []
    left_out: dict[str, int] = {}
    header_line, columns, header = 0, None, None
    rows = []
    blank = pending = other = 0
    for line, cells in records:
        if columns is None:
            if cells:
                found = _legacy_header(cells)
                if found:
                    header_line, columns, header = line, found, cells
                else:
                    other += 1
            continue
        if not cells:
            pending += 1
            continue
        rows.append((line, cells))
        blank, pending = blank + pending, 0
    column_name = {k: header[i] for k, i in columns.items()}
    stamps = [_cell(cells, columns, "timestamp") for _, cells in rows]
    parsed, bad, _ = parse_timestamps(stamps, dayfirst=dayfirst)
    bad_set = set(bad)
    ids = IdAllocator()
    joined: dict[str, tuple[list, int]] = {}
    only_left: dict[str, int] = {}
    times = []
    for k, (line, cells) in enumerate(rows):
        person = clean_name(_cell(cells, columns, "name"))
        action = _cell(cells, columns, "action")
        if k in bad_set:
            problems.append(Problem("teams_bad_timestamp", file=name, row=line,
                                    column=column_name["timestamp"], value=stamps[k]))
        if person is None:
            problems.append(Problem("required_value", file=name, row=line,
                                    column=column_name["name"]))
            continue
        is_join = _JOIN_ACTIONS.get(fold(action)) if action else None
        if is_join is None:
            problems.append(Problem("teams_bad_action", file=name, row=line,
                                    column=column_name["action"], value=action))
            continue
        if parsed[k] is not None:
            times.append(parsed[k])
        actor_id = ids.for_name(person)
        if is_join:
            only_left.pop(actor_id, None)
            joined.setdefault(actor_id, ([actor_id, person, None], line))
        elif actor_id not in joined:
            only_left[actor_id] = line
    if problems and not lenient:
        raise InputError(problems, source=name)
    if blank:
        left_out["blank_row"] = blank
    if only_left:
        left_out["teams_left_only"] = len(only_left)
    if other:
        left_out["teams_other_line"] = other
    start = min(times) if times else None
    raws = _tables_out(path, path.stem, start, header_line, joined, left_out)
    return leave_out(raws, problems, tables=("actors", "participation")) if lenient else raws


# --------------------------------------------------------------------------- sniffing


def sniff_text(head: bytes) -> str:
    """The start of a file as text, for sniffers: BOMs honoured, UTF-16 without a BOM
    guessed from NUL bytes, undecodable bytes replaced.  Never raises."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(enc, errors="replace")
    if len(head) > 3 and head.count(b"\x00") > len(head) // 4:
        enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return head.decode(enc, errors="replace")
    return head.decode("utf-8", errors="replace")


def sniff_teams(path) -> bool:
    """Whether ``path`` looks like a Teams attendance report (either layout).  Looks at
    the first 16 kB only; never raises."""
    try:
        path = Path(path)
        if not path.is_file():
            return False
        with path.open("rb") as fh:
            head = fh.read(16384)
        if head.startswith(b"PK\x03\x04"):
            return False
        text = sniff_text(head)
        lines = [ln for ln in text.splitlines() if ln.strip()][:60]
        if not lines:
            return False
        delim = _delimiter(text)
        first = next(csv.reader([lines[0]], delimiter=delim), [])
        first_cells = [c.strip() or None for c in first]
        title = _section_title(first_cells) if first_cells else None
        if title in ("summary", "meeting_summary", "yhteenveto"):
            return True
        for ln in lines:
            cells = [c.strip() or None for c in next(csv.reader([ln], delimiter=delim), [])]
            if _legacy_header(cells):
                return True
            found = _attendee_header(cells)
            if found and ({"first_join", "last_leave"} <= set(found) or "duration" in found):
                return True
        return False
    except Exception:  # noqa: BLE001 - a sniffer answers, it never raises
        return False
