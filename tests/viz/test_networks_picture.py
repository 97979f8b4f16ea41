"""The network of networks: the core in the middle, theme networks as groups with their
members, boundary spanners named and drawn between them."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from verkostolab.datasets import load_sample
from verkostolab.errors import VerkostolabError
from verkostolab.tables.data import NetworkData
from verkostolab.viz import network_picture
from verkostolab.viz.networks import networks_picture


def _data():
    events = [("c1", "2024-01-01", "Core"), ("c2", "2024-02-01", "Core"), ("c3", "2024-03-01", "Core"),
              ("t1", "2024-01-05", "Theme A"), ("t2", "2024-02-05", "Theme A"),
              ("u1", "2024-01-09", "Theme B")]
    part = [("c1", "a"), ("c1", "b"), ("c2", "a"), ("c2", "b"), ("c3", "s"), ("c3", "a"),
            ("t1", "s"), ("t1", "x"), ("t2", "x"), ("t2", "y"), ("u1", "z"), ("u1", "w"), ("u1", "s")]
    actors = sorted({a for _, a in part})
    return NetworkData(
        actors=pd.DataFrame({"actor_id": actors, "name": [f"Person {a}" for a in actors]}),
        events=pd.DataFrame([(e, pd.Timestamp(d), "meeting", n, e) for e, d, n in events],
                            columns=["event_id", "date", "kind", "network", "title"]),
        participation=pd.DataFrame(part, columns=["event_id", "actor_id"]))


def _circles(fig):
    src = fig.select_one({"name": "network_circles"}).data_source.data
    return {n: (x, y, r) for n, x, y, r in zip(src["network"], src["x"], src["y"], src["r"])}


def test_groups_members_and_spanners_by_the_rules():
    pic = networks_picture(_data(), lang="en")
    circles = _circles(pic.figure)
    assert circles["Core"][:2] == (0.0, 0.0)  # the most events: the core, in the middle
    nodes = pic.nodes
    assert set(nodes.index[nodes["spanner"]]) == {"s"}  # in all three networks
    assert nodes.loc["s", "networks"] == "Core, Theme A, Theme B"
    # members inside their home network's circle, the spanner inside none
    for a in ("a", "b", "x", "y", "z", "w"):
        x, y, r = circles[nodes.loc[a, "home"]]
        assert math.hypot(nodes.loc[a, "x"] - x, nodes.loc[a, "y"] - y) < r
    for x, y, r in circles.values():
        assert math.hypot(nodes.loc["s", "x"] - x, nodes.loc["s", "y"] - y) > r
    labels = [m for m in pic.figure.center if getattr(m, "name", None) == "spanner_names"][0]
    assert list(labels.source.data["label"]) == ["Person s"]
    titles = [m for m in pic.figure.center if getattr(m, "name", None) == "network_names"][0]
    assert "Core (core)" in titles.source.data["text"]
    assert set(map(tuple, pic.ties[["a", "b"]].values.tolist())) == {("Core", "Theme A"), ("Core", "Theme B"),
                                                                    ("Theme A", "Theme B")}
    assert set(pic.ties["people"]) == {1}
    # overriding the core moves it to the middle
    other = networks_picture(_data(), core="Theme A", lang="fi")
    assert _circles(other.figure)["Theme A"][:2] == (0.0, 0.0)


def test_the_sample_through_network_picture_replaces_the_grey_circles():
    pic = network_picture(load_sample(), level="network", lang="fi")
    assert pic.figure.name == "networks_picture"
    assert pic.figure.title.text.startswith("Verkostojen verkosto")
    assert len(_circles(pic.figure)) == 4
    assert pic.nodes["spanner"].sum() == 41 and len(pic.nodes) == 60
    assert "sector unknown" not in str(pic.nodes["sector_label"].tolist())
    assert set(pic.nodes["sector"]) - {"unknown"}  # members coloured by their sectors
    pseud = network_picture(load_sample(), level="network", pseudonymise=True)
    assert not set(pseud.nodes["label"]) & set(load_sample().actors["name"])


def test_no_networks_is_an_error():
    data = _data()
    data = data.replace(events=data.events.assign(network=None))
    with pytest.raises(VerkostolabError) as err:
        networks_picture(data)
    assert "no networks" in err.value.render("en")
