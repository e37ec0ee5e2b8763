"""Neo4j 5 (production; Community 5.26 in the tests, started by scripts/neo4j).

The server enforces READ access mode and the transaction timeout itself, and EXPLAIN says
whether a statement writes: /cypher and `sahelkg query` are refused up front when the
plan is anything but a read, on top of the lexical checker (defence in depth). Commits are
atomic, but reads are read-committed: one scan that meets a commit halfway sees part of it,
so every read transaction first takes a shared lock on one gate node (APOC's
apoc.lock.read.nodes, a READ procedure) and a load's switch an exclusive one: a read sees the
switch whole or not at all, and the switch waits for the reads in flight (as ArcadeDB's
commit lock does). Our own statements take the lock in their first clauses (one auto-commit
statement, one round trip); a client's Cypher gets it as a statement of its own first.
Without APOC on the server, reads go ungated and a warning says so.
Community has no roles: the reader account is the writer
unless SAHELKG_NEO4J_READER_USER names one (Enterprise, Aura: a user with `reader`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import neo4j

from graph import queries
from graph.errors import ReadOnlyViolation
from graph.store.base import Capabilities, Store
from graph.store.errors import translate_errors

log = logging.getLogger(__name__)

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
    gates_reads = True

    def __init__(
        self, writer: neo4j.Driver, reader: neo4j.Driver, database: str, separate_reader: bool
    ) -> None:
        super().__init__(writer, reader, database)
        if separate_reader:
            self.capabilities = replace(self.capabilities, reader_account=True)
        self._read_locks: bool | None = None  # APOC's read lock, asked once

    def _gated(self, tx: neo4j.Session | neo4j.Transaction | neo4j.ManagedTransaction) -> bool:
        """Whether the server has APOC's read lock, asked once, in the read's own
        session or transaction (under its deadline)."""
        if self._read_locks is None:
            found = bool(list(tx.run(queries.HAS_READ_LOCKS)))
            if not found:
                log.warning(
                    "no apoc.lock.read.nodes on the server: a read that meets a load's "
                    "switch may see part of it (install APOC core)"
                )
            self._read_locks = found
        return self._read_locks

    def gated(
        self, tx: neo4j.Session | neo4j.Transaction | neo4j.ManagedTransaction, query: str
    ) -> str:
        return queries.READ_GATE_FIRST + query if self._gated(tx) else query

    def ensure_schema(self) -> None:
        super().ensure_schema()
        with translate_errors(), self.driver.session(database=self.database) as session:
            session.run(queries.READ_GATE_CREATE).consume()

    def gate_read(self, tx: neo4j.Transaction | neo4j.ManagedTransaction) -> None:
        if self._gated(tx):
            tx.run(queries.READ_GATE_SHARED).consume()

    def gate_switch(self, tx: neo4j.ManagedTransaction) -> None:
        tx.run(queries.READ_GATE_CLOSE).consume()

    def _execute_read(
        self, query: str, params: dict[str, Any] | None, timeout: float | None
    ) -> neo4j.EagerResult:
        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> neo4j.EagerResult:
            return tx.run(self.gated(tx, query), params or {}).to_eager_result()

        with translate_errors(), self.read_session() as session:
            return session.execute_read(work)

    def refuse_writes(self, session: neo4j.Session, query: str, params: dict[str, Any]) -> None:
        summary = session.run(f"EXPLAIN {query}", params).consume()
        kind = summary.query_type or "?"
        if kind != _READ_ONLY:
            raise ReadOnlyViolation(
                f"read-only: the server plans this query as {_KINDS.get(kind, kind)}"
            )


_KINDS = {"rw": "a read-write query", "w": "a write", "s": "a schema change"}
