"""Survey exports with roster questions: Google Forms CSV and Microsoft Forms XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.errors import InputError
from verkostolab.io import detect_format, read, read_validated
from verkostolab.io.forms import question_dimension, rating_value, read_forms_raw, sniff_forms
from verkostolab.store import Store
from verkostolab.ingest import import_files

# A Google Forms CSV in English (the form's download: year-first time stamps with a zone).
# Pekka answers twice (the same e-mail), row 5 is empty, the last question is not about
# relations, and "Meikäläinen, Matti" is a name with a comma known from a grid row.
GOOGLE_EN = [
    ["Timestamp", "Email Address", "Your name", "How well do you know [Anna Åberg]",
     "How well do you know [Pekka Mäkelä]", "How well do you know [Meikäläinen, Matti]",
     "How much do you trust [Anna Åberg]", "How much do you trust [Pekka Mäkelä]",
     "Whom do you work with? ", "Which themes interest you?"],
    ["2024/03/14 9:00:12 AM EET", "asa.ekstrom@jarvilaakso.fi", "Åsa Ekström", "Very well",
     "2", "", "5", "3", "Anna Åberg, Meikäläinen, Matti", "Circular economy, funding"],
    ["2024/03/14 9:05:40 AM EET", "pekka.makela@kasvu.fi", "Pekka Mäkelä", "4 - quite well",
     "", "1", "4", "", "Anna Åberg", "Funding"],
    ["2024/03/14 10:12:03 AM EET", "anna.aberg@hubi.fi", "Anna Åberg", "", "5", "3", "", "4",
     "Pekka Mäkelä, Åsa Ekström, Örjan Öhman", ""],
    [],
    ["2024/03/15 2:01:00 PM EET", "Pekka.Makela@kasvu.fi", "Pekka Mäkelä", "5", "", "", "5", "",
     "Anna Åberg, Åsa Ekström", ""],
]

# The same kind of survey in Finnish, saved from Sheets with a Finnish locale.
GOOGLE_FI = [
    ["Aikaleima", "Sähköpostiosoite", "Nimesi", "Kuinka hyvin tunnet [Anna Åberg]",
     "Kuinka hyvin tunnet [Åsa Ekström]", "Kuinka paljon luotat [Anna Åberg]",
     "Kuinka sitoutunut olet yhteistyöhön [Anna Åberg]", "Ketä muita tunnet?",
     "Organisaatiosi"],
    ["14.3.2024 9.00.12", "asa.ekstrom@jarvilaakso.fi", "Åsa Ekström", "Erittäin hyvin", "",
     "4", "3", "Örjan Öhman, Sanna Mäkelä", "Järvilaakson kaupunki"],
    ["14.3.2024 9.20.40", "", "Örjan Öhman", "hieman", "3", "", "", "Ei kukaan", "Hubi ry"],
]

# A Microsoft Forms export: ID, Start time, Completion time, Email, Name, Last modified
# time; multiple answers as "A;B;"; one anonymous response without a name.
MS_HEADER = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
             "Kenen kanssa teet yhteistyötä?", "Whom do you ask for advice?",
             "Kuinka hyvin tunnet [Anna Åberg]", "Mikä teemoista kiinnostaa sinua?"]
MS_ROWS = [
    [1, dt.datetime(2024, 3, 14, 9, 0, 5), dt.datetime(2024, 3, 14, 9, 4, 12),
     "asa.ekstrom@jarvilaakso.fi", "Åsa Ekström", None, "Anna Åberg;Pekka Mäkelä;",
     "Anna Åberg;", 5, "Kiertotalous"],
    [2, dt.datetime(2024, 3, 14, 9, 10), dt.datetime(2024, 3, 14, 9, 12, 30),
     "anonymous", None, None, "Åsa Ekström;", None, 3, "Rahoitus"],
    None,
    [3, dt.datetime(2024, 3, 14, 10, 0), dt.datetime(2024, 3, 14, 10, 3, 1),
     "anna.aberg@hubi.fi", "Anna Åberg", None, "Åsa Ekström;Örjan Öhman;", "Åsa Ekström;",
     None, None],
    [4, dt.datetime(2024, 3, 15, 8, 0), dt.datetime(2024, 3, 15, 8, 1, 0),
     "asa.ekstrom@jarvilaakso.fi", "Åsa Ekström", None, "Pekka Mäkelä;", None, 4, None],
]


def _csv(path, rows, *, encoding="utf-8", delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _xlsx(path, header, rows, *, title="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row or [])
    wb.save(path)
    return path


@pytest.fixture
def google_en(tmp_path):
    return _csv(tmp_path / "Verkostokysely (Responses) - Form responses 1.csv", GOOGLE_EN)


@pytest.fixture
def ms_forms(tmp_path):
    return _xlsx(tmp_path / "Verkostokysely(1-4).xlsx", MS_HEADER, MS_ROWS)


def _ties(data):
    ties = data.ties
    return {(r.source, r.target, r.date.date().isoformat()): r for r in ties.itertuples()}


# --------------------------------------------------------------------------- Google Forms


def test_google_forms_csv(google_en):
    assert detect_format(google_en) == "forms"
    result = read_validated(google_en)
    data = result.data
    actors = data.actors.set_index("actor_id")
    assert list(actors.index) == ["asa.ekstrom@jarvilaakso.fi", "pekka.makela@kasvu.fi",
                                  "anna.aberg@hubi.fi", "meikäläinen-matti", "örjan-öhman"]
    assert actors.loc["meikäläinen-matti", "name"] == "Meikäläinen, Matti"
    assert actors.loc["örjan-öhman", "email"] is None
    ties = _ties(data)
    asa_anna = ties[("asa.ekstrom@jarvilaakso.fi", "anna.aberg@hubi.fi", "2024-03-14")]
    assert (asa_anna.knowing, asa_anna.trust, asa_anna.kind) == (5, 5, "collaboration")
    assert asa_anna.date == dt.datetime(2024, 3, 14, 9, 0, 12)
    asa_pekka = ties[("asa.ekstrom@jarvilaakso.fi", "pekka.makela@kasvu.fi", "2024-03-14")]
    assert (asa_pekka.knowing, asa_pekka.trust, asa_pekka.kind) == (2, 3, None)
    # The name with a comma stays whole.
    assert ties[("asa.ekstrom@jarvilaakso.fi", "meikäläinen-matti", "2024-03-14")].kind == "collaboration"
    # Pekka's two responses are both kept, from one actor.
    assert ties[("pekka.makela@kasvu.fi", "anna.aberg@hubi.fi", "2024-03-15")].knowing == 5
    assert ties[("pekka.makela@kasvu.fi", "meikäläinen-matti", "2024-03-14")].knowing == 1
    assert ("anna.aberg@hubi.fi", "örjan-öhman", "2024-03-14") in ties
    assert data.counts()["ties"] == 11
    left = {reason: count for _, reason, count in result.left_out}
    assert left == {"blank_row": 1, "forms_other_question": 1}


def test_google_forms_in_finnish(tmp_path):
    path = _csv(tmp_path / "kysely.csv", GOOGLE_FI, delimiter=";")
    assert detect_format(path) == "forms"
    result = read_validated(path)
    data = result.data
    ties = _ties(data)
    asa_anna = ties[("asa.ekstrom@jarvilaakso.fi", "anna-åberg", "2024-03-14")]
    assert (asa_anna.knowing, asa_anna.trust, asa_anna.commitment) == (5, 4, 3)
    assert asa_anna.date == dt.datetime(2024, 3, 14, 9, 0, 12)
    assert ties[("asa.ekstrom@jarvilaakso.fi", "sanna-mäkelä", "2024-03-14")].kind == "knows"
    # Örjan answered without an e-mail: his id comes from his name, and Åsa's list
    # names him, so both point at the same actor.
    assert ties[("örjan-öhman", "asa.ekstrom@jarvilaakso.fi", "2024-03-14")].knowing == 3
    assert ("asa.ekstrom@jarvilaakso.fi", "örjan-öhman", "2024-03-14") in ties
    assert ties[("örjan-öhman", "anna-åberg", "2024-03-14")].knowing == 2
    assert "ei-kukaan" not in set(data.actors["actor_id"])
    left = {reason: count for _, reason, count in result.left_out}
    assert left == {"forms_other_question": 1}


def test_month_first_timestamps_from_sheets(tmp_path):
    rows = [["Timestamp", "Name", "Whom do you know?"],
            ["3/4/2024 9:00:12", "Åsa Ekström", "Anna Åberg"],
            ["3/14/2024 10:00:00", "Anna Åberg", "Åsa Ekström"]]
    data = read(_csv(tmp_path / "s.csv", rows))
    assert sorted(data.ties["date"]) == [dt.datetime(2024, 3, 4, 9, 0, 12), dt.datetime(2024, 3, 14, 10)]


def test_self_answers_and_anonymous_responses_are_counted(tmp_path):
    rows = [["Timestamp", "Email Address", "Name", "How well do you know [Åsa Ekström]"],
            ["2024/03/14 9:00:12 AM EET", "asa.ekstrom@jarvilaakso.fi", "Åsa Ekström", "5"],
            ["2024/03/14 9:01:12 AM EET", "", "", "3"],
            ["2024/03/14 9:02:12 AM EET", "", "Anna Åberg", "4"]]
    result = read_validated(_csv(tmp_path / "s.csv", rows))
    assert result.data.counts()["ties"] == 1
    left = {reason: count for _, reason, count in result.left_out}
    assert left == {"forms_self_answer": 1, "forms_anonymous_response": 1}


# --------------------------------------------------------------------------- Microsoft Forms


def test_microsoft_forms_xlsx(ms_forms):
    assert detect_format(ms_forms) == "forms"
    result = read_validated(ms_forms)
    data = result.data
    assert list(data.actors["actor_id"]) == ["asa.ekstrom@jarvilaakso.fi", "anna.aberg@hubi.fi",
                                             "pekka-mäkelä", "örjan-öhman"]
    ties = _ties(data)
    asa_anna = ties[("asa.ekstrom@jarvilaakso.fi", "anna.aberg@hubi.fi", "2024-03-14")]
    # Work-with before advice; the knowing grid gives the rating.
    assert (asa_anna.kind, asa_anna.knowing) == ("collaboration", 5)
    assert asa_anna.date == dt.datetime(2024, 3, 14, 9, 4, 12)
    assert ties[("anna.aberg@hubi.fi", "asa.ekstrom@jarvilaakso.fi", "2024-03-14")].kind == "collaboration"
    assert ties[("asa.ekstrom@jarvilaakso.fi", "pekka-mäkelä", "2024-03-15")].kind == "collaboration"
    assert data.counts()["ties"] == 6
    left = {reason: count for _, reason, count in result.left_out}
    assert left == {"blank_row": 1, "forms_other_question": 1, "forms_anonymous_response": 1}
    raws = {r.table: r for r in read_forms_raw(ms_forms)}
    assert raws["ties"].sheet == "Sheet1"
    assert list(raws["ties"].rows) == [2, 2, 5, 5, 6, 6]


def test_microsoft_forms_with_text_times_and_no_email(tmp_path):
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Ketä tunnet?"]
    rows = [[1, "3/14/24 9:00:05", "3/14/24 9:04:12", "anonymous", "Åsa Ekström", "Anna Åberg;"]]
    data = read(_xlsx(tmp_path / "f.xlsx", header, rows))
    tie = data.ties.iloc[0]
    assert (tie["source"], tie["target"], tie["kind"]) == ("åsa-ekström", "anna-åberg", "knows")
    assert tie["date"] == dt.datetime(2024, 3, 14, 9, 4, 12)


# --------------------------------------------------------------------------- errors


def test_bad_rating_and_timestamp_name_file_row_and_column(tmp_path):
    rows = [list(r) for r in GOOGLE_EN]
    rows[2][4] = "kyllä"
    rows[3][0] = "2024/13/45 9:00:12 AM EET"
    path = _csv(tmp_path / "broken.csv", rows)
    with pytest.raises(InputError) as info:
        read(path, lenient=False)
    found = {(p.code, p.row, p.column, p.value) for p in info.value.problems}
    assert found == {("forms_bad_rating", 3, "How well do you know [Pekka Mäkelä]", "kyllä"),
                     ("forms_bad_timestamp", 4, "Timestamp", "2024/13/45 9:00:12 AM EET")}
    text = info.value.render("en")
    assert "broken.csv, row 3, column 'How well do you know [Pekka Mäkelä]'" in text


def test_bad_rating_in_a_workbook_names_the_sheet(tmp_path):
    rows = [list(r) if r else None for r in MS_ROWS]
    rows[0][8] = 7
    path = _xlsx(tmp_path / "f.xlsx", MS_HEADER, rows, title="Lomake1")
    with pytest.raises(InputError) as info:
        read(path, format="forms", lenient=False)
    [problem] = info.value.problems
    assert (problem.code, problem.sheet, problem.row, problem.column) == (
        "forms_bad_rating", "Lomake1", 2, "Kuinka hyvin tunnet [Anna Åberg]")


def test_no_roster_question(tmp_path):
    rows = [["Timestamp", "Your name", "Which themes interest you?"],
            ["2024/03/14 9:00:12 AM EET", "Åsa Ekström", "Funding"]]
    path = _csv(tmp_path / "themes.csv", rows)
    assert detect_format(path) == "forms"
    with pytest.raises(InputError) as info:
        read(path, lenient=False)
    [problem] = info.value.problems
    assert (problem.code, problem.file, problem.row) == ("forms_no_roster_question", str(path), 1)
    assert "How well do you know [Anna Åberg]" in problem.render("en")
    assert "tunnet" in problem.render("fi")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n"])
def test_empty_file(tmp_path, data):
    path = tmp_path / "empty.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read(path, format="forms", lenient=False)
    assert [p.code for p in info.value.problems] == ["empty_file"]


def test_broken_workbook(tmp_path, ms_forms):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(ms_forms.read_bytes()[:900])
    with pytest.raises(InputError) as info:
        read(path, format="forms", lenient=False)
    assert info.value.problems[0].code == "unreadable"


# --------------------------------------------------------------------------- store and CLI


def test_failing_import_leaves_the_store_unchanged(tmp_path, google_en, store_path):
    store = Store(store_path)
    import_files(store, google_en)
    before = (store.counts(), store_path.read_bytes())
    rows = [list(r) for r in GOOGLE_FI]
    rows[2][3] = "ehkä"
    with pytest.raises(InputError):
        import_files(store, _csv(tmp_path / "bad.csv", rows), lenient=False)
    assert (store.counts(), store_path.read_bytes()) == before
    # Importing the same file again changes nothing.
    import_files(store, google_en)
    assert store.counts() == before[0]


def test_cli_check(ms_forms):
    out = subprocess.run([sys.executable, "-m", "verkostolab", "check", str(ms_forms), "--lang", "en"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "ties: 6" in out.stdout and "actors: 4" in out.stdout
    assert "1 response(s) without a name or e-mail left out" in out.stdout


# --------------------------------------------------------------------------- sniffing


def test_sniffer_leaves_other_files_alone(tmp_path, small_folder, small_xlsx):
    for file in small_folder.iterdir():
        assert not sniff_forms(file)
    assert not sniff_forms(small_xlsx)
    assert detect_format(small_xlsx) == "workbook"
    edges = tmp_path / "edges.csv"
    edges.write_text("timestamp,source,target\n2024-03-14,Åsa,Pekka\n", encoding="utf-8")
    assert not sniff_forms(edges)
    teams = tmp_path / "teams.csv"
    teams.write_bytes("1. Summary\r\nMeeting title\tX\r\n".encode("utf-16"))
    assert not sniff_forms(teams)
    assert not sniff_forms(tmp_path)


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize("question, dimension", [
    ("Whom do you work with? ", "collaboration"), ("Kenen kanssa teet yhteistyötä?", "collaboration"),
    ("How much do you trust", "trust"), ("Kehen luotat?", "trust"),
    ("Kuinka sitoutunut olet", "commitment"), ("How committed are you to working with", "commitment"),
    ("Ketä tunnet?", "knowing"), ("Whom do you know?", "knowing"), ("Vem känner du?", "knowing"),
    ("Keneltä kysyt neuvoa?", "advice"), ("Which themes interest you?", None),
    ("Share your knowledge", None)])
def test_question_dimension(question, dimension):
    assert question_dimension(question) == dimension


@pytest.mark.parametrize("value", ["0", "6", "kyllä", True, 2.5, "", "ehkä"])
def test_rating_value_refuses(value):
    with pytest.raises(ValueError):
        rating_value(value)


# --------------------------------------------------------------------------- properties

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(data=st.binary(max_size=600), magic=st.booleans())
def test_random_bytes_raise_only_input_errors(tmp_path, data, magic):
    path = tmp_path / "random.csv"
    path.write_bytes((b"PK\x03\x04" if magic else b"") + data)
    assert sniff_forms(path) in (True, False)
    try:
        read(path, format="forms")
    except InputError:
        pass


def _google_bytes():
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(GOOGLE_EN)
    return buffer.getvalue().encode("utf-8")


_GOOGLE = _google_bytes()


@_SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(_GOOGLE)), junk=st.binary(max_size=6))
def test_truncated_csv_raises_only_input_errors(tmp_path, cut, junk):
    path = tmp_path / "cut.csv"
    path.write_bytes(_GOOGLE[:cut] + junk)
    assert sniff_forms(path) in (True, False)
    try:
        read(path, format="forms")
    except InputError:
        pass


@_SETTINGS
@given(cut=st.integers(min_value=0, max_value=12000))
def test_truncated_workbook_raises_only_input_errors(tmp_path, ms_forms, cut):
    data = ms_forms.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: cut % (len(data) + 1)])
    assert sniff_forms(path) in (True, False)
    try:
        read(path, format="forms")
    except InputError:
        pass


@_SETTINGS
@given(cells=st.lists(st.lists(st.one_of(st.none(), st.text(alphabet="AaÅäö ,;12345-/.:[]", max_size=14),
                                         st.integers(-3, 9)), min_size=1, max_size=10), max_size=6))
def test_random_answers_raise_only_input_errors(tmp_path, cells):
    rows = [GOOGLE_EN[0]] + [["" if c is None else c for c in row] for row in cells]
    path = _csv(tmp_path / "random.csv", rows)
    try:
        read(path, format="forms")
    except InputError:
        pass
