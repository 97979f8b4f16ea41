"""Kumu spreadsheets: elements become actors and organisations, connections ties.

Kumu (kumu.io) imports an Excel workbook, a Google Sheet or CSV files:

* an **Elements** sheet with ``Label`` (required, the element's name and, without an
  ``ID`` column, its identity), and optionally ``ID``, ``Type``, ``Description``,
  ``Tags`` and any other fields;
* a **Connections** sheet with ``From`` and ``To`` (labels, or IDs, of elements) and
  optionally ``Type``, ``Direction``, ``Strength``, ``Tags`` ...;
* a ``|`` separates several values in one cell; several labels in ``From`` or ``To``
  give a connection from each to each;
* sheets whose name contains ``(ignore)`` are skipped.

This reader recognises sheets by their header, not their name or column order
(``Label`` → elements, ``From`` and ``To`` → connections; case does not matter), so an
.xlsx workbook, one CSV file (elements or connections), or a folder of CSV files all
work.

How elements map
----------------
* An element whose ``Type`` is an organisation — ``Organization``, ``Organisation``,
  ``Organisaatio``, ``Org``, ``Yhteisö``, or any organisation kind of the schema
  (``Company``, ``Yritys``, ``Association``, ``Yhdistys``, ``Municipality``, ``Kunta``,
  ``University``, ``Hub`` ...) — becomes an **organisation**: ``organisation_id`` = its
  ``ID`` (else its label), ``name`` = label, ``sector`` from a ``Sector``/``Sektori``
  field, ``kind`` from a ``Kind``/``Organisaatiotyyppi`` field or else from the type.
* Every other element (``Person``, ``Henkilö``, no type, anything else) becomes an
  **actor**: ``actor_id`` = ``ID`` (else the label), ``name`` = label, ``role`` from
  ``Role``/``Rooli``/``Title``/``Titteli``, ``keywords`` from ``Tags`` (and
  ``Keywords``/``Avainsanat``) joined by commas, ``email`` from ``Email``/
  ``Sähköposti``, and the organisation from ``Organization``/``Organisation``/
  ``Organisaatio``/``Company``/``Employer``: the element of that label or ID, else an
  organisation of that name is created (with the person's ``Sector``, if any).
* Labels are taken without leading and trailing spaces (unlike Kumu, where
  ``"Åsa Ek "`` is a second element).  The same label (or ID) twice is one element
  (the first row); people are not merged otherwise.

How connections map
-------------------
Each ``From`` × ``To`` pair between two actors is a tie ``source → target``.
``Type`` becomes the tie kind when it names one (``knows``, ``tuntee``,
``yhteistyö``, ``advice`` ...), else ``other``; ``Strength`` (or ``Weight``,
``Paino``, ``Vahvuus``) becomes the weight when it is a number; ``Knowing``/
``Tunteminen``, ``Trust``/``Luottamus``, ``Commitment``/``Sitoutuminen`` and
``Date``/``Päivämäärä`` columns are taken as such, except that a rating between 1
and 5 that is not whole (a mean, as in an export of aggregated ties) is rounded half
up.  ``Direction`` is not needed: the
network builders treat every tie as undirected, so a mutual or undirected connection
is one tie, like a directed one.  A label that is not an element is created as an
actor, as Kumu does.

What is left out, or added, and counted (``RawTable.left_out``)
--------------------------------------------------------------
``kumu_ignored_sheet`` (``(ignore)``), ``kumu_other_sheet`` (neither elements nor
connections), ``blank_row``, ``kumu_duplicate_element``, ``kumu_implicit_element``
(connection ends that are not on an elements sheet, added as actors — often a typo),
``kumu_self_connection``, ``kumu_organisation_connection`` (a connection with an
organisation at either end: ties join persons), and, per connection row that gave
ties, ``kumu_unknown_type`` (a type that is no tie kind, taken as ``other``) and
``kumu_strength_text`` (a ``Strength`` that is no number, not used as the weight)
and ``kumu_rating_rounded`` (a rating that was rounded).

A row without its ``Label``, ``From`` or ``To`` is an error naming the file, the
sheet, the row and the column.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "elements.csv").write_text(
...     "Label,Type,Organization\\nÅsa Ek,Person,Verkostohubi ry\\nVerkostohubi ry,Organization,\\n"
...     "Äijä Öhman,Henkilö,\\n", encoding="utf-8")
>>> _ = (folder / "connections.csv").write_text(
...     "From,To,Type,Strength\\nÅsa Ek,Äijä Öhman|Sanna Mäkelä,tuntee,3\\n", encoding="utf-8")
>>> sniff_kumu(folder)
True
>>> raws = {raw.table: raw for raw in read_kumu_raw(folder)}
>>> raws["ties"].frame[["source", "target", "kind", "weight"]].values.tolist()
[['Åsa Ek', 'Äijä Öhman', 'knows', 3.0], ['Åsa Ek', 'Sanna Mäkelä', 'knows', 3.0]]
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..tables.schema import TABLES, fold, normalise_value, table_for_name
from ..tables.validation import RawTable, leave_out, cell_text, parse_number
from .simple import looks_like
from .text import read_text_table
from .workbook import CSV_SUFFIXES, sheet_cells

__all__ = ["read_kumu_raw", "sniff_kumu", "ORGANISATION_TYPES"]

#: Element types that mean "an organisation" without naming its kind (folded);
#: organisation kinds of the schema (company, yhdistys, kunta ...) count too.
ORGANISATION_TYPES = frozenset({
    "organization", "organisation", "organizations", "organisations", "organisaatio",
    "organisaatiot", "org", "yhteiso", "yhteisot", "institution", "instituutio",
})

#: Element fields (folded header names) this reader uses, first match wins.
ELEMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "label": ("label",),
    "type": ("type", "element_type", "tyyppi"),
    "organisation": ("organization", "organisation", "organisaatio", "org", "company",
                     "employer", "tyonantaja", "home_organisation", "kotiorganisaatio"),
    "role": ("role", "rooli", "title", "titteli", "tehtava", "position", "job_title", "asema"),
    "tags": ("tags", "tagit", "keywords", "avainsanat", "asiasanat"),
    "email": ("email", "e_mail", "sahkoposti", "mail"),
    "sector": ("sector", "sektori"),
    "kind": ("kind", "organisation_kind", "organization_kind", "organisaatiotyyppi", "laji"),
}
CONNECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "from": ("from",),
    "to": ("to",),
    "type": ("type", "connection_type", "tyyppi"),
    "strength": ("strength", "weight", "paino", "vahvuus"),
}
#: Tie columns taken from a connections sheet (ratings may be rounded, see above).
PASSED_TIE_COLUMNS = ("knowing", "trust", "commitment", "date")
RATINGS = ("knowing", "trust", "commitment")


# --------------------------------------------------------------------------- sheets


@dataclass
class _Sheet:
    file: str
    sheet: str | None
    header: list
    header_row: int
    records: list[list]
    rows: list[int]
    blank: int = 0

    @property
    def kind(self) -> str:
        return _classify(self.header)

    def index(self, names: tuple[str, ...]) -> int | None:
        folded = [fold(h) if h is not None else "" for h in self.header]
        for name in names:
            if name in folded:
                return folded.index(name)
        return None

    def name_of(self, i: int | None) -> str | None:
        return None if i is None else str(self.header[i]).strip()


def _classify(header: list) -> str:
    folded = {fold(h) for h in header if h is not None and str(h).strip()}
    if {"from", "to"} <= folded:
        return "connections"
    if "label" in folded:
        return "elements"
    return "other"


def _split(value) -> list[str]:
    """The ``|``-separated values of a cell, stripped, without empties."""
    text = cell_text(value)
    if text is None:
        return []
    return list(dict.fromkeys(p.strip() for p in text.split("|") if p.strip()))


def _xlsx_sheets(path: Path, left_out: dict) -> list[_Sheet]:
    import openpyxl

    name = str(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise InputError([Problem("unreadable", file=name, value=f"{type(exc).__name__}: {exc}")],
                         source=name) from None
    sheets = []
    try:
        for ws in wb.worksheets:
            if "(ignore)" in ws.title.lower():
                _count(left_out, "kumu_ignored_sheet")
                continue
            c = sheet_cells(ws, file=name)
            sheets.append(_Sheet(name, ws.title, c.header or [], c.header_row, c.records, c.rows,
                                 c.blank))
    except Exception as exc:  # noqa: BLE001 - a truncated sheet fails while it is read
        raise InputError([Problem("unreadable", file=name, value=f"{type(exc).__name__}: {exc}")],
                         source=name) from None
    finally:
        wb.close()
    return sheets


def _csv_sheet(path: Path, encoding: str | None) -> _Sheet:
    name = str(path)
    text = read_text_table(path.read_bytes(), file=name, encoding=encoding)
    return _Sheet(name, None, text.header, text.header_row, text.records, text.rows,
                  text.blank_rows)


def _sheets(path: Path, encoding: str | None, left_out: dict) -> list[_Sheet]:
    if path.is_dir():
        sheets, problems = [], []
        for file in sorted(path.iterdir()):
            if not file.is_file() or file.suffix.lower() not in CSV_SUFFIXES:
                continue
            if "(ignore)" in file.name.lower():
                _count(left_out, "kumu_ignored_sheet")
                continue
            try:
                sheets.append(_csv_sheet(file, encoding))
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems, source=str(path))
        return sheets
    name = str(path)
    if path.stat().st_size == 0:
        raise InputError([Problem("empty_file", file=name)], source=name)
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_sheets(path, left_out)
    return [_csv_sheet(path, encoding)]


# --------------------------------------------------------------------------- elements


@dataclass
class _Element:
    key: str
    label: str
    organisation: bool
    sheet: _Sheet
    row: int
    cells: list


@dataclass
class _Elements:
    by_key: dict[str, _Element] = field(default_factory=dict)
    by_label: dict[str, _Element] = field(default_factory=dict)

    def find(self, name: str) -> _Element | None:
        return self.by_key.get(name) or self.by_label.get(name)


def _is_organisation(type_text: str | None) -> bool:
    if not type_text:
        return False
    first = type_text.split("|")[0].strip()
    if fold(first) in ORGANISATION_TYPES:
        return True
    kind = normalise_value("organisation_kind", first)
    return kind is not None and kind != "other"


def _count(left_out: dict, reason: str, n: int = 1) -> None:
    left_out[reason] = left_out.get(reason, 0) + n


def _cell(cells: list, i: int | None):
    return cells[i] if i is not None and i < len(cells) else None


def _elements(sheets: list[_Sheet], problems: list, left_out: dict[int, dict]) -> _Elements:
    found = _Elements()
    for sheet in sheets:
        cols = {k: sheet.index(v) for k, v in ELEMENT_FIELDS.items()}
        for cells, row in zip(sheet.records, sheet.rows):
            label = cell_text(_cell(cells, cols["label"]))
            if label is None:
                problems.append(Problem("required_value", file=sheet.file, sheet=sheet.sheet,
                                        row=row, column=sheet.name_of(cols["label"])))
                continue
            key = cell_text(_cell(cells, cols["id"])) or label
            if key in found.by_key:
                _count(left_out[id(sheet)], "kumu_duplicate_element")
                continue
            org = _is_organisation(cell_text(_cell(cells, cols["type"])))
            element = _Element(key, label, org, sheet, row, cells)
            found.by_key[key] = element
            found.by_label.setdefault(label, element)
    return found


def _element_tables(sheets: list[_Sheet], found: _Elements) -> list[RawTable]:
    """Actors and organisations of each elements sheet, and the organisations
    named by people but not listed."""
    raws = []
    implicit: dict[str, tuple[list, int, _Sheet, str | None]] = {}
    for sheet in sheets:
        cols = {k: sheet.index(v) for k, v in ELEMENT_FIELDS.items()}
        mine = [e for e in found.by_key.values() if e.sheet is sheet]
        people, orgs = [], []
        for e in mine:
            def get(name, e=e):
                return cell_text(_cell(e.cells, cols[name]))

            if e.organisation:
                type_text = (get("type") or "").split("|")[0].strip()
                kind = get("kind") or (type_text if fold(type_text) not in ORGANISATION_TYPES
                                       else None)
                orgs.append(([e.key, e.label, get("sector"), kind], e.row))
                continue
            org_id = None
            org_names = _split(_cell(e.cells, cols["organisation"]))
            if org_names:
                target = found.find(org_names[0])
                if target is not None and target.organisation:
                    org_id = target.key
                else:
                    org_id = org_names[0]
                    if org_id not in implicit:
                        implicit[org_id] = ([org_id, org_id, get("sector")], e.row, sheet,
                                            sheet.name_of(cols["organisation"]))
            tags = _split(_cell(e.cells, cols["tags"]))
            people.append(([e.key, e.label, org_id, get("role"), ", ".join(tags) or None,
                            get("email")], e.row))
        label = sheet.name_of(cols["label"])
        key_header = sheet.name_of(cols["id"]) or label
        if people:
            raws.append(_raw("actors", ["actor_id", "name", "organisation_id", "role", "keywords",
                                        "email"], people, sheet,
                             [key_header, label, sheet.name_of(cols["organisation"]),
                              sheet.name_of(cols["role"]), sheet.name_of(cols["tags"]),
                              sheet.name_of(cols["email"])]))
        if orgs:
            raws.append(_raw("organisations", ["organisation_id", "name", "sector", "kind"], orgs,
                             sheet, [key_header, label, sheet.name_of(cols["sector"]),
                                     sheet.name_of(cols["kind"]) or sheet.name_of(cols["type"])]))
    by_sheet: dict[int, list] = {}
    for record, row, sheet, header in implicit.values():
        by_sheet.setdefault(id(sheet), [sheet, header, []])[2].append((record, row))
    for sheet, header, records in by_sheet.values():
        cols_sector = sheet.name_of(sheet.index(ELEMENT_FIELDS["sector"]))
        raws.append(_raw("organisations", ["organisation_id", "name", "sector"], records, sheet,
                         [header, header, cols_sector]))
    return raws


def _raw(table: str, columns: list[str], records: list[tuple[list, int]], sheet: _Sheet,
         headers: list[str | None]) -> RawTable:
    """A raw table in canonical columns whose problems name the sheet's own headers."""
    raw = RawTable.from_records(table, columns, [r for r, _ in records], [row for _, row in records],
                                file=sheet.file, sheet=sheet.sheet, header_row=sheet.header_row)
    raw.headers = {col: head or col for col, head in zip(columns, headers)}
    return raw


