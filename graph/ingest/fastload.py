"""Prepare a large import for graph.load without rdflib's Turtle parser.

rdflib parses about 10k triples a second: a 100k-row ACLED import (2.3M triples) would spend
minutes there before the load starts. pyoxigraph parses the same file in seconds; its terms
are turned into rdflib terms (cached: IRIs and predicates repeat) and go through the same
term check and the same pure mapping as any load, so the result is what graph.load.prepare
would give. Imports have no blank nodes; a file with some goes the usual way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import MappingError, RDFSyntaxError
from graph.load import Ontology, Prepared, content_id, prepare
from graph.mapping import check_terms, to_property_graph
from graph.rdf import Parsed

Triple = tuple[Node, Node, Node]


@dataclass
class Streamed(Prepared):
    """A Prepared whose triples were never held in an rdflib Graph."""

    count: int = 0

    @property
    def triples(self) -> int:
        return self.count


def prepare_large(path: Path, ontology: Ontology) -> Prepared:
    triples = read_triples(path)
    if triples is None:  # blank nodes: they need rdflib's canonicalisation
        return prepare([path], ontology, validate=False)
    problems = check_terms(triples, ontology.registry)
    if problems:
        shown = "\n".join(f"  - {s}: {why}" for s, why in problems[:20])
        raise MappingError(f"{path}: {len(problems)} problem(s):\n{shown}")
    pg = to_property_graph(triples, ontology.registry)
    load_id = content_id(cast(Graph, triples))  # it only iterates
    return Streamed(Parsed(Graph(), [path]), pg, load_id, len(triples))


def read_triples(path: Path) -> list[Triple] | None:
    iris: dict[str, URIRef] = {}
    literals: dict[tuple[str, str | None, str | None], Literal] = {}

    def term(t: Any) -> Node:
        if isinstance(t, ox.NamedNode):
            found = iris.get(t.value)
            if found is None:
                found = iris[t.value] = URIRef(t.value)
            return found
        if isinstance(t, ox.Literal):
            lang = t.language
            dtype = None if lang else t.datatype.value
            if dtype == "http://www.w3.org/2001/XMLSchema#string":
                dtype = None  # RDF 1.1: the plain literal, as graph.rdf stores it
            key = (t.value, lang, dtype)
            lit = literals.get(key)
            if lit is None:
                lit = literals[key] = Literal(t.value, lang=lang, datatype=dtype)
            return lit
        raise _BlankNode

    out: list[Triple] = []
    try:
        with path.open("rb") as fh:
            for q in ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=None):
                out.append((term(q.subject), term(q.predicate), term(q.object)))
    except _BlankNode:
        return None
    except SyntaxError as exc:
        raise RDFSyntaxError(str(path), str(exc)[:500]) from exc
    return out


class _BlankNode(Exception):
    pass
