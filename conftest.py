"""Settings for every test run from the repository root (tests, doctests, notebooks).

Nothing leaks into the home directory: Jupyter's folders, the pseudonym salt and the
workshop store of the app notebooks live in a temporary folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="verkostolab-tests-"))
os.environ.setdefault("VERKOSTOLAB_LANG", "fi")
os.environ.setdefault("VERKOSTOLAB_SALT", "verkostolab-tests")
for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
    os.environ.setdefault(name, str(_TMP / name.lower()))


def pytest_configure(config):
    """The app notebooks (run by nbval) read the workshop store from VERKOSTOLAB_STORE:
    give them a store with the sample network."""
    if "VERKOSTOLAB_STORE" in os.environ:
        return
    from verkostolab.datasets import sample_path
    from verkostolab.ingest import import_files
    from verkostolab.store import Store

    url = f"sqlite:///{_TMP / 'workshop.sqlite'}"
    import_files(Store(url), sample_path())
    os.environ["VERKOSTOLAB_STORE"] = url
