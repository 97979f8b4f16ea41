"""Hostile names in every view: no script runs, no request leaves (issue 16, finding 1).

The names of tests/support/hostile.py go into every text column of a network read from
a CSV folder; the picture HTML, every chart and the default report (once per language,
the English one pseudonymised: the hostile organisation of five keeps its name there)
are opened in Chromium, which must open no dialog, ask for nothing outside the page and
hold no element the names would make.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.browser import offline_page
from support.files import write_csv_folder
from support.hostile import FORMULAS, HOSTILE_NAMES, hostile_tables, leaks

import verkostolab as vl
from verkostolab import viz

ROOT = Path(__file__).resolve().parents[2]


def _open(path: Path) -> dict:
    """Open ``path`` in Chromium; what it did: dialogs, requests, injected elements."""
    with offline_page() as (page, blocked):
        dialogs, requests = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_timeout(2500)
        for el in page.query_selector_all(".bk-Figure, .bk-root, .bk-canvas"):
            el.hover()  # tooltips: the hover shows the names
        page.mouse.move(300, 300)
        page.wait_for_timeout(500)
        injected = page.evaluate(
            "() => document.querySelectorAll('img[onerror], svg[onload], iframe[srcdoc], b[onmouseover]').length")
        text = page.evaluate("() => document.body.innerText")
    own = path.as_uri()
    return {"dialogs": dialogs, "blocked": blocked, "injected": injected, "text": text,
            "requests": [u for u in requests if u != own and not u.startswith(("data:", "blob:"))]}


def _assert_quiet(result: dict, what: str) -> None:
    assert result["dialogs"] == [], f"{what}: a dialog opened: {result['dialogs']}"
    assert result["requests"] == [], f"{what}: requests left the page: {result['requests']}"
    assert result["blocked"] == [], f"{what}: requests refused: {result['blocked']}"
    assert result["injected"] == 0, f"{what}: {result['injected']} elements made from names"


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    return write_csv_folder(tmp_path_factory.mktemp("hostile") / "verkosto", hostile_tables())


def test_picture_and_charts_with_hostile_names(hostile_folder, tmp_path):
    data = vl.read(hostile_folder)
    pages = {
        "picture": viz.network_picture(data, lang="en", labels="all").figure,
        "picture_pseudonymised": viz.network_picture(data, lang="fi", pseudonymise=True).figure,
        "organisations": viz.network_picture(data, level="organisation", lang="en").figure,
        "networks": viz.networks_chart(data, lang="en"),
        "clock": viz.annual_clock(data, lang="fi"),
        "growth": viz.growth_chart([("2024-03", data), ("2024-09", data)], lang="en"),
    }
    for name, fig in pages.items():
        path = viz.save_html(fig, tmp_path / f"{name}.html", title=HOSTILE_NAMES[0])
        _assert_quiet(_open(path), name)


def test_show_escapes_names_in_the_notebook_script():
    """viz.show's JavaScript output (written by nbconvert into an inline <script>) holds
    no "</script" and no "<!--" from the data."""
    from IPython.core.interactiveshell import InteractiveShell
    from bokeh.io import output_notebook
    from bokeh.plotting import figure

    shell = InteractiveShell.instance()
    published = []
    shell.display_pub.publish = lambda data, metadata=None, **kw: published.append(data)
    output_notebook(hide_banner=True)
    fig = figure(title=HOSTILE_NAMES[0])
    fig.scatter([1], [1])
    viz.show(fig)
    scripts = [d["application/javascript"] for d in published
               if "application/javascript" in d and "docs_json" in d["application/javascript"]]
    assert scripts, published
    assert "</script" not in scripts[-1] and "<!--" not in scripts[-1]
    assert "<\\/script><img src=x onerror=alert(document.title)>" in scripts[-1]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_default_report_with_hostile_names(hostile_folder, tmp_path, lang):
    out = tmp_path / f"report-{lang}.html"
    folder = hostile_folder
    if lang != "fi":
        # Pseudonymised (sv, en), the attack comes through the organisation of six, whose name
        # must share no word with a person's name (else it is a pseudonym too).
        others = FORMULAS[:4] + [f"Testi Henkilö {k}" for k in range(10)]
        folder = write_csv_folder(tmp_path / "verkosto", hostile_tables(people_names=others))
    cmd = [sys.executable, "-m", "verkostolab", "--lang", lang, "report", str(folder),
           "--out", str(out)]
    if lang != "fi":
        cmd.append("--pseudonymise")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    # The attack reached the page (in the figures' data), and nothing ran.
    assert "alert(document.title)" in out.read_text(encoding="utf-8")
    result = _open(out)
    _assert_quiet(result, f"report ({lang})")
    if lang == "fi":  # the names are shown, as text (the brokers' table)
        assert "<script>alert('script tag')</script>" in result["text"]
    else:  # pseudonymised: no id, name, name variant or e-mail of a person anywhere
        assert leaks(out.read_text(encoding="utf-8")) == []
        assert "Sanna" not in result["text"] and "Noora" not in result["text"]
