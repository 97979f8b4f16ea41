"""Microsoft Teams attendance reports: both layouts, encodings, date styles, errors."""

from __future__ import annotations

import codecs
import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.errors import InputError
from verkostolab.io import detect_format, read, read_raw, read_validated
from verkostolab.io.teams import parse_duration, parse_timestamps, read_teams_raw, sniff_teams
from verkostolab.store import Store
from verkostolab.ingest import import_files
from verkostolab.tables.validation import render_left_out

# The sectioned report as Teams writes it (tab-separated, CRLF), transcribed from the
# layout of real exports: a summary, the participant list, the in-meeting activities.
# Pekka Mäkelä appears twice (the same e-mail in another case), row 13 is empty.
REPORT_US = [
    "1. Summary",
    "Meeting title\tKiertotalousverkoston kuukausitapaaminen – maaliskuu",
    "Attended participants\t5",
    "Start time\t3/14/24, 9:00:12 AM",
    "End time\t3/14/24, 11:02:40 AM",
    "Meeting duration\t2h 2m 28s",
    "Average attendance time\t1h 20m 3s",
    "",
    "2. Participants",
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
    "Åsa Ekström\t3/14/24, 8:58:40 AM\t3/14/24, 11:02:40 AM\t2h 4m\tasa.ekstrom@jarvilaakso.fi\tasa.ekstrom@jarvilaakso.fi\tOrganizer",
    "Pekka Mäkelä\t3/14/24, 9:01:05 AM\t3/14/24, 10:30:00 AM\t1h 28m 55s\tPekka.Makela@kasvu.fi\tpekka.makela@kasvu.fi\tPresenter",
    "",
    "Matti Meikäläinen (Guest)\t3/14/24, 9:05:00 AM\t3/14/24, 9:50:03 AM\t45m 3s\t\t\tAttendee",
    "Anna Åberg\t3/14/24, 9:02:00 AM\t3/14/24, 11:00:00 AM\t1h 58m\tanna.aberg@hubi.fi\tanna.aberg@hubi.fi\tAttendee",
    "Pekka Mäkelä\t3/14/24, 10:31:00 AM\t3/14/24, 10:31:59 AM\t59s\tpekka.makela@kasvu.fi\tpekka.makela@kasvu.fi\tAttendee",
    "Örjan Öhman (External)\t3/14/24, 9:10:00 AM\t3/14/24, 9:40:00 AM\t30m\t\tor.ohman@partner.se\tAttendee",
    "",
    "3. In-Meeting Activities",
    "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole",
    "Åsa Ekström\t3/14/24, 8:58:40 AM\t3/14/24, 11:02:40 AM\t2h 4m\tasa.ekstrom@jarvilaakso.fi\tOrganizer",
    "Pekka Mäkelä\t3/14/24, 9:01:05 AM\t3/14/24, 10:30:00 AM\t1h 28m 55s\tpekka.makela@kasvu.fi\tPresenter",
    "Pekka Mäkelä\t3/14/24, 10:31:00 AM\t3/14/24, 10:31:59 AM\t59s\tpekka.makela@kasvu.fi\tAttendee",
]
EVENT_US = "teams-2024-03-14-0900-kiertotalousverkoston-kuukausitapaaminen-maaliskuu"

# The same kind of report from a day-first locale (en-GB: dd/MM/yy, 24-hour clock).
REPORT_GB = [
    "1. Summary",
    "Meeting title\tVerkostohubin ohjausryhmä",
    "Attended participants\t3",
    "Start time\t16/11/22, 09:21:08",
    "End time\t16/11/22, 10:30:00",
    "Meeting duration\t1h 8m 52s",
    "",
    "2. Participants",
    "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
    "Sanna Mäkelä\t16/11/22, 09:20:00\t16/11/22, 10:30:00\t1h 10m\tsanna.makela@jarvilaakso.fi\tsanna.makela@jarvilaakso.fi\tOrganizer",
    "Åke Sjöström\t16/11/22, 09:25:30\t16/11/22, 10:29:00\t1h 3m 30s\take.sjostrom@hubi.fi\take.sjostrom@hubi.fi\tAttendee",
    "Anna Åberg\t16/11/22, 09:30:00\t16/11/22, 10:00:00\t30m\tanna.aberg@hubi.fi\tanna.aberg@hubi.fi\tAttendee",
]

