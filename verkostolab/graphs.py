"""Builders: validated tables become igraph networks.

Data flows one way: :class:`~verkostolab.tables.data.NetworkData` →
:func:`tie_table` (a tidy table of weighted, undirected ties) → :func:`build_graph`
(an :class:`igraph.Graph`) → measures.

* **Participation** (two-mode) is projected to person–person ties with a sparse
  incidence product ``Bᵀ·diag(w)·B``: no Python loop over pairs.  ``w`` is the weight of
  each event: its kind (:data:`EVENT_WEIGHTS`, configurable), times a recency factor
  ``0.5 ** (age / half_life)`` when a half-life is given, times Newman's size share
  ``1/(n-1)`` for an event of ``n`` people (:data:`SIZE_WEIGHTINGS`; ``"count"`` for raw
  counts), so that one large plenary does not tie everyone as strongly as a small group.
* **Reported ties** are merged in: each report adds its ``weight`` (default
  ``reported_weight``) to the pair, and the pair keeps the mean knowing, trust and
  commitment ratings as separate layers.
* **Levels**: ``person`` (default), ``organisation`` and ``sector`` (person ties summed
  between groups; ties inside a group become the node's ``internal_weight``), and
  ``network`` (the core and theme networks, linked by the people they share).
"""

from __future__ import annotations

from collections.abc import Mapping

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from .tables.data import NetworkData

__all__ = [
    "EVENT_WEIGHTS",
    "SIZE_WEIGHTINGS",
    "LEVELS",
    "project_participation",
    "tie_table",
    "build_graph",
    "graph_to_tables",
    "to_networkx",
    "backbone",
    "BACKBONE_ALPHA",
    "directed_ratings",
    "DIRECTED_RATINGS",
]

#: Significance level of the disparity-filter backbone (:func:`backbone`).
BACKBONE_ALPHA = 0.05

#: Weight of one shared event by its kind.  Co-development and joint projects weigh
#: more than a brief acquaintance round or a broadcast-like expert talk.
EVENT_WEIGHTS: dict[str, float] = {
    "acquaintance": 0.5,
    "expert_talk": 0.5,
    "online_discussion": 0.5,
    "conversation": 1.0,
    "information_exchange": 1.0,
    "meeting": 1.0,
    "workshop": 1.0,
    "learning_cafe": 1.0,
    "open_space": 1.0,
    "other": 1.0,
    "collaboration_scouting": 1.5,
    "learning_review": 1.5,
    "goal_sketching": 2.0,
    "co_development": 2.0,
    "joint_project": 3.0,
}

LEVELS = ("person", "organisation", "sector", "network")

#: How a shared event's weight is shared out among its participants' pairs:
#: ``"newman"`` (default) gives each pair ``1/(n-1)`` of the event's weight, where ``n``
#: is the number of participants (Newman 2001, "Scientific collaboration networks. II",
#: Phys. Rev. E 64, 016132): each person's ties from one event add up to the event's
#: weight, however large it is, so a 30-person kick-off ties everyone only faintly while
#: a working group of four ties its members strongly.  ``"count"`` gives every pair the
#: event's full weight (raw co-attendance counts).
SIZE_WEIGHTINGS = ("newman", "count")

#: Carries the count of shared events beside the weight in one float64 product.
_COUNT_UNIT = float(2 ** 26)

#: Multiply-adds per block of rows of the projection product (see :func:`_upper_pairs`).
_BLOCK_WORK = 1 << 22

#: Largest result allocation made up front (entries); beyond it the arrays grow.
_FIRST_CAPACITY = 1 << 28

TIE_COLUMNS = ["source", "target", "weight", "shared_events", "reported", "knowing", "trust",
               "commitment", "first_date", "last_date", "met_weight", "reported_weight",
               "knowing_st", "knowing_ts", "trust_st", "trust_ts", "commitment_st",
               "commitment_ts"]

#: The reported layer's ratings by direction: ``<rating>_st`` is the source's latest view
#: of the target, ``<rating>_ts`` the target's view of the source (``source < target``).
DIRECTED_RATINGS = ["knowing_st", "knowing_ts", "trust_st", "trust_ts", "commitment_st",
                    "commitment_ts"]


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values, sort=False)
    return codes, pd.Index(uniques)