# --------------------------------------------------------------------------- connections


def _rating(value) -> tuple[object, bool]:
    """A rating cell; a number between 1 and 5 that is not whole (a mean, as in an
    aggregated export) is rounded half up.  Returns the value and whether it was
    rounded; anything else is left for validation to judge."""
    try:
        number = parse_number(value) if cell_text(value) is not None else None
    except ValueError:
        return value, False
    if number is None or number.is_integer() or not 1 <= number <= 5:
        return value, False
    return int(math.floor(number + 0.5)), True


def _weight(value) -> tuple[float | None, bool]:
    """The weight of a ``Strength`` cell, and whether it held text that is no number."""
    if cell_text(value) is None:
        return None, False
    try:
        return parse_number(value), False
    except ValueError:
        return None, True


def _connection_tables(sheets: list[_Sheet], found: _Elements, has_elements: bool,
                       problems: list, left_out: dict[int, dict]) -> list[RawTable]:
    raws = []
    implicit: dict[str, tuple[list, int]] = {}
    for sheet in sheets:
        counts = left_out[id(sheet)]
        cols = {k: sheet.index(v) for k, v in CONNECTION_FIELDS.items()}
        passed = {}
        for i, head in enumerate(sheet.header):
            col = TABLES["ties"].column_for_header(head)
            if col in PASSED_TIE_COLUMNS and col not in passed and i not in cols.values():
                passed[col] = i
        ties: list[tuple[list, int]] = []
        sheet_implicit: list[tuple[list, int]] = []
        for cells, row in zip(sheet.records, sheet.rows):
            froms = _split(_cell(cells, cols["from"]))
            tos = _split(_cell(cells, cols["to"]))
            for side, names in (("from", froms), ("to", tos)):
                if not names:
                    problems.append(Problem("required_value", file=sheet.file, sheet=sheet.sheet,
                                            row=row, column=sheet.name_of(cols[side])))
            if not froms or not tos:
                continue
            kind_text = cell_text(_cell(cells, cols["type"]))
            kind = None
            if kind_text:
                kind = normalise_value("tie_kind", kind_text.split("|")[0].strip())
            weight, strength_text = _weight(_cell(cells, cols["strength"]))
            extra, rounded = [], False
            for col, i in passed.items():
                value, was_rounded = _rating(_cell(cells, i)) if col in RATINGS else (
                    _cell(cells, i), False)
                extra.append(value)
                rounded |= was_rounded
            before = len(ties)
            for a in froms:
                for b in tos:
                    ends = []
                    for name in (a, b):
                        element = found.find(name)
                        if element is None and name not in implicit:
                            implicit[name] = ([name, name], row)
                            sheet_implicit.append(([name, name], row))
                            if has_elements:
                                _count(counts, "kumu_implicit_element")
                        ends.append(element.key if element else name)
                        ends.append(bool(element and element.organisation))
                    source, source_org, target, target_org = ends
                    if source_org or target_org:
                        _count(counts, "kumu_organisation_connection")
                    elif source == target:
                        _count(counts, "kumu_self_connection")
                    else:
                        ties.append(([source, target, kind or (kind_text and "other"), weight,
                                      *extra], row))
            if len(ties) > before:  # what the ties of this row could not take
                if kind_text and kind is None:
                    _count(counts, "kumu_unknown_type")
                if strength_text:
                    _count(counts, "kumu_strength_text")
                if rounded:
                    _count(counts, "kumu_rating_rounded")
        if sheet_implicit:
            raws.append(_raw("actors", ["actor_id", "name"], sheet_implicit, sheet,
                             [sheet.name_of(cols["from"]), sheet.name_of(cols["from"])]))
        columns = ["source", "target", "kind", "weight", *passed]
        raws.append(_raw("ties", columns, ties, sheet,
                         [sheet.name_of(cols["from"]), sheet.name_of(cols["to"]),
                          sheet.name_of(cols["type"]), sheet.name_of(cols["strength"]),
                          *(sheet.name_of(i) for i in passed.values())]))
    return raws


