"""Agreeing shared goals (phase 2 of the cycle): from the deck's goal kinds to
indicators the data can measure, today's value as the baseline, and targets.

Built on :mod:`verkostolab.measures.goals` (the measures a goal's indicator may name,
:data:`~verkostolab.measures.goals.GOAL_MEASURES`, and :func:`goal_measure`).

* :data:`SUGGESTED` says which measures fit each goal kind (client service, smooth
  work, a phenomenon, a shared vision).
* :func:`indicator_values` measures every indicator in a period; a measure the data
  cannot give (no ratings, no assessments, no co-development events) is NaN, and
  :func:`indicator_values` says what data would measure it.
* :func:`propose_goals` keeps each goal of the data; a goal whose indicator is free text
  gets the first measurable indicator suggested for its kind (its old indicator kept in
  ``was``), with today's value as baseline and a target ``gain`` higher (shares capped
  at 1); a goal kind without a goal gets a proposal of its own.
* :func:`with_goals` puts the proposed goals into the data, ready for
  :func:`~verkostolab.io.write_workbook` or a store.

>>> from verkostolab.datasets import load_sample
>>> goals = propose_goals(load_sample(), period="2025-01:2025-05")
>>> sorted(goals["indicator"].dropna().unique())[:2]
['actors', 'co_development_ties']
"""

from __future__ import annotations

import math

import pandas as pd

from ..tables.data import NetworkData
from .goals import GOAL_MEASURES, goal_measure

__all__ = ["SUGGESTED", "SHARES", "indicator_values", "propose_goals", "with_goals",
           "goal_kinds_table", "indicators_table", "goals_plan_table", "save_goals"]

#: Measures that fit each goal kind, the first the one proposed when it can be measured.
SUGGESTED = {
    "client_service": ("co_development_ties", "sectors_in_co_development", "cross_sector_ties"),
    "smooth_work": ("cross_sector_share", "cross_sector_ties", "mean_trust", "mean_knowing"),
    "phenomenon": ("co_development_ties", "organisations", "sectors_in_co_development"),
    "shared_vision": ("mean_commitment", "organisations", "actors", "response_rate"),
}
#: Measures that are shares (0-1): a target is capped at 1.
SHARES = ("density", "cross_sector_share", "response_rate")
#: Ratings are on a 1-5 scale: a target is capped at 5.
RATINGS = ("mean_knowing", "mean_trust", "mean_commitment")


def indicator_values(data: NetworkData, period=None) -> pd.DataFrame:
    """Every indicator measure's value in ``period`` (all data when None): ``measure``,
    ``value`` (NaN when the data cannot give it), ``measurable``."""
    rows = []
    for m in GOAL_MEASURES:
        value = goal_measure(data, m, period or None)
        rows.append({"measure": m, "value": value,
                     "measurable": value is not None and not math.isnan(value)})
    return pd.DataFrame(rows)


def _target(measure: str, value: float, gain: float) -> float:
    target = value * (1 + gain) if value else 1.0
    if measure in SHARES:
        target = min(1.0, target)
    if measure in RATINGS:
        target = min(5.0, target)
    if measure not in SHARES and measure not in RATINGS:
        target = float(math.ceil(target))
    return round(target, 3)


def propose_goals(data: NetworkData, *, period=None, gain: float = 0.2) -> pd.DataFrame:
    """The goals table with measurable indicators, baselines and targets (see the
    module text): the goals table's columns and ``was`` (the free-text indicator a
    proposal replaced) and ``proposed`` (a new goal for a kind that had none)."""
    values = indicator_values(data, period).set_index("measure")
    measurable = [m for m in GOAL_MEASURES if values.loc[m, "measurable"]]
    goals = data.goals.copy()
    rows = []

    def pick(kind):
        return next((m for m in SUGGESTED.get(kind, ()) if m in measurable), None)

    for g in goals.to_dict(orient="records"):
        row = {**g, "was": None, "proposed": False}
        key = "_".join(str(g.get("indicator") or "").strip().lower().replace("-", " ").split())
        if key in GOAL_MEASURES and key in measurable:
            row["indicator"] = key
            row["baseline"] = float(values.loc[key, "value"])
        else:
            m = pick(g.get("kind"))
            if m is not None:
                row["was"] = g.get("indicator")
                row["indicator"] = m
                row["baseline"] = round(float(values.loc[m, "value"]), 3)
                row["target"] = _target(m, float(values.loc[m, "value"]), gain)
        rows.append(row)
    have = {g.get("kind") for g in rows}
    for kind in SUGGESTED:
        m = pick(kind)
        if kind in have or m is None:
            continue
        rows.append({"goal_id": f"G-{kind}", "kind": kind, "title": None, "indicator": m,
                     "baseline": round(float(values.loc[m, "value"]), 3),
                     "target": _target(m, float(values.loc[m, "value"]), gain), "network": None,
                     "was": None, "proposed": True})
    cols = list(data.goals.columns) + ["was", "proposed"]
    return pd.DataFrame(rows, columns=cols)


