"""The network picture: a Bokeh figure of people (or organisations, sectors, networks)
and their ties, with fixed positions so that rounds can be compared side by side.

* Nodes: fill colour by sector (legend in Finnish or English), size by a measure,
  marker by organisation kind; hover shows name, organisation, sector and measures.
* Ties: width by strength; grey when people only met at events, dark grey when a tie was
  reported, blue for co-development and joint projects (as in the deck), and ties new
  since ``previous`` highlighted on top.  By default only the backbone is drawn (the
  disparity filter of :func:`~verkostolab.graphs.backbone`, Serrano, Boguñá & Vespignani
  2009): the ties someone clearly puts their time into; the caption says how many faint
  ties (e.g. of a one-off plenary) it hides.  ``backbone_alpha=None`` draws every tie.
* Positions: from :func:`~verkostolab.viz.layout.layout_positions`; by default computed
  on the *whole* data, so that pictures of different periods put everybody in the
  same place.
* Graph and node measures: those of an :class:`~verkostolab.measures.Analysis`
  (``network_picture(analysis)``), or of ``analyse(data, ...)``: the picture, the
  tables and the tips of one analysis show the same figures, computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from bokeh.models import (ColumnDataSource, HoverTool, LabelSet, Legend, LegendItem, Range1d,
                          Title)
from bokeh.plotting import figure

from ..graphs import BACKBONE_ALPHA, backbone, project_participation, tie_table
from ..i18n import format_percent, shown_source, t
from ..measures.analysis import Analysis, analyse
from ..tables.data import NetworkData
from ..tables.privacy import pseudonymise as pseudonymise_data
from ..tables.privacy import pseudonymise_labels
from .labels import CHAR_EM, compress_outliers, place_labels
from .layout import backbone_positions, layout_positions
from .style import TIE_COLOURS, kind_marker, scale_sizes, scale_widths, sector_colour

__all__ = ["Picture", "network_picture", "add_name_labels", "SIZE_MEASURES", "CO_DEVELOPMENT_KINDS"]

#: Measures a picture can size its nodes by.
SIZE_MEASURES = ("degree", "strength", "betweenness", "closeness", "eigenvector", "pagerank",
                 "coreness", "effective_size")
CO_DEVELOPMENT_KINDS = ("co_development", "joint_project")
_TIE_TABLE_OPTIONS = ("event_weights", "half_life", "reported_weight", "include_reported",
                      "max_event_size", "size_weighting")


@dataclass
class Picture:
    """A drawn network: the Bokeh ``figure`` and what was drawn on it.

    ``layout`` is the figure with its controls above it (filters, the period slider and
    the focus hint; :mod:`~verkostolab.viz.controls`) for the HTML page; ``figure``
    alone is what a PNG or a widget shows.  ``labels`` are the placed name labels
    (``id``, ``label`` and the box ``left``, ``bottom``, ``width``, ``height`` in pixels
    of the plot frame, origin bottom left); ``periods`` the ``(label, "FROM:TO")``
    pairs of the slider.
    """

    figure: object
    positions: pd.DataFrame
    nodes: pd.DataFrame
    ties: pd.DataFrame
    notes: list = field(default_factory=list)
    #: Ties of the network not drawn (left out of the backbone or below ``min_weight``).
    hidden: int = 0
    layout: object = None
    labels: pd.DataFrame | None = None
    periods: list = field(default_factory=list)
    controls: dict = field(default_factory=dict)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .export import figure_html

        return {"text/html": figure_html(self.layout if self.layout is not None else self.figure)}


def _tie_kinds(data: NetworkData, ties: pd.DataFrame) -> pd.Series:
    """``co_development``, ``reported`` or ``met`` for each row of ``ties``."""
    kind = pd.Series(np.where(ties["reported"] > 0, "reported", "met"), index=ties.index)
    codev_events = data.events[data.events["kind"].isin(CO_DEVELOPMENT_KINDS)]["event_id"]
    part = data.participation[data.participation["event_id"].isin(codev_events)]
    pairs = set()
    if len(part):
        p = project_participation(part)
        pairs |= {tuple(sorted((a, b))) for a, b in zip(p["source"].astype(str), p["target"].astype(str))}
    rep = data.ties[data.ties["kind"].isin(CO_DEVELOPMENT_KINDS)]
    pairs |= {tuple(sorted((str(a), str(b)))) for a, b in zip(rep["source"], rep["target"])}
    if pairs:
        key = [tuple(sorted((str(a), str(b)))) for a, b in zip(ties["source"], ties["target"])]
        kind[[k in pairs for k in key]] = "co_development"
    return kind


def _edge_frame(graph) -> pd.DataFrame:
    names = np.asarray(graph.vs["name"], dtype=object)
    frame = graph.get_edge_dataframe()
    if frame.empty:
        return pd.DataFrame(columns=["source", "target", "weight", "reported", "shared_events"])
    frame["source"] = names[frame["source"].to_numpy()]
    frame["target"] = names[frame["target"].to_numpy()]
    for col in ("reported", "shared_events"):
        if col not in frame:
            frame[col] = 0
    return frame.reset_index(drop=True)


def add_name_labels(fig, nodes, *, order, frame, font_px: float, font_size: str,
                    text_color: str, bg_alpha: float):
    """Place names (``nodes``: ``px``, ``py``, ``size``, ``label``, ``x``, ``y``) in the order
    given where they overlap no other name and stay inside ``frame`` (see
    :func:`verkostolab.viz.labels.place_labels`), and draw them on ``fig`` as one
    ``LabelSet`` named ``labels``.  Returns (the placed labels, their data source or
    ``None``)."""
    placed = place_labels(nodes["px"].to_numpy(), nodes["py"].to_numpy(), nodes["size"].to_numpy() / 2,
                          nodes["label"].astype(str).tolist(), font_px=font_px, frame=frame,
                          order=order, avoid_nodes=len(nodes) <= 150)
    rows = placed["index"].to_numpy(dtype=int)
    placed.insert(0, "id", nodes.index[rows].astype(str))
    placed.insert(1, "label", nodes["label"].astype(str).to_numpy()[rows])
    if not len(placed):
        return placed, None
    source = ColumnDataSource({
        "x": nodes["x"].to_numpy()[rows], "y": nodes["y"].to_numpy()[rows],
        "label": placed["label"].to_numpy(), "id": placed["id"].to_numpy(),
        "dx": placed["dx"].to_numpy(), "dy": placed["dy"].to_numpy(),
        "align": placed["align"].to_numpy(), "baseline": placed["baseline"].to_numpy(),
        "alpha": np.ones(len(placed)), "bg": np.full(len(placed), bg_alpha)})
    fig.add_layout(LabelSet(x="x", y="y", text="label", source=source, x_offset="dx",
                            y_offset="dy", text_align="align", text_baseline="baseline",
                            text_alpha="alpha", background_fill_color="#FFFFFF",
                            background_fill_alpha="bg", text_font_size=font_size,
                            text_color=text_color, name="labels"))
    return placed, source


def network_picture(data: NetworkData | Analysis, *, level: str | None = None, period=None,
                    network=None, size_by: str = "degree", lang: str | None = None,
                    pseudonymise: bool = False, positions: pd.DataFrame | None = None,
                    previous: NetworkData | Analysis | None = None, min_weight: float = 0.0,
                    labels: str = "auto", title: str | None = None, seed: int | None = None,
                    width: int = 900, height: int = 700,
                    analysis: Analysis | None = None,
                    backbone_alpha: float | None = BACKBONE_ALPHA,
                    controls: bool = True) -> Picture:
    """Draw the network of ``data`` (see the module text).

    ``network_picture(analysis)`` (or ``network_picture(data, analysis=analysis)``)
    draws the graph and node measures of an :class:`~verkostolab.measures.Analysis`
    without building them again; its level, period, network and seed hold, and
    ``level``, ``period``, ``network`` and ``seed`` may only repeat them.
    ``network_picture(data, level=..., period=...)`` draws ``analyse(data, ...)``
    (default: people, all time, seed 0).

    Parameters
    ----------
    positions : DataFrame, optional
        Positions to keep (``x``, ``y`` by id); by default the layout of the whole data.
    previous : NetworkData or Analysis, optional
        Ties absent from ``previous`` are highlighted as new.
    min_weight : float
        Ties weaker than this are not drawn (a dense network becomes readable).
    backbone_alpha : float or None
        Draw the disparity-filter backbone at this significance level (default 0.05);
        None draws every tie.  ``Picture.hidden`` and the caption give the ties left out.
    labels : {"auto", "all", "none"}
        Name labels, placed largest first (by ``size_by``) where they overlap no other
        label and stay inside the frame; a name that fits nowhere is on hover only.
        ``auto`` tries every node up to 80 nodes, else the 40 largest; ``all`` tries
        every node; ``none`` draws none.
    controls : bool
        Build ``Picture.layout``: filters by sector, organisation and network, focus on
        a clicked person's own network and (for a picture of the whole time) a slider
        over the half-years, all in the browser.
    """
    if size_by not in SIZE_MEASURES:
        from ..errors import ParameterError

        raise ParameterError("error.unknown_measure", value=size_by, allowed=", ".join(SIZE_MEASURES))
    if level == "network" and isinstance(data, NetworkData) and analysis is None and network is None:
        from .networks import networks_picture  # the network of networks (viz/networks.py)

        return networks_picture(data, period=period, lang=lang, pseudonymise=pseudonymise,
                                title=title, width=width)
    if period is not None and period != "" and not isinstance(data, Analysis):
        from ..measures.change import check_period

        check_period(data, period)  # a period without data: an error naming the data's range
    relabel = pseudonymise
    if pseudonymise and isinstance(data, NetworkData) and analysis is None:
        relabel = False  # the ids and names are the pseudonyms already
        # Ids, e-mail addresses, roles, small organisations and named events: nothing
        # that identifies a person reaches the page's data.
        data = pseudonymise_data(data, lang=lang)
        if isinstance(previous, NetworkData):
            previous = pseudonymise_data(previous, lang=lang)
    analysis = _analysis_of(data, analysis, level=level, period=period, network=network, seed=seed)
    data, level, period, network, seed = (analysis.data, analysis.level, analysis.period,
                                          analysis.network, analysis.seed)
    graph = analysis.graph
    if positions is None:
        # The whole data (no period, network or kind) with the same weights.
        whole = {k: v for k, v in analysis.graph_options.items() if k not in ("kind", "nodes")}
        base = analyse(data, level=level, seed=seed, **whole).graph
        # Laid out on the backbone (the faint ties would pull everybody to the middle).
        positions = (backbone_positions(base, seed=seed, alpha=backbone_alpha)
                     if backbone_alpha is not None else layout_positions(base, seed=seed))
    base_positions = positions
    positions = layout_positions(graph, fixed=positions, seed=seed)
    # Drawn where the layout puts them, but a few far-off small groups pulled in (the
    # same pull for every period: it is measured on the whole data's positions).
    shown_at = compress_outliers(positions, reference=base_positions)
    measures = analysis.nodes
    ids = [str(v) for v in graph.vs["name"]]
    nodes = pd.DataFrame(index=pd.Index(ids, name="id"))
    attrs = {a: graph.vs[a] for a in graph.vs.attributes()}
    nodes["label"] = attrs.get("label", ids)
    if relabel and level == "person":
        nodes["label"] = pseudonymise_labels(ids, lang=lang)
    nodes["organisation"] = attrs.get("organisation_name", attrs.get("organisation", [None] * len(ids)))
    if pseudonymise and level == "organisation":
        nodes["label"] = pseudonymise_labels(ids, lang=lang)
    sectors = attrs.get("sector", [None] * len(ids))
    nodes["sector"] = [s if isinstance(s, str) else "unknown" for s in sectors]
    nodes["sector_label"] = [t(f"sector.{s}", lang) for s in nodes["sector"]]
    kinds = attrs.get("kind", [None] * len(ids))
    nodes["kind_label"] = [t(f"organisation_kind.{k}", lang) if isinstance(k, str) else "" for k in kinds]
    nodes["marker"] = [kind_marker(k) for k in kinds]
    nodes["colour"] = [sector_colour(s) for s in nodes["sector"]]
    nodes["degree"] = measures["degree"].to_numpy()
    nodes["betweenness"] = measures["betweenness"].round(3).to_numpy()
    nodes["size_value"] = measures[size_by].to_numpy()
    # Smaller markers in a large network (10-36 px up to 100 nodes, 5-20 px at 2,000).
    shrink = min(1.0, (100 / max(len(ids), 1)) ** 0.2)
    nodes["size"] = scale_sizes(nodes["size_value"], smallest=10.0 * shrink, largest=36.0 * shrink)
    nodes[["x", "y"]] = shown_at.loc[ids, ["x", "y"]].to_numpy()
    member = (_memberships(analysis, level, graph, period, lang) if controls and level in ("person", "organisation")
              else None)
    if member is not None:
        nodes["networks"] = [member["node_networks"].get(i, ",") for i in ids]
        nodes["periods"] = [member["node_periods"].get(i, ",") for i in ids]
    if pseudonymise and level == "person":
        nodes["organisation"] = ""

    ties = _edge_frame(graph)
    in_backbone = (backbone(graph, alpha=backbone_alpha) if backbone_alpha is not None
                   else np.ones(len(ties), dtype=bool))
    if level == "person" and len(ties):
        ties["kind"] = _tie_kinds(analysis.selected, ties)
    else:
        ties["kind"] = "met"
    all_ties = len(ties)
    ties = ties[(ties["weight"] >= min_weight).to_numpy() & in_backbone].reset_index(drop=True)
    hidden = all_ties - len(ties)
    if member is not None:
        ties["periods"] = [member["tie_periods"].get(frozenset((str(a), str(b))), ",")
                           for a, b in zip(ties["source"], ties["target"])]
    if pseudonymise and level in ("person", "organisation"):
        # The page's data holds no real id (ids may be e-mail addresses or names).
        alias = dict(zip(ids, nodes["label"]))
        nodes.index = pd.Index([alias[i] for i in ids], name="id")
        ties["source"] = ties["source"].astype(str).map(alias)
        ties["target"] = ties["target"].astype(str).map(alias)
    ties["new"] = False
    if previous is not None and len(ties):
        if isinstance(previous, Analysis) and previous.level != level:
            raise ValueError(f"previous is an analysis at level {previous.level!r}, not {level!r}")
        before = (previous if isinstance(previous, Analysis) else analyse(previous, level=level)).graph
        old = {tuple(sorted(p)) for p in zip(*[_edge_frame(before)[c].astype(str) for c in ("source", "target")])}
        if pseudonymise and level in ("person", "organisation"):
            old = {tuple(sorted(alias.get(i, i) for i in p)) for p in old}
        ties["new"] = [tuple(sorted((str(a), str(b)))) not in old for a, b in zip(ties["source"], ties["target"])]

    font_px = 12.0  # the name labels: 9pt
    sector_order = [s for s in ("private", "public", "third_sector", "research", "education",
                                "politics", "other", "unknown") if s in set(nodes["sector"])]
    kind_order = sorted({k for k in kinds if isinstance(k, str)})
    tie_order = [k for k in ("met", "reported", "co_development")
                 if ((ties["kind"] == k) & ~ties["new"]).any()] + (["new"] if ties["new"].any() else [])
    legend_texts = ([t(f"picture.tie.{k}", lang) for k in tie_order]
                    + [t(f"sector.{s}", lang) for s in sector_order]
                    + [t(f"organisation_kind.{k}", lang) for k in kind_order])
    # The frame's size is fixed (and the scale equal on both axes), so that a label's
    # box in pixels is a box in data units: labels are placed here, and stay inside.
    frame_height = max(220, height - 140)
    row_px = 20
    ncols = max(1, -(-len(legend_texts) * row_px // max(1, frame_height - 24)))
    col_px = 40 + CHAR_EM * (10 / 0.75) * max((len(x) for x in legend_texts), default=0)
    legend_px = int(ncols * col_px + 24)
    # Beside the frame when it leaves the network most of the width, else below it.
    legend_side = "right" if legend_px <= 0.45 * width else "below"
    if legend_side == "below":
        ncols = max(1, int((width - 64) // col_px))
        legend_px = 0
    frame_width = max(220, width - legend_px - 24 - 40)  # the toolbar: 40 px on the right
    canvas_px = frame_width + legend_px
    fig = figure(frame_width=frame_width, frame_height=frame_height,
                 tools="pan,wheel_zoom,box_zoom,reset,save", active_scroll="wheel_zoom",
                 toolbar_location="right", name="network_picture", min_border=8)
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = None
    source_name = title or ("" if pseudonymise else shown_source(data.source, lang)) or ""
    when = t("picture.period", lang, period=period) if period else t("picture.all_time", lang)
    title_text = f"{t('picture.title', lang, source=source_name)} — {when}"
    # As large as fits over the frame (16pt at most), wrapped below 11pt: nothing runs
    # out of its place or is cut at the edge.
    bold_em = CHAR_EM * 1.1
    title_px = min(16 / 0.75, (frame_width - 8) / max(1, len(title_text) * bold_em))
    title_lines = [title_text]
    if title_px < 11 / 0.75:
        title_px = 11 / 0.75
        title_lines = _wrap(title_text, (frame_width - 8) / (title_px * bold_em))
    fig.title.text = "\n".join(title_lines)
    fig.title.text_font_size = f"{title_px * 0.75:.1f}pt"

    margin = 22.0  # the largest marker's radius (18 px) and its outline
    if len(nodes):
        x, y = nodes["x"].to_numpy(dtype=float), nodes["y"].to_numpy(dtype=float)
        dx, dy = x.max() - x.min(), y.max() - y.min()
        spans = [(frame_width - 2 * margin) / dx if dx > 0 else np.inf,
                 (frame_height - 2 * margin) / dy if dy > 0 else np.inf]
        scale = min(spans) if np.isfinite(min(spans)) else 1.0
        cx, cy = (x.max() + x.min()) / 2, (y.max() + y.min()) / 2
        x0, y0 = cx - frame_width / 2 / scale, cy - frame_height / 2 / scale
        fig.x_range = Range1d(x0, x0 + frame_width / scale)
        fig.y_range = Range1d(y0, y0 + frame_height / scale)
        nodes["px"] = (x - x0) * scale
        nodes["py"] = (y - y0) * scale
    else:
        scale = 1.0
        nodes["px"] = nodes["py"] = np.zeros(0)
    nodes["base"] = 0.95
    nodes["alpha"] = 0.95

    legend_items = []
    tie_renderers = []
    pos = nodes[["x", "y"]]
    for kind in ("met", "reported", "co_development"):
        sub = ties[(ties["kind"] == kind) & ~ties["new"]]
        if sub.empty:
            continue
        r = _draw_ties(fig, sub, pos, TIE_COLOURS[kind], alpha=0.35 if kind == "met" else 0.6,
                       name=f"ties_{kind}")
        tie_renderers.append(r)
        legend_items.append(LegendItem(label=t(f"picture.tie.{kind}", lang),
                                       renderers=[_legend_line(fig, r), r]))
    new = ties[ties["new"]]
    if not new.empty:
        r = _draw_ties(fig, new, pos, TIE_COLOURS["new"], alpha=0.9, name="ties_new", dash="dashed")
        tie_renderers.append(r)
        legend_items.append(LegendItem(label=t("picture.tie.new", lang),
                                       renderers=[_legend_line(fig, r), r]))

    node_renderers = []
    for sector in sector_order:
        sub = nodes[nodes["sector"] == sector].reset_index()
        src = _source(sub)
        r = fig.scatter("x", "y", source=src, size="size", marker="marker", fill_color="colour",
                        line_color="#333333", line_width=1.2, fill_alpha="alpha", line_alpha="alpha",
                        name=f"nodes_{sector}")
        # A click chooses whose own network is shown (controls); the look stays.
        r.selection_glyph = r.glyph.clone()
        r.nonselection_glyph = r.glyph.clone()
        node_renderers.append(r)
    # The legend shows each sector's colour on a plain circle and each kind's marker in
    # white: one invisible renderer, one legend row per data row (LegendItem.index).
    keys = pd.DataFrame({
        "x": np.nan, "y": np.nan,
        "marker": ["circle"] * len(sector_order) + [kind_marker(k) for k in kind_order],
        "colour": [sector_colour(s) for s in sector_order] + ["#FFFFFF"] * len(kind_order)})
    key_renderer = fig.scatter("x", "y", source=_source(keys), marker="marker", size=16,
                               fill_color="colour", line_color="#333333", name="legend_keys")
    for i, sector in enumerate(sector_order):
        legend_items.append(LegendItem(label=t(f"sector.{sector}", lang), renderers=[key_renderer], index=i))
    for j, kind in enumerate(kind_order):
        legend_items.append(LegendItem(label=t(f"organisation_kind.{kind}", lang),
                                       renderers=[key_renderer], index=len(sector_order) + j))
    hover = [(t("picture.hover.name", lang), "@label"),
             (t("picture.hover.sector", lang), "@sector_label"),
             (t("picture.hover.degree", lang), "@degree"),
             (t("picture.hover.betweenness", lang), "@betweenness")]
    if level in ("person", "organisation"):
        hover.insert(1, (t("picture.hover.organisation", lang), "@organisation"))
        hover.insert(3, (t("picture.hover.kind", lang), "@kind_label"))
    fig.add_tools(HoverTool(renderers=node_renderers, tooltips=hover))

    # Names: largest first (by the size measure), where they overlap no other name and
    # stay inside the frame; the rest are on hover.
    if labels == "none" or not len(nodes):
        tried = []
    else:
        tried = np.argsort(-nodes["size_value"].fillna(0).to_numpy(dtype=float), kind="stable")
        if labels == "auto" and len(nodes) > 80:
            tried = tried[:40]
    placed, label_source = add_name_labels(fig, nodes, order=tried, frame=(frame_width, frame_height),
                                           font_px=font_px, font_size=f"{font_px * 0.75:g}pt",
                                           text_color="#222222", bg_alpha=0.75)
    legend = Legend(items=legend_items, location="top_left", click_policy="hide",
                    label_text_font_size="10pt", glyph_height=18, glyph_width=22, label_height=18,
                    spacing=2,
                    ncols=ncols, name="legend")
    fig.add_layout(legend, legend_side)
    count_text = t("picture.nodes_ties", lang, nodes=len(nodes), ties=len(ties))
    size_text = t("picture.size_by", lang, measure=t(f"measure.{size_by}", lang) if size_by != "coreness" and size_by != "effective_size" else size_by)
    caption = [f"{count_text} · {size_text}"]
    notes = []
    if hidden:
        share = hidden / all_ties
        key = "picture.hidden_backbone" if backbone_alpha is not None else "picture.hidden_weak"
        notes.append(t(key, lang, hidden=hidden, total=all_ties, share=format_percent(share, lang),
                       alpha=backbone_alpha))
        caption.append(notes[-1])
    caption_lines = [line for text in caption for line in _wrap(text, (frame_width - 8) / (10 / 0.75 * CHAR_EM))]
    fig.add_layout(Title(text="\n".join(caption_lines), text_font_size="10pt", text_font_style="normal",
                         text_color="#444444", align="left", name="caption"), "below")
    picture = Picture(fig, positions, nodes, ties, notes=notes, hidden=hidden, labels=placed)
    if controls:
        from .controls import picture_controls

        picture.periods = member["periods"] if member is not None and not period else []
        picture.layout, picture.controls = picture_controls(
            fig, node_renderers=node_renderers, tie_renderers=tie_renderers,
            label_source=label_source, nodes=nodes, lang=lang,
            networks=member["networks"] if member is not None else [],
            periods=picture.periods, organisations=level == "person" and not pseudonymise,
            width=canvas_px)
    return picture


def _wrap(text: str, chars: float) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken between words.

    >>> _wrap("yksi kaksi kolme", 10)
    ['yksi kaksi', 'kolme']
    """
    lines: list[str] = []
    for word in str(text).split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _memberships(analysis: Analysis, level: str, graph, period, lang=None) -> dict:
    """What the controls filter by, for each node and tie of ``graph``: the networks a
    node's events belong to and the half-years (of a picture of the whole time) in which
    a node or tie is present, as index strings ``",0,2,"``."""
    data = analysis.data
    events = data.events
    part = data.participation.merge(events[["event_id", "network"]], on="event_id", how="left")
    if level == "organisation":
        owner = dict(zip(data.actors["actor_id"].astype(str), data.actors["organisation_id"]))
        part = part.assign(node=part["actor_id"].astype(str).map(owner))
    else:
        part = part.assign(node=part["actor_id"].astype(str))
    part = part.dropna(subset=["node", "network"])
    networks = sorted({str(n) for n in part["network"]})
    index = {n: i for i, n in enumerate(networks)}
    node_networks = {str(node): "," + ",".join(str(index[str(n)]) for n in sorted(set(group))) + ","
                     for node, group in part.groupby("node")["network"]}
    periods, node_periods, tie_periods = [], {}, {}
    if not period:
        dates = pd.to_datetime(events["date"], errors="coerce").dropna()
        halves = sorted({(d.year, 1 if d.month <= 6 else 2) for d in dates})
        if len(halves) >= 2:
            whole = {k: v for k, v in analysis.graph_options.items() if k not in ("kind", "nodes")}
            for i, (year, half) in enumerate(halves):
                span = f"{year}-01:{year}-06" if half == 1 else f"{year}-07:{year}-12"
                periods.append((t(f"picture.half.{half}", lang, year=year), span))
                if level == "person":  # the ties alone (the graph's attributes cost more)
                    pairs = tie_table(data, period=span, **{k: v for k, v in whole.items()
                                                            if k in _TIE_TABLE_OPTIONS})
                    pairs = zip(pairs["source"].astype(str), pairs["target"].astype(str))
                else:
                    g = analyse(data, level=level, period=span, seed=analysis.seed, **whole).graph
                    names = [str(v) for v in g.vs["name"]]
                    pairs = ((names[a], names[b]) for a, b in g.get_edgelist())
                present = set()
                for a, b in pairs:
                    present.update((a, b))
                    key = frozenset((a, b))
                    tie_periods[key] = tie_periods.get(key, ",") + f"{i},"
                for v in present:
                    node_periods[v] = node_periods.get(v, ",") + f"{i},"
    return {"networks": networks, "node_networks": node_networks, "periods": periods,
            "node_periods": node_periods, "tie_periods": tie_periods}



