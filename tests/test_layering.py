"""The package's layers: each imports only from the layers before it (imports inside
functions included), and nothing imports in a circle.

:data:`LAYERS` is the one place where the order is written; the README's "where is
what" section draws the same order.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "verkostolab"

#: The layers, lowest first.  A module belongs to the first entry that is its name or a
#: package above it.  A module may import from its own layer and the layers before it.
LAYERS: list[tuple[str, ...]] = [
    ("verkostolab.i18n", "verkostolab._version"),
    ("verkostolab.errors",),
    ("verkostolab.tables",),
    ("verkostolab.io",),
    ("verkostolab.store",),
    ("verkostolab.datasets",),
    ("verkostolab.ingest", "verkostolab.sources"),
    ("verkostolab.graphs",),
    ("verkostolab.measures",),
    ("verkostolab.advice",),
    ("verkostolab.viz",),
    ("verkostolab.export",),
    ("verkostolab.report", "verkostolab.notebook"),
    ("verkostolab.apps",),
    ("verkostolab.workshop",),
    ("verkostolab.cli",),
    ("verkostolab", "verkostolab.__main__", "verkostolab.build"),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def layer_of(module: str) -> int:
    best, best_len = None, -1
    for index, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best_len:
                best, best_len = index, len(name)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best


def imports_of(module: str) -> set[str]:
    """Every verkostolab module that ``module`` imports, anywhere in its body."""
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # "from package import submodule" imports the submodule.
            targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("verkostolab") and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_upward_imports():
    upward = []
    for module, targets in sorted(GRAPH.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(module):
                upward.append(f"{module} (layer {layer_of(module)}) imports {target} "
                              f"(layer {layer_of(target)})")
    assert not upward, "imports against the layer order:\n" + "\n".join(upward)


def test_no_import_cycles():
    # Tarjan's strongly connected components over the module graph.
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("source, expected", [
    ("from .data import NetworkData", {"verkostolab.tables.data"}),
    ("from .. import errors", {"verkostolab.errors"}),
])
def test_imports_are_resolved(tmp_path, monkeypatch, source, expected):
    # The walker itself: a relative import inside verkostolab.tables.identity.
    path = PACKAGE / "tables" / "identity.py"
    monkeypatch.setitem(MODULES, "verkostolab.tables.identity", tmp_path / "identity.py")
    (tmp_path / "identity.py").write_text(source + "\n")
    assert imports_of("verkostolab.tables.identity") == expected
    assert path.exists()
