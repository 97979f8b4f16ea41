"""Small helpers that keep notebooks thin: headings and tables in the reader's language.

>>> heading("nb.mapping.title", "en").data
'## Mapping: the network made visible'
"""

from __future__ import annotations

import pandas as pd

from .i18n import catalogue, default_lang, format_number, format_percent, format_value, shown_source, t

__all__ = ["heading", "text", "summary_table", "measure_table", "top_table", "stage_markdown",
           "REPORT_SECTIONS", "title_block", "contents", "section", "key_figures", "key_figure_tiles",
           "table", "change_table", "chart", "tip_cards", "findings_cards", "response_note",
           "goals_table",
           "estimate_note", "estimate_sentence"]


def _plain(params: dict) -> dict:
    """Values (a file name, a person's name) as Markdown text, never as HTML or markup:
    Markdown passes HTML through, and a report is an HTML page."""
    import html
    import re

    def one(value):
        if not isinstance(value, str):
            return value
        return re.sub(r"([\\`*_\[\]{}()#+!|~>-])", r"\\\1", html.escape(value))

    return {k: one(v) for k, v in params.items()}


def heading(key: str, lang: str | None = None, *, level: int = 2, **params):
    """A Markdown heading from the catalogue (shows in notebooks and reports); the
    values in ``params`` are shown as text (escaped), never as HTML."""
    from IPython.display import Markdown

    return Markdown("#" * level + " " + t(key, lang, **_plain(_shown(params, lang))))


def text(key: str, lang: str | None = None, **params):
    """A catalogue text as Markdown, the values in ``params`` escaped as in :func:`heading`."""
    from IPython.display import Markdown

    return Markdown(t(key, lang, **_plain(_shown(params, lang))))


def _shown(params: dict, lang: str | None) -> dict:
    """A ``source`` parameter as shown in ``lang`` (the sample's name from the catalogue)."""
    if "source" in params:
        params = {**params, "source": shown_source(params["source"], lang)}
    return params


def _label(key: str, lang: str | None) -> str:
    cat = catalogue(lang or default_lang())
    return cat.get(f"measure.{key}") or cat.get(f"column.{key}") or cat.get(f"table.{key}") or key


def summary_table(data, lang: str | None = None) -> pd.DataFrame:
    """Rows per table, period and sectors of ``data``, labelled in ``lang``."""
    s = data.summary()
    rows = [(t(f"table.{k}", lang), v) for k, v in s["tables"].items() if v]
    if s["period"]["start"]:
        rows.append((t("nb.period", lang), f"{s['period']['start']} – {s['period']['end']}"))
    for sector, n in s["sectors"].items():
        rows.append((t(f"sector.{sector}", lang), n))
    return pd.DataFrame(rows, columns=[t("nb.what", lang), t("nb.value", lang)]).set_index(t("nb.what", lang))


def measure_table(summary, lang: str | None = None, keys=None) -> pd.DataFrame:
    """Network figures (a NetworkSummary or dict) with their names in ``lang``."""
    values = summary.to_dict() if hasattr(summary, "to_dict") else dict(summary)
    keys = keys or list(values)
    def shown(v):
        if isinstance(v, float):
            return "–" if v != v else (str(int(v)) if v.is_integer() and abs(v) > 1
                                       else format_number(v, lang, 3))
        return str(v)

    rows = [(_label(k, lang), shown(values[k])) for k in keys]
    return pd.DataFrame(rows, columns=[t("nb.measure", lang), t("nb.value", lang)]).set_index(t("nb.measure", lang))


def top_table(nodes: pd.DataFrame, lang: str | None = None, *, by: str = "betweenness", n: int = 10,
              columns=("name", "sector", "degree", "betweenness", "constraint", "community")) -> pd.DataFrame:
    """The ``n`` nodes highest by ``by``, columns renamed into ``lang``."""
    cols = [c for c in columns if c in nodes.columns]
    top = nodes.sort_values(by, ascending=False).head(n)[cols].copy()
    if "sector" in top:
        top["sector"] = [t(f"sector.{s}", lang) if isinstance(s, str) else "" for s in top["sector"]]
    for c in top.columns:
        if top[c].dtype.kind == "f":  # as the language writes numbers: 0,047 in fi and sv
            top[c] = [("–" if v != v else format_number(v, lang, 3)) for v in top[c]]
    top.columns = [_label(c, lang) for c in top.columns]
    return top.reset_index(drop=True)


