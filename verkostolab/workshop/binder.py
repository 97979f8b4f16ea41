"""Binder: the workshop apps in a Binder (repo2docker) container.

``binder/postBuild`` only installs the package (an ordinary install: the apps and the
template are package data); ``binder/start`` runs at every start of the container and
calls ``python -m verkostolab.workshop.binder``, which prepares what ``verkostolab
workshop`` prepares for its own Voilà (the ``verkostolab`` template with BokehJS, a store
with the bundled sample network, a facilitator code), copies the app notebooks from the
installed package into ``~/apps/`` and prints the environment as ``export`` lines for
the shell.  Binder's Jupyter server runs in the home folder (where Binder puts the
repository), so it serves the apps through Voilà's server extension, e.g.
``/voila/render/apps/wall.ipynb``.

Everything is written under the home folder: ``~/apps/`` (the app notebooks; only
their files are replaced), ``~/.verkostolab-binder/`` (template and Voilà settings) and
``~/verkostolab-data/`` (the store and ``facilitator-code.txt``, which the facilitator
opens from JupyterLab's file browser).

>>> env = binder_environment(Path("/home/jovyan"), code="123456")
>>> env["VERKOSTOLAB_STORE"]
'sqlite:////home/jovyan/verkostolab-data/workshop.sqlite'
>>> env["VERKOSTOLAB_FACILITATOR_CODE"]
'123456'
>>> env["VERKOSTOLAB_WORKSHOP_URL"].endswith("/voila/render/apps/mapping.ipynb")
True
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from pathlib import Path

from ..i18n import DEFAULT_LANG, LANGUAGES
from . import NOTEBOOKS_DIR, PARTICIPANT_APP, TEMPLATE_NAME, new_code, prepare_runtime, prepare_store

__all__ = ["binder_environment", "voila_settings", "copy_apps", "setup", "main"]

RUNTIME = ".verkostolab-binder"
#: The folder of the home (Jupyter's root on Binder) that gets the app notebooks.
APPS = "apps"
DATA = "verkostolab-data"
CODE_FILE = "facilitator-code.txt"


def voila_settings(lang: str) -> dict:
    """Voilà's settings for the server extension: the same choices as
    :meth:`verkostolab.workshop.Workshop.command` (template, no sources, no tracebacks,
    a patient IOPub timeout, nothing from a CDN)."""
    return {
        "VoilaConfiguration": {
            "template": TEMPLATE_NAME,
            "show_tracebacks": False,
            "strip_sources": True,
        },
        "VoilaExecutor": {"iopub_timeout": 60},
        "VoilaExporter": {"language_code": lang},
        # Unset, Voilà's server extension points MathJax at a CDN; null (as standalone
        # Voilà has it) makes the page use the MathJax bundled with its JavaScript.
        "ServerApp": {"tornado_settings": {"mathjax_url": None, "mathjax_config": None}},
    }


def binder_environment(home: Path, *, code: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """The environment of Binder's Jupyter server (and so of the apps' kernels)."""
    home = Path(home)
    runtime = home / RUNTIME
    share = str(runtime / "share" / "jupyter")
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != share]
    config = str(runtime / "config")
    config_paths = [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)
                    if p and p != config]
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    return {
        "JUPYTER_PATH": os.pathsep.join([share, *paths]),
        "JUPYTER_CONFIG_PATH": os.pathsep.join([config, *config_paths]),
        "VERKOSTOLAB_STORE": f"sqlite:///{(home / DATA / 'workshop.sqlite').as_posix()}",
        "VERKOSTOLAB_LANG": lang,
        "VERKOSTOLAB_FACILITATOR_CODE": code,
        "VERKOSTOLAB_WORKSHOP_URL": f"{prefix.rstrip('/')}/voila/render/{APPS}/{PARTICIPANT_APP}",
        "BOKEH_RESOURCES": "inline",
    }


def copy_apps(home: Path, *, source: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Copy the packaged app notebooks into ``home/apps/`` (where Jupyter's server,
    rooted at the home folder, serves them); return the copies.  Only the apps' own
    files are replaced: anything else in the folder stays."""
    target = Path(home) / APPS
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(notebook, target / notebook.name))
            for notebook in sorted(Path(source).glob("*.ipynb"))]


def setup(home: Path | None = None, *, lang: str | None = None) -> dict[str, str]:
    """Prepare template, apps, Voilà settings, store and facilitator code under ``home``;
    return the environment.  Safe to run at every start: an existing store and code
    are kept."""
    home = Path(home or Path.home())
    lang = lang or os.environ.get("VERKOSTOLAB_LANG", DEFAULT_LANG)
    lang = lang if lang in LANGUAGES else DEFAULT_LANG
    runtime = home / RUNTIME
    prepare_runtime(runtime)
    copy_apps(home)
    settings = json.dumps(voila_settings(lang), indent=1)
    for name in ("jupyter_server_config.json", "voila.json"):
        (runtime / "config" / name).write_text(settings + "\n", encoding="utf-8")
    data = home / DATA
    data.mkdir(parents=True, exist_ok=True)
    code_file = data / CODE_FILE
    kept = code_file.read_text(encoding="utf-8").strip() if code_file.exists() else ""
    if len(kept) >= 6 and kept.isalnum():  # a code written before (old six-digit ones too)
        code = code_file.read_text(encoding="utf-8").strip()
    else:
        code = new_code()
        code_file.write_text(code + "\n", encoding="utf-8")
    env = binder_environment(home, code=code, lang=lang)
    prepare_store(env["VERKOSTOLAB_STORE"])
    return env


def main(argv: list[str] | None = None) -> int:
    """Print the environment as shell ``export`` lines (``eval`` them in binder/start)."""
    argv = sys.argv[1:] if argv is None else argv
    home = Path(argv[0]) if argv else None
    env = setup(home)
    for key, value in env.items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
