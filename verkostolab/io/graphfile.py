"""Graph files: GEXF (Gephi; 1.1, 1.2draft and 1.3) and GraphML (Gephi, networkx,
igraph, yEd).

Nodes become actors and edges become reported ties:

* node ``id`` → ``actor_id``; the node's ``label`` (GEXF) or a ``label``/``name`` key
  (GraphML) → ``name`` (the id when there is none);
* node attributes whose titles are column names or aliases of the schema fill the
  actor's ``organisation_id`` (``organisation``, ``organisaatio`` ...), ``role``,
  ``keywords`` and ``email``; ``organisation_name``, ``sector`` (``sektori``) and
  ``organisation_kind`` (``organisaatiotyyppi``) describe the actor's organisation, so
  that an organisations table is made of them (one row per organisation, from the first
  node that names it);
* edge ``source``/``target`` → ``source``/``target``; the edge ``weight`` (or a
  ``weight``/``paino`` attribute) → ``weight``; ``knowing``, ``trust``,
  ``commitment`` (``tunteminen``, ``luottamus``, ``sitoutuminen``), ``kind`` (``laji``,
  ``suhde``) and ``date`` (``päivämäärä``) attributes → the same tie columns.

Positions, colours, sizes and attributes the schema has no column for are not data of
the network and are ignored.  What *is* data but cannot be kept is counted in
``RawTable.left_out``: a sector of a node that names no organisation, further values of
a dynamic attribute (the first is kept), GraphML hyperedges, and ratings given as
averages (an exported graph's mean of several reports, e.g. 3.5), which are rounded
half up to whole numbers.

Row numbers are the line numbers of the ``<node>`` and ``<edge>`` elements.  The XML is
parsed with expat directly (no DTD entities are expanded: a document declaring one is
refused, which also stops "billion laughs" expansion; external entities are never
fetched).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "pieni.gexf"
>>> _ = path.write_text('''<?xml version="1.0" encoding="UTF-8"?>
... <gexf xmlns="http://gexf.net/1.3" version="1.3">
...   <graph defaultedgetype="undirected" mode="static">
...     <attributes class="node">
...       <attribute id="0" title="sektori" type="string"/>
...       <attribute id="1" title="organisaatio" type="string"/>
...     </attributes>
...     <nodes>
...       <node id="a" label="Äijä Öhman"><attvalues><attvalue for="1" value="Kipinä Oy"/>
...         <attvalue for="0" value="yksityinen"/></attvalues></node>
...       <node id="b" label="Åsa Ek"/>
...     </nodes>
...     <edges><edge id="0" source="a" target="b" weight="2.5"/></edges>
...   </graph>
... </gexf>''', encoding="utf-8")
>>> sniff_gexf(path), sniff_graphml(path)
(True, False)
>>> raws = read_gexf_raw(path)
>>> [(r.table, len(r.frame)) for r in raws]
[('organisations', 1), ('actors', 2), ('ties', 1)]
>>> raws[1].rows.tolist(), raws[2].frame["weight"].tolist()
([9, 11], ['2.5'])
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from ..errors import InputError, Problem
from ..tables.schema import TABLES, fold
from ..tables.validation import RawTable, leave_out, parse_number

__all__ = ["read_gexf_raw", "sniff_gexf", "read_graphml_raw", "sniff_graphml"]

_SEP = "\x1f"  # between namespace URI and local name in expat's names

# --------------------------------------------------------------------------- column roles

_NODE_NAME = {"label", "name", "nimi", "full_name", "koko_nimi"}
_ORG_NAME = {"organisation_name", "organization_name", "organisaation_nimi"}
_SECTOR = {"sector", "sektori"}
_ORG_KIND = {"organisation_kind", "organization_kind", "organisaatiotyyppi", "organisaation_laji",
             "organisation_type", "organization_type", "kind"}
_TIE_KIND = {"kind", "tie_kind", "laji", "suhde", "suhteen_laji"}
_RATINGS = ("knowing", "trust", "commitment")


def _node_role(title: str) -> str | None:
    """What a node attribute titled ``title`` means for the tables, if anything."""
    key = fold(title)
    if key in _ORG_NAME:
        return "organisation_name"
    if key in _SECTOR:
        return "sector"
    if key in _ORG_KIND:
        return "organisation_kind"
    if key in _NODE_NAME:
        return "name"
    column = TABLES["actors"].column_for_header(title)
    if column in ("organisation_id", "role", "keywords", "email"):
        return column
    return None


def _edge_role(title: str) -> str | None:
    """What an edge attribute titled ``title`` means for the ties table, if anything."""
    if fold(title) in _TIE_KIND:
        return "kind"
    column = TABLES["ties"].column_for_header(title)
    if column in ("weight", "date", *_RATINGS):
        return column
    return None


# --------------------------------------------------------------------------- XML parsing


class _Stop(Exception):
    """Raised from a handler to stop parsing with a problem."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


