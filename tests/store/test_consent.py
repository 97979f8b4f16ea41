"""Consent recorded per participant: an explicit *no* in the mapping app keeps the answer
stored but leaves the person out of everything shown (the wall, reports, measures,
exports, pick lists); no answer stores nothing.

Tests that take the ``store_url`` fixture run on an SQLite file and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from verkostolab import Store, Submission, TieAnswer
from verkostolab.ingest import import_files
from verkostolab.store import CONSENT_TABLE

from support.files import write_csv_folder

REFUSER = "Åke Närhi-Öberg"


def cli(*args):
    env = {k: v for k, v in os.environ.items() if k != "VERKOSTOLAB_STORE"}
    return subprocess.run([sys.executable, "-m", "verkostolab", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)


def shown(store) -> dict:
    """What the store shows: actor ids, tie ends, participants, respondents."""
    data = store.load()
    return {"actors": set(data.actors["actor_id"]),
            "ends": set(data.ties["source"]) | set(data.ties["target"]),
            "participants": set(data.participation["actor_id"]),
            "respondents": set(data.assessments["respondent"])}


def test_a_no_hides_the_person_and_everything_about_them(store_url, small_folder):
    store = Store(store_url)
    import_files(store, small_folder)
    store.add_answers("P1", "1", {"knowing.person": 4})
    # A new participant says no; an imported one (Äijä Öhman, P1) says no too.
    new = store.submit(Submission(name=REFUSER, organisation="Järvilaakson kaupunki",
                                  ties=[TieAnswer("P2", 4, 3, 2), TieAnswer("P3", 2, 2, 2)],
                                  event_id="E1", consent=False))
    store.submit(Submission(actor_id="P1", ties=[TieAnswer("P3", 5, 5, 5)], consent=False))
    store.submit(Submission(actor_id="P2", ties=[TieAnswer("P3", 3, 3, 3)], consent=True))
    hidden = {new["actor_id"], "P1"}
    assert store.consents() == {new["actor_id"]: False, "P1": False, "P2": True}
    seen = shown(store)
    assert seen["actors"] == {"P2", "P3"}
    for key in ("ends", "participants", "respondents"):
        assert not seen[key] & hidden, key
    assert store.load().ties[["source", "target"]].values.tolist() == [["P2", "P3"], ["P2", "P3"]]
    assert {p["actor_id"] for p in store.actor_choices()} == {"P2", "P3"}
    # Everything is still stored: internal uses and the person's own export see it.
    everything = store.load(refused=True)
    assert hidden <= set(everything.actors["actor_id"])
    assert len(everything.ties) == 6 and len(everything.assessments) == 1
    assert {p["actor_id"] for p in store.actor_choices(refused=True)} == {"P1", "P2", "P3", new["actor_id"]}
    mine = store.export_person(REFUSER.upper())
    assert mine["consent"]["consent"] is False and mine["consent"]["at"]
    assert {t["target"] for t in mine["ties_out"]} == {"P2", "P3"}
    assert store.export_person("P3")["consent"] is None
    # Importing the same files again still sees every row: nothing conflicts, nothing added.
    again = import_files(store, small_folder)
    assert sum(again.new.values()) == 0
    # Changing one's mind: sending again with a yes shows them, and a no hides them again.
    token = store.change_token()
    store.submit(Submission(actor_id=new["actor_id"], consent=True))
    assert store.change_token() != token  # the wall redraws
    assert new["actor_id"] in shown(store)["actors"]
    ties = store.load().ties
    assert set(ties[ties["source"] == new["actor_id"]]["target"]) == {"P2", "P3"}
    store.submit(Submission(actor_id=new["actor_id"], consent=False))
    assert new["actor_id"] not in shown(store)["actors"]
    # A submission that was not asked (consent None) leaves the earlier answer as it was.
    store.submit(Submission(actor_id="P1", ties=[TieAnswer("P2", 1, 1, 1)]))
    assert store.consents()["P1"] is False and "P1" not in shown(store)["actors"]
    # A facilitator records an answer given on paper, by name; None removes the answer.
    assert store.set_consent("äijä öhman", True) == "P1"
    assert "P1" in shown(store)["actors"]
    store.set_consent("P1", None)
    assert "P1" not in store.consents() and "P1" in shown(store)["actors"]
    with pytest.raises(TypeError):
        store.set_consent("P1", "no")
    # Erasure removes the consent answer too.
    result = store.forget(new["actor_id"])
    assert result["removed"][CONSENT_TABLE] == 1
    assert new["actor_id"] not in store.consents()
    store.close()


def test_a_store_made_before_the_consent_table_works(tmp_path, small_folder):
    """A store file of an earlier version (no consent table): read as before, and the table
    appears with the first answer."""
    url = f"sqlite:///{tmp_path / 'vanha.sqlite'}"
    store = Store(url)
    import_files(store, small_folder)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {CONSENT_TABLE}")
    store.close()
    store = Store(url)
    assert not sa.inspect(store.engine).has_table(CONSENT_TABLE)
    assert shown(store)["actors"] == {"P1", "P2", "P3"}
    assert store.consents() == {} and store.export_person("P1")["consent"] is None
    token = store.change_token()
    assert len(store.actor_choices()) == 3
    assert store.forget("P3")["removed"]["actors"] == 1  # no consent table: nothing to remove
    store.submit(Submission(actor_id="P2", ties=[TieAnswer("P1", 2, 2, 2)]))  # not asked
    assert not sa.inspect(store.engine).has_table(CONSENT_TABLE)
    store.submit(Submission(name=REFUSER, ties=[TieAnswer("P1", 3, 3, 3)], consent=False))
    assert sa.inspect(store.engine).has_table(CONSENT_TABLE)
    assert store.change_token() != token
    assert shown(store)["actors"] == {"P1", "P2"}
    store.close()


def test_the_command_line_and_notebooks_do_not_show_a_refusing_person(tmp_path, small_tables):
    """``measures``, ``info`` and ``export`` from the store, and the notebooks' loader."""
    from verkostolab.sources import load

    url = f"sqlite:///{tmp_path / 'työpaja.sqlite'}"
    store = Store(url)
    import_files(store, write_csv_folder(tmp_path / "verkosto", small_tables))
    refused = store.submit(Submission(name=REFUSER, organisation="Närhi-Öberg Tmi",
                                      ties=[TieAnswer("P1", 5, 4, 3)], event_id="E2", consent=False))
    agreed = store.submit(Submission(name="Kaisa Yes-Vastaaja", ties=[TieAnswer("P1", 3, 3, 3)],
                                     consent=True))
    store.close()
    data = load(store=url)
    assert REFUSER not in set(data.actors["name"]) and "Kaisa Yes-Vastaaja" in set(data.actors["name"])
    measured = cli("measures", "--store", url, "--json")
    assert measured.returncode == 0, measured.stderr
    nodes = {n["id"] for n in json.loads(measured.stdout)["nodes"]}
    assert agreed["actor_id"] in nodes and refused["actor_id"] not in nodes
    assert REFUSER not in measured.stdout and refused["actor_id"] not in measured.stdout
    info = cli("info", "--store", url, "--json")
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["tables"]["actors"] == 4
    out = tmp_path / "vienti"
    exported = cli("export", "--store", url, "--format", "csv", "--out", out)
    assert exported.returncode == 0, exported.stderr
    written = "".join(p.read_text(encoding="utf-8-sig") for p in sorted(out.rglob("*.csv")))
    assert "Kaisa Yes-Vastaaja" in written
    assert REFUSER not in written and refused["actor_id"] not in written


