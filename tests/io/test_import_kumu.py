"""Kumu spreadsheets: a realistic map as an .xlsx workbook (Elements, Connections, an
ignored sheet), as a folder of CSV files (Finnish Excel and Google Sheets flavours) and
as one connections-only CSV; errors naming file, sheet, row and column; the store left
as it was; random and truncated input."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.errors import InputError
from verkostolab.io import detect_format, read, read_validated
from verkostolab.io.kumu import read_kumu_raw, sniff_kumu
from verkostolab.store import Store
from verkostolab.ingest import import_files

# Columns in Kumu's own order and case, with a few extra fields as people add them.
ELEMENTS = [
    ["Label", "Type", "Description", "Tags", "Organization", "Sector", "Email", "Role"],
    ["Åsa Ek", "Person", "Fasilitoi verkoston tapaamiset", "fasilitointi|verkostot",
     "Verkostohubi ry", None, "asa.ek@verkostohubi.fi", "verkostokoordinaattori"],
    ["Äijä Öhman", "Henkilö", "Kiertotalousyrittäjä", "kiertotalous|rahoitus",
     "Järvilaakson Kasvu Oy", None, "aija.ohman@jarvilaaksonkasvu.fi", "toimitusjohtaja"],
    ["Sanna Mäkelä", "Person", None, "yrityspalvelut", "Järvilaakson kaupunki", None, None, None],
    [None, None, None, None, None, None, None, None],                    # an empty row
    ["Åsa Ek", "Person", "sama rivi uudelleen", None, None, None, None, None],  # same label
    ["Sanna Makela", "Person", "toinen tunnus samalle ihmiselle", None, None, None,
     "sanna.makela@example.org", None],                                # the same person?
    ["Björn Åström", "Person", None, "tutkimus", "Åbo Akademi", "tutkimus", None, "forskare"],
    ["Verkostohubi ry", "Organization", "Alueen verkostohubi", None, None, "kolmas sektori",
     None, None],
    ["Järvilaakson Kasvu Oy", "Company", None, None, None, "yksityinen", None, None],
    ["Järvilaakson kaupunki", "Kunta", None, None, None, "julkinen", None, None],
]
CONNECTIONS = [
    ["From", "To", "Type", "Direction", "Strength", "Tags", "Description"],
    ["Åsa Ek", "Äijä Öhman", "tuntee", "mutual", 4, None, "tavattu 2023"],
    ["Åsa Ek", "Sanna Mäkelä|Björn Åström", "yhteistyö", "directed", 3, None, None],
    ["Äijä Öhman", "Järvilaakson Kasvu Oy", "works at", "directed", None, None, None],
    ["Sanna Makela", "Åsa Ek", "Personal", None, "Strong", None, None],
    [None, None, None, None, None, None, None],                          # an empty row
    ["Björn Åström", "Ville Väätäinen", "neuvonta", None, 2, None, "ei elementtilistalla"],
    ["Åsa Ek", "Åsa Ek", "tuntee", None, None, None, None],
    ["Äijä Öhman|Sanna Mäkelä", "Björn Åström", "tiedonvaihto", "undirected", "1,5", None, None],
]
NOTES = [["Muistiinpanot"], ["Tämä välilehti ei kuulu karttaan."]]
GUIDE = [["Ohje"], ["Täytä Elements ja Connections."]]

EXPECTED_TIES = {
    ("Åsa Ek", "Äijä Öhman", "knows", 4.0),
    ("Åsa Ek", "Sanna Mäkelä", "collaboration", 3.0),
    ("Åsa Ek", "Björn Åström", "collaboration", 3.0),
    ("Sanna Makela", "Åsa Ek", "other", None),
    ("Björn Åström", "Ville Väätäinen", "advice", 2.0),
    ("Äijä Öhman", "Björn Åström", "information_exchange", 1.5),
    ("Sanna Mäkelä", "Björn Åström", "information_exchange", 1.5),
}
EXPECTED_LEFT_OUT = {"blank_row": 2, "kumu_duplicate_element": 1, "kumu_implicit_element": 1,
                     "kumu_organisation_connection": 1, "kumu_self_connection": 1,
                     "kumu_unknown_type": 1, "kumu_strength_text": 1}


def write_kumu_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def csv_bytes(rows, *, delimiter=",", encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if c is None else c for c in row] for row in rows])
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def kumu_xlsx(tmp_path) -> Path:
    return write_kumu_xlsx(tmp_path / "Järvilaakso-kartta.xlsx",
                           {"Elements": ELEMENTS, "Connections": CONNECTIONS,
                            "Muistiinpanot (ignore)": NOTES, "Ohje": GUIDE})


@pytest.fixture
def kumu_folder(tmp_path) -> Path:
    """Elements saved by Finnish Excel (cp1252, ';'), connections by Google Sheets."""
    folder = tmp_path / "kumu-csv"
    folder.mkdir()
    (folder / "Järvilaakso - Elements.csv").write_bytes(
        csv_bytes(ELEMENTS, delimiter=";", encoding="cp1252"))
    (folder / "Järvilaakso - Connections.csv").write_bytes(csv_bytes(CONNECTIONS))
    return folder


def ties_of(data) -> set[tuple]:
    t = data.ties
    weights = [None if w != w else float(w) for w in t["weight"]]
    return set(zip(t["source"], t["target"], t["kind"], weights))


def left_out_of(path) -> dict[str, int]:
    out: dict[str, int] = {}
    for _file, reason, count in read_validated(path).left_out:
        out[reason] = out.get(reason, 0) + count
    return out


# --------------------------------------------------------------------------- reading


def test_workbook_elements_become_actors_and_organisations(kumu_xlsx):
    assert detect_format(kumu_xlsx) == "kumu"
    data = read(kumu_xlsx)
    assert data.counts() == {"organisations": 4, "actors": 6, "events": 0, "participation": 0,
                             "ties": 7, "assessments": 0, "goals": 0}
    actors = data.actors.set_index("actor_id")
    assert actors.loc["Åsa Ek", "name"] == "Åsa Ek"
    assert actors.loc["Åsa Ek", "organisation_id"] == "Verkostohubi ry"
    assert actors.loc["Åsa Ek", "keywords"] == "fasilitointi, verkostot"
    assert actors.loc["Åsa Ek", "email"] == "asa.ek@verkostohubi.fi"
    assert actors.loc["Äijä Öhman", "role"] == "toimitusjohtaja"
    assert actors.loc["Björn Åström", "organisation_id"] == "Åbo Akademi"
    # two spellings of one person stay two actors; the repeated label is one
    assert {"Sanna Mäkelä", "Sanna Makela"} <= set(actors.index)
    assert actors.loc["Ville Väätäinen", "name"] == "Ville Väätäinen"   # named only in a connection
    orgs = data.organisations.set_index("organisation_id")
    assert orgs.loc["Verkostohubi ry", "sector"] == "third_sector"
    assert orgs.loc["Järvilaakson Kasvu Oy", "kind"] == "company"
    assert orgs.loc["Järvilaakson kaupunki", "kind"] == "municipality"
    assert orgs.loc["Järvilaakson kaupunki", "sector"] == "public"
    assert orgs.loc["Åbo Akademi", "sector"] == "research"               # from Björn's row
    assert ties_of(data) == EXPECTED_TIES


def test_workbook_left_out_is_counted(kumu_xlsx):
    assert left_out_of(kumu_xlsx) == {**EXPECTED_LEFT_OUT, "kumu_ignored_sheet": 1,
                                      "kumu_other_sheet": 1}
    files = {file for file, _r, _c in read_validated(kumu_xlsx).left_out}
    assert files == {str(kumu_xlsx)}


def test_csv_folder_reads_like_the_workbook(kumu_folder, kumu_xlsx):
    assert sniff_kumu(kumu_folder)
    assert detect_format(kumu_folder) == "kumu"
    data = read(kumu_folder)
    assert data.counts() == read(kumu_xlsx).counts()
    assert ties_of(data) == EXPECTED_TIES
    assert left_out_of(kumu_folder) == EXPECTED_LEFT_OUT


def test_one_connections_csv_creates_its_actors(tmp_path):
    path = tmp_path / "kumu-connections.csv"
    path.write_bytes(csv_bytes(CONNECTIONS, encoding="utf-8"))
    assert detect_format(path) == "kumu"
    data = read(path)
    # without an elements sheet every end is an actor, organisations included
    assert "Järvilaakson Kasvu Oy" in set(data.actors["actor_id"])
    assert len(data.ties) == 8
    left = left_out_of(path)
    assert "kumu_implicit_element" not in left and left["kumu_self_connection"] == 1


def test_columns_in_any_order_and_case(tmp_path):
    elements = [["tags", "ID", "LABEL", "type"],
                ["verkostot", "p-1", "Åsa Ek", "person"],
                [None, "o-1", "Verkostohubi ry", "organisaatio"]]
    connections = [["strength", "TO", "from", "Tunteminen", "Päivämäärä"],
                   [2, "Verkostohubi ry", "Åsa Ek", None, None],
                   [5, "p-2", "p-1", 4, "14.3.2024"]]
    path = write_kumu_xlsx(tmp_path / "kartta.xlsx", {"Elements": elements, "Yhteydet": connections})
    assert sniff_kumu(path)
    data = read(path)
    assert set(data.actors["actor_id"]) == {"p-1", "p-2"}
    assert list(data.organisations["organisation_id"]) == ["o-1"]
    tie = data.ties.iloc[0]
    assert (tie["source"], tie["target"], tie["weight"], tie["knowing"]) == ("p-1", "p-2", 5.0, 4)
    assert str(tie["date"].date()) == "2024-03-14"


def test_mean_ratings_are_rounded_and_counted(tmp_path):
    connections = [["From", "To", "Luottamus", "Sitoutuminen"],
                   ["Åsa Ek", "Äijä Öhman", 3.5, 2],
                   ["Äijä Öhman", "Åsa Ek", "4,5", None]]
    path = write_kumu_xlsx(tmp_path / "kumu-keskiarvot.xlsx", {"Connections": connections})
    data = read(path)
    assert list(data.ties["trust"]) == [4, 5]
    assert [None if v is pd.NA else v for v in data.ties["commitment"]] == [2, None]
    assert left_out_of(path) == {"kumu_rating_rounded": 2}
    connections[1][2] = 7                                       # out of range: an error
    write_kumu_xlsx(path, {"Connections": connections})
    with pytest.raises(InputError) as info:
        read(path, lenient=False)
    assert [(p.row, p.column, p.code) for p in info.value.problems] == [
        (2, "Luottamus", "invalid_rating")]


def test_reads_back_the_kumu_export(tmp_path):
    export = pytest.importorskip("verkostolab.export")
    from verkostolab.datasets import load_sample

    sample = load_sample()
    path = export.write_kumu(sample, tmp_path / "kumu.xlsx", lang="fi")
    assert detect_format(path) == "kumu"
    data = read(path)
    assert sorted(data.actors["name"]) == sorted(sample.actors["name"])
    assert set(data.organisations["name"]) <= set(sample.organisations["name"])
    assert len(data.ties) > 0 and data.ties["weight"].notna().all()


def test_sniffer_leaves_the_projects_own_files_and_edge_lists_alone(small_xlsx, small_folder,
                                                                    tmp_path):
    assert not sniff_kumu(small_xlsx) and detect_format(small_xlsx) == "workbook"
    assert not sniff_kumu(small_folder) and detect_format(small_folder) == "csv"
    edges = tmp_path / "verkosto.csv"
    edges.write_text("from,to,weight\nÅsa Ek,Äijä Öhman,2\n", encoding="utf-8")
    assert not sniff_kumu(edges) and detect_format(edges) == "edgelist"
    ties = tmp_path / "ties.csv"
    ties.write_text("from,to\nP1,P2\n", encoding="utf-8")
    assert not sniff_kumu(ties) and detect_format(ties) == "csv"
    english = write_kumu_xlsx(tmp_path / "own.xlsx", {
        "actors": [["actor_id", "name"], ["P1", "Åsa Ek"], ["P2", "Äijä Öhman"]],
        "ties": [["from", "to"], ["P1", "P2"]]})
    assert not sniff_kumu(english) and detect_format(english) == "workbook"
    assert not sniff_kumu(tmp_path / "missing.xlsx")


def test_reading_twice_into_a_store_adds_nothing_the_second_time(kumu_xlsx, tmp_path):
    store = Store(tmp_path / "verkosto.sqlite")
    assert import_files(store, kumu_xlsx).new["ties"] == 7
    again = import_files(store, kumu_xlsx)
    assert sum(again.new.values()) == 0 and again.skipped["actors"] == 6


# --------------------------------------------------------------------------- errors


def test_missing_to_and_label_name_sheet_row_and_column(tmp_path):
    elements = ELEMENTS + [[None, "Person", "nimi puuttuu", None, None, None, None, None]]
    connections = CONNECTIONS + [["Åsa Ek", None, "tuntee", None, 3, None, None]]
    path = write_kumu_xlsx(tmp_path / "rikki.xlsx", {"Elements": elements,
                                                     "Connections": connections})
    with pytest.raises(InputError) as info:
        read(path, lenient=False)
    found = {(p.sheet, p.row, p.column, p.code) for p in info.value.problems}
    assert found == {("Elements", len(elements), "Label", "required_value"),
                     ("Connections", len(connections), "To", "required_value")}
    assert all(p.file == str(path) for p in info.value.problems)
    text = info.value.render("en")
    assert "sheet 'Connections'" in text and f"row {len(connections)}" in text


def test_bad_values_are_named_by_the_sheets_own_headers(tmp_path):
    elements = [row[:] for row in ELEMENTS]
    elements[8][5] = "sekalainen"                              # sector
    connections = [row[:] for row in CONNECTIONS]
    connections[1][4] = -2                                      # strength
    path = write_kumu_xlsx(tmp_path / "arvot.xlsx", {"Elements": elements,
                                                     "Connections": connections})
    with pytest.raises(InputError) as info:
        read(path, lenient=False)
    found = {(p.sheet, p.row, p.column, p.code) for p in info.value.problems}
    assert found == {("Elements", 9, "Sector", "invalid_value"),
                     ("Connections", 2, "Strength", "negative_number")}


def test_no_kumu_sheet(tmp_path):
    path = write_kumu_xlsx(tmp_path / "tyhja.xlsx", {"Ohje": GUIDE})
    with pytest.raises(InputError) as info:
        read(path, format="kumu", lenient=False)
    assert info.value.problems[0].code == "kumu_no_sheets"
    assert "Label" in info.value.render("en")


def test_failing_import_leaves_the_store_as_it_was(tmp_path, small_folder):
    store = Store(tmp_path / "verkosto.sqlite")
    import_files(store, small_folder)
    counts = store.counts()
    store.close()
    before = (tmp_path / "verkosto.sqlite").read_bytes()
    broken = write_kumu_xlsx(tmp_path / "rikki.xlsx", {
        "Elements": ELEMENTS, "Connections": CONNECTIONS + [[None, "Åsa Ek", None, None, None]]})
    store = Store(tmp_path / "verkosto.sqlite")
    with pytest.raises(InputError):
        import_files(store, broken, lenient=False)
    assert store.counts() == counts
    store.close()
    assert (tmp_path / "verkosto.sqlite").read_bytes() == before


def test_command_line_check(kumu_xlsx):
    run = subprocess.run([sys.executable, "-m", "verkostolab", "check", str(kumu_xlsx),
                          "--lang", "en"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "ties: 7" in run.stdout and "organisations: 4" in run.stdout
    assert "1 sheet(s) marked (ignore) skipped" in run.stdout
    assert "added as actors (check the spelling)" in run.stdout


# --------------------------------------------------------------------------- random input

_settings = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
_cell = (st.none() | st.integers(-5, 10) | st.floats(allow_nan=False, allow_infinity=False)
         | st.sampled_from(["Åsa Ek", "Äijä Öhman", "Åsa Ek|Björn Åström", "|", " ", "Person",
                            "Organization", "Company", "tuntee", "Strong", "-1", "1,5",
                            "sekalainen", "julkinen", "=1/0"])
         | st.text(alphabet="abcåäöÅ|; ,\"", max_size=8))
_rows = st.lists(st.lists(_cell, min_size=0, max_size=6), max_size=6)


def _only_input_errors(path: Path) -> None:
    try:
        read_kumu_raw(path)
    except InputError:
        pass
    sniff_kumu(path)  # never raises


@_settings
@given(elements=_rows, connections=_rows)
def test_random_sheets_raise_only_input_errors(tmp_path, elements, connections):
    path = write_kumu_xlsx(tmp_path / "random.xlsx", {
        "Elements": [["Label", "Type", "Organization", "Sector"], *elements],
        "Connections": [["From", "To", "Type", "Strength"], *connections]})
    try:
        read_validated(path, format="kumu")  # the reader, then validation
    except InputError:
        pass
    sniff_kumu(path)


@_settings
@given(rows=_rows, header=st.sampled_from([["Label", "Type"], ["From", "To", "Strength"],
                                           ["label", "from", "to"], []]))
def test_random_csv_raise_only_input_errors(tmp_path, rows, header):
    path = tmp_path / "kumu-connections.csv"
    path.write_bytes(csv_bytes([header, *rows], encoding="utf-8"))
    _only_input_errors(path)


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("k") / "k.xlsx"
    return write_kumu_xlsx(path, {"Elements": ELEMENTS, "Connections": CONNECTIONS}).read_bytes()


@_settings
@given(data=st.data())
def test_truncated_and_damaged_workbooks_raise_only_input_errors(tmp_path, workbook_bytes, data):
    cut = data.draw(st.integers(0, len(workbook_bytes) - 1))
    damaged = bytearray(workbook_bytes[:cut] if data.draw(st.booleans()) else workbook_bytes)
    for _ in range(data.draw(st.integers(0, 4))):
        if damaged:
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(damaged))
    _only_input_errors(path)


@_settings
@given(blob=st.binary(max_size=400), suffix=st.sampled_from([".xlsx", ".csv"]))
def test_random_bytes_raise_only_input_errors(tmp_path, blob, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(blob)
    _only_input_errors(path)
    folder = tmp_path / "folder"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "elements.csv").write_bytes(blob)
    _only_input_errors(folder)
