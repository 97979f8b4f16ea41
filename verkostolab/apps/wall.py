"""The wall view: the network picture grows as participants submit.

The picture is redrawn when the store changes (polled every few seconds); everybody
keeps their place (positions are pinned, newcomers are placed among the people they
named) and the ties added since the wall was opened are highlighted.

In Voilà the page shows at once with a "loading the network…" note: ``start()`` loads
the store and draws in a worker thread (pandas, Bokeh and the layout need no widgets)
and only puts the finished picture into the widgets back in the kernel's event loop.
The loop must stay free while the page loads: the browser asks the kernel for the
widgets' state right after the notebook has run and gives up after 4 s, falling back
to asking widget by widget.
"""

from __future__ import annotations

import asyncio
import html
import threading

import ipywidgets as widgets

from .common import AppSettings, Texts, language_switch, report_error, status_html

__all__ = ["WallModel", "WallApp", "loading_html", "in_worker", "kernel_loop", "WALL_APP_WIDTH",
           "WALL_APP_HEIGHT"]

#: The wall's picture in a 1920×1080 browser: the page's margins, the headline and the
#: counts take the rest (names stay at 24 px, see :mod:`.room_views`).
WALL_APP_WIDTH, WALL_APP_HEIGHT = 1840, 800


def loading_html(text: str, *, height: str = "12em") -> str:
    """A calm "loading…" block (a pulsing dot and ``text``) that keeps the picture's place."""
    return ("<style>@keyframes vl-pulse{0%,100%{opacity:.25}50%{opacity:1}}</style>"
            f'<div class="vl-loading" role="status" aria-live="polite" style="min-height:{height};'
            'display:flex;align-items:center;justify-content:center;gap:.6em;font-size:1.4em;color:#333">'
            '<span style="width:.8em;height:.8em;border-radius:50%;background:#0072B2;'
            'animation:vl-pulse 1.2s ease-in-out infinite"></span>'
            f"<span>{html.escape(text)}</span></div>")


async def in_worker(func, *args):
    """Run ``func(*args)`` in a worker thread and wait for it without blocking the loop.

    Only plain work (store, pandas, Bokeh figures) goes there; widgets are changed by the
    caller, back in the event loop (ipywidgets are not thread-safe).
    """
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


def kernel_loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # called from a cell: the kernel's loop, running between messages
        return asyncio.get_event_loop()


