"""Every Cypher statement the project sends, as constants or small builders.

All of it stays in the subset that both Neo4j 5 and ArcadeDB 26.10 run (see graph/README.md
for the differences). Labels and relationship types are never parameters in Cypher, so the
builders take them from the ontology registry only and check their form again here.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries_lookups import (  # the rest of the statements, re-exported
    API_FATALITY_CLAIMS as API_FATALITY_CLAIMS,
    API_MAP_EVENTS as API_MAP_EVENTS,
    API_PLACES as API_PLACES,
    API_SEARCH_ALL as API_SEARCH_ALL,
    API_SEARCH_KINDS as API_SEARCH_KINDS,
    EXTEND_LINKS as EXTEND_LINKS,
    FETCH_STAGED_IDS as FETCH_STAGED_IDS,
    FROM_START as _FROM_START,
    INDEX_NAMES as INDEX_NAMES,
    LOAD_ID_INDEX as LOAD_ID_INDEX,
    LOAD_ID_IRI_INDEX as LOAD_ID_IRI_INDEX,
    LOAD_REL_TYPES as LOAD_REL_TYPES,
    MATCH_ENTITIES as MATCH_ENTITIES,
    MATCH_PLACE_LINKS as MATCH_PLACE_LINKS,
    RECORDED_REL_TYPES as RECORDED_REL_TYPES,
    REL_LOAD_INDEX_PREFIX as REL_LOAD_INDEX_PREFIX,
    SCHEMA as SCHEMA,
    SPARQL_VIEW_CHANGED_NODES as SPARQL_VIEW_CHANGED_NODES,
    SPARQL_VIEW_CHANGED_RELS as SPARQL_VIEW_CHANGED_RELS,
    SPARQL_VIEW_SHARED_RELS as SPARQL_VIEW_SHARED_RELS,
    SPARQL_VIEW_SUBJECTS as SPARQL_VIEW_SUBJECTS,
    drop_relationship_load_index as drop_relationship_load_index,
    relationship_load_index as relationship_load_index,
    sparql_view_changed_rels as sparql_view_changed_rels,
)
from graph.queries_scan import (
    API_EXPORT_NODES as API_EXPORT_NODES,
    EXPORT_NODES as EXPORT_NODES,
    Scan as Scan,
)
from graph.queries_stage import (  # the staged load's statements, re-exported
    BEGIN_STAGE as BEGIN_STAGE,
    COUNT_LOADS_NODES as COUNT_LOADS_NODES,
    COUNT_STAGED as COUNT_STAGED,
    DELETE_OTHER_LOADS as DELETE_OTHER_LOADS,
    DELETE_STAGES as DELETE_STAGES,
    DROP_STAGED_BATCH as DROP_STAGED_BATCH,
    END_STAGE as END_STAGE,
    HIDDEN_IDS as HIDDEN_IDS,
    LOAD_IDS as LOAD_IDS,
    LOADER_TURN as LOADER_TURN,
    OTHER_LOAD_IDS as OTHER_LOAD_IDS,
    PUBLISH_NODES as PUBLISH_NODES,
    PUBLISH_STAGE as PUBLISH_STAGE,
    PUBLISH_STAGED_BATCH as PUBLISH_STAGED_BATCH,
    RETIRE_BATCH as RETIRE_BATCH,
    RETIRE_OTHER_NODES_BATCH as RETIRE_OTHER_NODES_BATCH,
    RETIRE_REST_BATCH as RETIRE_REST_BATCH,
    SOME_LOADS_NODES as SOME_LOADS_NODES,
    STAGE_BEAT as STAGE_BEAT,
    STAGES as STAGES,
    UNPUBLISH_STAGE as UNPUBLISH_STAGE,
    relationships_first as relationships_first,
    visible,
)
from graph.queries_table import is_table as is_table, names as _names, rows_of as rows_of, table

PING = "RETURN 1 AS ok"

# ---------------------------------------------------------------- loading

# `stagedBy`, `id`: a node a killed run of the same load staged is kept (graph/load.py)
FETCH_NODES = table(
    """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props, n.stagedBy AS stagedBy,
       elementId(n) AS id