# The older (2020) list: one line per action.
LEGACY = [
    "Full Name\tUser Action\tTimestamp",
    "Åsa Ekström\tJoined\t3/4/2021, 1:58:40 PM",
    "Pekka Mäkelä\tJoined before\t3/4/2021, 2:00:00 PM",
    "Matti Meikäläinen (Vieras)\tJoined\t3/4/2021, 2:05:00 PM",
    "",
    "Matti Meikäläinen (Vieras)\tLeft\t3/4/2021, 2:40:00 PM",
    "Matti Meikäläinen (Vieras)\tJoined\t3/4/2021, 2:45:10 PM",
    "Örjan Öhman\tLeft\t3/4/2021, 2:50:00 PM",
    "Pekka Mäkelä\tLeft\t3/4/2021, 3:30:00 PM",
]

# Finnish headers and dotted date-times, UTF-8 with commas (as in a public parser's
# Finnish fixture).
REPORT_FI = [
    "1. Yhteenveto",
    "Kokouksen otsikko,Kehittämispöytä: yksi ovi yrityspalveluihin",
    'Alkamisaika,"22.7.2024 7.05.12"',
    'Päättymisaika,"22.7.2024 8.20.41"',
    "",
    "2. Osallistujat",
    "Nimi,Ensimmäinen liittyminen,Viimeinen poistuminen,Kesto,Sähköposti,Rooli",
    'Åsa Ekström,"22.7.2024 7.02.10","22.7.2024 8.20.30",1 t 18 min 20 s,asa.ekstrom@jarvilaakso.fi,Järjestäjä',
    'Jukka Peltola,"22.7.2024 7.07.00","22.7.2024 7.19.30",12 min 30 s,jukka.peltola@kasvu.fi,Osallistuja',
]


def _write(path, lines, encoding="utf-16"):
    text = "\r\n".join(lines) + "\r\n"
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    elif encoding == "utf-16-le-bom":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    path.write_bytes(data)
    return path


@pytest.fixture
def report_us(tmp_path):
    return _write(tmp_path / "meetingAttendanceReport(Kiertotalous).csv", REPORT_US,
                  "utf-16-le-bom")


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("encoding", ["utf-16-le-bom", "utf-16-be-bom", "utf-8-sig", "utf-8"])
def test_sectioned_report_in_every_encoding(tmp_path, encoding):
    path = _write(tmp_path / "attendance.csv", REPORT_US, encoding)
    assert detect_format(path) == "teams"
    result = read_validated(path)
    data = result.data
    assert data.counts()["events"] == 1
    event = data.events.iloc[0]
    assert event["event_id"] == EVENT_US
    assert event["kind"] == "meeting"
    assert event["title"] == "Kiertotalousverkoston kuukausitapaaminen – maaliskuu"
    assert event["date"] == dt.datetime(2024, 3, 14, 9, 0, 12)
    actors = data.actors.set_index("actor_id")
    assert list(actors.index) == ["asa.ekstrom@jarvilaakso.fi", "pekka.makela@kasvu.fi",
                                  "matti-meikäläinen-guest", "anna.aberg@hubi.fi",
                                  "or.ohman@partner.se"]
    # Names as written (guest suffixes too); e-mail from the UPN when Email is empty.
    assert actors.loc["matti-meikäläinen-guest", "name"] == "Matti Meikäläinen (Guest)"
    assert actors.loc["or.ohman@partner.se", "name"] == "Örjan Öhman (External)"
    assert actors.loc["pekka.makela@kasvu.fi", "email"] == "pekka.makela@kasvu.fi"
    assert set(data.participation["actor_id"]) == set(actors.index)
    assert set(data.participation["event_id"]) == {EVENT_US}
    left = {reason: count for _, reason, count in result.left_out}
    assert left == {"teams_repeat_attendee": 1, "teams_activity_row": 3, "blank_row": 1}


def test_reading_by_name_of_format_and_raw_rows(report_us):
    assert read(report_us, format="teams").counts()["participation"] == 5
    raws = {r.table: r for r in read_teams_raw(report_us)}
    # Row numbers are the lines of the file; the event is on its title's line.
    assert list(raws["events"].rows) == [2]
    assert list(raws["actors"].rows) == [11, 12, 14, 15, 17]


def test_day_first_report(tmp_path):
    path = _write(tmp_path / "ohjausryhma.csv", REPORT_GB, "utf-16-be-bom")
    data = read(path)
    assert data.events.iloc[0]["date"] == dt.datetime(2022, 11, 16, 9, 21, 8)
    assert data.events.iloc[0]["event_id"] == "teams-2022-11-16-0921-verkostohubin-ohjausryhmä"
    assert data.counts()["actors"] == 3


