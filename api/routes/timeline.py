from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ReaderDep, ReadsDep
from api.routes.actors import BAD, NOT_FOUND
from graph.read import timeline as reading
from graph.read.models import Timeline
from graph.read.present import parse_day

router = APIRouter(tags=["timeline"])


@router.get("/timeline", response_model=Timeline, responses={**NOT_FOUND, **BAD})
async def timeline(
    reader: ReaderDep,
    reads: ReadsDep,
    actor: Annotated[str, Query(examples=["mali"])],
    from_: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    to: Annotated[str | None, Query(description="YYYY-MM-DD")] = None,
) -> Any:
    """An actor's dated history: the events it had a role in, and the starts and ends of
    its relations, in date order."""
    return await reads.run(
        reading.timeline, reader, actor, parse_day(from_, "from"), parse_day(to, "to")
    )
