"""Exports for other tools: Gephi (GEXF 1.3), GraphML, Kumu, and the native workbook or
CSV folder.

The graph formats carry the network as the picture shows it
(:func:`~verkostolab.graphs.build_graph` at a ``level`` and ``period``):

* nodes with their attributes (at the person level ``organisation`` (its id),
  ``organisation_name``, ``sector``, ``organisation_kind``, ``role``, ``keywords``,
  ``email`` and the mean ``knowing_mean``/``trust_mean``/``commitment_mean`` of their
  reported ties; ``members`` and ``internal_weight`` at the organisation and sector
  levels), allowed values written as their names in ``lang``;
* the picture's look: colour by sector from the same palette
  (:data:`~verkostolab.viz.style.SECTOR_COLOURS`), size by degree and position from the
  same stable layout (:func:`~verkostolab.viz.layout.layout_positions`, the whole
  data's layout kept for a period), positions scaled by :data:`POSITION_SCALE` for
  Gephi;
* edges with their ``weight`` and the tie layers ``knowing``, ``trust`` and
  ``commitment`` (means of the reported ratings of the pair), ``shared_events``,
  ``reported`` and the ``first_date``/``last_date`` of the pair.

GEXF opens in Gephi and with :func:`networkx.read_gexf` (igraph has no GEXF reader: go
through networkx, ``igraph.Graph.from_networkx``); GraphML opens in Gephi, with
:func:`networkx.read_graphml` and ``igraph.Graph.Read_GraphML``.  Both read back with
:func:`verkostolab.io.read`.

``pseudonymise`` replaces people's names *and ids* by stable pseudonyms (ids may be
e-mail addresses or names) and leaves e-mail addresses out; the secret salt is never
written.  Every file is written to a temporary file in the same folder first and then
moved into place, so a failed export leaves no half-written file behind.

>>> import tempfile, pathlib, networkx as nx
>>> from verkostolab.datasets import load_sample
>>> out = pathlib.Path(tempfile.mkdtemp()) / "verkosto.gexf"
>>> result = export(load_sample(), out, format="gexf", lang="en")
>>> g = nx.read_gexf(out)
>>> g.number_of_nodes() == result.nodes, g.nodes["P01"]["sector"]
(True, 'public sector')
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .tables.data import NetworkData
from .errors import VerkostolabError
from .i18n import t
from .tables.schema import table_for_name

__all__ = ["EXPORT_FORMATS", "POSITION_SCALE", "GraphExport", "ExportResult", "graph_export",
           "pseudonym_ids", "pseudonymise_ids", "write_gexf", "write_graphml", "write_kumu",
           "export", "format_for_path"]

#: Formats :func:`export` writes.
EXPORT_FORMATS = ("gexf", "graphml", "kumu", "workbook", "csv")
_SUFFIXES = {"gexf": (".gexf",), "graphml": (".graphml",), "kumu": (".xlsx",),
             "workbook": (".xlsx",), "csv": ()}
#: Layout units are about one node apart; Gephi's default node size is 10.
POSITION_SCALE = 100.0

GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"

#: Graph attribute -> exported name (the rest keep their names).
_NODE_NAMES = {"kind": "organisation_kind", "knowing": "knowing_mean", "trust": "trust_mean",
               "commitment": "commitment_mean"}
_VOCABULARY = {"sector": "sector", "organisation_kind": "organisation_kind"}
_NODE_ORDER = ["organisation", "organisation_name", "sector", "organisation_kind", "role",
               "keywords", "email", "members", "events", "internal_weight", "knowing_mean",
               "trust_mean", "commitment_mean"]
_EDGE_ORDER = ["weight", "ties", "shared_events", "shared_people", "reported", "knowing", "trust",
               "commitment", "first_date", "last_date"]


# --------------------------------------------------------------------------- the graph


@dataclass
class GraphExport:
    """A network ready to be written: ``nodes`` indexed by id (``label``, ``x``, ``y``,
    ``colour``, ``size`` and the attributes), ``edges`` (``source``, ``target`` and the
    attributes), and the type of each attribute (``string``, ``double``, ``integer``)."""

    level: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    node_types: dict[str, str]
    edge_types: dict[str, str]
    description: str = ""

    @property
    def node_attributes(self) -> list[str]:
        return list(self.node_types)

    @property
    def edge_attributes(self) -> list[str]:
        return [c for c in self.edge_types if c != "weight"]


def _attribute_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "string"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "double"
    return "string"


def _iso(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    stamp = pd.Timestamp(value)
    return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()


def _typed(frame: pd.DataFrame, order: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Columns of ``order`` present and not empty, dates as ISO text, with their types."""
    types: dict[str, str] = {}
    out = {}
    for col in order:
        if col not in frame.columns:
            continue
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.map(_iso).astype(object)
        if s.isna().all():
            continue
        out[col] = s
        types[col] = _attribute_type(s)
    return pd.DataFrame(out, index=frame.index), types


