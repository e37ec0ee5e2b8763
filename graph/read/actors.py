"""Actors: the search by name (labels, aliases and the name matcher's close spellings) and
one actor's details."""

from __future__ import annotations

from graph import queries
from graph.mapping import normalise_text
from graph.read.base import Reader
from graph.read.models import ActorDetail, ActorPage
from graph.read.present import (
    actor_fields,
    actor_summary,
    date_text,
    first_value,
    plain_props,
    source_ref as source,
)
from graph.vocab import SAHEL

SEARCH_CAP = 5000  # actors a search ranks at most
CLOSE_SPELLING = 80.0  # matcher score from which a name that contains no word of q counts


def search(reader: Reader, q: str | None, type_: str | None, limit: int, offset: int) -> ActorPage:
    """Labels and aliases containing the words of `q`, plus close spellings the name
    matcher finds (graph.match), ranked by the matcher: exact aliases first, then by
    score. Without `q`: every actor (of the type), by name."""
    label = reader.check_label(type_, SAHEL.Actor)
    text = (q or "").strip()
    if not text:
        params = {"q": "", "label": label}
        found = reader.rows(queries.API_SEARCH_PAGE, **params, limit=limit, offset=offset)[0]
        return ActorPage(
            items=[actor_summary(iri, dict(props)) for iri, props in found["page"]],
            total=int(found["total"]),
            limit=limit,
            offset=offset,
        )
    from graph.match import Query
    from graph.match_store import index_for

    index = index_for(reader)
    ranked = index.match(Query(text, (label or "Actor",), limit=SEARCH_CAP))
    score = {c.iri: c for c in ranked}
    key = normalise_text(text)
    props = {
        r["iri"]: dict(r["props"])
        for r in (
            reader.rows(queries.API_SEARCH_ALL, q=key, label=label, cap=SEARCH_CAP) if key else []
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
        for r in reader.rows(queries.API_RESOURCES, iris=missing):
            props[r["iri"]] = dict(r["props"])
    return ActorPage(
        items=[actor_summary(iri, props[iri]) for iri in page if iri in props],
        total=len(order),
        limit=limit,
        offset=offset,
    )


def detail(reader: Reader, id_: str) -> ActorDetail:
    """One actor: labels, aliases, types, description, dates, sources, all properties."""
    iri, props = reader.actor_iri(id_)
    sources = reader.rows(queries.API_LINKS_OUT, iris=[iri], types=["SOURCE"])
    same_as = reader.rows(queries.API_LINKS_OUT, iris=[iri], types=["SAME_AS"])
    return ActorDetail(
        **actor_fields(iri, props),
        description=first_value(props, "comment"),
        founded=date_text(props.get("foundedDate")),
        dissolved=date_text(props.get("dissolvedDate")),
        same_as=sorted(r["iri"] for r in same_as),
        sources=[source(r["iri"], dict(r["props"])) for r in sources],
        properties=plain_props(props),
    )
