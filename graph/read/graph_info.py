"""The graph as a whole: what it holds (health), the ids of its loads (the SPARQL view is
rebuilt when they change), its triples for that view, and the pages of the GraphML and CSV
exports. The whole-graph reads run in one read transaction of the reader account (a
consistent view while a load commits, `Reader.snapshot`), under a deadline of their own and
bounded by the graph rather than by the row cap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any

import neo4j

from graph import queries
from graph.read.base import Reader
from graph.read.models import GraphInfo, LoadInfo
from graph.read.present import jsonable
from graph.store import translate_errors


def health(reader: Reader) -> GraphInfo:
    """What the graph holds, read in one transaction under the request's deadline: the
    counts are `sahelkg status`'s own (Store.counts_in), so both scale the same way."""

    def read(tx: neo4j.Transaction) -> tuple[int, int, list[dict[str, Any]]]:
        nodes, relationships = reader.store.counts_in(tx)
        return nodes, relationships, [record.data() for record in tx.run(queries.LAST_LOAD)]

    nodes, relationships, last = reader.unit(read)
    load = None
    if last:
        row = jsonable(last[0])
        load = LoadInfo(
            id=str(row["id"]),
            startedAt=row.get("startedAt"),
            # File names only: an HTTP client has no business with the server's folders.
            files=[PurePath(str(f)).name for f in row.get("files") or []],
            triples=row.get("triples"),
        )
    return GraphInfo(
        nodes=nodes,
        relationships=relationships,
        last_load=load,
        server=reader.store.server_version(),
    )


def graph_version(reader: Reader) -> tuple[str, ...]:
    """Ids of the loads the graph holds: the SPARQL copy is rebuilt when they change."""
    return tuple(sorted(str(r["id"]) for r in reader.scan(queries.API_LOAD_IDS)))


def write_ntriples(reader: Reader, out: IO[bytes]) -> None:
    """The whole graph as N-Triples (the export's triples), for the SPARQL copy."""
    from graph.export import iter_triples
    from graph.sparql import write_ntriples as write

    with translate_errors():
        write(iter_triples(reader.store, reader.registry, snapshot=reader.snapshot), out)


def export_nodes(reader: Reader) -> Iterator[dict[str, Any]]:
    """Nodes with their labels, properties and outgoing relationships, for graph.pg_export:
    the driver's rows as the store streams them, in one bounded snapshot."""
    with reader.snapshot() as tx:
        for row in reader.store.scan(tx, queries.API_EXPORT_NODES):
            yield row.data()
