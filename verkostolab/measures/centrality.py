"""Node measures: one DataFrame indexed by node id, with stable snake_case columns.

Definitions (documented here because libraries differ):

* ``degree`` counts neighbours; ``strength`` sums tie weights.
* ``betweenness_raw`` counts shortest paths through a node, ``betweenness`` divides it by
  ``(n-1)(n-2)/2``, the number of pairs that could pass through it.  Paths are judged
  on tie strength by default (``paths="strength"``): a tie's length is ``1/weight``, so a
  path through two strong ties is shorter than one faint plenary tie, and a broker
  between two groups keeps their paths even when a one-off plenary tied everyone (as
  in Opsahl, Agneessens & Skvoretz 2010 with α = 1; networkx's ``weight=`` with the
  inverse weight).  ``paths="steps"`` counts every tie as one step (networkx's default).
* ``closeness`` is the Wasserman–Faust form networkx uses by default: ``(r-1)/(n-1) ·
  (r-1)/Σd`` where ``r`` is the size of the node's component, so that it is defined on
  disconnected networks and an isolated node has 0.
* ``eigenvector`` (weighted, largest = 1) and ``pagerank`` (weighted, damping 0.85).
* ``clustering`` is the local clustering coefficient (unweighted, 0 below two
  neighbours).
* ``constraint`` is Burt's constraint on weighted ties (NaN for isolated nodes);
  ``effective_size`` is Burt's effective size, unweighted: ``d − (d−1)·clustering``.
* ``coreness`` is the k-core number; ``community`` the Leiden (modularity) community,
  numbered by size (0 = largest), reproducible for a ``seed``.
* ``knowing``, ``trust``, ``commitment``: means of the ratings of the node's reported ties.

**Large networks.**  Up to ``exact_limit`` nodes (default 5,000) every path measure is
exact.  Above it, betweenness and closeness are estimated from randomly chosen source
nodes and scaled by ``n/k``; the result's ``attrs["estimated"]`` then lists them and
``attrs["samples"]`` / ``attrs["closeness_samples"]`` say how many sources were used.
The number of sources follows a budget of work, not a fixed count: each measure may
visit about :data:`PATH_BUDGET` (128 million) tie ends, and one source costs ``4m``
visits in betweenness (search and dependency pass) and ``2m`` in closeness, so
``k = PATH_BUDGET / 4m`` and ``PATH_BUDGET / 2m``, clipped to 16–256.  A network of
10,000 people and 100,000 ties gets 256 and 256 sources, one of 100,000 people and
1,000,000 ties 32 and 64 (every measure in 9–12 seconds on a 2-core machine, where 256
sources took 60–80).
Communities then use one Leiden iteration instead of iterating to a stable partition
(modularity within 0.005 of the stable one on the synthetic networks tried:
event networks and community graphs of 5,000–100,000 people).

Error of the estimates, measured by ``benchmarks/measures.py`` part (c) against exact
values on a 6,000-person community network (48,000 ties) and a 5,200-person network
projected from an event log (444,000 ties), three seeds each (``benchmarks/RESULTS.md``):

* 256 sources: betweenness Spearman rank correlation 0.89–0.98, median relative error
  15 % among the top 1 % (single nodes off by up to 70 %), 80–82 % of the true top 1 %
  found; closeness Spearman 0.98–0.99, median relative error 0.7 %.
* 32 sources (64 for closeness), as on a network of a million ties: betweenness
  Spearman 0.80–0.94, median relative error about 40 % among the top 1 % (single
  nodes off by up to 200–350 %), about half to two thirds of the true top 1 % found; closeness
  Spearman 0.91–0.97, median relative error 1.5 %.  Read betweenness at that size as
  "who is among the brokers", not as a precise ranking; give ``samples=256`` (about
  five times the time of the path measures) for a closer one.
* Totals are nearly unbiased (Σ estimate / Σ exact 0.95–1.03).
"""

from __future__ import annotations

import itertools
import random

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

__all__ = ["NODE_COLUMNS", "node_measures", "communities", "burt_constraint", "EXACT_LIMIT",
           "PATH_BUDGET", "sample_sizes"]

#: Up to this many nodes, betweenness and closeness are exact.
EXACT_LIMIT = 5000

#: Tie ends each sampled path measure may visit above :data:`EXACT_LIMIT` (see the
#: module text); the number of sources is clipped to ``_SOURCES``.
PATH_BUDGET = 128_000_000
_SOURCES = (16, 256)

#: Below this many nodes the eigenvector comes from a dense eigensolver.
_DENSE_EIGEN = 200

