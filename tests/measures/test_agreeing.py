"""Agreeing goals: goal kinds to measurable indicators, today's value as baseline,
targets, what cannot be measured, and the goals written into a workbook or a store."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from verkostolab.datasets import load_sample
from verkostolab.errors import InputError
from verkostolab.ingest import import_data
from verkostolab.io import read
from verkostolab.measures.agreeing import (SUGGESTED, goals_plan_table, indicator_values,
                                           indicators_table, propose_goals, save_goals, with_goals)
from verkostolab.measures.goals import GOAL_MEASURES, goal_measure, measure_goals
from verkostolab.store import Store
from verkostolab.tables.data import NetworkData

SPRING = "2025-01:2025-05"
AS_TYPED = {"G1": "Sitoutuminen yhteiseen visioon", "G2": "Sektorirajat ylittävät suhteet (kpl)",
            "G4": "Sivuvirtojen hyödyntäjät", "G5": "Luottamus palvelupolulla"}


def _as_typed() -> NetworkData:
    """The sample with its goals' indicators as a network first types them: free text."""
    sample = load_sample()
    goals = sample.goals.copy()
    goals["indicator"] = [AS_TYPED.get(g, i) for g, i in zip(goals["goal_id"], goals["indicator"])]
    return sample.replace(goals=goals)


def test_every_suggested_indicator_is_a_goal_measure():
    assert set(SUGGESTED) == {"client_service", "smooth_work", "phenomenon", "shared_vision"}
    assert {m for ms in SUGGESTED.values() for m in ms} <= set(GOAL_MEASURES)


def test_free_text_goals_get_measurable_indicators_with_todays_baseline():
    data = _as_typed()
    assert not any(g["measurable"] for g in measure_goals(data, None, SPRING))  # as written
    goals = propose_goals(data, period=SPRING).set_index("goal_id")
    assert goals.loc["G1", "indicator"] == "mean_commitment"  # shared vision
    assert goals.loc["G2", "indicator"] == "cross_sector_share"  # smooth work
    assert goals.loc["G2", "was"] == "Sektorirajat ylittävät suhteet (kpl)"
    assert goals.loc["G2", "baseline"] == pytest.approx(goal_measure(data, "cross_sector_share", SPRING), abs=1e-3)
    assert goals.loc["G2", "target"] == pytest.approx(min(1.0, 1.2 * goals.loc["G2", "baseline"]), abs=2e-3)
    assert goals.loc["G1", "target"] <= 5
    agreed = with_goals(data, propose_goals(data, period=SPRING), lang="fi")
    measured = measure_goals(agreed, None, SPRING)
    assert all(g["measurable"] for g in measured)
    assert [round(g["current"], 3) for g in measured][:2] == [goals.loc["G1", "baseline"], goals.loc["G2", "baseline"]]


def test_what_the_data_cannot_measure_is_said_and_not_made_up():
    sample = load_sample()
    bare = NetworkData(actors=sample.actors, organisations=sample.organisations, events=sample.events,
                       participation=sample.participation,
                       goals=pd.DataFrame({"goal_id": ["V"], "kind": ["shared_vision"], "title": ["Visio"],
                                           "indicator": ["sitoutuminen"]}))
    values = indicator_values(bare).set_index("measure")
    assert not values.loc["mean_commitment", "measurable"]  # no rated ties
    assert math.isnan(values.loc["mean_trust", "value"])
    table = indicators_table(bare, lang="en").set_index("indicator")
    assert table.loc["mean trust (1–5)", "today"] == "–"
    assert "ties rated for trust" in table.loc["mean trust (1–5)", "what data would measure it"]
    # the vision goal falls back to the next measurable indicator of its kind
    goals = propose_goals(bare).set_index("goal_id")
    assert goals.loc["V", "indicator"] == "organisations" and goals.loc["V", "was"] == "sitoutuminen"
    # a kind without a goal gets a proposal
    assert set(goals[goals["proposed"]]["kind"]) == {"client_service", "smooth_work", "phenomenon"}
    plan = goals_plan_table(propose_goals(bare), lang="fi")
    assert "(ehdotus: nimetkää yhdessä)" in set(plan["tavoite"])


def test_goals_written_into_a_workbook_and_a_store(tmp_path):
    data = _as_typed()
    goals = propose_goals(data, period=SPRING)
    path = save_goals(data, goals, str(tmp_path / "verkosto.xlsx"), lang="fi")
    back = read(path).goals.set_index("goal_id")
    assert back.loc["G2", "indicator"] == "cross_sector_share"
    assert back.loc["G2", "target"] == pytest.approx(goals.set_index("goal_id").loc["G2", "target"])
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    import_data(Store(url), data)
    before = Store(url).counts()
    save_goals(data, goals, "store", store=url)
    stored = Store(url).load().goals.set_index("goal_id")
    assert stored.loc["G1", "indicator"] == "mean_commitment" and len(stored) == 5
    after = Store(url).counts()
    assert {k: v for k, v in after.items() if k != "goals"} == {k: v for k, v in before.items() if k != "goals"}
    bad = pd.concat([goals, goals.head(1)])  # G1 twice
    with pytest.raises(InputError):
        save_goals(data, bad, "store", store=url)
    assert Store(url).load().goals.set_index("goal_id").loc["G1", "indicator"] == "mean_commitment"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_measured_goals_table_speaks_the_language(lang):
    """Indicators by their names, numbers as the language writes them, one column per heading."""
    from verkostolab.i18n import t
    from verkostolab.notebook import goals_table

    table = goals_table(measure_goals(load_sample(), "2024-09:2024-12", SPRING), lang)
    assert table.columns.is_unique and len(table.columns) == 6
    rows = table.set_index(t("nb.goal.title", lang))
    trust = rows.loc["Luottamus kantaa yhteiseen palvelupolkuun"]
    assert trust[t("nb.goal.indicator", lang)] == t("goals.measure.mean_trust", lang)
    decimal = "," if lang in ("fi", "sv") else "."
    assert trust[t("nb.goal.target", lang)] == f"3{decimal}80"
    assert trust[t("nb.goal.progress", lang)] == ("70 %" if lang != "en" else "70%")
    # the free-text indicator is shown as typed and not measured
    door = rows.loc["Yksi ovi yrityksen kasvupalveluihin"]
    assert door[t("nb.goal.current", lang)] == t("nb.goal.not_measurable", lang)
    assert "_" not in " ".join(map(str, table[t("nb.goal.indicator", lang)]))
