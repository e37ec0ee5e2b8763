from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CypherReadsDep, ReaderDep
from api.models import CypherRequest, Error
from graph.read.cypher import cypher as run_cypher
from graph.read.models import CypherResult

router = APIRouter(tags=["cypher"])


@router.post(
    "/cypher",
    response_model=CypherResult,
    responses={
        400: {"model": Error, "description": "the query does not parse or the server refused it"},
        403: {"model": Error, "description": "the query would write"},
        504: {"model": Error, "description": "the query timed out"},
    },
)
async def cypher(reader: ReaderDep, cypher_reads: CypherReadsDep, body: CypherRequest) -> Any:
    """Run a read-only Cypher query. Writes (CREATE, MERGE, SET, DELETE, REMOVE, DROP,
    LOAD CSV, FOREACH, writing or admin procedures...) are refused before they reach the
    server, in any letter case, behind comments or inside subqueries; reads are routed as
    reads, stopped after the configured timeout, and cut at the row cap (`truncated`)."""
    return await cypher_reads.run(run_cypher, reader, body.query, body.parameters)
