"""Workshop apps without a browser: the callbacks' work, on a temporary store."""

from __future__ import annotations

import pytest

from verkostolab import Store
from verkostolab.ingest import import_files
from verkostolab.apps.common import AppSettings, FacilitatorGate
from verkostolab.apps.mapping import MappingApp
from verkostolab.apps.wall import WallApp
from verkostolab.errors import VerkostolabError
from verkostolab.datasets import sample_path


@pytest.fixture
def settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    import_files(Store(url), sample_path())
    return AppSettings(store_url=url, lang="fi", facilitator_code="246810")


def test_participant_on_the_list_submits(settings):
    app = MappingApp(settings)
    app.me.value = "P10"
    app.add_person("P01")
    app.add_person("P02")
    app.add_person("P01")  # twice is once
    app.rows[0]["trust"].value = 5
    app.consent.value = True
    result = app.submit_form()
    assert result["ties"] == 2
    ties = Store(settings.store_url).load().ties
    mine = ties[(ties["source"] == "P10") & ties["date"].dt.year.eq(__import__("datetime").date.today().year)]
    assert {"P01", "P02"} <= set(mine["target"])
    assert "Kiitos" in app.status.value and app.rows == []
    # what was not touched is "not answered" (NULL), not a middle value
    import sqlalchemy as sa
    from verkostolab.store import SQL_TABLES

    table = SQL_TABLES["ties"]
    with Store(settings.store_url).engine.connect() as conn:
        sent = {r.target: (r.knowing, r.trust, r.commitment) for r in conn.execute(
            sa.select(table).where((table.c.source == "P10") & table.c.submitted_at.is_not(None)))}
    assert sent == {"P01": (None, 5, None), "P02": (None, None, None)}


def test_new_participant_adds_themselves_in_english(settings):
    app = MappingApp(settings)
    app.set_lang("en")
    assert app.send.description == "Send" and app.mode.options[1][0] == "I am new"
    app.mode.value = "new"
    app.name.value = "Uusi Osallistuja"
    app.organisation.value = "Järvilaakson kaupunki"
    app.sector.value = "public"
    app.add_person("P05")
    app.consent.value = True
    result = app.submit_form()
    assert result["organisation_id"] is not None
    assert "Thank you" in app.status.value
    assert app.mode.value == "listed" and app.me.value == result["actor_id"]
    names = {p["name"] for p in Store(settings.store_url).actor_choices()}
    assert "Uusi Osallistuja" in names


def test_a_swedish_participant_answers_through_the_fi_sv_en_switch(settings):
    app = MappingApp(settings)
    assert [value for _, value in app.switch.options] == ["fi", "sv", "en"]
    assert [label for label, _ in app.switch.options] == ["suomi", "svenska", "English"]
    app.switch.value = "sv"  # as a click on "svenska" does
    assert app.send.description == "Skicka" and app.mode.options[1][0] == "Jag är ny"
    app.me.value = "P11"
    app.add_person("P03")
    app.consent.value = True
    result = app.submit_form()
    assert result["ties"] == 1 and "Tack!" in app.status.value
    app.switch.value = "fi"
    assert app.send.description == "Lähetä"


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
    app.consent.value = True
    app.submit_form()
    assert wall.refresh()
    after = wall.model.counts()
    assert after["people"] == 61 and after["new_ties"] == 1
    (pair,) = wall.model.wall.new_pairs
    assert "P03" in pair
    moved = (wall.model.positions.loc[positions.index] - positions).abs().to_numpy().max()
    assert moved == 0  # nobody moves when someone joins
    assert "61 toimijaa" in wall.counts.value


def test_facilitator_gate(tmp_path):
    now = [1000.0]
    gate = FacilitatorGate("246810", state_path=tmp_path / "gate.json", clock=lambda: now[0])
    with pytest.raises(VerkostolabError):
        gate.check()
    assert not gate.unlock("123456")
    with pytest.raises(VerkostolabError):
        gate.check()
    assert not gate.unlock(" 246810 ")  # too soon after a wrong code (issue 16)
    now[0] += 1.0
    assert gate.unlock(" 246810 ")
    gate.check()
    assert not FacilitatorGate("").unlock("")  # no code set: nobody is a facilitator


