"""Reading a Bokeh page back in Chromium: what the network picture drew and where.

Everything comes from the page itself: the document's models (``Bokeh.documents[0]``),
the views BokehJS laid out (their frame, the label set's and the glyphs' screen
coordinates) and text measured with the canvas's own fonts.
"""

from __future__ import annotations

READY = "() => window.Bokeh && Bokeh.documents.length > 0 && Object.keys(Bokeh.index).length > 0"

# Helpers put on the page once: the plot's view, label boxes, node positions.
HELPERS = r"""
() => {
  window.vl = {};
  vl.doc = () => Bokeh.documents[0];
  vl.plot = () => {
    const fig = vl.doc().get_model_by_name('network_picture');
    for (const k of Object.keys(Bokeh.index)) {
      const v = Bokeh.index[k].owner.find_one(fig);
      if (v) return v;
    }
    return null;
  };
  vl.view = (model) => vl.plot().owner.find_one(model);
  vl.measure = (font, text) => {
    const ctx = (vl._ctx = vl._ctx || document.createElement('canvas').getContext('2d'));
    ctx.font = font;
    const m = ctx.measureText(text);
    return [m.width, m.fontBoundingBoxAscent + m.fontBoundingBoxDescent];
  };
  // The rendered label boxes, canvas pixels (y down): Bokeh's own screen position of
  // each label's anchor and offsets, the text measured in the label's font.
  vl.labels = () => {
    const model = vl.doc().get_model_by_name('labels');
    if (!model) return [];
    const v = vl.view(model);
    const d = model.source.data;
    const out = [];
    for (let i = 0; i < d.label.length; i++) {
      const [w, h] = vl.measure(v.visuals.text.font_value(i), d.label[i]);
      const x = v.sx[i] + d.dx[i], y = v.sy[i] - d.dy[i];
      const left = d.align[i] === 'left' ? x : d.align[i] === 'right' ? x - w : x - w / 2;
      const top = d.baseline[i] === 'top' ? y : d.baseline[i] === 'bottom' ? y - h : y - h / 2;
      out.push({id: d.id[i], label: d.label[i], left, top, right: left + w, bottom: top + h,
                alpha: d.alpha[i]});
    }
    return out;
  };
  vl.frame = () => { const b = vl.plot().frame.bbox; return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
  vl.canvas = () => { const r = vl.plot().canvas_view.el.getBoundingClientRect(); const b = vl.plot().canvas_view.bbox;
                      return {left: r.left, top: r.top, width: b.width, height: b.height}; };
  // Every node as drawn: id, screen position (canvas pixels), radius, alpha.
  vl.nodes = () => {
    const out = [];
    for (const r of vl.plot().model.renderers) {
      if (!(r.name || '').startsWith('nodes_')) continue;
      const g = vl.view(r).glyph;
      const d = r.data_source.data;
      for (let i = 0; i < d.id.length; i++) {
        out.push({id: d.id[i], sector: d.sector[i], sx: g.sx[i], sy: g.sy[i], r: d.size[i] / 2,
                  x: d.x[i], y: d.y[i], alpha: d.alpha[i]});
      }
    }
    return out;
  };
  vl.ties = () => {
    const out = [];
    for (const r of vl.plot().model.renderers) {
      if (!(r.name || '').startsWith('ties_')) continue;
      const d = r.data_source.data;
      for (let i = 0; i < d.source.length; i++) out.push({source: d.source[i], target: d.target[i], alpha: d.alpha[i]});
    }
    return out;
  };
  // Text drawn on the canvas outside the frame (title, caption lines, legend): its
  // extent, measured in its font, for the check that nothing runs past the canvas.
  vl.texts = () => {
    const out = [];
    const fig = vl.plot().model;
    for (const model of [fig.title, vl.doc().get_model_by_name('caption')]) {
      const v = vl.view(model);
      const font = v.visuals.text.font_value();
      for (const line of model.text.split('\n')) {
        const [w] = vl.measure(font, line);
        out.push({text: line, left: v.bbox.left, right: v.bbox.left + w, top: v.bbox.top, bottom: v.bbox.bottom});
      }
    }
    const lv = vl.view(vl.doc().get_model_by_name('legend'));
    out.push({text: 'legend', left: lv.bbox.left, right: lv.bbox.right, top: lv.bbox.top, bottom: lv.bbox.bottom});
    return out;
  };
  // Elements (through shadow roots) that stick out of their parent element.
  vl.overflowing = () => {
    const bad = [];
    const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const st = getComputedStyle(el);
        if (st.visibility === 'hidden' || st.display === 'none' || st.position === 'fixed') continue;
        // A glyph renderer's own element is an empty placeholder (BokehJS sizes it from
        // the data's bounds); what it draws is on the canvas and checked from the glyphs.
        if (el.classList.contains('bk-GlyphRenderer') && el.childElementCount === 0 && !el.textContent) continue;
        const parent = el.parentElement || (el.parentNode && el.parentNode.host);
        if (!parent || parent === document.documentElement) continue;
        const p = parent.getBoundingClientRect();
        if (p.width === 0 || p.height === 0) continue;
        if (r.left < p.left - 1 || r.top < p.top - 1 || r.right > p.right + 1 || r.bottom > p.bottom + 1) {
          bad.push(`${name(el)} [${r.left|0},${r.top|0},${r.right|0},${r.bottom|0}] in ${name(parent)} [${p.left|0},${p.top|0},${p.right|0},${p.bottom|0}]`);
        }
      }
    };
    walk(document);
    if (document.documentElement.scrollWidth > window.innerWidth) bad.push('page wider than the window');
    return bad;
  };
  return true;
}
"""


def open_picture(page, path):
    """Open the picture page at ``path`` and wait until BokehJS has drawn it."""
    page.goto(path.as_uri())
    page.wait_for_function(READY, timeout=120_000)
    page.wait_for_timeout(800)
    page.evaluate(HELPERS)
    page.wait_for_function("() => vl.plot() !== null && vl.nodes().length > 0", timeout=60_000)


def overlaps(boxes, tolerance=0.5):
    """Pairs of boxes (dicts with left, top, right, bottom) that overlap."""
    found = []
    ordered = sorted(boxes, key=lambda b: b["left"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b["left"] >= a["right"] - tolerance:
                break
            if a["top"] < b["bottom"] - tolerance and b["top"] < a["bottom"] - tolerance:
                found.append((a.get("label"), b.get("label")))
    return found


def outside(boxes, frame, tolerance=0.5):
    """Boxes not wholly inside ``frame``."""
    return [b for b in boxes if b["left"] < frame["left"] - tolerance or b["top"] < frame["top"] - tolerance
            or b["right"] > frame["right"] + tolerance or b["bottom"] > frame["bottom"] + tolerance]
