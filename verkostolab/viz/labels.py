"""Name labels placed without overlap, and display positions that keep far-off nodes
in view (pure functions: numpy and pandas, no Bokeh).

A label's box is estimated from its font size and the length of its text (the widest
character of a sans-serif face is about 0.62 em on average over names), in screen
pixels; the picture fixes its frame size and an equal scale on both axes, so a box in
pixels is a box in data units too.  The browser tests measure the rendered boxes and
check the estimate holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["label_box_size", "place_labels", "compress_outliers", "CHAR_EM", "LINE_EM"]

#: Average advance of a character of a name, in em (DejaVu Sans / Liberation Sans / Arial).
CHAR_EM = 0.62
#: Height of a line of text, in em.
LINE_EM = 1.25


def label_box_size(text: str, font_px: float) -> tuple[float, float]:
    """Width and height (px) of a one-line label of ``text`` at ``font_px``.

    >>> label_box_size("Anna", 12)
    (29.76, 15.0)
    """
    return (round(len(str(text)) * CHAR_EM * font_px, 2), round(LINE_EM * font_px, 2))


# Where a label may go around its node, in order of preference: (dx, dy) as multiples of
# the marker radius plus a gap; 0 centres the label on that axis.  Screen y grows upward.
_CANDIDATES = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))


def place_labels(px: np.ndarray, py: np.ndarray, radius: np.ndarray, texts, *, font_px: float,
                 frame: tuple[float, float], order=None, limit: int | None = None,
                 gap: float = 2.0, avoid_nodes: bool = True) -> pd.DataFrame:
    """Choose, greedily in ``order``, a place for each label that overlaps no label placed
    before it and stays inside the frame ``(width, height)`` (pixels, origin bottom left);
    a label that fits nowhere is left out (the name is on hover).  With ``avoid_nodes``
    a label does not cover another node's centre either.

    Returns a frame of the placed labels: ``index`` (row of the input), ``left``,
    ``bottom``, ``width``, ``height`` (px, in the frame), ``dx``, ``dy`` (the text's
    anchor relative to the node, px, y up) and ``align``, ``baseline`` (which side of
    the text the anchor is: ``left``/``right``/``center``, ``bottom``/``top``/``middle``).

    >>> placed = place_labels(np.array([50., 52.]), np.array([50., 50.]), np.array([5., 5.]),
    ...                       ["Anna", "Bo"], font_px=12, frame=(200, 100))
    >>> len(placed), bool(placed["left"].iloc[0] >= 0)
    (2, True)
    """
    px, py, radius = (np.asarray(a, dtype=float) for a in (px, py, radius))
    texts = list(texts)
    order = range(len(texts)) if order is None else list(order)
    fw, fh = frame
    boxes: list[tuple[float, float, float, float]] = []
    rows = []
    cell = 64.0  # a coarse grid of placed boxes: overlap checks stay local
    grid: dict[tuple[int, int], list[int]] = {}
    node_cells: dict[tuple[int, int], list[int]] = {}
    if avoid_nodes:
        for i, (x, y) in enumerate(zip(px, py)):
            node_cells.setdefault((int(x // cell), int(y // cell)), []).append(i)

    def cells(l, b, r, t):
        for cx in range(int(l // cell), int(r // cell) + 1):
            for cy in range(int(b // cell), int(t // cell) + 1):
                yield cx, cy

    for i in order:
        if limit is not None and len(rows) >= limit:
            break
        w, h = label_box_size(texts[i], font_px)
        off = radius[i] + gap
        for ax, ay in _CANDIDATES:
            left = px[i] + (off if ax > 0 else -off - w if ax < 0 else -w / 2)
            bottom = py[i] + (off if ay > 0 else -off - h if ay < 0 else -h / 2)
            right, top = left + w, bottom + h
            if left < 0 or bottom < 0 or right > fw or top > fh:
                continue
            clash = False
            for c in cells(left, bottom, right, top):
                for j in grid.get(c, ()):
                    l2, b2, r2, t2 = boxes[j]
                    if left < r2 and l2 < right and bottom < t2 and b2 < top:
                        clash = True
                        break
                if not clash and avoid_nodes:
                    for k in node_cells.get(c, ()):
                        if k != i and left < px[k] < right and bottom < py[k] < top:
                            clash = True
                            break
                if clash:
                    break
            if clash:
                continue
            boxes.append((left, bottom, right, top))
            for c in cells(left, bottom, right, top):
                grid.setdefault(c, []).append(len(boxes) - 1)
            # Anchored at the side that faces the node: the text hugs its node even
            # where it is narrower than the estimate.
            align = "left" if ax > 0 else "right" if ax < 0 else "center"
            baseline = "bottom" if ay > 0 else "top" if ay < 0 else "middle"
            dx = off if ax > 0 else -off if ax < 0 else 0.0
            dy = off if ay > 0 else -off if ay < 0 else 0.0
            rows.append((i, left, bottom, w, h, dx, dy, align, baseline))
            break
    return pd.DataFrame(rows, columns=["index", "left", "bottom", "width", "height", "dx", "dy",
                                       "align", "baseline"])


def compress_outliers(positions: pd.DataFrame, *, quantile: float = 0.9,
                      reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """Positions pulled towards the middle beyond the ``quantile`` of distances from the
    median (logarithmically; the order of distances is kept), so that a few far-off
    small groups do not shrink the whole network to a dot.  The same input gives the
    same output: pictures of different periods share it.  The middle and the distance
    come from ``reference`` when given (the whole data's positions), else from
    ``positions``.

    >>> p = pd.DataFrame({"x": [0., 1., -1., 0., 0., 1., -1., 1., -1., 100.],
    ...                   "y": [0., 0., 0., 1., -1., 1., 1., -1., -1., 0.]})
    >>> bool(compress_outliers(p, quantile=0.8)["x"].max() < 10)
    True
    """
    ref = positions if reference is None else reference
    if len(ref) < 5 or len(positions) == 0:
        return positions.copy()
    rxy = ref[["x", "y"]].to_numpy(dtype=float)
    centre = np.median(rxy, axis=0)
    edge = float(np.quantile(np.hypot(*(rxy - centre).T), quantile))
    if edge <= 0:
        return positions.copy()
    xy = positions[["x", "y"]].to_numpy(dtype=float)
    d = xy - centre
    r = np.hypot(d[:, 0], d[:, 1])
    far = r > edge
    scale = np.ones_like(r)
    scale[far] = edge * (1 + 0.35 * np.log(r[far] / edge)) / r[far]
    out = positions.copy()
    out[["x", "y"]] = centre + d * scale[:, None]
    return out
