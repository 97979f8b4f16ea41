"""Charts beside the network picture, all Bokeh, all labelled from the catalogue.

* :func:`ktc_chart` — knowing, trust and commitment by item and group (bars);
* :func:`evaluation_chart` — strengths and development targets;
* :func:`growth_chart` — ties, density and cross-sector share across rounds;
* :func:`distribution_chart` — the distribution of a node measure;
* :func:`networks_chart` — the network of networks with its boundary spanners;
* :func:`annual_clock` — the network's *vuosikello*: its events around the year, by kind.

The network of organisations or sectors is :func:`~verkostolab.viz.picture.network_picture`
with ``level="organisation"`` or ``"sector"``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from bokeh.models import (ColumnDataSource, FactorRange, HoverTool, Label, LabelSet, Legend,
                          LegendItem, Range1d, Title)
from bokeh.plotting import figure
from bokeh.transform import dodge

from ..i18n import t
from ..measures import boundary_spanners
from ..measures.analysis import Analysis, analyse
from ..tables.data import NetworkData
from .style import SECTOR_COLOURS

__all__ = ["assessment_scores", "evaluation_findings", "ktc_chart", "evaluation_chart", "growth_chart", "distribution_chart",
           "networks_chart", "annual_clock", "KIND_COLOURS"]

DIMENSION_COLOURS = {"knowing": "#56B4E9", "trust": "#009E73", "commitment": "#E69F00"}
#: The whole network's bars beside the sectors' (a colour no sector has).
WHOLE_NETWORK_COLOUR = "#4D4D4D"
#: Colours of event kinds in the annual clock.
KIND_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                "#999999", "#332288", "#88CCEE", "#44AA99", "#117733", "#AA4499", "#882255", "#DDCC77"]


def _figure(**kwargs):
    kwargs.setdefault("sizing_mode", "fixed")
    kwargs.setdefault("toolbar_location", "above")
    kwargs.setdefault("tools", "pan,wheel_zoom,reset,save")
    fig = figure(**kwargs)
    fig.title.text_font_size = "14pt"
    return fig


def assessment_scores(assessment, *, by: str | None = None) -> pd.DataFrame:
    """The item means of an :class:`~verkostolab.measures.assessment.Assessment` as the frame
    :func:`ktc_chart` draws: the whole network (``group="all"``) and, with ``by``
    (``sector``, ``organisation``, ``network``), each group that is not suppressed."""
    items = assessment.items
    rows = [{"item": item, "group": "all", "mean": row["mean"],
             "n": 0 if row["suppressed"] else int(row["respondents"])} for item, row in items.iterrows()]
    if by:
        g = assessment.groups
        g = g[(g["by"] == by) & g["score"].str.contains(".", regex=False)]
        for _, row in g.iterrows():
            rows.append({"item": row["score"], "group": row["group"], "mean": row["mean"],
                         "n": 0 if row["suppressed"] else int(row["respondents"])})
    return pd.DataFrame(rows, columns=["item", "group", "mean", "n"])


def evaluation_findings(evaluation, *, lang: str | None = None) -> pd.DataFrame:
    """Findings of an :class:`~verkostolab.advice.Evaluation` as the frame
    :func:`evaluation_chart` draws; ``score`` is how far the figure is past its
    threshold (0.15–1)."""
    rows = []
    for finding in [*evaluation.strengths, *evaluation.targets]:
        value, threshold = finding.value, finding.threshold
        margin = 0.5 if threshold in (None, 0) or pd.isna(value) else abs(value - threshold) / abs(threshold)
        rows.append({"label": finding.title(lang), "kind": finding.kind,
                     "score": float(min(1.0, max(0.15, margin)))})
    frame = pd.DataFrame(rows, columns=["label", "kind", "score"])
    return frame.drop_duplicates("label")


def ktc_chart(scores: pd.DataFrame, *, lang: str | None = None, min_group: int = 5,
              width: int = 900, height: int = 500):
    """Bars of knowing/trust/commitment per item, one bar per group.

    ``scores`` has columns ``item`` (an assessment item code), ``group`` (a label, e.g.
    "all" or a sector), ``mean`` and ``n`` (respondents).  Rows with ``n < min_group``
    are not drawn: no answer can be traced to a person.
    """
    from ..i18n import catalogue, default_lang
    from ..tables.schema import ASSESSMENT_ITEMS

    frame = scores.copy()
    frame = frame[(frame["n"] >= min_group) & frame["mean"].notna()]
    present = set(scores["item"])
    items = [i for i in ASSESSMENT_ITEMS if i in present]
    groups = list(dict.fromkeys(frame["group"]))
    cat = catalogue(lang or default_lang())
    group_label = {g: t("chart.ktc.all", lang) if g == "all" else cat.get(f"sector.{g}", str(g))
                   for g in groups}
    labels = {i: t(f"assessment_item.{i}", lang).split(": ", 1)[-1] for i in items}
    dims = {i: i.split(".")[0] for i in items}
    factors = [(t(f"column.{dims[i]}", lang), labels[i]) for i in items]
    fig = _figure(width=width, height=height, x_range=FactorRange(*factors), y_range=Range1d(0, 5.4),
                  title=t("chart.ktc.title", lang), name="ktc_chart")
    fig.yaxis.axis_label = t("chart.ktc.mean", lang)
    fig.xaxis.major_label_orientation = 0.9
    step = 0.8 / max(len(groups), 1)
    others = [c for c in KIND_COLOURS if c not in SECTOR_COLOURS.values()]
    items_legend = []
    for k, group in enumerate(groups):
        sub = frame[frame["group"] == group]
        src = ColumnDataSource({"x": [(t(f"column.{dims[i]}", lang), labels[i]) for i in sub["item"]],
                                "mean": sub["mean"].round(2).to_numpy(), "n": sub["n"].to_numpy(),
                                "group": [group_label[group]] * len(sub)})
        # One sector palette in every view: a sector's bars are its colour in the picture.
        colour = (DIMENSION_COLOURS["trust"] if len(groups) == 1 else WHOLE_NETWORK_COLOUR if group == "all"
                  else SECTOR_COLOURS[group] if group in SECTOR_COLOURS else others[k % len(others)])
        r = fig.vbar(x=dodge("x", -0.4 + step * (k + 0.5), range=fig.x_range), top="mean",
                     width=step * 0.9, source=src, fill_color=colour, line_color=None,
                     name=f"ktc_{group}")
        items_legend.append(LegendItem(label=group_label[group], renderers=[r]))
    fig.add_tools(HoverTool(tooltips=[("", "@group"), (t("chart.ktc.mean", lang), "@mean"), ("n", "@n")]))
    if len(groups) > 1:
        fig.add_layout(Legend(items=items_legend, location="top_left"), "right")
    suppressed = scores[(scores["n"] < min_group) & (scores["n"] > 0)]["group"].nunique()
    if suppressed:
        fig.add_layout(Title(text=t("chart.ktc.suppressed", lang, min_group=min_group),
                             text_font_size="9pt", text_font_style="italic", name="suppressed"),
                       "below")
    return fig


def evaluation_chart(findings: pd.DataFrame, *, lang: str | None = None, width: int = 900):
    """Horizontal bars of strengths (right, green) and development targets (left, orange).

    ``findings`` has ``label`` (already in ``lang``), ``kind`` (``strength``/``target``)
    and ``score`` (how clearly it holds, 0–1).
    """
    frame = findings.copy()
    frame["signed"] = np.where(frame["kind"] == "strength", frame["score"], -frame["score"])
    frame = frame.sort_values("signed")
    frame["colour"] = np.where(frame["kind"] == "strength", "#009E73", "#E69F00")
    frame["kind_label"] = [t(f"chart.evaluation.{k}", lang) for k in frame["kind"]]
    height = 120 + 36 * len(frame)
    fig = _figure(width=width, height=height, y_range=FactorRange(*frame["label"].tolist()),
                  x_range=Range1d(-1.05, 1.05), title=t("chart.evaluation.title", lang),
                  name="evaluation_chart")
    src = _source(frame)
    fig.hbar(y="label", right="signed", height=0.7, fill_color="colour", line_color=None, source=src)
    fig.add_tools(HoverTool(tooltips=[("", "@kind_label"), ("", "@label")]))
    # The axis says which way is which; its numbers (how far past the threshold) stay hidden.
    fig.xaxis.axis_label = t("chart.evaluation.axis", lang)
    fig.xaxis.major_label_text_font_size = "0pt"
    fig.xaxis.major_tick_line_color = None
    fig.xaxis.minor_tick_line_color = None
    return fig


def growth_chart(rounds: list[tuple[str, NetworkData | Analysis]], *, lang: str | None = None,
                 width: int = 900, height: int = 420):
    """Ties, density and cross-sector share across rounds (``(label, data)`` pairs; the
    data of a round may be its :class:`~verkostolab.measures.Analysis`)."""
    rows = []
    for label, data in rounds:
        m = (data if isinstance(data, Analysis) else analyse(data)).summary.to_dict()
        rows.append({"round": str(label), "ties": m["ties"], "density": m["density"],
                     "cross_sector_share": m["cross_sector_share"], "nodes": m["nodes"]})
    frame = pd.DataFrame(rows)
    src = _source(frame)
    left = _figure(width=width // 2, height=height, x_range=FactorRange(*frame["round"]),
                   title=t("chart.growth.title", lang), name="growth_ties")
    left.vbar(x="round", top="ties", width=0.6, source=src, fill_color="#0072B2", line_color=None,
              legend_label=t("measure.ties", lang))
    left.xaxis.axis_label = t("chart.growth.round", lang)
    right = _figure(width=width // 2, height=height, x_range=FactorRange(*frame["round"]),
                    y_range=Range1d(0, 1.05), name="growth_shares")
    right.line("round", "density", source=src, line_width=3, color="#E69F00",
               legend_label=t("measure.density", lang))
    right.scatter("round", "density", source=src, size=9, color="#E69F00")
    right.line("round", "cross_sector_share", source=src, line_width=3, color="#009E73",
               legend_label=t("measure.cross_sector_share", lang))
    right.scatter("round", "cross_sector_share", source=src, size=9, color="#009E73")
    right.legend.location = "top_left"
    from bokeh.layouts import row

    layout = row(left, right, name="growth_chart")
    layout.tags = [frame.to_dict(orient="list")]
    return layout


def distribution_chart(values: pd.Series, *, measure: str, lang: str | None = None,
                       bins: int = 20, width: int = 700, height: int = 380):
    """A histogram of a node measure."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    counts, edges = np.histogram(v, bins=bins) if len(v) else (np.array([]), np.array([0.0, 1.0]))
    name = t(f"measure.{measure}", lang) if f"measure.{measure}" in _keys(lang) else measure
    fig = _figure(width=width, height=height, title=t("chart.distribution.title", lang, measure=name),
                  name="distribution_chart")
    fig.quad(top=counts, bottom=0, left=edges[:-1], right=edges[1:], fill_color="#56B4E9",
             line_color="white")
    fig.yaxis.axis_label = t("chart.distribution.count", lang)
    fig.xaxis.axis_label = name
    return fig


