"""The picture's HTML page in Chromium, in each language: it reads (labels placed without
overlap and inside the frame, nothing out of its place or cut at the canvas edge), and
its controls work offline: the sector, organisation and network filters and a click on
a person change what is drawn, and the period slider keeps everybody in place.

Everything is read back from the page: the models of ``Bokeh.documents[0]``, the
screen positions BokehJS computed, and text measured in the canvas's fonts
(tests/support/bokeh_page.py).  Screenshots of each step go to the test's tmp_path.
"""

from __future__ import annotations

import time

import pytest
from support.bokeh_page import open_picture, outside, overlaps
from support.browser import offline_page
from support.networks import large_network

from verkostolab.datasets import generate_sample
from verkostolab.viz import network_picture, save_html
from verkostolab.viz.controls import FADED


@pytest.fixture(scope="module")
def sample():
    return generate_sample()


def _ego(picture, focus):
    ego = {focus}
    for a, b in zip(picture.ties["source"], picture.ties["target"]):
        if a == focus:
            ego.add(b)
        if b == focus:
            ego.add(a)
    return ego


def _check_reads(page, picture):
    """Labels: the rendered boxes overlap nowhere, stay in the frame and inside the box
    the picture planned for them; nodes inside the frame; text inside the canvas; no
    element out of its container."""
    labels = page.evaluate("() => vl.labels()")
    frame = page.evaluate("() => vl.frame()")
    canvas = page.evaluate("() => vl.canvas()")
    assert len(labels) == len(picture.labels) > 0
    assert overlaps(labels) == []
    assert outside(labels, frame) == []
    planned = picture.labels.set_index("id")
    for box in labels:
        p = planned.loc[box["id"]]
        left = frame["left"] + p["left"]
        top = frame["bottom"] - p["bottom"] - p["height"]
        # The estimate (font size x text length) holds the text as drawn.
        assert left - 1 <= box["left"] and box["right"] <= left + p["width"] + 1, box
        assert top - 1 <= box["top"] and box["bottom"] <= top + p["height"] + 1, box
    nodes = page.evaluate("() => vl.nodes()")
    assert len(nodes) == len(picture.nodes)
    cut = [n["id"] for n in nodes if n["sx"] - n["r"] < frame["left"] or n["sx"] + n["r"] > frame["right"]
           or n["sy"] - n["r"] < frame["top"] or n["sy"] + n["r"] > frame["bottom"]]
    assert cut == []
    texts = page.evaluate("() => vl.texts()")
    assert [x["text"] for x in texts if x["left"] < 0 or x["right"] > canvas["width"]
            or x["bottom"] > canvas["height"]] == []
    assert page.evaluate("() => vl.overflowing()") == []


