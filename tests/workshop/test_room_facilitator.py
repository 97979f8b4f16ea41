"""The facilitator view (/facilitator) and the projector view (/projector) of the workshop
room (issue 17, room-spec.md), driven in Chromium against the real workshop server.

Participants join through the JSON API (POST api/room/join with their page token), as
their phones would; everything the facilitator does goes through the page's controls.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

import pytest
from support.browser import offline_page
from support.voila_server import workshop_server

from verkostolab.i18n import t

PHASES = ("join", "warmup", "mapping", "evaluation", "results")

# Visible elements with text of their own whose computed font size is under `min` px
# (shadow roots included, so BokehJS's own elements count too).
SMALL_TEXT = """(min) => {
  const out = [];
  const walk = (root) => {
    for (const e of root.querySelectorAll('*')) {
      if (e.shadowRoot) walk(e.shadowRoot);
      const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const r = e.getBoundingClientRect(), s = getComputedStyle(e);
      if (!r.width || !r.height || s.visibility === 'hidden' || s.display === 'none') continue;
      if (parseFloat(s.fontSize) < min) out.push(`${e.tagName}.${e.className} ${s.fontSize}: ${e.textContent.trim().slice(0, 40)}`);
    }
  };
  walk(document);
  return out;
}"""

CONTROLS = """() => document.querySelectorAll(
  'input, button, select, textarea, [contenteditable], [type=password], a[href], [tabindex]').length"""

WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
}).map(e => `${e.tagName}.${e.className}`)"""

# Controls a thumb must hit: buttons, text fields, option rows, and the labels that carry
# a check box or a radio button (the label is the target, the box inside it is smaller).
SMALL_TARGETS = """() => [...document.querySelectorAll(
  'button, input[type=text], input[type=password], summary, .vl-fac-switch, .vl-fac-choice, .vl-fac-option')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height < 44; })
  .map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().height}`)"""

