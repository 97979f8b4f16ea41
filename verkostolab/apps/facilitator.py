"""Facilitator views: warm-up rounds, the evaluation (answers and results) and the
impact review.  Facilitator actions need the workshop's facilitator code."""

from __future__ import annotations

import datetime as dt
import html
import secrets
import threading

import ipywidgets as widgets

from .common import (AppSettings, FacilitatorGate, Texts, language_switch, report_error,
                     status_html)
from .wall import in_worker, kernel_loop, loading_html

__all__ = ["WarmupApp", "EvaluationApp", "ImpactApp", "GateBox", "default_round"]


def default_round() -> str:
    """The assessment round of a workshop held today, e.g. ``työpaja-2026-11-29``."""
    return f"workshop-{dt.date.today().isoformat()}"


class GateBox:
    """The code field that unlocks facilitator actions on a page."""

    def __init__(self, texts: Texts, code: str, on_unlock=None):
        self.texts = texts
        self.gate = FacilitatorGate(code)
        self.code = texts.bind(widgets.Password(layout=widgets.Layout(width="16em")), "apps.code")
        self.code.add_class("vl-code")
        self.button = texts.bind(widgets.Button(icon="unlock"), "apps.unlock")
        self.button.add_class("vl-unlock")
        self.status = widgets.HTML()
        self.on_unlock = on_unlock
        self.button.on_click(lambda _: self.unlock(self.code.value))
        self.widget = widgets.HBox([self.code, self.button, self.status])
        self.widget.add_class("vl-gate")

    def unlock(self, attempt: str) -> bool:
        ok = self.gate.unlock(attempt)
        message = self.texts("apps.unlocked" if ok else "apps.wrong_code")
        if not ok and self.gate.wait > 0:
            message = self.texts("apps.code_wait", seconds=int(self.gate.wait + 0.999))
        self.status.value = status_html(message, "ok" if ok else "error")
        if ok and self.on_unlock:
            self.on_unlock()
        return ok

    def refuse(self, status: widgets.HTML) -> bool:
        """Whether to refuse a facilitator action (and say so on ``status``)."""
        if self.gate.unlocked:
            return False
        status.value = status_html(self.texts("apps.facilitator_only"), "error")
        return True


def _frame_html(frame, *, big: bool = False) -> str:
    size = "1.6em" if big else "1em"
    return f'<div style="font-size:{size}">{frame.to_html(index=False, border=0)}</div>'


class WarmupApp:
    """Warm-up: pairs or triads, first similar, then mixed; each round recorded as events."""

    def __init__(self, settings: AppSettings | None = None):
        self.settings = settings or AppSettings()
        self.store = self.settings.store()
        self.texts = tx = Texts(self.settings.lang)
        self.history: list = []
        self.plan = None
        self.gate = GateBox(tx, self.settings.facilitator_code)
        people = self.store.actor_choices()
        self.people = widgets.SelectMultiple(options=[(p["name"], p["actor_id"]) for p in people],
                                             rows=10, layout=widgets.Layout(width="100%"))
        tx.bind(self.people, "apps.warmup.people")
        self.all = tx.bind(widgets.Button(icon="check-square"), "apps.warmup.all")
        self.all.on_click(lambda _: setattr(self.people, "value", tuple(v for _, v in self.people.options)))
        self.size = widgets.ToggleButtons(options=[("2", 2), ("3", 3)], value=2)
        tx.bind(self.size, "apps.warmup.size")
        self.mode = widgets.ToggleButtons(options=[("", "similar"), ("", "mixed")], value="similar")
        self._relabel_mode()
        self.make = tx.bind(widgets.Button(button_style="info", icon="random"), "apps.warmup.make")
        self.make.add_class("vl-make-groups")
        self.make.on_click(lambda _: self.make_groups())
        self.record = tx.bind(widgets.Button(button_style="success", icon="save"), "apps.warmup.record")
        self.record.add_class("vl-record-round")
        self.record.on_click(lambda _: self.record_round())
        self.groups = widgets.HTML()
        self.groups.add_class("vl-groups")
        self.status = widgets.HTML()
        self.title = tx.bind(widgets.HTML(), "apps.warmup.title", "value", wrap="<h1>{}</h1>")
        self.switch = language_switch(tx.lang, self.set_lang)
        self.widget = widgets.VBox([self.switch, self.title, self.gate.widget, self.people, self.all,
                                    self.size, self.mode, widgets.HBox([self.make, self.record]),
                                    self.groups, self.status])
        self.widget.add_class("vl-app")
        self.widget.add_class("vl-warmup")

    def _relabel_mode(self):
        value = self.mode.value
        self.mode.options = [(self.texts("apps.warmup.similar"), "similar"),
                             (self.texts("apps.warmup.mixed"), "mixed")]
        self.mode.value = value

    def set_lang(self, lang: str) -> None:
        self.texts.set_lang(lang)
        self._relabel_mode()
        if self.plan is not None:
            self.show_plan()

    def make_groups(self):
        from ..advice.groups import plan_rounds

        try:
            data = self.store.load()
            chosen = list(self.people.value) or [v for _, v in self.people.options]
            self.plan = plan_rounds(data, chosen, size=int(self.size.value), mode=self.mode.value,
                                    rounds=1, seed=len(self.history), history=self.history)
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        self.show_plan()
        self.status.value = ""
        return self.plan

    def show_plan(self) -> None:
        names = self.plan.names
        cells = "".join(
            '<div class="vl-group" style="border:2px solid #0072B2;border-radius:10px;padding:.4em .8em;'
            'margin:.3em;display:inline-block;min-width:12em;vertical-align:top">'
            f"<b>{k}</b><br>" + "<br>".join(html.escape(str(names.get(p, p))) for p in group) + "</div>"
            for k, group in enumerate(self.plan.rounds[0], start=1))
        heading = self.texts("apps.warmup.round", number=len(self.history) + 1)
        self.groups.value = f'<h2>{heading}</h2><div style="font-size:1.5em">{cells}</div>'

    def record_round(self):
        if self.gate.refuse(self.status):
            return None
        if self.plan is None:
            self.status.value = status_html(self.texts("apps.warmup.make_first"), "error")
            return None
        from ..ingest import import_data

        try:
            events = self.plan.to_events(number_from=len(self.history) + 1, date=dt.date.today(),
                                         prefix=f"TUT{dt.date.today():%y%m%d}-", lang=self.texts.lang)
            report = import_data(self.store, events, source=self.texts("apps.warmup.title"))
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        self.history.append(self.plan.rounds[0])
        self.plan = None
        self.status.value = status_html(self.texts("apps.warmup.recorded", events=report.new["events"]), "ok")
        return report


