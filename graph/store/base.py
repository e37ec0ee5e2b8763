"""The store contract: one class that every caller uses, whatever the server.

A Store holds two drivers built once by `open_store` (the CLI command, the API's lifespan):
a writer for loads and schema, and a reader, logged in as an account that cannot write
where the server has one, whose sessions are always in READ access mode. Reads run under a
deadline the server enforces too; writes run in ONE managed transaction. Driver errors come
out as the project's own.

What differs between the servers is declared in `Capabilities` and implemented in
graph/store/arcadedb.py and graph/store/neo4j.py; callers never test the backend's name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, TypeVar

import neo4j
from neo4j import exceptions as nx

from graph import queries, version
from graph.errors import StoreError
from graph.store.errors import one_line, run_write, timed_out, translate_errors

T = TypeVar("T")


class Hidden(TypedDict):
    """What a read transaction's statements hide, as their parameters (Store.hidden)."""

    hidden: list[str]  # the stages of loads in progress or killed
    only: str | None  # a switched replace's id: its nodes alone are shown


# A read transaction the server asks to run again is run at most this many times in all.
_READ_ATTEMPTS = 3


@dataclass(frozen=True)
class Capabilities:
    """What a server does by itself; the service makes up for what it does not."""

    backend: str  # "arcadedb-embedded" or "neo4j"
    # The server refuses a write in a READ access-mode transaction.
    enforces_read_mode: bool
    # Reads log in as an account the server forbids to write (a separate reader user).
    reader_account: bool
    # EXPLAIN's summary tells a read ("r") from a write: used to refuse writes up front.
    classifies_queries: bool
    # DateTime values keep their zone (ArcadeDB 26.10 returns them in UTC).
    keeps_datetime_zones: bool
    # A scan never sees part of a commit (else reads wait for commits: the commit lock, so
    # a read transaction sees no commit made after it began). Neo4j is read-committed: one
    # scan can straddle a commit, hence its read gate, and a transaction's statements may
    # see several states.
    atomic_commits: bool


