"""Writes through the read-only doors: the Cypher write-attack corpus at POST /cypher and the
SPARQL Update forms at /sparql are refused (403 with the reason, or 400), and the graph is
unchanged afterwards (same content hash)."""

from __future__ import annotations

import httpx
import pytest

from graph.export import graph_hash
from graph.ontology import Ontology
from graph.store import Store
from tests.integration.test_api import no_traceback
from tests.unit.test_readonly import WRITES

pytestmark = pytest.mark.integration

SPARQL_UPDATES = [
    "INSERT DATA { <https://w3id.org/sahel-kg/id/x> <https://w3id.org/sahel-kg/id/p> 1 }",
    "PREFIX kg: <https://w3id.org/sahel-kg/id/>\nDELETE WHERE { kg:jnim ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 'x' } WHERE { ?s ?p ?o }",
    "delete data { <https://w3id.org/sahel-kg/id/jnim> a <https://w3id.org/sahel-kg/x> }",
    "LOAD <http://example.org/evil.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:x>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP ALL",
    "DROP GRAPH <urn:x>",
    "CREATE GRAPH <urn:evil>",
    "ADD DEFAULT TO <urn:x>",
    "MOVE DEFAULT TO <urn:x>",
    "COPY DEFAULT TO <urn:x>",
    "WITH <urn:x> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "# a comment\nINSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
]
SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } } LIMIT 1",
    "select * where { service silent <http://127.0.0.1:2480/> { ?s ?p ?o } }",
]


def test_corpus_size() -> None:
    assert len(WRITES) >= 30


@pytest.mark.parametrize("query", WRITES)
def test_cypher_writes_are_refused(http: httpx.Client, hash_before: str, query: str) -> None:
    r = http.post("/cypher", json={"query": query, "parameters": {}})
    assert r.status_code in (400, 403), r.text
    no_traceback(r)
    if r.status_code == 403:
        assert "read-only" in r.json()["detail"] or "procedure" in r.json()["detail"]


@pytest.mark.parametrize("update", SPARQL_UPDATES)
def test_sparql_updates_are_refused(http: httpx.Client, hash_before: str, update: str) -> None:
    attempts = [
        http.get("/sparql", params={"query": update}),
        http.get("/sparql", params={"update": update}),
        http.post("/sparql", data={"update": update}),
        http.post("/sparql", data={"query": update}),
        http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}),
        http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-query"}),
    ]
    for r in attempts:
        assert r.status_code in (400, 403), r.text
        no_traceback(r)
        assert r.status_code == 400 or "read-only" in r.json()["detail"]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
def test_sparql_service_is_refused(http: httpx.Client, query: str) -> None:
    r = http.get("/sparql", params={"query": query})
    assert r.status_code == 403 and "SERVICE" in r.json()["detail"]


def test_the_graph_is_unchanged(
    http: httpx.Client,
    seeded: Store,
    ontology: Ontology,
    hash_before: str,
) -> None:
    """Runs after the attacks in this module (pytest keeps file order)."""
    assert graph_hash(seeded, ontology.registry) == hash_before
    ask = "ASK { <https://w3id.org/sahel-kg/id/x> ?p ?o }"
    assert http.get("/sparql", params={"query": ask}).json()["boolean"] is False
    count = http.post("/cypher", json={"query": "MATCH (n:Hacked) RETURN count(n) AS c"}).json()
    assert count["rows"] == [[0]]