# -- the mapping app, without a browser --------------------------------------------------
@pytest.fixture
def settings(tmp_path):
    from verkostolab.apps.common import AppSettings
    from verkostolab.datasets import sample_path

    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    import_files(Store(url), sample_path())
    return AppSettings(store_url=url, lang="fi", facilitator_code="246810")


def test_no_answer_stores_nothing_and_keeps_the_form(settings):
    from verkostolab.apps.mapping import MappingApp

    before = Store(settings.store_url).counts()
    app = MappingApp(settings)
    assert app.consent.value is None and "vl-consent" in app.consent_box._dom_classes
    assert app.consent_question.value == "<h2>3. Saako nimesi näkyä verkostokuvassa ja raporteissa?</h2>"
    assert [label for label, _ in app.consent.options] == ["Kyllä", "Ei"]
    app.mode.value = "new"
    app.name.value = REFUSER
    app.add_person("P05")
    assert app.submit_form() is None
    assert "Valitse vielä" in app.status.value and "vl-status-error" in app.status.value
    assert Store(settings.store_url).counts() == before
    assert app.name.value == REFUSER and len(app.rows) == 1 and app.mode.value == "new"
    # Switching the language relabels the question and chooses nothing.
    app.set_lang("en")
    assert [label for label, _ in app.consent.options] == ["Yes", "No"] and app.consent.value is None
    assert "May your name be shown" in app.consent_question.value
    assert app.submit_form() is None and "Please choose" in app.status.value
    app.consent.value = False
    app.set_lang("fi")
    assert app.consent.value is False  # an answer survives the switch too


