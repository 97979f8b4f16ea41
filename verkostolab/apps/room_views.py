"""What the workshop room shows, as plain JSON-able data (no widgets): the evaluation's
chart data and the wall's network picture.

The room's JSON API (``verkostolab.workshop.room``) sends these to the kernel-less pages
(projector, facilitator); the Voilà apps (:mod:`.wall`, :mod:`.facilitator`) draw the
same data, so the wall looks the same wherever it is shown.

* :func:`evaluation_summary`: the knowing–trust–commitment statements of one round, per
  dimension and per item (mean, answers, the distribution of 1–5), groups of fewer than
  :data:`~verkostolab.measures.assessment.MIN_GROUP` respondents suppressed; strengths,
  development targets and tips as sentences.  Only ``facilitator=True`` adds the people
  on the periphery, by name; without it the result names nobody.
* :func:`projector_picture`: the wall picture for a 1920×1080 screen as a Bokeh
  ``json_item``: names at 24 px, no toolbar, the ties added in this workshop (a row id
  above the run's ``baseline_tie``) drawn thick in a strong colour wherever they are,
  and listed in the legend.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
import threading
from dataclasses import dataclass, field

from ..i18n import t

__all__ = ["evaluation_summary", "evaluation_html", "projector_picture", "projector_version", "wall_picture", "latest_tie",
           "WallPicture", "new_tie_pairs", "without_actors", "WALL_WIDTH", "WALL_HEIGHT",
           "LABEL_PX", "NEW_TIE_COLOUR"]

#: The projector's picture: the width of a 1920×1080 wall, the height left under a headline.
WALL_WIDTH, WALL_HEIGHT = 1920, 860
#: Name labels and the legend on the wall: readable from the back of the room (8 m).
LABEL_PX = 24
LEGEND_PX = 24
CAPTION_PX = 24
#: Ties added in this workshop: thick and in a strong colour, over every other tie.
NEW_TIE_COLOUR = "#D81B60"
NEW_TIE_WIDTH = 7.0


# --------------------------------------------------------------------------- evaluation

def _block(values, respondents: int, min_group: int) -> dict:
    """Mean, answers and the 1..5 distribution of ``values`` (a numeric Series), or
    nothing but the counts when fewer than ``min_group`` people answered."""
    import numpy as np

    v = values.dropna().to_numpy(dtype=float)
    suppressed = respondents < min_group
    out = {"respondents": int(respondents), "answers": int(v.size), "suppressed": bool(suppressed),
           "mean": None, "distribution": None}
    if not suppressed and v.size:
        out["mean"] = round(float(v.mean()), 2)
        whole = np.clip(np.rint(v), 1, 5).astype(int)
        out["distribution"] = [int((whole == k).sum()) for k in range(1, 6)]
    return out


def _sentence(*parts: str) -> str:
    """Parts joined into one sentence: ``Title. Action.``"""
    out = []
    for p in parts:
        p = str(p).strip()
        if p:
            out.append(p if p[-1] in ".!?:" else p + ".")
    return " ".join(out)


def _name_pattern(names) -> re.Pattern | None:
    """Any of ``names`` as a whole word (case ignored)."""
    shown = sorted({n.strip() for n in names if isinstance(n, str) and len(n.strip()) >= 3},
                   key=len, reverse=True)
    if not shown:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in shown) + r")(?!\w)", re.IGNORECASE)


def evaluation_summary(store, round: str, respondents: list[str] | None, lang: str, *,
                       facilitator: bool = False) -> dict:
    """Chart data of the knowing–trust–commitment statements answered in ``round``.

    ``respondents``: the people whose answers count (the run's members); ``None``:
    everyone who answered the round.  Returns ``{"round", "lang", "respondents",
    "min_group", "suppressed", "dimensions": [{"key", "label", "mean", "respondents",
    "answers", "distribution" ([n of 1, …, n of 5]), "suppressed", "items": [same, with
    "statement"]}], "strengths", "targets", "tips"}`` (lists of sentences in ``lang``).

    A dimension's or item's figures come only from at least ``min_group`` respondents
    (the package's rule, :data:`~verkostolab.measures.assessment.MIN_GROUP`); a
    dimension whose items are partly suppressed shows no distribution either (the shown
    items' distributions would give the hidden one away).  Tips that name people are
    left out; ``facilitator=True`` keeps them and adds ``periphery``: the names of the
    people on the periphery, for the facilitator's own view only.
    """
    from ..advice import Context, evaluate, tips
    from ..measures.assessment import DIMENSIONS, MIN_GROUP
    from ..tables.schema import ASSESSMENT_ITEMS

    data = store.load()
    answers = data.assessments
    answers = answers[(answers["round"].astype(str) == str(round)) & answers["value"].notna()]
    if respondents is not None:
        answers = answers[answers["respondent"].astype(str).isin({str(r) for r in respondents})]
    answers = answers.assign(respondent=answers["respondent"].astype(str))
    everyone = answers["respondent"].nunique()
    out = {"round": str(round), "lang": lang, "respondents": int(everyone), "min_group": MIN_GROUP,
           "suppressed": bool(everyone < MIN_GROUP), "dimensions": [], "strengths": [],
           "targets": [], "tips": []}
    for dim in DIMENSIONS:
        codes = [i for i, d in ASSESSMENT_ITEMS.items() if d == dim]
        mine = answers[answers["item"].isin(codes)]
        # The dimension's mean is each respondent's mean over the items they answered,
        # then the mean over respondents (as measures.assessment.score does).
        per_person = mine.groupby("respondent")["value"].mean()
        block = _block(per_person, len(per_person), MIN_GROUP)
        if block["distribution"] is not None:
            whole = _block(mine["value"], len(per_person), MIN_GROUP)
            block["distribution"] = whole["distribution"]
        block["answers"] = int(mine["value"].notna().sum())
        items = []
        for code in codes:
            rows = mine[mine["item"] == code]
            item = _block(rows["value"], rows["respondent"].nunique(), MIN_GROUP)
            items.append({"key": code, "label": t(f"assessment_item.{code}", lang),
                          "statement": t(f"assess.statement.{code}", lang), **item})
        if any(i["suppressed"] for i in items):
            block["distribution"] = None
        out["dimensions"].append({"key": dim, "label": t(f"assess.dimension.{dim}", lang), **block,
                                  "items": items})

    # Strengths, targets and tips of the network with this round's answers only.
    chosen = data.replace(assessments=data.assessments.loc[answers.index])
    ctx = Context.from_data(chosen, round=str(round) if everyone else None)
    evaluation = evaluate(ctx)
    found = tips(ctx)
    names = _name_pattern(data.actors["name"].tolist())

    def shown(text: str) -> bool:
        return facilitator or names is None or not names.search(text)

    out["strengths"] = [s for s in (f.render(lang) for f in evaluation.strengths) if shown(s)]
    out["targets"] = [s for s in (f.render(lang) for f in evaluation.targets) if shown(s)]
    for tip in found:
        if tip.actors and not facilitator:  # about named people: the facilitator's only
            continue
        text = _sentence(tip.title(lang), tip.action(lang))
        if shown(text):
            out["tips"].append(text)
    if facilitator:
        people = []
        for tip in found:
            if tip.rule == "periphery":
                people += [ctx.name(a) for a in tip.actors]
        out["periphery"] = people
    return out


# --------------------------------------------------------------------------- the wall

def without_actors(data, hidden):
    """``data`` without the actors of ``hidden`` (ids), their participation, ties and
    answers (a bogus or duplicate entry hidden by the facilitator)."""
    hidden = {str(a) for a in hidden or ()}
    if not hidden:
        return data
    from ..store import PERSON_COLUMNS

    changed = {}
    for table, column in PERSON_COLUMNS:
        frame = changed.get(table, data.table(table))
        changed[table] = frame[~frame[column].astype(str).isin(hidden)].reset_index(drop=True)
    return data.replace(**changed)


def new_tie_pairs(store, baseline_tie: int | None, hidden=frozenset()) -> list[tuple[str, str]]:
    """The pairs (sorted ids, each once) of the ties stored after ``baseline_tie`` (row
    ids above it), without people who said no or are ``hidden``; none when
    ``baseline_tie`` is None."""
    if baseline_tie is None or not store.exists():
        return []
    import sqlalchemy as sa

    from ..store import SQL_TABLES
    from ..store.sqlschema import refused_ids

    ties = SQL_TABLES["ties"]
    with store.engine.connect() as conn:
        left_out = refused_ids(conn) | {str(a) for a in hidden or ()}
        rows = conn.execute(sa.select(ties.c.source, ties.c.target)
                            .where(ties.c.row_id > int(baseline_tie))
                            .order_by(ties.c.row_id)).all()
    pairs = []
    for a, b in rows:
        a, b = str(a), str(b)
        if a == b or a in left_out or b in left_out:
            continue
        pair = tuple(sorted((a, b)))
        if pair not in pairs:
            pairs.append(pair)
    return pairs


@dataclass
class WallPicture:
    """The wall's picture: the :class:`~verkostolab.viz.Picture` (its ``figure`` restyled
    for the wall), the new pairs drawn and the placed labels."""

    picture: object
    new_pairs: list = field(default_factory=list)

    @property
    def figure(self):
        return self.picture.figure

    @property
    def positions(self):
        return self.picture.positions

    @property
    def people(self) -> int:
        return len(self.picture.nodes)


def _named(fig, name: str):
    """The figure's legend, caption or renderer called ``name`` (``select_one`` walks
    every model of the figure: a fifth of a second on the wall)."""
    for model in (*fig.right, *fig.below, *fig.renderers):
        if getattr(model, "name", None) == name:
            return model
    return None


def _label_text(item) -> str:
    label = item.label
    return str(getattr(label, "value", label))


def _legend_width(texts, font_px: float, glyph_px: float, ncols: int) -> float:
    from ..viz.labels import CHAR_EM

    longest = max((len(x) for x in texts), default=0)
    column = glyph_px + 5 + CHAR_EM * font_px * longest + 10
    return ncols * column + 2 * 10 + 10  # padding and margin


def wall_picture(data, *, new_pairs=(), lang: str, width: int = WALL_WIDTH, height: int = WALL_HEIGHT,
                 positions=None, min_weight: float = 0.0) -> WallPicture:
    """The network picture of ``data`` as the wall draws it, ``width``×``height`` px in all.

    Everybody keeps ``positions`` (newcomers placed among the people they named); names
    at :data:`LABEL_PX`, placed without overlap, the people of new ties first (a
    newcomer is named); the pairs of ``new_pairs`` drawn thick in
    :data:`NEW_TIE_COLOUR` over every other tie, also where the backbone leaves their
    tie out; no toolbar and no title (the page has its own headline).
    """
    import numpy as np
    from bokeh.models import ColumnDataSource, LegendItem

    from ..viz import network_picture
    from ..viz.labels import CHAR_EM, LINE_EM
    from ..viz.picture import add_name_labels
    from ..viz.style import KIND_MARKERS

    picture = network_picture(data, lang=lang, positions=positions, width=width, height=height,
                              title=" ", labels="none", controls=False, min_weight=min_weight)
    fig = picture.figure
    nodes = picture.nodes
    fig.toolbar_location = None
    fig.title.text = ""
    fig.title.visible = False
    ids = [str(i) for i in nodes.index]
    where = set(ids)
    new_pairs = [p for p in new_pairs if p[0] in where and p[1] in where]

    # The legend at the wall's size: first "new in this workshop".
    legend = _named(fig, "legend")
    items = list(legend.items)
    new_renderer = None
    if new_pairs:
        xy = nodes[["x", "y"]]
        a = xy.loc[[p[0] for p in new_pairs]].to_numpy(dtype=float)
        b = xy.loc[[p[1] for p in new_pairs]].to_numpy(dtype=float)
        source = ColumnDataSource({"x0": a[:, 0], "y0": a[:, 1], "x1": b[:, 0], "y1": b[:, 1],
                                   "source": [p[0] for p in new_pairs], "target": [p[1] for p in new_pairs],
                                   "alpha": np.ones(len(new_pairs)),
                                   "width": np.full(len(new_pairs), NEW_TIE_WIDTH)})
        new_renderer = fig.segment("x0", "y0", "x1", "y1", source=source, line_color=NEW_TIE_COLOUR,
                                   line_width=NEW_TIE_WIDTH, line_alpha=1.0, line_cap="round",
                                   name="ties_new")
        # Over every other tie, under the people.
        first_node = next(i for i, r in enumerate(fig.renderers) if (r.name or "").startswith("nodes_"))
        fig.renderers = [*fig.renderers[:first_node], new_renderer,
                         *[r for r in fig.renderers[first_node:] if r is not new_renderer]]
        items.insert(0, LegendItem(label=t("room.views.new_ties", lang), renderers=[new_renderer]))
    # The wall's legend explains the colours (ties, sectors); the markers of organisation
    # kinds are left to the researchers' pictures: their rows would halve the network.
    kinds = {t(f"organisation_kind.{k}", lang) for k in KIND_MARKERS}
    items = [i for i in items if not (i.renderers and i.renderers[0].name == "legend_keys"
                                      and _label_text(i) in kinds)]
    glyph_px = LEGEND_PX * 1.4
    texts = [_label_text(i) for i in items]

    # The caption (how many people and ties, the ties the backbone leaves out), larger.
    caption = _named(fig, "caption")
    count_text = t("picture.nodes_ties", lang, nodes=len(nodes), ties=len(picture.ties))
    caption_texts = [count_text, *picture.notes]

    # Sizes: the legend beside the frame, the caption under it, 8 px borders.
    row_px = glyph_px + 4
    ncols, caption_lines = 1, []
    for _ in range(3):  # the caption's lines depend on the frame's width, and back
        legend_px = _legend_width(texts, LEGEND_PX, glyph_px, ncols)
        frame_width = int(width - legend_px - 16)
        caption_chars = (frame_width - 8) / (CAPTION_PX * CHAR_EM)
        caption_lines = [line for text in caption_texts
                         for line in textwrap.wrap(text, int(caption_chars), break_long_words=False) or [""]]
        frame_height = int(height - 16 - len(caption_lines) * LINE_EM * CAPTION_PX - 12)
        needed = max(1, int(np.ceil(len(items) * row_px / max(1.0, frame_height - 30))))
        if needed == ncols:
            break
        ncols = needed
    legend.items = items
    keys = _named(fig, "legend_keys")
    if keys is not None:  # the sectors' colour keys as large as the text
        keys.glyph.size = int(LEGEND_PX * 1.1)
    legend.label_text_font_size = f"{LEGEND_PX}px"
    legend.glyph_height = legend.glyph_width = int(glyph_px)
    legend.label_height = int(glyph_px)
    legend.spacing = 4
    legend.ncols = ncols
    legend.click_policy = "none"
    caption.text = "\n".join(caption_lines)
    caption.text_font_size = f"{CAPTION_PX}px"
    fig.frame_width, fig.frame_height = frame_width, frame_height

    # Positions in pixels of the new frame (equal scale on both axes).
    margin = 26.0
    if len(nodes):
        x, y = nodes["x"].to_numpy(dtype=float), nodes["y"].to_numpy(dtype=float)
        dx, dy = x.max() - x.min(), y.max() - y.min()
        spans = [(frame_width - 2 * margin) / dx if dx > 0 else np.inf,
                 (frame_height - 2 * margin) / dy if dy > 0 else np.inf]
        scale = min(spans) if np.isfinite(min(spans)) else 1.0
        cx, cy = (x.max() + x.min()) / 2, (y.max() + y.min()) / 2
        x0, y0 = cx - frame_width / 2 / scale, cy - frame_height / 2 / scale
        fig.x_range.start, fig.x_range.end = x0, x0 + frame_width / scale
        fig.y_range.start, fig.y_range.end = y0, y0 + frame_height / scale
        nodes["px"], nodes["py"] = (x - x0) * scale, (y - y0) * scale

    # Names: the people of new ties first, then the largest; none overlaps another.
    size_order = np.argsort(-nodes["size_value"].fillna(0).to_numpy(dtype=float), kind="stable")
    touched = {i for p in new_pairs for i in p}
    order = ([i for i in size_order if ids[i] in touched]
             + [i for i in size_order if ids[i] not in touched])
    placed, _ = add_name_labels(fig, nodes, order=order, frame=(frame_width, frame_height),
                                font_px=LABEL_PX, font_size=f"{LABEL_PX}px", text_color="#111111",
                                bg_alpha=0.8)
    picture.labels = placed
    return WallPicture(picture, list(new_pairs))


_POSITIONS: dict = {}
_POSITIONS_LOCK = threading.Lock()


def projector_version(store, *, baseline_tie: int | None, hidden=frozenset(), lang: str,
                      width: int = WALL_WIDTH, height: int = WALL_HEIGHT) -> str:
    """A short string that changes when the projector's picture would change: the
    store's change token, the baseline, who is hidden, the language and the size."""
    token = store.change_token()
    key = json.dumps([[str(x) for x in token], baseline_tie, sorted(str(h) for h in hidden or ()),
                      lang, width, height])
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def projector_picture(store, *, baseline_tie: int | None, hidden=frozenset(), lang: str,
                      width: int = WALL_WIDTH, height: int = WALL_HEIGHT, positions=None) -> dict:
    """The wall picture for the projector: ``{"item": Bokeh json_item, "version",
    "new_ties", "people"}`` (see :func:`wall_picture` and :func:`projector_version`).

    People keep their places between calls for the same store (the last positions are
    remembered per store), unless ``positions`` are given.  ``hidden`` actors are left
    out; people who said no are never in it (the store leaves them out).
    """
    from bokeh.embed import json_item

    version = projector_version(store, baseline_tie=baseline_tie, hidden=hidden, lang=lang,
                                width=width, height=height)
    key = str(getattr(store, "url", id(store)))
    if positions is None:
        with _POSITIONS_LOCK:
            positions = _POSITIONS.get(key)
    data = without_actors(store.load(), hidden)
    pairs = new_tie_pairs(store, baseline_tie, hidden)
    wall = wall_picture(data, new_pairs=pairs, lang=lang, width=width, height=height,
                        positions=positions)
    with _POSITIONS_LOCK:
        _POSITIONS[key] = wall.positions
    return {"item": json_item(wall.figure), "version": version, "new_ties": len(wall.new_pairs),
            "people": wall.people}


# --------------------------------------------------------------------------- as HTML

#: The five answers, from "strongly disagree" (1) to "strongly agree" (5): a diverging
#: scale safe for colour-blind viewers (Okabe–Ito vermillion/orange, grey, sky/blue).
ANSWER_COLOURS = ("#D55E00", "#E69F00", "#BDBDBD", "#56B4E9", "#0072B2")


def _bar_html(block: dict, lang: str, *, big: bool) -> str:
    """One stacked bar of the answers 1..5 with the mean, or why nothing is shown."""
    import html

    from ..i18n import format_number

    height = "2.2em" if big else "1.4em"
    if block["suppressed"] or block["distribution"] is None or not sum(block["distribution"]):
        why = (t("assess.suppressed", lang, min_group=5) if block["suppressed"]
               else t("room.views.no_distribution", lang))
        return (f'<div class="vl-bar vl-bar-hidden" style="height:{height};display:flex;align-items:center;'
                f'color:#555;font-style:italic">{html.escape(why)}</div>')
    total = sum(block["distribution"])
    parts = []
    for k, (n, colour) in enumerate(zip(block["distribution"], ANSWER_COLOURS), start=1):
        if not n:
            continue
        share = 100 * n / total
        title = html.escape(t("room.views.answer_count", lang, value=k, count=n))
        text = str(n) if share >= 6 else ""
        parts.append(f'<span title="{title}" style="width:{share:.2f}%;background:{colour};'
                     f'display:inline-flex;align-items:center;justify-content:center;color:#000;'
                     f'overflow:hidden">{text}</span>')
    mean = html.escape(t("room.views.mean", lang, mean=format_number(block["mean"], lang),
                         answers=block["answers"]))
    return (f'<div class="vl-bar" style="display:flex;align-items:center;gap:.6em">'
            f'<div style="flex:1;display:flex;height:{height};border-radius:4px;overflow:hidden">'
            f'{"".join(parts)}</div><span style="white-space:nowrap">{mean}</span></div>')


def evaluation_html(summary: dict, lang: str) -> str:
    """The summary of :func:`evaluation_summary` as charts and lists (HTML): one bar of
    answers 1..5 per dimension, smaller ones per statement, then strengths, targets,
    tips and (only in a facilitator's summary) the people on the periphery."""
    import html

    esc = html.escape
    legend = "".join(f'<span style="display:inline-flex;align-items:center;gap:.3em;margin-right:1em">'
                     f'<span style="width:1.2em;height:1.2em;background:{c};display:inline-block"></span>'
                     f'{k}</span>' for k, c in enumerate(ANSWER_COLOURS, start=1))
    parts = ['<div class="vl-evaluation-charts" style="max-width:60em;overflow-wrap:normal;word-break:normal">',
             f'<p>{esc(t("room.views.respondents", lang, count=summary["respondents"], round=summary["round"]))}</p>',
             f'<p style="font-size:.95em">{legend}{esc(t("room.views.scale", lang))}</p>']
    for dim in summary["dimensions"]:
        parts.append(f'<h3 style="margin:.8em 0 .3em">{esc(dim["label"].capitalize())}</h3>'
                     + _bar_html(dim, lang, big=True))
        rows = "".join(f'<div style="margin:.3em 0 .3em 1.5em"><div style="font-size:.95em">{esc(i["label"])}</div>'
                       f'{_bar_html(i, lang, big=False)}</div>' for i in dim["items"])
        parts.append(f'<details><summary>{esc(t("room.views.statements", lang))}</summary>{rows}</details>')

    def listing(title: str, lines: list[str], cls: str) -> str:
        items = "".join(f"<li>{esc(x)}</li>" for x in lines) or "<li>–</li>"
        return f'<h3>{esc(title)}</h3><ul class="{cls}">{items}</ul>'

    parts.append(listing(t("advice.strengths", lang), summary["strengths"], "vl-strengths"))
    parts.append(listing(t("advice.targets", lang), summary["targets"], "vl-targets"))
    parts.append(listing(t("advice.tips", lang), summary["tips"], "vl-tips"))
    if "periphery" in summary:
        parts.append(listing(t("room.views.periphery", lang), summary["periphery"], "vl-periphery"))
    parts.append("</div>")
    return "".join(parts)


def latest_tie(store) -> int:
    """The row id of the newest stored tie (0 without ties): ties stored later are new."""
    if not store.exists():
        return 0
    import sqlalchemy as sa

    from ..store import SQL_TABLES

    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(SQL_TABLES["ties"].c.row_id))).scalar() or 0)
