"""Shared fixtures: the project's ontology, read once."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.ontology import Ontology

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ONTOLOGY = ROOT / "ontology" / "sahel.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    return Ontology.read(ONTOLOGY, SHAPES)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on loopback that records what every connection to it sends (and
    answers an empty JSON-LD document): tests assert that nothing ever calls it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    seen.append(conn.recv(4096))
                except OSError:
                    seen.append(b"")
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/ld+json\r\n\r\n{}")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1]), seen
    stop.set()
    thread.join()
    server.close()
