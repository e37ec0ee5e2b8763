"""Read functions the HTTP API calls: actors, relations at a date, neighbourhoods, paths,
events with their claims, timelines, read-only Cypher, GraphML and CSV exports.

Every statement comes from graph.queries; labels and relationship types come from the
ontology registry, never from request text. Each read runs in its own READ session, without
the driver's retry loop (an unreachable store answers at once), under a client-side
deadline: ArcadeDB ignores the Bolt transaction timeout, so a read that outlives it has its
connection cut and raises QueryTimeout. Results are plain dicts, ready for JSON.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import heapq
import io
import itertools
import json
import math
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import neo4j
from neo4j import graph as ng
from rdflib import URIRef

from graph import queries
from graph.errors import InputError, NotFound, QueryError
from graph.mapping import decode_key, normalise_text
from graph.readonly import check_read_only
from graph.registry import Registry, local_name
from graph.sparql import QueryTimeout
from graph.store import CommitLockTimeout, Store, translate_errors
from graph.vocab import KG_NS, SAHEL, SAHEL_NS

# Relationship roles an actor can have in an event (event -> actor).
EVENT_ROLES = ("PERPETRATOR", "CLAIMED_BY", "PARTICIPANT", "TARGET", "CONDEMNED_BY", "STATED_BY")
# Actor -> place relations shown next to the actor relations.
PLACE_RELATIONS = ("DEPLOYED_IN", "OPERATES_IN")
MAX_NEIGHBOURHOOD_EDGES = 2000
MAX_PATHS = 20
MAX_PATH_EDGES = 20_000
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")

# The API's combined reads: one statement where the plain ones of graph.queries took
# several (an actor's lookup joined to its first hop), and only the properties a response
# shows (a node's name and classes, not all its properties): under load the API process,
# not the store, sets the pace, and its cost is per statement and per value decoded.
_VALID = queries._VALID_AT.format(r="r")
_REF = "{n}.name AS {p}name, {n}.rdfTypes AS {p}types"
_CENTER = "MATCH (a:Resource {iri: $iri})\nOPTIONAL MATCH (a)-[r]-(b:Resource)\n"
_HOPS = "UNWIND $frontier AS iri\nMATCH (a:Resource {iri: iri})-[r]-(b:Resource)\n"

API_ACTOR_RELATIONS = f"""{_CENTER}WHERE type(r) IN $types AND {_VALID}
RETURN labels(a) AS labels, {_REF.format(n="a", p="")},
       type(r) AS type, startNode(r).iri = a.iri AS outgoing, b.iri AS other,
       {_REF.format(n="b", p="other_")}, properties(r) AS props
ORDER BY type, other
"""

_NEIGHBOUR_COLUMNS = f"""type(r) AS type, startNode(r).iri AS start, endNode(r).iri AS end,
       b.iri AS other, labels(b) AS other_labels, {_REF.format(n="b", p="other_")},
       properties(r) AS props"""

API_CENTER_NEIGHBOURS = f"""{_CENTER}WHERE type(r) IN $types AND {_VALID}
RETURN labels(a) AS labels, {_REF.format(n="a", p="")}, {_NEIGHBOUR_COLUMNS}
LIMIT $limit
"""

API_NEIGHBOUR_REFS = f"""{_HOPS}WHERE type(r) IN $types AND {_VALID}
RETURN {_NEIGHBOUR_COLUMNS}
LIMIT $limit
"""

API_PATH_STEPS = f"""{_HOPS}WHERE type(r) IN $types AND {_VALID}
RETURN type(r) AS type, startNode(r).iri AS start, endNode(r).iri AS end, b.iri AS other,
       {_REF.format(n="b", p="other_")}, r.validFrom AS validFrom, r.validTo AS validTo,
       r.sources AS sources, r.iri AS iri
LIMIT $limit
"""

# The search's page and its total in one statement (they were two): the matches, ranked,
# collected, counted and sliced.
API_SEARCH_PAGE = """
MATCH (n:Actor)
WHERE ($q = '' OR n.search CONTAINS $q) AND ($label IS NULL OR $label IN labels(n))
WITH n, CASE
    WHEN $q = '' THEN 0
    WHEN (' | ' + n.search + ' | ') CONTAINS (' | ' + $q + ' | ') THEN 0
    WHEN (' | ' + n.search) CONTAINS (' | ' + $q) THEN 1
    ELSE 2 END AS rank
ORDER BY rank, n.name, n.iri
WITH collect(n) AS found
RETURN size(found) AS total,
       [n IN found[$offset..($offset + $limit)] | [n.iri, properties(n)]] AS page
