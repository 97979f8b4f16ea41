"""Reports: run a notebook with papermill and convert it into one self-contained HTML file.

The pipeline (one named step each, as in papermill itself): choose the notebook →
parameterise → execute (papermill, with a progress bar) → raise for errors, naming the
failing cell → convert (nbconvert, inputs hidden, the ``verkostolab-report`` template
that fetches nothing from a CDN) → write.

Notebooks show their Bokeh figures with :func:`verkostolab.viz.show`, which embeds
BokehJS inline, so the report's plots work offline and stay interactive.
"""

from __future__ import annotations

import re
import tempfile
from importlib.resources import files
from pathlib import Path

from .errors import ParameterError, ReportError, VerkostolabError

__all__ = ["ReportError", "run_report", "default_report", "reports_dir", "templates_dir",
           "to_html", "notebook_parameters", "check_parameters"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: Cells with these tags are documentation for researchers, not part of a report.
REMOVED_TAGS = {"doc", "remove-in-report"}


def _packaged(*parts: str) -> Path:
    """A file or folder shipped inside the package (package data, found with
    :mod:`importlib.resources`, so it is there in an installed wheel too)."""
    return Path(str(files(__package__).joinpath(*parts)))


def reports_dir() -> Path:
    """The packaged report notebooks (``verkostolab/reports/``).

    >>> (reports_dir() / "report.ipynb").is_file()
    True
    """
    return _packaged("reports")


def templates_dir() -> Path:
    """The folder that holds the nbconvert template ``verkostolab-report``.

    >>> (templates_dir() / "verkostolab-report" / "index.html.j2").is_file()
    True
    """
    return _packaged("reports", "templates")


def default_report() -> Path:
    """The report ``verkostolab report`` runs when no notebook is named."""
    return reports_dir() / "report.ipynb"


def to_html(notebook, out, *, title: str | None = None) -> Path:
    """Convert an executed notebook (path or NotebookNode) into self-contained HTML."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, (str, Path)) else notebook
    if title:
        nb.metadata["title"] = title
    remove = TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS | {"parameters", "injected-parameters"},
                                   enabled=True)
    exporter = HTMLExporter(template_name="verkostolab-report",
                            extra_template_basedirs=[str(templates_dir())],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.register_preprocessor(remove, enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    out = Path(out)
    out.write_text(body, encoding="utf-8")
    return out


def _cell_number(executed: Path, index: int) -> int:
    """The failing cell's number as the author sees it (1-based, in the notebook as
    written: without the cell papermill injects for the parameters)."""
    import nbformat

    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except (OSError, ValueError):
        return index + 1
    injected = sum(1 for c in cells[:index] if "injected-parameters" in c.metadata.get("tags", []))
    return index + 1 - injected


def notebook_parameters(notebook) -> list[str]:
    """The names the notebook's cell tagged ``parameters`` assigns, in its order."""
    import ast

    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    names: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" not in cell.metadata.get("tags", []):
            continue
        for node in ast.parse(cell.source).body:
            targets = ([node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign))
                       else node.targets if isinstance(node, ast.Assign) else [])
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name) and leaf.id not in names:
                        names.append(leaf.id)
    return names


def check_parameters(notebook, parameters) -> None:
    """Raise :class:`~verkostolab.errors.ParameterError` naming every parameter that the
    notebook's parameters cell does not have, and listing the valid names (papermill
    would only warn and run with the defaults)."""
    valid = notebook_parameters(notebook)
    unknown = [name for name in parameters if name not in valid]
    if unknown:
        raise ParameterError("error.unknown_parameter", notebook=Path(notebook).name,
                             names=", ".join(unknown), valid=", ".join(valid))


def run_report(notebook=None, *, out, parameters: dict | None = None, progress: bool = True,
               timeout: int = 900, keep_executed: Path | None = None) -> Path:
    """Execute ``notebook`` (default: the general report) with ``parameters`` and write
    one self-contained HTML file to ``out``.

    Raises :class:`ReportError` naming the failing cell and its error, and
    :class:`~verkostolab.errors.ParameterError` before running anything when a
    parameter is not in the notebook's parameters cell.
    """
    import papermill as pm

    notebook = Path(notebook) if notebook else default_report()
    # A notebook of one's own runs in its folder (its relative paths work); the packaged
    # report runs where it was asked for, never inside the installed package.
    cwd = Path.cwd() if notebook == default_report() else notebook.parent
    if not notebook.exists():
        raise VerkostolabError("error.not_found", path=str(notebook))
    parameters = {k: v for k, v in (parameters or {}).items() if v is not None}
    check_parameters(notebook, parameters)
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(keep_executed) if keep_executed else Path(tmp) / "executed.ipynb"
        try:
            pm.execute_notebook(str(notebook), str(executed), parameters=parameters,
                                progress_bar=progress, cwd=str(cwd),
                                execution_timeout=timeout, kernel_name="python3",
                                report_mode=False)
        except pm.PapermillExecutionError as exc:
            raise ReportError("error.report_cell", notebook=notebook.name,
                              cell=_cell_number(executed, exc.cell_index), ename=exc.ename,
                              evalue=_ANSI.sub("", str(exc.evalue))[:300]) from None
        title = notebook.stem
        return to_html(executed, out, title=title)
