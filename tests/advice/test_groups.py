"""Groupings for workshop rounds: new encounters, sizes, latecomers, events."""

from __future__ import annotations

import json
from itertools import combinations

import numpy as np
import pytest
from click.testing import CliRunner

from verkostolab.cli.advice import groups_command
from verkostolab.advice.context import keyword_sets
from verkostolab.graphs import project_participation
from verkostolab.advice.groups import group_sizes, met_pairs, plan_rounds
from verkostolab.datasets import generate_sample
from verkostolab.store import Store
from verkostolab.ingest import import_data


@pytest.fixture(scope="module")
def sample():
    return generate_sample()


@pytest.fixture(scope="module")
def thirty(sample):
    return sample.actors["actor_id"].tolist()[:30]


@pytest.fixture(scope="module")
def plan(sample, thirty):
    return plan_rounds(sample, thirty, size=3, mode="mixed", rounds=3, seed=1)


def pairs_of(groups):
    return [tuple(sorted(p)) for g in groups for p in combinations(g, 2)]


def random_groupings(ids, size, n, seed=0):
    rng = np.random.default_rng(seed)
    sizes = group_sizes(len(ids), size)
    for _ in range(n):
        order = list(rng.permutation(ids))
        groups, start = [], 0
        for s in sizes:
            groups.append(tuple(order[start:start + s]))
            start += s
        yield groups


@pytest.mark.parametrize("n", range(1, 15))
@pytest.mark.parametrize("size", [2, 3])
def test_group_sizes_cover_everyone(n, size):
    sizes = group_sizes(n, size)
    assert sum(sizes) == n
    if n >= 2:
        assert set(sizes) <= {2, 3}
    if size == 2:
        assert sizes.count(3) == n % 2 if n > 2 else True
    if size == 3 and n > 3:
        assert sizes.count(2) == {0: 0, 1: 2, 2: 1}[n % 3]


def test_three_rounds_of_mixed_triads_repeat_no_pair(plan, thirty):
    assert len(plan.rounds) == 3
    for groups in plan.rounds:
        members = [p for g in groups for p in g]
        assert sorted(members) == sorted(thirty)  # everyone exactly once
        assert [len(g) for g in groups] == [3] * 10
    all_pairs = [p for groups in plan.rounds for p in pairs_of(groups)]
    assert len(all_pairs) == len(set(all_pairs)) == 90
    assert plan.repeats_across_rounds() == 0


def test_fewer_already_met_pairs_than_random_groupings(sample, plan, thirty):
    met = met_pairs(sample)
    planned = sum(p in met for groups in plan.rounds for p in pairs_of(groups))
    assert planned == plan.met_before()
    random = [sum(p in met for p in pairs_of(g)) * 3 for g in random_groupings(thirty, 3, 300)]
    assert planned < np.percentile(random, 1)
    assert planned < min(random)
    # Rounds 2 and 3 must also avoid round 1's pairs, yet stay below chance.
    assert all(sum(p in met for p in pairs_of(g)) < 0.6 * np.mean(random) / 3 for g in plan.rounds)


