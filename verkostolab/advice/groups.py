"""Groupings for workshop rounds: pairs or triads that meet someone new.

The deck's warm-up first has people meet in *homogeneous* pairs or triads (someone you
do not know yet but whose work is similar) and then mixes them into *heterogeneous*
ones (different sectors and organisations), "so that new combinations arise".
:func:`plan_rounds` plans such rounds:

* ``mode="similar"`` puts together people whose work a trainer can call similar: the
  same sector or the same kind of organisation, and shared keywords (Jaccard
  similarity of their keyword sets); ``mode="mixed"`` prefers different sectors and,
  above all, different organisations.  :meth:`RoundPlan.similarity` gives what was
  achieved (the share of same-sector pairs, of same-kind pairs, the mean number of
  shared keywords) and the printout shows each person's sector and organisation.
* Above the mode, it avoids encounters that already happened: pairs with a tie or a
  shared event in the data, and pairs grouped in an earlier planned round (or in
  ``history``).  Pairs in ``avoid`` are never grouped when the sizes allow it.
* Sizes: ``size=2`` gives pairs, and a triad absorbs the odd person.  ``size=3`` gives
  triads; when one person is left over, two pairs are made instead of one triad (four
  people: two pairs); when two are left over, they form a pair.  Fewer people than
  ``size`` form one group.
* Latecomers join an existing plan with :meth:`RoundPlan.add_latecomers` without
  reshuffling anyone: two or more latecomers form groups of their own when they have
  not been grouped together before, otherwise each joins the best of the smallest
  groups.

The search is a local search (best swaps between groups, from several random starts),
deterministic for a ``seed`` (:func:`numpy.random.default_rng`).  Costs: a pair in a
group costs ``1e6`` if it is to be avoided, 100 if it was grouped in an earlier round, 10
if the two met before in the data, plus 0–3 for the mode.

>>> from verkostolab.datasets import generate_sample
>>> data = generate_sample()
>>> people = data.actors["actor_id"].tolist()[:30]
>>> plan = plan_rounds(data, people, size=3, mode="mixed", rounds=3, seed=1)
>>> [len(r) for r in plan.rounds], plan.repeats_across_rounds()
([10, 10, 10], 0)
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..tables.data import NetworkData
from ..i18n import format_number, format_percent, t

__all__ = ["SIZES", "MODES", "group_sizes", "met_pairs", "RoundPlan", "plan_rounds"]

SIZES = (2, 3)
MODES = ("similar", "mixed")

#: Cost of grouping a pair that must not be grouped.
AVOID_COST = 1e6
#: Cost of grouping a pair already grouped in an earlier round of the plan.
REPEAT_COST = 100.0
#: Cost of grouping a pair that met before (a tie or a shared event in the data).
MET_COST = 10.0


def group_sizes(n: int, size: int) -> list[int]:
    """Sizes of the groups for ``n`` people (see the module text).

    >>> group_sizes(7, 2), group_sizes(10, 3), group_sizes(11, 3), group_sizes(4, 3)
    ([2, 2, 3], [3, 3, 2, 2], [3, 3, 3, 2], [2, 2])
    """
    if size not in SIZES:
        raise ParameterError(name="size", value=size, allowed=", ".join(map(str, SIZES)))
    if n <= 0:
        return []
    if n <= size:
        return [n]
    if size == 2:
        return [2] * (n // 2 - 1) + ([3] if n % 2 else [2])
    rest = n % 3
    if rest == 0:
        return [3] * (n // 3)
    if rest == 1:
        return [3] * ((n - 4) // 3) + [2, 2]
    return [3] * (n // 3) + [2]


def _pair(a, b) -> tuple[str, str]:
    a, b = str(a), str(b)
    return (a, b) if a <= b else (b, a)


def met_pairs(data: NetworkData) -> frozenset:
    """Pairs ``(a, b)`` (``a < b``) who share an event or have a reported tie."""
    from ..graphs import tie_table

    ties = tie_table(data)
    return frozenset(_pair(a, b) for a, b in zip(ties["source"], ties["target"]))


def _keyword_matrix(actors: pd.DataFrame, ids: list[str], *, with_role: bool = True) -> np.ndarray:
    """One row per person of ``ids``, one column per keyword (1 where the person has it)."""
    from .context import keyword_sets

    sets = keyword_sets(actors, with_role=with_role)
    words = [sets.get(i, frozenset()) for i in ids]
    vocab = {w: k for k, w in enumerate(sorted(set().union(*words)))} if words else {}
    k = np.zeros((len(ids), max(len(vocab), 1)))
    for row, ws in enumerate(words):
        for w in ws:
            k[row, vocab[w]] = 1.0
    return k


def _sector_and_kind(data: NetworkData, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each person's sector and organisation kind (object arrays, NaN when unknown)."""
    actors = data.actors.set_index(data.actors["actor_id"].astype(str))
    sectors = data.actor_sectors()
    sectors.index = sectors.index.astype(str)
    kinds = dict(zip(data.organisations["organisation_id"], data.organisations["kind"]))
    org = actors["organisation_id"].reindex(ids)
    return (sectors.reindex(ids).to_numpy(dtype=object),
            np.array([kinds.get(o) for o in org], dtype=object))


