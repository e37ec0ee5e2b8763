"""A real Bolt server for the integration tests, started here on free ports in a temporary
folder and stopped by its PID at the end, whatever happens: the embedded ArcadeDB server
by default, Neo4j 5.26 Community (scripts/neo4j) with SAHELKG_TEST_BACKEND=neo4j.
scripts/test runs the suite once on each. With SAHELKG_NEO4J_URI set instead, the tests
run against that server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest
import uvicorn

from api.app import create_app
from bench import synth
from bench.common import neo4j_started
from graph import embedded, export
from graph.export import graph_hash
from graph.load import LoadReport, Prepared, clear, load, prepare
from graph.ontology import Ontology
from graph.read import Reader
from graph.settings import Settings
from graph.sparql import SparqlEngine
from graph.store import Store, open_store
from tests.conftest import DATA, ONTOLOGY, SEEDS

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


ROOT = Path(__file__).resolve().parents[2]
BACKEND = os.environ.get("SAHELKG_TEST_BACKEND", "arcadedb")
NEO4J_PIDS: dict[str, int] = {}  # Bolt URI -> PID of the Neo4j servers started here


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if BACKEND == "neo4j":
        with neo4j_server(tmp_path_factory.mktemp("neo4j")) as s:
            yield s
        return
    if os.environ.get("SAHELKG_NEO4J_URI"):
        yield Settings()
        return
    with embedded_server(tmp_path_factory.mktemp("store")) as s:
        yield s


@contextmanager
def neo4j_server(data_dir: Path) -> Iterator[Settings]:
    """A Neo4j 5.26 server of its own (scripts/neo4j, a free port, `data_dir`), stopped by
    PID at the end. Reads carry their own timeout (the suite's query timeout), which the
    server enforces; its default, for loads, is long enough for a busy machine."""
    with neo4j_started(data_dir, SAHELKG_NEO4J_TX_TIMEOUT="120s") as (settings, pid):
        NEO4J_PIDS[settings.bolt_uri] = pid
        yield settings


def server_pid(settings: Settings) -> int:
    """The PID of the JVM behind `settings` (either backend), for CPU readings."""
    if settings.embedded:
        info = embedded.running(settings)
        assert info is not None
        return info.pid
    return NEO4J_PIDS[settings.bolt_uri]


@contextmanager
def embedded_server(data_dir: Path, **overrides: Any) -> Iterator[Settings]:
    """An embedded server of its own (free ports, `data_dir`), stopped by PID at the end."""
    s = Settings(
        neo4j_uri=None,
        data_dir=data_dir,
        embedded_bolt_port=free_port(),
        embedded_http_port=free_port(),
        **overrides,
    )
    embedded.start(s)
    try:
        yield s
    finally:
        embedded.stop(s)


@pytest.fixture(scope="session")
def opened(settings: Settings) -> Iterator[Store]:
    """The store of the test session (its two drivers), as the API and the CLI open it."""
    st = open_store(settings)
    yield st
    st.close()


@pytest.fixture(scope="session")
def driver(opened: Store) -> neo4j.Driver:
    """The writer's driver, for tests that run statements of their own."""
    return opened.driver


@pytest.fixture
def store(opened: Store) -> Store:
    """An empty graph for each test."""
    st = opened
    st.ensure_schema()
    clear(st)
    return st


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    """Environment for running `sahelkg` as a subprocess against the test server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHELKG_")}
    env["SAHELKG_DATA_DIR"] = str(settings.data_dir)  # the graph-version marker, on both
    if settings.embedded:
        env.update(
            SAHELKG_EMBEDDED_BOLT_PORT=str(settings.embedded_bolt_port),
            SAHELKG_EMBEDDED_HTTP_PORT=str(settings.embedded_http_port),
        )
    else:
        env.update(
            SAHELKG_NEO4J_URI=settings.bolt_uri,
            SAHELKG_NEO4J_USER=settings.neo4j_user,
            SAHELKG_NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
            SAHELKG_NEO4J_DATABASE=settings.neo4j_database,
        )
    return env


def loader(script: str, path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """A loading process of its own (Python running `script` on `path`), talking through
    pipes: the kill tests' loader."""
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path), *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when(proc: subprocess.Popen[str], stop: Callable[[str, list[str]], bool]) -> list[str]:
    """Read a loader's report lines until `stop(line, lines so far)`, then SIGKILL it (at
    the latest after 300 s); returns the lines. Killed on the way out whatever happens."""
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if stop(line, seen):
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, (seen, proc.stderr.read() if proc.stderr else "")
    assert not any(line.startswith("finished") for line in seen)
    return seen