def _alphas(page):
    return {n["id"]: n["alpha"] for n in page.evaluate("() => vl.nodes()")}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_picture_page_reads_and_its_controls_work(sample, tmp_path, lang):
    picture = network_picture(sample, lang=lang)
    assert set(picture.controls) == {"sector", "organisation", "network", "period"}
    path = save_html(picture.layout, tmp_path / "verkosto.html")
    nodes = picture.nodes
    with offline_page() as (page, blocked):
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_picture(page, path)
        first = page.screenshot(full_page=True)
        (tmp_path / f"{lang}-0.png").write_bytes(first)
        _check_reads(page, picture)
        before = page.evaluate("() => vl.nodes()")
        assert {round(n["alpha"], 2) for n in before} == {0.95}

        # Sector: the public sector only (the MultiChoice's value, as a choice sets it).
        page.evaluate("() => { vl.doc().get_model_by_name('filter_sector').value = ['public']; }")
        alpha = _alphas(page)
        public = set(nodes.index[nodes["sector"] == "public"])
        assert 0 < len(public) < len(nodes)
        assert {i for i, a in alpha.items() if a > FADED} == public
        ties = page.evaluate("() => vl.ties()")
        shown = {(t["source"], t["target"]) for t in ties if t["alpha"] > 0}
        assert shown and all(a in public and b in public for a, b in shown)
        assert len(shown) < len(ties)
        shot = page.screenshot(full_page=True)
        (tmp_path / f"{lang}-1-sector.png").write_bytes(shot)
        assert shot != first
        page.evaluate("() => { vl.doc().get_model_by_name('filter_sector').value = []; }")
        assert set(_alphas(page).values()) == {0.95}

        # Organisation: chosen in the page's own <select>, as a person does.
        org = nodes["organisation"].value_counts().index[0]
        page.locator("select[name=filter_organisation]").select_option(org)
        alpha = _alphas(page)
        assert {i for i, a in alpha.items() if a > FADED} == set(nodes.index[nodes["organisation"] == org])
        page.locator("select[name=filter_organisation]").select_option(index=0)

        # Network: its <select>.
        network = picture.controls["network"].options[1]
        page.locator("select[name=filter_network]").select_option(label=network[1])
        members = {i for i, nets in nodes["networks"].items() if f",{network[0]}," in nets}
        assert 0 < len(members) < len(nodes)
        assert {i for i, a in _alphas(page).items() if a > FADED} == members
        page.locator("select[name=filter_network]").select_option(index=0)

        # Period: one step right on the slider's handle (keyboard); nobody moves.
        page.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        assert page.evaluate("() => vl.doc().get_model_by_name('filter_period').value") == 1
        during = page.evaluate("() => vl.nodes()")
        assert [(n["id"], n["sx"], n["sy"], n["x"], n["y"]) for n in during] == \
            [(n["id"], n["sx"], n["sy"], n["x"], n["y"]) for n in before]
        active = {i for i, p in nodes["periods"].items() if ",0," in p}
        assert 0 < len(active) < len(nodes)
        assert {n["id"] for n in during if n["alpha"] > FADED} == active
        assert picture.periods[0][0] in page.locator(".bk-Slider, .bk-slider-title").first.inner_text() \
            or picture.periods[0][0] in page.content() or picture.periods[0][0] in page.evaluate(
                "() => { const out = []; const walk = (r) => { for (const el of r.querySelectorAll('*')) {"
                " if (el.shadowRoot) walk(el.shadowRoot); if (!el.children.length) out.push(el.textContent); } };"
                " walk(document); return out.join(' '); }")
        (tmp_path / f"{lang}-2-period.png").write_bytes(page.screenshot(full_page=True))
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(200)
        assert set(_alphas(page).values()) == {0.95}

        # Focus: a click on a person shows their own network only.
        canvas = page.evaluate("() => vl.canvas()")
        by_id = {n["id"]: n for n in before}
        labelled = [i for i in picture.labels["id"] if len(_ego(picture, i)) > 1]
        focus = next(i for i in labelled
                     if all((m["sx"] - by_id[i]["sx"]) ** 2 + (m["sy"] - by_id[i]["sy"]) ** 2
                            > (m["r"] + by_id[i]["r"]) ** 2 for m in before if m["id"] != i))
        page.mouse.click(canvas["left"] + by_id[focus]["sx"], canvas["top"] + by_id[focus]["sy"])
        page.wait_for_timeout(300)
        alpha = _alphas(page)
        assert {i for i, a in alpha.items() if a > FADED} == _ego(picture, focus)
        labels = page.evaluate("() => vl.labels()")
        assert {b["id"] for b in labels if b["alpha"] > 0} == set(picture.labels["id"]) & _ego(picture, focus)
        (tmp_path / f"{lang}-3-focus.png").write_bytes(page.screenshot(full_page=True))
        # A click on an empty spot shows everybody again.
        frame = page.evaluate("() => vl.frame()")
        spot = next((x, y) for x in range(int(frame["left"]) + 4, int(frame["right"]), 12)
                    for y in range(int(frame["top"]) + 4, int(frame["bottom"]), 12)
                    if all((m["sx"] - x) ** 2 + (m["sy"] - y) ** 2 > (m["r"] + 6) ** 2 for m in before))
        page.mouse.click(canvas["left"] + spot[0], canvas["top"] + spot[1])
        page.wait_for_timeout(300)
        assert set(_alphas(page).values()) == {0.95}
    assert blocked == []
    assert errors == []


def test_two_thousand_people_read_and_draw_in_time(tmp_path):
    data = large_network(2000)
    started = time.perf_counter()
    picture = network_picture(data, lang="en")
    drawn = time.perf_counter() - started
    path = save_html(picture.layout, tmp_path / "large.html")
    assert len(picture.nodes) > 1500
    assert drawn < 30, f"{drawn:.1f} s"  # about 4 s on the development machine (2 shared cores)
    assert len(picture.periods) == 6 and 10 <= len(picture.labels) <= 40
    # The labelled are the largest (by the size measure) that found a place.
    assert picture.nodes.loc[picture.labels["id"], "size_value"].min() >= \
        picture.nodes["size_value"].nlargest(40).min()
    with offline_page() as (page, blocked):
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_picture(page, path)
        (tmp_path / "large.png").write_bytes(page.screenshot(full_page=True))
        _check_reads(page, picture)
        before = page.evaluate("() => vl.nodes()")
        page.evaluate("() => { vl.doc().get_model_by_name('filter_period').value = 6; }")
        after = page.evaluate("() => vl.nodes()")
        assert [(n["sx"], n["sy"]) for n in after] == [(n["sx"], n["sy"]) for n in before]
        active = {i for i, p in picture.nodes["periods"].items() if ",5," in p}
        assert {n["id"] for n in after if n["alpha"] > FADED} == active
    assert blocked == [] and errors == []


def test_a_small_picture_reads_too(sample, tmp_path):
    """The facilitator's side-by-side pictures (560 x 480): the legend goes below."""
    picture = network_picture(sample, lang="sv", width=560, height=480)
    path = save_html(picture.layout, tmp_path / "small.html")
    with offline_page(width=800, height=900) as (page, blocked):
        open_picture(page, path)
        (tmp_path / "small.png").write_bytes(page.screenshot(full_page=True))
        _check_reads(page, picture)
        assert page.evaluate("() => vl.canvas().width") <= 600
    assert blocked == []
