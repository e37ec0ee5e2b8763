"""What a load does first with what killed loads left (graph/load_stage.py): the batches
and the progress bar's total, against a store that keeps a count of nodes per stage (and
the relationships of the first of them)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from graph import load_stage, queries
from graph.errors import QueryTimeout, TransactionTooLarge


class _Row:
    def __init__(self, count: int) -> None:
        self.count = count

    def single(self) -> dict[str, int]:
        return {"count": self.count}

    def consume(self) -> None:
        pass


class StagedStore:
    """Nodes per stage; a batch statement takes up to `limit` of one stage's."""

    def __init__(
        self,
        staged: dict[str, int],
        count_times_out: bool = False,
        most: int = 10**9,
        degrees: dict[str, list[int]] | None = None,
    ) -> None:
        self.staged = dict(staged)  # also "*rest" (no load's) and "*other" (no resources)
        self.degrees = {k: list(v) for k, v in (degrees or {}).items()}  # of the first nodes
        self.unlinked: list[int] = []  # relationships deleted, a commit each
        self.detached: list[int] = []  # relationships deleted with a batch of nodes
        self.count_times_out = count_times_out
        self.most = most  # a batch of more is over the server's memory limit
        self.reads: list[str] = []
        self.ended: list[str] = []
        self.limits: list[int] = []
        self.inside = False  # in Store.deleting (ArcadeDB: indexes dropped meanwhile)
        self.deletions = 0
        self.deleted_loads: list[list[str]] = []  # what each Store.deleting was told

    @contextmanager
    def deleting(self, load_ids: list[str]) -> Iterator[None]:
        assert not self.inside  # never nested: one drop, one rebuild of the indexes
        self.deleted_loads.append(list(load_ids))
        self.inside = True
        try:
            yield
        finally:
            self.inside = False
            self.deletions += 1

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.reads.append(query)
        assert query in (queries.COUNT_STAGED, queries.COUNT_LOADS_NODES) and params is not None
        if self.count_times_out:
            raise QueryTimeout("the statement limit")
        return [{"count": sum(self.staged.get(i, 0) for i in params["ids"])}]

    def write(self, work: Any, seen: bool = True) -> Any:
        assert not seen  # readers see none of it: the graph-version marker stays
        return work(self)

    def gate_switch(self, tx: Any) -> None:
        pass

    def run(self, statement: str, **params: Any) -> _Row:
        key = {queries.RETIRE_REST_BATCH: "*rest", queries.RETIRE_OTHER_NODES_BATCH: "*other"}
        deletions = (queries.DROP_STAGED_BATCH, *key, queries.RETIRE_BATCH)
        firsts = {queries.relationships_first(s): s for s in deletions}
        if statement in firsts:  # the relationships of the batch's nodes, `rels` at most
            assert self.inside
            self.limits.append(params["limit"])
            if params["limit"] > self.most:
                raise TransactionTooLarge("over db.memory.transaction.max")
            degrees = self.degrees.get(key.get(firsts[statement], params["id"]), [])
            taken = 0
            for i, degree in enumerate(degrees[: params["limit"]]):
                took = min(degree, params["rels"] - taken)
                degrees[i] -= took
                taken += took
            self.unlinked.append(taken)
            return _Row(taken)
        if statement in (
            queries.DROP_STAGED_BATCH,
            queries.PUBLISH_STAGED_BATCH,
            *key,
            queries.RETIRE_BATCH,
        ):
            self.limits.append(params["limit"])
            # every deletion in Store.deleting; the publishing's marks outside it
            assert self.inside is (statement != queries.PUBLISH_STAGED_BATCH), statement
            if params["limit"] > self.most:
                raise TransactionTooLarge("over db.memory.transaction.max")
            stage = key.get(statement, params["id"])
            taken = min(self.staged.get(stage, 0), params["limit"])
            self.staged[stage] = self.staged.get(stage, 0) - taken
            degrees = self.degrees.get(stage, [])
            self.detached.append(sum(degrees[:taken]))
            del degrees[:taken]
            return _Row(taken)
        assert statement == queries.END_STAGE, statement
        self.ended.append(params["id"])
        return _Row(0)


def _heard() -> tuple[list[tuple[str, int, int]], Any]:
    heard: list[tuple[str, int, int]] = []
    return heard, lambda phase, done, total: heard.append((phase, done, total))


def test_with_no_killed_load_nothing_is_counted_or_dropped() -> None:
    store = StagedStore({"a": 5})
    fake: Any = store
    assert load_stage.drop_abandoned(fake, [], 10_000, _heard()[1]) == 0
    assert (store.deletions, store.reads, store.staged) == (0, [], {"a": 5})


def test_a_killed_loads_nodes_are_deleted_out_of_their_counted_total() -> None:
    store = StagedStore({"a": 25_000, "b": 5_000})
    heard, progress = _heard()
    fake: Any = store
    assert load_stage.drop_abandoned(fake, ["a", "b"], 10_000, progress) == 30_000
    assert heard == [("killed load", done, 30_000) for done in (10_000, 20_000, 25_000, 30_000)]
    assert store.staged == {"a": 0, "b": 0} and store.ended == ["a", "b"]
    assert store.deleted_loads == [["a", "b"]]


def test_without_a_count_the_bar_still_runs_and_everything_is_deleted() -> None:
    store = StagedStore({"a": 25_000}, count_times_out=True)
    heard, progress = _heard()
    fake: Any = store
    assert load_stage.drop_abandoned(fake, ["a"], 10_000, progress) == 25_000
    assert heard == [("killed load", d, d) for d in (10_000, 20_000, 25_000)]
    assert store.staged == {"a": 0}


