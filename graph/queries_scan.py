"""Statements that read every node of the graph (the exports, the SPARQL view's full copy),
each in two forms: whole, and a chunk of it.

Both servers stream the whole form, a record per node, in the store's order. A page by iri
(`WHERE n.iri > $after ... ORDER BY n.iri LIMIT`) made ArcadeDB sort the rest of the graph
for each page: quadratic; the SPARQL view's copy at 10M had not been read after 35 min
(BENCHMARKS 4d). But ArcadeDB stops every statement at its command timeout, whatever the
transaction asks, so where the store says so (`Store.statement_limit_s`) the same rows are
read in chunks: `SKIP $skip LIMIT $limit` over the same scan, in one transaction during
which the commit lock keeps the graph still, so the scan's order holds from chunk to chunk
(graph/store/base.py, `Store.scan`).
"""

from __future__ import annotations

from typing import NamedTuple

from graph.queries_stage import visible


class Scan(NamedTuple):
    whole: str
    chunk: str  # the same rows from $skip, at most $limit nodes


def _scan(match: str, rest: str) -> Scan:
    whole, chunk = f"{match}{rest}", f"{match}WITH n SKIP $skip LIMIT $limit\n{rest}"
    return Scan(visible(whole, given=True), visible(chunk, given=True))  # $hidden: Store.scan


_NODES = "\nMATCH (n:Resource) WHERE shown(n)\n"
_RELS = "[(n)-[r]->(m:Resource) WHERE shown(m) | [type(r), properties(r), m.iri]] AS rels"

# Every node with its outgoing relationships, a record per node.
EXPORT_NODES = _scan(_NODES, f"RETURN n.iri AS iri, properties(n) AS props,\n       {_RELS}\n")

# The GraphML and CSV exports' rows: EXPORT_NODES with the labels.
API_EXPORT_NODES = _scan(
    _NODES, f"RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props,\n       {_RELS}\n"
)
