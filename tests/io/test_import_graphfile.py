"""GEXF and GraphML files as Gephi, networkx, igraph and yEd write them."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verkostolab.errors import InputError
from verkostolab.io import detect_format, read, read_raw, read_validated
from verkostolab.io.graphfile import read_gexf_raw, read_graphml_raw, sniff_gexf, sniff_graphml
from verkostolab.store import Store
from verkostolab.ingest import import_files
from verkostolab.tables.validation import render_left_out

DATA = Path(__file__).resolve().parents[1] / "data" / "graphfile"
GEXF13 = DATA / "gephi-verkosto-13.gexf"  # Gephi 0.10: ids as attribute ids, viz, Finnish titles
GEXF12 = DATA / "gephi-verkosto-12draft.gexf"  # Gephi 0.9: numeric attribute ids, a default
GRAPHML = DATA / "gephi-verkosto.graphml"  # Gephi's GraphML: label, r/g/b, x/y, weight keys


def _line_of(path: Path, needle: str) -> int:
    """The line (1-based) on which ``needle`` first occurs."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _edit(tmp_path: Path, source: Path, old: str, new: str, name: str | None = None) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / (name or source.name)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _codes(exc: InputError) -> list[str]:
    return [p.code for p in exc.problems]


# --------------------------------------------------------------------------- GEXF


def test_gephi_gexf_13_gives_people_organisations_and_ties():
    assert detect_format(GEXF13) == "gexf"
    data = read(GEXF13)
    actors = data.actors.set_index("actor_id")
    assert list(actors.index) == ["n0", "n1", "n2", "n3", "n4", "n5"]
    assert actors.loc["n0", "name"] == "Äijä Öhman" and actors.loc["n1", "name"] == "Åsa Ek"
    # Two people with the same name stay two actors (identity resolution decides later).
    assert list(actors.loc[["n2", "n3"], "name"]) == ["Matti Virtanen", "Matti Virtanen"]
    # A node without a label is named by its id.
    assert actors.loc["n4", "name"] == "n4"
    assert actors.loc["n0", "email"] == "aija.ohman@kasvu.example"
    assert actors.loc["n3", "role"] == "hallituksen jäsen"
    orgs = data.organisations.set_index("organisation_id")
    assert orgs.loc["Järvilaakson Kasvu Oy", "sector"] == "private"
    assert orgs.loc["Verkostohubi ry", "sector"] == "third_sector"
    assert orgs.loc["Järvilaakson kaupunki", "sector"] == "public"
    ties = data.ties
    assert len(ties) == 5
    first = ties.iloc[0]
    assert (first["source"], first["target"], first["weight"]) == ("n0", "n1", 3.0)
    assert (first["kind"], first["knowing"], first["trust"]) == ("collaboration", 4, 3)
    assert str(first["date"].date()) == "2025-03-14"
    assert ties.iloc[1]["kind"] == "knows"
    assert ties["weight"].isna().tolist() == [False, False, False, True, False]


def test_rows_are_the_lines_of_the_elements():
    raws = {r.table: r for r in read_gexf_raw(GEXF13)}
    assert raws["actors"].rows[3] == _line_of(GEXF13, '<node id="n3"')
    assert raws["ties"].rows[4] == _line_of(GEXF13, '<edge id="4"')
    assert raws["organisations"].rows[1] == _line_of(GEXF13, '<node id="n1"')
    assert raws["actors"].headers["organisation_id"] == "organisaatio"


def test_gexf_12draft_with_numeric_ids_defaults_and_lists():
    result = read_validated(GEXF12)
    data = result.data
    actors = data.actors.set_index("actor_id")
    assert actors.loc["1", "name"] == "Jörgen Åkerlund"
    assert actors.loc["1", "keywords"] == "kiertotalous, rahoitus"  # liststring a|b
    assert list(actors.loc[["2", "3"], "name"]) == ["Päivi Hyvönen"] * 2
    orgs = data.organisations.set_index("organisation_id")
    assert orgs.loc["Åbo Akademi", "sector"] == "research"
    assert orgs.loc["Järvilaakson kaupunki", "sector"] == "public"  # the declared default
    # Gephi averages merged edges: 3.5 is rounded half up, and that is reported.
    assert data.ties.iloc[0]["trust"] == 4
    assert result.left_out == [(str(GEXF12), "graphfile_rating_rounded", 1)]
    assert "rounded" in render_left_out(result.left_out, "en")[0]
    assert "pyöristettiin" in render_left_out(result.left_out, "fi")[0]


