"""graph/load_turn.py without a server: whose stage is live, whose is abandoned."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import time
from pathlib import Path

from graph import load_turn as turn

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def stage(owner: str | None, beat: dt.datetime = NOW, id: str = "L1") -> dict[str, object]:
    return {"id": id, "owner": owner, "beat": beat.isoformat(), "startedAt": beat.isoformat()}


def test_a_stage_of_this_process_is_live_only_while_its_load_runs() -> None:
    assert not turn.is_live(stage(turn.me()), 600, NOW)
    turn._ACTIVE.add("L1")
    try:
        assert turn.is_live(stage(turn.me()), 600, NOW)
        assert not turn.is_live(stage(turn.me(), id="L2"), 600, NOW)
    finally:
        turn.release("L1")
    assert not turn.is_live(stage(turn.me()), 600, NOW)


def test_a_loader_on_this_host_is_live_while_its_process_is() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        owner = f"{socket.gethostname()}|{child.pid}|{turn._start_ticks(child.pid)}"
        # an old beat does not matter: the process is there
        assert turn.is_live(stage(owner, NOW - dt.timedelta(days=1)), 600, NOW)
        # the same pid started at another time is another process
        other = f"{socket.gethostname()}|{child.pid}|1"
        assert not turn.is_live(stage(other), 600, NOW)
        child.kill()  # killed but not waited for: a zombie writes no more
        stat = Path(f"/proc/{child.pid}/stat")
        for _ in range(1000):
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.01)
        assert stat.exists()  # still there, as a zombie
        assert not turn.is_live(stage(owner), 600, NOW)
    finally:
        child.kill()
        child.wait()


def test_a_loader_on_another_host_is_live_until_its_beat_is_stale() -> None:
    owner = "elsewhere.example|4242|123"
    assert turn.is_live(stage(owner, NOW - dt.timedelta(seconds=599)), 600, NOW)
    assert not turn.is_live(stage(owner, NOW - dt.timedelta(seconds=601)), 600, NOW)


def test_a_marker_without_a_loader_or_a_readable_beat_is_abandoned() -> None:
    assert not turn.is_live(stage(None), 600, NOW)
    assert not turn.is_live({**stage("elsewhere.example|1|2"), "beat": None}, 600, NOW)
