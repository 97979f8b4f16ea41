"""Every curated notebook runs top to bottom with papermill, with its defaults and with
another set of parameters; reports are self-contained, pseudonymised when asked, and
their plots draw offline.  (``pytest --nbval-lax notebooks/`` runs them too, and the
testpaths' ``verkostolab`` collects the packaged app and report notebooks once.)

The curated notebooks live in the repository's ``notebooks/`` (researchers open them
there); the app notebooks and the default report are package data
(``verkostolab/apps/notebooks/``, ``verkostolab/reports/``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from verkostolab.report import default_report, reports_dir, run_report
from verkostolab.datasets import load_sample
from verkostolab.workshop import NOTEBOOKS_DIR

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The curated notebooks (repository) and the packaged reports, by file name (the test
#: ids); the app notebooks (package data) likewise.
CURATED = {p.name: p for p in sorted(NOTEBOOKS.glob("*.ipynb"))}
CURATED |= {p.name: p for p in sorted(reports_dir().glob("*.ipynb"))}
APPS = {p.name: p for p in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))}
OTHER = {"lang": "en", "pseudonymise": True, "period": "2025-01:2025-05", "seed": 3}


def test_there_are_the_promised_notebooks():
    assert {"00-start-here.ipynb", "01-mapping.ipynb", "02-evaluation.ipynb", "03-impact-review.ipynb",
            "04-goals.ipynb", "05-coordination.ipynb", "10-research-measures.ipynb", "11-research-event-logs.ipynb"} <= {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    assert default_report().parent == reports_dir() and "report.ipynb" in CURATED
    assert {"mapping.ipynb", "wall.ipynb", "warmup.ipynb", "evaluation.ipynb", "impact.ipynb"} <= set(APPS)
    # nothing is left behind in the repository's old places
    assert not (NOTEBOOKS / "apps").exists() and not (NOTEBOOKS / "report.ipynb").exists()


@pytest.mark.parametrize("name", list(CURATED) + [f"apps/{a}" for a in APPS])
def test_notebooks_are_thin_clean_and_parameterised(name):
    path = APPS[name.removeprefix("apps/")] if name.startswith("apps/") else CURATED[name]
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    for cell in code:
        assert not cell.outputs and cell.execution_count is None, "committed outputs"
        assert not re.search(r"^\s*(def|class)\s", cell.source, re.M), "logic belongs in the package"
        assert "/work/" not in cell.source and not re.search(r"['\"]/(home|Users|tmp)/", cell.source)
    params = next(c for c in code if "parameters" in c.metadata.get("tags", []))
    for line in params.source.splitlines():
        assert re.match(r"^\w+: \w+ = .+  # .+", line), f"parameter line without type or help: {line!r}"


@pytest.mark.parametrize("name", list(CURATED))
@pytest.mark.parametrize("params", [{}, OTHER], ids=["defaults", "en-pseudonymised-period"])
def test_notebook_runs_with_papermill(name, params, tmp_path):
    out = tmp_path / "out.html"
    executed = tmp_path / "executed.ipynb"
    run_report(CURATED[name], out=out, parameters=params, progress=False, keep_executed=executed)
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    html = out.read_text(encoding="utf-8")
    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?:", html)
    if params.get("pseudonymise"):
        for person in load_sample().actors["name"]:
            assert person not in html, person


def _visible_text(html: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    import html as html_module

    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", body)))


def _english_phrases(text: str, lang: str) -> list[str]:
    """The catalogue's English phrases (three words or more, between placeholders) found in
    ``text``, leaving out those that ``lang`` writes the same way."""
    from verkostolab.i18n import catalogue

    own = " ".join(catalogue(lang).values())
    found = set()
    for template in catalogue("en").values():
        for part in re.split(r"\{[^}]*\}|%\([a-z]+\)s", template):
            phrase = part.strip(" .,:;()'–-")
            if len(phrase.split()) >= 3 and phrase not in own and phrase in text:
                found.add(phrase)
    return sorted(found)


@pytest.mark.parametrize("name", list(CURATED))
def test_notebook_speaks_swedish_all_the_way_through(name, tmp_path):
    out = tmp_path / "rapport.html"
    run_report(CURATED[name], out=out, parameters={"lang": "sv"}, progress=False)
    text = _visible_text(out.read_text(encoding="utf-8"))
    assert _english_phrases(text, "sv") == []
    assert "fictional sample network" not in text
    if name == "report.ipynb":
        assert "Nätverksrapport: Järvilaakso (fiktivt exempelnätverk)" in text
        assert re.search(r"\d,\d\d", text) and not re.search(r"\b0\.\d\d\d\b", text)  # 0,047 not 0.047
        assert re.search(r"\d %", text) and not re.search(r"\d%", text)


def test_default_report_in_finnish_has_no_english(tmp_path):
    out = tmp_path / "raportti.html"
    run_report(None, out=out, parameters={"lang": "fi"}, progress=False)
    text = _visible_text(out.read_text(encoding="utf-8"))
    assert _english_phrases(text, "fi") == []
    assert "Verkostoraportti: Järvilaakso (kuvitteellinen esimerkkiverkosto)" in text
    assert "fictional" not in text and not re.search(r"\d%", text)


def test_pseudonymised_report_from_the_command_line_has_no_real_names(tmp_path):
    out = tmp_path / "raportti.html"
    result = subprocess.run([sys.executable, "-m", "verkostolab", "report", "--pseudonymise", "--out", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "Verkostoraportti" in html and "Toimija " in html
    for person in load_sample().actors["name"]:
        assert person not in html
    for email in load_sample().actors["email"].dropna():
        assert email not in html


def test_failing_notebook_names_the_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('lang: str = "fi"  # language')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    result = subprocess.run([sys.executable, "-m", "verkostolab", "--lang", "en", "report", str(path),
                             "--out", str(tmp_path / "x.html")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Cell 3 of the report broken.ipynb failed: ZeroDivisionError" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_report_plots_draw_offline_in_chromium(tmp_path):
    from support.browser import colours, ink_share, offline_page

    out = run_report(None, out=tmp_path / "report.html", parameters={"lang": "en"}, progress=False)
    with offline_page(height=1400) as (page, blocked):
        page.goto(out.as_uri())
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length >= 3", timeout=60_000)
        page.locator(".bk-Canvas canvas").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(800)
        documents = page.evaluate("() => Bokeh.documents.length")
        # the first chart (the network picture), below the title block, contents and tiles
        shot = page.locator(".jp-OutputArea-output:has([data-root-id])").first.screenshot()
    assert blocked == []
    assert documents >= 4  # picture, strengths and targets, knowing-trust-commitment, annual clock
    assert ink_share(shot) > 0.05 and colours(shot) > 50
