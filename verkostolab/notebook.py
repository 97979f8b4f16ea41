"""Small helpers that keep notebooks thin: headings and tables in the reader's language.

>>> heading("nb.mapping.title", "en").data
'## Mapping: the network made visible'
"""

from __future__ import annotations

import pandas as pd

from .i18n import catalogue, default_lang, format_number, format_percent, format_value, shown_source, t

__all__ = ["heading", "text", "summary_table", "measure_table", "top_table", "stage_markdown",
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

    def num(v):
        return format_value(v, lang)

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
            t("nb.goal.baseline", lang): num(g["baseline"]),
            t("nb.goal.current", lang): num(g["current"]) if measured else t("nb.goal.not_measurable", lang),
            t("nb.goal.target", lang): num(g["target"]),
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
