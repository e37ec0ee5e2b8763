"""The SPARQL protocol helpers: which format a request gets (format parameters as
SPARQLWrapper, rdflib and browsers send them, then Accept), predeclared prefixes, the
one-line message for an undeclared one, tidied parser messages, the service description."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from graph.errors import NotAcceptable, QueryError
from graph.sparql_protocol import (
    PREFIXES,
    SD,
    choose,
    prepare,
    service_description,
    tidy_syntax_error,
)


@pytest.mark.parametrize(
    ("kind", "values", "accept", "expected"),
    [
        ("results", [], None, "json"),
        ("results", [], "*/*", "json"),
        ("graph", [], None, "turtle"),
        ("graph", [], "*/*", "turtle"),
        ("results", [], "application/sparql-results+xml", "xml"),
        ("results", [], "text/csv;q=0.5, text/tab-separated-values", "tsv"),
        ("graph", [], "application/n-triples", "ntriples"),
        ("graph", [], "application/ld+json, application/sparql-results+json;q=0.9", "jsonld"),
        ("results", [], "application/ld+json, application/sparql-results+json;q=0.9", "json"),
        ("graph", [], "text/turtle;q=0, application/rdf+xml;q=0.2", "rdfxml"),
        ("graph", [], "application/trig", "trig"),
        ("graph", [], "application/n-quads", "nquads"),
        # SPARQLWrapper: format=<name> repeated with the media type
        ("results", ["tsv", "text/tab-separated-values"], "text/tab-separated-values", "tsv"),
        ("graph", ["json-ld", "application/ld+json"], "application/ld+json", "jsonld"),
        ("graph", ["rdf+xml", "application/rdf+xml"], "application/rdf+xml", "rdfxml"),
        # its default, XML, for a CONSTRUCT means RDF/XML
        ("graph", ["xml", "xml", "xml"], "application/rdf+xml", "rdfxml"),
        ("results", ["xml"], None, "xml"),
        ("graph", ["json"], None, "jsonld"),
        # an unknown value, first or last, is skipped
        ("results", ["docx", "csv"], None, "csv"),
        ("results", ["csv", "docx"], None, "csv"),
        ("results", ["text/csv; charset=utf-8"], None, "csv"),
        # format beats Accept; an unknown format falls back to Accept
        ("results", ["csv"], "application/sparql-results+json", "csv"),
        ("results", ["docx"], "text/tab-separated-values", "tsv"),
        ("results", ["turtle"], "*/*", "json"),
    ],
)
def test_choose(kind: str, values: list[str], accept: str | None, expected: str) -> None:
    assert choose(kind, values, accept) == expected


@pytest.mark.parametrize(
    ("kind", "values", "accept"),
    [
        ("results", [], "text/turtle"),
        ("results", [], "image/png"),
        ("graph", [], "text/csv"),
        ("results", ["docx"], None),
        ("graph", ["csv"], None),
        ("results", [], "text/csv;q=0"),
    ],
)
def test_nothing_fits_is_406_listing_the_supported(
    kind: str, values: list[str], accept: str | None
) -> None:
    with pytest.raises(NotAcceptable, match="supported: ") as caught:
        choose(kind, values, accept)
    offered = "text/csv" if kind == "results" else "text/turtle"
    assert offered in str(caught.value)


def test_predeclared_prefixes_are_added_on_the_first_line() -> None:
    q = "SELECT ?g WHERE {\n  ?g a sahel:JihadistGroup ; rdfs:label ?l }"
    p = prepare(q)
    assert p.form == "SELECT"
    assert p.text.endswith(q) and p.text.count("\n") == q.count("\n")
    head = p.text[: p.shift]
    assert f"PREFIX sahel: <{PREFIXES['sahel']}>" in head and "PREFIX rdfs:" in head
    assert "PREFIX owl:" not in head  # only those used


def test_a_query_may_redeclare_a_prefix() -> None:
    q = "PREFIX sahel: <http://example.org/> ASK { ?s a sahel:X }"
    assert prepare(q).text == q


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("PREFIX select: <http://e/>\n# SELECT\ndescribe kg:mali", "DESCRIBE"),
        ("BASE <http://e/> ask { ?s ?p ?o }", "ASK"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert prepare(query).form == form


def test_undeclared_prefix_is_one_line_naming_it_and_its_line() -> None:
    q = 'SELECT * WHERE {\n  ?s foo:bar "baz:qux" ; ?p _:b0 }  # nope:x'
    with pytest.raises(QueryError) as caught:
        prepare(q)
    message = str(caught.value)
    assert message.startswith("undeclared prefix `foo:` at line 2; known prefixes: ")
    assert "sahel" in message and "\n" not in message
    assert "baz" not in message and "nope" not in message


def test_parser_messages_are_short_and_positions_are_the_users() -> None:
    raw = (
        "error at 1:40: expected one of \",\", \".\", ['0' ..= '9' | '\\u{00B7}'],\n"
        "['A' ..= 'Z' | 'a' ..= 'z' | '\\u{00C0}'..='\\u{00D6}'], [_]"
    )
    tidy = tidy_syntax_error(raw, 10)
    assert tidy == 'error at line 1, column 30: expected one of ",", ".", a name'
    assert tidy_syntax_error('error at 2:5: expected ")"', 10).startswith(
        "error at line 2, column 5"
    )


def test_service_description_names_the_endpoint() -> None:
    url = "http://127.0.0.1:8000/sparql"
    g = Graph().parse(data=service_description(url, 42).serialize(format="turtle"), format="turtle")
    me = URIRef(url)
    assert g.value(me, SD.endpoint) == me
    assert (me, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert len(list(g.objects(me, SD.resultFormat))) == 10
    default = g.value(g.value(me, SD.defaultDataset), SD.defaultGraph)
    assert default is not None


def test_the_html_form_escapes_what_the_request_brings() -> None:
    from api.routes.sparql import _form

    page = _form("http://x/'><script>alert(1)</script>/sparql")
    assert "<script>" not in page and "&#x27;&gt;&lt;script&gt;" in page
    assert "PREFIX sahel: &lt;https://w3id.org/sahel-kg/ontology#&gt;" in page
