"""Binder: pinned requirements agree with the package, and binder/start makes Jupyter's
server show the Voilà apps on the sample network with the workshop template.

On Binder the repository is the home folder and Jupyter's server runs there; the test
keeps them apart (a temporary home, the server rooted at it) so that the apps can only
come from what binder/start copied out of the installed package."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from support.browser import offline_page
from verkostolab.i18n import t
from verkostolab.workshop import NOTEBOOKS_DIR
from support.voila_server import free_port

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"


def pins() -> dict[str, str]:
    out = {}
    for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version and ";" not in line, f"not an exact pin: {line!r}"
        out[canonicalize_name(name)] = version
    return out


def test_pins_satisfy_the_package_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = pins()
    assert "verkostolab" not in pinned  # postBuild installs the package itself
    for text in project["dependencies"]:
        req = Requirement(text)
        key = canonicalize_name(req.name)
        assert key in pinned, f"{req.name} is a dependency but not pinned in binder/requirements.txt"
        assert req.specifier.contains(pinned[key], prereleases=True), (
            f"binder pins {req.name}=={pinned[key]}, pyproject.toml asks for {req.specifier}")
    python = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    assert Requirement(f"python{project['requires-python']}").specifier.contains(python + ".0")


def test_post_build_only_installs_the_package():
    commands = [ln.strip() for ln in (BINDER / "postBuild").read_text().splitlines()
                if ln.strip() and not ln.lstrip().startswith("#") and not ln.startswith("set ")]
    assert commands == ["python -m pip install --no-deps ."]  # not editable: package data
    for name in ("postBuild", "start"):
        assert os.access(BINDER / name, os.X_OK), f"binder/{name} is not executable"


def _binder_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("VERKOSTOLAB_STORE", None)
    env.pop("JUPYTERHUB_SERVICE_PREFIX", None)
    env.update(HOME=str(home), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
               VERKOSTOLAB_LANG="fi")
    out = subprocess.run(["bash", str(BINDER / "start"), "env", "-0"], env=env, cwd=ROOT,
                         capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr.decode()
    started = dict(item.split("=", 1) for item in out.stdout.decode().split("\0") if "=" in item)
    return started


def test_binder_start_serves_the_apps_on_the_sample(tmp_path):
    home = tmp_path / "jovyan"
    home.mkdir()
    env = _binder_env(home)
    store = home / "verkostolab-data" / "workshop.sqlite"
    assert env["VERKOSTOLAB_STORE"] == f"sqlite:///{store}"
    assert store.exists()
    code = (home / "verkostolab-data" / "facilitator-code.txt").read_text().strip()
    assert env["VERKOSTOLAB_FACILITATOR_CODE"] == code and len(code) == 8
    assert _binder_env(home)["VERKOSTOLAB_FACILITATOR_CODE"] == code  # kept at restart
    apps = home / "apps"
    assert {p.name for p in apps.glob("*.ipynb")} >= {"mapping.ipynb", "wall.ipynb", "warmup.ipynb",
                                                      "evaluation.ipynb", "impact.ipynb"}
    assert (apps / "wall.ipynb").read_bytes() == (NOTEBOOKS_DIR / "wall.ipynb").read_bytes()
    assert env["VERKOSTOLAB_WORKSHOP_URL"] == "/voila/render/apps/mapping.ipynb"

    port = free_port()
    env.update(JUPYTER_CONFIG_DIR=str(home / ".jupyter"), JUPYTER_DATA_DIR=str(home / ".local"),
               JUPYTER_RUNTIME_DIR=str(home / ".runtime"))
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}",
         "--ServerApp.port_retries=0", "--ServerApp.token=", "--ServerApp.password=",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.allow_root=True",  # CI runs as root
         f"--ServerApp.root_dir={home}"],
        env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, _log(tmp_path)
            try:
                urllib.request.urlopen(base + "api/status", timeout=10).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        with offline_page(allow_hosts=(base,)) as (page, blocked):
            page.goto(base + "voila/render/apps/wall.ipynb", timeout=180_000)
            page.locator(".vl-app").first.wait_for(state="visible", timeout=180_000)
            assert t("apps.wall.title", "fi") in page.locator(".vl-app").first.inner_text()
            page.wait_for_function(  # the sample network's sixty people, from the store
                "() => /60 toimijaa/.test(document.querySelector('.vl-wall-counts').innerText)",
                timeout=120_000)
            page.locator(".vl-app canvas").first.wait_for(state="attached", timeout=60_000)
            html = page.content()
        assert blocked == []
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    assert "workshop.css" in html  # the verkostolab template, not Voilà's default
    assert "Traceback" not in html


def _log(tmp_path) -> str:
    return (tmp_path / "server.log").read_text(errors="replace")[-3000:]