def stage_markdown(stage, lang: str | None = None):
    from IPython.display import Markdown

    import html

    return Markdown(f"**{t('measure.stage', lang)}: {html.escape(stage.label(lang))}.** "
                    f"{html.escape(stage.explain(lang))}")


def goals_table(goals, lang: str | None = None) -> pd.DataFrame:
    """Goals measured against the data (``change.goals`` or
    :func:`~verkostolab.measures.measure_goals`), one row per goal with translated
    headings; a free-text indicator says it is not measurable, with no number made up."""
    lang = lang or default_lang()

    def indicator(g):
        if g.get("measure"):
            try:
                return t(f"goals.measure.{g['measure']}", lang)
            except KeyError:
                pass
        return g["indicator"] or "–"

    rows = []
    for g in goals:
        measured = bool(g["measurable"])
        rows.append({
            t("nb.goal.title", lang): g["title"],
            t("nb.goal.indicator", lang): indicator(g),
            t("nb.goal.baseline", lang): format_value(g["baseline"], lang),
            t("nb.goal.current", lang): format_value(g["current"], lang) if measured else t("nb.goal.not_measurable", lang),
            t("nb.goal.target", lang): format_value(g["target"], lang),
            t("nb.goal.progress", lang): (format_percent(g["progress"], lang)
                                          if measured and g["progress"] is not None else "–"),
        })
    return pd.DataFrame(rows)


def estimate_sentence(nodes: pd.DataFrame, lang: str | None = None) -> str | None:
    """The sentence that says how betweenness was estimated and what its bound (ε, δ)
    means, or None when it is exact (``nodes`` from ``node_measures``).

    >>> import igraph as ig
    >>> from verkostolab.measures import node_measures
    >>> g = ig.Graph.Barabasi(300, 2)
    >>> estimate_sentence(node_measures(g), "en") is None
    True
    >>> print(estimate_sentence(node_measures(g, exact_limit=100, epsilon=0.05), "en"))
    ... # doctest: +ELLIPSIS
    Betweenness is estimated from 1... randomly drawn pairs of people ... within 0.05 of its exact value (ε = 0.05, δ = 0.1)...
    """
    how = (nodes.attrs.get("estimated") or {}).get("betweenness")
    if not isinstance(how, dict):
        return None
    pairs, confidence = f"{how['pairs']:,}", f"{1 - how['delta']:.0%}"
    if (lang or default_lang()) == "fi":  # 71 429 pairs, 90 %
        pairs, confidence = pairs.replace(",", "\u00a0"), confidence.replace("%", "\u00a0%")
    return t("measures.estimated_betweenness", lang, pairs=pairs,
             epsilon=f"{how['epsilon']:.2g}", delta=f"{how['delta']:g}", confidence=confidence)


def estimate_note(nodes: pd.DataFrame, lang: str | None = None):
    """:func:`estimate_sentence` as Markdown for a notebook or report (None when exact)."""
    from IPython.display import Markdown

    sentence = estimate_sentence(nodes, lang)
    return None if sentence is None else Markdown(f"*{sentence}*")


# --------------------------------------------------------------------------- the designed report
#
# The default report (reports/report.ipynb) is built from these pieces: a title block, a
# contents list, key figures as tiles, sections with anchors, tables without index
# artefacts, charts that fit their column, and tips as cards.  Each returns an
# IPython HTML object; every value from the data goes through html.escape.  The look
# (screen and print, A4) is the CSS of the report template
# (reports/templates/verkostolab-report/index.html.j2).

#: The report's sections in order: (anchor, heading key).
REPORT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("who", "nb.mapping.who"),
    ("picture", "nb.mapping.picture"),
    ("silos", "nb.mapping.silos"),
    ("brokers", "nb.mapping.brokers"),
    ("stage", "nb.mapping.stage"),
    ("findings", "nb.evaluation.findings"),
    ("assessment", "nb.evaluation.assessment"),
    ("tips", "nb.evaluation.tips"),
    ("change", "nb.impact.change"),
    ("goals", "nb.impact.goals"),
    ("clock", "nb.clock"),
)