def test_mixed_groups_mix_sectors_and_similar_groups_share_keywords(sample, thirty):
    sectors = sample.actor_sectors()
    everyone = sample.actors["actor_id"].tolist()
    same = lambda groups: np.mean([sectors[a] == sectors[b] for a, b in pairs_of(groups)])  # noqa: E731
    # 22 of the 60 are from the private sector: every pair can cross sectors.
    assert same(plan_rounds(sample, size=2, mode="mixed", seed=0).rounds[0]) == 0
    # Among the first 30, 22 are private: at least 7 of 15 pairs must stay inside it.
    mixed = plan_rounds(sample, thirty, size=2, mode="mixed", seed=0)
    assert same(mixed.rounds[0]) == pytest.approx(7 / 15)
    assert np.mean([same(g) for g in random_groupings(everyone, 2, 200)]) > 0.15
    words = keyword_sets(sample.actors, with_role=True)

    def jaccard(groups):
        return np.mean([len(words[a] & words[b]) / max(len(words[a] | words[b]), 1)
                        for a, b in pairs_of(groups)])

    # Without history, similarity decides: pairs share far more keywords than chance.
    fresh = sample.replace(participation=sample.participation.iloc[:0], ties=sample.ties.iloc[:0])
    similar = plan_rounds(fresh, thirty, size=2, mode="similar", seed=0)
    random_j = np.mean([jaccard(g) for g in random_groupings(thirty, 2, 200)])
    assert jaccard(similar.rounds[0]) > 3 * random_j
    assert jaccard(similar.rounds[0]) > 3 * jaccard(plan_rounds(fresh, thirty, size=2, mode="mixed").rounds[0])
    # With the sample's history, meeting someone new comes first (most similar people
    # have met already), and similarity picks among the new encounters.
    met = met_pairs(sample)
    unmet = [p for p in pairs_of([tuple(thirty)]) if p not in met]
    planned = plan_rounds(sample, thirty, size=2, mode="similar", seed=0)
    assert planned.met_before() <= 1
    assert jaccard(planned.rounds[0]) > 2 * np.mean([jaccard([p]) for p in unmet])


def test_the_same_seed_gives_the_same_plan(sample, thirty, plan):
    again = plan_rounds(sample, thirty, size=3, mode="mixed", rounds=3, seed=1)
    assert again.rounds == plan.rounds
    other = plan_rounds(sample, thirty, size=3, mode="mixed", rounds=3, seed=2)
    assert other.rounds != plan.rounds


def test_pairs_to_avoid_are_never_grouped(sample, thirty, plan):
    avoid = pairs_of(plan.rounds[0])[:5]
    constrained = plan_rounds(sample, thirty, size=3, mode="mixed", rounds=3, seed=1, avoid=avoid)
    grouped = {p for groups in constrained.rounds for p in pairs_of(groups)}
    assert not grouped & set(avoid)
    assert constrained.avoided_pairs_grouped() == 0 and constrained.repeats_across_rounds() == 0


def test_odd_numbers(sample):
    ids = sample.actors["actor_id"].tolist()
    seven = plan_rounds(sample, ids[:7], size=2, mode="mixed")
    assert sorted(len(g) for g in seven.rounds[0]) == [2, 2, 3]
    ten = plan_rounds(sample, ids[:10], size=3, mode="similar")
    assert sorted(len(g) for g in ten.rounds[0]) == [2, 2, 3, 3]
    one = plan_rounds(sample, ids[:1], size=3, mode="mixed")
    assert one.rounds == [[(ids[0],)]]


def test_a_latecomer_joins_without_moving_anyone(sample, plan):
    later = plan.add_latecomers(["P40"])
    for before, after in zip(plan.rounds, later.rounds):
        changed = [g for g in after if g not in before]
        assert len(changed) == 1 and "P40" in changed[0] and len(changed[0]) == 4
        assert len(after) == len(before)
        kept = [g for g in before if g in after]
        assert len(kept) == len(before) - 1
    assert later.repeats_across_rounds() == 0


def test_two_latecomers_pair_up_once_then_join_others(sample):
    ids = sample.actors["actor_id"].tolist()
    base = plan_rounds(sample, ids[:12], size=2, mode="mixed", rounds=3, seed=4)
    later = base.add_latecomers(["P50", "P51"])
    assert ("P50", "P51") in later.rounds[0]
    for r in (1, 2):
        assert ("P50", "P51") not in later.rounds[r]
        old = [g for g in later.rounds[r] if not {"P50", "P51"} & set(g)]
        assert all(g in base.rounds[r] for g in old)
    assert later.repeats_across_rounds() == 0
    assert sorted(p for g in later.rounds[2] for p in g) == sorted(ids[:12] + ["P50", "P51"])


def test_history_counts_as_already_grouped(sample, thirty, plan):
    follow = plan_rounds(sample, thirty, size=3, mode="mixed", rounds=1, seed=5, history=plan)
    earlier = {p for groups in plan.rounds for p in pairs_of(groups)}
    assert not set(pairs_of(follow.rounds[0])) & earlier
    assert follow.repeats_across_rounds() == 0