def project_participation(participation: pd.DataFrame, events: pd.DataFrame | None = None, *,
                          by: str = "actor", event_weights: Mapping[str, float] | None = None,
                          half_life: float | None = None, reference_date=None,
                          max_event_size: int | None = None,
                          size_weighting: str = "newman") -> pd.DataFrame:
    """Project two-mode participation to one-mode weighted pairs.

    Parameters
    ----------
    participation : DataFrame
        Columns ``event_id``, ``actor_id``; one row per attendance.
    events : DataFrame, optional
        Columns ``event_id``, ``kind``, ``date``; needed for kind and recency weights.
    by : {"actor", "event"}
        Link actors who share events (default) or events that share actors.
    event_weights : mapping, optional
        Weight per event kind (default :data:`EVENT_WEIGHTS`; unknown kinds weigh 1).
    half_life : float, optional
        Days after which an event counts half (relative to ``reference_date``, by
        default the latest event date).
    max_event_size : int, optional
        Events with more participants than this are left out of the projection (a
        2,000-member chat thread would add two million pairs); the count of left-out
        events is in the result's ``attrs["skipped_events"]``.

    Returns
    -------
    DataFrame
        ``source``, ``target`` (categoricals over the ids, so that millions of pairs cost
        no Python objects; each pair once, in no particular order), ``weight`` (sum of
        the events' shares) and ``shared_events`` (count), one row per linked pair.

    Examples
    --------
    >>> part = pd.DataFrame({"event_id": ["e1", "e1", "e1", "e2", "e2"],
    ...                      "actor_id": ["a", "b", "c", "a", "b"]})
    >>> pairs = project_participation(part).astype({"source": str, "target": str})
    >>> sorted(tuple(sorted(p[:2])) + (p[2], round(p[3], 3)) for p in pairs[["source", "target", "shared_events", "weight"]].values.tolist())
    [('a', 'b', 2, 1.5), ('a', 'c', 1, 0.5), ('b', 'c', 1, 0.5)]
    """
    if by not in ("actor", "event"):
        raise ValueError(f"by must be 'actor' or 'event', not {by!r}")
    if size_weighting not in SIZE_WEIGHTINGS:
        raise ValueError(f"size_weighting must be one of {', '.join(SIZE_WEIGHTINGS)}, "
                         f"not {size_weighting!r}")
    ev_codes, ev_index = _codes(participation["event_id"])
    ac_codes, ac_index = _codes(participation["actor_id"])
    present = (ev_codes >= 0) & (ac_codes >= 0)  # factorize codes missing values as -1
    if not present.all():
        ev_codes, ac_codes = ev_codes[present], ac_codes[present]
    n_ev, n_ac = len(ev_index), len(ac_index)
    # The incidence matrix; repeated (event, actor) rows count once.
    incidence = sp.csr_matrix((np.ones(len(ev_codes), dtype=np.float64), (ev_codes, ac_codes)),
                              shape=(n_ev, n_ac))
    incidence.data[:] = 1.0
    sizes = np.diff(incidence.indptr)
    skipped = 0
    if max_event_size is not None and n_ev:
        big = sizes > max_event_size
        skipped = int(big.sum())
        if skipped:
            incidence.data[np.repeat(big, sizes)] = 0.0
            incidence.eliminate_zeros()
            sizes = np.diff(incidence.indptr)
    weights = None
    if events is not None and n_ev and by == "actor":
        weights = _event_weights(events, ev_index, event_weights, half_life, reference_date)
    if size_weighting == "newman" and by == "actor" and n_ev:
        # Newman's share: 1/(n-1) per pair (events of one person make no pairs).
        share = 1.0 / np.maximum(sizes - 1, 1).astype(np.float64)
        if not np.all(share == 1.0):
            weights = share if weights is None else weights * share
    if by == "event":
        left, right, labels = incidence, incidence.T.tocsr(), ev_index
    else:
        left, right, labels = incidence.T.tocsr(), incidence, ac_index
    if weights is None:
        mode = "unit"  # the weight is the count
    elif _packs_exactly(weights, np.bincount(right.indices, minlength=n_ac).max(initial=0)):
        # The count carried beside the weight in one float64 product: each event
        # contributes w + 2**26, so a pair sums to Σw + count·2**26, exactly (see
        # _packs_exactly): kind weights such as 0.5, 1.5 or 3 take this road.
        mode = "packed"
        right = sp.csr_matrix((np.repeat(weights + _COUNT_UNIT, sizes), right.indices,
                               right.indptr), shape=right.shape, copy=False)
    elif (unit := _scaled_unit(weights, np.bincount(right.indices, minlength=n_ac).max(initial=0))):
        # Positive weights that are not multiples of 2**-10 (Newman's shares 1/(n-1)):
        # the count still rides above the weight, ``w + unit`` with ``unit`` a power of
        # two above any pair's Σw; the rounding this costs is bounded far below the
        # smallest weight (see _scaled_unit), so the count splits off exactly and the
        # weight keeps about twelve significant digits, in one float64 product.
        mode = ("scaled", unit)
        right = sp.csr_matrix((np.repeat(weights + unit, sizes), right.indices, right.indptr),
                              shape=right.shape, copy=False)
    else:
        # Other weights (negative, tiny or huge ones): a complex product, weight in the
        # real part and count in the imaginary part.
        mode = "complex"
        right = sp.csr_matrix((np.repeat(weights + 1j, sizes), right.indices, right.indptr),
                              shape=right.shape, copy=False)
    rows, cols, weight, count = _upper_pairs(left, right, mode)
    categories = pd.Index(labels, dtype=object)
    out = pd.DataFrame({
        "source": pd.Categorical.from_codes(rows, categories=categories, validate=False),
        "target": pd.Categorical.from_codes(cols, categories=categories, validate=False),
        "weight": weight,
        "shared_events": count,
    }, copy=False)
    out.attrs["skipped_events"] = skipped
    return out


