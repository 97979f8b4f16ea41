"""The picture's controls in the HTML page: filter by sector, organisation and network,
click a person to see their own (ego) network, and a period slider — all in the browser
(BokehJS with one CustomJS callback; no server, nothing fetched).

Every node and tie source carries what the callback needs: ``id`` (``source`` and
``target`` for ties), ``sector``, ``organisation``, ``networks`` and ``periods`` (the
indices of the networks and periods the row belongs to, between commas: ``",0,2,"``),
``base`` (its drawn alpha) and ``alpha`` (what is drawn now).  Positions never change:
a period only shows and hides rows, so everybody keeps their place.
"""

from __future__ import annotations

import html

from bokeh.layouts import column, row
from bokeh.models import CustomJS, CustomJSTickFormatter, Div, MultiChoice, Select, Slider, TapTool

from ..i18n import t

__all__ = ["picture_controls", "UPDATE_JS", "FADED"]

#: Alpha of a node left out by a filter (a ghost keeps the shape of the network).
FADED = 0.07

UPDATE_JS = """
const sec = sector ? sector.value : [];
const org = organisation ? organisation.value : "";
const net = network ? network.value : "";
const p = period ? period.value : 0;
const tag_p = "," + (p - 1) + ",";
const tag_n = "," + net + ",";
const in_period = (d, k) => p === 0 || d.periods[k].includes(tag_p);
let focus = null;
for (const s of nodes) {
  const ix = s.selected.indices;
  if (ix.length) { focus = s.data.id[ix[0]]; }
}
let ego = null;
if (focus !== null) {
  ego = new Set([focus]);
  for (const s of ties) {
    const d = s.data;
    for (let k = 0; k < d.source.length; k++) {
      if (!in_period(d, k)) continue;
      if (d.source[k] === focus) ego.add(d.target[k]);
      if (d.target[k] === focus) ego.add(d.source[k]);
    }
  }
}
const shown = new Set();
for (const s of nodes) {
  const d = s.data;
  const alpha = new Array(d.id.length);
  for (let k = 0; k < d.id.length; k++) {
    let ok = in_period(d, k);
    if (ego !== null) {
      ok = ok && ego.has(d.id[k]);
    } else {
      ok = ok && (sec.length === 0 || sec.includes(d.sector[k]))
              && (org === "" || d.organisation[k] === org)
              && (net === "" || d.networks[k].includes(tag_n));
    }
    alpha[k] = ok ? d.base[k] : faded;
    if (ok) shown.add(d.id[k]);
  }
  d.alpha = alpha;
  s.change.emit();
}
for (const s of ties) {
  const d = s.data;
  const alpha = new Array(d.source.length);
  for (let k = 0; k < d.source.length; k++) {
    const ok = in_period(d, k) && shown.has(d.source[k]) && shown.has(d.target[k]);
    alpha[k] = ok ? d.base[k] : 0;
  }
  d.alpha = alpha;
  s.change.emit();
}
if (labels) {
  const d = labels.data;
  d.alpha = d.id.map((i) => shown.has(i) ? 1 : 0);
  d.bg = d.id.map((i) => shown.has(i) ? 0.75 : 0);
  labels.change.emit();
}
"""


def picture_controls(fig, *, node_renderers, tie_renderers, label_source, nodes, networks,
                     periods, lang=None, organisations=True, width=None):
    """The controls for ``fig`` and the layout that holds them above the figure.

    ``nodes`` is the picture's node frame (``sector``, ``sector_label``,
    ``organisation``); ``networks`` the network names (indices in the sources'
    ``networks`` column); ``periods`` the ``(label, "FROM:TO")`` pairs (indices in
    ``periods``).  Returns ``(layout, widgets)`` with ``widgets`` by name.
    """
    all_text = t("picture.filter.all", lang)
    widgets = {}
    sectors = list(dict.fromkeys(zip(nodes["sector"], nodes["sector_label"])))
    if len(sectors) > 1:
        widgets["sector"] = MultiChoice(title=t("picture.filter.sector", lang), options=sectors,
                                        value=[], placeholder=all_text, width=260,
                                        name="filter_sector")
    orgs = sorted({o for o in nodes["organisation"] if isinstance(o, str) and o})
    if organisations and len(orgs) > 1:
        widgets["organisation"] = Select(title=t("picture.filter.organisation", lang),
                                         options=[("", all_text)] + [(o, o) for o in orgs],
                                         value="", width=240, name="filter_organisation")
    if len(networks) > 1:
        widgets["network"] = Select(title=t("picture.filter.network", lang),
                                    options=[("", all_text)] + [(str(i), n) for i, n in enumerate(networks)],
                                    value="", width=240, name="filter_network")
    titles = [t("picture.all_time", lang)] + [label for label, _ in periods]
    if periods:
        # The slider shows the period's name (position 0: the whole time).
        shown = CustomJSTickFormatter(args=dict(titles=titles),
                                      code="return titles[Math.round(tick)] || ''")
        widgets["period"] = Slider(start=0, end=len(periods), step=1, value=0,
                                   title=t("picture.filter.period", lang), format=shown,
                                   width=300, name="filter_period")
    tap = TapTool(renderers=list(node_renderers))
    fig.add_tools(tap)
    callback = CustomJS(args=dict(nodes=[r.data_source for r in node_renderers],
                                  ties=[r.data_source for r in tie_renderers],
                                  labels=label_source, sector=widgets.get("sector"),
                                  organisation=widgets.get("organisation"),
                                  network=widgets.get("network"), period=widgets.get("period"),
                                  faded=FADED),
                        code=UPDATE_JS)
    for name, widget in widgets.items():
        widget.js_on_change("value", callback)
    for r in node_renderers:
        r.data_source.selected.js_on_change("indices", callback)
    hint = Div(text=html.escape(t("picture.filter.focus", lang)), name="focus_hint",
               styles={"color": "#444444", "font-size": "10pt"}, width=width or 400)
    # The controls in rows no wider than the picture (a narrow picture gets two rows).
    lines, used = [], None
    for widget in widgets.values():
        if used is None or used + widget.width + 10 > max(width or 0, 300):
            lines.append([])
            used = 0
        lines[-1].append(widget)
        used += widget.width + 10
    controls = [row(*line, name="picture_filters" if i == 0 else f"picture_filters_{i}")
                for i, line in enumerate(lines)]
    parts = [*controls, hint, fig]
    return column(*parts, name="picture_layout"), widgets
