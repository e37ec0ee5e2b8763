from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import ReaderDep, ReadsDep, SettingsDep
from api.models import Error
from graph.errors import InputError
from graph.read import actors, relations as rels
from graph.read.models import ActorDetail, ActorPage, Neighbourhood, RelationList
from graph.read.present import parse_day

router = APIRouter(prefix="/actors", tags=["actors"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Error, "description": "unknown id"}}
BAD: dict[int | str, dict[str, Any]] = {422: {"model": Error, "description": "bad parameter"}}
IdPath = Annotated[
    str,
    Path(
        description="a slug (`jnim`) or the full IRI",
        examples=["jnim", "https://w3id.org/sahel-kg/id/mali"],
    ),
]
AtQuery = Annotated[
    str | None,
    Query(description="YYYY-MM-DD (or 'today'): relations known to hold that day"),
]


def check_page(limit: int, settings: Any) -> None:
    if limit > settings.max_page_size:
        raise InputError(f"limit: at most {settings.max_page_size} items per page")


@router.get("", response_model=ActorPage, responses=BAD)
async def search_actors(
    reader: ReaderDep,
    reads: ReadsDep,
    settings: SettingsDep,
    q: Annotated[
        str | None,
        Query(
            max_length=500,
            description="words of a label or alias; case-, accent- and punctuation-insensitive",
            examples=["jnim", "GSIM", "Jama'at Nusrat al-Islam wal-Muslimin"],
        ),
    ] = None,
    type: Annotated[
        str | None,
        Query(description="an actor class of the ontology", examples=["JihadistGroup", "State"]),
    ] = None,
    limit: Annotated[int, Query(ge=1)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """Search actors by label or alias; exact alias matches come first."""
    check_page(limit, settings)
    return await reads.run(actors.search, reader, q, type, limit, offset)


# The suffixed routes come first: an IRI id contains slashes ({id:path}).
@router.get("/{id:path}/relations", response_model=RelationList, responses={**NOT_FOUND, **BAD})
async def relations(
    reader: ReaderDep,
    reads: ReadsDep,
    id: IdPath,
    at: AtQuery = None,
    type: Annotated[
        str | None,
        Query(
            description="a relationship type of the ontology (PARTNER_OF) or its property "
            "name (partnerOf)",
            examples=["PARTNER_OF", "memberOf"],
        ),
    ] = None,
) -> Any:
    """The actor's relations, each with its direction, other end, validity and sources;
    with `at`, only those known to hold that day: validFrom <= at and (no validTo or
    validTo >= at). A relation without validFrom (start unknown, or undated) is left out."""
    return await reads.run(rels.relations, reader, id, parse_day(at, "at"), type)


@router.get(
    "/{id:path}/neighbourhood", response_model=Neighbourhood, responses={**NOT_FOUND, **BAD}
)
async def neighbourhood(
    reader: ReaderDep,
    reads: ReadsDep,
    id: IdPath,
    hops: Annotated[int, Query(ge=1, le=3)] = 1,
    at: AtQuery = None,
) -> Any:
    """Nodes and edges within `hops` actor relations, ready for a graph view."""
    return await reads.run(rels.neighbourhood, reader, id, hops, parse_day(at, "at"))


@router.get("/{id:path}", response_model=ActorDetail, responses=NOT_FOUND)
async def actor(reader: ReaderDep, reads: ReadsDep, id: IdPath) -> Any:
    """One actor: labels, aliases, types, description, dates, sources, all properties."""
    return await reads.run(actors.detail, reader, id)
