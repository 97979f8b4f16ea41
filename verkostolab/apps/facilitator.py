"""Facilitator views: warm-up rounds, the evaluation (answers and results) and the
impact review.  Facilitator actions need the workshop's facilitator code."""

from __future__ import annotations

import datetime as dt
import html
import secrets
import threading

import ipywidgets as widgets

from ..errors import VerkostolabError
from .common import (AppSettings, FacilitatorGate, Texts, language_switch, report_error,
                     status_html)
from .wall import in_worker, kernel_loop, loading_html

__all__ = ["WarmupApp", "EvaluationApp", "ImpactApp", "GateBox", "default_round"]


def default_round() -> str:
    """The assessment round of a workshop held today, e.g. ``työpaja-2026-11-29``."""
    return f"workshop-{dt.date.today().isoformat()}"


def _day(day) -> str:
    """A date as people in the room write it: ``6.12.2026``."""
    return f"{day.day}.{day.month}.{day.year}"


def t_field(name: str, lang: str) -> str:
    """The label of the impact review's period field ``name`` (``before``/``after``)."""
    from ..i18n import t

    return t(f"apps.impact.{name}", lang)


class PeriodFieldError(VerkostolabError):
    """A period the impact review cannot use; ``field`` is the field it was typed in
    (``before`` or ``after``), where the message is shown."""

    def __init__(self, field: str, key: str, /, **params):
        super().__init__(key, **params)
        self.field = field


