"""Checks and rewrites on parsed RDF before any mapping: terms the ontology must define, and
blank nodes given stable ids. Both read triples only, so they sit in the rdf layer, below
the mapping that relies on them."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from graph.registry import Registry

Triple = tuple[Node, Node, Node]
Key = tuple[str, str, str, int, str, str]
RDF_TYPE = RDF.type
BNODE = "_:"


def node_id(node: Node) -> str:
    """A node's id as stored: its IRI, or "_:" and the blank node's id."""
    if type(node) is URIRef:  # most terms; isinstance on rdflib terms is an ABC check
        return str(node)
    return BNODE + str(node) if isinstance(node, BNode) else str(node)


def triple_key(triple: Triple) -> Key:
    """A triple as plain values, one-to-one: (subject, predicate, object, 1 for a literal
    else 0, language tag, datatype), "" where there is none. The streamed index's rows and
    the load id's input (graph.load.ContentId), so both ways of reading agree."""
    s, p, o = triple
    if isinstance(o, Literal):
        dt = o.datatype
        return (
            node_id(s),
            str(p),
            str(o),
            1,
            o.language or "",
            str(dt) if dt and not o.language else "",
        )
    return node_id(s), str(p), node_id(o), 0, "", ""


def canonicalise(graph: Graph) -> Graph:
    """Give blank nodes stable, content-derived ids so loading twice merges, not duplicates."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    return to_canonical_graph(graph)


def check_terms(triples: Iterable[Triple], registry: Registry) -> list[tuple[Node, str]]:
    """(subject, reason) for every triple using a term the ontology does not define."""
    problems: list[tuple[Node, str]] = []
    rdf_type, labels, keys = RDF_TYPE, registry.labels, registry.keys
    for s, p, o in triples:
        # identity first: interned terms never reach URIRef.__eq__ (Python code)
        if p is rdf_type or (p not in keys and p == rdf_type):
            if o not in labels:
                problems.append((s, f"unknown class {o}"))
        elif p not in keys:
            problems.append((s, f"unknown property {p}"))
        elif not isinstance(s, URIRef | BNode):
            problems.append((s, "a literal cannot be a subject"))
    return problems
