"""The workshop server: ``verkostolab workshop`` serves the apps with the workshop
template, BokehJS from the template's static folder, nothing from a CDN, widgets and
Bokeh figures that work in headless Chromium, and prints the address, QR code and
facilitator code.

The real apps are not needed: a minimal notebook in a temporary folder stands in.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import bokeh
import nbformat
import pytest
from support.browser import offline_page
from click.testing import CliRunner
from support.voila_server import workshop_server

from verkostolab.cli import cli
from verkostolab.store import Store
from verkostolab.workshop import PARTICIPANT_APP, Workshop, default_store_url, lan_address, qr_text

CODE = "135790"

MINIMAL_APP = """\
import os
import ipywidgets as widgets
from bokeh.plotting import figure
from jupyter_bokeh import BokehModel

button = widgets.Button(description="Paina")
button.add_class("vl-test-button")
label = widgets.Label(os.environ.get("VERKOSTOLAB_FACILITATOR_CODE", "?") + " "
                      + os.environ.get("VERKOSTOLAB_LANG", "?"))
label.add_class("vl-test-label")
button.on_click(lambda _: setattr(label, "value", "clicked"))
plot = figure(width=320, height=220, toolbar_location=None)
plot.scatter([1, 2, 3], [3, 1, 2], size=12)
model = BokehModel(plot)
model.add_class("vl-test-plot")
widgets.VBox([button, label, model])
"""


def _notebook(path: Path, *cells) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Testisovellus"), *cells]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workshop")
    notebooks = tmp / "apps"
    notebooks.mkdir()
    _notebook(notebooks / PARTICIPANT_APP, nbformat.v4.new_code_cell(MINIMAL_APP))
    _notebook(notebooks / "broken.ipynb", nbformat.v4.new_code_cell("1 / 0"))
    # pool_size=1: the participant app runs preheated, as in a real workshop
    with workshop_server(tmp / "server", notebooks=notebooks, code=CODE, pool_size=1) as s:
        yield s


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, response.read()


def _external_refs(html: str) -> list[str]:
    """Addresses in src/href/url()/import() that leave the machine."""
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)|import\(\s*["']([^"']+)""",
                      html)
    urls = [next(u for u in groups if u) for groups in refs]
    return [u for u in urls if re.match(r"^(?:https?:)?//", u)
            and not re.match(r"^(?:https?:)?//(?:127\.0\.0\.1|localhost)[:/]", u)]


