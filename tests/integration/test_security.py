"""The read-only promise held by the store itself, on either backend: writes and host-file
reads smuggled past the checker are refused by the server (reader account or READ mode),
the SPARQL view never calls out, runaway reads stop on the server, a stalled export does not
hold a load, the embedded store's secrets stay private, and cross-site requests are refused.
Nothing is written: counts and the graph's hash are the same before and after."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from graph import embedded
from graph.errors import QueryError, ReadOnlyViolation, StoreError
from graph.export import graph_hash
from graph.ontology import Ontology
from graph.read import Reader
from graph.read.cypher import cypher
from graph.settings import Settings
from graph.store import Store
from tests.integration.conftest import embedded_server, load_paths, server_pid
from tests.unit.test_readonly import WRITES

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data"

# Writes and file reads sent straight to the store, without the checker.
SMUGGLED = [
    "CREATE (:Hacked {x: 1})",
    "MATCH (n:Resource) WITH n LIMIT 1 SET n.hacked = true",
    "MATCH (n:Resource) WITH n LIMIT 1 DETACH DELETE n",
    "MERGE (:Hacked {x: 2})",
    "CREATE INDEX hacked IF NOT EXISTS FOR (n:Hacked) ON (n.x)",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "CALL apoc.create.node(['Hacked'], {x: 3}) YIELD node RETURN node",
    "CALL `merge.node`(['Hacked'], {x: 4}) YIELD node RETURN node",
]


@pytest.mark.parametrize("query", SMUGGLED)
def test_the_server_refuses_writes_past_the_checker(
    seeded: Store,
    state_before: tuple[tuple[int, int], str],
    query: str,
) -> None:
    """The reader's session is what every read path uses (REST, /cypher, `sahelkg query`,
    exports): whatever the checker misses, the server refuses."""
    with pytest.raises(Exception) as raised, seeded.read_session() as session:
        rows = session.run(query).data()
        raise AssertionError(f"the store ran {query!r}: {str(rows)[:200]}")
    assert "AssertionError" not in type(raised.value).__name__, raised.value
    assert "root:" not in str(raised.value)


def test_on_neo4j_explain_refuses_what_looks_like_a_read(
    seeded: Store,
    ontology: Ontology,
) -> None:
    """A write procedure inside an allowed-looking query is refused by the server's own plan
    (EXPLAIN's query type) before it runs, where the server can classify."""
    reader = Reader(seeded, ontology.registry, timeout_s=5)
    query = (
        "MATCH (n:Actor) WITH n LIMIT 1 "
        "CALL apoc.create.node(['Hacked'], {}) YIELD node RETURN node"
    )
    if not seeded.capabilities.classifies_queries:
        pytest.skip("ArcadeDB's EXPLAIN calls reads writes: its reader account refuses instead")
    with pytest.raises(ReadOnlyViolation, match="the server plans this query as"):
        reader.run(query, untrusted=True)


@pytest.mark.parametrize("query", WRITES)
def test_cypher_corpus_changes_nothing(http: httpx.Client, query: str) -> None:
    r = http.post("/cypher", json={"query": query})
    assert r.status_code in (400, 403), r.text
    assert "root:" not in r.text


def test_load_csv_of_a_host_file_returns_nothing(http: httpx.Client) -> None:
    for query in (
        "//\rLOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
        "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    ):
        r = http.post("/cypher", json={"query": query})
        assert r.status_code == 403 and "root:" not in r.text


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ ?s ?p ?o }} # x\r SERVICE <http://127.0.0.1:{port}/> {{ ?a ?b ?c }}",
        "SELECT * WHERE {{ # x\r SERVICE <http://127.0.0.1:{port}/> {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ ?s ?p ?o }} # x\r LOAD <http://127.0.0.1:{port}/x.ttl>",
        "# x\rINSERT DATA {{ <http://127.0.0.1:{port}/a> <urn:b> <urn:c> }}",
    ],
)
def test_sparql_never_calls_out(
    http: httpx.Client,
    listener: tuple[int, list[bytes]],
    template: str,
) -> None:
    port, seen = listener
    r = http.get("/sparql", params={"query": template.format(port=port)})
    assert r.status_code in (400, 403), r.text
    time.sleep(0.3)
    assert seen == []


def test_nothing_was_written(
    seeded: Store,
    ontology: Ontology,
    state_before: tuple[tuple[int, int], str],
) -> None:
    """Runs after the attacks above (pytest keeps file order)."""
    assert (seeded.counts(), graph_hash(seeded, ontology.registry)) == state_before


