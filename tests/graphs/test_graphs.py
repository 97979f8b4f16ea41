"""Builders: projection weights, periods, levels and interop, on small known networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from verkostolab import read
from verkostolab.graphs import (EVENT_WEIGHTS, build_graph, graph_to_tables, project_participation,
                               tie_table, to_networkx)
from verkostolab.tables.data import NetworkData
from verkostolab.datasets import generate_sample


@pytest.fixture
def tiny():
    return NetworkData(
        organisations=pd.DataFrame({"organisation_id": ["O1", "O2"], "name": ["Yritys Oy", "Hubi ry"],
                                    "sector": ["private", "third_sector"], "kind": ["company", "network_hub"]}),
        actors=pd.DataFrame({"actor_id": ["a", "b", "c", "d"], "name": ["Aino", "Bo", "Cia", "Dan"],
                             "organisation_id": ["O1", "O1", "O2", "O2"]}),
        events=pd.DataFrame({"event_id": ["e1", "e2", "e3"],
                             "date": pd.to_datetime(["2024-01-10", "2024-06-10", "2024-06-20"]),
                             "kind": ["acquaintance", "co_development", "joint_project"],
                             "network": ["core", "theme A", "theme B"]}),
        participation=pd.DataFrame({"event_id": ["e1", "e1", "e1", "e2", "e2", "e3", "e3"],
                                    "actor_id": ["a", "b", "c", "a", "c", "c", "d"]}),
        ties=pd.DataFrame({"source": ["b", "c"], "target": ["a", "d"], "knowing": [4, 2],
                           "trust": [3, 2], "commitment": [5, pd.NA],
                           "date": pd.to_datetime(["2024-02-01", None])}),
    )


def test_projection_weights_by_event_kind_and_counts(tiny):
    ties = tie_table(tiny).set_index(["source", "target"])
    # a and c met at an acquaintance round of three (0.5, shared by Newman's 1/(n-1) = 1/2)
    # and a co-development session of two (2.0, whole).
    assert ties.loc[("a", "c"), "weight"] == pytest.approx(EVENT_WEIGHTS["acquaintance"] / 2 + EVENT_WEIGHTS["co_development"])
    assert ties.loc[("a", "c"), "shared_events"] == 2
    # a and b met once and b reported a tie to a: 0.5 / 2 + 1 reported, ratings kept.
    assert ties.loc[("a", "b"), "weight"] == pytest.approx(1.25)
    assert (ties.loc[("a", "b"), "reported"], ties.loc[("a", "b"), "trust"]) == (1, 3.0)
    assert ties.loc[("a", "b"), "first_date"] == pd.Timestamp("2024-01-10")
    assert ties.loc[("c", "d"), "weight"] == pytest.approx(EVENT_WEIGHTS["joint_project"] + 1.0)
    assert np.isnan(ties.loc[("c", "d"), "commitment"])
    assert set(ties.index) == {("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")}
    # Raw counts: every pair of an event gets the event's full weight.
    raw = tie_table(tiny, size_weighting="count").set_index(["source", "target"])
    assert raw.loc[("a", "c"), "weight"] == pytest.approx(EVENT_WEIGHTS["acquaintance"] + EVENT_WEIGHTS["co_development"])
    assert raw.loc[("a", "b"), "weight"] == pytest.approx(1.5)
    with pytest.raises(ValueError, match="size_weighting"):
        tie_table(tiny, size_weighting="sqrt")


def test_newman_share_gives_each_person_one_event_weight_however_large():
    """A plenary of 30 and a pair: each plenary pair gets 1/29, the pair gets 1, and
    every plenary member's ties from the plenary sum to exactly one event."""
    people = [f"p{i:02d}" for i in range(30)]
    part = pd.DataFrame({"event_id": ["plenary"] * 30 + ["pair", "pair"],
                         "actor_id": people + ["p00", "p01"]})
    pairs = project_participation(part).astype({"source": str, "target": str})
    w = {tuple(sorted(k)): v for k, v in zip(zip(pairs["source"], pairs["target"]), pairs["weight"])}
    assert len(w) == 30 * 29 // 2
    assert w[("p00", "p01")] == pytest.approx(1 + 1 / 29)
    assert w[("p05", "p17")] == pytest.approx(1 / 29)
    strength = sum(v for k, v in w.items() if "p07" in k)
    assert strength == pytest.approx(1.0)
    raw = project_participation(part, size_weighting="count")
    assert raw["weight"].max() == 2.0 and raw["weight"].min() == 1.0