def _unique(labels: list[str]) -> list[str]:
    """``labels`` with repeats numbered: ``x``, ``x (2)``, ``x (3)``."""
    taken: set[str] = set()
    out = []
    for label in labels:
        candidate, n = label, 1
        while candidate in taken:
            n += 1
            candidate = f"{label} ({n})"
        taken.add(candidate)
        out.append(candidate)
    return out


def pseudonym_ids(ids, *, lang: str | None = None) -> dict[str, str]:
    """A stable pseudonym for each id (see :mod:`verkostolab.tables.privacy`), unique among ``ids``."""
    from .tables.privacy import pseudonymise_labels

    ids = list(dict.fromkeys(str(i) for i in ids if i is not None and not pd.isna(i)))
    return dict(zip(ids, _unique(pseudonymise_labels(ids, lang=lang))))


def pseudonymise_ids(data: NetworkData, *, lang: str | None = None) -> NetworkData:
    """``data`` with every person's id *and* name replaced by a stable pseudonym and the
    e-mail addresses removed, consistently in every table (actors, participation, ties and
    assessments' respondents).  Unlike :func:`verkostolab.tables.privacy.pseudonymise`, which
    keeps ids, this is for data that leaves the installation: ids may be e-mail
    addresses or names."""
    actors = data.actors
    ties = data.ties
    part = data.participation
    assessments = data.assessments
    mapping = pseudonym_ids(pd.concat([actors["actor_id"], part["actor_id"], ties["source"],
                                       ties["target"], assessments["respondent"]]), lang=lang)

    def swap(series: pd.Series) -> pd.Series:
        return series.map(lambda v: v if v is None or pd.isna(v) else mapping.get(str(v), v))

    actors["actor_id"] = swap(actors["actor_id"])
    actors["name"] = actors["actor_id"]
    actors["email"] = None
    part["actor_id"] = swap(part["actor_id"])
    ties["source"], ties["target"] = swap(ties["source"]), swap(ties["target"])
    assessments["respondent"] = swap(assessments["respondent"])
    return data.replace(actors=actors, participation=part, ties=ties, assessments=assessments)


def _vocab_label(vocabulary: str, value, lang: str | None):
    if not isinstance(value, str):
        return value
    from .i18n import catalogue

    return catalogue(lang or _default_lang()).get(f"{vocabulary}.{value}", value)


def _default_lang() -> str:
    from .i18n import default_lang

    return default_lang()


