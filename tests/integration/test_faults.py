"""Faults on the real Bolt server: the server SIGKILLed during a load and during queries,
bad input, and reads racing a load.

The kill tests run on a server of their own (own data directory, free ports), never on the
session's shared one; it is restarted by `graph.embedded.start` as an operator would, and
stopped by PID at the end. The invariant everywhere: the stored graph is the old one or the
new one (node and relationship counts and the content hash `graph.export.graph_hash`),
never a part of a load, and every failure surfaces as one of the project's errors with a
one-line message, never a driver traceback.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest

from bench import synth
from bench.common import neo4j_started
from graph import embedded, export, queries
from graph.errors import InputError, StoreUnavailable
from graph.load import Ontology, Prepared, clear, load, prepare
from graph.mapping import canonicalise
from graph.rdf import parse_files
from graph.settings import Settings
from graph.store import Store, open_store
from tests.conftest import DATA, ONTOLOGY
from tests.integration.conftest import BACKEND, ROOT, embedded_server, load_paths

pytestmark = pytest.mark.integration

BAD = DATA / "bad"
Snapshot = tuple[tuple[int, int], str]


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


def assert_clear_message(exc: BaseException) -> None:
    message = str(exc)
    assert "Bolt server" in message or "Bolt driver" in message, message
    assert "Traceback" not in message and "\n" not in message, message


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


# ------------------------------------------------------------------ kill during a load


def test_server_killed_during_a_load_gives_store_unavailable_and_keeps_the_old_graph(
    own_server: OwnServer,
    own_store: Store,
    ontology: Ontology,
    synth_load: tuple[Path, Prepared],
    states: dict[str, Any],
) -> None:
    load_paths(own_store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    assert snapshot(own_store, ontology) == states["old"]
    killed = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "relationships" and not killed:  # every node written, some relationships
            killed.append(done)
            own_server.kill()

    with pytest.raises(StoreUnavailable) as err:
        load(own_store, synth_load[1], ontology.registry, batch_size=500, progress=progress)
    assert killed
    assert_clear_message(err.value)

    own_server.start()  # recovery: the same driver works again
    assert snapshot(own_store, ontology) == states["old"]
    load(own_store, synth_load[1], ontology.registry)  # and the load goes through
    assert snapshot(own_store, ontology) == states["new"]


@pytest.mark.parametrize("fraction", [0.15, 0.5, 0.85, 1.0, 1.15])
def test_server_killed_at_any_moment_of_a_load_leaves_the_old_or_the_new_graph(
    own_server: OwnServer,
    own_store: Store,
    ontology: Ontology,
    synth_load: tuple[Path, Prepared],
    states: dict[str, Any],
    fraction: float,
) -> None:
    """Kills aimed across the whole load, commit included (1.0 and around it)."""
    load_paths(own_store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    timer = threading.Timer(states["seconds"] * fraction, own_server.kill)
    timer.start()
    outcome = "committed"
    try:
        load(own_store, synth_load[1], ontology.registry)
    except StoreUnavailable as exc:
        outcome = "failed"
        assert_clear_message(exc)
    finally:
        timer.join()
    own_server.start()
    after = snapshot(own_store, ontology)
    assert after in (states["old"], states["new"]), outcome
    if outcome == "committed":  # a load that returned is durable
        assert after == states["new"]


# ------------------------------------------------------------------ kill during queries


def test_server_killed_during_queries_gives_store_unavailable_then_recovers(
    own_server: OwnServer, own_store: Store, ontology: Ontology
) -> None:
    load_paths(own_store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    before = snapshot(own_store, ontology)
    errors: list[BaseException] = []
    answers = [0]
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                own_store.counts()
                own_store.read(
                    "MATCH (a:Resource {iri: $iri})-[r]-(b:Resource) RETURN b.iri AS iri",
                    {"iri": "https://w3id.org/sahel-kg/id/t-group"},
                )
                answers[0] += 1
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 30
        while answers[0] < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        own_server.kill()
        deadline = time.monotonic() + 60
        while len(errors) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert answers[0] >= 20
    assert errors, "no reader noticed the server was gone"
    for exc in errors:
        assert isinstance(exc, StoreUnavailable), repr(exc)
        assert_clear_message(exc)

    own_server.start()
    assert snapshot(own_store, ontology) == before


# ------------------------------------------------------------------ bad input


BAD_FILES = sorted(p.name for p in BAD.iterdir() if not p.name.startswith("accepted_"))


def big_literal(tmp_path: Path, suffix: str) -> Path:
    """A 10 MB literal, written at test time (not committed), as N-Triples or JSON-LD."""
    iri = "https://w3id.org/sahel-kg/id/huge"
    comment = "http://www.w3.org/2000/01/rdf-schema#comment"
    path = tmp_path / f"big_literal{suffix}"
    text = "ü" * 10_000_000
    if suffix == ".nt":
        path.write_text(f'<{iri}> <{comment}> "{text}" .\n', encoding="utf-8")
    else:
        path.write_text(f'{{"@id": "{iri}", "{comment}": "{text}"}}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("name", [*BAD_FILES, "big_literal.nt", "big_literal.jsonld"])
def test_bad_input_is_refused_naming_the_file_and_changes_nothing(
    store: Store, ontology: Ontology, tmp_path: Path, name: str
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    before = snapshot(store, ontology)
    path = big_literal(tmp_path, Path(name).suffix) if name.startswith("big_") else BAD / name
    with pytest.raises(InputError) as err:
        load(store, prepare([ONTOLOGY, path], ontology), ontology.registry)
    assert path.name in str(err.value)
    assert "Traceback" not in str(err.value)
    assert snapshot(store, ontology) == before


def test_awkward_unicode_loads_stays_distinct_and_round_trips(
    store: Store, ontology: Ontology, tmp_path: Path
) -> None:
    from tests.unit.test_mapping import assert_isomorphic

    load_paths(store, ontology, ONTOLOGY, BAD / "accepted_unicode.ttl")
    nfc, nfd = "u-S\u00e9gou", "u-Se\u0301gou"
    rows = store.read(
        "MATCH (n:Resource) WHERE n.iri IN $iris RETURN n.iri AS iri",
        {"iris": [f"https://w3id.org/sahel-kg/id/{x}" for x in (nfc, nfd)]},
    )
    assert len(rows) == 2  # NFC and NFD are two IRIs, two nodes
    for fmt, suffix in (("turtle", ".ttl"), ("ntriples", ".nt"), ("jsonld", ".jsonld")):
        out = tmp_path / f"export{suffix}"
        with out.open("wb") as fh:
            export.write(store, ontology.registry, fmt, fh)
        source = canonicalise(parse_files([ONTOLOGY, BAD / "accepted_unicode.ttl"]).graph)
        assert_isomorphic(source, canonicalise(parse_files([out]).graph))


def test_deeply_nested_blank_nodes_are_refused_with_their_limit(
    store: Store, ontology: Ontology
) -> None:
    """3,000 nested blank nodes: content-derived ids for them took rdflib 117 s here (2,000
    sibling ones ten minutes), so the load refuses them at once, naming the limit, and
    writes nothing."""
    path = BAD / "deep_bnodes.ttl"
    before = store.counts()
    with pytest.raises(InputError, match=r"3,000 blank nodes .*limit 300"):
        load(store, prepare([path], ontology), ontology.registry)
    assert store.counts() == before


# ------------------------------------------------------------------ reads racing a load


def test_reads_during_a_load_see_the_old_or_the_new_graph_never_a_mix(
    store: Store, ontology: Ontology, synth_load: tuple[Path, Prepared]
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    old = store.counts()
    prepared = synth_load[1]
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                # the API's own count and read path (graph.queries filters what a load
                # stages; Neo4j may ask to retry a read that met a commit: the driver does)
                row = store.read(queries.API_COUNTS)[0]
                seen.append((int(row["nodes"]), int(row["relationships"])))
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        # small batches: many commits while the readers read (each hidden until the switch)
        load(store, prepared, ontology.registry, batch_size=500)
        time.sleep(0.5)  # a few reads of the new graph too
    finally:
        done.set()
        for t in threads:
            t.join(timeout=60)
    new = store.counts()
    assert new != old
    assert not errors, errors[:3]
    assert new in seen
    if not store.capabilities.atomic_commits:
        # ArcadeDB: reads wait for the switch's commit (CommitLock), so never a mix at all
        assert seen and set(seen) <= {old, new}, sorted(set(seen) - {old, new})[:5]
        return
    # Neo4j is read-committed: with the staged load, a scan that reads `stagedBy` node by
    # node while the switch commits can see part of it (seen: 9,234 of 10,400
    # relationships). A known open defect of the staged design on Neo4j (graph/README.md,
    # "Loading"), not hidden: the test fails whenever it happens (not every run).
    partial = sorted({n for n, _ in seen} - {old[0], new[0]})[:5]
    partial += sorted({r for _, r in seen} - {old[1], new[1]})[:5]
    assert not partial, f"Neo4j readers saw part of the switch: {partial}"
