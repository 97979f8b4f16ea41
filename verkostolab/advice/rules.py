"""The tip rules, kept as data.

Each :class:`Rule` names a *detector* (a function of :mod:`verkostolab.advice.tips` that
looks for the rule's reason in the measures or the assessment), the *condition*: the
thresholds handed to it, and the catalogue keys of its texts: ``advice.tip.<id>.title``,
``advice.tip.<id>.text[.<variant>]`` (why it fired) and ``advice.tip.<id>.action`` (what
to do).  Add a rule by adding a record here and its texts to ``i18n/advice.*.json``.

>>> [r.id for r in RULES][:3]
['introduction', 'periphery', 'broker']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from ..tables.schema import ASSESSMENT_ITEMS

__all__ = ["Rule", "RULES", "rule"]


@dataclass(frozen=True)
class Rule:
    """One tip rule: its id, detector, condition and category (see the module text)."""

    id: str
    detector: str
    category: str
    condition: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    priority: int = 50

    def key(self, part: str, variant: str | None = None) -> str:
        base = f"advice.tip.{self.id.replace('.', '_')}.{part}"
        return f"{base}.{variant}" if variant else base


def _r(id, detector, category, priority, **condition) -> Rule:
    return Rule(id, detector, category, MappingProxyType(condition), priority)


#: Response rate under which a round's results are uncertain (and ``low_response`` fires).
LOW_RESPONSE = 0.6

#: Threshold below which an item's mean (1–5) asks for action: the middle of the scale.
ITEM_THRESHOLD = 3.0

RULES: tuple[Rule, ...] = (
    # -- structure: who should meet, who is left out, what the network leans on --------
    _r("introduction", "introductions", "knowing", 20, min_common=2, strong_common=4,
       max_tips=5, prefer_cross_sector=True, hubs=5),
    _r("periphery", "periphery", "knowing", 10, share_of_median=0.25, max_names=8),
    _r("broker", "brokers", "structure", 15, min_betweenness=0.05, candidates=5,
       path_increase=0.2),
    _r("silo", "silos", "structure", 15, groupings=("sector", "organisation"),
       max_external_share=0.35, min_members=2),
    _r("weak_tie", "weak_ties", "trust", 30, min_common_ground=2, max_tips=3),
    _r("missing_sector", "missing_sectors", "commitment", 25,
       kinds=("co_development", "joint_project")),
    # -- the stage of the network (measures.network_stage) ------------------------------
    _r("stage.fragments", "stage", "stage", 40, stage="fragments"),
    _r("stage.hub_and_spoke", "stage", "stage", 40, stage="hub_and_spoke"),
    _r("stage.multi_hub", "stage", "stage", 40, stage="multi_hub"),
    _r("stage.core_periphery", "stage", "stage", 40, stage="core_periphery"),
    # -- coordination (the deck: vuosikello, yhteystietolistat, ajantasaisuus) ---------
    # a steady cadence: at least 4 meeting days over at least 3 months, no gap > 2 months
    _r("regular_forums", "regular_forums", "coordination", 20, min_meetings=4,
       min_span_days=90, max_gap_days=62),
    _r("contact_list", "contact_list", "coordination", 35, max_missing_share=0.2),
    # -- who answered the assessment: results of a round answered by few are uncertain --
    _r("low_response", "low_response", "coordination", 12, below=LOW_RESPONSE),
    # -- knowing, trust and commitment: one rule per item of the instrument -------------
    *(_r(f"ktc.{item}", "assessment_item", ASSESSMENT_ITEMS[item], 22, item=item,
         below=ITEM_THRESHOLD) for item in ASSESSMENT_ITEMS),
)


def rule(rule_id: str) -> Rule:
    """The rule with id ``rule_id``."""
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(f"no tip rule {rule_id!r}")
