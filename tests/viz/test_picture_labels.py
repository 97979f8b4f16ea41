"""The picture's layout rules in Python: label boxes, far-off groups pulled in, one
marker per organisation kind, the controls' data, and titles that fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from verkostolab.datasets import generate_sample
from verkostolab.graphs import build_graph
from verkostolab.viz import network_picture
from verkostolab.viz.labels import compress_outliers, label_box_size, place_labels
from verkostolab.viz.style import KIND_MARKERS


@pytest.fixture(scope="module")
def data():
    return generate_sample()


def _overlapping(boxes):
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                pairs.append((a, b))
    return pairs


def test_placed_labels_never_overlap_and_stay_in_the_frame():
    rng = np.random.default_rng(1)
    n = 400
    px, py = rng.uniform(0, 600, n), rng.uniform(0, 400, n)
    texts = [("Nimi " * (1 + i % 4)).strip() + f" {i}" for i in range(n)]
    placed = place_labels(px, py, np.full(n, 5.0), texts, font_px=12, frame=(600, 400))
    assert 20 < len(placed) < n  # crowded: many fit, not all
    boxes = [(r.left, r.bottom, r.left + r.width, r.bottom + r.height) for r in placed.itertuples()]
    assert _overlapping(boxes) == []
    assert all(l >= 0 and b >= 0 and r <= 600 and t <= 400 for l, b, r, t in boxes)
    for r in placed.itertuples():  # each box is its text's size, next to its own node
        assert (r.width, r.height) == label_box_size(texts[r.index], 12)
        assert abs(r.left + r.width / 2 - px[r.index]) <= r.width / 2 + 8
    # In order: the first candidate always gets its place when it fits anywhere.
    assert placed["index"].iloc[0] == 0


def test_outliers_are_pulled_in_keeping_their_order():
    rng = np.random.default_rng(2)
    core = pd.DataFrame(rng.normal(size=(200, 2)), columns=["x", "y"])
    far = pd.DataFrame({"x": [40.0, 80.0], "y": [0.0, 0.0]})
    pos = pd.concat([core, far], ignore_index=True)
    out = compress_outliers(pos)
    assert out["x"].iloc[-1] < 10 and out["x"].iloc[-2] < out["x"].iloc[-1]
    inner = np.hypot(pos["x"], pos["y"]) < 1
    pd.testing.assert_frame_equal(out[inner], pos[inner])
    # The pull of a subset (a period) is measured on the whole: the same places.
    part = pos.iloc[150:]
    pd.testing.assert_frame_equal(compress_outliers(part, reference=pos), out.iloc[150:])


def test_every_organisation_kind_has_its_own_marker():
    assert len(set(KIND_MARKERS.values())) == len(KIND_MARKERS)


def test_picture_controls_data_follow_the_data(data):
    pic = network_picture(data, lang="en")
    assert [span for _, span in pic.periods] == ["2024-07:2024-12", "2025-01:2025-06"]
    assert [label for label, _ in pic.periods] == ["July–December 2024", "January–June 2025"]
    autumn = build_graph(data, period="2024-07:2024-12")
    active = {str(v["name"]) for v in autumn.vs if v.degree() > 0}
    assert {i for i, p in pic.nodes["periods"].items() if ",0," in p} == active
    networks = pic.controls["network"].options[1:]
    assert [name for _, name in networks] == sorted(data.events["network"].dropna().unique())
    # A picture of one period has no period slider; a pseudonymised one no organisations.
    assert "period" not in network_picture(data, period="2025-01:2025-05").controls
    assert "organisation" not in network_picture(data, pseudonymise=True).controls
    assert network_picture(data, controls=False).layout is None


def test_long_titles_wrap_to_the_frame(data):
    pic = network_picture(data, lang="sv", title="Ett mycket långt namn på nätverket " * 3, width=600)
    lines = pic.figure.title.text.split("\n")
    assert len(lines) > 1
    px = float(pic.figure.title.text_font_size.rstrip("pt")) / 0.75
    assert all(len(line) * 0.62 * 1.1 * px <= pic.figure.frame_width for line in lines)


def test_a_small_picture_puts_its_legend_below(data):
    small = network_picture(data, width=560, height=480)
    assert any(m.name == "legend" for m in small.figure.below)
    assert small.figure.frame_width + 24 + 40 <= 560
    assert any(m.name == "legend" for m in network_picture(data).figure.right)


def test_pseudonymised_page_with_controls_names_no_one(data, monkeypatch):
    from verkostolab.viz.export import figure_html

    monkeypatch.setenv("VERKOSTOLAB_SALT", "test-salt")
    html = figure_html(network_picture(data, pseudonymise=True, labels="all").layout)
    assert "filter_sector" in html and "filter_period" in html
    for name in data.actors["name"]:
        assert name not in html
