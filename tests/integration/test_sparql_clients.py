"""/sparql with the clients people use, at their defaults: SPARQLWrapper (every return
format, SELECT / ASK / CONSTRUCT / DESCRIBE), rdflib's SPARQLStore behind the Graph API, and
plain HTTP as curl sends it (GET, POST form, POST application/sparql-query). The service
description at GET /sparql, the HTML form, 406 and the undeclared-prefix message.

Real uvicorn, real Bolt server with the ontology and the seeds (fixtures of test_api)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.integration

SAHEL = Namespace("https://w3id.org/sahel-kg/ontology#")
KG = Namespace("https://w3id.org/sahel-kg/id/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
# No PREFIX lines: sahel: and kg: are predeclared.
GROUPS = "SELECT ?g WHERE { ?g a sahel:JihadistGroup } ORDER BY ?g"
CONSTRUCT = "CONSTRUCT { kg:jnim ?p ?o } WHERE { kg:jnim ?p ?o }"
DESCRIBE = "DESCRIBE kg:jnim"


def wrapper(api: str, query: str, fmt: str | None = None) -> SPARQLWrapper:
    sw = SPARQLWrapper(f"{api}/sparql")  # method GET, return format XML: its defaults
    sw.setQuery(query)
    if fmt is not None:
        sw.setReturnFormat(fmt)
    return sw


# ------------------------------------------------------------------ SPARQLWrapper


def test_sparqlwrapper_select_in_every_format(api: str) -> None:
    body = wrapper(api, GROUPS, JSON).query().convert()
    groups = {b["g"]["value"] for b in body["results"]["bindings"]}
    assert str(KG.jnim) in groups and str(KG.aqim) in groups
    doc = wrapper(api, GROUPS).query().convert()  # default: XML, a DOM document
    uris = {n.firstChild.data for n in doc.getElementsByTagName("uri")}
    assert uris == groups
    rows = list(csv.reader(io.StringIO(wrapper(api, GROUPS, CSV).query().convert().decode())))
    assert rows[0] == ["g"] and {r[0] for r in rows[1:]} == groups
    tsv = wrapper(api, GROUPS, TSV).query().convert().decode().splitlines()
    assert tsv[0] == "?g" and {line.strip("<>") for line in tsv[1:]} == groups


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(api: str, fmt: str) -> None:
    yes = wrapper(api, "ASK { kg:jnim a sahel:JihadistGroup }", fmt).query().convert()
    no = wrapper(api, "ASK { kg:mali a sahel:JihadistGroup }", fmt).query().convert()
    if fmt == JSON:
        assert yes["boolean"] is True and no["boolean"] is False
    else:
        assert yes.getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


def _graph(converted: Any) -> Graph:
    """SPARQLWrapper gives an rdflib graph for RDF/XML and JSON-LD, Turtle as bytes."""
    if isinstance(converted, bytes):
        return Graph().parse(data=converted, format="turtle")
    assert isinstance(converted, Graph), type(converted)
    return converted


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize("fmt", [None, TURTLE, JSONLD, RDFXML], ids=str)
def test_sparqlwrapper_graphs(api: str, query: str, fmt: str | None) -> None:
    result = wrapper(api, query, fmt).query()
    media = result.response.headers["Content-Type"]
    expected = {None: "application/rdf+xml", TURTLE: "text/turtle", JSONLD: "application/ld+json"}
    assert media.startswith(expected.get(fmt, "application/rdf+xml")), media
    g = _graph(result.convert())
    assert (KG.jnim, RDF.type, SAHEL.JihadistGroup) in g
    assert any(g.objects(KG.jnim, RDFS.label))


# ------------------------------------------------------------------ rdflib SPARQLStore


def test_rdflib_sparqlstore_through_the_graph_api(api: str) -> None:
    g = Graph(store=SPARQLStore(f"{api}/sparql"))
    assert (KG.jnim, RDF.type, SAHEL.JihadistGroup) in g
    labels = {str(o) for o in g.objects(KG.jnim, RDFS.label)}
    assert "Group to Support Islam and Muslims (JNIM)" in labels
    rows = list(g.query(GROUPS))
    assert URIRef(KG.jnim) in {row[0] for row in rows}  # type: ignore[index]
    described = g.query(CONSTRUCT).graph
    assert described is not None and (KG.jnim, RDF.type, SAHEL.JihadistGroup) in described
    assert g.query("ASK { kg:jnim ?p ?o }").askAnswer is True


# ------------------------------------------------------------------ plain HTTP (curl)


def test_curl_get_and_both_posts(http: httpx.Client) -> None:
    q = "SELECT (COUNT(?g) AS ?n) WHERE { ?g a sahel:JihadistGroup }"
    counts = [
        http.get("/sparql", params={"query": q}),
        http.post("/sparql", data={"query": q}),
        http.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"}),
    ]
    values = set()
    for r in counts:
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/sparql-results+json")
        values.add(r.json()["results"]["bindings"][0]["n"]["value"])
    assert len(values) == 1 and int(values.pop()) >= 4


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/trig", "application/trig"),
        ("application/n-quads", "application/n-quads"),
    ],
)
def test_graph_results_by_accept(http: httpx.Client, accept: str, media: str) -> None:
    r = http.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media), r.text
    parser = {
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
        "application/trig": "trig",
        "application/n-quads": "nquads",
    }.get(media, "turtle")
    g = Graph().parse(data=r.content, format=parser)
    assert (KG.jnim, RDF.type, SAHEL.JihadistGroup) in g


def test_nothing_acceptable_is_406_listing_the_supported(http: httpx.Client) -> None:
    r = http.get("/sparql", params={"query": GROUPS}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    body = r.json()
    assert body["error"] == "not_acceptable" and "text/csv" in body["detail"]
    r = http.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert r.status_code == 406 and "text/turtle" in r.json()["detail"]


def test_undeclared_prefix_is_a_one_line_400(http: httpx.Client) -> None:
    r = http.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s foo:bar ?o }"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert detail.startswith("undeclared prefix `foo:` at line 2; known prefixes:")
    assert "sahel" in detail and "\n" not in detail


def test_syntax_errors_are_short(http: httpx.Client) -> None:
    # 33 characters, then the end: the parser wants more at column 34 (counted without
    # the PREFIX line put in front of the query)
    r = http.get("/sparql", params={"query": "SELECT * WHERE { ?s sahel:name ?o"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert detail.startswith("SPARQL syntax error at line 1, column 34"), detail
    assert "u{" not in detail and len(detail) < 200


# ------------------------------------------------------------------ service description


@pytest.mark.parametrize(
    ("accept", "parser"),
    [(None, "turtle"), ("text/turtle", "turtle"), ("application/ld+json", "json-ld")],
)
def test_service_description(
    http: httpx.Client,
    api: str,
    accept: str | None,
    parser: str,
) -> None:
    headers = {"Accept": accept} if accept else {}
    r = http.get("/sparql", headers=headers)
    assert r.status_code == 200, r.text
    g = Graph().parse(data=r.content, format=parser)
    me = URIRef(f"{api}/sparql")
    assert (me, RDF.type, SD.Service) in g
    assert (me, SD.endpoint, me) in g
    assert (me, SD.supportedLanguage, SD.SPARQL11Query) in g
    graph = g.value(g.value(me, SD.defaultDataset), SD.defaultGraph)
    triples = g.value(graph, URIRef("http://rdfs.org/ns/void#triples"))
    assert isinstance(triples, Literal) and int(triples) > 4000
    prefixes = {
        str(g.value(d, URIRef("http://www.w3.org/ns/shacl#prefix")))
        for d in g.objects(me, URIRef("http://www.w3.org/ns/shacl#declare"))
    }
    assert {"sahel", "kg", "rdf", "rdfs", "owl", "xsd", "skos", "prov", "org", "time"} <= prefixes


def test_browser_gets_a_query_form(http: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = http.get("/sparql", headers={"Accept": browser})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<form" in r.text and "name='query'" in r.text
    assert "PREFIX sahel: &lt;https://w3id.org/sahel-kg/ontology#&gt;" in r.text
    # What the form sends back (format=csv) answers.
    r = http.get("/sparql", params={"query": GROUPS, "format": "csv"}, headers={"Accept": browser})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert json.dumps(str(KG.jnim))[1:-1] in r.text
