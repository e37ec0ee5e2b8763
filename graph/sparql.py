"""A read-only SPARQL view of the stored graph.

The RDF it answers from is the graph store's own export (graph.export), kept in an
in-memory pyoxigraph store, so REST, /cypher and /sparql read the same facts. Its version is
the set of (:Load) ids the graph holds. When new ids appear and the copy holds all the
others, only what those loads created or changed is read from the store and applied as a
delta (graph/sparql_source.py); otherwise (a load id disappeared: `--replace` or a deletion;
the copy empty or unknown; a delta that fails) the copy is rebuilt from a
full export.

Queries run in ONE worker process that holds the pyoxigraph store (graph/sparql_worker.py)
and handles one message at a time, so no query sees a delta half applied. pyoxigraph cannot
cancel a query, so a query that outlives its timeout is stopped by killing the worker (by
its PID); the next one starts again from the copy kept on disk (the last full build and the
deltas since). Updates and SERVICE are refused before anything runs (graph/sparql_check.py).
The worker dies with the process that started it, and a query waits for it no longer than
its deadline. A full copy may also be kept for the next process (graph/sparql_keep.py).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph import sparql_keep
from graph.errors import QueryError, QueryTimeout, StoreUnavailable
from graph.sparql_check import check_query as check_query  # the API's import
from graph.sparql_jobs import UpdateJobs
from graph.sparql_source import QualifiedEnds, key_iri, subject_key
from graph.sparql_source import ViewSource as ViewSource  # the API's import
from graph.sparql_source import write_ntriples as write_ntriples  # graph.read's import
from graph.sparql_worker import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    TMP_PREFIX,
    Worker,
    remove_orphans,
    size_of,
    unlink,
)

log = logging.getLogger("sahelkg.sparql")

MAX_RESULT_BYTES = 64 * 1024 * 1024

# Result and graph formats: name -> (pyoxigraph format, media type), graph/formats.py.
# Which of them a request gets: graph/sparql_protocol.py (format parameters, Accept).


@dataclass
class Answer:
    body: bytes
    media_type: str
    kind: str  # "solutions", "boolean" or "graph"


class SparqlEngine:
    """One worker process answering SPARQL over a copy of the graph; thread-safe.

    The copy is also kept in a private temporary folder, for a worker started again after a
    runaway query was killed: the N-Triples of the last full build (the snapshot) and the
    deltas applied since, replayed in order (compacted into a new snapshot when they outgrow
    it)."""

    def __init__(
        self,
        timeout_s: float,
        max_result_bytes: int = MAX_RESULT_BYTES,
        keep_dir: Path | None = None,
        build: str = "",
    ) -> None:
        """`keep_dir`: where full copies are kept for the next engine (graph/sparql_keep.py),
        `build` naming the code and ontology that export them; None keeps nothing."""
        self.timeout_s = timeout_s
        self.keep_dir = keep_dir
        self.build = build
        self.restored = 0  # updates that started from a kept copy
        self.max_result_bytes = max_result_bytes
        self._lock = threading.Lock()  # the worker: one message at a time
        self._refresh_lock = threading.Lock()  # one refresh at a time
        self._worker: Worker | None = None
        remove_orphans()
        self._dir = tempfile.TemporaryDirectory(prefix=f"{TMP_PREFIX}{os.getpid()}-")
        self._snapshot: Path | None = None
        self._log: list[tuple[Path, Path]] = []  # deltas since the snapshot: (spec, triples)
        self._serial = 0
        self._generation = 0  # the state of the view; a worker holding another replays
        self._version: object = _UNSET
        self.triples = 0
        self.refreshed_at = 0.0
        self.updates = {"full": 0, "delta": 0}  # how the view was brought up to date
        self.rebuilt_because = ""  # why the last update was a full rebuild
        self.phases: dict[str, float] = {}  # seconds of the last update, by phase
        self._closed = False  # an update still running after close() starts no worker
        self._jobs = UpdateJobs(self._refresh_lock, self._logged_update, self._is_current)

    @property
    def loaded(self) -> bool:
        return self._version is not _UNSET

    def refresh(self, version: object, build: Callable[[IO[bytes]], Any]) -> bool:
        """Rebuild the copy when `version` changed: `build` writes the graph as N-Triples."""
        with self._refresh_lock:
            if version == self._version:
                return False
            try:
                self._rebuild(version, build)
            finally:
                self._jobs.busy = None
            self.rebuilt_because = "asked for"
            return True

    def update(self, source: ViewSource) -> bool:
        """Bring the copy up to date with `source`: from what the new loads created or
        changed when the copy holds all the other loads, else (a load id disappeared, the
        copy is empty or unknown, applying the delta failed) by a full rebuild."""
        return self._jobs.run(source)

    def update_within(self, source: ViewSource, wait_s: float) -> None:
        """update(), waited for at most `wait_s`; past it ViewUpdating (graph/sparql_jobs.py)."""
        self._jobs.within(source, wait_s)

    @property
    def busy(self) -> tuple[str, float] | None:
        """What the update in progress is doing, and since when (time.monotonic)."""
        return self._jobs.busy

    def updating(self) -> str | None:
        """The update in progress in words ("building a full copy, 12s so far"), or None."""
        return self._jobs.describe()

    def _is_current(self, source: ViewSource) -> bool:
        return source.version() == self._version

    def _logged_update(self, source: ViewSource) -> bool:
        t0 = time.perf_counter()
        done = self._update(source)
        if done:  # for the operator: how the view got here, and how long it took
            steps = ", ".join(f"{k} {v:.1f}s" for k, v in self.phases.items())
            why = f"; in full: {self.rebuilt_because}" if "export" in self.phases else ""
            took, triples = time.perf_counter() - t0, f"{self.triples:,}"
            log.info("SPARQL view: %s triples in %.1fs (%s%s)", triples, took, steps, why)
        return done

    def _update(self, source: ViewSource) -> bool:
        """update()'s work (the refresh lock held)."""
        version: tuple[str, ...] = source.version()
        if version == self._version:
            return False
        self.phases = {}
        fresh = self._version is _UNSET and self.keep_dir is not None
        if fresh and self._restore(source) and version == self._version:
            return True
        done, why, version = self._deltas(source, version)
        if done is not None:
            return done
        if self.keep_dir is None:
            self._rebuild(version, source.write_all)
            self.rebuilt_because = why
            return True
        # One process of the service builds at a time; another one that waited here starts
        # from the copy that one kept, when it fits the graph, instead of exporting it again.
        with sparql_keep.building(self.keep_dir):
            if self._restore(source):
                done, why, version = self._deltas(source, source.version())
                if done is not None:
                    return True  # restored, and brought up to date if it had to be
            stamps = source.load_stamps()
            self._rebuild(version, source.write_all)
            self.rebuilt_because = why
            # Kept only when no load committed during the export: its loads are known.
            if self._snapshot and stamps == source.load_stamps():
                sparql_keep.keep(self.keep_dir, self.build, stamps, self._snapshot)
        return True

    def _deltas(
        self, source: ViewSource, version: tuple[str, ...]
    ) -> tuple[bool | None, str, tuple[str, ...]]:
        """The copy brought up to `version` by applying the new loads' changes: (True,
        done; False, nothing to do after all; None, a full build is needed), why, and the
        version reached (another, when loads committed meanwhile)."""
        why = "the copy is empty or unknown"
        if version == self._version:
            return False, "", version
        for _ in range(3):
            known = self._version
            if isinstance(known, tuple) and not set(known) <= set(version):
                why = "a load id disappeared"
            if not (isinstance(known, tuple) and known and set(known) <= set(version)):
                break
            spec, added = self._files("delta", ".json"), self._files("delta", ".nt")
            self._jobs.doing("reading what the new loads changed")
            t0 = time.perf_counter()
            try:
                with added.open("wb") as out:
                    new = sorted(set(version) - set(known))
                    delta = source.delta(new, out, self._qualified_in_view)
            except BaseException:
                unlink(spec, added)
                raise
            after = source.version()
            self.phases["read delta"] = time.perf_counter() - t0
            if after != version:
                # A load committed while the rows were read: they may mix two states of
                # the graph, so read again from the new version.
                unlink(spec, added)
                why = "loads kept committing while the delta was read"
                version = after
                if version == self._version:
                    return False, "", version
                continue
            spec.write_text(json.dumps(delta.as_json()), encoding="utf-8")
            self._jobs.doing("applying what the new loads changed")
            t0 = time.perf_counter()
            why = self._apply(version, spec, added)
            self.phases["apply delta"] = time.perf_counter() - t0
            if not why:
                return True, "", version
            break
        return None, why, version

    def query(self, text: str, results_fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        """One query, answered within the timeout counted from now: waiting behind other
        queries included, a new worker's loading of the copy not."""
        deadline = time.monotonic() + self.timeout_s
        check_query(text)
        if results_fmt not in RESULT_FORMATS or graph_fmt not in GRAPH_FORMATS:
            raise QueryError(f"unknown result format {results_fmt!r} / {graph_fmt!r}")
        if not self._lock.acquire(timeout=self.timeout_s):
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
                self._stop_worker()
                raise StoreUnavailable(f"the SPARQL worker is gone ({exc})") from exc
            if not worker.recv.poll(max(deadline - time.monotonic(), 0.0)):
                self._stop_worker()
                raise QueryTimeout(
                    f"the SPARQL query did not finish within {self.timeout_s:g}s and was stopped"
                )
            status, payload = self._receive(worker)
        finally:
            self._lock.release()
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
        while not self._lock.acquire(timeout=grace_s):
            worker = self._worker
            if worker is not None and worker.alive():
                worker.proc.kill()  # by its PID; the holder of the lock then gets EOF
        try:
            if self._worker is not None:
                self._worker.stop(graceful=True)
                self._worker = None
            self._dir.cleanup()
        finally:
            self._lock.release()

    @property
    def worker_pid(self) -> int | None:
        return self._worker.proc.pid if self._worker is not None else None

    # -- internals

    def _files(self, kind: str, suffix: str) -> Path:
        self._serial += 1
        return Path(self._dir.name) / f"{kind}-{self._serial}{suffix}"

    def _rebuild(self, version: object, build: Callable[[IO[bytes]], Any]) -> None:
        """A full copy (refresh lock held): written outside the worker's lock, so queries
        go on against the previous copy meanwhile, then loaded in one message."""
        path = self._files("graph", ".nt")
        self._jobs.doing("building a full copy")
        t0 = time.perf_counter()
        try:
            with path.open("wb") as out:
                build(out)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        t1 = time.perf_counter()
        with self._lock:
            old = [self._snapshot, *(f for pair in self._log for f in pair)]
            self._snapshot, self._log = path, []
            self._generation += 1
            unlink(*old)
            self._ensure_worker()
            self._version = version  # after the load: `loaded` then has its triples
            self.refreshed_at = time.time()
            self.updates["full"] += 1
        self.phases.update({"export": t1 - t0, "load copy": time.perf_counter() - t1})

    def _restore(self, source: ViewSource) -> bool:
        """Start from the kept copy when it fits the graph (refresh lock held); the loads
        since follow as a delta. False when it does not fit or fails to load (the copy is
        then unknown, or as it was)."""
        assert self.keep_dir is not None
        self._jobs.doing("starting from the kept copy")
        t0 = time.perf_counter()
        kept = sparql_keep.restore(
            self.keep_dir, self.build, source.load_stamps(), self._files("graph", ".nt")
        )
        if kept is None:
            return False
        with self._lock:
            old = [self._snapshot, *(f for pair in self._log for f in pair)]
            self._snapshot, self._log = kept.path, []
            self._generation += 1
            unlink(*old)
            try:
                self._ensure_worker()  # loads it: the service's time, not a query's
            except StoreUnavailable as exc:  # _ensure_worker made the copy unknown
                log.warning("the kept SPARQL copy did not load (%s): building it again", exc)
                return False
            self._version = kept.load_ids  # after the load: `loaded` then has its triples
            self.restored += 1
            self.refreshed_at = time.time()
        self.phases["restore copy"] = time.perf_counter() - t0
        return True

    def _apply(self, version: object, spec: Path, added: Path) -> str:
        """Apply a delta (refresh lock held); '' when done, else why not (the worker found
        it failed: the copy is rebuilt)."""
        with self._lock:
            try:
                worker = self._ensure_worker()
                status, payload = self._call(worker, "apply", (str(spec), str(added)))
            except BaseException:
                unlink(spec, added)
                raise
            if status != "ok":
                self._stop_worker()  # half applied, perhaps: that worker must go
                unlink(spec, added)
                return f"the delta was not applied: {payload}"
            self._log.append((spec, added))
            self._generation += 1
            worker.generation = self._generation
            self._version = version
            self.triples = int(payload)
            self.refreshed_at = time.time()
            self.updates["delta"] += 1
            if self._snapshot is not None and size_of(*self._log) > size_of(self._snapshot):
                self._compact(worker)
            return ""

    def _qualified_in_view(self, iris: list[str]) -> QualifiedEnds:
        """Which of these iris are a qualified relation in the copy, with the (start, end)
        iris of its relationship (sahel:subject, sahel:object)."""
        if not iris:
            return {}
        by_key = {tuple(subject_key(iri)): iri for iri in iris}
        with self._lock:
            status, found = self._call(self._ensure_worker(), "qualified", list(by_key))
        if status != "ok":
            raise StoreUnavailable(f"the SPARQL worker could not read its copy: {found}")
        return {
            by_key[tuple(key)]: [(key_iri(s), key_iri(o)) for s in starts for o in ends]
            for key, starts, ends in found
        }

    def _compact(self, worker: Worker) -> None:
        """The deltas outgrew the snapshot: the worker writes its store as the new one."""
        path = self._files("graph", ".nt")
        status, _ = self._call(worker, "dump", str(path))
        if status != "ok":
            path.unlink(missing_ok=True)
            return
        old = [self._snapshot, *(f for pair in self._log for f in pair)]
        self._snapshot, self._log = path, []
        unlink(*old)

    def _call(self, worker: Worker, op: str, payload: Any) -> tuple[str, Any]:
        """Send one of our own messages (not a user's query) and wait for its answer."""
        try:
            worker.send.send((op, payload))
        except OSError as exc:
            self._stop_worker()
            raise StoreUnavailable(f"the SPARQL worker is gone ({exc})") from exc
        if not worker.recv.poll(max(_OWN_WORK_S, self.timeout_s)):
            self._stop_worker()
            raise StoreUnavailable(f"the SPARQL worker did not finish {op!r} in time")
        return self._receive(worker)

    def _ensure_worker(self) -> Worker:
        """A live worker holding the current copy (lock held): a new one loads the snapshot
        and replays the deltas since."""
        if self._closed:
            raise StoreUnavailable("the SPARQL view is closed (the service is stopping)")
        worker = self._worker
        if worker is None or not worker.alive():
            self._stop_worker()
            worker = self._worker = Worker.start()
        if worker.generation != self._generation:
            steps: list[tuple[str, Any]] = [("load", str(self._snapshot or ""))]
            steps += [("apply", (str(spec), str(added))) for spec, added in self._log]
            for op, payload in steps:
                status, answer = self._call(worker, op, payload)
                if status != "ok":
                    self._stop_worker()
                    self._version = _UNSET  # the next refresh rebuilds
                    raise StoreUnavailable(f"the SPARQL worker could not load the graph: {answer}")
                self.triples = int(answer)
            worker.generation = self._generation
        return worker

    def _receive(self, worker: Worker) -> tuple[str, Any]:
        try:
            status, payload = worker.recv.recv()
        except (EOFError, OSError) as exc:
            self._stop_worker()
            raise StoreUnavailable(f"the SPARQL worker stopped unexpectedly ({exc})") from exc
        return status, payload

    def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()


_OWN_WORK_S = 900.0  # loading or updating the copy: our own work, not a user's query


_UNSET = object()
