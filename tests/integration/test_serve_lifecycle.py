"""`sahelkg serve` and the embedded store it uses: Ctrl-C (SIGINT) stops the store that
serve started, and says the store keeps running when it was running before; `sahelkg store
stop` while serve runs refuses at once, naming serve's pid, instead of hanging."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graph import embedded
from graph.settings import Settings
from tests.conftest import ROOT
from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration


def _serve(env: dict[str, str], log: Path, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), *args],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        assert proc.poll() is None, log.read_text()[-2000:]
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "no answer on /health within 180 s"
        time.sleep(0.3)


def _interrupt(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGINT)
    try:
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_store_stop_refuses_while_serve_uses_the_store_and_ctrl_c_keeps_it(
    settings: Settings, cli_env: dict[str, str], tmp_path: Path
) -> None:
    if not settings.embedded:
        pytest.skip("about the embedded store; SAHELKG_NEO4J_URI points at another server")
    before = embedded.running(settings)
    assert before is not None  # the session's store, started by the fixtures
    proc, _ = _serve(cli_env, tmp_path / "serve.log", "--no-seed")
    try:
        started = time.monotonic()
        stop = subprocess.run(
            [sys.executable, "-m", "cli", "store", "stop"],
            cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert time.monotonic() - started < 30
        assert stop.returncode == 5, stop.stdout + stop.stderr
        message = " ".join((stop.stdout + stop.stderr).split())
        assert f"`sahelkg serve` (pid {proc.pid}) is using the embedded server" in message
        assert embedded.running(settings) == before
    finally:
        _interrupt(proc)
    assert proc.returncode == 0
    assert "keeps running" in (tmp_path / "serve.log").read_text()
    assert embedded.running(settings) == before  # it was there before serve: still there


def test_ctrl_c_stops_the_store_serve_started(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHELKG_")}
    env.update(
        SAHELKG_DATA_DIR=str(data),
        SAHELKG_EMBEDDED_BOLT_PORT=str(free_port()),
        SAHELKG_EMBEDDED_HTTP_PORT=str(free_port()),
    )
    mine = Settings(
        neo4j_uri=None,
        data_dir=data,
        embedded_bolt_port=int(env["SAHELKG_EMBEDDED_BOLT_PORT"]),
        embedded_http_port=int(env["SAHELKG_EMBEDDED_HTTP_PORT"]),
    )
    proc, url = _serve(env, tmp_path / "serve.log")
    try:
        assert httpx.get(url + "/health").json()["nodes"] > 400  # seeded on start
        store = embedded.running(mine)
        assert store is not None
    finally:
        _interrupt(proc)
        if proc.returncode != 0:
            embedded.stop(mine)
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text()[-2000:]
    assert embedded.running(mine) is None
    assert f"stopped the embedded store (pid {store.pid})" in (tmp_path / "serve.log").read_text()
