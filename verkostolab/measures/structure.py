"""Network measures: size, cohesion, silos, strong and weak ties, and boundary spanners.

Definitions:

* ``density``: ties / possible ties; ``components`` and ``largest_component_share``.
* ``average_path_length`` and ``diameter`` count steps between connected pairs only
  (unweighted); above ``exact_limit`` nodes they are estimated from sampled sources
  (then ``diameter`` is a lower bound) and listed in ``estimated``.
* ``transitivity`` is the global clustering coefficient (closed / connected triples);
  ``average_clustering`` the mean local coefficient with 0 for nodes of degree < 2
  (networkx's ``average_clustering``).
* ``modularity`` of the Leiden communities on weighted ties, and their number.
* ``degree_centralisation``: Freeman's, ``Σ(max d − d_i) / ((n−1)(n−2))`` (1 for a star).
* ``ei_sector`` / ``ei_organisation``: Krackhardt's E-I index ``(E − I)/(E + I)`` over ties
  whose two ends both have a known group (−1: all ties inside groups, silos; +1: all
  across); ``cross_sector_share`` / ``cross_organisation_share`` = ``E/(E + I)``.
* ``ei_sector_strength`` / ``cross_sector_strength_share``: the same on tie strength (E and
  I are sums of weights), so that the faint ties of one plenary do not hide silos.
* ``strong_tie_share``: share of ties with weight ≥ ``strong_threshold`` (default 1: with
  Newman's size share, the attention of one meeting of two, or of regular work in a
  small group; a plenary alone never reaches it).
* ``reciprocity``: share of reported (directed) ties that are answered the other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import igraph as ig
import numpy as np
import pandas as pd

from ..errors import ParameterError
from .centrality import EXACT_LIMIT, _sampled_sources, communities

__all__ = ["NetworkSummary", "network_measures", "ei_index", "boundary_spanners",
           "reciprocity"]


@dataclass
class NetworkSummary:
    """The figures that describe a whole network; ``notes`` say what was estimated."""

    values: dict
    estimated: list[str] = field(default_factory=list)

    def __getitem__(self, key):
        return self.values[key]

    def to_dict(self) -> dict:
        return dict(self.values)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"value": pd.Series(self.values, dtype=object)})

    def _repr_html_(self) -> str:
        return self.to_frame().to_html()


def ei_index(graph: ig.Graph, attribute: str, *, weight: str | None = None) -> tuple[float, float, int]:
    """(E-I index, share of external ties, ties counted) by a vertex ``attribute``;
    with ``weight``, E and I are sums of tie weights (structure judged on strength).

    >>> g = ig.Graph([(0, 1), (1, 2)])
    >>> g.vs["sector"] = ["a", "a", "b"]
    >>> ei_index(g, "sector")
    (0.0, 0.5, 2)
    >>> g.es["weight"] = [3.0, 1.0]
    >>> ei_index(g, "sector", weight="weight")
    (-0.5, 0.25, 2)
    """
    if attribute not in graph.vs.attributes() or graph.ecount() == 0:
        return float("nan"), float("nan"), 0
    groups = pd.Series(graph.vs[attribute], dtype=object)
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    a = groups.iloc[edges[:, 0]].to_numpy()
    b = groups.iloc[edges[:, 1]].to_numpy()
    known = pd.notna(a) & pd.notna(b)
    total = int(known.sum())
    if total == 0:
        return float("nan"), float("nan"), 0
    if weight is not None and weight in graph.es.attributes():
        w = np.clip(np.asarray(graph.es[weight], dtype=float), 0, None)[known]
        cross = (a[known] != b[known])
        ext, whole = float(w[cross].sum()), float(w.sum())
        if whole <= 0:
            return float("nan"), float("nan"), total
        return (2 * ext - whole) / whole, ext / whole, total
    external = int((a[known] != b[known]).sum())
    internal = total - external
    return (external - internal) / total, external / total, total


def reciprocity(ties: pd.DataFrame) -> float:
    """Share of directed reported ties (source → target) answered by target → source."""
    if ties is None or ties.empty:
        return float("nan")
    pairs = ties[["source", "target"]].dropna().drop_duplicates()
    pairs = pairs[pairs["source"] != pairs["target"]]
    if pairs.empty:
        return float("nan")
    forward = pd.MultiIndex.from_frame(pairs)
    backward = pd.MultiIndex.from_arrays([pairs["target"], pairs["source"]])
    return float(backward.isin(forward).mean())


def _path_figures(graph: ig.Graph, exact_limit: int, samples: int, seed: int):
    n = graph.vcount()
    if n <= exact_limit:
        return graph.average_path_length(directed=False, unconn=True), graph.diameter(directed=False, unconn=True), False
    sources = _sampled_sources(n, samples, seed).tolist()
    dist = np.asarray(graph.distances(source=sources), dtype=float)
    finite = dist[np.isfinite(dist) & (dist > 0)]
    if finite.size == 0:
        return float("nan"), 0, True
    return float(finite.mean()), int(finite.max()), True


def network_measures(graph: ig.Graph, *, weight: str | None = "weight", seed: int = 0,
                     strong_threshold: float = 1.0, ties: pd.DataFrame | None = None,
                     membership=None, exact_limit: int = EXACT_LIMIT,
                     samples: int = 256) -> NetworkSummary:
    """Figures of the whole network (see the module text for definitions).

    ``ties`` (the reported, directed ties) gives ``reciprocity``; ``membership`` reuses
    communities already found by :func:`~verkostolab.measures.node_measures`.
    """
    n, m = graph.vcount(), graph.ecount()
    values: dict = {"nodes": n, "ties": m}
    values["density"] = graph.density(loops=False) if n > 1 else 0.0
    comps = graph.connected_components()
    sizes = comps.sizes() if n else []
    values["components"] = len(sizes)
    values["largest_component_share"] = max(sizes) / n if n else 0.0
    estimated = []
    if n > 1 and m:
        apl, diameter, est = _path_figures(graph, exact_limit, samples, seed)
        if est:
            estimated += ["average_path_length", "diameter"]
    else:
        apl, diameter = float("nan"), 0
    values["average_path_length"] = apl
    values["diameter"] = diameter
    values["transitivity"] = graph.transitivity_undirected() if m else 0.0
    values["average_clustering"] = graph.transitivity_avglocal_undirected(mode="zero") if n else 0.0
    if membership is None:
        membership = communities(graph, weight=weight, seed=seed)
    membership = list(np.asarray(membership, dtype=np.int64))
    w = graph.es[weight] if weight and weight in graph.es.attributes() else None
    values["communities"] = int(len(set(membership))) if n else 0
    values["modularity"] = graph.modularity(membership, weights=w) if m else 0.0
    degrees = np.asarray(graph.degree(), dtype=float)
    values["degree_centralisation"] = (float((degrees.max() - degrees).sum() / ((n - 1) * (n - 2)))
                                       if n > 2 else 0.0)
    for attr, key in (("sector", "sector"), ("organisation", "organisation")):
        ei, share, counted = ei_index(graph, attr)
        values[f"ei_{key}"] = ei
        values[f"cross_{key}_share"] = share
    ei_w, share_w, _ = ei_index(graph, "sector", weight=weight) if weight else (float("nan"),) * 3
    values["ei_sector_strength"] = ei_w
    values["cross_sector_strength_share"] = share_w
    if m and w is not None:
        values["strong_tie_share"] = float((np.asarray(w, dtype=float) >= strong_threshold).mean())
    else:
        values["strong_tie_share"] = float("nan")
    values["strong_threshold"] = strong_threshold
    values["reciprocity"] = reciprocity(ties) if ties is not None else float("nan")
    return NetworkSummary(values, estimated)


def boundary_spanners(graph: ig.Graph, *, by: str = "sector", data=None) -> pd.DataFrame:
    """People who connect groups (sectors, organisations or theme networks).

    For ``by="sector"`` or ``"organisation"`` a person *links* two groups when they
    belong to one and have a tie into the other, or have ties into both.  A group pair
    with no direct tie between its members that only one person links would fall
    apart without them: those pairs are the person's ``sole_links``.  For
    ``by="network"`` (needs ``data``) a person links the networks whose events they
    attended.

    Returns one row per person who links at least two groups, sorted by
    ``sole_links`` then ``links``: ``name``, ``group`` (their own), ``connects`` (the
    groups they reach, sorted), ``links``, ``sole_links`` (as ``"A – B"`` strings) and
    ``n_sole_links``.
    """
    names = graph.vs["name"]
    labels = graph.vs["label"] if "label" in graph.vs.attributes() else names
    if by == "network":
        if data is None:
            raise ParameterError("error.by_network_needs_data")
        part = data.participation.merge(data.events[["event_id", "network"]], on="event_id")
        part = part.dropna(subset=["network"])
        reach = part.groupby("actor_id")["network"].agg(lambda s: sorted(set(s)))
        own = pd.Series({a: None for a in reach.index})
        direct: set[tuple] = set()  # networks are linked only through people
        label_of = dict(zip(names, labels))
    else:
        if by not in graph.vs.attributes():
            allowed = sorted(set(graph.vs.attributes()) - {"name", "label"}) + ["network"]
            raise ParameterError(name="by", value=by, allowed=", ".join(allowed))
        groups = pd.Series(graph.vs[by], index=names, dtype=object)
        edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        src = np.asarray(names, dtype=object)[edges[:, 0]] if len(edges) else np.array([], dtype=object)
        dst = np.asarray(names, dtype=object)[edges[:, 1]] if len(edges) else np.array([], dtype=object)
        frame = pd.DataFrame({"a": np.concatenate([src, dst]), "b": np.concatenate([dst, src])})
        frame["group"] = frame["b"].map(groups)
        frame = frame.dropna(subset=["group"])
        reached = frame.groupby("a")["group"].agg(lambda s: set(s))
        reach = pd.Series({a: sorted(reached.get(a, set()) | ({groups[a]} if pd.notna(groups[a]) else set()))
                           for a in names})
        own = groups
        ga, gb = groups.reindex(src).to_numpy(), groups.reindex(dst).to_numpy()
        direct = {tuple(sorted((x, y))) for x, y in zip(ga, gb)
                  if pd.notna(x) and pd.notna(y) and x != y}
        label_of = dict(zip(names, labels))
    linkers: dict[tuple, list] = {}
    for person, reached_groups in reach.items():
        for pair in combinations(reached_groups, 2):
            linkers.setdefault(pair, []).append(person)
    rows = []
    for person, reached_groups in reach.items():
        if len(reached_groups) < 2:
            continue
        pairs = list(combinations(reached_groups, 2))
        sole = [p for p in pairs if p not in direct and linkers.get(p) == [person]]
        rows.append({"id": person, "name": label_of.get(person, person),
                     "group": own.get(person), "connects": list(reached_groups),
                     "links": len(pairs), "sole_links": [f"{a} – {b}" for a, b in sole],
                     "n_sole_links": len(sole)})
    out = pd.DataFrame(rows, columns=["id", "name", "group", "connects", "links", "sole_links",
                                      "n_sole_links"])
    out = out.sort_values(["n_sole_links", "links", "id"], ascending=[False, False, True])
    return out.set_index("id")
