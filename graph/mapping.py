"""RDF <-> property graph, as pure functions (no I/O). The rules, with examples, are in
graph/README.md; in short:

- every IRI or blank node that is a subject or an object is a node labelled ``Resource``,
  keyed by ``iri`` (blank nodes are canonicalised first, so their ids are stable: "_:c14n…");
- rdf:type gives labels (the class and all its superclasses in the ontology); the asserted
  types are kept in ``rdfTypes`` so the export writes back exactly what was said;
- a literal becomes a property. Plain strings, xsd:integer, xsd:double, xsd:boolean and
  xsd:date in canonical form are stored natively under the predicate's key (``date``);
  a language-tagged literal goes under ``key@lang`` (``label@fr``); any other datatype, or
  a non-canonical lexical form, keeps its lexical form under ``key^^datatype``
  (``population^^xsd:decimal``). Nothing is lost, nothing is guessed;
- a property is a list unless its predicate is functional (or a label/comment) and it has
  one value: several values are never overwritten;
- an IRI or blank-node object becomes a relationship typed from the ontology;
- a sahel:QualifiedRelation node whose only links are one subject, one predicate, one
  object and IRI sources collapses into ONE relationship carrying ``iri``, ``sources``
  and its literals (validFrom, validTo, label...), and expands back into the same node.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import MappingError
from graph.registry import DERIVED_KEYS, LOAD_MARKS, PREFIXES, RESERVED_KEYS, Registry, local_name
from graph.terms import BNODE as BNODE_PREFIX, node_id as term_id
from graph.vocab import SAHEL

Triple = tuple[Node, Node, Node]
Value = str | int | float | bool | dt.date
PropValue = Value | list[Value]

INT64 = (-(2**63), 2**63 - 1)
# One object per term the hot loops compare against. rdflib's namespaces make a new URIRef
# on every attribute access and URIRef equality is Python code; graph.rdf hands out these
# very objects (interned_terms), so dict and set look-ups succeed by identity.
RDF_TYPE = RDF.type
XSD_INTEGER, XSD_DOUBLE, XSD_BOOLEAN, XSD_DATE = XSD.integer, XSD.double, XSD.boolean, XSD.date
_NATIVE: dict[URIRef, type] = {
    XSD_INTEGER: int,
    XSD_DOUBLE: float,
    XSD_BOOLEAN: bool,
    XSD_DATE: dt.date,
}
_KEY_RE = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9_]*)(?:@(?P<lang>[^@^]+)|\^\^(?P<dt>.+))?$")
# Which native type keeps the bare key when one predicate has several (strings first).
_NATIVE_ORDER: list[type] = [str, int, float, bool, dt.date]
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_QUALIFIED_LINKS = {SAHEL.subject, SAHEL.predicate, SAHEL.object, SAHEL.source}


@dataclass
class NodeRecord:
    iri: str
    labels: frozenset[str]
    props: dict[str, PropValue]


@dataclass
class RelRecord:
    type: str
    start: str
    end: str
    props: dict[str, PropValue] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity: a plain triple is (start, type, end); a qualified relation its iri."""
        return (self.start, self.type, self.end, str(self.props.get("iri", "")))


@dataclass
class PropertyGraph:
    nodes: dict[str, NodeRecord]
    rels: list[RelRecord]


# --------------------------------------------------------------------------- terms


def interned_terms(registry: Registry) -> dict[str, URIRef]:
    """IRI -> the URIRef object the mapping and the registry use, for a parser to hand out."""
    terms: list[URIRef] = [RDF_TYPE, *_NATIVE, *_QUALIFIED_LINKS]
    terms += [*registry.keys, *registry.labels]
    return {str(t): t for t in terms}


def id_term(iri: str) -> URIRef | BNode:
    if iri.startswith(BNODE_PREFIX):
        return BNode(iri[len(BNODE_PREFIX) :])
    return URIRef(iri)


