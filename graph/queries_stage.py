"""The staged load's statements and what the service's reads show of a load in progress
(graph/load_write.py; graph/README.md, "Loading"). Read through `graph.queries`, which
re-exports them.

A staged load's batches commit as they go. The nodes they create carry `stagedBy: <load
id>`, and the load's `(:LoadStage {id})` marker stays unpublished until the switch: a node
is hidden while its `stagedBy` names an unpublished marker (a load in progress, or a killed
one, whose leftovers the next load deletes). The switch applies the changes to nodes that
were already stored and marks the stage published: readers turn from the old graph to the
new one at that commit, whose size does not grow with the load's. The published nodes'
`stagedBy` is removed after it, in batches (the "publish" step), which changes nothing a
reader sees; then the marker goes.

A `--replace` load stages every node new under a load id of its own, its marker flagged
`replace`. Its switch publishes the marker and lists on it the loads it retires: from that
commit on, readers see only the nodes stamped with its id (`only`), and the retired nodes
are deleted in batches after it; then the marker goes.

A read is written with `shown(n)` where node `n` must be visible, and passed through
`visible()`: it then starts by reading the ids to hide into `hidden` and the replace's id
into `only`, in the same statement, so from the same state of the graph as the rest; every
WITH after that must carry `hidden, only`.
A statement that reads the whole graph takes them as `$hidden` and `$only` instead (`given=True`),
read by HIDDEN_IDS first in the same read transaction (`Store.hidden`): a MATCH after a
WITH made ArcadeDB 26.10 scan 1.6-1.8x slower (10M triples: a node count 1.7 s against
3.1 s; an export chunk 12 % slower), and a transaction holds the read gate or the commit
lock throughout, so its statements see one state of the graph.
"""

from __future__ import annotations

import re

# `only`: the id of a replace that has switched and is deleting what it replaced (null
# otherwise): one at most, as the next load finishes that deletion before it writes.
_STAGES_READ = (
    "OPTIONAL MATCH (stage:LoadStage) WHERE stage.published IS NULL OR stage.replace = true\n"
)
_IDS = (
    "collect(CASE WHEN stage.published IS NULL THEN stage.id END) AS hidden,\n"
    "     head(collect(CASE WHEN stage.published IS NOT NULL THEN stage.id END)) AS only"
)
HIDDEN = f"{_STAGES_READ}WITH {_IDS}\n"
HIDDEN_IDS = f"{_STAGES_READ}RETURN {_IDS}"
_SHOWN = re.compile(r"\bshown\((\w+)\)")


def visible(statement: str, given: bool = False) -> str:
    """`statement` with HIDDEN first and each `shown(n)` written out; with `given`, the
    ids are the parameters `$hidden` and `$only` (HIDDEN_IDS, read in the same transaction)."""
    if not _SHOWN.search(statement):
        raise ValueError("a read of resources says which nodes must be shown: shown(n)")
    ids, only = ("$hidden", "$only") if given else ("hidden", "only")
    shown = rf"(NOT coalesce(\1.stagedBy, '') IN {ids} AND ({only} IS NULL OR \1.loadId = {only}))"
    body = _SHOWN.sub(shown, statement.lstrip("\n"))
    return body if given else HIDDEN + body


# One loader at a time (graph/load_turn.py): a claim first writes this one node, so two
# claims never overlap, then reads the stages and refuses when one belongs to a live loader.
LOADER_TURN = "MERGE (t:LoadTurn {id: 'loader'}) SET t.at = $at"
BEGIN_STAGE = """
MERGE (s:LoadStage {id: $id})
SET s.startedAt = $startedAt, s.owner = $owner, s.beat = $startedAt, s.replace = $replace
RETURN s.id AS id
"""
# properties(s): Neo4j warns of a key it has never stored (owner, beat on a new database)
STAGES = "MATCH (s:LoadStage) RETURN properties(s) AS stage"
STAGE_BEAT = "MATCH (s:LoadStage {id: $id}) SET s.beat = $at"
END_STAGE = "MATCH (s:LoadStage {id: $id}) DELETE s"
DELETE_STAGES = "MATCH (s:LoadStage) DELETE s"
# The switch's own write: from its commit on, the stage's nodes are shown (a replace's
# alone: `retires` lists the loads whose nodes it then deletes).
PUBLISH_STAGE = "MATCH (s:LoadStage {id: $id}) SET s.published = $at, s.retires = $retires"
# A load of the same input as a killed one that was published: once its nodes are tidied,
# its marker marks this load in progress again.
UNPUBLISH_STAGE = "MATCH (s:LoadStage {id: $id}) REMOVE s.published"

