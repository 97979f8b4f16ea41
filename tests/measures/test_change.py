"""Tie trajectories, measured goals and period guards, on small networks whose truth is
known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from verkostolab.errors import PeriodError, UsageError
from verkostolab.graphs import build_graph
from verkostolab.measures import (communities, compare_periods, default_periods, measure_goals)
from verkostolab.tables.data import NetworkData

GROUPS = {"g1": ["a1", "a2", "a3", "a4", "a5"], "g2": ["b1", "b2", "b3", "b4", "b5"],
          "g3": ["c1", "c2", "c3", "c4", "c5"], "g4": ["d1", "d2", "d3", "d4", "d5"]}
PEOPLE = [p for members in GROUPS.values() for p in members]
SECTOR = {"g1": "private", "g2": "public", "g3": "research", "g4": "third_sector"}


def plenary_and_groups(months=("2024-02", "2024-04", "2024-09", "2024-11"), kickoff="2024-01-15"):
    """A 20-person kick-off plenary, then four working groups of five that each meet in
    every month of ``months`` (each group from its own organisation and sector)."""
    events, part = [("kickoff", pd.Timestamp(kickoff), "workshop")], [("kickoff", p) for p in PEOPLE]
    for g, members in GROUPS.items():
        for i, month in enumerate(months):
            eid = f"{g}-{i}"
            events.append((eid, pd.Timestamp(f"{month}-10"), "meeting"))
            part += [(eid, p) for p in members]
    return NetworkData(
        organisations=pd.DataFrame({"organisation_id": list(GROUPS), "name": list(GROUPS),
                                    "sector": [SECTOR[g] for g in GROUPS]}),
        actors=pd.DataFrame({"actor_id": PEOPLE, "name": PEOPLE,
                             "organisation_id": [g for g, m in GROUPS.items() for _ in m]}),
        events=pd.DataFrame(events, columns=["event_id", "date", "kind"]),
        participation=pd.DataFrame(part, columns=["event_id", "actor_id"]))


def test_a_plenary_does_not_make_a_hairball_and_the_groups_are_found():
    data = plenary_and_groups()
    g = build_graph(data)
    # Every pair met at the kick-off: presence alone is a complete graph.
    assert g.density() == pytest.approx(1.0)
    weights = {tuple(sorted((g.vs[e.source]["name"], g.vs[e.target]["name"]))): e["weight"] for e in g.es}
    # Inside a group: 4 meetings of five (4 × 1/4) plus the plenary's 1/19.
    assert weights[("a1", "a2")] == pytest.approx(1 + 1 / 19)
    # Across groups: the plenary's 1/19 only.
    assert weights[("a1", "b1")] == pytest.approx(1 / 19)
    strong = [pair for pair, w in weights.items() if w >= 1.0]
    assert len(strong) == 4 * 10  # exactly the pairs inside the groups
    membership = communities(g, seed=0)
    found = {name: c for name, c in zip(g.vs["name"], membership)}
    assert len(set(membership)) == 4
    for members in GROUPS.values():
        assert len({found[p] for p in members}) == 1
    # With raw counts the plenary weighs as much as a group meeting: still 4 groups here,
    # but a plenary pair weighs 1 against a group pair's 5.
    raw = build_graph(data, size_weighting="count")
    assert max(raw.es["weight"]) == 5 and min(raw.es["weight"]) == 1


def test_groups_that_keep_meeting_lose_nothing_and_plenary_pairs_are_dormant():
    data = plenary_and_groups()
    change = compare_periods(data, "2024-01:2024-06", "2024-07:2024-12")
    counts = change.counts()
    assert counts["lost_ties"] == 0
    assert counts["new_ties"] == 0
    # The groups met as often in both halves: 4 × 10 pairs continue, as strongly.
    assert counts["continuing_ties"] == 40
    assert counts["strengthened_ties"] == counts["weakened_ties"] == 0
    # The kick-off pairs across groups did not meet again, but within 12 months: dormant.
    assert counts["dormant_ties"] == 190 - 40
    status = change.ties.set_index(["source", "target"])["status"]
    assert status[("a1", "b1")] == "dormant" and status[("a1", "a2")] == "continuing"
    # With a dormancy window of 3 months they count as lost.
    short = compare_periods(data, "2024-01:2024-06", "2024-07:2024-12", dormant_after=3)
    assert short.counts()["lost_ties"] == 150 and short.counts()["dormant_ties"] == 0


def test_rising_ratings_strengthen_a_pair_whose_co_attendance_stays_flat():
    data = plenary_and_groups()
    ties = pd.DataFrame({
        "source": ["a1", "a2", "a1", "a2", "c1", "c1"],
        "target": ["a2", "a1", "a2", "a1", "c2", "c2"],
        "knowing": [2, 3, 4, 4, 4, 2], "trust": [2, 2, 4, 4, 4, 2],
        "commitment": [1, 2, 4, 5, 4, 1],
        "weight": [0.0] * 6,  # ratings only: the met-at-events layer stays as it is
        "date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-10-01", "2024-10-02",
                                "2024-03-01", "2024-10-01"])})
    data = data.replace(ties=ties)
    change = compare_periods(data, "2024-01:2024-06", "2024-07:2024-12")
    rows = change.ties.set_index(["source", "target"])
    # Co-attendance is flat (two group meetings in each half, the kick-off before: the
    # weight moves by less than the tolerance) ...
    assert rows.loc[("a1", "a2"), "shared_events_after"] == 2
    assert rows.loc[("a1", "a3"), "status"] == "continuing"
    # ... but a1's and a2's ratings rose from 2/2/1 and 3/2/2 to 4/4/4 and 4/4/5.
    assert rows.loc[("a1", "a2"), "status"] == "strengthened"
    assert rows.loc[("a1", "a2"), "decided_by"] == "ratings"
    assert rows.loc[("c1", "c2"), "status"] == "weakened"
    assert rows.loc[("a1", "a3"), "decided_by"] == "weight"
    dyad = next(d for d in change.to_dict()["dyads"] if (d["source"], d["target"]) == ("a1", "a2"))
    # Both people's views are kept, by direction.
    assert dyad["before"]["knowing"] == {"a1→a2": 2.0, "a2→a1": 3.0}
    assert dyad["after"]["commitment"] == {"a1→a2": 4.0, "a2→a1": 5.0}
    assert dyad["status"] == "strengthened"


def test_a_period_without_events_is_an_error_that_names_the_data_range():
    data = plenary_and_groups()
    with pytest.raises(PeriodError) as caught:
        compare_periods(data, "2023-01:2023-06", "2024-07:2024-12")
    assert isinstance(caught.value, UsageError)
    message = caught.value.render("en")
    assert "2023-01:2023-06" in message and "2024-01-15" in message and "2024-11-10" in message
    assert "2024-01-15" in caught.value.render("fi")
    # Inside the data's range but empty (no events in March): also an error.
    with pytest.raises(PeriodError):
        compare_periods(data, "2024-03", "2024-09")


def test_default_periods_come_from_the_data_and_are_said():
    data = plenary_and_groups()
    assert default_periods(data) == ("2024-01:2024-06", "2024-07:2024-12")
    change = compare_periods(data)
    assert change.chosen and change.to_dict()["periods"]["chosen_from_data"] is True
    # Data of other years: the periods follow them.
    later = plenary_and_groups(months=("2026-02", "2026-09"), kickoff="2026-01-20")
    assert default_periods(later) == ("2026-01:2026-06", "2026-07:2026-12")
    undated = later.replace(events=later.events.assign(date=pd.NaT))
    with pytest.raises(PeriodError):
        default_periods(undated)


def test_goals_with_a_measure_are_measured_and_free_text_ones_are_not():
    data = plenary_and_groups()
    goals = pd.DataFrame({
        "goal_id": ["G1", "G2", "G3", "G4"],
        "title": ["Cross-sector work", "Density", "Reach", "Shared vision"],
        "indicator": ["cross_sector_ties", "Density", "actors", "Organisations committed to the vision"],
        "baseline": [None, 0.5, None, 8], "target": [200, 1.0, 30, 20]})
    data = data.replace(goals=goals)
    measured = {g["goal_id"]: g for g in measure_goals(data, "2024-01:2024-06", "2024-07:2024-12")}
    # Before: the kick-off tied all 190 pairs, 150 of them across sectors; after: the
    # groups alone, no tie across sectors.
    assert measured["G1"]["measurable"] and measured["G1"]["before"] == 150
    assert measured["G1"]["baseline"] == 150 and measured["G1"]["current"] == 0
    assert measured["G1"]["progress"] == pytest.approx((0 - 150) / (200 - 150))
    assert measured["G2"]["baseline"] == 0.5  # typed baseline kept
    assert measured["G2"]["current"] == pytest.approx(40 / 190)
    assert measured["G3"]["current"] == 20 and measured["G3"]["progress"] == pytest.approx(0.0)
    free = measured["G4"]
    assert not free["measurable"] and free["current"] is None and free["progress"] is None
    assert free["baseline"] == 8 and free["target"] == 20
    change = compare_periods(data, "2024-01:2024-06", "2024-07:2024-12")
    assert [g["goal_id"] for g in change.to_dict()["goals"]] == ["G1", "G2", "G3", "G4"]


def test_a_picture_or_an_assessment_round_without_data_is_an_error():
    from verkostolab.datasets import generate_sample
    from verkostolab.measures.assessment import compare_rounds, score
    from verkostolab.viz import network_picture

    data = plenary_and_groups()
    with pytest.raises(PeriodError, match="2024-01-15"):
        network_picture(data, period="2030-01:2030-06", lang="en")
    sample = generate_sample()
    # an unknown round: main's ParameterError (a UsageError, as PeriodError) names the rounds
    with pytest.raises(UsageError) as caught:
        score(sample, round="2023-kevät")
    assert "2024-syksy, 2025-kevät" in caught.value.render("en")
    assert "2023-kevät" in caught.value.render("fi")
    with pytest.raises(UsageError):
        compare_rounds(sample, "2024-syksy", "2026-syksy", resamples=50)
