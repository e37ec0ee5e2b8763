"""SPARQL 1.1 Protocol, query operation only.

    GET  /sparql?query=...                      (URL-encoded query)
    POST /sparql  application/x-www-form-urlencoded   query=...
    POST /sparql  application/sparql-query      (the query as the body)
    GET  /sparql                                the Service Description (Turtle, or the
                                                RDF format asked for); an HTML query form
                                                when a browser asks for text/html

Results: SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE: Turtle (default),
N-Triples, JSON-LD, RDF/XML, TriG or N-Quads. Chosen by `format` / `output` / `results`
(short names or media types, repeated or not: the first that fits wins), then by Accept;
406 with the supported list when nothing fits (graph/sparql_protocol.py).
UPDATE (any form, or `update=`, or application/sparql-update) and SERVICE are refused (403).
"""

from __future__ import annotations

import html
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.deps import ReaderDep, SparqlDep
from api.models import Error
from graph import sparql_protocol as protocol
from graph.errors import QueryError, ReadOnlyViolation
from graph.read import Reader
from graph.sparql import SparqlEngine, check_query
from graph.sparql_source import StoreSource

router = APIRouter(tags=["sparql"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "results (SELECT, ASK), a graph (CONSTRUCT, DESCRIBE) or, without a "
        "query, the service description",
        "content": {
            **{media: {} for media in protocol.RESULT_TYPES.values()},
            **{media: {} for media in protocol.GRAPH_TYPES.values()},
            "text/html": {},
        },
    },
    400: {"model": Error, "description": "the query does not parse, or an undeclared prefix"},
    403: {"model": Error, "description": "an update or SERVICE was refused"},
    406: {"model": Error, "description": "no supported format fits what was asked for"},
    503: {
        "model": Error,
        "description": "the view is still being brought up to date after a load (Retry-After)",
    },
    504: {"model": Error, "description": "the query timed out"},
}
UPDATE_REFUSED = (
    "read-only: SPARQL Update is not accepted at this endpoint; send queries only "
    "(SELECT, ASK, CONSTRUCT, DESCRIBE)"
)


def _answer(
    engine: SparqlEngine, reader: Reader, query: str, accept: str | None, formats: list[str]
) -> Response:
    check_query(query)  # an update is refused (403) before its prefixes are looked at
    prepared = protocol.prepare(query)
    kind = protocol.kind_of(prepared.form)
    name = protocol.choose(kind, formats, accept)
    results, graph = (name, "turtle") if kind == "results" else ("json", name)
    engine.update_within(StoreSource(reader.store, reader.registry), engine.timeout_s)
    try:
        answer = engine.query(prepared.text, results, graph)
    except QueryError as exc:
        message = str(exc)
        if not message.startswith("SPARQL syntax error"):
            raise
        tidy = protocol.tidy_syntax_error(message, prepared.shift)
        raise QueryError(tidy.replace("syntax error: error at", "syntax error at")) from None
    return Response(answer.body, media_type=_with_charset(answer.media_type), headers=_VARY)


_VARY = {"Vary": "Accept"}


def _with_charset(media: str) -> str:
    if media.startswith("text/") or media.endswith(("+json", "+xml", "/trig", "/n-quads")):
        return media + "; charset=utf-8"
    return media


def _formats(params: Any) -> list[str]:
    """Every `format`, `output` and `results` value, in that order (repeats kept)."""
    values: list[str] = []
    for key in protocol.FORMAT_PARAMS:
        values.extend(str(v) for v in params.get(key, []) if v)
    return values


@router.get("/sparql", responses=RESPONSES, response_class=Response)
def sparql_get(
    request: Request,
    reader: ReaderDep,
    engine: SparqlDep,
    query: Annotated[
        str | None,
        Query(
            description="a SPARQL 1.1 query; without it, the service description",
            examples=["SELECT ?g WHERE { ?g a sahel:JihadistGroup }"],
        ),
    ] = None,
    update: Annotated[str | None, Query(include_in_schema=False)] = None,
    format: Annotated[
        list[str] | None,
        Query(
            description="json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, trig, nquads "
            "or a media type; repeatable (also as `output` or `results`)"
        ),
    ] = None,
) -> Response:
    """Answer a SPARQL query given in the URL; without one, describe the service."""
    if update is not None:
        raise ReadOnlyViolation(UPDATE_REFUSED)
    _no_dataset(request.query_params.keys())
    params = {k: request.query_params.getlist(k) for k in protocol.FORMAT_PARAMS}
    accept = request.headers.get("accept")
    if query is None:
        return _describe(request, engine, reader, accept, _formats(params))
    if not query.strip():
        raise QueryError("the `query` parameter is empty")
    return _answer(engine, reader, query, accept, _formats(params))