def test_utf16_gexf_is_recognised_and_read(tmp_path):
    text = GEXF13.read_text(encoding="utf-8").replace("encoding='UTF-8'", "encoding='UTF-16'")
    path = tmp_path / "utf16.gexf"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert sniff_gexf(path) and not sniff_graphml(path)
    assert read(path).actors["name"].tolist()[:2] == ["Äijä Öhman", "Åsa Ek"]


def test_malformed_xml_names_file_line_and_element(tmp_path):
    path = _edit(tmp_path, GEXF13, '<viz:size value="14.0"></viz:size>', '<viz:size value="14.0">')
    with pytest.raises(InputError) as err:
        read(path, format="gexf", lenient=False)
    (problem,) = err.value.problems
    assert problem.code == "graphfile_malformed" and problem.file == str(path)
    assert problem.row == _line_of(path, '<viz:position x="88.1"') + 2  # where </node> mismatches
    assert problem.params["element"] == "size"
    text = err.value.render("en")
    assert f"{path}, row {problem.row}: the XML is malformed: mismatched tag" in text
    assert "XML-rakenne on rikki" in err.value.render("fi")


def test_edge_to_unknown_node_names_the_edge_and_the_field(tmp_path):
    path = _edit(tmp_path, GEXF13, '<edge id="2" source="n1" target="n3"',
                 '<edge id="2" source="n1" target="n9"')
    path = _edit(tmp_path, path, '<edge id="3" source="n0"', '<edge id="3" source="x7"')
    with pytest.raises(InputError) as err:
        read(path, lenient=False)
    problems = {(p.code, p.column, p.value, p.params.get("edge"), p.row) for p in err.value.problems}
    assert problems == {
        ("graphfile_unknown_node", "target", "n9", "2", _line_of(path, '<edge id="2"')),
        ("graphfile_unknown_node", "source", "x7", "3", _line_of(path, '<edge id="3"')),
    }
    assert "edge '2' refers to node 'n9', which is not in the file" in err.value.render("en")
    assert "kaari '3' viittaa solmuun 'x7'" in err.value.render("fi")


def test_cell_problems_are_reported_with_line_and_attribute_title(tmp_path):
    path = _edit(tmp_path, GEXF13, '<edge id="4" source="n2" target="n5" weight="1.5">',
                 '<edge id="4" source="n2" target="n5" weight="paljon">')
    path = _edit(tmp_path, path, 'value="kolmas sektori"', 'value="avaruus"')
    path = _edit(tmp_path, path, '<node id="n4" label="">', '<node id="n3" label="">')
    with pytest.raises(InputError) as err:
        read(path, lenient=False)
    got = {(p.code, p.row, p.column) for p in err.value.problems}
    assert ("invalid_number", _line_of(path, '<edge id="4"'), "weight") in got
    assert ("invalid_value", _line_of(path, '<node id="n1"'), "sektori") in got
    assert ("duplicate_key", _line_of(path, '<node id="n3" label="">'), "id") in got
    assert "tunnus 'n3' on jo rivillä" in err.value.render("fi")


def test_conflicting_sector_of_one_organisation(tmp_path):
    path = _edit(tmp_path, GEXF13, """<attvalue for="rooli" value="hallituksen jäsen"></attvalue>""",
                 """<attvalue for="rooli" value="hallituksen jäsen"></attvalue>
          <attvalue for="sektori" value="julkinen"></attvalue>""")
    with pytest.raises(InputError) as err:
        read(path, lenient=False)
    (problem,) = err.value.problems
    assert (problem.code, problem.column, problem.value) == ("graphfile_conflict", "sektori", "julkinen")
    assert problem.row == _line_of(path, '<node id="n3"')
    assert problem.params["first_row"] == _line_of(path, '<node id="n1"')
    assert "Verkostohubi ry" in problem.render("en")


