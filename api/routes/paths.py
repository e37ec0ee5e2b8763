from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ReaderDep, ReadsDep
from api.routes.actors import BAD, NOT_FOUND
from graph.read import paths as reading
from graph.read.models import PathList
from graph.read.present import parse_day

router = APIRouter(tags=["paths"])


@router.get("/paths", response_model=PathList, responses={**NOT_FOUND, **BAD})
async def paths(
    reader: ReaderDep,
    reads: ReadsDep,
    from_: Annotated[str, Query(alias="from", examples=["jnim"])],
    to: Annotated[str, Query(examples=["russia"])],
    max_hops: Annotated[int, Query(ge=1, le=6)] = 4,
    at: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
) -> Any:
    """The shortest connections between two actors over actor relations (all of the
    shortest ones, up to 20), with the relations on the way; with `at`, every relation on
    the way must hold that day."""
    return await reads.run(reading.paths, reader, from_, to, max_hops, parse_day(at, "at"))
