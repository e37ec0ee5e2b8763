"""The statements of the name matcher, the map and chart, search and the SPARQL view's
update: read through `graph.queries`, which re-exports them (one place for every statement,
two files to stay under 500 lines)."""

from __future__ import annotations

from graph.queries_stage import visible
from graph.queries_table import names, table

# For a loader's look-up of stored relationships by both ends' iris: start at the subject.
# Neo4j 5 otherwise seeks the object and expands all its incoming relationships, and an
# object is often a hub (the one Fatalities kind every claim points to): 16-19 s for 2,000
# rows, against 0.08 s from the subject (100k triples, BENCHMARKS 2m). SEEK, because a
# plain USING INDEX was planned as a scan of the whole index on a small store. ArcadeDB
# starts at the subject anyway. Subjects fan out little (7 objects of one predicate at
# most in the seeds).
FROM_START = "USING INDEX SEEK a:Resource(iri)"

# ---- the name matcher (graph/match_store.py): read once per load, then kept in memory

MATCH_ENTITIES = visible(
    """
MATCH (n:Resource)
WHERE shown(n) AND ('Actor' IN labels(n) OR 'Place' IN labels(n))
RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props
"""
)

# Actor -> place (operates in, deployed in) and place -> place (located in) links.
MATCH_PLACE_LINKS = visible(
    """
MATCH (a:Resource)-[r]->(p:Resource)
WHERE shown(a) AND shown(p) AND type(r) IN $types
RETURN a.iri AS subject, type(r) AS type, p.iri AS place
"""
)

# The actor search's whole result set (graph.read ranks it with the matcher, then pages).
API_SEARCH_ALL = table(
    visible(
        """
MATCH (n:Actor)
WHERE shown(n)
  AND ($q = '' OR n.search CONTAINS $q) AND ($label IS NULL OR $label IN labels(n))
RETURN n.iri AS iri, properties(n) AS props
ORDER BY n.name, n.iri
LIMIT $cap
"""
    )
)

# Data extension (/reconcile): the entities' outgoing links of the given types, with the
# far end's name and the relationship's validity.
EXTEND_LINKS = table(
    visible(
        """
UNWIND $iris AS iri
MATCH (s:Resource {iri: iri})-[r]->(x:Resource)
WHERE shown(s) AND shown(x) AND type(r) IN $types
RETURN s.iri AS subject, type(r) AS type, x.iri AS iri, x.name AS name,
       r.validFrom AS validFrom, r.validTo AS validTo
"""
    )
)

# ---- the map and the chart (graph/read/geo.py)
# Every place with its coordinates (stored under their datatype key), the places it is
# located in and the sources of its coordinates: few rows (one per place).
API_PLACES = table(
    visible(
        """
MATCH (p:Place) WHERE shown(p)
OPTIONAL MATCH (p)-[:LOCATED_IN]->(q:Place) WHERE shown(q)
OPTIONAL MATCH (p)-[:COORDINATES_SOURCE]->(s:Resource) WHERE shown(s)
RETURN p.iri AS iri, p.name AS name, p.rdfTypes AS types,
       p.`latitude^^xsd:decimal` AS lat, p.`longitude^^xsd:decimal` AS lon,
       p.locationPrecision AS precision, p.geonamesId AS geonames,
       collect(DISTINCT q.iri) AS parents, collect(DISTINCT s.iri) AS sources
"""
    )
)

# The events a map or chart shows (dated, in a date range, optionally linked to one actor in
# any way, as the actor's timeline: a role, or a country as the event's location), with their
# places and perpetrators.
API_MAP_EVENTS = table(
    visible(
        """
MATCH (e:Event)
WHERE shown(e)
  AND e.date IS NOT NULL AND ($from IS NULL OR e.date >= $from) AND ($to IS NULL OR e.date <= $to)
  AND ($actor IS NULL OR EXISTS {
        MATCH (e)-[]->(x:Resource {iri: $actor}) WHERE shown(x) })
OPTIONAL MATCH (e)-[:LOCATION]->(p:Resource) WHERE shown(p)
WITH hidden, only, e, collect(DISTINCT p.iri) AS places
OPTIONAL MATCH (e)-[:PERPETRATOR]->(a:Resource) WHERE shown(a)
RETURN e.iri AS iri, e.name AS name, e.rdfTypes AS types, e.date AS date,
       e.datePrecision AS datePrecision, places, collect(DISTINCT [a.iri, a.name]) AS perpetrators
ORDER BY date, iri
LIMIT $limit
"""
    )
)

