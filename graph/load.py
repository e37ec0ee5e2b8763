"""Load RDF into the Bolt store: parse, check, map, then write everything in ONE managed
transaction, in batches of `UNWIND $rows`.

- Atomic: a load that fails or is killed midway commits nothing; readers keep seeing the
  previous graph whole (the server rolls the open transaction back).
- Idempotent: loading the same triples again changes nothing. A load is a union: what is
  stored stays, what is new is added, a multi-valued property gains values, nothing is
  overwritten. `replace=True` empties the graph first, in the same transaction.
- Stamped: every node and relationship it creates or changes carries `loadId`, the hash of
  the load's triples; a `(:Load {id})` node records the files, counts and time.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import neo4j
from rdflib import Graph, Literal

from graph import queries
from graph.errors import InputError
from graph.mapping import (
    PropertyGraph,
    RelRecord,
    as_native,
    interned_terms,
    merge_props,
    term_id,
    to_property_graph,
)

# Ontology lives in graph/ontology.py; re-exported here until the callers have moved.
from graph.ontology import Ontology as Ontology
from graph.rdf import Parsed, check, parse_files
from graph.registry import Registry
from graph.shacl import untyped_references
from graph.store import Store

T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Prepared:
    parsed: Parsed
    pg: PropertyGraph
    load_id: str
    phases: dict[str, float] = field(default_factory=dict)  # seconds: read, check, map, id

    @property
    def triples(self) -> int:
        return len(self.parsed.triples)


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


class _Phases:
    """Times each step into `phases` and tells `progress` when one starts and ends."""

    def __init__(self, progress: Progress | None) -> None:
        self.phases: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(name, 0, 1)
        started = time.perf_counter()
        yield
        self.phases[name] = time.perf_counter() - started
        if self.progress:
            self.progress(name, 1, 1)


def prepare(
    paths: Sequence[Path],
    ontology: Ontology,
    validate: bool = True,
    progress: Progress | None = None,
    known_types: Callable[[set[str]], Iterable[tuple[Any, Any, Any]]] | None = None,
) -> Prepared:
    """Parse and check (nothing is written); raises InputError naming file and line.
    `progress` hears of each step (read, check, map, id) as it starts and ends.
    `known_types` gives the stored classes of the IRIs the input names without a type
    (graph.touched.stored_types), so SHACL sees what the load will join."""
    phase = _Phases(progress)
    with no_cyclic_gc():
        with phase("read"):
            parsed = parse_files(paths, interned_terms(ontology.registry))
        if not parsed.triples:
            raise InputError("the input holds no triples: " + ", ".join(map(str, paths)))
        with phase("check"):
            shapes = ontology.shapes if validate else None
            context = (
                known_types(untyped_references(parsed.triples)) if known_types and shapes else ()
            )
            check(parsed, ontology.registry, shapes, ontology.graph, context)
        with phase("map"):
            pg = to_property_graph(parsed.triples, ontology.registry)
        with phase("id"):
            load_id = content_id(parsed.triples)
    return Prepared(parsed, pg, load_id, phase.phases)


def content_id(graph: Graph | Iterable[tuple[Any, Any, Any]]) -> str:
    """The same triples give the same id, whatever files and order they came in."""
    digest = hashlib.sha256()
    for line in sorted(_nt(t) for t in graph):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def _nt(triple: tuple[Any, Any, Any]) -> str:
    s, p, o = triple
    obj = o.n3() if isinstance(o, Literal) else term_id(o)
    return f"{term_id(s)} {p} {obj}"


def load(
    store: Store,
    prepared: Prepared,
    registry: Registry,
    batch_size: int = 2000,
    replace: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    started = time.perf_counter()
    phase = _Phases(None)
    with phase("schema"):
        store.ensure_schema()  # constraints and indexes before any MERGE
    pg, load_id = prepared.pg, prepared.load_id
    report = LoadReport(
        load_id=load_id,
        files=[str(f) for f in prepared.parsed.files],
        triples=prepared.triples,
        nodes=len(pg.nodes),
        relationships=len(pg.rels),
    )

    def work(tx: neo4j.ManagedTransaction) -> None:
        # execute_write may retry: start the counts afresh each time.
        for name in ("created_nodes", "updated_nodes", "created_relationships"):
            setattr(report, name, 0)
        report.updated_relationships = report.deleted_nodes = 0
        if replace:
            report.deleted_nodes = _delete_all(tx, batch_size)
            _delete_all(tx, batch_size, queries.DELETE_OTHER_NODES_BATCH)
        # Into an empty graph (or after --replace) nothing can exist yet: no reads needed.
        fresh = replace or tx.run(queries.ANY_RESOURCE).single() is None
        writes = _Writes(tx, registry, load_id, batch_size, fresh, report, progress)
        with phase("nodes"):
            _write_nodes(writes, pg)
        with phase("relationships"):
            _write_rels(writes, pg)
        tx.run(
            queries.RECORD_LOAD,
            id=load_id,
            props={
                "startedAt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "files": report.files,
                "triples": report.triples,
                "nodes": report.nodes,
                "relationships": report.relationships,
            },
        ).consume()
        work_done.append(time.perf_counter())

    work_done: list[float] = []
    with no_cyclic_gc():
        store.write(work)
    finished = time.perf_counter()
    report.seconds = finished - started
    report.phases = {**prepared.phases, **phase.phases, "commit": finished - work_done[-1]}
    return report


def _delete_all(
    tx: neo4j.ManagedTransaction, batch_size: int, statement: str = queries.DELETE_RESOURCES_BATCH
) -> int:
    deleted = 0
    while True:
        n = tx.run(statement, limit=batch_size).single()
        count = int(n["deleted"]) if n else 0
        deleted += count
        if count == 0:
            return deleted


@dataclass
class _Writes:
    """What every write statement of one load shares; `created` receives the iri and element
    id of each node this load creates (a relationship touching one cannot exist yet)."""

    tx: neo4j.ManagedTransaction
    registry: Registry
    load_id: str
    batch_size: int
    fresh: bool  # the graph was empty: nothing to read back before writing
    report: LoadReport
    progress: Progress | None
    created: dict[str, str] = field(default_factory=dict)


def _write_nodes(w: _Writes, pg: PropertyGraph) -> None:
    """Nodes by batch: created when new, else merged with what is stored (union)."""
    tx, registry, load_id, report, progress = w.tx, w.registry, w.load_id, w.report, w.progress
    records = sorted(pg.nodes.values(), key=lambda n: n.iri)
    done = 0
    for batch in _chunks(records, w.batch_size):
        existing: dict[str, dict[str, Any]] = {}
        if not w.fresh:
            for row in tx.run(queries.FETCH_NODES, iris=[n.iri for n in batch]):
                existing[row["iri"]] = {"labels": set(row["labels"]), "props": row["props"]}
        creates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        updates: list[dict[str, Any]] = []
        relabel: dict[frozenset[str], list[str]] = defaultdict(list)
        for node in batch:
            old = existing.get(node.iri)
            if old is None:
                creates[node.labels].append(
                    {"props": {"iri": node.iri, **node.props, "loadId": load_id}}
                )
                continue
            merged = merge_props(old["props"], node.props, node.iri, registry)
            if merged != _comparable(old["props"]):
                updates.append({"iri": node.iri, "props": {**merged, "loadId": load_id}})
            types = merged.get("rdfTypes") or []
            missing = registry.labels_for(types) - old["labels"]  # type: ignore[arg-type]
            if missing:
                relabel[frozenset(missing)].append(node.iri)
        for labels, rows in creates.items():
            for made in tx.run(queries.create_nodes(labels), rows=rows):
                w.created[made["iri"]] = made["id"]
            report.created_nodes += len(rows)
        if updates:
            tx.run(queries.UPDATE_NODES, rows=updates).consume()
            report.updated_nodes += len(updates)
        for labels, iris in relabel.items():
            tx.run(queries.add_labels(labels), iris=iris).consume()
        done += len(batch)
        if progress:
            progress("nodes", done, len(records))


def _write_rels(w: _Writes, pg: PropertyGraph) -> None:
    """Relationships by type. One with an end created by this load cannot exist yet and is
    simply created (found by element id when both ends are new, else by iri); only those
    between two nodes that were already stored are checked (plain: created if absent;
    qualified: merged by iri, values united)."""
    tx, registry, load_id, report, progress = w.tx, w.registry, w.load_id, w.report, w.progress
    created = w.created  # into an empty graph: every node, so every end is found here
    by_type: dict[tuple[str, bool], list[RelRecord]] = defaultdict(list)
    for rel in pg.rels:
        by_type[(rel.type, "iri" in rel.props)].append(rel)
    total, done = len(pg.rels), 0
    for (rel_type, qualified), rels in sorted(by_type.items()):
        for batch in _chunks(rels, w.batch_size):
            by_id: list[dict[str, Any]] = []
            new: list[dict[str, Any]] = []
            old_ends: list[RelRecord] = []
            for r in batch:
                start, end = created.get(r.start), created.get(r.end)
                if start is not None and end is not None:
                    by_id.append(
                        {"start": start, "end": end, "props": {**r.props, "loadId": load_id}}
                    )
                elif start is not None or end is not None:
                    new.append(
                        {"start": r.start, "end": r.end, "props": {**r.props, "loadId": load_id}}
                    )
                else:
                    old_ends.append(r)
            for statement, rows in (
                (queries.create_relationships_by_id(rel_type), by_id),
                (queries.create_relationships(rel_type), new),
            ):
                if rows:
                    made = tx.run(statement, rows=rows).single()
                    report.created_relationships += int(made["created"]) if made else 0
            if old_ends and not qualified:
                rows = [{"start": r.start, "end": r.end} for r in old_ends]
                made = tx.run(
                    queries.merge_plain_relationships(rel_type), rows=rows, loadId=load_id
                ).single()
                report.created_relationships += int(made["created"]) if made else 0
            elif old_ends:
                _merge_qualified(tx, rel_type, old_ends, registry, load_id, report)
            done += len(batch)
            if progress:
                progress("relationships", done, total)


def _merge_qualified(
    tx: neo4j.ManagedTransaction,
    rel_type: str,
    batch: Sequence[RelRecord],
    registry: Registry,
    load_id: str,
    report: LoadReport,
) -> None:
    rows = [{"start": r.start, "end": r.end, "iri": r.props.get("iri")} for r in batch]
    old: dict[str, Any] = {}
    for found in tx.run(queries.fetch_qualified(rel_type), rows=rows):
        old[found["iri"]] = found["props"]
    writes = []
    for r, ends in zip(batch, rows, strict=True):
        prev = old.get(str(ends["iri"]))
        if prev is None:
            report.created_relationships += 1
            writes.append({**ends, "props": {**r.props, "loadId": load_id}})
            continue
        merged = merge_props(prev, r.props, str(ends["iri"]), registry, derived=False)
        if merged != _comparable(prev):
            report.updated_relationships += 1
            writes.append({**ends, "props": {**merged, "loadId": load_id}})
    if writes:
        tx.run(queries.merge_qualified(rel_type), rows=writes).consume()


def _comparable(props: dict[str, Any]) -> dict[str, Any]:
    return {k: as_native(v) for k, v in props.items() if k != "loadId"}


def _chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def clear(store: Store, batch_size: int = 5000) -> int:
    """Empty the graph (resources and load records) in one transaction."""

    def work(tx: neo4j.ManagedTransaction) -> int:
        deleted = _delete_all(tx, batch_size)
        tx.run(queries.DELETE_LOADS).consume()
        return deleted

    return store.write(work)
