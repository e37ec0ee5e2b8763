"""What a load takes and what it reports (graph/load.py writes it): the input's protocol, an
input read whole, the report, the progress callback's shape, and the collector switched
off while millions of long-lived objects are made."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from graph import load_write as lw
from graph.mapping import NodeRecord, PropertyGraph, RelRecord
from graph.rdf import Parsed

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class Input(Protocol):
    """What a load writes: an input read whole (Prepared) or streamed from disk
    (graph.load_stream.Streamed). Each node once, then relationships by type (asked for
    once every node is written: a streamed input maps as its nodes are taken)."""

    load_id: str
    phases: dict[str, float]

    @property
    def triples(self) -> int: ...
    @property
    def files(self) -> list[str]: ...
    @property
    def node_count(self) -> int: ...
    @property
    def rel_count(self) -> int: ...
    @property
    def nodes_known(self) -> int | None: ...  # node_count, when known without mapping
    def nodes(self) -> Iterable[NodeRecord]: ...
    def rel_groups(self) -> Iterable[tuple[tuple[str, bool], Iterable[RelRecord]]]: ...


@dataclass
class Prepared:
    parsed: Parsed
    pg: PropertyGraph
    load_id: str
    phases: dict[str, float] = field(default_factory=dict)  # seconds: read, check, map, id

    @property
    def triples(self) -> int:
        return len(self.parsed.triples)

    @property
    def files(self) -> list[str]:
        return [str(f) for f in self.parsed.files]

    @property
    def node_count(self) -> int:
        return len(self.pg.nodes)

    @property
    def rel_count(self) -> int:
        return len(self.pg.rels)

    @property
    def nodes_known(self) -> int | None:
        return len(self.pg.nodes)

    def nodes(self) -> Iterable[NodeRecord]:
        return sorted(self.pg.nodes.values(), key=lambda n: n.iri)

    def rel_groups(self) -> Iterable[tuple[tuple[str, bool], Iterable[RelRecord]]]:
        return lw.rel_groups(self.pg.rels)

    def __enter__(self) -> Prepared:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


@dataclass
class LoadReport:
    load_id: str
    files: list[str]
    triples: int
    nodes: int
    relationships: int
    created_nodes: int = 0
    updated_nodes: int = 0
    created_relationships: int = 0
    updated_relationships: int = 0
    deleted_nodes: int = 0
    abandoned_nodes: int = 0  # what killed loads had staged, deleted first
    kept_nodes: int = 0  # what a killed run of this same input had staged, kept (created)
    tidied_nodes: int = 0  # what a load killed after its switch had published, tidied first
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """A load makes millions of long-lived objects (terms, triples, rows) and no reference
    cycles; the cyclic collector would walk all of them again and again (at 1M triples it
    doubled the mapping time). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
