"""Views: Bokeh figures that work offline, with layouts kept stable across rounds."""

from .charts import (annual_clock, assessment_scores, evaluation_findings, distribution_chart, evaluation_chart, growth_chart, ktc_chart,
                     networks_chart)
from .export import figure_html, find_chromium, save_html, save_png, show, widget
from .layout import layout_positions
from .picture import SIZE_MEASURES, Picture, network_picture

__all__ = ["assessment_scores", "evaluation_findings", "network_picture", "Picture", "SIZE_MEASURES", "layout_positions", "ktc_chart",
           "evaluation_chart", "growth_chart", "distribution_chart", "networks_chart",
           "annual_clock", "save_html", "save_png", "figure_html", "find_chromium", "show",
           "widget"]