#: Wedges (paths of two ties) looked at per block when listing triangles, and the
#: largest lookup table of a block (entries).
_WEDGE_BLOCK = 1 << 20
_TABLE_LIMIT = 1 << 20

NODE_COLUMNS = ["name", "degree", "strength", "betweenness", "betweenness_raw", "closeness",
                "eigenvector", "pagerank", "clustering", "constraint", "effective_size",
                "coreness", "community", "knowing", "trust", "commitment"]


def _weights(graph: ig.Graph, weight: str | None):
    if weight and weight in graph.es.attributes():
        return [float(x) for x in graph.es[weight]]
    return None


def _edge_array(graph: ig.Graph) -> np.ndarray:
    """The edge list as an ``m × 2`` int64 array."""
    flat = itertools.chain.from_iterable(graph.get_edgelist())
    return np.fromiter(flat, dtype=np.int64, count=2 * graph.ecount()).reshape(-1, 2)


def sample_sizes(n: int, m: int, *, samples: int | None = None,
                 budget: float = PATH_BUDGET) -> tuple[int, int]:
    """Sources sampled for (betweenness, closeness) on ``n`` nodes and ``m`` ties.

    ``samples`` fixes both; otherwise each measure gets ``budget`` tie-end visits:
    ``budget / 4m`` sources for betweenness, ``budget / 2m`` for closeness, clipped to
    16–256 (and to ``n``).

    >>> sample_sizes(100_000, 1_000_000), sample_sizes(10_000, 100_000)
    ((32, 64), (256, 256))
    """
    if samples is not None:
        k = max(1, min(int(samples), n))
        return k, k
    lo, hi = _SOURCES
    per = [budget / max(4 * m, 1), budget / max(2 * m, 1)]
    k_b, k_c = (min(n, max(lo, min(hi, int(x)))) for x in per)
    return k_b, k_c


def communities(graph: ig.Graph, *, weight: str | None = "weight", seed: int = 0,
                resolution: float = 1.0, iterations: int = -1) -> np.ndarray:
    """Leiden communities (modularity objective), numbered by size, reproducible.

    igraph draws its random numbers from Python's :mod:`random`; a private generator
    seeded with ``seed`` is installed for the call and the previous one restored.
    ``iterations=-1`` iterates until the partition is stable.
    """
    return _communities(graph, _weights(graph, weight), seed=seed, resolution=resolution,
                        iterations=iterations)


def _communities(graph: ig.Graph, w, *, seed: int, resolution: float = 1.0,
                 iterations: int = -1) -> np.ndarray:
    n = graph.vcount()
    if n == 0:
        return np.array([], dtype=np.int64)
    if graph.ecount() == 0:
        return np.arange(n, dtype=np.int64)
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        clustering = graph.community_leiden(objective_function="modularity", weights=w,
                                            resolution=resolution, n_iterations=iterations)
    finally:
        ig.set_random_number_generator(random)
    membership = np.asarray(clustering.membership, dtype=np.int64)
    sizes = np.bincount(membership)
    # Number by size (largest first), ties broken by the smallest member index.
    first = np.full(len(sizes), n)
    np.minimum.at(first, membership, np.arange(n))
    order = np.lexsort((first, -sizes))
    relabel = np.empty(len(sizes), dtype=np.int64)
    relabel[order] = np.arange(len(sizes))
    return relabel[membership]


def burt_constraint(graph: ig.Graph, *, weight: str | None = "weight") -> np.ndarray:
    """Burt's constraint on weighted ties (same values as igraph's ``constraint``).

    ``c_i = Σ_j (p_ij + Σ_q p_iq p_qj)²`` over the neighbours ``j`` of ``i``, where
    ``p_ij`` is the share of ``i``'s tie weight that goes to ``j`` (parallel ties are
    summed, loops left out; NaN for isolated nodes).  The indirect sums run over the
    triangles of the network only, listed with numpy (see :func:`_triangles`).

    >>> g = ig.Graph.Famous("Zachary")
    >>> bool(np.allclose(burt_constraint(g), g.constraint()))
    True
    """
    w = _weights(graph, weight)
    return _constraint(graph.vcount(), _edge_array(graph),
                       None if w is None else np.asarray(w, dtype=float))


