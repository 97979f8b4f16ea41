"""The room's views as data: the evaluation's chart data (small groups suppressed, no
names unless for the facilitator) and the wall picture for a 1920×1080 projector (new
ties of the workshop marked, names at 24 px without overlap), on small stores whose
answer is known."""

from __future__ import annotations

import json
import re

import pytest
from support.bokeh_page import HELPERS, outside, overlaps
from support.browser import ink_share, offline_page

from verkostolab import Store, Submission, TieAnswer
from verkostolab.advice.evaluation import Finding
from verkostolab.apps.room_views import (LABEL_PX, NEW_TIE_COLOUR, evaluation_summary,
                                         projector_picture, projector_version)
from verkostolab.tables.schema import ASSESSMENT_ITEMS

NAMES = ["Aila Aaltonen", "Bertil Berg", "Cecilia Carlsson", "Daniel Dahl", "Eeva Eronen",
         "Frans Forsman", "Greta Grön", "Hannu Hirvonen"]
SECTORS = ["private", "public", "third_sector"]


def _people_store(tmp_path, names=NAMES, *, isolated: str | None = None) -> tuple[Store, list[str]]:
    """A ring of people (each names the one before), one organisation per sector; with
    ``isolated`` one more person who names nobody."""
    store = Store(f"sqlite:///{tmp_path / 'room.sqlite'}")
    ids: list[str] = []
    for i, name in enumerate(names):
        ties = [TieAnswer(ids[-1], knowing=4, trust=4, commitment=3)] if ids else []
        if i == len(names) - 1:
            ties.append(TieAnswer(ids[0], knowing=3))
        result = store.submit(Submission(name=name, organisation=f"Yhdistys {i % 3}",
                                         sector=SECTORS[i % 3], ties=ties, consent=True))
        ids.append(result["actor_id"])
    if isolated:
        ids.append(store.submit(Submission(name=isolated, organisation="Yhdistys 0", sector="private",
                                           consent=True))["actor_id"])
    return store, ids


def _answer(store, ids, round_, values: dict[str, int]):
    for aid in ids:
        store.add_answers(aid, round_, {item: values[dim] for item, dim in ASSESSMENT_ITEMS.items()
                                        if dim in values})


def _dimension(summary, key):
    return next(d for d in summary["dimensions"] if d["key"] == key)


def test_six_respondents_knowing_high_trust_low(tmp_path):
    store, ids = _people_store(tmp_path, isolated="Iida Irrallinen")
    _answer(store, ids[:6], "workshop-1", {"knowing": 5, "trust": 2})
    _answer(store, ids[6:8], "other-round", {"knowing": 1, "trust": 5})  # not this round
    summary = evaluation_summary(store, "workshop-1", None, "fi")
    assert summary["respondents"] == 6 and not summary["suppressed"]
    knowing, trust, commitment = (_dimension(summary, k) for k in ("knowing", "trust", "commitment"))
    assert knowing["mean"] == 5.0 and knowing["distribution"] == [0, 0, 0, 0, 24]
    assert knowing["respondents"] == 6 and knowing["answers"] == 24
    assert trust["mean"] == 2.0 and trust["distribution"] == [0, 24, 0, 0, 0]
    assert [i["distribution"] for i in trust["items"]] == [[0, 6, 0, 0, 0]] * 4
    assert all(i["mean"] == 2.0 and i["answers"] == 6 for i in trust["items"])
    # Nobody answered commitment: nothing to show, and flagged so.
    assert commitment["respondents"] == 0 and commitment["suppressed"] and commitment["mean"] is None
    # Knowing is a strength, trust a development target, in the catalogue's own words.
    assert Finding("dimension_high", "strength", "dimension.knowing", 5.0, 3.5, "knowing").render("fi") \
        in summary["strengths"]
    assert Finding("dimension_low", "target", "dimension.trust", 2.0, 3.0, "trust").render("fi") \
        in summary["targets"]
    assert not any("luottamus" in s for s in summary["strengths"])
    assert not any("tunteminen" in s for s in summary["targets"])
    assert summary["tips"] and all(isinstance(x, str) and x for x in summary["tips"])
    # JSON as it is, and no one named in it: the isolated person is the facilitator's only.
    text = json.dumps(summary, ensure_ascii=False)
    assert [n for n in [*NAMES, "Iida Irrallinen"] if n in text] == []
    assert "periphery" not in summary
    own = evaluation_summary(store, "workshop-1", None, "fi", facilitator=True)
    assert "Iida Irrallinen" in own["periphery"]
    assert own["dimensions"] == summary["dimensions"]
    english = evaluation_summary(store, "workshop-1", None, "en")
    assert _dimension(english, "trust")["label"] == "trust"
    assert any(s.startswith("Strength: knowing") for s in english["strengths"]), english["strengths"]