# --------------------------------------------------------------------------- reading


def read_kumu_raw(path: Path, *, encoding: str | None = None, lenient: bool = False) -> list[RawTable]:
    """Raw tables (organisations, actors, ties) of a Kumu workbook, CSV file or folder
    of CSV files.  Raises :class:`~verkostolab.errors.InputError` naming file, sheet,
    row and column of every problem found."""
    path = Path(path)
    name = str(path)
    left_out: dict[str, int] = {}
    sheets = _sheets(path, encoding, left_out)
    elements = [s for s in sheets if s.kind == "elements"]
    connections = [s for s in sheets if s.kind == "connections"]
    others = len(sheets) - len(elements) - len(connections)
    if others:
        _count(left_out, "kumu_other_sheet", others)
    if not elements and not connections:
        raise InputError([Problem("kumu_no_sheets", file=name)], source=name)
    problems: list[Problem] = []
    per_sheet = {id(s): {"blank_row": s.blank} if s.blank else {} for s in sheets}
    found = _elements(elements, problems, per_sheet)
    raws = _element_tables(elements, found)
    raws += _connection_tables(connections, found, bool(elements), problems, per_sheet)
    if problems and not lenient:
        raise InputError(problems, source=name)
    if not raws:  # elements sheets without rows
        raws.append(_raw("actors", ["actor_id", "name"], [], (elements or connections)[0],
                         [None, None]))
    # Counts go with the first table of their file (they are reported per file).
    for sheet in sheets:
        raw = next((r for r in raws if r.file == sheet.file), raws[0])
        for reason, count in per_sheet[id(sheet)].items():
            _count(raw.left_out, reason, count)
    for reason, count in left_out.items():
        _count(raws[0].left_out, reason, count)
    return leave_out(raws, problems) if lenient else raws


