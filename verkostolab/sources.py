"""The one entry to the data a command, notebook, app or report works on.

>>> from verkostolab.sources import load
>>> load().counts()["actors"]
60
"""

from __future__ import annotations

from .tables.data import NetworkData

__all__ = ["load"]


def load(path=None, *, store=None, format: str = "auto", encoding: str | None = None) -> NetworkData:
    """A file or files (``path``), a store (``store``, a URL or an SQLite file), or, with
    neither, the bundled sample network.

    Empty strings count as not given, so that papermill parameters can default to "".
    From a store, people who answered *no* to the mapping app's consent question are left
    out with their ties, participation and answers (:meth:`verkostolab.store.Store.load`).
    """
    if path and store:
        from .errors import UsageError

        raise UsageError("cli.path_or_store")
    if path:
        from .io import read

        if isinstance(path, (list, tuple)) and len(path) == 1:
            path = path[0]
        return read(path, format=format, encoding=encoding)
    if store:
        from .store import Store

        return Store(store).load()
    from .datasets import load_sample

    return load_sample()
