"""The writes of a load: mapped nodes and relationships in `UNWIND $rows` batches, in one
of two ways (graph/README.md, "Loading"):

- staged (the default): each batch commits on its own, so the server holds one batch at a
  time. The nodes a batch creates carry `stagedBy = loadId`, and the load's
  `(:LoadStage {id})` marker hides them from every read in graph.queries (and a
  relationship with such an end with them) until it is published. What would change a
  node or relationship readers already see (merged values, added labels, a relationship
  between two stored nodes) is kept aside and applied in ONE last transaction, the switch,
  which also publishes the marker: readers go from the old graph to the new one at that
  commit. Then `stagedBy` is removed from the published nodes a batch per commit, and the
  marker goes (graph/load_stage.py). The next load deletes whatever a killed one staged,
  finishes what a killed one published, and refuses while a live one is writing
  (graph/load_turn.py).
- a replace (`--replace`): staged the same way, every node created new (`fresh`) under a
  load id of its own, each relationship between two of its nodes by element id; its
  switch shows its nodes alone, and what it replaced is deleted after it (load_stage.retire).
  Run again after it was killed before its switch, it keeps what it staged (`resumed`: its
  own nodes read back, none of the stored ones).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import neo4j

from graph import queries
from graph.mapping import NodeRecord, RelRecord, as_native, merge_props
from graph.registry import LOAD_MARKS, Registry

T = TypeVar("T")
Progress = Callable[[str, int, int], None]  # (phase, done, total)
Work = Callable[[neo4j.ManagedTransaction], None]


class Counts(Protocol):
    created_nodes: int
    updated_nodes: int
    created_relationships: int
    updated_relationships: int


@dataclass
class Writer:
    """What every write of one load shares. `run` runs one batch's work in a transaction of
    its own that commits; `defer` collects the writes that touch what readers already see,
    for the switch."""

    run: Callable[[Callable[[neo4j.ManagedTransaction], Any]], Any]
    registry: Registry
    load_id: str
    batch_size: int
    fresh: bool  # the graph was empty, or a new replace: nothing to read back before writing
    report: Counts
    progress: Progress | None
    defer: list[Work]
    created: dict[str, str] = field(default_factory=dict)  # iri -> element id
    rel_types: set[str] = field(default_factory=set)  # written: the load's record keeps them
    pool: ThreadPoolExecutor | None = None  # runs batches beside the next one's making
    inflight: deque[tuple[Future[Any], Callable[[Any], None]]] = field(default_factory=deque)
    failed: bool = False
    # A killed run of this same load left nodes staged: they are kept (counted as created,
    # published by the switch) and relationships are created only where absent.
    resumed: bool = False
    kept: int = 0
    # A replace: its relationships join its own nodes only; an end it did not create is
    # one it replaces (or none), so such a relationship is not written; a stored node is
    # never merged with (resumed, it reads back its own only: FETCH_STAGED_IDS).
    replacing: bool = False

    def later(self, work: Work) -> None:
        """`work` in the switch: it changes what readers already see."""
        self.defer.append(work)

    def submit(
        self, work: Callable[[neo4j.ManagedTransaction], T], then: Callable[[T], None]
    ) -> None:
        """Run `work` as one batch, then `then(result)` in this thread, in submission order.
        With a pool, the batch runs in its thread while the caller makes the next one (the
        server writes while Python maps and builds rows); one batch at most waits its turn,
        so memory holds two."""
        if self.pool is None:
            then(self.run(work))
            return
        self.inflight.append((self.pool.submit(self._guarded, work), then))
        while len(self.inflight) > 1:
            self._settle()

    def _guarded(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        # In the pool's thread: once a batch has failed, the one queued behind it never
        # starts (it would write into a load that is already failing).
        if self.failed:
            raise CancelledError("an earlier batch of this load failed")
        try:
            return self.run(work)
        except BaseException:
            self.failed = True
            raise

    def drain(self) -> None:
        """Wait for every batch submitted (their `then` run here, in order)."""
        while self.inflight:
            self._settle()

    def _settle(self) -> None:
        future, then = self.inflight.popleft()
        then(future.result())


def write_nodes(w: Writer, records: Iterable[NodeRecord], total: int | None) -> None:
    """Nodes by batch (`records`, `total` of them or None when not known yet: a streamed
    input maps as it goes): created when new, else merged with what is stored (union)."""
    registry, load_id, report = w.registry, w.load_id, w.report
    stamp = {"loadId": load_id, "stagedBy": load_id}
    done = 0
    for batch in batched(records, w.batch_size):

        def work(tx: neo4j.ManagedTransaction, batch: Sequence[Any] = batch) -> Any:
            existing: dict[str, dict[str, Any]] = {}
            kept: dict[str, str] = {}  # iri -> element id, staged by a killed run of this load
            if not w.fresh and w.replacing:  # resumed: its own nodes only, not those it replaces
                iris = [n.iri for n in batch]
                found = tx.run(queries.FETCH_STAGED_IDS, iris=iris, id=load_id)
                kept.update((row["iri"], row["id"]) for row in queries.rows_of(found))
            elif not w.fresh:
                found = tx.run(queries.FETCH_NODES, iris=[n.iri for n in batch])
                for row in queries.rows_of(found):
                    if w.resumed and row["stagedBy"] == load_id:
                        kept[row["iri"]] = row["id"]
                        continue
                    existing[row["iri"]] = {"labels": set(row["labels"]), "props": row["props"]}
            creates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
            updates: list[dict[str, Any]] = []
            relabel: dict[frozenset[str], list[str]] = defaultdict(list)
            for node in batch:
                if node.iri in kept:  # the same input: the same labels and properties
                    continue
                old = existing.get(node.iri)
                if old is None:
                    creates[node.labels].append({"props": {"iri": node.iri, **node.props, **stamp}})
                    continue
                merged = merge_props(old["props"], node.props, node.iri, registry)
                if merged != comparable(old["props"]):
                    updates.append({"iri": node.iri, "props": {**merged, "loadId": load_id}})
                types = merged.get("rdfTypes") or []
                missing = registry.labels_for(types) - old["labels"]  # type: ignore[arg-type]
                if missing:
                    relabel[frozenset(missing)].append(node.iri)
            made: dict[str, str] = {}
            for labels, rows in creates.items():
                made.update(tx.run(queries.create_nodes(labels), rows=rows).single(strict=True)[0])
            return made, kept, updates, relabel

        def then(result: Any, size: int = len(batch)) -> None:
            nonlocal done
            made, kept, updates, relabel = result  # a retried batch gives its results once
            w.created.update(made)
            w.created.update(kept)
            w.kept += len(kept)
            report.created_nodes += len(made) + len(kept)
            if updates:
                w.later(one_statement(queries.UPDATE_NODES, rows=updates))
                report.updated_nodes += len(updates)
            for labels, iris in relabel.items():
                w.later(one_statement(queries.add_labels(labels), iris=iris))
            done += size
            if w.progress:
                w.progress("nodes", done, done if total is None else total)

        w.submit(work, then)
    w.drain()  # the relationships look their ends up in w.created


class _Pending:
    """Small statements of several types gathered into one transaction of about
    `batch_size` rows: a transaction per type and chunk cost ~0.2 s each on Neo4j, which
    made the seeds' 50 relationship types take longer than all their rows."""

    def __init__(self, w: Writer) -> None:
        self.w = w
        self.items: list[tuple[Callable[[neo4j.ManagedTransaction], Any], Callable[[Any], None]]]
        self.items, self.rows = [], 0

    def add(
        self,
        rows: int,
        work: Callable[[neo4j.ManagedTransaction], T],
        then: Callable[[T], None],
    ) -> None:
        self.items.append((work, then))
        self.rows += rows
        if self.rows >= self.w.batch_size:
            self.flush()

    def flush(self) -> None:
        items, self.items, self.rows = self.items, [], 0
        if items:

            def then(results: list[Any]) -> None:
                for (_, each), result in zip(items, results, strict=True):
                    each(result)

            self.w.submit(lambda tx: [work(tx) for work, _ in items], then)


