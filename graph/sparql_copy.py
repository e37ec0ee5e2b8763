"""The SPARQL view's copy of the graph: the worker process that holds it in pyoxigraph
(graph/sparql_worker.py), the version of the graph it holds, and what it takes to start
another worker with the same copy. graph/sparql.py decides when and how the copy changes;
this module changes it and answers queries from it.

What a new worker starts from is kept in a private temporary folder: the N-Triples of the
last full build (the snapshot) and the deltas applied since, replayed in order (compacted
into a new snapshot when they outgrow it). The worker answers one message at a time
(`lock`), so no query sees a delta half applied. pyoxigraph cannot cancel a query: one that
outlives its timeout is stopped by killing the worker (by its PID), and the next message
starts a new one.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import QueryError, QueryTimeout, StoreUnavailable
from graph.sparql_check import check_query
from graph.sparql_worker import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    TMP_PREFIX,
    Worker,
    remove_orphans,
    size_of,
    unlink,
)

MAX_RESULT_BYTES = 64 * 1024 * 1024
_OWN_WORK_S = 900.0  # loading or updating the copy: our own work, not a user's query
UNSET: Any = object()  # the version of a copy that is empty or unknown


@dataclass
class Answer:
    body: bytes
    media_type: str
    kind: str  # "solutions", "boolean" or "graph"


class ViewCopy:
    """One worker process and the copy it holds; thread-safe."""

    def __init__(self, timeout_s: float, max_result_bytes: int = MAX_RESULT_BYTES) -> None:
        self.timeout_s = timeout_s
        self.max_result_bytes = max_result_bytes
        self.lock = threading.Lock()  # the worker: one message at a time
        self._worker: Worker | None = None
        remove_orphans()
        self._dir = tempfile.TemporaryDirectory(prefix=f"{TMP_PREFIX}{os.getpid()}-")
        self.snapshot: Path | None = None
        self._log: list[tuple[Path, Path]] = []  # deltas since the snapshot: (spec, triples)
        self._serial = 0
        self._generation = 0  # the state of the copy; a worker holding another replays
        self.version: object = UNSET
        self.triples = 0
        self.refreshed_at = 0.0
        self._closed = False  # an update still running after close() starts no worker

    @property
    def worker_pid(self) -> int | None:
        return self._worker.proc.pid if self._worker is not None else None

    def files(self, kind: str, suffix: str) -> Path:
        """A new file name in the private folder."""
        self._serial += 1
        return Path(self._dir.name) / f"{kind}-{self._serial}{suffix}"

    def install(self, path: Path, version: object) -> None:
        """The copy becomes the full N-Triples file `path`, holding `version`; a worker
        has loaded it when this returns (StoreUnavailable if it could not: the copy is then
        unknown)."""
        with self.lock:
            old = [self.snapshot, *(f for pair in self._log for f in pair)]
            self.snapshot, self._log = path, []
            self._generation += 1
            unlink(*old)
            self._ensure_worker()
            self.version = version  # after the load: the view then has its triples
            self.refreshed_at = time.time()

    def apply(self, version: object, spec: Path, added: Path) -> str:
        """Apply a delta; '' when done, else why not (the worker found it failed: the
        caller rebuilds the copy)."""
        with self.lock:
            try:
                worker = self._ensure_worker()
                status, payload = self._call(worker, "apply", (str(spec), str(added)))
            except BaseException:
                unlink(spec, added)
                raise
            if status != "ok":
                self.stop_worker()  # half applied, perhaps: that worker must go
                unlink(spec, added)
                return f"the delta was not applied: {payload}"
            self._log.append((spec, added))
            self._generation += 1
            worker.generation = self._generation
            self.version = version
            self.triples = int(payload)
            self.refreshed_at = time.time()
            if self.snapshot is not None and size_of(*self._log) > size_of(self.snapshot):
                self._compact(worker)
            return ""

    def qualified(self, keys: list[tuple[str, str]]) -> list[Any]:
        """For each subject key that is a qualified relation in the copy: (key, the keys of
        its sahel:subject, the keys of its sahel:object)."""
        with self.lock:
            status, found = self._call(self._ensure_worker(), "qualified", keys)
        if status != "ok":
            raise StoreUnavailable(f"the SPARQL worker could not read its copy: {found}")
        return list(found)

    def query(self, text: str, results_fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        """One query, answered within the timeout counted from now: waiting behind other
        queries included, a new worker's loading of the copy not."""
        deadline = time.monotonic() + self.timeout_s
        check_query(text)
        if results_fmt not in RESULT_FORMATS or graph_fmt not in GRAPH_FORMATS:
            raise QueryError(f"unknown result format {results_fmt!r} / {graph_fmt!r}")
        if not self.lock.acquire(timeout=self.timeout_s):
            raise QueryTimeout(
                f"the SPARQL query waited {self.timeout_s:g}s behind others and was dropped"
            )
        try:
            # A worker started for this query (the previous one was stopped) reads the copy
            # first: that is the service's time, not the query's.
            readying = time.monotonic()
            worker = self._ensure_worker()
            deadline += time.monotonic() - readying
            try:
                worker.send.send(("query", (text, results_fmt, graph_fmt, self.max_result_bytes)))
            except OSError as exc:
                self.stop_worker()
                raise StoreUnavailable(f"the SPARQL worker is gone ({exc})") from exc
            if not worker.recv.poll(max(deadline - time.monotonic(), 0.0)):
                self.stop_worker()
                raise QueryTimeout(
                    f"the SPARQL query did not finish within {self.timeout_s:g}s and was stopped"
                )
            status, payload = self._receive(worker)
        finally:
            self.lock.release()
        if status == "syntax":
            raise QueryError(f"SPARQL syntax error: {payload}")
        if status == "too_large":
            raise QueryError(
                f"the result is larger than {payload:,} bytes: narrow the query or add LIMIT"
            )
        if status != "ok":
            raise QueryError(f"the SPARQL query failed: {payload}")
        kind, media, body = payload
        return Answer(body, media, kind)

    def close(self, grace_s: float = 1.0) -> None:
        """Stop the worker. One still loading a copy after `grace_s` (a minute at 10M) is
        killed, so the update that loads it fails and the service stops at once."""
        self._closed = True  # from now on, no worker starts
        while not self.lock.acquire(timeout=grace_s):
            worker = self._worker
            if worker is not None and worker.alive():
                worker.proc.kill()  # by its PID; the holder of the lock then gets EOF
        try:
            if self._worker is not None:
                self._worker.stop(graceful=True)
                self._worker = None
            self._dir.cleanup()
        finally:
            self.lock.release()

    def stop_worker(self) -> None:
        """Stop the worker (lock held); the next message starts another from the files."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()

    # -- internals (lock held)

    def _compact(self, worker: Worker) -> None:
        """The deltas outgrew the snapshot: the worker writes its store as the new one."""
        path = self.files("graph", ".nt")
        status, _ = self._call(worker, "dump", str(path))
        if status != "ok":
            path.unlink(missing_ok=True)
            return
        old = [self.snapshot, *(f for pair in self._log for f in pair)]
        self.snapshot, self._log = path, []
        unlink(*old)

    def _call(self, worker: Worker, op: str, payload: Any) -> tuple[str, Any]:
        """Send one of our own messages (not a user's query) and wait for its answer."""
        try:
            worker.send.send((op, payload))
        except OSError as exc:
            self.stop_worker()
            raise StoreUnavailable(f"the SPARQL worker is gone ({exc})") from exc
        if not worker.recv.poll(max(_OWN_WORK_S, self.timeout_s)):
            self.stop_worker()
            raise StoreUnavailable(f"the SPARQL worker did not finish {op!r} in time")
        return self._receive(worker)

    def _ensure_worker(self) -> Worker:
        """A live worker holding the current copy: a new one loads the snapshot and replays
        the deltas since."""
        if self._closed:
            raise StoreUnavailable("the SPARQL view is closed (the service is stopping)")
        worker = self._worker
        if worker is None or not worker.alive():
            self.stop_worker()
            worker = self._worker = Worker.start()
        if worker.generation != self._generation:
            steps: list[tuple[str, Any]] = [("load", str(self.snapshot or ""))]
            steps += [("apply", (str(spec), str(added))) for spec, added in self._log]
            for op, payload in steps:
                status, answer = self._call(worker, op, payload)
                if status != "ok":
                    self.stop_worker()
                    self.version = UNSET  # the next update rebuilds
                    raise StoreUnavailable(f"the SPARQL worker could not load the graph: {answer}")
                self.triples = int(answer)
            worker.generation = self._generation
        return worker

    def _receive(self, worker: Worker) -> tuple[str, Any]:
        try:
            status, payload = worker.recv.recv()
        except (EOFError, OSError) as exc:
            self.stop_worker()
            raise StoreUnavailable(f"the SPARQL worker stopped unexpectedly ({exc})") from exc
        return status, payload
