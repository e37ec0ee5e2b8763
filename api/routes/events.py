from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import ReaderDep, ReadsDep, SettingsDep
from api.routes.actors import BAD, NOT_FOUND, check_page
from graph.read import events as reading
from graph.read.models import EventDetail, EventPage
from graph.read.present import parse_day

router = APIRouter(prefix="/events", tags=["events"])


@router.get("", response_model=EventPage, responses={**NOT_FOUND, **BAD})
async def list_events(
    reader: ReaderDep,
    reads: ReadsDep,
    settings: SettingsDep,
    actor: Annotated[
        str | None,
        Query(description="an actor (slug or IRI) with a role in the event", examples=["jnim"]),
    ] = None,
    type: Annotated[
        str | None, Query(description="an event class", examples=["Attack", "Coup"])
    ] = None,
    place: Annotated[
        str | None,
        Query(
            description="a place; events located in it or in a place inside it",
            examples=["bamako", "mali"],
        ),
    ] = None,
    from_: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
    role: Annotated[
        str | None,
        Query(
            description="the actor's role: perpetrator, claimed_by, participant, target, "
            "condemned_by or stated_by (default: any)",
            examples=["perpetrator"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """Events by actor (and role), type, place and date range, oldest first."""
    check_page(limit, settings)
    return await reads.run(
        reading.events,
        reader,
        actor,
        type,
        place,
        parse_day(from_, "from"),
        parse_day(to, "to"),
        limit,
        offset,
        role,
    )


@router.get("/{id:path}", response_model=EventDetail, responses=NOT_FOUND)
async def event(
    reader: ReaderDep,
    reads: ReadsDep,
    id: Annotated[str, Path(examples=["event-2024-09-17-bamako-attack"])],
) -> Any:
    """One event with its places, actors, sources and claims (each figure with its value,
    attribution and source: sources that disagree give separate claims)."""
    return await reads.run(reading.event, reader, id)