def graph_export(data: NetworkData, *, level: str = "person", period=None, lang: str | None = None,
                 pseudonymise: bool = False, seed: int = 0) -> GraphExport:
    """The network of ``data`` at ``level`` (and ``period``) as nodes and edges with the
    picture's positions, colours and sizes (see the module text)."""
    import numpy as np

    from .graphs import BACKBONE_ALPHA, backbone, build_graph, graph_to_tables
    from .viz.layout import layout_positions
    from .viz.style import scale_sizes, sector_colour

    lang = lang or _default_lang()
    graph = build_graph(data, level=level, period=period)
    # The picture's positions: the whole data's layout (of its backbone, as the picture
    # lays it out), kept for a period's graph.
    base = build_graph(data, level=level) if period is not None else graph
    if base.ecount():
        base = base.subgraph_edges(np.flatnonzero(backbone(base, alpha=BACKBONE_ALPHA)).tolist(),
                                   delete_vertices=False)
    positions = layout_positions(base, seed=seed)
    positions = layout_positions(graph, fixed=positions, seed=seed)
    vertices, edges = graph_to_tables(graph)
    vertices = vertices.set_index("name")
    vertices.index = vertices.index.astype(str)
    vertices = vertices.rename(columns=_NODE_NAMES)
    if level == "person":
        actors = data.actors.drop_duplicates("actor_id").set_index("actor_id")
        vertices["keywords"] = vertices.index.map(actors["keywords"])
        if not pseudonymise:
            vertices["email"] = vertices.index.map(actors["email"])
    sector_codes = (vertices["sector"] if "sector" in vertices.columns
                    else pd.Series([None] * len(vertices), index=vertices.index, dtype=object))
    labels = vertices["label"].astype(object).where(vertices["label"].notna(),
                                                    vertices.index.to_series())
    if level == "sector":
        labels = pd.Series([_vocab_label("sector", code, lang) for code in vertices.index],
                           index=vertices.index)
    for col, vocabulary in _VOCABULARY.items():
        if col in vertices.columns:
            vertices[col] = vertices[col].map(lambda v, voc=vocabulary: _vocab_label(voc, v, lang))
            if col == "sector" and level == "sector":
                vertices.loc[vertices.index == "unknown", col] = None
    nodes, node_types = _typed(vertices, _NODE_ORDER)
    nodes.insert(0, "label", labels.astype(str).to_numpy())
    ids = list(vertices.index)
    nodes["x"] = positions.loc[ids, "x"].to_numpy(dtype=float) * POSITION_SCALE
    nodes["y"] = positions.loc[ids, "y"].to_numpy(dtype=float) * POSITION_SCALE
    nodes["colour"] = [sector_colour(s) for s in sector_codes]
    nodes["size"] = scale_sizes(graph.degree() if graph.vcount() else [])
    edge_frame, edge_types = _typed(edges, _EDGE_ORDER)
    edge_frame.insert(0, "source", edges["source"].astype(str).to_numpy())
    edge_frame.insert(1, "target", edges["target"].astype(str).to_numpy())
    if pseudonymise and level == "person":
        # Actors first, as in pseudonymise_ids, so that both number a clash alike.
        mapping = pseudonym_ids([*data.actors["actor_id"], *ids], lang=lang)
        nodes.index = [mapping[i] for i in ids]
        nodes["label"] = list(nodes.index)
        edge_frame["source"] = edge_frame["source"].map(mapping)
        edge_frame["target"] = edge_frame["target"].map(mapping)
    nodes.index.name = "id"
    when = t("export.period", lang, period=period) if period else t("export.all_time", lang)
    level_text = t(f"export.level.{level}", lang)
    if pseudonymise or not data.source:
        description = t("export.description", lang, level=level_text, when=when)
    else:
        description = t("export.description_source", lang, level=level_text, when=when,
                        source=data.source)
    return GraphExport(level, nodes, edge_frame.reset_index(drop=True), node_types, edge_types,
                       description)


# --------------------------------------------------------------------------- writers

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str:
    """A value as XML text: floats exactly (``repr``), no characters XML 1.0 forbids."""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return _XML_BAD.sub("", str(value))


def _present(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _gexf_tree(graph: GraphExport) -> ET.ElementTree:
    ns, viz = f"{{{GEXF_NS}}}", f"{{{GEXF_VIZ_NS}}}"
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ_NS)
    ET.register_namespace("xsi", _XSI_NS)
    root = ET.Element(f"{ns}gexf", {
        "version": "1.3", f"{{{_XSI_NS}}}schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd"})
    meta = ET.SubElement(root, f"{ns}meta", {"lastmodifieddate": dt.date.today().isoformat()})
    from ._version import __version__

    ET.SubElement(meta, f"{ns}creator").text = f"verkostolab {__version__}"
    ET.SubElement(meta, f"{ns}description").text = _text(graph.description)
    g = ET.SubElement(root, f"{ns}graph", {"defaultedgetype": "undirected", "mode": "static"})
    for cls, types in (("node", graph.node_types),
                       ("edge", {c: graph.edge_types[c] for c in graph.edge_attributes})):
        if types:
            attributes = ET.SubElement(g, f"{ns}attributes", {"class": cls, "mode": "static"})
            for name, kind in types.items():
                ET.SubElement(attributes, f"{ns}attribute",
                              {"id": name, "title": name, "type": kind})
    nodes = ET.SubElement(g, f"{ns}nodes", {"count": str(len(graph.nodes))})
    columns = graph.node_attributes
    for node_id, row in zip(graph.nodes.index, graph.nodes.itertuples(index=False)):
        values = row._asdict()
        node = ET.SubElement(nodes, f"{ns}node",
                             {"id": _text(node_id), "label": _text(values["label"])})
        present = [(c, values[c]) for c in columns if _present(values[c])]
        if present:
            attvalues = ET.SubElement(node, f"{ns}attvalues")
            for c, v in present:
                ET.SubElement(attvalues, f"{ns}attvalue", {"for": c, "value": _text(v)})
        r, gr, b = _rgb(values["colour"])
        ET.SubElement(node, f"{viz}color", {"r": str(r), "g": str(gr), "b": str(b), "a": "1.0"})
        ET.SubElement(node, f"{viz}position", {"x": _text(values["x"]), "y": _text(values["y"]),
                                               "z": "0.0"})
        ET.SubElement(node, f"{viz}size", {"value": _text(values["size"])})
    edges = ET.SubElement(g, f"{ns}edges", {"count": str(len(graph.edges))})
    columns = graph.edge_attributes
    for i, row in enumerate(graph.edges.to_dict("records")):
        attrs = {"id": str(i), "source": _text(row["source"]), "target": _text(row["target"])}
        if "weight" in row and _present(row["weight"]):
            attrs["weight"] = _text(row["weight"])
        edge = ET.SubElement(edges, f"{ns}edge", attrs)
        present = [(c, row[c]) for c in columns if _present(row.get(c))]
        if present:
            attvalues = ET.SubElement(edge, f"{ns}attvalues")
            for c, v in present:
                ET.SubElement(attvalues, f"{ns}attvalue", {"for": c, "value": _text(v)})
    tree = ET.ElementTree(root)
    ET.indent(tree, space="  ")
    return tree


