"""The workshop room: kernel-less pages and their JSON API, served by the workshop server.

A Voilà page starts a kernel per phone (44–65 s to a usable page with fifteen phones on
two cores, 160–190 MB each); the room's pages need none.  The workshop's Voilà process
(:mod:`verkostolab.workshop.voila_main`) also serves

* ``/`` - the participants' page (the short join address, in the QR code),
* ``/facilitator`` - the facilitator's view (with the code),
* ``/projector`` - the wall screen (no controls, no code),
* ``/room/static/…`` - their scripts and styles, and BokehJS from the installed bokeh,
* ``/api/room/…`` - the JSON API they use, writing through the same
  :class:`verkostolab.store.Store` as the Voilà apps (every store call runs in a small
  thread pool, never on the server's event loop).

Errors are ``{"error": {"message", "field"}}`` in the page's language, next to the field
they name; never a traceback (unexpected ones go to the workshop's error log).  The
participant's page identifies itself with a random token it keeps (header ``X-VL-Token``);
the facilitator's with a session from ``/api/room/login`` (header ``X-VL-Facilitator``).
Custom headers keep other sites' pages out (a cross-site request cannot send them without
a preflight, which is never answered); the Host header is checked as for Voilà's pages.

The design and the API: ``docs`` in the README's workshop section.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import os
import re
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

import tornado.web

from ..errors import InputError, StoreError, VerkostolabError
from ..i18n import LANGUAGES, catalogue, t

__all__ = ["ROOM_DIR", "RoomContext", "room_handlers", "TEXT_PREFIXES"]

log = logging.getLogger("verkostolab.room")

#: The pages, scripts and styles of the room (package data).
ROOM_DIR = Path(str(files("verkostolab.workshop").joinpath("room")))
#: Catalogue keys the pages get from ``/api/room/texts``.
TEXT_PREFIXES = ("room.", "sector.", "column.knowing", "column.trust", "column.commitment",
                 "consent.", "assess.statement.", "assess.dimension.", "apps.mapping.")
MAX_BODY = 64 * 1024
#: Joins a client address may make per minute (a room behind one NAT address is ~40).
JOINS_PER_MINUTE = 120
PAGES = {"": "participant.html", "facilitator": "facilitator.html", "projector": "projector.html"}


def _name_key(text: str) -> str:
    from ..tables.schema import fold

    return fold(re.sub(r"\s+", " ", (text or "").strip()))


class RoomContext:
    """What every handler shares: the store, the run, the language, the facilitator gate,
    the sessions and the join address.  Built once per server from the environment that
    :class:`verkostolab.workshop.Workshop` gives Voilà."""

    def __init__(self, store_url: str, *, lang: str, code: str, join_url: str,
                 gate_state: Path | None = None, new_run: bool = False):
        from ..store import Store

        self.store = Store(store_url)
        self.lang = lang if lang in LANGUAGES else "fi"
        self.code = code or ""
        self.join_url = join_url
        self.gate_state = gate_state
        self.sessions: dict[str, float] = {}
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="room")
        self._cache: dict = {}
        self._joins: dict[str, list[float]] = {}
        self._gates: dict = {}
        self.run = self.store.new_run() if new_run else self.store.current_run()

    @classmethod
    def from_environment(cls) -> "RoomContext":
        base = os.environ.get("VERKOSTOLAB_WORKSHOP_URL", "")
        state = os.environ.get("VERKOSTOLAB_GATE_STATE")
        return cls(os.environ["VERKOSTOLAB_STORE"], lang=os.environ.get("VERKOSTOLAB_LANG", "fi"),
                   code=os.environ.get("VERKOSTOLAB_FACILITATOR_CODE", ""), join_url=base,
                   gate_state=Path(state) if state else None,
                   new_run=os.environ.get("VERKOSTOLAB_NEW_RUN") == "1")

    @property
    def short_url(self) -> str:
        return re.sub(r"^https?://", "", self.join_url).rstrip("/")

    async def call(self, func, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, lambda: func(*args, **kwargs))

    def cached(self, key, seconds: float, compute):
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < seconds:
            return hit[1]
        value = compute()
        self._cache[key] = (now, value)
        return value

    def forget_cache(self) -> None:
        self._cache.clear()

    def current_run(self) -> dict:
        """The run, re-read from the store (another device may have moved the phase)."""
        self.run = self.cached("run", 0.5, lambda: self.store.get_run(self.run["run_id"]))
        return self.run

    def gate(self, client: str):
        from ..apps.common import FacilitatorGate

        gate = self._gates.get(client)
        if gate is None:
            gate = self._gates[client] = FacilitatorGate(self.code, state_path=self.gate_state)
            gate.page = f"room-{client}"
        return gate

    def allow_join(self, client: str) -> bool:
        now = time.monotonic()
        recent = [t_ for t_ in self._joins.get(client, []) if now - t_ < 60]
        if len(recent) >= JOINS_PER_MINUTE:
            self._joins[client] = recent
            return False
        self._joins[client] = recent + [now]
        return True


class _Base(tornado.web.RequestHandler):
    def initialize(self, room: RoomContext):
        self.room = room

    def prepare(self):
        # The Host check of the workshop server (DNS rebinding), as for Voilà's pages.
        if not self.settings.get("allow_remote_access", False):
            host = self.request.host_name
            allowed = set(self.settings.get("local_hostnames", ["localhost"]))
            if not (host in allowed or _is_loopback(host)):
                raise tornado.web.HTTPError(403)

    def lang(self) -> str:
        lang = self.get_query_argument("lang", "") or self.request.headers.get("X-VL-Lang", "")
        return lang if lang in LANGUAGES else self.room.lang

    def set_default_headers(self):
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")


def _is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PageHandler(_Base):
    """One of the room's pages (the HTML file, with the workshop's language)."""

    def initialize(self, room: RoomContext, page: str):
        super().initialize(room)
        self.page = page

    def get(self, *_):
        path = ROOM_DIR / self.page
        if not path.exists():
            raise tornado.web.HTTPError(404)
        text = path.read_text(encoding="utf-8").replace("{{lang}}", html.escape(self.room.lang))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                        "script-src 'self' 'unsafe-eval'; connect-src 'self'; frame-ancestors 'none'")
        self.finish(text)


class ApiHandler(_Base):
    """JSON in, JSON out; every known error becomes a message next to its field."""

    facilitator_only = False

    def set_default_headers(self):
        super().set_default_headers()
        self.set_header("Content-Type", "application/json; charset=utf-8")

    def prepare(self):
        super().prepare()
        if self.request.method == "POST":
            if len(self.request.body or b"") > MAX_BODY:
                raise tornado.web.HTTPError(413)
            if not (self.request.headers.get("X-VL-Token") or self.request.headers.get("X-VL-Facilitator")
                    or self.request.path.endswith("/login")):
                self.fail(403, "room.no_token")
                return
            try:
                body = json.loads(self.request.body or b"{}")
            except ValueError:
                self.fail(400, "room.bad_request")
                return
            self.body = body if isinstance(body, dict) else {}
        if self.facilitator_only and not self.is_facilitator():
            self.fail(403, "room.facilitator_only")

    @property
    def token(self) -> str | None:
        value = (self.request.headers.get("X-VL-Token") or "").strip()
        return value[:200] if value else None

    def is_facilitator(self) -> bool:
        given = self.request.headers.get("X-VL-Facilitator") or ""
        return any(hmac.compare_digest(given, s) for s in self.room.sessions)

    def fail(self, status: int, key: str, field: str | None = None, **params):
        self.set_status(status)
        self.finish(json.dumps({"error": {"message": t(key, self.lang(), **params), "field": field,
                                          "key": key}}, ensure_ascii=False))

    def reply(self, data) -> None:
        self.finish(json.dumps(data, ensure_ascii=False, default=str))

    def write_error(self, status_code, **kwargs):
        key = {403: "room.facilitator_only", 413: "room.bad_request"}.get(status_code, "room.server_busy")
        self.finish(json.dumps({"error": {"message": t(key, self.lang()), "field": None, "key": key}},
                               ensure_ascii=False))

    async def guarded(self, work):
        """Run ``work`` (a coroutine function); turn errors into messages."""
        from ..store import RoomError
        from ..store.workshop import NotYours

        try:
            return await work()
        except RoomError as exc:
            status = 409 if exc.key in ("room.joined_elsewhere", "room.round_recorded",
                                        "room.round_recording") else 400
            self.set_status(status)
            self.reply({"error": {"message": exc.render(self.lang()), "field": exc.field, "key": exc.key}})
        except NotYours as exc:
            self.set_status(403)
            self.reply({"error": {"message": exc.render(self.lang()), "field": None, "key": exc.key}})
        except InputError as exc:
            first = exc.problems[0] if exc.problems else None
            self.set_status(400)
            self.reply({"error": {"message": "\n".join(p.render(self.lang()).split(": ", 1)[-1]
                                                       for p in exc.problems[:5]),
                                  "field": getattr(first, "column", None), "row": getattr(first, "row", None),
                                  "key": "error.input"}})
        except (StoreError, VerkostolabError) as exc:
            log.warning("room: %s", exc)
            self.set_status(503 if getattr(exc, "retryable", False) else 400)
            key = "room.server_busy" if getattr(exc, "retryable", False) else exc.key
            message = t(key, self.lang()) if key == "room.server_busy" else exc.render(self.lang())
            self.reply({"error": {"message": message, "field": None, "key": key}})
        return None


# ------------------------------------------------------------------- participants
class TextsHandler(ApiHandler):
    def get(self):
        lang = self.lang()
        texts = {k: v for k, v in catalogue(lang).items() if k.startswith(TEXT_PREFIXES)}
        self.reply({"lang": lang, "languages": list(LANGUAGES), "texts": texts})


def _shared_state(room: RoomContext, lang: str) -> dict:
    from ..store.room import people_version
    from ..tables.schema import ASSESSMENT_ITEMS, VOCABULARIES

    run = room.current_run()
    people = room.store.room_people(run["run_id"])
    return {"run_id": run["run_id"], "phase": run["phase"], "phase_at": run["phase_at"],
            "timer_end": run["timer_end"], "people": people, "people_version": people_version(people),
            "organisations": room.store.organisation_names(),
            "sectors": [{"code": c, "label": t(f"sector.{c}", lang)} for c in VOCABULARIES["sector"]],
            "items": list(ASSESSMENT_ITEMS)}


def _my_state(room: RoomContext, token: str | None, shared: dict) -> dict:
    run_id = shared["run_id"]
    out = {**room.store.participant_state(run_id, token), "group": None}
    me = out["me"]
    if me is None:
        return out
    if shared["phase"] == "warmup":
        # one read a second for the whole room, not one per phone
        rounds = room.cached(("rounds", run_id), 1.0, lambda: room.store.rounds(run_id))
        if rounds:
            newest = rounds[-1]
            labels = {p["id"]: p["label"] for p in shared["people"]}
            for k, group in enumerate(newest["groups"], start=1):
                if me["actor_id"] in group:
                    out["group"] = {"round": newest["number"], "number": k,
                                    "mates": [labels.get(a, "•") for a in group if a != me["actor_id"]]}
    return out


class StateHandler(ApiHandler):
    async def get(self):
        lang, token = self.lang(), self.token

        async def work():
            shared = await self.room.call(self.room.cached, ("state", lang), 1.0,
                                          lambda: _shared_state(self.room, lang))
            mine = await self.room.call(_my_state, self.room, token, shared)
            self.reply({**shared, **mine, "server_time": time.time()})

        await self.guarded(work)


class JoinHandler(ApiHandler):
    async def post(self):
        client = self.request.remote_ip or "?"
        if not self.room.allow_join(client):
            self.set_header("Retry-After", "60")
            return self.fail(429, "room.server_busy")
        b = self.body

        async def work():
            run = self.room.current_run()
            result = await self.room.call(
                self.room.store.join_run, run["run_id"], owner=self.token,
                name=_text(b.get("name")), organisation=_text(b.get("organisation")),
                sector=_text(b.get("sector")) or None, email=_text(b.get("email")),
                actor_id=_text(b.get("actor_id")) or None, confirm=_text(b.get("confirm")) or None)
            self.room.forget_cache()
            self.reply(result)

        await self.guarded(work)


class SendHandler(ApiHandler):
    async def post(self):
        b = self.body
        if not isinstance(b.get("consent"), bool):
            return self.fail(400, "room.consent_required", field="consent")
        ties = b.get("ties") or []
        if not isinstance(ties, list) or len(ties) > 500 or not all(isinstance(x, dict) for x in ties):
            return self.fail(400, "room.bad_request")

        async def work():
            run = self.room.current_run()
            result = await self.room.call(self.room.store.send_in_run, run["run_id"], self.token,
                                          ties, b["consent"])
            self.room.forget_cache()
            self.reply(result)

        await self.guarded(work)


class UndoHandler(ApiHandler):
    async def post(self):
        async def work():
            run = self.room.current_run()
            removed = await self.room.call(self.room.store.undo_in_run, run["run_id"], self.token)
            self.room.forget_cache()
            self.reply({"removed": removed})

        await self.guarded(work)


class AnswersHandler(ApiHandler):
    async def post(self):
        answers = self.body.get("answers")
        if not isinstance(answers, dict):
            return self.fail(400, "room.answer_some", field="answers")

        async def work():
            run = self.room.current_run()
            n = await self.room.call(self.room.store.answer_in_run, run["run_id"], self.token, answers)
            self.room.forget_cache()
            self.reply({"answers": n})

        await self.guarded(work)


def _text(value) -> str:
    return value.strip()[:300] if isinstance(value, str) else ""


# -------------------------------------------------------------------- facilitator
class LoginHandler(ApiHandler):
    async def post(self):
        gate = self.room.gate(self.request.remote_ip or "?")
        attempt = _text(self.body.get("code"))
        ok = await self.room.call(gate.unlock, attempt)
        gate.unlocked = False  # the session, not the gate, carries the right
        if not ok:
            wait = int(gate.wait + 0.999)
            self.set_status(429 if wait > 1 else 403)
            key = "room.code_wait" if wait > 0 else "room.bad_code"
            return self.reply({"error": {"message": t(key, self.lang(), seconds=wait), "field": "code",
                                         "key": key}, "wait": wait})
        session = secrets.token_urlsafe(24)
        self.room.sessions[session] = time.time()
        self.reply({"session": session})


def _duplicate_hints(members: list[dict], everyone: list[dict]) -> dict[str, list[str]]:
    """Members whose name (or e-mail) looks like another person's: the same name once
    folded, or the same first name with the same initial of the last name."""
    def parts(name):
        words = _name_key(name).replace(".", "").split("_")
        return [w for w in words if w]

    hints: dict[str, list[str]] = {}
    for m in members:
        mine = parts(m["name"])
        for other in everyone:
            if other["actor_id"] == m["actor_id"]:
                continue
            theirs = parts(other["name"])
            same = mine == theirs
            similar = (len(mine) >= 2 and len(theirs) >= 2 and mine[0] == theirs[0]
                       and mine[-1][0] == theirs[-1][0] and (len(mine[-1]) == 1 or len(theirs[-1]) == 1))
            email = m.get("email") and other.get("email") and m["email"].lower() == other["email"].lower()
            if same or similar or email:
                hints.setdefault(m["actor_id"], []).append(other["actor_id"])
    return hints


def _facilitator_state(room: RoomContext, lang: str) -> dict:
    from ..store.room import label

    run = room.current_run()
    store = room.store
    members = store.run_members(run["run_id"], include_hidden=True)
    everyone = [{"actor_id": p["actor_id"], "name": p["name"], "email": None,
                 "label": label(p["name"], p.get("organisation"))}
                for p in store.actor_choices(refused=True)]
    hints = _duplicate_hints([m for m in members if not m["hidden"]], everyone)
    labels = {p["actor_id"]: p["label"] for p in everyone}
    for m in members:
        m["duplicate_of"] = [{"actor_id": a, "label": labels.get(a, a)} for a in hints.get(m["actor_id"], [])]
    rounds = store.rounds(run["run_id"])
    for r in rounds:
        r["labels"] = [[labels.get(a, a) for a in g] for g in r["groups"]]
    respondents = [m["actor_id"] for m in members if not m["hidden"]]
    return {"run": run, "counts": store.run_counts(run["run_id"]), "members": members,
            "rounds": rounds, "people": [{"id": p["actor_id"], "label": p["label"]} for p in everyone],
            "join_url": room.join_url, "short_url": room.short_url, "projector_url": "/projector",
            "evaluation": _evaluation(store, run, respondents, lang, facilitator=True)}


def _evaluation(store, run: dict, respondents: list[str], lang: str, *, facilitator: bool):
    """The evaluation's chart data once the room has reached the statements."""
    if run["phase"] not in ("evaluation", "results"):
        return None
    from ..apps.room_views import evaluation_summary

    return evaluation_summary(store, run["round"], respondents or None, lang, facilitator=facilitator)


