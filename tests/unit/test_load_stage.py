"""What a load does first with what killed loads left (graph/load_stage.py): the batches
and the progress bar's total, against a store that keeps a count of nodes per stage."""

from __future__ import annotations

from typing import Any

import pytest

from graph import load_stage, queries
from graph.errors import QueryTimeout


class _Row:
    def __init__(self, count: int) -> None:
        self.count = count

    def single(self) -> dict[str, int]:
        return {"count": self.count}

    def consume(self) -> None:
        pass


class StagedStore:
    """Nodes per stage; a batch statement takes up to `limit` of one stage's."""

    def __init__(self, staged: dict[str, int], count_times_out: bool = False) -> None:
        self.staged = dict(staged)
        self.count_times_out = count_times_out
        self.reads: list[str] = []
        self.ended: list[str] = []

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.reads.append(query)
        assert query == queries.COUNT_STAGED and params is not None
        if self.count_times_out:
            raise QueryTimeout("the statement limit")
        return [{"count": sum(self.staged.get(i, 0) for i in params["ids"])}]

    def write(self, work: Any, seen: bool = True) -> Any:
        assert not seen  # readers see none of it: the graph-version marker stays
        return work(self)

    def gate_switch(self, tx: Any) -> None:
        pass

    def run(self, statement: str, **params: Any) -> _Row:
        if statement in (queries.DROP_STAGED_BATCH, queries.PUBLISH_STAGED_BATCH):
            taken = min(self.staged.get(params["id"], 0), params["limit"])
            self.staged[params["id"]] -= taken
            return _Row(taken)
        assert statement == queries.END_STAGE, statement
        self.ended.append(params["id"])
        return _Row(0)


def _heard() -> tuple[list[tuple[str, int, int]], Any]:
    heard: list[tuple[str, int, int]] = []
    return heard, lambda phase, done, total: heard.append((phase, done, total))


def test_a_killed_loads_nodes_are_deleted_out_of_their_counted_total() -> None:
    store = StagedStore({"a": 25_000, "b": 5_000})
    heard, progress = _heard()
    fake: Any = store
    assert load_stage.drop_abandoned(fake, ["a", "b"], 10_000, progress) == 30_000
    assert heard == [("killed load", done, 30_000) for done in (10_000, 20_000, 25_000, 30_000)]
    assert store.staged == {"a": 0, "b": 0} and store.ended == ["a", "b"]


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
    assert load_stage.finish_published(fake, ["old"], "new", 10_000, progress) == 120_000
    assert heard == [("publish", done, 120_000) for done in (50_000, 100_000, 120_000)]
    assert store.ended == ["old"]