class GateBox:
    """The code field that unlocks facilitator actions on a page."""

    def __init__(self, texts: Texts, code: str, on_unlock=None):
        self.texts = texts
        self.gate = FacilitatorGate(code)
        self.code = texts.bind(widgets.Password(layout=widgets.Layout(width="24em"),
                                                style={"description_width": "initial"}), "apps.code")
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
    """Warm-up: pairs or triads, first similar, then mixed; each round recorded as events.

    The rounds live in the store, in the workshop run (:mod:`.room`: ``make_round``,
    ``record_round``): a reloaded page or a new kernel shows the round the room is at,
    and a round is recorded once (a second "record" is refused, never appended).  The
    people are the run's present members; only while nobody has joined, everyone in the
    store.
    """

    def __init__(self, settings: AppSettings | None = None):
        self.settings = settings or AppSettings()
        self.store = self.settings.store()
        self.texts = tx = Texts(self.settings.lang)
        # The workshop's run (the workshop server starts it; a warm-up page opened alone
        # starts today's, like the server would).
        self.run = self.store.current_run(create=True)
        self.gate = GateBox(tx, self.settings.facilitator_code)
        self.people = widgets.HTML(layout=widgets.Layout(flex="1 1 auto"))
        self.people.add_class("vl-present")
        self.refresh = tx.bind(widgets.Button(icon="refresh", layout=widgets.Layout(width="auto",
                                                                                   flex="0 0 auto")),
                               "room.views.refresh_people")
        self.refresh.add_class("vl-refresh-people")
        self.refresh.on_click(lambda _: self.show_people())
        self.size = widgets.ToggleButtons(options=[("2", 2), ("3", 3)], value=2,
                                          style={"description_width": "initial"})
        tx.bind(self.size, "apps.warmup.size")
        self.mode = widgets.ToggleButtons(options=[("", "similar"), ("", "mixed")], value="similar",
                                          style={"button_width": "auto"})
        self._relabel_mode()
        self.make = tx.bind(widgets.Button(button_style="info", icon="random"), "apps.warmup.make")
        self.make.add_class("vl-make-groups")
        self.make.on_click(lambda _: self.make_groups())
        self.record = tx.bind(widgets.Button(button_style="success", icon="save"), "apps.warmup.record")
        self.record.add_class("vl-record-round")
        self.record.on_click(lambda _: self.record_round())
        self.groups = widgets.HTML()
        self.groups.add_class("vl-groups")
        self.shown = None
        self.status = widgets.HTML()
        self.title = tx.bind(widgets.HTML(), "apps.warmup.title", "value", wrap="<h1>{}</h1>")
        self.switch = language_switch(tx.lang, self.set_lang)
        # The status right under the buttons (a refusal is seen without scrolling past
        # the groups).
        self.widget = widgets.VBox([self.switch, self.title, self.gate.widget,
                                    widgets.HBox([self.people, self.refresh],
                                                 layout=widgets.Layout(align_items="center")),
                                    self.size, self.mode, widgets.HBox([self.make, self.record]),
                                    self.status, self.groups])
        self.widget.add_class("vl-app")
        self.widget.add_class("vl-warmup")
        self.show_people()
        self.show_round()

    # -- who and which round, from the store ------------------------------------------
    def present(self) -> tuple[list[str], bool]:
        """Ids of the people to group and whether they are the run's present members
        (``False``: nobody has joined yet, so everyone in the store who may be shown)."""
        from .room import present_members

        ids = present_members(self.store, self.run)
        if ids:
            return ids, True
        hidden = self.store.hidden_members(self.run["run_id"])
        return [p["actor_id"] for p in self.store.actor_choices() if p["actor_id"] not in hidden], False

    def show_people(self) -> None:
        ids, joined = self.present()
        key = "room.views.present_joined" if joined else "room.views.present_nobody"
        self.people.value = f"<p style='font-size:1.2em'>{html.escape(self.texts(key, count=len(ids)))}</p>"

    def rounds(self) -> list[dict]:
        return self.store.rounds(self.run["run_id"])

    def current(self) -> dict | None:
        """The newest round while it is not recorded (the groups on the screen), else None."""
        rounds = self.rounds()
        return rounds[-1] if rounds and not rounds[-1]["recorded_at"] else None

    def round_number(self) -> int:
        """The round the room is at: the unrecorded newest one, or the next to make."""
        rounds = self.rounds()
        if not rounds:
            return 1
        return rounds[-1]["number"] + (1 if rounds[-1]["recorded_at"] else 0)

    def _labels(self) -> dict[str, str]:
        """Names for the groups; people who said no are a dot (never named on a screen)."""
        names = {p["actor_id"]: p["name"] for p in self.store.actor_choices()}
        for m in self.store.run_members(self.run["run_id"]):
            names[m["actor_id"]] = "•" if m["consent"] is False else m["name"]
        return names

    def show_round(self) -> None:
        heading = html.escape(self.texts("apps.warmup.round", number=self.round_number()))
        chosen = self.current()
        #: The round whose groups this page shows: "record" records that one (a page left
        #: open after another recorded it is refused, not moved on to the next round).
        self.shown = None if chosen is None else chosen["number"]
        if chosen is None:
            self.groups.value = f"<h2>{heading}</h2>"
            return
        names = self._labels()
        # A compact grid: 30 pairs fit one screen.
        cells = "".join(
            '<div class="vl-group" style="border:2px solid #0072B2;border-radius:8px;padding:.25em .6em;'
            f'display:flex;gap:.6em"><b>{k}</b><div>'
            + "".join(f'<div style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis">'
                      f'{html.escape(str(names.get(p, "•")))}</div>' for p in group) + "</div></div>"
            for k, group in enumerate(chosen["groups"], start=1))
        self.groups.value = (f'<h2>{heading}</h2><div style="font-size:1.1em;display:grid;gap:.4em;'
                             f'grid-template-columns:repeat(auto-fill,minmax(16em,1fr))">{cells}</div>')

    def _relabel_mode(self):
        value = self.mode.value
        self.mode.options = [(self.texts("apps.warmup.similar"), "similar"),
                             (self.texts("apps.warmup.mixed"), "mixed")]
        self.mode.value = value

    def set_lang(self, lang: str) -> None:
        self.texts.set_lang(lang)
        self._relabel_mode()
        self.show_people()
        self.show_round()

    # -- actions ----------------------------------------------------------------------
    def make_groups(self):
        """Make (or make again) the groups of the round the room is at; kept in the store."""
        from .room import make_round

        try:
            ids, joined = self.present()
            made = make_round(self.store, self.run, size=int(self.size.value), mode=self.mode.value,
                              people=None if joined else ids)
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        self.show_people()
        self.show_round()
        self.status.value = ""
        return made

    def record_round(self, number: int | None = None):
        """Record round ``number`` (default: the one on the screen) as events, once."""
        if self.gate.refuse(self.status):
            return None
        from .room import record_round

        if number is None:
            number = self.shown
            if number is None:
                self.status.value = status_html(self.texts("apps.warmup.make_first"), "error")
                return None
        try:
            result = record_round(self.store, self.run, int(number), lang=self.texts.lang)
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return None
        self.show_round()
        self.status.value = status_html(self.texts("apps.warmup.recorded", events=result["events"]), "ok")
        return result


