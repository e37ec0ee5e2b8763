"""The embedded ArcadeDB server (PyPI `arcadedb-embedded`, graph/embedded.py).

Its Bolt server ignores READ access mode and EXPLAIN calls reads writes, so reads log in as
the `reader` account, whose group may only read records and whose reads the server stops at
the query timeout. A read that runs during a commit can see part of it (measured: a
relationship count of 134 of 10,164 while a load committed; tests/integration/
test_faults.py), so reads and commits take a file lock beside the server's data: the CLI,
the API and the tests on this machine agree on it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import neo4j

from graph import queries
from graph.errors import CommitLockTimeout, StoreError, StoreUnavailable
from graph.store.base import Capabilities, Store
from graph.store.errors import translate_errors

T = TypeVar("T")


class ArcadeDBStore(Store):
    capabilities = Capabilities(
        backend="arcadedb-embedded",
        enforces_read_mode=False,
        reader_account=True,
        classifies_queries=False,
        keeps_datetime_zones=False,
        atomic_commits=False,
    )

    schema = queries.SCHEMA + queries.LOAD_ID_IRI_INDEX

    def __init__(
        self,
        writer: neo4j.Driver,
        reader: neo4j.Driver,
        database: str,
        lock_path: Path,
        commit_wait_s: float = 60.0,
        statement_limit_s: float | None = None,
        server_log: Path | None = None,
        heap: str | None = None,
    ) -> None:
        """`statement_limit_s`: the server's command timeout (graph/embedded.py sets it to
        the query timeout when it starts the server). `server_log`, `heap`: where the
        server writes what it does not tell its clients, and its -Xmx (for `write`'s
        errors)."""
        super().__init__(writer, reader, database)
        self.commit_lock = CommitLock(lock_path)
        self.commit_wait_s = commit_wait_s
        self.statement_limit_s = statement_limit_s
        self.server_log, self.heap = server_log, heap
        self._log_read = _size(server_log)  # what the log held before this process wrote

    def write(
        self,
        work: Callable[[neo4j.ManagedTransaction], T],
        seen: bool = True,
    ) -> T:
        """As Store.write; when the server ran out of heap, the error says so. ArcadeDB
        answers a client whose statement died of an OutOfMemoryError with an
        UnknownError that names the statement, not the memory (a 10M-triple load's
        switch on a 2g heap, BENCHMARKS.md 2f); its log has the cause."""
        try:
            return super().write(work, seen)
        except StoreError as exc:
            if type(exc) not in (StoreError, StoreUnavailable) or not self._ran_out_of_heap():
                raise
            raise type(exc)(
                f"{exc}. The server ran out of memory (java.lang.OutOfMemoryError in "
                f"{self.server_log}); its heap is {self.heap or 'unknown'}: set "
                "SAHELKG_EMBEDDED_HEAP higher, then `sahelkg store stop` and "
                "`sahelkg store start`"
            ) from exc

    def _ran_out_of_heap(self) -> bool:
        """Whether the server's log says OutOfMemoryError since it was last looked at (by
        this process: an error already explained is not blamed again)."""
        if self.server_log is None:
            return False
        start, end = self._log_read, _size(self.server_log)
        self._log_read = end
        if end <= start:
            return False
        start = max(start, end - _LOG_TAIL)
        try:
            with self.server_log.open("rb") as log:
                log.seek(start)
                return b"java.lang.OutOfMemoryError" in log.read(end - start)
        except OSError:
            return False

    # Below this many nodes a deletion keeps the indexes: dropping and making them again
    # cost 0.6-1.7 s on the seeds (BENCHMARKS.md 2l), about what taking 5,000 nodes'
    # entries out of the shared keys costs.
    drop_indexes_from = 5_000

    @contextmanager
    def deleting(self, load_ids: Sequence[str]) -> Iterator[None]:
        """The relationships' `loadId` indexes dropped while whole loads are deleted (when
        they stamped `drop_indexes_from` nodes or more), and made again after (0.7 s for
        620k relationships). Each of those keys is shared by a load's relationships of one
        type, and the engine takes an entry out of such a key at ~0.25 ms: 15.5 against
        2.8 s for 51k relationships, 8x the deletion at 1M triples (BENCHMARKS.md 2l).
        Killed before they are back, the next load's `ensure_schema` makes them. Meanwhile
        the SPARQL view's update finds a load's relationships by a scan of their type."""
        with translate_errors(), self.driver.session(database=self.database) as session:
            limit = self.drop_indexes_from
            row = session.run(queries.SOME_LOADS_NODES, ids=list(load_ids), limit=limit).single()
            few = row is not None and row["count"] < limit
            names = [] if few else [str(r["name"]) for r in session.run(queries.INDEX_NAMES)]
            prefix = queries.REL_LOAD_INDEX_PREFIX
            types = [name.removeprefix(prefix) for name in names if name.startswith(prefix)]
            for rel_type in types:
                session.run(queries.drop_relationship_load_index(rel_type)).consume()
        try:
            yield
        except BaseException:
            with contextlib.suppress(Exception):  # the deletion's error is the one to tell
                self.index_relationships(types)
            raise
        self.index_relationships(types)

    def reading(self, deadline: float | None = None) -> AbstractContextManager[Any]:
        return self.commit_lock.shared(deadline)

    @contextmanager
    def committing(self, deadline: float | None = None) -> Iterator[None]:
        """The exclusive lock, waited for no longer than `commit_wait_s`: a reader that
        never finishes (a stalled export) cannot hold a load back for ever."""
        wait = deadline if deadline is not None else time.monotonic() + self.commit_wait_s
        try:
            fd = self.commit_lock.exclusive(wait)
        except CommitLockTimeout:
            raise StoreError(
                f"readers held the store for more than {self.commit_wait_s:g}s, so the load "
                "could not commit and nothing was written (SAHELKG_COMMIT_WAIT_S)"
            ) from None
        try:
            yield
        finally:
            os.close(fd)


_LOG_TAIL = 8 << 20  # bytes of the server's log read after an error: its newest lines


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0


class CommitLock:
    """Readers share it; a writer holds it alone while its transaction COMMITS (not while it
    runs). A second file, the gate, keeps a stream of overlapping readers from starving a
    writer that waits with a deadline: the writer holds the gate while it waits, and each
    reader passes through the gate (takes and drops it at once) before it takes its share."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.gate = path.with_name(path.name + ".gate")

    def exclusive(self, deadline: float | None = None) -> int:
        """The lock's descriptor (close it to release), or CommitLockTimeout at `deadline`."""
        gate = self._open(self.gate)
        try:
            _flock(gate, fcntl.LOCK_EX, deadline)
            fd = self._open(self.path)
            try:
                _flock(fd, fcntl.LOCK_EX, deadline)
            except BaseException:
                os.close(fd)
                raise
        finally:
            os.close(gate)  # readers queue on the commit lock itself from here
        return fd

    @contextmanager
    def shared(self, deadline: float | None = None) -> Iterator[None]:
        """Hold the lock shared. With `deadline` (time.monotonic()), wait for a commit to
        end no later than that, else raise CommitLockTimeout."""
        gate = self._open(self.gate)
        try:
            _flock(gate, fcntl.LOCK_SH, deadline)
        finally:
            os.close(gate)
        fd = self._open(self.path)
        try:
            _flock(fd, fcntl.LOCK_SH, deadline)
        except BaseException:
            os.close(fd)
            raise
        try:
            yield
        finally:
            os.close(fd)  # closing the descriptor drops its flock

    def _open(self, path: Path) -> int:
        # A descriptor of its own per read: a flock belongs to the open file, so readers
        # sharing one would release each other's lock. The directory is made only when
        # missing (a mkdir per read cost more than the lock itself).
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


def _flock(fd: int, mode: int, deadline: float | None) -> None:
    if deadline is None:
        fcntl.flock(fd, mode)
    else:
        _flock_until(fd, mode, deadline)


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
