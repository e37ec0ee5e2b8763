"""End-to-end: the real embedded Bolt server, `sahelkg load` of the ontology and seeds,
`sahelkg serve` on a free port, and Debian's headless Chromium driven by playwright
(launched with executable_path=/usr/bin/chromium; playwright's own browser download is never
used). `scripts/e2e-setup` installs both; `.ci/run` calls it before the tests.

Skipped only when Chromium (or the playwright package) is missing AND not in CI: with CI=true
a missing browser is a failure. Every process started here is stopped by its PID in a
finalizer. Screenshots go to test-artifacts/e2e/.

E2E_BASE_URL=http://127.0.0.1:8000 runs the browser tests against a server already running
(with the seeds loaded) instead of starting one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
# What headless Chromium needs on these machines (closed network, root, no GPU).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (run scripts/e2e-setup)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (run scripts/e2e-setup)"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives the explorer in headless Chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    if reason is None or IN_CI:  # in CI they run (and fail loudly if the browser is missing)
        return
    here = Path(__file__).parent
    for item in items:
        needs_browser = {"page", "browser"} & set(getattr(item, "fixturenames", ()))
        if needs_browser and here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _stop(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _sahelkg() -> list[str]:
    exe = Path(sys.executable).with_name("sahelkg")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API with the ontology and seeds loaded, served by `sahelkg serve`."""
    if os.environ.get("E2E_BASE_URL"):
        yield os.environ["E2E_BASE_URL"].rstrip("/")
        return
    from graph import embedded
    from graph.settings import Settings
    from tests.integration.conftest import BACKEND, neo4j_server

    data = tmp_path_factory.mktemp("e2e-store")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHELKG_")}
    log_dir = ARTIFACTS
    log_dir.mkdir(parents=True, exist_ok=True)
    server: subprocess.Popen[bytes] | None = None
    with contextlib.ExitStack() as stack:
        if BACKEND == "neo4j":  # the same pages on Neo4j 5.26 (scripts/neo4j)
            settings = stack.enter_context(neo4j_server(data))
            env.update(
                SAHELKG_NEO4J_URI=settings.bolt_uri,
                SAHELKG_NEO4J_USER=settings.neo4j_user,
                SAHELKG_NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
                SAHELKG_NEO4J_DATABASE=settings.neo4j_database,
            )
        else:
            env.update(
                SAHELKG_DATA_DIR=str(data),
                SAHELKG_EMBEDDED_BOLT_PORT=str(free_port()),
                SAHELKG_EMBEDDED_HTTP_PORT=str(free_port()),
            )
            settings = Settings(
                neo4j_uri=None,
                data_dir=data,
                embedded_bolt_port=int(env["SAHELKG_EMBEDDED_BOLT_PORT"]),
                embedded_http_port=int(env["SAHELKG_EMBEDDED_HTTP_PORT"]),
            )
            embedded.start(settings)
            stack.callback(embedded.stop, settings)
        try:
            subprocess.run(
                [*_sahelkg(), "load", "--replace"],
                env=env, cwd=ROOT, check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            port = free_port()
            with (log_dir / "serve.log").open("wb") as log:
                server = subprocess.Popen(
                    [*_sahelkg(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None:
                    raise RuntimeError(
                        f"`sahelkg serve` exited with {server.returncode}: "
                        + (log_dir / "serve.log").read_text(errors="replace")[-2000:]
                    )
                with contextlib.suppress(OSError):
                    if _get(f"{url}/health", 2.0)[0] == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("`sahelkg serve` did not answer /health within 120 s")
                time.sleep(0.3)
            yield url
        finally:
            if server is not None:
                _stop(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        pytest.fail(f"end-to-end tests need a browser: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, base_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page (1400x1000) that records console errors and uncaught exceptions and
    saves a screenshot of itself at the end, pass or fail."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=base_url)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            errors.append(f"console.{msg.type}: {msg.text}")

    pg.on("console", on_console)

    def on_request(req: Any) -> None:  # works offline: nothing but the API's own origin
        if not req.url.startswith((base_url, "data:", "blob:")):
            errors.append(f"request to another host: {req.url}")

    pg.on("request", on_request)
    pg.errors = errors
    try:
        yield pg
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def chromium_version() -> str:
    exe = shutil.which(str(CHROMIUM)) or str(CHROMIUM)
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    return out.stdout.strip()
