"""Property graph -> RDF, streamed: nodes are read in pages by iri inside ONE read
transaction (a consistent view even while a load commits), each page turned into triples
and handed to pyoxigraph's serialisers, which write as they go. TriG and N-Quads put each
resource's triples in the named graph of the load that last wrote it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import IO, Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph import queries
from graph.errors import InputError
from graph.formats import RDF_ALIASES, RDF_FORMATS
from graph.jsonld import write_compact
from graph.mapping import Triple, node_triples, rel_triples
from graph.namespaces import prefixes
from graph.registry import PREFIXES, Registry
from graph.store import Store

FORMATS = RDF_FORMATS
ALIASES = RDF_ALIASES
EXPORT_PREFIXES = {**prefixes("sahel", "kg", "rdfs", "owl", "skos", "wd"), **PREFIXES}
LOAD_GRAPH = "urn:sahelkg:load:"
# Opens the read transaction the pages are read in: the store's by default, or a Reader's
# `snapshot` (the API, the SPARQL view: its deadline on top of the reader account).
Snapshot = Callable[[], AbstractContextManager[Any]]


def format_of(name: str) -> str:
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise InputError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return key


def iter_quads(
    store: Store, registry: Registry, snapshot: Snapshot | None = None
) -> Iterator[tuple[Triple, str | None]]:
    """Every triple of the stored graph, with the load id that wrote it."""
    with (snapshot or store.read_transaction)() as tx:
        for row in store.scan(tx, queries.EXPORT_NODES):
            props: dict[str, Any] = row["props"]
            load = props.get("loadId")
            for t in node_triples(row["iri"], props, registry):
                yield t, load
            for rel_type, rel_props, end in row["rels"]:
                for t in rel_triples(rel_type, row["iri"], end, rel_props, registry):
                    yield t, rel_props.get("loadId")


def iter_triples(
    store: Store, registry: Registry, snapshot: Snapshot | None = None
) -> Iterator[Triple]:
    for t, _ in iter_quads(store, registry, snapshot):
        yield t


def write(
    store: Store, registry: Registry, fmt: str, out: IO[bytes], snapshot: Snapshot | None = None
) -> int:
    """Serialise the whole graph to `out`; returns the number of triples written."""
    name = format_of(fmt)
    if name == "jsonld":  # compact, with an @context (pyoxigraph writes expanded JSON-LD)
        return write_compact(iter_triples(store, registry, snapshot=snapshot), EXPORT_PREFIXES, out)
    rdf_format = FORMATS[name][0]
    # Only TriG and N-Quads name the load graphs; JSON-LD readers expect the default graph.
    quads = rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
    count = 0

    def terms() -> Iterator[ox.Triple | ox.Quad]:
        nonlocal count
        for (s, p, o), load in iter_quads(store, registry, snapshot=snapshot):
            count += 1
            if quads:
                graph = ox.NamedNode(LOAD_GRAPH + load) if load else ox.DefaultGraph()
                yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)  # type: ignore[arg-type]
            else:
                yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]

    ox.serialize(terms(), out, rdf_format, prefixes=EXPORT_PREFIXES)  # type: ignore[arg-type]
    return count


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def graph_hash(store: Store, registry: Registry) -> str:
    """A digest of the stored graph's content (load stamps excluded): equal hashes, equal
    graphs. Used to prove that a refused input or query changed nothing."""
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in iter_triples(store, registry))
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()
