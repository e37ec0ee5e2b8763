"""The ontology as the rest of the code sees it: its graph, its registry (labels and
relationship types come from there, never from user text) and the SHACL shapes.

Its own module, below the loader: the API and the ingestion need the registry, not the
write path. Each file is parsed, and the registry built, once per process (per version of
the file: a changed file is read again); the objects are shared, so treat them as
read-only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from graph.rdf import parse_files
from graph.registry import Registry


@dataclass(frozen=True)
class Ontology:
    """The ontology, its registry and the shapes (None when not asked for)."""

    graph: Graph
    registry: Registry
    shapes: Graph | None

    @classmethod
    def read(cls, ontology_path: Path, shapes_path: Path | None) -> Ontology:
        graph, registry = _ontology(*_version(ontology_path))
        shapes = _shapes(*_version(shapes_path)) if shapes_path else None
        return cls(graph, registry, shapes)


def _version(path: Path) -> tuple[Path, int, int]:
    """The cache key: the file and what says it changed (a missing file is parsed, so
    that the parser's own error names it)."""
    try:
        stat = path.stat()
    except OSError:
        return path.resolve(), -1, -1
    return path.resolve(), stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=4)
def _ontology(path: Path, mtime_ns: int, size: int) -> tuple[Graph, Registry]:
    graph = parse_files([path]).graph
    return graph, Registry.from_ontology(graph)


@functools.lru_cache(maxsize=4)
def _shapes(path: Path, mtime_ns: int, size: int) -> Graph:
    return parse_files([path]).graph