def test_projection_is_symmetric_and_matches_a_plain_count(tiny):
    pairs = project_participation(tiny.participation)
    expected = {("a", "b"): 1, ("a", "c"): 2, ("b", "c"): 1, ("c", "d"): 1}
    found = {tuple(sorted((s, t))): n for s, t, n in
             zip(pairs["source"], pairs["target"], pairs["shared_events"])}
    assert found == expected and len(pairs) == 4  # each pair once


def test_custom_weights_half_life_and_event_cap(tiny):
    flat = tie_table(tiny, event_weights={}, include_reported=False).set_index(["source", "target"])
    assert flat.loc[("a", "c"), "weight"] == 1.5  # 1/2 from the three-person round, 1 from the pair
    decayed = tie_table(tiny, event_weights={}, include_reported=False, half_life=30).set_index(["source", "target"])
    # e1 is ~162 days older than the latest event: it counts 0.5 ** (162/30), halved by its size.
    age = (pd.Timestamp("2024-06-20") - pd.Timestamp("2024-01-10")).days
    assert decayed.loc[("a", "b"), "weight"] == pytest.approx(0.5 ** (age / 30) / 2)
    capped = project_participation(tiny.participation, max_event_size=2)
    assert capped.attrs["skipped_events"] == 1  # the three-person round
    assert {tuple(sorted(p)) for p in zip(capped["source"], capped["target"])} == {("a", "c"), ("c", "d")}


def test_graph_has_actor_attributes_and_all_actors(tiny):
    g = build_graph(tiny)
    assert g.vcount() == 4 and g.ecount() == 4
    v = g.vs.find(name="c")
    assert (v["label"], v["organisation"], v["sector"], v["kind"]) == ("Cia", "O2", "third_sector", "network_hub")
    assert v["knowing"] == 2.0
    lonely = tiny.replace(actors=pd.concat([tiny.actors, pd.DataFrame({"actor_id": ["e"], "name": ["Eve"]})]))
    assert build_graph(lonely).vcount() == 5  # a participant with no ties yet is a node


def test_period_network_keeps_only_active_people(tiny):
    g = build_graph(tiny, period="2024-06")
    assert sorted(g.vs["name"]) == ["a", "c", "d"]
    assert g.ecount() == 2


def test_organisation_sector_and_network_levels(tiny):
    org = build_graph(tiny, level="organisation")
    assert sorted(org.vs["name"]) == ["O1", "O2"]
    assert org.vs.find(name="O1")["internal_weight"] == pytest.approx(1.25)  # a–b
    assert org.es[0]["ties"] == 2  # a–c and b–c; c–d lies inside O2
    assert org.vs.find(name="O2")["internal_weight"] == pytest.approx(4.0)
    sector = build_graph(tiny, level="sector")
    assert sorted(sector.vs["name"]) == ["private", "third_sector"]
    net = build_graph(tiny, level="network")
    edges = {tuple(sorted((net.vs[e.source]["name"], net.vs[e.target]["name"]))): e["shared_people"] for e in net.es}
    # a and c are in the core and theme A; c is also in theme B: c spans all three.
    assert edges == {("core", "theme A"): 2, ("core", "theme B"): 1, ("theme A", "theme B"): 1}


def test_networkx_interop_and_tables(tiny):
    g = build_graph(tiny)
    nxg = to_networkx(g)
    assert nxg.number_of_nodes() == 4 and nxg.number_of_edges() == 4
    assert nxg.nodes["c"]["sector"] == "third_sector"
    assert nxg.edges["a", "c"]["shared_events"] == 2
    vertices, edges = graph_to_tables(g)
    assert set(edges["source"]) | set(edges["target"]) == {"a", "b", "c", "d"}


def test_davis_southern_women_as_a_participation_list(tmp_path):
    G = nx.davis_southern_women_graph()
    women = G.graph["top"]
    rows = ["event,actor"] + [f"{e},{w}" for w in women for e in sorted(G[w])]
    path = tmp_path / "davis.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = read(path)
    assert data.counts()["participation"] == 89
    pairs = project_participation(data.participation)
    assert len(pairs) == 139
    shared = {tuple(sorted((s, t))): n for s, t, n in
              zip(pairs["source"], pairs["target"], pairs["shared_events"])}
    assert shared[("Evelyn Jefferson", "Theresa Anderson")] == 7
    events = project_participation(data.participation, by="event")
    linked = set(zip(events["source"], events["target"])) | set(zip(events["target"], events["source"]))
    early, late = [f"E{i}" for i in range(1, 6)], [f"E{i}" for i in range(10, 15)]
    assert not any((a, b) in linked for a in early for b in late)


