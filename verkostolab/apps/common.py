"""What every workshop app shares: settings, the language switch, the facilitator
gate, friendly errors (in the participant's language, logged for the facilitator)."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
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
    """Facilitator actions need the workshop's facilitator code."""

    def __init__(self, code: str):
        self._code = code or ""
        self.unlocked = False

    def unlock(self, attempt: str) -> bool:
        ok = bool(self._code) and hmac.compare_digest(str(attempt).strip(), self._code)
        self.unlocked = self.unlocked or ok
        return ok

    def check(self) -> None:
        if not self.unlocked:
            raise VerkostolabError("apps.facilitator_only")


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
