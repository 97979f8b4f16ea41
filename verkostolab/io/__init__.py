"""Readers and writers.  Every reader returns the same validated tables.

>>> from verkostolab.io import read
>>> from verkostolab.datasets import sample_path
>>> read(sample_path()).counts()["actors"]
60
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..tables.data import NetworkData
from ..errors import FormatError, InputError, Problem
from ..tables.schema import table_for_name
from ..tables.validation import RawTable, ValidationResult, validate
from .simple import looks_like, read_edgelist_raw, read_participation_raw
from .text import read_text_table
from .workbook import (CSV_SUFFIXES, read_csv_folder_raw, read_csv_table_raw, read_workbook_raw,
                       write_csv_folder, write_template, write_workbook)

__all__ = ["FORMATS", "read", "read_raw", "read_raws", "read_validated", "detect_format", "set_network",
           "write_workbook",
           "write_csv_folder", "write_template"]

#: Readers of the platforms' own export formats: format name -> (module, reader,
#: sniffer).  ``reader(path, *, encoding=None) -> list[RawTable]`` raises InputError
#: naming file, row (or message) and field; ``sniffer(path) -> bool`` looks at the
#: content cheaply and never raises.  Modules are imported only when needed.
PLATFORM_READERS: dict[str, tuple[str, str, str]] = {
    "teams": ("verkostolab.io.teams", "read_teams_raw", "sniff_teams"),
    "slack": ("verkostolab.io.slack", "read_slack_raw", "sniff_slack"),
    "kumu": ("verkostolab.io.kumu", "read_kumu_raw", "sniff_kumu"),
    "forms": ("verkostolab.io.forms", "read_forms_raw", "sniff_forms"),
    "gexf": ("verkostolab.io.graphfile", "read_gexf_raw", "sniff_gexf"),
    "graphml": ("verkostolab.io.graphfile", "read_graphml_raw", "sniff_graphml"),
    "calendar": ("verkostolab.io.calendar", "read_calendar_raw", "sniff_calendar"),
}

#: Formats known to :func:`read`; ``auto`` looks at the content.
FORMATS = ("auto", "workbook", "csv", *PLATFORM_READERS, "edgelist", "participation")


def _platform(fmt: str, what: int):
    import importlib

    entry = PLATFORM_READERS[fmt]
    try:
        module = importlib.import_module(entry[0])
    except ModuleNotFoundError as exc:  # a reader not yet written (development)
        if exc.name == entry[0]:
            return None
        raise
    return getattr(module, entry[what], None)


def _sniffed(path: Path) -> str | None:
    for fmt in PLATFORM_READERS:
        sniff = _platform(fmt, 2)
        try:
            if sniff is not None and sniff(path):
                return fmt
        except Exception:  # noqa: BLE001 - a sniffer must not decide by crashing
            continue
    return None

_XLSX_MAGIC = b"PK\x03\x04"


def detect_format(path) -> str:
    """Guess the format of ``path`` from its content (and name, for single CSV tables).

    Returns one of the platform formats (``teams``, ``slack``, ``kumu``, ``forms``,
    ``gexf``, ``graphml``, ``calendar``) when its sniffer recognises the content, else ``workbook``
    (an .xlsx file), ``csv`` (a folder of table CSVs, or one CSV named after a table),
    ``edgelist`` or ``participation``.
    """
    path = Path(path)
    if not path.exists():
        raise FormatError("error.not_found", path=str(path))
    sniffed = _sniffed(path)
    if sniffed:
        return sniffed
    if path.is_dir():
        return "csv"
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == _XLSX_MAGIC:
        return "workbook"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "workbook"  # let the reader say what is wrong with it
    if table_for_name(path.stem):
        return "csv"
    text = read_text_table(path.read_bytes()[:65536], file=str(path))
    if looks_like(text.header, "participation") and not looks_like(text.header, "ties"):
        return "participation"
    return "edgelist"


def _refuse_links_out(folder: Path) -> None:
    """Refuse an import folder with symbolic links that lead out of it (a ``users.json``
    elsewhere, ``/etc/passwd`` read as a table): every such link is named, nothing read."""
    import os

    root = os.path.realpath(folder)
    problems = []
    for here, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            entry = os.path.join(here, name)
            if not os.path.islink(entry):
                continue
            target = os.path.realpath(entry)
            if os.path.commonpath([root, target]) != root:
                problems.append(Problem("symlink_outside", file=entry, value=target))
    if problems:
        raise InputError(problems, source=str(folder))


def read_raw(path, *, format: str = "auto", encoding: str | None = None,
             lenient: bool | None = None) -> list[RawTable]:
    """Raw (unvalidated) tables of ``path`` in ``format``.

    ``lenient`` (None: by format) decides what a record that cannot be read does: in a
    lenient file it is left out and listed (:attr:`RawTable.dropped`, and by
    :func:`~verkostolab.tables.validation.validate`), in a strict one it refuses the
    whole import.  Machine-written exports (:data:`PLATFORM_READERS`: Teams, Slack,
    Kumu, Forms, GEXF, GraphML) are lenient by default, hand-made workbooks, CSV
    folders, edge and participation lists strict (their author can fix them).
    """
    raws = _read_raw(path, format=format, encoding=encoding, lenient=lenient)
    if lenient is not None:
        for raw in raws:
            raw.lenient = bool(lenient) or raw.lenient
    return raws


def _read_raw(path, *, format, encoding, lenient) -> list[RawTable]:
    path = Path(path)
    if format not in FORMATS:
        raise FormatError("error.format", path=str(path), reason=f"format {format!r}")
    if not path.exists():
        raise FormatError("error.not_found", path=str(path))
    if path.is_dir():
        _refuse_links_out(path)
    fmt = detect_format(path) if format == "auto" else format
    if fmt in PLATFORM_READERS:
        reader = _platform(fmt, 1)
        if reader is None:
            raise FormatError("error.format", path=str(path), reason=fmt)
        return reader(path, encoding=encoding, lenient=True if lenient is None else bool(lenient))
    if fmt == "workbook":
        return read_workbook_raw(path)
    if fmt == "csv":
        if path.is_dir():
            return read_csv_folder_raw(path, encoding=encoding)
        table = table_for_name(path.stem)
        if table is None:
            raise InputError([Problem("no_tables", file=str(path),
                                      params={"expected": "toimijat.csv, actors.csv, ties.csv ..."})],
                             source=str(path))
        return [read_csv_table_raw(path, table, encoding=encoding)]
    if fmt == "edgelist":
        return read_edgelist_raw(path, encoding=encoding)
    if fmt == "participation":
        return read_participation_raw(path, encoding=encoding)
    raise FormatError("error.format", path=str(path), reason=fmt)  # pragma: no cover


def read_validated(paths, *, format: str = "auto", encoding: str | None = None,
                   existing: NetworkData | None = None, network: str | None = None,
                   lenient: bool | None = None) -> ValidationResult:
    """Read one or more files as one data set and validate them together.

    Problems of all files are collected before anything is raised.  ``network`` is the
    network of every event whose network is empty (see :func:`set_network`).
    """
    raws, source = read_raws(paths, format=format, encoding=encoding, network=network,
                             lenient=lenient)
    return validate(raws, source=source, existing=existing)


def read_raws(paths, *, format: str = "auto", encoding: str | None = None,
              network: str | None = None, lenient: bool | None = None) -> tuple[list[RawTable], str]:
    """Raw tables of one or more files, and their names as one source text.  Problems of
    all files are collected before anything is raised.  ``network``: see
    :func:`set_network`."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    raws, problems = [], []
    for p in paths:
        try:
            raws += read_raw(p, format=format, encoding=encoding, lenient=lenient)
        except InputError as exc:
            problems += exc.problems
    source = ", ".join(str(p) for p in paths)
    if problems:
        raise InputError(problems, source=source)
    if network is not None and str(network).strip():
        set_network(raws, str(network).strip())
    return raws, source


