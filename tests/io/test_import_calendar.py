"""Calendar (.ics) import: files written after RFC 5545 and what Outlook and Google
Calendar write, each with the expected events and participants; damaged files."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.errors import InputError, VerkostolabError
from verkostolab.ingest import import_files
from verkostolab.io import detect_format, read_validated
from verkostolab.io.calendar import read_calendar_raw, sniff_calendar
from verkostolab.store import Store
from verkostolab.tables.validation import render_left_out

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar"
OUTLOOK = DATA / "outlook.ics"
GOOGLE = DATA / "google.ics"
TODAY = dt.date(2024, 7, 1)
SERIES = "Kiertotalousverkosto, kuukausitapaaminen ja ajankohtaiset asiat kaikille verkoston jäsenille"


def _tables(path, **kw):
    return {r.table: r for r in read_calendar_raw(path, today=TODAY, **kw)}


def _people(tables):
    part = tables["participation"].frame.merge(tables["events"].frame, on="event_id")
    return {d.strftime("%Y-%m-%d %H:%M"): set(g["actor_id"])
            for d, g in part.groupby("date")}


def test_outlook_export_recurrence_timezone_attendees():
    """Monthly RRULE with an EXDATE (April) and the March meeting moved to the 18th at
    13:00; Windows zone 'FLE Standard Time'; a folded title with an escaped comma; a
    declined attendee, a room, a cancelled meeting and a personal block."""
    assert detect_format(OUTLOOK) == "calendar" and sniff_calendar(OUTLOOK)
    tables = _tables(OUTLOOK)
    events = tables["events"].frame
    assert list(events["date"].astype(str)) == ["2024-01-15 09:00:00", "2024-02-15 09:00:00",
                                                "2024-03-18 13:00:00", "2024-05-15 09:00:00",
                                                "2024-06-15 09:00:00"]
    assert set(events["title"]) == {SERIES}  # unfolded, comma unescaped
    assert set(events["kind"]) == {"meeting"}
    asa, pekka, anna, orjan = ("asa.ekstrom@jarvilaakso.fi", "pekka.makela@kasvu.fi",
                               "anna.aberg@hubi.fi", "or.ohman@partner.se")
    people = _people(tables)
    assert people["2024-01-15 09:00"] == {asa, pekka, anna}  # Örjan declined, room is no person
    assert people["2024-03-18 13:00"] == {asa, pekka, orjan}  # the moved one: Anna declined it
    assert "koivu@jarvilaakso.fi" not in set(tables["actors"].frame["actor_id"])
    names = dict(zip(tables["actors"].frame["actor_id"], tables["actors"].frame["name"]))
    assert names[asa] == "Ekström, Åsa"  # organiser, e-mail lower-cased as identity
    assert tables["participation"].left_out == {"calendar_declined": 5, "calendar_cancelled": 1,
                                                "calendar_personal_block": 1, "calendar_room": 1}


def test_google_export_all_day_tentative_resource_utc():
    tables = _tables(GOOGLE)
    events = tables["events"].frame
    # the all-day workshop at midnight of its day; the 07:00Z preparation had nobody
    # but the organiser accept, so it is left out
    assert list(events["date"].astype(str)) == ["2024-06-05 00:00:00"]
    assert _people(tables)["2024-06-05 00:00"] == {"sanna.makela@jarvilaakso.fi", "ake.sjostrom@hubi.fi"}
    assert tables["participation"].left_out == {"calendar_tentative": 1, "calendar_no_reply": 1,
                                                "calendar_alone": 1, "calendar_room": 1}
    # tentative configurable
    tentative = _tables(GOOGLE, tentative=True)
    assert "liisa.virtanen@kunta.fi" in _people(tentative)["2024-06-05 00:00"]
    names = dict(zip(tentative["actors"].frame["actor_id"], tentative["actors"].frame["name"]))
    assert names["liisa.virtanen@kunta.fi"] == "Liisa Virtanen"  # folded CN


def _ics(*events: str, extra: str = "") -> str:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", extra, *events,
                        "END:VCALENDAR"])
    return body.replace("\r\n\r\n", "\r\n") + "\r\n"


def _event(uid, start, summary="Tapaaminen", people=("b@x.fi",), extra=""):
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20240101T000000Z", start,
             f"SUMMARY:{summary}", "ORGANIZER;CN=A:mailto:a@x.fi",
             *[f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{p}" for p in people], extra, "END:VEVENT"]
    return "\r\n".join(ln for ln in lines if ln)


def test_windows_zone_without_definition_and_utc_times(tmp_path):
    path = tmp_path / "zones.ics"
    path.write_text(_ics(_event("w1", 'DTSTART;TZID="W. Europe Standard Time":20240110T100000'),
                         _event("u1", "DTSTART:20240710T070000Z"),
                         _event("f1", "DTSTART:20240810T083000")), encoding="utf-8")
    events = _tables(path)["events"].frame
    # Berlin 10:00 is Helsinki 11:00; 07:00Z in July is 10:00 in Helsinki; floating as written
    assert list(events["date"].astype(str)) == ["2024-01-10 11:00:00", "2024-07-10 10:00:00",
                                                "2024-08-10 08:30:00"]
    berlin = _tables(path, tz="Europe/Berlin")["events"].frame
    assert str(berlin["date"].iloc[0]) == "2024-01-10 10:00:00"


def test_open_ended_series_reach_past_today_and_network_is_set(tmp_path):
    path = tmp_path / "weekly.ics"
    path.write_text(_ics(_event("s1", "DTSTART;TZID=Europe/Helsinki:20240603T090000",
                                extra="RRULE:FREQ=WEEKLY;INTERVAL=2")), encoding="utf-8")
    events = _tables(path, network="Hyvinvointi")["events"].frame
    dates = list(events["date"])
    assert dates[0] == dt.datetime(2024, 6, 3, 9) and dates[1] == dt.datetime(2024, 6, 17, 9)
    assert dates[-1] >= dt.datetime(2025, 6, 30)  # planned meetings a year ahead of today
    assert set(events["network"]) == {"Hyvinvointi"}


def test_import_into_store_and_merge_by_email(tmp_path, store_path):
    store = Store(store_path)
    report = import_files(store, [OUTLOOK, GOOGLE])
    counts = store.counts()
    assert counts["events"] == 6 and counts["actors"] == 6
    assert counts["participation"] == 17
    lines = render_left_out(read_validated(OUTLOOK).left_out, "en")
    assert any("5 declined invitation(s) left out" in ln for ln in lines)
    fi = render_left_out(read_validated(OUTLOOK).left_out, "fi")
    assert any("omia varauksia" in ln for ln in fi)
    assert report is not None


def test_cli_import_by_content(tmp_path):
    renamed = tmp_path / "export.txt"
    renamed.write_bytes(OUTLOOK.read_bytes())
    out = subprocess.run([sys.executable, "-m", "verkostolab", "check", str(renamed), "--lang", "en"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "events: 5" in out.stdout and "actors: 4" in out.stdout
    assert "1 room(s) or resource(s) left out" in out.stdout


def test_not_a_calendar_is_an_input_error(tmp_path):
    path = tmp_path / "x.ics"
    path.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2024XX01\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(InputError) as err:
        read_calendar_raw(path)
    assert [p.code for p in err.value.problems] == ["calendar_unreadable"]
    assert "not a readable iCalendar (.ics) file" in err.value.render("en")
    out = subprocess.run([sys.executable, "-m", "verkostolab", "import", str(path), "--store",
                          f"sqlite:///{tmp_path / 's.sqlite'}", "--lang", "en"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr + out.stdout
    assert "iCalendar" in out.stderr + out.stdout


_FULL = {"outlook": OUTLOOK.read_bytes(), "google": GOOGLE.read_bytes()}
_SETTINGS = settings(max_examples=80, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(which=st.sampled_from(sorted(_FULL)), cut=st.integers(min_value=0, max_value=6000),
       junk=st.binary(max_size=12), drop=st.lists(st.integers(min_value=0, max_value=80), max_size=4),
       garble=st.lists(st.tuples(st.integers(min_value=0, max_value=6000),
                                 st.sampled_from([b":", b";", b"=", b"\r\n", b"X", b"\x00", b"9", b"Z",
                                                  b"BEGIN:VEVENT", b"END:VCALENDAR"])), max_size=4))
def test_damaged_calendars_raise_only_project_errors_and_write_nothing(tmp_path, which, cut, junk,
                                                                       drop, garble):
    data = bytearray(_FULL[which])
    for pos, piece in garble:
        pos %= len(data) + 1
        data[pos:pos + len(piece)] = piece
    lines = bytes(data).split(b"\r\n")
    lines = [ln for i, ln in enumerate(lines) if i not in set(drop)]
    blob = b"\r\n".join(lines)
    blob = blob[: cut % (len(blob) + 1)] + junk
    path = tmp_path / "damaged.ics"
    path.write_bytes(blob)
    assert sniff_calendar(path) in (True, False)
    store_file = tmp_path / "s" / "damaged.sqlite"
    if store_file.exists():
        store_file.unlink()
    store = Store(store_file)
    before = store.counts()
    try:
        import_files(store, path, format="calendar")
    except VerkostolabError:
        assert store.counts() == before  # nothing written
