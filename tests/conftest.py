"""Shared fixtures: small networks written as real files, and temporary stores; markers
for the tests that need a browser, PostgreSQL or the Voila workshop server.

The markers only select (``-m "not browser"`` for a quick run); the suite that CI runs
includes them all, and each fails (never skips) when its tool is missing.
"""

from __future__ import annotations

import inspect

import pytest

# A throwaway PostgreSQL server: ``pg_url`` (a new database) and ``store_url`` (a store on
# SQLite and on PostgreSQL); see tests/support/pg.py.
from support.files import SMALL, write_csv_folder, write_xlsx  # noqa: F401
from support.pg import pg_cluster, pg_url, store_url  # noqa: F401

# The language, the pseudonym salt and Jupyter's folders are set in ../conftest.py.


@pytest.fixture
def small_tables():
    return {k: [list(r) for r in v] for k, v in SMALL.items()}


@pytest.fixture
def small_folder(tmp_path, small_tables):
    return write_csv_folder(tmp_path / "small", small_tables)


@pytest.fixture
def small_xlsx(tmp_path, small_tables):
    return write_xlsx(tmp_path / "small.xlsx", small_tables)


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "store" / "verkostolab.sqlite"


#: Marker -> what in a test's code (or in the code of a fixture it uses) shows the need.
_NEEDS = {
    "browser": ("offline_page(", "chromium"),
    "voila": ("workshop_server(",),
    "postgres": ("pg_cluster", "pg_url("),
}


def _code_of(item) -> str:
    parts = []
    func = getattr(item, "function", None)
    if func is not None:
        parts.append(func)
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info else ()):
        parts += [d.func for d in defs]
    out = []
    for obj in parts:
        try:
            out.append(inspect.getsource(obj))
        except (OSError, TypeError):
            pass
    return "\n".join(out)


def pytest_collection_modifyitems(items):
    for item in items:
        code = _code_of(item)
        for marker, signs in _NEEDS.items():
            if any(sign in code for sign in signs):
                item.add_marker(marker)
        if "postgresql" in item.nodeid or {"pg_url", "pg_cluster"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("postgres")