""",
    capped=False,
)


def create_nodes(labels: Iterable[str]) -> str:
    """New nodes get all their labels at once (ArcadeDB cannot always add one later); their
    element ids come back, for create_relationships_by_id in the same transaction, as
    [iri, id] pairs in one record (a record per node cost the driver 20-26 µs of Python
    each, graph/queries_table.py)."""
    return (
        f"UNWIND $rows AS row CREATE (n:{_names(labels)}) SET n = row.props "
        "RETURN collect([n.iri, elementId(n)]) AS ids"
    )


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


def existing_plain_relationships(rel_type: str) -> str:
    """Which of the rows' plain triples are stored already (a staged load defers the rest
    to its switch)."""
    t = _names([rel_type])
    return table(
        f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}})-[old:{t}]->(b:Resource {{iri: row.end}})
{_FROM_START}
WHERE old.iri IS NULL
RETURN DISTINCT row.start AS start, row.end AS end
""",
        capped=False,
    )


# Created only where absent, for a load that resumes a killed run of itself (graph/load.py):
# what that run staged is kept, and a plain relationship is one per pair of nodes, a
# qualified one is keyed by its iri.
_ONLY_ABSENT = """WITH a, b, row
WHERE NOT EXISTS {{
    MATCH (a)-[old:{t}]->(b) WHERE coalesce(old.iri, '') = coalesce(row.props.iri, '') }}
"""


def create_relationships(rel_type: str, only_absent: bool = False) -> str:
    """Relationships that cannot exist yet (an end was created by this load): no check,
    unless `only_absent`."""
    t = _names([rel_type])
    return f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}}), (b:Resource {{iri: row.end}})
{_ONLY_ABSENT.format(t=t) if only_absent else ""}CREATE (a)-[r:{t}]->(b)
SET r = row.props
RETURN count(r) AS created
"""


def create_relationships_by_id(rel_type: str, only_absent: bool = False) -> str:
    """Relationships between two nodes this transaction created, found by element id: a
    direct look-up (a seek on Neo4j 5), where two index look-ups by iri took twice as long
    on ArcadeDB (100k triples: 5.2 s -> 2.5 s for the relationships and the commit)."""
    t = _names([rel_type])
    return f"""
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.start
MATCH (b) WHERE elementId(b) = row.end
{_ONLY_ABSENT.format(t=t) if only_absent else ""}CREATE (a)-[r:{t}]->(b)
SET r = row.props
RETURN count(r) AS created
"""


def fetch_qualified(rel_type: str) -> str:
    t = _names([rel_type])
    return table(
        f"""