@pytest.mark.parametrize("start, join, expected", [
    ("03/04/24, 09:00:12", "03/04/24, 09:01:00", dt.datetime(2024, 4, 3, 9, 0, 12)),   # 24 h: day first
    ("3/4/24, 9:00:12 AM", "3/4/24, 9:01:00 AM", dt.datetime(2024, 3, 4, 9, 0, 12)),   # AM/PM: month first
    ("3/4/24, 9:00:12 AM", "3/13/24, 9:01:00 AM", dt.datetime(2024, 3, 4, 9, 0, 12)),  # 13 decides
    ("03/04/24, 09:00:12", "13/04/24, 09:01:00", dt.datetime(2024, 4, 3, 9, 0, 12)),   # 13 decides
    ("2024-03-04 09:00:12", "2024-03-04T09:01:00", dt.datetime(2024, 3, 4, 9, 0, 12)),  # ISO
])
def test_day_and_month_order_is_decided_once_per_file(tmp_path, start, join, expected):
    lines = ["1. Summary", "Meeting title\tTyöpaja", f"Start time\t{start}", "",
             "2. Participants", "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail",
             f"Åsa Ekström\t{join}\t\t5m\tasa@hubi.fi"]
    data = read(_write(tmp_path / "r.csv", lines))
    assert data.events.iloc[0]["date"] == expected


def test_finnish_headers_and_dotted_times(tmp_path):
    path = _write(tmp_path / "osallistujat.csv", REPORT_FI, "utf-8")
    assert detect_format(path) == "teams"
    data = read(path)
    event = data.events.iloc[0]
    assert event["title"] == "Kehittämispöytä: yksi ovi yrityspalveluihin"
    assert event["date"] == dt.datetime(2024, 7, 22, 7, 5, 12)
    assert set(data.actors["name"]) == {"Åsa Ekström", "Jukka Peltola"}


def test_legacy_list(tmp_path):
    path = _write(tmp_path / "meetingAttendanceList.csv", LEGACY)
    assert detect_format(path) == "teams"
    result = read_validated(path)
    data = result.data
    event = data.events.iloc[0]
    assert event["date"] == dt.datetime(2021, 3, 4, 13, 58, 40)
    assert event["title"] == "meetingAttendanceList"
    assert event["kind"] == "meeting"
    # Attendees are the people with a join; Örjan only left.
    assert list(data.actors["name"]) == ["Åsa Ekström", "Pekka Mäkelä", "Matti Meikäläinen (Vieras)"]
    assert list(data.actors["actor_id"]) == ["åsa-ekström", "pekka-mäkelä", "matti-meikäläinen-vieras"]
    assert data.counts()["participation"] == 3
    left = {reason: count for _, reason, count in result.left_out}
    assert left == {"blank_row": 1, "teams_left_only": 1}


def test_same_slug_for_two_names_gets_two_ids(tmp_path):
    lines = ["Full Name\tUser Action\tTimestamp",
             "Asa Ek\tJoined\t3/4/2021, 1:58:40 PM",
             "Åsa Ek\tJoined\t3/4/2021, 1:59:00 PM",
             "asa ek\tJoined\t3/4/2021, 1:59:30 PM"]
    data = read(_write(tmp_path / "list.csv", lines))
    assert list(data.actors["actor_id"]) == ["asa-ek", "åsa-ek", "asa-ek-2"]


# --------------------------------------------------------------------------- errors


def test_bad_timestamp_and_duration_name_file_row_and_column(tmp_path):
    lines = list(REPORT_US)
    lines[13] = lines[13].replace("3/14/24, 9:05:00 AM", "3/14/24 kello 9")
    lines[14] = lines[14].replace("1h 58m", "noin tunti")
    path = _write(tmp_path / "broken.csv", lines)
    with pytest.raises(InputError) as info:
        read(path, lenient=False)
    found = {(p.code, p.row, p.column, p.value) for p in info.value.problems}
    assert found == {("teams_bad_timestamp", 14, "First Join", "3/14/24 kello 9"),
                     ("teams_bad_duration", 15, "In-Meeting Duration", "noin tunti")}
    assert all(p.file == str(path) for p in info.value.problems)
    text = info.value.render("en")
    assert "broken.csv, row 14, column 'First Join'" in text
    assert "'noin tunti' is not a duration" in text


