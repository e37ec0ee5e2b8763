"""Which RDF terms the graph knows, and their property-graph names.

Labels and relationship types come from here only, never from raw text: a class of the
ontology becomes a label (its local name), an object property a relationship type
(UPPER_SNAKE of its local name), a data property a property key (its local name). A small
fixed table covers the RDF, RDFS, OWL, SKOS, Dublin Core, PROV and GeoSPARQL terms the
ontology and the seeds use. Anything else is an unknown term and is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV

from graph.errors import MappingError
from graph.namespaces import GEO, prefixes
from graph.vocab import SAHEL_NS

# Property keys the graph layer writes itself; no predicate may map onto them.
# What a load stamps: its id, and `stagedBy` on a node of a load in progress (and on a
# published one until its load tidies it). Neither is a fact about the resource.
LOAD_MARKS = frozenset({"loadId", "stagedBy"})
# Derived from the other properties (`mapping.derived_props`): written again on every merge.
DERIVED_KEYS = frozenset({"name", "search"})
RESERVED_KEYS = LOAD_MARKS | DERIVED_KEYS | {"iri", "rdfTypes", "sources"}
# Labels the loader gives itself.
RESOURCE_LABEL = "Resource"
LOAD_LABEL = "Load"

# Prefixes used to shorten datatype IRIs inside property keys (e.g. "price^^xsd:decimal").
PREFIXES: dict[str, str] = prefixes("xsd", "rdf", "geo", "sahel")

_BUILTIN_CLASSES: dict[URIRef, str] = {
    OWL.Class: "Class",
    OWL.Ontology: "Ontology",
    OWL.ObjectProperty: "ObjectProperty",
    OWL.DatatypeProperty: "DatatypeProperty",
    OWL.AnnotationProperty: "AnnotationProperty",
    OWL.FunctionalProperty: "FunctionalProperty",
    OWL.InverseFunctionalProperty: "InverseFunctionalProperty",
    OWL.SymmetricProperty: "SymmetricProperty",
    OWL.TransitiveProperty: "TransitiveProperty",
    OWL.NamedIndividual: "NamedIndividual",
    RDFS.Class: "RdfsClass",
    RDF.Property: "Property",
    SKOS.Concept: "Concept",
    GEO.Geometry: "Geometry",
}

# predicate -> (property key, relationship type, scalar when it has one value)
_BUILTIN_PREDICATES: dict[URIRef, tuple[str, str, bool]] = {
    RDFS.label: ("label", "LABEL", True),
    RDFS.comment: ("comment", "COMMENT", True),
    RDFS.subClassOf: ("subClassOf", "SUB_CLASS_OF", False),
    RDFS.subPropertyOf: ("subPropertyOf", "SUB_PROPERTY_OF", False),
    RDFS.domain: ("domain", "DOMAIN", False),
    RDFS.range: ("range", "RANGE", False),
    RDFS.seeAlso: ("seeAlso", "SEE_ALSO", False),
    RDFS.isDefinedBy: ("isDefinedBy", "IS_DEFINED_BY", False),
    OWL.sameAs: ("sameAs", "SAME_AS", False),
    OWL.equivalentClass: ("equivalentClass", "EQUIVALENT_CLASS", False),
    OWL.equivalentProperty: ("equivalentProperty", "EQUIVALENT_PROPERTY", False),
    OWL.inverseOf: ("inverseOf", "INVERSE_OF", False),
    OWL.disjointWith: ("disjointWith", "DISJOINT_WITH", False),
    OWL.imports: ("imports", "IMPORTS", False),
    OWL.versionInfo: ("versionInfo", "VERSION_INFO", True),
    SKOS.altLabel: ("altLabel", "ALT_LABEL", False),
    SKOS.prefLabel: ("prefLabel", "PREF_LABEL", True),
    SKOS.definition: ("definition", "DEFINITION", True),
    SKOS.note: ("skosNote", "SKOS_NOTE", False),
    SKOS.broader: ("broader", "BROADER", False),
    SKOS.exactMatch: ("exactMatch", "EXACT_MATCH", False),
    SKOS.closeMatch: ("closeMatch", "CLOSE_MATCH", False),
    DCTERMS.title: ("dctermsTitle", "DCTERMS_TITLE", True),
    DCTERMS.description: ("description", "DESCRIPTION", False),
    DCTERMS.created: ("created", "CREATED", True),
    DCTERMS.modified: ("modified", "MODIFIED", True),
    DCTERMS.issued: ("issued", "ISSUED", True),
    DCTERMS.creator: ("creator", "CREATOR", False),
    DCTERMS.license: ("license", "LICENSE", False),
    DCTERMS.source: ("dctermsSource", "DCTERMS_SOURCE", False),
    RDF.value: ("rdfValue", "RDF_VALUE", False),
    RDF.first: ("first", "FIRST", True),
    RDF.rest: ("rest", "REST", True),
    PROV.wasDerivedFrom: ("wasDerivedFrom", "WAS_DERIVED_FROM", False),
    PROV.wasAttributedTo: ("wasAttributedTo", "WAS_ATTRIBUTED_TO", False),
    GEO.hasGeometry: ("hasGeometry", "HAS_GEOMETRY", False),
    GEO.asWKT: ("asWKT", "AS_WKT", True),
}

_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def upper_snake(name: str) -> str:
    """alliedWith -> ALLIED_WITH; ACLEDType -> ACLED_TYPE."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.upper()