def test_node_sector_without_organisation_is_counted(tmp_path):
    path = _edit(tmp_path, GEXF13, '<node id="n4" label="">',
                 '<node id="n4" label=""><attvalues><attvalue for="sektori" value="julkinen"/></attvalues>')
    result = read_validated(path)
    assert result.left_out == [(str(path), "graphfile_no_organisation", 1)]


def test_dynamic_values_keep_the_first_and_count_the_rest(tmp_path):
    path = _edit(tmp_path, GEXF13, '<attvalue for="rooli" value="toimitusjohtaja"></attvalue>',
                 '<attvalue for="rooli" value="toimitusjohtaja" start="2024-01-01"/>'
                 '<attvalue for="rooli" value="hallituksen puheenjohtaja" start="2025-01-01"/>')
    result = read_validated(path)
    assert result.data.actors.set_index("actor_id").loc["n0", "role"] == "toimitusjohtaja"
    assert result.left_out == [(str(path), "graphfile_extra_value", 1)]


def test_undeclared_attribute_is_a_problem(tmp_path):
    path = _edit(tmp_path, GEXF13, '<attvalue for="degree" value="2">', '<attvalue for="asema" value="2">')
    with pytest.raises(InputError) as err:
        read(path, lenient=False)
    (problem,) = err.value.problems
    assert (problem.code, problem.value, problem.row) == ("graphfile_unknown_attribute", "asema",
                                                          _line_of(path, '<node id="n1"'))


def test_entity_declarations_are_refused(tmp_path):
    path = tmp_path / "laughs.gexf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE gexf [\n <!ENTITY lol "lol">\n'
                    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
                    '<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes>'
                    '<node id="a" label="&lol2;"/></nodes></graph></gexf>', encoding="utf-8")
    assert sniff_gexf(path)
    with pytest.raises(InputError) as err:
        read(path, lenient=False)
    (problem,) = err.value.problems
    assert (problem.code, problem.row, problem.value) == ("graphfile_entity", 3, "lol")


def test_wrong_root_and_missing_graph(tmp_path):
    with pytest.raises(InputError) as err:
        read(GRAPHML, format="gexf", lenient=False)
    assert _codes(err.value) == ["graphfile_wrong_root"]
    assert "<graphml>" in err.value.render("en") and "<gexf>" in err.value.render("en")
    empty = tmp_path / "empty.gexf"
    empty.write_text('<gexf xmlns="http://gexf.net/1.3" version="1.3"><meta/></gexf>')
    with pytest.raises(InputError) as err:
        read(empty, lenient=False)
    assert _codes(err.value) == ["graphfile_no_graph"]
    nothing = tmp_path / "nothing.gexf"
    nothing.write_bytes(b"")
    with pytest.raises(InputError) as err:
        read(nothing, format="gexf", lenient=False)
    assert _codes(err.value) == ["empty_file"]


# --------------------------------------------------------------------------- GraphML


def test_gephi_graphml_with_labels_keys_and_defaults():
    assert detect_format(GRAPHML) == "graphml"
    data = read(GRAPHML)
    actors = data.actors.set_index("actor_id")
    assert list(actors["name"]) == ["Äijä Öhman", "Åsa Ek", "Åsa Ek", "p4"]
    assert actors.loc["p1", "keywords"] == "kiertotalous, rahoitus"
    orgs = data.organisations.set_index("organisation_id")
    assert orgs.loc["Järvilaakson Kasvu Oy", "sector"] == "private"
    ties = data.ties
    assert ties["weight"].tolist()[:2] == [2.0, 1.0]
    assert ties["trust"].tolist()[0] == 4
    assert ties["commitment"].tolist() == [3, 5, 3]  # the key's default fills the rest
    raws = {r.table: r for r in read_graphml_raw(GRAPHML)}
    assert raws["ties"].rows.tolist() == [_line_of(GRAPHML, 'source="p1"'),
                                          _line_of(GRAPHML, 'source="p2"'),
                                          _line_of(GRAPHML, 'source="p3"')]


