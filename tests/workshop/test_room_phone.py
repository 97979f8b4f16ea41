"""The participant's phone page of the workshop room (``/``: participant.html + .js).

Real ``verkostolab workshop`` server (no kernels: the page talks to the JSON API only),
real store, headless Chromium at phone sizes (360, 390, 414 px, touch).  Every request
outside the server is refused and must not happen.
"""

from __future__ import annotations

import os
import re
import time
import uuid

import pytest
import sqlalchemy as sa
from support.browser import CHROMIUM, LAUNCH_ARGS
from support.voila_server import workshop_server

from verkostolab import Store

WIDTHS = (360, 390, 414)
#: A folder for screenshots of the views (to look at the page), or None.
SHOTS = os.environ.get("VERKOSTOLAB_SHOTS")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with workshop_server(tmp_path_factory.mktemp("room-phone"), pool_size=0) as s:
        yield s


@pytest.fixture(scope="module")
def store(server):
    """One Store for the whole module, its connections kept open until the end.

    Store objects made and dropped during the tests close their SQLite connections; with
    ``Store.exists()`` opening and closing the database file (which drops this process's
    SQLite locks), such a close can checkpoint and delete the WAL under the running
    server, which then reads a stale copy (seen here as a phase that never changes)."""
    s = Store(server.store_url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Phone:
    """One phone: its own browser context (own localStorage = own token), taps counted."""

    def __init__(self, browser, server, width: int = 390, height: int = 800):
        self.server = server
        self.width = width
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           has_touch=True, is_mobile=True, device_scale_factor=1)
        self.outside: list[str] = []
        self.errors: list[str] = []

        def route(r):
            if r.request.url.startswith((server.base_url, "data:", "blob:")):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.taps = 0

    def open(self):
        self.page.goto(self.server.base_url)
        self.page.wait_for_selector("#v-loading", state="hidden", timeout=10_000)
        return self

    def tap(self, target):
        locator = self.page.locator(target) if isinstance(target, str) else target
        locator.tap()
        self.taps += 1

    def type(self, selector: str, text: str):
        """Typing (not counted as taps: the test counts taps after typing)."""
        self.page.locator(selector).fill(text)

    def shown(self, selector: str, timeout: float = 10_000):
        self.page.wait_for_selector(selector, state="visible", timeout=timeout)

    def state(self) -> dict:
        return self.page.evaluate("""async () => (await fetch('api/room/state', {headers:
            {'X-VL-Token': localStorage.getItem('vl-room-token')}, cache: 'no-store'})).json()""")

    def join_new(self, name: str, organisation: str = ""):
        self.type("#join-name", name)
        if organisation:
            self.type("#join-org", organisation)
        self.tap("#join-submit")
        self.shown("#me-bar")

    def add_person(self, label: str, *, tap_search: bool = True):
        """Search for the name of ``label`` ("Name (Organisation)") and tap its row.
        Without ``tap_search`` the search field must already have the focus (it keeps it
        after a person is added, ready for the next name)."""
        name = label.split(" (")[0]
        if tap_search:
            self.tap("#map-search")
        else:
            assert self.page.evaluate("() => document.activeElement.id") == "map-search"
        self.type("#map-search", name)
        row = self.page.locator("#map-results button", has_text=label)
        row.wait_for(state="visible", timeout=5_000)
        self.tap(row)
        self.page.locator(f'#map-cards .vl-card-name:text-is("{label}")').wait_for(timeout=5_000)

    def shot(self, name: str):
        if SHOTS:
            self.page.screenshot(path=f"{SHOTS}/{name}-{self.width}.png", full_page=True)

    def close(self):
        self.context.close()
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors


@pytest.fixture
def phones(browser, server):
    made: list[Phone] = []

    def make(width: int = 390) -> Phone:
        phone = Phone(browser, server, width)
        made.append(phone)
        return phone

    yield make
    for phone in made:
        phone.close()


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:5].upper()}"


def _sample_labels(phone: Phone, count: int) -> list[str]:
    """Labels of sample people whose name occurs once among the people."""
    people = phone.state()["people"]
    names = [p["label"].split(" (")[0] for p in people]
    unique = [p["label"] for p, n in zip(people, names)
              if names.count(n) == 1 and re.fullmatch(r"[A-ZÅÄÖ][a-zåäö]+ [A-ZÅÄÖ][a-zåäö]+", n)]
    assert len(unique) >= count
    return unique[:count]


