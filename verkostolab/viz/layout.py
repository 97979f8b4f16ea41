"""Layouts computed in Python and kept stable: the same actor stays in the same place.

:func:`layout_positions` lays out the *backbone* of the network — each person's
``backbone`` strongest ties (projections of big events make dense hairballs otherwise) —
with igraph's Kamada–Kawai layout (Fruchterman–Reingold on a grid above
``KK_LIMIT`` nodes), from a deterministic start (a circle in id order) and a seeded
random generator.  Positions given in ``fixed`` are pinned (igraph's per-vertex
bounds), so that a picture of round 2 keeps everybody of round 1 where they were and
places only the newcomers; a newcomer starts at the centre of their already placed
neighbours.
"""

from __future__ import annotations

import math
import random

import igraph as ig
import numpy as np
import pandas as pd

__all__ = ["layout_positions", "backbone", "KK_LIMIT"]

#: Above this many nodes the layout is Fruchterman–Reingold (grid) instead of Kamada–Kawai.
KK_LIMIT = 1000


def backbone(graph: ig.Graph, *, per_node: int = 4, weight: str | None = "weight") -> ig.Graph:
    """The graph with only each node's ``per_node`` strongest ties (all nodes kept)."""
    if graph.ecount() == 0 or per_node <= 0:
        return graph
    w = (np.asarray(graph.es[weight], dtype=float) if weight and weight in graph.es.attributes()
         else np.ones(graph.ecount()))
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64)
    ends = np.concatenate([edges[:, 0], edges[:, 1]])
    ids = np.concatenate([np.arange(len(edges)), np.arange(len(edges))])
    weights = np.concatenate([w, w])
    order = np.lexsort((-weights, ends))  # by node, strongest first
    ends, ids = ends[order], ids[order]
    first = np.r_[0, np.flatnonzero(np.diff(ends)) + 1]
    rank = np.arange(len(ends)) - np.repeat(first, np.diff(np.r_[first, len(ends)]))
    keep = np.unique(ids[rank < per_node])
    return graph.subgraph_edges(keep.tolist(), delete_vertices=False)


def _start(names: list[str], fixed: pd.DataFrame | None, graph: ig.Graph, seed: int) -> np.ndarray:
    n = len(names)
    order = np.argsort(np.asarray(names, dtype=object).astype(str), kind="stable")
    angle = np.empty(n)
    angle[order] = 2 * math.pi * np.arange(n) / max(n, 1)
    radius = math.sqrt(max(n, 1))
    start = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    if fixed is None or fixed.empty:
        return start
    known = np.array([name in fixed.index for name in names])
    for i, name in enumerate(names):
        if known[i]:
            start[i] = fixed.loc[name, ["x", "y"]].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    adjacency = graph.get_adjlist()
    for i in np.flatnonzero(~known):
        placed = [j for j in adjacency[i] if known[j]]
        if placed:
            start[i] = start[placed].mean(axis=0) + rng.normal(scale=0.3, size=2)
    return start


def layout_positions(graph: ig.Graph, *, fixed: pd.DataFrame | None = None, seed: int = 0,
                     weight: str | None = "weight", iterations: int = 500) -> pd.DataFrame:
    """Positions of every vertex of ``graph``: a DataFrame indexed by id with ``x``, ``y``.

    Parameters
    ----------
    fixed : DataFrame, optional
        Positions (``x``, ``y`` by id) to keep: those vertices do not move.
    seed : int
        Seed of the layout's random generator (same seed, same picture).

    Examples
    --------
    >>> g = ig.Graph.Ring(5)
    >>> g.vs["name"] = list("abcde")
    >>> first = layout_positions(g)
    >>> g2 = g + ig.Graph(1)
    >>> g2.vs[5]["name"] = "f"
    >>> _ = g2.add_edge(0, 5)
    >>> second = layout_positions(g2, fixed=first)
    >>> bool((second.loc[list("abcde")] == first).all().all())
    True
    """
    names = [str(v) for v in graph.vs["name"]] if graph.vcount() else []
    if not names:
        return pd.DataFrame({"x": [], "y": []}, index=pd.Index([], name="id"))
    start = _start(names, fixed, graph, seed)
    kwargs = {}
    if fixed is not None and not fixed.empty:
        pinned = np.array([name in fixed.index for name in names])
        if pinned.all():
            return pd.DataFrame(start, columns=["x", "y"], index=pd.Index(names, name="id"))
        lo_x = np.where(pinned, start[:, 0], -np.inf)
        hi_x = np.where(pinned, start[:, 0], np.inf)
        lo_y = np.where(pinned, start[:, 1], -np.inf)
        hi_y = np.where(pinned, start[:, 1], np.inf)
        big = 1e9
        kwargs = dict(minx=np.clip(lo_x, -big, big).tolist(), maxx=np.clip(hi_x, -big, big).tolist(),
                      miny=np.clip(lo_y, -big, big).tolist(), maxy=np.clip(hi_y, -big, big).tolist())
    skeleton = backbone(graph, weight=weight)
    ig.set_random_number_generator(random.Random(seed))
    try:
        if graph.vcount() <= KK_LIMIT:
            coords = skeleton.layout_kamada_kawai(seed=start.tolist(), maxiter=50 * graph.vcount(),
                                                  **kwargs)
        else:
            coords = skeleton.layout_fruchterman_reingold(niter=iterations, seed=start.tolist(),
                                                          grid="grid", **kwargs)
    finally:
        ig.set_random_number_generator(random)
    out = pd.DataFrame(np.asarray(coords.coords, dtype=float), columns=["x", "y"],
                       index=pd.Index(names, name="id"))
    if fixed is not None and not fixed.empty:
        keep = out.index.isin(fixed.index)
        out.loc[keep] = fixed.loc[out.index[keep], ["x", "y"]].to_numpy(dtype=float)
    return out


def backbone_positions(graph: ig.Graph, *, seed: int = 0, alpha: float | None = None) -> pd.DataFrame:
    """Positions of ``graph`` laid out on its disparity-filter backbone at ``alpha``
    (:func:`verkostolab.graphs.backbone`; the default level when ``None``): faint ties would
    pull everybody to the middle.  Every node keeps a place.  The picture and the graph
    exports use it, so that a network looks the same in both."""
    from ..graphs import BACKBONE_ALPHA, backbone as disparity_backbone

    alpha = BACKBONE_ALPHA if alpha is None else alpha
    base = graph
    if graph.ecount():
        keep = np.flatnonzero(disparity_backbone(graph, alpha=alpha)).tolist()
        base = graph.subgraph_edges(keep, delete_vertices=False)
    return layout_positions(base, seed=seed)
