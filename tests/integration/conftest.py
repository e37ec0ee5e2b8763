"""A real Bolt server for the integration tests, started here on free ports in a temporary
folder and stopped by its PID at the end, whatever happens: the embedded ArcadeDB server
by default, Neo4j 5.26 Community (scripts/neo4j) with SAHELKG_TEST_BACKEND=neo4j.
scripts/test runs the suite once on each. With SAHELKG_NEO4J_URI set instead, the tests
run against that server."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import neo4j
import pytest

from bench.common import neo4j_started
from graph import embedded
from graph.load import Ontology, clear, load, prepare
from graph.settings import Settings
from graph.store import Store, open_store

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
    PID at the end. Its server-side transaction timeout is the suite's query timeout."""
    with neo4j_started(data_dir, SAHELKG_NEO4J_TX_TIMEOUT="10s") as (settings, pid):
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


def load_paths(store: Store, ontology: Ontology, *paths: Path, validate: bool = True) -> None:
    load(store, prepare(list(paths), ontology, validate=validate), ontology.registry)
