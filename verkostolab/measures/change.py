"""Change between two periods or rounds: ties, people, structure, periphery and core."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..tables.data import NetworkData
from .analysis import Analysis, analyse
from .stage import core_members
from .structure import network_measures

__all__ = ["Change", "compare_periods", "compare_graphs", "default_periods"]

#: Figures of the whole network compared between the two periods.
COMPARED = ["nodes", "ties", "density", "components", "largest_component_share",
            "degree_centralisation", "ei_sector", "cross_sector_share", "ei_organisation",
            "transitivity", "modularity"]


@dataclass
class Change:
    """What changed between ``before`` and ``after``.

    ``ties`` has one row per pair present in either period with ``status`` one of
    ``new``, ``lost``, ``strengthened``, ``weakened``, ``same``; ``people`` one row per
    person with ``status`` ``newcomer``, ``dropped_out`` or ``stayed`` and whether they
    were in the core before and after; ``summary`` the network figures side by side.
    """

    ties: pd.DataFrame
    people: pd.DataFrame
    summary: pd.DataFrame
    before_label: str = "before"
    after_label: str = "after"
    notes: list = field(default_factory=list)

    def counts(self) -> dict:
        tie_counts = self.ties["status"].value_counts()
        people = self.people["status"].value_counts()
        return {
            "new_ties": int(tie_counts.get("new", 0)),
            "lost_ties": int(tie_counts.get("lost", 0)),
            "strengthened_ties": int(tie_counts.get("strengthened", 0)),
            "weakened_ties": int(tie_counts.get("weakened", 0)),
            "new_cross_sector_ties": int(((self.ties["status"] == "new") & self.ties["cross_sector"]).sum()),
            "newcomers": int(people.get("newcomer", 0)),
            "dropped_out": int(people.get("dropped_out", 0)),
            "periphery_to_core": int(self.people["periphery_to_core"].sum()),
        }

    @property
    def moved_to_core(self) -> pd.DataFrame:
        return self.people[self.people["periphery_to_core"]]

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
            "counts": self.counts(),
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
    return pd.DataFrame({"source": src, "target": dst,
                         "weight": np.asarray(graph.es["weight"], dtype=float) if graph.ecount() else []})


def compare_graphs(before, after, *, tolerance: float = 0.2, seed: int = 0,
                   before_label: str = "before", after_label: str = "after") -> Change:
    """Compare two person-level graphs, or two :class:`~verkostolab.measures.Analysis`
    (their network figures are then reused), see :class:`Change`.

    A tie is strengthened (weakened) when its weight grew (fell) by more than
    ``tolerance`` of its earlier weight.  A person is in the core when their coreness
    is at least half the highest coreness of that period.
    """
    summaries = [a.summary if isinstance(a, Analysis) else None for a in (before, after)]
    before, after = (a.graph if isinstance(a, Analysis) else a for a in (before, after))
    eb, ea = _edge_frame(before), _edge_frame(after)
    ties = eb.merge(ea, on=["source", "target"], how="outer", suffixes=("_before", "_after"))
    wb, wa = ties["weight_before"], ties["weight_after"]
    status = np.select(
        [wb.isna(), wa.isna(), wa > wb * (1 + tolerance), wa < wb * (1 - tolerance)],
        ["new", "lost", "strengthened", "weakened"], default="same")
    ties["status"] = status
    sectors = {}
    for g in (before, after):
        if "sector" in g.vs.attributes():
            sectors.update({k: v for k, v in zip(g.vs["name"], g.vs["sector"]) if v is not None})
    sa, sb = ties["source"].map(sectors), ties["target"].map(sectors)
    ties["cross_sector"] = (sa.notna() & sb.notna() & (sa != sb)).astype(bool)
    ties = ties.sort_values(["status", "source", "target"]).reset_index(drop=True)

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


def compare_periods(data: NetworkData, before, after, *, tolerance: float = 0.2, seed: int = 0,
                    **build_options) -> Change:
    """Compare the person networks of two periods (``"FROM:TO"`` strings) of ``data``:
    ``analyse(data, period=..., seed=seed, **build_options)`` of each, so that pictures
    and tables of the same periods reuse them."""
    a_before = analyse(data, period=before, seed=seed, **build_options)
    a_after = analyse(data, period=after, seed=seed, **build_options)
    return compare_graphs(a_before, a_after, tolerance=tolerance, seed=seed,
                          before_label=str(before), after_label=str(after))


def default_periods(data: NetworkData) -> tuple[str, str]:
    """Two periods to compare when none are given: the first and the second half of the
    dated events and ties, as ``"FROM:TO"`` strings (empty strings without dates)."""
    import datetime as dt

    start, end = data.date_range()
    if start is None:
        return "", ""
    middle = start + (end - start) / 2
    return (f"{start:%Y-%m-%d}:{middle:%Y-%m-%d}",
            f"{(middle + dt.timedelta(days=1)):%Y-%m-%d}:{end:%Y-%m-%d}")
