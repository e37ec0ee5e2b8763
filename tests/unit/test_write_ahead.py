"""The write-ahead of a staged load (graph.load_write.Writer.submit): batches run in the
pool's thread while the caller makes the next, their results handled in the caller's thread
in submission order, and nothing runs after a batch has failed. `run` stands in for the
store's transaction here; the integration tests run the same loads on both real servers."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rdflib import Graph

from graph import load_write as lw
from graph.registry import Registry


class Counts:
    created_nodes = updated_nodes = created_relationships = updated_relationships = 0


def writer(run: Any, pool: ThreadPoolExecutor | None) -> lw.Writer:
    w = lw.Writer(run, Registry.from_ontology(Graph()), "load", 10, True, Counts(), None, [])
    w.pool = pool
    return w


def test_batches_run_beside_the_caller_and_results_come_back_in_order() -> None:
    ran_in: list[str] = []
    handled: list[tuple[int, str]] = []
    release = threading.Event()

    def run(work: Any) -> Any:
        ran_in.append(threading.current_thread().name)
        return work(None)

    def slow_first(tx: Any) -> int:
        release.wait(5)  # the caller goes on while this batch is written
        return 0

    with ThreadPoolExecutor(1, thread_name_prefix="ahead") as pool:
        w = writer(run, pool)
        w.submit(slow_first, lambda r: handled.append((r, threading.current_thread().name)))
        assert handled == []  # not waited for: the caller makes the next batch meanwhile
        release.set()
        for i in range(1, 5):
            w.submit(
                lambda tx, i=i: i, lambda r: handled.append((r, threading.current_thread().name))
            )
        w.drain()
    assert [r for r, _ in handled] == [0, 1, 2, 3, 4]
    assert {name for _, name in handled} == {threading.current_thread().name}
    assert all(name.startswith("ahead") for name in ran_in)
    assert w.inflight == type(w.inflight)()


def test_without_a_pool_each_batch_runs_in_turn() -> None:
    order: list[str] = []
    w = writer(lambda work: work(None), None)
    for i in range(3):
        w.submit(lambda tx, i=i: order.append(f"run {i}") or i, lambda r: order.append(f"then {r}"))
    assert order == ["run 0", "then 0", "run 1", "then 1", "run 2", "then 2"]


def test_a_failed_batch_stops_the_load_and_the_next_never_runs() -> None:
    ran: list[int] = []
    started = threading.Event()

    def run(work: Any) -> Any:
        return work(None)

    def failing(tx: Any) -> None:
        started.wait(5)
        ran.append(1)
        raise RuntimeError("the server refused batch 1")

    with ThreadPoolExecutor(1) as pool:
        w = writer(run, pool)
        w.submit(failing, lambda r: None)
        # Queued behind the failing batch before it fails: must not start after it.
        w.inflight.append((pool.submit(w._guarded, lambda tx: ran.append(2)), lambda r: None))
        started.set()
        with pytest.raises(RuntimeError, match="batch 1"):
            w.drain()
        time.sleep(0.05)
    assert ran == [1]
    assert w.failed