def test_planned_rounds_become_events_that_link_exactly_the_groups(tmp_path, sample, plan):
    events = plan.to_events(number_from=3, date="2025-06-01")
    assert len(events.events) == sum(len(g) for g in plan.rounds)
    assert set(events.events["kind"]) == {"acquaintance"}
    assert set(events.events["title"]) == {"Tutustuminen #3", "Tutustuminen #4", "Tutustuminen #5"}
    assert plan.to_events(lang="en").events["title"].iloc[0] == "Acquaintance #1"
    linked = project_participation(events.participation).astype({"source": str, "target": str})
    projected = sorted(tuple(sorted(p)) for p in zip(linked["source"], linked["target"]))
    assert projected == sorted(plan.pairs())
    store = Store(tmp_path / "w.sqlite")
    import_data(store, sample)
    report = import_data(store, events)
    assert report.to_dict()
    loaded = store.load()
    assert loaded.counts()["events"] == len(sample.events) + len(events.events)
    # Recorded rounds are history: the new pairs now count as having met.
    assert set(plan.pairs()) <= met_pairs(loaded)


def test_to_frame_and_render(plan):
    frame = plan.to_frame()
    assert list(frame.columns) == ["round", "group", "actor_id", "name", "met_in_group"]
    assert len(frame) == 90
    assert "Kierros 3:" in plan.render("fi") and "Round 3:" in plan.render("en")


def test_groups_command_json(thirty):
    result = CliRunner().invoke(groups_command, ["--size", "3", "--mode", "mixed", "--rounds", "3",
                                                 "--seed", "1", "--participants", ",".join(thirty),
                                                 "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert len(out["rounds"]) == 3 and all(len(r) == 10 for r in out["rounds"])
    assert out["repeated_pairs"] == 0 and out["participants"] == 30
    assert out["names"]["P01"]
    text = CliRunner().invoke(groups_command, ["--size", "2", "--mode", "similar", "--lang", "en"])
    assert text.exit_code == 0 and "Round 1:" in text.output and "pairs" in text.output


def test_groups_command_refuses_bad_input():
    bad = CliRunner().invoke(groups_command, ["--size", "2", "--mode", "mixed", "--avoid", "P01"])
    assert bad.exit_code == 2 and "A:B" in bad.output
    unknown = CliRunner().invoke(groups_command, ["--size", "2", "--mode", "mixed",
                                                  "--participants", "P01,NOPE"])
    assert unknown.exit_code == 2 and "NOPE" in unknown.output
    size = CliRunner().invoke(groups_command, ["--size", "4", "--mode", "mixed"])
    assert size.exit_code == 2


def test_similar_and_mixed_groups_a_trainer_can_explain():
    from verkostolab.advice.groups import plan_rounds
    from verkostolab.datasets import load_sample

    data = load_sample()
    similar = plan_rounds(data, None, size=2, mode="similar", rounds=2, seed=0)
    mixed = plan_rounds(data, None, size=2, mode="mixed", rounds=2, seed=0)
    s, m = similar.similarity(), mixed.similarity()
    # Similar: mostly the same sector and shared keywords; mixed: different sectors.
    assert s["same_sector_share"] >= 0.6 and s["mean_shared_keywords"] >= 0.8
    assert m["different_sector_share"] >= 0.9
    assert s["mean_shared_keywords"] > m["mean_shared_keywords"] + 0.5
    # No pair meets twice, in either mode.
    assert similar.repeats_across_rounds() == 0 and mixed.repeats_across_rounds() == 0
    # The printout shows each person's sector and organisation and what was achieved.
    text = similar.render("fi")
    assert "Noora Savolainen (julkinen sektori, Järvilaakson Kehitys Oy)" in text
    assert "Samalla sektorilla" in text and "yhteisiä avainsanoja keskimäärin" in text
    assert "Same sector in" in similar.render("en")
    d = similar.to_dict()
    assert d["similarity"]["pairs"] == 60 and d["people"]["P01"].startswith("Noora Savolainen (")
