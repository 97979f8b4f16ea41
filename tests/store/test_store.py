"""The store on SQLite and on PostgreSQL: transactional imports, idempotence, safe
concurrent submissions; erasure of a person (``forget``) and access to their data
(``export_person``), in the library and on the command line.

Tests that take the ``store_url`` fixture run twice: on an SQLite file and on a database of
the throwaway PostgreSQL server of tests/pg.py."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from verkostolab import InputError, Store, Submission, TieAnswer, read
from verkostolab.ingest import import_files
from verkostolab.tables.schema import SCHEMA_VERSION

from support.files import write_csv_folder, write_xlsx


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(url) -> dict:
    """Every row of every table in the database (found by inspection), for comparisons."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: sorted(repr(tuple(row)) for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')))
                    for name in sa.inspect(conn).get_table_names()}
    finally:
        engine.dispose()


def sqlite_file(url):
    """The SQLite file of a store URL, or None for another database."""
    return Store(url).path


def test_store_is_created_on_first_import_in_wal_mode(store_path, small_xlsx):
    store = Store(store_path)
    assert not store_path.exists()
    report = import_files(store, small_xlsx)
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


def test_importing_the_same_file_twice_changes_nothing(store_url, small_folder):
    store = Store(store_url)
    import_files(store, small_folder)
    again = import_files(store, small_folder)
    assert sum(again.new.values()) == 0
    assert again.skipped["ties"] == 2 and again.skipped["actors"] == 3
    assert store.counts()["ties"] == 2
    store.close()


def test_failed_import_leaves_the_store_byte_for_byte_unchanged(store_url, small_folder,
                                                              small_tables, tmp_path):
    store = Store(store_url)
    import_files(store, small_folder)
    store.close()
    path = sqlite_file(store_url)
    before = digest(path) if path else None
    rows_before = snapshot(store_url)
    # New rows that are fine, plus one unknown actor: nothing may be written.
    t = small_tables
    t["toimijat"].append(["P4", "Uusi Henkilö", "O1", "", ""])
    t["suhteet"].append(["P4", "P1", "tuntee", "3", "3", "3", ""])
    t["suhteet"].append(["P4", "P404", "tuntee", "3", "3", "3", ""])
    bad = write_csv_folder(tmp_path / "bad", t)
    store = Store(store_url)
    with pytest.raises(InputError) as err:
        import_files(store, bad)
    store.close()
    (p,) = err.value.problems
    assert (p.row, p.column, p.value) == (5, "kohde", "P404")
    if path:
        assert digest(path) == before
    assert snapshot(store_url) == rows_before
    store = Store(store_url)
    assert store.counts()["actors"] == 3
    store.close()


def test_failed_import_into_a_new_store_creates_no_file(store_url, small_tables, tmp_path):
    small_tables["suhteet"][1][4] = "9"
    bad = write_xlsx(tmp_path / "bad.xlsx", small_tables)
    store = Store(store_url)
    with pytest.raises(InputError):
        import_files(store, bad)
    store.close()
    path = sqlite_file(store_url)
    if path:
        assert not path.exists()
        assert not path.parent.exists() or not any(path.parent.iterdir())
    else:
        assert snapshot(store_url) == {}  # not even the tables


def test_a_failure_while_writing_rolls_everything_back(store_url, small_folder, monkeypatch):
    store = Store(store_url)
    store.create()
    store.close()
    path = sqlite_file(store_url)
    before = digest(path) if path else None
    rows_before = snapshot(store_url)
    store = Store(store_url)
    original = store._insert

    def insert_then_fail(conn, data, **kw):
        original(conn, data, **kw)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError):
        import_files(store, small_folder)
    assert store.counts() == {name: 0 for name in store.counts()}
    store.close()
    assert snapshot(store_url) == rows_before
    assert set(rows_before) >= {"actors", "ties", "meta", "imports", "notes"}
    if path:
        assert digest(path) == before


def test_changed_row_with_an_existing_id_is_a_conflict(store_url, small_folder, small_tables, tmp_path):
    store = Store(store_url)
    import_files(store, small_folder)
    small_tables["toimijat"][1][1] = "Äijä Öhman-Virtanen"
    changed = write_csv_folder(tmp_path / "changed", small_tables)
    with pytest.raises(InputError) as err:
        import_files(store, changed)
    (p,) = err.value.problems
    assert (p.code, p.row, p.value) == ("conflict_with_store", 2, "P1")
    store.close()


def test_newer_schema_version_is_refused(store_url):
    from verkostolab import StoreError

    store = Store(store_url)
    store.create()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="99"):
        store.create()
    store.close()


def test_submission_adds_person_organisation_and_ties(store_url, small_folder):
    store = Store(store_url)
    import_files(store, small_folder)
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


