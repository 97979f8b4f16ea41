"""The package works when installed from its wheel, not only from a clone.

The wheel is built offline from a copy of the package's sources (``pip wheel
--no-build-isolation``: the build-system's setuptools is in the test environment),
installed with ``pip install --no-deps --no-index`` into a fresh virtual environment,
and only then does that environment get a ``.pth`` line that shows it the dependencies
of the development environment (a plain path entry: the development environment's
editable ``verkostolab`` finder is not activated through it), and ``JUPYTER_PATH`` shows
it their data files (nbconvert's and Voilà's base templates).  Every command then runs
from an empty folder with no ``PYTHONPATH``, so nothing can come from the checkout:
``verkostolab info``, ``verkostolab report`` (the packaged default report and a notebook
of one's own) and ``verkostolab workshop`` (the packaged apps and template, answering
over HTTP and rendering in Chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import psutil
import pytest
from support.browser import offline_page
from support.voila_server import free_port

from verkostolab.i18n import t

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "verkostolab"
APPS = ("mapping.ipynb", "wall.ipynb", "warmup.ipynb", "evaluation.ipynb", "impact.ipynb")
#: What the installed package reads besides its modules (paths inside the wheel).
PACKAGE_DATA = [
    "verkostolab/workshop/templates/verkostolab/conf.json",
    "verkostolab/workshop/templates/verkostolab/index.html.j2",
    "verkostolab/workshop/templates/verkostolab/static/workshop.css",
    *(f"verkostolab/workshop/room/{name}" for name in ("participant.html", "participant.js", "room.css",
                                                       "facilitator.html", "facilitator.js",
                                                       "projector.html", "projector.js")),
    *(f"verkostolab/apps/notebooks/{name}" for name in APPS),
    "verkostolab/reports/report.ipynb",
    "verkostolab/reports/templates/verkostolab-report/conf.json",
    "verkostolab/reports/templates/verkostolab-report/index.html.j2",
    "verkostolab/datasets/jarvilaakso.xlsx",
    "verkostolab/i18n/fi.json",
    "verkostolab/i18n/en.json",
]


def _run(cmd, *, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=timeout)
    assert out.returncode == 0, f"{cmd} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def _sources(target: Path) -> Path:
    """A copy of what the wheel is built from (the build writes into its source tree)."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(PACKAGE, target / "verkostolab",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "bokeh"))
    return target


