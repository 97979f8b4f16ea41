"""Structure judged on tie strength: a one-off plenary erases neither a silo nor a
broker, and the picture draws the backbone (networks built so that the truth is known)."""

from __future__ import annotations

import pandas as pd
import pytest

from verkostolab.graphs import backbone, build_graph
from verkostolab.measures import communities, node_measures
from verkostolab.tables.data import NetworkData
from verkostolab.viz import network_picture

SILO = [f"s{i}" for i in range(6)]
OTHERS = [f"o{i}" for i in range(6)]


def silo_with_a_bridge():
    """A silo of six (their own organisation, meeting monthly), another group of six
    meeting monthly, one bridge person who takes part in both groups' meetings, and one
    plenary where all thirteen met once."""
    people = SILO + OTHERS + ["bridge"]
    events, part = [("plenary", "2024-01-10", "workshop")], [("plenary", p) for p in people]
    for month in range(2, 8):
        for group, members in (("silo", SILO), ("others", OTHERS)):
            eid = f"{group}-{month}"
            events.append((eid, f"2024-{month:02d}-05", "meeting"))
            part += [(eid, p) for p in members + ["bridge"]]
    orgs = {**{p: "S" for p in SILO}, **{p: "O" for p in OTHERS}, "bridge": "B"}
    return NetworkData(
        organisations=pd.DataFrame({"organisation_id": ["S", "O", "B"], "name": ["S", "O", "B"],
                                    "sector": ["public", "private", "third_sector"]}),
        actors=pd.DataFrame({"actor_id": people, "name": people,
                             "organisation_id": [orgs[p] for p in people]}),
        events=pd.DataFrame(events, columns=["event_id", "date", "kind"]).assign(
            date=lambda f: pd.to_datetime(f["date"])),
        participation=pd.DataFrame(part, columns=["event_id", "actor_id"]))


def test_the_bridge_is_found_on_strength_even_with_the_plenary():
    data = silo_with_a_bridge()
    g = build_graph(data)
    assert g.density() == pytest.approx(1.0)  # the plenary tied everyone to everyone
    on_strength = node_measures(g)
    steps = node_measures(g, paths="steps")
    # Counting steps, the plenary's direct ties leave nobody in between.
    assert steps["betweenness"].max() == pytest.approx(0.0)
    # On strength the path silo → bridge → others (two strong ties) is shorter than the
    # faint plenary tie, so every path between the groups runs through the bridge.
    assert on_strength["betweenness"].idxmax() == "bridge"
    assert on_strength.loc["bridge", "betweenness_raw"] == pytest.approx(36.0)
    assert on_strength.drop("bridge")["betweenness"].max() == pytest.approx(0.0)
    # The silo is found as a community of its own.
    found = dict(zip(g.vs["name"], communities(g, seed=0)))
    assert len({found[p] for p in SILO}) == 1 and found["s0"] != found["o0"]


def test_the_backbone_leaves_out_the_plenary_and_says_how_much():
    data = silo_with_a_bridge()
    g = build_graph(data)
    keep = backbone(g)
    names = g.vs["name"]
    kept = {tuple(sorted((names[e.source], names[e.target]))) for e in g.es if keep[e.index]}
    # No tie between the silo and the other group survives; the bridge's ties do.
    assert not any((a in SILO and b in OTHERS) or (a in OTHERS and b in SILO) for a, b in kept)
    assert ("bridge", "s0") in kept and ("bridge", "o0") in kept
    picture = network_picture(data, lang="en")
    assert picture.hidden == g.ecount() - len(picture.ties) == g.ecount() - int(keep.sum())
    assert picture.hidden >= 36  # at least the 6 × 6 plenary ties between the groups
    assert f"{picture.hidden} of {g.ecount()} faint ties hidden" in picture.notes[0]
    caption = next(r for r in picture.figure.below if getattr(r, "name", None) == "caption")
    assert "disparity filter" in " ".join(caption.text.split())  # wrapped under the plot
    everything = network_picture(data, lang="en", backbone_alpha=None)
    assert len(everything.ties) == g.ecount() and everything.hidden == 0


def test_the_sample_picture_is_a_backbone_not_a_hairball():
    from verkostolab.datasets import generate_sample

    data = generate_sample()
    g = build_graph(data)
    picture = network_picture(data, lang="fi")
    drawn = len(picture.ties)
    assert drawn + picture.hidden == g.ecount()
    n = g.vcount()
    assert drawn / (n * (n - 1) / 2) <= 0.15
    assert "piilotettu" in picture.notes[0]


def test_e_i_on_strength_is_not_swamped_by_the_plenary():
    from verkostolab.measures import network_measures

    g = build_graph(silo_with_a_bridge())
    summary = network_measures(g)
    # By counts, 48 of the 78 ties cross sectors (36 of them only from the plenary).
    assert summary["cross_sector_share"] == pytest.approx(48 / 78)
    # By strength: group ties weigh 6 × 1/6 + 1/12, plenary-only ties 1/12.
    group_tie = 1 + 1 / 12
    cross = 36 / 12 + 12 * group_tie
    total = 30 * group_tie + cross
    assert summary["cross_sector_strength_share"] == pytest.approx(cross / total)
    assert summary["ei_sector_strength"] == pytest.approx((2 * cross - total) / total)