def set_network(raws: list[RawTable], network: str) -> int:
    """Give every event of ``raws`` whose network is empty the network ``network``
    (``--network NAME`` of ``import`` and ``check``: Teams, Slack and Forms exports,
    calendars, any file with events).  A network already given is kept.  Returns how
    many events got it.

    >>> raw = RawTable.from_records("events", ["event_id", "network"], [["E1", None], ["E2", "X"]], [2, 3])
    >>> set_network([raw], "Kiertotalous"), list(raw.frame["network"])
    (1, ['Kiertotalous', 'X'])
    """
    changed = 0
    for raw in raws:
        if raw.table != "events":
            continue
        if "network" not in raw.frame.columns:
            raw.frame["network"] = pd.Series([None] * len(raw.frame), index=raw.frame.index, dtype=object)
            raw.headers.setdefault("network", "network")
        column = raw.frame["network"]
        empty = column.isna() | (column.astype(str).str.strip() == "")
        raw.frame.loc[empty, "network"] = network
        changed += int(empty.sum())
    return changed


def read(paths, *, format: str = "auto", encoding: str | None = None,
         lenient: bool | None = None) -> NetworkData:
    """Read and validate a network from a workbook, a CSV folder, an edge list or a
    participation list (or several of them together).  Raises
    :class:`~verkostolab.errors.InputError` listing every problem."""
    return read_validated(paths, format=format, encoding=encoding, lenient=lenient).data