def test_four_respondents_are_suppressed(tmp_path):
    store, ids = _people_store(tmp_path)
    _answer(store, ids[:4], "workshop-1", {"knowing": 5, "trust": 2})
    summary = evaluation_summary(store, "workshop-1", None, "fi")
    assert summary["respondents"] == 4 and summary["suppressed"]
    for dim in summary["dimensions"]:
        assert dim["suppressed"] and dim["mean"] is None and dim["distribution"] is None
        assert all(i["mean"] is None and i["distribution"] is None for i in dim["items"])
    assert _dimension(summary, "knowing")["respondents"] == 4
    assert not [s for s in summary["strengths"] + summary["targets"] if "tunteminen" in s or "luottamus" in s]


def test_respondents_choose_whose_answers_count(tmp_path):
    store, ids = _people_store(tmp_path)
    _answer(store, ids[:6], "workshop-1", {"knowing": 4, "trust": 4})
    _answer(store, ids[6:], "workshop-1", {"knowing": 1, "trust": 1})
    members = evaluation_summary(store, "workshop-1", ids[:6], "fi")
    everyone = evaluation_summary(store, "workshop-1", None, "fi")
    assert members["respondents"] == 6 and _dimension(members, "knowing")["mean"] == 4.0
    assert everyone["respondents"] == 8 and _dimension(everyone, "knowing")["mean"] == pytest.approx(3.25)
    few = evaluation_summary(store, "workshop-1", ids[4:8], "fi")  # 4 of them: suppressed
    assert few["suppressed"] and _dimension(few, "knowing")["mean"] is None


def test_an_item_below_five_hides_its_dimensions_distribution(tmp_path):
    store, ids = _people_store(tmp_path)
    _answer(store, ids[:6], "workshop-1", {"knowing": 4})
    for aid in ids[:3]:  # only three answered one trust item, six the others
        store.add_answers(aid, "workshop-1", {"trust.goodwill": 5})
    for aid in ids[:6]:
        store.add_answers(aid, "workshop-1", {"trust.competence": 3, "trust.vulnerability": 3,
                                              "trust.consistency": 3})
    trust = _dimension(evaluation_summary(store, "workshop-1", None, "fi"), "trust")
    goodwill = next(i for i in trust["items"] if i["key"] == "trust.goodwill")
    assert goodwill["suppressed"] and goodwill["distribution"] is None and goodwill["respondents"] == 3
    # Shown items minus the dimension would give the hidden one away: no distribution.
    assert trust["mean"] is not None and trust["distribution"] is None


# --------------------------------------------------------------------------- the wall

def _max_tie_row(store) -> int:
    import sqlalchemy as sa

    from verkostolab.store import SQL_TABLES

    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.max(SQL_TABLES["ties"].c.row_id))).scalar()


def _document(item):
    from bokeh.document import Document

    return Document.from_json(item["doc"])


def _value(prop):
    """A property as a plain value (a deserialised document wraps values)."""
    return getattr(prop, "value", prop)


