"""The room's JSON API on a real workshop server: texts in three languages, joining
("is this you?"), live lists, sending with "not answered", the facilitator's code and
actions, rounds recorded once across a server restart, and the Host check."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from support.voila_server import workshop_server
from verkostolab import Store
from verkostolab.store import SQL_TABLES


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with workshop_server(tmp_path_factory.mktemp("room"), code="k7rq2xzp") as s:
        yield s


def test_texts_come_from_the_catalogue_in_each_language(server):
    for lang, word in (("fi", "Kirjoita nimesi."), ("sv", "Skriv ditt namn."), ("en", "Type your name.")):
        status, data = server.api("texts", lang=lang)
        assert status == 200 and data["lang"] == lang
        assert data["texts"]["room.name_required"] == word
        assert any(k.startswith("assess.statement.") for k in data["texts"])
        assert any(k.startswith("sector.") for k in data["texts"])


def test_join_asks_is_this_you_and_a_reload_keeps_the_person(server):
    status, state = server.api("state", token="tok-a")
    assert status == 200 and state["me"] is None and state["phase"] in ("join", "warmup", "mapping")
    sample = state["people"][0]["label"].split(" (")[0]
    status, asked = server.api("join", {"name": sample.upper()}, token="tok-a")
    assert status == 200 and asked["status"] == "is_this_you"
    status, joined = server.api("join", {"name": "Vieras Kävijä", "organisation": "Kylätalo ry"},
                                token="tok-a")
    assert status == 200 and joined["status"] == "joined" and joined["created"]
    # a reload: the same token, the same person
    status, state = server.api("state", token="tok-a")
    assert state["me"]["actor_id"] == joined["actor_id"]
    # the same name from another phone: "is this you?", then refused until released
    status, again = server.api("join", {"name": "vieras  kävijä"}, token="tok-b")
    assert again["status"] == "is_this_you"
    status, refused = server.api("join", {"confirm": joined["actor_id"]}, token="tok-b")
    assert status == 409 and refused["error"]["field"] == "name"
    # errors name their field, in the page's language
    status, empty = server.api("join", {"name": " "}, token="tok-c", lang="sv")
    assert status == 400 and empty["error"] == {"message": "Skriv ditt namn.", "field": "name",
                                                "key": "room.name_required"}


def test_a_new_arrival_appears_on_another_phones_list_within_seconds(server):
    _, before = server.api("state", token="tok-watch")
    server.api("join", {"name": "Myöhäinen Saapuja"}, token="tok-late")
    started = time.monotonic()
    while time.monotonic() - started < 5:
        _, state = server.api("state", token="tok-watch")
        if any(p["label"].startswith("Myöhäinen Saapuja") for p in state["people"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the new arrival did not appear within 5 s")
    assert state["people_version"] != before["people_version"]


def test_sending_keeps_not_answered_apart_and_edits_replace(server):
    _, me = server.api("join", {"name": "Lähettäjä Testinen"}, token="tok-send")
    _, state = server.api("state", token="tok-send")
    others = [p["id"] for p in state["people"] if p["id"] != me["actor_id"]][:2]
    status, missing = server.api("send", {"ties": [{"target": others[0], "knowing": 4}]}, token="tok-send")
    assert status == 400 and missing["error"]["field"] == "consent"
    ties = [{"target": others[0], "knowing": 4, "trust": None, "commitment": None},
            {"target": others[1]}]
    status, sent = server.api("send", {"ties": ties, "consent": True}, token="tok-send")
    assert status == 200 and sent == {"actor_id": me["actor_id"], "ties": 2, "replaced": False}
    status, bad = server.api("send", {"ties": [{"target": others[0], "knowing": 9}], "consent": True},
                             token="tok-send")
    assert status == 400 and bad["error"]["field"] == "knowing"
    store = Store(server.store_url)
    rows = store.load().ties
    mine = rows[rows["source"] == me["actor_id"]]
    assert len(mine) == 2 and mine["trust"].isna().all() and sorted(mine["knowing"].dropna()) == [4]
    status, edited = server.api("send", {"ties": [{"target": others[1], "trust": 5}], "consent": True},
                                token="tok-send")
    assert edited["replaced"] and edited["ties"] == 1
    _, state = server.api("state", token="tok-send")
    assert [t["target"] for t in state["sent"]["ties"]] == [others[1]]
    status, undone = server.api("undo", {}, token="tok-send")
    assert undone == {"removed": 1}
    rows = Store(server.store_url).load().ties
    assert rows[rows["source"] == me["actor_id"]].empty
    status, nobody = server.api("send", {"ties": [], "consent": True}, token="tok-unknown")
    assert status == 400 and nobody["error"]["key"] == "room.join_first"


def test_posts_need_the_pages_header_and_the_host_is_checked(server):
    status, data = server.api("join", {"name": "Ilman Tunnistetta"})
    assert status == 403
    status, _ = server.api("state", token="x", host="evil.example")
    assert status == 403


def test_the_facilitator_code_is_checked_and_guessing_is_slowed(server):
    status, data = server.api("phase", {"phase": "warmup"}, token="tok-a")  # a participant
    assert status == 403 and data["error"]["key"] == "room.facilitator_only"
    waits = []
    for attempt in ("aaaaaaaa", "bbbbbbbb", "cccccccc"):
        status, data = server.api("login", {"code": attempt})
        assert status in (403, 429) and "session" not in data
        waits.append(data["wait"])
    assert waits[0] >= 1 and all(w > 0 for w in waits)  # each try waits, the next is refused
    time.sleep(max(waits) + 0.5)
    session = server.login()
    status, state = server.api("facilitator", session=session)
    assert status == 200 and state["run"]["run_id"]
    assert server.code not in str(state)


def test_phase_moves_every_page_and_rounds_survive_a_restart(tmp_path):
    with workshop_server(tmp_path / "w", code="r3stq8mn") as first:
        session = first.login()
        tokens = [f"tok-{k}" for k in range(6)]
        for k, token in enumerate(tokens):
            first.api("join", {"name": f"Osallistuja {k} Testi"}, token=token)
        assert first.api("phase", {"phase": "warmup"}, session=session)[0] == 200
        assert first.api("state", token=tokens[0])[1]["phase"] == "warmup"
        status, made = first.api("round", {"size": 2, "mode": "mixed"}, session=session)
        assert status == 200 and made["result"]["number"] == 1
        _, state = first.api("state", token=tokens[0])
        assert state["group"]["round"] == 1 and len(state["group"]["mates"]) == 1
        status, recorded = first.api("record", {"number": 1}, session=session)
        assert status == 200 and recorded["result"]["events"] == 3
        _, projector = first.api("projector")
        assert projector["counts"]["joined"] == 6 and projector["warmup"]["round"] == 1
        assert "<svg" in projector["qr_svg"] and projector["short_url"].startswith("127.0.0.1:")
    part = SQL_TABLES["participation"]
    store = Store(first.store_url)
    with store.engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(part)).scalar()
    with workshop_server(tmp_path / "w", code="r3stq8mn") as second:  # the same store
        session = second.login()
        _, state = second.api("state", token=tokens[0])
        assert state["phase"] == "warmup" and state["me"] is not None and state["group"]["round"] == 1
        status, again = second.api("record", {"number": 1}, session=session)
        assert status == 409 and again["error"]["key"] == "room.round_recorded"
        status, made = second.api("round", {"size": 3, "mode": "similar"}, session=session)
        assert made["result"]["number"] == 2
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(part)).scalar() == count
