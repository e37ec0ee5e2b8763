"""A streamed load: the input goes through an index on disk (graph/triple_index.py) instead
of memory, so the client holds a batch, a subject's triples and the load's created-node
ids, whatever the input's size. The load itself (staged, switched at the end, idempotent)
is graph.load.load's, unchanged: a streamed input and a whole one give the same graph and
the same load id (a test compares them on both servers).

Passes over the index, each in subject order: check the shapes (a group of subjects at a
time, as graph/shacl.py does for an input read whole); map each subject (graph.mapping.
subject_records) into two more tables, nodes by iri and relationships by type, counting
the load id on the way; then the writer reads those tables back in batches.
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
from graph.load import ContentId, Input, Ontology, Prepared, Progress, no_cyclic_gc, prepare
from graph.mapping import NodeRecord, RelRecord, id_term, interned_terms, node_record
from graph.mapping import subject_records as map_subject
from graph.rdf import message_names, rdf_files
from graph.triple_index import TripleIndex

Triple = tuple[Node, Node, Node]
KnownTypes = Callable[[set[str]], Iterable[Triple]]
_TABLES = """
CREATE TABLE nodes (iri TEXT PRIMARY KEY, rec BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE rels (type TEXT NOT NULL, q INTEGER NOT NULL, start TEXT NOT NULL,
                   "end" TEXT NOT NULL, iri TEXT NOT NULL, rec BLOB NOT NULL);
"""
_ROWS_PER_INSERT = 5_000


class Streamed:
    """graph.load.Input read back from the index; close it (or use `with`) when done."""

    def __init__(self, index: TripleIndex, load_id: str, nodes: int, rels: int) -> None:
        self.index, self.load_id = index, load_id
        self.node_count, self.rel_count = nodes, rels
        self.phases: dict[str, float] = {}

    @property
    def triples(self) -> int:
        return self.index.triples

    @property
    def files(self) -> list[str]:
        return [str(f) for f in self.index.files]

    def nodes(self) -> Iterator[NodeRecord]:
        for (rec,) in self.index.db.execute("SELECT rec FROM nodes ORDER BY iri"):
            iri, labels, props = pickle.loads(rec)
            yield NodeRecord(iri, frozenset(labels), props)

    def rel_groups(self) -> Iterator[tuple[tuple[str, bool], Iterator[RelRecord]]]:
        cursor = self.index.db.execute(
            'SELECT type, q, rec FROM rels ORDER BY type, q, start, "end", iri'
        )
        for (rel_type, q), rows in itertools.groupby(cursor, key=lambda r: (r[0], r[1])):
            yield (rel_type, bool(q)), (RelRecord(rel_type, *pickle.loads(r[2])) for r in rows)

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
            streamed = _map(index, ontology, progress)
            phases["map"] = time.perf_counter() - started
        except BaseException:
            index.close()
            raise
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


def _map(index: TripleIndex, ontology: Ontology, progress: Progress | None) -> Streamed:
    registry, db = ontology.registry, index.db
    db.executescript(_TABLES)
    load_id = ContentId()
    nodes: list[tuple[str, bytes]] = []
    rels: list[tuple[Any, ...]] = []
    node_count = rel_count = 0

    def flush() -> None:
        nonlocal nodes, rels
        db.execute("BEGIN")
        db.executemany("INSERT INTO nodes VALUES (?, ?)", nodes)
        db.executemany("INSERT INTO rels VALUES (?, ?, ?, ?, ?, ?)", rels)
        db.execute("COMMIT")
        nodes, rels = [], []

    def keep(node: NodeRecord | None, out: list[RelRecord]) -> None:
        nonlocal node_count, rel_count
        if node is not None:
            nodes.append((node.iri, _pickled(node)))
            node_count += 1
        for r in out:
            rel = pickle.dumps((r.start, r.end, r.props), protocol=pickle.HIGHEST_PROTOCOL)
            rels.append((r.type, "iri" in r.props, r.start, r.end, r.props.get("iri", ""), rel))
        rel_count += len(out)
        if len(nodes) + len(rels) >= _ROWS_PER_INSERT:
            flush()

    for subject, own in _counted(index, "map", progress):
        for triple in own:
            load_id.add(triple)
        keep(*map_subject(subject, own, registry, index))
    for iri in index.only_objects():
        keep(node_record(id_term(iri), set(), [], registry), [])
    flush()
    return Streamed(index, load_id.value(), node_count, rel_count)


def _pickled(node: NodeRecord) -> bytes:
    return pickle.dumps((node.iri, tuple(node.labels), node.props), pickle.HIGHEST_PROTOCOL)


__all__ = ["Input", "Streamed", "open_input", "prepare_streamed"]