class FacilitatorHandler(ApiHandler):
    facilitator_only = True

    async def get(self):
        lang = self.lang()

        async def work():
            self.reply(await self.room.call(_facilitator_state, self.room, lang))

        await self.guarded(work)


class ActionHandler(ApiHandler):
    """The facilitator's actions: ``/api/room/<action>``."""

    facilitator_only = True

    def initialize(self, room: RoomContext, action: str):
        super().initialize(room)
        self.action = action

    async def post(self):
        from ..apps import room as room_logic

        store, b = self.room.store, self.body
        run = self.room.current_run()
        run_id = run["run_id"]
        actions = {
            "phase": lambda: store.set_phase(run_id, _text(b.get("phase"))),
            "timer": lambda: store.set_timer(run_id, b.get("seconds")),
            "present": lambda: store.set_present(run_id, _text(b.get("actor_id")), bool(b.get("present", True))),
            "hide": lambda: store.hide_member(run_id, _text(b.get("actor_id")), bool(b.get("hidden", True))),
            "merge": lambda: store.merge_members(run_id, _text(b.get("keep")), _text(b.get("other"))),
            "release": lambda: store.release_member(run_id, _text(b.get("actor_id"))),
            "round": lambda: room_logic.make_round(store, run, size=_int(b.get("size"), 2),
                                                   mode=_text(b.get("mode")) or "mixed"),
            "record": lambda: room_logic.record_round(store, run, _int(b.get("number"), 0), lang=self.lang()),
        }

        async def work():
            result = await self.room.call(actions[self.action])
            self.room.forget_cache()
            self.reply({"ok": True, "result": result})

        await self.guarded(work)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# ----------------------------------------------------------------------- projector
