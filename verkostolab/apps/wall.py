"""The wall view: the network picture grows as participants submit.

The picture is redrawn when the store changes (polled every few seconds); everybody
keeps their place (positions are pinned, newcomers are placed among the people they
named) and the ties added since the wall was opened are highlighted.
"""

from __future__ import annotations

import asyncio

import ipywidgets as widgets

from .common import AppSettings, Texts, language_switch, report_error, status_html

__all__ = ["WallModel", "WallApp"]


class WallModel:
    """Data, positions and the picture of the wall (no widgets)."""

    def __init__(self, store, *, lang: str = "fi", min_weight: float = 0.0):
        self.store = store
        self.lang = lang
        self.min_weight = min_weight
        self.baseline = store.load()
        self.positions = None
        self.token = None
        self.picture = None
        self.data = None

    def mark_seen(self) -> None:
        """From now on, only ties added after this moment are highlighted."""
        self.baseline = self.store.load()

    def changed(self) -> bool:
        return self.store.change_token() != self.token

    def draw(self):
        from ..viz import network_picture

        self.token = self.store.change_token()
        self.data = self.store.load()
        self.picture = network_picture(self.data, lang=self.lang, positions=self.positions,
                                       previous=self.baseline, min_weight=self.min_weight,
                                       width=1100, height=720, title=" ")
        self.positions = self.picture.positions
        return self.picture

    def counts(self) -> dict:
        ties = self.picture.ties if self.picture is not None else None
        new = int(ties["new"].sum()) if ties is not None and len(ties) else 0
        sectors = {}
        if self.picture is not None:
            sectors = self.picture.nodes["sector"].value_counts().to_dict()
        return {"people": 0 if self.picture is None else len(self.picture.nodes),
                "ties": 0 if ties is None else len(ties), "new_ties": new, "sectors": sectors}


class WallApp:
    """The wall screen: the picture, the counts, and nothing to click but the language."""

    def __init__(self, settings: AppSettings | None = None, *, refresh_seconds: float = 3.0,
                 draw_now: bool = True):
        self.settings = settings or AppSettings()
        self.texts = Texts(self.settings.lang)
        self.model = WallModel(self.settings.store(), lang=self.settings.lang)
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
        if draw_now:
            self.redraw()
        else:  # the page shows at once; start() draws the picture right after
            self.counts.value = f"<div class='vl-counts'>{self.texts('apps.loading')}</div>"

    def set_lang(self, lang: str) -> None:
        self.texts.set_lang(lang)
        self.model.lang = lang
        self.redraw()

    def mark_seen(self) -> None:
        self.model.mark_seen()
        self.redraw()

    def redraw(self) -> None:
        from ..viz import widget as bokeh_widget

        try:
            picture = self.model.draw()
        except Exception as exc:
            self.status.value = status_html(report_error(exc, self.texts.lang), "error")
            return
        self.figure_box.children = [bokeh_widget(picture.figure)]
        c = self.model.counts()
        sectors = ", ".join(f"{self.texts(f'sector.{s}')} {n}" for s, n in
                            sorted(c["sectors"].items(), key=lambda kv: -kv[1]))
        self.counts.value = ("<div class='vl-counts'>"
                             + self.texts("apps.wall.counts", people=c["people"], ties=c["ties"],
                                          new=c["new_ties"])
                             + f"<br><small>{sectors}</small></div>")
        self.status.value = ""

    def refresh(self) -> bool:
        """Redraw if the store changed; returns whether it did."""
        if self.model.changed():
            self.redraw()
            return True
        return False

    async def _poll(self) -> None:
        if self.model.picture is None:
            self.redraw()
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                self.refresh()
            except Exception as exc:  # keep polling; tell the room once
                self.status.value = status_html(report_error(exc, self.texts.lang), "error")

    def start(self) -> "WallApp":
        """Start polling the store in the kernel's event loop (Voilà keeps it running)."""
        if self._task is None:
            loop = asyncio.get_event_loop()
            self._task = loop.create_task(self._poll())
        return self