def rel_groups(rels: Iterable[RelRecord]) -> list[tuple[tuple[str, bool], list[RelRecord]]]:
    """Relationships by (type, qualified), the order write_rels takes them in."""
    by_type: dict[tuple[str, bool], list[RelRecord]] = defaultdict(list)
    for rel in rels:
        by_type[(rel.type, "iri" in rel.props)].append(rel)
    return sorted(by_type.items(), key=lambda kv: kv[0])


def write_rels(
    w: Writer, groups: Iterable[tuple[tuple[str, bool], Iterable[RelRecord]]], total: int
) -> None:
    """Relationships by type. One with an end created by this load cannot exist yet and is
    simply created (found by element id when both ends are new, else by iri); only those
    between two nodes that were already stored are checked (plain: created if absent;
    qualified: merged by iri, values united), and those wait for the switch when staged."""
    load_id, report = w.load_id, w.report
    done = 0
    pending = _Pending(w)

    def count(made: int) -> None:
        report.created_relationships += made

    for (rel_type, qualified), rels in groups:
        w.rel_types.add(rel_type)
        for batch in batched(rels, w.batch_size):
            by_id: list[dict[str, Any]] = []
            new: list[dict[str, Any]] = []
            old_ends: list[RelRecord] = []
            for r in batch:
                start, end = w.created.get(r.start), w.created.get(r.end)
                props = {**r.props, "loadId": load_id}
                if start is not None and end is not None:
                    by_id.append({"start": start, "end": end, "props": props})
                elif w.replacing:
                    continue
                elif start is not None or end is not None:
                    new.append({"start": r.start, "end": r.end, "props": props})
                else:
                    old_ends.append(r)
            if by_id or new:
                work = _create_rels(rel_type, by_id, new, w.resumed)
                pending.add(len(by_id) + len(new), work, count)
            if old_ends and not qualified:
                rows = [{"start": r.start, "end": r.end} for r in old_ends]
                # counted now: the switch creates exactly these
                pending.add(len(rows), _missing_plain(rel_type, rows), _later_plain(w, rel_type))
            elif old_ends:
                pending.add(len(old_ends), *_merge_qualified(w, rel_type, old_ends))
            done += len(batch)
            if w.progress:
                w.progress("relationships", done, total)
    pending.flush()
    w.drain()