class EvaluationApp:
    """The knowing–trust–commitment assessment: participants answer; with the code the
    facilitator sees strengths, development targets and tips (small groups suppressed)."""

    def __init__(self, settings: AppSettings | None = None, *, round: str | None = None):
        from ..tables.schema import ASSESSMENT_ITEMS

        self.settings = settings or AppSettings()
        self.store = self.settings.store()
        self.owner = secrets.token_urlsafe(18)  # this page answers only for whom it first did
        self.texts = tx = Texts(self.settings.lang)
        self.round = round or default_round()
        self.title = tx.bind(widgets.HTML(), "apps.evaluation.title", "value", wrap="<h1>{}</h1>")
        self.intro = tx.bind(widgets.HTML(), "apps.evaluation.intro", "value", wrap="<p>{}</p>")
        people = self.store.actor_choices()
        self.me = widgets.Dropdown(options=[(p["name"], p["actor_id"]) for p in people], value=None,
                                   layout=widgets.Layout(width="100%"))
        tx.bind(self.me, "apps.mapping.me")
        self.items = {}
        rows = []
        for item in ASSESSMENT_ITEMS:
            label = widgets.HTML()
            tx.bind(label, f"assess.statement.{item}", "value", wrap="<p>{}</p>")
            answer = widgets.ToggleButtons(options=[("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5)],
                                           value=None, style={"button_width": "3em"})
            answer.add_class(f"vl-item-{item.replace('.', '-')}")
            self.items[item] = answer
            rows += [label, answer]
        self.send = tx.bind(widgets.Button(button_style="success", icon="check",
                                           layout=widgets.Layout(width="100%", height="3em")),
                            "apps.mapping.submit")
        self.send.add_class("vl-submit")
        self.send.on_click(lambda _: self.submit())
        self.status = widgets.HTML()
        self.results = widgets.Output()
        self.gate = GateBox(tx, self.settings.facilitator_code, on_unlock=self.show_results)
        self.show = tx.bind(widgets.Button(icon="bar-chart"), "apps.evaluation.show")
        self.show.add_class("vl-show-results")
        # The periphery by name: for the facilitator's own screen, never the projector.
        self.names = tx.bind(widgets.Checkbox(value=False, indent=False,
                                              layout=widgets.Layout(width="auto")), "room.views.show_names")
        self.names.add_class("vl-show-names")
        self.show.on_click(lambda _: self.show_results())
        self.switch = language_switch(tx.lang, self.set_lang)
        self.widget = widgets.VBox([self.switch, self.title, self.intro, self.me, *rows, self.send,
                                    self.status, widgets.HTML("<hr>"), self.gate.widget,
                                    widgets.HBox([self.show, self.names]), self.results], layout=widgets.Layout(max_width="900px", width="100%"))
        self.widget.add_class("vl-app")
        self.widget.add_class("vl-evaluation")

    def set_lang(self, lang: str) -> None:
        self.texts.set_lang(lang)

    def answers(self) -> dict:
        return {item: w.value for item, w in self.items.items()}

    def submit(self):
        if not self.me.value:
            self.status.value = status_html(self.texts("apps.mapping.pick_yourself"), "error")
            return None
        answers = self.answers()
        if all(v is None for v in answers.values()):
            self.status.value = status_html(self.texts("apps.evaluation.answer_some"), "error")
            return None
        try:
            n = self.store.add_answers(self.me.value, self.round, answers, owner=self.owner)
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        self.status.value = status_html(self.texts("apps.evaluation.thanks"), "ok")
        for w in self.items.values():
            w.value = None
        return n

    def summary(self) -> dict:
        """The round's chart data (:func:`.room_views.evaluation_summary`); the names of
        people on the periphery only when the facilitator asked for them on this screen."""
        from .room_views import evaluation_summary

        return evaluation_summary(self.store, self.round, None, self.texts.lang,
                                  facilitator=bool(self.names.value))

    def results_html(self) -> str:
        """The results as charts and lists (no names unless asked for, see :meth:`summary`)."""
        from .room_views import evaluation_html

        lang = self.texts.lang
        return (f"<h2>{html.escape(self.texts('apps.evaluation.results'))}</h2>"
                + evaluation_html(self.summary(), lang))

    def show_results(self):
        if self.gate.refuse(self.status):
            return None
        try:
            text = self.results_html()
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        self.results.clear_output()
        with self.results:
            from IPython.display import HTML, display

            display(HTML(text))
        return text


class ImpactApp:
    """Impact review: two periods side by side, what changed, tips, and the group's
    reflection notes saved to the store.

    ``ImpactApp(settings)`` compares at once (tests, notebooks); the Voilà app uses
    ``ImpactApp(settings, draw_now=False).start()``: the page shows with a "loading the
    network…" note, the store is read and both pictures are drawn in a worker thread,
    and the widgets are filled back in the kernel's event loop (see ``apps.wall``).
    """

    def __init__(self, settings: AppSettings | None = None, *, before: str | None = None,
                 after: str | None = None, draw_now: bool = True):
        self.settings = settings or AppSettings()
        self._store = None
        self._store_lock = threading.Lock()
        self.texts = tx = Texts(self.settings.lang)
        self.before = tx.bind(widgets.Text(value=before or ""), "apps.impact.before")
        self.after = tx.bind(widgets.Text(value=after or ""), "apps.impact.after")
        self.compare = tx.bind(widgets.Button(button_style="info", icon="exchange"), "apps.impact.compare")
        self.compare.add_class("vl-compare")
        self.compare.on_click(lambda _: self.draw())
        self.pictures = widgets.HBox(layout=widgets.Layout(width="100%"))
        self.summary = widgets.HTML()
        self.summary.add_class("vl-change")
        self.note = tx.bind(widgets.Textarea(layout=widgets.Layout(width="100%", height="6em")),
                            "apps.impact.note_hint", "placeholder")
        self.save = tx.bind(widgets.Button(button_style="success", icon="save"), "apps.impact.save")
        self.save.add_class("vl-save-note")
        self.save.on_click(lambda _: self.save_note())
        self.notes = widgets.HTML()
        self.status = widgets.HTML()
        self.title = tx.bind(widgets.HTML(), "apps.impact.title", "value", wrap="<h1>{}</h1>")
        self.questions = tx.bind(widgets.HTML(), "apps.impact.questions", "value", wrap="<p>{}</p>")
        self.switch = language_switch(tx.lang, self.set_lang)
        self.change = None
        self._task = None
        self.loading = False  # showing "loading the network…" until the first comparison
        self.widget = widgets.VBox([self.switch, self.title, widgets.HBox([self.before, self.after, self.compare]),
                                    self.pictures, self.summary, self.questions, self.note, self.save,
                                    self.status, self.notes], layout=widgets.Layout(width="100%"))
        self.widget.add_class("vl-app")
        self.widget.add_class("vl-impact")
        if draw_now:
            self.show_notes()
            self.draw()
        else:  # the page shows at once; start() draws right after
            self.show_loading()

    @property
    def store(self):
        """The workshop's store, opened on first use (in the worker thread for Voilà)."""
        with self._store_lock:
            if self._store is None:
                self._store = self.settings.store()
            return self._store

    def show_loading(self) -> None:
        """The "loading the network…" state, in the page's language."""
        self.loading = True
        self.summary.value = ""
        self.pictures.children = [widgets.HTML(loading_html(self.texts("apps.loading_network"),
                                                            height="480px"))]

    def start(self) -> "ImpactApp":
        """Compare in a worker thread once the page is up (used by the Voilà app)."""
        if self._task is None:
            self._task = kernel_loop().create_task(self.draw_in_worker())
        return self

    def set_lang(self, lang: str) -> None:
        self.texts.set_lang(lang)
        if self.loading:  # the worker compares in the new language when it is done
            self.show_loading()
            return
        self.draw()

    def comparison(self, before: str, after: str, lang: str) -> dict:
        """Read the store and compare two periods (empty: the default halves); no widgets."""
        from ..measures import analyse, compare_periods, default_periods
        from ..viz import network_picture

        data = self.store.load()
        if not (before and after):
            before, after = default_periods(data)
        change = compare_periods(data, before, after)
        # The analyses the comparison made: the pictures build no graph of their own.
        earlier, later = analyse(data, period=before), analyse(data, period=after)
        # The app shows the two figures side by side: no HTML controls to build.
        first = network_picture(earlier, lang=lang, width=560, height=480, title=before, controls=False)
        second = network_picture(later, lang=lang, width=560, height=480, title=after,
                                 positions=first.positions, previous=earlier, controls=False)
        return {"before": before, "after": after, "change": change, "first": first, "second": second,
                "notes": self.store.notes()}

    def _request(self) -> tuple[str, str, str]:
        return self.before.value.strip(), self.after.value.strip(), self.texts.lang

    def draw(self):
        """Compare now, in this thread (tests, the compare button, the language switch)."""
        try:
            result = self.comparison(*self._request())
        except Exception as exc:
            return self.show_error(exc)
        return self.show(result)

    async def draw_in_worker(self):
        """Compare in a worker thread and fill the widgets here, in the event loop."""
        try:
            while True:
                request = self._request()
                result = await in_worker(self.comparison, *request)
                if self._request() == request:  # else the language changed meanwhile: again
                    break
        except Exception as exc:
            return self.show_error(exc)
        return self.show(result)

    def show_error(self, exc: BaseException) -> None:
        self.status.value = status_html(report_error(exc, self.texts.lang), "error")
        if self.loading:  # nothing drawn: no "loading…" left behind
            self.loading = False
            self.pictures.children = []
        return None

    def show(self, result: dict):
        """Put a finished comparison into the widgets (event loop only)."""
        from ..viz import widget

        self.loading = False
        self.before.value, self.after.value = result["before"], result["after"]
        self.change = result["change"]
        self.pictures.children = [widget(result["first"].figure), widget(result["second"].figure)]
        counts = self.change.counts()
        rows = "".join(f"<tr><td>{html.escape(self.texts(f'change.{k}'))}</td><td><b>{v}</b></td></tr>"
                       for k, v in counts.items())
        self.summary.value = f"<table style='font-size:1.2em'>{rows}</table>" + self._goals_html()
        self.status.value = ""
        self.show_notes(result["notes"])
        return self.change

    def _goals_html(self) -> str:
        """The goals measured in both periods; a free-text indicator says it cannot be
        measured from the data (no number is made up)."""
        goals = getattr(self.change, "goals", None) or []
        if not goals:
            return ""
        from ..notebook import goals_table

        table = goals_table(goals, self.texts.lang)
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
        rows = ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                for row in table.itertuples(index=False)]
        return (f"<h3>{html.escape(self.texts('change.goals').rstrip(':'))}</h3>"
                f"<table class='vl-goals'><tr>{head}</tr>{''.join(rows)}</table>")

    def save_note(self):
        try:
            self.store.add_note(self.note.value, round=f"{self.before.value} → {self.after.value}")
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        self.note.value = ""
        self.status.value = status_html(self.texts("apps.impact.saved"), "ok")
        self.show_notes()
        return True

    def show_notes(self, notes: list[dict] | None = None) -> None:
        notes = self.store.notes() if notes is None else notes
        items = "".join(f"<li>{html.escape(n['text'])} <small>({html.escape(str(n['round'] or ''))})</small></li>"
                        for n in notes[-10:])
        self.notes.value = f"<ul>{items}</ul>" if items else ""
