"""The Voilà apps over the workshop run kept in the store: a reload (a new app object,
as a new kernel builds) continues where the room was.

* the wall's "new" ties are those after the run's baseline, also after a reload, and its
  counts are this workshop's own;
* warm-up rounds come from and go to the store: a reload shows the next round, a second
  "record" is refused and the participation is unchanged;
* the impact review compares "before this workshop" with "including this workshop", and
  a mistyped period is named next to its field.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from verkostolab import Store, Submission, TieAnswer
from verkostolab.apps.common import AppSettings
from verkostolab.apps.facilitator import EvaluationApp, ImpactApp, WarmupApp
from verkostolab.apps.room_views import LABEL_PX
from verkostolab.apps.wall import WallApp
from verkostolab.datasets import sample_path
from verkostolab.ingest import import_files


@pytest.fixture
def settings(tmp_path):
    url = f"sqlite:///{tmp_path / 'workshop.sqlite'}"
    import_files(Store(url), sample_path())
    return AppSettings(store_url=url, lang="fi", facilitator_code="246810")


def _store(settings) -> Store:
    return Store(settings.store_url)


def _font_px(size) -> float:
    size = getattr(size, "value", size)
    number, unit = re.fullmatch(r"([\d.]+)(px|pt)", size).groups()
    return float(number) * (4 / 3 if unit == "pt" else 1)


# --------------------------------------------------------------------------- the wall

def test_wall_new_ties_come_from_the_run_and_survive_a_reload(settings):
    store = _store(settings)
    run = store.current_run()
    joined = store.join_run(run["run_id"], owner="phone-1", name="Vilja Uusikko",
                            organisation="Järvilaakson kaupunki", sector="public")
    store.send_in_run(run["run_id"], "phone-1", [{"target": "P03", "knowing": 4, "trust": None,
                                                  "commitment": None},
                                                 {"target": "P40", "knowing": 3, "trust": 2,
                                                  "commitment": None}], True)
    wall = WallApp(settings)
    counts = wall.model.counts()
    me = joined["actor_id"]
    assert counts["new_ties"] == 2 and counts["people"] == 61
    assert {frozenset(p) for p in wall.model.wall.new_pairs} == {frozenset((me, "P03")),
                                                                 frozenset((me, "P40"))}
    # This workshop only: one joined, one sent (the sample's 60 people do not count).
    assert counts["run"] == {"joined": 1, "present": 1, "sent": 1, "evaluated": 0}
    assert "Tänään mukana 1" in wall.counts.value and "2 uutta suhdetta tässä työpajassa" in wall.counts.value
    assert wall.seen.layout.display == "none"  # the run's "new" is not reset by a button
    labels = wall.model.wall.figure.select_one({"name": "labels"})
    assert _font_px(labels.text_font_size) >= 24 == LABEL_PX
    assert "Vilja Uusikko" in list(labels.source.data["label"])  # the newcomer is named
    # A reload (a new kernel): the same two are new, not none.
    again = WallApp(settings)
    assert {frozenset(p) for p in again.model.wall.new_pairs} == {frozenset(p) for p in wall.model.wall.new_pairs}
    # The facilitator hides a bogus entry: off the wall at the next poll, ties and all.
    store.hide_member(run["run_id"], me)
    assert again.refresh()
    assert again.model.counts()["people"] == 60 and again.model.counts()["new_ties"] == 0
    # The next workshop (a new run): the wall follows it, nothing of the last one is new.
    store.hide_member(run["run_id"], me, hidden=False)
    assert again.refresh() and again.model.counts()["new_ties"] == 2
    nxt = store.new_run()
    assert again.refresh()
    assert again.model.run["run_id"] == nxt["run_id"] and again.model.counts()["new_ties"] == 0
    assert again.model.counts()["run"]["joined"] == 0


def test_wall_without_a_run_marks_what_came_after_it_opened(settings):
    wall = WallApp(settings)
    assert wall.model.counts()["new_ties"] == 0 and wall.model.counts()["run"] is None
    _store(settings).submit(Submission(actor_id="P10", ties=[TieAnswer("P44", knowing=4)], consent=True))
    assert wall.refresh()
    assert wall.model.wall.new_pairs == [("P10", "P44")] and "1 uutta" in wall.counts.value
    assert wall.seen.layout.display != "none"
    wall.mark_seen()
    assert wall.model.counts()["new_ties"] == 0


# --------------------------------------------------------------------------- warm-up

def _join(store, run, ids):
    for aid in ids:
        store.join_run(run["run_id"], owner=f"page-{aid}", actor_id=aid)


def test_warmup_continues_after_a_reload_and_records_a_round_once(settings):
    store = _store(settings)
    run = store.current_run()
    nobody = WarmupApp(settings)
    assert nobody.present() [1] is False and len(nobody.present()[0]) == 60  # nobody joined: the store
    assert "60" in nobody.people.value
    present = [f"P{i:02d}" for i in range(1, 13)]
    _join(store, run, present)
    app = WarmupApp(settings)
    assert app.present() == (present, True) and "Paikalla 12" in app.people.value
    app.size.value = 3
    made = app.make_groups()
    assert made["number"] == 1 and len(made["groups"]) == 4
    assert sorted(a for g in made["groups"] for a in g) == present  # only who is present
    assert "Kierros 1" in app.groups.value and app.groups.value.count("vl-group") == 4
    assert app.record_round() is None and "fasilitaattorille" in app.status.value  # no code
    stale = WarmupApp(settings)  # another page, left open on round 1
    stale.gate.unlock("246810")
    app.gate.unlock("246810")
    before = store.counts()
    assert app.record_round() == {"number": 1, "events": 4}
    after = store.counts()
    assert after["events"] == before["events"] + 4 and after["participation"] == before["participation"] + 12

    # A reload: a new page object, as a new kernel builds it, continues at round 2.
    reloaded = WarmupApp(settings)
    assert reloaded.round_number() == 2 and "Kierros 2" in reloaded.groups.value
    assert "vl-group" not in reloaded.groups.value  # round 2 is not made yet
    reloaded.gate.unlock("246810")
    # Recording round 1 again is refused, and nothing is appended.
    assert reloaded.record_round(1) is None
    assert "Kierros 1 on jo tallennettu" in reloaded.status.value
    assert app.record_round(1) is None
    # A page opened before the recording still shows round 1's groups: its "record" is
    # refused by number (not moved on to another round).
    assert "Kierros 1" in stale.groups.value and stale.record_round() is None
    assert "Kierros 1 on jo tallennettu" in stale.status.value
    assert store.counts() == after
    # Round 2 meets new people; made twice before recording, it is replaced, not added.
    reloaded.mode.value = "mixed"
    second = reloaded.make_groups()
    again = reloaded.make_groups()
    assert second["number"] == again["number"] == 2 and len(store.rounds(run["run_id"])) == 2
    first_pairs = {frozenset(p) for g in made["groups"] for p in _pairs(g)}
    assert not first_pairs & {frozenset(p) for g in again["groups"] for p in _pairs(g)}


def _pairs(group):
    return [(a, b) for i, a in enumerate(group) for b in group[i + 1:]]


# --------------------------------------------------------------------------- evaluation

def test_evaluation_answers_go_to_the_runs_round(settings):
    run = _store(settings).current_run()
    app = EvaluationApp(settings)
    assert app.round == run["round"]


# --------------------------------------------------------------------------- impact

def test_impact_compares_before_and_including_this_workshop(settings):
    store = _store(settings)
    run = store.current_run()
    yesterday = dt.date.today() - dt.timedelta(days=1)
    # A newcomer names three people today: three ties no one had before.
    store.join_run(run["run_id"], owner="phone-9", name="Tuula Tänään", organisation="Verkostohubi ry",
                   sector="third_sector")
    store.send_in_run(run["run_id"], "phone-9", [{"target": t, "knowing": 4, "trust": 3, "commitment": 2}
                                                 for t in ("P05", "P22", "P47")], True)
    app = ImpactApp(settings)
    assert app.before.value == f":{yesterday.day}.{yesterday.month}.{yesterday.year}"
    assert app.after.value == ":"  # everything, this workshop included
    assert "koko aineisto" in app.hints["after"].value
    assert "ennen tätä työpajaa" in app.hints["before"].value
    assert "tämä työpaja mukaan lukien" in app.hints["after"].value
    data = store.load()
    me = next(p["actor_id"] for p in store.actor_choices() if p["name"] == "Tuula Tänään")
    mine = lambda d: d.ties[d.ties["source"] == me]  # noqa: E731
    assert len(mine(data.filter(period=app.before.value))) == 0
    assert len(mine(data.filter(period=app.after.value))) == 3
    counts = app.change.counts()
    assert counts["new_ties"] >= 3 and counts["lost_ties"] == 0 and counts["newcomers"] == 1
    assert re.search(r"uusia suhteita</td><td><b>(\d+)", app.summary.value).group(1) == str(counts["new_ties"])
    assert re.search(r"kadonneita suhteita</td><td><b>0<", app.summary.value)


def test_a_mistyped_period_is_named_next_to_its_field(settings):
    app = ImpactApp(settings, before="2024-09:2024-12", after="2025-01:2025-05")
    assert "1.9.2024–31.12.2024" in app.hints["before"].value
    app.before.value = "huhtikuu"
    app.draw()
    before, after = (html.unescape(app.hints[k].value) for k in ("before", "after"))
    assert "role=\"alert\"" in before and "Ennen: 'huhtikuu' ei ole ajanjakso" in before
    assert "1.9.2024:31.12.2024" in before  # what is accepted
    assert "alert" not in after and app.status.value == ""
    app.before.value = "2024-09:2024-12"
    app.after.value = "2031-01:2031-02"  # a period with no data
    app.draw()
    assert "alert" in app.hints["after"].value and "(Jälkeen)" in app.hints["after"].value
    assert "alert" not in app.hints["before"].value
    app.set_lang("en")
    assert "(After)" in app.hints["after"].value
