"""The exported HTML works offline in headless Chromium: no request leaves the machine,
and the plot is drawn (the canvas is not blank)."""

from __future__ import annotations

import json
import subprocess
import sys

from support.browser import colours, ink_share, offline_page

from verkostolab.datasets import generate_sample
from verkostolab.viz import network_picture, save_html, save_png


def test_exported_picture_draws_offline(tmp_path):
    path = save_html(network_picture(generate_sample()).figure, tmp_path / "verkosto.html")
    with offline_page() as (page, blocked):
        page.goto(path.as_uri())
        canvas = page.locator(".bk-Canvas canvas").first
        canvas.wait_for(state="attached", timeout=60_000)
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=60_000)
        page.wait_for_timeout(500)
        shot = page.screenshot(full_page=True)
        (tmp_path / "shot.png").write_bytes(shot)
        rendered = page.evaluate("() => Bokeh.documents[0].roots().length")
    assert blocked == []
    assert rendered == 1
    assert ink_share(shot) > 0.03  # nodes, ties and labels, not a blank page
    assert colours(shot) > 50


def test_png_export_from_the_command_line(tmp_path):
    out = tmp_path / "verkosto.png"
    result = subprocess.run([sys.executable, "-m", "verkostolab", "picture", "--out", str(out),
                             "--level", "organisation"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert ink_share(png) > 0.03 and colours(png) > 50


def test_html_export_from_the_command_line_has_no_cdn(tmp_path):
    out = tmp_path / "verkosto.html"
    result = subprocess.run([sys.executable, "-m", "verkostolab", "--lang", "en", "picture", "--out", str(out),
                             "--period", "2025-01:2025-05"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    import re

    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?:", html)
    assert "Network picture" in html
