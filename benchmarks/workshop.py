"""Workshop apps: time to the first usable widget, alone and thirty at once, against a
minimal Voilà notebook with one widget measured in the same run; and the time from a
participant's submission to the wall's update.

    python benchmarks/workshop.py            # full: 30 pages at once
    python benchmarks/workshop.py --quick    # 6 pages at once
    python benchmarks/workshop.py --quick --repeats 3   # median of 3 for each single page

Runs ``verkostolab workshop`` on 127.0.0.1 (loopback only) with the real app notebooks
plus ``minimal.ipynb`` (one button) in a temporary folder, and drives Debian's Chromium
with Playwright.  Targets (issue 7): each app, and thirty participant pages opened at
once, within 1.5x of the minimal notebook.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import nbformat  # noqa: E402
from support.browser import CHROMIUM, LAUNCH_ARGS  # noqa: E402
from support.voila_server import workshop_server  # noqa: E402

from verkostolab.workshop import NOTEBOOKS_DIR  # noqa: E402

APPS = ["mapping.ipynb", "wall.ipynb", "warmup.ipynb", "evaluation.ipynb", "impact.ipynb"]
#: Apps that show a "loading the network…" note first: also timed until their picture is drawn.
PICTURE = {"wall.ipynb": ".vl-wall-figure canvas", "impact.ipynb": ".vl-impact canvas"}


def minimal_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('lang: str = ""  # unused')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import ipywidgets as widgets\nb = widgets.Button(description='OK')\nb.add_class('vl-app')\nb")]
    nbformat.write(nb, path)


async def time_to_widget(browser, url, viewport=None, then: str | None = None):
    """Seconds from navigation to the first usable widget: Voilà has executed the notebook
    and streamed the page (``goto`` returns at its load event), the widget manager has
    fetched the widgets' state from the kernel and rendered them (``.vl-app`` visible).
    With ``then`` (a selector, e.g. the picture's canvas), also the seconds until that."""
    context = await browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(url, timeout=900_000)
    await page.locator(".vl-app").first.wait_for(state="visible", timeout=900_000)
    elapsed = time.perf_counter() - start
    if then:
        await page.locator(then).first.wait_for(state="attached", timeout=900_000)
        done = time.perf_counter() - start
    await context.close()
    return (elapsed, done) if then else elapsed


async def many_at_once(browser, url, n) -> float:
    start = time.perf_counter()
    await asyncio.gather(*(time_to_widget(browser, url, {"width": 390, "height": 844}) for _ in range(n)))
    return time.perf_counter() - start


async def wall_latency(browser, server) -> float:
    wall_ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    wall = await wall_ctx.new_page()
    await wall.goto(server.app_url("wall.ipynb"), timeout=600_000)
    await wall.locator(".vl-wall-figure canvas").first.wait_for(state="attached", timeout=600_000)
    before = await wall.locator(".vl-wall-counts").inner_text()
    ctx = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await ctx.new_page()
    await page.goto(server.app_url("mapping.ipynb"), timeout=600_000)
    await page.locator(".vl-app").first.wait_for(state="visible", timeout=600_000)
    await page.locator(".vl-mapping .widget-toggle-button", has_text="Olen uusi").click()
    await page.locator(".widget-text", has_text="Nimi").first.locator("input").fill("Mittaus Henkilö")
    select = page.locator(".widget-dropdown", has_text="Henkilö").first.locator("select")
    label = await select.locator("option").nth(1).inner_text()
    await select.select_option(label=label)
    await page.locator(".vl-add").click()
    await page.locator(".vl-known-row").first.wait_for(state="visible")
    consent = page.locator(".vl-consent .widget-toggle-button", has_text="Kyllä")
    if await consent.count():  # may my name be shown: yes
        await consent.first.click()
    start = time.perf_counter()
    await page.locator(".vl-submit").click()
    await wall.wait_for_function(
        "(before) => document.querySelector('.vl-wall-counts').innerText !== before", arg=before,
        timeout=120_000)
    elapsed = time.perf_counter() - start
    await wall_ctx.close()
    await ctx.close()
    return elapsed


async def run(server, n_pages: int, repeats: int) -> list[tuple]:
    from playwright.async_api import async_playwright

    rows = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        minimal = server.app_url("minimal.ipynb")
        base = statistics.median([await time_to_widget(browser, minimal) for _ in range(repeats)])
        rows.append(("minimal notebook (1 widget)", base, 1.0))
        pictures = []
        for app in APPS:
            then = PICTURE.get(app)
            times = [await time_to_widget(browser, server.app_url(app), then=then) for _ in range(repeats)]
            t = statistics.median(x[0] if then else x for x in times)
            rows.append((app, t, t / base))
            if then:
                done = statistics.median(x[1] for x in times)
                pictures.append((f"{app} picture drawn (no target)", done, done / base))
        rows += pictures
        await asyncio.sleep(5)  # let the preheated pool refill
        many_base = await many_at_once(browser, minimal, n_pages)
        rows.append((f"{n_pages} minimal pages at once", many_base, 1.0))
        await asyncio.sleep(5)
        many = await many_at_once(browser, server.app_url("mapping.ipynb"), n_pages)
        rows.append((f"{n_pages} participant pages at once", many, many / many_base))
        latency = await wall_latency(browser, server)
        rows.append(("submission → wall update", latency, float("nan")))
        await browser.close()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 pages at once instead of 30")
    parser.add_argument("--repeats", type=int, default=None,
                        help="times each single page is opened (median); default 1 quick, 3 full")
    args = parser.parse_args(argv)
    n_pages, repeats = (6, 1) if args.quick else (30, 3)
    repeats = args.repeats or repeats
    with tempfile.TemporaryDirectory() as tmp:
        notebooks = Path(tmp) / "apps"
        shutil.copytree(NOTEBOOKS_DIR, notebooks)  # the packaged apps
        minimal_notebook(notebooks / "minimal.ipynb")
        # The "phones" all come from this machine's one address: lift the per-client cap.
        os.environ.setdefault("VERKOSTOLAB_MAX_KERNELS_PER_CLIENT", "200")
        os.environ.setdefault("VERKOSTOLAB_MAX_KERNELS", "200")
        with workshop_server(Path(tmp) / "server", notebooks=notebooks, pool_size=2) as server:
            rows = asyncio.run(run(server, n_pages, repeats))
    print(f"{'what':<36} {'seconds':>9} {'ratio':>7}")
    for what, seconds, ratio in rows:
        print(f"{what:<36} {seconds:>9.2f} {ratio:>7.2f}")
    single = max(r for w, _, r in rows if w.endswith(".ipynb"))
    crowd = rows[-2][2]
    print(f"\nslowest app vs minimal: {single:.2f}x ({'PASS' if single <= 1.5 else 'MISS'}, target <= 1.5x)")
    print(f"{n_pages} participant pages vs minimal: {crowd:.2f}x ({'PASS' if crowd <= 1.5 else 'MISS'}, target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
