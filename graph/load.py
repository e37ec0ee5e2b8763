"""Load RDF into the Bolt store: parse, check, map, then write in `UNWIND $rows` batches
that commit as they go into a STAGED load, which readers see only once it is complete
(graph/load_write.py writes; graph/README.md "Loading" says why).

- Atomic for readers: the nodes a load creates carry `stagedBy` until ONE last
  transaction, the switch, removes it and applies the changes to what was already stored;
  every read in graph.queries filters `stagedBy` out. A load that fails or is killed at any
  stage leaves readers on the previous graph; the next load deletes what it staged.
- Idempotent: loading the same triples again changes nothing. A load is a union: what is
  stored stays, what is new is added, a multi-valued property gains values, nothing is
  overwritten. `replace=True` stages the whole input as new nodes under a load id of its
  own; its switch shows them alone, and what it replaced is deleted after it.
- Stamped: every node and relationship it creates or changes carries `loadId`, the hash of
  the load's triples; a `(:Load {id})` node records the files, counts and time.
"""

from __future__ import annotations

import gc
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import neo4j

from graph import load_stage, load_turn as turn, load_write as lw, queries
from graph.errors import InputError, TransactionTooLarge
from graph.load_id import content_id

# What a load takes and reports (graph/load_input.py) and the ontology
# (graph/ontology.py), re-exported here: callers import them from graph.load.
from graph.load_input import (
    Input as Input,
    LoadReport as LoadReport,
    Prepared as Prepared,
    Progress as Progress,
    no_cyclic_gc as no_cyclic_gc,
)
from graph.mapping import (
    interned_terms,
    to_property_graph,
)
from graph.ontology import Ontology as Ontology
from graph.rdf import check, parse_files
from graph.registry import Registry
from graph.shacl import untyped_references
from graph.store import Store

T = TypeVar("T")