def _upper_pairs(left: sp.csr_matrix, right: sp.csr_matrix, mode: str):
    """``(rows, cols, weight, count)`` of the entries above the diagonal of ``left @ right``.

    ``left`` is a 0/1 matrix and ``right`` its transpose, possibly carrying weights
    (``mode``: ``"unit"``, ``"packed"``, ``("scaled", unit)`` or ``"complex"``, see
    :func:`project_participation`).  The product is computed a block of rows at a time
    (about :data:`_BLOCK_WORK` multiply-adds each), and each block's upper entries are
    written straight into the result arrays: the symmetric product (twice the pairs,
    plus the diagonal) never exists whole, which halves the peak memory of the plain
    ``triu(Bᵀ·B)`` and saves its passes over it.
    """
    n = left.shape[0]
    right_len = np.diff(right.indptr).astype(np.int64)
    # No row can have more pairs above the diagonal than Σ_k C(|row k of right|, 2):
    # the result arrays are allocated at that size (capped; grown if ever needed).  Pages
    # never written are never mapped, so only the pairs found take memory.
    bound = int((right_len * (right_len - 1) // 2).sum())
    cap = min(bound, _FIRST_CAPACITY)
    rows, cols = np.empty(cap, np.int32), np.empty(cap, np.int32)
    weight, count = np.empty(cap, np.float64), np.empty(cap, np.int32)
    work = np.cumsum(left @ right_len)  # multiply-adds up to each row
    total = int(work[-1]) if n else 0
    ends = np.unique(np.concatenate([
        np.searchsorted(work, np.arange(_BLOCK_WORK, total, _BLOCK_WORK), side="left") + 1,
        [n]])) if n else np.array([], dtype=np.int64)
    pos, r0 = 0, 0
    for r1 in ends.tolist():
        a, b = left.indptr[r0], left.indptr[r1]
        block = sp.csr_matrix((left.data[a:b], left.indices[a:b], left.indptr[r0:r1 + 1] - a),
                              shape=(r1 - r0, left.shape[1]), copy=False)
        p = block @ right
        here = np.repeat(np.arange(r0, r1, dtype=np.int32), np.diff(p.indptr))
        keep = p.indices > here
        k = int(np.count_nonzero(keep))
        if pos + k > cap:
            cap = min(bound, max(2 * cap, pos + k))
            rows, cols, weight, count = (_grown(x, cap, pos) for x in (rows, cols, weight, count))
        span = slice(pos, pos + k)
        rows[span], cols[span] = here[keep], p.indices[keep]
        values = p.data[keep]
        if mode == "unit":
            weight[span] = values
            count[span] = values
        elif mode == "packed":
            n_events = np.trunc(values * (1.0 / _COUNT_UNIT))  # exact: power of two
            count[span] = n_events
            weight[span] = values - n_events * _COUNT_UNIT
        elif isinstance(mode, tuple):  # ("scaled", unit)
            unit = mode[1]
            n_events = np.floor(values * (1.0 / unit))  # exact: power of two
            count[span] = n_events
            weight[span] = values - n_events * unit
        else:
            weight[span] = values.real
            count[span] = np.rint(values.imag)
        pos += k
        r0 = r1
    return rows[:pos], cols[:pos], weight[:pos], count[:pos]


def _packs_exactly(weights: np.ndarray, most_events: int) -> bool:
    """Whether ``Σw + count·2**26`` is exact in float64 for every pair.

    True when the weights are non-negative multiples of 2**-10 (kind weights), a pair
    shares fewer than 2**17 events (``most_events``: the most any one person attended)
    and ``Σw < 2**26``: then every partial sum is a multiple of 2**-10 below 2**43,
    which float64 holds exactly, and the count and the weight split apart exactly.
    """
    scaled = weights * 1024.0
    return bool(weights.min() >= 0 and most_events < 2 ** 17
                and weights.max() * most_events < _COUNT_UNIT
                and np.array_equal(scaled, np.rint(scaled)))


def _scaled_unit(weights: np.ndarray, most_events: int) -> float | None:
    """The power of two ``unit`` for carrying the count above inexact positive weights,
    or None when they cannot be carried so (then the complex product is used).

    ``unit`` is at least twice the largest Σw a pair can have (``most_events`` times the
    largest weight).  A pair's sum ``count·unit + Σw`` of ``count`` terms is off by at
    most ``(count² + count)·unit·2**-52`` (each term and each partial sum rounded once,
    all below ``2·count·unit``); that is kept below half the smallest weight, so
    ``floor(sum / unit)`` is the count exactly and ``Σw`` keeps its leading digits.
    """
    if not len(weights) or not most_events:
        return None
    low, high = float(weights.min()), float(weights.max())
    if not (np.isfinite(low) and np.isfinite(high) and low > 0):
        return None
    unit = 2.0 ** (int(np.ceil(np.log2(high * most_events))) + 1)
    if unit * most_events >= 2.0 ** 45:
        return None
    bound = (most_events ** 2 + most_events) * unit * 2.0 ** -52
    return unit if bound < low / 2 else None


def _grown(array: np.ndarray, size: int, used: int) -> np.ndarray:
    out = np.empty(size, dtype=array.dtype)
    out[:used] = array[:used]
    return out


def _event_weights(events: pd.DataFrame, ev_index: pd.Index, event_weights, half_life,
                   reference_date) -> np.ndarray | None:
    """Weight of each event of ``ev_index`` (kind times recency); None when all are 1.

    Vectorised: the kind table is looked up once per distinct kind, events are matched
    to ``ev_index`` with one hash lookup (the first row of a repeated event counts).
    """
    ids = events["event_id"]
    first = ~ids.duplicated().to_numpy()
    pos = pd.Index(ids[first]).get_indexer(ev_index)
    found = pos >= 0
    table = EVENT_WEIGHTS if event_weights is None else event_weights
    w = np.ones(len(ev_index))
    if "kind" in events.columns:
        codes, kinds = pd.factorize(events["kind"].to_numpy()[first])
        per_kind = np.array([float(table.get(k, 1.0)) if isinstance(k, str) else 1.0
                             for k in kinds] + [1.0])  # code -1 (missing kind) → 1
        w[found] = per_kind[codes[pos[found]]]
    if half_life and "date" in events.columns:
        dates = pd.Series(pd.to_datetime(events["date"].to_numpy()[first])).take(pos[found])
        ref = pd.Timestamp(reference_date) if reference_date is not None else dates.max()
        age = ((ref - dates).dt.total_seconds() / 86400.0).fillna(0).clip(lower=0).to_numpy()
        w[found] *= np.power(0.5, age / float(half_life))
    return None if np.all(w == 1.0) else w


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Put each pair in ``source < target`` order."""
    a, b = frame["source"].astype(str), frame["target"].astype(str)
    swap = (a > b).to_numpy()
    out = frame.copy()
    out.loc[swap, "source"], out.loc[swap, "target"] = frame.loc[swap, "target"].to_numpy(), frame.loc[swap, "source"].to_numpy()
    return out


def _event_dates(ties: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """The date of each tie's event (NaT where it has none)."""
    lookup = dict(zip(events["event_id"], events["date"]))
    return pd.to_datetime(ties["event_id"].map(lookup), errors="coerce").astype("datetime64[ns]")


def tie_table(data: NetworkData, *, period=None, network=None, kind=None,
              event_weights: Mapping[str, float] | None = None, half_life: float | None = None,
              reported_weight: float = 1.0, include_reported: bool = True,
              max_event_size: int | None = None, size_weighting: str = "newman") -> pd.DataFrame:
    """Undirected, weighted person–person ties of ``data`` (optionally filtered).

    A shared event adds the event's kind (and recency) weight shared out by its size
    (``size_weighting``, see :data:`SIZE_WEIGHTINGS`: Newman's ``1/(n-1)`` by default).

    One row per pair with columns :data:`TIE_COLUMNS`: the summed ``weight``, the
    number of ``shared_events``, the number of ``reported`` ties between the two, the
    mean ``knowing``/``trust``/``commitment`` ratings of those reports (NaN when none),
    and the first and last date the pair met or reported a tie.

    The two layers stay apart beside the sum: ``met_weight`` (met at events) and
    ``reported_weight`` (reported ties), and the reported ratings by direction
    (:data:`DIRECTED_RATINGS`: ``knowing_st`` is the source's view of the target,
    ``knowing_ts`` the target's view of the source; the latest report of each).
    """
    if period is not None or network is not None or kind is not None:
        data = data.filter(period=period, network=network, kind=kind)
    events = data.events
    projected = project_participation(data.participation, events, event_weights=event_weights,
                                      half_life=half_life, max_event_size=max_event_size,
                                      size_weighting=size_weighting)
    projected = _ordered(projected.astype({"source": object, "target": object}))
    part = data.participation.merge(events[["event_id", "date"]], on="event_id", how="left")
    frames = [projected.assign(reported=0)]
    if include_reported and len(data.ties):
        ties = data.ties
        when = ties["date"].fillna(_event_dates(ties, events))
        rep = pd.DataFrame({
            "source": ties["source"], "target": ties["target"],
            "weight": ties["weight"].fillna(reported_weight).astype(float),
            "knowing": ties["knowing"].astype("float64"),
            "trust": ties["trust"].astype("float64"),
            "commitment": ties["commitment"].astype("float64"),
            "date": pd.to_datetime(when),
        })
        rep = _ordered(rep)
        grouped = rep.groupby(["source", "target"], sort=True)
        agg = grouped.agg(weight=("weight", "sum"), reported=("weight", "size"),
                          knowing=("knowing", "mean"), trust=("trust", "mean"),
                          commitment=("commitment", "mean"), first_date=("date", "min"),
                          last_date=("date", "max")).reset_index()
        agg["shared_events"] = 0
        frames.append(agg)
    combined = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else pd.DataFrame(columns=TIE_COLUMNS)
    for col in TIE_COLUMNS:
        if col not in combined.columns:
            combined[col] = np.nan
    if combined.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object if c in ("source", "target") else "float64") for c in TIE_COLUMNS})
        out["first_date"] = pd.Series(dtype="datetime64[ns]")
        out["last_date"] = pd.Series(dtype="datetime64[ns]")
        return out
    combined["met_weight"] = np.where(combined["reported"].fillna(0) > 0, 0.0, combined["weight"])
    combined["reported_weight"] = combined["weight"] - combined["met_weight"]
    out = combined.groupby(["source", "target"], sort=True).agg(
        met_weight=("met_weight", "sum"), reported_weight=("reported_weight", "sum"),
        weight=("weight", "sum"), shared_events=("shared_events", "sum"),
        reported=("reported", "sum"), knowing=("knowing", "mean"), trust=("trust", "mean"),
        commitment=("commitment", "mean"), first_date=("first_date", "min"),
        last_date=("last_date", "max")).reset_index()
    out = _with_meeting_dates(out, part)
    if include_reported and len(data.ties):
        views = directed_ratings(data.ties)
        out = out.merge(views, on=["source", "target"], how="left")
    for col in DIRECTED_RATINGS:
        if col not in out.columns:
            out[col] = np.nan
    out["shared_events"] = out["shared_events"].astype(np.int64)
    out["reported"] = out["reported"].astype(np.int64)
    return out[TIE_COLUMNS]


