"""The read deadline without a server: the watchdog cuts a read still running at its
deadline and never a finished one, Reader.run turns a cut into QueryTimeout, and a reader
waiting for a commit gives up at its deadline."""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from neo4j import exceptions as nx

from graph.deadline import Watchdog
from graph.errors import QueryTimeout, StoreError
from graph.read import Reader
from graph.store import ArcadeDBStore, CommitLock, CommitLockTimeout, Neo4jStore

REGISTRY: Any = None  # run() does not use the ontology


def pair() -> tuple[socket.socket, socket.socket]:
    """A connected pair; a read on it fails after 10 s instead of hanging the tests."""
    mine, server = socket.socketpair()
    mine.settimeout(10)
    return mine, server


def fake_session(sock: socket.socket) -> Any:
    return SimpleNamespace(_connection=SimpleNamespace(socket=SimpleNamespace(_socket=sock)))


def test_watchdog_cuts_a_read_still_running_at_its_deadline() -> None:
    mine, server = pair()
    with mine, server:
        dog = Watchdog()
        watch = dog.watch(time.monotonic() + 0.2)
        watch.session = fake_session(mine)
        assert mine.recv(1) == b""  # blocked until the watchdog shut the socket down
        assert watch.expired


def test_watchdog_never_cuts_a_finished_read() -> None:
    mine, server = pair()
    with mine, server:
        dog = Watchdog()
        watch = dog.watch(time.monotonic() + 0.05)
        watch.session = fake_session(mine)
        dog.finish(watch)
        later = dog.watch(time.monotonic() + 0.3)  # wakes the watchdog after the first
        later.session = None  # nothing to cut: retried until finished
        time.sleep(0.5)
        dog.finish(later)
        server.sendall(b"x")
        assert mine.recv(1) == b"x"
        assert not watch.expired and later.expired


class _Session:
    """Something a weak reference can follow."""


def test_a_finished_read_lets_go_of_its_session_before_its_deadline() -> None:
    """Held until the deadline, every session of the last `timeout` seconds stayed alive
    under load and filled the collector's oldest generation (BENCHMARKS.md, 3i)."""
    dog = Watchdog()
    watches = [dog.watch(time.monotonic() + 60) for _ in range(3)]
    sessions = [_Session() for _ in watches]
    gone = [weakref.ref(s) for s in sessions]
    for w, session in zip(watches, sessions, strict=True):
        w.session = session
    del session
    dog.finish(watches[0])
    dog.finish(watches[2])
    del sessions
    assert [ref() is None for ref in gone] == [True, False, True]
    assert all(isinstance(v, (int, float)) for entry in dog._heap for v in entry)


def test_watchdog_retries_a_read_that_had_no_connection_yet() -> None:
    mine, server = pair()
    with mine, server:
        dog = Watchdog()
        watch = dog.watch(time.monotonic() + 0.05)
        time.sleep(0.2)  # the deadline passed before the read had a connection
        watch.session = fake_session(mine)
        assert mine.recv(1) == b""
        assert watch.expired


class _BlockingSession:
    """A session whose query waits on a socket nobody writes to, like a runaway query."""

    def __init__(self) -> None:
        self.mine, self.server = pair()
        self._connection = SimpleNamespace(socket=SimpleNamespace(_socket=self.mine))

    def __enter__(self) -> _BlockingSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.mine.close()
        self.server.close()

    def run(self, query: Any, params: Any = None) -> Any:
        if self.mine.recv(1) == b"":
            raise nx.ServiceUnavailable("Failed to read from defunct connection")
        raise AssertionError("nobody writes to this socket")

    @contextmanager
    def begin_transaction(self, timeout: float | None = None) -> Iterator[_BlockingSession]:
        yield self  # its statements wait on the same socket (Neo4j reads in a transaction)


def test_reader_run_times_out_when_the_store_does_not_answer() -> None:
    driver: Any = SimpleNamespace(session=lambda **kw: _BlockingSession())
    store = Neo4jStore(driver, driver, "neo4j", separate_reader=False)
    reader = Reader(store, REGISTRY, timeout_s=0.1)
    with pytest.raises(QueryTimeout, match=r"did not finish within 0\.1s") as err:
        reader.run("MATCH (n) RETURN n")
    assert "commit" not in str(err.value)  # the store itself was slow: no load to blame


def test_reader_run_times_out_while_a_commit_holds_the_lock(tmp_path: Path) -> None:
    driver: Any = SimpleNamespace()
    store = ArcadeDBStore(driver, driver, "sahel", tmp_path / "lock" / "commit.lock")
    reader = Reader(store, REGISTRY, timeout_s=0.1)
    held = store.commit_lock.exclusive()
    try:
        # the message says why: a load's commit, not the query, took the time
        with pytest.raises(
            QueryTimeout, match=r"did not finish within 0\.1s .*: a load's commit held the store"
        ):
            reader.run("RETURN 1")
    finally:
        os.close(held)


def test_a_snapshot_times_out_while_a_commit_holds_the_lock(tmp_path: Path) -> None:
    driver: Any = SimpleNamespace()
    store = ArcadeDBStore(driver, driver, "sahel", tmp_path / "lock" / "commit.lock")
    reader = Reader(store, REGISTRY, snapshot_timeout_s=0.1)
    held = store.commit_lock.exclusive()
    try:
        with pytest.raises(QueryTimeout, match=r"did not finish within 0\.1s"), reader.snapshot():
            pass
    finally:
        os.close(held)


def test_shared_lock_waits_for_a_commit_then_gives_up_at_the_deadline(tmp_path: Path) -> None:
    lock = CommitLock(tmp_path / "missing-dir" / "commit.lock")
    with lock.shared(time.monotonic() + 1), lock.shared():  # readers share it
        pass
    held = lock.exclusive()
    released = threading.Event()

    def commit_ends() -> None:
        os.close(held)
        released.set()

    timer = threading.Timer(0.1, commit_ends)
    try:
        with pytest.raises(CommitLockTimeout), lock.shared(time.monotonic() + 0.05):
            pass
        timer.start()
        with lock.shared(time.monotonic() + 30):  # the commit ends: the read goes ahead
            assert released.is_set()
            fd = os.open(lock.path, os.O_RDWR)
            try:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no writer while we read
            finally:
                os.close(fd)
    finally:
        timer.join()
        if not released.is_set():
            os.close(held)


def test_a_load_waits_for_readers_no_longer_than_its_deadline(tmp_path: Path) -> None:
    """A reader that never finishes (a stalled export) cannot hold a commit back for ever:
    the writer gives up with a clear error at its deadline."""
    driver: Any = SimpleNamespace()
    store = ArcadeDBStore(driver, driver, "sahel", tmp_path / "commit.lock", commit_wait_s=0.2)
    with store.reading():  # the stalled reader
        start = time.monotonic()
        with pytest.raises(StoreError, match=r"readers held the store.*nothing was written"):
            store.committing().__enter__()
        assert time.monotonic() - start < 5
    with store.committing():  # the reader gone: the commit goes ahead at once
        pass