def test_sample_builds_fast_at_every_level():
    data = generate_sample()
    for level in ("person", "organisation", "sector", "network"):
        g = build_graph(data, level=level)
        assert g.vcount() > 1 and g.ecount() > 0
    assert build_graph(data, level="network").vcount() == 4


def _plain_projection(part: pd.DataFrame, weight_of: dict) -> dict:
    """For each event, for each pair of its people: add the event's weight and one."""
    from itertools import combinations

    pairs: dict = {}
    for event, group in part.drop_duplicates().groupby("event_id")["actor_id"]:
        for a, b in combinations(sorted(group), 2):
            w, n = pairs.get((a, b), (0.0, 0))
            pairs[(a, b)] = (w + weight_of.get(event, 1.0), n + 1)
    return pairs


def _as_dict(pairs: pd.DataFrame) -> dict:
    return {tuple(sorted((s, t))): (w, n) for s, t, w, n in
            zip(pairs["source"], pairs["target"], pairs["weight"], pairs["shared_events"])}


@pytest.mark.parametrize("block_work, capacity", [(1 << 22, 1 << 28), (40, 7)])
def test_blocked_projection_matches_a_plain_loop(monkeypatch, block_work, capacity):
    # Small blocks and a tiny first allocation exercise the block loop and the growth path.
    import verkostolab.graphs as build

    monkeypatch.setattr(build, "_BLOCK_WORK", block_work)
    monkeypatch.setattr(build, "_FIRST_CAPACITY", capacity)
    modes = []
    inner = build._upper_pairs
    def spy(left, right, mode):
        modes.append(mode[0] if isinstance(mode, tuple) else mode)
        return inner(left, right, mode)

    monkeypatch.setattr(build, "_upper_pairs", spy)
    rng = np.random.default_rng(3)
    people = [f"P{i:03d}" for i in range(60)] + ["Åsa Öberg", "Jääskeläinen"]
    rows = [(f"E{e:02d}", p) for e in range(40)
            for p in rng.choice(people, size=int(rng.integers(1, 14)), replace=False)]
    rows += [("E00", rows[0][1]), ("E07", None), (None, "P001")]  # a repeat and gaps
    part = pd.DataFrame(rows, columns=["event_id", "actor_id"])
    kinds = ["acquaintance", "workshop", "joint_project", "co_development", "no_such_kind"]
    events = pd.DataFrame({"event_id": [f"E{e:02d}" for e in range(40)],
                           "kind": [kinds[e % len(kinds)] if e % 9 else None for e in range(40)],
                           "date": pd.date_range("2024-01-01", periods=40, freq="W")})
    clean = part.dropna()
    # Unit weights: the weight is the count.
    expected = {k: (float(n), n) for k, (_, n) in _plain_projection(clean, {}).items()}
    assert _as_dict(project_participation(part, size_weighting="count")) == expected
    # Kind weights (weight and count in one float64 product).
    kind_of = dict(zip(events["event_id"], events["kind"]))
    weight_of = {e: EVENT_WEIGHTS.get(k, 1.0) if isinstance(k, str) else 1.0
                 for e, k in kind_of.items()}
    plain = _plain_projection(clean, weight_of)
    assert _as_dict(project_participation(part, events, size_weighting="count")) == plain  # exactly
    # Newman's share 1/(n-1) on top of the kind weights (count and weight in one float64).
    sizes = clean.drop_duplicates().groupby("event_id").size()
    shared = _as_dict(project_participation(part, events))
    newman = {e: w / max(sizes.get(e, 2) - 1, 1) for e, w in weight_of.items()}
    for pair, (w, n) in _plain_projection(clean, newman).items():
        assert shared[pair][1] == n and shared[pair][0] == pytest.approx(w, rel=1e-9)
    # Half-life weights, and negative weights (the complex product).
    decayed = _as_dict(project_participation(part, events, half_life=60, size_weighting="count"))
    ref = events["date"].max()
    weight_of = {e: w * 0.5 ** ((ref - d).days / 60)
                 for (e, w), d in zip(weight_of.items(), events["date"])}
    for pair, (w, n) in _plain_projection(clean, weight_of).items():
        assert decayed[pair][1] == n and decayed[pair][0] == pytest.approx(w, rel=1e-9)
    signed = _as_dict(project_participation(part, events, event_weights={"workshop": -1.0},
                                            size_weighting="count"))
    weight_of = {e: -1.0 if k == "workshop" else 1.0 for e, k in kind_of.items()}
    for pair, (w, n) in _plain_projection(clean, weight_of).items():
        assert signed[pair] == (pytest.approx(w), n)
    # Linking events by shared people goes through the same blocks.
    by_event = _as_dict(project_participation(part, by="event"))
    flipped = clean.rename(columns={"event_id": "actor_id", "actor_id": "event_id"})
    assert by_event == {k: (float(n), n) for k, (_, n) in _plain_projection(flipped, {}).items()}
    # Newman's shares and half-life factors ride with the count in one float64 product
    # (the count above a power of two); negative weights take the complex product.
    assert modes == ["unit", "packed", "scaled", "scaled", "complex", "unit"]


