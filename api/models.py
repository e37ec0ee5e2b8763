"""The API's own models: errors, health, the Cypher request and the ontology summary. What
the reads return is the read model, graph.read.models, re-exported here: a route's
`response_model` is the very class the read function returns."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from graph.read.models import (
    KG,
    Actor,
    ActorDetail,
    ActorPage,
    AsOfQueries,
    Claim,
    CypherResult,
    EventDetail,
    EventPage,
    EventSummary,
    Fatalities,
    GraphEdge,
    GraphNode,
    LoadInfo,
    MapEvent,
    MapPlace,
    MapPoint,
    MapView,
    Model,
    Neighbourhood,
    Path,
    PathList,
    PathRel,
    Ref,
    Relation,
    RelationList,
    SearchHit,
    SearchResult,
    SourceRef,
    Statement,
    Timeline,
    TimelineEntry,
)


class Error(Model):
    error: str = Field(examples=["not_found"])
    detail: Any = Field(examples=["no actor has the id 'nobody'"])
    status: int = Field(examples=[404])


class Health(Model):
    status: str = Field(examples=["ok"])
    backend: str = Field(examples=["arcadedb-embedded"])
    server: str | None = Field(default=None, examples=["Neo4j/5.26.30"], description="as announced")
    reachable: bool
    nodes: int | None = None
    relationships: int | None = None
    last_load: LoadInfo | None = None
    sparql_triples: int | None = None
    sparql_updating: str | None = Field(
        default=None,
        examples=["building a full copy, 12s so far"],
        description="what the SPARQL view's update in progress is doing, if one is",
    )
    detail: str | None = None


class CypherRequest(Model):
    query: str = Field(
        min_length=1,
        max_length=20_000,
        examples=["MATCH (g:JihadistGroup)-[:AFFILIATED_WITH]->(p {iri: $p}) RETURN g.name"],
    )
    parameters: dict[str, Any] = Field(
        default_factory=dict, examples=[{"p": "https://w3id.org/sahel-kg/id/al-qaeda"}]
    )

    model_config = ConfigDict(extra="forbid")


class OntologyClass(Model):
    label: str = Field(description="the node label", examples=["JihadistGroup"])
    iri: str
    name: str | None = Field(None, description="rdfs:label, in English where there is one")
    parents: list[str] = Field(default_factory=list, description="labels of its superclasses")
    comment: str | None = None


class OntologyRelationType(Model):
    type: str = Field(examples=["PARTNER_OF"])
    iri: str
    name: str | None = None
    symmetric: bool
    comment: str | None = None


class PropertyKey(Model):
    key: str
    iri: str
    name: str | None = None


class OntologySummary(Model):
    iri: str
    classes: list[OntologyClass]
    relationship_types: list[OntologyRelationType]
    property_keys: list[PropertyKey]


__all__ = [
    "KG",
    "Actor",
    "ActorDetail",
    "ActorPage",
    "AsOfQueries",
    "Claim",
    "CypherRequest",
    "CypherResult",
    "Error",
    "EventDetail",
    "EventPage",
    "EventSummary",
    "Fatalities",
    "GraphEdge",
    "GraphNode",
    "Health",
    "LoadInfo",
    "MapEvent",
    "MapPlace",
    "MapPoint",
    "MapView",
    "Model",
    "Neighbourhood",
    "OntologyClass",
    "OntologyRelationType",
    "OntologySummary",
    "Path",
    "PathList",
    "PathRel",
    "PropertyKey",
    "Ref",
    "Relation",
    "RelationList",
    "SearchHit",
    "SearchResult",
    "SourceRef",
    "Statement",
    "Timeline",
    "TimelineEntry",
]