LAYOUT = """() => {
    const vw = window.innerWidth;
    const out = {scroll: document.documentElement.scrollWidth, vw, wide: [], small: [], checked: 0};
    const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '');
    const visible = e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
    for (const e of document.querySelectorAll('body *')) {
        if (!visible(e)) continue;
        const r = e.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.right > vw + 0.5 || r.left < -0.5) out.wide.push(name(e) + ' ' + r.left + '..' + r.right);
        if (e.matches('button, input, [role=radio], .vl-row, .vl-choice, .vl-chip, a[href]')) {
            out.checked += 1;
            if (r.height < 44) out.small.push(name(e) + ' ' + r.height + ' ' + e.textContent.trim());
        }
    }
    // text too: a long word that does not wrap sticks out of its box
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.textContent.trim() || !node.parentElement || !visible(node.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const r = range.getBoundingClientRect();
        if (r.width && r.right > vw + 0.5) out.wide.push('text "' + node.textContent.trim().slice(0, 40) + '" ' + r.right);
    }
    return out;
}"""


def _fits(phone: Phone, where: str):
    phone.page.wait_for_timeout(150)
    layout = phone.page.evaluate(LAYOUT)
    assert layout["scroll"] <= layout["vw"] == phone.width, (where, layout)
    assert layout["wide"] == [], (where, layout["wide"])
    assert layout["small"] == [], (where, layout["small"])
    assert layout["checked"] >= 3, where
    return layout


# ------------------------------------------------------------------------- layout
@pytest.mark.parametrize("width", WIDTHS)
def test_every_view_fits_the_phone_and_every_target_is_44_px(phones, server, width):
    phone = phones(width).open()
    me = _unique("Marja-Leena Ylä-Kauppila-Hämäläinen")
    # join: name matches of people already there, organisation type-ahead, sectors
    phone.type("#join-name", "Savo")
    phone.shown("#join-matches")
    phone.type("#join-org", "Järvi")
    phone.page.locator("#join-org").focus()
    phone.shown("#join-org-list")
    phone.shot("join")
    layout = _fits(phone, "join")
    assert layout["checked"] >= 10  # switch, rows, sectors, inputs, join button
    # the language switch, kept
    phone.tap('.vl-lang button[data-lang="sv"]')
    phone.page.wait_for_function("() => document.documentElement.lang === 'sv'")
    assert phone.page.locator("#join-submit").inner_text() == "Gå med i workshoppen"
    _fits(phone, "join in Swedish")
    phone.tap('.vl-lang button[data-lang="fi"]')
    phone.page.wait_for_function("() => document.documentElement.lang === 'fi'")
    phone.page.locator("#join-org").fill("")
    phone.join_new(me, "Järvilaakson Kehitys Oy")
    # the mapping form with two people, one rated, the consent error shown
    first, second = _sample_labels(phone, 2)
    phone.add_person(first)
    phone.add_person(second)
    phone.tap("#map-cards .vl-card >> nth=0 >> .vl-dim-trust button[data-value='5']")
    phone.tap("#map-send")
    phone.shown('[data-err="send.consent"]')
    phone.shot("form")
    _fits(phone, "mapping form")
    phone.tap('[data-consent="no"]')
    phone.tap("#map-send")
    phone.shown("#v-sent")
    _fits(phone, "sent")


