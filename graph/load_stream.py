"""A streamed load: the input goes through an index on disk (graph/triple_index.py) instead
of memory, so the client holds a batch, a subject's triples and the load's created-node
ids, whatever the input's size. The load itself (staged, switched at the end, idempotent)
is graph.load.load's, unchanged: a streamed input and a whole one give the same graph and
the same load id (a test compares them on both servers).

Passes over the index: check the shapes (a group of subjects at a time, as graph/shacl.py
does for an input read whole); the load id (one scan of the stored rows); then the mapping
(graph.mapping.subject_records), one subject at a time, as the loader asks for nodes: each
node goes straight to the writer, whose batches run in a thread of their own meanwhile
(graph.load_write.Writer.submit), so the server writes while Python maps. The
relationships wait in a table of the index, by type, until every node is written.
"""

from __future__ import annotations

import itertools
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from graph import shacl
from graph.load import Input, Ontology, Prepared, Progress, no_cyclic_gc, prepare
from graph.load_id import ContentId
from graph.mapping import (
    NodeRecord,
    RelRecord,
    id_term,
    interned_terms,
    node_record,
    subject_records as map_subject,
)
from graph.rdf import message_names, rdf_files
from graph.registry import Registry
from graph.triple_index import TripleIndex

Triple = tuple[Node, Node, Node]
KnownTypes = Callable[[set[str]], Iterable[Triple]]
_TABLES = """
DROP TABLE IF EXISTS rels;
CREATE TABLE rels (type TEXT NOT NULL, q INTEGER NOT NULL, start TEXT NOT NULL,
                   "end" TEXT NOT NULL, iri TEXT NOT NULL, rec BLOB NOT NULL);
"""
_ROWS_PER_INSERT = 5_000


class Streamed:
    """graph.load.Input read back from the index; close it (or use `with`) when done.
    `nodes()` maps the input as it goes (again at each call); `rel_groups()` and the counts
    map it first if no `nodes()` has run to its end."""

    def __init__(
        self, index: TripleIndex, load_id: str, registry: Registry, progress: Progress | None
    ) -> None:
        self.index, self.load_id = index, load_id
        self.registry, self.progress = registry, progress
        self.mapped = False
        self._nodes = self._rels = 0
        self.phases: dict[str, float] = {}

    @property
    def triples(self) -> int:
        return self.index.triples

    @property
    def files(self) -> list[str]:
        return [str(f) for f in self.index.files]

    @property
    def node_count(self) -> int:
        self._ensure_mapped()
        return self._nodes

    @property
    def rel_count(self) -> int:
        self._ensure_mapped()
        return self._rels

    @property
    def nodes_known(self) -> int | None:
        return self._nodes if self.mapped else None

    def nodes(self) -> Iterator[NodeRecord]:
        """Every node of the input, subject by subject, then the nodes only named as
        objects; their relationships go to the index's table on the way."""
        self.mapped = False
        with no_cyclic_gc():
            yield from _map(self)
        self.mapped = True

    def rel_groups(self) -> Iterator[tuple[tuple[str, bool], Iterator[RelRecord]]]:
        self._ensure_mapped()
        cursor = self.index.db.execute(
            'SELECT type, q, rec FROM rels ORDER BY type, q, start, "end", iri'
        )
        for (rel_type, q), rows in itertools.groupby(cursor, key=lambda r: (r[0], r[1])):
            yield (rel_type, bool(q)), (RelRecord(rel_type, *pickle.loads(r[2])) for r in rows)

    def _ensure_mapped(self) -> None:
        if not self.mapped:
            for _ in self.nodes():
                pass

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> Streamed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_input(
    paths: Sequence[Path],
    ontology: Ontology,
    validate: bool = True,
    progress: Progress | None = None,
    known_types: KnownTypes | None = None,
    stream_above_bytes: int = 64 * 1024 * 1024,
    directory: Path | None = None,
) -> Prepared | Streamed:
    """The input, read whole when its files are small (faster), else streamed."""
    size = sum(f.stat().st_size for f in rdf_files(paths))
    if size <= stream_above_bytes:
        return prepare(paths, ontology, validate, progress, known_types)
    return prepare_streamed(paths, ontology, validate, progress, known_types, directory)


