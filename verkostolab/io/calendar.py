"""Calendar exports (RFC 5545 ``.ics``) from Outlook, Google Calendar and Apple Calendar.

Every occurrence of a meeting becomes one event (kind ``meeting``), its participants
become actors and participation rows.

* **Recurrences** are expanded with ``recurring-ical-events``: ``RRULE``, ``RDATE``,
  ``EXDATE`` and occurrences moved with ``RECURRENCE-ID``.  A series without an end is
  expanded up to :data:`HORIZON_DAYS` days after the later of today and the file's last
  start, so planned future meetings are kept (the annual clock shows them).
* **Time zones**: ``VTIMEZONE`` definitions, IANA names and Windows names such as
  ``FLE Standard Time`` (icalendar maps them); every time is written as the local time
  of ``tz`` (default ``Europe/Helsinki``).  Floating times are kept as written.
  All-day events are dated at midnight of their day.
* **Participants** are the organiser and the attendees who accepted
  (``PARTSTAT=ACCEPTED``); tentative attendees too when ``tentative=True``.  Declined,
  unanswered (``NEEDS-ACTION``) and delegated attendees are left out and counted.
  Rooms and resources (``CUTYPE=ROOM`` / ``RESOURCE``) are not people: left out and
  counted.  Identity is the lower-cased e-mail of the ``mailto:`` address (the name is
  the ``CN``, else the address), so the merge proposal works as for Teams.
* **Left out and counted**: cancelled events or occurrences (``STATUS:CANCELLED``),
  events without other people (personal blocks: no attendee but the organiser), events
  where nobody but one person took part.
* ``network=`` sets the ``network`` column of every imported event.

A file that icalendar cannot parse, or a series that cannot be expanded, is an
:class:`~verkostolab.errors.InputError` naming the file; nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from ..errors import InputError, Problem
from ..tables.validation import RawTable
from .teams import EMPTY_BYTES, slug, sniff_text

__all__ = ["read_calendar_raw", "sniff_calendar", "calendar_occurrences", "write_calendar",
           "HORIZON_DAYS", "DEFAULT_TZ"]

#: How far past today (or the file's last start) open-ended series are expanded.
HORIZON_DAYS = 366
#: The zone every time is written in unless ``tz=`` says otherwise.
DEFAULT_TZ = "Europe/Helsinki"

_NOT_PEOPLE = {"ROOM", "RESOURCE"}


def sniff_calendar(path) -> bool:
    """Whether ``path`` is an iCalendar file: its first line is ``BEGIN:VCALENDAR``.
    Never raises."""
    try:
        path = Path(path)
        if not path.is_file():
            return False
        with path.open("rb") as fh:
            head = fh.read(512)
        text = sniff_text(head).lstrip(" \t\r\n\x00\ufeff")
        return text[:15].upper() == "BEGIN:VCALENDAR"
    except Exception:  # noqa: BLE001 - a sniffer answers, it never raises
        return False


def _address(value) -> str | None:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if "@" in text and " " not in text else None


def _param(prop, name: str) -> str | None:
    params = getattr(prop, "params", {}) or {}
    value = params.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value not in (None, "") else None


def _as_local(value, zone) -> dt.datetime:
    """A DTSTART value as a naive local date-time (all-day: midnight)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def _bump(counts: dict, key: str, n: int = 1) -> None:
    counts[key] = counts.get(key, 0) + n