# ------------------------------------------------------------------ without a server
def test_workshop_help():
    result = CliRunner().invoke(cli, ["--lang", "en", "workshop", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--store", "--lang", "--port", "--host", "--code", "--pool-size", "--no-sample"):
        assert option in result.output
    result = CliRunner().invoke(cli, ["workshop", "--help"])
    assert result.exit_code == 0 and "--host" in result.output


def test_command_line_keeps_voila_safe_and_preheats_only_the_participant_app(tmp_path):
    workshop = Workshop(store_url="sqlite:///x.sqlite", runtime=tmp_path, notebooks=tmp_path,
                        code="111111", pool_size=3, lang="en")
    cmd = workshop.command()
    assert "--template=verkostolab" in cmd and "--no-browser" in cmd
    assert "--show_tracebacks=False" in cmd and "--strip_sources=True" in cmd
    assert "--Voila.port_retries=0" in cmd and "--pool_size=3" in cmd
    assert not any("debug" in arg for arg in cmd)
    assert any(arg.startswith("--MappingKernelManager.cull_idle_timeout=") for arg in cmd)
    denylist = next(a.split("=", 1)[1] for a in cmd if a.startswith("--VoilaKernelManager.preheat_denylist="))
    assert not re.match(denylist, str(tmp_path / "mapping.ipynb"))
    assert re.match(denylist, str(tmp_path / "wall.ipynb"))
    assert not any("preheat" in a for a in Workshop(store_url="sqlite:///x", runtime=tmp_path,
                                                    pool_size=0).command())
    env = workshop.environment({})
    assert env["VERKOSTOLAB_STORE"] == "sqlite:///x.sqlite"
    assert env["VERKOSTOLAB_LANG"] == "en"
    assert env["VERKOSTOLAB_FACILITATOR_CODE"] == "111111"
    assert env["VERKOSTOLAB_WORKSHOP_URL"] == workshop.participant_url
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        assert env[name].startswith(str(tmp_path.resolve()))
    assert env["JUPYTER_PATH"].split(":")[0] == str(tmp_path.resolve() / "share" / "jupyter")


def test_listening_everywhere_gives_the_lan_address(tmp_path):
    address = lan_address()
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", address)
    workshop = Workshop(store_url="sqlite:///x", runtime=tmp_path, host="0.0.0.0", port=8999)
    assert workshop.participant_url == f"http://{address}:8999/"  # the room's short address
    assert workshop.app_url(PARTICIPANT_APP) == f"http://{address}:8999/voila/render/mapping.ipynb"
    assert workshop.local_url == "http://127.0.0.1:8999/"


def test_default_store_keeps_a_given_network_apart_from_the_sample(monkeypatch):
    monkeypatch.delenv("VERKOSTOLAB_STORE", raising=False)
    assert default_store_url().endswith("/verkostolab-data/workshop.sqlite")
    assert default_store_url(["x/kevät.xlsx"]).endswith("/verkostolab-data/kevät.sqlite")
    monkeypatch.setenv("VERKOSTOLAB_STORE", "sqlite:///elsewhere.sqlite")
    assert default_store_url() == "sqlite:///elsewhere.sqlite"


# --------------------------------------------------------------------- with a server
def test_new_store_holds_the_sample(server):
    counts = Store(server.store_url).counts()
    assert counts["actors"] == 60 and counts["organisations"] == 26


def test_template_serves_the_installed_bokehjs(server):
    js_dir = Path(bokeh.__file__).parent / "server" / "static" / "js"
    for name in ("bokeh.min.js", "bokeh-widgets.min.js"):
        status, body = _get(f"{server.base_url}voila/templates/verkostolab/static/bokeh/{name}")
        assert status == 200
        assert body == (js_dir / name).read_bytes()
    status, body = _get(f"{server.base_url}voila/templates/verkostolab/static/bokeh/VERSION")
    assert body.decode().strip() == bokeh.__version__


def test_page_renders_with_the_workshop_template_and_no_cdn(server):
    status, body = _get(server.app_url(PARTICIPANT_APP))
    html = body.decode("utf-8")
    assert status == 200
    assert '<html lang="fi">' in html
    assert "verkostolab/static/workshop.css" in html
    assert html.count("verkostolab/static/bokeh/bokeh.min.js") == 1
    assert "Testisovellus" in html                       # the markdown cell
    assert "add_class" not in html and "BokehModel(" not in html  # no code shown
    assert _external_refs(html) == []
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg.com", "fontawesome", "mathjax.js", "require.js",
                "mermaid"):
        assert cdn not in html.lower()


def test_failing_cell_shows_a_friendly_message_not_a_traceback(server):
    html = _get(server.app_url("broken.ipynb"))[1].decode("utf-8")
    assert "vl-cell-error" in html
    assert "Valitettavasti tämä sivun osa ei toiminut" in html
    assert "ZeroDivisionError" not in html and "Traceback" not in html and "1 / 0" not in html


def test_widgets_and_bokeh_work_in_chromium_offline(server):
    with offline_page(width=1280, height=900, allow_hosts=(server.base_url,)) as (page, blocked):
        page.goto(server.app_url(PARTICIPANT_APP), timeout=120_000)
        button = page.locator(".vl-test-button")
        button.wait_for(state="visible", timeout=120_000)
        page.locator(".vl-test-plot canvas").first.wait_for(state="attached", timeout=60_000)
        label = page.locator(".vl-test-label")
        assert label.inner_text(timeout=30_000).strip() == f"{CODE} fi"  # env reaches the kernel
        button.click()
        page.wait_for_function(
            "() => document.querySelector('.vl-test-label').innerText.trim() === 'clicked'",
            timeout=60_000)
        assert page.evaluate("() => window.Bokeh.version") == bokeh.__version__
        # A phone: nothing wider than the screen, a button big enough for a thumb.
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert button.bounding_box()["height"] >= 44
        font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector("
                             "'.vl-test-label')).fontSize)")
        assert font >= 18
    assert blocked == []


def test_output_has_address_qr_code_and_facilitator_code(server):
    output = server.output()
    assert server.participant_url in output
    assert CODE in output
    assert qr_text(server.participant_url) in output
    assert (server.runtime / "participant-qr.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert (server.runtime / "participant-qr.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
