"""The store on PostgreSQL: what differs from SQLite (the write lock, the retries, the
snapshot of readers, creating the tables from many processes at once) and the throwaway
server of tests/pg.py itself.  The tests shared with SQLite are in test_store.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import sqlalchemy as sa

from verkostolab import Store, StoreError, Submission, TieAnswer, read
from verkostolab.ingest import import_files
from verkostolab.tables.schema import SCHEMA_VERSION
from verkostolab.store import PG_WRITE_LOCK
from verkostolab.store.engine import _retryable


def hold_write_lock(url: str) -> psycopg.Connection:
    """Another client holding the store's write lock (as a long import would)."""
    u = sa.engine.make_url(url)
    conn = psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database,
                           autocommit=True)
    conn.execute("SELECT pg_advisory_lock(%s)", (PG_WRITE_LOCK,))
    return conn


def test_every_table_and_type_round_trips(pg_url, small_xlsx):
    store = Store(pg_url)
    assert not store.exists()
    report = import_files(store, small_xlsx)
    assert report.new == {"organisations": 3, "actors": 3, "events": 2, "participation": 5,
                          "ties": 2, "assessments": 0, "goals": 0}
    assert store.schema_version() == SCHEMA_VERSION
    loaded = store.load()
    for name, frame in read(small_xlsx).tables().items():
        pd.testing.assert_frame_equal(loaded.table(name), frame, check_dtype=True)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
        assert conn.exec_driver_sql("SELECT name FROM actors WHERE actor_id = 'P2'").scalar() == "Åsa Ek"
    store.close()


def test_writers_hold_the_lock_and_readers_read_one_snapshot(pg_url, small_folder):
    store = Store(pg_url)
    import_files(store, small_folder)
    with store.transaction() as conn:
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
        held = conn.execute(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                    "AND objid = :key AND pid = pg_backend_pid() AND granted"),
                            {"key": PG_WRITE_LOCK}).scalar()
        assert held == 1
    with store._reading() as conn:
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "repeatable read"
    store.close()


def test_a_submission_waits_for_another_writer(pg_url, small_folder):
    store = Store(pg_url)
    import_files(store, small_folder)
    other = hold_write_lock(pg_url)
    done = {}
    worker = threading.Thread(target=lambda: done.setdefault(
        "ids", store.submit(Submission(name="Odottava Öljynen", ties=[TieAnswer("P1", 3)]))))
    worker.start()
    time.sleep(1.0)
    assert "ids" not in done  # waiting for the lock, not failing
    other.close()  # the other writer commits
    worker.join(timeout=60)
    assert done["ids"]["ties"] == 1
    assert store.counts()["actors"] == 4
    store.close()


def test_a_lock_timeout_is_retried_and_then_reported(pg_url, small_folder, monkeypatch):
    import verkostolab.store.engine as store_module

    store = Store(pg_url)
    import_files(store, small_folder)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    other = hold_write_lock(pg_url)
    with pytest.raises(StoreError) as err:
        store.submit(Submission(name="Kärsimätön Kaisa"), retries=0)
    assert err.value.retryable and "lock timeout" in str(err.value)
    threading.Timer(1.5, other.close).start()
    start = time.monotonic()
    ids = store.submit(Submission(name="Kärsivällinen Kalle"), retries=8)
    assert time.monotonic() - start >= 1.0  # it timed out at least once, and tried again
    assert ids["actor_id"].startswith("p-karsivallinen-kalle")
    assert store.counts()["actors"] == 4
    store.close()


def test_which_errors_are_retried():
    def wrapped(orig):
        return sa.exc.OperationalError("statement", {}, orig)

    assert _retryable(wrapped(psycopg.errors.SerializationFailure("could not serialize access")))
    assert _retryable(wrapped(psycopg.errors.DeadlockDetected("deadlock detected")))
    assert _retryable(wrapped(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")))
    assert not _retryable(wrapped(psycopg.errors.UniqueViolation("duplicate key value")))
    assert not _retryable(wrapped(psycopg.errors.UndefinedTable("relation \"locked\" does not exist")))
    import sqlite3

    assert _retryable(wrapped(sqlite3.OperationalError("database is locked")))
    assert not _retryable(wrapped(sqlite3.OperationalError("no such table: actors")))


CREATOR = """
import sys
from verkostolab import Store, Submission
store = Store(sys.argv[1])
print(store.submit(Submission(name=f"Perustaja {sys.argv[2]}", organisation="Yhteinen Säätiö"))["organisation_id"])
store.close()
"""


def test_many_processes_creating_the_store_at_once(pg_url):
    workers = [subprocess.Popen([sys.executable, "-c", CREATOR, pg_url, str(i)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for i in range(8)]
    results = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err for _, err in results if err][:1]
    assert len({out.strip() for out, _ in results}) == 1  # one organisation, made once
    store = Store(pg_url)
    assert store.counts()["actors"] == 8 and store.counts()["organisations"] == 1
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM meta WHERE key = 'schema_version'").scalar() == 1
    store.close()


def test_a_missing_database_is_a_store_error_not_a_traceback(pg_cluster):
    store = Store(pg_cluster.url("no_such_database"))
    with pytest.raises(StoreError) as err:
        store.load()
    assert "no_such_database" in err.value.render("en")
    store.close()


def test_without_postgresql_the_tests_fail_rather_than_skip(tmp_path):
    (tmp_path / "test_needs_pg.py").write_text(textwrap.dedent("""
        from support.pg import pg_cluster, pg_url  # noqa: F401

        def test_uses_postgresql(pg_url):
            assert pg_url
    """))
    (tmp_path / "empty").mkdir()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
           "VERKOSTOLAB_PG_BIN": str(tmp_path / "empty")}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(tmp_path / "test_needs_pg.py")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout
    assert "PostgreSQL is needed for these tests" in run.stdout
    assert "1 error" in run.stdout and "skipped" not in run.stdout