def _projector_state(room: RoomContext, lang: str) -> dict:
    from . import qr_svg

    run = room.current_run()
    store = room.store
    shown = {p["id"]: p["label"] for p in store.room_people(run["run_id"])}  # no "no" answers
    rounds = store.rounds(run["run_id"])
    groups = None
    if run["phase"] == "warmup" and rounds:
        groups = {"round": rounds[-1]["number"],
                  "groups": [[shown.get(a, "•") for a in g] for g in rounds[-1]["groups"]]}
    members = [m["actor_id"] for m in store.run_members(run["run_id"])]
    evaluation = _evaluation(store, run, members, lang, facilitator=False)
    return {"phase": run["phase"], "timer_end": run["timer_end"], "join_url": room.join_url,
            "short_url": room.short_url, "qr_svg": room.cached("qr", 3600, lambda: qr_svg(room.join_url)),
            "counts": store.run_counts(run["run_id"]), "warmup": groups, "evaluation": evaluation}


class ProjectorHandler(ApiHandler):
    async def get(self):
        lang = self.lang()

        async def work():
            data = await self.room.call(self.room.cached, ("projector", lang), 1.0,
                                        lambda: _projector_state(self.room, lang))
            self.reply({**data, "server_time": time.time()})

        await self.guarded(work)


