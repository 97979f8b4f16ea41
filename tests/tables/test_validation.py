"""Readers and validation on good and bad input: every problem names file, row, column."""

from __future__ import annotations

import pandas as pd
import pytest

from verkostolab import InputError, read
from verkostolab.io import read_validated
from verkostolab.tables.validation import parse_date

from support.files import write_csv_folder, write_xlsx


def problems(exc: InputError, lang="en"):
    return [p.render(lang) for p in exc.problems]


def test_small_folder_reads_with_finnish_headers_and_labels(small_folder):
    data = read(small_folder)
    assert data.counts() == {"organisations": 3, "actors": 3, "events": 2, "participation": 5,
                             "ties": 2, "assessments": 0, "goals": 0}
    orgs = data.organisations.set_index("organisation_id")
    assert orgs.loc["O2", "sector"] == "third_sector"
    assert orgs.loc["O2", "kind"] == "network_hub"
    events = data.events.set_index("event_id")
    assert events.loc["E1", "date"] == pd.Timestamp("2024-03-14")
    assert events.loc["E2", "kind"] == "co_development"
    assert events.loc["E2", "level"] == "service_path"
    ties = data.ties
    assert ties["trust"].tolist() == [3, 2]
    assert ties["commitment"].isna().tolist() == [False, True]
    assert data.actors.set_index("actor_id").loc["P1", "name"] == "Äijä Öhman"


def test_workbook_and_folder_give_the_same_tables(small_folder, small_xlsx):
    a, b = read(small_folder), read(small_xlsx)
    for name, frame in a.tables().items():
        pd.testing.assert_frame_equal(frame, b.table(name), check_dtype=True)