# --------------------------------------------------------------------------- sniffing


_KUMU_NAMES = ("connection", "element", "kumu")


def _named_for_kumu(name: str) -> bool:
    folded = fold(name)
    return any(word in folded for word in _KUMU_NAMES)


def _csv_header(path: Path) -> list:
    with path.open("rb") as fh:
        data = fh.read(65536)
    lines = data.splitlines(keepends=True)
    head = b"".join(lines[:20]) if len(lines) > 1 else data
    return read_text_table(head, file=str(path)).header


def _csv_is_kumu(path: Path) -> bool:
    header = _csv_header(path)
    kind = _classify(header)
    if kind == "elements":
        return True
    if kind == "connections":
        folded = {fold(h) for h in header if h is not None}
        return _named_for_kumu(path.stem) or "direction" in folded
    return False


def _xlsx_is_kumu(path: Path) -> bool:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    elements = connections = project_ties = project_other = False
    try:
        for ws in wb.worksheets[:30]:
            if "(ignore)" in ws.title.lower():
                continue
            header = next((list(r) for r in ws.iter_rows(max_row=10, values_only=True)
                           if any(c is not None and str(c).strip() for c in r)), [])
            kind = _classify(header)
            table = table_for_name(ws.title)
            if kind == "elements":
                elements = True
            elif table is not None and looks_like([h for h in header if h is not None], table):
                project_ties |= table == "ties"
                project_other |= table != "ties"
            elif kind == "connections" and _named_for_kumu(ws.title):
                connections = True
    finally:
        wb.close()
    # A ties sheet with From/To beside an elements sheet is Kumu's connections sheet;
    # the project's own person and event tables are never Kumu.
    return not project_other and (elements or (connections and not project_ties))


