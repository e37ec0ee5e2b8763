"""The Bolt store: one driver (built by the caller, once), one database, reads routed as
reads, writes in managed transactions (ArcadeDB needs them; Neo4j prefers them), driver
errors turned into the project's own."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as nx

from graph import queries
from graph.errors import QueryError, StoreError, StoreUnavailable
from graph.settings import Settings

T = TypeVar("T")

_UNAVAILABLE = (
    nx.ServiceUnavailable,
    nx.SessionExpired,
    ConnectionError,
    OSError,
)


def open_driver(settings: Settings) -> neo4j.Driver:
    """The one driver of a process: call from the CLI command or the app's lifespan."""
    return neo4j.GraphDatabase.driver(
        settings.bolt_uri,
        auth=settings.auth,
        connection_timeout=settings.connection_timeout_s,
        max_transaction_retry_time=15.0,
    )


class CommitLock:
    """Readers share it; a writer holds it alone while its transaction COMMITS (not while it
    runs). ArcadeDB 26.10 lets a read that runs during a commit see part of it (measured: a
    relationship count of 134 of 10,164 while a load committed; tests/integration/
    test_faults.py), so on the embedded server our reads wait for a commit to finish. A file
    lock (flock) beside the server's data, so the CLI, the API and the tests on this machine
    agree. Neo4j's commits are atomic to readers: no lock there."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _acquire(self, mode: int) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, mode)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def exclusive(self) -> int:
        return self._acquire(fcntl.LOCK_EX)

    @staticmethod
    def release(fd: int) -> None:
        os.close(fd)  # closing the descriptor drops its flock

    @contextmanager
    def shared(self, deadline: float | None = None) -> Iterator[None]:
        """Hold the lock shared. With `deadline` (time.monotonic()), wait for a commit to
        end no later than that, else raise CommitLockTimeout."""
        fd = self._open_for_read()
        try:
            if deadline is None:
                fcntl.flock(fd, fcntl.LOCK_SH)
            else:
                _flock_until(fd, fcntl.LOCK_SH, deadline)
        except BaseException:
            os.close(fd)
            raise
        try:
            yield
        finally:
            os.close(fd)  # closing the descriptor drops its flock

    def _open_for_read(self) -> int:
        # A descriptor of its own per read: a flock belongs to the open file, so readers
        # sharing one would release each other's lock. The directory is made only when
        # missing (a mkdir per read cost more than the lock itself).
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)


class CommitLockTimeout(Exception):
    """A reader's deadline passed while a commit held the lock."""


def _flock_until(fd: int, mode: int, deadline: float) -> None:
    """flock without blocking past `deadline`: try at once (the usual case: no commit),
    then poll with a growing pause (1 ms to 20 ms) while a commit holds it."""
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CommitLockTimeout("a commit held the store past the deadline") from None
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.02)


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


class Store:
    def __init__(
        self,
        driver: neo4j.Driver,
        database: str,
        backend: str = "neo4j",
        commit_lock: CommitLock | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.backend = backend  # "arcadedb-embedded" or "neo4j"
        self.commit_lock = commit_lock

    @classmethod
    def from_settings(cls, driver: neo4j.Driver, settings: Settings) -> Store:
        if settings.embedded:
            lock = CommitLock(settings.embedded_dir / "commit.lock")
            return cls(driver, settings.database, "arcadedb-embedded", lock)
        return cls(driver, settings.database, "neo4j")

    def reading(self, deadline: float | None = None) -> Any:
        """Hold while a read runs so that it never overlaps a commit (see CommitLock); for
        code that opens its own sessions on `self.driver`. With `deadline`, raises
        CommitLockTimeout if a commit still holds the lock then."""
        return self.commit_lock.shared(deadline) if self.commit_lock else _no_lock()

    # ------------------------------------------------------------ reads

    def read(
        self, query: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Rows as dicts."""
        return [r.data() for r in self._execute_read(query, params, timeout).records]

    def read_records(
        self, query: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> tuple[list[str], list[list[Any]]]:
        """Columns and raw rows (values as the driver gives them)."""
        result = self._execute_read(query, params, timeout)
        return list(result.keys), [list(r.values()) for r in result.records]

    def _execute_read(
        self, query: str, params: dict[str, Any] | None, timeout: float | None
    ) -> neo4j.EagerResult:
        """A read routed to readers (a cluster or Aura works behind neo4j://)."""
        with translate_errors(), self.reading():
            return self.driver.execute_query(
                neo4j.Query(query, timeout=timeout),
                params or {},
                database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )

    @contextmanager
    def read_transaction(self) -> Iterator[neo4j.Transaction]:
        """One read transaction for a consistent view across many statements (exports)."""
        with (
            translate_errors(),
            self.reading(),
            self.driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session,
            session.begin_transaction() as tx,
        ):
            yield tx

    def ping(self) -> None:
        self.read(queries.PING)

    def counts(self) -> tuple[int, int]:
        nodes = self.read(queries.COUNT_NODES)[0]["count"]
        rels = self.read(queries.COUNT_RELATIONSHIPS)[0]["count"]
        return int(nodes), int(rels)

    # ------------------------------------------------------------ writes

    def write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run `work` in ONE managed write transaction: all of it commits or none. With a
        commit lock, readers are held off while the driver commits (after `work`)."""
        lock = self.commit_lock
        if lock is None:
            with translate_errors(), self.driver.session(database=self.database) as session:
                return session.execute_write(work)
        held: list[int] = []

        def release() -> None:
            while held:
                lock.release(held.pop())

        def guarded(tx: neo4j.ManagedTransaction) -> T:
            release()  # a retry: readers may run while the work runs again
            result = work(tx)
            held.append(lock.exclusive())  # execute_write commits right after this returns
            return result

        try:
            with translate_errors(), self.driver.session(database=self.database) as session:
                return session.execute_write(guarded)
        finally:
            release()

    def ensure_schema(self) -> None:
        with translate_errors(), self.driver.session(database=self.database) as session:
            for statement in queries.SCHEMA:
                session.run(statement).consume()


@contextmanager
def translate_errors() -> Iterator[None]:
    """Driver errors -> the project's own, each with a one-line message (the driver's can
    span lines: they reach logs, the CLI and HTTP bodies as they are)."""
    try:
        yield
    except OverflowError as exc:  # the driver cannot pack a parameter (an integer over 64 bits)
        raise QueryError(f"a parameter cannot be sent to the store: {_one_line(str(exc))}") from exc
    except nx.AuthError as exc:
        raise StoreUnavailable(
            f"the Bolt server refused the credentials: {_one_line(exc.message)}"
        ) from exc
    except _UNAVAILABLE as exc:
        raise StoreUnavailable(f"the Bolt server cannot be reached: {_one_line(exc)}") from exc
    except nx.ClientError as exc:
        code = exc.code or ""
        if "Transaction" in code and "Timed" in code:
            raise QueryError(f"query timed out: {_one_line(exc.message)}") from exc
        raise QueryError(_one_line(exc.message or exc)) from exc
    except nx.Neo4jError as exc:
        raise StoreError(f"{exc.code}: {_one_line(exc.message)}") from exc
    except nx.DriverError as exc:
        raise StoreUnavailable(f"Bolt driver error: {_one_line(exc)}") from exc


def _one_line(text: object, limit: int = 500) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
