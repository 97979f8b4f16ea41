"""The bundled sample network and the synthetic benchmark data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from verkostolab.tables.data import NetworkData
from verkostolab.io import read
from verkostolab.datasets import (
    CORE_NETWORK,
    SAMPLE_SOURCE,
    generate_sample,
    load_sample,
    sample_path,
    synthetic_events,
    synthetic_participation,
)
from verkostolab.tables.schema import ASSESSMENT_ITEMS, TABLE_ORDER, TABLES, VOCABULARIES

SAMPLES = Path(__file__).resolve().parents[2] / "verkostolab" / "datasets"
HUB_AND_INCUBATOR = {"O01", "O02"}  # Järvilaakson Kehitys Oy, Yrityshautomo Kipinä Oy


@pytest.fixture(scope="module")
def sample() -> NetworkData:
    return generate_sample()


def _sorted(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    spec = TABLES[table]
    keys = list(spec.key) or ["source", "target"]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _assert_same(left: NetworkData, right: NetworkData) -> None:
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(_sorted(left.table(table), table),
                                      _sorted(right.table(table), table), obj=table)


def _brokers(data: NetworkData) -> set[str]:
    actors = data.actors
    return set(actors.loc[actors["organisation_id"].isin(HUB_AND_INCUBATOR), "actor_id"])


def _co_attendance(data: NetworkData) -> pd.DataFrame:
    part = data.participation
    pairs = part.merge(part, on="event_id", suffixes=("", "_other"))
    return pairs[pairs["actor_id"] != pairs["actor_id_other"]]


# --------------------------------------------------------------------------- generator


def test_generate_sample_is_deterministic(sample):
    again = generate_sample()
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(sample.table(table), again.table(table), obj=table)
    assert sample.source == SAMPLE_SOURCE


def test_other_seed_gives_other_network(sample):
    other = generate_sample(seed=7)
    assert not other.participation.equals(sample.participation)
    assert other.counts()["actors"] == sample.counts()["actors"]


def test_counts_in_intended_ranges(sample):
    counts = sample.counts()
    assert 55 <= counts["actors"] <= 65
    assert 22 <= counts["organisations"] <= 28
    assert 150 <= counts["ties"] <= 250
    assert 3 <= counts["goals"] <= 5
    assert sample.events["network"].nunique() >= 3
    assert CORE_NETWORK in set(sample.events["network"])
    assert set(sample.assessments["round"]) == {"2024-syksy", "2025-kevät"}
    assert set(sample.organisations["sector"]) >= {
        "public", "private", "third_sector", "research", "education", "politics"}
    assert sample.actor_sectors().notna().all()


def test_values_are_canonical_codes(sample):
    for table in TABLE_ORDER:
        frame = sample.table(table)
        for col in TABLES[table].columns:
            if col.kind == "vocab":
                values = set(frame[col.name].dropna())
                assert values <= set(VOCABULARIES[col.vocabulary]), (table, col.name)
            if col.kind == "rating":
                values = frame[col.name].dropna()
                assert values.between(1, 5).all(), (table, col.name)
    assert set(sample.assessments["item"]) == set(ASSESSMENT_ITEMS)


def test_people_look_finnish_and_fictional(sample):
    actors = sample.actors
    names = " ".join(actors["name"]).lower()
    assert {"ä", "ö", "å"} <= set(names)
    assert actors["name"].is_unique and actors["email"].is_unique
    assert actors["email"].str.endswith(".example").all()
    n_keywords = actors["keywords"].str.split(", ").str.len()
    assert n_keywords.between(3, 5).all()


def test_workshop_day_comes_first_as_the_warm_up_app_records_it(sample):
    events = sample.events.sort_values(["date", "event_id"])
    size = sample.participation.groupby("event_id").size()
    day = events[events["date"] == events["date"].min()]
    # One event per pair, triad and development table, as the warm-up app writes a round.
    assert list(dict.fromkeys(day["title"])) == [
        "Tutustuminen #1", "Tutustuminen #2",
        "Yhteiskehittäminen: kasvun esteet ja mahdollistajat"]
    first = day[day["title"] == "Tutustuminen #1"]
    second = day[day["title"] == "Tutustuminen #2"]
    assert (first["kind"] == "acquaintance").all() and size[first["event_id"]].le(3).all()
    assert size[second["event_id"]].between(3, 4).all()
    assert (day.loc[~day["title"].str.startswith("Tutustuminen"), "kind"] == "co_development").all()
    # Nobody meets the same person in both warm-up rounds.
    part = sample.participation
    pairs = {}
    for title, group in (("1", first), ("2", second)):
        members = part[part["event_id"].isin(group["event_id"])].groupby("event_id")["actor_id"]
        pairs[title] = {frozenset((a, b)) for ids in members.apply(sorted)
                        for i, a in enumerate(ids) for b in ids[i + 1:]}
    assert not pairs["1"] & pairs["2"]
    # Few plenaries: events are mostly of ten people or fewer.
    assert (size <= 10).mean() >= 0.9 and size.max() <= 20
    assert events["date"].max() - events["date"].min() >= pd.Timedelta(days=240)
    assert events["level"].notna().all() and events["title"].notna().all()


def test_person_network_is_not_a_hairball(sample):
    from verkostolab.graphs import build_graph

    g = build_graph(sample)
    assert g.density() <= 0.35


def test_everyone_takes_part_and_a_few_barely(sample):
    per_actor = sample.participation["actor_id"].value_counts()
    assert set(per_actor.index) == set(sample.actors["actor_id"])
    assert 1 <= (per_actor == 1).sum() <= 8
    politicians = sample.actors.merge(sample.organisations, on="organisation_id")
    politicians = politicians.loc[politicians["sector"] == "politics", "actor_id"]
    # The politicians meet in their own group (the sample's silo) and rarely elsewhere.
    events = sample.events.set_index("event_id")
    theirs = sample.participation[sample.participation["actor_id"].isin(politicians)]
    own = events.loc[theirs["event_id"], "title"].eq("Päättäjien elinvoimaryhmä").to_numpy()
    assert own.mean() >= 0.7
    brokers = _brokers(sample)
    assert per_actor[list(brokers)].min() > per_actor.median()


def test_hub_and_incubator_have_most_cross_sector_contacts(sample):
    pairs = _co_attendance(sample)
    sector = sample.actor_sectors()
    pairs = pairs.assign(sector=pairs["actor_id_other"].map(sector))
    n_sectors = pairs.groupby("actor_id")["sector"].nunique()
    brokers = _brokers(sample)
    assert len(brokers) == 5
    # The hub and incubator people meet five or all six sectors; few others do.
    assert n_sectors[list(brokers)].min() >= 5
    assert n_sectors.max() == 6 and (n_sectors == 6).sum() <= len(sample.actors) // 5
    other = pairs[pairs["sector"] != pairs["actor_id"].map(sector)]
    contacts = other.groupby("actor_id")["actor_id_other"].nunique()
    # Four of the five are among the top quarter by distinct other-sector contacts.
    assert (contacts[list(brokers)] >= contacts.quantile(0.75)).sum() >= 4


def test_brokers_by_betweenness_are_the_hub_and_the_village_agent(sample):
    ig = pytest.importorskip("igraph")
    pairs = _co_attendance(sample)
    pairs = pairs[pairs["actor_id"] < pairs["actor_id_other"]][["actor_id", "actor_id_other"]]
    pairs = pairs.drop_duplicates()
    ids = list(sample.actors["actor_id"])
    index = {a: i for i, a in enumerate(ids)}
    graph = ig.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in
                                        pairs.itertuples(index=False)])
    betweenness = pd.Series(graph.betweenness(), index=ids).sort_values(ascending=False)
    top = set(betweenness.index[:5])
    assert betweenness.index[0] == "P01"  # the network coordinator
    assert len(top & _brokers(sample)) >= 3
    # The village agent (P29) is the only link of the village group: a cut vertex.
    assert "P29" in top and index["P29"] in graph.articulation_points()


def test_ties_are_clean_and_mostly_between_people_who_met(sample):
    ties = sample.ties
    assert not (ties["source"] == ties["target"]).any()
    # A pair appears twice only when rated again later (the pair whose ratings rise).
    assert not ties.duplicated(["source", "target", "date"]).any()
    again = ties[ties.duplicated(["source", "target"], keep=False)]
    assert set(again["source"]) | set(again["target"]) == {"P13", "P38"}
    early, late = (again[again["date"] == again["date"].min()], again[again["date"] == again["date"].max()])
    assert (late["knowing"].to_numpy() > early["knowing"].to_numpy()).all()
    assert ties[["knowing", "trust"]].notna().all().all()
    part = sample.participation
    with_event = ties.dropna(subset=["event_id"])
    at_event = (with_event.merge(part, left_on=["event_id", "source"],
                                 right_on=["event_id", "actor_id"])
                .merge(part, left_on=["event_id", "target"], right_on=["event_id", "actor_id"]))
    assert len(at_event) == len(with_event)  # both were at the event they name
    pairs = _co_attendance(sample).groupby(["actor_id", "actor_id_other"]).size()
    met = pd.Series([pairs.get((s, t), 0) for s, t in zip(ties["source"], ties["target"])])
    assert (met > 0).mean() >= 0.85
    # People who met often rate each other higher.
    knowing = ties["knowing"].astype(float).to_numpy()
    often, once = knowing[met.to_numpy() >= 5].mean(), knowing[met.to_numpy() <= 1].mean()
    assert often > once


def test_assessments_improve_modestly(sample):
    answers = sample.assessments
    respondents = answers.groupby("round")["respondent"].nunique()
    n = len(sample.actors)
    assert 0.6 * n <= respondents["2024-syksy"] <= 0.8 * n
    assert 0.5 * n <= respondents["2025-kevät"] <= 0.7 * n
    assert answers["value"].isna().any()
    means = answers.groupby(["round", "item"])["value"].mean()
    baseline, later = means["2024-syksy"], means["2025-kevät"]
    assert set(baseline.nsmallest(2).index) == {"trust.consistency", "commitment.structures"}
    gain = later.mean() - baseline.mean()
    assert 0.1 <= gain <= 0.8


def test_goals_have_indicators(sample):
    goals = sample.goals
    assert goals["goal_id"].is_unique
    assert goals[["kind", "indicator", "baseline", "target"]].notna().all().all()
    assert (goals["target"] > goals["baseline"]).all()


# --------------------------------------------------------------------------- committed files


def test_committed_workbook_equals_generator(sample):
    path = sample_path()
    assert path == SAMPLES / "jarvilaakso.xlsx"
    assert path.is_file(), "run data/samples/make_samples.py"
    _assert_same(read(path), sample)


def test_committed_csv_folder_equals_generator(sample):
    folder = SAMPLES / "jarvilaakso-csv"
    assert folder.is_dir(), "run data/samples/make_samples.py"
    _assert_same(read(folder), sample)


def test_load_sample(sample):
    data = load_sample()
    assert data.source == SAMPLE_SOURCE
    _assert_same(data, sample)


def test_load_sample_reads_the_csv_copy_then_the_workbook_then_the_generator(sample, monkeypatch,
                                                                            tmp_path):
    import verkostolab.datasets.jarvilaakso as samples
    import verkostolab.io as io

    read, seen = io.read, []
    monkeypatch.setattr(io, "read", lambda path, **kw: seen.append(Path(path)) or read(path, **kw))
    assert samples.sample_folder() == SAMPLES / "jarvilaakso-csv"
    first = samples.load_sample()
    assert seen == [SAMPLES / "jarvilaakso-csv"]
    workbook = read(sample_path())  # the same rows in the same order, with the same types
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(first.table(table), workbook.table(table), obj=table)
    seen.clear()
    monkeypatch.setattr(samples, "sample_folder", lambda: tmp_path / "missing-csv")
    data = samples.load_sample()
    assert seen == [sample_path()] and data.source == SAMPLE_SOURCE
    _assert_same(data, sample)
    monkeypatch.setattr(samples, "sample_path", lambda: tmp_path / "missing.xlsx")
    data = samples.load_sample()
    assert len(seen) == 1 and data.source == SAMPLE_SOURCE
    _assert_same(data, sample)


# --------------------------------------------------------------------------- benchmarks data


def test_synthetic_participation_size_and_uniqueness():
    part = synthetic_participation(200_000, seed=5)
    assert len(part) == 200_000
    assert list(part.columns) == ["event_id", "actor_id"]
    assert not part.duplicated().any()
    sizes = part.groupby("event_id").size()
    assert sizes.max() <= 500
    assert sizes.median() <= 30 and sizes.quantile(0.25) >= 3
    assert sizes.max() >= 5 * sizes.median()  # heavy tail
    activity = part["actor_id"].value_counts()
    assert activity.max() >= 10 * activity.median()
    assert part.equals(synthetic_participation(200_000, seed=5))


def test_synthetic_participation_with_fixed_counts():
    part = synthetic_participation(20_000, n_actors=120, n_events=300, seed=1)
    assert len(part) == 20_000
    assert part["event_id"].nunique() == 300
    assert part["actor_id"].nunique() <= 120
    assert not part.duplicated().any()
    with pytest.raises(ValueError):
        synthetic_participation(10_000, n_actors=10, n_events=5)


def test_synthetic_events_match_participation():
    part = synthetic_participation(5_000, seed=2)
    events = synthetic_events(part, seed=2)
    assert set(events["event_id"]) == set(part["event_id"])
    data = NetworkData(events=events, participation=part)
    assert set(data.events["kind"]) <= set(VOCABULARIES["event_kind"])
    assert set(data.events["level"]) <= set(VOCABULARIES["level"])