@pytest.mark.parametrize("width", WIDTHS)
def test_warmup_evaluation_and_results_fit_the_phone(phones, server, width, store):
    phone = phones(width).open()
    phone.join_new(_unique("Aleksanteri Pitkäsukunimi"))
    run = phone.state()["run_id"]
    me = phone.state()["me"]["actor_id"]
    try:
        mates = [p["id"] for p in phone.state()["people"] if p["id"] != me][:2]
        store.set_present(run, me, True)
        for mate in mates:
            store.set_present(run, mate, True)
        # before the facilitator starts: "you're in", and the mapping form already
        store.set_phase(run, "join")
        phone.shown("#v-wait", timeout=8_000)
        assert phone.page.locator("#v-map").is_visible()
        # warm-up with no group for me yet, then my group appears without a reload
        store.set_phase(run, "warmup")
        phone.shown("#warmup-wait", timeout=8_000)
        assert phone.page.locator("#v-map").is_hidden()
        store.save_round(run, [[me, *mates]], size=3, mode="mixed")
        phone.shown("#warmup-group", timeout=8_000)
        assert phone.page.locator("#warmup-mates li").count() == 2
        assert phone.page.locator("#warmup-number").inner_text() == "Ryhmä 1"
        store.set_timer(run, 125)
        phone.shown("#warmup-timer", timeout=8_000)
        assert re.fullmatch(r"2:0[0-5]|1:5\d", phone.page.locator("#warmup-clock").inner_text())
        phone.shot("warmup")
        layout = phone.page.evaluate(LAYOUT)
        assert layout["scroll"] <= width and layout["wide"] == [] and layout["small"] == []
        store.set_phase(run, "evaluation")
        phone.shown("#v-eval", timeout=8_000)
        assert phone.page.locator(".vl-statement").count() == 12
        phone.tap(".vl-statement >> nth=0 >> button[data-value='4']")
        phone.shot("evaluation")
        _fits(phone, "evaluation")
        store.set_phase(run, "results")
        phone.shown("#v-results", timeout=8_000)
        layout = phone.page.evaluate(LAYOUT)
        assert layout["scroll"] <= width and layout["wide"] == [] and layout["small"] == []
    finally:
        store.set_phase(run, "mapping")


# ------------------------------------------------------------------- the whole flow
def test_join_two_ties_consent_and_send_take_at_most_eight_taps(phones, server, store):
    phone = phones(390).open()
    name = _unique("Ella Esimerkki")
    phone.type("#join-name", name)
    phone.type("#join-org", "Järvilaakson kaupunki")
    phone.tap("#join-submit")                                  # 1
    phone.shown("#me-bar")
    assert name in phone.page.locator("#me-bar").inner_text()
    first, second = _sample_labels(phone, 2)
    phone.add_person(first)                                    # 2 (search), 3 (row)
    phone.add_person(second, tap_search=False)                 # 4 (row: the search has the focus)
    card = phone.page.locator("#map-cards .vl-card").nth(0)
    # nothing chosen: "not answered" is written out, and no value is checked
    assert card.locator(".vl-dim-knowing .vl-status").inner_text() == "ei vastattu"
    assert card.locator('[aria-checked="true"]').count() == 0
    phone.tap(card.locator(".vl-dim-knowing button[data-value='4']"))  # 5
    assert card.locator(".vl-dim-knowing .vl-status").inner_text() == "4"
    assert card.locator(".vl-dim-trust .vl-status").inner_text() == "ei vastattu"
    phone.tap('[data-consent="yes"]')                          # 6
    phone.tap("#map-send")                                     # 7
    phone.shown("#v-sent")
    assert phone.taps == 7 <= 8
    assert "2" in phone.page.locator("#sent-thanks").inner_text()

    me = phone.state()["me"]["actor_id"]
    ids = {p["label"]: p["id"] for p in phone.state()["people"]}
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT target, knowing, trust, commitment FROM ties "
                                    "WHERE source = :me ORDER BY target"), {"me": me}).all()
    got = {row[0]: tuple(row[1:]) for row in rows}
    assert got == {ids[first]: (4, None, None), ids[second]: (None, None, None)}
    # the draft is gone once sent
    assert phone.page.evaluate("() => JSON.parse(localStorage.getItem('vl-room-draft')).ties") == []


