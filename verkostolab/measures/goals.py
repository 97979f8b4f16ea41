"""Goals measured against the data.

A goal's ``indicator`` may name one of the measures of :data:`GOAL_MEASURES`; such a
goal is computed for each period (or assessment round): the baseline (as typed, or else
the measure in the earlier period), the current value (the later period), the target and
the progress ``(current - baseline) / (target - baseline)``.  Any other indicator is
free text: it is shown as not measurable from the data, and no number is made up for it.

>>> import pandas as pd
>>> from verkostolab.tables.data import NetworkData
>>> data = NetworkData(
...     actors=pd.DataFrame({"actor_id": ["a", "b", "c"], "name": ["A", "B", "C"]}),
...     events=pd.DataFrame({"event_id": ["e1"], "date": pd.to_datetime(["2024-03-01"])}),
...     participation=pd.DataFrame({"event_id": ["e1", "e1"], "actor_id": ["a", "b"]}),
...     goals=pd.DataFrame({"goal_id": ["G1", "G2"], "title": ["More people", "Happier"],
...                         "indicator": ["actors", "felt better"], "baseline": [1, None],
...                         "target": [3, None]}))
>>> [(g["goal_id"], g["measurable"], g["current"], g["progress"])
...  for g in measure_goals(data, None, "2024-01:2024-06")]
[('G1', True, 2.0, 0.5), ('G2', False, None, None)]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tables.data import NetworkData

__all__ = ["GOAL_MEASURES", "goal_measure", "measure_goals"]

#: Measures a goal's indicator may name (the indicator is matched without regard to case,
#: spaces or hyphens, so ``"Cross-sector ties"`` names ``cross_sector_ties``).
GOAL_MEASURES = ("actors", "organisations", "ties", "density", "cross_sector_ties",
                 "cross_sector_share", "co_development_ties", "sectors_in_co_development",
                 "mean_knowing", "mean_trust", "mean_commitment", "response_rate")


def _key(indicator) -> str | None:
    if not isinstance(indicator, str):
        return None
    key = "_".join(indicator.strip().lower().replace("-", " ").split())
    return key if key in GOAL_MEASURES else None


def goal_measure(data: NetworkData, measure: str, period=None, *, graph=None, **build_options) -> float:
    """The value of one of :data:`GOAL_MEASURES` in ``period`` of ``data`` (NaN when the
    data do not hold what it needs, e.g. no ratings for ``mean_trust``).

    People and ties are those of the person network of the period (its active people);
    ratings are the reported ties dated in the period; ``response_rate`` is the share of
    actors who answered an assessment dated in the period.  ``graph``, when given, is
    the person network of the period already built (e.g. by an analysis of it).
    """
    from ..graphs import build_graph

    if measure not in GOAL_MEASURES:
        raise ValueError(f"unknown goal measure {measure!r}")
    part = data.filter(period=period) if period is not None else data
    if measure.startswith("mean_"):
        values = part.ties[measure[5:]].astype("float64").dropna()
        return float(values.mean()) if len(values) else float("nan")
    if measure == "response_rate":
        from ..tables.data import parse_period

        answers = data.assessments
        start, end = parse_period(period)
        dates = pd.to_datetime(answers["date"])
        keep = pd.Series(True, index=answers.index)
        if start is not None:
            keep &= dates >= start
        if end is not None:
            keep &= dates < end
        actors = len(data.actors)
        respondents = answers.loc[keep.fillna(False).astype(bool), "respondent"].nunique()
        return respondents / actors if actors else float("nan")
    if measure in ("co_development_ties", "sectors_in_co_development"):
        co = part.filter(kind="co_development")
        if measure == "sectors_in_co_development":
            sectors = data.actor_sectors()
            people = co.participation["actor_id"].unique()
            return float(sectors.reindex(people).dropna().nunique())
        return float(build_graph(co, nodes="active", **build_options).ecount())
    g = graph if graph is not None else build_graph(part, nodes="active", **build_options)
    if measure == "actors":
        return float(g.vcount())
    if measure == "organisations":
        orgs = [o for o in g.vs["organisation"] if isinstance(o, str)] if g.vcount() else []
        return float(len(set(orgs)))
    if measure == "ties":
        return float(g.ecount())
    if measure == "density":
        return float(g.density()) if g.vcount() > 1 else 0.0
    sectors = np.asarray(g.vs["sector"], dtype=object) if g.vcount() else np.array([], dtype=object)
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    a, b = sectors[edges[:, 0]], sectors[edges[:, 1]]
    known = np.array([isinstance(x, str) and isinstance(y, str) for x, y in zip(a, b)], dtype=bool)
    cross = known & (a != b)
    if measure == "cross_sector_ties":
        return float(cross.sum())
    return float(cross.sum() / known.sum()) if known.any() else float("nan")


def _number(value) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) else out


def measure_goals(data: NetworkData, before, after, *, graphs=None, **build_options) -> list[dict]:
    """Each goal of ``data`` measured in the periods ``before`` and ``after``.

    One dict per goal: ``goal_id``, ``title``, ``indicator``, ``measure`` (the measure it
    names, or None), ``measurable``, ``baseline`` (as typed, else the value in
    ``before``), ``before`` (the value in ``before``), ``current`` (the value in
    ``after``; None when not measurable), ``target`` and ``progress`` (share of the way
    from baseline to target; None without both).  ``before`` may be None (then the
    typed baseline alone is the baseline).  ``graphs`` maps a period to its person
    network when already built (so that the graphs are not built again).
    """
    out = []
    for goal in data.goals.to_dict(orient="records"):
        measure = _key(goal.get("indicator"))
        baseline, target = _number(goal.get("baseline")), _number(goal.get("target"))
        row = {"goal_id": str(goal["goal_id"]), "title": goal.get("title"),
               "indicator": goal.get("indicator") if isinstance(goal.get("indicator"), str) else None,
               "measure": measure, "measurable": measure is not None, "baseline": baseline,
               "before": None, "current": None, "target": target, "progress": None}
        if measure is not None:
            graphs = graphs or {}
            earlier = (_number(goal_measure(data, measure, before, graph=graphs.get(before), **build_options))
                       if before is not None else None)
            current = _number(goal_measure(data, measure, after, graph=graphs.get(after), **build_options))
            row["before"], row["current"] = earlier, current
            if baseline is None:
                row["baseline"] = baseline = earlier
            if None not in (baseline, target, current) and target != baseline:
                row["progress"] = (current - baseline) / (target - baseline)
        out.append(row)
    return out
