"""One analysis (issue 13 item 4): the graph, node measures, network figures and stage of
``analyse(data, ...)`` are built once and shared by the advice, the picture, the charts,
the comparison of periods and the impact app; they equal the figures computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import verkostolab.graphs as graphs_module
import verkostolab.measures.centrality as centrality_module
from verkostolab.advice import Context, evaluate, tips
from verkostolab.datasets import load_sample
from verkostolab.graphs import build_graph
from verkostolab.measures import (Analysis, analyse, compare_graphs, compare_periods,
                                  network_measures, network_stage, node_measures)
from verkostolab.viz import growth_chart, network_picture

BEFORE, AFTER = "2024-09:2024-12", "2025-01:2025-05"


@pytest.fixture
def data():
    """A data object of its own for each test: nothing is cached for it yet."""
    return load_sample()


@pytest.fixture
def counted(monkeypatch):
    """Counts calls of build_graph and node_measures (as Analysis calls them)."""
    calls = {"build_graph": 0, "node_measures": 0}

    def counting(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(graphs_module, "build_graph")
    counting(centrality_module, "node_measures")
    return calls


def _same_summary(a: dict, b: dict):
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, float) and math.isnan(x):
            assert isinstance(y, float) and math.isnan(y), key
        else:
            assert x == y, key


# --------------------------------------------------------------------------- the cache
def test_the_same_data_and_options_give_the_same_analysis(data):
    first = analyse(data, period=BEFORE, seed=2)
    assert analyse(data, period=BEFORE, seed=2) is first
    assert analyse(data, seed=2, period=BEFORE) is first  # keyword order does not matter
    assert analyse(data, period=BEFORE, seed=3) is not first
    assert analyse(data, period=AFTER, seed=2) is not first
    assert analyse(data, period=BEFORE, seed=2, level="organisation") is not first
    assert analyse(data, period=BEFORE, seed=2, half_life=90.0) is not first
    assert analyse(load_sample(), period=BEFORE, seed=2) is not first  # equal data, other object
    assert first.graph is analyse(data, period=BEFORE, seed=2).graph


def test_an_analysis_builds_once(data, counted):
    a = analyse(data)
    for _ in range(3):
        a.graph, a.nodes, a.summary, a.stage, analyse(data).nodes
    assert counted == {"build_graph": 1, "node_measures": 1}


def test_unknown_graph_options_are_refused(data):
    with pytest.raises(TypeError, match="colour"):
        analyse(data, colour="red")


# --------------------------------------------------------------------------- by hand
@pytest.mark.parametrize("options", [{}, {"period": BEFORE, "seed": 3}, {"level": "organisation"}],
                         ids=["whole", "period-seed", "organisation"])
def test_figures_equal_those_computed_by_hand(data, options):
    level, seed = options.get("level", "person"), options.get("seed", 0)
    graph = build_graph(data, level=level, period=options.get("period"))
    nodes = node_measures(graph, seed=seed)
    summary = network_measures(graph, seed=seed, ties=data.ties if level == "person" else None,
                               membership=nodes["community"].to_numpy())
    stage = network_stage(graph, nodes)

    a = analyse(data, **options)
    assert a.graph.vcount() == graph.vcount() > 0 and a.graph.ecount() == graph.ecount() > 0
    assert sorted(a.graph.get_edgelist()) == sorted(graph.get_edgelist())
    assert a.graph.es["weight"] == graph.es["weight"]
    pd.testing.assert_frame_equal(a.nodes, nodes)
    _same_summary(a.summary.to_dict(), summary.to_dict())
    assert (a.stage.code, a.stage.evidence) == (stage.code, stage.evidence)
    figures = a.to_dict()
    assert figures["stage"] == stage.code and figures["nodes"] == graph.vcount()
    assert figures["level"] == level


# --------------------------------------------------------------------------- the picture
def test_the_picture_of_an_analysis_builds_nothing(data, counted):
    a = analyse(data)
    a.graph, a.nodes  # built here, once
    assert counted == {"build_graph": 1, "node_measures": 1}
    picture = network_picture(a, lang="en")
    assert counted == {"build_graph": 1, "node_measures": 1}
    assert list(picture.nodes.index) == [str(v) for v in a.graph.vs["name"]]
    assert picture.nodes["degree"].tolist() == a.nodes["degree"].tolist()
    assert picture.nodes["betweenness"].tolist() == a.nodes["betweenness"].round(3).tolist()
    # the backbone is drawn (wt-14): drawn and hidden ties make up the analysis's ties
    assert len(picture.ties) + picture.hidden == a.graph.ecount()
    # The same through analysis= and through the old call form.
    network_picture(data, analysis=a, size_by="betweenness")
    again = network_picture(data, lang="en")
    assert counted == {"build_graph": 1, "node_measures": 1}
    assert again.nodes["degree"].tolist() == picture.nodes["degree"].tolist()
    assert np.allclose(again.positions.to_numpy(), picture.positions.to_numpy())


def test_the_old_call_form_analyses_the_data_once(data, counted):
    network_picture(data, period=BEFORE, lang="fi")
    # The period's graph and, for the positions, the whole data's graph.
    assert counted == {"build_graph": 2, "node_measures": 1}
    picture = network_picture(data, period=BEFORE, lang="en")
    assert counted == {"build_graph": 2, "node_measures": 1}
    a = analyse(data, period=BEFORE)
    assert picture.nodes["degree"].tolist() == a.nodes["degree"].tolist()
    assert set(picture.nodes.index) == set(a.nodes.index)


def test_the_picture_does_not_change_the_analysis(data):
    a = analyse(data, period=AFTER)
    columns, degree = list(a.nodes.columns), a.nodes["degree"].copy()
    attributes = sorted(a.graph.vs.attributes())
    network_picture(a, size_by="pagerank", pseudonymise=True, previous=analyse(data, period=BEFORE))
    assert list(a.nodes.columns) == columns and a.nodes["degree"].equals(degree)
    assert sorted(a.graph.vs.attributes()) == attributes


def test_the_picture_refuses_options_the_analysis_does_not_have(data):
    a = analyse(data, period=BEFORE)
    network_picture(a, period=BEFORE, level="person", seed=0)  # repeating them is fine
    with pytest.raises(ValueError, match="period"):
        network_picture(a, period=AFTER)
    with pytest.raises(ValueError, match="level"):
        network_picture(a, level="organisation")
    with pytest.raises(ValueError, match="other data"):
        network_picture(load_sample(), analysis=a)


def test_previous_as_an_analysis_marks_the_same_new_ties(data):
    with_data = network_picture(data, period=AFTER, previous=data.filter(period=BEFORE))
    with_analysis = network_picture(analyse(data, period=AFTER), previous=analyse(data, period=BEFORE))
    assert with_data.ties["new"].sum() > 0
    assert with_data.ties["new"].tolist() == with_analysis.ties["new"].tolist()


# --------------------------------------------------------------------------- the advice
def test_context_and_picture_agree_on_the_node_measures(data):
    context = Context.from_data(data)
    picture = network_picture(data)
    a = analyse(data)
    assert context.analysis is a
    assert context.graph is a.graph and context.nodes is a.nodes
    assert context.summary is a.summary and context.stage is a.stage
    assert picture.nodes["degree"].tolist() == context.nodes["degree"].tolist()
    assert picture.nodes["betweenness"].tolist() == context.nodes["betweenness"].round(3).tolist()


def test_context_of_an_analysis_reads_its_period(data, counted):
    a = analyse(data, period=BEFORE, seed=4)
    context = Context.from_data(a)
    assert context.graph is a.graph and context.seed == 4
    assert set(context.data.events["event_id"]) == set(data.filter(period=BEFORE).events["event_id"])
    assert len(context.data.events) < len(data.events)
    assert context.ties.shape[0] == a.graph.ecount()
    assert Context.from_data(data.filter(period=BEFORE), analysis=a).nodes is a.nodes
    assert counted == {"build_graph": 1, "node_measures": 1}
    # tips and evaluate take the analysis and build nothing more.
    assert len(tips(a)) > 0
    evaluate(a)
    assert counted == {"build_graph": 1, "node_measures": 1}


def test_the_advice_needs_people(data):
    with pytest.raises(ValueError, match="person"):
        Context.from_data(analyse(data, level="sector"))


def test_tips_of_an_analysis_equal_tips_of_its_data(data):
    from_data = tips(data)
    from_analysis = tips(analyse(data))
    assert [(t.rule, t.actors) for t in from_data] == [(t.rule, t.actors) for t in from_analysis]


# --------------------------------------------------------------------------- change, charts, apps
def test_compare_periods_analyses_each_period_once(data, counted):
    change = compare_periods(data, BEFORE, AFTER, seed=1)
    assert counted["build_graph"] == 2
    before, after = analyse(data, period=BEFORE, seed=1), analyse(data, period=AFTER, seed=1)
    network_picture(before), network_picture(after, previous=before)
    assert counted["build_graph"] == 3  # only the whole data, for the positions
    # The same change as from graphs built by hand.
    by_hand = compare_graphs(build_graph(data, period=BEFORE), build_graph(data, period=AFTER),
                             seed=1, before_label=BEFORE, after_label=AFTER)
    # Ratings by direction (wt-14) may decide a pair that weights alone would not: the
    # new ties and the pairs present in both periods are the same as by hand.
    ours, theirs = change.counts(), by_hand.counts()
    assert ours["new_ties"] == theirs["new_ties"] > 0
    both = ("strengthened_ties", "weakened_ties", "continuing_ties")
    assert sum(ours.get(k, 0) for k in both) == sum(theirs.get(k, 0) for k in both)
    pd.testing.assert_frame_equal(change.summary, by_hand.summary)
    pd.testing.assert_frame_equal(change.people, by_hand.people)


def test_growth_chart_takes_analyses(data, counted):
    rounds = [(BEFORE, analyse(data, period=BEFORE)), (AFTER, analyse(data, period=AFTER))]
    chart = growth_chart(rounds, lang="en")
    built = dict(counted)
    assert built["build_graph"] == 2
    frame = chart.tags[0]
    assert frame["ties"] == [a.graph.ecount() for _, a in rounds]
    assert frame["density"] == [a.summary.to_dict()["density"] for _, a in rounds]
    by_data = growth_chart([(BEFORE, data.filter(period=BEFORE)), (AFTER, data.filter(period=AFTER))])
    assert by_data.tags[0]["ties"] == frame["ties"]


def test_impact_app_draws_the_analyses_it_compared(tmp_path, counted):
    from verkostolab import Store, import_files
    from verkostolab.apps.common import AppSettings
    from verkostolab.apps.facilitator import ImpactApp
    from verkostolab.datasets import sample_path

    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    import_files(Store(url), sample_path())
    app = ImpactApp(AppSettings(store_url=url, lang="fi", facilitator_code="1357"), draw_now=False)
    before = dict(counted)
    result = app.comparison(BEFORE, AFTER, "fi")
    # Two periods and the whole data for the positions; before: six graphs.
    assert counted["build_graph"] - before["build_graph"] == 3
    assert counted["node_measures"] - before["node_measures"] == 2
    # the picture draws the backbone (wt-14): the new ties drawn are among those counted
    assert 0 < result["second"].ties["new"].sum() <= result["change"].counts()["new_ties"]


def test_analysis_is_exported_at_the_top():
    import verkostolab as vl

    assert vl.analyse is analyse and vl.Analysis is Analysis