def _px(size: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(px|pt)", size).groups()
    return float(number) * (4 / 3 if unit == "pt" else 1)


def _wall_page(tmp_path, item) -> str:
    from bokeh.resources import INLINE

    html = (f"<!doctype html><html><head><meta charset='utf-8'>{INLINE.render_js()}</head>"
            "<body style='margin:0'><div style='height:200px'></div><div id='wall'></div>"
            f"<script>Bokeh.embed.embed_item({json.dumps(item)}, 'wall');</script></body></html>")
    path = tmp_path / "wall.html"
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


def test_projector_marks_exactly_the_ties_after_the_baseline(tmp_path):
    store, ids = _people_store(tmp_path)
    baseline = _max_tie_row(store)
    before = projector_picture(store, baseline_tie=baseline, lang="fi")
    assert before["new_ties"] == 0 and before["people"] == len(NAMES)
    assert _document(before["item"]).select_one({"name": "ties_new"}) is None
    # Two ties after the baseline: a newcomer names two people already on the wall.
    store.submit(Submission(name="Uuno Uusi", organisation="Yhdistys 1", sector="public", consent=True,
                            ties=[TieAnswer(ids[2], knowing=4), TieAnswer(ids[5], knowing=2)]))
    # Someone who said no sends a tie too: never on the wall, never named.
    store.submit(Submission(name="Kieltävä Kalle", organisation="Yhdistys 2", sector="third_sector",
                            consent=False, ties=[TieAnswer(ids[0], knowing=5)]))
    newcomer = next(p["actor_id"] for p in store.actor_choices() if p["name"] == "Uuno Uusi")
    result = projector_picture(store, baseline_tie=baseline, lang="fi")
    assert result["version"] != before["version"] and isinstance(result["version"], str)
    assert result["new_ties"] == 2 and result["people"] == len(NAMES) + 1
    assert "Kieltävä Kalle" not in json.dumps(result, ensure_ascii=False)
    doc = _document(result["item"])
    new = doc.select_one({"name": "ties_new"})
    marked = {frozenset(p) for p in zip(new.data_source.data["source"], new.data_source.data["target"])}
    assert marked == {frozenset((newcomer, ids[2])), frozenset((newcomer, ids[5]))}
    assert _value(new.glyph.line_color) == NEW_TIE_COLOUR and _value(new.glyph.line_width) >= 6
    legend = doc.select_one({"name": "legend"})
    assert legend.items[0].label.value == "uusi tässä työpajassa" and new in legend.items[0].renderers
    labels = doc.select_one({"name": "labels"})
    assert _px(_value(labels.text_font_size)) >= 24 == LABEL_PX
    assert _px(_value(legend.label_text_font_size)) >= 24
    assert "Uuno Uusi" in list(labels.source.data["label"])  # the newcomer is named
    # Unchanged store: the same version (the page may skip the drawing).
    assert projector_version(store, baseline_tie=baseline, lang="fi") == result["version"]
    # A hidden (bogus) entry is left out, with its ties.
    hidden = projector_picture(store, baseline_tie=baseline, hidden={newcomer}, lang="fi")
    assert hidden["new_ties"] == 0 and hidden["people"] == len(NAMES)
    assert "Uuno Uusi" not in json.dumps(hidden, ensure_ascii=False)
    assert hidden["version"] != result["version"]

    with offline_page(width=1920, height=1080) as (page, blocked):
        page.goto(_wall_page(tmp_path, result["item"]))
        page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0"
                               " && Object.keys(Bokeh.index).length > 0", timeout=60_000)
        page.wait_for_timeout(800)
        page.evaluate(HELPERS)
        canvas = page.evaluate("() => vl.canvas()")
        assert canvas["width"] <= 1920 and canvas["height"] <= 860
        labels = page.evaluate("() => vl.labels()")
        assert len(labels) == len(NAMES) + 1  # a small network: everyone named
        assert overlaps(labels) == [] and outside(labels, page.evaluate("() => vl.frame()")) == []
        shown = page.evaluate("""() => { const r = vl.doc().get_model_by_name('ties_new');
                                          return [r.data_source.data.source, r.data_source.data.target]; }""")
        assert {frozenset(p) for p in zip(*shown)} == marked
        assert page.evaluate("() => vl.overflowing()") == []
        png = page.screenshot(path=str(tmp_path / "wall.png"))
        assert ink_share(png) > 0.01
        assert blocked == []


def test_the_samples_results_name_nobody_unless_for_the_facilitator(tmp_path):
    """The sample's tips name people (introductions, brokers, the periphery): the
    projected results leave every such sentence out, the facilitator's keep them."""
    from verkostolab.datasets import sample_path
    from verkostolab.ingest import import_files

    store = Store(f"sqlite:///{tmp_path / 'sample.sqlite'}")
    import_files(store, sample_path())
    names = [p["name"] for p in store.actor_choices()]
    shown = evaluation_summary(store, "2025-kevät", None, "fi")
    own = evaluation_summary(store, "2025-kevät", None, "fi", facilitator=True)
    assert shown["respondents"] == 36 and not shown["suppressed"]
    text = json.dumps(shown, ensure_ascii=False)
    assert [n for n in names if n in text] == []
    assert shown["tips"] and set(shown["tips"]) < set(own["tips"])
    assert any(n in json.dumps(own["tips"], ensure_ascii=False) for n in names)
    assert own["periphery"] and set(own["periphery"]) <= set(names)
    # The figures are the package's own scoring of the round.
    from verkostolab.measures.assessment import score

    scored = score(store.load(), round="2025-kevät")
    for dim in shown["dimensions"]:
        assert dim["mean"] == round(float(scored.dimensions.loc[dim["key"], "mean"]), 2)
        assert dim["respondents"] == int(scored.dimensions.loc[dim["key"], "respondents"])