class WallModel:
    """Data, positions and the picture of the wall (no widgets; safe in a worker thread).

    "New" ties are those stored after the workshop run's ``baseline_tie`` (kept in the
    store: a reload or a new kernel shows the same ties as new), and the run's hidden
    entries are left out; without a run, the ties stored after the wall was opened (or
    :meth:`mark_seen`).  The picture is :func:`.room_views.wall_picture`: the projector's
    look, names at 24 px.
    """

    def __init__(self, store, *, lang: str = "fi", min_weight: float = 0.0,
                 width: int = WALL_APP_WIDTH, height: int = WALL_APP_HEIGHT):
        self.store = store
        self.lang = lang
        self.min_weight = min_weight
        self.width, self.height = width, height
        self.run = None
        #: Without a run: the newest tie when the wall was opened (or marked seen).
        self.opened_tie = None
        self.hidden: set = set()
        self.positions = None
        self.token = None
        self.wall = None
        self.data = None
        self._lock = threading.Lock()  # one drawing at a time (worker thread or loop)

    @property
    def picture(self):
        return None if self.wall is None else self.wall.picture

    def _current_run(self) -> dict | None:
        """The workshop's run: once found, read again by id (a read, not the write
        transaction ``current_run`` takes), until it is closed by a new run."""
        if self.run is not None:
            run = self.store.get_run(self.run["run_id"])
            if not run.get("ended_at"):
                return run
        return self.store.current_run(create=False)

    def baseline(self) -> int:
        """The row id after which ties are new: the run's, else the page's opening."""
        from .room_views import latest_tie

        self.run = self._current_run()
        if self.run is not None:
            self.hidden = self.store.hidden_members(self.run["run_id"])
            return int(self.run["baseline_tie"])
        self.hidden = set()
        if self.opened_tie is None:
            self.opened_tie = latest_tie(self.store)
        return self.opened_tie

    def mark_seen(self) -> None:
        """Without a workshop run: from now on, only ties added after this moment are new."""
        from .room_views import latest_tie

        with self._lock:
            self.opened_tie = latest_tie(self.store)
            self.token = None

    def _version(self, baseline: int) -> str:
        from .room_views import projector_version

        return projector_version(self.store, baseline_tie=baseline, hidden=self.hidden,
                                 lang=self.lang, width=self.width, height=self.height)

    def changed(self) -> bool:
        return self._version(self.baseline()) != self.token

    def draw(self):
        from .room_views import new_tie_pairs, wall_picture, without_actors

        with self._lock:
            baseline = self.baseline()
            self.token = self._version(baseline)
            self.data = without_actors(self.store.load(), self.hidden)
            pairs = new_tie_pairs(self.store, baseline, self.hidden)
            self.wall = wall_picture(self.data, new_pairs=pairs, lang=self.lang, width=self.width,
                                     height=self.height, positions=self.positions,
                                     min_weight=self.min_weight)
            self.positions = self.wall.positions
            return self.wall.picture

    def counts(self) -> dict:
        """People and ties on the wall, the new ties, and (with a run) this workshop's
        own counts: joined, present, sent, evaluated (the sample's people never count)."""
        picture = self.picture
        ties = picture.ties if picture is not None else None
        sectors = {}
        if picture is not None:
            sectors = picture.nodes["sector"].value_counts().to_dict()
        out = {"people": 0 if picture is None else len(picture.nodes),
               "ties": 0 if ties is None else len(ties),
               "new_ties": 0 if self.wall is None else len(self.wall.new_pairs), "sectors": sectors,
               "run": None}
        if self.run is not None:
            out["run"] = self.store.run_counts(self.run["run_id"])
        return out