def test_bad_submission_writes_nothing(store_url, small_folder):
    store = Store(store_url)
    import_files(store, small_folder)
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


def test_twenty_processes_submitting_at_once_lose_nothing(store_url, small_folder):
    store = Store(store_url)
    import_files(store, small_folder)
    store.close()
    # Twenty independent Python processes (as twenty Voilà kernels would be), all at once.
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, store_url, str(w), "50"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for w in range(20)]
    results = [w.communicate(timeout=600) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err for _, err in results if err][:1]
    assert sum(int(out.strip()) for out, _ in results) == 1000
    store = Store(store_url)
    data = store.load()
    store.close()
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
    import_files(store, small_folder)
    assert store.counts()["participation"] == 5
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM actors").scalar() == 3
    engine.dispose()
    store.close()


# -- personal data: export_person (right of access) and forget (right to erasure) ----------

FORGOTTEN = {"actor_id": "P1", "name": "Äijä Öhman", "email": "aija.ohman@jarvilaakso.example"}


@pytest.fixture
def people_store(store_url, small_tables, tmp_path):
    """A store where Äijä Öhman (P1) appears everywhere a person can: imported and submitted
    ties both ways, participation, answers of two rounds, notes, an event title, a goal's
    indicator, another person's role, an organisation named after them, and a consent table
    that another tool added.  Åsa Ek is two people (P2 and P4)."""
    t = small_tables
    t["toimijat"][0].append("sähköposti")
    for row, email in zip(t["toimijat"][1:], [FORGOTTEN["email"], "asa.ek@verkostohubi.example", ""]):
        row.append(email)
    t["toimijat"].append(["", "", "", "", "", ""])  # an empty row: left out
    t["toimijat"].append(["P4", "Åsa Ek", "O2", "Äijä Öhmanin assistentti", "viestintä",
                          "asa.ek2@verkostohubi.example"])
    t["organisaatiot"].append(["O4", "Äijä Öhman Tmi", "yksityinen sektori", "yritys"])
    t["tapahtumat"].append(["E3", "2.5.2024", "asiantuntijapuheenvuoro", "Kiertotalous", "strategia",
                            "Äijä Öhmanin kiertotalousaamu"])
    t["osallistumiset"] += [["E3", "P1"], ["E3", "P4"]]
    t["suhteet"] += [["P3", "P1", "tuntee", "3", "4", "", "2.5.2024"],
                     ["P4", "P2", "yhteistyö", "5", "5", "4", ""]]
    t["arvioinnit"] = [["vastaaja", "kierros", "kysymys", "arvo", "päivämäärä"],
                       ["P1", "1", "knowing.person", "4", "1.3.2024"],
                       ["P1", "1", "trust.goodwill", "3", "1.3.2024"],
                       ["P2", "1", "knowing.person", "5", "1.3.2024"]]
    t["tavoitteet"] = [["tavoite_id", "laji", "otsikko", "mittari", "lähtötaso", "tavoitetaso"],
                       ["G1", "yksi ovi", "Yksi ovi yrittäjälle",
                        f"{FORGOTTEN['email']} kokoaa yhteydenotot", "10", "40"]]
    store = Store(store_url)
    import_files(store, write_csv_folder(tmp_path / "people", t))
    store.submit(Submission(actor_id="P1", ties=[TieAnswer("P3", 2, 2, 1)], event_id="E1"))
    store.add_answers("P1", "2", {"knowing.person": 5, "commitment.will": 4})
    notes = [store.add_note("Äijä Öhmanin kanssa sovittiin rahoitushausta.", round="1"),
             store.add_note("Sovittiin, että Äijä lähettää esityksen ensi viikolla."),
             store.add_note("Tiedonkulku parani selvästi kevään aikana.", round="2"),
             store.add_note(f"Kysy lisää: {FORGOTTEN['email'].upper()}")]
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE consents (actor_id VARCHAR(40), channel VARCHAR(40), "
                             "given_on VARCHAR(20))")
        conn.exec_driver_sql("INSERT INTO consents VALUES ('P1', 'lomake', '2024-03-01'), "
                             "('P2', 'sähköposti', '2024-03-02')")
    store.close()
    yield store_url, notes


