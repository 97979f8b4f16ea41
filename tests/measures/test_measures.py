"""Measures against published values, on the sample network, and for change and stage."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from verkostolab import read
from verkostolab.graphs import build_graph
from verkostolab.tables.data import NetworkData
from verkostolab.measures import (boundary_spanners, communities, compare_graphs, compare_periods,
                                  network_measures, network_stage, node_measures)
from verkostolab.datasets import generate_sample


def edge_list_file(tmp_path, graph: nx.Graph, name: str):
    path = tmp_path / f"{name}.csv"
    lines = ["source,target"] + [f"{a},{b}" for a, b in graph.edges()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sample():
    data = generate_sample()
    graph = build_graph(data)
    return data, graph, node_measures(graph)


def test_florentine_families(tmp_path):
    g = build_graph(read(edge_list_file(tmp_path, nx.florentine_families_graph(), "florentine")))
    nodes = node_measures(g)
    medici = nodes.loc["Medici"]
    assert medici["degree"] == 6
    assert medici["betweenness_raw"] == pytest.approx(47.5)
    assert medici["betweenness"] == pytest.approx(0.522, abs=5e-4)
    assert nodes["betweenness"].idxmax() == "Medici"
    summary = network_measures(g)
    assert summary["transitivity"] == pytest.approx(0.1915, abs=5e-5)
    assert summary["nodes"] == 15 and summary["ties"] == 20
    expected = nx.closeness_centrality(nx.florentine_families_graph())
    for family, value in expected.items():
        assert nodes.loc[family, "closeness"] == pytest.approx(value)


def test_karate_club(tmp_path):
    G = nx.karate_club_graph()
    g = build_graph(read(edge_list_file(tmp_path, nx.Graph(G.edges()), "karate")))
    nodes = node_measures(g)
    assert nodes.loc["0", "betweenness_raw"] == pytest.approx(231.07, abs=0.01)
    assert nodes.loc["33", "betweenness_raw"] == pytest.approx(160.55, abs=0.01)
    assert nodes.loc["33", "degree"] == 17
    H = nx.Graph(G.edges())
    for name, expected in [("clustering", nx.clustering(H)), ("constraint", nx.constraint(H)),
                           ("effective_size", nx.effective_size(H)), ("coreness", nx.core_number(H))]:
        for node, value in expected.items():
            assert nodes.loc[str(node), name] == pytest.approx(value), (name, node)
    eig = nx.eigenvector_centrality_numpy(H)
    top = max(eig.values())
    assert nodes.loc["0", "eigenvector"] == pytest.approx(eig[0] / top)
    pr = nx.pagerank(H)
    assert nodes.loc["33", "pagerank"] == pytest.approx(pr[33], rel=1e-4)
    summary = network_measures(g)
    assert summary["average_clustering"] == pytest.approx(nx.average_clustering(H))
    assert summary["average_path_length"] == pytest.approx(nx.average_shortest_path_length(H))
    assert summary["diameter"] == 5
    assert 0.35 < summary["modularity"] < 0.45 and summary["communities"] >= 3


def test_communities_are_reproducible_for_a_seed():
    g = ig.Graph.Famous("Zachary")
    a, b = communities(g, seed=7), communities(g, seed=7)
    assert (a == b).all()
    assert a[0] != a[33]  # the two factions of the club
    sizes = np.bincount(a)
    assert (np.diff(sizes) <= 0).all()  # numbered by size


def test_sampled_path_measures_above_the_exact_limit():
    g = ig.Graph.Barabasi(3000, 3)
    g.vs["name"] = [f"v{i}" for i in range(g.vcount())]
    sampled = node_measures(g, exact_limit=1000, samples=300, epsilon=0.02, seed=1)
    exact = node_measures(g)
    assert list(sampled.attrs["estimated"]) == ["betweenness", "betweenness_raw", "closeness"]
    assert sampled.attrs["estimated"]["closeness"]["sources"] == 300
    assert sampled.attrs["estimated"]["betweenness"]["epsilon"] <= 0.02
    assert exact.attrs["estimated"] == {}
    # The bound is absolute: nodes far below ε are ranked by chance, the top is not.
    rho = pd.Series(sampled["betweenness"]).corr(exact["betweenness"], method="spearman")
    assert rho > 0.8
    assert (sampled["betweenness"] - exact["betweenness"]).abs().max() <= 0.02
    top = exact["betweenness"].nlargest(30).index
    assert len(set(top) & set(sampled["betweenness"].nlargest(30).index)) >= 24
    rel = (sampled.loc[top, "closeness"] / exact.loc[top, "closeness"] - 1).abs()
    assert rel.median() < 0.05


def test_sample_network_reads_sensibly(sample):
    data, graph, nodes = sample
    orgs = data.organisations.set_index("organisation_id")
    kind = nodes["organisation"].map(orgs["kind"])
    # The network hub and the incubator broker between sectors: on strength (paths of
    # 1/weight), the hub's coordinator leads and the incubator follows; the chair of the
    # politicians' group (the sample's silo) is its bridge and in the top five too.
    top5 = nodes.nlargest(5, "betweenness")
    assert kind[top5.index[0]] == "network_hub" and kind[top5.index[1]] == "incubator"
    assert "P56" in top5.index
    # ... the coordinator reaches every sector, the other hub and incubator people at least
    # five (the politicians keep to themselves).
    spanners = boundary_spanners(graph, by="sector")
    sectors = data.organisations["sector"].nunique()
    assert len(spanners.loc[top5.index[0], "connects"]) == sectors
    for person in top5.index[kind[top5.index].isin(["network_hub", "incubator"])]:
        assert len(spanners.loc[person, "connects"]) >= sectors - 1
    # The nearly isolated people are at the edge.
    edge = nodes.nsmallest(2, "degree")
    assert (edge["coreness"] < nodes["coreness"].median()).all()
    summary = network_measures(graph, ties=data.ties, membership=nodes["community"].to_numpy())
    assert summary["components"] == 1
    assert summary["cross_sector_share"] > 0.5 and summary["ei_sector"] > 0
    assert summary["communities"] >= 3
    assert 0 <= summary["reciprocity"] < 0.5
    stage = network_stage(graph, nodes)
    assert stage.code in {"multi_hub", "core_periphery"}
    assert "keskittyneisyys" in stage.explain("fi") or "ydin" in stage.explain("fi")
    assert stage.evidence["degree_centralisation"] < 0.5


def test_boundary_spanners_between_theme_networks(sample):
    data, graph, _ = sample
    spanners = boundary_spanners(graph, by="network", data=data)
    assert spanners.index[0] in set(
        data.actors.merge(data.organisations, on="organisation_id")
        .query("kind in ['network_hub', 'incubator']")["actor_id"])
    assert spanners["links"].max() == 6  # four networks: six pairs


def test_sole_bridge_is_found():
    # Two sectors linked only through b (a–b–c), plus a direct public pair.
    data = NetworkData(
        organisations=pd.DataFrame({"organisation_id": ["O1", "O2"], "name": ["A", "B"],
                                    "sector": ["private", "public"]}),
        actors=pd.DataFrame({"actor_id": list("abcd"), "name": list("ABCD"),
                             "organisation_id": ["O1", "O1", "O2", "O2"]}),
        ties=pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"]}))
    graph = build_graph(data)
    assert network_stage(graph).code in {"hub_and_spoke", "multi_hub"}
    spanners = boundary_spanners(graph, by="sector")
    # b and c are the tie between the sectors; the pair is linked directly, so no sole link.
    assert set(spanners.index) == {"b", "c"}
    assert spanners["n_sole_links"].sum() == 0


def test_stages_on_textbook_shapes():
    star = ig.Graph.Star(12)
    assert network_stage(star).code == "hub_and_spoke"
    fragments = ig.Graph.Ring(4) + ig.Graph.Ring(4) + ig.Graph.Ring(4)
    assert network_stage(fragments).code == "fragments"
    # A dense core of 8 with 16 peripheral people each tied to one core member.
    core = ig.Graph.Full(8)
    cp = core + ig.Graph(16)
    cp.add_edges([(i % 8, 8 + i) for i in range(16)])
    stage = network_stage(cp)
    assert stage.code == "core_periphery", stage.evidence
    small_world = ig.Graph.Watts_Strogatz(1, 60, 3, 0.1)
    assert network_stage(small_world).code == "multi_hub"


def test_change_between_two_small_rounds():
    base = dict(
        organisations=pd.DataFrame({"organisation_id": ["O1", "O2"], "name": ["A", "B"],
                                    "sector": ["private", "public"]}),
        actors=pd.DataFrame({"actor_id": list("abcde"), "name": list("ABCDE"),
                             "organisation_id": ["O1", "O1", "O2", "O2", "O2"]}),
        events=pd.DataFrame({"event_id": ["r1", "r2"], "date": pd.to_datetime(["2024-01-01", "2024-06-01"]),
                             "kind": ["meeting", "meeting"]}),
    )
    data = NetworkData(**base, ties=pd.DataFrame({
        "source": ["a", "a", "b", "a", "a", "c"], "target": ["b", "c", "d", "b", "c", "e"],
        "event_id": ["r1", "r1", "r1", "r2", "r2", "r2"], "weight": [1, 1, 1, 3, 1, 2]}))
    change = compare_periods(data, "2024-01", "2024-06")
    status = change.ties.set_index(["source", "target"])["status"].to_dict()
    # b–d was reported in January and not in June: within the 12-month dormancy window.
    assert status == {("a", "b"): "strengthened", ("a", "c"): "continuing", ("b", "d"): "dormant",
                      ("c", "e"): "new"}
    counts = change.counts()
    assert counts["new_ties"] == 1 and counts["dormant_ties"] == 1 and counts["lost_ties"] == 0
    short = compare_periods(data, "2024-01", "2024-06", dormant_after=4)
    assert short.counts()["lost_ties"] == 1
    assert counts["new_cross_sector_ties"] == 0  # c and e are both public
    people = change.people["status"].to_dict()
    assert people["e"] == "newcomer" and people["d"] == "dropped_out"
    assert change.summary.loc["ties", "change"] == 0


def test_change_on_the_sample(sample):
    data = sample[0]
    change = compare_periods(data, "2024-09:2024-12", "2025-01:2025-05")
    counts = change.counts()
    assert counts["new_ties"] > 0 and counts["strengthened_ties"] > 0
    assert counts["new_cross_sector_ties"] <= counts["new_ties"]
    assert set(change.summary.columns) == {"2024-09:2024-12", "2025-01:2025-05", "change"}
    moved = change.moved_to_core
    assert (~moved["core_before"] & moved["core_after"]).all()


def _event_network(seed: int = 4) -> ig.Graph:
    """A person network projected from meetings: cliques that overlap, many triangles."""
    rng = np.random.default_rng(seed)
    people = [f"P{i:03d}" for i in range(150)]
    rows = [(f"E{e}", p) for e in range(60)
            for p in rng.choice(people, size=int(rng.integers(3, 25)), replace=False)]
    part = pd.DataFrame(rows, columns=["event_id", "actor_id"])
    return build_graph(NetworkData(actors=pd.DataFrame({"actor_id": people, "name": people}),
                                   participation=part))


@pytest.mark.filterwarnings("ignore:Some eigenvector centralities:RuntimeWarning")
@pytest.mark.parametrize("wedge_block, table_limit", [(1 << 20, 1 << 20), (97, 1 << 20), (97, 0)])
def test_constraint_and_eigenvector_agree_with_igraph(monkeypatch, wedge_block, table_limit):
    from verkostolab.measures import centrality

    # Many blocks of paths too, closed by the lookup table or by the sorted search.
    monkeypatch.setattr(centrality, "_WEDGE_BLOCK", wedge_block)
    monkeypatch.setattr(centrality, "_TABLE_LIMIT", table_limit)
    rng = np.random.default_rng(9)
    ba = ig.Graph.Barabasi(600, 4)
    ba.es["weight"] = rng.integers(1, 6, ba.ecount()).astype(float).tolist()
    # Parallel ties, a loop, an isolated node and a separate triangle.
    odd = ig.Graph(n=8, edges=[(0, 1), (0, 1), (1, 2), (2, 0), (3, 3), (3, 4),
                               (5, 6), (6, 7), (7, 5)])
    odd.es["weight"] = [1.0, 2.0, 1.5, 1.0, 4.0, 1.0, 2.0, 2.0, 1.0]
    for g in (ba, odd, _event_network()):
        w = g.es["weight"]
        ours = centrality.burt_constraint(g)
        theirs = np.asarray(g.constraint(weights=w), dtype=float)
        isolated = np.asarray(g.strength(loops=False, weights=w)) == 0
        assert np.isnan(ours[isolated]).all()
        assert ours[~isolated] == pytest.approx(theirs[~isolated], rel=1e-12)
        eig = centrality._eigenvector(g, centrality._edge_array(g), np.asarray(w))
        assert eig == pytest.approx(np.asarray(g.eigenvector_centrality(weights=w)), abs=1e-9)
    H = nx.Graph()
    H.add_weighted_edges_from((str(a), str(b), w)
                              for (a, b), w in zip(ba.get_edgelist(), ba.es["weight"]))
    expected = nx.constraint(H, weight="weight")
    ours = centrality.burt_constraint(ba)
    assert [ours[i] for i in range(50)] == pytest.approx([expected[str(i)] for i in range(50)])


def test_sources_follow_the_budget_of_work():
    from verkostolab.measures.centrality import PAIR_BUDGET, PATH_BUDGET, sample_sizes

    # A million ties: 32 sources for betweenness (4m visits each), 64 for closeness (2m).
    assert sample_sizes(100_000, 1_000_000) == (32, 64)
    assert sample_sizes(100_000, 10_000_000) == (16, 16)  # never fewer than 16 ...
    assert sample_sizes(20_000, 50_000) == (256, 256)  # ... nor more than 256
    assert sample_sizes(6_000, 48_000, samples=40) == (40, 40)
    assert sample_sizes(300, 100, samples=999) == (300, 300)
    g = ig.Graph.Barabasi(3000, 3)
    g.vs["name"] = [f"v{i}" for i in range(g.vcount())]
    budget = PATH_BUDGET * g.ecount() / 1_000_000  # as many sources as on a million ties
    # As many pairs as on a million ties (about 4,000 there; a pair visits ~4√m tie ends).
    pair_budget = PAIR_BUDGET * 4 * g.ecount() ** 0.5 / 4_000
    m = node_measures(g, exact_limit=1000, budget=budget, pair_budget=pair_budget, seed=2)
    assert (m.attrs["samples"], m.attrs["closeness_samples"]) == (64, 64)
    assert list(m.attrs["estimated"]) == ["betweenness", "betweenness_raw", "closeness"]
    assert 1_000 <= m.attrs["pairs"] <= 20_000
    again = node_measures(g, exact_limit=1000, budget=budget, pair_budget=pair_budget, seed=2)
    pd.testing.assert_frame_equal(m, again)  # reproducible for a seed, communities too
    exact = node_measures(g)
    assert pd.Series(m["betweenness"]).corr(exact["betweenness"], method="spearman") > 0.8
    assert m["betweenness_raw"].sum() == pytest.approx(exact["betweenness_raw"].sum(), rel=0.1)
    assert (m["closeness"] / exact["closeness"] - 1).abs().median() < 0.05
