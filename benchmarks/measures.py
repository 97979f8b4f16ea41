#!/usr/bin/env python
"""Speed and accuracy of verkostolab's projection and node measures, side by side.

Not a test (house rule: speed goals live in ``benchmarks/``, never in a timed unit
test).  Every measurement runs in a fresh child process: the child builds its input
(not timed), resets its peak-memory mark, runs one candidate once and reports the time
and the increase of its peak resident memory over the memory it had with the input
loaded.  Repeats are separate children, candidates alternate within each round, and the
tables show medians.  Ratios are what holds: the machine may be busy with other work.

    python benchmarks/measures.py --quick     # smoke run, about a minute
    python benchmarks/measures.py             # full run, 15-20 minutes on 2 cores

Parts (``--parts abc``):

a) projection of participation logs (``project_participation``, with and without kind
   weights) against a plain scipy incidence product (the reference), the same weighted
   product in scipy, and a Python loop over event pairs; the log is :func:`event_log`
   (event sizes by kind, theme networks; ``--log small`` for the earlier log);
b) ``node_measures`` against the same measures called directly on igraph and with
   networkx (networkx measures have a time budget each: above it they are sampled and
   extrapolated, or stopped and shown as a lower bound ``>=``);
c) accuracy of the sampled betweenness (and closeness) against exact igraph values.

See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as _dt
import gc
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DENSE_LIMIT = 12_000  # networkx's effective_size of all nodes is dense (n² floats)

# =============================================================================== memory
_PEAK_RESET = None  # whether /proc/self/clear_refs could reset the peak


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def start_memory() -> int:
    """Free what can be freed, reset the peak mark; return the baseline in kB."""
    global _PEAK_RESET
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset VmHWM (and ru_maxrss) to the current RSS
        _PEAK_RESET = True
    except OSError:
        _PEAK_RESET = False
    if _PEAK_RESET:
        return _status_kb("VmRSS") or _maxrss_kb()
    return _maxrss_kb()  # fallback: increase over the earlier high-water mark


def peak_increase_mb(base_kb: int) -> float:
    peak = (_status_kb("VmHWM") if _PEAK_RESET else None) or _maxrss_kb()
    return max(0, peak - base_kb) / 1024.0


# ============================================================================== budgets
class Budget(Exception):
    """A measure ran out of its time budget."""


def _alarm(signum, frame):
    raise Budget()


def with_budget(seconds: float, func, *args, **kwargs):
    """Run ``func``; return ``(seconds, result, finished)``.  Pure-Python code is stopped
    by SIGALRM when the budget runs out (then ``finished`` is False)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    t0 = time.perf_counter()
    try:
        result = func(*args, **kwargs)
        finished = True
    except Budget:
        result, finished = None, False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return time.perf_counter() - t0, result, finished


# ================================================================================ inputs
#: Event kinds of a network programme's log: share of events, median size, size range.
#: Sizes follow the brief "meetings and workshops of about 5-40 people, a few large
#: seminars" (see RESULTS.md for the resulting distribution).
EVENT_MIX = {  # kind: (share, median people, smallest, largest)
    "meeting": (0.26, 12, 5, 40),
    "information_exchange": (0.18, 15, 5, 40),
    "conversation": (0.10, 4, 2, 8),
    "collaboration_scouting": (0.10, 10, 4, 30),
    "joint_project": (0.10, 8, 3, 20),
    "learning_cafe": (0.06, 25, 10, 60),
    "expert_talk": (0.06, 60, 20, 300),
    "goal_sketching": (0.05, 15, 6, 40),
    "learning_review": (0.04, 12, 5, 30),
    "online_discussion": (0.05, 20, 5, 100),
}
OPEN_KINDS = ("expert_talk", "online_discussion")  # seminars draw from the whole network
THEME_SIZE = 500  # people per theme network (home group)
THEME_SHARE = 0.8  # share of a theme event's seats taken by the theme's own people