def cells(url):
    """(table, column, value) of every non-empty cell of every table, found by inspection."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            for table in inspector.get_table_names():
                columns = [c["name"] for c in inspector.get_columns(table)]
                assert columns, table
                for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                    for column, value in zip(columns, row):
                        if value is not None:
                            yield table, column, value
    finally:
        engine.dispose()


def mentions(value, person) -> bool:
    text = str(value).casefold()
    return (value == person["actor_id"] or person["name"].casefold() in text
            or person["email"].casefold() in text)


def test_every_reference_to_actors_is_a_person_column():
    from verkostolab.tables.schema import TABLES
    from verkostolab.store import PERSON_COLUMNS, SQL_TABLES

    refs = {(name, col) for name, spec in TABLES.items()
            for col, table, _ in spec.references if table == "actors"}
    assert refs | {("actors", "actor_id"), ("assessments", "respondent")} == set(PERSON_COLUMNS)
    for name, col in PERSON_COLUMNS:
        assert col in SQL_TABLES[name].c


def test_export_person_returns_everything_stored_about_them(people_store):
    url, notes = people_store
    store = Store(url)
    found = store.export_person("P1")
    assert found == json.loads(json.dumps(found, ensure_ascii=False))  # JSON-able as it is
    assert found["actor"] == {"actor_id": "P1", "name": "Äijä Öhman", "organisation_id": "O1",
                              "role": "toimitusjohtaja", "keywords": "kiertotalous, rahoitus",
                              "email": FORGOTTEN["email"]}
    assert found["organisation"]["name"] == "Järvilaakson Kasvu Oy"
    assert [(p["event_id"], p["title"]) for p in found["participation"]] == [
        ("E1", "Tutustuminen #1"), ("E2", "Kehittämispöytä"), ("E3", "Äijä Öhmanin kiertotalousaamu")]
    out = {(r["target"], r["target_name"], r["knowing"], r["submitted_at"] is not None)
           for r in found["ties_out"]}
    assert out == {("P2", "Åsa Ek", 4, False), ("P3", "Sanna Mäkelä", 2, True)}
    assert [(r["source"], r["source_name"], r["trust"]) for r in found["ties_in"]] == [
        ("P3", "Sanna Mäkelä", 4)]
    assert [(a["round"], a["item"], a["value"]) for a in found["assessments"]] == [
        ("1", "knowing.person", 4), ("1", "trust.goodwill", 3),
        ("2", "commitment.will", 4), ("2", "knowing.person", 5)]
    assert [n["note_id"] for n in found["notes"]] == [notes[0], notes[3]]
    assert found["other"] == {"consents": [{"actor_id": "P1", "channel": "lomake",
                                            "given_on": "2024-03-01"}]}
    # By name (case and accents ignored) or by e-mail: the same person.
    for ref in ("aija öhman", " ÄIJÄ ÖHMAN ", FORGOTTEN["email"].upper()):
        again = store.export_person(ref)
        assert {k: v for k, v in again.items() if k != "exported_at"} == \
               {k: v for k, v in found.items() if k != "exported_at"}
    assert "password" not in found["store"]
    store.close()


def test_forget_leaves_no_trace_in_any_table(people_store):
    url, notes = people_store
    before = list(cells(url))
    assert {table for table, _, v in before if mentions(v, FORGOTTEN)} == {
        "actors", "organisations", "events", "participation", "ties", "assessments", "goals",
        "notes", "consents"}
    path = sqlite_file(url)
    if path:
        assert FORGOTTEN["name"].encode() in path.read_bytes()
    store = Store(url)
    result = store.forget("P1")
    store.close()
    assert result["actor_id"] == "P1" and result["name"] == "Äijä Öhman"
    assert result["removed"] == {"participation": 3, "ties": 3, "assessments": 4, "actors": 1,
                                 "consents": 1}
    assert result["redacted"] == {"organisations": 1, "actors": 1, "events": 1, "goals": 1,
                                  "notes": 2}
    assert result["to_check"] == {"notes": [notes[1]]}  # "Äijä lähettää": first name alone
    assert result["compacted"] is True
    after = list(cells(url))
    left = [(table, column, value) for table, column, value in after if mentions(value, FORGOTTEN)]
    assert left == []
    # Everyone else is still there, untouched.
    data = Store(url).load()
    assert sorted(data.actors["actor_id"]) == ["P2", "P3", "P4"]
    assert sorted(data.actors["name"]) == ["Sanna Mäkelä", "Åsa Ek", "Åsa Ek"]
    assert data.actors.set_index("actor_id").loc["P4", "role"] == "[poistettu]in assistentti"
    assert sorted(zip(data.ties["source"], data.ties["target"])) == [("P2", "P3"), ("P4", "P2")]
    assert data.events.set_index("event_id").loc["E3", "title"] == "[poistettu]in kiertotalousaamu"
    assert ("consents", "actor_id", "P2") in after
    texts = [text for table, column, text in after if (table, column) == ("notes", "text")]
    assert "Tiedonkulku parani selvästi kevään aikana." in texts
    assert "[poistettu]in kanssa sovittiin rahoitushausta." in texts
    if path:  # nothing left in the file either (VACUUM and a WAL checkpoint)
        raw = b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))
        assert FORGOTTEN["name"].encode() not in raw
        assert FORGOTTEN["email"].encode() not in raw
    # A second time: they are gone.
    from verkostolab import StoreError

    with pytest.raises(StoreError, match="P1"):
        Store(url).forget("P1")


def test_unknown_and_shared_names_are_refused_with_a_helpful_message(people_store):
    from verkostolab import StoreError

    url, _ = people_store
    before = snapshot(url)
    store = Store(url)
    with pytest.raises(StoreError) as err:
        store.forget("Åsa Ek")
    assert "P2, P4" in err.value.render("fi") and "Anna toimijan tunnus" in err.value.render("fi")
    assert "Several actors" in err.value.render("en")
    with pytest.raises(StoreError) as err:
        store.export_person("Äijä Öhmann")
    assert "Tarkoititko: Äijä Öhman (P1)?" in err.value.render("fi")
    assert "Did you mean: Äijä Öhman (P1)?" in err.value.render("en")
    with pytest.raises(StoreError) as err:
        store.forget("Zacharias Qvist")
    assert err.value.key == "privacy.error.unknown_actor"
    assert "'Zacharias Qvist'" in err.value.render("fi")
    store.close()
    assert snapshot(url) == before
    with pytest.raises(StoreError):  # a store that does not exist yet stays that way
        Store(url.replace("verkostolab.sqlite", "missing.sqlite") if "sqlite" in url
              else url).export_person("P404")


def cli(*args, input=None):
    import os

    env = {k: v for k, v in os.environ.items() if k != "VERKOSTOLAB_STORE"}
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)], input=input,
                          capture_output=True, text=True, env=env, timeout=180)


def test_forget_and_export_person_on_the_command_line(people_store, tmp_path):
    url, _ = people_store
    before = snapshot(url)
    no = cli("forget", "P1", "--store", url, input="n\n")
    assert no.returncode == 1 and "Traceback" not in no.stderr
    assert "Poistetaanko Äijä Öhman (P1)" in no.stderr and "suhteet 3" in no.stderr
    assert "Mitään ei poistettu." in no.stderr
    silent = cli("forget", "P1", "--store", url)  # no terminal to answer: nothing happens
    assert silent.returncode == 1 and "Mitään ei poistettu." in silent.stderr
    assert snapshot(url) == before

    out = tmp_path / "äijä.json"
    exported = cli("export-person", FORGOTTEN["email"], "--store", url, "--out", out)
    assert exported.returncode == 0, exported.stderr
    assert "Henkilön Äijä Öhman (P1) tiedot kirjoitettu tiedostoon" in exported.stdout
    text = out.read_text(encoding="utf-8")
    assert '"name": "Äijä Öhman"' in text  # UTF-8, not \\u escapes
    assert json.loads(text)["actor"]["actor_id"] == "P1"
    assert (out.stat().st_mode & 0o777) == 0o600
    printed = cli("export-person", "P3", "--store", url)
    assert json.loads(printed.stdout)["actor"]["name"] == "Sanna Mäkelä"

    yes = cli("--lang", "en", "forget", "aija ohman", "--store", url, input="y\n")
    assert yes.returncode == 0, yes.stderr
    assert "Removed: Äijä Öhman (P1) from the store" in yes.stdout
    assert "ties                        3" in yes.stdout and "consents                    1" in yes.stdout
    assert "Check these notes by hand" in yes.stdout and "Database compacted" in yes.stdout
    assert not [c for c in cells(url) if mentions(c[2], FORGOTTEN)]

    as_json = cli("forget", "P3", "--store", url, "--yes", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["removed"]["actors"] == 1
    missing = cli("--lang", "en", "export-person", "Nobody Here", "--store", url)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "There is no actor 'Nobody Here'" in missing.stderr


@pytest.mark.slow
def test_a_report_made_after_forget_does_not_mention_the_person(pg_url, tmp_path):
    """The general report (papermill → HTML) on a PostgreSQL store of the sample network."""
    import html

    from verkostolab.report import run_report
    from verkostolab.datasets import load_sample, sample_path

    store = Store(pg_url)
    import_files(store, sample_path())
    actors = load_sample().actors.set_index("actor_id")
    gone = actors.loc["P01"]
    result = store.forget(gone["name"])
    store.close()
    assert result["actor_id"] == "P01" and result["removed"]["actors"] == 1
    page = run_report(None, out=tmp_path / "raportti.html", parameters={"store": pg_url, "lang": "fi"},
                      progress=False).read_text(encoding="utf-8")

    def forms(text):
        return {text, html.escape(text), json.dumps(text)[1:-1], text.encode("ascii", "xmlcharrefreplace").decode()}

    # The report does name people (so the check below can fail) ...
    named = [n for n in actors["name"] if n != gone["name"] and any(f in page for f in forms(n))]
    assert len(named) >= 3
    # ... but not the forgotten one.
    for text in (gone["name"], gone["email"]):
        assert not any(f in page for f in forms(text)), text
