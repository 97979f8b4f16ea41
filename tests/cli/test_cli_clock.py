"""``verkostolab clock``: the .ics read back by icalendar gives the year's expected
meetings; the usage errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import icalendar
import recurring_ical_events

from verkostolab.datasets import load_sample
from verkostolab.measures.coordination import clock_plan


def run(*args):
    return subprocess.run([sys.executable, "-m", "verkostolab", *args], capture_output=True, text=True,
                          timeout=300)


def _read_back(path, year):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    found = recurring_ical_events.of(cal).between((year, 1, 1), (year + 1, 1, 1))
    return sorted((str(ev.get("CATEGORIES").cats[0]), ev.decoded("DTSTART"), str(ev.get("SUMMARY")))
                  for ev in found), cal


def test_ics_round_trip_gives_the_year_of_forums_and_planned_events(tmp_path):
    out = tmp_path / "vuosikello.ics"
    result = run("--lang", "en", "clock", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Annual clock 2025 written" in result.stdout and "2 recurring forums" in result.stdout
    got, cal = _read_back(out, 2025)
    plan = clock_plan(load_sample())
    expected = sorted((r.network, r.date, r.title) for r in plan.occurrences.itertuples()
                      if r.source != "held")
    assert got == expected and len(got) == 10
    # the sample's forums keep a weekday but not a week of the month: no RRULE claims one,
    # each projected meeting is listed on its own
    events = [c for c in cal.walk("VEVENT")]
    assert not any(e.get("RRULE") for e in events) and len(events) == 10
    assert str(cal.get("X-WR-CALNAME")) == "Annual clock 2025"
    # every fourth Thursday after the last meeting (15.5.), the summer break skipped, by hand
    hyvinvointi = [d for n, d, _ in got if n == "Hyvinvointiteknologian teemaverkosto"]
    assert hyvinvointi == [dt.date(2025, 9, 4), dt.date(2025, 10, 2), dt.date(2025, 10, 30),
                           dt.date(2025, 11, 27), dt.date(2025, 12, 25)]


def test_ics_with_timed_meetings_and_planned_events(tmp_path):
    """Timed meetings carry the Helsinki zone; a planned event is in the file once."""
    rows = ["event_id,date,kind,network,title"]
    day = dt.date(2026, 1, 6)
    for k in range(8):
        rows.append(f"E{k},{day + dt.timedelta(days=7 * k)} 13:30,meeting,Ydin,Viikkopalaveri")
    rows.append("P1,2026-06-10 09:00,workshop,Ydin,Kesätyöpaja")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "events.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "actors.csv").write_text("actor_id,name\na,A\nb,B\n", encoding="utf-8")
    part = "event_id,actor_id\n" + "".join(f"E{k},a\nE{k},b\n" for k in range(8)) + "P1,a\nP1,b\n"
    (folder / "participation.csv").write_text(part, encoding="utf-8")
    out = tmp_path / "ydin.ics"
    result = run("clock", str(folder), "--as-of", "2026-03-01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    got, cal = _read_back(out, 2026)
    weekly = [d for n, d, s in got if s == "Viikkopalaveri"]
    assert weekly[0] == dt.datetime(2026, 3, 3, 13, 30, tzinfo=weekly[0].tzinfo)
    assert str(weekly[0].tzinfo) in ("Europe/Helsinki",) or weekly[0].utcoffset() == dt.timedelta(hours=2)
    assert all(d.weekday() == 1 for d in weekly) and weekly[-1].date() == dt.date(2026, 12, 29)
    assert dt.date(2026, 6, 9) in {d.date() for d in weekly}  # no break: under nine months of history
    planned = [d for n, d, s in got if s == "Kesätyöpaja"]
    assert [p.replace(tzinfo=None) for p in planned] == [dt.datetime(2026, 6, 10, 9, 0)]
    assert cal.walk("VTIMEZONE")  # Outlook needs the zone's definition


def test_clock_usage_errors(tmp_path):
    bad = run("--lang", "en", "clock", "--out", str(tmp_path / "x.txt"))
    assert bad.returncode == 2 and "must end in .html, .png or .ics" in bad.stderr
    unknown = run("--lang", "en", "clock", "--network", "Olematon", "--out", str(tmp_path / "x.ics"))
    assert unknown.returncode == 2 and "There is no network 'Olematon'" in unknown.stderr
    day = run("clock", "--as-of", "31.5.2025", "--out", str(tmp_path / "x.ics"))
    assert day.returncode == 2 and "31.5.2025" in day.stderr
    assert not (tmp_path / "x.ics").exists()
