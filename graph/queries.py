"""Every Cypher statement the project sends, as constants or small builders.

All of it stays in the subset that both Neo4j 5 and ArcadeDB 26.10 run (see graph/README.md
for the differences). Labels and relationship types are never parameters in Cypher, so the
builders take them from the ontology registry only and check their form again here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _names(names: Iterable[str]) -> str:
    out = sorted(names)
    for name in out:
        if not _NAME.match(name):  # never reached with registry names; a last guard
            raise ValueError(f"not a label or relationship type: {name!r}")
    return ":".join(out)


# ---------------------------------------------------------------- schema

SCHEMA = (
    "CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
    "CREATE CONSTRAINT load_id IF NOT EXISTS FOR (l:Load) REQUIRE l.id IS UNIQUE",
    "CREATE INDEX resource_name IF NOT EXISTS FOR (n:Resource) ON (n.name)",
)

PING = "RETURN 1 AS ok"

# ---------------------------------------------------------------- loading

FETCH_NODES = """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props
"""


def create_nodes(labels: Iterable[str]) -> str:
    """New nodes get all their labels at once (ArcadeDB cannot always add one later)."""
    return f"UNWIND $rows AS row CREATE (n:{_names(labels)}) SET n = row.props"


UPDATE_NODES = """
UNWIND $rows AS row
MATCH (n:Resource {iri: row.iri})
SET n = row.props
"""


def add_labels(labels: Iterable[str]) -> str:
    return f"UNWIND $iris AS iri MATCH (n:Resource {{iri: iri}}) SET n:{_names(labels)}"


def merge_plain_relationships(rel_type: str) -> str:
    """A plain triple is one relationship without `iri`; create it only if absent."""
    t = _names([rel_type])
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}}), (b:Resource {{iri: row.end}})
WHERE NOT EXISTS {{ MATCH (a)-[old:{t}]->(b) WHERE old.iri IS NULL }}
CREATE (a)-[r:{t}]->(b)
SET r.loadId = $loadId
RETURN count(r) AS created
"""


def create_relationships(rel_type: str) -> str:
    """Relationships that cannot exist yet (an end was created by this load): no check."""
    t = _names([rel_type])
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}}), (b:Resource {{iri: row.end}})
CREATE (a)-[r:{t}]->(b)
SET r = row.props
RETURN count(r) AS created
"""


def fetch_qualified(rel_type: str) -> str:
    t = _names([rel_type])
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}})-[r:{t}]->(b:Resource {{iri: row.end}})
WHERE r.iri = row.iri
RETURN r.iri AS iri, properties(r) AS props
"""


def merge_qualified(rel_type: str) -> str:
    """A qualified relation is one relationship keyed by the iri of its RDF node."""
    t = _names([rel_type])
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}}), (b:Resource {{iri: row.end}})
MERGE (a)-[r:{t} {{iri: row.iri}}]->(b)
SET r = row.props
"""


ANY_RESOURCE = "MATCH (n:Resource) RETURN n.iri AS iri LIMIT 1"

DELETE_RESOURCES_BATCH = """
MATCH (n:Resource)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
"""

RECORD_LOAD = """
MERGE (l:Load {id: $id})
ON CREATE SET l += $props
RETURN l.id AS id
"""

# ---------------------------------------------------------------- reading

COUNT_NODES = "MATCH (n:Resource) RETURN count(n) AS count"
COUNT_RELATIONSHIPS = "MATCH (:Resource)-[r]->(:Resource) RETURN count(r) AS count"
COUNT_LABELS = """
MATCH (n:Resource)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
"""
LAST_LOAD = """
MATCH (l:Load)
RETURN l.id AS id, l.startedAt AS startedAt, l.files AS files, l.triples AS triples
ORDER BY l.startedAt DESC
LIMIT 1
"""

# Keyset pagination by iri (indexed) over nodes with their outgoing relationships.
EXPORT_PAGE = """
MATCH (n:Resource)
WHERE n.iri > $after
WITH n ORDER BY n.iri LIMIT $limit
OPTIONAL MATCH (n)-[r]->(m:Resource)
RETURN n.iri AS iri, properties(n) AS props,
       collect(CASE WHEN r IS NULL THEN null ELSE [type(r), properties(r), m.iri] END) AS rels
ORDER BY iri
"""

DELETE_LOADS = "MATCH (l:Load) DELETE l"