def status_of(env: dict[str, str]) -> str:
    """What `sahelkg status` prints, run as a user would (the kill tests read it after)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "status"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip


def after_rollback(store: Store, ontology: Ontology, before: Snapshot) -> Snapshot:
    """The graph as readers see it once the server has rolled back what a killed loader
    had open: `before`, or what else it settles on (it notices the dead socket soon)."""
    for _ in range(50):
        if snapshot(store, ontology) == before:
            break
        time.sleep(0.2)
    return snapshot(store, ontology)


def load_paths(store: Store, ontology: Ontology, *paths: Path, validate: bool = True) -> LoadReport:
    return load(store, prepare(list(paths), ontology, validate=validate), ontology.registry)


@pytest.fixture(scope="module")
def seeded(opened: Store, ontology: Ontology) -> Store:
    """The graph holds exactly the ontology and the seeds for the whole module."""
    st = opened
    st.ensure_schema()
    clear(st)
    load(st, prepare([ONTOLOGY, SEEDS], ontology), ontology.registry)
    return st


@pytest.fixture
def seeded_reader(seeded: Store, ontology: Ontology, settings: Settings) -> Reader:
    """graph.read's reader on the seeded graph, with the settings' deadline and caps."""
    return Reader.of(seeded, ontology.registry, settings)


class Server:
    """uvicorn serving the app on 127.0.0.1:<free port>, in a thread of this process."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def api_settings(settings: Settings, **overrides: Any) -> Settings:
    return settings.model_copy(update=overrides)


@pytest.fixture(scope="module")
def api(seeded: Store, settings: Settings) -> Iterator[str]:
    with Server(api_settings(settings, query_timeout_s=5.0, max_rows=50)) as server:
        yield server.url


@pytest.fixture(scope="module")
def http(api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api, timeout=60) as client:
        yield client


def snapshot(store: Store, ontology: Ontology) -> Snapshot:
    return store.counts(), export.graph_hash(store, ontology.registry)


# ------------------------------------------------------------------ a server we may kill


