"""Validation at the boundary: raw cells from a reader become typed, checked tables.

Readers hand over :class:`RawTable` s: the cells as read (strings, numbers, dates or
``None``), the header as the person wrote it, and the row number each record has in
the file as the person sees it.  :func:`validate` converts every column, checks
required values, allowed values, keys and references, and collects *every* problem
before it raises one :class:`~verkostolab.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .data import NetworkData, coerce_frame
from ..errors import InputError, Problem
from .schema import TABLE_ORDER, TABLES, VOCABULARIES, fold, normalise_value

__all__ = ["RawTable", "ValidationResult", "validate", "leave_out", "render_dropped", "dropped_dict",
           "parse_date", "parse_number"]

#: Excel serial day numbers accepted as dates: 1954-10-03 ... 2119-01-09.  Smaller
#: numbers (e.g. a bare year such as 2024) are not taken for serials.
SERIAL_RANGE = (20000, 80000)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class RawTable:
    """Cells of one table as a reader found them.

    ``frame`` has one column per recognised header, named by its canonical column;
    ``headers`` maps canonical column to the header as written; ``rows`` gives the
    file row of each record (1-based, as Excel or an editor shows it).

    ``left_out`` counts what the reader deliberately did not turn into rows, by reason
    (a message key ``left_out.<reason>`` with a ``{count}`` placeholder), e.g. a Slack
    export's bot messages or a blank line: nothing is dropped without being counted.
    """

    table: str
    frame: pd.DataFrame
    rows: np.ndarray
    file: str | None = None
    sheet: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    header_row: int = 1
    problems: list[Problem] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)
    #: Lenient (machine-written exports by default, ``--lenient`` for workbooks): a
    #: record that cannot be read is left out and listed instead of refusing the file.
    lenient: bool = False
    #: The records a lenient reader left out, each a :class:`Problem` naming its place
    #: (file, line or message, field) and why; listed by ``import`` and ``check``.
    dropped: list[Problem] = field(default_factory=list)

    @classmethod
    def from_records(cls, table: str, header: list, records: list[list], rows: list[int], *,
                     file=None, sheet=None, header_row=1) -> "RawTable":
        """Map a header row to canonical columns and build the raw table.

        Unknown headers are ignored; a header that maps to a column already taken is a
        problem, as is a record with more non-empty fields than the header has.
        """
        spec = TABLES[table]
        problems: list[Problem] = []
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        for i, cell in enumerate(header):
            if cell is None or str(cell).strip() == "":
                continue
            col = spec.column_for_header(cell)
            if col is None:
                continue
            if col in positions:
                problems.append(Problem("duplicate_column", file=file, sheet=sheet,
                                        row=header_row, column=str(cell).strip(),
                                        value=str(cell).strip()))
                continue
            positions[col] = i
            headers[col] = str(cell).strip()
        width = len(header)
        while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
            width -= 1
        data = {}
        for col, i in positions.items():
            data[col] = [r[i] if i < len(r) else None for r in records]
        for rec, row in zip(records, rows):
            extra = [c for c in rec[width:] if c is not None and str(c).strip() != ""]
            if extra:
                problems.append(Problem("ragged_row", file=file, sheet=sheet, row=row,
                                        value=len(rec), params={"expected": width}))
        frame = pd.DataFrame(data, dtype=object) if data else pd.DataFrame(index=range(len(records)))
        return cls(table, frame, np.asarray(rows, dtype=np.int64), file, sheet, headers,
                   header_row, problems)


def leave_out(raws: list[RawTable], problems: list[Problem], *, tables=()) -> list[RawTable]:
    """What a lenient reader returns instead of raising: ``raws`` marked lenient, the
    ``problems`` attached as left-out records (:attr:`RawTable.dropped`), and the rows of
    ``tables`` that come from a record a problem names (same file, sheet and line) left
    out.  Readers that skip a broken record themselves pass no ``tables``."""
    places: dict[tuple, set[int]] = {}
    for p in problems:
        if p.row is not None:
            places.setdefault((p.file, p.sheet), set()).add(int(p.row))
    out = []
    for raw in raws:
        if raw.table in tables:
            raw = _without(raw, places)
        raw.lenient = True
        out.append(raw)
    if out:
        out[0].dropped = list(out[0].dropped) + list(problems)
    return out


@dataclass
class ValidationResult:
    """What :func:`validate` found valid: ``data`` holds only the rows that are new
    (not already in the existing data); ``skipped`` counts identical rows left out."""

    data: NetworkData
    skipped: dict[str, int]
    notes: list[str] = field(default_factory=list)
    #: ``(file, reason, count)`` for what readers left out on purpose (see RawTable).
    left_out: list[tuple[str, str, int]] = field(default_factory=list)
    #: the :class:`verkostolab.tables.identity.MergeResult` when actors were merged on import
    merged: object = None
    #: records left out of lenient files, each a :class:`Problem` (place and reason)
    dropped: list[Problem] = field(default_factory=list)


# --------------------------------------------------------------------------- cell parsers

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_FI = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(?:klo\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and value.strip() == "":
        return True
    return value is pd.NA or value is pd.NaT


def cell_text(value) -> str | None:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, blanks as None."""
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def parse_number(value) -> float | None:
    """A number from a cell; decimal commas are accepted.  Raises ValueError.

    >>> parse_number("2,5")
    2.5
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if not _NUMBER.match(text):
            raise ValueError(value)
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        number = float(text)
    if not math.isfinite(number):  # 1e309, inf, NaN: igraph aborts on them (issue 16)
        raise ValueError(value)
    return number


def _not_finite(value) -> bool:
    """Whether a cell reads as a number that is not finite (``1e309``, ``inf``, ``NaN``)."""
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return not math.isfinite(float(text))
    except (TypeError, ValueError, OverflowError):
        return False


def parse_date(value) -> pd.Timestamp:
    """A date from a cell: ISO, Finnish ``d.m.yyyy`` (optionally ``klo hh.mm``), an
    Excel serial day number, or a date object.  Raises ValueError.

    >>> parse_date("14.3.2024")
    Timestamp('2024-03-14 00:00:00')
    >>> parse_date(45365)
    Timestamp('2024-03-14 00:00:00')
    >>> parse_date("2024-03-14T09:30")
    Timestamp('2024-03-14 09:30:00')
    """
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return pd.Timestamp(value).tz_localize(None) if getattr(value, "tzinfo", None) else pd.Timestamp(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = str(value).strip()
        if _ISO.match(text):
            stamp = pd.Timestamp(text)
            return stamp.tz_convert(None) if stamp.tzinfo else stamp
        m = _FI.match(text)
        if m:
            d, mo, y, hh, mm, ss = m.groups()
            return pd.Timestamp(year=int(y), month=int(mo), day=int(d), hour=int(hh or 0),
                                minute=int(mm or 0), second=int(ss or 0))
        try:
            number = parse_number(text)
        except ValueError:
            raise ValueError(value) from None
    if not (SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]):
        raise ValueError(value)
    return (_EXCEL_EPOCH + pd.to_timedelta(number, unit="D")).round("s")


def _parse_unique(series: pd.Series, parse) -> tuple[pd.Series, pd.Series]:
    """Apply ``parse`` once per distinct non-missing value; returns (values, bad mask)."""
    present = ~series.map(_is_missing).astype(bool)
    out = pd.Series([None] * len(series), index=series.index, dtype=object)
    bad = pd.Series(False, index=series.index)
    if not present.any():
        return out, bad
    values = series[present]
    cache: dict = {}
    parsed = []
    for v in values:
        key = (type(v), v) if not isinstance(v, (list, dict)) else id(v)
        if key not in cache:
            try:
                cache[key] = (parse(v), False)
            except (ValueError, TypeError, OverflowError):
                cache[key] = (None, True)
        parsed.append(cache[key])
    out[present] = pd.Series([p[0] for p in parsed], index=values.index, dtype=object)
    bad[present] = [p[1] for p in parsed]
    return out, bad


# --------------------------------------------------------------------------- validation


def _problem(raw: RawTable, code: str, positions, column: str | None, values=None, **params):
    """Problems for the records at ``positions`` of ``raw``."""
    header = raw.headers.get(column, column) if column else None
    out = []
    for k, pos in enumerate(positions):
        value = None if values is None else values[k]
        out.append(Problem(code, file=raw.file, sheet=raw.sheet, row=int(raw.rows[pos]),
                           column=header, value=value, params=dict(params)))
    return out


def _allowed(vocabulary: str, lang: str = "fi") -> str:
    from ..i18n import catalogue

    labels = []
    for code in VOCABULARIES[vocabulary]:
        label = catalogue("fi").get(f"{vocabulary}.{code}")
        labels.append(f"{code} ({label})" if label and vocabulary != "assessment_item" else code)
    return ", ".join(labels)


def _convert(raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns of ``raw`` and the problems of its cells."""
    spec = TABLES[raw.table]
    problems: list[Problem] = list(raw.problems)
    for name in spec.required:
        if name not in raw.frame.columns:
            col = spec.column(name)
            aliases = ", ".join(dict.fromkeys([name, *col.aliases[:5]]))
            problems.append(Problem("missing_column", file=raw.file, sheet=raw.sheet,
                                    row=raw.header_row, column=name, value=name,
                                    params={"aliases": aliases}))
    out = {}
    for col in spec.columns:
        if col.name not in raw.frame.columns:
            continue
        series = raw.frame[col.name].reset_index(drop=True)
        if col.kind in ("id", "text"):
            values = series.map(cell_text).astype(object)
            bad = pd.Series(False, index=series.index)
        elif col.kind == "vocab":
            text = series.map(cell_text).astype(object)
            values, _ = _parse_unique(text, lambda v, voc=col.vocabulary: normalise_value(voc, v))
            bad = text.notna() & values.isna()
            if bad.any():
                pos = np.flatnonzero(bad.to_numpy())
                problems += _problem(raw, "invalid_value", pos, col.name,
                                     text.to_numpy()[pos], allowed=_allowed(col.vocabulary))
            bad = pd.Series(False, index=series.index)
        elif col.kind == "date":
            values, bad = _parse_unique(series, parse_date)
            if bad.any():
                pos = np.flatnonzero(bad.to_numpy())
                problems += _problem(raw, "invalid_date", pos, col.name,
                                     [cell_text(v) for v in series.to_numpy()[pos]])
        elif col.kind == "rating":
            def rating(v):
                number = parse_number(v)
                if not number.is_integer() or not 1 <= number <= 5:
                    raise ValueError(v)
                return int(number)

            values, bad = _parse_unique(series, rating)
            if bad.any():
                pos = np.flatnonzero(bad.to_numpy())
                problems += _problem(raw, "invalid_rating", pos, col.name,
                                     [cell_text(v) for v in series.to_numpy()[pos]])
        elif col.kind == "number":
            values, bad = _parse_unique(series, parse_number)
            if bad.any():
                pos = np.flatnonzero(bad.to_numpy())
                infinite = np.array([_not_finite(v) for v in series.to_numpy()[pos]], dtype=bool)
                for code, where in (("invalid_number", pos[~infinite]), ("not_finite", pos[infinite])):
                    if len(where):
                        problems += _problem(raw, code, where, col.name,
                                             [cell_text(v) for v in series.to_numpy()[where]])
            negative = values.map(lambda v: v is not None and (v < 0 or math.isnan(v)))
            if negative.any():
                pos = np.flatnonzero(negative.to_numpy())
                problems += _problem(raw, "negative_number", pos, col.name,
                                     [cell_text(v) for v in series.to_numpy()[pos]])
        else:  # pragma: no cover - schema and code disagree
            raise AssertionError(col.kind)
        if col.required:
            missing = series.map(_is_missing).astype(bool) & ~bad
            if missing.any():
                problems += _problem(raw, "required_value", np.flatnonzero(missing.to_numpy()),
                                     col.name)
        out[col.name] = values
    frame = pd.DataFrame(out, index=range(len(raw.frame)))
    frame["_row"] = raw.rows
    return frame, problems


