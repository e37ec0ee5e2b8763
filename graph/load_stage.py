"""A staged load's life around its batches (graph/load_write.py writes them): what killed
loads left, deleted or tidied first; the switch; the publishing after it; after a
replace's switch, the deletion of what it replaced. The reads' side of it is
graph/queries_stage.py."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from functools import partial
from typing import Any

import neo4j

from graph import queries
from graph.errors import QueryTimeout, TransactionTooLarge
from graph.load_write import Progress, Work, chunks, now, one_statement
from graph.store import Store

# Relationships deleted a commit, per node of a deletion batch: a batch of nodes of the
# synthetic 1M graph has 4 on average; a hub's are spread over commits of this many. At 1
# rather than 5 a hub's commits took 0.9-1.3 s instead of 2.4-5.1 s (what an ArcadeDB
# reader may wait), the deletion as long in all (BENCHMARKS.md 2n).
RELS_PER_NODE = 1
UNLINK = "unlink"  # the progress phase of the relationships deleted ahead of their nodes


def drop_abandoned(
    store: Store,
    stages: Sequence[str],
    batch_size: int,
    progress: Progress | None = None,
) -> int:
    """Delete what killed loads staged (hidden from readers all along: their markers are
    unpublished), a batch per commit, then their markers. Returns the nodes deleted;
    `progress` hears the count after each batch, out of the stages' total. Under
    `store.deleting()`: ArcadeDB's relationship load-id indexes, whose shared keys made
    this cost 3-4x the staging, are dropped meanwhile (BENCHMARKS.md 2f, 2l)."""

    if not stages:
        return 0
    bar = _Bar.counted(store, stages, "killed load", progress)
    deleted = 0
    with store.deleting(stages):
        for stage in stages:
            deleted += _batches(store, queries.DROP_STAGED_BATCH, stage, batch_size, deleted, bar)
            store.write(one_statement(queries.END_STAGE, id=stage), seen=False)
    return deleted


def replace_id(store: Store, input_id: str) -> str:
    """A replace's load id: the input's, with a suffix made of the ids of the loads stored
    now (those it replaces). So it differs from every stored load's, even one of the same
    input (its nodes stand beside theirs until they are deleted), and a replace killed
    before its switch has the same id when it runs again: no load has run since (any other
    would have deleted its stage), and it resumes, keeping what it staged."""
    rows = store.read(queries.LOAD_IDS)
    stored = sorted(str(i) for i in rows[0]["ids"]) if rows else []
    suffix = hashlib.sha256("\n".join(stored).encode()).hexdigest()[:8]
    return f"{input_id}-{suffix}"


def is_empty(store: Store) -> bool:
    """True when the graph holds no resource (nothing to read back while writing)."""
    return bool(store.write(lambda tx: tx.run(queries.ANY_RESOURCE).single() is None))


def switch(
    store: Store,
    load_id: str,
    deferred: list[Work],
    record: dict[str, Any],
    retires: list[str] | None = None,
) -> None:
    """The one transaction readers notice: the changes to what they already see, the stage
    published (its nodes shown), the load recorded. Its size is that of `deferred`, not the
    load's: the staged nodes themselves are not written (publish, after it). A replace's
    (`retires`: the loads it replaces, listed on its marker) shows its own nodes alone."""

    def work(tx: neo4j.ManagedTransaction) -> None:
        for write in deferred:
            write(tx)
        tx.run(queries.PUBLISH_STAGE, id=load_id, at=now(), retires=retires).consume()
        tx.run(queries.RECORD_LOAD, id=load_id, props=record).consume()
        # Last, so reads wait only for the commit: the reads in flight end first, and new
        # ones wait until the switch is whole.
        store.gate_switch(tx)

    store.write(work)


def publish(
    store: Store,
    load_id: str,
    staged: Sequence[str],
    batch_size: int,
    progress: Progress | None = None,
    end: bool = True,
) -> None:
    """After the switch: `stagedBy` removed from the published stage's nodes (element ids),
    a batch per commit, then (`end`) its marker. Readers see no change: the switch showed
    them (so the commits leave the graph-version marker alone, and the API its cached
    answers)."""
    done = 0
    for ids in chunks(staged, batch_size * 5):
        store.write(one_statement(queries.PUBLISH_NODES, ids=list(ids)), seen=False)
        done += len(ids)
        if progress:
            progress("publish", done, len(staged))
    if end:
        store.write(one_statement(queries.END_STAGE, id=load_id), seen=False)


def retiring(store: Store, load_id: str, deferred: list[Work]) -> list[str]:
    """Before a replace's switch: the loads it replaces (their records go in the switch,
    `deferred`). One loader at a time: no load is recorded between this and the switch."""
    rows = store.read(queries.OTHER_LOAD_IDS, {"id": load_id})
    deferred.append(one_statement(queries.DELETE_OTHER_LOADS, id=load_id))
    return [str(i) for i in rows[0]["ids"]] if rows else []


def retire(
    store: Store,
    load_id: str,
    retires: Sequence[str],
    batch_size: int,
    progress: Progress | None = None,
) -> int:
    """After replace `load_id`'s switch, what it replaced, hidden since then: the nodes of
    the loads `retires` (through the `loadId` index), then any resource not its own (a scan,
    once), then the nodes other tools wrote, a batch per commit each; then its marker.
    Returns the resources deleted; `progress` hears them on the "delete" bar."""
    bar = _Bar.counted(store, retires, "delete", progress, queries.COUNT_LOADS_NODES)
    deleted = 0
    with store.deleting(retires):
        for stage in [*retires, load_id]:  # last: what no record names
            statement = queries.RETIRE_REST_BATCH if stage == load_id else queries.RETIRE_BATCH
            deleted += _batches(store, statement, stage, batch_size, deleted, bar)
        bar(deleted)
        others = _Bar(progress, links=bar.links)  # not resources: not on the "delete" bar
        _batches(store, queries.RETIRE_OTHER_NODES_BATCH, load_id, batch_size, 0, others)
        store.write(one_statement(queries.END_STAGE, id=load_id), seen=False)
    return deleted


def finish_published(
    store: Store,
    stages: Sequence[dict[str, Any]],
    load_id: str,
    batch_size: int,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """What a killed loader left after its switch: published, shown to readers, not yet
    rid of `stagedBy`. Tidied as `publish` does (found by their load id: the element ids
    went with the loader), then the marker deleted, or, for `load_id`'s own (the same input
    again), unpublished: it marks this load from then on. A replace's (`stages`: the
    markers' properties) then deletes what it replaced first (`retire`). Returns the nodes
    tidied and deleted."""

    ids = [str(s["id"]) for s in stages]
    bar = _Bar.counted(store, ids, "publish", progress)
    tidied = deleted = 0
    for stage in stages:
        sid = str(stage["id"])
        tidied += _batches(store, queries.PUBLISH_STAGED_BATCH, sid, batch_size * 5, tidied, bar)
        if stage.get("replace"):
            retires = [str(i) for i in stage.get("retires") or []]
            deleted += retire(store, sid, retires, batch_size, progress)
        elif sid == load_id:
            store.write(_gated(store, queries.UNPUBLISH_STAGE, id=sid))
        else:
            store.write(one_statement(queries.END_STAGE, id=sid), seen=False)
    return tidied, deleted


class _Bar:
    """The progress of batches of nodes: the nodes out of their total (`phase`), and the
    relationships a deletion takes ahead of them (`UNLINK`, without a total: counting them
    would be a scan of its own), so that a hub's commits do not hold the bar still."""

    def __init__(
        self, progress: Progress | None, phase: str = "", total: int = 0, links: int = 0
    ) -> None:
        self.progress, self.phase, self.total, self.links = progress, phase, total, links

    @classmethod
    def counted(
        cls,
        store: Store,
        stages: Sequence[str],
        phase: str,
        progress: Progress | None,
        count: str = queries.COUNT_STAGED,
    ) -> _Bar:
        """Out of the nodes of some stages (or loads: `count`), counted first when there is
        a bar to show it (through the `loadId` index: 0.35-0.66 s for 171k nodes on
        ArcadeDB, BENCHMARKS.md 2i); without a total when the statement limit stops that
        count."""
        total = 0
        if progress is not None and stages:
            with contextlib.suppress(QueryTimeout):
                total = int(store.read(count, {"ids": list(stages)})[0]["count"])
        return cls(progress, phase, total)

    def __call__(self, done: int) -> None:
        if self.progress is not None and self.phase:
            self.progress(self.phase, done, max(done, self.total))

    def unlinked(self, count: int) -> None:
        self.links += count
        if self.progress is not None and count:
            self.progress(UNLINK, self.links, 0)


