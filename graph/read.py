"""Read functions the HTTP API calls: actors, relations at a date, neighbourhoods, paths,
events with their claims, timelines, read-only Cypher, pages for the exports. How values
are shown is in graph.present, the deadline thread in graph.deadline, GraphML and CSV in
graph.pg_export.

Every statement comes from graph.queries; labels and relationship types come from the
ontology registry, never from request text. Each read runs in its own READ session, without
the driver's retry loop (an unreachable store answers at once), under a client-side
deadline: ArcadeDB ignores the Bolt transaction timeout, so a read that outlives it has its
connection cut and raises QueryTimeout. Results are plain dicts, ready for JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import neo4j
from rdflib import URIRef

from graph import asof, queries
from graph.deadline import WATCHDOG
from graph.errors import InputError, NotFound, QueryError, QueryTimeout
from graph.mapping import normalise_text
from graph.present import (
    actor_summary,
    as_list,
    by_lang,
    date_text,
    first_value,
    jsonable,
    merge_relations,
    plain_props,
    ref,
    resolve,
    slug,
    source_ref,
)
from graph.readonly import check_read_only
from graph.registry import Registry, local_name
from graph.store import CommitLockTimeout, Store, translate_errors
from graph.vocab import SAHEL, SAHEL_NS

# Relationship roles an actor can have in an event (event -> actor).
EVENT_ROLES = ("PERPETRATOR", "CLAIMED_BY", "PARTICIPANT", "TARGET", "CONDEMNED_BY", "STATED_BY")
# Actor -> place relations shown next to the actor relations.
PLACE_RELATIONS = ("DEPLOYED_IN", "OPERATES_IN")
MAX_NEIGHBOURHOOD_EDGES = 2000
MAX_PATHS = 20
MAX_PATH_EDGES = 20_000
SEARCH_CAP = 5000  # actors a search ranks at most
CLOSE_SPELLING = 80.0  # matcher score from which a name that contains no word of q counts
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


def _server_timeout(message: str) -> bool:
    """The server stopped the statement at its timeout (both servers answer with
    Neo.ClientError.Transaction.TransactionTimedOut; graph.store says "query timed out")."""
    return message.startswith("query timed out")


def _ref_props(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The properties ref() reads, from a row of the statements above."""
    return {"name": row[prefix + "name"], "rdfTypes": row[prefix + "types"]}


def _merged_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One edge per relation and interval, with all its sources; its id is its first
    qualified node's IRI (stable), else subject, type and object."""
    out = []
    for e in merge_relations(edges, ("source", "type", "target")):
        e["id"] = e["iri"] or f"{e['source']} {e['type']} {e['target']}"
        if e["iri"] is None and (e["validFrom"] or e["validTo"]):
            e["id"] += f" {e['validFrom'] or ''}/{e['validTo'] or ''}"
        out.append(e)
    return sorted(out, key=lambda e: (e["source"], e["type"], e["target"], e["id"]))


# ------------------------------------------------------------------ the reader