UNWIND $rows AS row
MATCH (a:Resource {{iri: row.start}})-[r:{t}]->(b:Resource {{iri: row.end}})
{_FROM_START}
WHERE r.iri = row.iri
RETURN r.iri AS iri, properties(r) AS props
""",
        capped=False,
    )


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

# SET on every load, not only on creation: loading the same content again is the last load.
RECORD_LOAD = """
MERGE (l:Load {id: $id})
SET l += $props
RETURN l.id AS id
"""

# Neo4j reads at read committed: a scan that meets a commit halfway sees part of it (a
# load's switch publishes thousands of nodes). Reads take a shared lock on this one node
# (APOC's read lock) and a switch an exclusive one first: a read sees a switch whole or not
# at all, and a switch waits for the reads in flight (graph/store/neo4j_server.py).
READ_GATE_CREATE = "MERGE (:ReadGate {id: 'graph'})"
READ_GATE_SHARED = "MATCH (g:ReadGate {id: 'graph'}) CALL apoc.lock.read.nodes([g])"
READ_GATE_CLOSE = "MATCH (g:ReadGate {id: 'graph'}) SET g.switchedAt = datetime()"
# The shared lock as the first clauses of one of our own read statements: one statement
# and one round trip instead of two and three. The count makes it eager: the plan takes the
# lock (an Apply's left side) before it reads anything else. Not for a client's text, which
# may not follow a WITH (a UNION, a CALL alone, USE).
READ_GATE_FIRST = (
    "MATCH (g:ReadGate {id: 'graph'}) CALL apoc.lock.read.nodes([g])\nWITH count(g) AS readGate\n"
)
HAS_READ_LOCKS = "SHOW PROCEDURES YIELD name WHERE name = 'apoc.lock.read.nodes' RETURN name"

# ---------------------------------------------------------------- reading

# Store.counts_in, in one read transaction. Relationships: all of them, less those with a
# hidden end (only while a load stages): a test of both ends' marks on each relationship
# took ArcadeDB more than its 10 s statement limit at 10M triples; every relationship the
# loader writes joins two resources, and nothing else has any. Where a read transaction
# sees commits made after it began (Neo4j), the two counts would come from two states of a
# staging load (a negative count, measured): there each relationship's ends are tested.
# The hidden nodes are found through the `loadId` index (queries_stage.DROP_STAGED_BATCH),
# a stage at a time: with `IN $hidden` ArcadeDB scanned every node (1M triples: 21 ms
# against 203 ms; BENCHMARKS.md 2i).
COUNT_NODES = visible("MATCH (n:Resource) WHERE shown(n) RETURN count(n) AS count", given=True)
COUNT_ALL_RELATIONSHIPS = "MATCH ()-[r]->() RETURN count(r) AS count"
COUNT_HIDDEN_RELATIONSHIPS = """
UNWIND $hidden AS stage
MATCH (n:Resource) WHERE n.loadId = stage AND n.stagedBy = stage
MATCH (n)-[r]-()
RETURN count(DISTINCT r) AS count
"""
# While a replace deletes what it replaced, readers see its nodes alone (`$only`), and its
# relationships join two of them (it created each between two nodes of its own).
COUNT_ONLY_RELATIONSHIPS = """
MATCH (n:Resource) WHERE n.loadId = $only
MATCH (n)-[r]->()
RETURN count(r) AS count
"""
COUNT_SHOWN_RELATIONSHIPS = visible(
    "MATCH (a:Resource)-[r]->(b:Resource) WHERE shown(a) AND shown(b) RETURN count(r) AS count",
    given=True,
)
COUNT_LABELS = visible(
    """
MATCH (n:Resource) WHERE shown(n)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
""",
    given=True,
)
LAST_LOAD = """
MATCH (l:Load)
RETURN l.id AS id, l.startedAt AS startedAt, l.files AS files, l.triples AS triples
ORDER BY l.startedAt DESC
LIMIT 1
"""

DELETE_LOADS = "MATCH (l:Load) DELETE l"


# ---- API reads

# A relationship's properties with its validity dates as ISO text, as the API shows them:
# the driver builds a neo4j.time.Date of each stored date in Python, which was a quarter of
# an uncached /relations read's client CPU (BENCHMARKS.md 3g).
_REL_PROPS = "r {.*, validFrom: toString(r.validFrom), validTo: toString(r.validTo)} AS props"
_DATES = "toString(r.validFrom) AS validFrom, toString(r.validTo) AS validTo"

# Used by graph/read/. The "as of" rule (graph/asof.py says it in words and tests it): with
# `$at` (a date or null) a relation counts when it has a validFrom on or before $at and no
# validTo, or a validTo whose period (its day, month or year, by validToPrecision) ends on or
# after $at. `$atMonth` and `$atYear` are the first days of $at's month and year
# (graph.asof.params), so no date arithmetic is needed.

VALID_ON = """({r}.validFrom IS NOT NULL AND {r}.validFrom <= $at
  AND ({r}.validTo IS NULL OR {r}.validTo >= $at
       OR ({r}.validToPrecision = 'month' AND {r}.validTo >= $atMonth)
       OR ({r}.validToPrecision = 'year' AND {r}.validTo >= $atYear)))"""
VALID_AT = "($at IS NULL OR " + VALID_ON + ")"


def relations_at_example(rel_type: str) -> str:
    """The other ends of $iri's `rel_type` relations (either direction) holding on $at: the
    console's and ontology/README.md's example, with the fragment the API reads use."""
    t = _names([rel_type])
    return (
        f"MATCH (:Resource {{iri: $iri}})-[r:{t}]-(o:Resource)\n"
        f"WHERE {VALID_ON.format(r='r')}\n"
        "RETURN DISTINCT o.iri AS other ORDER BY other"
    )


API_RESOURCES = table(
    visible(
        """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
