"""`verkostolab export`: GEXF 1.3, GraphML, Kumu, the workbook and the CSV folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.graphs import build_graph, graph_to_tables
from verkostolab.tables.data import NetworkData
from verkostolab.errors import VerkostolabError
from verkostolab.io import read, read_validated
from verkostolab.export import (EXPORT_FORMATS, POSITION_SCALE, export, graph_export,
                                   pseudonymise_ids, write_gexf, write_graphml, write_kumu)
from verkostolab.datasets import load_sample
from verkostolab.store import Store
from verkostolab.ingest import import_files
from verkostolab.viz.style import SECTOR_COLOURS

from support.files import write_csv_folder, write_xlsx

_NODE_COLUMNS = ["label", "organisation", "organisation_name", "sector", "kind", "role"]


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture
def small_workbook(tmp_path, small_tables):
    """The small network plus a second Åsa Ek (another person of the same name), a
    person without ties, an empty row and a reported tie between the two."""
    small_tables["toimijat"] += [["P4", "Åsa Ek", "O3", "kehittämispäällikkö", ""],
                                 ["", "", "", "", ""],
                                 ["P5", "Örjan Sjöström", "O2", "", "matkailu"]]
    small_tables["suhteet"].append(["P4", "P1", "neuvonta", "3", "5", "4", "2.4.2024"])
    return write_xlsx(tmp_path / "pieni.xlsx", small_tables)


def _graph_tables(data: NetworkData):
    vertices, edges = graph_to_tables(build_graph(data))
    vertices = vertices.set_index("name").sort_index()
    key = edges[["source", "target"]].apply(lambda r: tuple(sorted(r)), axis=1)
    edges = edges.assign(pair=key).set_index("pair").sort_index()
    return vertices, edges


def _assert_same_network(original: NetworkData, back: NetworkData):
    """The read-back network has the same nodes, ties, weights and attributes; the tie
    layers are equal where the original mean is whole, else rounded half up."""
    va, ea = _graph_tables(original)
    vb, eb = _graph_tables(back)
    assert list(va.index) == list(vb.index)
    pd.testing.assert_frame_equal(va[_NODE_COLUMNS].fillna("-"), vb[_NODE_COLUMNS].fillna("-"))
    assert list(ea.index) == list(eb.index)
    np.testing.assert_allclose(ea["weight"], eb["weight"], rtol=0, atol=1e-12)
    for layer in ("knowing", "trust", "commitment"):
        a, b = ea[layer].to_numpy(), eb[layer].to_numpy()
        assert np.array_equal(np.isnan(a), np.isnan(b)), layer
        whole = ~np.isnan(a) & (a == np.round(a))
        assert np.array_equal(a[whole], b[whole]), layer
        rest = ~np.isnan(a) & ~whole
        assert np.array_equal(np.floor(a[rest] + 0.5), b[rest]), layer
    actors_a = original.actors.set_index("actor_id").sort_index()
    actors_b = back.actors.set_index("actor_id").sort_index()
    for col in ("name", "keywords", "email", "role"):
        assert actors_a[col].fillna("-").tolist() == actors_b[col].fillna("-").tolist(), col


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_sample_round_trip(tmp_path, sample, fmt):
    out = export(sample, tmp_path / f"verkosto.{fmt}", format=fmt, lang="fi")
    assert (out.nodes, out.ties) == (60, build_graph(sample).ecount())
    result = read_validated(out.path)
    _assert_same_network(sample, result.data)
    assert result.data.organisations.set_index("organisation_id")["name"].to_dict() == \
        sample.organisations.set_index("organisation_id")["name"].to_dict()


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_small_workbook_round_trip(tmp_path, small_workbook, fmt, lang):
    data = read(small_workbook)
    path = tmp_path / f"pieni.{fmt}"
    export(data, path, format=fmt, lang=lang)
    back = read(path)
    _assert_same_network(data, back)
    names = back.actors.set_index("actor_id")["name"]
    assert names["P2"] == names["P4"] == "Åsa Ek" and names["P1"] == "Äijä Öhman"
    assert back.organisations.set_index("organisation_id").loc["O2", "kind"] == "network_hub"


# --------------------------------------------------------------------------- other readers


def test_gexf_opens_with_networkx_and_igraph_through_networkx(tmp_path, sample):
    path = write_gexf(sample, tmp_path / "verkosto.gexf", lang="en")
    g = nx.read_gexf(path)
    assert isinstance(g, nx.Graph) and not g.is_directed()
    assert g.number_of_nodes() == 60 and g.number_of_edges() == build_graph(sample).ecount()
    node = g.nodes["P01"]
    assert node["label"] == "Noora Savolainen" and node["organisation"] == "O01"
    assert node["sector"] == "public sector" and isinstance(node["knowing_mean"], float)
    reported = sample.ties.iloc[0]  # a pair with ratings
    edge = g.edges[reported["source"], reported["target"]]
    assert isinstance(edge["weight"], float) and isinstance(edge["shared_events"], int)
    assert {"knowing", "trust", "commitment", "reported", "first_date"} <= set(edge)
    # igraph has no GEXF reader of its own; "opens with igraph" means via networkx.
    with pytest.raises(Exception):
        ig.Graph.Read(str(path), format="gexf")
    h = ig.Graph.from_networkx(g)
    assert (h.vcount(), h.ecount()) == (60, g.number_of_edges())
    assert "Noora Savolainen" in h.vs["label"] and "weight" in h.es.attributes()


def test_graphml_opens_with_networkx_and_igraphs_own_reader(tmp_path, sample):
    path = write_graphml(sample, tmp_path / "verkosto.graphml", lang="fi")
    g = nx.read_graphml(path)
    assert g.number_of_nodes() == 60 and not g.is_multigraph()
    assert g.nodes["P01"]["label"] == "Noora Savolainen" and g.nodes["P01"]["sector"] == "julkinen sektori"
    assert isinstance(g.nodes["P01"]["r"], int) and isinstance(g.nodes["P01"]["x"], float)
    h = ig.Graph.Read_GraphML(str(path))
    assert (h.vcount(), h.ecount()) == (60, g.number_of_edges()) and not h.is_directed()
    assert h.vs.find(id="P01")["label"] == "Noora Savolainen"
    assert isinstance(h.es[0]["weight"], float) and isinstance(h.es[0]["shared_events"], float | int)


def test_look_is_the_pictures_colours_and_positions(tmp_path, sample):
    from verkostolab.viz import network_picture

    g = nx.read_gexf(write_gexf(sample, tmp_path / "v.gexf", lang="en"))
    picture = network_picture(sample)
    sectors = sample.actor_sectors()
    for node, attrs in g.nodes(data=True):
        colour = SECTOR_COLOURS[sectors[node] if isinstance(sectors[node], str) else "unknown"]
        viz = attrs["viz"]
        assert "#{:02X}{:02X}{:02X}".format(*(viz["color"][c] for c in "rgb")) == colour
        x, y = picture.positions.loc[node, ["x", "y"]]
        assert viz["position"]["x"] == pytest.approx(x * POSITION_SCALE)
        assert viz["position"]["y"] == pytest.approx(y * POSITION_SCALE)


def test_a_period_keeps_the_whole_networks_positions(tmp_path, sample):
    whole = graph_export(sample)
    spring = graph_export(sample, period="2025-01:2025-05")
    assert len(spring.edges) < len(whole.edges)
    common = spring.nodes.index.intersection(whole.nodes.index)
    assert len(common) > 10
    pd.testing.assert_frame_equal(spring.nodes.loc[common, ["x", "y"]], whole.nodes.loc[common, ["x", "y"]])


@pytest.mark.parametrize("level, count", [("organisation", 26), ("sector", None), ("network", 4)])
def test_levels(tmp_path, sample, level, count):
    path = export(sample, tmp_path / f"{level}.gexf", level=level, lang="fi").path
    g = nx.read_gexf(path)
    expected = build_graph(sample, level=level)
    assert g.number_of_nodes() == expected.vcount() and g.number_of_edges() == expected.ecount()
    if count is not None:
        assert g.number_of_nodes() == count
    if level == "organisation":
        assert g.nodes["O01"]["label"] == "Järvilaakson Kehitys Oy" and g.nodes["O01"]["members"] >= 1
    if level == "sector":
        assert g.nodes["third_sector"]["label"] == "kolmas sektori"
    assert read(path).counts()["actors"] == expected.vcount()


# --------------------------------------------------------------------------- Kumu


def test_kumu_workbook(tmp_path, small_workbook):
    data = read(small_workbook)
    path = write_kumu(data, tmp_path / "kumu.xlsx", lang="fi")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Elements", "Connections"]
    elements = list(book["Elements"].iter_rows(values_only=True))
    connections = list(book["Connections"].iter_rows(values_only=True))
    assert elements[0][:2] == ("Label", "Type") and connections[0][:2] == ("From", "To")
    assert {"Organisaatio", "Sektori", "Rooli", "Tags"} <= set(elements[0])
    assert {"Type", "Strength", "Tunteminen", "Luottamus"} <= set(connections[0])
    labels = [row[0] for row in elements[1:]]
    # Kumu merges elements by label: the two Åsa Eks get their organisations.
    assert "Åsa Ek (Verkostohubi ry)" in labels and "Åsa Ek (Järvilaakson kaupunki)" in labels
    assert len(set(labels)) == len(labels) == 5
    tags = dict(zip(labels, [row[elements[0].index("Tags")] for row in elements[1:]]))
    assert tags["Äijä Öhman"] == "kiertotalous|rahoitus"
    assert {row[0] for row in connections[1:]} | {row[1] for row in connections[1:]} <= set(labels)
    strength = connections[0].index("Strength")
    assert all(isinstance(row[strength], (int, float)) and row[strength] > 0 for row in connections[1:])


def test_kumu_cells_are_never_formulas(tmp_path, small_tables):
    small_tables["toimijat"][1][1] = '=HYPERLINK("http://example.invalid","klikkaa")'
    data = read(write_csv_folder(tmp_path / "f", small_tables))
    path = write_kumu(data, tmp_path / "kumu.xlsx")
    cell = openpyxl.load_workbook(path)["Elements"]["A2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


# --------------------------------------------------------------------------- workbook and CSV


def test_workbook_and_csv_exports_read_back(tmp_path, sample):
    export(sample, tmp_path / "kopio.xlsx", lang="en")
    export(sample, tmp_path / "kopio-csv", format="csv")
    for path in (tmp_path / "kopio.xlsx", tmp_path / "kopio-csv"):
        back = read(path)
        assert back.counts() == sample.counts()
        pd.testing.assert_frame_equal(back.ties, sample.ties)
    part = export(sample, tmp_path / "syksy.xlsx", period="2024-09:2024-12")
    assert part.counts["events"] < sample.counts()["events"]
    assert read(part.path).counts()["events"] == part.counts["events"]


def test_csv_export_replaces_an_earlier_export_but_no_other_folder(tmp_path, sample, small_folder):
    out = tmp_path / "csv"
    export(sample, out, format="csv", lang="fi")
    export(sample, out, format="csv", lang="en")  # replaces toimijat.csv ... by actors.csv ...
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["actors.csv", "assessments.csv", "events.csv", "goals.csv", "organisations.csv",
         "participation.csv", "ties.csv"])
    assert read(out).counts() == sample.counts()
    notes = tmp_path / "muistiinpanot"
    notes.mkdir()
    (notes / "tärkeä.docx").write_bytes(b"PK")
    with pytest.raises(VerkostolabError) as err:
        export(sample, notes, format="csv")
    assert err.value.key == "export.error.folder_not_empty"
    assert (notes / "tärkeä.docx").exists()
    with pytest.raises(VerkostolabError) as err:  # the input folder itself
        export(read(small_folder), small_folder, format="csv", inputs=[small_folder])
    assert err.value.key == "export.error.overwrite_input"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------- privacy


def _everything_written(path: Path) -> str:
    if path.is_dir():
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt, name", [("gexf", "p.gexf"), ("graphml", "p.graphml"), ("kumu", "p.xlsx"),
                                       ("workbook", "p.xlsx"), ("csv", "p")])
def test_pseudonymised_exports_hold_no_names_emails_or_ids(tmp_path, sample, fmt, name):
    out = export(sample, tmp_path / name, format=fmt, pseudonymise=True, lang="en")
    text = _everything_written(out.path)
    for person in sample.actors.itertuples():
        assert person.name not in text, person.name
        assert person.email not in text, person.email
        assert f'"{person.actor_id}"' not in text and f">{person.actor_id}<" not in text
    assert os.environ["VERKOSTOLAB_SALT"] not in text
    assert "Actor " in text


def test_pseudonyms_are_stable_and_consistent_across_tables(sample):
    once, twice = pseudonymise_ids(sample, lang="fi"), pseudonymise_ids(sample, lang="fi")
    pd.testing.assert_frame_equal(once.actors, twice.actors)
    ids = set(once.actors["actor_id"])
    assert len(ids) == 60 and all(i.startswith("Toimija ") for i in ids)
    assert set(once.ties["source"]) | set(once.ties["target"]) <= ids
    assert set(once.participation["actor_id"]) <= ids and set(once.assessments["respondent"]) <= ids
    assert once.actors["email"].isna().all()
    assert (once.actors["name"] == once.actors["actor_id"]).all()
    # The same network, only renamed.
    assert build_graph(once).ecount() == build_graph(sample).ecount()


# --------------------------------------------------------------------------- safety


def test_refuses_to_overwrite_the_input(tmp_path, small_workbook):
    data = read(small_workbook)
    before = small_workbook.read_bytes()
    gexf = tmp_path / "v.gexf"
    write_gexf(data, gexf)
    for out, fmt, inputs in ((small_workbook, "workbook", [small_workbook]),
                             (gexf, "gexf", [small_workbook, gexf])):
        with pytest.raises(VerkostolabError) as err:
            export(data, out, format=fmt, inputs=inputs)
        assert err.value.key == "export.error.overwrite_input"
    assert small_workbook.read_bytes() == before


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, sample, monkeypatch):
    import xml.etree.ElementTree as ET

    out = tmp_path / "v.gexf"
    out.write_text("vanha")

    def broken(*args, **kwargs):
        raise OSError("levy täynnä")

    monkeypatch.setattr(ET.ElementTree, "write", broken)
    with pytest.raises(OSError):
        export(sample, out)
    assert out.read_text() == "vanha"
    assert [p.name for p in tmp_path.iterdir()] == ["v.gexf"]


def test_wrong_suffix_level_and_format_are_refused(tmp_path, sample):
    cases = [(dict(out=tmp_path / "v.xlsx", format="gexf"), "export.error.suffix"),
             (dict(out=tmp_path / "v.txt"), "export.error.which_format"),
             (dict(out=tmp_path / "v.xlsx", level="sector"), "export.error.level_tables"),
             (dict(out=tmp_path / "puuttuu" / "v.gexf"), "export.error.no_folder"),
             (dict(out=tmp_path, format="gexf"), "export.error.suffix")]
    for kwargs, key in cases:
        out = kwargs.pop("out")
        with pytest.raises(VerkostolabError) as err:
            export(sample, out, **kwargs)
        assert err.value.key == key
        assert err.value.render("fi") != err.value.render("en")
    assert set(EXPORT_FORMATS) == {"gexf", "graphml", "kumu", "workbook", "csv"}


# --------------------------------------------------------------------------- properties

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SETTINGS = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(names=st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=6),
       fmt=st.sampled_from(["gexf", "graphml"]))
def test_any_names_survive_the_round_trip(tmp_path, names, fmt):
    names = [n for n in names if n.strip()] or ["Åke"]
    ids = [f"A{i}" for i in range(len(names))]
    actors = pd.DataFrame({"actor_id": ids, "name": names})
    ties = pd.DataFrame({"source": ids[:-1], "target": ids[1:], "weight": 1.25})
    data = NetworkData(actors=actors, ties=ties)
    path = tmp_path / f"n.{fmt}"
    export(data, path, format=fmt)
    back = read(path).actors.set_index("actor_id")["name"]
    for actor_id, name in zip(ids, names):
        expected = " ".join(_NOT_XML.sub("", name).split())  # XML 1.0 cannot hold the rest
        assert " ".join(back[actor_id].split()) == (expected or actor_id)


# --------------------------------------------------------------------------- command line


def _run(*args, cwd=None):
    env = dict(os.environ)
    env.pop("VERKOSTOLAB_STORE", None)
    env.pop("VERKOSTOLAB_LANG", None)
    return subprocess.run([sys.executable, "-m", "verkostolab", "export", *map(str, args)],
                          capture_output=True, text=True, timeout=180, cwd=cwd, env=env)


def test_cli_export_and_its_messages(tmp_path, small_workbook):
    out = _run(small_workbook, "--out", tmp_path / "pieni.gexf", "--period", "2024-01:2024-12")
    assert out.returncode == 0, out.stderr
    # A period keeps the people active in it (Örjan Sjöström has no ties).
    assert out.stdout == f"Vienti kirjoitettu: {tmp_path / 'pieni.gexf'} (gexf; 4 solmua, 4 kaarta)\n"
    assert nx.read_gexf(tmp_path / "pieni.gexf").number_of_nodes() == 4
    out = _run(small_workbook, "--format", "kumu", "--out", tmp_path / "kumu.xlsx", "--lang", "en",
               "--pseudonymise")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Export written:") and "5 nodes" in out.stdout
    assert "Öhman" not in _everything_written(tmp_path / "kumu.xlsx")
    db = tmp_path / "w.sqlite"
    import_files(Store(db), [small_workbook])
    out = _run("--store", db, "--format", "csv", "--out", tmp_path / "csv", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"Export written: {tmp_path / 'csv'} (csv; 5 actors, 2 events, 3 ties)\n"
    assert read(tmp_path / "csv").counts() == read(small_workbook).counts()


def test_cli_export_errors_in_finnish_and_english(tmp_path, small_workbook):
    before = small_workbook.read_bytes()
    fi = _run(small_workbook, "--out", small_workbook)
    en = _run(small_workbook, "--out", small_workbook, "--lang", "en")
    assert fi.returncode == en.returncode == 1
    assert "Traceback" not in fi.stderr + en.stderr
    assert f"{small_workbook} on luettava aineisto, eikä vienti kirjoita sen päälle" in fi.stderr
    assert f"{small_workbook} is the input, and an export never overwrites it" in en.stderr
    assert small_workbook.read_bytes() == before
    db = tmp_path / "w.sqlite"
    import_files(Store(db), [small_workbook])
    stored = Store(db).counts()
    out = _run("--store", db, "--out", db, "--format", "workbook", "--lang", "en")
    assert out.returncode == 1 and f"{db} is the input" in out.stderr
    assert db.read_bytes().startswith(b"SQLite format 3\x00") and Store(db).counts() == stored