@dataclass
class Reader:
    """Reads for one request: a store, the ontology's registry, a deadline and a row cap."""

    store: Store
    registry: Registry
    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_response_bytes: int = 16 * 1024 * 1024

    # -- running statements

    def run(
        self,
        query: str,
        params: dict[str, Any] | None = None,
        limit: int | None = None,
        timeout_s: float | None = None,
        untrusted: bool = False,
    ) -> tuple[list[str], list[list[Any]], bool]:
        """Columns, rows (at most `limit`) and whether rows were cut, under a deadline.

        The read runs in the calling thread, in a READ session of the store's reader
        account, with the timeout sent to the server (which stops the work there: Neo4j
        by the transaction timeout, ArcadeDB by the reader group's read timeout). The
        process's one watchdog thread also cuts the Bolt connection if the read still runs
        `timeout` + 1 s after it started, and this raises QueryTimeout. Waiting for a commit
        and for a pooled connection are bounded by the same deadline. `untrusted`: a
        client's statement, which the server is asked to classify first where it can."""
        timeout = timeout_s or self.timeout_s
        deadline = time.monotonic() + timeout + 1.0
        watch = WATCHDOG.watch(deadline)
        try:
            with (
                translate_errors(),
                self.store.reading(deadline),  # never overlap a commit (embedded server)
                self.store.read_session(
                    connection_acquisition_timeout=max(deadline - time.monotonic(), 0.001),
                ) as session,
            ):
                watch.session = session
                try:
                    if untrusted:
                        self.store.refuse_writes(session, query, params or {})
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
                    WATCHDOG.finish(watch)
        except Exception as exc:
            WATCHDOG.finish(watch)
            if watch.expired or isinstance(exc, CommitLockTimeout):
                raise QueryTimeout(
                    f"the query did not finish within {timeout:g}s and was stopped"
                ) from exc
            if isinstance(exc, QueryError) and _server_timeout(str(exc)):
                raise QueryTimeout(  # the server stopped it itself
                    f"the query did not finish within {timeout:g}s and was stopped"
                ) from exc
            raise
        return keys, rows, truncated

    def rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        keys, rows, _ = self.run(query, params)
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- health

    def health(self) -> dict[str, Any]:
        counts = self.rows(queries.API_COUNTS)[0]
        last = self.rows(queries.LAST_LOAD)
        load = jsonable(last[0]) if last else None
        if load and load.get("files"):
            # File names only: an HTTP client has no business with the server's folders.
            load["files"] = [PurePath(str(f)).name for f in load["files"]]
        return {
            "nodes": int(counts["nodes"]),
            "relationships": int(counts["relationships"]),
            "last_load": load,
            "server": self.store.server_version(),
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
        """Labels and aliases containing the words of `q`, plus close spellings the name
        matcher finds (graph.match), ranked by the matcher: exact aliases first, then by
        score. Without `q`: every actor (of the type), by name."""
        label = self.check_label(type_, SAHEL.Actor)
        text = (q or "").strip()
        if not text:
            params = {"q": "", "label": label}
            found = self.rows(queries.API_SEARCH_PAGE, **params, limit=limit, offset=offset)[0]
            return {
                "items": [actor_summary(iri, dict(props)) for iri, props in found["page"]],
                "total": int(found["total"]),
                "limit": limit,
                "offset": offset,
            }
        from graph.match import Query
        from graph.match_store import cache_for

        index = cache_for(self.store.driver, self.store.database).get(self.rows, self.registry)
        ranked = index.match(Query(text, (label or "Actor",), limit=SEARCH_CAP))
        score = {c.iri: c for c in ranked}
        key = normalise_text(text)
        props = {
            r["iri"]: dict(r["props"])
            for r in (
                self.rows(queries.API_SEARCH_ALL, q=key, label=label, cap=SEARCH_CAP) if key else []
            )
        }
        hits = set(props) | {c.iri for c in ranked if c.score >= CLOSE_SPELLING}

        def rank(iri: str) -> tuple[int, float, str, str]:
            c = score.get(iri)
            exact = c is not None and any(f.id == "exact_alias" and f.value for f in c.features)
            name = str(props[iri].get("name")) if iri in props else (c.entity.name if c else "")
            return (0 if exact else 1, -(c.score if c else 0.0), name, iri)

        order = sorted(hits, key=rank)
        page = order[offset : offset + limit]
        missing = [i for i in page if i not in props]
        if missing:
            for r in self.rows(queries.API_RESOURCES, iris=missing):
                props[r["iri"]] = dict(r["props"])
        return {
            "items": [actor_summary(iri, props[iri]) for iri in page if iri in props],
            "total": len(order),
            "limit": limit,
            "offset": offset,
        }

    def actor(self, id_: str) -> dict[str, Any]:
        iri, props = self.actor_iri(id_)
        sources = self.rows(queries.API_LINKS_OUT, iris=[iri], types=["SOURCE"])
        same_as = self.rows(queries.API_LINKS_OUT, iris=[iri], types=["SAME_AS"])
        return {
            **actor_summary(iri, props),
            "description": first_value(props, "comment"),
            "founded": date_text(props.get("foundedDate")),
            "dissolved": date_text(props.get("dissolvedDate")),
            "same_as": sorted(r["iri"] for r in same_as),
            "sources": [source_ref(r["iri"], dict(r["props"])) for r in sources],
            "properties": plain_props(props),
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
        rows = self.rows(queries.API_ACTOR_RELATIONS, iri=iri, types=types, **asof.params(at))
        if not rows or "Actor" not in rows[0]["labels"]:
            raise NotFound(f"no actor has the id {id_!r}")
        return {
            "actor": ref(iri, _ref_props(rows[0])),
            "at": at.isoformat() if at else None,
            "items": merge_relations(
                [self._relation(r, _ref_props(r, "other_")) for r in rows if r["type"] is not None],
                ("direction", "type", "other"),
            ),
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
            "validFrom": date_text(rel.get("validFrom")),
            "validTo": date_text(rel.get("validTo")),
            "sources": sorted(as_list(rel.get("sources"))),
            "iri": rel.get("iri"),
            "label": first_value(rel, "label"),
        }

    def neighbourhood(self, id_: str, hops: int, at: dt.date | None = None) -> dict[str, Any]:
        iri = resolve(id_)
        types = sorted(self.actor_relation_types())
        # Hop 1 comes with the centre's lookup; every hop brings its nodes' labels, name
        # and classes (no last statement for them).
        rows = self.rows(
            queries.API_CENTER_NEIGHBOURS,
            iri=iri,
            types=types,
            **asof.params(at),
            limit=MAX_NEIGHBOURHOOD_EDGES + 1,
        )
        if not rows or "Actor" not in rows[0]["labels"]:
            raise NotFound(f"no actor has the id {id_!r}")
        center = _ref_props(rows[0])
        found: dict[str, tuple[list[str], dict[str, Any]]] = {iri: (rows[0]["labels"], center)}
        rows = [r for r in rows if r["type"] is not None]
        depth: dict[str, int] = {iri: 0}
        edges: dict[tuple[str, str, str, str], dict[str, Any]] = {}  # one per stored relation
        frontier = [iri]
        truncated = False
        for hop in range(1, hops + 1):
            if not frontier:
                break
            if hop > 1:
                rows = self.rows(
                    queries.API_NEIGHBOUR_REFS,
                    frontier=frontier,
                    types=types,
                    **asof.params(at),
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
                        "validFrom": date_text(rel.get("validFrom")),
                        "validTo": date_text(rel.get("validTo")),
                        "sources": sorted(as_list(rel.get("sources"))),
                        "label": first_value(rel, "label"),
                        "iri": rel.get("iri"),
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
            "edges": _merged_edges(list(edges.values())),
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
        found = {r["iri"]: r for r in self.rows(queries.API_REFS, iris=[a, b])}
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
                queries.API_PATH_STEPS,
                frontier=frontier,
                types=types,
                **asof.params(at),
                limit=MAX_PATH_EDGES,
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
                            "validFrom": date_text(r["validFrom"]),
                            "validTo": date_text(r["validTo"]),
                            "sources": sorted(as_list(r["sources"])),
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
                    "date": date_text(props.get("date")),
                    "endDate": date_text(props.get("endDate")),
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
                    "attribution": as_list(c.get("attribution")),
                    "victimCategory": as_list(c.get("victimCategory")),
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
                "date": date_text(dict(r["props"]).get("date")),
                "statedBy": stated.get(r["iri"], {}).get("STATED_BY", []),
            }
            for r in statement_rows
        ]
        parts = [ref(r["iri"], dict(r["props"])) for r in incoming if r["type"] == "PART_OF"]
        return {
            **ref(iri, props),
            "labels": {
                lang or "none": sorted(v)[0] for lang, v in by_lang(props, "label").items() if v
            },
            "description": first_value(props, "comment"),
            "date": date_text(props.get("date")),
            "endDate": date_text(props.get("endDate")),
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
                    "date": date_text(e.get("date")),
                    "kind": "event",
                    "roles": sorted(r["roles"]),
                    "item": ref(r["iri"], e),
                    "relation": None,
                }
            )
        types = sorted(self.actor_relation_types())
        rels = [
            self._relation(r)
            for r in self.rows(queries.API_TIMELINE_RELATIONS, iri=iri, types=types)
        ]
        for rel in merge_relations(rels, ("direction", "type", "other")):
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
        """A client's read-only Cypher: the checker, then the store (reader account, READ
        mode, EXPLAIN where the server classifies), at most `max_rows` rows and about
        `max_response_bytes` of JSON (the rest cut, `truncated`)."""
        check_read_only(query)
        columns, rows, truncated = self.run(
            query, parameters or {}, limit=self.max_rows, untrusted=True
        )
        shown: list[list[Any]] = []
        size = 2  # the brackets of the list of rows; each row adds its text and ", "
        for row in rows:
            cells = [jsonable(v) for v in row]
            size += len(json.dumps(cells, ensure_ascii=False, default=str)) + 2
            if size > self.max_response_bytes:
                truncated = True
                break
            shown.append(cells)
        return {
            "columns": columns,
            "rows": shown,
            "truncated": truncated,
            "row_count": len(shown),
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


__all__ = ["QueryError", "QueryTimeout", "Reader"]
