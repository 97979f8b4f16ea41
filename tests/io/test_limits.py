"""Size limits and finite numbers (issue 16, finding 6): a zip bomb, a workbook whose
dimension tag claims a million rows, a one-line 1 MB CSV and a weight of 1e309 are
refused quickly with a message naming the file (sheet, row, column) and the limit."""

from __future__ import annotations

import math
import shutil
import time
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from verkostolab import Store
from verkostolab.errors import InputError
from verkostolab.ingest import import_files
from verkostolab.io import read
from verkostolab.io.limits import LIMITS, limit

from support.files import SMALL, write_csv_folder, write_xlsx

SLACK = Path(__file__).resolve().parents[1] / "data" / "slack" / "export"


def problems(exc, lang="en"):
    return [p.render(lang) for p in exc.value.problems]


def test_limits_are_read_from_the_environment(monkeypatch):
    assert limit("rows") == LIMITS["rows"][1]
    monkeypatch.setenv("VERKOSTOLAB_MAX_ROWS", "12")
    assert limit("rows") == 12
    monkeypatch.setenv("VERKOSTOLAB_MAX_ROWS", "0")
    assert limit("rows") is None
    monkeypatch.setenv("VERKOSTOLAB_MAX_ROWS", "many")
    assert limit("rows") == LIMITS["rows"][1]


def slack_zip(tmp_path, extra: dict[str, bytes]) -> Path:
    out = tmp_path / "slack.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(SLACK.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(SLACK.parent).as_posix())
        for name, data in extra.items():
            zf.writestr(f"export/{name}", data)
    return out


def test_a_slack_zip_bomb_is_refused_by_the_unpacked_size(tmp_path, monkeypatch):
    # 64 MB of blanks inside a channel's day: a few kilobytes packed.
    bomb = b"[" + b" " * (64 * 2**20) + b"]"
    path = slack_zip(tmp_path, {"yleinen/2024-05-01.json": bomb})
    assert path.stat().st_size < 200_000
    (tmp_path / "ok").mkdir()
    assert len(read(slack_zip(tmp_path / "ok", {}), format="slack").actors) > 0  # within limits
    monkeypatch.setenv("VERKOSTOLAB_MAX_MEMBER_BYTES", str(8 * 2**20))
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read(path, format="slack")
    assert time.perf_counter() - started < 10
    text = "\n".join(problems(exc))
    assert "yleinen/2024-05-01.json" in text and "8388608" in text
    assert "VERKOSTOLAB_MAX_MEMBER_BYTES" in text
    assert "VERKOSTOLAB_MAX_MEMBER_BYTES" in "\n".join(problems(exc, "fi"))
    assert "purkautuu" in "\n".join(problems(exc, "fi"))
    # The total over all members is capped too, and so is the archive on disk.
    monkeypatch.setenv("VERKOSTOLAB_MAX_MEMBER_BYTES", str(100 * 2**20))
    monkeypatch.setenv("VERKOSTOLAB_MAX_UNZIPPED_BYTES", str(32 * 2**20))
    with pytest.raises(InputError) as exc:
        read(path, format="slack")
    assert "VERKOSTOLAB_MAX_UNZIPPED_BYTES" in "\n".join(problems(exc))
    monkeypatch.setenv("VERKOSTOLAB_MAX_ZIP_BYTES", "1000")
    with pytest.raises(InputError) as exc:
        read(path, format="slack")
    assert "VERKOSTOLAB_MAX_ZIP_BYTES" in "\n".join(problems(exc)) and str(path) in "\n".join(problems(exc))


def claim_dimension(path: Path, ref: str) -> Path:
    """Rewrite every sheet's <dimension ref=…> (what a hostile file can claim)."""
    out = path.with_name("claims-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                start = text.index("<dimension ref=\"") + len("<dimension ref=\"")
                data = (text[:start] + ref + text[text.index('"', start):]).encode()
            dst.writestr(info, data)
    return out


def test_a_workbook_is_read_by_its_real_extent_not_its_dimension_tag(tmp_path, monkeypatch):
    path = claim_dimension(write_xlsx(tmp_path / "small.xlsx", SMALL), "A1:XFD1048576")
    assert path.stat().st_size < 10_000
    started = time.perf_counter()
    data = read(path)
    assert time.perf_counter() - started < 10
    assert data.counts()["actors"] == 3 and data.counts()["ties"] == 2
    # Real rows beyond the limit are refused with the sheet and row.
    monkeypatch.setenv("VERKOSTOLAB_MAX_ROWS", "4")
    with pytest.raises(InputError) as exc:
        read(path)
    text = "\n".join(problems(exc))
    assert "row 5" in text and "VERKOSTOLAB_MAX_ROWS" in text and "osallistumiset" in text


def test_a_workbook_with_a_cell_in_the_last_column_is_refused_quickly(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in SMALL.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb["toimijat"]["XFD2"] = "x"
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read(path)
    assert time.perf_counter() - started < 10
    text = "\n".join(problems(exc))
    assert "toimijat" in text and "16384" in text and "VERKOSTOLAB_MAX_COLUMNS" in text


def test_a_one_line_megabyte_csv_is_refused_quickly(tmp_path):
    folder = write_csv_folder(tmp_path / "csv", SMALL)
    (folder / "toimijat.csv").write_text("toimija_id," + ",".join(f"c{i}" for i in range(150_000)) + "\n")
    assert (folder / "toimijat.csv").stat().st_size > 1_000_000
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read(folder)
    assert time.perf_counter() - started < 5
    text = "\n".join(problems(exc))
    assert "toimijat.csv" in text and "row 1" in text and "VERKOSTOLAB_MAX_LINE_CHARS" in text


@pytest.mark.parametrize("value", ["1e309", "-1e309", "inf", "NaN"])
def test_infinite_weights_are_refused_and_never_stored(tmp_path, value):
    tables = {k: [list(r) for r in v] for k, v in SMALL.items()}
    tables["suhteet"][0].append("paino")
    tables["suhteet"][1].append("2")
    tables["suhteet"][2].append(value)
    folder = write_csv_folder(tmp_path / "csv", tables)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with pytest.raises(InputError) as exc:
        import_files(Store(url), folder)
    text = "\n".join(problems(exc))
    assert "suhteet.csv" in text and "row 3" in text and "paino" in text and value in text
    if value != "NaN":  # NaN was refused before, as not a non-negative number
        assert "not a finite number" in text
        assert "ei ole äärellinen luku" in "\n".join(problems(exc, "fi"))
    if Path(tmp_path / "store.sqlite").exists():
        with sa.create_engine(url).connect() as conn:
            if sa.inspect(conn).has_table("ties"):
                weights = conn.execute(sa.text("SELECT weight FROM ties")).scalars().all()
                assert not any(w is not None and not math.isfinite(w) for w in weights)


def test_the_store_never_writes_an_infinite_number():
    from verkostolab.store import _records

    import pandas as pd

    assert _records(pd.DataFrame({"weight": [1.5, float("nan")]})) == [{"weight": 1.5}, {"weight": None}]
    with pytest.raises(ValueError):
        _records(pd.DataFrame({"weight": [1.0, float("inf")]}))