def _key_tuple_strings(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    if len(key) == 1:
        return frame[key[0]].astype(object)
    out = frame[key[0]].astype(str)
    for k in key[1:]:
        out = out + " / " + frame[k].astype(str)
    return out.astype(object)


def validate(raws: list[RawTable], *, source: str | None = None,
             existing: NetworkData | None = None) -> ValidationResult:
    """Convert and check raw tables; raise :class:`InputError` listing every problem.

    A problem in a record of a lenient raw table (:attr:`RawTable.lenient`) does not
    refuse the import: the record is left out, listed in
    :attr:`ValidationResult.dropped`, and the rest is checked again (a record that
    pointed at a left-out one is left out and listed too).  Problems in strict tables,
    and problems that name no record, still refuse everything.  The records the readers
    left out (:attr:`RawTable.dropped`) are listed first.
    """
    dropped = [p for raw in raws for p in raw.dropped]
    while True:
        try:
            result = _validate(raws, source=source, existing=existing)
        except InputError as exc:
            placed = _placed(exc.problems, raws)
            if placed is None:
                raise
            before = sum(len(raw.rows) for raw in raws)
            raws = [_without(raw, placed) for raw in raws]
            if sum(len(raw.rows) for raw in raws) == before:  # nothing to leave out
                raise
            dropped += exc.problems
            continue
        result.dropped = dropped
        return result


def _placed(problems: list[Problem], raws: list[RawTable]):
    """``{(file, sheet): rows}`` of the records named by ``problems`` if every problem
    names a record of a lenient table, else None."""
    lenient = {(raw.file, raw.sheet) for raw in raws if raw.lenient}
    places: dict[tuple, set[int]] = {}
    for p in problems:
        key = (p.file, p.sheet)
        if p.row is None or key not in lenient:
            return None
        places.setdefault(key, set()).add(int(p.row))
    return places or None


def _without(raw: RawTable, places) -> RawTable:
    rows = places.get((raw.file, raw.sheet))
    if not rows:
        return raw
    keep = ~np.isin(raw.rows, list(rows))
    return RawTable(raw.table, raw.frame[keep].reset_index(drop=True), raw.rows[keep], raw.file,
                    raw.sheet, raw.headers, raw.header_row, raw.problems, raw.left_out,
                    raw.lenient, raw.dropped)


def _validate(raws: list[RawTable], *, source: str | None = None,
              existing: NetworkData | None = None) -> ValidationResult:
    """:func:`validate` without leaving anything out.

    With ``existing`` (what a store holds already), references may point at existing
    rows; a row whose key exists already with the same values is skipped, with other
    values it is a problem.  Rows of key-less tables (ties) that are already there the
    same number of times are skipped too, so importing a file twice changes nothing.
    """
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    origin: dict[str, RawTable] = {}
    for raw in raws:
        frame, found = _convert(raw)
        problems += found
        frame["_file"], frame["_sheet"] = raw.file, raw.sheet  # where each row came from
        if raw.table in frames:  # the same table from two files: stack them
            frames[raw.table] = pd.concat([frames[raw.table], frame], ignore_index=True)
            raw_prev = origin[raw.table]
            origin[raw.table] = RawTable(raw.table, pd.DataFrame(),
                                         np.concatenate([raw_prev.rows, raw.rows]),
                                         None, None, {**raw_prev.headers, **raw.headers})
        else:
            frames[raw.table] = frame
            origin[raw.table] = raw

    existing = existing or NetworkData()
    notes: list[str] = []
    skipped: dict[str, int] = {}
    spec_keys = {}

    # Organisations named by actors but never listed: create them when no organisation
    # table was given at all (a simple actor list with an organisation column).
    if ("actors" in frames and "organisations" not in frames
            and "organisation_id" in frames["actors"].columns
            and existing.counts()["organisations"] == 0):
        names = frames["actors"]["organisation_id"].dropna().drop_duplicates()
        frames["organisations"] = pd.DataFrame({"organisation_id": names.to_numpy(),
                                                "name": names.to_numpy(), "_row": 0,
                                                "_file": None, "_sheet": None})
        origin["organisations"] = RawTable("organisations", pd.DataFrame(),
                                           np.zeros(len(names), dtype=np.int64))

    for table, frame in frames.items():
        spec = TABLES[table]
        raw = origin[table]
        # Duplicates within the input (a missing key column is a problem reported already).
        if spec.key and set(spec.key) <= set(frame.columns):
            keys = _key_tuple_strings(frame, spec.key)
            present = frame[list(spec.key)].notna().all(axis=1)
            dup = keys.duplicated(keep="first") & present
            if dup.any() and frame["_file"].nunique(dropna=False) > 1:
                # The same row in two files (one person in two meetings' reports) is one
                # row: keep the first, count the others as already there.
                cols = [c for c in spec.column_names if c in frame.columns]
                prints = _fingerprint(frame, cols)
                first_print = prints.groupby(keys, sort=False).transform("first")
                first_file = frame["_file"].groupby(keys, sort=False).transform("first")
                again = dup & (prints == first_print) & (frame["_file"] != first_file)
                if again.any():
                    skipped[table] = skipped.get(table, 0) + int(again.sum())
                    frame = frames[table] = frame[~again.to_numpy()].reset_index(drop=True)
                    keys, present = keys[~again].reset_index(drop=True), present[~again].reset_index(drop=True)
                    dup = keys.duplicated(keep="first") & present
            if dup.any():
                first_rows = frame.groupby(keys, sort=False)["_row"].transform("first")
                pos = np.flatnonzero(dup.to_numpy())
                code = "duplicate_key" if len(spec.key) == 1 else "duplicate_row"
                column = spec.key[0] if len(spec.key) == 1 else spec.key[-1]
                for p in pos:
                    problems.append(Problem(code, file=frame["_file"].iat[p] or None,
                                            sheet=frame["_sheet"].iat[p], row=int(frame["_row"].iat[p]),
                                            column=raw.headers.get(column, column),
                                            value=keys.iat[p],
                                            params={"first_row": int(first_rows.iat[p])}))
            spec_keys[table] = keys
        if table == "ties" and {"source", "target"} <= set(frame.columns):
            selfie = (frame["source"] == frame["target"]) & frame["source"].notna()
            for p in np.flatnonzero(selfie.to_numpy()):
                problems.append(Problem("self_tie", file=frame["_file"].iat[p], sheet=frame["_sheet"].iat[p],
                                        row=int(frame["_row"].iat[p]),
                                        column=raw.headers.get("target", "target"),
                                        value=frame["source"].iat[p]))

    # References, against the new and the existing rows.
    for table, frame in frames.items():
        spec = TABLES[table]
        raw = origin[table]
        for column, ref_table, ref_column in spec.references:
            if column not in frame.columns:
                continue
            known = set(existing.table(ref_table)[ref_column].dropna())
            if ref_table in frames and ref_column in frames[ref_table].columns:
                known |= set(frames[ref_table][ref_column].dropna())
            values = frame[column]
            unknown = values.notna() & ~values.isin(known)
            for p in np.flatnonzero(unknown.to_numpy()):
                problems.append(Problem("unknown_reference", file=frame["_file"].iat[p],
                                        sheet=frame["_sheet"].iat[p],
                                        row=int(frame["_row"].iat[p]),
                                        column=raw.headers.get(column, column),
                                        value=values.iat[p],
                                        params={"table": ref_table}))
    if problems:
        raise InputError(problems, source=source)

    # Against what exists already: identical rows are skipped, changed ones refused.
    new_tables: dict[str, pd.DataFrame] = {}
    for table, frame in frames.items():
        spec = TABLES[table]
        raw = origin[table]
        typed = coerce_frame(table, frame)
        typed["_row"] = frame["_row"].to_numpy()
        old = existing.table(table)
        if old.empty:
            new_tables[table] = typed.drop(columns="_row")
            skipped.setdefault(table, 0)
            continue
        compare_cols = [c for c in spec.column_names if c in frame.columns]
        fingerprint_new = _fingerprint(typed, compare_cols)
        fingerprint_old = _fingerprint(old, compare_cols)
        if spec.key:
            keys_new = _key_tuple_strings(typed, spec.key)
            keys_old = _key_tuple_strings(old, spec.key)
            old_by_key = dict(zip(keys_old, fingerprint_old))
            in_old = keys_new.isin(set(keys_old))
            same = in_old & (fingerprint_new == keys_new.map(old_by_key))
            conflict = in_old & ~same
            for p in np.flatnonzero(conflict.to_numpy()):
                problems.append(Problem("conflict_with_store", file=frame["_file"].iat[p],
                                        sheet=frame["_sheet"].iat[p],
                                        row=int(typed["_row"].iat[p]),
                                        column=raw.headers.get(spec.key[0], spec.key[0]),
                                        value=keys_new.iat[p]))
            keep = ~in_old
        else:
            # Multiset difference: the k-th copy of a row is new only if the store has
            # fewer than k copies of it.
            have = fingerprint_old.value_counts()
            nth = fingerprint_new.groupby(fingerprint_new).cumcount()
            keep = nth >= fingerprint_new.map(have).fillna(0).astype(int)
        skipped[table] = skipped.get(table, 0) + int((~keep).sum())
        new_tables[table] = typed[keep.to_numpy()].drop(columns="_row")
    if problems:
        raise InputError(problems, source=source)
    return ValidationResult(NetworkData(new_tables, source=source), skipped, notes,
                            collect_left_out(raws))


def collect_left_out(raws: list[RawTable]) -> list[tuple[str, str, int]]:
    """What the readers of ``raws`` left out, summed per file and reason."""
    totals: dict[tuple[str, str], int] = {}
    for raw in raws:
        for reason, count in raw.left_out.items():
            if count:
                key = (raw.file or "", reason)
                totals[key] = totals.get(key, 0) + int(count)
    return [(file, reason, count) for (file, reason), count in totals.items()]


def render_left_out(left_out, lang: str | None = None) -> list[str]:
    """One line per file and reason: what was left out and how many."""
    from ..i18n import t

    return [t("left_out.line", lang, file=file, what=t(f"left_out.{reason}", lang, count=count))
            for file, reason, count in left_out]


def render_dropped(dropped, lang: str | None = None) -> list[str]:
    """The left-out records as Gephi's import report lists them: a count per file, then
    one line per record (file, line or message, field: why)."""
    from ..i18n import t

    if not dropped:
        return []
    per_file: dict[str, int] = {}
    for p in dropped:
        per_file[str(p.file or "-")] = per_file.get(str(p.file or "-"), 0) + 1
    lines = [t("dropped.title", lang, count=len(dropped))]
    lines += [f"  {t('dropped.file', lang, file=file, count=count)}" for file, count in per_file.items()]
    lines += [f"    {p.render(lang)}" for p in dropped]
    return lines


def dropped_dict(dropped) -> dict:
    """The left-out records for ``--json``: ``dropped`` (each with file, sheet, row,
    column, value, code and the message in both languages) and ``dropped_count``."""
    return {"dropped_count": len(dropped), "dropped": [p.to_dict() for p in dropped]}


def _fingerprint(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    if frame.empty:
        return pd.Series([], dtype=object)
    parts = []
    for c in columns:
        s = frame[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.strftime("%Y-%m-%dT%H:%M:%S")
        parts.append(s.astype(object).where(s.notna(), "\x00").astype(str))
    if not parts:
        return pd.Series([""] * len(frame), index=frame.index)
    out = parts[0]
    for p in parts[1:]:
        out = out + "\x1f" + p
    return out