def _batches(store: Store, statement: str, stage: str, limit: int, before: int, bar: _Bar) -> int:
    """`statement` (a batch of at most `limit` of `stage`'s nodes, returning how many as
    `count`) committed again and again until none is left; `bar` hears the running total
    (from `before`) after each. Returns how many nodes it took. Readers see none of it: a
    hidden stage's nodes deleted, a published one's marks removed, or a replaced graph's
    nodes deleted. A deletion takes each batch's relationships first, `RELS_PER_NODE` times
    `limit` a commit, so that a hub's many do not make one commit. A batch over the
    server's memory limit for one transaction is tried again at half its size."""
    unlink = queries.relationships_first(statement)

    def work(tx: neo4j.ManagedTransaction, text: str = statement) -> int:
        row = tx.run(text, id=stage, limit=limit, rels=limit * RELS_PER_NODE).single()
        return int(row["count"]) if row else 0

    done = 0
    while True:
        try:
            while unlink:  # until a commit takes fewer than asked: the batch's are all gone
                links = store.write(partial(work, text=unlink), seen=False)
                bar.unlinked(links)
                if links < limit * RELS_PER_NODE:
                    break
            count = store.write(work, seen=False)
        except TransactionTooLarge:
            if limit == 1:
                raise
            limit //= 2  # rolled back whole: nothing of it was done
            continue
        if not count:
            return done
        done += count
        bar(before + done)


def _gated(store: Store, statement: str, **params: Any) -> Work:
    """`statement`, then the read gate (where the server has one): it changes what reads
    hide, so no read may straddle its commit."""

    def work(tx: neo4j.ManagedTransaction) -> None:
        tx.run(statement, **params).consume()
        store.gate_switch(tx)

    return work