def test_cross_site_requests_are_refused(http: httpx.Client, api: str) -> None:
    ask = {"query": "ASK { ?s ?p ?o }"}
    img = http.get("/sparql", params=ask, headers={"Sec-Fetch-Site": "cross-site"})
    assert img.status_code == 403 and "cross-site" in img.json()["detail"]
    other = http.post("/cypher", json={"query": "RETURN 1"}, headers={"Origin": "http://evil.test"})
    assert other.status_code == 403
    own = http.get("/sparql", params=ask, headers={"Origin": api, "Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200, own.text
    page = http.get("/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
                                  "Sec-Fetch-Dest": "document"})  # fmt: skip
    assert page.status_code == 200  # a link to the explorer from elsewhere still opens it
    for name, value in (
        ("content-security-policy", "default-src 'self'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
    ):
        assert value in page.headers[name]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    bad_host = http.get("/health", headers={"Host": "evil.test"})
    assert bad_host.status_code == 400


def test_health_names_the_backend_and_shows_no_folders(http: httpx.Client) -> None:
    body = http.get("/health").json()
    assert body["server"] and body["backend"] in ("arcadedb-embedded", "neo4j")
    assert "/" not in json.dumps(body["last_load"]["files"])


def test_cypher_answer_is_capped_in_bytes(seeded: Store, ontology: Ontology) -> None:
    reader = Reader(seeded, ontology.registry, max_rows=10_000, max_response_bytes=2048)
    answer = cypher(reader, "MATCH (n:Resource) RETURN n.iri, n.name")
    assert answer.truncated is True
    assert 0 < answer.row_count < 200
    assert len(json.dumps(answer.rows, ensure_ascii=False)) <= 2048


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_runaway_queries_stop_on_the_server(
    http: httpx.Client,
    settings: Settings,
) -> None:
    """Ten reads that would run for minutes: each a 504, the server's CPU idle again within
    seconds of the last, and a cheap read answers normally."""
    runaway = (
        "UNWIND range(1, 5000000) AS x UNWIND range(1, 1000) AS y WITH x, y WHERE x = -1 RETURN x"
    )
    for _ in range(10):
        r = http.post("/cypher", json={"query": runaway})
        assert r.status_code == 504, r.text
    pid = server_pid(settings)
    idle = False
    for _ in range(30):  # the server's own timeout ends the last one within its timeout
        start = _cpu_seconds(pid)
        time.sleep(1.0)
        if _cpu_seconds(pid) - start < 0.3:
            idle = True
            break
    assert idle, "the server still burns CPU after the reads were cut"
    cheap = http.post("/cypher", json={"query": "MATCH (n:Actor) RETURN count(n) AS c"})
    assert cheap.status_code == 200 and cheap.json()["rows"][0][0] > 100


def test_a_stalled_export_does_not_hold_a_load(
    api: str,
    seeded: Store,
    ontology: Ontology,
) -> None:
    """A client that asks for the whole graph and never reads it: a load still commits."""
    host, port = api.removeprefix("http://").split(":")
    stalled = socket.create_connection((host, int(port)))
    try:
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.sendall(f"GET /export?format=ntriples HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        time.sleep(3)  # the export is under way or done; the client reads nothing
        done = threading.Event()
        failure: list[BaseException] = []

        def load() -> None:
            try:
                load_paths(seeded, ontology, DATA / "tricky.ttl", validate=False)
            except BaseException as exc:
                failure.append(exc)
            finally:
                done.set()

        threading.Thread(target=load, daemon=True).start()
        assert done.wait(120), "the load is still waiting for the stalled export"
        assert not failure, failure
    finally:
        stalled.close()


def test_a_load_waits_for_readers_only_until_its_deadline(
    tmp_path_factory: pytest.TempPathFactory, ontology: Ontology
) -> None:
    """A reader that holds the store (here: held on purpose) makes a load fail at its
    deadline with a clear error, and nothing is written."""
    with embedded_server(tmp_path_factory.mktemp("wait"), commit_wait_s=1.0) as s:
        from graph.store import open_store

        store = open_store(s)
        try:
            store.ensure_schema()
            counts = store.counts()
            held = pytest.raises(StoreError, match=r"readers held the store for more than 1s")
            with store.reading(), held:
                load_paths(store, ontology, DATA / "tricky.ttl", validate=False)
            assert store.counts() == counts
        finally:
            store.close()


def test_embedded_store_secrets_are_private(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Passwords differ between data directories, appear in no process's command line, and
    nothing the server writes is readable by other users."""
    dirs = [tmp_path_factory.mktemp("secret-a"), tmp_path_factory.mktemp("secret-b")]
    seen: list[embedded.Credentials] = []
    with embedded_server(dirs[0]) as a, embedded_server(dirs[1]) as b:
        for s in (a, b):
            creds = embedded.credentials(s)
            seen.append(creds)
            secrets = {creds.writer[1], creds.reader[1]}
            for proc in Path("/proc").iterdir():
                if proc.name.isdigit():
                    try:
                        cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
                    except OSError:
                        continue
                    assert not any(x in cmdline for x in secrets), f"pid {proc.name}"
            root = s.embedded_dir
            assert root.stat().st_mode & 0o077 == 0
            for path in root.rglob("*"):
                assert path.stat().st_mode & 0o077 == 0, f"{path} is readable by others"
    assert seen[0].writer[1] != seen[1].writer[1] and seen[0].reader[1] != seen[1].reader[1]


def test_store_stop_signals_only_our_server(tmp_path: Path) -> None:
    s = Settings(neo4j_uri=None, data_dir=tmp_path)
    s.embedded_dir.mkdir(parents=True)
    (s.embedded_dir / "server.pid").write_text(
        json.dumps({"pid": os.getpid(), "bolt_port": 1, "http_port": 2})
    )
    with pytest.raises(embedded.EmbeddedServerError, match="not the ArcadeDB server"):
        embedded.stop(s)
    assert not (s.embedded_dir / "server.pid").exists()  # and this process lives on


def test_a_bad_date_parameter_is_a_client_error(seeded: Store, ontology: Ontology) -> None:
    reader = Reader(seeded, ontology.registry)
    with pytest.raises(QueryError):
        cypher(reader, "RETURN date($d) AS d", {"d": "2024-13-45"})
