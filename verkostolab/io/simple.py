"""The two minimal researcher formats: an edge list and a participation list.

* edge list: ``source,target[,weight]`` (more tie columns allowed), one tie per line;
* participation list: ``event,actor``, one attendance per line (two-mode data, e.g.
  the Davis Southern Women data).

Actors (and events) are created from the ids that occur, named by their id.  A file
without a recognisable header is read by position.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..tables.schema import TABLES
from ..tables.validation import RawTable, cell_text
from .text import read_text_table

__all__ = ["read_edgelist_raw", "read_participation_raw", "looks_like"]


def looks_like(header: list, table: str) -> bool:
    """Whether a header row names the required columns of ``table``."""
    spec = TABLES[table]
    found = {spec.column_for_header(h) for h in header if h is not None}
    return set(spec.required) <= found


def _positional(header: list, records: list, rows: list, header_row: int, names: list[str]):
    """A file whose first line is data: name the columns by position."""
    return names[: max(len(header), 2)], [header, *records], [header_row, *rows]


def _ids_table(table: str, column: str, ids: list, file: str) -> RawTable:
    unique = list(dict.fromkeys(i for i in ids if i is not None))
    records = [[i, i] for i in unique] if table == "actors" else [[i] for i in unique]
    header = [column, "name"] if table == "actors" else [column]
    raw = RawTable.from_records(table, header, records, [0] * len(unique), file=file)
    return raw


def read_edgelist_raw(path: Path, *, encoding: str | None = None) -> list[RawTable]:
    name = str(path)
    text = read_text_table(path.read_bytes(), file=name, encoding=encoding)
    header, records, rows = text.header, text.records, text.rows
    if not looks_like(header, "ties"):
        if header and all(h is not None for h in header[:2]) and not looks_like(header, "participation"):
            header, records, rows = _positional(header, records, rows, text.header_row,
                                                ["source", "target", "weight"])
        else:
            raise InputError([Problem("missing_column", file=name, row=text.header_row,
                                      column="source", value="source, target",
                                      params={"aliases": "source, target, from, to, lähde, kohde"})],
                             source=name)
    ties = RawTable.from_records("ties", header, records, rows, file=name,
                                 header_row=text.header_row)
    ties.left_out = {"blank_row": text.blank_rows} if text.blank_rows else {}
    ids = []
    for col in ("source", "target"):
        if col in ties.frame.columns:
            ids += [cell_text(v) for v in ties.frame[col]]
    return [_ids_table("actors", "actor_id", ids, name), ties]


def read_participation_raw(path: Path, *, encoding: str | None = None) -> list[RawTable]:
    name = str(path)
    text = read_text_table(path.read_bytes(), file=name, encoding=encoding)
    header, records, rows = text.header, text.records, text.rows
    if not looks_like(header, "participation"):
        if header and all(h is not None for h in header[:2]) and not looks_like(header, "ties"):
            header, records, rows = _positional(header, records, rows, text.header_row,
                                                ["event_id", "actor_id"])
        else:
            raise InputError([Problem("missing_column", file=name, row=text.header_row,
                                      column="event_id", value="event, actor",
                                      params={"aliases": "event, actor, tapahtuma, toimija"})],
                             source=name)
    part = RawTable.from_records("participation", header, records, rows, file=name,
                                 header_row=text.header_row)
    part.left_out = {"blank_row": text.blank_rows} if text.blank_rows else {}
    events = [cell_text(v) for v in part.frame.get("event_id", [])]
    actors = [cell_text(v) for v in part.frame.get("actor_id", [])]
    return [_ids_table("actors", "actor_id", actors, name),
            _ids_table("events", "event_id", events, name), part]
