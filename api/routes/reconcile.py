"""The Reconciliation Service API at /reconcile, for OpenRefine and other clients of the W3C
Entity Reconciliation Community Group's protocol (graph/reconcile.py does the work).

0.2 (what OpenRefine sends):
    GET  /reconcile                          the manifest
    GET|POST /reconcile  queries={"q0": {"query": ..., "type": ..., "limit": ...,
                                          "properties": [{"pid": "date", "v": ...}]}}
    GET|POST /reconcile  extend={"ids": [...], "properties": [{"id": "foundedDate"}]}
    GET  /reconcile/suggest/entity|type|property?prefix=...
    GET  /reconcile/preview?id=jnim           a small HTML card
    GET  /reconcile/extend/propose?type=JihadistGroup
1.0 draft (JSON bodies, lists), under /reconcile/v1: the manifest, POST /match, POST
/extend, /extend/propose, /suggest/*, /preview.

CORS is open on these routes only (api/app.py): browsers call suggest and preview.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import OntologyDep, ReaderDep, ReadsDep
from graph.errors import InputError
from graph.read import Reader
from graph.reconcile import Reconciler
from graph.vocab import KG_NS, SAHEL_NS

router = APIRouter(prefix="/reconcile", tags=["reconcile"])
NAME = "Sahel actors knowledge graph"
PREVIEW = {"width": 420, "height": 240}
AT_SETTING_02 = {
    "type": "text",
    "name": "at",
    "label": "As of (YYYY-MM-DD)",
    "default": "",
    "help_text": "leaders and memberships that held on that day (empty: all recorded)",
}
Prefix = Annotated[str, Query(max_length=200, description="the start of a name")]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def manifest_02(base: str, reconciler: Reconciler) -> dict[str, Any]:
    service = {"service_url": base}
    return {
        "versions": ["0.2"],
        "name": NAME,
        "identifierSpace": KG_NS,
        "schemaSpace": SAHEL_NS,
        "documentation": f"{base}/docs",
        "view": {"url": f"{base}/#actor={{{{id}}}}"},
        "defaultTypes": reconciler.actor_types(),
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", **PREVIEW},
        "suggest": {
            kind: {**service, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {**service, "service_path": "/reconcile/extend/propose"},
            "property_settings": [AT_SETTING_02],
        },
    }


def manifest_v1(base: str, reconciler: Reconciler) -> dict[str, Any]:
    return {
        "versions": ["1.0-draft"],
        "name": NAME,
        "identifierSpace": KG_NS,
        "schemaSpace": SAHEL_NS,
        "documentation": f"{base}/docs",
        "view": {"url": f"{base}/#actor={{id}}"},
        "defaultTypes": reconciler.actor_types(),
        "preview": PREVIEW,
        "suggest": {"entity": True, "type": True, "property": True},
        "extend": {
            "proposeProperties": True,
            "propertySettings": [
                {
                    "type": "text",
                    "id": "at",
                    "name": "As of (YYYY-MM-DD)",
                    "default": "",
                    "helpText": AT_SETTING_02["help_text"],
                }
            ],
        },
        "standardizedScore": True,
    }


def _json(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InputError(f"{field}: not valid JSON ({exc})") from None


async def _params(request: Request) -> dict[str, str]:
    """Query-string and form fields (application/x-www-form-urlencoded, as OpenRefine
    sends them), parsed here: no multipart dependency for two fields."""
    params = dict(request.query_params)
    if request.method == "POST":
        body = (await request.body()).decode("utf-8", errors="replace")
        for key, values in parse_qs(body, keep_blank_values=True).items():
            params[key] = values[-1]
    return params


def _extend_02(reconciler: Reconciler, body: Any) -> dict[str, Any]:
    meta, rows = reconciler.extend(body)
    return {"meta": meta, "rows": rows}


async def _reconcile(request: Request, reader: Reader, reads: Any, ontology: Any) -> Any:
    reconciler = Reconciler(reader, ontology.graph)
    params = await _params(request)
    if "queries" in params:
        batch = _json(params["queries"], "queries")
        return await reads.run(reconciler.reconcile, batch)
    if "extend" in params:
        body = _json(params["extend"], "extend")
        return await reads.run(_extend_02, reconciler, body)
    return manifest_02(_base(request), reconciler)


@router.get("", summary="Manifest, or reconciliation / extension with `queries` / `extend`")
async def reconcile_get(
    request: Request,
    reader: ReaderDep,
    reads: ReadsDep,
    ontology: OntologyDep,
    queries: Annotated[str | None, Query(description='{"q0": {"query": "JNIM"}}')] = None,
    extend: Annotated[str | None, Query(description='{"ids": [...], "properties": [...]}')] = None,
) -> Any:
    """Without `queries` or `extend`: the service manifest (0.2). With `queries` (a JSON
    object of queries): candidates per query. With `extend`: property values per id."""
    return await _reconcile(request, reader, reads, ontology)


@router.post("", summary="Reconciliation or extension, form-encoded (`queries=` / `extend=`)")
async def reconcile_post(
    request: Request, reader: ReaderDep, reads: ReadsDep, ontology: OntologyDep
) -> Any:
    """The form OpenRefine posts: `queries=<JSON>` or `extend=<JSON>`
    (application/x-www-form-urlencoded)."""
    return await _reconcile(request, reader, reads, ontology)


@router.get("/suggest/entity")
async def suggest_entity(
    reader: ReaderDep,
    reads: ReadsDep,
    ontology: OntologyDep,
    prefix: Prefix = "",
    type: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[int, Query(ge=0, le=10_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Any:
    """Actors whose name or a word of it starts with `prefix` (whole names first)."""
    r = Reconciler(reader, ontology.graph)
    found = await reads.run(r.suggest_entities, prefix, type, cursor + limit)
    return {"result": found[cursor:]}


@router.get("/suggest/type")
async def suggest_type(reader: ReaderDep, ontology: OntologyDep, prefix: Prefix = "") -> Any:
    return {"result": Reconciler(reader, ontology.graph).suggest_types(prefix)}


@router.get("/suggest/property")
@router.get("/v1/suggest/property")  # the same answer in both versions
async def suggest_property(reader: ReaderDep, ontology: OntologyDep, prefix: Prefix = "") -> Any:
    return {"result": Reconciler(reader, ontology.graph).suggest_properties(prefix)}


@router.get("/preview", response_class=HTMLResponse)
@router.get("/v1/preview", response_class=HTMLResponse)  # the same card in both versions
async def preview(
    reader: ReaderDep,
    reads: ReadsDep,
    ontology: OntologyDep,
    id: Annotated[str, Query(max_length=2000, description="an actor id (slug or IRI)")],
) -> HTMLResponse:
    """A small HTML card for an actor: name, types, aliases, dates, sources."""
    card = await reads.run(Reconciler(reader, ontology.graph).preview, id)
    return HTMLResponse(card)


@router.get("/extend/propose")
async def propose(
    reader: ReaderDep,
    ontology: OntologyDep,
    type: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> Any:
    """The properties data extension can fetch for actors of the type."""
    return Reconciler(reader, ontology.graph).propose(type, limit)


# ------------------------------------------------------------------ the 1.0 draft


@router.get("/v1", summary="Manifest (1.0 draft)")
async def manifest_1(request: Request, reader: ReaderDep, ontology: OntologyDep) -> Any:
    return manifest_v1(_base(request), Reconciler(reader, ontology.graph))


@router.post("/v1/match", summary="Reconciliation queries (1.0 draft, JSON body)")
async def match_v1(
    request: Request, reader: ReaderDep, reads: ReadsDep, ontology: OntologyDep
) -> Any:
    body = _json((await request.body()).decode("utf-8", errors="replace"), "body")
    return await reads.run(Reconciler(reader, ontology.graph).reconcile_v1, body)


@router.post("/v1/extend", summary="Data extension (1.0 draft, JSON body)")
async def extend_v1(
    request: Request, reader: ReaderDep, reads: ReadsDep, ontology: OntologyDep
) -> Any:
    body = _json((await request.body()).decode("utf-8", errors="replace"), "body")
    meta, rows = await reads.run(Reconciler(reader, ontology.graph).extend, body)
    return {
        "meta": meta,
        "rows": [
            {"id": id_, "properties": [{"id": p, "values": v} for p, v in props.items()]}
            for id_, props in rows.items()
        ],
    }


@router.get("/v1/extend/propose")
async def propose_v1(
    reader: ReaderDep,
    ontology: OntologyDep,
    type: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> Any:
    return Reconciler(reader, ontology.graph).propose(type, limit)


@router.get("/v1/suggest/entity")
async def suggest_entity_v1(
    reader: ReaderDep,
    reads: ReadsDep,
    ontology: OntologyDep,
    prefix: Prefix = "",
    type: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Any:
    """As 0.2, with names as lists of {str} objects (the draft's text with a language)."""
    found = await reads.run(
        Reconciler(reader, ontology.graph).suggest_entities, prefix, type, limit
    )
    return {
        "result": [
            {
                "id": e["id"],
                "name": [{"str": e["name"]}],
                "notable": [{"id": t["id"], "name": [{"str": t["name"]}]} for t in e["notable"]],
            }
            for e in found
        ]
    }


@router.get("/v1/suggest/type")
async def suggest_type_v1(reader: ReaderDep, ontology: OntologyDep, prefix: Prefix = "") -> Any:
    types = Reconciler(reader, ontology.graph).suggest_types(prefix)
    return {"result": [{"id": t["id"], "name": [{"str": t["name"], "lang": "en"}]} for t in types]}


class OpenCORS:
    """CORS for any origin on /reconcile only (the rest of the API keeps its own setting):
    OpenRefine's page calls suggest and preview from the browser, from wherever it runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == router.prefix or path.startswith(router.prefix + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