def _oriented_ties(n: int, edges: np.ndarray, w: np.ndarray | None):
    """Each linked pair once, oriented from the lower to the higher node in degree order.

    Returns ``(node, start, src, dst, weight)``: ``node[r]`` is the node of rank ``r``;
    ties run ``src → dst`` in rank numbers, sorted by ``(src, dst)`` (``start`` = CSR row
    pointers); parallel ties are summed, loops and pairs whose weights sum to 0 left out.
    """
    w = np.ones(len(edges)) if w is None else w
    a, b = edges[:, 0], edges[:, 1]
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    deg = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
    node = np.lexsort((np.arange(n), deg))
    rank = np.empty(n, dtype=np.int64)
    rank[node] = np.arange(n)
    ra, rb = rank[a], rank[b]
    # Canonical CSR: sorted within rows, parallel ties summed.
    up = sp.csr_matrix((w, (np.minimum(ra, rb), np.maximum(ra, rb))), shape=(n, n))
    up.sum_duplicates()
    up.eliminate_zeros()
    start = up.indptr.astype(np.int64)
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(start))
    return node, start, src, up.indices.astype(np.int64), up.data


def _triangles(n: int, start: np.ndarray, src: np.ndarray, dst: np.ndarray):
    """Yield the triangles of oriented ties (see :func:`_oriented_ties`) in blocks
    ``(uq, qj, uj)``: the indices of the three ties of each triangle ``u < q < j``.

    A triangle is the path ``u→q→j`` closed by the tie ``u→j`` and is found exactly
    once.  Orienting by degree keeps the paths to look at few (a node has at most
    ``√(2m)`` higher neighbours).  Each block of paths is closed with a lookup table
    when its ``u``'s are few (dense networks such as event projections), else with one
    sorted search.
    """
    m = len(src)
    if m == 0:
        return
    keys = src * n + dst  # sorted
    onward = start[dst + 1] - start[dst]  # ties leaving the far end of each tie
    reach = np.cumsum(onward)
    cuts = np.searchsorted(reach, np.arange(_WEDGE_BLOCK, int(reach[-1]), _WEDGE_BLOCK))
    e0 = 0
    for e_end in [*np.unique(cuts + 1).tolist(), m]:
        if e_end <= e0:
            continue
        count = onward[e0:e_end]
        total = int(count.sum())
        if total:
            uq = np.repeat(np.arange(e0, e_end), count)
            first = np.cumsum(count) - count
            qj = np.arange(total) + np.repeat(start[dst[e0:e_end]] - first, count)
            u0, u1 = src[e0], src[e_end - 1]  # the block's u's, and their ties lo:hi
            lo, hi = start[u0], start[u1 + 1]
            if (u1 - u0 + 1) * n <= _TABLE_LIMIT:
                # Few u's (dense networks): a table (u, j) → tie u→j + 1, 0 if none.
                table = np.zeros((u1 - u0 + 1) * n, dtype=np.int64)
                table[(src[lo:hi] - u0) * n + dst[lo:hi]] = np.arange(lo + 1, hi + 1)
                uj = table[(src[uq] - u0) * n + dst[qj]] - 1
                closed = np.flatnonzero(uj >= 0)
            else:
                # Many u's (sparse networks): one sorted search among their ties.
                wanted = src[uq] * n + dst[qj]
                uj = np.minimum(np.searchsorted(keys[lo:hi], wanted) + lo, m - 1)
                closed = np.flatnonzero(keys[uj] == wanted)
            yield uq[closed], qj[closed], uj[closed]
        e0 = e_end


def _constraint(n: int, edges: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    if n == 0:
        return np.array([])
    node, start, src, dst, w = _oriented_ties(n, edges, w)
    m = len(src)
    strength = np.bincount(src, weights=w, minlength=n) + np.bincount(dst, weights=w, minlength=n)
    inv = np.divide(1.0, strength, out=np.zeros(n), where=strength != 0)
    fwd_p, back_p = w * inv[src], w * inv[dst]  # p from the tie's lower end, and back
    # Indirect shares m_ik = Σ_r p_ir p_rk of each tie, from its lower end (fwd) and its
    # higher end (back); in a triangle u < q < j the third corner of each tie is fixed.
    fwd, back = np.zeros(m), np.zeros(m)
    for uq, qj, uj in _triangles(n, start, src, dst):
        p_uq, p_qu = fwd_p[uq], back_p[uq]
        p_qj, p_jq = fwd_p[qj], back_p[qj]
        p_uj, p_ju = fwd_p[uj], back_p[uj]
        ties = np.concatenate([uj, uq, qj])
        fwd += np.bincount(ties, weights=np.concatenate([p_uq * p_qj, p_uj * p_jq, p_qu * p_uj]),
                           minlength=m)
        back += np.bincount(ties, weights=np.concatenate([p_jq * p_qu, p_qj * p_ju, p_ju * p_uq]),
                            minlength=m)
    by_rank = (np.bincount(src, weights=(fwd_p + fwd) ** 2, minlength=n)
               + np.bincount(dst, weights=(back_p + back) ** 2, minlength=n))
    c = np.empty(n)
    c[node] = by_rank
    c[node[strength == 0]] = np.nan
    return c


def _sampled_sources(n: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=min(k, n), replace=False))


