"""Views on the sample network: what is drawn, in both languages, and stable positions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bokeh.models import GlyphRenderer, Legend, LegendItem

from verkostolab.graphs import backbone, build_graph
from verkostolab.measures import node_measures
from verkostolab.datasets import generate_sample
from verkostolab.viz import (annual_clock, distribution_chart, evaluation_chart, growth_chart,
                             ktc_chart, layout_positions, network_picture, networks_chart, save_html)


@pytest.fixture(scope="module")
def data():
    return generate_sample()


def renderers(fig, prefix):
    return [r for r in fig.renderers if isinstance(r, GlyphRenderer) and (r.name or "").startswith(prefix)]


def drawn(fig, prefix):
    return sum(len(r.data_source.data[next(iter(r.data_source.data))]) for r in renderers(fig, prefix))


def legend_labels(fig):
    legend = next(l for l in fig.select(type=Legend))
    return [item.label.value for item in legend.items]


def test_picture_draws_every_node_and_the_backbone(data):
    pic = network_picture(data)
    graph = build_graph(data)
    assert drawn(pic.figure, "nodes_") == graph.vcount() == 60
    # The backbone is drawn (the disparity filter); the rest is counted as hidden.
    assert drawn(pic.figure, "ties_") == int(backbone(graph).sum()) == graph.ecount() - pic.hidden
    assert drawn(network_picture(data, backbone_alpha=None).figure, "ties_") == graph.ecount()
    assert len(pic.ties) + pic.hidden == graph.ecount()
    labels = legend_labels(pic.figure)
    assert {"yksityinen sektori", "julkinen sektori", "kolmas sektori", "tutkimus"} <= set(labels)
    assert "yhteiskehittäminen tai yhteinen hanke" in labels
    assert {"verkostohubi", "hautomo"} <= set(labels)
    assert pic.figure.title.text.startswith("Verkostokuva")


def test_picture_in_english_with_pseudonyms(data, monkeypatch):
    monkeypatch.setenv("VERKOSTOLAB_SALT", "test-salt")
    pic = network_picture(data, lang="en", pseudonymise=True)
    labels = legend_labels(pic.figure)
    assert {"private sector", "public sector", "third sector", "research"} <= set(labels)
    assert "co-development or joint project" in labels
    html = save_html(pic.figure, "/dev/null") and None
    names = set(data.actors["name"])
    shown = set(pic.nodes["label"])
    assert not names & shown
    assert all(label.startswith("Actor ") for label in shown)
    again = network_picture(data, lang="en", pseudonymise=True)
    assert list(again.nodes["label"]) == list(pic.nodes["label"])  # stable pseudonyms


def test_pseudonymised_html_has_no_real_names(data, tmp_path, monkeypatch):
    monkeypatch.setenv("VERKOSTOLAB_SALT", "test-salt")
    path = save_html(network_picture(data, pseudonymise=True).figure, tmp_path / "p.html")
    text = path.read_text(encoding="utf-8")
    for name in data.actors["name"]:
        assert name not in text
    assert "Toimija " in text


def test_positions_stay_the_same_across_periods(data):
    autumn = network_picture(data, period="2024-09:2024-12")
    spring = network_picture(data, period="2025-01:2025-05", previous=data.filter(period="2024-09:2024-12"))
    both = autumn.nodes.index.intersection(spring.nodes.index)
    assert len(both) > 50
    pd.testing.assert_frame_equal(autumn.nodes.loc[both, ["x", "y"]], spring.nodes.loc[both, ["x", "y"]])
    # New ties of the spring are highlighted, and only those.
    assert spring.ties["new"].sum() > 0
    assert drawn(spring.figure, "ties_new") == spring.ties["new"].sum()
    old = set(zip(autumn.ties["source"], autumn.ties["target"]))
    new_pairs = spring.ties[spring.ties["new"]]
    assert not any((a, b) in old or (b, a) in old for a, b in zip(new_pairs["source"], new_pairs["target"]))


def test_pinned_layout_places_only_newcomers(data):
    graph = build_graph(data)
    first = layout_positions(graph)
    grown = build_graph(data.replace(actors=pd.concat([data.actors, pd.DataFrame(
        {"actor_id": ["NEW"], "name": ["Uusi Tulija"]})]), ties=pd.concat([data.ties, pd.DataFrame(
        {"source": ["NEW"], "target": ["P01"]})])))
    second = layout_positions(grown, fixed=first)
    pd.testing.assert_frame_equal(second.loc[first.index], first)
    assert np.isfinite(second.loc["NEW"]).all()


def test_size_by_measure_and_weak_ties_hidden(data):
    pic = network_picture(data, size_by="betweenness", min_weight=2.0)
    measures = node_measures(build_graph(data))
    biggest = pic.nodes["size"].idxmax()
    assert biggest == measures["betweenness"].idxmax()
    assert (pic.ties["weight"] >= 2.0).all() and len(pic.ties) < 984


@pytest.mark.parametrize("level,nodes", [("organisation", 26), ("sector", 6), ("network", 4)])
def test_pictures_at_other_levels(data, level, nodes):
    pic = network_picture(data, level=level)
    if level == "network":  # the network of networks (viz/networks.py): a circle per network
        assert len(pic.figure.select_one({"name": "network_circles"}).data_source.data["network"]) == nodes
    else:
        assert drawn(pic.figure, "nodes_") == nodes


def test_ktc_chart_suppresses_small_groups():
    scores = pd.DataFrame({"item": ["trust.goodwill", "trust.goodwill", "knowing.needs", "knowing.needs"],
                           "group": ["public", "politics", "public", "politics"],
                           "mean": [3.5, 4.0, 2.5, 3.0], "n": [12, 4, 12, 4]})
    fig = ktc_chart(scores, lang="en")
    bars = renderers(fig, "ktc_")
    assert [r.name for r in bars] == ["ktc_public"]
    assert "politics" not in str(fig.select(type=LegendItem))
    assert any("fewer than 5" in (t.text or "") for t in fig.below if hasattr(t, "text"))


def test_other_charts_on_the_sample(data):
    rounds = [("syksy", data.filter(period="2024-09:2024-12")), ("kevät", data.filter(period="2025-01:2025-05"))]
    growth = growth_chart(rounds, lang="fi")
    assert growth.tags[0]["round"] == ["syksy", "kevät"]
    assert all(0 < d < 1 for d in growth.tags[0]["density"])
    dist = distribution_chart(node_measures(build_graph(data))["degree"], measure="degree", lang="en")
    assert dist.title.text == "Distribution: degree"
    net = networks_chart(data, lang="fi")
    assert drawn(net, "network_nodes") == 4 and drawn(net, "network_links") == 6
    clock = annual_clock(data, lang="fi")
    wedges = renderers(clock, "clock_")
    assert sum(sum(r.data_source.data["n"]) for r in wedges) == data.events["date"].notna().sum()
    months = next(m for m in clock.center if getattr(m, "name", None) == "months")
    assert months.source.data["text"][0] == "tammi"
    evaluation = evaluation_chart(pd.DataFrame({"label": ["Luottamus", "Siilot"], "kind": ["strength", "target"],
                                                "score": [0.7, 0.4]}), lang="fi")
    assert list(evaluation.y_range.factors) == ["Siilot", "Luottamus"]