WHERE shown(n)
RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props
"""
    )
)

API_EVENTS_WHERE = visible(
    """
MATCH (e:Event)
WHERE shown(e) AND ($label IS NULL OR $label IN labels(e))
  AND ($from IS NULL OR e.date >= $from) AND ($to IS NULL OR e.date <= $to)
  AND ($actor IS NULL OR EXISTS {
        MATCH (e)-[r]->(x:Resource {iri: $actor}) WHERE type(r) IN $roles AND shown(x) })
  AND ($place IS NULL OR EXISTS {
        MATCH (e)-[:LOCATION]->(l:Resource)-[:LOCATED_IN*0..6]->(y:Resource {iri: $place})
        WHERE shown(l) AND shown(y) })
"""
)

API_EVENTS = table(
    API_EVENTS_WHERE
    + """
RETURN e.iri AS iri, labels(e) AS labels, properties(e) AS props
ORDER BY e.date, e.iri
SKIP $offset LIMIT $limit
"""
)

API_COUNT_EVENTS = API_EVENTS_WHERE + "RETURN count(e) AS total\n"

# Outgoing links of many resources, with the far end's properties.
API_LINKS_OUT = table(
    visible(
        """
UNWIND $iris AS iri
MATCH (s:Resource {iri: iri})-[r]->(x:Resource)
WHERE shown(s) AND shown(x) AND ($types IS NULL OR type(r) IN $types)
RETURN s.iri AS subject, type(r) AS type, x.iri AS iri, labels(x) AS labels,
       properties(x) AS props, properties(r) AS relProps
"""
    )
)

# Incoming links of one resource (claims about an event, its parts, statements).
API_LINKS_IN = table(
    visible(
        """
MATCH (x:Resource)-[r]->(s:Resource {iri: $iri})
WHERE shown(s) AND shown(x) AND ($types IS NULL OR type(r) IN $types)
RETURN type(r) AS type, x.iri AS iri, labels(x) AS labels, properties(x) AS props
"""
    )
)

API_TIMELINE_EVENTS = table(
    visible(
        """
MATCH (e:Event)-[r]->(a:Resource {iri: $iri})
WHERE shown(e) AND shown(a)
  AND e.date IS NOT NULL AND ($from IS NULL OR e.date >= $from) AND ($to IS NULL OR e.date <= $to)
RETURN e.iri AS iri, labels(e) AS labels, properties(e) AS props, collect(DISTINCT type(r)) AS roles
"""
    )
)

API_TIMELINE_RELATIONS = table(
    visible(
        f"""
MATCH (a:Resource {{iri: $iri}})-[r]-(b:Resource)
WHERE shown(a) AND shown(b) AND type(r) IN $types
  AND (r.validFrom IS NOT NULL OR r.validTo IS NOT NULL)
RETURN type(r) AS type, startNode(r).iri = a.iri AS outgoing, b.iri AS other,
       labels(b) AS otherLabels, properties(b) AS otherProps, {_REL_PROPS}
"""
    )
)

API_LOAD_IDS = "MATCH (l:Load) RETURN l.id AS id"
# properties(l): Neo4j warns of a key it has never stored (`commit` on an old graph).
LOAD_STAMPS = "MATCH (l:Load) RETURN l.id AS id, properties(l) AS props"

# The classes of stored nodes an input names without typing them (SHACL's context).
STORED_LABELS = visible(
    """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
