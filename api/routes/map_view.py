"""What the explorer's map and chart draw: dated events with their point, class and
reported fatalities, and the places that have coordinates (graph/read/geo.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ReaderDep, ReadsDep
from api.routes.actors import BAD, NOT_FOUND
from graph.errors import InputError
from graph.read import Reader, geo
from graph.read.models import MapView
from graph.read.present import parse_day

router = APIRouter(prefix="/map", tags=["map"])


def _view(reader: Reader, actor: str | None, from_: str | None, to: str | None) -> MapView:
    start, end = parse_day(from_, "from"), parse_day(to, "to")
    if start and end and start > end:
        raise InputError("'from' is after 'to'")
    iri = reader.actor_iri(actor)[0] if actor else None
    return geo.map_events(reader, iri, start, end)


@router.get("/events", response_model=MapView, responses={**NOT_FOUND, **BAD})
async def map_events(
    reader: ReaderDep,
    reads: ReadsDep,
    actor: Annotated[
        str | None,
        Query(
            description="only the events linked to this actor (as in its timeline)",
            examples=["jnim"],
        ),
    ] = None,
    from_: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    to: Annotated[
        str | None, Query(description="YYYY-MM-DD: the explorer's 'as of' day, or a brush's end")
    ] = None,
) -> Any:
    """Dated events, oldest first, each with the point it is drawn at (its most precise
    place; a place without coordinates takes those of the place it is located in, and
    `inherited` says so) and its reported fatalities as the range the sources give; and
    every place with coordinates, with their precision and source."""
    return await reads.run(_view, reader, actor, from_, to)