@pytest.mark.parametrize("encoding,delimiter", [
    ("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";"), ("utf-16", "\t"), ("utf-16-be", ","),
])
def test_encodings_and_delimiters_that_excel_writes(tmp_path, small_tables, encoding, delimiter):
    tables = small_tables
    if encoding == "utf-16-be":  # with a byte-order mark, as Windows writes it
        folder = tmp_path / "f"
        folder.mkdir()
        for name, rows in tables.items():
            text = "\n".join(delimiter.join(f'"{c}"' for c in r) for r in rows) + "\n"
            (folder / f"{name}.csv").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    else:
        folder = write_csv_folder(tmp_path / "f", tables, delimiter=delimiter, encoding=encoding)
    data = read(folder)
    assert data.actors.set_index("actor_id").loc["P2", "name"] == "Åsa Ek"
    assert data.counts()["participation"] == 5


def test_dates_iso_finnish_and_excel_serials():
    assert parse_date("2024-03-14") == pd.Timestamp("2024-03-14")
    assert parse_date("14.3.2024") == pd.Timestamp("2024-03-14")
    assert parse_date("14.03.2024 klo 9.30") == pd.Timestamp("2024-03-14 09:30")
    assert parse_date(45365) == pd.Timestamp("2024-03-14")
    assert parse_date("45365,5") == pd.Timestamp("2024-03-14 12:00")
    for bad in ["2024", "31.2.2024", "yesterday", "2024-13-01", 12]:
        with pytest.raises(ValueError):
            parse_date(bad)


def _bad(tables, tmp_path, **edits):
    for sheet, (row, col, value) in edits.items():
        tables[sheet][row][col] = value
    return write_xlsx(tmp_path / "bad.xlsx", tables)


def test_unknown_actor_in_participation_names_sheet_row_and_column(tmp_path, small_tables):
    small_tables["osallistumiset"][3][1] = "P99"
    path = write_xlsx(tmp_path / "bad.xlsx", small_tables)
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert (p.file, p.sheet, p.row, p.column, p.value) == (str(path), "osallistumiset", 4, "toimija_id", "P99")
    assert p.render("fi") == f"{path}, välilehti 'osallistumiset', rivi 4, sarake 'toimija_id': 'P99' ei löydy taulukosta toimijat"
    assert "is not in the table actors" in p.render("en")


def test_every_problem_of_a_file_is_reported_at_once(tmp_path, small_tables):
    t = small_tables
    t["toimijat"].append(["P1", "Toinen Öhman", "O1", "", ""])          # duplicate id, row 5
    t["suhteet"].append(["P3", "P3", "tuntee", "3", "3", "3", ""])      # self-tie, row 4
    t["suhteet"].append(["P1", "P3", "tuntee", "7", "0", "2.5", ""])    # ratings, row 5
    t["tapahtumat"].append(["E3", "32.1.2024", "kokous", "", "", ""])  # date, row 4
    t["tapahtumat"].append(["E4", "1.2.2024", "juhla", "", "", ""])    # kind, row 5
    t["osallistumiset"].append(["E9", "P1"])                           # unknown event, row 7
    t["osallistumiset"].append(["E1", "P1"])                           # duplicate pair, row 8
    path = write_csv_folder(tmp_path / "bad", t)
    with pytest.raises(InputError) as err:
        read(path)
    found = {(p.file.split("/")[-1], p.row, p.column, p.code) for p in err.value.problems}
    assert found == {
        ("toimijat.csv", 5, "toimija_id", "duplicate_key"),
        ("suhteet.csv", 4, "kohde", "self_tie"),
        ("suhteet.csv", 5, "tunteminen", "invalid_rating"),
        ("suhteet.csv", 5, "luottamus", "invalid_rating"),
        ("suhteet.csv", 5, "sitoutuminen", "invalid_rating"),
        ("tapahtumat.csv", 4, "päivämäärä", "invalid_date"),
        ("tapahtumat.csv", 5, "laji", "invalid_value"),
        ("osallistumiset.csv", 7, "tapahtuma_id", "unknown_reference"),
        ("osallistumiset.csv", 8, "toimija_id", "duplicate_row"),
    }
    text = err.value.render("en")
    assert text.startswith(f"{path} has 9 problems. Nothing was saved.")


def test_missing_required_column(tmp_path, small_tables):
    for row in small_tables["suhteet"]:
        del row[1]
    path = write_csv_folder(tmp_path / "bad", small_tables)
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert (p.code, p.row, p.column) == ("missing_column", 1, "target")
    assert p.file.endswith("suhteet.csv")
    assert "kohde" in p.render("fi") or "target" in p.render("fi")


def test_missing_required_value(tmp_path, small_tables):
    small_tables["toimijat"][2][1] = ""
    path = write_xlsx(tmp_path / "bad.xlsx", small_tables)
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert (p.code, p.sheet, p.row, p.column) == ("required_value", "toimijat", 3, "nimi")


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "toimijat.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert p.code == "empty_file" and p.file == str(path)


def test_empty_workbook_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.problems[0].code == "empty_file"


def test_broken_workbook(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.problems[0].code == "unreadable"


def test_wrong_encoding_names_line_and_field(tmp_path):
    path = tmp_path / "toimijat.csv"
    # UTF-16 without a byte-order mark: NUL bytes everywhere.
    path.write_bytes("toimija_id,nimi\nP1,Äijä\n".encode("utf-16-le"))
    data = read(path)  # recognised all the same
    assert data.actors["name"].tolist() == ["Äijä"]
    # Binary garbage is refused with the place where it starts.
    path.write_bytes(b"toimija_id,nimi\nP1,Aino\nP2,\x00\x01\x02\x03\x04\x05\x9d\x81\n")
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert (p.code, p.row, p.column) == ("encoding", 3, "#2")


def test_declared_encoding_that_does_not_fit(tmp_path):
    path = tmp_path / "toimijat.csv"
    path.write_bytes("toimija_id;nimi\nP1;Aino\nP2;Mäkelä\n".encode("cp1252"))
    with pytest.raises(InputError) as err:
        read(path, encoding="utf-8")
    (p,) = err.value.problems
    assert (p.code, p.row, p.column) == ("encoding", 3, "#2")
    assert read(path).actors["name"].tolist() == ["Aino", "Mäkelä"]  # detected as cp1252


def test_broken_quoting_is_reported_with_its_line(tmp_path):
    path = tmp_path / "toimijat.csv"
    path.write_bytes(b'toimija_id,nimi\nP1,Aino\nP2,"Bo" Ek\n')
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert (p.code, p.row) == ("unreadable", 3)


def test_ragged_row(tmp_path):
    path = tmp_path / "toimijat.csv"
    path.write_bytes(b"toimija_id,nimi\nP1,Aino\nP2,Bo,extra,fields\n")
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert (p.code, p.row) == ("ragged_row", 3)


def test_blank_rows_are_skipped_but_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "toimijat.csv"
    path.write_bytes(b"\ntoimija_id,nimi\n\nP1,Aino\n,\nP1,Bo\n")
    with pytest.raises(InputError) as err:
        read(path)
    (p,) = err.value.problems
    assert (p.code, p.row, p.params["first_row"]) == ("duplicate_key", 6, 4)


def test_unrecognised_workbook(tmp_path):
    path = write_xlsx(tmp_path / "other.xlsx", {"Sheet1": [["a", "b"], [1, 2]]})
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.problems[0].code == "no_tables"


def test_edge_list_with_and_without_header(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,weight\nAino,Bo,2\nBo,Cia,1,5\n".replace("1,5", '"1,5"'), encoding="utf-8")
    data = read(path)
    assert data.counts()["actors"] == 3
    assert data.ties["weight"].tolist() == [2.0, 1.5]
    path.write_text("Aino;Bo\nBo;Cia\n", encoding="utf-8")
    data = read(path, format="edgelist")
    assert sorted(data.actors["actor_id"]) == ["Aino", "Bo", "Cia"]
    assert data.counts()["ties"] == 2


def test_participation_list(tmp_path):
    path = tmp_path / "attendance.csv"
    path.write_text("event,actor\nE1,Aino\nE1,Bo\nE2,Bo\n", encoding="utf-8")
    data = read(path)
    assert data.counts() == {"organisations": 0, "actors": 2, "events": 2, "participation": 3,
                             "ties": 0, "assessments": 0, "goals": 0}


def test_actor_list_without_organisation_table_creates_organisations(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("id,name,organisation\nP1,Aino,Hubi ry\nP2,Bo,Hubi ry\n", encoding="utf-8")
    data = read(path)
    assert data.organisations["organisation_id"].tolist() == ["Hubi ry"]


def test_network_data_is_immutable(small_folder):
    data = read(small_folder)
    frame = data.actors
    frame.loc[0, "name"] = "changed"
    assert data.actors.loc[0, "name"] != "changed"
    with pytest.raises(AttributeError):
        data.source = "x"


def test_filter_by_period_network_and_kind(small_folder):
    data = read(small_folder)
    march = data.filter(period="2024-03")
    assert march.events["event_id"].tolist() == ["E1"]
    assert march.counts()["participation"] == 3
    # The dated tie of 14.3. stays, the undated reported tie too.
    assert march.counts()["ties"] == 2
    april = data.filter(period="1.4.2024:30.4.2024")
    assert april.counts()["ties"] == 1
    assert data.filter(network="Kiertotalous").events["event_id"].tolist() == ["E2"]
    assert data.filter(kind=["acquaintance"]).counts()["participation"] == 3
    assert data.filter(kind="acquaintance").counts()["ties"] == 0


def test_the_same_row_in_two_files_is_one_row_but_a_changed_one_is_named(tmp_path):
    from verkostolab.errors import InputError

    a = tmp_path / "kokous-a.csv"
    b = tmp_path / "kokous-b.csv"
    a.write_text("event,actor\nK1,Åsa\nK1,Pekka\n", encoding="utf-8")
    b.write_text("event,actor\nK2,Åsa\nK2,Pekka\n", encoding="utf-8")
    result = read_validated([a, b], format="participation")
    assert result.data.counts()["actors"] == 2
    assert result.skipped["actors"] == 2  # the second copies, counted
    assert result.data.counts()["participation"] == 4
    # the same key with other values in the second file: the error names that file
    c = tmp_path / "toimijat.csv"
    c.write_text("actor_id,name\nP1,Pekka\nP1,Pekka Mäkelä\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_validated([c])
    assert exc.value.problems[0].file == str(c) and exc.value.problems[0].row == 3
