"""Regenerate the bundled sample network Järvilaakso.

Writes into the package (verkostolab/datasets/, shipped as package data):

* ``jarvilaakso.xlsx`` - the native workbook (Finnish sheet names, headers and labels),
  read by :func:`verkostolab.load_sample`;
* ``jarvilaakso-csv/`` - the same tables as UTF-8 CSV files (English headers, codes).

Run from anywhere::

    python data/samples/make_samples.py

The data come from :func:`verkostolab.datasets.generate_sample` with its default seed, so
running this again gives the same tables (only the "written" date on the about sheet of
the workbook changes).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "verkostolab" / "datasets"
sys.path.insert(0, str(HERE.parents[1]))  # this checkout's verkostolab, also uninstalled

from verkostolab.io import write_csv_folder, write_workbook  # noqa: E402
from verkostolab.datasets import generate_sample  # noqa: E402


def main() -> None:
    data = generate_sample()
    workbook = write_workbook(data, OUT / "jarvilaakso.xlsx", lang="fi")
    folder = OUT / "jarvilaakso-csv"
    if folder.exists():
        shutil.rmtree(folder)
    write_csv_folder(data, folder, lang="en", labels=False)
    counts = ", ".join(f"{name} {n}" for name, n in data.counts().items())
    print(f"wrote {workbook.relative_to(HERE.parents[1])} and "
          f"{folder.relative_to(HERE.parents[1])}/ ({counts})")


if __name__ == "__main__":
    main()