def with_goals(data: NetworkData, proposals: pd.DataFrame, *, lang: str | None = None) -> NetworkData:
    """``data`` with its goals table replaced by ``proposals`` (a proposed goal without a
    title gets its kind's name in ``lang``)."""
    from ..i18n import t

    goals = proposals.drop(columns=[c for c in ("was", "proposed") if c in proposals.columns]).copy()
    goals["title"] = [title if isinstance(title, str) and title else t(f"goal_kind.{kind}", lang)
                      for title, kind in zip(goals["title"], goals["kind"])]
    return data.replace(goals=goals[list(data.goals.columns)])


# --------------------------------------------------------------------------- tables for people


def goal_kinds_table(lang: str | None = None) -> pd.DataFrame:
    """The deck's goal kinds and the indicators that fit them."""
    from ..i18n import t

    return pd.DataFrame([{t("goals.col.kind", lang): t(f"goal_kind.{k}", lang),
                          t("goals.col.indicators", lang): ", ".join(t(f"goals.measure.{m}", lang) for m in ms)}
                         for k, ms in SUGGESTED.items()])


def indicators_table(data: NetworkData, period=None, lang: str | None = None) -> pd.DataFrame:
    """Each indicator, today's value, and for those the data cannot give, what data would."""
    from ..i18n import t

    values = indicator_values(data, period)
    return pd.DataFrame([{t("goals.col.indicator", lang): t(f"goals.measure.{r.measure}", lang),
                          t("goals.col.value", lang): round(r.value, 3) if r.measurable else "–",
                          t("goals.col.needs", lang): "" if r.measurable else t(f"goals.needs.{r.measure}", lang)}
                         for r in values.itertuples()])


def goals_plan_table(proposals: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The proposed goals: kind, title, indicator (and the free text it replaces),
    baseline and target; a goal still without a measurable indicator says so."""
    from ..i18n import t

    rows = []
    for g in proposals.to_dict(orient="records"):
        measured = g["indicator"] in GOAL_MEASURES
        rows.append({
            t("goals.col.kind", lang): t(f"goal_kind.{g['kind']}", lang) if isinstance(g["kind"], str) else "–",
            t("goals.col.title", lang): g["title"] if isinstance(g["title"], str) else t("goals.proposed", lang),
            t("goals.col.indicator", lang): (t(f"goals.measure.{g['indicator']}", lang) if measured
                                             else t("goals.not_measurable", lang, indicator=g["indicator"] or "–")),
            t("goals.col.was", lang): g["was"] if isinstance(g["was"], str) else "",
            t("goals.col.baseline", lang): g["baseline"] if pd.notna(g["baseline"]) else "–",
            t("goals.col.target", lang): g["target"] if pd.notna(g["target"]) else "–"})
    return pd.DataFrame(rows)


def save_goals(data: NetworkData, proposals: pd.DataFrame, write_to: str, *, store: str | None = None,
               lang: str | None = None) -> str:
    """Write the proposed goals: ``write_to`` is a workbook path (the whole data with the
    new goals table, :func:`~verkostolab.io.write_workbook`) or ``"store"`` (the goals
    imported into ``store``: new goal ids are added, the ids already there are kept as
    they are).  Returns where they went."""
    goals = with_goals(data, proposals, lang=lang)
    if write_to == "store":
        from ..store import Store

        target = Store(store or None)
        target.replace_goals(goals.goals)
        return str(target.url)
    from ..io import write_workbook

    return str(write_workbook(goals, write_to, lang=lang or "fi"))
