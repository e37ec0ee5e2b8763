"""One loader at a time. A staged load's `(:LoadStage)` marker names its loader (host, pid
and the process's start time) and its last batch (`beat`); a load that starts while
another one's loader is alive refuses (LoadInProgress) instead of clearing its stage.
A stage whose loader is gone (killed, or failed in this very process) is abandoned: the
next load clears it. A loader on another host is taken for gone when its last batch is
older than `stale_s` (SAHELKG_LOAD_STALE_S)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import neo4j

from graph import queries
from graph.errors import LoadInProgress
from graph.load_write import now
from graph.store import Store

T = TypeVar("T")

_ACTIVE: set[str] = set()  # the loads this process is writing now
_CLAIMS = threading.Lock()


def _start_ticks(pid: int) -> str:
    """The process's start time in clock ticks (Linux /proc): a reused pid differs. A
    zombie (killed, not yet waited for) has none: it writes no more."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return ""
    return "" if fields[0] in ("Z", "X") else fields[19]


def me() -> str:
    return f"{socket.gethostname()}|{os.getpid()}|{_start_ticks(os.getpid())}"


def _owner(stage: dict[str, Any]) -> tuple[str, str, str]:
    """(host, pid, start ticks) of the loader `stage` names."""
    host, pid, ticks = [*str(stage.get("owner")).split("|"), "", ""][:3]
    return host, pid, ticks


def is_live(stage: dict[str, Any], stale_s: float, when: dt.datetime | None = None) -> bool:
    """Whether the loader that wrote `stage` may still be writing."""
    owner = stage.get("owner")
    if not owner:
        return False  # a marker of a version that did not name its loader
    if owner == me():
        return stage["id"] in _ACTIVE
    host, pid, ticks = _owner(stage)
    if host == socket.gethostname() and pid.isdigit() and ticks:
        return _start_ticks(int(pid)) == ticks
    try:
        beat = dt.datetime.fromisoformat(str(stage.get("beat")))
    except ValueError:
        return False
    return ((when or dt.datetime.now(dt.UTC)) - beat).total_seconds() < stale_s


def take_turn(tx: neo4j.ManagedTransaction, stale_s: float) -> list[dict[str, Any]]:
    """In a write transaction: wait for any other claim, refuse if a live loader holds a
    stage; the abandoned stages (their markers' properties)."""
    tx.run(queries.LOADER_TURN, at=now()).consume()
    stages = [dict(r["stage"]) for r in tx.run(queries.STAGES)]
    live = [s for s in stages if is_live(s, stale_s)]
    if live:
        s = live[0]
        host, pid, _ = _owner(s)
        raise LoadInProgress(
            f"another load is writing to this graph (load {s['id']}, by {host} pid {pid}, "
            f"started {s.get('startedAt')}, last batch {s.get('beat')}): wait for it to finish; "
            f"nothing was written. A loader on another host that stopped is cleared after "
            f"{stale_s:g}s without a batch (SAHELKG_LOAD_STALE_S)"
        )
    return stages


def claim(
    store: Store, load_id: str, stale_s: float, replace: bool = False
) -> list[dict[str, Any]]:
    """Mark `load_id` as this process's load in progress (a `replace`: graph/queries_stage.py);
    returns the abandoned stages to clear (`load_id`'s among them when a killed run of the
    same input left it: its marker is this load's from now on, published or not as it was)."""
    mine, started = me(), now()

    def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        abandoned = take_turn(tx, stale_s)
        tx.run(
            queries.BEGIN_STAGE, id=load_id, startedAt=started, owner=mine, replace=replace
        ).consume()
        # A new marker hides what this load will stage: no read may straddle its commit
        # (one that read the markers before it would show the first batches).
        store.gate_switch(tx)
        return abandoned

    with _CLAIMS:
        abandoned = store.write(work)
        _ACTIVE.add(load_id)
    return abandoned


def release(load_id: str) -> None:
    """The load ended (done or failed): its stage, if left, is abandoned from now on."""
    _ACTIVE.discard(load_id)


class Beat:
    """Runs each batch in a write transaction of its own, writing the stage's `beat` in
    the same transaction at most every `every_s` seconds."""

    def __init__(self, store: Store, load_id: str, every_s: float = 15.0) -> None:
        self.store, self.load_id, self.every_s = store, load_id, every_s
        self.due = time.monotonic() + every_s

    def __call__(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        beat = time.monotonic() >= self.due

        def with_beat(tx: neo4j.ManagedTransaction) -> T:
            result = work(tx)
            if beat:
                tx.run(queries.STAGE_BEAT, id=self.load_id, at=now()).consume()
            return result

        result = self.store.write(with_beat, seen=False)  # staged: hidden until the switch
        if beat:
            self.due = time.monotonic() + self.every_s
        return result
