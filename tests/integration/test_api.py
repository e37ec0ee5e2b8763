"""The HTTP API over real HTTP: uvicorn on a free port in a thread, an httpx client, the real
Bolt server (tests/integration/conftest.py) loaded with the ontology and the seeds.

The fixtures here (`seeded`, `api`, `http`) are imported by the other test_api_* modules."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import neo4j
import pytest

from graph.load import load, prepare
from graph.ontology import Ontology
from graph.settings import Settings
from graph.store import Store
from tests.integration.conftest import Server, api_settings, free_port

pytestmark = pytest.mark.integration


def no_traceback(r: httpx.Response) -> None:
    assert "Traceback" not in r.text
    body = r.json()
    assert body["status"] == r.status_code and body["error"] and body["detail"]


# ------------------------------------------------------------------ endpoints


def test_health(http: httpx.Client) -> None:
    body = http.get("/health").json()
    assert body["status"] == "ok" and body["reachable"] is True
    assert body["nodes"] > 400 and body["relationships"] > 800
    assert body["last_load"]["id"]


@pytest.mark.parametrize(
    "q", ["jnim", "JNIM", "GSIM", "Jama'at Nusrat al-Islam wal-Muslimin", "jamaat nusrat"]
)
def test_actor_search_finds_jnim_by_any_alias(http: httpx.Client, q: str) -> None:
    body = http.get("/actors", params={"q": q}).json()
    assert body["items"][0]["id"] == "jnim"
    item = body["items"][0]
    assert item["iri"] == "https://w3id.org/sahel-kg/id/jnim"
    assert "JihadistGroup" in item["types"] and "GSIM" in item["aliases"] and item["label"]


def test_actor_search_is_accent_insensitive(http: httpx.Client) -> None:
    ids = {i["id"] for i in http.get("/actors", params={"q": "assimi goita"}).json()["items"]}
    assert "assimi-goita" in ids
    ids = {i["id"] for i in http.get("/actors", params={"q": "Goïta"}).json()["items"]}
    assert "assimi-goita" in ids


def test_actor_search_by_type_and_pages(http: httpx.Client) -> None:
    first = http.get("/actors", params={"type": "JihadistGroup", "limit": 2}).json()
    second = http.get("/actors", params={"type": "jihadistgroup", "limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] >= 4
    assert len(first["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert all("JihadistGroup" in i["types"] for i in first["items"] + second["items"])


def test_actor_by_slug_or_iri(http: httpx.Client) -> None:
    a = http.get("/actors/jnim").json()
    b = http.get("/actors/https://w3id.org/sahel-kg/id/jnim").json()
    assert a == b and a["id"] == "jnim" and a["founded"] == "2017-03-02"
    assert a["sources"] and all(s["iri"] for s in a["sources"])


def test_relations_at_a_date(http: httpx.Client) -> None:
    body = http.get(
        "/actors/mali/relations", params={"at": "2019-06-01", "type": "PARTNER_OF"}
    ).json()
    assert {i["other"]["id"] for i in body["items"]} == {"france"}
    item = body["items"][0]
    assert item["validFrom"] <= "2019-06-01" <= item["validTo"] and item["sources"]
    assert item["direction"] in ("out", "in")
    body = http.get("/actors/mali/relations", params={"at": "2024-06-01", "type": "partnerOf"})
    # Türkiye: TB2 drones delivered from December 2022 (seeds/relations_breadth.ttl, issue 14)
    assert {i["other"]["id"] for i in body.json()["items"]} == {"russia", "turkiye"}


def test_relation_direction(http: httpx.Client) -> None:
    body = http.get("/actors/aes/relations", params={"type": "MEMBER_OF"}).json()
    members = {i["other"]["id"] for i in body["items"] if i["direction"] == "in"}
    assert {"mali", "burkina-faso", "niger"} <= members


def test_neighbourhood_is_a_graph(http: httpx.Client) -> None:
    one = http.get("/actors/jnim/neighbourhood", params={"hops": 1}).json()
    two = http.get("/actors/jnim/neighbourhood", params={"hops": 2}).json()
    assert len(two["nodes"]) > len(one["nodes"]) > 1
    iris = {n["iri"] for n in two["nodes"]}
    assert all(e["source"] in iris and e["target"] in iris for e in two["edges"])
    assert {n["hop"] for n in one["nodes"]} == {0, 1}


def test_paths(http: httpx.Client) -> None:
    body = http.get("/paths", params={"from": "jnim", "to": "russia"}).json()
    assert body["paths"]
    for p in body["paths"]:
        assert p["nodes"][0]["id"] == "jnim" and p["nodes"][-1]["id"] == "russia"
        assert p["length"] == len(p["relationships"]) == len(p["nodes"]) - 1
    lengths = {p["length"] for p in body["paths"]}
    assert len(lengths) == 1  # all of the shortest, none longer


def test_paths_at_a_date_use_only_relations_valid_then(http: httpx.Client) -> None:
    body = http.get(
        "/paths", params={"from": "mali", "to": "france", "at": "2019-06-01", "max_hops": 3}
    ).json()
    assert body["paths"] and body["paths"][0]["length"] == 1
    for p in body["paths"]:
        for r in p["relationships"]:
            assert r["validFrom"] and r["validFrom"] <= "2019-06-01"
            assert r["validTo"] is None or r["validTo"] >= "2019-06-01"
    later = http.get(
        "/paths", params={"from": "mali", "to": "france", "at": "2024-06-01", "max_hops": 3}
    ).json()
    for p in later["paths"]:
        assert p["length"] > 1


def test_events_filters(http: httpx.Client) -> None:
    body = http.get(
        "/events", params={"actor": "jnim", "from": "2024-01-01", "to": "2024-12-31"}
    ).json()
    assert body["items"] and all("2024-01-01" <= e["date"] <= "2024-12-31" for e in body["items"])
    in_bamako = http.get("/events", params={"place": "bamako"}).json()["items"]
    assert "event-2024-09-17-bamako-attack" in {e["id"] for e in in_bamako}
    in_mali = http.get("/events", params={"place": "mali", "limit": 500}).json()
    assert in_mali["total"] >= len(in_bamako)  # places inside Mali count
    attacks = http.get("/events", params={"type": "Attack", "limit": 500}).json()["items"]
    assert attacks and "event-2024-09-17-bamako-attack" in {e["id"] for e in attacks}


def test_event_with_claims(http: httpx.Client) -> None:
    body = http.get("/events/event-2024-09-17-bamako-attack").json()
    assert body["date"] == "2024-09-17" and {a["id"] for a in body["claimedBy"]} == {"jnim"}
    tolls = [c for c in body["claims"] if c["kind"] == "Fatalities"]
    assert len({str(c["value"]) for c in tolls}) >= 3  # the sources disagree; all are kept
    for c in tolls:
        assert c["sources"] and c["attribution"]


def test_timeline(http: httpx.Client) -> None:
    body = http.get("/timeline", params={"actor": "mali", "from": "2020-01-01"}).json()
    dates = [e["date"] for e in body["items"]]
    assert dates == sorted(dates) and dates[0] >= "2020-01-01"
    kinds = {e["kind"] for e in body["items"]}
    assert {"event", "relation-start", "relation-end"} <= kinds


def test_cypher(http: httpx.Client) -> None:
    r = http.post(
        "/cypher",
        json={
            "query": "MATCH (n:Resource {iri: $iri}) RETURN n.name AS name, n.foundedDate AS d",
            "parameters": {"iri": "https://w3id.org/sahel-kg/id/jnim"},
        },
    )
    body = r.json()
    assert body["columns"] == ["name", "d"] and body["rows"][0][1] == "2017-03-02"
    assert body["truncated"] is False


def test_cypher_row_cap(http: httpx.Client) -> None:
    body = http.post("/cypher", json={"query": "MATCH (n:Resource) RETURN n.iri"}).json()
    assert body["truncated"] is True and len(body["rows"]) == 50  # max_rows of this server


def test_sparql_formats(http: httpx.Client) -> None:
    q = "SELECT ?s WHERE { ?s a <https://w3id.org/sahel-kg/ontology#Alliance> } ORDER BY ?s"
    for accept, media in [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ]:
        r = http.get("/sparql", params={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
        assert "https://w3id.org/sahel-kg/id/aes" in r.text
    c = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3"
    for accept, media in [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
    ]:
        r = http.post(
            "/sparql", content=c, headers={"Content-Type": "application/sparql-query",
                                           "Accept": accept}
        )  # fmt: skip
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), r.text
    ask = http.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}).json()
    assert ask["boolean"] is True


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "trig", "rdfxml"])
def test_export_rdf_round_trips(http: httpx.Client, fmt: str, tmp_path: Path) -> None:
    import rdflib

    r = http.get("/export", params={"format": fmt})
    assert r.status_code == 200
    parser = {"ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}.get(fmt, fmt)
    graph = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
    graph.parse(data=r.content, format=parser)
    assert len(graph) > 4000 or sum(1 for _ in graph.quads()) > 4000


def test_export_graphml_and_csv(http: httpx.Client) -> None:
    import csv
    import io
    import xml.etree.ElementTree as ET
    import zipfile

    health = http.get("/health").json()
    g = http.get("/export", params={"format": "graphml"})
    root = ET.fromstring(g.content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == health["nodes"]
    assert len(root.findall(".//g:edge", ns)) == health["relationships"]
    c = http.get("/export", params={"format": "csv"})
    with zipfile.ZipFile(io.BytesIO(c.content)) as zf:
        nodes = list(csv.DictReader(io.StringIO(zf.read("nodes.csv").decode())))
        edges = list(csv.DictReader(io.StringIO(zf.read("edges.csv").decode())))
    assert len(nodes) == health["nodes"] and len(edges) == health["relationships"]


def test_ontology(http: httpx.Client) -> None:
    body = http.get("/ontology").json()
    assert "JihadistGroup" in {c["label"] for c in body["classes"]}
    assert "PARTNER_OF" in {r["type"] for r in body["relationship_types"]}
    ttl = http.get("/ontology", headers={"Accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle") and "sahel:Actor" in ttl.text


def test_openapi_lists_the_contract(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for p in [
        "/health",
        "/actors",
        "/actors/{id}",
        "/actors/{id}/relations",
        "/actors/{id}/neighbourhood",
        "/events",
        "/events/{id}",
        "/paths",
        "/timeline",
        "/cypher",
        "/sparql",
        "/export",
        "/ontology",
    ]:
        assert p in paths, p


# ------------------------------------------------------------------ bad input: 4xx, never 5xx

BAD_GETS = [
    ("/actors/nobody-at-all", 404),
    ("/actors/https://example.org/not-here", 404),
    ("/actors/bamako", 404),  # a place, not an actor
    ("/events/jnim", 404),  # an actor, not an event
    ("/events/no-such-event", 404),
    ("/actors/jnim/relations?at=2024-13-45", 422),
    ("/actors/jnim/relations?at=yesterday", 422),
    ("/actors/jnim/relations?type=LOVES", 422),
    ("/actors/jnim/relations?type=ALLIED_WITH%5D-()%20DETACH%20DELETE%20n//", 422),
    ("/actors/jnim/neighbourhood?hops=99", 422),
    ("/actors/jnim/neighbourhood?hops=0", 422),
    ("/actors/jnim/neighbourhood?hops=two", 422),
    ("/actors?limit=1000000000", 422),
    ("/actors?limit=0", 422),
    ("/actors?offset=-1", 422),
    ("/actors?type=Banana", 422),
    ("/events?limit=99999999999999999999", 422),
    ("/events?from=2024-02-30", 422),
    ("/events?from=2025-01-01&to=2024-01-01", 422),
    ("/events?actor=nobody", 404),
    ("/events?place=nowhere", 404),
    ("/events?type=Picnic", 422),
    ("/events?role=perpetrator", 422),
    ("/paths?from=jnim", 422),
    ("/paths?from=jnim&to=jnim", 422),
    ("/paths?from=jnim&to=russia&max_hops=99", 422),
    ("/paths?from=jnim&to=russia&max_hops=1000", 422),  # a 1,000-hop path asked for
    ("/paths?from=jnim&to=nobody", 404),
    ("/timeline?actor=nobody", 404),
    ("/timeline", 422),
    ("/export?format=docx", 422),
    ("/ontology?format=pdf", 422),
    ("/sparql?query=", 400),
    ("/sparql?query=SELECT%20*%20%7B%20?s%20foo:p%20?o%20%7D", 400),
    ("/sparql?query=SELEKT%20*", 400),
    ("/no/such/path", 404),
]


@pytest.mark.parametrize(("url", "status"), BAD_GETS)
def test_bad_requests_get_documented_4xx(http: httpx.Client, url: str, status: int) -> None:
    r = http.get(url)
    assert r.status_code == status, r.text
    no_traceback(r)


def test_a_thousand_hop_path_is_refused_naming_the_parameter(http: httpx.Client) -> None:
    r = http.get("/paths", params={"from": "jnim", "to": "russia", "max_hops": 1000})
    assert r.status_code == 422
    assert "max_hops" in r.text and "6" in r.text, r.text


@pytest.mark.parametrize(
    ("body", "ctype", "status"),
    [
        (b"{not json", "application/json", 422),
        (b"", "application/json", 422),
        (b"[1, 2]", "application/json", 422),
        (b'{"query": 42}', "application/json", 422),
        (b'{"query": ""}', "application/json", 422),
        (b'{"query": "RETURN 1", "parameters": [1]}', "application/json", 422),
        (b'{"query": "RETURN 1", "extra": 1}', "application/json", 422),
        (b'{"query": "MATCH (n RETURN n"}', "application/json", 400),
        (b'{"query": "RETURN 1"}', "text/plain", 422),
        (b"\xff\xfe", "application/json", 422),
    ],
)
def test_malformed_cypher_requests(
    http: httpx.Client, body: bytes, ctype: str, status: int
) -> None:
    r = http.post("/cypher", content=body, headers={"Content-Type": ctype})
    assert r.status_code == status, r.text
    no_traceback(r)


def test_bad_query_message_comes_from_the_parser(http: httpx.Client) -> None:
    r = http.post("/cypher", json={"query": "MATCH (n RETURN n"})
    assert r.status_code == 400 and "RETURN" in r.json()["detail"]
    r = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400 and "syntax" in r.json()["detail"].lower()


def test_request_body_size_limit(http: httpx.Client) -> None:
    big = b'{"query": "RETURN 1", "parameters": {"x": "' + b"a" * 2_000_000 + b'"}}'
    r = http.post("/cypher", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    no_traceback(r)


def test_store_down_gives_503(settings: Settings, seeded: Store) -> None:
    """A server whose store cannot be reached answers 503 with a clear message, at once."""
    down = api_settings(settings, neo4j_uri=f"bolt://127.0.0.1:{free_port()}")
    with Server(down) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        started = time.monotonic()
        r = client.get("/actors/jnim")
        assert r.status_code == 503 and "cannot be reached" in r.json()["detail"]
        assert time.monotonic() - started < 10
        h = client.get("/health")
        assert h.status_code == 503 and h.json()["reachable"] is False
        r = client.post("/cypher", json={"query": "RETURN 1"})
        assert r.status_code == 503
        started = time.monotonic()  # the SPARQL view asks for the graph's version once
        r = client.get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 503 and time.monotonic() - started < 10


def test_a_runaway_cypher_query_times_out(settings: Settings, seeded: Store) -> None:
    """ArcadeDB ignores the Bolt transaction timeout: the service stops waiting, cuts the
    connection and answers 504; the next query works."""
    heavy = (  # billions of rows on either server
        "UNWIND range(1, 5000000) AS x UNWIND range(1, 1000) AS y "
        "WITH x, y WHERE x = -1 RETURN count(*) AS n"
    )
    quick = api_settings(settings, query_timeout_s=1.0)
    with Server(quick) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        started = time.monotonic()
        r = client.post("/cypher", json={"query": heavy})
        elapsed = time.monotonic() - started
        assert r.status_code == 504, r.text
        assert "did not finish within 1s" in r.json()["detail"]
        assert elapsed < 5
        ok = client.post("/cypher", json={"query": "RETURN 1 AS one"})
        assert ok.status_code == 200 and ok.json()["rows"] == [[1]]


def test_paths_match_a_breadth_first_search_at_every_date(
    http: httpx.Client, driver: neo4j.Driver, settings: Settings, ontology: Ontology
) -> None:
    """Shortest-path lengths and counts from /paths equal a breadth-first search done here
    over every actor relation, with the same date rule, for a sample of actor pairs and
    dates. (A search that applies the date to the path after finding the shortest one, as ArcadeDB's
    allShortestPaths does with WHERE, misses longer valid paths: 2 pairs in 180 here.)"""
    import datetime as dt
    import itertools
    import random
    from collections import defaultdict, deque

    from graph.vocab import SAHEL

    types = sorted(ontology.registry.relationship_types(SAHEL.actorRelation))
    records, _, _ = driver.execute_query(
        "MATCH (a:Resource)-[r]->(b:Resource) WHERE type(r) IN $types "
        "RETURN a.iri AS a, b.iri AS b, r.validFrom AS f, r.validTo AS t",
        types=types,
        database_=settings.database,
    )
    actors, _, _ = driver.execute_query(
        "MATCH (n:Actor) RETURN n.iri AS iri ORDER BY iri", database_=settings.database
    )

    def shortest(a: str, b: str, at: dt.date | None, max_hops: int) -> tuple[int, int] | None:
        """The length of the shortest walks from a to b, and how many there are (a walk
        per relation taken: parallel relations make several)."""
        adj: dict[str, list[str]] = defaultdict(list)
        for r in records:
            f, t = r["f"], r["t"]
            if at is not None and (
                f is None or f.to_native() > at or (t is not None and t.to_native() < at)
            ):
                continue
            if r["a"] != r["b"]:
                adj[r["a"]].append(r["b"])
                adj[r["b"]].append(r["a"])
        dist, walks = {a: 0}, {a: 1}
        todo = deque([a])
        while todo:
            x = todo.popleft()
            if x == b:
                return dist[x], walks[x]
            if dist[x] < max_hops:
                for y in adj[x]:
                    if y not in dist:
                        dist[y], walks[y] = dist[x] + 1, 0
                        todo.append(y)
                    if dist[y] == dist[x] + 1:
                        walks[y] += walks[x]
        return None

    rng = random.Random(7)
    pairs = rng.sample(list(itertools.permutations([r["iri"] for r in actors], 2)), 40)
    found = 0
    for at in (None, dt.date(2019, 6, 1), dt.date(2024, 6, 1)):
        for a, b in pairs:
            params: dict[str, Any] = {"from": a, "to": b, "max_hops": 4}
            if at:
                params["at"] = at.isoformat()
            body = http.get("/paths", params=params).json()
            want = shortest(a, b, at, 4)
            got = (body["paths"][0]["length"], len(body["paths"])) if body["paths"] else None
            assert got == (want and (want[0], min(want[1], 20))), (a, b, at)
            for p in body["paths"]:  # each relation joins the two nodes it stands between
                ids = [n["iri"] for n in p["nodes"]]
                ends = [{r["source"], r["target"]} for r in p["relationships"]]
                assert ends == [{x, y} for x, y in itertools.pairwise(ids)], p
            found += got is not None
    assert found > 10


def test_concurrent_requests(api: str) -> None:
    """Mixed REST, Cypher and SPARQL requests from 8 threads at once all succeed."""
    from concurrent.futures import ThreadPoolExecutor

    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/actors", {"params": {"q": "jnim"}}),
        ("GET", "/actors/mali/relations", {"params": {"at": "2024-06-01"}}),
        ("GET", "/actors/jnim/neighbourhood", {"params": {"hops": 2}}),
        ("GET", "/paths", {"params": {"from": "jnim", "to": "russia"}}),
        ("GET", "/events/event-2024-09-17-bamako-attack", {}),
        ("POST", "/cypher", {"json": {"query": "MATCH (n:Actor) RETURN count(n) AS c"}}),
        ("GET", "/sparql", {"params": {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}}),
    ] * 8

    def call(c: tuple[str, str, dict[str, Any]]) -> int:
        with httpx.Client(base_url=api, timeout=60) as client:
            return client.request(c[0], c[1], **c[2]).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(call, calls))
    assert statuses == [200] * len(calls)


def test_sparql_follows_loads(
    http: httpx.Client, seeded: Store, ontology: Ontology, tmp_path: Path
) -> None:
    """After a load the SPARQL copy is rebuilt (the load ids changed): REST, /cypher and
    /sparql see the new actor at once. Runs last here: it adds to the module's graph."""
    ask = "ASK { <https://w3id.org/sahel-kg/id/test-militia-x> ?p ?o }"
    assert http.get("/sparql", params={"query": ask}).json()["boolean"] is False
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'kg:test-militia-x a sahel:Militia ; rdfs:label "Test militia X"@en .\n',
        encoding="utf-8",
    )
    load(seeded, prepare([extra], ontology, validate=False), ontology.registry)
    assert http.get("/sparql", params={"query": ask}).json()["boolean"] is True
    assert http.get("/actors/test-militia-x").json()["label"] == "Test militia X"
    found = http.get("/actors", params={"q": "test militia x"}).json()["items"]
    assert [a["id"] for a in found] == ["test-militia-x"]