def test_bad_summary_time_and_legacy_action(tmp_path):
    lines = list(REPORT_US)
    lines[3] = "Start time\t31/31/24, 9:00:12 AM"
    with pytest.raises(InputError) as info:
        read(_write(tmp_path / "a.csv", lines), lenient=False)
    assert [(p.code, p.row, p.column) for p in info.value.problems] == [
        ("teams_bad_timestamp", 4, "Start time")]
    legacy = list(LEGACY)
    legacy[2] = "Pekka Mäkelä\tLiittyi\t3/4/2021, 2:00:00 PM"
    with pytest.raises(InputError) as info:
        read(_write(tmp_path / "b.csv", legacy), lenient=False)
    assert [(p.code, p.row, p.column, p.value) for p in info.value.problems] == [
        ("teams_bad_action", 3, "User Action", "Liittyi")]


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_LE + "\r\n \r\n".encode("utf-16-le"),
                                  b"\xef\xbb\xbf\n\n"])
def test_empty_file(tmp_path, data):
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read(path, format="teams", lenient=False)
    assert [p.code for p in info.value.problems] == ["empty_file"]
    assert info.value.problems[0].file == str(path)


def test_not_an_attendance_report(tmp_path):
    path = _write(tmp_path / "notes.csv", ["Muistio", "Tapaaminen meni hyvin"], "utf-8")
    assert detect_format(path) != "teams"
    with pytest.raises(InputError) as info:
        read(path, format="teams", lenient=False)
    assert [p.code for p in info.value.problems] == ["teams_no_attendees"]
    assert "First Join" in info.value.render("en")


# --------------------------------------------------------------------------- several reports


def test_several_reports_give_several_events(tmp_path, report_us):
    other = _write(tmp_path / "ohjausryhma.csv",
                   [line.replace("anna.aberg@hubi.fi", "anna.aberg@jarvilaakso.fi") for line in REPORT_GB])
    data = read([report_us, other])
    assert data.counts()["events"] == 2
    assert data.counts()["actors"] == 8
    assert data.participation.groupby("event_id").size().to_dict() == {
        EVENT_US: 5, "teams-2022-11-16-0921-verkostohubin-ohjausryhmä": 3}


def test_same_person_in_two_reports_is_one_actor(tmp_path, report_us, store_path):
    april = _write(tmp_path / "huhtikuu.csv",
                   [line.replace("3/14/24", "4/11/24").replace("maaliskuu", "huhtikuu")
                    for line in REPORT_US[:17]])
    # The same person has the same id and an identical actor row in both reports ...
    rows = [{tuple(r) for r in raw.frame.itertuples(index=False)}
            for path in (report_us, april) for raw in read_raw(path) if raw.table == "actors"]
    assert rows[0] == rows[1]
    # ... so that importing one report after the other keeps one actor per person.
    store = Store(store_path)
    import_files(store, report_us)
    import_files(store, april)
    data = store.load()
    assert data.counts()["events"] == 2
    assert data.counts()["actors"] == 5
    assert data.participation.groupby("actor_id").size().min() == 2


def test_two_overlapping_reports_in_one_read(tmp_path, report_us):
    april = _write(tmp_path / "huhtikuu.csv",
                   [line.replace("3/14/24", "4/11/24").replace("maaliskuu", "huhtikuu")
                    for line in REPORT_US[:17]])
    assert read([report_us, april]).counts()["actors"] == 5


# --------------------------------------------------------------------------- store and CLI


def test_failing_import_leaves_the_store_unchanged(tmp_path, report_us, store_path):
    store = Store(store_path)
    import_files(store, report_us)
    before = (store.counts(), store_path.read_bytes())
    lines = list(REPORT_GB)
    lines[10] = lines[10].replace("1h 3m 30s", "1h 3m 30")
    bad = _write(tmp_path / "bad.csv", lines)
    with pytest.raises(InputError):
        import_files(store, bad, lenient=False)
    assert (store.counts(), store_path.read_bytes()) == before