_GRAPHML_TYPES = {"string": "string", "double": "double", "integer": "int"}


def _graphml_tree(graph: GraphExport) -> ET.ElementTree:
    ns = f"{{{GRAPHML_NS}}}"
    ET.register_namespace("", GRAPHML_NS)
    ET.register_namespace("xsi", _XSI_NS)
    root = ET.Element(f"{ns}graphml", {
        f"{{{_XSI_NS}}}schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd"})
    # A comment may not hold "--": every dash followed by a dash gets a space.
    root.append(ET.Comment(re.sub(r"-(?=-)", "- ", _text(f" verkostolab: {graph.description} "))))
    # Gephi reads label, r, g, b, x, y and size as the look of a node.
    node_keys = {"label": "string", **graph.node_types, "r": "integer", "g": "integer",
                 "b": "integer", "x": "double", "y": "double", "size": "double"}
    key_ids: dict[tuple[str, str], str] = {}
    for cls, types in (("node", node_keys), ("edge", graph.edge_types)):
        for name, kind in types.items():
            kid = name if cls == "node" or ("node", name) not in key_ids else f"e_{name}"
            key_ids[(cls, name)] = kid
            ET.SubElement(root, f"{ns}key", {"id": kid, "for": cls, "attr.name": name,
                                             "attr.type": _GRAPHML_TYPES[kind]})
    g = ET.SubElement(root, f"{ns}graph", {"id": "G", "edgedefault": "undirected"})
    for node_id, row in zip(graph.nodes.index, graph.nodes.itertuples(index=False)):
        values = row._asdict()
        node = ET.SubElement(g, f"{ns}node", {"id": _text(node_id)})
        r, gr, b = _rgb(values["colour"])
        values.update(r=r, g=gr, b=b)
        for c in node_keys:
            if c in values and _present(values[c]):
                data = ET.SubElement(node, f"{ns}data", {"key": key_ids[("node", c)]})
                data.text = _text(values[c])
    for i, row in enumerate(graph.edges.to_dict("records")):
        edge = ET.SubElement(g, f"{ns}edge", {"id": f"e{i}", "source": _text(row["source"]),
                                              "target": _text(row["target"])})
        for c in graph.edge_types:
            if _present(row.get(c)):
                ET.SubElement(edge, f"{ns}data", {"key": key_ids[("edge", c)]}).text = _text(row[c])
    tree = ET.ElementTree(root)
    ET.indent(tree, space="  ")
    return tree


def write_gexf(data: NetworkData, path, *, level: str = "person", period=None,
               lang: str | None = None, pseudonymise: bool = False, seed: int = 0) -> Path:
    """Write the network of ``data`` as a GEXF 1.3 file for Gephi (see the module text)."""
    graph = graph_export(data, level=level, period=period, lang=lang, pseudonymise=pseudonymise,
                         seed=seed)
    return _write_tree(_gexf_tree(graph), path)


def write_graphml(data: NetworkData, path, *, level: str = "person", period=None,
                  lang: str | None = None, pseudonymise: bool = False, seed: int = 0) -> Path:
    """Write the network of ``data`` as GraphML with typed keys (see the module text)."""
    graph = graph_export(data, level=level, period=period, lang=lang, pseudonymise=pseudonymise,
                         seed=seed)
    return _write_tree(_graphml_tree(graph), path)


