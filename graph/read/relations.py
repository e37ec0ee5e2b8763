"""An actor's relations (on a day, of a type) and its neighbourhood (nodes and edges within
a few hops, for the graph view). "Holds on day D" is graph/asof.py's rule, applied in the
statements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph import asof, queries
from graph.errors import InputError, NotFound
from graph.read.base import Reader, ref_props
from graph.read.models import GraphEdge, GraphNode, Neighbourhood, Relation, RelationList
from graph.read.present import (
    as_list,
    date_text,
    first_value,
    merge_relations,
    ref,
    ref_fields,
    resolve,
)

MAX_NEIGHBOURHOOD_EDGES = 2000


def relation_of(reader: Reader, r: dict[str, Any], other: dict[str, Any] | None = None) -> Relation:
    """A relation row; `other`: the other end's properties, if not in r["otherProps"]."""
    rel = dict(r["props"])
    predicate = reader.registry.rel_to_predicate.get(r["type"])
    return Relation(
        type=r["type"],
        predicate=str(predicate) if predicate else None,
        direction="out" if r["outgoing"] else "in",
        other=ref(r["other"], other if other is not None else dict(r["otherProps"])),
        validFrom=date_text(rel.get("validFrom")),
        validTo=date_text(rel.get("validTo")),
        sources=sorted(as_list(rel.get("sources"))),
        iri=rel.get("iri"),
        label=first_value(rel, "label"),
    )


def merged(relations: list[Relation]) -> list[Relation]:
    """One relation per direction, type, other end and interval (graph.read.present)."""
    return merge_relations(relations, lambda r: (r.direction, r.type, r.other.iri))


def relations(
    reader: Reader, id_: str, at: dt.date | None = None, type_: str | None = None
) -> RelationList:
    iri = resolve(id_)
    try:
        types = reader.check_rel_type(type_)
    except InputError:
        reader.actor_iri(id_)  # an unknown actor is a 404 before a bad type is a 422
        raise
    # One statement: the actor (one row of nulls when it has no such relation) and its
    # relations.
    rows = reader.rows(queries.API_ACTOR_RELATIONS, iri=iri, types=types, **asof.params(at))
    if not rows or "Actor" not in rows[0]["labels"]:
        raise NotFound(f"no actor has the id {id_!r}")
    return RelationList(
        actor=ref(iri, ref_props(rows[0])),
        at=at.isoformat() if at else None,
        items=merged(
            [relation_of(reader, r, ref_props(r, "other_")) for r in rows if r["type"] is not None]
        ),
    )


def _merged_edges(edges: list[GraphEdge]) -> list[GraphEdge]:
    """One edge per relation and interval, with all its sources; its id is its first
    qualified node's IRI (stable), else subject, type and object."""
    out = []
    for e in merge_relations(edges, lambda e: (e.source, e.type, e.target)):
        e.id = e.iri or f"{e.source} {e.type} {e.target}"
        if e.iri is None and (e.validFrom or e.validTo):
            e.id += f" {e.validFrom or ''}/{e.validTo or ''}"
        out.append(e)
    return sorted(out, key=lambda e: (e.source, e.type, e.target, e.id))


def neighbourhood(reader: Reader, id_: str, hops: int, at: dt.date | None = None) -> Neighbourhood:
    """Nodes and edges within `hops` actor relations, ready for a graph view; `truncated`
    when more than MAX_NEIGHBOURHOOD_EDGES relations were found."""
    iri = resolve(id_)
    types = sorted(reader.actor_relation_types())
    # Hop 1 comes with the centre's lookup; every hop brings its nodes' labels, name
    # and classes (no last statement for them).
    rows = reader.rows(
        queries.API_CENTER_NEIGHBOURS,
        iri=iri,
        types=types,
        **asof.params(at),
        limit=MAX_NEIGHBOURHOOD_EDGES + 1,
    )
    if not rows or "Actor" not in rows[0]["labels"]:
        raise NotFound(f"no actor has the id {id_!r}")
    center = ref_props(rows[0])
    found: dict[str, tuple[list[str], dict[str, Any]]] = {iri: (rows[0]["labels"], center)}
    rows = [r for r in rows if r["type"] is not None]
    depth: dict[str, int] = {iri: 0}
    edges: dict[tuple[str, str, str, str], GraphEdge] = {}  # one per stored relation
    frontier = [iri]
    truncated = False
    for hop in range(1, hops + 1):
        if not frontier:
            break
        if hop > 1:
            rows = reader.rows(
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
                edges[key] = GraphEdge(
                    id=rel.get("iri") or f"{r['start']} {r['type']} {r['end']}",
                    source=r["start"],
                    target=r["end"],
                    type=r["type"],
                    validFrom=date_text(rel.get("validFrom")),
                    validTo=date_text(rel.get("validTo")),
                    sources=sorted(as_list(rel.get("sources"))),
                    label=first_value(rel, "label"),
                    iri=rel.get("iri"),
                )
            if r["other"] not in depth:
                depth[r["other"]] = hop
                nxt.append(r["other"])
                found[r["other"]] = (r["other_labels"], ref_props(r, "other_"))
        if len(rows) > MAX_NEIGHBOURHOOD_EDGES or len(edges) > MAX_NEIGHBOURHOOD_EDGES:
            truncated = True
            break
        frontier = nxt
    nodes = [
        GraphNode(
            **ref_fields(n, found[n][1] if n in found else None),
            hop=depth[n],
            labels=sorted(found[n][0]) if n in found else [],
        )
        for n in sorted(depth, key=lambda n: (depth[n], n))
    ]
    return Neighbourhood(
        center=ref(iri, center),
        hops=hops,
        at=at.isoformat() if at else None,
        nodes=nodes,
        edges=_merged_edges(list(edges.values())),
        truncated=truncated,
    )
