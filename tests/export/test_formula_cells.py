"""No live formula in an export (issue 16, finding 5): text that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is a text cell in a workbook and gets a leading
apostrophe in CSV, and reads back as it was."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from support.files import write_csv_folder, write_xlsx
from support.hostile import FORMULAS, hostile_tables

import verkostolab as vl
from verkostolab.export import export


@pytest.fixture
def data(tmp_path):
    return vl.read(write_csv_folder(tmp_path / "in", hostile_tables()))


def _cells(path):
    book = openpyxl.load_workbook(path)
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("fmt,name", [("workbook", "out.xlsx"), ("kumu", "kumu.xlsx")])
def test_workbook_exports_hold_no_formula(tmp_path, data, fmt, name):
    out = export(data, tmp_path / name, format=fmt, lang="en").path
    cells = _cells(out)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    assert FORMULAS[0] in values  # kept, as text
    leading = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert leading and all(c.data_type == "s" and c.quotePrefix for c in leading)
    # The cells as Excel stores them: no <f> element anywhere in the sheets.
    import zipfile
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)


def test_csv_export_guards_formula_cells_and_reads_back(tmp_path, data):
    out = export(data, tmp_path / "csv", format="csv", lang="en").path
    cells = []
    for path in out.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    for formula in FORMULAS[:4]:
        assert "'" + formula in cells
    back = vl.read(out)
    assert sorted(back.actors["name"]) == sorted(data.actors["name"])
    assert sorted(back.actors["role"].dropna()) == sorted(data.actors["role"].dropna())
    assert set(back.events["title"]) == set(data.events["title"])


def test_csv_round_trip_keeps_a_leading_apostrophe(tmp_path, small_tables):
    tables = small_tables
    tables["toimijat"][1][1] = "'=already quoted"
    tables["toimijat"][2][1] = "O'Brien"
    data = vl.read(write_xlsx(tmp_path / "in.xlsx", tables))
    assert {"'=already quoted", "O'Brien"} <= set(data.actors["name"])
    back = vl.read(export(data, tmp_path / "csv", format="csv").path)
    assert {"'=already quoted", "O'Brien"} <= set(back.actors["name"])
