"""`sahelkg serve --workers 2`: two uvicorn worker processes, each building its app from the
same SAHELKG_* environment, answering over real HTTP from the session's Bolt server;
stopped through the process group of the process we started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import ONTOLOGY, ROOT, SEEDS
from tests.integration.conftest import free_port, load_paths

pytestmark = pytest.mark.integration


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_serve_with_two_worker_processes(
    store: Store, ontology: Ontology, cli_env: dict[str, str], tmp_path: Path
) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "cli", "serve", "--no-seed", "--workers", "2"]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=cli_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "no answer on /health within 120 s"
            time.sleep(0.3)
        with httpx.Client(base_url=url, timeout=30) as client:
            answers = [client.get("/actors", params={"q": "jnim"}) for _ in range(40)]
        assert {r.status_code for r in answers} == {200}
        assert answers[0].json()["items"][0]["id"] == "jnim"
        workers = [c for c in children(proc.pid) if "spawn_main" in cmdline(c)]
        assert len(workers) == 2, [cmdline(c) for c in children(proc.pid)]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
