"""Dependencies, as Annotated aliases: a route asks for `ReaderDep` and gets a Reader bound
to the one driver the lifespan opened.

They are `async def` on purpose: they only read app.state, and FastAPI runs a plain `def`
dependency in its thread pool, a thread hop per dependency per request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.load import Ontology
from graph.read import Reader
from graph.settings import Settings
from graph.sparql import SparqlEngine
from graph.store import Store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_ontology(request: Request) -> Ontology:
    return request.app.state.ontology


async def get_sparql(request: Request) -> SparqlEngine:
    return request.app.state.sparql


async def get_reader(request: Request) -> Reader:
    settings: Settings = request.app.state.settings
    return Reader(
        request.app.state.store,
        request.app.state.ontology.registry,
        timeout_s=settings.query_timeout_s,
        max_rows=settings.max_rows,
    )


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
OntologyDep = Annotated[Ontology, Depends(get_ontology)]
SparqlDep = Annotated[SparqlEngine, Depends(get_sparql)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