@lru_cache(maxsize=4096)
def shorten(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and _KEY_RE.match("x^^" + prefix + ":" + iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(curie: str) -> str:
    prefix, _, rest = curie.partition(":")
    if prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    return curie


def encode_key(base: str, lang: str | None = None, datatype: str | None = None) -> str:
    if lang:
        return f"{base}@{lang}"
    if datatype:
        return f"{base}^^{shorten(datatype)}"
    return base


@lru_cache(maxsize=16384)  # pure, and the same few keys come back on every node
def decode_key(key: str) -> tuple[str, str | None, str | None]:
    m = _KEY_RE.match(key)
    if not m:
        raise MappingError(f"property key {key!r} is not one the mapping writes")
    dt_ = m.group("dt")
    return m.group("base"), m.group("lang"), expand(dt_) if dt_ else None


def encode_literal(lit: Literal) -> tuple[str | None, str | None, Value]:
    """(lang, datatype-kept-in-key, stored value) for a literal."""
    if lit.language:
        return lit.language, None, str(lit)
    datatype = lit.datatype
    if datatype is None or datatype in _NATIVE:
        native = _native(lit, datatype)
        if native is not None:
            return None, None, native
    return None, str(datatype) if datatype else None, str(lit)


def _native(lit: Literal, datatype: URIRef | None) -> Value | None:
    """The native value when it round-trips to exactly the same lexical form."""
    if datatype is None:
        return str(lit)
    value = lit.toPython()
    if isinstance(value, Literal):  # ill-typed: rdflib could not convert it
        return None
    kind = _NATIVE.get(datatype)
    if kind is bool and not isinstance(value, bool):
        return None
    if kind is int and not (isinstance(value, int) and INT64[0] <= value <= INT64[1]):
        return None
    if kind is dt.date and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        return None
    if _lexical(value, datatype, kind) != str(lit):  # lexical, not value, equality
        return None
    return value


def _lexical(value: Value, datatype: URIRef, kind: type | None) -> str:
    """The canonical lexical form rdflib gives `value` (what Literal(value, datatype) would
    print), without building a Literal for the common types."""
    if kind is int and type(value) is int:
        return str(value)
    if kind is dt.date and type(value) is dt.date:
        return value.isoformat()
    if kind is bool and type(value) is bool:
        return "true" if value else "false"
    return str(Literal(value, datatype=datatype))


def decode_value(value: Any, lang: str | None, datatype: str | None) -> Literal:
    if lang:
        return Literal(str(value), lang=lang)
    if datatype:  # the lexical form exactly as stored
        return Literal(str(value), datatype=URIRef(datatype), normalize=False)
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(value, datatype=XSD.double)
    if isinstance(value, str):
        return Literal(value)
    native = getattr(value, "to_native", None)  # neo4j.time.Date
    if native is not None:
        value = native()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return Literal(value, datatype=XSD.date)
    raise MappingError(f"stored value {value!r} of type {type(value).__name__} has no RDF form")


def normalise_text(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used for search."""
    if text.isascii():  # most labels: nothing to decompose (a quarter of the mapping's time)
        bare = text.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_ALNUM.sub(" ", bare).split())


# --------------------------------------------------------------------------- RDF -> PG


def to_property_graph(triples: Iterable[Triple], registry: Registry) -> PropertyGraph:
    by_subject: dict[Node, list[Triple]] = defaultdict(list)
    objects: set[Node] = set()
    for t in triples:
        by_subject[t[0]].append(t)
        o, kind = t[2], type(t[2])
        # type() first: isinstance on rdflib terms is an ABC check
        if kind is Literal or (kind is not URIRef and isinstance(o, Literal)):
            continue
        if not _is_type(t[1], o, registry):
            objects.add(o)
    nodes: dict[str, NodeRecord] = {}
    rels: list[RelRecord] = []
    for s, own in by_subject.items():
        node, out = subject_records(s, own, registry, objects)
        if node is not None:
            nodes[node.iri] = node
        rels.extend(out)
    for o in objects:
        if term_id(o) not in nodes:
            nodes[term_id(o)] = node_record(o, set(), [], registry)
    rels.sort(key=lambda r: r.key)
    return PropertyGraph(nodes, rels)


def subject_records(
    subject: Node, own: Iterable[Triple], registry: Registry, objects: Container[Node]
) -> tuple[NodeRecord | None, list[RelRecord]]:
    """The node and relationships of ONE subject, from all of its triples: what
    to_property_graph gives for it, for a load that reads the input subject by subject.
    `objects` answers whether a node is an object anywhere in the input."""
    types: dict[Node, set[URIRef]] = defaultdict(set)
    literals: dict[Node, list[tuple[URIRef, Literal]]] = defaultdict(list)
    links: dict[Node, list[tuple[URIRef, Node]]] = defaultdict(list)
    for s, p, o in own:
        _sort_triple(s, p, o, types, literals, links, registry)
    own_types, own_links = types.get(subject, set()), links.get(subject, [])
    if own_types and _collapsible(subject, own_types, own_links, objects, registry):
        return None, [_collapse(subject, own_links, literals.get(subject, []), registry)]
    rels = [RelRecord(registry.rel_types[p], term_id(subject), term_id(o)) for p, o in own_links]
    return node_record(subject, own_types, literals.get(subject, []), registry), rels


def _is_type(p: Node, o: Node, registry: Registry) -> bool:
    rdf_type = RDF_TYPE
    return (p is rdf_type or (p not in registry.keys and p == rdf_type)) and isinstance(o, URIRef)


def _sort_triple(
    s: Node,
    p: Node,
    o: Node,
    types: dict[Node, set[URIRef]],
    literals: dict[Node, list[tuple[URIRef, Literal]]],
    links: dict[Node, list[tuple[URIRef, Node]]],
    registry: Registry,
) -> None:
    # identity first: interned terms never reach URIRef.__eq__ (Python code)
    if _is_type(p, o, registry):
        if o not in registry.labels:
            raise MappingError(f"{s}: unknown class {o}")
        types[s].add(o)  # type: ignore[arg-type]
    elif p not in registry.keys:
        raise MappingError(f"{s}: unknown property {p}")
    elif type(o) is Literal or isinstance(o, Literal):
        literals[s].append((p if type(p) is URIRef else URIRef(str(p)), o))
    else:
        links[s].append((p if type(p) is URIRef else URIRef(str(p)), o))


def node_record(
    res: Node, rdf_types: set[URIRef], lits: list[tuple[URIRef, Literal]], registry: Registry
) -> NodeRecord:
    props = _literal_props(lits, registry)
    if rdf_types:
        props["rdfTypes"] = sorted(str(t) for t in rdf_types)
    iri = term_id(res)
    props.update(derived_props(iri, props))
    return NodeRecord(iri, registry.labels_for(rdf_types), props)


def _collapsible(
    node: Node,
    rdf_types: set[URIRef],
    node_links: list[tuple[URIRef, Node]],
    objects: Container[Node],
    registry: Registry,
) -> bool:
    if rdf_types != {SAHEL.QualifiedRelation} or node in objects:
        return False
    counts: dict[URIRef, int] = defaultdict(int)
    for p, o in node_links:
        if p not in _QUALIFIED_LINKS:
            return False
        if p == SAHEL.source and not isinstance(o, URIRef):
            return False
        counts[p] += 1
    if any(counts[p] != 1 for p in (SAHEL.subject, SAHEL.predicate, SAHEL.object)):
        return False
    predicate = next(o for p, o in node_links if p == SAHEL.predicate)
    return predicate in registry.object_properties


def _collapse(
    q: Node,
    node_links: list[tuple[URIRef, Node]],
    node_literals: list[tuple[URIRef, Literal]],
    registry: Registry,
) -> RelRecord:
    one = {p: o for p, o in node_links if p != SAHEL.source}
    props = _literal_props(node_literals, registry)
    props["iri"] = term_id(q)
    props["sources"] = sorted(str(o) for p, o in node_links if p == SAHEL.source)
    rel_type = registry.rel_types[URIRef(str(one[SAHEL.predicate]))]
    return RelRecord(rel_type, term_id(one[SAHEL.subject]), term_id(one[SAHEL.object]), props)


def _literal_props(pairs: list[tuple[URIRef, Literal]], registry: Registry) -> dict[str, PropValue]:
    grouped: dict[str, list[Value]] = defaultdict(list)
    for p, lit in pairs:
        lang, datatype, value = encode_literal(lit)
        grouped[encode_key(registry.keys[p], lang, datatype)].append(value)
    return _finish(grouped, registry)


def _finish(grouped: Mapping[str, list[Value]], registry: Registry) -> dict[str, PropValue]:
    """Deduplicate and sort each key's values, keep ONE native Python type per key (Neo4j
    lists are homogeneous: other types move to a `key^^datatype` key as lexical forms), and
    make a key scalar when its predicate is single-valued and it has one value."""
    out: dict[str, list[Value]] = defaultdict(list)
    for key, values in grouped.items():
        base, lang, datatype = decode_key(key)
        if lang or datatype:
            out[key].extend(values)
            continue
        keeper = min((type(v) for v in values), key=_NATIVE_ORDER.index)
        for v in values:
            if type(v) is keeper:
                out[key].append(v)
            else:
                dtype = _datatype_of(v)
                out[encode_key(base, None, dtype)].append(str(Literal(v, datatype=URIRef(dtype))))
    shaped: dict[str, PropValue] = {}
    for key, values in out.items():
        predicate = registry.key_to_predicate.get(decode_key(key)[0])
        unique = values if len(values) == 1 else sorted(set(values), key=_value_sort)
        shaped[key] = _shape(unique, predicate in registry.scalar)
    return shaped


def _datatype_of(value: Value) -> str:
    if isinstance(value, bool):
        return str(XSD.boolean)
    if isinstance(value, int):
        return str(XSD.integer)
    if isinstance(value, float):
        return str(XSD.double)
    if isinstance(value, dt.date):
        return str(XSD.date)
    return str(XSD.string)


def _value_sort(v: Value) -> tuple[str, str]:
    return (type(v).__name__, v.isoformat() if isinstance(v, dt.date) else str(v))


def _shape(values: list[Value], scalar: bool) -> PropValue:
    return values[0] if scalar and len(values) == 1 else values


def derived_props(iri: str, props: Mapping[str, Any]) -> dict[str, PropValue]:
    """`name` (the English label, else the first label, else the IRI's local name) and
    `search` (every label and alias, normalised), for display and search; never exported."""
    labels: dict[str, list[str]] = defaultdict(list)  # lang ("" for none) -> labels
    names: list[str] = [local_name(iri)]
    for key, value in props.items():
        if key in RESERVED_KEYS:
            continue
        base, lang, _ = decode_key(key)
        if base in ("label", "altLabel", "prefLabel"):
            values = [str(v) for v in (value if isinstance(value, list) else [value])]
            names.extend(values)
            if base == "label":
                labels[lang or ""].extend(values)
    first_lang = min(labels) if labels else ""
    preferred = labels.get("en") or labels.get("") or labels.get(first_lang, [])
    name = min(preferred) if preferred else local_name(iri)
    search = " | ".join(sorted({normalise_text(n) for n in names} - {""}))
    return {"name": name, "search": search}


# --------------------------------------------------------------------------- PG -> RDF


def node_triples(iri: str, props: Mapping[str, Any], registry: Registry) -> Iterator[Triple]:
    subject = id_term(iri)
    for t in props.get("rdfTypes") or []:
        yield subject, RDF.type, URIRef(t)
    yield from _literal_triples(subject, props, registry)


def rel_triples(
    rel_type: str, start: str, end: str, props: Mapping[str, Any], registry: Registry
) -> Iterator[Triple]:
    predicate = registry.rel_to_predicate.get(rel_type)
    if predicate is None:
        raise MappingError(f"relationship type {rel_type} is not in the ontology")
    if not props.get("iri"):
        yield id_term(start), predicate, id_term(end)
        return
    q = id_term(str(props["iri"]))
    yield q, RDF.type, SAHEL.QualifiedRelation
    yield q, SAHEL.subject, id_term(start)
    yield q, SAHEL.predicate, predicate
    yield q, SAHEL.object, id_term(end)
    for src in props.get("sources") or []:
        yield q, SAHEL.source, URIRef(src)
    yield from _literal_triples(q, props, registry)


def _literal_triples(
    subject: Node, props: Mapping[str, Any], registry: Registry
) -> Iterator[Triple]:
    for key, value in props.items():
        if key in RESERVED_KEYS:
            continue
        base, lang, datatype = decode_key(key)
        predicate = registry.key_to_predicate.get(base)
        if predicate is None:
            raise MappingError(f"{term_id(subject)}: property {key!r} is not in the ontology")
        for v in value if isinstance(value, list) else [value]:
            yield subject, predicate, decode_value(v, lang, datatype)


def to_rdf(graph: PropertyGraph, registry: Registry) -> Graph:
    out = Graph()
    for n in graph.nodes.values():
        for t in node_triples(n.iri, n.props, registry):
            out.add(t)
    for r in graph.rels:
        for t in rel_triples(r.type, r.start, r.end, r.props, registry):
            out.add(t)
    return out


# --------------------------------------------------------------------------- merging


def as_native(value: Any) -> Any:
    """Stored values back to Python (neo4j.time.Date -> datetime.date), lists kept."""
    if isinstance(value, list):
        return [as_native(v) for v in value]
    native = getattr(value, "to_native", None)
    return native() if native is not None else value


def merge_props(
    old: Mapping[str, Any],
    new: Mapping[str, PropValue],
    iri: str,
    registry: Registry,
    derived: bool = True,
) -> dict[str, PropValue]:
    """Union of what is stored and what is loaded: loading adds facts, never drops them."""
    grouped: dict[str, list[Value]] = defaultdict(list)
    kept: dict[str, PropValue] = {}
    for source in (old, new):
        for key, value in source.items():
            if key in DERIVED_KEYS or key in LOAD_MARKS:
                continue
            v = as_native(value)
            if key == "iri":
                kept["iri"] = v
            elif key in RESERVED_KEYS:  # rdfTypes, sources: always lists
                kept[key] = sorted(set(kept.get(key, [])) | set(v))  # type: ignore[arg-type]
            else:
                grouped[key].extend(v if isinstance(v, list) else [v])
    merged = {**_finish(grouped, registry), **kept}
    if derived:
        merged.update(derived_props(iri, merged))
    return merged