def _keys(lang):
    from ..i18n import catalogue, default_lang

    return catalogue(lang or default_lang())


def networks_chart(data: NetworkData, *, lang: str | None = None, top: int = 3,
                   width: int = 800, height: int = 600):
    """The core and theme networks as circles sized by members, linked by shared people,
    each link labelled with its strongest boundary spanners (graphs from
    :func:`~verkostolab.measures.analyse`)."""
    from .layout import layout_positions
    from .style import scale_sizes, scale_widths

    graph = analyse(data, level="network").graph
    pos = layout_positions(graph, seed=0)
    names = [str(v) for v in graph.vs["name"]]
    fig = _figure(width=width, height=height, title=t("chart.networks.title", lang),
                  name="networks_chart", match_aspect=True)
    fig.axis.visible = False
    fig.grid.visible = False
    if graph.ecount():
        xs, ys = [], []
        for e in graph.es:
            a, b = names[e.source], names[e.target]
            xs.append([pos.at[a, "x"], pos.at[b, "x"]])
            ys.append([pos.at[a, "y"], pos.at[b, "y"]])
        src = ColumnDataSource({"xs": xs, "ys": ys, "width": scale_widths(graph.es["weight"], thickest=14),
                                "shared": graph.es["shared_people"]})
        fig.multi_line("xs", "ys", line_width="width", source=src, line_color="#0072B2", line_alpha=0.5,
                       name="network_links")
    members = np.asarray(graph.vs["members"], dtype=float) if graph.vcount() else np.array([])
    spanners = (boundary_spanners(analyse(data).graph, by="network", data=data) if graph.vcount()
                else pd.DataFrame())
    top_names = ", ".join(spanners.head(top)["name"].astype(str)) if len(spanners) else ""
    src = ColumnDataSource({"x": pos.loc[names, "x"], "y": pos.loc[names, "y"], "name": names,
                            "members": members, "size": scale_sizes(members, smallest=30, largest=90)})
    fig.scatter("x", "y", size="size", source=src, fill_color="#56B4E9", line_color="#333333",
                fill_alpha=0.85, name="network_nodes")
    fig.add_layout(LabelSet(x="x", y="y", text="name", source=src, text_align="center",
                            text_font_size="10pt", y_offset=-4))
    fig.add_tools(HoverTool(tooltips=[("", "@name"), (t("picture.hover.members", lang), "@members")]))
    if top_names:
        fig.add_layout(Label(x=10, y=10, x_units="screen", y_units="screen", text_font_size="10pt",
                             text=t("chart.networks.spanners", lang, names=top_names),
                             name="spanners"))
    if len(pos):
        dx = (pos["x"].max() - pos["x"].min()) or 1.0
        dy = (pos["y"].max() - pos["y"].min()) or 1.0
        fig.x_range = Range1d(pos["x"].min() - 0.35 * dx, pos["x"].max() + 0.35 * dx)
        fig.y_range = Range1d(pos["y"].min() - 0.35 * dy, pos["y"].max() + 0.35 * dy)
    return fig