def local_name(iri: str) -> str:
    """What follows the IRI's last "#" or "/" (all of it when it has neither)."""
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1 :]


@dataclass(frozen=True)
class Registry:
    """The ontology's terms and their names in the property graph."""

    labels: dict[URIRef, str]  # class -> label
    ancestors: dict[URIRef, frozenset[str]]  # class -> its label and its superclasses' labels
    keys: dict[URIRef, str]  # predicate -> property key
    rel_types: dict[URIRef, str]  # predicate -> relationship type
    scalar: frozenset[URIRef]  # predicates stored as a scalar when they have one value
    object_properties: frozenset[URIRef]  # the ontology's owl:ObjectProperty terms
    key_to_predicate: dict[str, URIRef]
    rel_to_predicate: dict[str, URIRef]
    label_to_class: dict[str, URIRef]
    super_properties: dict[URIRef, frozenset[URIRef]]  # predicate -> itself and its ancestors

    @classmethod
    def from_ontology(cls, onto: Graph) -> Registry:
        labels = dict(_BUILTIN_CLASSES)
        keys = {p: k for p, (k, _, _) in _BUILTIN_PREDICATES.items()}
        rels = {p: r for p, (_, r, _) in _BUILTIN_PREDICATES.items()}
        scalar = {p for p, (_, _, one) in _BUILTIN_PREDICATES.items() if one}
        for c in set(onto.subjects(RDF.type, OWL.Class)):
            if isinstance(c, URIRef) and str(c).startswith(SAHEL_NS):
                labels[c] = local_name(str(c))
        prop_types = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for t in prop_types:
            for p in set(onto.subjects(RDF.type, t)):
                if isinstance(p, URIRef) and str(p).startswith(SAHEL_NS):
                    name = local_name(str(p))
                    keys[p] = name
                    rels[p] = upper_snake(name)
        for p in set(onto.subjects(RDF.type, OWL.FunctionalProperty)):
            if isinstance(p, URIRef):
                scalar.add(p)
        object_properties = frozenset(
            p for p in onto.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)
        )
        parents: dict[URIRef, set[URIRef]] = {}
        for c, sup in onto.subject_objects(RDFS.subClassOf):
            if isinstance(c, URIRef) and isinstance(sup, URIRef):
                parents.setdefault(c, set()).add(sup)
        ancestors = {
            c: frozenset(labels[a] for a in _closure(c, parents) if a in labels) for c in labels
        }
        prop_parents: dict[URIRef, set[URIRef]] = {}
        for p, sup in onto.subject_objects(RDFS.subPropertyOf):
            if isinstance(p, URIRef) and isinstance(sup, URIRef):
                prop_parents.setdefault(p, set()).add(sup)
        super_properties = {p: frozenset(_closure(p, prop_parents)) for p in object_properties}
        _check_unique("property key", keys)
        _check_unique("relationship type", rels)
        _check_unique("label", labels)
        for key in keys.values():
            if key in RESERVED_KEYS or not _KEY_RE.match(key):
                raise MappingError(f"ontology: property key {key!r} is reserved or malformed")
        return cls(
            labels=labels,
            ancestors=ancestors,
            keys=keys,
            rel_types=rels,
            scalar=frozenset(scalar),
            object_properties=object_properties,
            key_to_predicate={k: p for p, k in keys.items()},
            rel_to_predicate={r: p for p, r in rels.items()},
            label_to_class={label: c for c, label in labels.items()},
            super_properties=super_properties,
        )

    def labels_for(self, types: Iterable[str]) -> frozenset[str]:
        out = {RESOURCE_LABEL}
        for t in types:  # stored types come back as str, which URIRef keys do not match
            out |= self.ancestors.get(t if type(t) is URIRef else URIRef(t), frozenset())
        return frozenset(out)

    def relationship_types(self, parent: URIRef | None = None) -> dict[str, URIRef]:
        """Relationship types of the ontology's object properties, optionally only those
        declared below `parent` (e.g. sahel:actorRelation)."""
        return {
            self.rel_types[p]: p
            for p in self.object_properties
            if parent is None or parent in self.super_properties[p]
        }


def _closure(start: URIRef, parents: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    seen = {start}
    todo = [start]
    while todo:
        for sup in parents.get(todo.pop(), ()):
            if sup not in seen:
                seen.add(sup)
                todo.append(sup)
    return seen


def _check_unique(what: str, table: dict[URIRef, str]) -> None:
    seen: dict[str, URIRef] = {}
    for iri, name in table.items():
        if name in seen and seen[name] != iri:
            raise MappingError(
                f"ontology: {what} {name!r} would stand for both {seen[name]} and {iri}"
            )
        seen[name] = iri