@dataclass
class _Item:
    """A node or an edge as found in the file."""

    line: int
    attrs: dict
    values: dict = field(default_factory=dict)  # attribute key -> value (first one)
    label: str | None = None  # yEd's NodeLabel


@dataclass
class _Key:
    """A declared attribute: GEXF ``<attribute>`` or GraphML ``<key>``."""

    title: str
    default: str | None = None
    type: str = "string"


def _split(name: str) -> tuple[str, str]:
    ns, _, local = name.rpartition(_SEP)
    return ns, local


class _Reader(ABC):
    """Expat handlers shared by both formats; subclasses handle the elements."""

    root: str = ""

    def __init__(self, file: str):
        self.file = file
        self.parser = None
        self.stack: list[str] = []
        self.nodes: list[_Item] = []
        self.edges: list[_Item] = []
        self.open_items: list[_Item] = []
        self.text: list[str] | None = None
        self.left_out: dict[str, int] = {}
        self.problems: list[Problem] = []

    # -- expat plumbing ---------------------------------------------------------------
    def parse(self, path: Path, encoding: str | None) -> None:
        try:
            parser = expat.ParserCreate(encoding=encoding, namespace_separator=_SEP)
        except (LookupError, ValueError, TypeError) as exc:
            raise InputError([Problem("encoding", file=self.file, value=f"{encoding}: {exc}")],
                             source=self.file) from None
        self.parser = parser
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        parser.EntityDeclHandler = self._entity
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        try:
            with path.open("rb") as fh:
                parser.ParseFile(fh)
        except _Stop as stop:
            raise InputError([stop.problem], source=self.file) from None
        except expat.ExpatError as exc:
            element = self.stack[-1] if self.stack else "-"
            problem = Problem("graphfile_malformed", file=self.file, row=exc.lineno,
                              value=expat.ErrorString(exc.code),
                              params={"offset": exc.offset + 1, "element": element})
            raise InputError([problem], source=self.file) from None
        except (LookupError, ValueError, UnicodeError) as exc:  # an encoding expat cannot use
            raise InputError([Problem("encoding", file=self.file, value=str(exc))],
                             source=self.file) from None
        finally:
            self.parser = None

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def _entity(self, name, *_args):
        raise _Stop(Problem("graphfile_entity", file=self.file, row=self.line, value=name))

    def _start(self, name: str, attrs: dict) -> None:
        _ns, local = _split(name)
        if not self.stack and local != self.root:
            raise _Stop(Problem("graphfile_wrong_root", file=self.file, row=self.line,
                                value=local, params={"expected": self.root}))
        self.stack.append(local)
        self.start(local, attrs)

    def _end(self, name: str) -> None:
        _ns, local = _split(name)
        self.end(local)
        self.stack.pop()

    def _chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def take_text(self) -> str | None:
        text, self.text = self.text, None
        return None if text is None else "".join(text)

    def count(self, reason: str, n: int = 1) -> None:
        self.left_out[reason] = self.left_out.get(reason, 0) + n

    @abstractmethod
    def start(self, local: str, attrs: dict) -> None:
        """An element of the format opens (``local`` without its namespace)."""

    @abstractmethod
    def end(self, local: str) -> None:
        """An element of the format closes."""

    def finish(self) -> tuple[dict, dict]:
        """Check what only the whole file shows; return the node and edge keys."""
        if self.graphs == 0:
            self.problems.append(Problem("graphfile_no_graph", file=self.file,
                                         params={"element": "graph"}))
        for cls, items in (("node", self.nodes), ("edge", self.edges)):
            keys = self.keys[cls]
            for item in items:
                for k in [k for k in item.values if k not in keys]:
                    self.problems.append(Problem("graphfile_unknown_attribute", file=self.file,
                                                 row=item.line, column=self.key_attribute, value=k))
        return self.keys["node"], self.keys["edge"]


