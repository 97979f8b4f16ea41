"""The SQLite store: transactional imports, idempotence, safe concurrent submissions."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from verkostolab import InputError, Store, Submission, TieAnswer, read
from verkostolab.schema import SCHEMA_VERSION

from conftest import write_csv_folder, write_xlsx


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_store_is_created_on_first_import_in_wal_mode(store_path, small_xlsx):
    store = Store(store_path)
    assert not store_path.exists()
    report = store.import_files(small_xlsx)
    assert report.new == {"organisations": 3, "actors": 3, "events": 2, "participation": 5,
                          "ties": 2, "assessments": 0, "goals": 0}
    assert store.schema_version() == SCHEMA_VERSION
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30000
    loaded = store.load()
    expected = read(small_xlsx)
    for name, frame in expected.tables().items():
        pd.testing.assert_frame_equal(loaded.table(name), frame, check_dtype=True)
    store.close()


def test_importing_the_same_file_twice_changes_nothing(store_path, small_folder):
    store = Store(store_path)
    store.import_files(small_folder)
    again = store.import_files(small_folder)
    assert sum(again.new.values()) == 0
    assert again.skipped["ties"] == 2 and again.skipped["actors"] == 3
    assert store.counts()["ties"] == 2
    store.close()


def test_failed_import_leaves_the_store_byte_for_byte_unchanged(store_path, small_folder,
                                                              small_tables, tmp_path):
    store = Store(store_path)
    store.import_files(small_folder)
    store.close()
    before = digest(store_path)
    # New rows that are fine, plus one unknown actor: nothing may be written.
    t = small_tables
    t["toimijat"].append(["P4", "Uusi Henkilö", "O1", "", ""])
    t["suhteet"].append(["P4", "P1", "tuntee", "3", "3", "3", ""])
    t["suhteet"].append(["P4", "P404", "tuntee", "3", "3", "3", ""])
    bad = write_csv_folder(tmp_path / "bad", t)
    store = Store(store_path)
    with pytest.raises(InputError) as err:
        store.import_files(bad)
    store.close()
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (5, "kohde", "P404")
    assert digest(store_path) == before
    assert Store(store_path).counts()["actors"] == 3


def test_failed_import_into_a_new_store_creates_no_file(store_path, small_tables, tmp_path):
    small_tables["suhteet"][1][4] = "9"
    bad = write_xlsx(tmp_path / "bad.xlsx", small_tables)
    with pytest.raises(InputError):
        Store(store_path).import_files(bad)
    assert not store_path.exists()
    assert not store_path.parent.exists() or not any(store_path.parent.iterdir())


def test_a_failure_while_writing_rolls_everything_back(store_path, small_folder, monkeypatch):
    store = Store(store_path)
    store.create()
    store.close()
    before = digest(store_path)
    store = Store(store_path)
    original = store._insert

    def insert_then_fail(conn, data, **kw):
        original(conn, data, **kw)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError):
        store.import_files(small_folder)
    store.close()
    assert Store(store_path).counts() == {name: 0 for name in store.counts()}
    assert digest(store_path) == before


def test_changed_row_with_an_existing_id_is_a_conflict(store_path, small_folder, small_tables, tmp_path):
    store = Store(store_path)
    store.import_files(small_folder)
    small_tables["toimijat"][1][1] = "Äijä Öhman-Virtanen"
    changed = write_csv_folder(tmp_path / "changed", small_tables)
    with pytest.raises(InputError) as err:
        store.import_files(changed)
    (p,) = err.value.problems
    assert (p.code, p.row, p.value) == ("conflict_with_store", 2, "P1")
    store.close()


def test_newer_schema_version_is_refused(store_path):
    from verkostolab import StoreError

    store = Store(store_path)
    store.create()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="99"):
        store.create()
    store.close()


def test_submission_adds_person_organisation_and_ties(store_path, small_folder):
    store = Store(store_path)
    store.import_files(small_folder)
    ids = store.submit(Submission(name="Uusi Osallistuja", organisation="järvilaakson kasvu oy",
                                  sector="yksityinen", keywords="robotiikka",
                                  ties=[TieAnswer("P1", 4, 3, 2), TieAnswer("P2", 2)],
                                  event_id="E1"))
    assert ids["organisation_id"] == "O1"  # matched by name, case and accents ignored
    data = store.load()
    ties = data.ties[data.ties["source"] == ids["actor_id"]]
    assert ties[["target", "knowing", "trust", "commitment"]].astype(object).where(ties.notna(), None).values.tolist() == [
        ["P1", 4, 3, 2], ["P2", 2, None, None]]
    assert ((data.participation["actor_id"] == ids["actor_id"]) & (data.participation["event_id"] == "E1")).sum() == 1
    store.close()


def test_bad_submission_writes_nothing(store_path, small_folder):
    store = Store(store_path)
    store.import_files(small_folder)
    before = store.counts()
    with pytest.raises(InputError) as err:
        store.submit(Submission(name="X", ties=[TieAnswer("P404", 3), TieAnswer("P1", 8)]))
    codes = sorted(p.code for p in err.value.problems)
    assert codes == ["invalid_rating", "unknown_reference"]
    assert store.counts() == before
    with pytest.raises(InputError):
        store.submit(Submission(name="  "))
    store.close()


WORKER = """
import sys
from verkostolab import Store, Submission, TieAnswer

url, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = Store(url)
for i in range(n):
    store.submit(Submission(name=f"Osallistuja {worker}-{i}", organisation=f"Org {worker % 5}",
                            sector="kolmas sektori",
                            ties=[TieAnswer("P1", 1 + i % 5, 3, 2), TieAnswer("P2", 3)]))
store.close()
print(n)
"""


def test_twenty_processes_submitting_at_once_lose_nothing(store_path, small_folder):
    store = Store(store_path)
    store.import_files(small_folder)
    store.close()
    # Twenty independent Python processes (as twenty Voilà kernels would be), all at once.
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(store_path), str(w), "50"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for w in range(20)]
    results = [w.communicate(timeout=600) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err for _, err in results if err][:1]
    assert sum(int(out.strip()) for out, _ in results) == 1000
    data = Store(store_path).load()
    assert len(data.actors) == 3 + 1000
    assert len(data.ties) == 2 + 2000
    assert data.actors["name"].str.startswith("Osallistuja").sum() == 1000
    assert data.actors["actor_id"].is_unique
    # Five organisations were created once each, however many submitted them at once.
    created = data.organisations[data.organisations["name"].str.startswith("Org ")]
    assert sorted(created["name"]) == [f"Org {i}" for i in range(5)]
    assert len(data.organisations) == 3 + 5
    submitted = data.ties[data.ties["source"].str.startswith("p-osallistuja")]
    counts = submitted[submitted["target"] == "P2"].groupby("source").size()
    assert (counts == 1).all() and len(counts) == 1000


def test_reading_a_store_that_does_not_exist_creates_nothing(store_path):
    store = Store(store_path)
    assert store.load().is_empty()
    assert not store_path.exists()


def test_other_sqlalchemy_urls_are_accepted(tmp_path, small_folder):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    store = Store(url)
    store.import_files(small_folder)
    assert store.counts()["participation"] == 5
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM actors").scalar() == 3
    engine.dispose()
    store.close()
