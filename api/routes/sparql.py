"""SPARQL 1.1 Protocol, query operation only.

    GET  /sparql?query=...                      (URL-encoded query)
    POST /sparql  application/x-www-form-urlencoded   query=...
    POST /sparql  application/sparql-query      (the query as the body)

Results: SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE: Turtle (default),
N-Triples, JSON-LD or RDF/XML. Chosen by the Accept header or a `format` parameter.
UPDATE (any form, or `update=`, or application/sparql-update) and SERVICE are refused (403).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import ReaderDep, SparqlDep
from api.models import Error
from graph.errors import QueryError, ReadOnlyViolation
from graph.read import Reader
from graph.sparql import SparqlEngine, negotiate

router = APIRouter(tags=["sparql"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "results",
        "content": {
            "application/sparql-results+json": {},
            "application/sparql-results+xml": {},
            "text/csv": {},
            "text/tab-separated-values": {},
            "text/turtle": {},
            "application/n-triples": {},
            "application/ld+json": {},
        },
    },
    400: {"model": Error, "description": "the query does not parse"},
    403: {"model": Error, "description": "an update or SERVICE was refused"},
    504: {"model": Error, "description": "the query timed out"},
}
UPDATE_REFUSED = (
    "read-only: SPARQL Update is not accepted at this endpoint; send queries only "
    "(SELECT, ASK, CONSTRUCT, DESCRIBE)"
)


def _answer(
    engine: SparqlEngine, reader: Reader, query: str, accept: str | None, fmt: str | None
) -> Response:
    results, graph = negotiate(accept, fmt)
    engine.refresh(reader.graph_version(), reader.write_ntriples)
    answer = engine.query(query, results, graph)
    media = answer.media_type
    if media.startswith("text/") or media.endswith("+json") or media.endswith("+xml"):
        media += "; charset=utf-8"
    return Response(answer.body, media_type=media, headers={"Vary": "Accept"})


def _format(params: dict[str, Any]) -> str | None:
    for key in ("format", "output", "results"):
        value = params.get(key)
        if value:
            return str(value)
    return None


@router.get("/sparql", responses=RESPONSES, response_class=Response)
def sparql_get(
    request: Request,
    reader: ReaderDep,
    engine: SparqlDep,
    query: Annotated[
        str | None,
        Query(
            description="a SPARQL 1.1 query",
            examples=[
                "SELECT ?g WHERE { ?g a <https://w3id.org/sahel-kg/ontology#JihadistGroup> }"
            ],
        ),
    ] = None,
    update: Annotated[str | None, Query(include_in_schema=False)] = None,
    format: Annotated[
        str | None, Query(description="json, xml, csv, tsv, turtle, ntriples, jsonld")
    ] = None,
) -> Response:
    """Answer a SPARQL query given in the URL."""
    if update is not None:
        raise ReadOnlyViolation(UPDATE_REFUSED)
    if not query:
        raise QueryError("missing the `query` parameter")
    _no_dataset(request.query_params.keys())
    fmt = format or _format(dict(request.query_params))
    return _answer(engine, reader, query, request.headers.get("accept"), fmt)


@router.post("/sparql", responses=RESPONSES, response_class=Response)
async def sparql_post(request: Request, reader: ReaderDep, engine: SparqlDep) -> Response:
    """Answer a SPARQL query sent as a form (`query=`) or as application/sparql-query."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise QueryError("the request body is not UTF-8") from None
    params: dict[str, Any] = dict(request.query_params)
    if ctype == "application/sparql-update":
        raise ReadOnlyViolation(UPDATE_REFUSED)
    if ctype == "application/x-www-form-urlencoded":
        form = {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
        if "update" in form:
            raise ReadOnlyViolation(UPDATE_REFUSED)
        _no_dataset(form.keys())
        params.update(form)
        query = form.get("query")
    elif ctype == "application/sparql-query":
        query = text
    else:
        raise QueryError(
            f"unsupported content type {ctype or '(none)'!r}: send application/sparql-query "
            "or an application/x-www-form-urlencoded form with `query=`"
        )
    if "update" in params:
        raise ReadOnlyViolation(UPDATE_REFUSED)
    if not query:
        raise QueryError("missing the query")
    _no_dataset(request.query_params.keys())
    return await run_in_threadpool(
        _answer, engine, reader, query, request.headers.get("accept"), _format(params)
    )


def _no_dataset(keys: Any) -> None:
    for key in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
        if key in keys:
            raise QueryError(f"`{key}` is not supported: the endpoint has one default graph")
