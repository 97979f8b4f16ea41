"""Betweenness estimated from sampled pairs (verkostolab.measures.betweenness) on graphs
whose exact values are known: the bound it states must hold, and its paths must be
drawn uniformly among the shortest ones.  No timing here (speed: benchmarks/)."""

from __future__ import annotations

import json

import igraph as ig
import numpy as np
import pytest

from verkostolab.measures import node_measures
from verkostolab.measures.betweenness import (epsilon_for, estimate_betweenness, pairs_for,
                                              path_lengths, vertex_diameter_bound)
from verkostolab.measures.centrality import _edge_array


def _named(g: ig.Graph) -> ig.Graph:
    g.vs["name"] = [f"v{i}" for i in range(g.vcount())]
    return g


def _two_communities_and_a_bridge(size=150, p=0.15, seed=3):
    """Two dense random groups linked only through node 0 (the bridge), which has
    fewer ties than the groups' hubs."""
    rng = np.random.default_rng(seed)
    edges = []
    for offset in (1, 1 + size):
        a, b = np.triu_indices(size, 1)
        keep = rng.random(len(a)) < p
        edges += list(zip((a[keep] + offset).tolist(), (b[keep] + offset).tolist()))
        edges += [(0, offset + int(i)) for i in rng.choice(size, 4, replace=False)]
    g = ig.Graph(n=1 + 2 * size, edges=edges)
    g.es["weight"] = rng.integers(1, 6, g.ecount()).astype(float).tolist()
    return _named(g)