# Reported fatalities of many events: one row per claim with its value and source.
API_FATALITY_CLAIMS = table(
    visible(
        """
UNWIND $iris AS iri
MATCH (c:Claim)-[:ABOUT]->(:Resource {iri: iri}),
      (c)-[:CLAIM_KIND]->(:Resource {iri: $kind})
WHERE shown(c)
OPTIONAL MATCH (c)-[:SOURCE]->(s:Resource) WHERE shown(s)
RETURN iri AS event, c.value AS value, c.valueQualifier AS qualifier, collect(s.iri) AS sources
"""
    )
)

# ---- search over actors, places and events (graph/read/search.py)
# Text matches on the normalised labels and aliases (`search`), date words as an event date
# range; ranked as the actor search ranks (whole name, name start, anywhere), per kind.
API_SEARCH_KINDS = table(
    visible(
        """
MATCH (n:Resource)
WHERE shown(n) AND any(l IN labels(n) WHERE l IN ['Actor', 'Place', 'Event'])
  AND ($q = '' OR n.search CONTAINS $q)
  AND ($from IS NULL OR (n.date IS NOT NULL AND n.date >= $from AND n.date <= $to))
WITH n, CASE
    WHEN $q = '' THEN 0
    WHEN (' | ' + n.search + ' | ') CONTAINS (' | ' + $q + ' | ') THEN 0
    WHEN (' | ' + n.search) CONTAINS (' | ' + $q) THEN 1
    ELSE 2 END AS rank
RETURN n.iri AS iri, labels(n) AS labels, n.name AS name, n.rdfTypes AS types, n.date AS date,
       n.search AS search, rank
ORDER BY rank, n.date, n.name, n.iri
LIMIT $limit
"""
    )
)

# ---- the SPARQL view's incremental update (graph/sparql_source.py)
# What the load `$id` created or changed: every load stamps the nodes and relationships it
# writes with its id (graph/load.py), so these rows are the whole difference since the view
# last matched the graph (a load id that disappeared means a rebuild instead). Nodes through
# the index on Resource.loadId; relationships through their type's index
# (graph.queries.sparql_view_changed_rels), or, for a load recorded without its types, a
# scan of every relationship (measured 3-10x faster than an expansion from every node).
SPARQL_VIEW_CHANGED_NODES = """
MATCH (n:Resource)
WHERE n.loadId = $id
RETURN n.iri AS iri, properties(n) AS props
"""

