"""A store path that is not a database, or a store that cannot be written, gets a clear
message and exit status 1, never "unexpected error" (issue 16, finding 9)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from verkostolab import Store
from verkostolab.datasets import sample_path
from verkostolab.errors import StoreError
from verkostolab.ingest import import_files


def cli(*args):
    env = {k: v for k, v in os.environ.items() if k != "VERKOSTOLAB_STORE"}
    return subprocess.run([sys.executable, "-m", "verkostolab", "--lang", "en", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("command", ["info", "import", "measures"])
def test_a_store_that_is_not_a_database(tmp_path, command):
    path = tmp_path / "notes.sqlite"
    path.write_text("shopping list: milk, bread\n" * 50)
    args = [command, "--store", path] if command != "import" else [command, sample_path(), "--store", path]
    done = cli(*args)
    assert done.returncode == 1, done.stderr
    assert "is not a database" in done.stderr and str(path) in done.stderr
    assert "nexpected" not in done.stderr and "Traceback" not in done.stderr
    assert path.read_text().startswith("shopping list")  # left as it was
    with pytest.raises(StoreError) as exc:
        Store(path).load()
    assert "ei ole tietokanta" in exc.value.render("fi")


def test_a_read_only_store(tmp_path):
    path = tmp_path / "store.sqlite"
    import_files(Store(path), sample_path())
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    done = cli("import", sample_path(), "--store", url)
    assert done.returncode == 1, done.stderr
    assert "read-only" in done.stderr and "nexpected" not in done.stderr
    with pytest.raises(StoreError) as exc:
        Store(url).add_note("a note that cannot be saved")
    assert "ei voi kirjoittaa" in exc.value.render("fi")