class _GexfReader(_Reader):
    root = "gexf"
    key_attribute = "for"  # <attvalue for="...">

    def __init__(self, file: str):
        super().__init__(file)
        self.keys: dict[str, dict[str, _Key]] = {"node": {}, "edge": {}}
        self.key_class: str | None = None
        self.key: _Key | None = None
        self.graphs = 0

    def start(self, local, attrs):
        parent = self.stack[-2] if len(self.stack) > 1 else ""
        if local == "graph" and parent == "gexf":
            self.graphs += 1
        elif local == "attributes":
            self.key_class = attrs.get("class")
        elif local == "attribute" and parent == "attributes":
            if self.key_class in self.keys and attrs.get("id") is not None:
                self.key = _Key(attrs.get("title") or attrs["id"],
                                type=attrs.get("type") or "string")
                self.keys[self.key_class].setdefault(attrs["id"], self.key)
        elif local == "default" and self.key is not None:
            self.text = []
        elif local == "node" and parent == "nodes":
            item = _Item(self.line, attrs)
            self.nodes.append(item)
            self.open_items.append(item)
        elif local == "edge" and parent == "edges":
            item = _Item(self.line, attrs)
            self.edges.append(item)
            self.open_items.append(item)
        elif local == "attvalue" and parent == "attvalues" and self.open_items:
            key = attrs.get("for", attrs.get("id"))  # GEXF 1.1 used id
            values = self.open_items[-1].values
            if key in values:
                self.count("graphfile_extra_value")
            elif key is not None:
                values[key] = attrs.get("value")

    def end(self, local):
        if local == "default" and self.key is not None:
            self.key.default = self.take_text()
        elif local == "attribute":
            self.key = None
        elif (local, self.stack[-2] if len(self.stack) > 1 else "") in (("node", "nodes"),
                                                                        ("edge", "edges")):
            self.open_items.pop()


class _GraphmlReader(_Reader):
    root = "graphml"
    key_attribute = "key"  # <data key="...">

    def __init__(self, file: str):
        super().__init__(file)
        self.keys: dict[str, dict[str, _Key]] = {"node": {}, "edge": {}}
        self.key: _Key | None = None
        self.key_for: str | None = None
        self.data_key: str | None = None
        self.data_depth = 0
        self.label_text: list[str] | None = None
        self.graphs = 0

    def start(self, local, attrs):
        parent = self.stack[-2] if len(self.stack) > 1 else ""
        if self.data_key is not None:  # inside <data>: yEd's graphics elements
            if local == "NodeLabel" and self.open_items and self.open_items[-1].label is None:
                self.label_text = []
            return
        if local == "key" and parent == "graphml":
            kid = attrs.get("id")
            targets = {"all": ("node", "edge")}.get(attrs.get("for", "all"), (attrs.get("for"),))
            self.key = None
            if kid is not None:
                self.key = _Key(attrs.get("attr.name") or kid,
                                type=attrs.get("attr.type") or "string")
                for target in targets:
                    if target in self.keys:
                        self.keys[target].setdefault(kid, self.key)
        elif local == "default" and parent == "key" and self.key is not None:
            self.text = []
        elif local == "graph":
            self.graphs += 1
        elif local == "node" and parent == "graph":
            item = _Item(self.line, attrs)
            self.nodes.append(item)
            self.open_items.append(item)
        elif local == "edge" and parent == "graph":
            item = _Item(self.line, attrs)
            self.edges.append(item)
            self.open_items.append(item)
        elif local == "hyperedge":
            self.count("graphml_hyperedge")
        elif local == "data" and parent in ("node", "edge") and self.open_items:
            self.data_key = attrs.get("key")
            self.data_depth = len(self.stack)
            self.text = []

    def _chars(self, data):
        if self.label_text is not None:
            self.label_text.append(data)
        elif self.text is not None and (self.data_key is None
                                        or len(self.stack) == self.data_depth):
            self.text.append(data)

    def end(self, local):
        if self.data_key is not None:
            if local == "NodeLabel" and self.label_text is not None:
                label = "".join(self.label_text).strip()
                self.label_text = None
                if label and self.open_items:
                    self.open_items[-1].label = label
            if len(self.stack) == self.data_depth:
                value = self.take_text()
                values = self.open_items[-1].values
                if self.data_key in values:
                    self.count("graphfile_extra_value")
                else:
                    values[self.data_key] = value
                self.data_key = None
            return
        if local == "default" and self.key is not None and self.text is not None:
            self.key.default = self.take_text()
        elif local == "key":
            self.key = None
        elif local in ("node", "edge") and len(self.stack) > 1 and self.stack[-2] == "graph":
            self.open_items.pop()