def _closeness(graph: ig.Graph, sources=None) -> np.ndarray:
    """Closeness (Wasserman–Faust); from the distances to ``sources`` when given."""
    n = graph.vcount()
    membership = np.asarray(graph.connected_components().membership)
    comp_size = np.bincount(membership)[membership]
    if sources is None:
        raw = np.asarray(graph.closeness(normalized=True), dtype=float)  # (r-1)/Σd
        raw = np.nan_to_num(raw, nan=0.0)
        return raw * (comp_size - 1) / max(n - 1, 1)
    # Mean distance from the sampled sources in the same component (excluding itself),
    # a few sources at a time so that the k × n distance table never exists whole.
    total, count = np.zeros(n), np.zeros(n)
    sources = list(sources)
    for i in range(0, len(sources), 16):
        dist = np.asarray(graph.distances(source=sources[i:i + 16]), dtype=float)
        reached = np.isfinite(dist) & (dist > 0)
        total += np.where(reached, dist, 0.0).sum(axis=0)
        count += reached.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(count > 0, count / total, 0.0)
    return raw * (comp_size - 1) / max(n - 1, 1)


def node_measures(graph: ig.Graph, *, weight: str | None = "weight", seed: int = 0,
                  exact_limit: int = EXACT_LIMIT, samples: int | None = None,
                  budget: float = PATH_BUDGET, paths: str = "strength") -> pd.DataFrame:
    """Every node measure of ``graph`` (see the module text for definitions).

    ``paths``: ``"strength"`` (default) measures betweenness on weighted paths, a tie's
    length being ``1/weight``; ``"steps"`` on unweighted paths.

    Returns a DataFrame indexed by node id (``id``) with :data:`NODE_COLUMNS`; at the
    person level also ``organisation`` and ``sector``.

    Up to ``exact_limit`` nodes everything is exact.  Above it betweenness and closeness
    are estimated from sampled sources: ``samples`` of them, or by default as many as
    ``budget`` allows (:func:`sample_sizes`: 256 on 10,000 people and 100,000 ties; 32,
    and 64 for closeness, on 100,000 people and a million ties), and communities use one
    Leiden iteration.  ``attrs["estimated"]`` lists the estimated measures,
    ``attrs["samples"]`` and ``attrs["closeness_samples"]`` the sources used.

    Documented error (``benchmarks/RESULTS.md`` part (c), against exact values; details
    in the module text): with 256 sources, betweenness rank correlation 0.89–0.98 and a
    median error of 15 % among the top 1 % (80 % of them found); with 32 sources, as on
    a 100,000-person network with a million ties, rank correlation 0.80–0.94 and about
    40 % among the top 1 % (half to two thirds of them found).  Closeness is within
    0.7 % (256 sources) or 1.5 % (64) at the median.

    Examples
    --------
    >>> g = ig.Graph.Famous("Zachary")
    >>> g.vs["name"] = [str(i) for i in range(g.vcount())]
    >>> m = node_measures(g)
    >>> round(float(m.loc["0", "betweenness_raw"]), 2), int(m.loc["33", "degree"])
    (231.07, 17)
    """
    n = graph.vcount()
    names = graph.vs["name"] if "name" in graph.vs.attributes() else [str(i) for i in range(n)]
    w = _weights(graph, weight)
    out = pd.DataFrame(index=pd.Index(names, name="id"))
    labels = graph.vs["label"] if "label" in graph.vs.attributes() else names
    out["name"] = labels
    for attr in ("organisation", "sector"):
        if attr in graph.vs.attributes():
            out[attr] = graph.vs[attr]
    if n == 0:
        for col in NODE_COLUMNS[1:]:
            out[col] = pd.Series(dtype=float)
        out.attrs.update(estimated=[], samples=0, closeness_samples=0)
        return out
    edges = _edge_array(graph)
    w_arr = None if w is None else np.asarray(w, dtype=float)
    out["degree"] = graph.degree()
    out["strength"] = graph.strength(weights=w) if w is not None else graph.degree()
    estimated: list[str] = []
    lengths = _path_lengths(w_arr) if paths == "strength" else None
    if paths not in ("strength", "steps"):
        raise ValueError(f"paths must be 'strength' or 'steps', not {paths!r}")
    if n <= exact_limit:
        raw = np.asarray(graph.betweenness(directed=False, weights=lengths), dtype=float)
        out["closeness"] = _closeness(graph)
        used = used_c = 0
    else:
        k_b, k_c = sample_sizes(n, graph.ecount(), samples=samples, budget=budget)
        sources = _sampled_sources(n, k_b, seed)
        # igraph counts each (source, target) pair once when sources are given; the
        # exact undirected count halves the ordered pairs, hence the scaling by n/k.
        raw = np.asarray(graph.betweenness(directed=False, sources=sources.tolist(),
                                           targets=None, weights=lengths),
                         dtype=float) * n / len(sources)
        out["closeness"] = _closeness(graph, _sampled_sources(n, k_c, seed).tolist())
        estimated = ["betweenness", "betweenness_raw", "closeness"]
        used, used_c = k_b, k_c
    pairs = (n - 1) * (n - 2) / 2
    out["betweenness_raw"] = raw
    out["betweenness"] = raw / pairs if pairs > 0 else 0.0
    out["eigenvector"] = _eigenvector(graph, edges, w_arr)
    out["pagerank"] = graph.pagerank(weights=w, directed=False)
    clustering = np.asarray(graph.transitivity_local_undirected(mode="zero"), dtype=float)
    out["clustering"] = clustering
    out["constraint"] = _constraint(n, edges, w_arr)
    degree = out["degree"].to_numpy(dtype=float)
    eff = degree - (degree - 1) * clustering
    eff[degree == 0] = np.nan
    out["effective_size"] = eff
    out["coreness"] = graph.coreness()
    out["community"] = _communities(graph, w, seed=seed,
                                    iterations=-1 if n <= exact_limit else 1)
    for col in ("knowing", "trust", "commitment"):
        out[col] = (np.asarray(graph.vs[col], dtype=float) if col in graph.vs.attributes()
                    else np.nan)
    out.attrs.update(estimated=estimated, samples=used, closeness_samples=used_c)
    front = [c for c in ("name", "organisation", "sector") if c in out.columns]
    return out[front + [c for c in NODE_COLUMNS if c not in front]]


