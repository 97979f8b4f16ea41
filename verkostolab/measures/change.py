"""Change between two periods or rounds: tie trajectories, people, structure, periphery
and core, and goals measured in both periods.

Every pair seen in either period gets a status (:data:`STATUSES`):

* ``new``: tied in the later period, not in the earlier one;
* ``continuing``: tied in both, about as strongly;
* ``strengthened`` / ``weakened``: tied in both, clearly more / less strongly.  Where the
  pair reported ratings (knowing, trust, commitment) in both periods, the ratings decide
  (the mean of both people's views rose / fell by at least ``rating_step``); otherwise the
  weight of the tie decides (it grew / fell by more than ``tolerance`` of its earlier
  weight);
* ``dormant``: not seen in the later period, but seen within the dormancy window
  (``dormant_after`` months, default 12) before the end of the later period: people who
  met at a kick-off and then worked elsewhere have not lost each other;
* ``lost``: not seen for longer than the dormancy window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import PeriodError
from ..graphs import build_graph, directed_ratings
from ..tables.data import NetworkData, parse_period
from .analysis import Analysis, analyse
from .stage import core_members
from .structure import network_measures

__all__ = ["Change", "STATUSES", "compare_periods", "compare_graphs", "default_periods",
           "check_period"]

#: Figures of the whole network compared between the two periods.
COMPARED = ["nodes", "ties", "density", "components", "largest_component_share",
            "degree_centralisation", "ei_sector", "cross_sector_share", "ei_sector_strength",
            "cross_sector_strength_share", "ei_organisation",
            "transitivity", "modularity"]

#: The statuses of a pair between two periods, in the order they are counted.
STATUSES = ("new", "continuing", "strengthened", "weakened", "dormant", "lost")

RATINGS = ("knowing", "trust", "commitment")


@dataclass
class Change:
    """What changed between ``before`` and ``after``.

    ``ties`` has one row per pair seen in either period: ``source``, ``target``,
    ``weight_before``/``weight_after``, ``shared_events_before``/``_after``, the ratings
    by direction (``knowing_st_before`` is the source's view of the target in the earlier
    period, ``knowing_ts_before`` the target's view of the source, and so on),
    ``last_seen``, ``decided_by`` (``ratings`` or ``weight``), ``status`` (one of
    :data:`STATUSES`) and ``cross_sector``; ``people`` one row per person with ``status``
    ``newcomer``, ``dropped_out`` or ``stayed`` and whether they were in the core before
    and after; ``summary`` the network figures side by side; ``goals`` the goals
    measured in both periods (see :func:`~verkostolab.measures.goals.measure_goals`).
    """

    ties: pd.DataFrame
    people: pd.DataFrame
    summary: pd.DataFrame
    before_label: str = "before"
    after_label: str = "after"
    notes: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    chosen: bool = False
    #: The analyses of the two periods (before, after) when made by :func:`compare_periods`.
    analyses: tuple = ()

    def counts(self) -> dict:
        tie_counts = self.ties["status"].value_counts()
        people = self.people["status"].value_counts()
        out = {f"{status}_ties": int(tie_counts.get(status, 0)) for status in STATUSES}
        out["new_cross_sector_ties"] = int(((self.ties["status"] == "new") & self.ties["cross_sector"]).sum())
        out["newcomers"] = int(people.get("newcomer", 0))
        out["dropped_out"] = int(people.get("dropped_out", 0))
        out["periphery_to_core"] = int(self.people["periphery_to_core"].sum())
        return out

    @property
    def moved_to_core(self) -> pd.DataFrame:
        return self.people[self.people["periphery_to_core"]]

    def dyads(self) -> list[dict]:
        """Each pair as ``{"source", "target", "status", "before", "after"}``; ``before`` and
        ``after`` hold the pair's ``weight`` and ``shared_events`` and, where reported,
        ``knowing``/``trust``/``commitment`` by direction (``{"source→target": 4,
        "target→source": 3}``, keyed by the two ids); None for a period it was not seen in."""
        out = []
        for row in self.ties.to_dict(orient="records"):
            src, dst = row["source"], row["target"]
            sides = {}
            for when in ("before", "after"):
                weight = row[f"weight_{when}"]
                if weight is None or (isinstance(weight, float) and np.isnan(weight)):
                    sides[when] = None
                    continue
                side = {"weight": float(weight),
                        "shared_events": int(row[f"shared_events_{when}"] or 0)}
                for r in RATINGS:
                    views = {}
                    for d, key in (("st", f"{src}→{dst}"), ("ts", f"{dst}→{src}")):
                        v = row.get(f"{r}_{d}_{when}")
                        if v is not None and not (isinstance(v, float) and np.isnan(v)):
                            views[key] = float(v)
                    if views:
                        side[r] = views
                sides[when] = side
            out.append({"source": src, "target": dst, "status": row["status"],
                        "before": sides["before"], "after": sides["after"]})
        return out

    def to_dict(self) -> dict:
        def clean(v):
            if isinstance(v, (float, np.floating)):
                return None if np.isnan(v) else float(v)
            if isinstance(v, np.integer):
                return int(v)
            return v

        return {
            "before": self.before_label,
            "after": self.after_label,
            "periods": {"before": self.before_label, "after": self.after_label,
                        "chosen_from_data": self.chosen},
            "counts": self.counts(),
            "dyads": self.dyads(),
            "goals": [{k: clean(v) for k, v in g.items()} for g in self.goals],
            "network": {k: {c: clean(v) for c, v in row.items()}
                        for k, row in self.summary.to_dict(orient="index").items()},
            "moved_to_core": self.moved_to_core.index.tolist(),
            "newcomers": self.people.index[self.people["status"] == "newcomer"].tolist(),
            "dropped_out": self.people.index[self.people["status"] == "dropped_out"].tolist(),
        }

    def _repr_html_(self) -> str:
        counts = pd.Series(self.counts(), name="count").to_frame().to_html()
        return counts + self.summary.to_html()


def _edge_frame(graph) -> pd.DataFrame:
    names = np.asarray(graph.vs["name"], dtype=object)
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    a, b = names[edges[:, 0]], names[edges[:, 1]]
    swap = a.astype(str) > b.astype(str)
    src = np.where(swap, b, a)
    dst = np.where(swap, a, b)
    attrs = graph.es.attributes()

    def column(name, default):
        if name in attrs and graph.ecount():
            return np.asarray(graph.es[name], dtype=object)
        return np.full(len(src), default, dtype=object)

    return pd.DataFrame({"source": src, "target": dst,
                         "weight": np.asarray(graph.es["weight"], dtype=float) if graph.ecount() else [],
                         "shared_events": pd.to_numeric(column("shared_events", 0)),
                         "last_date": pd.to_datetime(column("last_date", pd.NaT))})


def _rating_mean(frame: pd.DataFrame, when: str) -> pd.Series:
    cols = [f"{r}_{d}_{when}" for r in RATINGS for d in ("st", "ts")]
    present = [c for c in cols if c in frame.columns]
    if not present:
        return pd.Series(np.nan, index=frame.index)
    return frame[present].astype("float64").mean(axis=1)


def compare_graphs(before, after, *, tolerance: float = 0.2, seed: int = 0,
                   before_label: str = "before", after_label: str = "after",
                   ratings_before: pd.DataFrame | None = None,
                   ratings_after: pd.DataFrame | None = None, rating_step: float = 0.5,
                   last_seen: pd.DataFrame | None = None, reference_date=None,
                   dormant_after: float = 12) -> Change:
    """Compare two person-level graphs, or two :class:`~verkostolab.measures.Analysis`
    (their network figures are then reused); see the module text for the statuses.

    ``ratings_before``/``ratings_after`` are :func:`directed_ratings` of each period's
    reported ties; ``last_seen`` (``source``, ``target``, ``last_date``) when each pair was
    last seen up to ``reference_date`` (the end of the later period; by default the
    latest date in ``after``).  Without dates a pair missing from ``after`` is lost.
    A person is in the core when their coreness is at least half the highest coreness of
    that period.
    """
    summaries = [a.summary if isinstance(a, Analysis) else None for a in (before, after)]
    before, after = (a.graph if isinstance(a, Analysis) else a for a in (before, after))
    eb, ea = _edge_frame(before), _edge_frame(after)
    ties = eb.merge(ea, on=["source", "target"], how="outer", suffixes=("_before", "_after"))
    for when, ratings in (("before", ratings_before), ("after", ratings_after)):
        if ratings is not None and len(ratings):
            renamed = ratings.rename(columns={c: f"{c}_{when}" for c in ratings.columns
                                              if c not in ("source", "target")})
            ties = ties.merge(renamed, on=["source", "target"], how="left")
    wb, wa = ties["weight_before"], ties["weight_after"]
    rb, ra = _rating_mean(ties, "before"), _rating_mean(ties, "after")
    by_rating = rb.notna() & ra.notna() & wb.notna() & wa.notna()
    seen = ties["last_date_before"]
    if last_seen is not None and len(last_seen):
        known = last_seen.set_index(["source", "target"])["last_date"]
        index = pd.MultiIndex.from_frame(ties[["source", "target"]])
        seen = pd.concat([seen, pd.Series(known.reindex(index).to_numpy(), index=ties.index)],
                         axis=1).max(axis=1)
    ties["last_seen"] = pd.to_datetime(seen)
    if reference_date is None:
        dates = ea["last_date"].dropna()
        reference_date = dates.max() if len(dates) else None
    if reference_date is not None and not pd.isna(reference_date):
        limit = pd.Timestamp(reference_date) - pd.DateOffset(months=int(dormant_after))
        recent = (ties["last_seen"] >= limit).fillna(False).astype(bool)
    else:
        recent = pd.Series(False, index=ties.index)
    rated_up = by_rating & (ra - rb >= rating_step)
    rated_down = by_rating & (rb - ra >= rating_step)
    status = np.select(
        [wb.isna(), wa.isna() & recent, wa.isna(), rated_up, rated_down, by_rating,
         wa > wb * (1 + tolerance), wa < wb * (1 - tolerance)],
        ["new", "dormant", "lost", "strengthened", "weakened", "continuing",
         "strengthened", "weakened"], default="continuing")
    ties["status"] = status
    ties["decided_by"] = np.where(by_rating, "ratings", "weight")
    ties = ties.drop(columns=["last_date_before", "last_date_after"])
    sectors = {}
    for g in (before, after):
        if "sector" in g.vs.attributes():
            sectors.update({k: v for k, v in zip(g.vs["name"], g.vs["sector"]) if v is not None})
    sa, sb = ties["source"].map(sectors), ties["target"].map(sectors)
    ties["cross_sector"] = (sa.notna() & sb.notna() & (sa != sb)).astype(bool)
    order = {s: i for i, s in enumerate(STATUSES)}
    ties = ties.assign(_o=ties["status"].map(order)).sort_values(["_o", "source", "target"]).drop(columns="_o").reset_index(drop=True)

    names_before, names_after = set(before.vs["name"]), set(after.vs["name"])
    core_b = dict(zip(before.vs["name"], core_members(before)))
    core_a = dict(zip(after.vs["name"], core_members(after)))
    everyone = sorted(names_before | names_after)
    labels = {}
    for g in (before, after):
        if "label" in g.vs.attributes():
            labels.update(zip(g.vs["name"], g.vs["label"]))
    people = pd.DataFrame(index=pd.Index(everyone, name="id"))
    people["name"] = [labels.get(p, p) for p in everyone]
    people["status"] = ["newcomer" if p not in names_before else
                        "dropped_out" if p not in names_after else "stayed" for p in everyone]
    people["core_before"] = [bool(core_b.get(p, False)) for p in everyone]
    people["core_after"] = [bool(core_a.get(p, False)) for p in everyone]
    people["periphery_to_core"] = ((people["status"] == "stayed") & ~people["core_before"]
                                   & people["core_after"])

    mb, ma = ((s if s is not None else network_measures(g, seed=seed)).to_dict()
              for s, g in zip(summaries, (before, after)))
    summary = pd.DataFrame({before_label: {k: mb[k] for k in COMPARED},
                            after_label: {k: ma[k] for k in COMPARED}})
    summary["change"] = pd.to_numeric(summary[after_label], errors="coerce") - pd.to_numeric(summary[before_label], errors="coerce")
    return Change(ties, people, summary, before_label, after_label)


def check_period(data: NetworkData, period, *, name: str = "period") -> None:
    """Raise :class:`~verkostolab.errors.PeriodError` when ``period`` holds no dated events
    or ties of ``data`` (also when it lies outside the data); the message names the
    period and the data's range."""
    if period is None or period == "":
        return
    chosen = data.filter(period=period)
    dated_ties = chosen.ties["date"].notna() | chosen.ties["event_id"].notna()
    if len(chosen.events) or bool(dated_ties.any()):
        return
    start, end = data.date_range()
    if start is None:
        raise PeriodError("error.period_no_dates", period=str(period), name=name)
    raise PeriodError("error.period_empty", period=str(period), name=name,
                      start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}")


def _period_end(data: NetworkData, period):
    """The (exclusive) end of ``period``; the day after the data's last date when open."""
    _, end = parse_period(period)
    if end is not None:
        return end
    _, latest = data.date_range()
    return None if latest is None else latest.normalize() + pd.Timedelta(days=1)


def compare_periods(data: NetworkData, before=None, after=None, *, tolerance: float = 0.2,
                    seed: int = 0, dormant_after: float = 12, rating_step: float = 0.5,
                    goals: bool = True, **build_options) -> Change:
    """Compare the person networks of two periods (``"FROM:TO"`` strings) of ``data``.

    Without ``before``/``after`` the periods come from the data (:func:`default_periods`)
    and the result's ``chosen`` says so.  A period that holds no data is an error
    (:class:`~verkostolab.errors.PeriodError`) naming the data's range.
    """
    chosen = before is None and after is None
    if chosen:
        before, after = default_periods(data)
    elif before is None or after is None:
        first, second = default_periods(data)
        before, after = before or first, after or second
    check_period(data, before, name="before")
    check_period(data, after, name="after")
    # The analyses of the two periods: pictures and tables of the same periods reuse them.
    g_before = analyse(data, period=before, seed=seed, **build_options)
    g_after = analyse(data, period=after, seed=seed, **build_options)
    end = _period_end(data, after)
    seen = build_graph(data, period=(None, end), **build_options) if end is not None else None
    last_seen = _edge_frame(seen)[["source", "target", "last_date"]] if seen is not None else None
    change = compare_graphs(
        g_before, g_after, tolerance=tolerance, seed=seed, before_label=str(before),
        after_label=str(after),
        ratings_before=directed_ratings(data.filter(period=before).ties),
        ratings_after=directed_ratings(data.filter(period=after).ties),
        rating_step=rating_step, last_seen=last_seen,
        reference_date=None if end is None else end - pd.Timedelta(days=1),
        dormant_after=dormant_after)
    change.chosen = chosen
    change.analyses = (g_before, g_after)
    if goals:
        from .goals import measure_goals

        # The analyses' graphs are the person networks of the periods (active people).
        change.goals = measure_goals(data, before, after, graphs={before: g_before.graph, after: g_after.graph},
                                     **build_options)
    return change


def default_periods(data: NetworkData) -> tuple[str, str]:
    """Two periods to compare when none are given, from the data: the two latest
    half-years (January–June, July–December) that hold events, as ``"FROM:TO"``
    strings; with events in one half-year only, its first and second half.  Raises
    :class:`~verkostolab.errors.PeriodError` when the data have no dates."""
    import datetime as dt

    dates = pd.to_datetime(pd.concat([data.events["date"], data.ties["date"]])).dropna()
    if dates.empty:
        raise PeriodError("error.no_dates")
    halves = sorted({(d.year, 1 if d.month <= 6 else 2) for d in dates})
    if len(halves) >= 2:
        def label(year, half):
            return f"{year}-01:{year}-06" if half == 1 else f"{year}-07:{year}-12"

        return label(*halves[-2]), label(*halves[-1])
    start, end = dates.min(), dates.max()
    middle = start + (end - start) / 2
    return (f"{start:%Y-%m-%d}:{middle:%Y-%m-%d}",
            f"{(middle + dt.timedelta(days=1)):%Y-%m-%d}:{end:%Y-%m-%d}")
