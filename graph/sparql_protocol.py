"""The SPARQL 1.1 Protocol around the engine (graph/sparql.py): which format to answer in,
the prefixes every query may use without declaring them, the query form, and the Service
Description.

Formats come from the `format` / `output` / `results` parameters (short names or media
types, repeated or not: SPARQLWrapper sends `format=tsv&format=text/tab-separated-values`),
the first one that fits the query's form winning, then from the Accept header, matched with
python-mimeparse (q-values, wildcards and specificity as RFC 9110 has them: a maintained
implementation rather than one more hand-written parser).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import mimeparse
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, VOID, XSD

from graph.errors import NotAcceptable, QueryError
from graph.formats import RDF_FORMATS, RDFLIB_NAMES, RESULT_FORMATS, media_types
from graph.namespaces import FORMATS, PREFIXES as NAMESPACE_PREFIXES, SD

# Predeclared in every query (a query may redeclare any of them).
PREFIXES = NAMESPACE_PREFIXES
# name -> canonical media type (what the answer's Content-Type says).
RESULT_TYPES: dict[str, str] = media_types(RESULT_FORMATS)
GRAPH_TYPES: dict[str, str] = media_types(RDF_FORMATS)  # a graph result in TriG: its default graph
# Every media type accepted per kind, the default LAST (mimeparse breaks ties, `*/*`
# included, in favour of the last).
_ACCEPTED: dict[str, dict[str, str]] = {
    "results": {
        "text/tab-separated-values": "tsv",
        "text/csv": "csv",
        "text/xml": "xml",
        "application/xml": "xml",
        "application/sparql-results+xml": "xml",
        "application/json": "json",
        "application/sparql-results+json": "json",
    },
    "graph": {
        "application/n-quads": "nquads",
        "application/trig": "trig",
        "text/plain": "ntriples",
        "application/n-triples": "ntriples",
        "application/x-json+ld": "jsonld",
        "application/ld+json": "jsonld",
        "text/xml": "rdfxml",
        "application/xml": "rdfxml",
        "application/rdf+xml": "rdfxml",
        "text/n3": "turtle",  # Turtle is N3
        "text/rdf+n3": "turtle",
        "application/n3": "turtle",
        "application/x-turtle": "turtle",
        "application/turtle": "turtle",
        "text/turtle": "turtle",
    },
}
# Short names of `format=` and friends: one name may stand for both kinds ("xml": SPARQL
# XML results, or RDF/XML for a graph), as the clients mean it.
_NAMES: dict[str, dict[str, str]] = {
    "json": {"results": "json", "graph": "jsonld"},
    "xml": {"results": "xml", "graph": "rdfxml"},
    "csv": {"results": "csv"},
    "tsv": {"results": "tsv"},
    "turtle": {"graph": "turtle"},
    "ttl": {"graph": "turtle"},
    "n3": {"graph": "turtle"},
    "ntriples": {"graph": "ntriples"},
    "n-triples": {"graph": "ntriples"},
    "nt": {"graph": "ntriples"},
    "jsonld": {"graph": "jsonld"},
    "json-ld": {"graph": "jsonld"},
    "rdfxml": {"graph": "rdfxml"},
    "rdf+xml": {"graph": "rdfxml"},
    "rdf": {"graph": "rdfxml"},
    "trig": {"graph": "trig"},
    "nquads": {"graph": "nquads"},
    "n-quads": {"graph": "nquads"},
    "nq": {"graph": "nquads"},
}
FORMAT_PARAMS = ("format", "output", "results")


def kind_of(form: str) -> str:
    """'graph' for CONSTRUCT and DESCRIBE, 'results' for SELECT and ASK."""
    return "graph" if form in ("CONSTRUCT", "DESCRIBE") else "results"


def _from_value(value: str, kind: str) -> str | None:
    key = value.split(";")[0].strip().lower()
    return _NAMES.get(key, {}).get(kind) or _ACCEPTED[kind].get(key)


def choose(kind: str, values: list[str], accept: str | None) -> str:
    """The format name to answer a `kind` result in: the first `format`-like value that
    fits, else the best Accept match, else the default (JSON results, Turtle graphs).
    Raises NotAcceptable when the client asked and nothing fits."""
    for value in values:
        name = _from_value(value, kind)
        if name:
            return name
    accept = (accept or "").strip()
    if accept:
        try:
            media = mimeparse.best_match(list(_ACCEPTED[kind]), accept)
        except (ValueError, mimeparse.MimeTypeParseException):
            media = ""
        if media:
            return _ACCEPTED[kind][media]
    elif not values:
        return "json" if kind == "results" else "turtle"
    asked = ", ".join([*values, *([f"Accept: {accept}"] if accept else [])])
    offered = RESULT_TYPES if kind == "results" else GRAPH_TYPES
    what = "a SELECT or ASK result" if kind == "results" else "a CONSTRUCT or DESCRIBE graph"
    raise NotAcceptable(
        f"none of the formats asked for ({asked}) fits {what}; supported: "
        + ", ".join(f"{media} ({name})" for name, media in offered.items())
    )


def best_of(offered: list[str], accept: str | None) -> str:
    """The best of `offered` media types (the default last) for an Accept header; ''
    when none fits."""
    try:
        return str(mimeparse.best_match(offered, accept or "*/*"))
    except (ValueError, mimeparse.MimeTypeParseException):
        return ""


# ------------------------------------------------------------------ reading the query

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''.*?(?:'''|\Z)|\"\"\".*?(?:\"\"\"|\Z)
      |'(?:[^'\\\n]|\\.)*(?:'|$)|"(?:[^"\\\n]|\\.)*(?:"|$))
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<bnode>_:[\w.-]*)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:[\w.:%-]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


@dataclass
class Prepared:
    """A query ready for the engine: `text` with the predeclared prefixes it uses put in
    front (on its first line, so line numbers in messages stay the user's), `shift` the
    characters added there, `form` SELECT / CONSTRUCT / DESCRIBE / ASK."""

    text: str
    form: str
    shift: int


def prepare(query: str) -> Prepared:
    """Find the form, the prefixes declared and used; refuse an unknown prefix in one line."""
    declared: set[str] = set()
    used: dict[str, int] = {}  # prefix -> line of first use
    form = ""
    after_prefix = False
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "word":
            word = m.group().upper()
            after_prefix = word == "PREFIX"
            if not form and word in _FORMS:
                form = word
            continue
        if kind == "pname":
            prefix = m.group().split(":", 1)[0]
            if after_prefix:
                declared.add(prefix)
            elif prefix not in used:
                used[prefix] = query.count("\n", 0, m.start()) + 1
        after_prefix = False
    for prefix, line in used.items():
        if prefix not in declared and prefix not in PREFIXES:
            known = ", ".join(sorted(set(PREFIXES) | declared))
            raise QueryError(
                f"undeclared prefix `{prefix}:` at line {line}; known prefixes: {known} "
                "(or add PREFIX " + (prefix or "") + ": <…>)"
            )
    head = "".join(
        f"PREFIX {p}: <{PREFIXES[p]}> " for p in used if p not in declared and p in PREFIXES
    )
    return Prepared(head + query, form or "SELECT", len(head))


_POSITION = re.compile(r"error at (\d+):(\d+)")
_EXPECTED = re.compile(r"expected one of (.*)", re.DOTALL)
_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[A-Za-z][\w ]*')


def tidy_syntax_error(message: str, shift: int) -> str:
    """The parser's message on one line, positions as the user wrote them (before the
    prefixes put in front), and its character classes (pages of Unicode ranges) left out
    of the list of what was expected."""

    def position(m: re.Match[str]) -> str:
        line, col = int(m.group(1)), int(m.group(2))
        return f"error at line {line}, column {col - shift if line == 1 else col}"

    text = _POSITION.sub(position, " ".join(message.split()), count=1)
    expected = _EXPECTED.search(text)
    if expected:
        items = _ITEM.findall(expected.group(1))
        kept = [i.strip() for i in items if not i.startswith("[")]
        if any(i.startswith("[") and "'A'" in i for i in items):
            kept.append("a name")
        text = text[: expected.start()] + "expected one of " + ", ".join(kept)
    return text


# ------------------------------------------------------------------ service description

_FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle,
    "ntriples": FORMATS["N-Triples"],
    "jsonld": FORMATS["JSON-LD"],
    "rdfxml": FORMATS.RDF_XML,
    "trig": FORMATS.TriG,
    "nquads": FORMATS["N-Quads"],
}


def service_description(endpoint: str, triples: int | None) -> Graph:
    """SPARQL 1.1 Service Description of the endpoint; the predeclared prefixes as SHACL
    prefix declarations (sh:declare), the vocabulary W3C has for them."""
    g = Graph()
    for name, vocab in (("sd", SD), ("formats", FORMATS), ("void", VOID), ("sh", SH)):
        g.bind(name, vocab)
    me = URIRef(endpoint)
    g.add((me, RDF.type, SD.Service))
    g.add((me, SD.endpoint, me))
    g.add((me, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((me, DCTERMS.title, Literal("Sahel actors knowledge graph: SPARQL 1.1 query")))
    g.add(
        (
            me,
            RDFS.comment,
            Literal(
                "Read-only: SPARQL Update and SERVICE are refused. Answers from the graph "
                "store's own RDF export, brought up to date after every load. Predeclared "
                "prefixes: " + ", ".join(PREFIXES) + "."
            ),
        )
    )
    for iri in _FORMAT_IRIS.values():
        g.add((me, SD.resultFormat, iri))
    dataset, default = BNode(), BNode()
    g.add((me, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    if triples is not None:
        g.add((default, VOID.triples, Literal(triples)))
    for prefix, ns in PREFIXES.items():
        decl = BNode()
        g.add((me, SH.declare, decl))
        g.add((decl, SH.prefix, Literal(prefix)))
        g.add((decl, SH.namespace, Literal(ns, datatype=XSD.anyURI)))
    return g


RDFLIB_FORMATS = RDFLIB_NAMES
