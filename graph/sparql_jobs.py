"""The SPARQL view's updates, run one at a time, and waited for within a bound.

A query brings the view up to date before it runs (graph/sparql.py). A full copy takes
minutes at 10M triples (BENCHMARKS.md 4d), and a query must not hang that long: it waits
for the update at most its own timeout, then gets ViewUpdating (503 with Retry-After,
saying what the update is doing) while the update goes on in a thread of its own. The
callers that come before that thread starts share it; one that comes after needs another,
since the running one may have read the graph's version before that caller's load.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, TimeoutError as FutureTimeout

from graph.errors import ViewUpdating
from graph.sparql_source import ViewSource

RETRY_AFTER_S = 5


class UpdateJobs:
    """`work` (an update) run under `lock`, one at a time, with `busy` saying what it is
    doing (set by the work through `doing`); `current` tells whether there is any to do."""

    def __init__(
        self,
        lock: threading.Lock,
        work: Callable[[ViewSource], bool],
        current: Callable[[ViewSource], bool],
    ) -> None:
        self.lock, self.work, self.current = lock, work, current
        self.busy: tuple[str, float] | None = None  # what the update does, since when
        self._next: Future[bool] | None = None  # a job whose thread has not got the lock
        self._next_lock = threading.Lock()

    def describe(self) -> str | None:
        """What the update in progress is doing and for how long, or None."""
        busy = self.busy
        return f"{busy[0]}, {time.monotonic() - busy[1]:.0f}s so far" if busy else None

    def doing(self, what: str) -> None:
        self.busy = (what, self.busy[1] if self.busy else time.monotonic())

    def run(self, source: ViewSource) -> bool:
        """The update, in the caller's thread, however long it takes."""
        with self.lock:
            try:
                return self.work(source)
            finally:
                self.busy = None

    def within(self, source: ViewSource, wait_s: float) -> None:
        """The update, waited for at most `wait_s`; its errors reach every caller that
        waits for it."""
        if self.lock.acquire(blocking=False):  # none running: mostly there is nothing to do,
            try:  # and then no thread is started (about 0.2 ms a query)
                if self.current(source):
                    return
            finally:
                self.lock.release()
        with self._next_lock:
            job = self._next
            if job is None:
                job = self._next = Future()
                threading.Thread(
                    target=self._job, args=(job, source), name="sparql-update", daemon=True
                ).start()
        try:
            job.result(timeout=wait_s)
        except FutureTimeout:
            raise ViewUpdating(
                "the SPARQL view is being brought up to date with the graph "
                f"({self.describe() or 'about to start'}); try again shortly",
                retry_after_s=RETRY_AFTER_S,
            ) from None

    def _job(self, job: Future[bool], source: ViewSource) -> None:
        with self.lock:
            with self._next_lock:
                self._next = None
            if not job.set_running_or_notify_cancel():
                return
            try:
                job.set_result(self.work(source))
            except BaseException as exc:
                job.set_exception(exc)
            finally:
                self.busy = None
