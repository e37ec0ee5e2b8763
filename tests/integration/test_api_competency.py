"""The competency questions (tests/competency.py) answered through REST, /cypher and /sparql
over HTTP give the expected answers; a real SPARQL client (SPARQLWrapper) and the official
neo4j driver agree with REST."""

from __future__ import annotations

from typing import Any

import httpx
import neo4j
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from graph.settings import Settings
from graph.store import Store
from tests.competency import QUESTIONS, answers

pytestmark = pytest.mark.integration
IDS = [q["id"] for q in QUESTIONS]


def rest(http: httpx.Client, q: dict[str, Any]) -> set[Any]:
    r = http.get(q["rest"]["path"], params=q["rest"]["params"])
    assert r.status_code == 200, r.text
    return q["rest"]["pick"](r.json())  # type: ignore[no-any-return]


def sparql_rows(body: dict[str, Any]) -> list[list[Any]]:
    names = body["head"]["vars"]
    return [[b.get(v, {}).get("value") for v in names] for b in body["results"]["bindings"]]


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_rest(http: httpx.Client, q: dict[str, Any]) -> None:
    assert rest(http, q) == q["expected"]


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_cypher_endpoint(http: httpx.Client, q: dict[str, Any]) -> None:
    r = http.post("/cypher", json={"query": q["cypher"]})
    assert r.status_code == 200, r.text
    assert answers(r.json()["rows"]) == q["expected"]


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_sparql_endpoint(http: httpx.Client, q: dict[str, Any]) -> None:
    r = http.get("/sparql", params={"query": q["sparql"]},
                 headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert answers(sparql_rows(r.json())) == q["expected"]
    p = http.post("/sparql", data={"query": q["sparql"]})
    assert answers(sparql_rows(p.json())) == q["expected"]


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_sparqlwrapper_agrees_with_rest(
    api: str,
    http: httpx.Client,
    q: dict[str, Any],
) -> None:
    client = SPARQLWrapper(api + "/sparql")
    client.setQuery(q["sparql"])
    client.setReturnFormat(JSON)
    body = client.query().convert()
    assert isinstance(body, dict)
    assert answers(sparql_rows(body)) == rest(http, q)


@pytest.mark.parametrize("q", QUESTIONS, ids=IDS)
def test_neo4j_driver_agrees_with_rest(
    driver: neo4j.Driver,
    settings: Settings,
    seeded: Store,
    http: httpx.Client,
    q: dict[str, Any],
) -> None:
    records, _, _ = driver.execute_query(
        q["cypher"], database_=settings.database, routing_=neo4j.RoutingControl.READ
    )
    assert answers([list(r.values()) for r in records]) == rest(http, q)