# Text overflowing its own box (a label wider than its button, say).
CLIPPED = """() => [...document.querySelectorAll('button, .vl-fac-count, .vl-fac-step-label')]
  .filter(e => e.getBoundingClientRect().width > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.tagName}.${e.className}: ${e.textContent.trim()}`)"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with workshop_server(tmp_path_factory.mktemp("room-facilitator")) as s:
        yield s


# ----------------------------------------------------------------------------- helpers
def _join(server, name, *, organisation="Testiyhdistys", token=None, confirm="new"):
    """A participant joins from their phone (a page token of their own); -> (token, actor_id)."""
    token = token or uuid.uuid4().hex
    status, payload = server.api("join", {"name": name, "organisation": organisation,
                                             "sector": "third_sector", "email": None,
                                             "confirm": confirm, "actor_id": None}, token=token)
    assert status == 200 and payload["status"] == "joined", payload
    return token, payload["actor_id"]


def _facilitator(server, session):
    status, payload = server.api("facilitator", session=session)
    assert status == 200, payload
    return payload


def _until(check, timeout=5.0, step=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def _login_in_page(page, server):
    if not page.url.endswith("/facilitator"):
        page.goto(server.base_url + "facilitator")
    page.locator("#vl-code").wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('#vl-login-button').disabled", timeout=30_000)
    page.fill("#vl-code", server.code)
    page.click("#vl-login-button")
    page.locator("#vl-steps button").first.wait_for(state="visible", timeout=10_000)


def _set_phase(server, session, phase):
    status, payload = server.api("phase", {"phase": phase}, session=session)
    assert status == 200 and payload["result"]["phase"] == phase, payload


# --------------------------------------------------------------------- the facilitator
def test_a_wrong_code_is_refused_and_the_code_is_nowhere_but_the_login(server):
    """Runs first: the wait after wrong codes is shared by every page of this address."""
    status, payload = server.api("login", {"code": "väärä-koodi-1"})
    assert status in (403, 429) and payload["error"]["message"] and payload["wait"] >= 1
    assert server.code not in json.dumps(payload)
    time.sleep(payload["wait"] + 0.1)
    with offline_page(width=1280, height=900, allow_hosts=("127.0.0.1",)) as (page, blocked):
        page.goto(server.base_url + "facilitator")
        page.locator("#vl-code").wait_for(state="visible")
        assert page.locator("#vl-code").get_attribute("type") == "password"
        page.fill("#vl-code", "väärä-koodi-2")
        page.click("#vl-login-button")
        error = page.locator("#vl-login-error")
        error.wait_for(state="visible")
        # Refused, with the server's wait counting down and the button off meanwhile.
        assert error.inner_text().startswith(t("room.bad_code", server.lang))
        assert page.locator("#vl-login-button").is_disabled()
        assert t("room.facilitator.wait", server.lang, seconds=2) in error.inner_text() or \
            t("room.facilitator.wait", server.lang, seconds=1) in error.inner_text()
        assert page.locator("#vl-panel").is_hidden()
        assert page.evaluate("() => sessionStorage.getItem('vl-room-facilitator')") is None
        assert page.input_value("#vl-code") == ""
        # The right code once the wait is over: the panel, and the code is gone again.
        _login_in_page(page, server)
        assert page.locator("#vl-login").is_hidden() and page.locator("#vl-panel").is_visible()
        assert page.input_value("#vl-code") == ""
        assert server.code not in page.content()
        stored = page.evaluate("() => JSON.stringify(Object.assign({}, sessionStorage, localStorage))")
        assert server.code not in stored
        # The projector never carries the code: not its page, not its data, not its texts.
        projector = page.context.new_page()
        projector.goto(server.base_url + "projector")
        projector.locator("#vl-p-qr svg").wait_for(state="attached", timeout=10_000)
        assert server.code not in projector.content()
        with urllib.request.urlopen(server.base_url + "projector", timeout=30) as response:
            assert server.code not in response.read().decode("utf-8")
        for path in ("projector", "texts", "state"):
            assert server.code not in json.dumps(server.api(path)[1]), path
    assert blocked == []


def test_the_phase_and_the_timer_move_the_projector_and_every_page(server):
    with offline_page(width=1280, height=900, allow_hosts=("127.0.0.1",)) as (page, blocked):
        _login_in_page(page, server)
        projector = page.context.new_page()
        projector.set_viewport_size({"width": 1920, "height": 1080})
        projector.goto(server.base_url + "projector")
        projector.wait_for_function("() => document.body.dataset.phase === 'join'", timeout=10_000)

        page.click("#vl-steps button[data-phase='warmup']")
        started = time.monotonic()
        projector.wait_for_function("() => document.body.dataset.phase === 'warmup'", timeout=5_000)
        assert _until(lambda: server.api("state")[1].get("phase") == "warmup",
                      timeout=max(0.5, 5 - (time.monotonic() - started)))
        page.wait_for_selector("#vl-steps button[data-phase='warmup'][aria-current='step']")

        # A five-minute round timer: shown on the facilitator's page and on the wall.
        page.click("#vl-timer-buttons button[data-key='timer-5']")
        page.wait_for_function("() => /[45]:[0-5][0-9]/.test(document.querySelector('#vl-timer-left').textContent)",
                               timeout=5_000)
        projector.locator("#vl-p-timer").wait_for(state="visible", timeout=5_000)
        left = projector.locator("#vl-p-timer-left").inner_text()
        minutes, seconds = (int(x) for x in left.split(":"))
        assert 240 <= minutes * 60 + seconds <= 300
        assert server.api("state")[1]["timer_end"]
        page.click("#vl-timer-stop")
        projector.locator("#vl-p-timer").wait_for(state="hidden", timeout=5_000)
        assert _until(lambda: server.api("state")[1]["timer_end"] is None)

        page.click("#vl-steps button[data-phase='join']")
        projector.wait_for_function("() => document.body.dataset.phase === 'join'", timeout=5_000)
    assert blocked == []


def test_a_round_is_recorded_once_even_after_a_reload(server):
    session = server.login()
    _set_phase(server, session, "warmup")
    for i in range(4):
        _join(server, f"Kierroslainen {i} {uuid.uuid4().hex[:4]}")
    with offline_page(width=1280, height=900, allow_hosts=("127.0.0.1",)) as (page, blocked):
        _login_in_page(page, server)
        page.check("input[name='vl-size'][value='2']")
        page.click("#vl-make")
        page.wait_for_function("() => document.querySelectorAll('#vl-round .vl-fac-group').length >= 2",
                               timeout=10_000)
        record = page.locator("#vl-record")
        assert record.is_enabled()
        number = int(record.get_attribute("data-number"))
        groups_shown = page.locator("#vl-round .vl-fac-group").count()
        record.click()
        page.wait_for_function("() => document.querySelector('#vl-record').disabled", timeout=10_000)
        recorded_text = t("room.facilitator.recorded", server.lang)
        page.wait_for_function(f"() => document.querySelector('#vl-record').textContent.includes({json.dumps(recorded_text)})")

        rounds = {r["number"]: r for r in _facilitator(server, session)["rounds"]}
        assert rounds[number]["recorded_at"]
        events = rounds[number]["events"]
        assert events == groups_shown == len(rounds[number]["groups"])
        people = sum(len(g) for g in rounds[number]["groups"])
        assert _round_in_store(server, number) == (events, people)

        # A reload: the round is still recorded, and the button says so.
        page.reload()
        page.locator("#vl-steps button").first.wait_for(state="visible", timeout=10_000)
        page.wait_for_function(f"() => document.querySelector('#vl-record').textContent.includes({json.dumps(recorded_text)})",
                               timeout=10_000)
        assert page.locator("#vl-record").is_disabled()
        # Recording again (the button forced on, as a stale page would have it) is refused.
        page.evaluate("() => { document.querySelector('#vl-record').disabled = false; }")
        page.click("#vl-record")
        status = page.locator("#vl-round-status")
        refused = t("room.round_recorded", server.lang, number=number)
        page.wait_for_function(
            f"() => document.querySelector('#vl-round-status').textContent === {json.dumps(refused)}",
            timeout=10_000)
        assert "vl-fac-error" in status.get_attribute("class")
        assert page.locator("#vl-record").is_disabled()
        # ... and so is a second record straight through the API.
        again = server.api("record", {"number": number}, session=session)
        assert again[0] == 409 and again[1]["error"]["message"] == refused

        rounds = {r["number"]: r for r in _facilitator(server, session)["rounds"]}
        assert rounds[number]["events"] == events
        assert _round_in_store(server, number) == (events, people)
    assert blocked == []


def _round_in_store(server, number) -> tuple[int, int]:
    """(events, participations) of warm-up round `number` of today's run in the store:
    its events are ``<run's prefix><round>-<group>``.  Read from the SQLite file
    read-only, beside the running server."""
    import sqlite3

    path = server.store_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
        (prefix,) = db.execute("SELECT event_prefix FROM workshop_runs ORDER BY started_at DESC LIMIT 1").fetchone()
        like = f"{prefix}{number:02d}-%"
        events = db.execute("SELECT COUNT(*) FROM events WHERE event_id LIKE ?", (like,)).fetchone()[0]
        taking_part = db.execute("SELECT COUNT(*) FROM participation WHERE event_id LIKE ?", (like,)).fetchone()[0]
    return events, taking_part


def test_merge_release_hide_and_add_through_the_page(server):
    session = server.login()
    name = f"Tuplanen {uuid.uuid4().hex[:5]}"
    _, first = _join(server, name, organisation="Kirjasto")
    _, second = _join(server, name.lower(), organisation="Kirjasto")   # a second phone, same person
    _, bogus = _join(server, f"Asdf {uuid.uuid4().hex[:5]}")
    with offline_page(width=1280, height=900, allow_hosts=("127.0.0.1",)) as (page, blocked):
        _login_in_page(page, server)
        rows = page.locator("#vl-members > li")
        rows.first.wait_for(state="visible")
        duplicate_row = page.locator(f"#vl-members > li[data-actor='{second}']")
        if not duplicate_row.locator("[data-action='merge']").count():
            duplicate_row = page.locator(f"#vl-members > li[data-actor='{first}']")
        merge = duplicate_row.locator("[data-action='merge']")
        merge.wait_for(state="visible", timeout=5_000)
        merge.click()
        # Nothing is merged before the facilitator confirms.
        yes = duplicate_row.locator("[data-action='merge-yes']")
        yes.wait_for(state="visible")
        ids = {m["actor_id"] for m in _facilitator(server, session)["members"] if not m.get("hidden")}
        assert {first, second} <= ids
        yes.click()
        assert _until(lambda: len({first, second} & {m["actor_id"] for m in _facilitator(server, session)["members"]
                                                     if not m.get("hidden")}) == 1)
        page.wait_for_function(
            f"() => document.querySelectorAll('#vl-members > li[data-actor=\"{first}\"], "
            f"#vl-members > li[data-actor=\"{second}\"]').length === 1", timeout=5_000)

        # Release the one kept: only then can they join again from a new phone.
        kept = first if page.locator(f"#vl-members > li[data-actor='{first}']").count() else second
        taken = server.api("join", {"name": name, "confirm": kept}, token=uuid.uuid4().hex)
        assert taken[0] == 409 and taken[1]["error"]["key"] == "room.joined_elsewhere", taken
        page.locator(f"#vl-members > li[data-actor='{kept}'] [data-action='release']").click()
        assert _until(lambda: server.api("join", {"name": name, "confirm": kept},
                                    token=uuid.uuid4().hex)[1].get("status") == "joined")

        # Hide a bogus entry: out of the list here, out of everyone's pick list.
        page.locator(f"#vl-members > li[data-actor='{bogus}'] [data-action='hide']").click()
        page.locator(f"#vl-members > li[data-actor='{bogus}']").wait_for(state="detached", timeout=5_000)
        assert _until(lambda: bogus not in {p["id"] for p in server.api("state")[1]["people"]})
        shown = {m["actor_id"] for m in _facilitator(server, session)["members"] if not m.get("hidden")}
        assert bogus not in shown

        # Add someone from the store by typing part of their name.
        members = {m["actor_id"] for m in _facilitator(server, session)["members"]}
        person = next(p for p in server.api("state")[1]["people"] if p["id"] not in members)
        page.fill("#vl-add", person["label"].split(" (")[0])
        option = page.locator(f"#vl-add-list li[data-actor='{person['id']}']")
        option.wait_for(state="visible", timeout=5_000)
        option.click()
        page.locator(f"#vl-members > li[data-actor='{person['id']}']").wait_for(state="visible", timeout=5_000)
        assert any(m["actor_id"] == person["id"] and m["present"]
                   for m in _facilitator(server, session)["members"])
    assert blocked == []


def test_the_facilitator_view_fits_a_phone(server):
    """At 390 px, in each language: nothing wider than the screen, no label cut in its
    button, every target at least 44 px; also with a merge waiting for its yes."""
    session = server.login()
    name = f"Puhelinkaksonen {uuid.uuid4().hex[:4]}"
    _join(server, name)
    _join(server, name.upper())
    with offline_page(width=390, height=844, allow_hosts=("127.0.0.1",)) as (page, blocked):
        _login_in_page(page, server)
        for lang in ("fi", "sv", "en"):
            page.goto(f"{server.base_url}facilitator?lang={lang}")
            page.locator("#vl-members > li").first.wait_for(state="visible", timeout=5_000)
            page.wait_for_timeout(300)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, lang
            assert page.evaluate(WIDER_THAN_VIEWPORT) == [], lang
            assert page.evaluate(SMALL_TARGETS) == [], lang
            assert page.evaluate(CLIPPED) == [], lang
        page.locator("#vl-members [data-action='merge']").first.click()
        page.locator("#vl-members [data-action='merge-yes']").wait_for(state="visible")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert page.evaluate(SMALL_TARGETS) == []
        page.click("#vl-members [data-action='merge-cancel']")
        assert len([m for m in _facilitator(server, session)["members"] if m["name"].lower() == name.lower()]) == 2
    assert blocked == []


# ------------------------------------------------------------------------ the projector
def test_the_projector_has_no_controls_and_large_type_in_every_phase(server):
    session = server.login()
    for i in range(3):
        _join(server, f"Seinäkatsoja {i} {uuid.uuid4().hex[:4]}")
    with offline_page(width=1920, height=1080, allow_hosts=("127.0.0.1",)) as (page, blocked):
        for phase in PHASES:
            _set_phase(server, session, phase)
            if phase == "warmup":
                assert server.api("round", {"size": 2, "mode": "mixed"}, session=session)[0] == 200
            page.goto(server.base_url + "projector")
            page.wait_for_function(f"() => document.body.dataset.phase === '{phase}'", timeout=10_000)
            page.locator("#vl-p-qr svg").wait_for(state="visible", timeout=10_000)
            if phase == "warmup":
                page.locator("#vl-p-groups .vl-proj-group").first.wait_for(state="visible", timeout=5_000)
            if phase == "mapping":
                _the_picture_is_embedded_again_only_when_it_changed(server, page)
            page.wait_for_timeout(300)
            assert page.evaluate(CONTROLS) == 0, phase
            assert page.evaluate(SMALL_TEXT, 24) == [], phase
            projector = server.api("projector")[1]
            assert page.locator("#vl-p-url").inner_text().strip() == projector["short_url"], phase
            qr = page.locator("#vl-p-qr svg").bounding_box()
            # Big on the join screen and beside the groups and charts; in the band above
            # the network picture (which takes the whole width) still ~27 cm on a 3 m screen.
            assert qr["width"] >= (160 if phase == "mapping" else 300), (phase, qr)
            assert qr["x"] + qr["width"] <= 1920 and qr["y"] + qr["height"] <= 1080, (phase, qr)
            assert page.evaluate("() => document.documentElement.scrollWidth <= 1920 && "
                                 "document.documentElement.scrollHeight <= 1080"), phase
    assert blocked == []


def _the_picture_is_embedded_again_only_when_it_changed(server, page):
    """The network picture (BokehJS from the server): polled every 3 s with the version it
    shows, drawn again only after a new tie; then one picture on the page, not two."""
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0", timeout=30_000)
    page.locator("#vl-p-picture .vl-proj-plot > *").first.wait_for(state="attached", timeout=30_000)
    page.evaluate("() => { window.vlShown = Bokeh.documents[Bokeh.documents.length - 1]; }")
    page.wait_for_timeout(7_000)   # two polls with an unchanged store
    assert page.evaluate("() => Bokeh.documents.length === 1 && Bokeh.documents[0] === window.vlShown")
    before = page.locator("#vl-p-new").inner_text()
    token, me = _join(server, f"Uusi suhde {uuid.uuid4().hex[:4]}")
    target = next(p["id"] for p in server.api("state")[1]["people"] if p["id"] != me)
    status, payload = server.api("send", {"ties": [{"target": target, "knowing": 4, "trust": 4,
                                                       "commitment": 3}], "consent": True}, token=token)
    assert status == 200, payload
    page.wait_for_function("() => Bokeh.documents.length === 1 && Bokeh.documents[0] !== window.vlShown",
                           timeout=30_000)
    assert page.locator("#vl-p-picture .vl-proj-plot").count() == 1
    assert page.locator("#vl-p-new").inner_text() != before


def test_the_projector_counts_a_new_participant_within_five_seconds(server):
    session = server.login()
    _set_phase(server, session, "join")
    with offline_page(width=1920, height=1080, allow_hosts=("127.0.0.1",)) as (page, blocked):
        page.goto(server.base_url + "projector")
        page.locator("#vl-p-joined").wait_for(state="visible", timeout=10_000)
        page.wait_for_function("() => /\\d/.test(document.querySelector('#vl-p-joined').textContent)")
        before = server.api("projector")[1]["counts"]["joined"]
        expected = t("room.projector.joined", server.lang, count=before + 1)
        _join(server, f"Myöhäinen {uuid.uuid4().hex[:5]}")
        page.wait_for_function(f"() => document.querySelector('#vl-p-joined').textContent === {json.dumps(expected)}",
                               timeout=5_000)
    assert blocked == []


def test_results_are_charts_with_no_names_on_the_projector(server):
    session = server.login()
    tokens = [_join(server, f"Arvioija {i} {uuid.uuid4().hex[:4]}")[0] for i in range(5)]
    items = server.api("state")[1]["items"]
    assert len(items) >= 3
    for n, token in enumerate(tokens):
        status, payload = server.api("answers", {"answers": {item: 1 + (n + i) % 5 for i, item in enumerate(items)}},
                                token=token)
        assert status == 200, payload
    _set_phase(server, session, "results")
    members = _facilitator(server, session)["members"]
    with offline_page(width=1920, height=1080, allow_hosts=("127.0.0.1",)) as (page, blocked):
        page.goto(server.base_url + "projector")
        page.locator("#vl-p-chart .vl-proj-bar-row[data-dimension]").first.wait_for(state="visible", timeout=10_000)
        rows = page.locator("#vl-p-chart .vl-proj-bar-row[data-dimension]")
        assert rows.count() == 3
        text = page.locator("body").inner_text()
        for member in members:
            assert member["name"] not in text, member["name"]
        assert t("room.facilitator.periphery", server.lang) not in text
        assert page.evaluate(SMALL_TEXT, 24) == []

        facilitator = page.context.new_page()
        facilitator.set_viewport_size({"width": 1280, "height": 900})
        _login_in_page(facilitator, server)
        facilitator.locator("#vl-results .vl-chart-row").first.wait_for(state="visible", timeout=10_000)
        assert facilitator.locator("#vl-results .vl-chart-row").count() == 3
    assert blocked == []