def _write_tree(tree: ET.ElementTree, path) -> Path:
    path = Path(path)
    with _atomic_file(path) as tmp, tmp.open("wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        tree.write(fh, encoding="UTF-8", xml_declaration=False)
        fh.write(b"\n")
    return path


#: Not written to Kumu: the organisation's id (its name is there).
_KUMU_SKIP = {"organisation"}


def _kumu_frames(graph: GraphExport, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = graph.nodes
    labels = [str(v).strip() or str(i) for i, v in zip(nodes.index, nodes["label"])]
    # Kumu matches elements by label: two people with the same name would become one.
    counts = pd.Series(labels, dtype=object).value_counts()
    if (counts > 1).any() and "organisation_name" in nodes.columns:
        labels = [f"{label} ({org})" if counts[label] > 1 and _present(org) else label
                  for label, org in zip(labels, nodes["organisation_name"])]
    labels = _unique(labels)
    by_id = dict(zip(nodes.index, labels))
    elements = {"Label": labels,
                "Type": [t(f"export.kumu.type.{graph.level}", lang)] * len(nodes)}
    for col in graph.node_attributes:
        if col in _KUMU_SKIP:
            continue
        if col == "keywords":
            elements["Tags"] = ["|".join(p.strip() for p in str(v).split(",") if p.strip())
                                if _present(v) else None for v in nodes[col]]
        else:
            elements[t(f"export.field.{col}", lang)] = nodes[col].to_numpy()
    edges = graph.edges
    connections = {"From": edges["source"].map(by_id).to_numpy(),
                   "To": edges["target"].map(by_id).to_numpy()}
    if "reported" in edges.columns:
        connections["Type"] = [t("picture.tie.reported" if r > 0 else "picture.tie.met", lang)
                               for r in edges["reported"]]
    if "weight" in edges.columns:
        connections["Strength"] = edges["weight"].to_numpy()
    for col in graph.edge_attributes:
        connections[t(f"export.field.{col}", lang)] = edges[col].to_numpy()
    return pd.DataFrame(elements), pd.DataFrame(connections)


def _sheet(ws, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, record in enumerate(frame.itertuples(index=False), start=2):
        for c, value in enumerate(record, start=1):
            if not _present(value):
                continue
            if isinstance(value, (np.integer,)):
                value = int(value)
            elif isinstance(value, (np.floating,)):
                value = float(value)
            elif not isinstance(value, (int, float)):
                value = _XML_BAD.sub("", str(value))
            cell = ws.cell(r, c, value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    ws.freeze_panes = "A2"
    for i, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame.iloc[:, i - 1] if _present(v)])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width + 2, 10), 50)


def write_kumu(data: NetworkData, path, *, level: str = "person", period=None,
               lang: str | None = None, pseudonymise: bool = False, seed: int = 0) -> Path:
    """Write a Kumu-ready .xlsx: sheets ``Elements`` (``Label`` in A1, ``Type``, the
    attributes, ``Tags`` separated by ``|``) and ``Connections`` (``From``, ``To``,
    ``Type``, ``Strength`` and the tie layers).  Kumu's own fields keep their English
    names, the others are in ``lang``.  Labels are made unique (Kumu merges elements
    with the same label): a second person of the same name gets their organisation in
    brackets, or else a number."""
    lang = lang or _default_lang()
    graph = graph_export(data, level=level, period=period, lang=lang, pseudonymise=pseudonymise,
                         seed=seed)
    return _write_kumu(graph, path, lang)


def _write_kumu(graph: GraphExport, path, lang: str) -> Path:
    from openpyxl import Workbook

    elements, connections = _kumu_frames(graph, lang)
    book = Workbook()
    ws = book.active
    ws.title = "Elements"
    _sheet(ws, elements)
    _sheet(book.create_sheet("Connections"), connections)
    path = Path(path)
    with _atomic_file(path) as tmp:
        book.save(tmp)
    return path


# --------------------------------------------------------------------------- atomic writes


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _atomic_file(path: Path):
    """A temporary file beside ``path`` that replaces ``path`` when the block succeeds."""
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _replaceable_folder(folder: Path) -> bool:
    """Whether ``folder`` holds nothing but table CSVs (of an earlier export)."""
    return all(p.is_file() and p.suffix.lower() == ".csv" and table_for_name(p.stem)
               for p in folder.iterdir())