def _picture(room: RoomContext, lang: str, since: str, width: int, height: int) -> dict:
    from ..apps.room_views import projector_picture

    run = room.current_run()
    hidden = room.store.hidden_members(run["run_id"])
    token = f"{room.store.change_token()}|{sorted(hidden)}|{lang}|{width}x{height}"

    def draw():
        return {"token": token, **projector_picture(room.store, baseline_tie=run["baseline_tie"],
                                                    hidden=hidden, lang=lang, width=width, height=height)}

    key = ("picture", lang, width, height)
    hit = room._cache.get(key)
    if hit is None or hit[1]["token"] != token:
        room._cache[key] = (time.monotonic(), draw())
    picture = room._cache[key][1]
    version = str(picture.get("version") or picture["token"])
    if since and since == version:
        return {"version": version, "item": None, "new_ties": picture.get("new_ties", 0)}
    return {"version": version, "item": picture["item"], "new_ties": picture.get("new_ties", 0),
            "people": picture.get("people")}


class PictureHandler(ApiHandler):
    async def get(self):
        lang, since = self.lang(), self.get_query_argument("since", "")
        # the size of the projector's picture area (rounded, so that a few pixels of
        # difference do not draw it again), within what a wall screen can be
        width = _size(self.get_query_argument("width", ""), 1920, 640, 3840)
        height = _size(self.get_query_argument("height", ""), 860, 360, 2160)

        async def work():
            self.reply(await self.room.call(_picture, self.room, lang, since, width, height))

        await self.guarded(work)


