"""The forward-looking annual clock (*vuosikello*): one ring per network (the core
innermost), January at the top and clockwise, every meeting of the year at its day:
held (filled), projected meetings of recurring forums (open circles), planned events
(diamonds); months where a network has nothing are hatched; the titles of forums and
planned events written beside the ring; a line marks ``as_of``.

>>> from verkostolab.datasets import load_sample
>>> fig = forward_clock(load_sample(), lang="en")
>>> fig.select_one({"name": "clock_gaps"}) is not None
True
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math

from bokeh.models import ColumnDataSource, HoverTool, Label, LabelSet, Legend, LegendItem, Range1d
from bokeh.plotting import figure

from ..i18n import t
from ..measures.coordination import ClockPlan, clock_plan
from ..tables.data import NetworkData

__all__ = ["forward_clock", "NETWORK_COLOURS"]

#: Ring colours, the core first (Okabe–Ito, colour-blind safe).
NETWORK_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                   "#999999"]
_INNER, _OUTER = 0.25, 1.0
_HALF_W, _HALF_H = 2.3, 1.45
_LINE = 0.075  # the height of a title line, in plot units


def _angle(day: dt.date) -> float:
    days = 366 if _calendar.isleap(day.year) else 365
    return math.pi / 2 - 2 * math.pi * (day.timetuple().tm_yday - 0.5) / days


def _short(text: str, n: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def forward_clock(data_or_plan: NetworkData | ClockPlan, *, year: int | None = None,
                  network: str | None = None, core: str | None = None,
                  as_of: dt.date | None = None, lang: str | None = None, width: int = 900):
    """The annual clock of a :class:`~verkostolab.measures.coordination.ClockPlan` (or
    of the data, through :func:`~verkostolab.measures.coordination.clock_plan`)."""
    plan = (data_or_plan if isinstance(data_or_plan, ClockPlan)
            else clock_plan(data_or_plan, year=year, network=network, core=core, as_of=as_of))
    # A fixed frame with the ranges' proportions: one data unit is as long across as up,
    # so the rings (radii in data units) and the meetings (x, y) line up.
    fig = figure(frame_width=width, frame_height=round(width * _HALF_H / _HALF_W),
                 title=t("clock.title", lang, year=plan.year),
                 x_range=Range1d(-_HALF_W, _HALF_W), y_range=Range1d(-_HALF_H, _HALF_H),
                 toolbar_location="above", tools="pan,wheel_zoom,reset,save", name="forward_clock")
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = None
    n = max(len(plan.networks), 1)
    band = (_OUTER - _INNER) / n
    span = 2 * math.pi / 12
    items = []
    gaps = {"start": [], "end": [], "inner": [], "outer": [], "network": [], "month": []}
    points = {k: [] for k in ("x", "y", "network", "date", "title", "source", "colour", "kind")}
    for i, name in enumerate(plan.networks):
        colour = NETWORK_COLOURS[i % len(NETWORK_COLOURS)]
        inner, outer = _INNER + i * band, _INNER + (i + 1) * band
        busy = [m for m in range(1, 13) if m not in plan.gaps.get(name, [])]
        src = ColumnDataSource({
            "start": [math.pi / 2 - m * span for m in busy],
            "end": [math.pi / 2 - (m - 1) * span for m in busy],
            "inner": [inner] * len(busy), "outer": [outer] * len(busy),
            "network": [name] * len(busy), "month": [t(f"month.{m}", lang) for m in busy]})
        r = fig.annular_wedge(x=0, y=0, inner_radius="inner", outer_radius="outer",
                              start_angle="start", end_angle="end", source=src, fill_color=colour,
                              fill_alpha=0.22, line_color="white", line_width=2,
                              name=f"clock_ring_{i}")
        label = name + (f" ({t('clock.core', lang)})" if name == plan.core else "")
        forum = plan.forums[plan.forums["network"] == name]
        if len(forum):
            f = forum.iloc[0]
            label += f" · {t('clock.cadence.' + f['cadence'], lang)}"
        items.append(LegendItem(label=label, renderers=[r]))
        for m in plan.gaps.get(name, []):
            gaps["start"].append(math.pi / 2 - m * span)
            gaps["end"].append(math.pi / 2 - (m - 1) * span)
            gaps["inner"].append(inner)
            gaps["outer"].append(outer)
            gaps["network"].append(name)
            gaps["month"].append(t(f"month.{m}", lang))
        occ = plan.occurrences[plan.occurrences["network"] == name]
        mid = (inner + outer) / 2
        for _, row in occ.iterrows():
            a = _angle(row["date"])
            points["x"].append(mid * math.cos(a))
            points["y"].append(mid * math.sin(a))
            points["network"].append(name)
            points["date"].append(f"{row['date']:%d.%m.%Y}")
            points["title"].append(str(row["title"]))
            points["source"].append(t(f"clock.source.{row['source']}", lang))
            points["colour"].append(colour)
            points["kind"].append(row["source"])
    if gaps["start"]:
        g = fig.annular_wedge(x=0, y=0, inner_radius="inner", outer_radius="outer",
                              start_angle="start", end_angle="end",
                              source=ColumnDataSource(gaps), fill_color="#F4F4F4",
                              hatch_pattern="/", hatch_color="#BBBBBB", hatch_alpha=0.8,
                              line_color="white", line_width=2, name="clock_gaps")
        items.append(LegendItem(label=t("clock.gap", lang), renderers=[g]))
    markers = {"held": ("circle", 1.0), "forum": ("circle", 0.0), "planned": ("diamond", 1.0)}
    size = max(6.0, min(13.0, 120 * band))
    for kind, (marker, alpha) in markers.items():
        keep = [j for j, k in enumerate(points["kind"]) if k == kind]
        if not keep:
            continue
        src = ColumnDataSource({k: [v[j] for j in keep] for k, v in points.items()})
        r = fig.scatter(x="x", y="y", source=src, marker=marker, size=size * (1.4 if kind == "planned" else 1),
                        fill_color="colour", fill_alpha=alpha, line_color="colour", line_width=2,
                        name=f"clock_{kind}")
        items.append(LegendItem(label=t(f"clock.source.{kind}", lang), renderers=[r]))
    fig.add_tools(HoverTool(tooltips=[("", "@date"), ("", "@title"), ("", "@network"), ("", "@source")],
                            renderers=[r for r in fig.renderers if r.name and r.name.startswith("clock_")
                                       and r.name[6:] in markers]))
    # Titles: each forum's next meeting and each planned event, outside the rings.
    labels = {"x": [], "y": [], "text": [], "align": []}
    shown = []
    for _, f in plan.forums.iterrows():
        days = plan.forum_days(f["network"])
        if days:
            shown.append((days[0], f"{days[0]:%d.%m.} {_short(f['title'])}"))
    for _, e in plan.planned.iterrows():
        shown.append((e["date"], f"{e['date']:%d.%m.} {_short(e['title'])}"))
    placed = []
    for day, text in sorted(shown):
        a = _angle(day)
        placed.append([1.2 * math.cos(a), 1.2 * math.sin(a), text, "left" if math.cos(a) >= 0 else "right"])
    for side in ("left", "right"):  # no two titles on one line: spread them vertically
        column = sorted((p for p in placed if p[3] == side), key=lambda p: -p[1])
        for above, below in zip(column, column[1:]):
            if above[1] - below[1] < _LINE:
                below[1] = above[1] - _LINE
    for x, y, text, align in placed:
        labels["x"].append(x)
        labels["y"].append(y)
        labels["text"].append(text)
        labels["align"].append(align)
    if labels["x"]:
        fig.add_layout(LabelSet(x="x", y="y", text="text", text_align="align", text_baseline="middle",
                                text_font_size="8pt", source=ColumnDataSource(labels),
                                name="clock_titles"))
    angles = [math.pi / 2 - (m - 0.5) * span for m in range(1, 13)]
    fig.add_layout(LabelSet(x="x", y="y", text="text", text_align="center", text_baseline="middle",
                            text_font_size="11pt", text_font_style="bold", name="months",
                            source=ColumnDataSource({
                                "x": [1.09 * math.cos(a) for a in angles],
                                "y": [1.09 * math.sin(a) for a in angles],
                                "text": [t(f"month.{m}", lang) for m in range(1, 13)]})))
    if plan.as_of.year == plan.year:
        a = _angle(plan.as_of)
        fig.line(x=[_INNER * math.cos(a), 1.04 * math.cos(a)], y=[_INNER * math.sin(a), 1.04 * math.sin(a)],
                 line_color="#D55E00", line_width=2, line_dash="dashed", name="clock_as_of")
        fig.add_layout(Label(x=0, y=0, text=t("clock.as_of", lang, date=f"{plan.as_of:%d.%m.%Y}"),
                             text_font_size="9pt", text_color="#D55E00", text_align="center",
                             text_baseline="middle", name="clock_as_of_label"))
    fig.add_layout(Legend(items=items, label_text_font_size="9pt", orientation="vertical",
                          location="center"), "below")
    return fig