def _mode_cost(data: NetworkData, ids: list[str], mode: str) -> np.ndarray:
    actors = data.actors.set_index(data.actors["actor_id"].astype(str))
    if mode == "mixed":
        sectors = data.actor_sectors()
        sectors.index = sectors.index.astype(str)
        sec = sectors.reindex(ids).to_numpy(dtype=object)
        org = actors["organisation_id"].reindex(ids).to_numpy(dtype=object)
        same_sector = (sec[:, None] == sec[None, :]) & pd.notna(sec)[:, None]
        same_org = (org[:, None] == org[None, :]) & pd.notna(org)[:, None]
        cost = same_sector * 1.0 + same_org * 2.0
    elif mode == "similar":
        k = _keyword_matrix(data.actors, ids, with_role=False)
        inter = k @ k.T
        sizes = k.sum(axis=1)
        union = sizes[:, None] + sizes[None, :] - inter
        with np.errstate(invalid="ignore", divide="ignore"):
            jaccard = np.where(union > 0, inter / union, 0.0)
        sec, kind = _sector_and_kind(data, ids)
        alike = (((sec[:, None] == sec[None, :]) & pd.notna(sec)[:, None])
                 | ((kind[:, None] == kind[None, :]) & pd.notna(kind)[:, None]))
        cost = 1.5 * (~alike) + 1.5 * (1.0 - jaccard)
    else:
        raise ParameterError(name="mode", value=mode, allowed=", ".join(MODES))
    np.fill_diagonal(cost, 0.0)
    return cost


def _pair_matrix(ids: list[str], pairs) -> np.ndarray:
    index = {a: i for i, a in enumerate(ids)}
    m = np.zeros((len(ids), len(ids)))
    for a, b in pairs:
        i, j = index.get(str(a)), index.get(str(b))
        if i is not None and j is not None and i != j:
            m[i, j] = m[j, i] = 1.0
    return m


def _grouped_counts(ids: list[str], rounds) -> np.ndarray:
    """How many times each pair of ``ids`` was grouped in ``rounds``."""
    index = {a: i for i, a in enumerate(ids)}
    m = np.zeros((len(ids), len(ids)))
    for groups in rounds:
        for group in groups:
            members = [index[str(a)] for a in group if str(a) in index]
            for i, j in combinations(members, 2):
                m[i, j] += 1.0
                m[j, i] += 1.0
    return m


def _total(cost: np.ndarray, labels: np.ndarray, n_groups: int) -> float:
    onehot = np.zeros((len(labels), n_groups))
    onehot[np.arange(len(labels)), labels] = 1.0
    return float(np.trace(onehot.T @ cost @ onehot) / 2)


def _local_search(cost: np.ndarray, sizes: list[int], rng: np.random.Generator,
                  restarts: int) -> np.ndarray:
    """Group labels minimising the summed pair cost within groups (best-swap descent)."""
    n, g = len(cost), len(sizes)
    slots = np.repeat(np.arange(g), sizes)
    best, best_cost = None, np.inf
    for _ in range(max(1, restarts)):
        labels = np.empty(n, dtype=np.int64)
        labels[rng.permutation(n)] = slots
        for _ in range(50 * n + 100):
            onehot = np.zeros((n, g))
            onehot[np.arange(n), labels] = 1.0
            m = cost @ onehot              # m[i, k]: cost of i to the members of group k
            x = m[:, labels]               # x[i, j] = m[i, group of j]
            own = m[np.arange(n), labels]
            delta = x + x.T - own[:, None] - own[None, :] - 2 * cost
            delta[labels[:, None] == labels[None, :]] = np.inf
            k = int(np.argmin(delta))
            if not delta.flat[k] < -1e-9:
                break
            i, j = divmod(k, n)
            labels[i], labels[j] = labels[j], labels[i]
        total = _total(cost, labels, g)
        if total < best_cost - 1e-9:
            best, best_cost = labels.copy(), total
    return best