class Store:
    """The contract. Subclasses set `capabilities` and may refine the hooks below."""

    capabilities: Capabilities
    # The graph-version marker (graph/version.py) rewritten after each commit, so the API's
    # caches on this machine drop what they hold; open_store sets it from the data dir.
    version_marker: Path | None = None
    # Seconds after which the server stops ANY statement, whatever its transaction's timeout
    # asks (ArcadeDB's command timeout); None: a transaction's own timeout holds (Neo4j).
    statement_limit_s: float | None = None
    # Nodes in a whole-graph scan's first chunk, and the bounds of the later ones (`scan`).
    scan_chunks: tuple[int, int, int] = (20_000, 1_000, 500_000)

    def __init__(self, writer: neo4j.Driver, reader: neo4j.Driver, database: str) -> None:
        self.driver = writer
        self.reader = reader
        self.database = database

    @property
    def backend(self) -> str:
        return self.capabilities.backend

    def close(self) -> None:
        for driver in {id(d): d for d in (self.driver, self.reader)}.values():
            driver.close()

    # ------------------------------------------------------------ hooks

    def reading(self, deadline: float | None = None) -> AbstractContextManager[Any]:
        """Held while a read runs (see ArcadeDBStore: reads wait for a commit to end). With
        `deadline` (time.monotonic()), raises CommitLockTimeout if still waiting then."""
        return nullcontext()

    def committing(self, deadline: float | None = None) -> AbstractContextManager[Any]:
        """Held while a write transaction commits."""
        return nullcontext()

    def gate_read(self, tx: neo4j.Transaction | neo4j.ManagedTransaction) -> None:
        """The first statement of a read transaction, where the server needs one for a
        read never to see part of a load's switch (Neo4j: graph/store/neo4j_server.py)."""

    def gate_switch(self, tx: neo4j.ManagedTransaction) -> None:
        """The last statement of a write that changes what readers see at once (a load's
        switch, a replacing load), held to its commit: with `gate_read`, reads see all of
        it or none."""

    # Whether reads take the read gate (gate_read, gated): Neo4j.
    gates_reads = False

    def gated(
        self, tx: neo4j.Session | neo4j.Transaction | neo4j.ManagedTransaction, query: str
    ) -> str:
        """One of our own read statements with the gate written into its first clauses,
        where the server needs one."""
        return query

    @contextmanager
    def statement(
        self,
        session: neo4j.Session,
        query: str,
        params: dict[str, Any],
        timeout: float,
        untrusted: bool = False,
    ) -> Iterator[neo4j.Result]:
        """One read statement in `session` (auto-commit, the server's timeout), gated
        where the server needs it; the result is read inside the block. `untrusted`: a
        client's text, which may not follow a WITH (a UNION, a CALL alone, USE), so the
        gate is a statement of its own before it, in one transaction."""
        if untrusted and self.gates_reads:
            with session.begin_transaction(timeout=timeout) as tx:
                self.gate_read(tx)
                yield tx.run(query, params)
            return
        text = query if untrusted else self.gated(session, query)
        yield session.run(neo4j.Query(text, timeout=timeout), params)

    def refuse_writes(self, session: neo4j.Session, query: str, params: dict[str, Any]) -> None:
        """Ask the server whether `query` writes, where it can tell (Neo4j: EXPLAIN); raise
        ReadOnlyViolation if so. The lexical checker (graph.readonly) runs before this."""

    # ------------------------------------------------------------ reads

    def read_session(self, **config: Any) -> neo4j.Session:
        """A session of the reader account, in READ access mode."""
        return self.reader.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS, **config
        )

    def read(
        self, query: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Rows as dicts, for the service's own statements (graph.queries)."""
        return [r.data() for r in self._execute_read(query, params, timeout).records]

    def _execute_read(
        self, query: str, params: dict[str, Any] | None, timeout: float | None
    ) -> neo4j.EagerResult:
        """A read routed to readers (a cluster or Aura works behind neo4j://)."""
        with translate_errors(), self.reading():
            return self.reader.execute_query(
                neo4j.Query(query, timeout=timeout),
                params or {},
                database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )

    @contextmanager
    def read_transaction(
        self, deadline: float | None = None, timeout: float | None = None
    ) -> Iterator[neo4j.Transaction]:
        """One read transaction for a consistent view across many statements (exports)."""
        with (
            translate_errors(),
            self.reading(deadline),
            self.read_session() as session,
            session.begin_transaction(timeout=timeout) as tx,
        ):
            self.gate_read(tx)
            yield tx

    def hidden(self, tx: neo4j.Transaction) -> Hidden:
        """What readers do not see (graph/queries_stage.py): the stages of loads in progress
        (`hidden`) and, while a replace deletes what it replaced, its id (`only`), for the
        statements of `tx` that take them as `$hidden` and `$only`."""
        rows = list(tx.run(queries.HIDDEN_IDS))  # one, as the statement aggregates
        if not rows:
            return {"hidden": [], "only": None}
        only = rows[0]["only"]
        return {"hidden": [str(s) for s in rows[0]["hidden"]], "only": only and str(only)}

    def scan(self, tx: neo4j.Transaction, statement: queries.Scan) -> Iterator[neo4j.Record]:
        """Every row of a statement that reads the whole graph, in `tx` (read_transaction
        or a Reader's snapshot): ONE statement, or, where the server stops any statement at
        `statement_limit_s`, chunks of nodes, each sized to take about a quarter of it. The
        time counted is the caller's too: the server streams as fast as the rows are taken,
        and its limit runs until the last one is (graph/queries_scan.py)."""
        hidden = self.hidden(tx)
        if self.statement_limit_s is None:
            yield from tx.run(statement.whole, **hidden)
            return
        size, least, most = self.scan_chunks
        aim, skip = self.statement_limit_s / 4, 0
        while True:
            started, count = time.monotonic(), 0
            for row in tx.run(statement.chunk, skip=skip, limit=size, **hidden):
                count += 1
                yield row
            if count < size:
                return
            skip += count
            took = max(time.monotonic() - started, 1e-3)
            size = min(most, max(least, int(size * aim / took)))

    def ping(self) -> None:
        self.read(queries.PING)

    def read_unit(
        self,
        session: neo4j.Session,
        work: Callable[[neo4j.Transaction], T],
        timeout: float | None = None,
    ) -> T:
        """`work`, a few reads, in one read transaction of `session` behind the read gate,
        begun again when the server asks (Neo4j: one that met a load's commit, a transient
        Transaction.Outdated). Nothing is handed out before it is whole. Not the driver's
        execute_read: it would also retry an unreachable server for 15 s."""
        for attempt in range(_READ_ATTEMPTS):
            try:
                with session.begin_transaction(timeout=timeout) as tx:
                    self.gate_read(tx)
                    return work(tx)
            except nx.Neo4jError as exc:
                if not exc.is_retryable() or attempt == _READ_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def read_together(self, work: Callable[[neo4j.Transaction], T], timeout: float | None) -> T:
        """`work` in a read transaction of its own (`read_unit`), for the CLI."""
        with translate_errors(), self.reading(), self.read_session() as session:
            return self.read_unit(session, work, timeout)

    def counts(self, timeout: float | None = None) -> tuple[int, int]:
        """The nodes and relationships readers see, in a read transaction of its own."""
        return self.read_together(self.counts_in, timeout)

    def label_counts_in(
        self, tx: neo4j.Transaction, hidden: Hidden | None = None
    ) -> dict[str, int]:
        """How many nodes readers see under each label, in `tx` (`hidden`: Store.hidden,
        when the caller has read it in `tx` already)."""
        hidden = self.hidden(tx) if hidden is None else hidden
        rows = tx.run(queries.COUNT_LABELS, **hidden)
        return {str(r["label"]): int(r["count"]) for r in rows}

    def counts_in(self, tx: neo4j.Transaction, hidden: Hidden | None = None) -> tuple[int, int]:
        """The nodes and relationships readers see, in `tx` (queries.COUNT_NODES says
        how): `sahelkg status` and `GET /health`, through `read_unit`. `hidden` as for
        label_counts_in."""
        hidden = self.hidden(tx) if hidden is None else hidden
        nodes = tx.run(queries.COUNT_NODES, **hidden).single(strict=True)["count"]
        staged, only = hidden["hidden"], hidden["only"]
        if (staged or only) and self.capabilities.atomic_commits:  # batches commit meanwhile
            statement = queries.COUNT_SHOWN_RELATIONSHIPS
            rels = tx.run(statement, **hidden).single(strict=True)["count"]
            return int(nodes), int(rels)
        if only:
            rels = tx.run(queries.COUNT_ONLY_RELATIONSHIPS, only=only).single(strict=True)["count"]
        else:
            rels = tx.run(queries.COUNT_ALL_RELATIONSHIPS).single(strict=True)["count"]
        if staged:
            statement = queries.COUNT_HIDDEN_RELATIONSHIPS
            rels -= tx.run(statement, hidden=staged).single(strict=True)["count"]
        return int(nodes), int(rels)

    def load_ids(self, timeout: float | None = None) -> list[str]:
        """Ids of the committed loads the graph holds: its version (api/cache.py). One
        attempt in a session, as the API's reads (execute_query would retry for 15 s)."""
        with translate_errors(), self.reading(), self.read_session() as session:
            result = session.run(neo4j.Query(queries.API_LOAD_IDS, timeout=timeout))
            return [str(r["id"]) for r in result]

    def load_stamps(self) -> dict[str, str]:
        """Each committed load's id with the stamp its last commit left (`commit`; the start
        time for loads recorded before stamps were kept): the SPARQL view's kept copy knows
        the graph by them (graph/sparql_keep.py)."""
        with translate_errors(), self.reading(), self.read_session() as session:
            result = session.run(queries.LOAD_STAMPS)
            return {
                str(r["id"]): str(r["props"].get("commit") or r["props"].get("startedAt"))
                for r in result
            }

    def server_version(self) -> str:
        """The server's product and version as it announces itself."""
        with translate_errors():
            info = self.reader.get_server_info()
        return str(info.agent)

    # ------------------------------------------------------------ writes

    def write(
        self,
        work: Callable[[neo4j.ManagedTransaction], T],
        seen: bool = True,
    ) -> T:
        """Run `work` in ONE managed write transaction: all of it commits or none. Readers
        are held off (where the server needs it) only while the driver commits. `seen`
        False: readers see nothing of it (a staged batch, publishing: graph/load_stage.py),
        so the graph-version marker stays as it is and the API keeps its cached answers.
        A transaction that needs more memory than the server allows one is not tried again
        (TransactionTooLarge)."""
        held: list[AbstractContextManager[Any]] = []

        def release() -> None:
            while held:
                held.pop().__exit__(None, None, None)

        def guarded(tx: neo4j.ManagedTransaction) -> T:
            release()  # a retry: readers may run while the work runs again
            result = work(tx)
            commit = self.committing()
            commit.__enter__()  # run_write commits right after this returns
            held.append(commit)
            return result

        try:
            with translate_errors(), self.driver.session(database=self.database) as session:
                try:
                    return run_write(session, guarded)
                except nx.ClientError as exc:
                    if not timed_out(exc):
                        raise
                    raise StoreError(
                        "the write transaction ran past its time limit and was rolled back, "
                        f"nothing of it stored ({one_line(exc.message)})"
                    ) from exc
        finally:
            release()
            # Also after a failure: a commit whose answer was lost may have happened.
            if seen:
                self.committed()

    def committed(self) -> None:
        """Say that a write committed (the marker): call it after any commit made other
        than through `write`."""
        if self.version_marker is not None:
            version.mark(self.version_marker)

    # The statements of ensure_schema: the server's own load-id index among them.
    schema: tuple[str, ...] = queries.SCHEMA + queries.LOAD_ID_INDEX

    def ensure_schema(self) -> None:
        """Constraints and indexes, and the `loadId` index of every relationship type a
        recorded load wrote (`deleting` may have dropped some before a kill)."""
        with translate_errors(), self.driver.session(database=self.database) as session:
            for statement in self.schema:
                session.run(statement).consume()
            row = session.run(queries.RECORDED_REL_TYPES).single()
        self.index_relationships(row["types"] if row else [])

    def index_relationships(self, rel_types: Iterable[str]) -> None:
        """An index on `loadId` for each of these relationship types (the ontology's)."""
        with translate_errors(), self.driver.session(database=self.database) as session:
            for rel_type in rel_types:
                session.run(queries.relationship_load_index(rel_type)).consume()

    @contextmanager
    def deleting(self, load_ids: Sequence[str]) -> Iterator[None]:
        """Held while the nodes of whole loads (`load_ids`) are deleted in batches
        (graph/load_stage.py). Here nothing: Neo4j deletes through its indexes at the cost
        of writing (ArcadeDBStore drops some for the time)."""
        yield
