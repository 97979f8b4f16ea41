"""What the advice is computed from: the data, its graph, measures and assessment,
computed once and shared by every rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..graphs import tie_table
from ..measures.analysis import Analysis, analyse
from ..measures.assessment import MIN_GROUP, Assessment, RoundChange, compare_rounds, score
from ..tables.data import NetworkData

__all__ = ["Context", "keyword_sets", "forum_stem", "latest_round_in"]

_SPLIT = re.compile(r"[,;\n/|]+")


def keyword_sets(actors: pd.DataFrame, *, with_role: bool = False) -> dict[str, frozenset]:
    """Keywords of each actor as a set of lower-case phrases (``keywords`` split on
    commas or semicolons; with ``with_role`` the words of the role too)."""
    out = {}
    for aid, words, role in zip(actors["actor_id"], actors["keywords"], actors["role"]):
        found = set()
        if isinstance(words, str):
            found |= {w.strip().casefold() for w in _SPLIT.split(words) if w.strip()}
        if with_role and isinstance(role, str):
            found |= {f"role:{w.casefold()}" for w in re.split(r"[\s\-,]+", role) if len(w) > 2}
        out[str(aid)] = frozenset(found)
    return out


def forum_stem(title) -> str | None:
    """The recurring part of an event title: before a colon, without numbers.

    >>> forum_stem("Sivuvirtahankkeen ohjausryhmä 2/2025")
    'sivuvirtahankkeen ohjausryhmä'
    >>> forum_stem("Testiympäristöhanke: väliarvio")
    'testiympäristöhanke'
    """
    if not isinstance(title, str) or not title.strip():
        return None
    stem = title.split(":")[0]
    stem = re.sub(r"[#\d/.\-–]+", " ", stem)
    stem = re.sub(r"\s+", " ", stem).strip().casefold()
    return stem or None


def latest_round_in(data: NetworkData, period) -> str | None:
    """The latest assessment round with answers dated within ``period`` (or ``None``)."""
    from ..tables.data import parse_period

    start, end = parse_period(period)
    answers = data.assessments.dropna(subset=["round"])
    when = pd.to_datetime(answers["date"], errors="coerce")
    keep = when.notna()
    if start is not None:
        keep &= when >= start
    if end is not None:
        keep &= when < end
    inside = answers[keep]
    if inside.empty:
        return None
    last = pd.to_datetime(inside["date"]).groupby(inside["round"].astype(str)).max()
    return str(last.sort_values(kind="stable").index[-1])


@dataclass
class Context:
    """Everything the rules look at, computed once from ``data``.

    Build it with :meth:`from_data`.  ``graph``, ``nodes``, ``summary`` and ``stage``
    are those of ``analysis`` (:func:`~verkostolab.measures.analyse`), shared with the
    picture and the tables drawn from the same analysis.  ``assessment`` is the latest
    (or chosen) round, or ``None`` without answers; ``change`` compares the last two
    rounds, or ``None``.
    """

    data: NetworkData
    graph: object
    nodes: pd.DataFrame
    summary: object
    stage: object
    ties: pd.DataFrame
    assessment: Assessment | None = None
    change: RoundChange | None = None
    min_group: int = MIN_GROUP
    seed: int = 0
    notes: list = field(default_factory=list)
    analysis: Analysis | None = None

    @classmethod
    def from_data(cls, data: NetworkData | Analysis, *, round: str | None = None,
                  min_group: int = MIN_GROUP, seed: int | None = None,
                  resamples: int = 2000, analysis: Analysis | None = None,
                  period=None) -> "Context":
        """The context of ``data``, or of an :class:`~verkostolab.measures.Analysis`.

        The graph and its measures come from ``analysis`` when given (a person-level
        analysis; ``data`` is then what the rest of the advice reads, by default the
        analysis's data within its period), else from ``analyse(data, seed=seed)``.
        ``seed`` (default: the analysis's seed, or 0) also seeds the bootstrap.

        ``period`` (``"FROM:TO"``) limits the network to the events and ties of the
        period (a period without any is a :class:`~verkostolab.errors.PeriodError` that
        names the data's range); the assessment is then ``round`` or, by default, the
        latest round answered within the period (none when no round was).

        >>> from verkostolab.datasets import load_sample
        >>> from verkostolab.measures import analyse
        >>> a = analyse(load_sample())
        >>> Context.from_data(a).nodes is a.nodes
        True
        """
        if isinstance(data, Analysis):
            if analysis is not None and analysis is not data:
                raise ValueError("give the analysis once: as data or as analysis=")
            analysis, data = data, data.selected
        if period is not None and period != "":
            from ..measures.change import check_period

            if analysis is not None:
                raise ValueError("give either an analysis or a period")
            check_period(data, period)
            full = data
            analysis = analyse(data, period=period, seed=0 if seed is None else seed)
            data = analysis.selected
            if round is None:
                round = latest_round_in(full, period)
                if round is None:  # no answers in the period: no assessment
                    data = NetworkData({**data.tables(),
                                        "assessments": data.assessments.iloc[0:0]},
                                       source=data.source)
        if analysis is None:
            analysis = analyse(data, seed=0 if seed is None else seed)
        elif analysis.level != "person":
            raise ValueError(f"the advice needs a person-level analysis, not {analysis.level!r}")
        seed = analysis.seed if seed is None else seed
        assessment = change = None
        rounds = sorted(data.assessments["round"].dropna().astype(str).unique())
        if rounds:
            assessment = score(data, round=round, min_group=min_group)
            order = assessment.rounds
            if len(order) >= 2 and assessment.round in order[1:]:
                before = order[order.index(assessment.round) - 1]
                change = compare_rounds(data, before, assessment.round, min_group=min_group,
                                        resamples=resamples, seed=seed)
        return cls(data, analysis.graph, analysis.nodes, analysis.summary, analysis.stage,
                   tie_table(data), assessment, change, min_group, seed, analysis=analysis)

    # -- lookups -----------------------------------------------------------------------
    @cached_property
    def names(self) -> dict[str, str]:
        actors = self.data.actors
        return dict(zip(actors["actor_id"].astype(str), actors["name"].astype(str)))

    def name(self, actor) -> str:
        return self.names.get(str(actor), str(actor))

    @cached_property
    def sectors(self) -> pd.Series:
        s = self.data.actor_sectors()
        s.index = s.index.astype(str)
        return s

    @cached_property
    def organisations(self) -> pd.Series:
        actors = self.data.actors
        return pd.Series(actors["organisation_id"].to_numpy(), index=actors["actor_id"].astype(str),
                         dtype=object)

    @cached_property
    def organisation_names(self) -> dict[str, str]:
        orgs = self.data.organisations
        return dict(zip(orgs["organisation_id"].astype(str), orgs["name"].astype(str)))

    @cached_property
    def keywords(self) -> dict[str, frozenset]:
        return keyword_sets(self.data.actors)

    @cached_property
    def networks_of(self) -> dict[str, frozenset]:
        """The networks whose events each actor attended."""
        part = self.data.participation.merge(self.data.events[["event_id", "network"]],
                                             on="event_id").dropna(subset=["network"])
        grouped = part.groupby(part["actor_id"].astype(str))["network"].agg(lambda s: frozenset(s))
        return grouped.to_dict()

    @cached_property
    def goal_networks(self) -> dict[str, list[str]]:
        goals = self.data.goals.dropna(subset=["network"])
        return goals.groupby("network")["title"].agg(list).to_dict()

    def group_sizes(self, by: str) -> pd.Series:
        """Members per sector or organisation."""
        groups = self.sectors if by == "sector" else self.organisations
        return groups.dropna().value_counts()

    def group_label(self, by: str, group, lang: str | None = None) -> str:
        from ..i18n import t

        if by == "sector":
            try:
                return t(f"sector.{group}", lang)
            except KeyError:
                return str(group)
        if by == "organisation":
            return self.organisation_names.get(str(group), str(group))
        return str(group)

    @cached_property
    def central(self) -> list[str]:
        """The network's central people: the top fifth by tie strength (at least one)."""
        nodes = self.nodes
        if nodes.empty or "strength" not in nodes:
            return []
        k = max(1, len(nodes) // 5)
        return [str(x) for x in nodes["strength"].sort_values(ascending=False, kind="stable").index[:k]]

    @cached_property
    def response(self):
        """:class:`~verkostolab.measures.assessment.ResponseDiagnostics` of the round in
        use (``None`` without answers)."""
        from ..measures.assessment import response_diagnostics

        if self.assessment is None:
            return None
        return response_diagnostics(self.data, round=self.assessment.round,
                                    min_group=self.min_group, central=self.central)

    @cached_property
    def adjacency(self):
        """Sparse 0/1 adjacency of the person graph, in the order of its vertices."""
        import scipy.sparse as sp

        n = self.graph.vcount()
        edges = np.asarray(self.graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        rows = np.concatenate([edges[:, 0], edges[:, 1]])
        cols = np.concatenate([edges[:, 1], edges[:, 0]])
        a = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        a.data[:] = 1.0
        return a

    @cached_property
    def vertex_ids(self) -> list[str]:
        return [str(v) for v in self.graph.vs["name"]] if self.graph.vcount() else []
