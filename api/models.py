"""Response and request models (the OpenAPI schema and its examples come from here)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

KG = "https://w3id.org/sahel-kg/id/"


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class Error(Model):
    error: str = Field(examples=["not_found"])
    detail: Any = Field(examples=["no actor has the id 'nobody'"])
    status: int = Field(examples=[404])


class Ref(Model):
    id: str = Field(description="stable slug (the IRI under kg:, else the full IRI)")
    iri: str
    label: str
    types: list[str] = Field(description="asserted ontology classes, by local name")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "jnim", "iri": KG + "jnim", "label": "JNIM", "types": ["JihadistGroup"]}
            ]
        }
    )


class SourceRef(Model):
    id: str
    iri: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None


class Health(Model):
    status: str = Field(examples=["ok"])
    backend: str = Field(examples=["arcadedb-embedded"])
    server: str | None = Field(default=None, examples=["Neo4j/5.26.30"], description="as announced")
    reachable: bool
    nodes: int | None = None
    relationships: int | None = None
    last_load: dict[str, Any] | None = None
    sparql_triples: int | None = None
    detail: str | None = None


class Actor(Ref):
    labels: dict[str, str] = Field(default_factory=dict, description="label by language")
    aliases: list[str] = Field(default_factory=list)


class ActorPage(Model):
    items: list[Actor]
    total: int
    limit: int
    offset: int


class ActorDetail(Actor):
    description: str | None = None
    founded: str | None = None
    dissolved: str | None = None
    same_as: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)


class Relation(Model):
    type: str = Field(examples=["PARTNER_OF"])
    predicate: str | None = Field(None, examples=["https://w3id.org/sahel-kg/ontology#partnerOf"])
    direction: str = Field(description="'out': the actor is the subject; 'in': the object")
    other: Ref
    validFrom: str | None = None
    validTo: str | None = None
    sources: list[str] = Field(default_factory=list)
    iri: str | None = Field(None, description="the qualified relation's IRI, if it has one")
    iris: list[str] = Field(
        default_factory=list,
        description="every qualified node stating this relation with this interval (the "
        "relation is given once, with the sources of all of them)",
    )
    label: str | None = None


class RelationList(Model):
    actor: Ref
    at: str | None
    items: list[Relation]


class GraphNode(Ref):
    hop: int
    labels: list[str]


class GraphEdge(Model):
    id: str
    source: str
    target: str
    type: str
    validFrom: str | None = None
    validTo: str | None = None
    sources: list[str] = Field(default_factory=list)
    label: str | None = None
    iri: str | None = None
    iris: list[str] = Field(
        default_factory=list, description="the qualified nodes merged into this edge"
    )


class Neighbourhood(Model):
    center: Ref
    hops: int
    at: str | None
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool


class PathRel(Model):
    type: str
    source: str
    target: str
    validFrom: str | None = None
    validTo: str | None = None
    sources: list[str] = Field(default_factory=list)
    iri: str | None = None


class Path(Model):
    length: int
    nodes: list[Ref]
    relationships: list[PathRel]


class PathList(Model):
    from_: Ref = Field(alias="from")
    to: Ref
    at: str | None
    max_hops: int
    paths: list[Path]


class EventSummary(Ref):
    date: str | None = None
    endDate: str | None = None
    places: list[Ref] = Field(default_factory=list)
    perpetrators: list[Ref] = Field(default_factory=list)
    claimedBy: list[Ref] = Field(default_factory=list)


class EventPage(Model):
    items: list[EventSummary]
    total: int
    limit: int
    offset: int


class Claim(Model):
    id: str
    iri: str
    label: str | None = None
    kind: str | None = Field(None, examples=["Fatalities"])
    value: Any = Field(None, examples=[77])
    qualifier: str | None = Field(None, examples=["exact"])
    unit: str | None = None
    attribution: list[str] = Field(default_factory=list)
    victimCategory: list[str] = Field(default_factory=list)
    statedBy: list[Ref] = Field(default_factory=list)
    mentions: list[Ref] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)


class Statement(Ref):
    date: str | None = None
    statedBy: list[Ref] = Field(default_factory=list)


class EventDetail(EventSummary):
    labels: dict[str, str] = Field(default_factory=dict)
    description: str | None = None
    datePrecision: str | None = None
    targets: list[Ref] = Field(default_factory=list)
    participants: list[Ref] = Field(default_factory=list)
    condemnedBy: list[Ref] = Field(default_factory=list)
    partOf: list[Ref] = Field(default_factory=list)
    parts: list[Ref] = Field(default_factory=list)
    statements: list[Statement] = Field(
        default_factory=list, description="statements and other events about this one"
    )
    sources: list[SourceRef] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)


class TimelineEntry(Model):
    date: str
    kind: str = Field(description="'event', 'relation-start' or 'relation-end'")
    roles: list[str] = Field(default_factory=list, description="the actor's roles in the event")
    item: Ref
    relation: Relation | None = None


class Timeline(Model):
    actor: Ref
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    items: list[TimelineEntry]


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


class CypherResult(Model):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="true when the row cap cut the result")
    row_count: int


class AsOfQueries(Model):
    actor: str = Field(examples=["mali"])
    type: str = Field(examples=["PARTNER_OF"])
    at: str = Field(examples=["2019-06-01"])
    rule: str = Field(description='what "holds on day D" means (graph/asof.py)')
    rest: str = Field(examples=["/actors/mali/relations?at=2019-06-01&type=PARTNER_OF"])
    cypher: str
    sparql: str


class MapPoint(Model):
    place: str = Field(description="the place whose coordinates are used")
    label: str
    lat: float
    lon: float
    precision: str | None = Field(None, examples=["town"])
    inherited: bool = Field(
        description="true when the event's place has no coordinates of its own and this is "
        "the place it is located in"
    )


class Fatalities(Model):
    min: int | None = Field(None, description="lowest number a source gives")
    max: int | None = Field(None, description="highest number a source gives")
    claims: int
    contested: bool = Field(description="sources give different figures")
    sources: list[str] = Field(default_factory=list)


class MapEvent(Ref):
    date: str | None = None
    datePrecision: str = "day"
    point: MapPoint | None = None
    places: list[str] = Field(default_factory=list)
    perpetrators: list[str] = Field(default_factory=list)
    fatalities: Fatalities | None = None


class MapPlace(Ref):
    lat: float
    lon: float
    precision: str | None = None
    geonamesId: str | None = None
    coordinatesSources: list[str] = Field(default_factory=list)


class MapView(Model):
    actor: str | None = None
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    events: list[MapEvent]
    places: list[MapPlace]
    truncated: bool


class SearchHit(Ref):
    kind: str = Field(examples=["Event"])
    date: str | None = None


class SearchResult(Model):
    q: str
    text: str = Field(description="the words matched against labels and aliases")
    from_: str | None = Field(None, alias="from", description="date words: first day")
    to: str | None = Field(None, description="date words: last day")
    groups: dict[str, list[SearchHit]] = Field(description="Actor, Place and Event hits")


class OntologySummary(Model):
    iri: str
    classes: list[dict[str, Any]]
    relationship_types: list[dict[str, Any]]
    property_keys: list[dict[str, Any]]
