"""The SPARQL engine without a graph server: refusals, content negotiation, results in every
format, and the timeout (the worker process is killed by its PID and started again)."""

from __future__ import annotations

import json
import os
import time
from typing import IO

import pytest

from graph.errors import QueryError, QueryTimeout, ReadOnlyViolation
from graph.sparql import SparqlEngine, check_query
from tests.unit.conftest import sparql_data as data


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "insert data { <a:b> <a:c> <a:d> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/x>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "CREATE GRAPH <urn:g>",
        "ADD DEFAULT TO <urn:g>",
        "MOVE DEFAULT TO <urn:g>",
        "COPY DEFAULT TO <urn:g>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/>\n# comment\nINSERT DATA { ex:a ex:b ex:c }",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://x/> { ?s ?p ?o } }",
    ],
)
def test_updates_and_service_are_refused(query: str) -> None:
    with pytest.raises(ReadOnlyViolation, match=r"read-only|SERVICE"):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s WHERE { ?s <http://example.org/insert> ?o }",
        'SELECT ?s WHERE { ?s ?p "DELETE WHERE" }',
        "SELECT ?s WHERE { ?s ?p ?o } # INSERT DATA in a comment",
        "PREFIX drop: <http://example.org/> SELECT ?s WHERE { ?s drop:load ?o }",
        "SELECT ?insert WHERE { ?insert ?p ?o }",
        "ASK { <http://example.org/service> ?p ?o }",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    ],
)
def test_queries_that_mention_update_words_pass(query: str) -> None:
    check_query(query)


@pytest.mark.parametrize("query", ["", "   ", "x" * 50_001])
def test_empty_or_huge_queries_are_refused(query: str) -> None:
    with pytest.raises(QueryError):
        check_query(query)


def test_results_in_every_format(engine: SparqlEngine) -> None:
    q = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o LIMIT 2"
    body = json.loads(engine.query(q, "json").body)
    assert [b["o"]["value"] for b in body["results"]["bindings"]] == ["0", "1"]
    assert b"<sparql" in engine.query(q, "xml").body
    assert engine.query(q, "csv").body.splitlines()[0] == b"s,o"
    assert engine.query(q, "tsv").body.splitlines()[0] == b"?s\t?o"
    ask = engine.query("ASK { ?s ?p ?o }", "json")
    assert ask.kind == "boolean" and json.loads(ask.body)["boolean"] is True
    graph = engine.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "json", "ntriples")
    assert graph.kind == "graph" and graph.media_type == "application/n-triples"
    assert graph.body.count(b"\n") == 1
    describe = engine.query("DESCRIBE <http://example.org/s1>", "json", "turtle")
    assert describe.kind == "graph" and describe.media_type == "text/turtle"
    assert b"http://example.org/p" in describe.body
    jsonld = engine.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2", "json", "jsonld")
    assert isinstance(json.loads(jsonld.body), list | dict)
    fr = engine.query('SELECT ?l WHERE { ?s <http://example.org/label> ?l FILTER(lang(?l)="fr") }')
    assert "zéro" in fr.body.decode()


def test_syntax_errors_carry_the_parser_message(engine: SparqlEngine) -> None:
    with pytest.raises(QueryError, match=r"SPARQL syntax error: .*1:"):
        engine.query("SELECT ?s WHERE { ?s ?p }")


def test_refresh_only_when_the_version_changes(engine: SparqlEngine) -> None:
    calls: list[int] = []

    def build(out: IO[bytes]) -> None:
        calls.append(1)
        data(out, 10)

    assert engine.refresh(("v1",), build) is False and not calls
    assert engine.refresh(("v2",), build) is True and calls == [1]
    count = json.loads(engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").body)
    assert count["results"]["bindings"][0]["n"]["value"] == "11"
    engine.refresh(("v1",), data)


def test_a_runaway_query_is_stopped_and_the_engine_recovers(engine: SparqlEngine) -> None:
    pid = engine.worker_pid
    assert pid is not None
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"did not finish within 1\.5s"):
        engine.query(slow)
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the worker that ran it is gone
    ok = json.loads(engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").body)
    assert ok["results"]["bindings"][0]["n"]["value"] == "61"  # same data, new worker
    assert engine.worker_pid not in (None, pid)


def test_results_past_the_size_cap_are_refused() -> None:
    small = SparqlEngine(timeout_s=5, max_result_bytes=2_000)
    try:
        small.refresh(("v",), data)
        with pytest.raises(QueryError, match=r"larger than 2,000 bytes.*LIMIT"):
            small.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert small.query("ASK { ?s ?p ?o }").kind == "boolean"  # the worker is fine
    finally:
        small.close()