@contextmanager
def _frozen() -> Iterator[None]:
    """What exists before the writes (a whole input: millions of objects) is left out of
    the per-batch collections (_collecting)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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


def load(
    store: Store,
    prepared: Input,
    registry: Registry,
    batch_size: int = 10_000,
    replace: bool = False,
    progress: Progress | None = None,
    stale_s: float = 600.0,
    write_ahead: bool = True,
) -> LoadReport:
    """Write `prepared` (graph.load_write): staged, batches committing as they go and
    readers switched at the end; with `replace`, every node staged new and what was stored
    deleted after the switch (graph/queries_stage.py). One load at a time: LoadInProgress
    while another loader is alive (graph.load_turn, `stale_s`). `write_ahead`: batches run
    in a thread of their own while the next is made (off only to measure what it gains:
    bench/write_ahead.py)."""
    started = time.perf_counter()
    phase = _Phases(None)
    with phase("schema"):
        store.ensure_schema()  # constraints and indexes before any MERGE
    pg, load_id = prepared, prepared.load_id
    if replace:  # its nodes stand beside those of any load before it, until they are deleted
        load_id = load_stage.replace_id(store, load_id)
    # The counts come after the writes: a streamed input maps while it is written.
    report = LoadReport(load_id, prepared.files, prepared.triples, 0, 0)
    # `commit`: new at every load that changes the graph (the SPARQL view's kept copy tells
    # graph states apart by it, graph/sparql_keep.py; startedAt has seconds).
    record = {
        "startedAt": lw.now(),
        "commit": uuid.uuid4().hex,
        "files": report.files,
        "triples": report.triples,
    }
    with no_cyclic_gc(), _frozen():
        try:
            _load_staged(
                store,
                pg,
                registry,
                load_id,
                batch_size,
                report,
                record,
                phase,
                progress,
                stale_s,
                write_ahead,
                replace,
            )
        except TransactionTooLarge as exc:
            raise TransactionTooLarge(
                f"{exc}. A load commits a batch at a time, {batch_size:,} rows a batch: "
                "lower SAHELKG_BATCH_SIZE, or raise the server's db.memory.transaction.max; "
                "readers keep the graph before this load"
            ) from exc
    report.seconds = time.perf_counter() - started
    report.phases = {**prepared.phases, **phase.phases}
    return report


def _counted(pg: Input, report: LoadReport, record: dict[str, Any], writes: lw.Writer) -> None:
    """The input's counts, into the report and the load's record (once it is mapped), and
    the relationship types it wrote (where the SPARQL view looks for what it changed)."""
    report.nodes, report.relationships = pg.node_count, pg.rel_count
    record.update(
        nodes=report.nodes, relationships=report.relationships, relTypes=sorted(writes.rel_types)
    )


def _index(
    store: Store, types: list[str], phase: _Phases, progress: Progress | None = None
) -> None:
    """The load ids of the relationship types the load wrote (its record's `relTypes`),
    indexed: a schema change, a transaction of its own per type; a no-op for a type indexed
    already."""
    with phase("index"):
        for done, rel_type in enumerate(types):
            if progress:
                progress("index", done, len(types))
            store.index_relationships([rel_type])
        if progress:
            progress("index", len(types), len(types))


def _load_staged(
    store: Store,
    pg: Input,
    registry: Registry,
    load_id: str,
    batch_size: int,
    report: LoadReport,
    record: dict[str, Any],
    phase: _Phases,
    progress: Progress | None,
    stale_s: float,
    write_ahead: bool,
    replace: bool = False,
) -> None:
    with phase("stage"):
        claimed = turn.claim(store, load_id, stale_s, replace)  # LoadInProgress: none written
        # Killed after its switch: shown, to be tidied. Killed before it: hidden; kept when
        # it is this same input (its stage has this load's id: deleting costs ArcadeDB half
        # the writing, BENCHMARKS.md 2l), else deleted.
        published = [s for s in claimed if s.get("published")]
        staged = [str(s["id"]) for s in claimed if not s.get("published")]
        resumed = load_id in staged
        try:
            report.tidied_nodes, report.deleted_nodes = load_stage.finish_published(
                store, published, load_id, batch_size, progress
            )
            others = [stage for stage in staged if stage != load_id]
            report.abandoned_nodes = load_stage.drop_abandoned(store, others, batch_size, progress)
            # A replace reads nothing back, but what its killed run staged (resumed).
            fresh = (replace and not resumed) or load_stage.is_empty(store)
        except BaseException:
            turn.release(load_id)
            raise
    try:
        deferred: list[lw.Work] = []
        run = _collecting(turn.Beat(store, load_id))
        with ThreadPoolExecutor(1, thread_name_prefix="sahelkg-load") as pool:
            writes = lw.Writer(
                run, registry, load_id, batch_size, fresh, report, progress, deferred
            )
            writes.pool = pool if write_ahead else None
            writes.resumed, writes.replacing = resumed, replace
            try:
                with phase("nodes"):
                    lw.write_nodes(writes, pg.nodes(), pg.nodes_known)
                with phase("relationships"):
                    lw.write_rels(writes, pg.rel_groups(), pg.rel_count)
                _counted(pg, report, record, writes)
                report.kept_nodes = writes.kept
            except BaseException:
                pool.shutdown(cancel_futures=True)  # the batch running ends; no other starts
                raise
        _index(store, record["relTypes"], phase, progress)  # before the switch: for the view
        if not (deferred or writes.created or report.created_relationships):
            # Nothing created or changed (the same content again): the graph's state is the
            # one the load's last commit left, and so is its stamp (graph/sparql_keep.py).
            del record["commit"]
        retires = load_stage.retiring(store, load_id, deferred) if replace else None
        if progress:
            progress("switch", 0, 1)
        with phase("switch"):
            load_stage.switch(store, load_id, deferred, record, retires)
        if progress:
            progress("switch", 1, 1)
        with phase("publish"):  # readers see the new graph already
            created = list(writes.created.values())
            load_stage.publish(store, load_id, created, batch_size, progress, end=not replace)
        if retires is not None:
            with phase("delete"):  # what the replace replaced: hidden since the switch
                report.deleted_nodes += load_stage.retire(
                    store, load_id, retires, batch_size, progress
                )
    finally:
        turn.release(load_id)


def _collecting(run: Callable[[Callable[[Any], T]], T]) -> Callable[[Callable[[Any], T]], T]:
    """`run`, then the youngest objects' reference cycles collected. The cyclic collector
    is off during a load (no_cyclic_gc), and each transaction leaves the driver's session
    in a cycle that holds the batch's rows: without this, a streamed load kept every batch
    it wrote (1.5 KB a node; 5 GB of client memory at 10M triples). Only the objects made
    since the last batch are looked at (the load froze the older ones)."""

    def each(work: Callable[[Any], T]) -> T:
        try:
            return run(work)
        finally:
            gc.collect(0)

    return each


def clear(store: Store, batch_size: int = 5000) -> int:
    """Empty the graph (resources and load records) in one transaction."""

    def work(tx: neo4j.ManagedTransaction) -> int:
        deleted = lw.delete_all(tx, batch_size)
        tx.run(queries.DELETE_LOADS).consume()
        tx.run(queries.DELETE_STAGES).consume()
        return deleted

    return store.write(work)
