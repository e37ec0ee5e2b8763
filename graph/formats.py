"""The RDF syntaxes and SPARQL result formats, by the names the CLI, the API and /sparql
use: their media types and the pyoxigraph and rdflib formats behind them. One table each;
which one a request gets is graph/sparql_protocol.py's (format parameters, Accept).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

# name -> (pyoxigraph format, media type), in the order help texts list them.
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "nquads": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
# Other names accepted for them (`sahelkg export -f ttl`).
RDF_ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "nq": "nquads",
    "json-ld": "jsonld",
    "xml": "rdfxml",
}
# name -> rdflib's name for the same syntax (rdflib serialises a CONSTRUCT's graph).
RDFLIB_NAMES: dict[str, str] = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "jsonld": "json-ld",
    "trig": "trig",
    "rdfxml": "xml",
}
# Input files: suffix -> rdflib's parser name (N3 is read, never written).
FILE_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".trig": "trig",
    ".nq": "nquads",
}
# The parsers pyoxigraph has for them (it keeps every lexical form as written; rdflib's
# Turtle parser turns the integer token 007 into "7"). rdflib reads JSON-LD and N3.
OX_PARSERS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "xml": ox.RdfFormat.RDF_XML,
}

# SPARQL results (SELECT, ASK): name -> (pyoxigraph format, media type).
RESULT_FORMATS: dict[str, tuple[ox.QueryResultsFormat, str]] = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}


def media_types(table: Mapping[str, tuple[object, str]]) -> dict[str, str]:
    """name -> media type of one of the tables above."""
    return {name: media for name, (_, media) in table.items()}
