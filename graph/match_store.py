"""The matcher's index from the graph store: two statements per load (the actors and places
with their properties, then their place links), kept in memory and rebuilt only when the
graph's set of load ids changes. A batch of names then costs one small statement (the load
ids) and no query per name.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from graph import queries
from graph.match import Entity, Index
from graph.registry import Registry
from graph.vocab import SAHEL

if TYPE_CHECKING:  # graph.read imports this module inside its functions
    from graph.read.base import Reader

Rows = Callable[..., list[dict[str, Any]]]  # Reader.rows: (statement, **params) -> rows
_LABELS_KEPT = frozenset({"Resource"})


def graph_version(rows: Rows, load_ids: Iterable[str] | None = None) -> str:
    """The graph's version: its committed load ids, read from the store unless given."""
    if load_ids is None:
        load_ids = (str(r["id"]) for r in rows(queries.API_LOAD_IDS))
    return ",".join(sorted(load_ids))


def build_index(rows: Rows, registry: Registry, version: str = "") -> Index:
    located_in = registry.rel_types[SAHEL.locatedIn]
    active_in = {registry.rel_types[SAHEL.operatesIn], registry.rel_types[SAHEL.deployedIn]}
    parents: dict[str, set[str]] = defaultdict(set)
    direct: dict[str, set[str]] = defaultdict(set)
    for r in rows(queries.MATCH_PLACE_LINKS, types=sorted({located_in, *active_in})):
        (parents if r["type"] == located_in else direct)[r["subject"]].add(r["place"])

    def within(place: str) -> set[str]:
        """The place and every place it lies in (sahel:locatedIn is transitive)."""
        seen = {place}
        todo = [place]
        while todo:
            for up in parents.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        return seen

    entities: list[Entity] = []
    for r in rows(queries.MATCH_ENTITIES):
        labels = set(r["labels"]) - _LABELS_KEPT
        places: set[str] = set()
        for p in direct.get(r["iri"], ()):
            places |= within(p)
        if "Place" in labels:
            places |= within(r["iri"])
        entities.append(entity_from_props(r["iri"], labels, dict(r["props"]), places))
    return Index(entities, version)


class IndexCache:
    """One index per graph version, shared by the threads of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: Index | None = None

    def get(self, rows: Rows, registry: Registry, load_ids: Iterable[str] | None = None) -> Index:
        """The index of the graph's current version (`load_ids` when the caller knows them)."""
        version = graph_version(rows, load_ids)
        index = self._index
        if index is not None and index.version == version:
            return index
        with self._lock:  # one build at a time; the others wait for it and reuse it
            index = self._index
            if index is None or index.version != version:
                index = build_index(rows, registry, version)
                self._index = index
        return index


_CACHES: dict[tuple[int, str], IndexCache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(driver: Any, database: str) -> IndexCache:
    """The process's cache for one store (a driver and a database)."""
    key = (id(driver), database)
    with _CACHES_LOCK:
        return _CACHES.setdefault(key, IndexCache())


def index_for(reader: Reader) -> Index:
    """The current index of the reader's store (the search's and /reconcile's), checked
    against the reader's load ids when it has them, else against the store's."""
    store = reader.store
    return cache_for(store.driver, store.database).get(
        reader.scan, reader.registry, reader.load_ids
    )


def index_from_rdf(graph: Any, registry: Registry, extra: Any = None) -> Index:
    """The index from an rdflib graph (the ontology and seeds, for the ingestion and the
    tests): labels and altLabels as written, classes, dates, place links. `extra`: an
    optional mapping iri -> more names (e.g. the curated aliases.csv)."""
    from rdflib import RDF, RDFS, SKOS, Literal, URIRef

    from graph.vocab import KG_NS

    def day(node: Any) -> Any:
        return node.toPython() if isinstance(node, Literal) else None

    # Direct triples and qualified relations (sahel:subject / predicate / object) alike.
    links: dict[Any, set[tuple[str, str]]] = defaultdict(set)
    for p in (SAHEL.locatedIn, SAHEL.operatesIn, SAHEL.deployedIn):
        for s, o in graph.subject_objects(p):
            links[p].add((str(s), str(o)))
    for r in graph.subjects(SAHEL.predicate, None):
        p = graph.value(r, SAHEL.predicate)
        s, o = graph.value(r, SAHEL.subject), graph.value(r, SAHEL.object)
        if p in (SAHEL.locatedIn, SAHEL.operatesIn, SAHEL.deployedIn) and s and o:
            links[p].add((str(s), str(o)))
    parents: dict[str, set[str]] = defaultdict(set)
    active: dict[str, set[str]] = defaultdict(set)
    for s, o in links[SAHEL.locatedIn]:
        parents[s].add(o)
    for p in (SAHEL.operatesIn, SAHEL.deployedIn):
        for s, o in links[p]:
            active[s].add(o)

    def within(place: str) -> set[str]:
        seen, todo = {place}, [place]
        while todo:
            for up in parents.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        return seen

    entities = []
    for s in set(graph.subjects(RDF.type, None)):
        if not isinstance(s, URIRef) or not str(s).startswith(KG_NS):
            continue
        labels = registry.labels_for(str(t) for t in graph.objects(s, RDF.type))
        if "Actor" not in labels and "Place" not in labels:
            continue
        written = [o for o in graph.objects(s, RDFS.label) if isinstance(o, Literal)]
        english = sorted(str(o) for o in written if o.language == "en") or sorted(
            str(o) for o in written
        )
        names = [str(o) for o in written] + [str(o) for o in graph.objects(s, SKOS.altLabel)]
        names += list((extra or {}).get(str(s), ()))
        places: set[str] = set()
        for o in active.get(str(s), ()):
            places |= within(o)
        if "Place" in labels:
            places |= within(str(s))
        display = english[0] if english else str(s).rsplit("/", 1)[-1]
        entities.append(
            Entity(
                str(s),
                display,
                frozenset(labels - _LABELS_KEPT),
                tuple(dict.fromkeys([display, *names])),
                day(graph.value(s, SAHEL.foundedDate)),
                day(graph.value(s, SAHEL.dissolvedDate)),
                frozenset(places),
            )
        )
    return Index(sorted(entities, key=lambda e: e.iri))


def entity_from_props(
    iri: str,
    types: Iterable[str],
    props: Mapping[str, Any],
    places: Iterable[str] = (),
) -> Entity:
    """An Entity from a stored node: its `name`, every label/altLabel/prefLabel value in
    every language, foundedDate and dissolvedDate."""
    names: list[str] = []
    for key, value in props.items():
        base = key.split("@", 1)[0].split("^^", 1)[0]
        if base in ("label", "altLabel", "prefLabel"):
            names.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    display = str(props.get("name") or iri.rsplit("/", 1)[-1])
    return Entity(
        iri,
        display,
        frozenset(types),
        tuple(dict.fromkeys([display, *names])),
        _day(props.get("foundedDate")),
        _day(props.get("dissolvedDate")),
        frozenset(places),
    )


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dt.date):
        return value
    to_native = getattr(value, "to_native", None)
    if to_native is not None:
        native = to_native()
        return native if isinstance(native, dt.date) else None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
