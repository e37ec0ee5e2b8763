"""The read model: what every read returns, as pydantic classes. The API's `response_model`s
are these classes (api/models.py re-exports them), `sahelkg query` prints them, and their
JSON Schema (api/static/read-model.schema.json, written by `python -m graph.read.schema`)
is what the explorer's JavaScript may read (web/test/schema_fields.test.mjs).

Field names are the JSON names (camelCase where the API has always used it); `from` is a
Python keyword, so those fields are `from_`, written "from" in JSON (serialise by alias;
FastAPI does) and read from either."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from graph.namespaces import KG_NS as KG


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


def from_field(description: str | None = None, required: bool = False) -> Any:
    """The `from_` field, "from" in JSON."""
    return Field(
        ... if required else None,
        serialization_alias="from",
        validation_alias=AliasChoices("from", "from_"),
        description=description,
    )


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


# ------------------------------------------------------------------ health


class LoadInfo(Model):
    id: str
    startedAt: str | None = None
    files: list[str] = Field(default_factory=list, description="file names, without folders")
    triples: int | None = None


class GraphInfo(Model):
    """What the graph holds and which server holds it (the API adds backend and status)."""

    nodes: int
    relationships: int
    last_load: LoadInfo | None = None
    server: str


# ------------------------------------------------------------------ actors


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


# ------------------------------------------------------------------ relations


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


# ------------------------------------------------------------------ paths


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
    from_: Ref = from_field(required=True)
    to: Ref
    at: str | None
    max_hops: int
    paths: list[Path]


# ------------------------------------------------------------------ events


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


# ------------------------------------------------------------------ timeline


class TimelineEntry(Model):
    date: str
    kind: str = Field(description="'event', 'relation-start' or 'relation-end'")
    roles: list[str] = Field(default_factory=list, description="the actor's roles in the event")
    item: Ref
    relation: Relation | None = None


class Timeline(Model):
    actor: Ref
    from_: str | None = from_field()
    to: str | None = None
    items: list[TimelineEntry]


# ------------------------------------------------------------------ Cypher


class CypherResult(Model):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="true when the row cap cut the result")
    row_count: int


# ------------------------------------------------------------------ map and chart


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
    from_: str | None = from_field()
    to: str | None = None
    events: list[MapEvent]
    places: list[MapPlace]
    truncated: bool


# ------------------------------------------------------------------ search


class SearchHit(Ref):
    kind: str = Field(examples=["Event"])
    date: str | None = None


class SearchResult(Model):
    q: str
    text: str = Field(description="the words matched against labels and aliases")
    from_: str | None = from_field("date words: first day")
    to: str | None = Field(None, description="date words: last day")
    groups: dict[str, list[SearchHit]] = Field(description="Actor, Place and Event hits")


# ------------------------------------------------------------------ the "as of" rule


class AsOfQueries(Model):
    actor: str = Field(examples=["mali"])
    type: str = Field(examples=["PARTNER_OF"])
    at: str = Field(examples=["2019-06-01"])
    rule: str = Field(description='what "holds on day D" means (graph/asof.py)')
    rest: str = Field(examples=["/actors/mali/relations?at=2019-06-01&type=PARTNER_OF"])
    cypher: str
    sparql: str


# The responses the explorer reads, by the name its schema file gives them.
RESPONSES: tuple[type[Model], ...] = (
    ActorPage,
    ActorDetail,
    RelationList,
    Neighbourhood,
    PathList,
    EventPage,
    EventDetail,
    Timeline,
    CypherResult,
    MapView,
    SearchResult,
    AsOfQueries,
)
