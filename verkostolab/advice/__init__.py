"""Advice: strengths and development targets, tips for strengthening the network, each
carrying its evidence and rendering in Finnish and English.

* :func:`evaluate` → :class:`Evaluation` (strengths and development targets),
* :func:`tips` → :class:`TipList` of :class:`Tip` (rules as data in :data:`RULES`),
* :class:`Context` computes the graph, measures and assessment once for both.

Groupings for workshop rounds are in :mod:`verkostolab.advice.groups`.
"""

from .context import Context
from .evaluation import FINDING_RULES, Evaluation, Finding, FindingRule, evaluate
from .rules import RULES, Rule, rule
from .tips import DETECTORS, Tip, TipList, tips

__all__ = ["Context", "tips", "Tip", "TipList", "RULES", "Rule", "rule", "DETECTORS",
           "evaluate", "Evaluation", "Finding", "FindingRule", "FINDING_RULES"]