def prepare_streamed(
    paths: Sequence[Path],
    ontology: Ontology,
    validate: bool = True,
    progress: Progress | None = None,
    known_types: KnownTypes | None = None,
    directory: Path | None = None,
) -> Streamed:
    """graph.load.prepare through an index on disk: parse and check (raises naming file
    and line, leaving nothing behind), then map; nothing is written to the store."""
    registry = ontology.registry
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with no_cyclic_gc():
        index = TripleIndex.read(paths, registry, interned_terms(registry), progress, directory)
        try:
            phases["read"] = time.perf_counter() - started
            if validate and ontology.shapes is not None:
                started = time.perf_counter()
                _validate(index, ontology, known_types, progress)
                phases["check"] = time.perf_counter() - started
            started = time.perf_counter()
            load_id = ContentId()
            load_id.add_keys(index.rows())
            phases["id"] = time.perf_counter() - started
        except BaseException:
            index.close()
            raise
    streamed = Streamed(index, load_id.value(), registry, progress)
    streamed.phases = phases
    return streamed


def _validate(
    index: TripleIndex,
    ontology: Ontology,
    known_types: KnownTypes | None,
    progress: Progress | None,
) -> None:
    assert ontology.shapes is not None
    shapes = shacl.Shapes.of(ontology.shapes, ontology.graph)

    def types_of(named: set[Node]) -> list[Triple]:
        found = index.types_of(named)
        typed = [t for triples in found.values() for t in triples]
        untyped = {str(n) for n in named - found.keys() if isinstance(n, URIRef)}
        if known_types is not None and untyped:
            typed.extend(known_types(untyped))
        return typed

    results = shacl.validate_groups(_counted(index, "check", progress), shapes, types_of)
    shacl.raise_if_any(results, index.where, message_names())


def _counted(
    index: TripleIndex, phase: str, progress: Progress | None
) -> Iterator[tuple[Node, list[Triple]]]:
    done = 0
    for subject, own in index.subjects():
        yield subject, own
        done += len(own)
        if progress and done % 50_000 < len(own):
            progress(phase, done, index.triples)
    if progress:
        progress(phase, index.triples, index.triples)


def _map(streamed: Streamed) -> Iterator[NodeRecord]:
    """The mapping, one subject at a time; its time goes to phases["map"] (it runs while
    the loader writes the nodes it gave before)."""
    index, registry, progress = streamed.index, streamed.registry, streamed.progress
    db = index.db
    db.executescript(_TABLES)
    rels: list[tuple[Any, ...]] = []
    node_count = rel_count = 0
    spent = 0.0

    def flush() -> None:
        nonlocal rels
        db.execute("BEGIN")
        db.executemany("INSERT INTO rels VALUES (?, ?, ?, ?, ?, ?)", rels)
        db.execute("COMMIT")
        rels = []

    started = time.perf_counter()
    for subject, own in _counted(index, "map", progress):
        node, out = map_subject(subject, own, registry, index)
        for r in out:
            rel = pickle.dumps((r.start, r.end, r.props), protocol=pickle.HIGHEST_PROTOCOL)
            rels.append((r.type, "iri" in r.props, r.start, r.end, r.props.get("iri", ""), rel))
        rel_count += len(out)
        if len(rels) >= _ROWS_PER_INSERT:
            flush()
        if node is not None:
            node_count += 1
            spent += time.perf_counter() - started
            yield node
            started = time.perf_counter()
    for iri in index.only_objects():
        node_count += 1
        spent += time.perf_counter() - started
        yield node_record(id_term(iri), set(), [], registry)
        started = time.perf_counter()
    flush()
    streamed._nodes, streamed._rels = node_count, rel_count
    streamed.phases["map"] = spent + time.perf_counter() - started


__all__ = ["Input", "Streamed", "open_input", "prepare_streamed"]
