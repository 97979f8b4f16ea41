"""Network stage: the four stages of network weaving (Krebs & Holley).

1. ``fragments`` — scattered fragments: no component holds half of the people.
2. ``hub_and_spoke`` — a single hub: one person carries the network (Freeman degree
   centralisation on tie strength ≥ 0.5: ``Σ(max s − s_i) / ((n−2)·W)`` with ``s`` the
   strengths and ``W`` the total tie weight, 1 for a star and Freeman's own figure when
   every tie weighs the same, or one person lies on at least half of all shortest paths,
   normalised betweenness ≥ 0.5; above 5,000 people the betweenness of ``nodes``, or
   the same pair-sampled estimate as :func:`~verkostolab.measures.node_measures`, whose
   stated ε is far below the 0.5 that decides).
3. ``multi_hub`` — a multi-hub small world: several hubs, short paths, clustering well
   above chance (the default when neither 1, 2 nor 4 holds).
4. ``core_periphery`` — a dense core with a periphery: the largest component holds at
   least 80 % of the people, the core (coreness ≥ half the highest coreness) holds at
   most 60 % of them, is dense (≥ 0.5) and at least 80 % of the others have a tie
   into it.

The rules are checked in the order 1, 2, 4, 3; :class:`Stage` carries every figure used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import pandas as pd

from ..i18n import format_number, format_percent, t

__all__ = ["Stage", "STAGES", "network_stage", "core_members", "strength_centralisation"]

STAGES = ("fragments", "hub_and_spoke", "multi_hub", "core_periphery")

#: Thresholds of the rules, in one place.
RULES = {
    "fragments_largest_share": 0.5,
    "hub_centralisation": 0.5,
    "hub_betweenness": 0.5,
    "core_largest_share": 0.8,
    "core_max_share": 0.6,
    "core_min_density": 0.5,
    "core_reach": 0.8,
}


@dataclass
class Stage:
    """The stage of a network, with the figures and the rule that decided it."""

    code: str
    evidence: dict = field(default_factory=dict)

    def label(self, lang: str | None = None) -> str:
        return t(f"stage.{self.code}", lang)

    def explain(self, lang: str | None = None) -> str:
        return t(f"stage.{self.code}.why", lang,
                 **{k: _fmt(k, v, lang) for k, v in self.evidence.items()})

    def to_dict(self) -> dict:
        return {"stage": self.code, "evidence": self.evidence}

    def _repr_html_(self) -> str:
        return f"<b>{self.label()}</b><br>{self.explain()}"


def _fmt(key, v, lang=None):
    """A figure of the evidence as the language writes it; shares as per cent."""
    if isinstance(v, (float, np.floating)):
        if key.endswith("_share") or key == "periphery_reaching_core":
            return format_percent(v, lang)
        return format_number(v, lang)
    return v


def core_members(graph: ig.Graph) -> np.ndarray:
    """Boolean mask of the core: coreness at least half the highest coreness (≥ 2)."""
    if graph.vcount() == 0:
        return np.array([], dtype=bool)
    coreness = np.asarray(graph.coreness())
    k = max(2, math.ceil(coreness.max() / 2))
    return coreness >= k


def strength_centralisation(graph: ig.Graph) -> float:
    """Freeman's degree centralisation on tie strength (the ``weight`` attribute, else
    1 per tie): ``Σ(max s − s_i) / ((n−2)·W)``, where ``W`` is the total tie weight; the
    denominator is the figure of a star of the same total weight, so a star gives 1 and
    with equal weights this is Freeman's ``Σ(max d − d_i) / ((n−1)(n−2))``.

    >>> star = ig.Graph.Star(5)
    >>> star.es["weight"] = [1.0, 2.0, 3.0, 4.0]
    >>> strength_centralisation(star)
    1.0
    >>> round(strength_centralisation(ig.Graph.Ring(6)), 3)
    0.0
    """
    n = graph.vcount()
    if n <= 2 or graph.ecount() == 0:
        return 0.0
    weights = graph.es["weight"] if "weight" in graph.es.attributes() else None
    s = np.asarray(graph.strength(weights=weights), dtype=float)
    total = s.sum() / 2
    if total <= 0:
        return 0.0
    return float((s.max() - s).sum() / ((n - 2) * total))


def network_stage(graph: ig.Graph, nodes: pd.DataFrame | None = None,
                  summary=None) -> Stage:
    """Classify ``graph`` into one of :data:`STAGES` (see the module text)."""
    n = graph.vcount()
    if n == 0:
        return Stage("fragments", {"nodes": 0, "largest_component_share": 0.0})
    sizes = graph.connected_components().sizes()
    largest = max(sizes) / n
    degrees = np.asarray(graph.degree(), dtype=float)
    centralisation = strength_centralisation(graph)
    if nodes is not None and "betweenness" in nodes:
        top_betweenness = float(nodes["betweenness"].max())  # the same (estimated) values
    else:
        from .centrality import EXACT_LIMIT, _edge_array

        if n > EXACT_LIMIT:  # as node_measures estimates it (pairs, stated bound)
            from .betweenness import estimate_betweenness

            raw = estimate_betweenness(graph, edges=_edge_array(graph)).raw
        else:
            raw = np.asarray(graph.betweenness(directed=False))
        top_betweenness = float(raw.max() / ((n - 1) * (n - 2) / 2)) if n > 2 else 0.0
    core = core_members(graph)
    core_share = float(core.mean())
    core_graph = graph.induced_subgraph(np.flatnonzero(core).tolist())
    core_density = core_graph.density() if core_graph.vcount() > 1 else 0.0
    adjacency = graph.get_adjlist()
    others = np.flatnonzero(~core)
    reach = (float(np.mean([any(core[j] for j in adjacency[i]) for i in others]))
             if len(others) else 1.0)
    evidence = {
        "nodes": n,
        "largest_component_share": largest,
        "degree_centralisation": centralisation,
        "top_betweenness": top_betweenness,
        "core_share": core_share,
        "core_density": core_density,
        "periphery_reaching_core": reach,
        "hubs": int((degrees >= 2 * degrees.mean()).sum()) if degrees.mean() > 0 else 0,
    }
    if largest < RULES["fragments_largest_share"]:
        return Stage("fragments", evidence)
    if centralisation >= RULES["hub_centralisation"] or top_betweenness >= RULES["hub_betweenness"]:
        return Stage("hub_and_spoke", evidence)
    if (largest >= RULES["core_largest_share"] and core_share <= RULES["core_max_share"]
            and core_density >= RULES["core_min_density"] and reach >= RULES["core_reach"]):
        return Stage("core_periphery", evidence)
    return Stage("multi_hub", evidence)