def _esc(value) -> str:
    import html

    return html.escape("" if value is None else str(value), quote=True)


def _html(markup: str):
    from IPython.display import HTML

    return HTML(markup)


def title_block(data, lang: str | None = None, *, period: str = "", date=None):
    """The report's title block: the title, the networks, the period and the data source
    (and the day it was made)."""
    import datetime

    source = shown_source(data.source or "", lang)
    s = data.summary()
    networks = ", ".join(str(n) for n in s.get("networks", {})) or "–"
    if period:
        shown_period = period.replace(":", " – ")
    elif s["period"]["start"]:
        shown_period = f"{s['period']['start']} – {s['period']['end']}"
    else:
        shown_period = "–"
    rows = [("report.meta.networks", networks), ("nb.period", shown_period),
            ("report.meta.source", source or "–"),
            ("report.meta.made", (date or datetime.date.today()).isoformat())]
    meta = "".join(f"<div><dt>{_esc(t(k, lang))}</dt><dd>{_esc(v)}</dd></div>" for k, v in rows)
    return _html(f'<header class="vl-title-block"><p class="vl-kicker">{_esc(t("report.kicker", lang))}</p>'
                 f'<h1 id="vl-top">{_esc(t("nb.report.title", lang, source=source))}</h1>'
                 f'<dl class="vl-meta">{meta}</dl></header>')


def contents(lang: str | None = None, *, omit=()):
    """The contents list: a link to each section of the report (``omit``: anchors left out)."""
    items = "".join(f'<li><a href="#vl-{a}">{_esc(t(key, lang))}</a></li>'
                    for a, key in REPORT_SECTIONS if a not in omit)
    return _html(f'<nav class="vl-contents" aria-label="{_esc(t("report.contents", lang))}">'
                 f'<h2>{_esc(t("report.contents", lang))}</h2><ol>{items}</ol></nav>')


def section(anchor: str, lang: str | None = None):
    """A section heading with the anchor the contents list links to."""
    key = dict(REPORT_SECTIONS)[anchor]
    return _html(f'<h2 class="vl-section" id="vl-{_esc(anchor)}">{_esc(t(key, lang))}</h2>')


def _signed(value, lang, digits=0) -> str:
    if value is None or value != value:
        return "–"
    if digits == 0:
        value = int(round(float(value)))
        return "±0" if value == 0 else format_number(value, lang, sign=True)
    return format_number(value, lang, digits, sign=True)


def key_figures(data, analysis, change=None, lang: str | None = None) -> list[dict]:
    """The report's key figures: people, organisations, ties, cross-sector share, stage
    and response rate, each with ``value`` (shown in ``lang``), ``delta`` (the change
    between the two periods of ``change``, or between the two latest assessment rounds,
    as shown; None when there is nothing to compare), ``direction`` (``up``, ``down``,
    ``same`` or None) and ``between`` (what was compared)."""
    lang = lang or default_lang()
    s = analysis.summary.to_dict() if hasattr(analysis.summary, "to_dict") else dict(analysis.summary)
    nodes = analysis.nodes
    figures: list[dict] = []

    def direction(d):
        if d is None or d != d:
            return None
        return "up" if d > 0 else "down" if d < 0 else "same"

    def add(key, value, delta=None, shown_delta=None, between=None):
        figures.append({"key": key, "label": t(f"report.tile.{key}", lang), "value": value,
                        "delta": shown_delta, "direction": direction(delta),
                        "between": between})

    between = None
    diff = {}
    before = after = None
    if change is not None:
        between = (change.before_label, change.after_label)
        if "change" in change.summary:
            diff = change.summary["change"].to_dict()
        before, after = (change.analyses or (None, None))
    orgs = int(nodes["organisation"].dropna().nunique()) if "organisation" in nodes else 0
    org_delta = None
    if before is not None and after is not None and "organisation" in before.nodes:
        org_delta = (int(after.nodes["organisation"].dropna().nunique())
                     - int(before.nodes["organisation"].dropna().nunique()))
    for key, value, d in (("people", int(s.get("nodes", 0)), diff.get("nodes")),
                          ("organisations", orgs, org_delta),
                          ("ties", int(s.get("ties", 0)), diff.get("ties"))):
        add(key, format_number(value, lang), d, None if d is None else _signed(d, lang), between)
    share = s.get("cross_sector_share")
    d = diff.get("cross_sector_share")
    add("cross_sector_share", "–" if share is None or share != share else format_percent(share, lang), d,
        None if d is None or d != d else t("report.tile.points", lang, value=_signed(d * 100, lang, 1)),
        between)
    stage = analysis.stage
    stage_delta, stage_dir = None, None
    if before is not None and after is not None:
        if before.stage.code == after.stage.code:
            stage_delta, stage_dir = t("report.tile.unchanged", lang), 0
        else:
            stage_delta, stage_dir = f"{before.stage.label(lang)} → {after.stage.label(lang)}", 1
    add("stage", stage.label(lang) if stage is not None else "–", stage_dir, stage_delta, between)
    figures[-1]["direction"] = None if stage_dir is None else ("same" if stage_dir == 0 else "changed")
    rate, rate_delta, rate_between = "–", None, None
    if len(data.assessments):
        from .measures.assessment import _rounds, response_diagnostics

        rounds = _rounds(data)
        latest = response_diagnostics(data, round=rounds[-1])
        if latest.actors:
            rate = format_percent(latest.response_rate, lang)
        if len(rounds) > 1:
            previous = response_diagnostics(data, round=rounds[-2])
            if latest.actors and previous.actors:
                rate_delta = latest.response_rate - previous.response_rate
                rate_between = (rounds[-2], rounds[-1])
    add("response_rate", rate, rate_delta,
        None if rate_delta is None else t("report.tile.points", lang, value=_signed(rate_delta * 100, lang, 1)),
        rate_between)
    return figures


