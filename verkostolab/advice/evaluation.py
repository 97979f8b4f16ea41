"""Strengths and development targets of a network (vahvuudet ja kehittämiskohteet).

The deck's exercise asks: *what already works and why?* and *what does not work and
why?*  :func:`evaluate` answers from the measures and the assessment with
:class:`Finding` s, each carrying the figure that decided it and the threshold, and
rendering in Finnish and English.  The rules are data (:data:`FINDING_RULES`): a
metric, a comparison and a threshold.

>>> from verkostolab.datasets import generate_sample
>>> result = evaluate(generate_sample())
>>> "connected" in result.codes("strength"), "no_regular_forums" in result.codes("target")
(True, True)
"""

from __future__ import annotations

import html
import operator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..measures.analysis import Analysis
from ..tables.data import NetworkData
from ..i18n import t
from .context import Context
from .tips import DETECTORS, format_value, plain
from .rules import rule as tip_rule

__all__ = ["FindingRule", "FINDING_RULES", "Finding", "Evaluation", "evaluate", "figures"]


@dataclass(frozen=True)
class FindingRule:
    """``metric op threshold`` makes a finding of ``kind`` (``strength`` or ``target``).

    A metric ending in ``.*`` is a family (``dimension.*``, ``item.*``, ``change.*``);
    each member that meets the condition is a finding, at most ``limit`` of them.  The
    comparisons ``rose`` and ``fell`` mean a change whose confidence interval lies
    above or below zero.
    """

    id: str
    kind: str
    metric: str
    op: str
    threshold: float = 0.0
    limit: int = 3


FINDING_RULES: tuple[FindingRule, ...] = (
    FindingRule("connected", "strength", "largest_component_share", ">=", 1.0),
    FindingRule("fragmented", "target", "largest_component_share", "<", 0.8),
    FindingRule("crosses_sectors", "strength", "cross_sector_share", ">=", 0.5),
    FindingRule("sector_silos", "target", "cross_sector_share", "<", 0.3),
    FindingRule("strong_ties", "strength", "strong_tie_share", ">=", 0.3),
    FindingRule("few_strong_ties", "target", "strong_tie_share", "<", 0.1),
    FindingRule("leans_on_hub", "target", "degree_centralisation", ">=", 0.5),
    FindingRule("dimension_high", "strength", "dimension.*", ">=", 3.5),
    FindingRule("dimension_low", "target", "dimension.*", "<", 3.0),
    FindingRule("item_high", "strength", "item.*", ">=", 3.75),
    FindingRule("item_low", "target", "item.*", "<", 3.0),
    FindingRule("improved", "strength", "change.*", "rose", limit=3),
    FindingRule("declined", "target", "change.*", "fell", limit=3),
    FindingRule("regular_forums", "strength", "regular_forum_share", ">=", 1.0),
    FindingRule("no_regular_forums", "target", "regular_forum_share", "<", 1.0),
    FindingRule("all_sectors_co_develop", "strength", "co_development_sector_share", ">=", 1.0),
    FindingRule("sectors_missing_co_development", "target", "co_development_sector_share", "<", 1.0),
    FindingRule("low_response", "target", "response_rate", "<", 0.3),
)

_OPS = {">=": operator.ge, ">": operator.gt, "<": operator.lt, "<=": operator.le}


def figures(ctx: Context) -> dict:
    """The flat figures the finding rules compare: network measures, assessment means
    (``dimension.<d>``, ``item.<i>``; suppressed ones are absent), changes
    (``change.<score>`` → the change row) and coordination shares."""
    out = {k: v for k, v in ctx.summary.to_dict().items() if isinstance(v, (int, float))}
    a = ctx.assessment
    if a is not None:
        out["response_rate"] = a.response["response_rate"]
        for dim, row in a.dimensions.iterrows():
            if not row["suppressed"]:
                out[f"dimension.{dim}"] = float(row["mean"])
        for item, row in a.items.iterrows():
            if not row["suppressed"]:
                out[f"item.{item}"] = float(row["mean"])
    if ctx.change is not None:
        table = ctx.change.table
        for _, row in table[(table["group"] == "all") & ~table["suppressed"]].iterrows():
            out[f"change.{row['score']}"] = row
    # Coordination: share of networks with a regular forum.
    forums = DETECTORS["regular_forums"](ctx, tip_rule("regular_forums"))
    events = ctx.data.events.dropna(subset=["date"])
    networks = set(events["network"].fillna("–"))
    if networks:
        lacking = set(forums[0].evidence["networks_without_forum"]) if forums else set()
        out["regular_forum_share"] = 1 - len(lacking) / len(networks)
        out["networks_without_forum"] = sorted(lacking)
    missing = DETECTORS["missing_sectors"](ctx, tip_rule("missing_sector"))
    sectors = ctx.group_sizes("sector")
    if len(sectors) and not events[events["kind"].isin(["co_development", "joint_project"])].empty:
        out["co_development_sector_share"] = 1 - len(missing) / len(sectors)
        out["sectors_missing"] = sorted(tip.params["sector"] for tip in missing)
    return out


