#!/usr/bin/env python3
"""Write binder/requirements.txt: every package verkostolab needs at run time (its
dependencies and theirs, without the test extra), pinned to the version installed in the
environment this script runs in.  Run it with the project's environment after changing
the dependencies in pyproject.toml:

    .venv/bin/python binder/pin.py

tests/test_binder.py checks that the pins satisfy pyproject.toml.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent


def closure(root: str) -> dict[str, str]:
    """Installed versions of everything ``root`` needs, extras (``psycopg[binary]``)
    included."""
    seen: dict[str, str] = {}
    done: set[tuple[str, str]] = set()
    todo = [(root, "")]
    while todo:
        name, extra = todo.pop()
        if (canonicalize_name(name), extra) in done:
            continue
        done.add((canonicalize_name(name), extra))
        env = default_environment()
        env["extra"] = extra
        for text in metadata.distribution(name).requires or []:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            if req.marker is None and extra:
                continue  # already taken with the plain package
            seen[canonicalize_name(req.name)] = metadata.version(req.name)
            todo += [(req.name, "")] + [(req.name, e) for e in req.extras]
    seen.pop(canonicalize_name(root), None)
    return seen


def main() -> int:
    pins = closure("verkostolab")
    lines = ["# Pinned by binder/pin.py from a working environment; the package itself is",
             "# installed by binder/postBuild.  tests/test_binder.py checks these pins",
             "# against pyproject.toml.",
             *(f"{name}=={version}" for name, version in sorted(pins.items()))]
    (HERE / "requirements.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(pins)} packages pinned in {HERE / 'requirements.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