def _community_graph(n=2500, groups=25, degree=8, mix=0.1, seed=5):
    """A small planted-partition graph with brokers between groups."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, groups, n)
    m = n * degree // 2
    u = rng.integers(0, n, m)
    # partner inside the group with probability 1 - mix, else anywhere
    order = np.argsort(group, kind="stable")
    start = np.searchsorted(group[order], np.arange(groups))
    size = np.bincount(group, minlength=groups)
    inside = order[start[group[u]] + (rng.random(m) * size[group[u]]).astype(np.int64)]
    v = np.where(rng.random(m) < mix, rng.integers(0, n, m), inside)
    a, b = np.minimum(u, v), np.maximum(u, v)
    keys = np.unique((a * n + b)[a != b])
    g = ig.Graph(n=n, edges=np.column_stack([keys // n, keys % n]).tolist())
    g.es["weight"] = rng.integers(1, 6, g.ecount()).astype(float).tolist()
    return _named(g)


def test_planted_bridge_is_the_top_broker_in_the_estimate():
    g = _two_communities_and_a_bridge()
    assert g.degree()[0] < max(g.degree())  # not the best connected
    m = node_measures(g, exact_limit=100, epsilon=0.05, seed=4)
    assert m["betweenness"].idxmax() == "v0"
    how = m.attrs["estimated"]["betweenness"]
    assert how["epsilon"] <= 0.05 and how["delta"] == 0.1 and how["pairs"] == m.attrs["pairs"]
    exact = node_measures(g)["betweenness"]
    assert abs(m.loc["v0", "betweenness"] - exact["v0"]) <= how["epsilon"]
    # Weighted paths: the bridge is still the only way across.
    mw = node_measures(g, exact_limit=100, epsilon=0.1, seed=4, paths="strength")
    assert mw["betweenness"].idxmax() == "v0"
    assert mw.attrs["estimated"]["betweenness"]["paths"] == "weighted"


def test_estimate_is_within_the_stated_bound_of_exact_betweenness():
    g = _community_graph()
    exact = node_measures(g)
    m = node_measures(g, exact_limit=1000, epsilon=0.01, seed=1)
    how = m.attrs["estimated"]["betweenness"]
    assert how["epsilon"] == pytest.approx(0.01, rel=1e-3)
    assert how["vertex_diameter_bound"] >= g.diameter() + 1
    error = (m["betweenness"] - exact["betweenness"]).abs()
    assert error.max() <= how["epsilon"]
    # unbiased: the total is right, and the top is found
    assert m["betweenness_raw"].sum() == pytest.approx(exact["betweenness_raw"].sum(), rel=0.03)
    top = exact["betweenness"].nlargest(25).index
    assert len(set(top) & set(m["betweenness"].nlargest(25).index)) >= 20
    # everything else is as exact as before
    for col in ("degree", "strength", "eigenvector", "pagerank", "clustering", "constraint",
                "coreness"):
        np.testing.assert_allclose(m[col].to_numpy(float), exact[col].to_numpy(float),
                                   equal_nan=True)


def test_paths_are_drawn_in_proportion_to_their_number():
    """Node x has two predecessors towards t: a (one path) and b (30 paths).  A walk
    back that chose among predecessors by position rather than by path count (as
    networkit 11's KADABRA does) credits a twice as often as it should."""
    K, L = 30, 200
    t, a1, a, b, x, q, h, s = 0, 1, 2, 3 + K, 4 + K, 5 + K, 6 + K, 7 + K
    edges = ([(t, a1), (a1, a)] + [(t, 3 + i) for i in range(K)]
             + [(3 + i, b) for i in range(K)] + [(b, x), (a, x), (x, q), (q, h), (h, s)]
             + [(h, 8 + K + i) for i in range(L)])
    g = ig.Graph(n=8 + K + L, edges=edges)
    n = g.vcount()
    exact = np.asarray(g.betweenness(), dtype=float) / ((n - 1) * (n - 2) / 2)
    est = estimate_betweenness(g, edges=_edge_array(g), epsilon=0.01, seed=2)
    got = est.raw / ((n - 1) * (n - 2) / 2)
    assert np.abs(got - exact).max() <= est.epsilon
    # a: exact 0.0074; one standard error of the estimate is about 0.0005
    assert got[a] == pytest.approx(exact[a], abs=0.002)
    assert got[b] == pytest.approx(exact[b], abs=0.01)


def test_weighted_paths_follow_strong_ties():
    # 0 - 1 - 2 strong (weight 5), 0 - 2 weak (weight 1): the weighted path goes via 1.
    g = _named(ig.Graph([(0, 1), (1, 2), (0, 2), (2, 3)]))
    g.es["weight"] = [5.0, 5.0, 1.0, 1.0]
    steps = node_measures(g, paths="steps")
    weighted = node_measures(g, paths="strength")
    assert steps.loc["v1", "betweenness_raw"] == 0
    assert weighted.loc["v1", "betweenness_raw"] == pytest.approx(2.0)  # 0–2 and 0–3
    # Without weights, paths by strength are paths by steps.
    plain = _named(ig.Graph([(0, 1), (1, 2)]))
    assert node_measures(plain, weight=None)["betweenness_raw"].tolist() == [0.0, 1.0, 0.0]


def test_weighted_estimate_is_within_its_bound():
    g = _community_graph(n=600, groups=8, degree=6, seed=8)
    exact = node_measures(g, paths="strength")
    unweighted = node_measures(g, paths="steps")
    assert (exact["betweenness"] - unweighted["betweenness"]).abs().max() > 0.01  # differs
    m = node_measures(g, exact_limit=100, epsilon=0.05, seed=3, paths="strength")
    how = m.attrs["estimated"]["betweenness"]
    assert how["epsilon"] <= 0.05 and "Dijkstra" in how["method"]
    assert (m["betweenness"] - exact["betweenness"]).abs().max() <= how["epsilon"]
    assert m["betweenness"].idxmax() == exact["betweenness"].idxmax()


def test_estimate_is_reproducible_and_json_ready():
    g = _community_graph(n=1500, seed=11)
    a = node_measures(g, exact_limit=1000, epsilon=0.03, seed=6)
    b = node_measures(g, exact_limit=1000, epsilon=0.03, seed=6)
    c = node_measures(g, exact_limit=1000, epsilon=0.03, seed=7)
    np.testing.assert_array_equal(a["betweenness"], b["betweenness"])
    assert not np.array_equal(a["betweenness"], c["betweenness"])
    text = json.dumps(a.attrs["estimated"])
    back = json.loads(text)
    assert back["betweenness"]["meaning"].startswith("every node's betweenness is within")
    assert back["closeness"]["sources"] == a.attrs["closeness_samples"]


def test_bounds_and_sample_sizes_agree():
    for eps in (0.005, 0.01, 0.05):
        for vd in (3, 12, 200):
            r = pairs_for(eps, vd, n=10_000)
            assert epsilon_for(r, vd, n=10_000) <= eps < epsilon_for(r - 1, vd, n=10_000) * 1.001
    for g in (ig.Graph.Lattice([20, 20], circular=False), ig.Graph.Barabasi(500, 2),
              ig.Graph.Ring(30) + ig.Graph.Star(5)):
        assert vertex_diameter_bound(g) >= g.diameter() + 1
    assert path_lengths(np.array([1.0, 4.0])).tolist() == [4.0, 1.0]
    assert path_lengths(np.array([0.5, 2.5])).tolist() == pytest.approx([2.0, 0.4])


def test_stage_without_node_measures_uses_the_estimate_above_the_limit():
    from verkostolab.measures import network_stage

    # A star of 5,100 people is a hub-and-spoke network: its centre lies on every path.
    g = _named(ig.Graph.Star(5_100))
    stage = network_stage(g)
    assert stage.code == "hub_and_spoke"
    assert stage.evidence["top_betweenness"] == pytest.approx(1.0, abs=0.05)
