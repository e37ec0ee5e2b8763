"""One search box for actors, places and events (graph/read/search.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ReaderDep, ReadsDep
from api.routes.actors import BAD
from graph.read import search as searching
from graph.read.models import SearchResult

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResult, responses=BAD)
async def search(
    reader: ReaderDep,
    reads: ReadsDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            description="words of a label or alias, and date words that narrow to events "
            "(2024, September 2024, 17 septembre 2024, 2024-09-17)",
            examples=["Bamako", "GSIM", "Bamako September 2024"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=100, description="per kind")] = 20,
) -> Any:
    """Actors, places and events matching the words, grouped by kind, best first."""
    return await reads.run(searching.search, reader, q, limit)
