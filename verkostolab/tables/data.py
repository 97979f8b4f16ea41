"""`NetworkData`: one validated, immutable bundle of the tables of a network.

The frames are handed out as shallow copies (pandas copy-on-write), so changing one
never changes the bundle.  Filtering returns a new bundle.

>>> from verkostolab.tables.data import NetworkData
>>> import pandas as pd
>>> data = NetworkData(actors=pd.DataFrame({"actor_id": ["a", "b"], "name": ["Aino", "Bo"]}))
>>> data.counts()["actors"]
2
>>> frame = data.actors
>>> frame.loc[0, "name"] = "changed"
>>> data.actors.loc[0, "name"]
'Aino'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import PeriodError
from .schema import TABLE_ORDER, TABLES

__all__ = ["NetworkData", "empty_frame", "coerce_frame", "parse_period"]

_DTYPES = {"id": object, "text": object, "vocab": object, "rating": "Int64",
           "number": "float64", "date": "datetime64[ns]"}


def empty_frame(table: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of ``table``."""
    spec = TABLES[table]
    return pd.DataFrame({c.name: pd.Series([], dtype=_DTYPES[c.kind]) for c in spec.columns})


def coerce_frame(table: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """Give ``frame`` exactly the columns of ``table`` with their dtypes (missing ones empty).

    Values are expected to be valid already (readers validate); this only fixes types,
    e.g. after a round trip through SQL.
    """
    spec = TABLES[table]
    if frame is None or len(frame.columns) == 0:
        return empty_frame(table)
    out = {}
    n = len(frame)
    for col in spec.columns:
        if col.name in frame.columns:
            s = frame[col.name]
        else:
            s = pd.Series([None] * n, index=frame.index, dtype=object)
        if col.kind in ("id", "text", "vocab"):
            s = s.astype(object)
            s = s.where(s.notna(), None)
        elif col.kind == "rating":
            s = pd.to_numeric(s, errors="coerce").astype("Int64")
        elif col.kind == "number":
            s = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col.kind == "date":
            s = pd.to_datetime(s, errors="coerce", format="mixed").astype("datetime64[ns]")
        out[col.name] = s
    return pd.DataFrame(out).reset_index(drop=True)


_PERIOD_PART = re.compile(
    r"^(?:(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?"
    r"|(?:(?P<fd>\d{1,2})\.)?(?P<fm>\d{1,2})\.(?P<fy>\d{4}))$"
)


def _period_bound(text: str, *, end: bool) -> pd.Timestamp | None:
    text = text.strip()
    if not text:
        return None
    m = _PERIOD_PART.match(text)
    if not m:
        raise ValueError(text)  # parse_period turns it into a PeriodError naming the period
    if m["y"]:
        y, mo, d = int(m["y"]), m["m"], m["d"]
    else:
        y, mo, d = int(m["fy"]), m["fm"], m["fd"]
    start = pd.Timestamp(year=y, month=int(mo or 1), day=int(d or 1))
    if not end:
        return start
    if d:
        return start + pd.Timedelta(days=1)
    if mo:
        return start + pd.offsets.MonthBegin(1)
    return start + pd.offsets.YearBegin(1)


def parse_period(period) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Turn ``"FROM:TO"`` (either side may be empty) into ``[start, end)`` timestamps.

    The end is inclusive as written: ``2024-06`` means up to the end of June.  A period
    that cannot be read raises :class:`~verkostolab.errors.PeriodError` (a
    :class:`ValueError`) with a catalogue message naming it.

    >>> parse_period("2024-01:2024-06")
    (Timestamp('2024-01-01 00:00:00'), Timestamp('2024-07-01 00:00:00'))
    >>> parse_period("1.3.2024:")
    (Timestamp('2024-03-01 00:00:00'), None)
    >>> parse_period("huhtikuu")
    Traceback (most recent call last):
    ...
    verkostolab.errors.PeriodError: The period 'huhtikuu' is not valid: use 2024-09:2024-12 or 1.9.2024:31.12.2024.
    """
    if period is None:
        return None, None
    try:
        if isinstance(period, str):
            if ":" not in period:
                return _period_bound(period, end=False), _period_bound(period, end=True)
            left, right = period.split(":", 1)
            return _period_bound(left, end=False), _period_bound(right, end=True)
        start, end = period
        start = None if start is None else pd.Timestamp(start)
        end = None if end is None else pd.Timestamp(end)
    except (ValueError, TypeError):  # no such date (2024-13), not two bounds, not a date
        raise PeriodError(value=_shown_period(period)) from None
    return start, end


def _shown_period(period) -> str:
    if isinstance(period, str):
        return period
    try:
        return ":".join("" if p is None else str(p) for p in period)
    except TypeError:
        return str(period)


class NetworkData:
    """The tables of one network: actors, organisations, events, participation, ties,
    assessments and goals.  Build it with a reader or the store; the
    constructor trusts its input apart from fixing column types."""

    __slots__ = ("_tables", "source")

    def __init__(self, tables: Mapping[str, pd.DataFrame] | None = None, *,
                 source: str | None = None, **named: pd.DataFrame):
        given = dict(tables or {})
        given.update(named)
        unknown = set(given) - set(TABLE_ORDER)
        if unknown:
            raise ValueError(f"unknown tables: {', '.join(sorted(unknown))}")
        object.__setattr__(self, "_tables",
                           {name: coerce_frame(name, given.get(name)) for name in TABLE_ORDER})
        object.__setattr__(self, "source", source)

    def __setattr__(self, name, value):
        raise AttributeError("NetworkData is immutable; build a new one")

    # -- access ----------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A copy of table ``name`` (cheap: pandas copies on write)."""
        return self._tables[name].copy(deep=False)

    organisations = property(lambda self: self.table("organisations"))
    actors = property(lambda self: self.table("actors"))
    events = property(lambda self: self.table("events"))
    participation = property(lambda self: self.table("participation"))
    ties = property(lambda self: self.table("ties"))
    assessments = property(lambda self: self.table("assessments"))
    goals = property(lambda self: self.table("goals"))

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: self.table(name) for name in TABLE_ORDER}

    def counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self._tables.items()}

    def is_empty(self) -> bool:
        return not any(self.counts().values())

    def replace(self, **tables: pd.DataFrame) -> "NetworkData":
        merged = {**self._tables, **tables}
        return NetworkData(merged, source=self.source)

    # -- summaries ---------------------------------------------------------------------
    def date_range(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        dates = pd.concat([self._tables["events"]["date"], self._tables["ties"]["date"]]).dropna()
        if dates.empty:
            return None, None
        return dates.min(), dates.max()

    def actor_sectors(self) -> pd.Series:
        """Sector of each actor (via the organisation), indexed by actor id."""
        actors = self._tables["actors"]
        orgs = self._tables["organisations"].set_index("organisation_id")["sector"]
        return pd.Series(actors["organisation_id"].map(orgs).to_numpy(),
                         index=actors["actor_id"], name="sector", dtype=object)

    def summary(self) -> dict:
        """Row counts, period, sectors, networks and rounds as plain Python values."""
        start, end = self.date_range()
        events = self._tables["events"]
        def ranked(series: pd.Series) -> dict:
            counts = series.value_counts()
            order = sorted(counts.index, key=lambda k: (-counts[k], str(k)))
            return {str(k): int(counts[k]) for k in order}

        sectors = self.actor_sectors().fillna("unknown")
        return {
            "source": self.source,
            "tables": self.counts(),
            "period": {"start": None if start is None else start.date().isoformat(),
                       "end": None if end is None else end.date().isoformat()},
            "sectors": ranked(sectors),
            "networks": ranked(events["network"].dropna()),
            "event_kinds": ranked(events["kind"].dropna()),
            "rounds": sorted(str(r) for r in self._tables["assessments"]["round"].dropna().unique()),
        }

    # -- filtering ---------------------------------------------------------------------
    def filter(self, *, period=None, network=None, kind=None) -> "NetworkData":
        """The events of a period, network(s) or event kind(s), with what belongs to them.

        ``period`` is ``"FROM:TO"`` (see :func:`parse_period`) or a pair of dates.
        Participation follows its events.  A tie is kept when its own date, or else its
        event's date, lies in the period; undated ties without an event are reported
        relations with no time and are kept by a period filter, but not by a network or
        kind filter (they belong to no event).  Actors, organisations, assessments and
        goals are kept whole.
        """
        events = self._tables["events"]
        keep = pd.Series(True, index=events.index)
        start, end = parse_period(period)
        if start is not None:
            keep &= events["date"] >= start
        if end is not None:
            keep &= events["date"] < end
        if network is not None:
            networks = [network] if isinstance(network, str) else list(network)
            keep &= events["network"].isin(networks)
        if kind is not None:
            kinds = [kind] if isinstance(kind, str) else list(kind)
            keep &= events["kind"].isin(kinds)
        kept_events = events[keep.fillna(False).astype(bool)]
        ids = set(kept_events["event_id"])
        part = self._tables["participation"]
        part = part[part["event_id"].isin(ids)]

        ties = self._tables["ties"]
        lookup = dict(zip(events["event_id"], events["date"]))
        event_dates = pd.to_datetime(ties["event_id"].map(lookup), errors="coerce")
        when = ties["date"].fillna(event_dates.astype("datetime64[ns]"))
        has_event = ties["event_id"].notna()
        tkeep = pd.Series(True, index=ties.index)
        if start is not None or end is not None:
            in_period = pd.Series(True, index=ties.index)
            if start is not None:
                in_period &= when >= start
            if end is not None:
                in_period &= when < end
            tkeep &= in_period.fillna(False).astype(bool) | (when.isna() & ~has_event)
        if network is not None or kind is not None:
            tkeep &= ties["event_id"].isin(ids)
        return self.replace(events=kept_events, participation=part, ties=ties[tkeep])

    # -- display -----------------------------------------------------------------------
    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts().items())
        return f"NetworkData({counts})"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in self.counts().items())
        return f"<table><tr><th>table</th><th>rows</th></tr>{rows}</table>"