def sniff_kumu(path) -> bool:
    """Whether ``path`` is a Kumu spreadsheet.  Never raises.

    Claimed: a workbook with an elements sheet (``Label``), or a sheet named
    Connections (``From``, ``To``), and none of the project's own actor,
    organisation or event tables; a CSV file with ``Label``, or with ``From``/``To``
    and a Kumu name (``connections``, ``elements``, ``kumu``) or a ``Direction``
    column; a folder of such CSV files.  Plain edge lists (``from,to``) and the
    project's own workbooks and CSV folders are not claimed."""
    try:
        path = Path(path)
        if path.is_dir():
            files = [f for f in sorted(path.iterdir())
                     if f.is_file() and f.suffix.lower() in CSV_SUFFIXES]
            if any(table_for_name(f.stem) for f in files):
                return False
            return any(_csv_is_kumu(f) for f in files[:20])
        if not path.is_file():
            return False
        with path.open("rb") as fh:
            head = fh.read(4)
        if head == b"PK\x03\x04":
            with zipfile.ZipFile(path) as zf:
                if "xl/workbook.xml" not in zf.namelist():
                    return False
            return _xlsx_is_kumu(path)
        if path.suffix.lower() in CSV_SUFFIXES:
            return _csv_is_kumu(path)
        return False
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False
