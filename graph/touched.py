"""What the stored graph knows of the nodes an input names without describing them: their
classes, so SHACL checks a new event naming a stored actor as it would the whole graph."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, URIRef
from rdflib.term import Node

from graph import queries
from graph.registry import Registry
from graph.store import Store

BATCH = 5_000


def stored_types(
    store: Store, iris: Iterable[str], registry: Registry
) -> list[tuple[Node, Node, Node]]:
    """rdf:type triples for every stored node among `iris`, one per class it is stored
    with (its own and its superclasses: SHACL's sh:class reads either)."""
    wanted = sorted(iris)
    found: list[tuple[Node, Node, Node]] = []
    for start in range(0, len(wanted), BATCH):
        for row in store.read(queries.STORED_LABELS, {"iris": wanted[start : start + BATCH]}):
            node = URIRef(row["iri"])
            found.extend(
                (node, RDF.type, registry.label_to_class[label])
                for label in row["labels"]
                if label in registry.label_to_class
            )
    return found