def test_edit_replaces_and_undo_removes_what_was_sent(phones, server, store):
    phone = phones(360).open()
    phone.join_new(_unique("Outi Muokkaaja"))
    first, second = _sample_labels(phone, 2)
    phone.add_person(first)
    phone.add_person(second)
    phone.tap('[data-consent="yes"]')
    phone.tap("#map-send")
    phone.shown("#v-sent")
    me = phone.state()["me"]["actor_id"]

    def ties():
        with store.engine.connect() as conn:
            return conn.execute(sa.text("SELECT target, knowing, trust, commitment FROM ties "
                                        "WHERE source = :me"), {"me": me}).all()

    assert len(ties()) == 2
    phone.tap("#sent-edit")
    phone.shown("#v-map")
    assert phone.page.locator("#map-cards .vl-card").count() == 2   # prefilled from what was sent
    assert phone.page.locator('[data-consent="yes"]').get_attribute("aria-checked") == "true"
    ids = {p["label"]: p["id"] for p in phone.state()["people"]}
    phone.tap(f'#map-cards .vl-card[data-target="{ids[second]}"] .vl-remove')
    phone.tap(f'#map-cards .vl-card[data-target="{ids[first]}"] .vl-dim-commitment button[data-value="2"]')
    phone.tap("#map-send")
    phone.shown("#v-sent")
    assert [tuple(r) for r in ties()] == [(ids[first], None, None, 2)]
    phone.tap("#sent-undo")
    phone.shown("#map-notice")
    assert ties() == []
    # what was withdrawn stays in the form, not sent
    assert phone.page.locator("#map-cards .vl-card").count() == 1
    assert phone.state()["sent"] in (None, {}, [])


def test_sending_only_the_consent_answer_is_thanked_and_stays_so_after_a_reload(phones, server, store):
    phone = phones(390).open()
    phone.join_new(_unique("Usko Uusi"))
    phone.tap('[data-consent="yes"]')
    phone.tap("#map-send")
    phone.shown("#v-sent")
    assert "0" in phone.page.locator("#sent-thanks").inner_text()
    phone.page.reload()
    phone.shown("#v-sent")
    me = phone.state()["me"]["actor_id"]
    assert store.consents().get(me) is True


def test_names_are_shown_as_text_never_as_markup(phones, server):
    a = phones(390).open()
    name = _unique('<img src="//evil.example/x.png" onerror="window.__owned=1">Ilkka')
    a.join_new(name)
    assert name in a.page.locator("#me-bar").inner_text()
    b = phones(390).open()
    b.join_new(_unique("Hanna Huolellinen"))
    b.tap("#map-search")
    b.type("#map-search", "Ilkka")
    row = b.page.locator("#map-results button", has_text=name)
    row.wait_for(state="visible", timeout=5_000)
    b.tap(row)
    assert b.page.locator("#map-cards img, #map-results img, #me-bar img").count() == 0
    assert b.page.evaluate("() => window.__owned") is None
    # (Phone.close checks that nothing was asked from evil.example)


# ------------------------------------------------------------------ who you are
def test_joining_again_with_the_same_name_asks_is_this_you(phones, server):
    a = phones(390).open()
    name = _unique("Veera Kaksonen")
    a.join_new(name, "Järvilaakson kaupunki")
    mine = a.state()["me"]["actor_id"]
    b = phones(390).open()
    b.type("#join-name", name.upper().replace("VEERA", "véera"))   # case, accents
    b.tap("#join-submit")
    b.shown("#join-candidates")
    rows = b.page.locator("#join-candidate-list button")
    assert rows.count() >= 1 and name in rows.first.inner_text()
    _fits(b, "is this you?")
    assert b.state()["me"] is None                 # nothing written yet
    # "this is me": but that person joined on phone A
    b.tap(rows.first)
    error = b.page.locator('[data-err="join.name"]')
    error.wait_for(state="visible", timeout=5_000)
    assert error.inner_text().strip()
    assert b.page.locator("#join-name").get_attribute("aria-invalid") == "true"
    box = error.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 800     # in view
    assert b.state()["me"] is None
    # so: someone else after all
    b.tap("#join-submit")
    b.shown("#join-candidates")
    b.tap("#join-someone-else")
    b.shown("#me-bar")
    assert b.state()["me"]["actor_id"] != mine
    assert a.state()["me"]["actor_id"] == mine


def test_tapping_my_name_while_typing_joins_as_that_person(phones, server):
    phone = phones(360).open()
    label = _sample_labels(phone, 3)[2]
    phone.type("#join-name", label.split(" (")[0][:-2])      # part of the name is enough
    row = phone.page.locator("#join-match-list button", has_text=label)
    row.wait_for(state="visible", timeout=5_000)
    assert "Tämä olen minä" in row.inner_text()
    phone.tap(row)
    phone.shown("#me-bar")
    assert phone.state()["me"]["label"] == label
    assert phone.taps == 1