_ARROWS = {"up": "▲", "down": "▼", "same": "=", "changed": "↔"}


def key_figure_tiles(data, analysis, change=None, lang: str | None = None):
    """:func:`key_figures` as a row of tiles (the value large, its change below), and
    under them what was compared."""
    tiles, notes = [], []
    for f in key_figures(data, analysis, change, lang):
        foot = ""
        if f["delta"] is not None:
            foot = (f'<p class="vl-delta vl-{f["direction"] or "none"}">'
                    f'<span aria-hidden="true">{_ARROWS.get(f["direction"], "")}</span> {_esc(f["delta"])}</p>')
            if f["between"]:
                between = t("report.tile.between", lang, before=f["between"][0], after=f["between"][1])
                note = between if not notes else f"{f['label']}: {between}"
                if between not in [n.split(": ", 1)[-1] for n in notes]:
                    notes.append(note)
        tiles.append(f'<div class="vl-tile vl-tile-{f["key"]}"><p class="vl-tile-label">{_esc(f["label"])}</p>'
                     f'<p class="vl-tile-value">{_esc(f["value"])}</p>{foot}</div>')
    note = f'<p class="vl-tiles-note">{_esc("; ".join(notes))}</p>' if notes else ""
    return _html(f'<section class="vl-tiles" aria-label="{_esc(t("report.key_figures", lang))}">'
                 f'<h2 class="vl-tiles-title">{_esc(t("report.key_figures", lang))}</h2>'
                 f'<div class="vl-tile-grid">{"".join(tiles)}</div>{note}</section>')


def table(frame: pd.DataFrame, lang: str | None = None, *, numeric=None):
    """A table as HTML without index artefacts: a named index becomes the first column,
    a plain 0, 1, 2… index is left out; cells are escaped; columns whose values are
    numbers (as written in any language) are right-aligned."""
    import re

    df = frame.copy()
    if not isinstance(df.index, pd.RangeIndex) or df.index.name is not None:
        df = df.reset_index()
    num = re.compile(r"^[−+\-±]?\d[\d\s\u00a0]*([.,]\d+)?(\s?%)?$")
    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    is_num = [numeric[c] if numeric and c in numeric else
              bool(len(df)) and all(num.match(str(v).strip()) or str(v).strip() in ("–", "")
                                    for v in df[c]) for c in df.columns]
    rows = []
    for values in df.itertuples(index=False):
        cells = "".join(f'<td class="vl-num">{_esc(_cell(v, lang))}</td>' if n else f"<td>{_esc(_cell(v, lang))}</td>"
                        for v, n in zip(values, is_num))
        rows.append(f"<tr>{cells}</tr>")
    return _html(f'<div class="vl-table-wrap"><table class="vl-table"><thead><tr>{head}</tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table></div>')