def annual_clock(data: NetworkData, *, lang: str | None = None, width: int = 700):
    """The *vuosikello*: a ring per month (January at the top, clockwise) with the
    network's events stacked outwards by kind."""
    events = data.events.dropna(subset=["date"])
    counts = (events.assign(month=events["date"].dt.month)
              .groupby(["month", "kind"]).size().rename("n").reset_index())
    kinds = list(dict.fromkeys(counts.sort_values("n", ascending=False)["kind"].fillna("other")))
    fig = _figure(width=width, height=width, title=t("chart.clock.title", lang), name="annual_clock",
                  match_aspect=True, x_range=Range1d(-1.55, 1.55), y_range=Range1d(-1.55, 1.55))
    fig.axis.visible = False
    fig.grid.visible = False
    inner = 0.35
    top = counts.groupby("month")["n"].sum().max() if len(counts) else 1
    unit = (1.0 - inner) / max(top, 1)
    span = 2 * math.pi / 12
    items = []
    base = {m: inner for m in range(1, 13)}
    for k, kind in enumerate(kinds):
        sub = counts[counts["kind"].fillna("other") == kind]
        if sub.empty:
            continue
        start = [math.pi / 2 - (m - 1) * span - span for m in sub["month"]]
        end = [math.pi / 2 - (m - 1) * span for m in sub["month"]]
        inners = [base[m] for m in sub["month"]]
        outers = [base[m] + n * unit for m, n in zip(sub["month"], sub["n"])]
        for m, o in zip(sub["month"], outers):
            base[m] = o
        src = ColumnDataSource({"start": start, "end": end, "inner": inners, "outer": outers,
                                "n": sub["n"].to_numpy(),
                                "kind": [t(f"event_kind.{kind}", lang)] * len(sub),
                                "month": [t(f"month.{m}", lang) for m in sub["month"]]})
        r = fig.annular_wedge(x=0, y=0, inner_radius="inner", outer_radius="outer",
                              start_angle="start", end_angle="end", source=src,
                              fill_color=KIND_COLOURS[k % len(KIND_COLOURS)], line_color="white",
                              name=f"clock_{kind}")
        items.append(LegendItem(label=t(f"event_kind.{kind}", lang), renderers=[r]))
    angles = [math.pi / 2 - (m - 0.5) * span for m in range(1, 13)]
    month_src = ColumnDataSource({"x": [1.25 * math.cos(a) for a in angles],
                                  "y": [1.25 * math.sin(a) for a in angles],
                                  "text": [t(f"month.{m}", lang) for m in range(1, 13)]})
    fig.add_layout(LabelSet(x="x", y="y", text="text", source=month_src, text_align="center",
                            text_baseline="middle", text_font_size="11pt", name="months"))
    fig.add_tools(HoverTool(tooltips=[("", "@month"), ("", "@kind"), ("n", "@n")]))
    if items:
        fig.add_layout(Legend(items=items, label_text_font_size="9pt"), "right")
    return fig


def _source(frame: pd.DataFrame) -> ColumnDataSource:
    """A data source from a frame's columns (not its index)."""
    return ColumnDataSource({str(c): frame[c].to_numpy() for c in frame.columns})