def _analysis_of(data, analysis, *, level, period, network, seed) -> Analysis:
    """The analysis to draw: ``analysis``, or ``data`` when it is one, or ``analyse(data)``;
    options given beside an analysis must be its own."""
    if isinstance(data, Analysis):
        if analysis is not None and analysis is not data:
            raise ValueError("give the analysis once: as data or as analysis=")
        analysis = data
    if analysis is None:
        return analyse(data, level=level or "person", period=period, network=network,
                       seed=0 if seed is None else seed)
    if analysis.data is not data and not isinstance(data, Analysis):
        raise ValueError("the analysis is of other data")
    asked = {"level": level, "period": period, "network": network, "seed": seed}
    clash = [k for k, v in asked.items() if v is not None and v != getattr(analysis, k)]
    if clash:
        raise ValueError(f"the analysis has other {', '.join(clash)}: "
                         + ", ".join(f"{k}={getattr(analysis, k)!r}" for k in clash))
    return analysis


def _draw_ties(fig, ties, pos, colour, *, alpha, name, dash="solid"):
    a = pos.reindex(ties["source"].astype(str)).to_numpy(dtype=float)
    b = pos.reindex(ties["target"].astype(str)).to_numpy(dtype=float)
    columns = {"x0": a[:, 0], "y0": a[:, 1], "x1": b[:, 0], "y1": b[:, 1],
               "width": scale_widths(ties["weight"]),
               "weight": ties["weight"].round(2).to_numpy(dtype=float),
               "source": ties["source"].astype(str).to_numpy(), "target": ties["target"].astype(str).to_numpy(),
               "base": np.full(len(ties), alpha), "alpha": np.full(len(ties), alpha)}
    if "periods" in ties:
        columns["periods"] = ties["periods"].to_numpy()
    src = ColumnDataSource(columns)
    return fig.segment("x0", "y0", "x1", "y1", source=src, line_width="width", line_color=colour,
                       line_alpha="alpha", line_dash=dash, name=name)


def _legend_line(fig, drawn):
    """An empty line renderer in the look of ``drawn`` with a fixed alpha: the legend
    draws its first renderer, and the drawn ties' alpha changes with the filters."""
    g = drawn.glyph
    width = float(np.median(drawn.data_source.data["width"])) if len(drawn.data_source.data["width"]) else 1.0
    return fig.segment([np.nan], [np.nan], [np.nan], [np.nan], line_color=g.line_color,
                       line_alpha=float(drawn.data_source.data["base"][0]), line_width=max(width, 2.0),
                       line_dash=g.line_dash, name=f"legend_{drawn.name}")


def _source(frame: pd.DataFrame) -> ColumnDataSource:
    """A data source from a frame's columns (not its index)."""
    return ColumnDataSource({str(c): frame[c].to_numpy() for c in frame.columns})
