"""The app factory. The lifespan opens the ONE Bolt driver of the process, reads the
ontology once and starts the SPARQL engine; routes get them through api/deps.py.

    uvicorn --factory api.app:create_app        # or: sahelkg serve
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import graph
from api import errors, view
from api.cache import GraphVersion, HttpCache, build_token
from api.deps import ReadPool
from api.routes import (
    actors,
    asof,
    cypher,
    events,
    export,
    health,
    map_view,
    ontology,
    paths,
    reconcile,
    search,
    sparql,
    timeline,
)
from api.security import Hygiene
from graph import version
from graph.ontology import Ontology
from graph.settings import Settings, get_settings
from graph.sparql import SparqlEngine
from graph.sparql_source import StoreSource
from graph.store import open_store

log = logging.getLogger("sahelkg.api")

DESCRIPTION = """
Query the Sahel conflict-actors knowledge graph three ways that agree with each other:

* **REST** for apps and notebooks: actors (search over labels and aliases, accent- and
  case-insensitive), their relations at a date, neighbourhoods, paths, events with their
  claims and sources, timelines;
* **Cypher** (`POST /cypher`), read-only on every backend;
* **SPARQL 1.1** (`GET|POST /sparql`), query only, over the store's own RDF export.

Errors are JSON `{"error", "detail", "status"}`: 404 unknown id, 422 bad parameter,
400 bad query (with the parser's message), 403 write refused, 504 query timed out,
503 store unavailable.
"""


class _TooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit:,} bytes")


class BodySizeLimit:
    """Refuse request bodies above `max_bytes` (by Content-Length, then while reading)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    await _send_413(send, self.max_bytes)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        await self.app(scope, limited, send)


async def _send_413(send: Send, limit: int) -> None:
    body = (
        b'{"error":"too_large","detail":"request body larger than '
        + f"{limit:,}".encode()
        + b' bytes","status":413}'
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; its lifespan opens the store (both drivers) and closes it at shutdown."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings)
        app.state.settings = settings
        app.state.store = store
        app.state.ontology = Ontology.read(settings.ontology_path, None)
        app.state.sparql = SparqlEngine(
            settings.query_timeout_s,
            keep_dir=settings.data_dir / "sparql-view" if settings.sparql_keep_copy else None,
            build=build_token("", [Path(graph.__file__).parent, settings.ontology_path]),
        )
        app.state.reads = ReadPool(settings.read_threads)
        app.state.cypher_reads = ReadPool(settings.cypher_threads)

        async def load_ids() -> list[str]:
            ids: list[str] = await app.state.reads.run(store.load_ids, settings.query_timeout_s)
            return ids

        graph_version.start(load_ids)
        keeper = None
        if settings.sparql_keep_current:
            source = functools.partial(StoreSource, store, app.state.ontology.registry)
            keeper = asyncio.get_running_loop().create_task(
                view.keep_current(app.state.sparql, source, graph_version)
            )
        # What start-up made (the ontology's rdflib graph, modules: ~100k objects) lives as
        # long as the app: out of the collector's sight, so that a full collection, which
        # stopped every request in flight for 30-40 ms, scans only what requests make.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            if keeper is not None:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
            await graph_version.stop()
            app.state.sparql.close()
            store.close()

    # FastAPIOffline: FastAPI whose /docs and /redoc load Swagger UI and ReDoc from the
    # package's own copies (served under /static-offline-docs), not from a CDN, so the docs
    # work on a machine with no network; it passes everything else on to FastAPI.
    app = FastAPIOffline(
        title="Sahel KG query service",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        responses={
            422: {"model": None, "description": "bad parameter"},
            503: {"description": "store unavailable"},
        },
    )
    errors.install(app)
    # The graph version and the answers rendered under it (api/cache.py), one per process.
    graph_version = GraphVersion(
        version.marker_path(settings.data_dir),
        build_token(
            settings.model_dump_json(),
            [Path(__file__).parent, Path(graph.__file__).parent, settings.ontology_path],
        ),
        settings.response_cache_bytes,
        settings.graph_version_recheck_s,
    )
    app.state.graph_version = graph_version
    for module in (
        health,
        actors,
        asof,
        events,
        map_view,
        paths,
        search,
        timeline,
        cypher,
        sparql,
        export,
        ontology,
        reconcile,
    ):
        app.include_router(module.router)
    try:  # the explorer page (api/ui.py), when present
        from api.ui import mount_ui
    except ImportError:  # pragma: no cover
        pass
    else:
        mount_ui(app)
    app.add_middleware(HttpCache, graph=graph_version)  # first added: the innermost
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept"],
        )
    app.add_middleware(reconcile.OpenCORS)  # outside the configured CORS: /reconcile only
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Hygiene, cors_origins=settings.cors_origins)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    return app