def directed_ratings(ties: pd.DataFrame) -> pd.DataFrame:
    """The latest knowing/trust/commitment each person reported about each other person.

    One row per (undirected) pair, ``source < target``, with :data:`DIRECTED_RATINGS`:
    ``knowing_st`` (the source's view of the target), ``knowing_ts`` (the target's view
    of the source), and so on: the two people's views are kept apart, not averaged.
    Reports are ordered by date (undated first), so the latest dated one counts.
    """
    ratings = ["knowing", "trust", "commitment"]
    empty = pd.DataFrame({c: pd.Series(dtype=object if c in ("source", "target") else "float64")
                          for c in ["source", "target", *DIRECTED_RATINGS]})
    if ties.empty:
        return empty
    rated = ties.dropna(subset=ratings, how="all")
    if rated.empty:
        return empty
    rated = rated.assign(_when=pd.to_datetime(rated["date"])).sort_values(
        "_when", na_position="first", kind="stable")
    latest = rated.groupby(["source", "target"], sort=False)[ratings].last().reset_index()
    a, b = latest["source"].astype(str), latest["target"].astype(str)
    forward = (a <= b).to_numpy()
    latest["lo"] = np.where(forward, a, b)
    latest["hi"] = np.where(forward, b, a)
    latest["d"] = np.where(forward, "st", "ts")
    latest[ratings] = latest[ratings].astype("float64")
    wide = latest.pivot_table(index=["lo", "hi"], columns="d", values=ratings, aggfunc="last")
    wide.columns = [f"{r}_{d}" for r, d in wide.columns]
    wide = wide.reindex(columns=DIRECTED_RATINGS).astype("float64").reset_index()
    return wide.rename(columns={"lo": "source", "hi": "target"})


