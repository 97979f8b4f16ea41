"""Colours, markers and sizes shared by every view (pure functions, no Bokeh)."""

from __future__ import annotations

import numpy as np

__all__ = ["SECTOR_COLOURS", "KIND_MARKERS", "TIE_COLOURS", "sector_colour", "kind_marker",
           "scale_sizes", "scale_widths"]

#: Okabe–Ito colours, safe for colour-blind viewers, by sector.
SECTOR_COLOURS = {
    "private": "#E69F00",
    "public": "#56B4E9",
    "third_sector": "#009E73",
    "research": "#CC79A7",
    "education": "#F0E442",
    "politics": "#D55E00",
    "other": "#999999",
    "unknown": "#DDDDDD",
}
#: The deck draws co-development ties in blue.
TIE_COLOURS = {"met": "#B8B8B8", "reported": "#6E6E6E", "co_development": "#0072B2", "new": "#E7298A"}
#: One marker per organisation kind (the sector is the fill colour): every kind can be
#: told apart, also where two kinds share a sector.
KIND_MARKERS = {
    "company": "circle",
    "association": "square",
    "foundation": "square_dot",
    "incubator": "triangle",
    "school": "triangle_pin",
    "network_hub": "diamond",
    "international_hub": "hex",
    "public_body": "inverted_triangle",
    "municipality": "hex_dot",
    "university": "square_pin",
    "research_institute": "circle_dot",
    "political_body": "star",
    "other": "circle_x",
}


def sector_colour(sector) -> str:
    return SECTOR_COLOURS.get(sector if isinstance(sector, str) else "unknown", SECTOR_COLOURS["other"])


def kind_marker(kind) -> str:
    return KIND_MARKERS.get(kind if isinstance(kind, str) else "other", "circle")


def scale_sizes(values, *, smallest: float = 10.0, largest: float = 36.0) -> np.ndarray:
    """Marker sizes (px) growing with the square root of ``values`` (area ∝ value).

    >>> scale_sizes([0, 1, 4]).round(1).tolist()
    [10.0, 23.0, 36.0]
    """
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0).clip(min=0)
    root = np.sqrt(v)
    top = root.max() if len(root) else 0
    if top == 0:
        return np.full(len(v), smallest)
    return smallest + (largest - smallest) * root / top


def scale_widths(weights, *, thinnest: float = 0.6, thickest: float = 7.0) -> np.ndarray:
    """Line widths growing with the logarithm of tie weight."""
    w = np.log1p(np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0).clip(min=0))
    top = w.max() if len(w) else 0
    if top == 0:
        return np.full(len(w), thinnest)
    return thinnest + (thickest - thinnest) * w / top