@pytest.mark.parametrize("progress", [None, "bar"])
def test_the_count_is_read_only_for_a_bar(progress: str | None) -> None:
    store = StagedStore({"a": 3})
    fake: Any = store
    _, bar = _heard()
    load_stage.drop_abandoned(fake, ["a"], 10_000, bar if progress else None)
    assert store.reads == ([queries.COUNT_STAGED] if progress else [])


def test_a_published_stage_is_tidied_out_of_its_total() -> None:
    store = StagedStore({"old": 120_000})
    heard, progress = _heard()
    fake: Any = store
    published = [{"id": "old", "published": "2026-12-06T10:00:00+00:00"}]
    assert load_stage.finish_published(fake, published, "new", 10_000, progress) == (120_000, 0)
    assert heard == [("publish", done, 120_000) for done in (50_000, 100_000, 120_000)]
    assert store.ended == ["old"]


def test_a_replace_deletes_what_it_replaced_then_ends_halving_a_batch_too_large() -> None:
    """The retired loads' nodes, then what no load names, then other tools' nodes; a batch
    over the memory limit is tried again at half its size (a node's relationships go with
    it, so rows do not bound a batch); the marker last."""
    store = StagedStore({"a": 25_000, "b": 5_000, "*rest": 3, "*other": 2}, most=4_000)
    heard, progress = _heard()
    fake: Any = store
    assert load_stage.retire(fake, "r", ["a", "b"], 10_000, progress) == 30_003
    assert set(store.staged.values()) == {0} and store.ended == ["r"]
    assert store.deleted_loads == [["a", "b"]]  # the loads it replaced, as the indexes know them
    assert store.limits[:3] == [10_000, 5_000, 2_500]  # halved while too large, then kept
    assert sorted(set(store.limits)) == [2_500, 5_000, 10_000]
    assert heard[0] == ("delete", 2_500, 30_000) and heard[-1] == ("delete", 30_003, 30_003)


def test_a_replace_killed_after_its_switch_is_finished_by_the_next_load() -> None:
    store = StagedStore({"r": 7, "a": 12})
    fake: Any = store
    killed = {"id": "r", "published": "2026-12-06T10:00:00+00:00", "replace": True}
    assert load_stage.finish_published(fake, [{**killed, "retires": ["a"]}], "new", 10) == (
        7,
        12,
    )
    assert store.ended == ["r"]


def test_a_hubs_relationships_are_deleted_before_it_a_bounded_number_a_commit() -> None:
    """A node's relationships went with it in one commit, a hub's too (its load's kind
    every claim points to): they go first now, `RELS_PER_NODE` times the batch at most,
    and each of those commits moves a bar of its own."""
    hub = [120_000, *[3] * 9_999, 1, 7]  # the first batch: a hub and its claims
    store = StagedStore({"a": 25_000, "*rest": 2}, degrees={"a": hub, "*rest": [4, 4]})
    fake: Any = store
    heard: list[tuple[str, int, int]] = []
    assert load_stage.retire(fake, "r", ["a"], 10_000, lambda *a: heard.append(a)) == 25_002
    most = 10_000 * load_stage.RELS_PER_NODE
    assert max(store.unlinked) == most and sum(store.unlinked) == sum(hub) + 8
    assert set(store.detached) == {0}  # none left for the nodes' own commits
    first = 120_000 + 3 * 9_999  # the first batch's: commits of `most`, then what is left
    assert first % most  # (else one more commit, which takes none)
    taken = [most] * (first // most) + [first % most]
    assert store.unlinked[: len(taken)] == taken
    links = [(done, total) for phase, done, total in heard if phase == load_stage.UNLINK]
    assert [d for d, _ in links] == list(itertools.accumulate(c for c in store.unlinked if c))
    assert {t for _, t in links} == {0}  # no total: they are not counted first
    nodes = [done for phase, done, _ in heard if phase == "delete"]
    assert nodes[0] == 10_000 and nodes[-1] == 25_002
    # a report for each of the hub's batch's commits of relationships, before its nodes'
    assert heard.index(("delete", 10_000, 25_000)) == len(taken)


def test_a_deletion_too_large_for_one_transaction_halves_its_relationships_too() -> None:
    store = StagedStore({"a": 3}, most=1, degrees={"a": [9, 9, 9]})
    fake: Any = store
    assert load_stage.drop_abandoned(fake, ["a"], 4) == 3
    assert sum(store.unlinked) == 27 and set(store.detached) == {0}
    assert store.limits[:3] == [4, 2, 1] and max(store.unlinked) <= load_stage.RELS_PER_NODE


class _Loads:
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        assert query == queries.LOAD_IDS
        return [{"ids": list(self.ids)}]


def test_a_replace_has_the_same_id_over_the_same_loads_and_none_of_theirs() -> None:
    """Run again over the same stored loads (killed before its switch: nothing loaded
    since), a replace has the same id, and so resumes; over others, another id; never one
    of the stored loads' ids, even when the last replace was of the same input."""

    def replace_id(ids: list[str], input_id: str = "x") -> str:
        loads: Any = _Loads(ids)
        return load_stage.replace_id(loads, input_id)

    first = replace_id(["b", "a"])
    assert first == replace_id(["a", "b"]) and first.startswith("x-") and len(first) == 10
    assert first != replace_id(["a"]) and first != replace_id([])
    assert replace_id([first]) != first  # the same input replaced again: a new load
    assert replace_id(["b", "a"], "y") == "y" + first[1:]  # the input's id, then the suffix
