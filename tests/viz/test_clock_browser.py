"""The forward clock and the network-level picture draw offline in headless Chromium
(the canvas is not blank); the clock's PNG export has the rings' colours."""

from __future__ import annotations

import subprocess
import sys

from support.browser import colours, ink_share, offline_page


def test_forward_clock_html_draws_offline(tmp_path):
    out = tmp_path / "vuosikello.html"
    result = subprocess.run([sys.executable, "-m", "verkostolab", "clock", "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with offline_page(width=1100, height=1200) as (page, blocked):
        page.goto(out.as_uri())
        page.locator(".bk-Canvas canvas").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=60_000)
        page.wait_for_timeout(500)
        shot = page.screenshot(full_page=True)
        (tmp_path / "shot.png").write_bytes(shot)
    assert blocked == []
    assert ink_share(shot) > 0.04  # rings, meetings, months and titles (a blank page: < 0.01)
    assert colours(shot) > 50


def test_forward_clock_png(tmp_path):
    out = tmp_path / "vuosikello.png"
    result = subprocess.run([sys.executable, "-m", "verkostolab", "--lang", "en", "clock", "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert ink_share(png) > 0.04 and colours(png) > 50
    from PIL import Image
    import io

    image = Image.open(io.BytesIO(png)).convert("RGB")
    # the meetings of the core ring are drawn in its blue
    pixels = set(getattr(image, "get_flattened_data", image.getdata)())
    assert any(abs(r - 0) + abs(g - 114) + abs(b - 178) < 40 for r, g, b in pixels)


def test_network_level_picture_draws_offline(tmp_path):
    out = tmp_path / "verkostot.html"
    result = subprocess.run([sys.executable, "-m", "verkostolab", "picture", "--level", "network",
                             "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Verkostojen verkosto" in out.read_text(encoding="utf-8")
    with offline_page(width=1100, height=1100) as (page, blocked):
        page.goto(out.as_uri())
        page.locator(".bk-Canvas canvas").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=60_000)
        page.wait_for_timeout(500)
        shot = page.screenshot(full_page=True)
    assert blocked == []
    assert ink_share(shot) > 0.04 and colours(shot) > 50