def _load(path: Path):
    import icalendar

    name = str(path)
    data = path.read_bytes()
    if not data.strip(EMPTY_BYTES):
        raise InputError([Problem("empty_file", file=name)], source=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        cals = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # noqa: BLE001 - a damaged calendar fails in many ways
        raise InputError([Problem("calendar_unreadable", file=name,
                                  value=f"{type(exc).__name__}: {exc}"[:200])], source=name) from None
    cals = [c for c in cals if getattr(c, "name", None) == "VCALENDAR"]
    if not cals:
        raise InputError([Problem("calendar_unreadable", file=name, value="BEGIN:VCALENDAR")],
                         source=name)
    return cals


def calendar_occurrences(path, *, tz: str = DEFAULT_TZ, today: dt.date | None = None):
    """Every occurrence of every event in the calendar file ``path``, expanded, as
    icalendar ``VEVENT`` components (each with its own ``DTSTART``), sorted by start.
    Raises :class:`InputError` for a file that cannot be read or expanded."""
    return _occurrences(Path(path), tz=tz, today=today)[0]


def _occurrences(path: Path, *, tz: str, today: dt.date | None):
    import recurring_ical_events
    from zoneinfo import ZoneInfo

    name = str(path)
    zone = ZoneInfo(tz)
    today = today or dt.date.today()
    out, counts = [], {}
    for cal in _load(path):
        try:
            masters = [c for c in cal.walk("VEVENT")]
            starts = []
            for c in masters:
                if c.get("DTSTART") is None:
                    raise ValueError(f"VEVENT {str(c.get('SUMMARY', c.get('UID', '')))!r} without DTSTART")
                starts.append(_as_local(c.decoded("DTSTART"), zone).date())
            if not starts:
                continue
            first = min(starts)
            last = max(max(starts), today) + dt.timedelta(days=HORIZON_DAYS)
            found = recurring_ical_events.of(cal).between(
                (first.year, first.month, first.day), (last.year, last.month, last.day))
            found = list(found)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - bad rules, dates, zones fail in many ways
            raise InputError([Problem("calendar_unreadable", file=name,
                                      value=f"{type(exc).__name__}: {exc}"[:200])],
                             source=name) from None
        out += found
    try:
        out.sort(key=lambda c: (_as_local(c.decoded("DTSTART"), zone), str(c.get("UID", ""))))
    except Exception as exc:  # noqa: BLE001
        raise InputError([Problem("calendar_unreadable", file=name,
                                  value=f"{type(exc).__name__}: {exc}"[:200])], source=name) from None
    return out, counts, zone


def read_calendar_raw(path, *, encoding: str | None = None, network: str | None = None,
                      tentative: bool = False, tz: str = DEFAULT_TZ,
                      today: dt.date | None = None, lenient: bool = False) -> list[RawTable]:
    """Read an ``.ics`` file as raw ``events``, ``actors`` and ``participation`` tables.

    ``lenient`` is accepted for the platform readers' signature: a calendar's events
    that cannot be used (cancelled, personal blocks, declined, rooms) are left out and
    counted either way, and a file that is not a readable calendar is refused.

    ``encoding`` is accepted for the common reader signature (iCalendar is UTF-8).
    ``network`` fills the events' ``network`` column; ``tentative`` counts tentative
    attendees as participants; ``tz`` is the zone of the written times; ``today``
    (default: today) sets how far open-ended series are expanded.
    """
    del encoding, lenient
    path = Path(path)
    name = str(path)
    occurrences, left_out, zone = _occurrences(path, tz=tz, today=today)
    events, participation = [], []
    actors: dict[str, list] = {}
    rooms: set[str] = set()
    used_ids: set[str] = set()
    row = 0
    for occ in occurrences:
        row += 1
        status = str(occ.get("STATUS", "")).strip().upper()
        if status == "CANCELLED":
            _bump(left_out, "calendar_cancelled")
            continue
        people: dict[str, str | None] = {}
        invited = 0
        organiser = occ.get("ORGANIZER")
        org_addr = _address(organiser) if organiser is not None else None
        if org_addr:
            people[org_addr] = _param(organiser, "CN")
        attendees = occ.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        for att in attendees:
            addr = _address(att)
            cutype = (_param(att, "CUTYPE") or "INDIVIDUAL").upper()
            if cutype in _NOT_PEOPLE:
                rooms.add(addr or _param(att, "CN") or str(att))
                continue
            if addr is None or addr == org_addr:
                continue
            invited += 1
            partstat = (_param(att, "PARTSTAT") or "NEEDS-ACTION").upper()
            if partstat == "ACCEPTED" or (tentative and partstat == "TENTATIVE"):
                people.setdefault(addr, _param(att, "CN"))
            elif partstat == "DECLINED":
                _bump(left_out, "calendar_declined")
            elif partstat == "TENTATIVE":
                _bump(left_out, "calendar_tentative")
            else:
                _bump(left_out, "calendar_no_reply")
        if invited == 0:
            _bump(left_out, "calendar_personal_block")
            continue
        if len(people) < 2:
            _bump(left_out, "calendar_alone")
            continue
        start = _as_local(occ.decoded("DTSTART"), zone)
        title = " ".join(str(occ.get("SUMMARY", "")).split()) or path.stem
        base = f"ics-{start:%Y-%m-%d-%H%M}-{slug(title)[:50].strip('-')}".rstrip("-")
        event_id = base
        if event_id in used_ids:
            uid = str(occ.get("UID", "")) + start.isoformat()
            event_id = f"{base}-{hashlib.sha1(uid.encode()).hexdigest()[:6]}"
        n = 2
        while event_id in used_ids:
            event_id, n = f"{base}-{n}", n + 1
        used_ids.add(event_id)
        events.append(([event_id, start, "meeting", network, title], row))
        for addr, cn in people.items():
            label = " ".join(cn.split()) if cn else addr
            if addr not in actors or (actors[addr][0][1] == addr and label != addr):
                actors[addr] = ([addr, label, addr], row)
            participation.append(([event_id, addr], row))
    if rooms:
        _bump(left_out, "calendar_room", len(rooms))
    ev = RawTable.from_records("events", ["event_id", "date", "kind", "network", "title"],
                               [r for r, _ in events], [n for _, n in events], file=name)
    people_t = RawTable.from_records("actors", ["actor_id", "name", "email"],
                                     [r for r, _ in actors.values()],
                                     [n for _, n in actors.values()], file=name)
    part = RawTable.from_records("participation", ["event_id", "actor_id"],
                                 [r for r, _ in participation],
                                 [n for _, n in participation], file=name)
    part.left_out = {k: v for k, v in left_out.items() if v}
    return [ev, people_t, part]


def write_calendar(path, items, *, name: str, tz: str = DEFAULT_TZ) -> Path:
    """Write an ``.ics`` file that Outlook, Google Calendar and Apple Calendar open.

    ``items``: dicts with ``uid``, ``summary``, ``start`` (a date: an all-day event, or a
    naive local date-time in ``tz``), ``rrule`` (an RRULE text or None), ``until`` (the
    last day of the series), ``exdates`` and ``category``.  Timed events carry
    ``TZID`` with the zone's ``VTIMEZONE``; a series ends with ``UNTIL``.  The file is
    written to a temporary file first and then moved into place.
    """
    import os
    import tempfile
    from zoneinfo import ZoneInfo

    import icalendar

    path = Path(path)
    zone = ZoneInfo(tz)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//verkostolab//annual clock//FI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz)
    timed = False
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for item in items:
        ev = icalendar.Event()
        ev.add("uid", item["uid"])
        ev.add("dtstamp", stamp)
        ev.add("summary", item["summary"])
        start = item["start"]
        if isinstance(start, dt.datetime):
            timed = True
            start = start.replace(tzinfo=zone)
            ev.add("dtstart", start)
            ev.add("dtend", start + dt.timedelta(hours=1))
        else:
            ev.add("dtstart", start)
            ev.add("dtend", start + dt.timedelta(days=1))
        if item.get("rrule"):
            rule = icalendar.vRecur.from_ical(item["rrule"])
            until = item.get("until")
            if until is not None:
                rule["UNTIL"] = (dt.datetime.combine(until, dt.time(23, 59, 59), zone)
                                 .astimezone(dt.timezone.utc) if timed and isinstance(start, dt.datetime)
                                 else until)
            ev.add("rrule", rule)
            for ex in item.get("exdates") or []:
                ev.add("exdate", ex.replace(tzinfo=zone) if isinstance(ex, dt.datetime) else ex)
        if item.get("category"):
            ev.add("categories", [item["category"]])
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    if timed:
        cal.add_missing_timezones()
    fd, tmp = tempfile.mkstemp(prefix=".verkostolab-", suffix=".ics", dir=path.parent or None)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(cal.to_ical())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
