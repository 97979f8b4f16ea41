"""What every workshop app shares: settings, the language switch, the facilitator
gate, friendly errors (in the participant's language, logged for the facilitator)."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
import secrets
import time
import traceback
from pathlib import Path

import ipywidgets as widgets

from ..errors import InputError, VerkostolabError
from ..i18n import LANGUAGES, default_lang, t

__all__ = ["AppSettings", "Texts", "FacilitatorGate", "language_switch", "report_error",
           "error_log_path"]

log = logging.getLogger("verkostolab.apps")


class AppSettings:
    """The store, language and facilitator code of this workshop (from the environment)."""

    def __init__(self, store_url: str | None = None, lang: str | None = None,
                 facilitator_code: str | None = None):
        from ..store import default_store_url

        self.store_url = store_url or os.environ.get("VERKOSTOLAB_STORE") or default_store_url()
        self.lang = lang or default_lang()
        self.facilitator_code = (facilitator_code if facilitator_code is not None
                                 else os.environ.get("VERKOSTOLAB_FACILITATOR_CODE", ""))

    def store(self):
        from ..store import Store

        return Store(self.store_url)


class Texts:
    """Widgets whose texts come from the catalogue, relabelled when the language changes.

    ``bind(widget, key, attr="description", **params)`` sets ``widget.attr`` to the
    message ``key`` now and again on every :meth:`set_lang`.
    """

    def __init__(self, lang: str):
        self.lang = lang
        self._bound: list[tuple] = []

    def bind(self, widget, key: str, attr: str = "description", wrap: str | None = None, **params):
        self._bound.append((widget, key, attr, wrap, params))
        self._apply(widget, key, attr, wrap, params)
        return widget

    def _apply(self, widget, key, attr, wrap, params):
        text = t(key, self.lang, **params)
        setattr(widget, attr, wrap.format(text) if wrap else text)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        for widget, key, attr, wrap, params in self._bound:
            self._apply(widget, key, attr, wrap, params)

    def __call__(self, key: str, **params) -> str:
        return t(key, self.lang, **params)


def language_switch(value: str, on_change) -> widgets.ToggleButtons:
    """The fi | sv | en switch at the top of every app (each language named in itself)."""
    switch = widgets.ToggleButtons(options=[("suomi", "fi"), ("svenska", "sv"), ("English", "en")],
                                   value=value,
                                   style={"button_width": "auto"})
    switch.add_class("vl-lang-switch")
    switch.observe(lambda change: on_change(change["new"]), names="value")
    return switch


class FacilitatorGate:
    """Facilitator actions need the workshop's facilitator code.

    Guessing is slowed and logged: after a wrong code this page must wait (1 s, doubling
    with each failure, at most 5 min), and after more than :attr:`FREE_FAILURES` wrong codes
    on all pages together every page must wait too (doubling every three failures, forgotten
    after five quiet minutes).  The
    failures are kept in a small JSON file shared by all kernels of the workshop
    (:func:`gate_state_path`), so that opening new pages does not reset them; each is
    logged with the time and the page.  A right code resets the counts.  Codes are
    compared in constant time; an attempt while waiting is refused without comparing.
    """

    FREE_FAILURES = 5
    MAX_DELAY = 300.0

    def __init__(self, code: str, *, state_path: Path | None = None, clock=time.time):
        self._code = code or ""
        self.unlocked = False
        self.page = secrets.token_hex(4)
        self._state_path = state_path
        self._clock = clock
        #: seconds this page must still wait after the last refused attempt (0: none)
        self.wait = 0.0

    def unlock(self, attempt: str) -> bool:
        if not self._code:
            return False
        with _GateState(self._state_path or gate_state_path()) as state:
            now = self._clock()
            last = max(state.overall.get("until", 0.0), state.overall.get("last", 0.0))
            if state.overall["failures"] and now - last > self.MAX_DELAY:
                state.overall = {"failures": 0, "until": 0.0}  # quiet for five minutes
            page = state.pages.setdefault(self.page, {"failures": 0, "until": 0.0})
            until = max(page["until"], state.overall["until"])
            if now < until:
                self.wait = until - now
                log.warning("facilitator code attempt refused on page %s: wait %.0f s", self.page, self.wait)
                state.log(now, self.page, "refused-waiting")
                return False
            ok = hmac.compare_digest(str(attempt).strip().encode(), self._code.encode())
            if ok:
                state.pages.pop(self.page, None)
                state.overall = {"failures": 0, "until": 0.0}
                self.wait = 0.0
                self.unlocked = True
                state.log(now, self.page, "unlocked")
                return True
            page["failures"] += 1
            page["until"] = now + min(2.0 ** (page["failures"] - 1), self.MAX_DELAY)
            overall = state.overall
            overall["failures"] += 1
            overall["last"] = now
            extra = overall["failures"] - self.FREE_FAILURES
            if extra > 0:
                overall["until"] = now + min(2.0 ** ((extra - 1) / 3), self.MAX_DELAY)
            self.wait = max(page["until"], overall["until"]) - now
            log.warning("wrong facilitator code on page %s (%d on this page, %d in all)",
                        self.page, page["failures"], overall["failures"])
            state.log(now, self.page, "wrong-code")
            return False

    def check(self) -> None:
        if not self.unlocked:
            raise VerkostolabError("apps.facilitator_only")


def gate_state_path() -> Path:
    """The shared record of wrong facilitator codes: ``VERKOSTOLAB_GATE_STATE`` (set by
    :mod:`verkostolab.workshop` to a file in its runtime folder, shared by its kernels);
    elsewhere (JupyterLab, scripts) a file of this process in the temporary folder."""
    import tempfile

    path = os.environ.get("VERKOSTOLAB_GATE_STATE")
    if path:
        return Path(path)
    return Path(tempfile.gettempdir()) / f"verkostolab-gate-{os.getpid()}.json"


class _GateState:
    """The shared failure counts, read and written under an exclusive file lock."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.path.with_suffix(".lock"), "a+")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.pages = data.get("pages", {})
        self.overall = data.get("overall", {"failures": 0, "until": 0.0})
        self.events = data.get("log", [])[-200:]
        return self

    def log(self, when: float, page: str, what: str) -> None:
        self.events.append({"at": dt.datetime.fromtimestamp(when).isoformat(timespec="seconds"),
                            "page": page, "event": what})

    def __exit__(self, *exc):
        import fcntl

        try:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"pages": self.pages, "overall": self.overall,
                                       "log": self.events[-200:]}), encoding="utf-8")
            os.replace(tmp, self.path)
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()


