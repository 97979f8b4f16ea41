"""The workshop room's state in the store: runs continue after a restart, "is this you?"
instead of a second person, sending again replaces, a round is recorded once, counts are
this workshop's only, and erasure and merging reach the room's tables."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from verkostolab import Store
from verkostolab.apps.room import make_round, record_round
from verkostolab.datasets.jarvilaakso import sample_path
from verkostolab.ingest import import_files
from verkostolab.store import RoomError, SQL_TABLES


@pytest.fixture
def sample_store(tmp_path):
    store = Store(tmp_path / "w.sqlite")
    import_files(store, [sample_path()])
    return store


def test_a_restarted_server_continues_todays_run(store_url):
    store = Store(store_url)
    run = store.current_run()
    store.set_phase(run["run_id"], "mapping")
    again = Store(store_url).current_run()  # a new process: the same run, the same phase
    assert again["run_id"] == run["run_id"] and again["phase"] == "mapping"
    tomorrow = Store(store_url).current_run(today=dt.date.today() + dt.timedelta(days=1))
    assert tomorrow["run_id"] != run["run_id"] and tomorrow["phase"] == "join"
    assert Store(store_url).current_run(create=False)["run_id"] == tomorrow["run_id"]
    timed = store.set_timer(run["run_id"], 300)
    left = dt.datetime.fromisoformat(timed["timer_end"]) - dt.datetime.now(dt.timezone.utc)
    assert 295 <= left.total_seconds() <= 300  # an absolute time, with its UTC offset
    with pytest.raises(RoomError) as bad:
        store.set_phase(run["run_id"], "lunch")
    assert bad.value.field == "phase"


def test_joining_twice_asks_is_this_you_and_never_makes_a_second_person(store_url):
    store = Store(store_url)
    run = store.current_run()["run_id"]
    first = store.join_run(run, owner="phone-a", name="Aino Aalto", organisation="Kaupunki",
                           email="aino@example.fi")
    assert first["status"] == "joined" and first["created"]
    assert first["label"] == "Aino Aalto (Kaupunki)"
    # the same page again (a reload, a double tap): the same person, nothing new
    assert store.join_run(run, owner="phone-a", name="Aino Aalto")["actor_id"] == first["actor_id"]
    # another page with the same name (accents, case, spaces) or the same e-mail
    for name, email in (("  aino   AALTO ", None), ("A. Aalto", "AINO@example.fi")):
        asked = store.join_run(run, owner="phone-b", name=name, email=email)
        assert asked["status"] == "is_this_you"
        assert [c["actor_id"] for c in asked["candidates"]] == [first["actor_id"]]
    assert len(store.actor_choices()) == 1
    # "yes, that's me" from another phone: refused while phone A owns her
    with pytest.raises(RoomError) as elsewhere:
        store.join_run(run, owner="phone-b", confirm=first["actor_id"])
    assert elsewhere.value.key == "room.joined_elsewhere" and elsewhere.value.field == "name"
    store.release_member(run, first["actor_id"])  # the facilitator frees her name
    assert store.join_run(run, owner="phone-b", confirm=first["actor_id"])["actor_id"] == first["actor_id"]
    # "no, I am someone else": a new person
    other = store.join_run(run, owner="phone-c", name="Aino Aalto", confirm="new")
    assert other["created"] and other["actor_id"] != first["actor_id"]
    assert store.member_of(run, "phone-b")["actor_id"] == first["actor_id"]
    assert store.run_counts(run) == {"joined": 2, "present": 2, "sent": 0, "evaluated": 0}
    with pytest.raises(RoomError) as empty:
        store.join_run(run, owner="phone-d", name="  ")
    assert empty.value.field == "name"
    with pytest.raises(RoomError) as mail:
        store.join_run(run, owner="phone-d", name="Ville", email="ville at example")
    assert mail.value.field == "email"


def test_sending_again_replaces_and_undo_removes(store_url):
    store = Store(store_url)
    run = store.current_run()["run_id"]
    a = store.join_run(run, owner="a", name="Aino")["actor_id"]
    b = store.join_run(run, owner="b", name="Bertil")["actor_id"]
    c = store.join_run(run, owner="c", name="Cecilia")["actor_id"]
    first = store.send_in_run(run, "a", [{"target": b, "knowing": 4, "trust": None, "commitment": None},
                                         {"target": c, "knowing": None}], consent=True)
    assert first == {"actor_id": a, "ties": 2, "replaced": False}
    ties = store.load().ties
    assert len(ties) == 2
    row = ties[ties["target"] == b].iloc[0]
    assert row["knowing"] == 4 and row[["trust", "commitment"]].isna().all()  # not answered, not 3
    second = store.send_in_run(run, "a", [{"target": c, "knowing": 5}], consent=True)
    assert second["replaced"] and second["ties"] == 1
    ties = store.load().ties
    assert list(ties["target"]) == [c] and list(ties["knowing"]) == [5]
    sent = store.sent_in_run(run, "a")
    assert [t["target"] for t in sent["ties"]] == [c] and sent["consent"] is True
    assert store.run_counts(run)["sent"] == 1
    assert store.undo_in_run(run, "a") == 1
    assert store.load().ties.empty and store.sent_in_run(run, "a") is None
    with pytest.raises(RoomError) as stranger:
        store.send_in_run(run, "nobody", [{"target": c}], consent=True)
    assert stranger.value.key == "room.join_first"


def test_counts_are_this_workshops_people_only(sample_store):
    store = sample_store
    people = len(store.actor_choices())
    run = store.current_run()["run_id"]
    assert store.run_counts(run) == {"joined": 0, "present": 0, "sent": 0, "evaluated": 0}
    me = store.join_run(run, owner="x", name="Uusi Osallistuja")
    known = store.actor_choices()[0]["actor_id"]
    store.send_in_run(run, "x", [{"target": known, "knowing": 3}], consent=True)
    store.answer_in_run(run, "x", {"trust.goodwill": 4, "knowing.person": None})
    assert store.run_counts(run) == {"joined": 1, "present": 1, "sent": 1, "evaluated": 1}
    assert len(store.actor_choices()) == people + 1
    # the wall's "new" ties are those after the run's baseline
    ties = SQL_TABLES["ties"]
    with store.engine.connect() as conn:
        new = conn.execute(sa.select(ties.c.source).where(
            ties.c.row_id > store.current_run()["baseline_tie"])).scalars().all()
    assert new == [me["actor_id"]]
    assert me["actor_id"] in {p["id"] for p in store.room_people(run)}
    store.hide_member(run, me["actor_id"])
    assert me["actor_id"] not in {p["id"] for p in store.room_people(run)}
    assert store.run_counts(run)["joined"] == 0


def test_a_person_who_said_no_is_grouped_and_may_answer(sample_store):
    store = sample_store
    run = store.current_run()
    shy = store.join_run(run["run_id"], owner="shy", name="Ujo Osallistuja")["actor_id"]
    store.send_in_run(run["run_id"], "shy", [], consent=False)
    for aid in [p["actor_id"] for p in store.actor_choices()[:3]]:
        store.set_present(run["run_id"], aid, True)
    made = make_round(store, run, size=2, mode="mixed")
    assert shy in {a for g in made["groups"] for a in g}
    assert record_round(store, run, 1)["events"] == 2
    assert store.answer_in_run(run["run_id"], "shy", {"trust.goodwill": 4}) == 1
    with pytest.raises(RoomError):
        store.answer_in_run(run["run_id"], "someone-else", {"trust.goodwill": 1})
    assert shy not in {p["id"] for p in store.room_people(run["run_id"])}  # never listed


def test_a_round_is_recorded_once_whatever_reloads(sample_store):
    store = sample_store
    run = store.current_run()
    people = [p["actor_id"] for p in store.actor_choices()[:8]]
    for aid in people:
        store.set_present(run["run_id"], aid, True)
    part = SQL_TABLES["participation"]

    def participation():
        with store.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(part)).scalar()

    before = participation()
    first = make_round(store, run, size=2, mode="mixed")
    assert first["number"] == 1 and sorted(a for g in first["groups"] for a in g) == sorted(people)
    redrawn = make_round(store, run, size=2, mode="similar")  # made again before recording
    assert redrawn["number"] == 1 and redrawn["mode"] == "similar"
    done = record_round(Store(store.url), store.current_run(), 1)  # "a reload": new objects
    assert done["events"] == 4 and participation() == before + 8
    with pytest.raises(RoomError) as again:
        record_round(Store(store.url), store.current_run(), 1)
    assert again.value.key == "room.round_recorded"
    assert participation() == before + 8
    second = make_round(Store(store.url), store.current_run(), size=2, mode="mixed")
    assert second["number"] == 2
    pairs1 = {frozenset(g) for g in redrawn["groups"]}
    assert not pairs1 & {frozenset(g) for g in second["groups"]}  # no pair met twice
    rounds = store.rounds(run["run_id"])
    assert [r["number"] for r in rounds] == [1, 2] and rounds[0]["recorded_at"] and not rounds[1]["recorded_at"]
    events = store.load().events
    assert events["event_id"].str.startswith(run["event_prefix"]).sum() == 4


def test_forget_and_merge_reach_the_rooms_tables(store_url):
    store = Store(store_url)
    run = store.current_run()["run_id"]
    a = store.join_run(run, owner="a", name="Aino Aalto")["actor_id"]
    dup = store.join_run(run, owner="b", name="Aino A.")["actor_id"]
    b = store.join_run(run, owner="c", name="Bertil")["actor_id"]
    store.send_in_run(run, "b", [{"target": b, "knowing": 2}], consent=True)
    store.merge_members(run, a, dup)
    members = {m["actor_id"]: m for m in store.run_members(run)}
    assert dup not in members and members[a]["sent"] == 1
    assert store.load().ties["source"].tolist() == [a]
    result = store.forget(b)
    assert result["removed"].get("run_members") == 1
    assert b not in {m["actor_id"] for m in store.run_members(run, include_hidden=True)}
