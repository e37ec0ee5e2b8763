"""A read-only SPARQL view of the stored graph.

The RDF it answers from is the graph store's own export (graph.export), kept in an
in-memory pyoxigraph store, so REST, /cypher and /sparql read the same facts. Its version is
the set of (:Load) ids the graph holds. When new ids appear and the copy holds all the
others, only what those loads created or changed is read from the store and applied as a
delta (graph/sparql_source.py); otherwise (a load id disappeared: `--replace` or a deletion;
the copy empty or unknown; a delta that fails) the copy is rebuilt from a
full export.

Queries run in ONE worker process that holds the pyoxigraph store (graph/sparql_copy.py:
the worker, the files it starts from, a query's timeout). Updates and SERVICE are refused
before anything runs (graph/sparql_check.py). Updates run one at a time, and a query waits
for one no longer than its timeout (graph/sparql_jobs.py). A full copy may also be kept for
the next process (graph/sparql_keep.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from graph import sparql_keep
from graph.errors import StoreUnavailable
from graph.sparql_check import check_query as check_query  # the API's import
from graph.sparql_copy import (
    MAX_RESULT_BYTES,
    UNSET,
    Answer as Answer,  # the API's import
    ViewCopy,
)
from graph.sparql_jobs import UpdateJobs
from graph.sparql_source import (
    QualifiedEnds,
    ViewSource as ViewSource,  # the API's import
    key_iri,
    subject_key,
    write_ntriples as write_ntriples,  # graph.read's import
)
from graph.sparql_worker import unlink

log = logging.getLogger("sahelkg.sparql")

# Result and graph formats: name -> (pyoxigraph format, media type), graph/formats.py.
# Which of them a request gets: graph/sparql_protocol.py (format parameters, Accept).


class SparqlEngine:
    """The view: its copy (graph/sparql_copy.py) and how it is brought up to date;
    thread-safe."""

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
        self.copy = ViewCopy(timeout_s, max_result_bytes)
        self.restored = 0  # updates that started from a kept copy
        self._refresh_lock = threading.Lock()  # one refresh at a time
        self.updates = {"full": 0, "delta": 0}  # how the view was brought up to date
        self.rebuilt_because = ""  # why the last update was a full rebuild
        self.phases: dict[str, float] = {}  # seconds of the last update, by phase
        self._jobs = UpdateJobs(self._refresh_lock, self._logged_update, self._is_current)

    @property
    def loaded(self) -> bool:
        return self.copy.version is not UNSET

    @property
    def triples(self) -> int:
        return self.copy.triples

    @property
    def refreshed_at(self) -> float:
        return self.copy.refreshed_at

    @property
    def worker_pid(self) -> int | None:
        return self.copy.worker_pid

    def refresh(self, version: object, build: Callable[[IO[bytes]], Any]) -> bool:
        """Rebuild the copy when `version` changed: `build` writes the graph as N-Triples."""
        with self._refresh_lock:
            if version == self.copy.version:
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
        return source.version() == self.copy.version

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
        if version == self.copy.version:
            return False
        self.phases = {}
        fresh = self.copy.version is UNSET and self.keep_dir is not None
        if fresh and self._restore(source) and version == self.copy.version:
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
            snapshot = self.copy.snapshot
            if snapshot and stamps == source.load_stamps():
                sparql_keep.keep(self.keep_dir, self.build, stamps, snapshot)
        return True

    def _deltas(
        self, source: ViewSource, version: tuple[str, ...]
    ) -> tuple[bool | None, str, tuple[str, ...]]:
        """The copy brought up to `version` by applying the new loads' changes: (True,
        done; False, nothing to do after all; None, a full build is needed), why, and the
        version reached (another, when loads committed meanwhile)."""
        why = "the copy is empty or unknown"
        if version == self.copy.version:
            return False, "", version
        for _ in range(3):
            known = self.copy.version
            if isinstance(known, tuple) and not set(known) <= set(version):
                why = "a load id disappeared"
            if not (isinstance(known, tuple) and known and set(known) <= set(version)):
                break
            spec, added = self.copy.files("delta", ".json"), self.copy.files("delta", ".nt")
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
                if version == self.copy.version:
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

    # -- internals

    def _rebuild(self, version: object, build: Callable[[IO[bytes]], Any]) -> None:
        """A full copy (refresh lock held): written while queries go on against the
        previous copy, then loaded by the worker in one message."""
        path = self.copy.files("graph", ".nt")
        self._jobs.doing("building a full copy")
        t0 = time.perf_counter()
        try:
            with path.open("wb") as out:
                build(out)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        t1 = time.perf_counter()
        self.copy.install(path, version)
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
            self.keep_dir, self.build, source.load_stamps(), self.copy.files("graph", ".nt")
        )
        if kept is None:
            return False
        try:
            self.copy.install(kept.path, kept.load_ids)  # the service's time, not a query's
        except StoreUnavailable as exc:  # the copy is unknown now
            log.warning("the kept SPARQL copy did not load (%s): building it again", exc)
            return False
        self.restored += 1
        self.phases["restore copy"] = time.perf_counter() - t0
        return True

    def _apply(self, version: object, spec: Path, added: Path) -> str:
        """Apply a delta (refresh lock held); '' when done, else why not."""
        why = self.copy.apply(version, spec, added)
        if not why:
            self.updates["delta"] += 1
        return why

    def _qualified_in_view(self, iris: list[str]) -> QualifiedEnds:
        """Which of these iris are a qualified relation in the copy, with the (start, end)
        iris of its relationship (sahel:subject, sahel:object)."""
        if not iris:
            return {}
        by_key = {tuple(subject_key(iri)): iri for iri in iris}
        return {
            by_key[tuple(key)]: [(key_iri(s), key_iri(o)) for s in starts for o in ends]
            for key, starts, ends in self.copy.qualified(list(by_key))  # type: ignore[arg-type]
        }

    def query(self, text: str, results_fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        """One query, answered within the timeout (graph/sparql_copy.py)."""
        return self.copy.query(text, results_fmt, graph_fmt)

    def close(self, grace_s: float = 1.0) -> None:
        """Stop the worker, at once even while it loads a copy (graph/sparql_copy.py)."""
        self.copy.close(grace_s)