class EvaluationApp:
    """The knowing–trust–commitment assessment: participants answer; with the code the
    facilitator sees strengths, development targets and tips (small groups suppressed)."""

    def __init__(self, settings: AppSettings | None = None, *, round: str | None = None):
        from ..tables.schema import ASSESSMENT_ITEMS

        self.settings = settings or AppSettings()
        self.store = self.settings.store()
        self.owner = secrets.token_urlsafe(18)  # this page answers only for whom it first did
        self.texts = tx = Texts(self.settings.lang)
        run = None if round else self.store.current_run(create=False)
        # The workshop run's round (the phones answer into it too), else today's.
        self.round = round or (run["round"] if run else default_round())
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
        style = {"description_width": "initial"}
        self.before = tx.bind(widgets.Text(value=before or "", style=style,
                                           layout=widgets.Layout(width="22em")), "apps.impact.before")
        self.after = tx.bind(widgets.Text(value=after or "", style=style,
                                          layout=widgets.Layout(width="22em")), "apps.impact.after")
        #: Under each period: what it means in words, or what is wrong with it.
        self.fields = {"before": self.before, "after": self.after}
        self.hints = {name: widgets.HTML() for name in self.fields}
        for name, field in self.fields.items():
            field.add_class(f"vl-period-{name}")
            tx.bind(field, "room.views.period_placeholder", "placeholder")
            self.hints[name].add_class(f"vl-period-{name}-hint")
            field.observe(lambda change, name=name: self.describe(name), names="value")
        self.defaults: dict = {}  # the run's periods, once known
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
        periods = widgets.HBox([widgets.VBox([self.before, self.hints["before"]], layout=widgets.Layout(width="24em")),
                                widgets.VBox([self.after, self.hints["after"]], layout=widgets.Layout(width="24em")),
                                self.compare], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.widget = widgets.VBox([self.switch, self.title, periods,
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

    def workshop_periods(self) -> dict | None:
        """With a workshop run in the store: ``before`` (up to the day before the run
        started) and ``after`` (everything, this workshop included), else None."""
        run = self.store.current_run(create=False)
        if run is None:
            return None
        start = dt.date.fromisoformat(run["started_at"][:10])
        # ":" is every date: the workshop and whatever else the store holds (planned
        # events of an imported calendar too).
        return {"before": f":{_day(start - dt.timedelta(days=1))}", "after": ":", "run": run["run_id"]}

    def period_words(self, name: str, value: str) -> str:
        """``value`` of the field ``name`` in words (the workshop's periods by name)."""
        from ..tables.data import parse_period

        start, end = parse_period(value)
        if start is None and end is None:
            words = self.texts("room.views.period_all")
        elif start is None:
            words = self.texts("room.views.period_until", end=_day(end - dt.timedelta(days=1)))
        elif end is None:
            words = self.texts("room.views.period_from", start=_day(start))
        else:
            words = self.texts("room.views.period_between", start=_day(start),
                               end=_day(end - dt.timedelta(days=1)))
        if self.defaults.get(name) == value.strip():
            key = "room.views.before_workshop" if name == "before" else "room.views.including_workshop"
            words = f"{self.texts(key)}: {words}"
        return words

    def describe(self, name: str) -> None:
        """Say under the field what its period means (or nothing while it is empty)."""
        from ..errors import PeriodError

        value = self.fields[name].value.strip()
        if not value:
            self.hints[name].value = ""
            return
        try:
            words = self.period_words(name, value)
        except PeriodError:  # said when comparing, next to the field
            self.hints[name].value = ""
            return
        self.hints[name].value = (f'<div class="vl-period-words" style="color:#333;font-size:.95em">'
                                  f'{html.escape(words)}</div>')

    def field_error(self, name: str, message: str) -> None:
        self.hints[name].value = (f'<div class="vl-field-error" role="alert" style="color:#b00020;'
                                  f'font-weight:bold">{html.escape(message)}</div>')

    def comparison(self, before: str, after: str, lang: str) -> dict:
        """Read the store and compare two periods (empty: the default halves); no widgets."""
        from ..measures import analyse, compare_periods, default_periods
        from ..viz import network_picture

        from ..errors import PeriodError
        from ..measures.change import check_period
        from ..tables.data import parse_period

        for name, value in (("before", before), ("after", after)):
            try:
                parse_period(value or None)
            except PeriodError:
                raise PeriodFieldError(name, "room.views.bad_period", value=value,
                                       field=t_field(name, lang)) from None
        data = self.store.load()
        workshop = self.workshop_periods() if not (before or after) else None
        if workshop is not None:  # before this workshop vs including it
            before, after = workshop["before"], workshop["after"]
        elif not (before and after):
            first, second = default_periods(data)
            before, after = before or first, after or second
        for name, value in (("before", before), ("after", after)):
            try:
                check_period(data, value, name=t_field(name, lang))
            except PeriodError as exc:
                raise PeriodFieldError(name, exc.key, **exc.params) from None
        change = compare_periods(data, before, after)
        # The analyses the comparison made: the pictures build no graph of their own.
        whole = lambda p: None if p.strip() == ":" else p  # noqa: E731 - every date: no period
        earlier, later = analyse(data, period=whole(before)), analyse(data, period=whole(after))
        # The app shows the two figures side by side: no HTML controls to build.
        if workshop is not None:
            self.defaults = {k: workshop[k] for k in ("before", "after")}
        if workshop is not None:  # the pictures' titles: the workshop's periods by name
            titles = [self.texts("room.views.before_workshop"), self.texts("room.views.including_workshop")]
        else:
            titles = [self.period_words(name, value) for name, value in (("before", before), ("after", after))]
        titles = [x[:1].upper() + x[1:] for x in titles]
        first = network_picture(earlier, lang=lang, width=560, height=480, title=titles[0], controls=False)
        second = network_picture(later, lang=lang, width=560, height=480, title=titles[1],
                                 positions=first.positions, previous=earlier, controls=False)
        return {"before": before, "after": after, "change": change, "first": first, "second": second,
                "notes": self.store.notes(), "workshop": workshop}

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
        if isinstance(exc, PeriodFieldError):  # next to the field it is about
            for name in self.fields:
                self.describe(name)
            self.field_error(exc.field, exc.render(self.texts.lang))
            self.status.value = ""
        else:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
        if self.loading:  # nothing drawn: no "loading…" left behind
            self.loading = False
            self.pictures.children = []
        return None

    def show(self, result: dict):
        """Put a finished comparison into the widgets (event loop only)."""
        from ..viz import widget

        self.loading = False
        workshop = result.get("workshop")
        self.defaults = {k: workshop[k] for k in ("before", "after")} if workshop else {}
        self.before.value, self.after.value = result["before"], result["after"]
        for name in self.fields:
            self.describe(name)
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