# A node a load stages carries its id in `loadId` too (load_write.write_nodes), and
# `Resource.loadId` is indexed: the statements that look for a stage's nodes test both, so
# the index finds them instead of a scan of every node (1M triples, ArcadeDB: 9 ms against
# 201 ms; BENCHMARKS.md 2i).
DROP_STAGED_BATCH = """
MATCH (n:Resource)
WHERE n.loadId = $id AND n.stagedBy = $id
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS count
"""

# After the switch, by the element ids the batches returned: no index on `stagedBy` (on
# ArcadeDB an index whose entries all share one key made a commit take 24 s for 17k nodes).
PUBLISH_NODES = """
UNWIND $ids AS id
MATCH (n) WHERE elementId(n) = id
REMOVE n.stagedBy
"""
# How many nodes these stages hold: the total of the progress bars of the two above.
COUNT_STAGED = """
UNWIND $ids AS id
MATCH (n:Resource) WHERE n.loadId = id AND n.stagedBy = id
RETURN count(n) AS count
"""
# The same for a published stage whose loader was killed before it ended (rare).
PUBLISH_STAGED_BATCH = """
MATCH (n:Resource)
WHERE n.loadId = $id AND n.stagedBy = $id
WITH n LIMIT $limit
REMOVE n.stagedBy
RETURN count(*) AS count
"""

# ---- a replace (graph/load_stage.py: retiring, retire)

# The loads a replace retires, listed on its marker at the switch; their records go in it.
LOAD_IDS = "MATCH (l:Load) RETURN collect(l.id) AS ids"  # what a replace's id is made of
OTHER_LOAD_IDS = "MATCH (l:Load) WHERE l.id <> $id RETURN collect(l.id) AS ids"
DELETE_OTHER_LOADS = "MATCH (l:Load) WHERE l.id <> $id DELETE l"
# How many nodes these loads stamped (the "delete" bar's total), and a batch of them.
COUNT_LOADS_NODES = """
UNWIND $ids AS id
MATCH (n:Resource) WHERE n.loadId = id
RETURN count(n) AS count
"""
# Whether these loads stamped at least $limit nodes (ArcadeDBStore.deleting: a small
# deletion keeps the indexes), through the same index, reading no more than that.
SOME_LOADS_NODES = """
UNWIND $ids AS id
MATCH (n:Resource) WHERE n.loadId = id
WITH n LIMIT $limit
RETURN count(n) AS count
"""
RETIRE_BATCH = """
MATCH (n:Resource)
WHERE n.loadId = $id
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS count
"""
# Last, a scan for what no load record names (no loadId: another tool's, or records
# deleted by hand): every resource not the replace's own goes.
RETIRE_REST_BATCH = """
MATCH (n:Resource)
WHERE coalesce(n.loadId, '') <> $id
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS count
"""
# Whatever else the database holds (nodes written by other tools), so that the graph is
# exactly what the replace says; not the service's own bookkeeping.
RETIRE_OTHER_NODES_BATCH = """
MATCH (n)
WHERE NOT n:Resource AND NOT n:Load AND NOT n:LoadStage AND NOT n:LoadTurn AND NOT n:ReadGate
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS count
"""

# A deletion batch's relationships, at most $rels a commit, deleted before its nodes
# (load_stage._batches): a node's relationships go with it, and a hub's (the kind every
# claim points to: about a million at 10M triples) made one commit of its own, whose
# memory no batch size bounded (BENCHMARKS.md 2m; 93 s on ArcadeDB at 10M, 2l).
_COUNT = "RETURN count(*) AS count\n"
_DETACH = f"DETACH DELETE n\n{_COUNT}"
_UNLINK = f"MATCH (n)-[r]-()\nWITH DISTINCT r LIMIT $rels\nDELETE r\n{_COUNT}"


def relationships_first(statement: str) -> str | None:
    """The relationships of the nodes the deletion batch `statement` takes, $rels at most;
    None for a batch that deletes no nodes."""
    if "DETACH DELETE" not in statement:
        return None
    head, sep, tail = statement.rpartition(_DETACH)
    if not sep or tail:
        raise ValueError("a deletion batch ends with DETACH DELETE n and its count")
    return head + _UNLINK
