"""Deadlines for reads the store would let run on: ArcadeDB ignores the Bolt transaction
timeout, so one daemon thread per process cuts the connection of a read still running at
its deadline (graph.read.Reader.run registers every read here)."""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from typing import Any


def _cut(session: Any) -> bool:
    """Cut the Bolt connection of a session stuck in a read (best effort): False when it
    has no connection (yet) to cut."""
    try:
        raw = session._connection.socket._socket
        raw.shutdown(socket.SHUT_RDWR)
    except Exception:  # not connected yet, or already gone
        return False
    return True


class Watch:
    __slots__ = ("done", "expired", "seq", "session")

    def __init__(self, seq: int) -> None:
        self.seq = seq
        self.session: Any = None
        self.done = False
        self.expired = False


class Watchdog:
    """One daemon thread per process holding the deadlines of the running reads, earliest
    first. At a read's deadline it cuts the read's connection (ArcadeDB ignores the Bolt
    transaction timeout) unless the read has finished; a read with no connection to cut
    yet is tried again shortly after. Cheaper than a thread per read: a heap push and two
    uncontended lock acquisitions.

    A finished read lets go of its session at once: the heap holds numbers only, and a
    deadline whose read is over is skipped when it comes (the thread wakes at most every
    `SLACK` seconds for them). Before, the heap held each session until its deadline, 10 s
    after the read: thousands of sessions alive at a time under load, promoted to the
    collector's oldest generation, whose full collections then took 10-30 ms and held up
    every request in flight (BENCHMARKS.md, 3i)."""

    SLACK = 0.05

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int]] = []  # (deadline, seq): nothing for the collector
        self._live: dict[int, Watch] = {}  # seq -> the read, until it finishes
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float) -> Watch:
        w = Watch(next(self._seq))
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="sahelkg-deadlines", daemon=True
                )
                self._thread.start()
            if not self._heap or deadline < self._heap[0][0]:
                self._cond.notify()
            heapq.heappush(self._heap, (deadline, w.seq))
            self._live[w.seq] = w
        return w

    def finish(self, w: Watch) -> None:
        """The read is over: from now on its connection is never cut (it may go back to
        the pool and serve another read)."""
        with self._cond:
            w.done = True
            w.session = None
            self._live.pop(w.seq, None)

    def _loop(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _, seq = heapq.heappop(self._heap)
                    w = self._live.get(seq)
                    if w is None:  # finished
                        continue
                    w.expired = True
                    if not _cut(w.session):
                        heapq.heappush(self._heap, (now + self.SLACK, seq))
                self._cond.wait(self._heap[0][0] - now + self.SLACK if self._heap else None)


WATCHDOG = Watchdog()
