"""The one place where errors become HTTP responses.

    NotFound            404  an id that names nothing
    InputError          422  a bad parameter (date, type, format...); FastAPI's own validation
                             errors are 422 too, in the same {"error", "detail"} shape
    ReadOnlyViolation   403  a write (Cypher) or an update / SERVICE (SPARQL) refused
    QueryError          400  a query the parser or the server refused, with its message
    NotAcceptable       406  no format the client accepts fits the SPARQL answer
    QueryTimeout        504  a query that ran out of time and was stopped
    ViewUpdating        503  the SPARQL view is being brought up to date (Retry-After)
    StoreUnavailable    503  the Bolt store cannot be reached
    StoreError          503  the store failed
    anything else       500  a one-line message; the traceback goes to the log only

Every error body is JSON: {"error": <kind>, "detail": <message>, "status": <code>}.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    InputError,
    LoadInProgress,
    NotAcceptable,
    NotFound,
    QueryError,
    QueryTimeout,
    ReadOnlyViolation,
    SahelKGError,
    StoreError,
    StoreUnavailable,
    ViewUpdating,
)

log = logging.getLogger("sahelkg.api")

# Most specific first.
STATUS: list[tuple[type[SahelKGError], int, str]] = [
    (NotFound, 404, "not_found"),
    (ReadOnlyViolation, 403, "read_only"),
    (QueryTimeout, 504, "timeout"),
    (QueryError, 400, "bad_query"),
    (NotAcceptable, 406, "not_acceptable"),
    (InputError, 422, "bad_parameter"),
    (LoadInProgress, 409, "load_in_progress"),
    (ViewUpdating, 503, "view_updating"),
    (StoreUnavailable, 503, "store_unavailable"),
    (StoreError, 503, "store_error"),
]


def status_of(exc: SahelKGError) -> tuple[int, str]:
    for kind, status, name in STATUS:
        if isinstance(exc, kind):
            return status, name
    return 500, "error"


def error_body(
    status: int, kind: str, detail: object, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": kind, "detail": detail, "status": status}
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(SahelKGError)
    async def project_error(request: Request, exc: SahelKGError) -> JSONResponse:
        status, kind = status_of(exc)
        if status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, exc)
        retry = getattr(exc, "retry_after_s", None)
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return error_body(status, kind, str(exc), headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()))
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return error_body(422, "bad_parameter", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error"
        )
        return error_body(exc.status_code, kind, exc.detail)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_body(500, "internal_error", f"internal error ({type(exc).__name__})")
