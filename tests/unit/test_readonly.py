"""The read-only Cypher checker: a write-attack corpus is refused, reads pass."""

from __future__ import annotations

import pytest

from graph.errors import ReadOnlyViolation
from graph.readonly import check_read_only

WRITES = [
    "CREATE (n:Actor {iri: 'x'})",
    "create (n)",
    "MATCH (n) SET n.name = 'x'",
    "MATCH (n) set n:Hacked",
    "MATCH (n) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) detach delete n",
    "MATCH (n) REMOVE n.name",
    "MATCH (n) REMOVE n:Actor",
    "MERGE (n:Actor {iri: 'x'})",
    "MATCH (a), (b) MERGE (a)-[:ALLIED_WITH]->(b)",
    "DROP CONSTRAINT resource_iri",
    "DROP INDEX resource_name",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "FOREACH (x IN [1, 2] | CREATE (:N {v: x}))",
    "CALL db.createLabel('X')",
    "CALL apoc.create.node(['X'], {})",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})",
    "CALL dbms.security.createUser('u', 'p', false)",
    "CALL gds.graph.drop('g')",
    "MATCH (n) CALL { WITH n DELETE n } RETURN 1",
    "MATCH (n) CALL { WITH n SET n.x = 1 } IN TRANSACTIONS RETURN 1",
    "MATCH (n) RETURN n /* harmless */ ; CREATE (m)",
    "MATCH (n) // comment\nDELETE n",
    "/* CREATE */ MATCH (n) DELETE n",
    "MATCH (n) WITH n UNWIND [1] AS x CREATE (:Copy)",
    "CREATE DATABASE evil",
    "ALTER USER neo4j SET PASSWORD 'x'",
    "GRANT ALL ON DATABASE * TO reader",
    "START DATABASE neo4j",
    "STOP DATABASE neo4j",
    "USE system CREATE USER x SET PASSWORD 'y'",
    "MATCH (n) OPTIONAL MATCH (n)-[r]-() DELETE r",
    "RETURN 1 UNION MATCH (n) SET n.x = 2 RETURN 1",
    "MATCH (n) WHERE n.iri = 'a' SeT n.label = 'b'",
    "\tcreate\n(n)",
    "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) } DELETE n",
    # Quoted and dotted names, procedures called as functions, comments ended by \r.
    "CALL `merge.node`(['X'], {a: 1}) YIELD node RETURN node",
    "CALL `do.when`(true, 'CREATE (:X)', '', {}) YIELD value RETURN value",
    "CALL `apoc`.`create`.node(['X'], {}) YIELD node RETURN node",
    "CALL apoc . create . node(['X'], {}) YIELD node RETURN node",
    "CALL `db`.`createLabel`('X')",
    "RETURN merge.node(['X'], {})",
    "RETURN `apoc.cypher.runFirstColumnSingle`('CREATE (n) RETURN n', {})",
    "RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})",
    "RETURN apoc.load.json('http://127.0.0.1:1/x')",
    "// x\rCREATE (:X)",
    "//\rLOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "RETURN 1 // x\u2028CREATE (:X)",
    "RETURN 1 // x\u0085DELETE n",
]
READS = [
    "MATCH (n:Actor) RETURN n.name",
    "MATCH (n) WHERE n.name = 'CREATE something' RETURN n",
    "MATCH (n) RETURN n.`set` AS s",
    "MATCH (n {delete: 1}) RETURN n",
    "MATCH (n:Resource) RETURN {create: n.name} AS m",
    "MATCH (n) WHERE n.name CONTAINS $q RETURN count(n)",
    "// CREATE in a comment\nMATCH (n) RETURN n LIMIT 1",
    "MATCH (a)-[r:ALLIED_WITH]->(b) RETURN a.name, b.name, r.validFrom",
    "CALL db.labels()",
    "MATCH p = shortestPath((a)-[*..3]-(b)) RETURN length(p)",
    "MATCH (n) CALL { WITH n MATCH (n)-->(m) RETURN count(m) AS c } RETURN c",
    "MATCH (n) RETURN n.settings, n.created, n.merged",
    "RETURN date.truncate('month', date('2024-09-17'))",
    "CALL `db`.`labels`()",
    "MATCH (`n`:`Actor`) RETURN `n`.`name`",
]


def test_the_corpus_is_large_enough() -> None:
    assert len(WRITES) >= 30


@pytest.mark.parametrize("query", WRITES)
def test_writes_are_refused(query: str) -> None:
    with pytest.raises(ReadOnlyViolation, match=r"read-only|procedure"):
        check_read_only(query)


@pytest.mark.parametrize("query", READS)
def test_reads_pass(query: str) -> None:
    check_read_only(query)


@pytest.mark.parametrize("query", ["", "   ", "x" * 20_001])
def test_empty_or_huge_queries_are_refused(query: str) -> None:
    with pytest.raises(ReadOnlyViolation):
        check_read_only(query)