def test_projection_of_nothing_and_of_lone_people():
    empty = project_participation(pd.DataFrame({"event_id": [], "actor_id": []}))
    assert list(empty.columns) == ["source", "target", "weight", "shared_events"] and empty.empty
    alone = project_participation(pd.DataFrame({"event_id": ["e1", "e2"], "actor_id": ["a", "b"]}))
    assert alone.empty and alone.attrs["skipped_events"] == 0


def test_two_layers_and_both_views_of_a_reported_pair(tiny):
    both = tiny.replace(ties=pd.concat([tiny.ties, pd.DataFrame({
        "source": ["a"], "target": ["b"], "knowing": [2], "trust": [5], "commitment": [1],
        "date": pd.to_datetime(["2024-03-01"])})], ignore_index=True))
    ties = tie_table(both).set_index(["source", "target"])
    ab = ties.loc[("a", "b")]
    # Met once at the three-person round (0.5 / 2), reported twice (1 each).
    assert ab["met_weight"] == pytest.approx(0.25) and ab["reported_weight"] == pytest.approx(2.0)
    assert ab["weight"] == pytest.approx(ab["met_weight"] + ab["reported_weight"])
    # b's view of a (b reported 4/3/5) and a's view of b (2/5/1) are kept apart.
    assert (ab["knowing_st"], ab["trust_st"], ab["commitment_st"]) == (2.0, 5.0, 1.0)
    assert (ab["knowing_ts"], ab["trust_ts"], ab["commitment_ts"]) == (4.0, 3.0, 5.0)
    assert ab["knowing"] == 3.0  # the mean of the two views stays as before
    cd = ties.loc[("c", "d")]
    assert cd["knowing_st"] == 2.0 and np.isnan(cd["knowing_ts"])
    assert ties.loc[("a", "c"), "reported_weight"] == 0.0
    g = build_graph(both)
    edge = g.es[g.get_eid("a", "b")]
    assert edge["knowing_ts"] == 4.0 and edge["met_weight"] == pytest.approx(0.25)


def test_scaled_projection_splits_count_and_weight_exactly_on_a_large_log():
    """Thousands of events of every size, one person at hundreds of them: the count
    carried above the Newman weights comes back exactly, the weight to 1e-9."""
    import verkostolab.graphs as build

    rng = np.random.default_rng(7)
    rows = []
    for e in range(3000):
        size = int(rng.integers(2, 120))
        people = rng.choice(400, size=size, replace=False)
        rows += [(f"e{e}", f"p{p}") for p in people]
        rows.append((f"e{e}", "hub"))  # the hub attends every event
    part = pd.DataFrame(rows, columns=["event_id", "actor_id"])
    got = project_participation(part).set_index(["source", "target"])
    ev_size = part.groupby("event_id").size()
    members = part.groupby("event_id")["actor_id"].apply(list)
    hub_pairs = {}
    for e, people in members.items():
        for p in people:
            if p != "hub":
                w, n = hub_pairs.get(p, (0.0, 0))
                hub_pairs[p] = (w + 1.0 / (ev_size[e] - 1), n + 1)
    for p, (w, n) in hub_pairs.items():
        key = (p, "hub") if (p, "hub") in got.index else ("hub", p)
        assert got.loc[key, "shared_events"] == n
        assert got.loc[key, "weight"] == pytest.approx(w, rel=1e-9)
    assert build._scaled_unit(np.array([1e-30, 1.0]), 3000) is None  # too small to carry
    assert build._scaled_unit(np.array([-0.5, 1.0]), 10) is None
