"""verkostolab: network work (verkostotyö) and network leadership in Jupyter.

Network events become a network picture, measures and tips.  Public
names are imported on first use, so that ``import verkostolab`` stays light (the
participants' workshop pages start faster).

>>> import verkostolab
>>> verkostolab.load_sample().counts()["actors"] > 0
True
"""

from importlib import import_module

from ._version import __version__

_PUBLIC = {
    "NetworkData": "tables.data",
    "read": "io",
    "load": "sources",
    "pseudonymise": "tables.privacy",
    "write_workbook": "io",
    "write_template": "io",
    "Store": "store",
    "Submission": "store",
    "TieAnswer": "store",
    "import_files": "ingest",
    "import_data": "ingest",
    "build_graph": "graphs",
    "tie_table": "graphs",
    "project_participation": "graphs",
    "to_networkx": "graphs",
    "Analysis": "measures",
    "analyse": "measures",
    "node_measures": "measures",
    "network_measures": "measures",
    "network_stage": "measures",
    "boundary_spanners": "measures",
    "compare_periods": "measures",
    "load_sample": "datasets",
    "sample_path": "datasets",
    "t": "i18n",
    "VerkostolabError": "errors",
    "InputError": "errors",
    "FormatError": "errors",
    "StoreError": "errors",
    "UsageError": "errors",
    "PeriodError": "errors",
    "ParameterError": "errors",
    "ReportError": "errors",
    "Problem": "errors",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'verkostolab' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
