"""The shortest connections between two actors over actor relations, breadth-first, one
statement per hop, every relation on the way filtered by the "as of" day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph import asof, queries
from graph.errors import InputError, NotFound
from graph.read.base import Reader, ref_props
from graph.read.models import Path, PathList, PathRel
from graph.read.present import as_list, date_text, ref, resolve
from graph.vocab import SAHEL

MAX_PATHS = 20
MAX_PATH_EDGES = 20_000


def paths(
    reader: Reader, from_: str, to: str, max_hops: int, at: dt.date | None = None
) -> PathList:
    a = resolve(from_)
    try:
        b = resolve(to)
    except NotFound:
        reader.actor_iri(from_)  # an unknown 'from' is reported first
        raise
    # Both ends in one statement; the nodes on the way come with the hops' rows.
    found = {r["iri"]: r for r in reader.rows(queries.API_REFS, iris=[a, b])}
    for id_, iri in ((from_, a), (to, b)):
        if iri not in found or "Actor" not in found[iri]["labels"]:
            raise NotFound(f"no actor has the id {id_!r}")
    if a == b:
        raise InputError("'from' and 'to' name the same actor")
    refs: dict[str, dict[str, Any]] = {iri: ref_props(found[iri]) for iri in (a, b)}
    types = sorted(reader.registry.relationship_types(SAHEL.actorRelation))
    # Breadth-first, one statement per hop, the date filter applied to every relationship
    # as it is expanded. (ArcadeDB's allShortestPaths applies a WHERE on the path after
    # the search, so it misses a longer valid path when the shortest one is not valid.)
    depth: dict[str, int] = {a: 0}
    parents: dict[str, list[tuple[str, PathRel]]] = {}
    frontier = [a]
    for hop in range(1, max_hops + 1):
        if not frontier or b in parents:
            break
        rows = reader.rows(
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
                refs.setdefault(other, ref_props(r, "other_"))
            parents.setdefault(other, []).append(
                (
                    here,
                    PathRel(
                        type=r["type"],
                        source=r["start"],
                        target=r["end"],
                        validFrom=date_text(r["validFrom"]),
                        validTo=date_text(r["validTo"]),
                        sources=sorted(as_list(r["sources"])),
                        iri=r["iri"],
                    ),
                )
            )
        frontier = nxt
    walks: list[tuple[list[str], list[PathRel]]] = []

    def back(node: str, nodes: list[str], rels: list[PathRel]) -> None:
        if len(walks) >= MAX_PATHS:
            return
        if node == a:
            walks.append(([a, *nodes], rels))
            return
        for prev, rel in sorted(parents.get(node, []), key=lambda pr: (pr[0], pr[1].type)):
            back(prev, [node, *nodes], [rel, *rels])

    if b in parents:
        back(b, [], [])
    walks.sort(key=lambda w: w[0])
    return PathList(
        from_=ref(a, refs[a]),
        to=ref(b, refs[b]),
        at=at.isoformat() if at else None,
        max_hops=max_hops,
        paths=[
            Path(length=len(rels), nodes=[ref(n, refs.get(n)) for n in nodes], relationships=rels)
            for nodes, rels in walks
        ],
    )
