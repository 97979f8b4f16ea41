"""The forward-looking annual clock as a Bokeh figure: a ring per network, meetings at
their days, gaps hatched, readable titles, in both languages."""

from __future__ import annotations

import datetime as dt
import math

from bokeh.models import LabelSet, Legend

from verkostolab.datasets import load_sample
from verkostolab.measures.coordination import clock_plan
from verkostolab.viz.clock import _angle, forward_clock


def _renderer(fig, name):
    return fig.select_one({"name": name})


def test_rings_meetings_gaps_and_titles():
    plan = clock_plan(load_sample())
    fig = forward_clock(plan, lang="fi")
    assert fig.title.text == "Vuosikello 2025: katse eteenpäin"
    rings = [_renderer(fig, f"clock_ring_{i}") for i in range(len(plan.networks))]
    assert all(r is not None for r in rings)
    radii = [r.data_source.data["inner"][0] for r in rings]
    assert radii == sorted(radii)  # the core innermost
    gaps = _renderer(fig, "clock_gaps").data_source.data
    assert len(gaps["start"]) == sum(len(m) for m in plan.gaps.values()) == 22
    held = _renderer(fig, "clock_held").data_source.data
    forum = _renderer(fig, "clock_forum").data_source.data
    assert len(held["x"]) == 24 and len(forum["x"]) == 10
    # every meeting sits at its day's angle on its own ring
    ring_of = {n: (r.data_source.data["inner"][0], r.data_source.data["outer"][0])
               for n, r in zip(plan.networks, rings)}
    for x, y, net, day in zip(forum["x"], forum["y"], forum["network"], forum["date"]):
        inner, outer = ring_of[net]
        assert inner < math.hypot(x, y) < outer
        d = dt.datetime.strptime(day, "%d.%m.%Y").date()
        assert math.isclose(math.atan2(y, x) % (2 * math.pi), _angle(d) % (2 * math.pi), abs_tol=1e-9)
    titles = [m for m in fig.center if isinstance(m, LabelSet) and m.name == "clock_titles"][0]
    texts = titles.source.data["text"]
    assert any(t.startswith("04.09. Hyvinvointiteknologian") for t in texts)
    assert "02.09. Sivuvirtahankkeen ohjausryhmä" in texts
    ys = sorted(titles.source.data["y"][i] for i, a in enumerate(titles.source.data["align"]) if a == "right")
    assert all(b - a >= 0.074 for a, b in zip(ys, ys[1:]))  # no two titles on one line
    legend = [m for m in fig.below if isinstance(m, Legend)][0]
    labels = [item.label["value"] for item in legend.items]
    assert "Järvilaakson kasvuverkosto (ydin)" in labels  # no steady forum, so no cadence claimed
    assert "Kiertotalouden teemaverkosto · kuukausittain" in labels
    assert "ei mitään tässä kuussa" in labels


def test_english_and_one_network():
    fig = forward_clock(load_sample(), network="Kiertotalouden teemaverkosto", year=2026, lang="en")
    assert fig.title.text == "Annual clock 2026: looking ahead"
    assert _renderer(fig, "clock_ring_1") is None and _renderer(fig, "clock_held") is None
    assert len(_renderer(fig, "clock_forum").data_source.data["x"]) == 10  # every fourth Tuesday, Jan-May and Sep-Dec