@router.post("/sparql", responses=RESPONSES, response_class=Response)
async def sparql_post(request: Request, reader: ReaderDep, engine: SparqlDep) -> Response:
    """Answer a SPARQL query sent as a form (`query=`) or as application/sparql-query."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise QueryError("the request body is not UTF-8") from None
    params: dict[str, list[str]] = {
        k: request.query_params.getlist(k) for k in request.query_params
    }
    if ctype == "application/sparql-update":
        raise ReadOnlyViolation(UPDATE_REFUSED)
    if ctype == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        if "update" in form:
            raise ReadOnlyViolation(UPDATE_REFUSED)
        _no_dataset(form.keys())
        for key, values in form.items():
            params[key] = params.get(key, []) + values
        query = form.get("query", [""])[-1]
    elif ctype == "application/sparql-query":
        query = text
    else:
        raise QueryError(
            f"unsupported content type {ctype or '(none)'!r}: send application/sparql-query "
            "or an application/x-www-form-urlencoded form with `query=`"
        )
    if "update" in params:
        raise ReadOnlyViolation(UPDATE_REFUSED)
    if not query.strip():
        raise QueryError("missing the query")
    _no_dataset(request.query_params.keys())
    return await run_in_threadpool(
        _answer, engine, reader, query, request.headers.get("accept"), _formats(params)
    )


def _no_dataset(keys: Any) -> None:
    for key in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
        if key in keys:
            raise QueryError(f"`{key}` is not supported: the endpoint has one default graph")


# ------------------------------------------------------------------ service description


def _describe(
    request: Request, engine: SparqlEngine, reader: Reader, accept: str | None, formats: list[str]
) -> Response:
    endpoint = str(request.url.replace(query=""))
    if not formats and protocol.best_of(["text/html", "text/turtle"], accept) == "text/html":
        return HTMLResponse(_form(endpoint), headers=_VARY)
    name = protocol.choose("graph", formats, accept)
    engine.update_within(StoreSource(reader.store, reader.registry), engine.timeout_s)
    graph = protocol.service_description(endpoint, engine.triples)
    body = graph.serialize(format=protocol.RDFLIB_FORMATS[name], encoding="utf-8")
    media = _with_charset(protocol.GRAPH_TYPES[name])
    return Response(body, media_type=media, headers=_VARY)


EXAMPLE = """SELECT ?group ?name WHERE {
  ?group a sahel:JihadistGroup ; rdfs:label ?name .
  FILTER(lang(?name) = "en")
} ORDER BY ?name"""


def _form(endpoint: str) -> str:
    """A plain HTML form (no script, no style) that sends the query back here by GET."""
    e = html.escape
    prefixes = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in protocol.PREFIXES.items())
    options = "".join(
        f'<option value="{e(name)}">{e(name)}</option>'
        for name in ("json", "xml", "csv", "tsv", "turtle", "jsonld", "rdfxml", "ntriples")
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>SPARQL: Sahel actors knowledge graph</title></head><body>"
        "<h1>SPARQL 1.1 query</h1>"
        f"<p>Endpoint <code>{e(endpoint)}</code>, read-only (updates and SERVICE are refused)."
        " These prefixes are declared for you:</p>"
        f"<pre>{e(prefixes)}</pre>"
        f"<form method='get' action='{e(endpoint)}'>"
        f"<p><textarea name='query' rows='12' cols='90'>{e(EXAMPLE)}</textarea></p>"
        "<p><label>Results as <select name='format'>"
        f"{options}</select></label> <button type='submit'>Run</button></p></form>"
        "<p>SELECT and ASK answer in json, xml, csv or tsv; CONSTRUCT and DESCRIBE in "
        "turtle, jsonld, rdfxml or ntriples (json means JSON-LD for them, xml RDF/XML). "
        "<a href='/docs'>API docs</a></p></body></html>"
    )