def error_log_path() -> Path:
    """Where errors are logged for the facilitator (beside the SQLite store, or here)."""
    folder = os.environ.get("VERKOSTOLAB_LOG_DIR")
    if folder:
        return Path(folder) / "workshop-errors.log"
    store = os.environ.get("VERKOSTOLAB_STORE", "")
    if store.startswith("sqlite:///"):
        return Path(store[len("sqlite:///"):]).parent / "workshop-errors.log"
    return Path("workshop-errors.log")


def report_error(exc: BaseException, lang: str) -> str:
    """A message for the person on the page; the details go to the facilitator's log."""
    if isinstance(exc, InputError):
        return "\n".join(p.render(lang).split(": ", 1)[-1] for p in exc.problems[:5])
    if isinstance(exc, VerkostolabError):
        return exc.render(lang)
    try:
        path = error_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:  # pragma: no cover - logging must never break the page
        log.exception("could not write the error log")
    return t("apps.unexpected", lang)


def status_html(text: str, kind: str = "info") -> str:
    import html

    colour = {"ok": "#1b7a3d", "error": "#b00020", "info": "#333333"}[kind]
    body = "<br>".join(html.escape(line) for line in text.splitlines())
    return f'<div class="vl-status vl-status-{kind}" style="color:{colour};font-size:1.1em">{body}</div>'


def check_lang(lang: str) -> str:
    return lang if lang in LANGUAGES else default_lang()
