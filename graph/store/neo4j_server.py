"""Neo4j 5 (production; Community 5.26 in the tests, started by scripts/neo4j).

The server enforces READ access mode and the transaction timeout itself, and EXPLAIN says
whether a statement writes: /cypher and `sahelkg query` are refused up front when the
plan is anything but a read, on top of the lexical checker (defence in depth). Commits are
atomic to readers, so no lock. Community has no roles: the reader account is the writer
unless SAHELKG_NEO4J_READER_USER names one (Enterprise, Aura: a user with `reader`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import neo4j

from graph.errors import ReadOnlyViolation
from graph.store.base import Capabilities, Store

# EXPLAIN's query type: "r" read only; "rw", "w" write; "s" schema.
_READ_ONLY = "r"


class Neo4jStore(Store):
    capabilities = Capabilities(
        backend="neo4j",
        enforces_read_mode=True,
        reader_account=False,
        classifies_queries=True,
        keeps_datetime_zones=True,
        atomic_commits=True,
    )

    def __init__(
        self, writer: neo4j.Driver, reader: neo4j.Driver, database: str, separate_reader: bool
    ) -> None:
        super().__init__(writer, reader, database)
        if separate_reader:
            self.capabilities = replace(self.capabilities, reader_account=True)

    def refuse_writes(self, session: neo4j.Session, query: str, params: dict[str, Any]) -> None:
        summary = session.run(f"EXPLAIN {query}", params).consume()
        kind = summary.query_type or "?"
        if kind != _READ_ONLY:
            raise ReadOnlyViolation(
                f"read-only: the server plans this query as {_KINDS.get(kind, kind)}"
            )


_KINDS = {"rw": "a read-write query", "w": "a write", "s": "a schema change"}