def test_a_person_joining_on_another_phone_appears_in_the_search_within_5_s(phones, server):
    a = phones(390).open()
    a.join_new(_unique("Aapo Aikainen"))
    a.page.evaluate("() => { window.__notReloaded = true; }")
    newcomer = _unique("Kerttu Myöhäinen")
    a.tap("#map-search")
    a.type("#map-search", newcomer)
    a.shown("#map-no-match")
    b = phones(390).open()
    b.join_new(newcomer, "Järvilaakson kaupunki")
    joined = time.monotonic()
    a.page.locator("#map-results button", has_text=newcomer).wait_for(state="visible", timeout=5_000)
    delay = time.monotonic() - joined
    print(f"a newcomer appeared on another phone after {delay:.2f} s")
    assert delay <= 5
    assert a.page.evaluate("() => window.__notReloaded === true")
    # and the newcomer does not find themselves
    b.tap("#map-search")
    b.type("#map-search", newcomer)
    b.shown("#map-no-match")
    assert b.page.locator("#map-results button").count() == 0


def test_a_reload_keeps_what_was_typed_and_who_you_are(phones, server):
    phone = phones(390).open()
    name = _unique("Reijo Lataaja")
    # half-way through joining
    phone.type("#join-name", name)
    phone.type("#join-org", "Oma Yhdistys ry")
    phone.tap("#join-sector-list button >> nth=1")
    phone.page.reload()
    phone.shown("#v-join")
    assert phone.page.locator("#join-name").input_value() == name
    assert phone.page.locator("#join-org").input_value() == "Oma Yhdistys ry"
    assert phone.page.locator('#join-sector-list button[aria-pressed="true"]').count() == 1
    phone.tap("#join-submit")
    phone.shown("#me-bar")
    token = phone.page.evaluate("() => localStorage.getItem('vl-room-token')")
    # half-way through the form
    first, second = _sample_labels(phone, 2)
    phone.add_person(first)
    phone.tap("#map-cards .vl-card >> nth=0 >> .vl-dim-trust button[data-value='2']")
    phone.tap('[data-consent="no"]')
    phone.tap("#map-search")
    phone.type("#map-search", second.split(" ")[0])
    phone.page.reload()
    phone.shown("#v-map")
    assert name in phone.page.locator("#me-bar").inner_text()
    assert phone.page.locator("#v-join").is_hidden()
    assert phone.page.evaluate("() => localStorage.getItem('vl-room-token')") == token
    cards = phone.page.locator("#map-cards .vl-card")
    assert cards.count() == 1 and cards.first.locator(".vl-card-name").inner_text() == first
    assert cards.first.locator('.vl-dim-trust [aria-checked="true"]').inner_text() == "2"
    assert cards.first.locator(".vl-dim-knowing .vl-status").inner_text() == "ei vastattu"
    assert phone.page.locator('[data-consent="no"]').get_attribute("aria-checked") == "true"
    assert phone.page.locator("#map-search").input_value() == second.split(" ")[0]
    # a tap takes a rating back to "not answered"
    phone.tap(cards.first.locator(".vl-dim-trust button[data-value='2']"))
    assert cards.first.locator(".vl-dim-trust .vl-status").inner_text() == "ei vastattu"
    assert cards.first.locator('[aria-checked="true"]').count() == 0
    # the language chosen is kept too
    phone.tap('.vl-lang button[data-lang="en"]')
    phone.page.wait_for_function("() => document.documentElement.lang === 'en'")
    phone.page.reload()
    phone.shown("#v-map")
    assert phone.page.evaluate("() => document.documentElement.lang") == "en"
    assert phone.page.locator("#map-send").inner_text() == "Send"
    assert cards.first.locator(".vl-dim-trust .vl-status").inner_text() == "not answered"
    assert phone.page.locator('.vl-lang button[aria-pressed="true"]').inner_text() == "English"


# ------------------------------------------------------------------------- errors
def test_no_consent_is_an_error_next_to_the_question_and_nothing_is_sent(phones, server, store):
    phone = phones(360).open()
    phone.join_new(_unique("Kaisa Kiireinen"))
    first, = _sample_labels(phone, 1)
    phone.add_person(first)
    phone.page.evaluate("() => window.scrollTo(0, 0)")
    phone.tap("#map-send")
    error = phone.page.locator('[data-err="send.consent"]')
    error.wait_for(state="visible")
    assert "kyllä tai ei" in error.inner_text()
    assert phone.page.locator("#consent-box").locator('[data-err="send.consent"]').count() == 1
    box = error.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 800     # scrolled into view
    me = phone.state()["me"]["actor_id"]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM ties WHERE source = :me"), {"me": me}).scalar() == 0
    assert phone.state()["sent"] in (None, {}, [])


