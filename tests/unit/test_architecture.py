"""The shape of the code (ARCHITECTURE.md), read from the source with ast: imports point
down the layer table, no two modules import each other (directly or round a loop), no
product module is over 500 lines, and test fixtures live in conftest.py files.

Every import counts, a function's deferred ones included: deferring an import hides a
cycle from Python, not from a reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("graph", "api", "cli", "ingest")  # bench/ and tests/ are not the product
MAX_LINES = 500

# The layers, lowest first: a module imports its own layer or lower ones only. A graph/
# module missing here fails the test: place it when you add it (ARCHITECTURE.md).
LAYERS: dict[str, tuple[str, ...]] = {
    "foundation": (
        "graph",
        "graph.errors",
        "graph.settings",
        "graph.namespaces",
        "graph.formats",
        "graph.scratch",
    ),
    "ontology/rdf": (
        "graph.vocab",
        "graph.literals",
        "graph.registry",
        "graph.ontology",
        "graph.rdf",
        "graph.terms",
        "graph.load_id",
        "graph.shacl",
        "graph.shacl_engine",
        "graph.jsonld",
        "graph.triple_index",
    ),
    "mapping": ("graph.mapping",),
    "store": (
        "graph.store",
        "graph.embedded",
        "graph.queries",
        "graph.deadline",
        "graph.load",
        "graph.touched",
        "graph.load_input",
        "graph.load_write",
        "graph.load_turn",
        "graph.load_stage",
        "graph.load_stream",
        "graph.queries_lookups",
        "graph.queries_table",
        "graph.queries_scan",
    ),
    "read": (
        "graph.read",
        "graph.asof",
        "graph.match",
        "graph.match_text",
        "graph.match_store",
        "graph.reconcile",
        "graph.readonly",
        "graph.export",
        "graph.pg_export",
        "graph.sparql",
        "graph.sparql_protocol",
        "graph.sparql_source",
        "graph.sparql_worker",
        "graph.sparql_jobs",
        "graph.sparql_copy",
    ),
    # The top: three packages beside graph/. Between them only the edges below.
    "top": ("ingest", "api", "cli"),
}
TOP_EDGES = {("cli", "api"), ("cli", "ingest")}  # `sahelkg serve`; `sahelkg ingest|import`

# Known upward imports, each with the branch that removes it.
KNOWN_UPWARD: set[tuple[str, str]] = set()
# Over MAX_LINES, each with the branch that splits it.
KNOWN_LONG = {}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The product module an import names (`graph.store.base` or the package `graph.store`)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found |= {t for t in map(_resolve, names) if t and t != module}
    return found


GRAPH = {m: _imports(m) for m in MODULES}


def _layer(module: str) -> tuple[int, str]:
    """(rank, name) of the layer a module belongs to: its longest listed prefix."""
    best: tuple[int, int, str] | None = None
    for rank, (layer, prefixes) in enumerate(LAYERS.items()):
        for prefix in prefixes:
            listed = module == prefix or module.startswith(prefix + ".")
            if listed and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rank, layer)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best[1], best[2]


def _top(module: str) -> str:
    return module.split(".")[0]


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def test_imports_point_down() -> None:
    upward = []
    for module, targets in GRAPH.items():
        rank, layer = _layer(module)
        for target in sorted(targets):
            if (module, target) in KNOWN_UPWARD:
                continue
            t_rank, t_layer = _layer(target)
            if t_rank > rank:
                upward.append(f"{module} ({layer}) imports {target} ({t_layer})")
            elif layer == t_layer == "top" and _top(module) != _top(target):
                edge = (_top(module), _top(target))
                if edge not in TOP_EDGES:
                    upward.append(f"{module} imports {target}: not an allowed edge")
    assert upward == []


def test_the_known_exceptions_still_exist() -> None:
    """An exception that no longer applies is removed from the list, not left to hide one."""
    assert all(target in GRAPH[module] for module, target in KNOWN_UPWARD)
    assert all(len((ROOT / f).read_text().splitlines()) > MAX_LINES for f in KNOWN_LONG)


def _cycles(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = [0]

    def visit(v: str) -> Iterator[list[str]]:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                yield from visit(w)
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
                yield sorted(component)

    for v in sorted(graph):
        if v not in index:
            yield from visit(v)


def test_no_import_cycles() -> None:
    # A package importing its own submodules (graph.store re-exporting graph.store.base)
    # is not a cycle unless a submodule imports the package back.
    assert list(_cycles(GRAPH)) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert list(_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})) == [["a", "b", "c"]]
    assert list(_cycles({"a": {"b"}, "b": set()})) == []


def test_no_product_module_over_the_limit() -> None:
    long = []
    for path in MODULES.values():
        rel = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and rel not in KNOWN_LONG:
            long.append(f"{rel}: {lines} lines")
    assert long == []


@pytest.mark.parametrize("package", ["graph", "ingest"])
def test_lower_packages_import_neither_api_nor_cli(package: str) -> None:
    wrong = [
        f"{m} imports {t}"
        for m, targets in GRAPH.items()
        if _top(m) == package
        for t in targets
        if _top(t) in ("api", "cli")
    ]
    assert wrong == []


# Files that still spell a namespace out, each with the branch that removes it.
KNOWN_NAMESPACE_LITERALS = {}


def test_namespaces_are_spelled_out_in_one_module() -> None:
    namespaces = set(PREFIXES.values())
    found = []
    for path in MODULES.values():
        rel = path.relative_to(ROOT).as_posix()
        if rel == "graph/namespaces.py" or rel in KNOWN_NAMESPACE_LITERALS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in namespaces:
                found.append(f"{rel}:{node.lineno}: {node.value}")
    assert found == []


def test_fixtures_live_in_conftest_files() -> None:
    stray = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if ast.unparse(target) in ("pytest.fixture", "fixture"):
                        stray.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert stray == []
