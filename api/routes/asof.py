"""The "as of" rule's example queries, written by graph/asof.py for one actor, relation type
and day: the explorer's console shows them, so the console, REST, /cypher and /sparql ask
the same question in the same words (tests/integration/test_asof_channels.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ReaderDep, ReadsDep
from api.routes.actors import BAD, NOT_FOUND
from graph import asof
from graph.errors import InputError
from graph.read import Reader
from graph.read.models import AsOfQueries
from graph.read.present import parse_day, slug

router = APIRouter(tags=["as of"])


def _queries(reader: Reader, actor: str, type_: str, at: str) -> AsOfQueries:
    day = parse_day(at, "at")
    if day is None:
        raise InputError("at: a day is needed (YYYY-MM-DD)")
    iri, _ = reader.actor_iri(actor)  # a stored actor: its IRI is safe to write into text
    if "'" in iri or ">" in iri:
        raise InputError(f"actor: {actor!r} cannot be written into a query")
    rel_type = reader.check_rel_type(type_)[0]
    predicate = str(reader.registry.rel_to_predicate[rel_type])
    return AsOfQueries(
        actor=slug(iri),
        type=rel_type,
        at=day.isoformat(),
        rule=asof.RULE,
        rest=f"/actors/{slug(iri)}/relations?at={day.isoformat()}&type={rel_type}",
        cypher=asof.cypher_relations_at_text(rel_type, iri, day),
        sparql=asof.sparql_relations_at(iri, predicate, day),
    )


@router.get("/asof/queries", response_model=AsOfQueries, responses={**NOT_FOUND, **BAD})
async def asof_queries(
    reader: ReaderDep,
    reads: ReadsDep,
    actor: Annotated[str, Query(examples=["mali"])],
    at: Annotated[str, Query(description="YYYY-MM-DD", examples=["2019-06-01"])],
    type: Annotated[str, Query(examples=["PARTNER_OF"])] = "PARTNER_OF",
) -> Any:
    """The question "which actors had relation `type` with `actor` on `at`?" as the REST
    path, a Cypher query and a SPARQL query that all apply the one "as of" rule."""
    return await reads.run(_queries, reader, actor, type, at)