def test_cli_check(report_us):
    out = subprocess.run([sys.executable, "-m", "verkostolab", "check", str(report_us), "--lang", "en"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "actors: 5" in out.stdout and "events: 1" in out.stdout
    assert "participation: 5" in out.stdout
    assert "3 row(s) of the in-meeting activities" in out.stdout
    assert "1 repeated row(s) of the same attendee" in out.stdout


def test_left_out_messages_render_in_both_languages(report_us):
    result = read_validated(report_us)
    fi = render_left_out(result.left_out, "fi")
    assert any("tyhjää riviä" in line for line in fi)
    assert any("kokouksen aikaisten toimintojen" in line for line in fi)


# --------------------------------------------------------------------------- sniffing


def test_sniffer_leaves_other_files_alone(tmp_path, small_folder, small_xlsx):
    for file in small_folder.iterdir():
        assert not sniff_teams(file)
    assert not sniff_teams(small_xlsx)
    assert not sniff_teams(small_folder)
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target,weight\nÅsa,Pekka,2\n", encoding="utf-8")
    assert not sniff_teams(edges)
    survey = tmp_path / "survey.csv"
    survey.write_text("Timestamp,Name,Whom do you know?\n2024/03/14 9:00:12 AM EET,Åsa,Pekka\n",
                      encoding="utf-8")
    assert not sniff_teams(survey)
    assert not sniff_teams(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- helpers


def test_parse_timestamps_rules():
    parsed, bad, dayfirst = parse_timestamps(["2024/03/14 9:00:12 AM EET", "14.3.2024 klo 9.00",
                                              "3/14/2024 9:00:12", None, "12/1/24, 12:05 AM"])
    assert dayfirst is False
    assert bad == []
    assert parsed[:2] == [dt.datetime(2024, 3, 14, 9, 0, 12), dt.datetime(2024, 3, 14, 9, 0)]
    assert parsed[3] is None
    assert parsed[4] == dt.datetime(2024, 12, 1, 0, 5)
    # Two dates can only be day first, one only month first: day first wins, and the
    # odd one, an impossible date and an impossible hour are bad.
    _, bad, dayfirst = parse_timestamps(["13/1/24, 10:00", "14/2/24, 10:00", "1/13/24, 10:00",
                                         "2/30/24, 10:00 AM", "1/1/24 13:00 PM"])
    assert (bad, dayfirst) == ([2, 3, 4], True)
    # One bad value does not turn the reading of the others.
    parsed, bad, dayfirst = parse_timestamps(["31/31/24, 9:00 AM", "3/14/24, 9:00 AM"])
    assert (bad, dayfirst, parsed[1]) == ([0], False, dt.datetime(2024, 3, 14, 9, 0))
    parsed, bad, _ = parse_timestamps(["1/2/24 10:00"], dayfirst=False)
    assert parsed == [dt.datetime(2024, 1, 2, 10, 0)] and bad == []


@pytest.mark.parametrize("text, seconds", [("2h 2m 28s", 7348), ("45m 3s", 2703), ("59s", 59),
                                           ("1h", 3600), ("18 min 20 s", 1100), ("1 t 5 min", 3900),
                                           ("0:45:03", 2703), ("1.5h", 5400)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "noin tunti", "45", "2h 2x", "1:75", "h 2m"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError):
        parse_duration(text)


# --------------------------------------------------------------------------- properties

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(data=st.binary(max_size=600))
def test_random_bytes_raise_only_input_errors(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    assert sniff_teams(path) in (True, False)
    try:
        read(path, format="teams")
    except InputError:
        pass


_FULL = {
    "us-le": ("\r\n".join(REPORT_US) + "\r\n").encode("utf-16"),
    "gb-be": codecs.BOM_UTF16_BE + ("\r\n".join(REPORT_GB) + "\r\n").encode("utf-16-be"),
    "legacy": ("\r\n".join(LEGACY) + "\r\n").encode("utf-16"),
    "fi-utf8": ("\n".join(REPORT_FI) + "\n").encode("utf-8"),
}


@_SETTINGS
@given(which=st.sampled_from(sorted(_FULL)), cut=st.integers(min_value=0, max_value=3000),
       junk=st.binary(max_size=8))
def test_truncated_reports_raise_only_input_errors(tmp_path, which, cut, junk):
    data = _FULL[which]
    path = tmp_path / "cut.csv"
    path.write_bytes(data[: cut % (len(data) + 1)] + junk)
    assert sniff_teams(path) in (True, False)
    try:
        result = read(path, format="teams")
    except InputError:
        return
    assert result.counts()["events"] == 1


@_SETTINGS
@given(lines=st.lists(st.lists(st.text(alphabet=st.sampled_from("äöåÅ aA1/.:,-h ms\"") , max_size=12),
                               min_size=1, max_size=7), max_size=8))
def test_random_participant_rows_raise_only_input_errors(tmp_path, lines):
    rows = REPORT_US[:10] + ["\t".join(cells) for cells in lines]
    path = _write(tmp_path / "random.csv", rows)
    try:
        read(path, format="teams")
    except InputError:
        pass