@dataclass
class Finding:
    """A strength or a development target: what, why (the figure), and its threshold."""

    id: str
    kind: str
    metric: str
    value: float
    threshold: float | None = None
    subject: str | None = None
    evidence: dict = field(default_factory=dict)

    def _params(self, lang):
        family = self.metric.split(".")[0] if self.subject else None
        style = {"dimension": "mean", "item": "mean", "change": "change"}.get(family, self.metric)
        params = {"subject": "", "value": format_value(style, self.value, lang),
                  "threshold": "" if self.threshold is None
                  else format_value(style, self.threshold, lang)}
        if family:
            key = {"dimension": "assess.dimension.{}", "item": "assessment_item.{}",
                   "change": "assess.dimension.{}"}[family].format(self.subject)
            params["subject"] = t(key, lang)
        for k, v in self.evidence.items():
            params[k] = format_value(k, v, lang)
        return params

    def title(self, lang: str | None = None) -> str:
        return t(f"advice.finding.{self.id}.title", lang, **self._params(lang))

    def why(self, lang: str | None = None) -> str:
        return t(f"advice.finding.{self.id}.why", lang, **self._params(lang))

    def render(self, lang: str | None = None) -> str:
        return f"{self.title(lang)}: {self.why(lang)}"

    def to_dict(self, lang: str | None = None) -> dict:
        return {"id": self.id, "kind": self.kind, "metric": self.metric,
                "subject": self.subject, "value": plain(self.value),
                "threshold": plain(self.threshold), "title": self.title(lang),
                "why": self.why(lang),
                "evidence": {k: plain(v) for k, v in self.evidence.items()}}


@dataclass
class Evaluation:
    """Strengths (what already works and why) and development targets (what does not)."""

    strengths: list
    targets: list

    def codes(self, kind: str) -> list[str]:
        return [f.id for f in (self.strengths if kind == "strength" else self.targets)]

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        rows = [{"kind": f.kind, "id": f.id, "metric": f.metric, "subject": f.subject,
                 "value": f.value, "threshold": f.threshold, "title": f.title(lang),
                 "why": f.why(lang)} for f in [*self.strengths, *self.targets]]
        return pd.DataFrame(rows, columns=["kind", "id", "metric", "subject", "value",
                                           "threshold", "title", "why"])

    def render(self, lang: str | None = None) -> str:
        lines = [t("advice.strengths", lang)]
        lines += [f"  + {f.render(lang)}" for f in self.strengths] or ["  –"]
        lines.append(t("advice.targets", lang))
        lines += [f"  ! {f.render(lang)}" for f in self.targets] or ["  –"]
        return "\n".join(lines)

    def to_dict(self, lang: str | None = None) -> dict:
        return {"strengths": [f.to_dict(lang) for f in self.strengths],
                "development_targets": [f.to_dict(lang) for f in self.targets]}

    def _repr_html_(self) -> str:
        def block(title, findings):
            items = "".join(f"<li><b>{html.escape(f.title())}</b>: {html.escape(f.why())}</li>"
                            for f in findings)
            return f"<h4>{html.escape(title)}</h4><ul>{items}</ul>"

        return block(t("advice.strengths"), self.strengths) + block(t("advice.targets"), self.targets)


def _evidence_for(metric: str, figs: dict) -> dict:
    if metric == "regular_forum_share":
        return {"networks_without_forum": figs.get("networks_without_forum", [])}
    if metric == "co_development_sector_share":
        return {"sectors": figs.get("sectors_missing", [])}
    return {}


def evaluate(data: NetworkData | Analysis | Context, *, rules=FINDING_RULES,
             round: str | None = None, min_group: int = 5, seed: int | None = None) -> Evaluation:
    """The network's strengths and development targets (see the module text); ``data``
    as in :func:`~verkostolab.advice.tips`."""
    ctx = data if isinstance(data, Context) else Context.from_data(
        data, round=round, min_group=min_group, seed=seed)
    figs = figures(ctx)
    strengths, targets = [], []
    for r in rules:
        found = []
        if r.metric.endswith(".*"):
            family = r.metric[:-2]
            members = [(k, v) for k, v in figs.items() if k.startswith(family + ".")]
            for key, value in members:
                subject = key[len(family) + 1:]
                if family == "change":
                    row = value
                    if (r.op == "rose" and row["ci_low"] > 0) or (r.op == "fell" and row["ci_high"] < 0):
                        if subject in ("knowing", "trust", "commitment"):
                            found.append(Finding(r.id, r.kind, key, float(row["change"]), None,
                                                 subject, {"ci_low": float(row["ci_low"]),
                                                           "ci_high": float(row["ci_high"]),
                                                           "previous_round": ctx.change.before,
                                                           "round": ctx.change.after}))
                elif _OPS[r.op](value, r.threshold):
                    found.append(Finding(r.id, r.kind, key, float(value), r.threshold, subject))
            reverse = r.op in (">=", ">", "rose")
            found.sort(key=lambda f: -f.value if reverse else f.value)
            found = found[:r.limit]
        else:
            value = figs.get(r.metric)
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if _OPS[r.op](value, r.threshold):
                found.append(Finding(r.id, r.kind, r.metric, float(value), r.threshold,
                                     None, _evidence_for(r.metric, figs)))
        (strengths if r.kind == "strength" else targets).extend(found)
    return Evaluation(strengths, targets)
