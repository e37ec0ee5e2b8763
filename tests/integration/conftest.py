"""A real Bolt server for the integration tests: the embedded ArcadeDB server, started
here on free ports in a temporary folder and stopped by its PID at the end, whatever
happens. With SAHELKG_NEO4J_URI set, the same tests run against that server instead."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import neo4j
import pytest

from graph import embedded
from graph.load import Ontology, clear, load, prepare
from graph.settings import Settings
from graph.store import Store, open_store

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if os.environ.get("SAHELKG_NEO4J_URI"):
        yield Settings()
        return
    with embedded_server(tmp_path_factory.mktemp("store")) as s:
        yield s


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
    if settings.embedded:
        env.update(
            SAHELKG_DATA_DIR=str(settings.data_dir),
            SAHELKG_EMBEDDED_BOLT_PORT=str(settings.embedded_bolt_port),
            SAHELKG_EMBEDDED_HTTP_PORT=str(settings.embedded_http_port),
        )
    else:
        env.update({k: v for k, v in os.environ.items() if k.startswith("SAHELKG_")})
    return env


def load_paths(store: Store, ontology: Ontology, *paths: Path, validate: bool = True) -> None:
    load(store, prepare(list(paths), ontology, validate=validate), ontology.registry)