def _with_meeting_dates(ties: pd.DataFrame, part: pd.DataFrame) -> pd.DataFrame:
    """Fill first/last dates of pairs that met at dated events (vectorised per pair)."""
    if part.empty or part["date"].isna().all() or ties.empty:
        return ties
    met = ties[ties["shared_events"] > 0][["source", "target"]]
    if met.empty:
        return ties
    # Join each pair to the source's dated events, then keep those the target attended.
    p = part.dropna(subset=["date"])[["event_id", "actor_id", "date"]]
    left = met.merge(p.rename(columns={"actor_id": "source"}), on="source")
    both = left.merge(p[["event_id", "actor_id"]].rename(columns={"actor_id": "target"}),
                      on=["event_id", "target"])
    if both.empty:
        return ties
    span = both.groupby(["source", "target"])["date"].agg(["min", "max"]).reset_index()
    merged = ties.merge(span, on=["source", "target"], how="left")
    merged["first_date"] = pd.concat([merged["first_date"], merged["min"]], axis=1).min(axis=1)
    merged["last_date"] = pd.concat([merged["last_date"], merged["max"]], axis=1).max(axis=1)
    return merged.drop(columns=["min", "max"])


def _actor_attributes(data: NetworkData) -> pd.DataFrame:
    actors = data.actors.set_index("actor_id")
    orgs = data.organisations.set_index("organisation_id")
    attrs = pd.DataFrame(index=actors.index)
    attrs["label"] = actors["name"]
    attrs["organisation"] = actors["organisation_id"]
    attrs["organisation_name"] = actors["organisation_id"].map(orgs["name"])
    attrs["sector"] = actors["organisation_id"].map(orgs["sector"])
    attrs["kind"] = actors["organisation_id"].map(orgs["kind"])
    attrs["role"] = actors["role"]
    return attrs