def test_graphml_edge_to_unknown_node(tmp_path):
    path = _edit(tmp_path, GRAPHML, '<edge source="p3" target="p1"/>',
                 '<edge id="e9" source="p3" target="p99"/>')
    with pytest.raises(InputError) as err:
        read(path, lenient=False)
    (problem,) = err.value.problems
    assert (problem.code, problem.column, problem.value, problem.params["edge"]) == (
        "graphfile_unknown_node", "target", "p99", "e9")
    assert problem.row == _line_of(path, 'id="e9"')


def test_graphml_malformed(tmp_path):
    path = _edit(tmp_path, GRAPHML, "<data key=\"label\">Åsa Ek</data>", "<data key=\"label\">Åsa Ek</dat>")
    with pytest.raises(InputError) as err:
        read(path, lenient=False)
    (problem,) = err.value.problems
    assert problem.code == "graphfile_malformed"
    assert problem.row == _line_of(path, "</dat>") and problem.params["element"] == "data"


def test_yed_graphml_labels_and_hyperedges(tmp_path):
    path = tmp_path / "yed.graphml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:y="http://www.yworks.com/xml/graphml">
  <key for="node" id="d6" yfiles.type="nodegraphics"/>
  <key attr.name="sektori" attr.type="string" for="node" id="d7"/>
  <key attr.name="organisaatio" attr.type="string" for="node" id="d8"/>
  <graph edgedefault="directed" id="G">
    <node id="n0">
      <data key="d6"><y:ShapeNode><y:Geometry height="30.0" width="30.0" x="0" y="0"/>
        <y:NodeLabel alignment="center">Örjan Sjöström</y:NodeLabel></y:ShapeNode></data>
      <data key="d7">tutkimus</data>
      <data key="d8">Åbo Akademi</data>
    </node>
    <node id="n1">
      <data key="d6"><y:ShapeNode><y:NodeLabel>Aino Äärelä</y:NodeLabel></y:ShapeNode></data>
    </node>
    <edge id="e0" source="n0" target="n1"/>
    <hyperedge><endpoint node="n0"/><endpoint node="n1"/></hyperedge>
  </graph>