@contextmanager
def _atomic_folder(path: Path):
    """A temporary folder beside ``path`` that takes the place of ``path`` when the block
    succeeds (an earlier export in ``path`` is removed only then)."""
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            os.rmdir(old)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- export


@dataclass
class ExportResult:
    """What :func:`export` wrote: the path, the format and how much."""

    path: Path
    format: str
    nodes: int = 0
    ties: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        if self.format in ("workbook", "csv"):
            return t("export.done_tables", lang, path=self.path, format=self.format,
                     actors=self.counts.get("actors", 0), ties=self.counts.get("ties", 0),
                     events=self.counts.get("events", 0))
        return t("export.done_graph", lang, path=self.path, format=self.format, nodes=self.nodes,
                 ties=self.ties)


def format_for_path(path) -> str | None:
    """The export format a file name suggests (``.gexf``, ``.graphml``, ``.xlsx`` for the
    workbook), or ``None``."""
    suffix = Path(path).suffix.lower()
    return {".gexf": "gexf", ".graphml": "graphml", ".xlsx": "workbook"}.get(suffix)


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _check_target(out: Path, fmt: str, inputs) -> None:
    for given in inputs:
        given = Path(given)
        inside = fmt == "csv" and out.is_dir() and given.resolve().is_relative_to(out.resolve())
        if _same(out, given) or inside:
            raise VerkostolabError("export.error.overwrite_input", path=str(out))
    suffixes = _SUFFIXES[fmt]
    if suffixes and out.suffix.lower() not in suffixes:
        raise VerkostolabError("export.error.suffix", path=str(out), format=fmt,
                               suffix=", ".join(suffixes))
    if not out.parent.is_dir():
        raise VerkostolabError("export.error.no_folder", path=str(out.parent))
    if fmt == "csv":
        if out.exists() and not out.is_dir():
            raise VerkostolabError("export.error.not_folder", path=str(out))
        if out.is_dir() and not _replaceable_folder(out):
            raise VerkostolabError("export.error.folder_not_empty", path=str(out))
    elif out.is_dir():
        raise VerkostolabError("export.error.is_folder", path=str(out))


def export(data: NetworkData, out, *, format: str | None = None, level: str = "person",
           period=None, lang: str | None = None, pseudonymise: bool = False, seed: int = 0,
           inputs=()) -> ExportResult:
    """Write ``data`` to ``out`` as ``format`` (one of :data:`EXPORT_FORMATS`; by default
    from the file name).

    ``level`` applies to the graph formats (gexf, graphml, kumu); ``period`` selects the
    events and ties of a period in every format.  ``inputs`` are the files the data was
    read from (and the store file): ``out`` must not be one of them.  Raises
    :class:`~verkostolab.errors.VerkostolabError` with a catalogue message.
    """
    from .io.workbook import write_csv_folder, write_workbook

    out = Path(out)
    lang = lang or _default_lang()
    fmt = format or format_for_path(out)
    if fmt is None:
        raise VerkostolabError("export.error.which_format", path=str(out),
                               formats=", ".join(EXPORT_FORMATS))
    if fmt not in EXPORT_FORMATS:
        raise VerkostolabError("export.error.format", format=fmt, formats=", ".join(EXPORT_FORMATS))
    if fmt in ("workbook", "csv") and level != "person":
        raise VerkostolabError("export.error.level_tables", level=level, format=fmt)
    _check_target(out, fmt, inputs)
    if fmt in ("gexf", "graphml", "kumu"):
        graph = graph_export(data, level=level, period=period, lang=lang,
                             pseudonymise=pseudonymise, seed=seed)
        if fmt == "gexf":
            _write_tree(_gexf_tree(graph), out)
        elif fmt == "graphml":
            _write_tree(_graphml_tree(graph), out)
        else:
            _write_kumu(graph, out, lang)
        return ExportResult(out, fmt, nodes=len(graph.nodes), ties=len(graph.edges))
    tables = data.filter(period=period) if period is not None else data
    if pseudonymise:
        tables = pseudonymise_ids(tables, lang=lang)
    if fmt == "workbook":
        with _atomic_file(out) as tmp:
            write_workbook(tables, tmp, lang=lang)
    else:
        with _atomic_folder(out) as tmp:
            write_csv_folder(tables, tmp, lang=lang)
    return ExportResult(out, fmt, counts=tables.counts())