def test_a_network_failure_keeps_the_form_and_offers_to_try_again(phones, server, store):
    phone = phones(390).open()
    phone.join_new(_unique("Niilo Katkonen"))
    first, = _sample_labels(phone, 1)
    phone.add_person(first)
    phone.tap("#map-cards .vl-card >> nth=0 >> .vl-dim-knowing button[data-value='3']")
    phone.tap('[data-consent="yes"]')
    phone.page.route("**/api/room/send*", lambda r: r.abort())
    phone.tap("#map-send")
    error = phone.page.locator('[data-err="send"]')
    error.wait_for(state="visible")
    assert "yhteys" in error.inner_text()
    assert phone.page.locator("#map-cards .vl-card").count() == 1      # nothing lost
    assert phone.page.locator('[data-consent="yes"]').get_attribute("aria-checked") == "true"
    phone.page.unroute("**/api/room/send*")
    phone.tap(error.locator("button"))
    phone.shown("#v-sent")
    me = phone.state()["me"]["actor_id"]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT knowing FROM ties WHERE source = :me"), {"me": me}).scalars().all() == [3]


def test_evaluation_answers_are_stored_and_unanswered_stay_empty(phones, server, store):
    phone = phones(390).open()
    phone.join_new(_unique("Eeva Arvioija"))
    run = phone.state()["run_id"]
    try:
        store.set_phase(run, "evaluation")
        phone.shown("#v-eval", timeout=8_000)
        phone.tap("#eval-send")
        phone.shown('[data-err="answers"]')                 # nothing answered: nothing sent
        phone.tap('.vl-statement[data-item="knowing.person"] button[data-value="5"]')
        phone.tap('.vl-statement[data-item="trust.consistency"] button[data-value="1"]')
        phone.tap("#eval-send")
        phone.shown("#v-eval-done")
        me = phone.state()["me"]["actor_id"]
        given = {k: v for k, v in phone.state()["answers"].items() if v is not None}
        assert given == {"knowing.person": 5, "trust.consistency": 1}
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT item, value FROM assessments WHERE respondent = :me"),
                                {"me": me}).all()
        assert {item: value for item, value in rows if value is not None} == {
            "knowing.person": 5, "trust.consistency": 1}
        # answering again replaces
        phone.tap("#eval-change")
        phone.shown("#v-eval")
        # what was answered is there again; the others are still "not answered"
        card = phone.page.locator('.vl-statement[data-item="knowing.person"]')
        assert card.locator('[aria-checked="true"]').inner_text() == "5"
        other = phone.page.locator('.vl-statement[data-item="knowing.needs"]')
        assert other.locator('[aria-checked="true"]').count() == 0
        assert other.locator(".vl-status").inner_text() == "ei vastattu"
        phone.tap('.vl-statement[data-item="knowing.person"] button[data-value="3"]')
        phone.tap("#eval-send")
        phone.shown("#v-eval-done")
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT item, value FROM assessments WHERE respondent = :me"),
                                {"me": me}).all()
        assert {item: value for item, value in rows if value is not None} == {
            "knowing.person": 3, "trust.consistency": 1}
    finally:
        store.set_phase(run, "mapping")


# -------------------------------------------------------------- nothing from outside
def test_the_page_becomes_usable_and_asks_nothing_from_outside(phones, server):
    """(How fast is measured in benchmarks/workshop.py, never timed here.)"""
    phone = phones(390)
    urls: list[str] = []
    phone.page.on("request", lambda r: urls.append(r.url))
    phone.page.goto(server.base_url)
    phone.page.wait_for_function(
        "() => document.querySelector('#join-submit').offsetParent !== null"
        " && document.querySelector('#join-submit').textContent.trim() !== ''", timeout=60_000)
    assert urls and all(u.startswith(server.base_url) for u in urls), urls
    html = phone.page.content()
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", html)