"""

API_REFS = f"""UNWIND $iris AS iri
MATCH (n:Resource {{iri: iri}})
RETURN n.iri AS iri, labels(n) AS labels, {_REF.format(n="n", p="")}
"""


def _ref_props(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The properties ref() reads, from a row of the statements above."""
    return {"name": row[prefix + "name"], "rdfTypes": row[prefix + "types"]}


# ------------------------------------------------------------------ ids and values


def slug(iri: str) -> str:
    """The stable short id of a resource: its local part under kg:, else the full IRI."""
    return iri[len(KG_NS) :] if iri.startswith(KG_NS) else iri


def resolve(id_: str) -> str:
    """A slug (`jnim`) or a full IRI to the IRI; anything else names nothing."""
    text = id_.strip()
    if text.startswith(("http://", "https://", "urn:", "_:")):
        return text
    if _SLUG.match(text):
        return KG_NS + text
    raise NotFound(f"no resource has the id {id_!r} (use a slug such as 'jnim' or a full IRI)")


def jsonable(value: Any) -> Any:
    """Driver values to JSON: dates as ISO strings, nodes and relationships as maps."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, ng.Node):
        return {
            "elementId": value.element_id,
            "labels": sorted(value.labels),
            "properties": jsonable(dict(value)),
        }
    if isinstance(value, ng.Relationship):
        return {
            "elementId": value.element_id,
            "type": value.type,
            "start": value.start_node.get("iri") if value.start_node else None,
            "end": value.end_node.get("iri") if value.end_node else None,
            "properties": jsonable(dict(value)),
        }
    if isinstance(value, ng.Path):
        return {
            "nodes": [jsonable(n) for n in value.nodes],
            "relationships": [jsonable(r) for r in value.relationships],
        }
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    iso = getattr(value, "iso_format", None)
    if iso is not None:
        return str(iso())
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _date(value: Any) -> str | None:
    return None if value is None else str(jsonable(value))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _by_lang(props: dict[str, Any], base: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in props.items():
        try:
            b, lang, _ = decode_key(key)
        except Exception:
            continue
        if b == base:
            out.setdefault(lang or "", []).extend(str(v) for v in _as_list(value))
    return out


def _first(props: dict[str, Any], base: str, prefer: str = "en") -> str | None:
    values = _by_lang(props, base)
    for lang in (prefer, "", *sorted(values)):
        if values.get(lang):
            return sorted(values[lang])[0]
    return None


def types_of(props: dict[str, Any]) -> list[str]:
    """Asserted classes, by local name (JihadistGroup, State...)."""
    return sorted(local_name(str(t)) for t in _as_list(props.get("rdfTypes")))


def ref(iri: str, props: dict[str, Any] | None) -> dict[str, Any]:
    props = props or {}
    return {
        "id": slug(iri),
        "iri": iri,
        "label": props.get("name") or local_name(iri),
        "types": types_of(props),
    }


def actor_summary(iri: str, props: dict[str, Any]) -> dict[str, Any]:
    aliases: set[str] = set()
    for values in _by_lang(props, "altLabel").values():
        aliases.update(values)
    labels = {lang or "none": sorted(v)[0] for lang, v in _by_lang(props, "label").items() if v}
    return {
        **ref(iri, props),
        "labels": labels,
        "aliases": sorted(aliases - {props.get("name")}),
    }


def source_ref(iri: str, props: dict[str, Any] | None) -> dict[str, Any]:
    props = props or {}
    return {
        "id": slug(iri),
        "iri": iri,
        "title": _first(props, "title") or props.get("name"),
        "publisher": _first(props, "publisher"),
        "published": _date(props.get("published")),
        "url": (_as_list(props.get("url^^xsd:anyURI")) or _as_list(props.get("url")) or [None])[0],
    }


def _plain_props(props: dict[str, Any]) -> dict[str, Any]:
    hidden = {"iri", "search", "loadId"}
    return {k: jsonable(v) for k, v in sorted(props.items()) if k not in hidden}


# ------------------------------------------------------------------ the reader


@dataclass
class Reader:
    """Reads for one request: a store, the ontology's registry, a deadline and a row cap."""

    store: Store
    registry: Registry
    timeout_s: float = 10.0
    max_rows: int = 10_000

    # -- running statements

    def run(
        self,
        query: str,
        params: dict[str, Any] | None = None,
        limit: int | None = None,
        timeout_s: float | None = None,
    ) -> tuple[list[str], list[list[Any]], bool]:
        """Columns, rows (at most `limit`) and whether rows were cut, under a deadline.

        The read runs in the calling thread; the process's one watchdog thread cuts its
        Bolt connection if it is still running `timeout` + 1 s after it started (the second
        lets Neo4j, which enforces the timeout itself, answer first), and this raises
        QueryTimeout. Waiting for a commit and for a pooled connection are bounded by the
        same deadline."""
        timeout = timeout_s or self.timeout_s
        deadline = time.monotonic() + timeout + 1.0
        watch = _WATCHDOG.watch(deadline)
        try:
            with (
                translate_errors(),
                self.store.reading(deadline),  # never overlap a commit (embedded server)
                self.store.driver.session(
                    database=self.store.database,
                    default_access_mode=neo4j.READ_ACCESS,
                    connection_acquisition_timeout=max(deadline - time.monotonic(), 0.001),
                ) as session,
            ):
                watch.session = session
                try:
                    result = session.run(neo4j.Query(query, timeout=timeout), params or {})
                    keys = list(result.keys())
                    rows: list[list[Any]] = []
                    truncated = False
                    for record in result:
                        if limit is not None and len(rows) >= limit:
                            truncated = True
                            result.consume()  # discard the rest while still watched
                            break
                        rows.append(list(record.values()))
                finally:  # before the session hands its connection back to the pool
                    _WATCHDOG.finish(watch)
        except Exception as exc:
            _WATCHDOG.finish(watch)
            if watch.expired or isinstance(exc, CommitLockTimeout):
                raise QueryTimeout(
                    f"the query did not finish within {timeout:g}s and was stopped"
                ) from exc
            if isinstance(exc, QueryError) and str(exc).startswith("query timed out"):
                raise QueryTimeout(str(exc)) from exc  # Neo4j enforces the timeout itself
            raise
        return keys, rows, truncated

    def rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        keys, rows, _ = self.run(query, params)
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- health

    def health(self) -> dict[str, Any]:
        counts = self.rows(queries.API_COUNTS)[0]
        last = self.rows(queries.LAST_LOAD)
        return {
            "nodes": int(counts["nodes"]),
            "relationships": int(counts["relationships"]),
            "last_load": jsonable(last[0]) if last else None,
        }

    # -- the SPARQL view

    def graph_version(self) -> tuple[str, ...]:
        """Ids of the loads the graph holds: the SPARQL copy is rebuilt when they change."""
        return tuple(sorted(str(r["id"]) for r in self.rows(queries.API_LOAD_IDS)))

    def write_ntriples(self, out: IO[bytes]) -> None:
        """The whole graph as N-Triples (the export's triples), for the SPARQL copy."""
        from graph.export import iter_triples
        from graph.sparql import write_ntriples

        with translate_errors():
            write_ntriples(iter_triples(self.store, self.registry), out)

    # -- ontology names

    def actor_relation_types(self) -> dict[str, URIRef]:
        types = self.registry.relationship_types(SAHEL.actorRelation)
        for name in PLACE_RELATIONS:
            types[name] = self.registry.rel_to_predicate[name]
        types.pop(self.registry.rel_types[SAHEL.actorRelation], None)
        return types

    def check_label(self, name: str | None, parent: URIRef) -> str | None:
        """A class name (any case) under `parent` to its label, or 422 naming the choices."""
        if name is None or not name.strip():
            return None
        parent_label = self.registry.labels[parent]
        choices = sorted(
            label
            for cls, label in self.registry.labels.items()
            if str(cls).startswith(SAHEL_NS) and parent_label in self.registry.ancestors[cls]
        )
        wanted = name.strip()
        if wanted.startswith(SAHEL_NS):
            wanted = wanted[len(SAHEL_NS) :]
        wanted = wanted.removeprefix("sahel:")
        for label in choices:
            if label.lower() == wanted.lower():
                return label
        raise InputError(f"unknown type {name!r}; choose one of {', '.join(choices)}")

    def check_rel_type(self, name: str | None) -> list[str]:
        allowed = self.actor_relation_types()
        if name is None or not name.strip():
            return sorted(allowed)
        wanted = name.strip()
        for rel_type, predicate in allowed.items():
            if wanted.upper() in (rel_type, rel_type.replace("_", "")) or wanted in (
                local_name(str(predicate)),
                f"sahel:{local_name(str(predicate))}",
                str(predicate),
            ):
                return [rel_type]
        raise InputError(
            f"unknown relation type {name!r}; choose one of {', '.join(sorted(allowed))} "
            "(or the property name, e.g. partnerOf)"
        )

    # -- actors

    def resource(self, iri: str) -> tuple[list[str], dict[str, Any]] | None:
        found = self.rows(queries.API_RESOURCES, iris=[iri])
        if not found:
            return None
        return list(found[0]["labels"]), dict(found[0]["props"])

    def actor_iri(self, id_: str) -> tuple[str, dict[str, Any]]:
        iri = resolve(id_)
        found = self.resource(iri)
        if found is None or "Actor" not in found[0]:
            raise NotFound(f"no actor has the id {id_!r}")
        return iri, found[1]

    def search_actors(
        self, q: str | None, type_: str | None, limit: int, offset: int
    ) -> dict[str, Any]:
        label = self.check_label(type_, SAHEL.Actor)
        params = {"q": normalise_text(q or ""), "label": label}
        found = self.rows(API_SEARCH_PAGE, **params, limit=limit, offset=offset)[0]
        return {
            "items": [actor_summary(iri, dict(props)) for iri, props in found["page"]],
            "total": int(found["total"]),
            "limit": limit,
            "offset": offset,
        }

    def actor(self, id_: str) -> dict[str, Any]:
        iri, props = self.actor_iri(id_)
        sources = self.rows(queries.API_LINKS_OUT, iris=[iri], types=["SOURCE"])
        same_as = self.rows(queries.API_LINKS_OUT, iris=[iri], types=["SAME_AS"])
        return {
            **actor_summary(iri, props),
            "description": _first(props, "comment"),
            "founded": _date(props.get("foundedDate")),
            "dissolved": _date(props.get("dissolvedDate")),
            "same_as": sorted(r["iri"] for r in same_as),
            "sources": [source_ref(r["iri"], dict(r["props"])) for r in sources],
            "properties": _plain_props(props),
        }

    def relations(
        self, id_: str, at: dt.date | None = None, type_: str | None = None
    ) -> dict[str, Any]:
        iri = resolve(id_)
        try:
            types = self.check_rel_type(type_)
        except InputError:
            self.actor_iri(id_)  # an unknown actor is a 404 before a bad type is a 422
            raise
        # One statement: the actor (one row of nulls when it has no such relation) and its
        # relations.
        rows = self.rows(API_ACTOR_RELATIONS, iri=iri, types=types, at=at)
        if not rows or "Actor" not in rows[0]["labels"]:
            raise NotFound(f"no actor has the id {id_!r}")
        return {
            "actor": ref(iri, _ref_props(rows[0])),
            "at": at.isoformat() if at else None,
            "items": [
                self._relation(r, _ref_props(r, "other_")) for r in rows if r["type"] is not None
            ],
        }

    def _relation(self, r: dict[str, Any], other: dict[str, Any] | None = None) -> dict[str, Any]:
        """A relation row; `other`: the other end's properties, if not in r["otherProps"]."""
        rel = dict(r["props"])
        predicate = self.registry.rel_to_predicate.get(r["type"])
        return {
            "type": r["type"],
            "predicate": str(predicate) if predicate else None,
            "direction": "out" if r["outgoing"] else "in",
            "other": ref(r["other"], other if other is not None else dict(r["otherProps"])),
            "validFrom": _date(rel.get("validFrom")),
            "validTo": _date(rel.get("validTo")),
            "sources": sorted(_as_list(rel.get("sources"))),
            "iri": rel.get("iri"),
            "label": _first(rel, "label"),
        }

    def neighbourhood(self, id_: str, hops: int, at: dt.date | None = None) -> dict[str, Any]:
        iri = resolve(id_)
        types = sorted(self.actor_relation_types())
        # Hop 1 comes with the centre's lookup; every hop brings its nodes' labels, name
        # and classes (no last statement for them).
        rows = self.rows(
            API_CENTER_NEIGHBOURS, iri=iri, types=types, at=at, limit=MAX_NEIGHBOURHOOD_EDGES + 1
        )
        if not rows or "Actor" not in rows[0]["labels"]:
            raise NotFound(f"no actor has the id {id_!r}")
        center = _ref_props(rows[0])
        found: dict[str, tuple[list[str], dict[str, Any]]] = {iri: (rows[0]["labels"], center)}
        rows = [r for r in rows if r["type"] is not None]
        depth: dict[str, int] = {iri: 0}
        edges: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        frontier = [iri]
        truncated = False
        for hop in range(1, hops + 1):
            if not frontier:
                break
            if hop > 1:
                rows = self.rows(
                    API_NEIGHBOUR_REFS,
                    frontier=frontier,
                    types=types,
                    at=at,
                    limit=MAX_NEIGHBOURHOOD_EDGES + 1,
                )
            nxt: list[str] = []
            for r in rows:
                rel = dict(r["props"])
                key = (r["start"], r["type"], r["end"], str(rel.get("iri") or ""))
                if key not in edges:
                    edges[key] = {
                        "id": rel.get("iri") or f"{r['start']} {r['type']} {r['end']}",
                        "source": r["start"],
                        "target": r["end"],
                        "type": r["type"],
                        "validFrom": _date(rel.get("validFrom")),
                        "validTo": _date(rel.get("validTo")),
                        "sources": sorted(_as_list(rel.get("sources"))),
                        "label": _first(rel, "label"),
                    }
                if r["other"] not in depth:
                    depth[r["other"]] = hop
                    nxt.append(r["other"])
                    found[r["other"]] = (r["other_labels"], _ref_props(r, "other_"))
            if len(rows) > MAX_NEIGHBOURHOOD_EDGES or len(edges) > MAX_NEIGHBOURHOOD_EDGES:
                truncated = True
                break
            frontier = nxt
        nodes = [
            {
                **ref(n, found[n][1] if n in found else None),
                "hop": depth[n],
                "labels": sorted(found[n][0]) if n in found else [],
            }
            for n in sorted(depth, key=lambda n: (depth[n], n))
        ]
        return {
            "center": ref(iri, center),
            "hops": hops,
            "at": at.isoformat() if at else None,
            "nodes": nodes,
            "edges": sorted(edges.values(), key=lambda e: (e["source"], e["type"], e["target"])),
            "truncated": truncated,
        }

    def paths(
        self, from_: str, to: str, max_hops: int, at: dt.date | None = None
    ) -> dict[str, Any]:
        a = resolve(from_)
        try:
            b = resolve(to)
        except NotFound:
            self.actor_iri(from_)  # an unknown 'from' is reported first
            raise
        # Both ends in one statement; the nodes on the way come with the hops' rows.
        found = {r["iri"]: r for r in self.rows(API_REFS, iris=[a, b])}
        for id_, iri in ((from_, a), (to, b)):
            if iri not in found or "Actor" not in found[iri]["labels"]:
                raise NotFound(f"no actor has the id {id_!r}")
        if a == b:
            raise InputError("'from' and 'to' name the same actor")
        refs = {iri: _ref_props(found[iri]) for iri in (a, b)}
        types = sorted(self.registry.relationship_types(SAHEL.actorRelation))
        # Breadth-first, one statement per hop, the date filter applied to every relationship
        # as it is expanded. (ArcadeDB's allShortestPaths applies a WHERE on the path after
        # the search, so it misses a longer valid path when the shortest one is not valid.)
        depth: dict[str, int] = {a: 0}
        parents: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        frontier = [a]
        for hop in range(1, max_hops + 1):
            if not frontier or b in parents:
                break
            rows = self.rows(
                API_PATH_STEPS, frontier=frontier, types=types, at=at, limit=MAX_PATH_EDGES
            )
            if len(rows) >= MAX_PATH_EDGES:
                raise InputError(
                    f"more than {MAX_PATH_EDGES:,} relations {hop} hops away: lower max_hops"
                )
            nxt: list[str] = []
            for r in rows:
                other = r["other"]
                here = r["start"] if other == r["end"] else r["end"]
                if depth.get(here) != hop - 1 or depth.get(other, hop) != hop:
                    continue
                if other not in depth:
                    depth[other] = hop
                    nxt.append(other)
                    refs.setdefault(other, _ref_props(r, "other_"))
                parents.setdefault(other, []).append(
                    (
                        here,
                        {
                            "type": r["type"],
                            "source": r["start"],
                            "target": r["end"],
                            "validFrom": _date(r["validFrom"]),
                            "validTo": _date(r["validTo"]),
                            "sources": sorted(_as_list(r["sources"])),
                            "iri": r["iri"],
                        },
                    )
                )
            frontier = nxt
        walks: list[tuple[list[str], list[dict[str, Any]]]] = []

        def back(node: str, nodes: list[str], rels: list[dict[str, Any]]) -> None:
            if len(walks) >= MAX_PATHS:
                return
            if node == a:
                walks.append(([a, *nodes], rels))
                return
            for prev, rel in sorted(parents.get(node, []), key=lambda pr: (pr[0], pr[1]["type"])):
                back(prev, [node, *nodes], [rel, *rels])

        if b in parents:
            back(b, [], [])
        walks.sort(key=lambda w: w[0])
        found_paths: list[dict[str, Any]] = [
            {
                "length": len(rels),
                "nodes": [ref(n, refs.get(n)) for n in nodes],
                "relationships": rels,
            }
            for nodes, rels in walks
        ]
        return {
            "from": ref(a, refs[a]),
            "to": ref(b, refs[b]),
            "at": at.isoformat() if at else None,
            "max_hops": max_hops,
            "paths": found_paths,
        }

    # -- events

    def events(
        self,
        actor: str | None = None,
        type_: str | None = None,
        place: str | None = None,
        from_: dt.date | None = None,
        to: dt.date | None = None,
        limit: int = 50,
        offset: int = 0,
        role: str | None = None,
    ) -> dict[str, Any]:
        label = self.check_label(type_, SAHEL.Event)
        if from_ and to and from_ > to:
            raise InputError("'from' is after 'to'")
        roles = list(EVENT_ROLES)
        if role:
            wanted = role.strip().upper().replace("-", "_")
            wanted = {"CLAIMEDBY": "CLAIMED_BY", "CONDEMNEDBY": "CONDEMNED_BY"}.get(wanted, wanted)
            if wanted not in EVENT_ROLES:
                raise InputError(
                    f"unknown role {role!r}; choose one of "
                    f"{', '.join(r.lower() for r in EVENT_ROLES)}"
                )
            if not actor:
                raise InputError("'role' needs an 'actor'")
            roles = [wanted]
        params: dict[str, Any] = {
            "label": label,
            "from": from_,
            "to": to,
            "actor": self.actor_iri(actor)[0] if actor else None,
            "place": self._place_iri(place) if place else None,
            "roles": roles,
        }
        rows = self.rows(queries.API_EVENTS, **params, limit=limit, offset=offset)
        total = self.rows(queries.API_COUNT_EVENTS, **params)[0]["total"]
        links = self._links([r["iri"] for r in rows], ["LOCATION", "PERPETRATOR", "CLAIMED_BY"])
        items = []
        for r in rows:
            props = dict(r["props"])
            mine = links.get(r["iri"], {})
            items.append(
                {
                    **ref(r["iri"], props),
                    "date": _date(props.get("date")),
                    "endDate": _date(props.get("endDate")),
                    "places": mine.get("LOCATION", []),
                    "perpetrators": mine.get("PERPETRATOR", []),
                    "claimedBy": mine.get("CLAIMED_BY", []),
                }
            )
        return {"items": items, "total": int(total), "limit": limit, "offset": offset}

    def _place_iri(self, id_: str) -> str:
        iri = resolve(id_)
        found = self.resource(iri)
        if found is None or "Place" not in found[0]:
            raise NotFound(f"no place has the id {id_!r}")
        return iri

    def _links(
        self, iris: list[str], types: list[str] | None
    ) -> dict[str, dict[str, list[dict[str, Any]]]]:
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        if not iris:
            return out
        for r in self.rows(queries.API_LINKS_OUT, iris=iris, types=types):
            item = (
                source_ref(r["iri"], dict(r["props"]))
                if r["type"] == "SOURCE"
                else ref(r["iri"], dict(r["props"]))
            )
            out.setdefault(r["subject"], {}).setdefault(r["type"], []).append(item)
        for per_type in out.values():
            for items in per_type.values():
                items.sort(key=lambda x: x["iri"])
        return out

    def event(self, id_: str) -> dict[str, Any]:
        iri = resolve(id_)
        found = self.resource(iri)
        if found is None or "Event" not in found[0]:
            raise NotFound(f"no event has the id {id_!r}")
        props = found[1]
        out = self._links([iri], None).get(iri, {})
        incoming = self.rows(queries.API_LINKS_IN, iri=iri, types=["ABOUT", "PART_OF"])
        claim_iris = [r["iri"] for r in incoming if r["type"] == "ABOUT" and "Claim" in r["labels"]]
        claim_links = self._links(claim_iris, ["SOURCE", "CLAIM_KIND", "STATED_BY", "MENTIONS"])
        claims = []
        for r in incoming:
            if r["iri"] not in claim_iris:
                continue
            c = dict(r["props"])
            links = claim_links.get(r["iri"], {})
            kind = links.get("CLAIM_KIND", [])
            claims.append(
                {
                    "id": slug(r["iri"]),
                    "iri": r["iri"],
                    "label": c.get("name"),
                    "kind": kind[0]["iri"].removeprefix(SAHEL_NS) if kind else None,
                    "value": jsonable(c.get("value")),
                    "qualifier": c.get("valueQualifier"),
                    "unit": c.get("unit"),
                    "attribution": _as_list(c.get("attribution")),
                    "victimCategory": _as_list(c.get("victimCategory")),
                    "statedBy": links.get("STATED_BY", []),
                    "mentions": links.get("MENTIONS", []),
                    "sources": links.get("SOURCE", []),
                }
            )
        claims.sort(key=lambda c: (c["kind"] or "", str(c["value"]), c["iri"]))
        statement_rows = [
            r for r in incoming if r["type"] == "ABOUT" and "Claim" not in r["labels"]
        ]
        stated = self._links([r["iri"] for r in statement_rows], ["STATED_BY"])
        statements = [
            {
                **ref(r["iri"], dict(r["props"])),
                "date": _date(dict(r["props"]).get("date")),
                "statedBy": stated.get(r["iri"], {}).get("STATED_BY", []),
            }
            for r in statement_rows
        ]
        parts = [ref(r["iri"], dict(r["props"])) for r in incoming if r["type"] == "PART_OF"]
        return {
            **ref(iri, props),
            "labels": {
                lang or "none": sorted(v)[0] for lang, v in _by_lang(props, "label").items() if v
            },
            "description": _first(props, "comment"),
            "date": _date(props.get("date")),
            "endDate": _date(props.get("endDate")),
            "datePrecision": props.get("datePrecision"),
            "places": out.get("LOCATION", []),
            "perpetrators": out.get("PERPETRATOR", []),
            "claimedBy": out.get("CLAIMED_BY", []),
            "targets": out.get("TARGET", []),
            "participants": out.get("PARTICIPANT", []),
            "condemnedBy": out.get("CONDEMNED_BY", []),
            "partOf": out.get("PART_OF", []),
            "parts": sorted(parts, key=lambda x: x["iri"]),
            "statements": sorted(statements, key=lambda x: x["iri"]),
            "sources": out.get("SOURCE", []),
            "claims": claims,
        }

    # -- timeline

    def timeline(
        self, actor: str, from_: dt.date | None = None, to: dt.date | None = None
    ) -> dict[str, Any]:
        iri, props = self.actor_iri(actor)
        if from_ and to and from_ > to:
            raise InputError("'from' is after 'to'")
        entries: list[dict[str, Any]] = []
        for r in self.rows(queries.API_TIMELINE_EVENTS, iri=iri, **{"from": from_, "to": to}):
            e = dict(r["props"])
            entries.append(
                {
                    "date": _date(e.get("date")),
                    "kind": "event",
                    "roles": sorted(r["roles"]),
                    "item": ref(r["iri"], e),
                    "relation": None,
                }
            )
        types = sorted(self.actor_relation_types())
        for r in self.rows(queries.API_TIMELINE_RELATIONS, iri=iri, types=types):
            rel = self._relation(r)
            for kind, key in (("relation-start", "validFrom"), ("relation-end", "validTo")):
                day = rel[key]
                if day is None:
                    continue
                d = dt.date.fromisoformat(day)
                if (from_ and d < from_) or (to and d > to):
                    continue
                entries.append(
                    {"date": day, "kind": kind, "roles": [], "item": rel["other"], "relation": rel}
                )
        entries.sort(key=lambda e: (e["date"], e["kind"], e["item"]["iri"]))
        return {
            "actor": ref(iri, props),
            "from": from_.isoformat() if from_ else None,
            "to": to.isoformat() if to else None,
            "items": entries,
        }

    # -- Cypher

    def cypher(self, query: str, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
        check_read_only(query)
        columns, rows, truncated = self.run(query, parameters or {}, limit=self.max_rows)
        return {
            "columns": columns,
            "rows": [[jsonable(v) for v in row] for row in rows],
            "truncated": truncated,
            "row_count": len(rows),
        }

    # -- GraphML and CSV exports

    def export_pages(self, page_size: int = 1000) -> Iterator[dict[str, Any]]:
        after = ""
        with self.store.read_transaction() as tx:
            while True:
                rows = list(tx.run(queries.API_EXPORT_PAGE, after=after, limit=page_size))
                if not rows:
                    return
                for row in rows:
                    yield row.data()
                after = rows[-1]["iri"]


def _cut(session: Any) -> bool:
    """Cut the Bolt connection of a session stuck in a read (best effort): False when it
    has no connection (yet) to cut."""
    try:
        raw = session._connection.socket._socket
        raw.shutdown(socket.SHUT_RDWR)
    except Exception:  # not connected yet, or already gone
        return False
    return True


class _Watch:
    __slots__ = ("done", "expired", "session")

    def __init__(self) -> None:
        self.session: Any = None
        self.done = False
        self.expired = False


class _Watchdog:
    """One daemon thread per process holding the deadlines of the running reads, earliest
    first. At a read's deadline it cuts the read's connection (ArcadeDB ignores the Bolt
    transaction timeout) unless the read has finished; a read with no connection to cut
    yet is tried again shortly after. Cheaper than a thread per read: a heap push and two
    uncontended lock acquisitions. Finished reads leave the heap when their deadline comes
    (the thread wakes at most every `SLACK` seconds for them)."""

    SLACK = 0.05

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Watch]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float) -> _Watch:
        w = _Watch()
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="sahelkg-deadlines", daemon=True
                )
                self._thread.start()
            if not self._heap or deadline < self._heap[0][0]:
                self._cond.notify()
            heapq.heappush(self._heap, (deadline, next(self._seq), w))
        return w

    def finish(self, w: _Watch) -> None:
        """The read is over: from now on its connection is never cut (it may go back to
        the pool and serve another read)."""
        with self._cond:
            w.done = True

    def _loop(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _, _, w = heapq.heappop(self._heap)
                    if w.done:
                        continue
                    w.expired = True
                    if not _cut(w.session):
                        heapq.heappush(self._heap, (now + self.SLACK, next(self._seq), w))
                self._cond.wait(self._heap[0][0] - now + self.SLACK if self._heap else None)


_WATCHDOG = _Watchdog()


# ------------------------------------------------------------------ exports


def _props_json(props: dict[str, Any]) -> str:
    return json.dumps(_plain_props(props), ensure_ascii=False, sort_keys=True)


def write_graphml(pages: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """GraphML: one node per resource (labels, name, properties as JSON), one edge per
    relationship (type, properties as JSON). Returns the number of elements written."""
    out.write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        b'  <key id="labels" for="node" attr.name="labels" attr.type="string"/>\n'
        b'  <key id="name" for="node" attr.name="name" attr.type="string"/>\n'
        b'  <key id="nprops" for="node" attr.name="properties" attr.type="string"/>\n'
        b'  <key id="type" for="edge" attr.name="type" attr.type="string"/>\n'
        b'  <key id="eprops" for="edge" attr.name="properties" attr.type="string"/>\n'
        b'  <graph id="sahel-kg" edgedefault="directed">\n'
    )
    count = 0
    edges: list[bytes] = []
    for row in pages:
        iri, props = row["iri"], dict(row["props"])
        out.write(
            f"    <node id={quoteattr(iri)}>"
            f'<data key="labels">{escape(":".join(sorted(row["labels"])))}</data>'
            f'<data key="name">{escape(str(props.get("name", "")))}</data>'
            f'<data key="nprops">{escape(_props_json(props))}</data></node>\n'.encode()
        )
        count += 1
        for rel in row["rels"]:
            if rel is None:
                continue
            rel_type, rel_props, end = rel
            edges.append(
                f"    <edge source={quoteattr(iri)} target={quoteattr(end)}>"
                f'<data key="type">{escape(rel_type)}</data>'
                f'<data key="eprops">{escape(_props_json(dict(rel_props)))}</data>'
                "</edge>\n".encode()
            )
            count += 1
    for edge in edges:  # GraphML readers accept edges after nodes everywhere
        out.write(edge)
    out.write(b"  </graph>\n</graphml>\n")
    return count


CSV_COLUMNS = ("kind", "iri", "labels", "name", "start", "type", "end", "properties")


def write_csv(pages: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """One CSV: a row per node (kind=node) then per relationship (kind=edge); the other
    properties as a JSON object in the last column."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    count = 0
    edges: list[tuple[str, ...]] = []
    for row in pages:
        iri, props = row["iri"], dict(row["props"])
        writer.writerow(
            (
                "node",
                iri,
                ":".join(sorted(row["labels"])),
                str(props.get("name", "")),
                "",
                "",
                "",
                _props_json(props),
            )
        )
        count += 1
        for rel in row["rels"]:
            if rel is None:
                continue
            rel_type, rel_props, end = rel
            edges.append(
                (
                    "edge",
                    str(rel_props.get("iri") or ""),
                    "",
                    "",
                    iri,
                    rel_type,
                    end,
                    _props_json(dict(rel_props)),
                )
            )
            count += 1
    writer.writerows(edges)
    text.flush()
    text.detach()
    return count


def parse_day(value: str | None, name: str) -> dt.date | None:
    """YYYY-MM-DD, or 'today'/'now'; anything else is a 422 naming the parameter."""
    if value is None or value == "":
        return None
    if value.lower() in ("today", "now"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


__all__ = [
    "QueryError",
    "QueryTimeout",
    "Reader",
    "parse_day",
    "resolve",
    "slug",
    "write_csv",
    "write_graphml",
]