def _size(value: str, default: int, low: int, high: int) -> int:
    try:
        number = int(float(value))
    except ValueError:
        return default
    return int(min(high, max(low, number)) // 20 * 20)


# ------------------------------------------------------------------------- routes
def room_handlers(room: RoomContext, prefix: str = "/") -> list[tuple]:
    """The room's tornado routes (put before Voilà's own)."""
    import bokeh

    bokeh_js = Path(bokeh.__file__).parent / "server" / "static" / "js"
    p = prefix.rstrip("/")
    api = f"{p}/api/room"
    routes = [
        (rf"{p}/", PageHandler, {"room": room, "page": PAGES[""]}),
        (rf"{p}/facilitator/?", PageHandler, {"room": room, "page": PAGES["facilitator"]}),
        (rf"{p}/projector/?", PageHandler, {"room": room, "page": PAGES["projector"]}),
        (rf"{p}/room/static/bokeh/(.*\.js)", tornado.web.StaticFileHandler, {"path": str(bokeh_js)}),
        (rf"{p}/room/static/(.*)", tornado.web.StaticFileHandler, {"path": str(ROOM_DIR)}),
        (rf"{api}/texts", TextsHandler, {"room": room}),
        (rf"{api}/state", StateHandler, {"room": room}),
        (rf"{api}/join", JoinHandler, {"room": room}),
        (rf"{api}/send", SendHandler, {"room": room}),
        (rf"{api}/undo", UndoHandler, {"room": room}),
        (rf"{api}/answers", AnswersHandler, {"room": room}),
        (rf"{api}/login", LoginHandler, {"room": room}),
        (rf"{api}/facilitator", FacilitatorHandler, {"room": room}),
        (rf"{api}/projector", ProjectorHandler, {"room": room}),
        (rf"{api}/picture", PictureHandler, {"room": room}),
    ]
    for action in ("phase", "timer", "present", "hide", "merge", "release", "round", "record"):
        routes.append((rf"{api}/{action}", ActionHandler, {"room": room, "action": action}))
    return routes