WHERE shown(n)
RETURN n.iri AS iri, labels(n) AS labels
"""
)


# The API's combined reads (graph.read): one statement where the plain ones above took
# several (an actor's lookup joined to its first hop), and only the properties a response
# shows (a node's name and classes, not all its properties): under load the API process,
# not the store, sets the pace, and its cost is per statement and per value decoded.
_VALID = VALID_AT.format(r="r")
_REF = "{n}.name AS {p}name, {n}.rdfTypes AS {p}types"
_CENTER = "MATCH (a:Resource {iri: $iri}) WHERE shown(a)\nOPTIONAL MATCH (a)-[r]-(b:Resource)\n"
_HOPS = "UNWIND $frontier AS iri\nMATCH (a:Resource {iri: iri})-[r]-(b:Resource)\n"

API_ACTOR_RELATIONS = table(
    visible(
        f"""{_CENTER}WHERE shown(b) AND type(r) IN $types AND {_VALID}
RETURN labels(a) AS labels, {_REF.format(n="a", p="")},
       type(r) AS type, startNode(r).iri = a.iri AS outgoing, b.iri AS other,
       {_REF.format(n="b", p="other_")}, {_REL_PROPS}
ORDER BY type, other
"""
    )
)

_NEIGHBOUR_COLUMNS = f"""type(r) AS type, startNode(r).iri AS start, endNode(r).iri AS end,
       b.iri AS other, labels(b) AS other_labels, {_REF.format(n="b", p="other_")},
       {_REL_PROPS}"""

API_CENTER_NEIGHBOURS = table(
    visible(
        f"""{_CENTER}WHERE shown(b) AND type(r) IN $types AND {_VALID}
RETURN labels(a) AS labels, {_REF.format(n="a", p="")}, {_NEIGHBOUR_COLUMNS}
LIMIT $limit
"""
    )
)

API_NEIGHBOUR_REFS = table(
    visible(
        f"""{_HOPS}WHERE shown(b) AND type(r) IN $types AND {_VALID}
RETURN {_NEIGHBOUR_COLUMNS}
LIMIT $limit
"""
    )
)

# A path search's first round: both ends, with their names and classes, and their first
# hop, in one statement (it was two: one round trip less). An end without a relation comes
# as one row whose relation is null.
API_PATH_START = table(
    visible(
        f"""UNWIND $frontier AS iri
MATCH (a:Resource {{iri: iri}}) WHERE shown(a)
OPTIONAL MATCH (a)-[r]-(b:Resource) WHERE shown(b) AND type(r) IN $types AND {_VALID}
RETURN a.iri AS here, labels(a) AS labels, {_REF.format(n="a", p="")},
       type(r) AS type, startNode(r).iri AS start, endNode(r).iri AS end,
       b.iri AS other, {_REF.format(n="b", p="other_")}, {_DATES},
       r.sources AS sources, r.iri AS iri
LIMIT $limit
"""
    )
)

API_PATH_STEPS = table(
    visible(
        f"""{_HOPS}WHERE shown(b) AND type(r) IN $types AND {_VALID}
RETURN a.iri AS here, type(r) AS type, startNode(r).iri AS start, endNode(r).iri AS end,
       b.iri AS other, {_REF.format(n="b", p="other_")}, {_DATES},
       r.sources AS sources, r.iri AS iri
LIMIT $limit
"""
    )
)

# The search's page and its total in one statement (they were two): the matches, ranked,
# collected, counted and sliced.
API_SEARCH_PAGE = visible(
    """
MATCH (n:Actor)
WHERE shown(n)
  AND ($q = '' OR n.search CONTAINS $q) AND ($label IS NULL OR $label IN labels(n))
WITH n, CASE
    WHEN $q = '' THEN 0
    WHEN (' | ' + n.search + ' | ') CONTAINS (' | ' + $q + ' | ') THEN 0
    WHEN (' | ' + n.search) CONTAINS (' | ' + $q) THEN 1
    ELSE 2 END AS rank
ORDER BY rank, n.name, n.iri
WITH collect(n) AS found
RETURN size(found) AS total,
       [n IN found[$offset..($offset + $limit)] | [n.iri, properties(n)]] AS page
"""
)