def _rating_means(data: NetworkData) -> pd.DataFrame:
    """Mean knowing/trust/commitment of the reported ties each actor is part of."""
    ties = data.ties
    cols = ["knowing", "trust", "commitment"]
    if ties.empty:
        return pd.DataFrame(columns=cols, dtype=float)
    both = pd.concat([ties[["source", *cols]].rename(columns={"source": "actor"}),
                      ties[["target", *cols]].rename(columns={"target": "actor"})])
    return both.astype({c: "float64" for c in cols}).groupby("actor")[cols].mean()


def build_graph(data: NetworkData, *, level: str = "person", period=None, network=None,
                kind=None, event_weights: Mapping[str, float] | None = None,
                half_life: float | None = None, reported_weight: float = 1.0,
                include_reported: bool = True, max_event_size: int | None = None,
                nodes: str | None = None, size_weighting: str = "newman") -> ig.Graph:
    """An undirected, weighted :class:`igraph.Graph` of ``data`` at ``level``.

    Vertices carry ``name`` (the id), ``label`` (the name shown to people) and, at the
    person level, ``organisation``, ``organisation_name``, ``sector``, ``kind``,
    ``role`` and the mean ``knowing``/``trust``/``commitment`` of their reported ties.
    Edges carry the columns of :func:`tie_table`.

    ``nodes="all"`` keeps every actor (also those with no tie yet, such as a workshop
    participant who just added themselves); ``"active"`` only those with participation
    or ties in the selection.  The default is ``"all"`` for the whole data and
    ``"active"`` when a period, network or kind is chosen.

    >>> from verkostolab.datasets import generate_sample
    >>> g = build_graph(generate_sample())
    >>> g.vcount(), g.is_directed()
    (60, False)
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    filtered = period is not None or network is not None or kind is not None
    if filtered:
        data = data.filter(period=period, network=network, kind=kind)
    if level == "network":
        return _network_level(data)
    ties = tie_table(data, event_weights=event_weights, half_life=half_life,
                     reported_weight=reported_weight, include_reported=include_reported,
                     max_event_size=max_event_size, size_weighting=size_weighting)
    attrs = _actor_attributes(data)
    nodes = nodes or ("active" if filtered else "all")
    if nodes == "active":
        active = pd.Index(pd.concat([data.participation["actor_id"], data.ties["source"],
                                     data.ties["target"]]).dropna().unique())
        ids = attrs.index[attrs.index.isin(active)]
        extra = active.difference(attrs.index)
        ids = ids.append(extra)
    else:
        ids = attrs.index.append(pd.Index(pd.concat([ties["source"], ties["target"]]).unique()).difference(attrs.index))
    vertices = attrs.reindex(ids)
    vertices["label"] = vertices["label"].fillna(pd.Series(ids, index=ids))
    means = _rating_means(data)
    for col in ("knowing", "trust", "commitment"):
        vertices[col] = means[col].reindex(ids).to_numpy() if col in means else np.nan
    if level == "person":
        return _graph_from(ties, vertices.reset_index(names="name"), level="person")
    group_col = "organisation" if level == "organisation" else "sector"
    return _aggregate(ties, vertices, group_col, data, level)


def _graph_from(ties: pd.DataFrame, vertices: pd.DataFrame, *, level: str) -> ig.Graph:
    vertices = vertices.copy()
    vertices["name"] = vertices["name"].astype(str)
    ties = ties.copy()
    ties["source"] = ties["source"].astype(str)
    ties["target"] = ties["target"].astype(str)
    g = ig.Graph.DataFrame(ties, directed=False, vertices=vertices, use_vids=False)
    g["level"] = level
    return g


def _aggregate(ties, vertices, group_col, data, level) -> ig.Graph:
    groups = vertices[group_col].astype(object)
    groups = groups.where(groups.notna(), "unknown")
    a = ties["source"].map(groups)
    b = ties["target"].map(groups)
    frame = pd.DataFrame({"source": a, "target": b, "weight": ties["weight"],
                          "ties": 1, "shared_events": ties["shared_events"],
                          "reported": ties["reported"], "knowing": ties["knowing"],
                          "trust": ties["trust"], "commitment": ties["commitment"]})
    internal = frame[frame["source"] == frame["target"]].groupby("source")["weight"].sum()
    frame = _ordered(frame[frame["source"] != frame["target"]])
    edges = frame.groupby(["source", "target"], sort=True).agg(
        weight=("weight", "sum"), ties=("ties", "sum"), shared_events=("shared_events", "sum"),
        reported=("reported", "sum"), knowing=("knowing", "mean"), trust=("trust", "mean"),
        commitment=("commitment", "mean")).reset_index()
    members = groups.groupby(groups).size()
    verts = pd.DataFrame({"name": members.index.astype(str), "members": members.to_numpy()})
    if level == "organisation":
        orgs = data.organisations.set_index("organisation_id")
        verts["label"] = verts["name"].map(orgs["name"]).fillna(verts["name"])
        verts["sector"] = verts["name"].map(orgs["sector"])
        verts["kind"] = verts["name"].map(orgs["kind"])
    else:
        verts["label"] = verts["name"]
        verts["sector"] = verts["name"]
    verts["internal_weight"] = verts["name"].map(internal).fillna(0.0).to_numpy()
    return _graph_from(edges, verts, level=level)


def _network_level(data: NetworkData) -> ig.Graph:
    """Core and theme networks, linked by the people who take part in both."""
    events = data.events
    part = data.participation.merge(events[["event_id", "network"]], on="event_id")
    part = part.dropna(subset=["network"])[["network", "actor_id"]].drop_duplicates()
    pairs = project_participation(part.rename(columns={"network": "event_id"}), by="event",)
    edges = pairs.rename(columns={"shared_events": "shared_people"})[["source", "target", "weight", "shared_people"]]
    members = part.groupby("network")["actor_id"].nunique()
    n_events = events.dropna(subset=["network"]).groupby("network").size()
    verts = pd.DataFrame({"name": members.index.astype(str), "label": members.index.astype(str),
                          "members": members.to_numpy(),
                          "events": n_events.reindex(members.index).fillna(0).astype(int).to_numpy()})
    return _graph_from(edges, verts, level="network")


def graph_to_tables(graph: ig.Graph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(vertices, edges) of ``graph`` as DataFrames; edges name their ends by id."""
    vertices = graph.get_vertex_dataframe()
    edges = graph.get_edge_dataframe()
    names = np.asarray(graph.vs["name"], dtype=object) if graph.vcount() else np.array([], dtype=object)
    edges["source"] = names[edges["source"].to_numpy()] if len(edges) else edges["source"]
    edges["target"] = names[edges["target"].to_numpy()] if len(edges) else edges["target"]
    return vertices, edges.reset_index(drop=True)