class OwnServer:
    """A server of this module's own that a test may SIGKILL and start again on the same
    data and port (so one store's drivers outlive the restarts): the embedded ArcadeDB
    server (graph.embedded, as an operator would), or Neo4j 5.26 (scripts/neo4j)."""

    def __init__(self, settings: Settings, data_dir: Path | None = None) -> None:
        self.settings = settings
        self.data_dir = data_dir  # Neo4j's folder; None for the embedded server

    def pid(self) -> int | None:
        if self.data_dir is None:
            info = embedded.running(self.settings)
            return info.pid if info else None
        try:
            pid = int((self.data_dir / "neo4j.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _alive(pid) else None

    def start(self) -> None:
        """A no-op when it runs; a restart after a kill (or a failed test)."""
        if self.data_dir is None:
            embedded.start(self.settings)
            return
        if self.pid() is not None:
            return
        port = self.settings.bolt_uri.rsplit(":", 1)[1]
        script = str(ROOT / "scripts" / "neo4j")
        _wait_port_free(int(port))  # a killed JVM lets go of its port some time after
        done = subprocess.run(
            [script, "start", "--port", port, "--data", str(self.data_dir)],
            env={**os.environ, **NEO4J_ENV}, check=False, capture_output=True, text=True,
            timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]

    def kill(self) -> None:
        pid = self.pid()
        assert pid is not None, "the server to kill is not running"
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.pid() is None


NEO4J_ENV = {"SAHELKG_NEO4J_TX_TIMEOUT": "60s", "SAHELKG_NEO4J_HEAP": "1g"}


def _wait_port_free(port: int, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    """Running and not a zombie (a killed child is dead once reaped or a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnServer]:
    if os.environ.get("SAHELKG_NEO4J_URI"):
        pytest.skip("these tests SIGKILL and restart a server of their own; not a given one")
    if BACKEND == "neo4j":
        data = tmp_path_factory.mktemp("faults-neo4j")
        with neo4j_started(data, **NEO4J_ENV) as (settings, _pid):
            yield OwnServer(settings, data)  # restarts ask for the port it took
        return
    with embedded_server(tmp_path_factory.mktemp("faults"), embedded_heap="1g") as settings:
        yield OwnServer(settings)


@pytest.fixture(scope="module")
def own_settings(own_server: OwnServer) -> Settings:
    return own_server.settings


@pytest.fixture(scope="module")
def own_opened(own_settings: Settings) -> Iterator[Store]:
    """ONE store (drivers) for the whole module, as the API holds one: it must outlive
    restarts."""
    store = open_store(own_settings)
    yield store
    store.close()


@pytest.fixture(scope="module")
def own_driver(own_opened: Store) -> neo4j.Driver:
    return own_opened.driver


@pytest.fixture
def own_store(own_server: OwnServer, own_opened: Store) -> Store:
    own_server.start()  # a no-op when it runs; a restart after a failed test
    store = own_opened
    store.ensure_schema()
    clear(store)
    return store


@pytest.fixture(scope="module")
def synth_load(
    tmp_path_factory: pytest.TempPathFactory, ontology: Ontology
) -> tuple[Path, Prepared]:
    path = tmp_path_factory.mktemp("synth") / "synth.nt"
    synth.write(path, 20_000)
    return path, prepare([path], ontology, validate=False)


@pytest.fixture(scope="module")
def states(
    own_server: OwnServer,
    own_opened: Store,
    ontology: Ontology,
    synth_load: tuple[Path, Prepared],
) -> dict[str, Any]:
    """The graph before (ontology + tricky.ttl) and after the synthetic load, and how long
    that load takes here (to aim the kills)."""
    own_server.start()
    store = own_opened
    store.ensure_schema()
    clear(store)
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    old = snapshot(store, ontology)
    started = time.perf_counter()
    load(store, synth_load[1], ontology.registry)
    seconds = time.perf_counter() - started
    new = snapshot(store, ontology)
    clear(store)
    return {"old": old, "new": new, "seconds": seconds}


@pytest.fixture(scope="module")
def hash_before(seeded: Store, ontology: Ontology) -> str:
    return graph_hash(seeded, ontology.registry)


@pytest.fixture(scope="module")
def state_before(seeded: Store, ontology: Ontology) -> tuple[tuple[int, int], str]:
    return seeded.counts(), graph_hash(seeded, ontology.registry)


Snapshot = tuple[tuple[int, int], str]


@pytest.fixture
def cache_server(seeded: Store, settings: Settings) -> Iterator[Server]:
    """The API on the seeds (tests/integration/test_cache.py)."""
    # No periodic re-check during a test: only the marker can tell the API of a load.
    with Server(api_settings(settings, graph_version_recheck_s=3600.0)) as s:
        yield s


@pytest.fixture
def engines() -> Iterator[tuple[SparqlEngine, SparqlEngine]]:
    """The copy under test, and one only ever rebuilt in full, for comparison."""
    updated, rebuilt = SparqlEngine(timeout_s=60), SparqlEngine(timeout_s=60)
    try:
        yield updated, rebuilt
    finally:
        updated.close()
        rebuilt.close()
