"""Offline output: standalone HTML with inline BokehJS, PNG via headless Chromium,
and notebook / widget display.

Nothing here loads anything from the network: every page carries BokehJS inline (or,
in the Voilà apps, from the template's static folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bokeh.embed import file_html
from bokeh.resources import INLINE

from ..errors import VerkostolabError

__all__ = ["figure_html", "save_html", "save_png", "find_chromium", "show", "widget",
           "script_safe"]


def script_safe(js: str) -> str:
    """``js`` safe to put between ``<script>`` and ``</script>`` in an HTML page.

    The HTML parser ends a script at the first ``</script`` whatever the JavaScript
    around it, and ``<!--`` changes how it reads on; data (a person's name in a Bokeh
    document's JSON) must therefore never carry them.  ``<\\/`` and ``\\u003c!--`` mean the
    same in a JavaScript string or a JSON value, so the script does the same.

    >>> script_safe('const d = {"name": "</script><b>"};')
    'const d = {"name": "<\\\\/script><b>"};'
    """
    return js.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def figure_html(obj, *, title: str = "verkostolab") -> str:
    """HTML for a Bokeh model with BokehJS inline (no CDN)."""
    html = file_html(obj, INLINE, title=title)
    # Let the same model be exported again, or put into another layout afterwards.
    if getattr(obj, "document", None) is not None:
        obj.document.remove_root(obj)
    return html


def save_html(obj, path, *, title: str = "verkostolab") -> Path:
    """Write a self-contained HTML file that works without internet."""
    path = Path(path)
    path.write_text(figure_html(obj, title=title), encoding="utf-8")
    return path


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary: ``VERKOSTOLAB_CHROMIUM`` or one on the PATH."""
    candidates = [os.environ.get("VERKOSTOLAB_CHROMIUM"), "chromium", "chromium-browser",
                  "google-chrome", "/usr/bin/chromium"]
    for name in candidates:
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def save_png(obj, path, *, width: int = 1200, height: int = 900, wait_ms: int = 4000) -> Path:
    """Render a Bokeh model to PNG in headless Chromium (offline)."""
    chromium = find_chromium()
    if chromium is None:
        raise VerkostolabError("error.no_chromium")
    path = Path(path).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "figure.html"
        save_html(obj, page)
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--no-first-run",
               "--disable-sync", "--hide-scrollbars", f"--user-data-dir={tmp}/profile",
               f"--window-size={width},{height}", f"--virtual-time-budget={wait_ms}",
               f"--screenshot={path}", page.as_uri()]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VerkostolabError("error.png_failed", reason=str(exc)) from None
    if not path.exists() or path.stat().st_size == 0:
        reason = (result.stderr or "").strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        raise VerkostolabError("error.png_failed", reason=reason[0])
    return path


_NOTEBOOK_READY = False


def show(obj) -> None:
    """Show a Bokeh model in a notebook, loading BokehJS inline once (works offline)."""
    global _NOTEBOOK_READY
    from bokeh.io import output_notebook
    from bokeh.embed.notebook import notebook_content
    from bokeh.io import show as bokeh_show
    from bokeh.io.notebook import EXEC_MIME_TYPE, HTML_MIME_TYPE, JS_MIME_TYPE, publish_display_data
    from bokeh.io.state import curstate

    if not _NOTEBOOK_READY:
        output_notebook(INLINE, hide_banner=True)
        _NOTEBOOK_READY = True
    state = curstate()
    if not state.notebook:
        bokeh_show(obj)
        return
    # As bokeh.io.notebook.show_doc, but with the document's JSON made safe for the
    # inline <script> that nbconvert writes for it (a name "</script><img onerror=...>"
    # would otherwise end the script and run as HTML in the report).
    if obj not in state.document.roots:
        state.document.add_root(obj)
    script, div, _ = notebook_content(obj)
    publish_display_data({HTML_MIME_TYPE: div})
    publish_display_data({JS_MIME_TYPE: script_safe(script), EXEC_MIME_TYPE: ""},
                         metadata={EXEC_MIME_TYPE: {"id": obj.id}})


def widget(obj):
    """Wrap a Bokeh model as an ipywidget (for Voilà apps and widget layouts)."""
    from jupyter_bokeh import BokehModel

    return BokehModel(obj)