def to_networkx(graph: ig.Graph):
    """The graph as a :class:`networkx.Graph` keyed by id, with every attribute."""
    import networkx as nx

    g = nx.Graph(**{k: graph[k] for k in graph.attributes()})
    for v in graph.vs:
        attrs = v.attributes()
        g.add_node(attrs["name"], **{k: val for k, val in attrs.items() if k != "name"})
    names = graph.vs["name"] if graph.vcount() else []
    for e in graph.es:
        g.add_edge(names[e.source], names[e.target], **e.attributes())
    return g


def backbone(graph: ig.Graph, *, alpha: float = BACKBONE_ALPHA, weight: str = "weight") -> np.ndarray:
    """The disparity-filter backbone (Serrano, Boguñá & Vespignani 2009, "Extracting the
    multiscale backbone of complex weighted networks", PNAS 106:6483): a boolean mask
    over ``graph.es`` of the ties kept.

    For a tie of node ``i`` with ``k`` ties and strength ``s``, ``p = w / s`` is the share
    of ``i``'s strength it carries; under the null hypothesis that ``i``'s strength is
    spread at random over its ``k`` ties, a share at least ``p`` has probability
    ``(1 - p) ** (k - 1)``.  A tie is kept when that probability is below ``alpha`` for
    at least one of its two ends, i.e. when it is a tie that someone clearly puts their
    time into; the faint ties of a one-off plenary are left out.  Ties of people with a
    single tie are kept (nothing to compare them with), and so is the strongest tie of
    anyone who would otherwise lose every tie (in a small network no share is
    significant, and nobody should vanish from the picture).  Vectorised over the ties.

    Two groups of three who work together (weight 3) and met everyone once at a
    plenary (weight 0.2): the backbone is the six group ties.

    >>> g = ig.Graph.Full(6)
    >>> g.es["weight"] = [3.0 if (e.source < 3) == (e.target < 3) else 0.2 for e in g.es]
    >>> kept = backbone(g)
    >>> sorted(g.es[i].tuple for i in np.flatnonzero(kept))
    [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]
    """
    m = graph.ecount()
    if m == 0:
        return np.zeros(0, dtype=bool)
    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = (np.asarray(graph.es[weight], dtype=float) if weight in graph.es.attributes()
         else np.ones(m))
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    n = graph.vcount()
    strength = np.bincount(edges[:, 0], weights=w, minlength=n) + np.bincount(edges[:, 1], weights=w, minlength=n)
    degree = np.bincount(edges[:, 0], minlength=n) + np.bincount(edges[:, 1], minlength=n)
    keep = np.zeros(m, dtype=bool)
    for end in (0, 1):
        node = edges[:, end]
        k, s = degree[node], strength[node]
        share = np.divide(w, s, out=np.zeros(m), where=s > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.power(1.0 - share, np.maximum(k - 1, 0))
        keep |= (k == 1) | ((k > 1) & (w > 0) & (p < alpha))
    # Anyone left with no tie keeps their strongest one(s).
    covered = np.zeros(n, dtype=bool)
    covered[edges[keep, 0]] = True
    covered[edges[keep, 1]] = True
    strongest = np.zeros(n)
    np.maximum.at(strongest, edges[:, 0], w)
    np.maximum.at(strongest, edges[:, 1], w)
    for end in (0, 1):
        node = edges[:, end]
        keep |= ~covered[node] & (w > 0) & (w == strongest[node])
    return keep