def event_log(rows: int, seed: int, n_actors: int | None = None):
    """A participation log of ``rows`` rows and its events table, shaped like a network
    programme's: sizes by event kind (:data:`EVENT_MIX`, log-normal around the median,
    spread 0.5, clipped to the range); people belong to theme networks of about
    :data:`THEME_SIZE` and take :data:`THEME_SHARE` of the seats at their theme's events
    (open seminars and online discussions draw from everyone); activity is heavy-tailed
    (log-normal weights).  No person attends an event twice.  ``n_actors`` defaults to
    ``rows // 20`` (people attend 20 events on average).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_actors = int(n_actors or max(50, rows // 20))
    n_themes = max(1, n_actors // THEME_SIZE)
    kinds = np.array(list(EVENT_MIX), dtype=object)
    share, median, low, high = (np.array(x, dtype=float) for x in zip(*EVENT_MIX.values()))
    # Events: kinds and sizes, enough for the rows (duplicates removed below cost a few).
    n_ev = int(rows / 13) + 16
    while True:
        kind = rng.choice(len(kinds), n_ev, p=share / share.sum())
        size = np.clip(np.rint(median[kind] * rng.lognormal(0.0, 0.5, n_ev)), low[kind],
                       high[kind]).astype(np.int64)
        if size.sum() >= rows * 1.05:
            break
        n_ev = int(n_ev * 1.3)
    theme = rng.integers(0, n_themes, n_ev)
    is_open = np.isin(kinds, OPEN_KINDS)
    # People sorted by home theme; activity weights, cumulative for inverse-CDF draws.
    home = np.sort(rng.integers(0, n_themes, n_actors))
    first = np.searchsorted(home, np.arange(n_themes + 1))
    cum = np.cumsum(rng.lognormal(0.0, 1.0, n_actors))
    base = np.concatenate([[0.0], cum])

    def draw(events: np.ndarray) -> np.ndarray:
        """One seat for each entry of ``events``: a theme member or anyone."""
        local = (rng.random(len(events)) < THEME_SHARE) & ~is_open[kind[events]]
        t = theme[events]
        lo_ = np.where(local, base[first[t]], 0.0)
        hi_ = np.where(local, base[first[t + 1]], cum[-1])
        who = np.searchsorted(cum, lo_ + rng.random(len(events)) * (hi_ - lo_), side="right")
        return np.minimum(who, n_actors - 1)

    seat_event = np.repeat(np.arange(n_ev), size)
    keys = _sorted_unique(seat_event * n_actors + draw(seat_event))
    for _ in range(6):  # top up the seats lost to people drawn twice
        missing = size - np.bincount(keys // n_actors, minlength=n_ev)
        if not missing.any():
            break
        more = np.repeat(np.arange(n_ev), np.maximum(missing, 0))
        keys = _sorted_unique(np.concatenate([keys, more * n_actors + draw(more)]))
    keys = keys[:rows]  # sorted by event: the last event may lose some seats
    ev, actor = keys // n_actors, keys % n_actors
    used = _sorted_unique(ev)
    ew, aw = max(7, len(str(n_ev))), max(6, len(str(n_actors)))
    event_ids = np.array([f"E{i:0{ew}d}" for i in range(1, n_ev + 1)], dtype=object)
    actor_ids = np.array([f"A{i:0{aw}d}" for i in range(1, n_actors + 1)], dtype=object)
    part = pd.DataFrame({"event_id": event_ids[ev], "actor_id": actor_ids[actor]})
    days = np.sort(rng.integers(0, 3 * 365, n_ev))
    events = pd.DataFrame({
        "event_id": event_ids[used],
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days[used], unit="D"),
        "kind": kinds[kind[used]],
        "network": np.array([f"Teema {i + 1}" for i in range(n_themes)], dtype=object)[theme[used]],
    })
    return part, events


def _sorted_unique(values):
    """``np.unique`` by sorting (numpy's hash-based unique is slower on millions of ints)."""
    import numpy as np

    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


LOG = {"name": "events"}  # which synthetic log part (a) uses (--log)


def participation_input(rows: int, seed: int, log: str = "events"):
    """``(participation, events)`` of ``rows`` rows: :func:`event_log` (``"events"``, the
    default) or ``"small"``, the earlier ``synthetic_participation`` log (log-normal sizes
    around 8 people, kinds drawn independently of size)."""
    if log == "small":
        from verkostolab.datasets import synthetic_events, synthetic_participation

        part = synthetic_participation(rows, seed=seed)
        return part, synthetic_events(part, seed=seed)
    return event_log(rows, seed)


def community_graph(n: int, avg_degree: float, seed: int, mix_in: float = 0.85):
    """An undirected network with community structure and heavy-tailed degrees.

    A degree-corrected block model: communities of log-normal size (10-2,000 nodes),
    node activities Pareto(2.5); ``mix_in`` of the ties fall inside a community.  Ties
    weigh 1..5 at random; vertices have a ``name``.
    """
    import igraph as ig
    import numpy as np

    rng = np.random.default_rng(seed)
    raw = np.clip(np.rint(rng.lognormal(np.log(80.0), 0.8, n // 10 + 10)), 10, 2000).astype(np.int64)
    cum_sizes = np.cumsum(raw)
    k = int(np.searchsorted(cum_sizes, n))
    sizes = raw[:k + 1].copy()
    sizes[-1] = n - (int(cum_sizes[k - 1]) if k else 0)
    comm = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    theta = rng.pareto(2.5, n) + 1.0
    cum = np.cumsum(theta)
    m = int(round(n * avg_degree / 2))
    draw = int(m * 1.25) + 1000
    u = np.minimum(np.searchsorted(cum, rng.random(draw) * cum[-1], side="right"), n - 1)
    c = comm[u]
    lo, hi = starts[c], starts[c + 1]
    base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
    v_in = np.searchsorted(cum, base + rng.random(draw) * (cum[hi - 1] - base), side="right")
    v_in = np.clip(v_in, lo, hi - 1)
    v_out = np.minimum(np.searchsorted(cum, rng.random(draw) * cum[-1], side="right"), n - 1)
    v = np.where(rng.random(draw) < mix_in, v_in, v_out)
    a, b = np.minimum(u, v), np.maximum(u, v)
    keys = np.unique((a * n + b)[a != b])
    if len(keys) > m:
        keys = np.sort(rng.choice(keys, m, replace=False))
    perm = rng.permutation(n)  # node order unrelated to communities
    edges = np.column_stack([perm[keys // n], perm[keys % n]])
    g = ig.Graph(n=n, edges=edges.tolist(), directed=False)
    g.vs["name"] = [f"N{i:06d}" for i in range(n)]
    g.es["weight"] = rng.integers(1, 6, g.ecount()).astype(float).tolist()
    return g


def event_graph(rows: int, n_actors: int, seed: int):
    """The person network of a synthetic event log (shared events as tie weight)."""
    import igraph as ig

    from verkostolab.graphs import project_participation

    part, _ = event_log(rows, seed, n_actors=n_actors)
    pairs = project_participation(part)
    names = list(pairs["source"].cat.categories)
    g = ig.Graph(n=len(names), edges=list(zip(pairs["source"].cat.codes.tolist(),
                                               pairs["target"].cat.codes.tolist())))
    g.vs["name"] = [str(x) for x in names]
    g.es["weight"] = pairs["weight"].astype(float).tolist()
    return g


def sampled_sources(n: int, k: int, seed: int = 0):
    from verkostolab.measures.centrality import _sampled_sources

    return _sampled_sources(n, k, seed)  # the very sources node_measures uses


def sample_counts(g) -> tuple[int, int]:
    """Sources of (betweenness, closeness) node_measures uses on ``g`` above the limit."""
    from verkostolab.measures.centrality import sample_sizes

    return sample_sizes(g.vcount(), g.ecount())


# ==================================================================== (a) projection
def proj_scipy(part, events):
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    ev, ev_idx = pd.factorize(part["event_id"])
    ac, ac_idx = pd.factorize(part["actor_id"])
    b = sp.csr_matrix((np.ones(len(ev)), (ev, ac)), shape=(len(ev_idx), len(ac_idx)))
    return sp.triu(b.T @ b, k=1).tocoo()


def proj_verkostolab(part, events):
    from verkostolab.graphs import project_participation

    return project_participation(part)


def proj_verkostolab_kind(part, events):
    from verkostolab.graphs import project_participation

    return project_participation(part, events)


def proj_scipy_kind(part, events):
    """The weighted product as a scipy user would write it: ``triu(Bᵀ·diag(w)·B)`` with
    ``w`` each event's kind weight times Newman's share ``1/(n-1)`` for an event of ``n``
    people, verkostolab's default (weights only: no count of shared events beside)."""
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from verkostolab.graphs import EVENT_WEIGHTS

    ev, ev_idx = pd.factorize(part["event_id"])
    ac, ac_idx = pd.factorize(part["actor_id"])
    kind = events.drop_duplicates("event_id").set_index("event_id")["kind"].reindex(ev_idx)
    w = kind.map(EVENT_WEIGHTS).fillna(1.0).to_numpy(dtype=np.float64)
    shape = (len(ev_idx), len(ac_idx))
    b = sp.csr_matrix((np.ones(len(ev)), (ev, ac)), shape=shape)
    w = w / np.maximum(np.diff(b.indptr) - 1, 1)  # the input has no repeated rows
    bw = sp.csr_matrix((w[ev], (ev, ac)), shape=shape)
    return sp.triu(b.T @ bw, k=1).tocoo()


def proj_loop(part, events):
    """The plain Python loop: for each event, for each pair of its participants, add one
    to the pair's count in a dict (participants sorted so that a pair has one key;
    ``itertools.combinations`` is the fastest plain way to walk the pairs)."""
    from itertools import combinations

    members: dict = {}
    for e, a in zip(part["event_id"].tolist(), part["actor_id"].tolist()):
        members.setdefault(e, []).append(a)
    counts: dict = {}
    for group in members.values():
        group.sort()
        for pair in combinations(group, 2):
            counts[pair] = counts.get(pair, 0) + 1
    return counts


PROJ = {"scipy": proj_scipy, "verkostolab": proj_verkostolab,
        "scipy (kind weights)": proj_scipy_kind,
        "verkostolab (kind weights)": proj_verkostolab_kind, "python loop": proj_loop}


def _pairs_of(result) -> tuple[int, float | None, float | None]:
    """Number of pairs, total shared-event count and total weight (None where the
    candidate does not give it): a cross-check between candidates."""
    if isinstance(result, dict):
        return len(result), float(sum(result.values())), None
    if hasattr(result, "nnz"):  # scipy: data = counts (unit) or weights (kind weights)
        return int(result.nnz), None, float(result.data.sum())
    return len(result), float(result["shared_events"].sum()), float(result["weight"].sum())


def work_project(spec: dict) -> dict:
    part, events = participation_input(spec["rows"], spec["seed"], spec.get("log", "events"))
    func = PROJ[spec["candidate"]]
    base = start_memory()
    t0 = time.perf_counter()
    result = func(part, events)
    elapsed = time.perf_counter() - t0
    mem = peak_increase_mb(base)
    pairs, count, weight = _pairs_of(result)
    return {"time": elapsed, "mem": mem, "pairs": pairs, "count": count, "weight": weight}


# ================================================================= (b) node measures
MEASURES = ["weights", "edge list", "degree", "strength", "betweenness", "closeness", "eigenvector",
            "pagerank", "clustering", "constraint", "effective_size", "coreness",
            "community", "other"]


def measures_verkostolab(g, budget):
    """node_measures(g), with the time of each step recorded by thin wrappers."""
    import igraph as ig

    from verkostolab.measures import centrality as c

    steps: dict[str, float] = {}
    depth = [0]

    def timed(name, func):
        def wrapper(*args, **kwargs):
            if depth[0]:
                return func(*args, **kwargs)
            depth[0] += 1
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                steps[name] = steps.get(name, 0.0) + time.perf_counter() - t0
                depth[0] -= 1
        return wrapper

    patches = [(c, "_weights", "weights"), (c, "_edge_array", "edge list"),
               (c, "_closeness", "closeness"),
               (c, "_eigenvector", "eigenvector"), (c, "_constraint", "constraint"),
               (c, "_communities", "community"), (ig.Graph, "degree", "degree"),
               (ig.Graph, "strength", "strength"), (ig.Graph, "betweenness", "betweenness"),
               (ig.Graph, "pagerank", "pagerank"),
               (ig.Graph, "transitivity_local_undirected", "clustering"),
               (ig.Graph, "coreness", "coreness")]
    saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in patches]
    for obj, attr, name in patches:
        setattr(obj, attr, timed(name, getattr(obj, attr)))
    try:
        t0 = time.perf_counter()
        out = c.node_measures(g)
        total = time.perf_counter() - t0
    finally:
        for obj, attr, func in saved:
            setattr(obj, attr, func)
    steps["other"] = total - sum(steps.values())  # effective size, DataFrame, attributes
    return total, steps, {"estimated": list(out.attrs.get("estimated", []))}, {}


def measures_igraph(g, budget):
    """The same measures called straight on igraph (same sampling above the limit)."""
    import numpy as np

    from verkostolab.measures.centrality import EXACT_LIMIT

    n = g.vcount()
    steps: dict[str, float] = {}
    res: dict = {}

    def step(name, func):
        t0 = time.perf_counter()
        res[name] = func()
        steps[name] = time.perf_counter() - t0
        return res[name]

    sampled = n > EXACT_LIMIT
    if sampled:  # the very sources node_measures uses: as many, the same nodes
        k_b, k_c = sample_counts(g)
        src, src_c = sampled_sources(n, k_b).tolist(), sampled_sources(n, k_c).tolist()
    t_all = time.perf_counter()
    w = step("weights", lambda: g.es["weight"])
    deg = step("degree", lambda: np.asarray(g.degree(), dtype=float))
    step("strength", lambda: g.strength(weights=w))
    if sampled:
        step("betweenness", lambda: np.asarray(g.betweenness(directed=False, sources=src),
                                               dtype=float) * n / len(src))

        def closeness():
            comp = np.asarray(g.connected_components().membership)
            size = np.bincount(comp)[comp]
            d = np.asarray(g.distances(source=src_c), dtype=float)
            d[~np.isfinite(d) | (d == 0)] = np.nan
            with np.errstate(all="ignore"):
                return np.nan_to_num(1.0 / np.nanmean(d, axis=0)) * (size - 1) / (n - 1)
        step("closeness", closeness)
    else:
        step("betweenness", lambda: g.betweenness(directed=False))
        step("closeness", lambda: g.closeness(normalized=True))
    step("eigenvector", lambda: g.eigenvector_centrality(weights=w))
    step("pagerank", lambda: g.pagerank(weights=w, directed=False))
    cl = step("clustering", lambda: np.asarray(g.transitivity_local_undirected(mode="zero")))
    step("constraint", lambda: g.constraint(weights=w))
    step("effective_size", lambda: deg - (deg - 1) * cl)
    step("coreness", lambda: g.coreness())
    def leiden():  # seeded like verkostolab's communities(), as many iterations
        import random

        import igraph as ig

        ig.set_random_number_generator(random.Random(0))
        try:
            return g.community_leiden(objective_function="modularity", weights=w,
                                      n_iterations=1 if sampled else -1)
        finally:
            ig.set_random_number_generator(random)
    step("community", leiden)
    total = time.perf_counter() - t_all
    return total, steps, {"sampled": sampled}, {}


def to_networkx(g):
    import networkx as nx

    G = nx.Graph()
    names = g.vs["name"]
    G.add_nodes_from(names)
    G.add_weighted_edges_from((names[a], names[b], w)
                              for (a, b), w in zip(g.get_edgelist(), g.es["weight"]))
    return G


def measures_networkx(G, budget):
    """The same measures with networkx; each has a time budget (see module text)."""
    import networkx as nx
    import numpy as np

    from verkostolab.measures.centrality import EXACT_LIMIT, sample_sizes

    n = G.number_of_nodes()
    nodes = list(G)
    rng = np.random.default_rng(0)
    steps: dict[str, float] = {}
    how: dict[str, str] = {}  # "" exact/full, "~": extrapolated, ">=": stopped (lower bound)
    sampled = n > EXACT_LIMIT
    # As many sources as node_measures (all nodes when exact).
    k_betw, k_clos = sample_sizes(n, G.number_of_edges()) if sampled else (n, n)

    def full(name, func):
        t, _, done = with_budget(budget, func)
        steps[name], how[name] = t, ("" if done else ">=")

    def per_source(name, run, k_full):  # run(sources) on sampled sources; extrapolate
        order = [nodes[i] for i in rng.permutation(n)]
        t2, _, done = with_budget(budget, run, order[:2])
        if not done:
            steps[name], how[name] = t2 * k_full / 2, ">="
            return
        k = int(min(k_full, max(2, (budget - t2) / max(t2 / 2, 1e-9))))
        if k > 2:
            t, _, done = with_budget(budget * 1.5, run, order[:k])
            if not done:
                steps[name], how[name] = t2 * k_full / 2, "~"
                return
        else:
            t = t2
        steps[name], how[name] = t * k_full / k, ("" if k == k_full else "~")

    def per_node(name, run):  # run(nodes) on a node sample, extrapolated to all nodes
        order = [nodes[i] for i in rng.permutation(n)]
        m0 = min(n, 2)
        t0, _, done = with_budget(budget, run, order[:m0])
        if not done:
            steps[name], how[name] = t0 * n / m0, ">="
            return
        m = int(min(n, max(m0, (budget - t0) / max(t0 / m0, 1e-9))))
        t, _, done = with_budget(budget * 1.5, run, order[:m]) if m > m0 else (t0, None, True)
        if not done:
            steps[name], how[name] = t0 * n / m0, "~"
            return
        steps[name], how[name] = t * n / m, ("" if m == n else "~")

    def betweenness(sources):
        return nx.betweenness_centrality_subset(G, sources, nodes, normalized=False)

    def closeness(sources):
        total = dict.fromkeys(nodes, 0)
        for s in sources:
            for v, d in nx.single_source_shortest_path_length(G, s).items():
                total[v] += d
        return total

    full("degree", lambda: dict(G.degree()))
    full("strength", lambda: dict(G.degree(weight="weight")))
    per_source("betweenness", betweenness, k_betw)
    per_source("closeness", closeness, k_clos)
    full("eigenvector", lambda: nx.eigenvector_centrality_numpy(G, weight="weight"))
    full("pagerank", lambda: nx.pagerank(G, weight="weight"))
    per_node("clustering", lambda ns: nx.clustering(G, nodes=ns))
    # All nodes at once: networkx's sparse-matrix path (C code: not stoppable).
    full("constraint", lambda: nx.constraint(G, weight="weight"))
    if n <= DENSE_LIMIT:  # all nodes at once builds a dense n × n matrix
        full("effective_size", lambda: nx.effective_size(G))
    else:  # per node, networkx copies the whole graph for each ego network
        per_node("effective_size", lambda ns: nx.effective_size(G, nodes=ns))
    full("coreness", lambda: nx.core_number(G))
    full("community", lambda: nx.community.louvain_communities(G, weight="weight", seed=0))
    total = sum(steps.values())
    return total, steps, {}, how


MEAS = {"verkostolab": measures_verkostolab, "igraph direct": measures_igraph,
        "networkx": measures_networkx}


def work_measures(spec: dict) -> dict:
    g = community_graph(spec["nodes"], spec["degree"], spec["seed"])
    edges = g.ecount()
    graph = to_networkx(g) if spec["candidate"] == "networkx" else g
    if spec["candidate"] == "networkx":
        del g
    base = start_memory()
    total, steps, info, how = MEAS[spec["candidate"]](graph, spec["budget"])
    mem = peak_increase_mb(base)
    return {"time": total, "mem": mem, "steps": steps, "how": how, "info": info,
            "edges": edges}


# ====================================================================== (c) accuracy
def work_accuracy(spec: dict) -> dict:
    import numpy as np

    from verkostolab.measures.centrality import PATH_BUDGET

    out = []
    for label, g in (("community graph", community_graph(spec["nodes"], spec["degree"], 7)),
                     ("event network", event_graph(spec["rows"], spec["actors"], 7))):
        n = g.vcount()
        t0 = time.perf_counter()
        exact_b = np.asarray(g.betweenness(directed=False), dtype=float)
        t_exact = time.perf_counter() - t0
        comp = np.asarray(g.connected_components().membership)
        size = np.bincount(comp)[comp]
        exact_c = np.nan_to_num(np.asarray(g.closeness(normalized=True), dtype=float)) * (size - 1) / (n - 1)
        top = np.argsort(-exact_b)[:max(1, n // 100)]
        for setting, kwargs in ACCURACY_SETTINGS.items():
            # "as on 1M ties": the budget scaled to this graph, so that it gets the sources
            # a network of a million ties gets (32 and 64).
            if kwargs == {"scaled": True}:
                kwargs = {"budget": PATH_BUDGET * g.ecount() / 1_000_000}
            rows = _accuracy_runs(g, spec["seeds"], kwargs, exact_b, exact_c, top)
            out.append({"graph": label, "setting": setting, "nodes": n, "edges": g.ecount(),
                        "exact_time": t_exact, "top_n": len(top), "runs": rows})
    return {"graphs": out}


#: Sampling settings of part (c).
ACCURACY_SETTINGS = {"32 / 64 sources (as on 1M ties)": {"scaled": True},
                     "256 / 256 sources": {"samples": 256}}


def _accuracy_runs(g, seeds, kwargs, exact_b, exact_c, top) -> list[dict]:
    import numpy as np
    from scipy.stats import spearmanr

    from verkostolab.measures import node_measures

    rows = []
    for seed in seeds:
        t0 = time.perf_counter()
        m = node_measures(g, exact_limit=1000, seed=seed, **kwargs)
        t_s = time.perf_counter() - t0
        est = m["betweenness_raw"].to_numpy()
        close = m["closeness"].to_numpy()
        rel = np.abs(est[top] - exact_b[top]) / exact_b[top]
        reached = exact_c > 0
        rows.append({
            "spearman": float(spearmanr(est, exact_b).statistic),
            "top_median_rel_err": float(np.median(rel)),
            "top_max_rel_err": float(np.max(rel)),
            "sum_ratio": float(est.sum() / exact_b.sum()),
            "top_overlap": len(set(np.argsort(-est)[:len(top)]) & set(top)) / len(top),
            "closeness_spearman": float(spearmanr(close, exact_c).statistic),
            "closeness_median_rel_err": float(np.median(
                np.abs(close - exact_c)[reached] / exact_c[reached])),
            "time": t_s, "samples": m.attrs.get("samples"),
            "closeness_samples": m.attrs.get("closeness_samples"),
        })
    return rows


WORK = {"project": work_project, "measures": work_measures, "accuracy": work_accuracy}


# ================================================================================ driver
class Report:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)


CHILD_ENV: dict[str, str] = {}  # set from --threads


def run_child(spec: dict, timeout: float) -> dict:
    """Run one measurement in a fresh interpreter; ``{"error": ...}`` on failure."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=str(ROOT), env={**os.environ, **CHILD_ENV})
    except subprocess.TimeoutExpired:
        return {"error": f"timeout (>{timeout:.0f} s)", "timeout": True}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(x, nd=2, unit=""):
    return "—" if x is None else f"{x:.{nd}f}{unit}"


def _ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def _table(rep: Report, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    rep(line(header))
    rep("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        rep(line(r))


def _log_text(log: str) -> str:
    if log == "small":
        return ("Log: `synthetic_participation` (the earlier log: sizes log-normal around 8 "
                "people, 3–500, kinds independent of size; `--log small`).")
    mix = ", ".join(f"{k.replace('_', ' ')} {v[0]:.0%} ~{v[1]} ({v[2]}–{v[3]})"
                    for k, v in EVENT_MIX.items())
    return (f"Log: `event_log` (`--log events`): event kinds with their share, median size "
            f"and range: {mix}; people in theme networks of ~{THEME_SIZE} taking "
            f"{THEME_SHARE:.0%} of their theme's seats (seminars and online discussions "
            "open to all); activity log-normal; one row per person and event; "
            "rows // 20 people.")


def _same_pairs(cand: str, s: dict, summary: dict) -> bool:
    """Whether a candidate found the reference pairs, counts and (kind) weights."""
    ref, ref_kind = summary["scipy"], summary["scipy (kind weights)"]
    if s["pairs"] != ref["pairs"]:
        return False
    if s["count"] is not None and ref["weight"] is not None and s["count"] != ref["weight"]:
        return False  # the unit product's values are the counts
    kind_weighted = "kind" in cand and cand != "scipy (kind weights)"
    if kind_weighted and None not in (s["weight"], ref_kind["weight"]):
        return abs(s["weight"] - ref_kind["weight"]) <= 1e-9 * abs(ref_kind["weight"])
    return True


def part_a(rep: Report, cfg: dict) -> None:
    rep(f"## (a) Projection of participation logs (median of {cfg['reps']} runs, fresh "
        "process each; peak = increase of peak RSS over the loaded input)")
    rep()
    rep(_log_text(cfg["log"]))
    rep()
    order = ["scipy", "verkostolab", "scipy (kind weights)", "verkostolab (kind weights)",
             "python loop"]
    targets = []
    loop_rate = None  # seconds per pair, from the smaller size
    loop_mem_rate = None
    for rows in cfg["rows"]:
        results: dict[str, list[dict]] = {c: [] for c in order}
        skipped: dict[str, str] = {}
        cands = order[:4]
        for r in range(cfg["reps"]):
            rot = cands[r % len(cands):] + cands[:r % len(cands)]
            for cand in rot:
                results[cand].append(run_child({"task": "project", "rows": rows, "seed": 1,
                                                "candidate": cand, "log": cfg["log"]},
                                               timeout=1800))
        pairs = _med([x.get("pairs") for x in results["scipy"]])
        # The loop: every repeat at the small size; at a larger size only if the
        # estimate from the smaller one fits the cap.
        est = None if loop_rate is None or pairs is None else loop_rate * pairs
        est_mem = None if loop_mem_rate is None or pairs is None else loop_mem_rate * pairs
        avail_mb = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**20
        if est is not None and est > cfg["loop_cap"]:
            skipped["python loop"] = f"skipped (est. {est:.0f} s > cap {cfg['loop_cap']:.0f} s)"
        elif est_mem is not None and est_mem > 0.7 * avail_mb:
            skipped["python loop"] = f"skipped (est. {est_mem:.0f} MB > 70% of free memory)"
        else:
            n_loop = cfg["reps"] if est is None else 1
            for _ in range(n_loop):
                res = run_child({"task": "project", "rows": rows, "seed": 1,
                                 "candidate": "python loop", "log": cfg["log"]},
                                timeout=cfg["loop_cap"] * 1.5 + 60)
                if res.get("timeout"):
                    skipped["python loop"] = f"skipped (>{cfg['loop_cap'] * 1.5:.0f} s, stopped)"
                    break
                results["python loop"].append(res)
        summary = {}
        for cand in order:
            ok = [x for x in results[cand] if "error" not in x]
            errs = [x["error"] for x in results[cand] if "error" in x]
            summary[cand] = {"time": _med([x["time"] for x in ok]),
                             "mem": _med([x["mem"] for x in ok]),
                             "pairs": _med([x["pairs"] for x in ok]),
                             "count": _med([x["count"] for x in ok]),
                             "weight": _med([x["weight"] for x in ok]),
                             "runs": len(ok), "error": errs[0] if errs else None}
        lp = summary["python loop"]
        if lp["time"] is not None and lp["pairs"]:
            loop_rate = lp["time"] / lp["pairs"]
            loop_mem_rate = lp["mem"] / lp["pairs"]
        base = summary["scipy"]
        rep(f"### {rows:,} rows ({int(pairs or 0):,} person pairs)")
        rep()
        table = []
        for cand in order:
            s = summary[cand]
            if cand in skipped and s["time"] is None:
                table.append([cand, skipped[cand], "", "", "", "", ""])
                continue
            if s["time"] is None:
                table.append([cand, f"failed: {s['error']}", "", "", "", "", ""])
                continue
            same = _same_pairs(cand, s, summary)
            table.append([cand, _fmt(s["time"]), _fmt(s["mem"], 0), str(s["runs"]),
                          _fmt(_ratio(s["time"], base["time"]), 2, "×"),
                          _fmt(_ratio(s["mem"], base["mem"]), 2, "×"),
                          "yes" if same else f"NO ({s['pairs']:.0f} pairs)"])
        _table(rep, ["candidate", "time s", "peak MB", "runs", "time / scipy",
                     "peak / scipy", "same pairs"], table)
        rep()
        v, vk = summary["verkostolab"], summary["verkostolab (kind weights)"]
        for label, s in (("verkostolab", v), ("verkostolab (kind weights)", vk)):
            tr = _ratio(s["time"], base["time"])
            mr = _ratio(s["mem"], base["mem"])
            targets.append((rows, f"{label}: time ≤ 1.2× scipy", _fmt(tr, 2, "×"),
                            None if tr is None else tr <= 1.2))
            targets.append((rows, f"{label}: peak memory ≤ 1.5× scipy", _fmt(mr, 2, "×"),
                            None if mr is None else mr <= 1.5))
        sk = summary["scipy (kind weights)"]
        tr = _ratio(vk["time"], sk["time"])
        targets.append((rows, "verkostolab (kind weights): time ≤ 1.2× scipy (kind weights)",
                        _fmt(tr, 2, "×"), None if tr is None else tr <= 1.2))
        sp_ = _ratio(lp["time"], v["time"])
        targets.append((rows, "verkostolab ≥ 5× faster than python loop",
                        _fmt(sp_, 1, "×") if sp_ else skipped.get("python loop", "—"),
                        None if sp_ is None else sp_ >= 5))
    rep("### Targets (a)")
    rep()
    _table(rep, ["rows", "target", "measured", "verdict"],
           [[f"{r:,}", t, m, _verdict(ok)] for r, t, m, ok in targets])
    rep()


def part_b(rep: Report, cfg: dict) -> None:
    rep(f"## (b) Node measures (verkostolab and igraph: median of {cfg['reps']} runs; "
        f"networkx: 1 run, budget {cfg['nx_budget']:.0f} s per measure)")
    rep()
    rep(f"Above {5000:,} nodes betweenness and closeness use sampled sources in every "
        "candidate, as many as node_measures chooses (`sample_sizes`: 256 / 256 at 10,000 "
        "nodes and 100,000 ties, 32 / 64 at 100,000 nodes and 1,000,000 ties; the same "
        "nodes in verkostolab and igraph direct; networkx: fewer sources timed and "
        "extrapolated when over budget), and Leiden runs one iteration (until stable "
        "below the limit) in both verkostolab and igraph direct.  `~` = extrapolated from "
        "a sample of sources or nodes, `>=` = stopped at the budget (lower bound).  igraph "
        "direct uses igraph's own eigenvector centrality and constraint; networkx uses "
        "Louvain (its Leiden needs a backend) and eigenvector_centrality_numpy.")
    rep()
    targets = []
    for nodes in cfg["nodes"]:
        spec = {"task": "measures", "nodes": nodes, "degree": cfg["degree"], "seed": 3,
                "budget": cfg["nx_budget"]}
        results: dict[str, list[dict]] = {c: [] for c in MEAS}
        cands = ["verkostolab", "igraph direct"]
        for r in range(cfg["reps"]):
            for cand in (cands if r % 2 == 0 else cands[::-1]):
                results[cand].append(run_child({**spec, "candidate": cand}, timeout=1800))
        results["networkx"].append(run_child({**spec, "candidate": "networkx"},
                                             timeout=cfg["nx_budget"] * 30 + 300))
        summary = {}
        for cand, runs in results.items():
            ok = [x for x in runs if "error" not in x]
            summary[cand] = {
                "time": _med([x["time"] for x in ok]), "mem": _med([x["mem"] for x in ok]),
                "steps": {m: _med([x["steps"].get(m) for x in ok]) for m in MEASURES},
                "how": ok[0]["how"] if ok else {}, "edges": ok[0]["edges"] if ok else None,
                "error": next((x["error"] for x in runs if "error" in x), None),
                "info": ok[0]["info"] if ok else {}}
        edges = summary["verkostolab"]["edges"] or summary["igraph direct"]["edges"]
        rep(f"### {nodes:,} nodes, {edges or 0:,} ties")
        rep()
        vl, igd, nxs = summary["verkostolab"], summary["igraph direct"], summary["networkx"]
        nx_lower = any(h == ">=" for h in nxs["how"].values())
        nx_extra = any(h == "~" for h in nxs["how"].values())
        nx_mark = ">=" if nx_lower else ("~" if nx_extra else "")
        rows = []
        for cand, s in summary.items():
            if s["time"] is None:
                rows.append([cand, f"failed: {s['error']}", "", "", ""])
                continue
            mark = nx_mark if cand == "networkx" else ""
            rows.append([cand, mark + _fmt(s["time"]), _fmt(s["mem"], 0),
                         _fmt(_ratio(s["time"], igd["time"]), 2, "×"),
                         mark + _fmt(_ratio(s["time"], vl["time"]), 1, "×")])
            if cand == "networkx" and "effective_size" in s["steps"] and s["steps"]["effective_size"]:
                hows = [h for k, h in s["how"].items() if k != "effective_size"]
                mk = ">=" if ">=" in hows else ("~" if "~" in hows else "")
                rest = s["time"] - s["steps"]["effective_size"]
                rows.append(["networkx without effective_size", mk + _fmt(rest), "",
                             _fmt(_ratio(rest, igd["time"]), 2, "×"),
                             mk + _fmt(_ratio(rest, vl["time"]), 1, "×")])
        _table(rep, ["candidate", "time s", "peak MB", "time / igraph direct",
                     "time / verkostolab"], rows)
        rep()
        per = []
        for m in MEASURES:
            a, b, c = vl["steps"].get(m), igd["steps"].get(m), nxs["steps"].get(m)
            h = nxs["how"].get(m, "")
            if m == "weights":  # networkx reads weights inside each measure
                c = None
            per.append([m, _fmt(a, 3), _fmt(b, 3), (h + _fmt(c, 2)) if c is not None else "—",
                        _fmt(_ratio(a, b), 2, "×") if m not in ("other",) else "",
                        (h + _fmt(_ratio(c, a), 0, "×")) if c is not None and a else ""])
        rep("Per measure (seconds; verkostolab's steps timed by wrappers around its calls; "
            "`other` = effective size, DataFrame and attribute handling):")
        rep()
        _table(rep, ["measure", "verkostolab", "igraph direct", "networkx",
                     "vl / igraph", "nx / vl"], per)
        rep()
        tr = _ratio(vl["time"], igd["time"])
        targets.append((nodes, "verkostolab ≤ 1.3× igraph direct", _fmt(tr, 2, "×"),
                        None if tr is None else tr <= 1.3))
        # Conservative: without networkx's effective size when it had to go node by node.
        nx_time, mark = nxs["time"], nx_mark
        if nx_time is not None and nodes > DENSE_LIMIT and nxs["steps"].get("effective_size"):
            nx_time -= nxs["steps"]["effective_size"]
            hows = [h for k, h in nxs["how"].items() if k != "effective_size"]
            mark = ">=" if ">=" in hows else ("~" if "~" in hows else "")
        nr = _ratio(nx_time, vl["time"])
        targets.append((nodes, "verkostolab ≥ 10× faster than networkx"
                        + (" (without effective_size)" if nx_time != nxs["time"] else ""),
                        (mark + _fmt(nr, 1, "×")) if nr else "—",
                        None if nr is None else nr >= 10))
    rep("### Targets (b)")
    rep()
    _table(rep, ["nodes", "target", "measured", "verdict"],
           [[f"{r:,}", t, m, _verdict(ok)] for r, t, m, ok in targets])
    rep()


def part_c(rep: Report, cfg: dict) -> None:
    rep("## (c) Accuracy of sampled betweenness and closeness (node_measures(g, "
        f"exact_limit=1000), seeds {cfg['acc']['seeds']}) against exact igraph values")
    rep()
    res = run_child({"task": "accuracy", **cfg["acc"]}, timeout=3600)
    if "error" in res:
        rep(f"failed: {res['error']}")
        return
    rows = []
    for gr in res["graphs"]:
        runs = gr["runs"]

        def span(key, nd=3):
            vals = [r[key] for r in runs]
            return f"{statistics.median(vals):.{nd}f} ({min(vals):.{nd}f}–{max(vals):.{nd}f})"
        rows.append([f"{gr['graph']}: {gr['nodes']:,} nodes, {gr['edges']:,} ties",
                     f"{runs[0]['samples']} / {runs[0]['closeness_samples']}",
                     span("spearman"), span("top_median_rel_err"), span("top_max_rel_err"),
                     span("top_overlap", 2), span("sum_ratio"), span("closeness_spearman"),
                     span("closeness_median_rel_err")])
    _table(rep, ["graph", "sources (betw. / clos.)", "betweenness Spearman",
                 "top-1% median rel. err.", "top-1% max rel. err.", "top-1% overlap",
                 "Σ estimate / Σ exact", "closeness Spearman", "closeness median rel. err."],
           rows)
    rep()
    rep("Median over seeds (range in brackets).  Top 1% = nodes with the largest exact "
        "betweenness; overlap = share of them also in the estimated top 1%.  32 / 64 "
        "sources are what node_measures uses on a network of a million ties (e.g. part "
        "(b)'s 100,000 nodes); 256 / 256 on networks of up to about 125,000 ties.")
    rep()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small smoke run (~1 minute)")
    ap.add_argument("--parts", default="abc", help="which parts to run (default abc)")
    ap.add_argument("--reps", type=int, help="repeats per candidate (default 3; quick 1)")
    ap.add_argument("--loop-cap", type=float, help="seconds the python loop may take at the "
                    "larger size (estimated from the smaller one; default 150)")
    ap.add_argument("--nx-budget", type=float, help="seconds per networkx measure "
                    "(default 10; quick 2)")
    ap.add_argument("--threads", default="1", help="OMP_NUM_THREADS of the measured "
                    "processes (default 1: igraph's PageRank (PRPACK) uses OpenMP and "
                    "slows down 5-30x when a core is busy; 'inherit' keeps the environment)")
    ap.add_argument("--log", choices=["events", "small"], default="events",
                    help="synthetic log of part (a): 'events' (event_log, sizes by kind; "
                    "default) or 'small' (the earlier synthetic_participation)")
    ap.add_argument("--save", help="also write the printed report to this file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        spec = json.loads(args.worker)
        print(json.dumps(WORK[spec["task"]](spec)))
        return 0
    if args.quick:
        cfg = {"rows": [100_000, 300_000], "reps": 1, "loop_cap": 20, "nodes": [8_000],
               "degree": 12, "nx_budget": 2,
               "acc": {"nodes": 2_500, "degree": 10, "rows": 9_000, "actors": 3_000,
                       "seeds": [0, 1]}}
    else:
        cfg = {"rows": [1_000_000, 5_000_000], "reps": 3, "loop_cap": 150,
               "nodes": [10_000, 100_000], "degree": 20, "nx_budget": 10,
               "acc": {"nodes": 6_000, "degree": 16, "rows": 30_000, "actors": 6_000,
                       "seeds": [0, 1, 2]}}
    cfg["log"] = args.log
    if args.reps:
        cfg["reps"] = args.reps
    if args.loop_cap:
        cfg["loop_cap"] = args.loop_cap
    if args.nx_budget:
        cfg["nx_budget"] = args.nx_budget
    if args.threads != "inherit":
        CHILD_ENV.update(OMP_NUM_THREADS=str(args.threads))
    rep = Report()
    import igraph
    import networkx
    import numpy
    import pandas
    import scipy

    rep(f"# verkostolab benchmarks ({'quick' if args.quick else 'full'} run)")
    rep()
    rep(f"{_dt.datetime.now().isoformat(timespec='seconds')} · {platform.node()} · "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}) · "
        f"Python {platform.python_version()} · igraph {igraph.__version__} · networkx "
        f"{networkx.__version__} · scipy {scipy.__version__} · pandas {pandas.__version__} "
        f"· numpy {numpy.__version__} · load average at start "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} · OMP_NUM_THREADS="
        f"{CHILD_ENV.get('OMP_NUM_THREADS', os.environ.get('OMP_NUM_THREADS', 'unset'))}")
    rep()
    t0 = time.perf_counter()
    walls = []
    for key, func in (("a", part_a), ("b", part_b), ("c", part_c)):
        if key in args.parts:
            t = time.perf_counter()
            func(rep, cfg)
            walls.append(f"({key}) {time.perf_counter() - t:.0f} s")
    rep(f"Total wall time {time.perf_counter() - t0:.0f} s ({', '.join(walls)}); load average at end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}.  Peak memory reset via "
        f"/proc/self/clear_refs: {'yes' if _probe_clear_refs() else 'no (ru_maxrss diff)'}.")
    if args.save:
        Path(args.save).write_text("\n".join(rep.lines) + "\n", encoding="utf-8")
    return 0


def _probe_clear_refs() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