# --------------------------------------------------------------------------- to tables


def _clean(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _roles(keys: dict[str, _Key], role_of) -> dict[str, tuple[str, _Key]]:
    """role -> (attribute key, declaration), the first declared attribute per role."""
    out: dict[str, tuple[str, _Key]] = {}
    for kid, key in keys.items():
        role = role_of(key.title)
        if role is not None and role not in out:
            out[role] = (kid, key)
    return out


def _list_text(value: str) -> str:
    """A GEXF list value (``a|b`` in 1.2, ``[a, b]`` in 1.3) as ``a, b``."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        parts = text[1:-1].split(",")
    else:
        parts = text.split("|")
    return ", ".join(p.strip().strip('"') for p in parts if p.strip())


def _value(item: _Item, roles: dict, role: str) -> str | None:
    if role not in roles:
        return None
    kid, key = roles[role]
    value = _clean(item.values.get(kid, key.default))
    if value is not None and key.type.lower().startswith("list"):
        value = _clean(_list_text(value))
    return value


def _rating(value: str | None) -> tuple[str | None, bool]:
    """A rating given as an average (e.g. 3.5 in an exported graph) rounded half up."""
    if value is None:
        return None, False
    try:
        number = parse_number(value)
    except ValueError:
        return value, False
    if 1 <= number <= 5 and not float(number).is_integer():
        return str(int(math.floor(number + 0.5))), True
    return value, False


def _tables(reader: _Reader, node_keys: dict[str, _Key],
            edge_keys: dict[str, _Key], lenient: bool = False) -> list[RawTable]:
    file = reader.file
    problems = list(reader.problems)
    left_out = dict(reader.left_out)
    node_roles = _roles(node_keys, _node_role)
    edge_roles = _roles(edge_keys, _edge_role)

    def title(roles, role, default):
        return roles[role][1].title if role in roles else default

    # Actors, and the organisations their nodes describe.
    actor_rows, actor_lines = [], []
    orgs: dict[str, dict] = {}
    org_titles = {"name": title(node_roles, "organisation_name", "organisation_name"),
                  "sector": title(node_roles, "sector", "sector"),
                  "kind": title(node_roles, "organisation_kind", "organisation_kind")}
    for item in reader.nodes:
        node_id = _clean(item.attrs.get("id"))
        name = (_clean(item.attrs.get("label")) or item.label or _value(item, node_roles, "name")
                or node_id)
        org = _value(item, node_roles, "organisation_id")
        actor_rows.append([node_id, name, org, _value(item, node_roles, "role"),
                           _value(item, node_roles, "keywords"), _value(item, node_roles, "email")])
        actor_lines.append(item.line)
        described = {"name": _value(item, node_roles, "organisation_name"),
                     "sector": _value(item, node_roles, "sector"),
                     "kind": _value(item, node_roles, "organisation_kind")}
        if org is None:
            if described["sector"] is not None or described["kind"] is not None:
                reason = "graphfile_no_organisation"
                left_out[reason] = left_out.get(reason, 0) + 1
            continue
        entry = orgs.setdefault(org, {"line": item.line, "values": {}, "lines": {}})
        for column, value in described.items():
            if value is None:
                continue
            first = entry["values"].get(column)
            if first is None:
                entry["values"][column] = value
                entry["lines"][column] = item.line
            elif fold(first) != fold(value):
                problems.append(Problem("graphfile_conflict", file=file, row=item.line,
                                        column=org_titles[column], value=value,
                                        params={"organisation": org, "first": first,
                                                "first_row": entry["lines"][column]}))
    tables: list[RawTable] = []
    if orgs:
        org_records = [[org, e["values"].get("name") or org, e["values"].get("sector"),
                        e["values"].get("kind")] for org, e in orgs.items()]
        organisations = RawTable.from_records(
            "organisations", ["organisation_id", "name", "sector", "kind"], org_records,
            [e["line"] for e in orgs.values()], file=file)
        organisations.headers.update({"organisation_id": title(node_roles, "organisation_id",
                                                               "organisation"),
                                      "name": org_titles["name"], "sector": org_titles["sector"],
                                      "kind": org_titles["kind"]})
        tables.append(organisations)
    actors = RawTable.from_records("actors", ["actor_id", "name", "organisation_id", "role",
                                              "keywords", "email"], actor_rows, actor_lines,
                                   file=file)
    actors.headers.update({"actor_id": "id", "name": "label",
                           **{c: title(node_roles, c, c)
                              for c in ("organisation_id", "role", "keywords", "email")}})
    tables.append(actors)

    # Ties; an edge whose end is not a node of the file is a problem of its own.
    node_ids = {row[0] for row in actor_rows if row[0] is not None}
    tie_rows, tie_lines = [], []
    rounded = 0
    for number, item in enumerate(reader.edges, start=1):
        ends = {end: _clean(item.attrs.get(end)) for end in ("source", "target")}
        edge_id = _clean(item.attrs.get("id")) or f"#{number}"
        bad = False
        for end, ref in ends.items():
            if ref is not None and ref not in node_ids:
                problems.append(Problem("graphfile_unknown_node", file=file, row=item.line,
                                        column=end, value=ref, params={"edge": edge_id}))
                bad = True
        if bad:
            continue
        weight = _clean(item.attrs.get("weight")) or _value(item, edge_roles, "weight")
        ratings = []
        for column in _RATINGS:
            value, was_rounded = _rating(_value(item, edge_roles, column))
            rounded += was_rounded
            ratings.append(value)
        tie_rows.append([ends["source"], ends["target"], weight, _value(item, edge_roles, "kind"),
                         *ratings, _value(item, edge_roles, "date")])
        tie_lines.append(item.line)
    if rounded:
        left_out["graphfile_rating_rounded"] = rounded
    ties = RawTable.from_records("ties", ["source", "target", "weight", "kind", *_RATINGS, "date"],
                                 tie_rows, tie_lines, file=file)
    ties.headers.update({"weight": title(edge_roles, "weight", "weight"),
                         **{c: title(edge_roles, c, c) for c in ("kind", *_RATINGS, "date")}})
    tables.append(ties)
    if problems and not lenient:
        raise InputError(problems, source=file)
    tables[-1].left_out = {k: v for k, v in left_out.items() if v}
    # a broken edge is skipped above; a node with a conflicting description keeps the
    # first description (the conflicting value is what is left out)
    return leave_out(tables, problems) if lenient else tables


def _read(path: Path, reader: _Reader, encoding: str | None, lenient: bool = False) -> list[RawTable]:
    path = Path(path)
    if path.is_dir() or not path.exists():
        raise InputError([Problem("unreadable", file=reader.file, value=str(path))],
                         source=reader.file)
    if path.stat().st_size == 0:
        raise InputError([Problem("empty_file", file=reader.file)], source=reader.file)
    reader.parse(path, encoding)
    node_keys, edge_keys = reader.finish()
    return _tables(reader, node_keys, edge_keys, lenient)


def read_gexf_raw(path: Path, *, encoding: str | None = None, lenient: bool = False) -> list[RawTable]:
    """Raw organisations, actors and ties of a GEXF file (see the module text).
    ``lenient``: a broken edge or value is left out and listed, not refused."""
    return _read(Path(path), _GexfReader(str(path)), encoding, lenient)


def read_graphml_raw(path: Path, *, encoding: str | None = None, lenient: bool = False) -> list[RawTable]:
    """Raw organisations, actors and ties of a GraphML file (see the module text).
    ``lenient``: a broken edge or value is left out and listed, not refused."""
    return _read(Path(path), _GraphmlReader(str(path)), encoding, lenient)


# --------------------------------------------------------------------------- sniffing

_PROLOG = re.compile(r"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*",
                     re.S)
_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")


def _root_name(path) -> str | None:
    """The local name of the first element of an XML file, from its first 4 KiB."""
    try:
        path = Path(path)
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    elif head[:2] in (b"<\x00", b"\x00<"):
        text = head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    match = _ROOT.match(text, _PROLOG.match(text).end())
    return match.group(1) if match else None


def sniff_gexf(path) -> bool:
    """Whether ``path`` is a GEXF document (its root element is ``gexf``)."""
    try:
        return _root_name(path) == "gexf"
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def sniff_graphml(path) -> bool:
    """Whether ``path`` is a GraphML document (its root element is ``graphml``)."""
    try:
        return _root_name(path) == "graphml"
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False
