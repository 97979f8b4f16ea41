"""A database URL is shown without its password everywhere: the import report,
NetworkData.source, ``info`` and ``--json``, measures, tips and picture titles, exports,
errors and the workshop banner (issue 18, item 4).  Every output is grepped for the
password."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from verkostolab import Store
from verkostolab.errors import StoreError
from verkostolab.ingest import import_files
from verkostolab.store import shown_url
from verkostolab.workshop import Workshop, banner

from support.files import write_csv_folder

SECRET = "secret"


def run(*args):
    env = dict(os.environ)
    env.pop("VERKOSTOLAB_STORE", None)
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=180)


def with_password(url: str) -> str:
    """The throwaway server trusts every local connection, so a password is accepted."""
    assert "postgres@" in url
    return url.replace("postgres@", f"postgres:{SECRET}@", 1)


def test_shown_url_masks_the_password_and_keeps_the_rest():
    url = "postgresql+psycopg://user:secret@127.0.0.1:5432/db"
    assert shown_url(url) == "postgresql+psycopg://user:***@127.0.0.1:5432/db"
    assert SECRET not in repr(Store(url))
    assert shown_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"
    assert shown_url("weird://u:secret@[bad") == "weird://u:***@[bad"


def test_no_output_of_a_postgresql_store_shows_its_password(pg_url, small_tables, tmp_path):
    url = with_password(pg_url)
    folder = write_csv_folder(tmp_path / "verkosto", small_tables)
    store = Store(url)
    report = import_files(store, folder)
    assert report.new["actors"] > 0
    assert SECRET not in report.render("fi") and SECRET not in report.render("en")
    assert SECRET not in json.dumps(report.to_dict())
    assert "postgres:***@" in report.store
    data = store.load()
    assert len(data.actors) > 0 and SECRET not in data.source and "***" in data.source
    store.close()

    outputs = {}
    for name, args in {
        "import": ("import", folder, "--store", url, "--no-merge"),
        "import-json": ("import", folder, "--store", url, "--no-merge", "--json"),
        "info": ("info", "--store", url),
        "info-json": ("info", "--store", url, "--json"),
        "measures": ("measures", "--store", url),
        "measures-json": ("measures", "--store", url, "--json"),
        "tips-json": ("tips", "--store", url, "--json"),
        "picture": ("picture", "--store", url, "--out", tmp_path / "kuva.html"),
        "export": ("export", "--store", url, "--out", tmp_path / "v.gexf"),
    }.items():
        done = run(*args)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        outputs[name] = done.stdout + done.stderr
    assert "postgres:***@" in outputs["info"]
    assert json.loads(outputs["info-json"])["source"].startswith("postgresql+psycopg://postgres:***@")
    outputs["picture file"] = (tmp_path / "kuva.html").read_text(encoding="utf-8")
    outputs["gexf file"] = (tmp_path / "v.gexf").read_text(encoding="utf-8")
    assert "***" in outputs["gexf file"]
    for name, text in outputs.items():
        assert SECRET not in text, name


def test_errors_and_the_workshop_banner_hide_the_password(tmp_path):
    # Nothing listens on port 1: the connection fails and the error names the store.
    url = "postgresql+psycopg://tiimi:secret@127.0.0.1:1/verkosto"
    try:
        Store(url).load()
    except StoreError as exc:
        message = exc.render("fi")
        assert SECRET not in message and SECRET not in str(exc)
        assert "tiimi:***@127.0.0.1:1" in str(exc)
    else:
        raise AssertionError("a store that cannot be reached must raise")
    done = run("info", "--store", url, "--json")
    assert done.returncode == 1, done.stderr
    assert SECRET not in done.stdout + done.stderr and "***" in done.stdout + done.stderr
    done = run("import", tmp_path, "--store", url)
    assert SECRET not in done.stdout + done.stderr

    text = banner(Workshop(store_url=url, runtime=Path(tmp_path / "rt"), code="123456", port=9000))
    assert "tiimi:***@127.0.0.1:1/verkosto" in text and SECRET not in text


def test_the_report_of_a_postgresql_store_does_not_show_its_password(pg_url, small_tables, tmp_path):
    url = with_password(pg_url)
    import_files(Store(url), write_csv_folder(tmp_path / "verkosto", small_tables))
    out = tmp_path / "raportti.html"
    done = run("report", "--store", url, "--out", out)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "postgres:***@" in html  # the heading names the store
    assert SECRET not in html and SECRET not in done.stdout + done.stderr
