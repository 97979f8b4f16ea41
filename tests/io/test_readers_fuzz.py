"""Random, truncated and damaged input for the built-in readers (workbook, CSV folder,
single table CSV, edge list, participation list) and for auto-detection over all
readers: nothing but the project's own errors comes out.  (The platform readers have
their own property tests beside their other tests.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.tables.data import NetworkData
from verkostolab.errors import VerkostolabError
from verkostolab.io import FORMATS, detect_format, read_validated, write_workbook
from verkostolab.datasets import load_sample

_settings = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])

_cell = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(
    ["Åsa", "Pekka Mäkelä", "2024-03-14", "14.3.2024", "3", "x", ";", '"', "P01", "E01", ""]))
_rows = st.lists(st.lists(_cell, max_size=6), max_size=8)


def _only_project_errors(path: Path, formats=FORMATS) -> None:
    for fmt in formats:
        try:
            read_validated(path, format=fmt)
        except VerkostolabError:
            pass


def _csv(rows, delimiter=",") -> str:
    out = []
    for row in rows:
        cells = []
        for c in row:
            c = "" if c is None else str(c)
            cells.append('"' + c.replace('"', '""') + '"' if any(ch in c for ch in '",;\n') else c)
        out.append(delimiter.join(cells))
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def sample_bytes(tmp_path_factory) -> bytes:
    """A small real workbook: the sample network's first events and their people."""
    data = load_sample()
    events = data.events.head(3)
    part = data.participation[data.participation["event_id"].isin(events["event_id"])]
    actors = data.actors[data.actors["actor_id"].isin(part["actor_id"])]
    ties = data.ties[data.ties["source"].isin(actors["actor_id"]) & data.ties["target"].isin(actors["actor_id"])]
    small = NetworkData({"organisations": data.organisations, "actors": actors, "events": events,
                         "participation": part, "ties": ties})
    path = tmp_path_factory.mktemp("wb") / "verkosto.xlsx"
    write_workbook(small, path)
    return path.read_bytes()


@_settings
@given(blob=st.binary(max_size=600), name=st.sampled_from(
    ["verkosto.xlsx", "ties.csv", "toimijat.csv", "edges.csv", "data.txt", "export.zip",
     "kokous.gexf", "raportti.csv"]))
def test_random_bytes_give_only_project_errors(tmp_path, blob, name):
    path = tmp_path / name
    path.write_bytes(blob)
    try:
        assert detect_format(path) in FORMATS
    except VerkostolabError:
        pass
    _only_project_errors(path)


@_settings
@given(rows=_rows, header=st.sampled_from([["source", "target", "weight"], ["event", "actor"],
                                           ["lähde", "kohde"], ["actor_id", "name"], []]),
       delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_random_tables_give_only_project_errors(tmp_path, rows, header, delimiter, encoding):
    text = _csv([header, *rows], delimiter)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    for name in ("edges.csv", "ties.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        _only_project_errors(path, formats=("auto", "edgelist", "participation", "csv"))
    folder = tmp_path / "kansio"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "toimijat.csv").write_bytes(data)
    (folder / "suhteet.csv").write_bytes(data)
    _only_project_errors(folder, formats=("auto", "csv"))


@_settings
@given(data=st.data())
def test_truncated_and_damaged_workbooks_give_only_project_errors(tmp_path, sample_bytes, data):
    cut = data.draw(st.integers(0, len(sample_bytes) - 1))
    damaged = bytearray(sample_bytes[:cut] if data.draw(st.booleans()) else sample_bytes)
    for _ in range(data.draw(st.integers(0, 4))):
        if damaged:
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    path = tmp_path / "verkosto.xlsx"
    path.write_bytes(bytes(damaged))
    _only_project_errors(path, formats=("auto", "workbook", "kumu", "forms"))


@_settings
@given(cut=st.integers(0, 400))
def test_truncated_participation_lists_give_only_project_errors(tmp_path, cut):
    text = "event,actor\n" + "".join(f"E{i % 7},Åsa Öhman {i % 11}\n" for i in range(40))
    path = tmp_path / "osallistujat.csv"
    path.write_bytes(text.encode("utf-8")[:cut])
    _only_project_errors(path, formats=("auto", "participation", "edgelist"))
