from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ReaderDep, SparqlDep, StoreDep
from api.models import Health
from graph.errors import StoreError
from graph.read.graph_info import health as graph_health

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "the store cannot be reached"}},
)
def health(reader: ReaderDep, store: StoreDep, sparql: SparqlDep) -> JSONResponse:
    """Backend kind, whether the Bolt server answers, and what the graph holds."""
    try:
        info = graph_health(reader)
    except StoreError as exc:
        body = Health(status="unavailable", backend=store.backend, reachable=False, detail=str(exc))
        return JSONResponse(body.model_dump(), status_code=503)
    body = Health(
        status="ok",
        backend=store.backend,
        reachable=True,
        nodes=info.nodes,
        server=info.server,
        relationships=info.relationships,
        last_load=info.last_load,
        sparql_triples=sparql.triples if sparql.loaded else None,
        sparql_updating=sparql.updating(),
    )
    return JSONResponse(body.model_dump())
