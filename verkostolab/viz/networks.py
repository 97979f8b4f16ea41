"""The network of networks: the core network in the middle, the theme networks around
it as groups with their members, and the boundary spanners between them named and
drawn.

* Which network is the core follows :func:`~verkostolab.measures.coordination.core_network`
  (the most events; ``core=`` overrides it).
* Each person belongs to the network whose events they attended most (a tie goes to
  the core, then to the network first in order) and is drawn inside its circle,
  coloured by sector.
* A person who attended the events of two or more networks is a *boundary spanner*:
  drawn between the circles of their networks, with a line to each, and named.
* Each circle says its network's name, its people and its events; a line between two
  circles is as thick as the number of people who span them.

This is what ``network_picture(data, level="network")`` and ``verkostolab picture
--level network`` draw.

>>> from verkostolab.datasets import load_sample
>>> pic = networks_picture(load_sample(), lang="en")
>>> int(pic.nodes["spanner"].sum())
41
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from bokeh.models import (ColumnDataSource, HoverTool, Label, LabelSet, Legend, LegendItem, Range1d)
from bokeh.plotting import figure

from ..i18n import t
from ..measures.coordination import network_members, network_order, network_spanners
from ..tables.data import NetworkData
from ..tables.privacy import pseudonymise_labels
from .clock import NETWORK_COLOURS
from .style import sector_colour

__all__ = ["networks_picture", "NetworksPicture"]


@dataclass
class NetworksPicture:
    """The drawn network of networks, shaped like :class:`~verkostolab.viz.picture.Picture`
    (which dispatches here and so cannot be imported from here)."""

    figure: object
    positions: pd.DataFrame
    nodes: pd.DataFrame
    ties: pd.DataFrame
    notes: list = field(default_factory=list)
    #: No controls on the network level: the HTML page is the figure itself.
    layout: object = None

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .export import figure_html

        return {"text/html": figure_html(self.figure)}

_GOLDEN = math.pi * (3 - math.sqrt(5))
#: How many boundary spanners are named on the picture (those linking the most networks);
#: every one is named in the hover and in ``Picture.nodes``.
NAMED = 24


def _frame_source(frame: pd.DataFrame) -> ColumnDataSource:
    return ColumnDataSource({str(c): frame[c].to_numpy() for c in frame.columns})


def _circle_radius(n: int) -> float:
    return 0.1 + 0.03 * math.sqrt(max(n, 1))


def networks_picture(data: NetworkData, *, core: str | None = None, period=None,
                     lang: str | None = None, pseudonymise: bool = False, title: str | None = None,
                     width: int = 900, height: int = 800) -> NetworksPicture:
    """Draw the networks of ``data`` (see the module text); ``period`` narrows the
    events first.  Returns a :class:`NetworksPicture` whose ``nodes``
    are the people (``x``, ``y``, ``home``, ``networks``, ``spanner``) and whose
    ``ties`` are the pairs of networks with their spanners (``a``, ``b``, ``people``,
    ``names``)."""
    if period is not None:
        data = data.filter(period=period)
    order = network_order(data, core)
    if not order:
        from ..errors import VerkostolabError

        raise VerkostolabError("error.no_networks")
    first = order[0]
    members = network_members(data)
    events = data.events.dropna(subset=["network"]).groupby("network").size()
    rank = {n: i for i, n in enumerate(order)}
    # Home network: most events attended; a tie to the core, then the earlier network.
    members = members.assign(rank=members["network"].map(rank))
    home = (members.sort_values(["actor_id", "events", "rank"], ascending=[True, False, True])
            .drop_duplicates("actor_id").set_index("actor_id")["network"])
    reach = members.groupby("actor_id")["network"].agg(lambda s: sorted(set(s), key=rank.get))
    ids = list(home.index)
    names = dict(zip(data.actors["actor_id"].astype(str), data.actors["name"].astype(str)))
    labels = (dict(zip(ids, pseudonymise_labels(ids, lang=lang))) if pseudonymise
              else {a: names.get(str(a), str(a)) for a in ids})
    sectors = data.actor_sectors() if len(data.actors) else pd.Series(dtype=object)

    # Circles: the core in the middle, the theme networks on a ring around it.
    sizes = members.groupby("network")["actor_id"].nunique()
    centres, radii = {}, {}
    themes = order[1:]
    for i, n in enumerate(order):
        radii[n] = _circle_radius(int(sizes.get(n, 0)))
        if i == 0:
            centres[n] = (0.0, 0.0)
        else:
            a = math.pi / 2 - 2 * math.pi * (i - 1) / max(len(themes), 1)
            centres[n] = (1.15 * math.cos(a), 1.15 * math.sin(a))

    spanner_set = {a for a, nets in reach.items() if len(nets) > 1}
    rows = []
    for n in order:
        inside = [a for a in ids if home[a] == n and a not in spanner_set]
        cx, cy = centres[n]
        r = radii[n] * 0.85
        for k, a in enumerate(inside):  # a sunflower: even spacing whatever the count
            d = r * math.sqrt((k + 0.5) / max(len(inside), 1))
            rows.append((a, cx + d * math.cos(k * _GOLDEN), cy + d * math.sin(k * _GOLDEN)))
    # Spanners: at the mean of their networks' centres, spread so they do not overlap.
    by_place: dict[tuple, list] = {}
    for a in sorted(spanner_set, key=lambda a: (tuple(reach[a]), labels[a])):
        by_place.setdefault(tuple(reach[a]), []).append(a)
    for nets, people in by_place.items():
        mx = float(np.mean([centres[n][0] for n in nets]))
        my = float(np.mean([centres[n][1] for n in nets]))
        if len(nets) == 2 and first in nets:  # between the core and a theme: outside the core
            other = nets[1]
            ox, oy = centres[other]
            dist = math.hypot(ox, oy) or 1.0
            along = (radii[first] + (dist - radii[first] - radii[other]) / 2) / dist
            mx, my = ox * along, oy * along
        elif abs(mx) + abs(my) < 1e-9:
            mx, my = 0.0, -radii[first] - 0.1
        for k, a in enumerate(people):
            d = 0.085 * math.sqrt(k + 0.5) if len(people) > 1 else 0.0
            rows.append((a, mx + d * math.cos(k * _GOLDEN), my + d * math.sin(k * _GOLDEN)))
    nodes = pd.DataFrame(rows, columns=["id", "x", "y"]).set_index("id")
    nodes["label"] = [labels[a] for a in nodes.index]
    nodes["home"] = [home[a] for a in nodes.index]
    nodes["networks"] = [", ".join(reach[a]) for a in nodes.index]
    nodes["n_networks"] = [len(reach[a]) for a in nodes.index]
    nodes["spanner"] = nodes.index.isin(spanner_set)
    nodes["sector"] = [sectors.get(a) if isinstance(sectors.get(a), str) else "unknown" for a in nodes.index]
    nodes["sector_label"] = [t(f"sector.{s}", lang) for s in nodes["sector"]]
    nodes["colour"] = [sector_colour(s) for s in nodes["sector"]]

    pairs = network_spanners(data, core=core)
    ties = (pairs.groupby(["a", "b"])
            .agg(people=("actor_id", "nunique"),
                 names=("actor_id", lambda s: ", ".join(sorted(labels[a] for a in set(s)))))
            .reset_index()) if len(pairs) else pd.DataFrame(columns=["a", "b", "people", "names"])

    fig = figure(frame_width=width, frame_height=round(width * 0.92), tools="pan,wheel_zoom,reset,save",
                 toolbar_location="above", x_range=Range1d(-1.75, 1.75), y_range=Range1d(-1.62, 1.6),
                 name="networks_picture")
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = None
    fig.title.text = title or t("networks.title", lang, source=data.source or "")
    fig.title.text_font_size = "16pt"
    legend_items = []
    # Network to network: as thick as the number of spanners.
    if len(ties):
        most = max(int(ties["people"].max()), 1)
        src = ColumnDataSource({
            "xs": [[centres[a][0], centres[b][0]] for a, b in zip(ties["a"], ties["b"])],
            "ys": [[centres[a][1], centres[b][1]] for a, b in zip(ties["a"], ties["b"])],
            "w": [1.5 + 10 * p / most for p in ties["people"]],
            "pair": [f"{a} – {b}" for a, b in zip(ties["a"], ties["b"])],
            "people": [int(p) for p in ties["people"]], "names": list(ties["names"])})
        r = fig.multi_line("xs", "ys", source=src, line_width="w", line_color="#9E9E9E", line_alpha=0.35,
                           name="network_links")
        fig.add_tools(HoverTool(renderers=[r], tooltips=[("", "@pair"),
                                                         (t("networks.hover.spanners", lang), "@people"),
                                                         ("", "@names")]))
        legend_items.append(LegendItem(label=t("networks.legend.link", lang), renderers=[r]))
    circles = {"x": [], "y": [], "r": [], "colour": [], "network": [], "people": [], "events": []}
    for i, n in enumerate(order):
        circles["x"].append(centres[n][0])
        circles["y"].append(centres[n][1])
        circles["r"].append(radii[n])
        circles["colour"].append(NETWORK_COLOURS[i % len(NETWORK_COLOURS)])
        circles["network"].append(n)
        circles["people"].append(int((members["network"] == n).sum()))
        circles["events"].append(int(events.get(n, 0)))
    rc = fig.circle(x="x", y="y", radius="r", source=ColumnDataSource(circles), fill_color="colour",
                    fill_alpha=0.16, line_color="colour", line_width=3, name="network_circles")
    fig.add_tools(HoverTool(renderers=[rc], tooltips=[("", "@network"),
                                                      (t("networks.hover.people", lang), "@people"),
                                                      (t("networks.hover.events", lang), "@events")]))
    # Spanners' lines to their networks.
    sp = nodes[nodes["spanner"]]
    xs, ys = [], []
    for a, row in sp.iterrows():
        for n in reach[a]:
            xs.append([row["x"], centres[n][0]])
            ys.append([row["y"], centres[n][1]])
    if xs:
        r = fig.multi_line(xs, ys, line_color="#555555", line_alpha=0.25, line_width=1,
                           name="spanner_lines")
    members_src = _frame_source(nodes[~nodes["spanner"]].reset_index())
    rm = fig.scatter("x", "y", source=members_src, size=9, fill_color="colour", line_color="#333333",
                     line_width=0.8, name="members")
    legend_items.append(LegendItem(label=t("networks.legend.member", lang), renderers=[rm]))
    spanner_src = _frame_source(sp.reset_index())
    rs = fig.scatter("x", "y", source=spanner_src, size=15, marker="diamond", fill_color="colour",
                     line_color="#000000", line_width=2, name="spanners")
    legend_items.append(LegendItem(label=t("networks.legend.spanner", lang), renderers=[rs]))
    fig.add_tools(HoverTool(renderers=[rm, rs], tooltips=[("", "@label"), ("", "@sector_label"),
                                                          (t("networks.hover.networks", lang), "@networks")]))
    # Names: the spanners who link the most networks (all of them up to NAMED).
    named = sp.sort_values(["n_networks", "label"], ascending=[False, True]).head(NAMED)
    if len(named):
        fig.add_layout(LabelSet(x="x", y="y", text="label", source=_frame_source(named.reset_index()),
                                x_offset=7, y_offset=3, text_font_size="8pt", text_color="#111111",
                                name="spanner_names"))
    # Network names above their circles.
    texts = [f"{n} ({t('clock.core', lang)})" if n == first else n for n in order]
    fig.add_layout(LabelSet(
        x="x", y="y", text="text", text_align="center", text_font_size="10pt", text_font_style="bold",
        source=ColumnDataSource({"x": [centres[n][0] for n in order],
                                 "y": [centres[n][1] + radii[n] + 0.03 if centres[n][1] >= 0
                                       else centres[n][1] - radii[n] - 0.09 for n in order],
                                 "text": texts}), name="network_names"))
    fig.add_layout(Legend(items=legend_items, label_text_font_size="10pt"), "below")
    fig.add_layout(Label(x=10, y=10, x_units="screen", y_units="screen", name="caption",
                         text=t("networks.caption", lang, networks=len(order), spanners=len(sp),
                                people=len(nodes)), text_font_size="10pt", text_color="#444444"))
    return NetworksPicture(fig, nodes[["x", "y"]], nodes, ties)