def _path_lengths(w: np.ndarray | None) -> list[float] | None:
    """Tie lengths for weighted paths: ``1/weight`` (None when unweighted or when every
    weight is the same, which gives the same paths as counting steps).  Ties of weight 0
    or less carry no strength: they get a length longer than any path of real ties."""
    if w is None or len(w) == 0 or np.all(w == w[0]) and w[0] > 0:
        return None
    positive = w > 0
    lengths = np.empty(len(w))
    lengths[positive] = 1.0 / w[positive]
    if not positive.all():
        longest = lengths[positive].sum() if positive.any() else 1.0
        lengths[~positive] = 2.0 * longest + 1.0
    return lengths.tolist()


def _eigenvector(graph: ig.Graph, edges: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Eigenvector centrality, largest = 1 (igraph's definition: parallel ties add up, a
    loop counts twice).

    The leading eigenvector of the weighted adjacency matrix from scipy's Lanczos solver
    (ARPACK, started from the all-ones vector, so reproducible) or, below
    :data:`_DENSE_EIGEN` nodes, a dense solver: the same values as igraph's
    ``eigenvector_centrality`` to about 1e-10, several times faster on large networks.
    Negative weights, or no convergence, fall back to igraph.
    """
    n = graph.vcount()
    if graph.ecount() == 0:
        return np.zeros(n)
    if w is not None and not (np.isfinite(w) & (w >= 0)).all():
        return _igraph_eigenvector(graph, w.tolist())
    data = np.ones(len(edges)) if w is None else w
    adj = sp.csr_matrix((np.concatenate([data, data]),
                         (np.concatenate([edges[:, 0], edges[:, 1]]),
                          np.concatenate([edges[:, 1], edges[:, 0]]))), shape=(n, n))
    try:
        if n <= _DENSE_EIGEN:
            vector = np.linalg.eigh(adj.toarray())[1][:, -1]
        else:
            vector = eigsh(adj, k=1, which="LA", v0=np.ones(n))[1][:, 0]
    except (ArpackNoConvergence, np.linalg.LinAlgError):
        return _igraph_eigenvector(graph, None if w is None else w.tolist())
    vector = np.abs(vector)
    top = vector.max()
    return vector / top if top > 0 else vector


def _igraph_eigenvector(graph: ig.Graph, w) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        values = graph.eigenvector_centrality(weights=w)
    return np.asarray(values, dtype=float)