def _groups_from(labels: np.ndarray, ids: list[str]) -> list[tuple[str, ...]]:
    groups: dict[int, list[str]] = {}
    for person, label in zip(ids, labels):
        groups.setdefault(int(label), []).append(person)
    return sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: (-len(g), g))


@dataclass
class RoundPlan:
    """Planned workshop rounds: ``rounds[r]`` is a list of groups (tuples of actor ids).

    Also carries the settings, ``names`` of the people, the pairs that had ``met``
    before (in the data) and the pairs to ``avoid``.
    """

    rounds: list
    size: int
    mode: str
    seed: int
    participants: list
    names: dict = field(default_factory=dict)
    met: frozenset = frozenset()
    avoid: frozenset = frozenset()
    history: list = field(default_factory=list)
    data: NetworkData | None = field(default=None, repr=False)

    # -- figures -----------------------------------------------------------------------
    def pairs(self, round_index: int | None = None) -> list[tuple[str, str]]:
        """Pairs grouped together (in one round, or in all rounds with repeats)."""
        chosen = self.rounds if round_index is None else [self.rounds[round_index]]
        return [_pair(a, b) for groups in chosen for g in groups for a, b in combinations(g, 2)]

    def repeats_across_rounds(self) -> int:
        """Pairs grouped again after an earlier round of the plan (or of ``history``)."""
        seen = {p for groups in self.history for g in groups for p in
                (_pair(a, b) for a, b in combinations(g, 2))}
        repeats = 0
        for r in range(len(self.rounds)):
            now = set(self.pairs(r))
            repeats += len(now & seen)
            seen |= now
        return repeats

    def met_before(self) -> int:
        """Grouped pairs who had already met in the data."""
        return sum(1 for p in self.pairs() if p in self.met)

    def avoided_pairs_grouped(self) -> int:
        return sum(1 for p in self.pairs() if p in self.avoid)

    # -- output ------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per person per round: ``round``, ``group``, ``actor_id``, ``name``,
        ``met_in_group`` (how many of the group they had met before)."""
        rows = []
        for r, groups in enumerate(self.rounds, start=1):
            for k, group in enumerate(groups, start=1):
                for person in group:
                    met = sum(_pair(person, o) in self.met for o in group if o != person)
                    rows.append({"round": r, "group": k, "actor_id": person,
                                 "name": self.names.get(person, person), "met_in_group": met})
        return pd.DataFrame(rows, columns=["round", "group", "actor_id", "name", "met_in_group"])

    def similarity(self, round_index: int | None = None) -> dict:
        """What the grouping achieved: of the grouped pairs, the share in the same sector,
        the share with the same kind of organisation, the share from different sectors,
        and the mean number of shared keywords."""
        from .context import keyword_sets

        pairs = self.pairs(round_index)
        if not pairs or self.data is None:
            return {"pairs": len(pairs), "same_sector_share": None, "same_kind_share": None,
                    "different_sector_share": None, "mean_shared_keywords": None}
        people = sorted({p for pair in pairs for p in pair})
        sec, kind = _sector_and_kind(self.data, people)
        sector, kinds = dict(zip(people, sec)), dict(zip(people, kind))
        words = keyword_sets(self.data.actors)
        same_sector = [pd.notna(sector[a]) and sector[a] == sector[b] for a, b in pairs]
        same_kind = [pd.notna(kinds[a]) and kinds[a] == kinds[b] for a, b in pairs]
        shared = [len(words.get(a, frozenset()) & words.get(b, frozenset())) for a, b in pairs]
        return {"pairs": len(pairs), "same_sector_share": float(np.mean(same_sector)),
                "same_kind_share": float(np.mean(same_kind)),
                "different_sector_share": 1.0 - float(np.mean(same_sector)),
                "mean_shared_keywords": float(np.mean(shared))}

    def describe(self, person: str, lang: str | None = None) -> str:
        """``Name (sector, organisation)``: why a trainer put them where they are."""
        name = self.names.get(person, person)
        if self.data is None:
            return name
        actors = self.data.actors.set_index(self.data.actors["actor_id"].astype(str))
        org = actors["organisation_id"].get(person) if person in actors.index else None
        orgs = dict(zip(self.data.organisations["organisation_id"], self.data.organisations["name"]))
        sec = self.data.actor_sectors().rename(index=str).get(person)
        parts = []
        if pd.notna(sec):
            try:
                parts.append(t(f"sector.{sec}", lang))
            except KeyError:
                parts.append(str(sec))
        if pd.notna(org):
            parts.append(str(orgs.get(org, org)))
        return f"{name} ({', '.join(parts)})" if parts else name

    def to_dict(self) -> dict:
        return {"similarity": self.similarity(),
                "people": {p: self.describe(p) for p in self.participants},
                "rounds": [[list(g) for g in groups] for groups in self.rounds],
                "size": self.size, "mode": self.mode, "seed": self.seed,
                "participants": len(self.participants),
                "names": {p: self.names.get(p, p) for p in self.participants},
                "repeated_pairs": self.repeats_across_rounds(),
                "met_before_pairs": self.met_before(),
                "grouped_pairs": len(self.pairs()),
                "avoided_pairs_grouped": self.avoided_pairs_grouped()}

    def to_events(self, *, number_from: int = 1, date=None, network: str | None = None,
                  prefix: str = "TUT", lang: str | None = None) -> NetworkData:
        """The planned rounds as network events, ready for :func:`verkostolab.ingest.import_data`.

        One event of kind ``acquaintance`` per group (so that the projection links
        exactly the group's members), titled ``Tutustuminen #<n>`` (``lang="en"``:
        ``Acquaintance #<n>``), with ids ``<prefix><n>-<group>`` (e.g. ``TUT03-07``), and
        one participation row per person.
        """
        events, part = [], []
        for r, groups in enumerate(self.rounds, start=number_from):
            for k, group in enumerate(groups, start=1):
                event_id = f"{prefix}{r:02d}-{k:02d}"
                events.append({"event_id": event_id, "date": date, "kind": "acquaintance",
                               "network": network, "level": None,
                               "title": t("groups.event_title", lang, number=r)})
                part += [{"event_id": event_id, "actor_id": person} for person in group]
        return NetworkData(events=pd.DataFrame(events), participation=pd.DataFrame(part),
                           source=t("groups.source", lang))

    def render(self, lang: str | None = None) -> str:
        lines = [t("groups.title", lang, size=t(f"groups.size.{self.size}", lang),
                   mode=t(f"groups.mode.{self.mode}", lang), people=len(self.participants))]
        for r, groups in enumerate(self.rounds, start=1):
            lines.append(t("groups.round", lang, number=r))
            for k, group in enumerate(groups, start=1):
                lines.append(f"  {k:>2}. " + "; ".join(self.describe(p, lang) for p in group))
            sim = self.similarity(r - 1)
            if sim["pairs"] and sim["same_sector_share"] is not None:
                lines.append("      " + t("groups.similarity", lang,
                                          same_sector=format_percent(sim['same_sector_share'], lang),
                                          same_kind=format_percent(sim['same_kind_share'], lang),
                                          keywords=format_number(sim['mean_shared_keywords'], lang, 1)))
        lines.append(t("groups.summary", lang, pairs=len(self.pairs()), met=self.met_before(),
                       repeats=self.repeats_across_rounds()))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.render()) + "</pre>"

    # -- latecomers --------------------------------------------------------------------
    def add_latecomers(self, people, *, rounds=None) -> "RoundPlan":
        """A new plan with ``people`` added to ``rounds`` (default all), nobody moved.

        In each round, two or more latecomers form groups of their own (sizes as
        :func:`group_sizes`) unless that would repeat a pair of an earlier round or group
        a pair to avoid; then, as a single latecomer always does, each joins the
        cheapest of the smallest groups (a pair becomes a triad, and so on).
        """
        people = [str(p) for p in people if str(p) not in self.participants]
        if not people:
            return self
        everyone = list(self.participants) + people
        chosen = range(len(self.rounds)) if rounds is None else rounds
        rng = np.random.default_rng([self.seed, len(everyone)])
        base = _mode_cost(self.data, everyone, self.mode) if self.data is not None \
            else np.zeros((len(everyone), len(everyone)))
        fixed = (base + MET_COST * _pair_matrix(everyone, self.met)
                 + AVOID_COST * _pair_matrix(everyone, self.avoid))
        index = {p: i for i, p in enumerate(everyone)}
        new_rounds = [list(g) for g in self.rounds]
        for r in chosen:
            earlier = self.history + new_rounds[:r]
            cost = fixed + REPEAT_COST * _grouped_counts(everyone, earlier)
            groups = [tuple(g) for g in new_rounds[r]]
            late = [index[p] for p in people]
            together = None
            if len(people) >= 2:
                sub = cost[np.ix_(late, late)]
                sizes = group_sizes(len(people), self.size)
                labels = _local_search(sub, sizes, rng, 8)
                if _total(sub, labels, len(sizes)) < REPEAT_COST:
                    together = _groups_from(labels, people)
            if together is not None:
                groups += together
            else:
                for person, row in zip(people, late):
                    if not groups:
                        groups.append((person,))
                        continue
                    smallest = min(len(g) for g in groups)
                    options = [k for k, g in enumerate(groups) if len(g) == smallest]
                    best = min(options, key=lambda k: (sum(cost[row, index[p]] for p in groups[k]), k))
                    groups[best] = tuple(sorted(groups[best] + (person,)))
            new_rounds[r] = groups
        names = dict(self.names)
        if self.data is not None:
            actors = self.data.actors
            names.update(dict(zip(actors["actor_id"].astype(str), actors["name"].astype(str))))
        return replace(self, rounds=new_rounds, participants=everyone, names=names)


def plan_rounds(data: NetworkData, participants=None, *, size: int = 2, mode: str = "mixed",
                rounds: int = 1, seed: int = 0, avoid=(), history=None,
                restarts: int = 8) -> RoundPlan:
    """Plan ``rounds`` rounds of pairs or triads (see the module text).

    Parameters
    ----------
    data : NetworkData
        Actors (names, keywords, roles, organisations) and who has met whom.
    participants : sequence of str, optional
        Actor ids taking part; default every actor.
    size : {2, 3}
        Pairs or triads.
    mode : {"similar", "mixed"}
        Homogeneous or heterogeneous groups.
    rounds : int
        How many rounds to plan; each avoids the pairs of the earlier ones.
    seed : int
        Seed of the search: the same seed gives the same plan.
    avoid : iterable of (str, str)
        Pairs who must not be grouped together.
    history : RoundPlan or list of rounds, optional
        Rounds already held (each a list of groups), to avoid repeating their pairs.
    restarts : int
        Random starts of the local search per round.

    Returns
    -------
    RoundPlan
    """
    if size not in SIZES:
        raise ParameterError(name="size", value=size, allowed=", ".join(map(str, SIZES)))
    if mode not in MODES:
        raise ParameterError(name="mode", value=mode, allowed=", ".join(MODES))
    known = data.actors["actor_id"].astype(str).tolist()
    ids = known if participants is None else [str(p) for p in participants]
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise ParameterError("groups.error.unknown", ids=", ".join(unknown))
    ids = list(dict.fromkeys(ids))
    if isinstance(history, RoundPlan):
        history = history.history + history.rounds
    history = [list(map(tuple, r)) for r in (history or [])]
    met = met_pairs(data)
    avoid = frozenset(_pair(a, b) for a, b in avoid)
    rng = np.random.default_rng(seed)
    fixed = (_mode_cost(data, ids, mode) + MET_COST * _pair_matrix(ids, met)
             + AVOID_COST * _pair_matrix(ids, avoid))
    sizes = group_sizes(len(ids), size)
    planned: list = []
    for _ in range(rounds):
        cost = fixed + REPEAT_COST * _grouped_counts(ids, history + planned)
        labels = _local_search(cost, sizes, rng, restarts) if ids else np.array([], dtype=int)
        planned.append(_groups_from(labels, ids))
    actors = data.actors
    names = dict(zip(actors["actor_id"].astype(str), actors["name"].astype(str)))
    return RoundPlan(planned, size, mode, seed, ids, names, met, avoid, history, data)