def _dev_site_packages() -> list[str]:
    paths = sysconfig.get_paths()
    return sorted({paths["purelib"], paths["platlib"]})


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of the fresh environment, its bin folder, the wheel, a clean environment)."""
    import setuptools
    from packaging.version import Version

    assert Version(setuptools.__version__) >= Version("77"), (
        f"setuptools {setuptools.__version__} cannot build the wheel (pyproject.toml's build-system "
        "asks for setuptools>=77): install the test extras, `pip install -e '.[test]'` (dev.py does)")
    tmp = tmp_path_factory.mktemp("wheel")
    src = _sources(tmp / "src")
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", dist, src], cwd=tmp)
    wheels = list(dist.glob("verkostolab-*.whl"))
    assert len(wheels) == 1, wheels

    fresh = tmp / "fresh"
    python = fresh / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "VERKOSTOLAB_STORE", "JUPYTER_PATH",
                        "JUPYTER_CONFIG_PATH", "PYTHONSTARTUP")}
    home = tmp / "home"
    for sub in ("config", "data", "runtime", "ipython"):
        (home / sub).mkdir(parents=True)
    env.update(HOME=str(home), PATH=f"{fresh / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               VERKOSTOLAB_LANG="fi", PYTHONUNBUFFERED="1", PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1",
               # the dependencies' data files (nbconvert's and Voilà's base templates, the
               # widgets' JavaScript), which an install of them would put in the fresh
               # environment's share/jupyter; verkostolab's own come from the wheel
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    _run([sys.executable, "-m", "venv", fresh], cwd=tmp, env=env)  # pip from ensurepip, offline
    # The wheel goes in while the fresh environment sees nothing else, so pip can neither
    # take the development install for it nor touch the development environment.
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheels[0]], cwd=tmp, env=env)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp, env=env).stdout.strip())
    (site / "zz_verkostolab_dev_dependencies.pth").write_text("\n".join(_dev_site_packages()) + "\n")
    return python, fresh / "bin", wheels[0], env, site


@pytest.fixture
def empty(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def test_the_wheel_holds_the_package_data(installed):
    _, _, wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    assert not missing, f"not in {wheel.name}: {missing}"
    # every catalogue and every CSV of the sample, whatever their number
    for pattern in ("i18n/*.json", "datasets/jarvilaakso-csv/*.csv", "apps/notebooks/*.ipynb"):
        for path in PACKAGE.glob(pattern):
            assert path.relative_to(ROOT).as_posix() in names, path
    # only the package: no tests, curated notebooks or repository folders
    assert all(name.startswith(("verkostolab/", "verkostolab-")) for name in names), sorted(names)[:20]


def test_fresh_environment_imports_the_installed_wheel(installed, empty):
    python, _, _, env, site = installed
    out = _run([python, "-c", "import importlib.metadata as m, verkostolab, verkostolab.workshop as w, "
                "verkostolab.report as r; "
                "print(verkostolab.__file__); print(m.distribution('verkostolab').locate_file('')); "
                "print(w.NOTEBOOKS_DIR); print(w.TEMPLATE_DIR); print(r.default_report()); "
                "import pandas, igraph; print(pandas.__file__)"],
               cwd=empty, env=env).stdout.splitlines()
    module, dist, apps, template, report, pandas = (Path(line) for line in out)
    assert module == site / "verkostolab" / "__init__.py"
    assert dist == site
    for path in (apps, template, report):
        assert path.is_relative_to(site / "verkostolab") and path.exists(), path
        assert not path.is_relative_to(ROOT)
    assert str(pandas.parent.parent) in _dev_site_packages()  # the dependencies come from the .pth


def test_info_runs_from_an_empty_folder(installed, empty):
    _, bin_dir, _, env, _ = installed
    out = _run([bin_dir / "verkostolab", "info"], cwd=empty, env=env).stdout
    assert "Järvilaakso" in out and re.search(r"toimijat\s+60", out), out


def test_default_report_from_the_installed_package(installed, empty):
    _, bin_dir, _, env, site = installed
    before = sorted(p for p in (site / "verkostolab").rglob("*") if "__pycache__" not in p.parts)
    out = _run([bin_dir / "verkostolab", "report", "--out", "r.html"], cwd=empty, env=env).stdout
    report = empty / "r.html"
    assert report.is_file(), out
    html = report.read_text(encoding="utf-8")
    assert "Verkostoraportti" in html and "Järvilaakso" in html  # the sample network, named
    # self-contained: nothing loaded from elsewhere, BokehJS inline
    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"'](?:https?:)?//", html)
    assert "Bokeh.embed" in html or "embed_items" in html
    assert len(re.findall(r"<script[^>]*>", html)) > 3 and len(html) > 500_000
    assert "Traceback" not in html
    # it ran where it was asked for: nothing written into the installed package
    after = sorted(p for p in (site / "verkostolab").rglob("*") if "__pycache__" not in p.parts)
    assert after == before
    assert {p.name for p in empty.iterdir()} == {"r.html"}


def test_report_of_ones_own_notebook_uses_the_installed_package(installed, empty):
    _, bin_dir, _, env, site = installed
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('lang: str = "fi"  # language')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import sys, verkostolab\nprint('MODULE', verkostolab.__file__)\nprint('PYTHON', sys.executable)")]
    (empty / "oma.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
    _run([bin_dir / "verkostolab", "report", "oma.ipynb", "--out", "oma.html"], cwd=empty, env=env)
    html = (empty / "oma.html").read_text(encoding="utf-8")
    assert f"MODULE {site / 'verkostolab' / '__init__.py'}" in html  # the kernel imports the wheel
    assert f"PYTHON {bin_dir / 'python'}" in html


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, response.read().decode("utf-8", errors="replace")


def test_workshop_serves_the_packaged_apps(installed, empty):
    _, bin_dir, _, env, site = installed
    port, code = free_port(), "975310"
    log = empty / "workshop-output.txt"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(bin_dir / "verkostolab"), "workshop", "--port", str(port),
                                 "--host", "127.0.0.1", "--code", code, "--pool-size", "0"],
                                cwd=empty, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 240
        while t("workshop.stop", "fi") not in log.read_text(encoding="utf-8", errors="replace"):
            assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8", errors="replace")
            time.sleep(0.3)
        printed = log.read_text(encoding="utf-8")
        assert code in printed and f"{base}facilitator" in printed and f"{base}projector" in printed
        for name in APPS:
            assert f"{base}voila/render/{name}" in printed  # the packaged apps, all of them
        # the room's pages and API from the installed package (no kernel needed)
        with offline_page(width=390, height=844, allow_hosts=(base,)) as (page, blocked):
            page.goto(base, timeout=60_000)
            page.locator("#join-name").wait_for(state="visible", timeout=30_000)
            label = page.locator("label[for=join-name]").inner_text()
        assert blocked == [] and label.strip()
        status, html = _get(f"{base}voila/render/mapping.ipynb")
        assert status == 200
        assert '<html lang="fi">' in html and "verkostolab/static/workshop.css" in html
        assert t("workshop.cell_error", "fi") not in html and "Traceback" not in html
        status, _ = _get(f"{base}voila/templates/verkostolab/static/bokeh/bokeh.min.js")
        assert status == 200
        with offline_page(allow_hosts=(base,)) as (page, blocked):
            page.goto(f"{base}voila/render/mapping.ipynb", timeout=180_000)
            page.locator(".vl-app").first.wait_for(state="visible", timeout=180_000)
            text = page.locator(".vl-app").first.inner_text()
        assert blocked == []
        assert t("apps.mapping.title", "fi") in text
        # the sample network was imported into the store in the (once empty) folder
        assert (empty / "verkostolab-data" / "workshop.sqlite").is_file()
        # Voilà serves the installed package's apps, and their kernels run the fresh Python
        apps = site / "verkostolab" / "apps" / "notebooks"
        voila = [c for c in psutil.Process(proc.pid).children()
                 if "verkostolab.workshop.voila_main" in c.cmdline()]  # Voilà behind the Host check
        assert len(voila) == 1 and Path(voila[0].cwd()) == apps and str(apps) in voila[0].cmdline()
        kernels = [c for c in voila[0].children(recursive=True) if "ipykernel_launcher" in c.cmdline()]
        assert kernels and all(k.cmdline()[0] == str(bin_dir / "python") for k in kernels)
        assert {Path(k.cwd()) for k in kernels} == {apps}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    assert proc.returncode == 0, log.read_text(encoding="utf-8", errors="replace")