def _later_plain(w: Writer, rel_type: str) -> Callable[[list[dict[str, Any]]], None]:
    def then(rows: list[dict[str, Any]]) -> None:
        w.report.created_relationships += len(rows)
        if rows:
            statement = queries.merge_plain_relationships(rel_type)
            w.later(one_statement(statement, rows=rows, loadId=w.load_id))

    return then


def _create_rels(
    rel_type: str, by_id: list[dict[str, Any]], new: list[dict[str, Any]], resumed: bool
) -> Callable[[neo4j.ManagedTransaction], int]:
    def work(tx: neo4j.ManagedTransaction) -> int:
        created = 0
        for statement, rows in (
            (queries.create_relationships_by_id(rel_type, resumed), by_id),
            (queries.create_relationships(rel_type, resumed), new),
        ):
            if not rows:
                continue
            made = tx.run(statement, rows=rows).single()
            if resumed:  # counted as created whether made now or by the killed run
                created += len(rows)
            else:
                created += int(made["created"]) if made else 0
        return created

    return work


def _missing_plain(
    rel_type: str, rows: list[dict[str, Any]]
) -> Callable[[neo4j.ManagedTransaction], list[dict[str, Any]]]:
    def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        statement = queries.existing_plain_relationships(rel_type)
        stored = {(r["start"], r["end"]) for r in queries.rows_of(tx.run(statement, rows=rows))}
        return [row for row in rows if (row["start"], row["end"]) not in stored]

    return work


def _merge_qualified(
    w: Writer, rel_type: str, batch: Sequence[RelRecord]
) -> tuple[Callable[[neo4j.ManagedTransaction], dict[str, Any]], Callable[[dict[str, Any]], None]]:
    """(read what is stored, then merge with it) for a batch of qualified relations."""
    rows = [{"start": r.start, "end": r.end, "iri": r.props.get("iri")} for r in batch]

    def fetch(tx: neo4j.ManagedTransaction) -> dict[str, Any]:
        return {
            found["iri"]: found["props"]
            for found in queries.rows_of(tx.run(queries.fetch_qualified(rel_type), rows=rows))
        }

    def then(old: dict[str, Any]) -> None:
        writes = []
        for r, ends in zip(batch, rows, strict=True):
            prev = old.get(str(ends["iri"]))
            if prev is None:
                w.report.created_relationships += 1
                writes.append({**ends, "props": {**r.props, "loadId": w.load_id}})
                continue
            merged = merge_props(prev, r.props, str(ends["iri"]), w.registry, derived=False)
            if merged != comparable(prev):
                w.report.updated_relationships += 1
                writes.append({**ends, "props": {**merged, "loadId": w.load_id}})
        if writes:
            w.later(one_statement(queries.merge_qualified(rel_type), rows=writes))

    return fetch, then


def one_statement(statement: str, **params: Any) -> Work:
    """A transaction's work that runs `statement` alone."""

    def work(tx: neo4j.ManagedTransaction) -> None:
        tx.run(statement, **params).consume()

    return work


def comparable(props: dict[str, Any]) -> dict[str, Any]:
    return {k: as_native(v) for k, v in props.items() if k not in LOAD_MARKS}


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items (the last shorter), without holding more than one."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def chunks(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def delete_all(tx: neo4j.ManagedTransaction, batch_size: int) -> int:
    """Every resource deleted, a batch of `batch_size` at a time, in `tx` (`clear`)."""
    deleted = 0
    while True:
        n = tx.run(queries.DELETE_RESOURCES_BATCH, limit=batch_size).single()
        count = int(n["deleted"]) if n else 0
        deleted += count
        if count == 0:
            return deleted


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