def _cell(value, lang=None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return "–" if value != value else format_value(value, lang)
    return str(value)


def change_table(change, lang: str | None = None) -> pd.DataFrame:
    """What changed between the two periods of ``change``: one row per count, labelled."""
    return pd.DataFrame([(t(f"change.{k}", lang), format_number(int(v), lang)) for k, v in change.counts().items()],
                        columns=[t("nb.what", lang), f"{change.before_label} → {change.after_label}"])


#: A chart shrinks with its column down to this width (px); below it (a phone) the
#: chart keeps this width and scrolls sideways in its box, its labels still legible.
CHART_MIN_WIDTH = 560


def chart(figure, *, max_width: int | None = None) -> None:
    """Show a Bokeh figure that fits its column: never wider
    than ``max_width`` (default its designed width), shrinking to
    :data:`CHART_MIN_WIDTH` (so that it fits an A4 page when printed).  Its title is
    shown above it as text of the page, which wraps (a long title drawn inside the
    figure runs past its edge)."""
    from IPython.display import display

    from .viz import show

    title = getattr(getattr(figure, "title", None), "text", "") or ""
    if title:
        display(_html(f'<p class="vl-chart-title">{_esc(title)}</p>'))
        figure.title.text = ""
    width = getattr(figure, "width", None)
    if getattr(figure, "frame_width", None):
        width = None  # the picture: its names were placed for its pixels; it scrolls on a phone
    if width:
        # A map (picture, clock) keeps its proportions; a bar chart keeps its height,
        # so that its bars and rotated labels keep their room when it narrows.
        figure.sizing_mode = "scale_width" if getattr(figure, "match_aspect", False) else "stretch_width"
        figure.max_width = max_width or width
        figure.min_width = min(width, CHART_MIN_WIDTH)
    show(figure)


def tip_cards(tip_list, lang: str | None = None):
    """Tips as cards: the title, why, what to do, and the evidence folded open on request."""
    cards = []
    for i, tip in enumerate(tip_list, start=1):
        evidence = "".join(f"<li>{_esc(line)}</li>" for line in tip.evidence_lines(lang))
        folded = (f'<details class="vl-evidence"><summary>{_esc(t("advice.evidence", lang))}</summary>'
                  f"<ul>{evidence}</ul></details>") if evidence else ""
        cards.append(f'<article class="vl-card vl-tip vl-cat-{_esc(tip.category)}">'
                     f'<h3><span class="vl-tip-number">{i}</span> {_esc(tip.title(lang))}</h3>'
                     f'<p class="vl-why"><b>{_esc(t("report.tip.why", lang))}:</b> {_esc(tip.text(lang))}</p>'
                     f'<p class="vl-do"><b>{_esc(t("advice.action", lang))}:</b> {_esc(tip.action(lang))}</p>'
                     f"{folded}</article>")
    if not cards:
        cards.append(f'<p class="vl-empty">{_esc(t("report.tip.none", lang))}</p>')
    return _html(f'<div class="vl-cards">{"".join(cards)}</div>')


def findings_cards(evaluation, lang: str | None = None):
    """Strengths and development targets as two cards of findings (title and why)."""
    def card(kind, key, findings):
        items = "".join(f"<li><b>{_esc(f.title(lang))}</b> {_esc(f.why(lang))}</li>" for f in findings)
        return (f'<article class="vl-card vl-findings vl-{kind}"><h3>{_esc(t(key, lang))}</h3>'
                f"<ul>{items or '<li>–</li>'}</ul></article>")

    return _html('<div class="vl-cards vl-two">' + card("strength", "advice.strengths", evaluation.strengths)
                 + card("target", "advice.targets", evaluation.targets) + "</div>")


def response_note(diagnostics, lang: str | None = None):
    """The response of an assessment round (rates only, never names) as a note."""
    lines = diagnostics.render(lang).splitlines()
    first, rest = lines[0], lines[1:]
    items = "".join(f"<li>{_esc(line.strip())}</li>" for line in rest)
    return _html(f'<div class="vl-note"><p>{_esc(first)}</p>{f"<ul>{items}</ul>" if items else ""}</div>')
