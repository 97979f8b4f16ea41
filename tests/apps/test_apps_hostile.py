"""The workshop apps with hostile names (issue 16, finding 1): every HTML the apps'
widgets hold (participants' rows, warm-up groups, the group's notes, counts, results)
and the wall's picture, opened in Chromium: no dialog opens and no request leaves."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from support.browser import offline_page
from support.files import write_csv_folder
from support.hostile import HOSTILE_NAMES, hostile_tables

from verkostolab import Store
from verkostolab.apps.common import AppSettings
from verkostolab.apps.facilitator import EvaluationApp, ImpactApp, WarmupApp
from verkostolab.apps.mapping import MappingApp
from verkostolab.apps.wall import WallApp
from verkostolab.ingest import import_files
from verkostolab.viz import figure_html


@pytest.fixture(params=["fi", "sv", "en"])
def settings(tmp_path, request):
    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    folder = write_csv_folder(tmp_path / "verkosto", hostile_tables())
    import_files(Store(url), folder)
    return AppSettings(store_url=url, lang=request.param, facilitator_code="246810")


def _html_of(widget) -> list[str]:
    """The HTML values of ``widget`` and everything inside it."""
    out = []
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        out.append(widget.value)
    for child in getattr(widget, "children", ()):
        out += _html_of(child)
    return out


def test_apps_show_hostile_names_as_text(settings):
    mapping = MappingApp(settings)
    hostile_ids = [v for _, v in mapping.me.options if str(v).startswith("H")]
    mapping.me.value = hostile_ids[0]
    for actor in hostile_ids[1:]:
        mapping.add_person(actor)
    warmup = WarmupApp(settings)
    warmup.make_groups()
    assert "vl-group" in warmup.groups.value
    impact = ImpactApp(settings, before="2024-01:2024-06", after="2024-07:2024-12")
    for note in HOSTILE_NAMES[:3]:
        impact.note.value = note
        assert impact.save_note()
    evaluation = EvaluationApp(settings, round="r1")
    evaluation.gate.unlock("246810")
    evaluation.show_results()
    wall = WallApp(settings)
    parts = []
    for app in (mapping, warmup, impact, evaluation, wall):
        parts += _html_of(app.widget)
    page_html = "<!DOCTYPE html><html><body>" + "\n".join(parts) + "</body></html>"
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(document.title)&gt;" in page_html
    with offline_page() as (page, blocked):
        dialogs, requests = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.set_content(page_html)
        page.wait_for_timeout(1000)
        injected = page.evaluate(
            "() => document.querySelectorAll('img[onerror], svg[onload], iframe, b[onmouseover], script').length")
        text = page.evaluate("() => document.body.innerText")
        page.set_content(figure_html(wall.model.picture.figure))
        page.wait_for_timeout(2000)
        page.mouse.move(400, 400)
        page.wait_for_timeout(300)
    assert dialogs == [] and blocked == [] and injected == 0
    assert [u for u in requests if not u.startswith(("data:", "blob:", "about:"))] == []
    assert HOSTILE_NAMES[0] in text  # shown, as text