from verkostolab.apps.facilitator import EvaluationApp, ImpactApp  # noqa: E402


# The warm-up app over the workshop run: tests/apps/test_room_apps.py.


def test_evaluation_answers_and_facilitator_results(settings):
    app = EvaluationApp(settings, round="test-round")
    app.me.value = "P07"
    app.items["trust.consistency"].value = 2
    app.items["knowing.needs"].value = 5
    assert app.submit() == 12
    answers = Store(settings.store_url).load().assessments
    mine = answers[(answers["respondent"] == "P07") & (answers["round"] == "test-round")]
    assert mine.set_index("item").loc["trust.consistency", "value"] == 2
    assert app.show_results() is None  # not without the code
    app.gate.unlock("246810")
    text = app.show_results()
    assert "Vinkit" in text or "vinkit" in text.lower()
    # One respondent in this round: every figure is hidden (fewer than five), the low
    # response is a tip; charts, not a text dump, and no names of anyone.
    assert "Vastaajia kierroksella test-round: 1" in text
    assert text.count("piilotettu (alle 5 vastaajaa)") == 3 + 12
    assert "Vastausaste jäi matalaksi" in text and "vl-bar" in text and "<pre" not in text
    names = [p["name"] for p in Store(settings.store_url).actor_choices()]
    assert [n for n in names if n in text] == []
    # The periphery by name only when the facilitator asks for it on their own screen.
    app.names.value = True
    own = app.show_results()
    assert "vl-periphery" in own and any(n in own for n in names)
    app.set_lang("en")
    assert app.send.description == "Send"


def test_impact_review_compares_and_saves_notes(settings):
    app = ImpactApp(settings, before="2024-09:2024-12", after="2025-01:2025-05")
    counts = app.change.counts()
    assert counts["new_ties"] > 0 and len(app.pictures.children) == 2
    # The goals: four of the sample's indicators name measures; G3's free text is shown
    # as not measurable.
    assert "vl-goals" in app.summary.value and len(app.change.goals) == 5
    assert app.summary.value.count("ei mitattavissa aineistosta") == 1
    app.note.value = "Uudet yhteydet syntyivät teemaverkostoissa."
    assert app.save_note()
    assert Store(settings.store_url).notes()[-1]["text"].startswith("Uudet yhteydet")
    assert "Uudet yhteydet" in app.notes.value


def test_wall_and_impact_show_loading_then_draw_off_the_loop(settings, monkeypatch):
    import asyncio
    import threading

    import verkostolab.viz as viz

    drawn_in = []
    original = viz.network_picture

    def recording(*args, **kwargs):
        drawn_in.append(threading.get_ident())
        return original(*args, **kwargs)

    monkeypatch.setattr(viz, "network_picture", recording)

    async def main():
        wall = WallApp(settings, draw_now=False)
        impact = ImpactApp(settings, draw_now=False)
        impact.set_lang("en")  # still loading: says so in the new language
        assert wall._model is None and impact._store is None  # the page shows before the store opens
        assert "Ladataan verkostoa" in wall.counts.value
        assert "Loading the network" in impact.pictures.children[0].value
        await asyncio.gather(wall.redraw_in_worker(), impact.draw_in_worker())
        return wall, impact

    wall, impact = asyncio.run(main())
    assert len(drawn_in) == 3 and threading.get_ident() not in drawn_in
    counts = wall.model.counts()
    assert counts["people"] == 60 and counts["new_ties"] == 0  # the first drawing is the baseline
    assert "60 toimijaa" in wall.counts.value
    assert type(wall.figure_box.children[0]).__name__ == "BokehModel"
    assert impact.before.value and impact.after.value  # the default halves, filled in
    assert [type(w).__name__ for w in impact.pictures.children] == ["BokehModel", "BokehModel"]
    assert impact.change.counts()["new_ties"] > 0 and "new ties" in impact.summary.value
