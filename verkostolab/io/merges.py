"""Reading back a merge report (:meth:`~verkostolab.tables.identity.MergeProposal.write`)
that a person has reviewed and perhaps edited: the identity decisions to apply.

>>> from verkostolab.io.merges import read_merges
>>> callable(read_merges)
True
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import FormatError, InputError, Problem
from ..i18n import LANGUAGES, catalogue, t
from ..tables.data import NetworkData
from ..tables.identity import _FORMULA_START, _REQUIRED, COLUMNS, Merges
from ..tables.schema import fold
from ..tables.validation import cell_text
from .text import read_text_table
from .workbook import sheet_cells

__all__ = ["read_merges"]


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    extra = {"group": ("ryhma", "grupp"), "merge": ("yhdista", "merge", "yhdistetaanko"),
             "keep_id": ("keep", "sailyta", "sailytettava", "sailytettava_id", "kept_id"),
             "actor_id": ("toimija", "actor", "id", "tunnus", "person_id")}
    for col in COLUMNS:
        names = [col, *extra.get(col, ())]
        names += [catalogue(lang)[f"identity.column.{col}"] for lang in LANGUAGES]
        for name in names:
            lookup.setdefault(fold(name), col)
    return lookup


_YES = {"kylla", "k", "yes", "y", "x", "1", "true", "tosi", "ja", "j"}
_NO = {"ei", "e", "no", "n", "0", "false", "epatosi", "nej", "-"}


def _yes_no(value: str | None) -> bool | None:
    """``True``/``False`` for a yes/no cell (blank is no), ``None`` for anything else."""
    if value is None:
        return False
    folded = fold(value)
    if folded in _YES:
        return True
    if folded in _NO or folded == "":
        return False
    return None


def _unguard(value: str | None) -> str | None:
    """Undo the apostrophe :meth:`MergeProposal.write` puts before formula-like cells."""
    if value is not None and len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def _workbook_cells(path: Path):
    import openpyxl

    # A file object: openpyxl then judges the content, not the file name.
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    try:
        wanted = {fold(t("identity.sheet", lang)) for lang in LANGUAGES}
        ws = next((w for w in wb.worksheets if fold(w.title) in wanted), None)
        if ws is None:
            ws = wb.worksheets[0]  # IndexError without worksheets: unreadable
        cells = sheet_cells(ws, file=str(path))
        header = None if cells.header is None else [cell_text(c) for c in cells.header]
        records = [[cell_text(c) for c in record] for record in cells.records]
        return header, cells.header_row, records, cells.rows, ws.title
    finally:
        wb.close()


def _read_cells(path: Path, name: str):
    """(header, header_row, records, rows, sheet) of the report."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == b"PK\x03\x04" or path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            header, header_row, records, rows, sheet = _workbook_cells(path)
        except Exception as exc:  # noqa: BLE001 - a damaged workbook fails in many ways
            raise InputError([Problem("unreadable", file=name,
                                      value=f"{type(exc).__name__}: {exc}")],
                             source=name) from None
        if header is None:
            raise InputError([Problem("empty_file", file=name, sheet=sheet)], source=name)
        return header, header_row, records, rows, sheet
    text = read_text_table(path.read_bytes(), file=name)
    records = [[_unguard(c) for c in record] for record in text.records]
    return text.header, text.header_row, records, text.rows, None


