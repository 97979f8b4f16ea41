"""Small helpers that keep notebooks thin: headings and tables in the reader's language.

>>> heading("nb.mapping.title", "en").data
'## Mapping: the network made visible'
"""

from __future__ import annotations

import pandas as pd

from .i18n import catalogue, default_lang, t

__all__ = ["heading", "text", "summary_table", "measure_table", "top_table", "stage_markdown",
           "goals_table"]


def heading(key: str, lang: str | None = None, *, level: int = 2, **params):
    """A Markdown heading from the catalogue (shows in notebooks and reports)."""
    from IPython.display import Markdown

    return Markdown("#" * level + " " + t(key, lang, **params))


def text(key: str, lang: str | None = None, **params):
    from IPython.display import Markdown

    return Markdown(t(key, lang, **params))


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
            return "–" if v != v else (str(int(v)) if v.is_integer() and abs(v) > 1 else f"{v:.3f}")
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
        if top[c].dtype.kind == "f":
            top[c] = top[c].round(3)
    top.columns = [_label(c, lang) for c in top.columns]
    return top.reset_index(drop=True)


def stage_markdown(stage, lang: str | None = None):
    from IPython.display import Markdown

    return Markdown(f"**{t('measure.stage', lang)}: {stage.label(lang)}.** {stage.explain(lang)}")


def goals_table(goals, lang: str | None = None) -> pd.DataFrame:
    """Goals measured against the data (``change.goals`` or
    :func:`~verkostolab.measures.measure_goals`), one row per goal with translated
    headings; a free-text indicator says it is not measurable, with no number made up."""
    lang = lang or default_lang()
    rows = []
    for g in goals:
        def num(v):
            return "–" if v is None else round(float(v), 3)

        measured = bool(g["measurable"])
        rows.append({
            t("nb.goal.title", lang): g["title"],
            t("nb.goal.indicator", lang): g["indicator"] or "–",
            t("nb.goal.baseline", lang): num(g["baseline"]),
            t("nb.goal.current", lang): num(g["current"]) if measured else t("nb.goal.not_measurable", lang),
            t("nb.goal.target", lang): num(g["target"]),
            t("nb.goal.progress", lang): (f"{g['progress']:.0%}" if measured and g["progress"] is not None
                                          else "–"),
        })
    return pd.DataFrame(rows)
