"""Workshop apps without a browser: the callbacks' work, on a temporary store."""

from __future__ import annotations

import pytest

from verkostolab import Store
from verkostolab.apps.common import AppSettings, FacilitatorGate
from verkostolab.apps.mapping import MappingApp
from verkostolab.apps.wall import WallApp
from verkostolab.errors import VerkostolabError
from verkostolab.samples import sample_path


@pytest.fixture
def settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    Store(url).import_files(sample_path())
    return AppSettings(store_url=url, lang="fi", facilitator_code="246810")


def test_participant_on_the_list_submits(settings):
    app = MappingApp(settings)
    app.me.value = "P10"
    app.add_person("P01")
    app.add_person("P02")
    app.add_person("P01")  # twice is once
    app.rows[0]["trust"].value = 5
    result = app.submit_form()
    assert result["ties"] == 2
    ties = Store(settings.store_url).load().ties
    mine = ties[(ties["source"] == "P10") & ties["date"].dt.year.eq(__import__("datetime").date.today().year)]
    assert {"P01", "P02"} <= set(mine["target"])
    assert "Kiitos" in app.status.value and app.rows == []


def test_new_participant_adds_themselves_in_english(settings):
    app = MappingApp(settings)
    app.set_lang("en")
    assert app.send.description == "Send" and app.mode.options[1][0] == "I am new"
    app.mode.value = "new"
    app.name.value = "Uusi Osallistuja"
    app.organisation.value = "Järvilaakson kaupunki"
    app.sector.value = "public"
    app.add_person("P05")
    result = app.submit_form()
    assert result["organisation_id"] is not None
    assert "Thank you" in app.status.value
    assert app.mode.value == "listed" and app.me.value == result["actor_id"]
    names = {p["name"] for p in Store(settings.store_url).actor_choices()}
    assert "Uusi Osallistuja" in names


def test_mistakes_get_a_message_not_a_traceback(settings):
    app = MappingApp(settings)
    assert app.submit_form() is None
    assert "Valitse ensin itsesi" in app.status.value
    app.mode.value = "new"
    app.name.value = "  "
    assert app.submit_form() is None
    assert "vl-status-error" in app.status.value and "Traceback" not in app.status.value


def test_wall_redraws_with_the_new_tie(settings):
    wall = WallApp(settings)
    before = wall.model.counts()
    assert before["people"] == 60 and before["new_ties"] == 0
    assert not wall.refresh()
    positions = wall.model.positions.copy()
    app = MappingApp(settings)
    app.mode.value = "new"
    app.name.value = "Seinä Testaaja"
    app.add_person("P03")
    app.submit_form()
    assert wall.refresh()
    after = wall.model.counts()
    assert after["people"] == 61 and after["new_ties"] == 1
    new = wall.model.picture.ties[wall.model.picture.ties["new"]]
    assert set(new["source"]) | set(new["target"]) >= {"P03"}
    moved = (wall.model.positions.loc[positions.index] - positions).abs().to_numpy().max()
    assert moved == 0  # nobody moves when someone joins
    assert "61 toimijaa" in wall.counts.value


def test_facilitator_gate():
    gate = FacilitatorGate("246810")
    with pytest.raises(VerkostolabError):
        gate.check()
    assert not gate.unlock("123456")
    with pytest.raises(VerkostolabError):
        gate.check()
    assert gate.unlock(" 246810 ")
    gate.check()
    assert not FacilitatorGate("").unlock("")  # no code set: nobody is a facilitator
