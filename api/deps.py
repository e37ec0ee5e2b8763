"""Dependencies, as Annotated aliases: a route asks for `ReaderDep` and gets a Reader bound
to the one driver the lifespan opened.

They are `async def` on purpose: they only read app.state, and FastAPI runs a plain `def`
dependency in its thread pool, a thread hop per dependency per request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, Request

from graph.ontology import Ontology
from graph.read import Reader
from graph.settings import Settings
from graph.sparql import SparqlEngine
from graph.store import Store

# The Bolt driver is synchronous, so reads run in threads; a small pool of them
# (Settings.read_threads: the cores, up to 4). The process is bound by the GIL (one core),
# so threads beyond a few add no throughput, only contention: under wrk with 32
# connections, FastAPI's default 40 threads cost 1.5-2.5x the CPU per request of 1-4
# (BENCHMARKS.md, section 3). /cypher
# has a pool of its own (Settings.cypher_threads): its queries may run until the timeout,
# and must not hold up the REST routes.


class ReadPool:
    """Runs a blocking read in a thread, at most `threads` at a time (the others wait in
    the event loop). Made in the app's lifespan: a limiter belongs to one event loop."""

    def __init__(self, threads: int) -> None:
        self.limiter = anyio.CapacityLimiter(threads)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=self.limiter)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_ontology(request: Request) -> Ontology:
    return request.app.state.ontology


async def get_sparql(request: Request) -> SparqlEngine:
    return request.app.state.sparql


async def get_reader(request: Request) -> Reader:
    state = request.app.state
    load_ids = getattr(request.state, "load_ids", None)  # api/cache.py, when it knows them
    return Reader.of(state.store, state.ontology.registry, state.settings, load_ids)


async def get_reads(request: Request) -> ReadPool:
    return request.app.state.reads


async def get_cypher_reads(request: Request) -> ReadPool:
    return request.app.state.cypher_reads


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
OntologyDep = Annotated[Ontology, Depends(get_ontology)]
SparqlDep = Annotated[SparqlEngine, Depends(get_sparql)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
ReadsDep = Annotated[ReadPool, Depends(get_reads)]
CypherReadsDep = Annotated[ReadPool, Depends(get_cypher_reads)]
