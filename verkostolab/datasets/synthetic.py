"""Synthetic event logs for benchmarks: large, structurally realistic participation
tables (millions of rows in seconds) and their events.

>>> part = synthetic_participation(1_000, seed=1)
>>> len(part)
1000
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tables.schema import VOCABULARIES

__all__ = ["synthetic_participation", "synthetic_events"]


def _fit_sizes(sizes: np.ndarray, total: int, cap: int, rng: np.random.Generator) -> np.ndarray:
    """Adjust ``sizes`` (each in [1, cap]) so that they sum to ``total``."""
    sizes = np.clip(sizes, 1, cap).astype(np.int64)
    for _ in range(64):
        diff = total - int(sizes.sum())
        if diff == 0:
            return sizes
        room = (cap - sizes) if diff > 0 else (sizes - 1)
        open_ = np.flatnonzero(room > 0)
        if open_.size == 0:
            break
        # Spread the difference over the events with room, in proportion to their size.
        share = sizes[open_] / sizes[open_].sum()
        step = np.minimum(np.floor(abs(diff) * share).astype(np.int64), room[open_])
        if step.sum() == 0:
            pick = rng.choice(open_, size=min(abs(diff), open_.size), replace=False)
            step_full = np.zeros_like(sizes)
            step_full[pick] = 1
        else:
            step_full = np.zeros_like(sizes)
            step_full[open_] = step
        sizes = sizes + np.sign(diff) * step_full
    raise ValueError("could not fit event sizes to the requested number of rows")


def synthetic_participation(n_rows: int, *, n_actors: int | None = None,
                            n_events: int | None = None, seed: int = 0,
                            max_event_size: int = 500) -> pd.DataFrame:
    """A large, structurally realistic participation table for benchmarks.

    Event sizes are heavy-tailed (log-normal: most events have 3-30 people, a few are
    large, none larger than ``max_event_size``); actors' activity is heavy-tailed too
    (log-normal weights), so a few people attend very many events.  No (event, actor)
    pair occurs twice.  Generation is vectorised: a few million rows take seconds.

    Parameters
    ----------
    n_rows : int
        Exact number of rows.
    n_actors : int, optional
        Number of distinct possible actors; default ``max(50, n_rows // 20)``.  Actors
        who happen never to be drawn do not appear.
    n_events : int, optional
        Exact number of events; default as many as the drawn sizes need (about
        ``n_rows / 11``).
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`.
    max_event_size : int, default 500
        Largest event (also capped at ``n_actors``).

    Returns
    -------
    pandas.DataFrame
        Columns ``event_id`` (``"E0000001"`` ...) and ``actor_id`` (``"A000001"`` ...),
        strings of object dtype, sorted by event and actor.  Use
        :func:`synthetic_events` for a matching events table.

    Examples
    --------
    >>> part = synthetic_participation(1000, seed=1)
    >>> len(part), bool(part.duplicated().any())
    (1000, False)
    """
    if n_rows < 1:
        raise ValueError("n_rows must be at least 1")
    rng = np.random.default_rng(seed)
    n_actors = int(n_actors) if n_actors is not None else max(50, n_rows // 20)
    if n_actors < 1:
        raise ValueError("n_actors must be at least 1")
    cap = int(min(max_event_size, n_actors))
    if n_events is None:
        sizes = np.clip(np.rint(rng.lognormal(np.log(8.0), 0.85, int(n_rows / 8) + 16)), 3, cap)
        while sizes.sum() < n_rows:
            sizes = np.concatenate([sizes, np.clip(np.rint(
                rng.lognormal(np.log(8.0), 0.85, len(sizes))), 3, cap)])
        cut = int(np.searchsorted(np.cumsum(sizes), n_rows))
        sizes = sizes[:cut + 1].astype(np.int64)
        sizes[-1] -= int(sizes.sum()) - n_rows
    else:
        n_events = int(n_events)
        if not 1 <= n_events <= n_rows or n_events * cap < n_rows:
            raise ValueError(f"{n_rows} rows do not fit in {n_events} events of at most "
                             f"{cap} people")
        sizes = _fit_sizes(rng.lognormal(np.log(8.0), 0.85, n_events) * 1.0, n_rows, cap, rng)
    n_ev = len(sizes)

    # Actor weights: heavy-tailed activity; cumulative for inverse-CDF draws.
    weights = rng.lognormal(0.0, 1.0, n_actors)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]

    def draw(count: int, uniform: bool) -> np.ndarray:
        if uniform:
            return rng.integers(0, n_actors, count)
        return np.minimum(np.searchsorted(cdf, rng.random(count), side="right"), n_actors - 1)

    # Pairs are keys event * n_actors + actor.  First round: one weighted draw per seat;
    # repeated draws of the same person for the same event are dropped (sort, compare
    # neighbours: faster than np.unique on millions of keys).
    keys = np.repeat(np.arange(n_ev, dtype=np.int64), sizes) * n_actors + draw(n_rows, False)
    keys.sort()
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    need = sizes - np.bincount(keys // n_actors, minlength=n_ev)
    extra = np.empty(0, dtype=np.int64)  # sorted keys added in later rounds
    for round_ in range(1, 25):
        short = np.flatnonzero(need > 0)
        if short.size == 0:
            break
        # Later rounds draw more than needed (events of nearly everyone fill slowly)
        # and, after a while, uniformly.
        count = need[short] * (1 if round_ < 4 else 3) + (0 if round_ < 4 else 2)
        cand = (np.repeat(short.astype(np.int64), count) * n_actors
                + draw(int(count.sum()), uniform=round_ >= 12))
        for known in (keys, extra):
            pos = np.minimum(np.searchsorted(known, cand), max(known.size - 1, 0))
            if known.size:
                cand = cand[known[pos] != cand]
        cand.sort()
        cand = cand[np.concatenate(([True], cand[1:] != cand[:-1]))] if cand.size else cand
        # At most `need` new people per event, chosen at random among the candidates.
        ev = cand // n_actors
        order = np.lexsort((rng.random(cand.size), ev))
        cand, ev = cand[order], ev[order]
        rank = np.arange(ev.size) - np.searchsorted(ev, ev, side="left")
        take = rank < need[ev]
        need -= np.bincount(ev[take], minlength=n_ev)
        extra = np.sort(np.concatenate([extra, cand[take]]))
    keys = np.sort(np.concatenate([keys, extra]))
    short = np.flatnonzero(need > 0)
    if short.size:  # events of (nearly) everyone: fill the last seats exactly
        fill = []
        for e in short:
            lo, hi = np.searchsorted(keys, [e * n_actors, (e + 1) * n_actors])
            free = np.setdiff1d(np.arange(n_actors), keys[lo:hi] - e * n_actors)
            fill.append(e * n_actors + rng.choice(free, need[e], replace=False))
        keys = np.sort(np.concatenate([keys, *fill]))
    event_idx, actor_idx = keys // n_actors, keys % n_actors
    ew, aw = max(7, len(str(n_ev))), max(6, len(str(n_actors)))
    event_ids = np.array([f"E{i:0{ew}d}" for i in range(1, n_ev + 1)], dtype=object)
    actor_ids = np.array([f"A{i:0{aw}d}" for i in range(1, n_actors + 1)], dtype=object)
    return pd.DataFrame({"event_id": pd.Series(event_ids[event_idx], dtype=object),
                         "actor_id": pd.Series(actor_ids[actor_idx], dtype=object)})


def synthetic_events(participation: pd.DataFrame, *, seed: int = 0,
                     start: str = "2023-01-01", end: str = "2025-12-31",
                     n_networks: int = 5) -> pd.DataFrame:
    """An events table for the events of a (synthetic) participation table.

    Dates are spread evenly at random over ``[start, end]`` and increase with the event
    id; kinds follow a realistic mix (meetings and information exchange most often);
    each event belongs to one of ``n_networks`` networks (``"Verkosto 1"`` ...) and a
    level.

    Parameters
    ----------
    participation : pandas.DataFrame
        A table with an ``event_id`` column, e.g. from :func:`synthetic_participation`.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`.
    start, end : str
        The period of the events.
    n_networks : int, default 5
        Number of networks the events are spread over.

    Returns
    -------
    pandas.DataFrame
        Columns ``event_id``, ``date``, ``kind``, ``network``, ``level``, ``title``.

    Examples
    --------
    >>> events = synthetic_events(synthetic_participation(500, seed=2), seed=2)
    >>> events["date"].is_monotonic_increasing
    True
    """
    rng = np.random.default_rng(seed)
    ids = np.sort(pd.unique(participation["event_id"].to_numpy()))
    n = len(ids)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    span = (t1 - t0).days + 1
    days = np.sort(rng.integers(0, span, n))
    kinds = np.array(["meeting", "information_exchange", "conversation", "collaboration_scouting",
                      "joint_project", "learning_cafe", "expert_talk", "goal_sketching",
                      "learning_review", "online_discussion"], dtype=object)
    p = np.array([0.26, 0.18, 0.1, 0.1, 0.1, 0.06, 0.06, 0.05, 0.04, 0.05])
    levels = np.array(list(VOCABULARIES["level"]), dtype=object)
    networks = np.array([f"Verkosto {i}" for i in range(1, n_networks + 1)], dtype=object)
    return pd.DataFrame({
        "event_id": ids,
        "date": t0 + pd.to_timedelta(days, unit="D"),
        "kind": kinds[rng.choice(len(kinds), n, p=p / p.sum())],
        "network": networks[rng.integers(0, n_networks, n)],
        "level": levels[rng.integers(0, len(levels), n)],
        "title": ids,
    })
