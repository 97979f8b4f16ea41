"""Betweenness estimated from random shortest paths, with a stated error bound.

Above the exact limit :func:`~verkostolab.measures.node_measures` estimates betweenness
by *pair sampling* (Riondato & Kornaropoulos 2016, "Fast approximation of betweenness
centrality through sampling"): draw ``r`` ordered pairs ``(s, t)`` of distinct people
uniformly at random, pick one shortest ``s``–``t`` path uniformly at random among all of
them, and credit each person strictly inside it.  The share of paths that pass through
``v`` is an unbiased estimate of ``v``'s betweenness on the scale of all pairs, and with

    r ≥ (c / ε²) · (⌊log₂(VD − 2)⌋ + 1 + ln(1/δ)),   c = 0.5,

where ``VD`` is (an upper bound of) the largest number of people on a shortest path, the
estimate of **every** node is within ``ε`` of the truth with probability at least
``1 − δ`` (their Theorem 2; ``c`` is the universal constant they use, from Löffler &
Phillips 2009).  ``VD`` is bounded by one search per connected component: ``VD ≤ 2·e + 1``
where ``e`` is the eccentricity of any node of the component (one search from one
node of each component).  The bound holds on the
pair-normalised scale ``b(v) = Σ_{s≠t} σ_st(v)/σ_st / (n(n−1))``; the ``betweenness``
column divides the same count by ``(n−1)(n−2)`` instead, so ε on that column is
``ε_b · n/(n−2)`` — :func:`estimate_betweenness` converts, and the ε it reports is the
bound on the ``betweenness`` column.

Unlike sampled *sources* (Brandes & Pich 2007), where a broker between two communities
gets credit only from sources on either side and its estimate swings with the draw,
every sampled pair is independent, so the error shrinks evenly.  It is absolute: a node
far below ε may be estimated as 0 or as a few times its value, which is why the ranking
among the top is what the estimate is good for (``benchmarks/RESULTS.md``, part (c)).

**Unweighted paths** (every tie one step) are searched from both ends at once, level by
level, always growing the side whose next level has fewer tie ends (the balanced
bidirectional search of KADABRA, Borassi & Natale 2016): a pair then costs far fewer
tie-end visits than a search from one end.  Many pairs are searched together with numpy
(one array operation per level for the whole batch).  When the two balls meet, the
number of shortest paths ``σ_st = Σ_x σ_s(x)·σ_t(x)`` over the meeting nodes ``x``; one
meeting node is drawn with probability ``σ_s(x)σ_t(x)/σ_st``, and the path is walked back
to ``s`` and ``t``, each step choosing a predecessor ``u`` of ``x`` with probability
``σ(u)/σ(x)``, which makes the path uniform among all shortest paths.  Parallel ties
count as separate paths (as in igraph).

**The number of pairs** is either what a requested ε needs, or what a work budget buys
(:data:`PAIR_BUDGET` tie-end visits): a pilot of a few hundred pairs measures the
visits of one pair on this network and is then set aside, so that the number of pairs
does not depend on the pairs that are counted (the bound needs a number fixed in
advance).  On the benchmark's community graphs a pair visits about ``4·√m`` tie ends
(1,300 on 105,000 ties, 3,900 on a million), so the budget buys 19,000 pairs (ε =
0.013) on 20,000 people and 6,200 (ε = 0.023) on 100,000 people and a million ties.

**Weighted paths** (distance of a tie ``1/weight``: strong ties are short) use
networkit's ``ApproxBetweenness``, the same Riondato–Kornaropoulos sampler with Dijkstra
searches from one end (unbiased: predecessors are chosen with probability
``σ(u)/σ(x)``).  networkit bounds ``VD`` by the size of the largest component there, so
a pair costs more and needs more pairs: the budget then buys a much larger ε (about
0.3 from 100 pairs on 20,000 people; ε = 0.1 took 866 pairs and 40 s there).  Integer
weights are turned into integer distances (``lcm(weights)/weight``) so that equally
short paths are recognised exactly.

Why not networkit's ``KadabraBetweenness`` (adaptive stopping) for unweighted paths:
in networkit 11 it computes the exact diameter first (more than five minutes on the
100,000-node benchmark graph, where everything else takes seconds), and its path
walk-back picks a predecessor by position instead of by path count, which biases the
estimate where a node has predecessors with unequal path counts (on a 238-node example
a node was estimated at 1.9 times its betweenness at ε = 0.002).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import igraph as ig
import numpy as np
import scipy.sparse as sp

__all__ = ["BetweennessEstimate", "estimate_betweenness", "pairs_for", "epsilon_for",
           "vertex_diameter_bound", "path_lengths", "DELTA", "RK_CONSTANT", "PAIR_BUDGET"]

#: Probability that some node's estimate is further than ε from the truth.
DELTA = 0.1
#: The universal constant ``c`` of the sample size (Riondato & Kornaropoulos 2016).
RK_CONSTANT = 0.5

#: Tie ends the sampled pairs may visit when neither ε nor a number of pairs is given
#: (see :func:`estimate_betweenness`); pairs are clipped to :data:`_PAIRS`.
PAIR_BUDGET = 24_000_000
_PAIRS = (1_000, 200_000)
_WEIGHTED_PAIRS = (100, 200_000)
_PILOT = 256
_MIN_PAIR_COST = 64

#: Entries (pairs × nodes) of the dense work arrays of one batch of searches.
_BATCH_CELLS = 1 << 21
_BATCH_PAIRS = (8, 2048)


@dataclass
class BetweennessEstimate:
    """The estimate and what it promises.

    ``raw`` is the estimated betweenness count (paths through each node, unordered
    pairs, as igraph counts); ``epsilon`` the bound on the normalised ``betweenness``
    column that holds for every node at once with probability ``1 − delta``.
    """

    raw: np.ndarray
    method: str
    epsilon: float
    delta: float
    pairs: int
    vertex_diameter: int
    weighted: bool
    visits: int = 0

    def describe(self) -> dict:
        """JSON-ready description (``attrs["estimated"]["betweenness"]``)."""
        return {"method": self.method, "epsilon": float(self.epsilon),
                "delta": float(self.delta), "pairs": int(self.pairs),
                "vertex_diameter_bound": int(self.vertex_diameter),
                "paths": "weighted" if self.weighted else "steps",
                "meaning": (f"every node's betweenness is within {self.epsilon:.4g} of the "
                            f"exact value with probability at least {1 - self.delta:.0%}")}


def _log_term(vd: int, delta: float) -> float:
    return math.floor(math.log2(max(vd - 2, 1))) + 1 + math.log(1 / delta)


def pairs_for(epsilon: float, vd: int, delta: float = DELTA, n: int | None = None) -> int:
    """Pairs needed for the bound ``epsilon`` on the ``betweenness`` column (on the
    pair scale when ``n`` is None).

    >>> pairs_for(0.01, 20), pairs_for(0.02, 20)
    (36513, 9129)
    """
    eps_b = epsilon if n is None or n <= 2 else epsilon * (n - 2) / n
    return int(math.ceil(RK_CONSTANT / eps_b ** 2 * _log_term(vd, delta)))


def epsilon_for(pairs: int, vd: int, delta: float = DELTA, n: int | None = None) -> float:
    """The bound on the ``betweenness`` column that ``pairs`` sampled pairs give.

    >>> round(epsilon_for(36513, 20), 4)
    0.01
    """
    eps_b = math.sqrt(RK_CONSTANT * _log_term(vd, delta) / max(pairs, 1))
    return eps_b if n is None or n <= 2 else eps_b * n / (n - 2)


def vertex_diameter_bound(graph: ig.Graph, membership: np.ndarray | None = None,
                          csr=None) -> int:
    """An upper bound of the number of nodes on any shortest path (unweighted).

    One breadth-first search from one node of every component at once (the components
    are apart, so the searches do not meet): in a component where that node's
    eccentricity is ``e`` every shortest path has at most ``2·e + 1`` nodes (and at most
    as many as the component has).

    >>> vertex_diameter_bound(ig.Graph.Ring(10) + ig.Graph(n=2, edges=[(0, 1)]))
    10
    """
    n = graph.vcount()
    if n == 0:
        return 0
    if membership is None:
        membership = np.asarray(graph.connected_components().membership)
    if csr is None:
        csr = _csr(n, np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2))
    indptr, indices = csr[0], csr[1]
    sizes = np.bincount(membership)
    roots = np.full(len(sizes), n)
    np.minimum.at(roots, membership, np.arange(n))
    dist = np.full(n, -1, dtype=np.int64)
    dist[roots] = 0
    frontier, level = roots, 0
    while len(frontier):
        level += 1
        _, nb, _ = _expand(indptr, indices, frontier)
        dist[nb[dist[nb] < 0]] = level
        frontier = np.flatnonzero(dist == level)
    ecc = np.zeros(len(sizes), dtype=np.int64)
    np.maximum.at(ecc, membership, dist)
    return int(np.minimum(2 * ecc + 1, sizes).max())


def _csr(n: int, edges: np.ndarray):
    """Both directions of every tie as CSR ``(indptr, indices, mult)`` (loops left out);
    ``mult`` counts parallel ties (None when there are none): each is a path of its own,
    as in igraph."""
    a, b = edges[:, 0], edges[:, 1]
    keep = a != b
    a, b = a[keep], b[keep]
    both = sp.csr_matrix((np.ones(2 * len(a)), (np.concatenate([a, b]), np.concatenate([b, a]))),
                         shape=(n, n))
    both.sum_duplicates()
    mult = both.data if len(both.data) and both.data.max() > 1 else None
    return both.indptr.astype(np.int64), both.indices.astype(np.int64), mult


def _expand(indptr, indices, fv):
    """The ties leaving nodes ``fv``: (row of ``fv``, neighbour, position in ``indices``)."""
    deg = indptr[fv + 1] - indptr[fv]
    total = int(deg.sum())
    rows = np.repeat(np.arange(len(fv)), deg)
    ends = np.cumsum(deg)
    pos = np.arange(total) - np.repeat(ends - deg, deg) + np.repeat(indptr[fv], deg)
    return rows, indices[pos], pos


def _choose(group: np.ndarray, weight: np.ndarray, n_groups: int, rng) -> np.ndarray:
    """One index per group (``group`` sorted, every group non-empty), drawn with
    probability proportional to ``weight`` within its group."""
    total = np.bincount(group, weights=weight, minlength=n_groups)
    cum = np.cumsum(weight / total[group])  # each group adds up to 1
    starts = np.searchsorted(group, np.arange(n_groups))
    ends = np.searchsorted(group, np.arange(n_groups), side="right")
    target = np.arange(n_groups) + rng.random(n_groups)
    pick = np.searchsorted(cum, target, side="right")
    return np.clip(pick, starts, ends - 1)


class _Sampler:
    """Balanced bidirectional searches for a batch of pairs at once (unweighted)."""

    def __init__(self, n: int, csr, batch: int):
        self.n = n
        self.indptr, self.indices, self.mult = csr
        indptr = self.indptr
        self.deg = np.diff(indptr)
        self.batch = batch
        cells = batch * n
        self.level = [np.full(cells, -1, dtype=np.int16), np.full(cells, -1, dtype=np.int16)]
        self.sigma = [np.zeros(cells), np.zeros(cells)]
        self.owner = np.zeros(cells, dtype=np.int32)
        self.visits = 0

    def run(self, s: np.ndarray, t: np.ndarray, rng, counts: np.ndarray) -> None:
        """Sample one shortest path for each pair ``(s[i], t[i])`` (connected, distinct)
        and add 1 to ``counts`` for every node inside it.

        Work arrays are indexed node-major (``node · batch + pair``), so that a node met
        by several searches of the batch (a hub) is one place in memory."""
        indptr, indices, width = self.indptr, self.indices, self.batch
        k = len(s)
        roots = (s, t)
        pair_ids = np.arange(k)
        touched = [[], []]
        front_p, front_v = [None, None], [None, None]
        cost = np.zeros((2, k))
        depth = np.zeros((2, k), dtype=np.int16)
        for side in (0, 1):
            key = roots[side] * width + pair_ids
            self.level[side][key] = 0
            self.sigma[side][key] = 1.0
            touched[side].append(key)
            front_p[side], front_v[side] = pair_ids, roots[side]
            cost[side] = self.deg[roots[side]]
        active = np.ones(k, dtype=bool)
        meet_p, meet_x, meet_w = [], [], []
        while active.any():
            grow_s = active & (cost[0] <= cost[1])
            for side, grow in ((0, grow_s), (1, active & ~grow_s)):
                if not grow.any():
                    continue
                other = 1 - side
                level, sigma = self.level[side], self.sigma[side]
                sel = grow[front_p[side]]
                fp, fv = front_p[side][sel], front_v[side][sel]
                keep_p, keep_v = front_p[side][~sel], front_v[side][~sel]
                rows, nb, pos = _expand(indptr, indices, fv)
                self.visits += len(nb)
                pp = fp[rows]
                key = nb * width + pp
                new = level[key] < 0
                rows, key, pp, nb, pos = rows[new], key[new], pp[new], nb[new], pos[new]
                paths = sigma[(fv * width + fp)[rows]]  # paths to the parent, one per tie
                if self.mult is not None:
                    paths = paths * self.mult[pos]
                # Each new node once: the last of its ties to write owns it; the paths of
                # all its ties are summed there.
                idx = np.arange(len(key), dtype=np.int32)
                self.owner[key] = idx
                rep = self.owner[key]
                first = rep == idx
                total = np.bincount(rep, weights=paths, minlength=len(key))
                key, p_new, v_new = key[first], pp[first], nb[first]
                sigma[key] = total[first]
                depth[side, grow] += 1
                level[key] = depth[side, p_new]
                touched[side].append(key)
                cost[side, grow] = np.bincount(p_new, weights=self.deg[v_new], minlength=k)[grow]
                met = self.level[other][key] >= 0
                done = np.zeros(k, dtype=bool)
                if met.any():
                    mk = key[met]
                    meet_p.append(p_new[met])
                    meet_x.append(v_new[met])
                    meet_w.append(self.sigma[0][mk] * self.sigma[1][mk])
                    done[p_new[met]] = True
                # A side that found nothing new has exhausted its component (cannot
                # happen for connected pairs; kept as a guard).
                found = np.zeros(k, dtype=bool)
                found[p_new] = True
                done |= grow & ~found
                active &= ~done
                front_p[side] = np.concatenate([keep_p, p_new])
                front_v[side] = np.concatenate([keep_v, v_new])
                for sd in (0, 1):
                    live = active[front_p[sd]]
                    front_p[sd], front_v[sd] = front_p[sd][live], front_v[sd][live]
                if not active.any():
                    break
        if meet_p:
            mp = np.concatenate(meet_p)
            order = np.argsort(mp, kind="stable")
            mp, mx, mw = mp[order], np.concatenate(meet_x)[order], np.concatenate(meet_w)[order]
            have = np.unique(mp)
            group = np.searchsorted(have, mp)
            pick = _choose(group, mw, len(have), rng)
            self._walk_back(have, mx[pick], s, t, rng, counts)
        for side in (0, 1):
            if touched[side]:
                key = np.concatenate(touched[side])
                self.level[side][key] = -1
                self.sigma[side][key] = 0.0

    def _walk_back(self, p, x, s, t, rng, counts):
        width = self.batch
        inner = (x != s[p]) & (x != t[p])
        np.add.at(counts, x[inner], 1)
        for side in (0, 1):
            level, sigma = self.level[side], self.sigma[side]
            cur_p, cur = p, x
            lev = level[cur * width + cur_p]
            while True:
                go = lev > 1  # a predecessor inside the path (level 0 is the root)
                cur_p, cur, lev = cur_p[go], cur[go], lev[go]
                if len(cur) == 0:
                    break
                rows, nb, pos = _expand(self.indptr, self.indices, cur)
                self.visits += len(nb)
                key = nb * width + cur_p[rows]
                ok = level[key] == (lev - 1)[rows]
                rows, nb, key, pos = rows[ok], nb[ok], key[ok], pos[ok]
                paths = sigma[key] if self.mult is None else sigma[key] * self.mult[pos]
                pick = _choose(rows, paths, len(cur), rng)
                cur, lev = nb[pick], lev - 1
                np.add.at(counts, cur, 1)


def _batch_size(n: int) -> int:
    lo, hi = _BATCH_PAIRS
    return int(max(lo, min(hi, _BATCH_CELLS // max(n, 1))))


def _draw_pairs(n: int, r: int, rng) -> tuple[np.ndarray, np.ndarray]:
    s = rng.integers(0, n, r)
    t = rng.integers(0, n - 1, r)
    t += t >= s
    return s, t


def _sample_unweighted(n: int, csr, pairs: int | None, budget: float | None,
                       rng, membership: np.ndarray, limits: tuple[int, int]):
    """Counts of sampled paths through each node, the pairs drawn and the tie ends visited.

    With ``pairs`` None the number follows ``budget``: a pilot of a few hundred pairs
    (then set aside, so that the number used does not depend on the pairs it counts)
    measures the tie ends one pair visits, and the budget buys that many."""
    batch = _batch_size(n)
    sampler = _Sampler(n, csr, batch)
    if pairs is None:
        pilot = max(_PILOT, batch)
        s, t = _draw_pairs(n, pilot, rng)
        linked = membership[s] == membership[t]
        scratch = np.zeros(n)
        for i in range(0, int(linked.sum()), batch):
            sampler.run(s[linked][i:i + batch], t[linked][i:i + batch], rng, scratch)
        per_pair = max(sampler.visits / pilot, _MIN_PAIR_COST)
        pairs = int(min(max(budget / per_pair, limits[0]), limits[1]))
    counts = np.zeros(n)
    s, t = _draw_pairs(n, pairs, rng)
    linked = membership[s] == membership[t]  # other pairs have no path: they count 0
    s, t = s[linked], t[linked]
    start = sampler.visits
    for i in range(0, len(s), batch):
        sampler.run(s[i:i + batch], t[i:i + batch], rng, counts)
    return counts, pairs, sampler.visits - start


def _integer_distances(w: np.ndarray) -> np.ndarray:
    """``1/w`` scaled to integers when the weights are small positive integers (so that
    sums of distances compare exactly), else ``1/w``."""
    if len(w) and np.all(w == np.round(w)) and w.min() >= 1 and w.max() <= 64:
        lcm = 1
        for value in np.unique(w).astype(np.int64).tolist():
            lcm = lcm * value // math.gcd(lcm, value)
        if lcm <= 1 << 40:
            return lcm / w
    return 1.0 / w


def path_lengths(w: np.ndarray) -> np.ndarray:
    """Length of each tie for weighted paths: ``1/weight``, scaled to integers
    (``lcm/weight``) when the weights are small integers, so that equally short paths
    compare exactly; the shortest paths are the same.

    >>> path_lengths(np.array([1.0, 2.0, 3.0])).tolist()
    [6.0, 3.0, 2.0]
    """
    w = np.asarray(w, dtype=float)
    if len(w) and not (np.isfinite(w) & (w > 0)).all():
        raise ValueError("weighted paths need positive tie weights (length = 1/weight)")
    return _integer_distances(w)


def _sample_weighted(n: int, edges: np.ndarray, lengths: np.ndarray, epsilon_b: float,
                     delta: float, seed: int):
    import networkit as nk

    keep = edges[:, 0] != edges[:, 1]
    e, d = edges[keep].astype(np.uint64), lengths[keep]
    graph = nk.GraphFromCoo((d, (e[:, 0], e[:, 1])), n=n, directed=False, weighted=True)
    nk.setSeed(int(seed), False)
    algo = nk.centrality.ApproxBetweenness(graph, epsilon=epsilon_b, delta=delta,
                                           universalConstant=RK_CONSTANT)
    algo.run()
    scores = np.asarray(algo.scores(), dtype=float)  # share of sampled paths
    return scores, int(algo.numberOfSamples())


def estimate_betweenness(graph: ig.Graph, *, edges: np.ndarray, seed: int = 0,
                         epsilon: float | None = None, delta: float = DELTA,
                         pairs: int | None = None, budget: float = PAIR_BUDGET,
                         lengths: np.ndarray | None = None,
                         membership: np.ndarray | None = None) -> BetweennessEstimate:
    """Estimate betweenness with a bound ε on the ``betweenness`` column.

    Give ``epsilon`` (the number of pairs follows from the bound), ``pairs``, or neither:
    then ``budget`` tie-end visits choose the number of pairs (:data:`PAIR_BUDGET`) and
    ε follows from it.  ``lengths`` (one per tie of ``edges``, see :func:`path_lengths`)
    switches to weighted paths.  ``raw`` is on igraph's scale (shortest paths through
    the node, each unordered pair once).
    """
    n = graph.vcount()
    weighted = lengths is not None
    if membership is None:
        membership = np.asarray(graph.connected_components().membership)
    if n < 3:
        return BetweennessEstimate(np.zeros(n), "exact", 0.0, delta, 0, n, weighted)
    csr = None
    if weighted:
        vd = int(np.bincount(membership).max())  # networkit's bound for weighted paths
    else:
        csr = _csr(n, edges)
        vd = vertex_diameter_bound(graph, membership, csr)
    if pairs is None and epsilon is not None:
        pairs = pairs_for(epsilon, vd, delta, n)
    rng = np.random.default_rng(seed)
    scale = n * (n - 1) / 2  # share of ordered pairs → paths over unordered pairs
    if not weighted:
        counts, pairs, visits = _sample_unweighted(n, csr, pairs, budget, rng, membership,
                                                   _PAIRS)
        method = "pair sampling (Riondato–Kornaropoulos), balanced bidirectional search"
        return BetweennessEstimate(counts / pairs * scale, method,
                                   epsilon_for(pairs, vd, delta, n), delta, pairs, vd, False,
                                   visits)
    if pairs is None:
        # A Dijkstra search from one end to the other visits about half of the tie ends
        # (2m), at several times the cost of a step of the unweighted search.
        pairs = int(min(max(budget / max(8 * len(edges), 1), _WEIGHTED_PAIRS[0]), _PAIRS[1]))
    eps_b = epsilon_for(pairs, vd, delta)
    shares, used = _sample_weighted(n, edges, lengths, min(eps_b, 0.999), delta, seed)
    method = "pair sampling (Riondato–Kornaropoulos), Dijkstra (networkit ApproxBetweenness)"
    return BetweennessEstimate(shares * scale, method, epsilon_for(used, vd, delta, n), delta,
                               used, vd, True)