</graphml>
""", encoding="utf-8")
    result = read_validated(path)
    assert result.data.actors["name"].tolist() == ["Örjan Sjöström", "Aino Äärelä"]
    assert result.data.organisations["sector"].tolist() == ["research"]
    assert result.left_out == [(str(path), "graphml_hyperedge", 1)]


def test_graphml_written_by_networkx_and_igraph(tmp_path):
    import igraph as ig

    g = nx.Graph()
    g.add_node("a1", name="Åke Öberg", organisation="Kipinä Oy", sector="yritys", role="mentori")
    g.add_node("a2", name="Eeva Ärölä", organisation="Kipinä Oy")
    g.add_edge("a1", "a2", weight=2.25, trust=4)
    nx.write_graphml(g, tmp_path / "nx.graphml")
    data = read(tmp_path / "nx.graphml")
    assert data.actors["name"].tolist() == ["Åke Öberg", "Eeva Ärölä"]
    assert data.organisations["sector"].tolist() == ["private"]
    assert (data.ties["weight"].tolist(), data.ties["trust"].tolist()) == ([2.25], [4])

    h = ig.Graph([(0, 1), (1, 2)])
    h.vs["name"] = ["Åsa", "Öljy", "Ärrä"]
    h.es["weight"] = [1.5, 3.0]
    h.write_graphml(str(tmp_path / "ig.graphml"))
    data = read(tmp_path / "ig.graphml")
    assert data.actors["name"].tolist() == ["Åsa", "Öljy", "Ärrä"]
    assert data.ties["weight"].tolist() == [1.5, 3.0]


# --------------------------------------------------------------------------- sniffing, store, CLI


def test_sniffers_leave_other_files_alone(tmp_path, small_folder, small_xlsx):
    from verkostolab.datasets import sample_path

    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\nÄijä,Åsa\n", encoding="utf-8")
    other_xml = tmp_path / "muu.xml"
    other_xml.write_text('<?xml version="1.0"?><!-- gexf graphml --><svg><gexf/></svg>')
    for path in (small_folder, small_xlsx, sample_path(), edges, other_xml, tmp_path / "missing"):
        assert not sniff_gexf(path) and not sniff_graphml(path), path
    assert sniff_gexf(GEXF12) and sniff_gexf(GEXF13) and sniff_graphml(GRAPHML)
    assert detect_format(small_xlsx) == "workbook" and detect_format(edges) == "edgelist"


def test_import_into_store_and_failing_import_changes_nothing(tmp_path, store_path):
    store = Store(store_path)
    import_files(store, [GEXF13])
    assert store.counts()["actors"] == 6 and store.counts()["ties"] == 5
    before = (store.counts(), store_path.read_bytes())
    bad = _edit(tmp_path, GEXF12, 'target="2" weight="2.0"', 'target="7" weight="2.0"')
    with pytest.raises(InputError):
        import_files(store, [bad], lenient=False)
    assert (store.counts(), store_path.read_bytes()) == before


def test_cli_check_in_english_and_finnish():
    out = subprocess.run([sys.executable, "-m", "verkostolab", "check", str(GEXF12), "--lang", "en"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "actors: 3" in out.stdout and "ties: 2" in out.stdout and "organisations: 2" in out.stdout
    assert "1 rating(s) given as averages rounded" in out.stdout


def test_cli_check_reports_a_broken_file(tmp_path):
    path = _edit(tmp_path, GEXF13, '<edge id="1" source="n0" target="n2"', '<edge id="1" source="n0" target="n8"')
    out = subprocess.run([sys.executable, "-m", "verkostolab", "check", str(path), "--strict"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    line = _line_of(path, '<edge id="1"')
    assert (f"{path}, rivi {line}, sarake 'target': kaari '1' viittaa solmuun 'n8', jota tiedostossa "
            "ei ole") in out.stderr


# --------------------------------------------------------------------------- properties

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
_READERS = {"gexf": (read_gexf_raw, sniff_gexf), "graphml": (read_graphml_raw, sniff_graphml)}
_FILES = {"gexf13": ("gexf", GEXF13.read_bytes()), "gexf12": ("gexf", GEXF12.read_bytes()),
          "graphml": ("graphml", GRAPHML.read_bytes())}


@_SETTINGS
@given(fmt=st.sampled_from(sorted(_READERS)), data=st.binary(max_size=600))
def test_random_bytes_raise_only_input_errors(tmp_path, fmt, data):
    path = tmp_path / f"random.{fmt}"
    path.write_bytes(data)
    assert _READERS[fmt][1](path) in (True, False)
    try:
        read(path, format=fmt)
    except InputError:
        pass


@_SETTINGS
@given(which=st.sampled_from(sorted(_FILES)), cut=st.integers(min_value=0, max_value=6000),
       junk=st.binary(max_size=8))
def test_truncated_files_raise_only_input_errors(tmp_path, which, cut, junk):
    fmt, data = _FILES[which]
    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(data[: cut % (len(data) + 1)] + junk)
    assert _READERS[fmt][1](path) in (True, False)
    try:
        read(path, format=fmt)
    except InputError:
        pass


@_SETTINGS
@given(which=st.sampled_from(sorted(_FILES)), where=st.integers(min_value=0, max_value=6000),
       text=st.text(alphabet=st.sampled_from('<>/="\' &;äöÅ#xa1.-:[]|'), max_size=6))
def test_edited_files_raise_only_input_errors(tmp_path, which, where, text):
    fmt, data = _FILES[which]
    at = where % (len(data) + 1)
    path = tmp_path / f"edited.{fmt}"
    path.write_bytes(data[:at] + text.encode("utf-8") + data[at:])
    try:
        read_raw(path, format=fmt)
        read(path, format=fmt)
    except InputError:
        pass