class WallApp:
    """The wall screen: the picture, the counts, and nothing to click but the language.

    ``WallApp(settings)`` draws at once (tests, notebooks); the Voilà app uses
    ``WallApp(settings, draw_now=False).start()``: the widgets exist before the store is
    even opened, and the picture follows from a worker thread.
    """

    def __init__(self, settings: AppSettings | None = None, *, refresh_seconds: float = 3.0,
                 draw_now: bool = True):
        self.settings = settings or AppSettings()
        self.texts = Texts(self.settings.lang)
        self._model = None
        self._model_lock = threading.Lock()
        self.refresh_seconds = refresh_seconds
        self.title = self.texts.bind(widgets.HTML(), "apps.wall.title", "value", wrap="<h1>{}</h1>")
        self.counts = widgets.HTML()
        self.counts.add_class("vl-wall-counts")
        self.figure_box = widgets.Box(layout=widgets.Layout(width="100%"))
        self.figure_box.add_class("vl-wall-figure")
        self.seen = self.texts.bind(widgets.Button(icon="eye"), "apps.wall.mark_seen")
        self.seen.on_click(lambda _: self.mark_seen())
        self.status = widgets.HTML()
        self.switch = language_switch(self.texts.lang, self.set_lang)
        self.widget = widgets.VBox([widgets.HBox([self.switch, self.seen]), self.title, self.counts,
                                    self.figure_box, self.status], layout=widgets.Layout(width="100%"))
        self.widget.add_class("vl-app")
        self.widget.add_class("vl-wall")
        self._task = None
        self.loading = False  # showing "loading the network…" until the first picture
        if draw_now:
            self.redraw()
        else:  # the page shows at once; start() draws the picture right after
            self.show_loading()

    @property
    def model(self) -> WallModel:
        """The wall's data and picture; the store is opened on first use."""
        with self._model_lock:  # the worker thread and a click may both ask first
            if self._model is None:
                self._model = WallModel(self.settings.store(), lang=self.texts.lang)
            return self._model

    def show_loading(self) -> None:
        """The "loading the network…" state, in the page's language."""
        self.loading = True
        self.counts.value = f"<div class='vl-counts'>{html.escape(self.texts('apps.loading_network'))}</div>"
        self.figure_box.children = [widgets.HTML(loading_html(self.texts("apps.loading_network"),
                                                              height=f"{WALL_APP_HEIGHT}px"))]

    def set_lang(self, lang: str) -> None:
        self.texts.set_lang(lang)
        if self.loading:  # the worker redraws in the new language when it is done
            self.show_loading()
            return
        self.model.lang = lang
        self.redraw()

    def mark_seen(self) -> None:
        self.model.mark_seen()
        self.redraw()

    def redraw(self) -> None:
        """Draw now, in this thread (tests, button clicks)."""
        try:
            picture = self.model.draw()
        except Exception as exc:
            self.show_error(exc)
            return
        self.show(picture)

    async def redraw_in_worker(self) -> None:
        """Draw in a worker thread and show the result here, in the event loop."""
        try:
            model = await in_worker(lambda: self.model)
            while True:
                lang = model.lang = self.texts.lang
                picture = await in_worker(model.draw)
                if self.texts.lang == lang:  # else the language changed meanwhile: again
                    break
        except Exception as exc:
            self.show_error(exc)
            return
        self.show(picture)

    def show_error(self, exc: BaseException) -> None:
        self.status.value = status_html(report_error(exc, self.texts.lang), "error")
        if self.loading:  # nothing drawn: no "loading…" left behind
            self.loading = False
            self.counts.value = ""
            self.figure_box.children = []

    def show(self, picture) -> None:
        """Put a finished picture and its counts into the widgets (event loop only)."""
        from ..viz import widget as bokeh_widget

        self.loading = False
        self.figure_box.children = [bokeh_widget(picture.figure)]
        c = self.model.counts()
        sectors = ", ".join(f"{self.texts(f'sector.{s}')} {n}" for s, n in
                            sorted(c["sectors"].items(), key=lambda kv: -kv[1]))
        if c["run"] is not None:  # this workshop's own figures first, large
            run = c["run"]
            head = self.texts("room.views.wall_counts", joined=run["joined"], sent=run["sent"],
                              new=c["new_ties"])
            whole = self.texts("room.views.wall_whole", people=c["people"], ties=c["ties"])
            self.counts.value = (f"<div class='vl-counts' style='font-size:28px;line-height:1.3'>"
                                 f"<b>{html.escape(head)}</b><br><span style='font-size:22px'>"
                                 f"{html.escape(whole)} · {html.escape(sectors)}</span></div>")
        else:
            self.counts.value = ("<div class='vl-counts' style='font-size:24px;line-height:1.3'>"
                                 + html.escape(self.texts("apps.wall.counts", people=c["people"],
                                                          ties=c["ties"], new=c["new_ties"]))
                                 + f"<br><span style='font-size:20px'>{html.escape(sectors)}</span></div>")
        # "New round" only without a run: a run's "new" is the whole workshop, kept in the store.
        self.seen.layout.display = "none" if c["run"] is not None else None
        self.status.value = ""

    def refresh(self) -> bool:
        """Redraw if the store changed; returns whether it did."""
        if self.model.changed():
            self.redraw()
            return True
        return False

    async def _poll(self) -> None:
        if self._model is None or self._model.picture is None:
            await self.redraw_in_worker()
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                if await in_worker(self.model.changed):
                    await self.redraw_in_worker()
            except Exception as exc:  # keep polling; tell the room once
                self.status.value = status_html(report_error(exc, self.texts.lang), "error")

    def start(self) -> "WallApp":
        """Draw and then poll the store from the kernel's event loop (Voilà keeps it running)."""
        if self._task is None:
            self._task = kernel_loop().create_task(self._poll())
        return self