_VIEW_RELS = """
MATCH ()-[r{typed}]->()
WHERE {where}
WITH r, startNode(r) AS a, endNode(r) AS b
WHERE 'Resource' IN labels(a) AND 'Resource' IN labels(b)
RETURN a.iri AS start, type(r) AS type, properties(r) AS props, b.iri AS end
"""
SPARQL_VIEW_CHANGED_RELS = _VIEW_RELS.format(typed="", where="r.loadId = $id")
# The qualified relations whose iri is also a changed node's (the view then replaces that
# subject's triples whole, so they are all needed), found from their ends as the view
# holds them (sahel:subject, sahel:object).
SPARQL_VIEW_SHARED_RELS = f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}})-[r]->(b:Resource {{iri: row.end}})
{FROM_START}
WHERE r.iri = row.iri
RETURN a.iri AS start, type(r) AS type, properties(r) AS props, b.iri AS end
"""


def relationship_load_index(rel_type: str) -> str:
    """An index on the load ids of one relationship type (neither server indexes a property
    across types), made for the types a load wrote (graph/load.py)."""
    t = names([rel_type])
    return f"CREATE INDEX {REL_LOAD_INDEX_PREFIX}{t} IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.loadId)"


# ---- the schema (Store.ensure_schema)
# `iri` has a plain index, not a uniqueness constraint: a replace stages a new node for
# every iri beside the one readers see until its switch (load_stage.retire); one loader
# at a time keeps iris unique otherwise. The constraint of earlier versions is dropped.
SCHEMA = (
    "DROP CONSTRAINT resource_iri IF EXISTS",
    "CREATE INDEX resource_iri_index IF NOT EXISTS FOR (n:Resource) ON (n.iri)",
    "CREATE CONSTRAINT load_id IF NOT EXISTS FOR (l:Load) REQUIRE l.id IS UNIQUE",
    "CREATE INDEX resource_name IF NOT EXISTS FOR (n:Resource) ON (n.name)",
    "CREATE CONSTRAINT load_stage_id IF NOT EXISTS FOR (s:LoadStage) REQUIRE s.id IS UNIQUE",
)

# What a load wrote, found by its id: a stage's nodes (graph/load_stage.py), the SPARQL
# view's update (graph/sparql_source.py). Neo4j indexes `loadId` alone (each Store adds
# its own to SCHEMA).
LOAD_ID_INDEX = ("CREATE INDEX resource_load_id IF NOT EXISTS FOR (n:Resource) ON (n.loadId)",)
# ArcadeDB: with `iri` after it, so that no two entries share a key. Its index takes an
# entry out of a key shared by a whole load at ~0.25 ms each, and every deleted node (or
# node a union load stamps again) takes one out: 4.0 against 0.7 s for 17k nodes
# (BENCHMARKS.md 2l). Its planner seeks `loadId = $id` on the composite's first key.
LOAD_ID_IRI_INDEX = (
    "DROP INDEX resource_load_id IF EXISTS",
    "CREATE INDEX resource_load_iri IF NOT EXISTS FOR (n:Resource) ON (n.loadId, n.iri)",
)
REL_LOAD_INDEX_PREFIX = "rel_load_id_"
# Every index's name (the relationship load-id indexes among them, by their prefix).
INDEX_NAMES = "SHOW INDEXES YIELD name RETURN name"
# The relationship types every recorded load wrote: the load-id indexes there should be.
# Through `properties(l)`: Neo4j warns of `l.relTypes` (and of `l['relTypes']`) in a
# database where no load recorded any, which the driver logs on stderr.
RECORDED_REL_TYPES = """
MATCH (l:Load)
UNWIND coalesce(properties(l).relTypes, []) AS type
RETURN collect(DISTINCT type) AS types
"""


def drop_relationship_load_index(rel_type: str) -> str:
    return f"DROP INDEX {REL_LOAD_INDEX_PREFIX}{names([rel_type])} IF EXISTS"


# The relationship types a load wrote, as its record keeps them (null for a load recorded
# before they were kept: the view then scans every relationship).
LOAD_REL_TYPES = "MATCH (l:Load {id: $id}) RETURN l.relTypes AS types"


def sparql_view_changed_rels(rel_type: str) -> str:
    """The relationships of one type that the load `$id` wrote, through their type's index
    (relationship_load_index). Both servers seek the index only with the ends unnamed and
    unlabelled in the pattern: a label test on a named end made Neo4j 5.26 plan a scan of
    every node instead, and ArcadeDB scan the type."""
    return _VIEW_RELS.format(typed=":" + names([rel_type]), where="r.loadId = $id")


# Nodes among $iris with their outgoing relationships (as the export pages read them).
SPARQL_VIEW_SUBJECTS = """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
OPTIONAL MATCH (n)-[r]->(m:Resource)
RETURN n.iri AS iri, properties(n) AS props,
       collect(CASE WHEN r IS NULL THEN null ELSE [type(r), properties(r), m.iri] END) AS rels
"""


# A resumed replace's own nodes, staged by its killed run: their ids, not the stored nodes
# of the same iris (it replaces those), nor anyone's properties.
FETCH_STAGED_IDS = table(
    """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri}) WHERE n.stagedBy = $id
RETURN n.iri AS iri, elementId(n) AS id
""",
    capped=False,
)