def test_a_no_is_stored_but_not_shown(settings):
    from verkostolab.apps.mapping import MappingApp
    from verkostolab.apps.wall import WallModel

    wall = WallModel(Store(settings.store_url))
    wall.draw()
    people = wall.counts()["people"]
    app = MappingApp(settings)
    app.mode.value = "new"
    app.name.value = REFUSER
    app.organisation.value = "Järvilaakson kaupunki"
    app.add_person("P05")
    app.add_person("P07")
    app.consent.value = False
    result = app.submit_form()
    assert result["ties"] == 2
    assert "ei näytetä" in app.status.value and "vl-status-ok" in app.status.value
    store = Store(settings.store_url)
    assert store.consents()[result["actor_id"]] is False
    stored = store.load(refused=True).ties
    assert len(stored[stored["source"] == result["actor_id"]]) == 2  # nothing typed is lost
    assert result["actor_id"] not in set(store.load().actors["actor_id"])
    assert wall.changed()
    wall.draw()
    assert wall.counts()["people"] == people
    assert result["actor_id"] not in set(wall.picture.nodes.index) | set(wall.data.actors["actor_id"])
    # Nobody else can pick them, but on their own page they stay themselves.
    other = MappingApp(settings)
    assert result["actor_id"] not in {aid for _, aid in other.me.options + other.pick.options}
    assert app.mode.value == "listed" and app.me.value == result["actor_id"]
    assert result["actor_id"] not in {aid for _, aid in app.pick.options}
    # They change their mind: a yes shows them.
    app.add_person("P09")
    app.consent.value = True
    again = app.submit_form()
    assert again["actor_id"] == result["actor_id"] and "Kiitos" in app.status.value
    assert "ei näytetä" not in app.status.value
    assert result["actor_id"] in {aid for _, aid in MappingApp(settings).me.options}
    wall.draw()
    assert wall.counts()["people"] == people + 1


def test_a_listed_participant_can_say_no(settings):
    from verkostolab.apps.mapping import MappingApp

    app = MappingApp(settings)
    app.set_lang("en")
    app.me.value = "P10"
    app.add_person("P01")
    app.consent.value = False
    result = app.submit_form()
    assert result["actor_id"] == "P10" and "because you answered no" in app.status.value
    store = Store(settings.store_url)
    data = store.load()
    assert "P10" not in set(data.actors["actor_id"])
    assert "P10" not in set(data.ties["source"]) | set(data.ties["target"])
    assert "P10" not in set(data.participation["actor_id"]) | set(data.assessments["respondent"])
    assert app.me.value == "P10"  # still theirs to pick on this page


# -- in a browser --------------------------------------------------------------------------
@pytest.mark.slow
def test_a_phone_participant_says_no_and_the_wall_does_not_grow(tmp_path):
    from support.browser import offline_page
    from voila_server import workshop_server

    phone_size = {"width": 390, "height": 844}
    with workshop_server(tmp_path, code="135790", pool_size=1) as server:
        with offline_page(allow_hosts=(server.base_url,)) as (wall, blocked):
            wall.goto(server.app_url("wall.ipynb"), timeout=180_000)
            wall.wait_for_function(
                "() => { const c = document.querySelector('.vl-wall-counts');"
                " return c && /60 toimijaa/.test(c.innerText); }", timeout=180_000)
            phone = wall.context.new_page()
            phone.set_viewport_size(phone_size)
            phone.goto(server.app_url("mapping.ipynb"), timeout=180_000)
            phone.locator(".vl-consent").wait_for(state="visible", timeout=180_000)
            consent = phone.locator(".vl-consent")
            assert "Saako nimesi näkyä verkostokuvassa ja raporteissa?" in consent.inner_text()
            assert phone.locator(".vl-consent .widget-toggle-button.mod-active").count() == 0
            phone.locator(".vl-mapping .widget-toggle-button", has_text="Olen uusi").click()
            phone.locator(".widget-text", has_text="Nimi").first.locator("input").fill(REFUSER)
            persons = phone.locator(".vl-mapping .widget-dropdown", has_text="Henkilö").first
            label = persons.locator("option", has_text="Noora Savolainen").first.inner_text()
            persons.locator("select").select_option(label=label)
            phone.locator(".vl-add").click()
            phone.locator(".vl-known-row").first.wait_for(state="visible", timeout=30_000)
            # Sending without an answer: refused, nothing stored.
            phone.locator(".vl-submit").click()
            phone.wait_for_function(
                "() => /Valitse vielä/.test(document.querySelector('.vl-mapping').innerText)", timeout=60_000)
            assert REFUSER not in {p["name"] for p in Store(server.store_url).actor_choices(refused=True)}
            phone.locator(".vl-consent .widget-toggle-button", has_text="Ei").click()
            for button in phone.locator(".vl-consent .widget-toggle-button").all():
                box = button.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= phone_size["width"]
            assert phone.evaluate("() => document.documentElement.scrollWidth") <= phone_size["width"]
            phone.locator(".vl-submit").click()
            phone.locator(".vl-status-ok").wait_for(state="visible", timeout=60_000)
            assert "Nimeäsi ei näytetä" in phone.locator(".vl-status-ok").inner_text()
            # The wall redraws (the store changed) and still counts 60 people.
            wall.wait_for_timeout(8_000)  # more than two polls of the wall (every 3 s)
            assert "60 toimijaa" in wall.locator(".vl-wall-counts").inner_text()
            assert REFUSER not in wall.locator(".vl-app").first.inner_text()
        assert blocked == []
        store = Store(server.store_url)
        people = {p["name"]: p["actor_id"] for p in store.actor_choices(refused=True)}
        assert store.consents() == {people[REFUSER]: False}
        ties = store.load(refused=True).ties
        assert (ties["source"] == people[REFUSER]).sum() == 1
        assert REFUSER not in set(store.load().actors["name"])