def read_merges(path, data: NetworkData | None = None, *,
                existing: NetworkData | None = None) -> Merges:
    """Read back a report written by :meth:`MergeProposal.write`, possibly edited.

    A person may set ``merge`` to no (``ei``, ``no``, ``0``, blank) on a row, change the
    id to keep, delete rows, or add rows (a new group number pairing two actors by hand;
    ``keep_id`` may be left blank on all but one row of a group).  Finnish and English
    headers and yes/no words are accepted (``kyllä``/``ei``, ``yes``/``no``, ``x``, ``1``/``0``).

    Checked, every problem listed in one :class:`InputError` naming file, row and column:
    a bad yes/no value, a missing group or actor id, an actor marked for merging on two
    rows, rows of one group naming different ids to keep, an id to keep that is not among
    the group's actors marked for merging, and (with ``data`` and/or ``existing``) an
    actor id that is in neither.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise FormatError("error.not_found", path=name)
    header, header_row, records, rows, sheet = _read_cells(path, name)
    lookup = _header_lookup()
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    for i, cell in enumerate(header):
        if cell is None:
            continue
        col = lookup.get(fold(cell))
        if col is None:
            continue
        if col in positions:
            problems.append(Problem("duplicate_column", file=name, sheet=sheet, row=header_row,
                                    column=cell, value=cell))
            continue
        positions[col] = i
        written[col] = cell
    for col in _REQUIRED:
        if col not in positions:
            aliases = ", ".join(dict.fromkeys(t(f"identity.column.{col}", lang)
                                              for lang in LANGUAGES))
            problems.append(Problem("missing_column", file=name, sheet=sheet, row=header_row,
                                    column=col, value=col, params={"aliases": aliases}))
    if problems:
        raise InputError(problems, source=name)

    def where(row, col, code, value=None, **params):
        problems.append(Problem(code, file=name, sheet=sheet, row=row, column=written[col],
                                value=value, params=params))

    def cell(record, col):
        i = positions[col]
        return record[i] if i < len(record) else None

    entries = []  # (row, group, actor_id, keep_id, merge)
    declined_pairs: list[tuple[str, str]] = []
    for record, row in zip(records, rows):
        group, actor, keep = cell(record, "group"), cell(record, "actor_id"), cell(record, "keep_id")
        raw_merge = cell(record, "merge")
        merge = _yes_no(raw_merge)
        if merge is None:
            where(row, "merge", "identity_yes_no", raw_merge)
            continue
        if not merge:  # a row left unmerged needs nothing else; a declined pair is remembered
            if actor is not None and keep is not None and str(actor) != str(keep):
                declined_pairs.append((str(actor), str(keep)))
            continue
        if group is None:
            where(row, "group", "required_value")
        if actor is None:
            where(row, "actor_id", "required_value")
        if group is not None and actor is not None:
            entries.append((row, group, actor, keep, merge))

    known = None
    if data is not None or existing is not None:
        known = set()
        for source in (data, existing):
            if source is not None:
                known |= set(source.actors["actor_id"].dropna())

    chosen = entries
    declined = len(records) - len(chosen)
    first_row: dict[str, int] = {}
    for row, group, actor, keep, _ in chosen:
        if known is not None and actor not in known:
            where(row, "actor_id", "unknown_reference", actor, table="actors")
        if actor in first_row:
            where(row, "actor_id", "identity_actor_twice", actor, first_row=first_row[actor])
        else:
            first_row[actor] = row

    by_group: dict[str, list] = {}
    for entry in chosen:
        by_group.setdefault(entry[1], []).append(entry)
    out = []
    for group, members in by_group.items():
        if len(members) < 2:  # a lone row merges with nobody: counted as declined below
            continue
        keeps = [(row, keep) for row, _, _, keep, _ in members if keep is not None]
        if not keeps:
            where(members[0][0], "keep_id", "identity_keep_missing", group=group)
            continue
        keep_row, keep_id = keeps[0]
        for row, keep in keeps[1:]:
            if keep != keep_id:
                where(row, "keep_id", "identity_keep_differs", keep, group=group, first=keep_id,
                      first_row=keep_row)
        actors = {actor for _, _, actor, _, _ in members}
        if keep_id not in actors:
            if known is not None and keep_id not in known:
                where(keep_row, "keep_id", "unknown_reference", keep_id, table="actors")
            else:
                where(keep_row, "keep_id", "identity_keep_not_in_group", keep_id, group=group)
        for row, _, actor, _, _ in members:
            out.append((group, actor, keep_id, row))
    if problems:
        raise InputError(problems, source=name)
    lone = sum(len(m) for m in by_group.values() if len(m) < 2)
    frame = pd.DataFrame(out, columns=["group", "actor_id", "keep_id", "row"])
    return Merges(frame, declined + lone, name, declined_pairs)
