"""The reader: one store bound to the ontology's registry, a deadline and a row cap, and the
one way every read runs (the API's routes, `sahelkg query` and `sahelkg match`, the
reconciliation service, the map and search). The reads themselves are functions taking a
Reader, one module per resource (graph/read/README.md); they return the read model
(graph.read.models), never dicts.

Every statement comes from graph.queries; labels and relationship types come from the
ontology registry, never from request text. Each read runs in its own READ session, without
the driver's retry loop (an unreachable store answers at once), under a client-side
deadline: ArcadeDB ignores the Bolt transaction timeout, so a read that outlives it has its
connection cut and raises QueryTimeout. A client's Cypher is cut at `max_rows`; one of the
service's statements returning more than `max_statement_rows` is an error, never a silently
short answer (`scan` is for the whole-graph reads: the name matcher's index, load ids).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from rdflib import URIRef

from graph import queries
from graph.deadline import WATCHDOG
from graph.errors import InputError, NotFound, QueryError, QueryTimeout
from graph.read.models import Ref, SourceRef
from graph.read.present import ref, resolve, source_ref
from graph.registry import Registry, local_name
from graph.settings import Settings
from graph.store import CommitLockTimeout, Store, translate_errors
from graph.vocab import SAHEL, SAHEL_NS

T = TypeVar("T")

# Actor -> place relations shown next to the actor relations.
PLACE_RELATIONS = ("DEPLOYED_IN", "OPERATES_IN")


def _server_timeout(message: str) -> bool:
    """The server stopped the statement at its timeout (both servers answer with
    Neo.ClientError.Transaction.TransactionTimedOut; graph.store says "query timed out")."""
    return message.startswith("query timed out")


def ref_props(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The properties ref() reads, from a row of graph.queries' API statements."""
    return {"name": row[prefix + "name"], "rdfTypes": row[prefix + "types"]}


@dataclass
class Links:
    """Outgoing links of some resources, by subject and relationship type."""

    refs: dict[str, dict[str, list[Ref]]] = field(default_factory=dict)
    sources: dict[str, list[SourceRef]] = field(default_factory=dict)

    def of(self, subject: str, rel_type: str) -> list[Ref]:
        return self.refs.get(subject, {}).get(rel_type, [])


# ------------------------------------------------------------------ the reader


@dataclass
class Reader:
    """Reads for one request: a store, the ontology's registry, a deadline and a row cap."""

    store: Store
    registry: Registry
    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_response_bytes: int = 16 * 1024 * 1024
    # The service's own statements: a bound on memory, far above what a request needs (the
    # statements page or cap themselves); `max_rows` is the cap of a client's Cypher.
    max_statement_rows: int = 200_000
    # Whole-graph reads (exports, the SPARQL view's copy): a deadline of their own, far
    # above the request's, so that a stuck server cannot hold an export forever.
    snapshot_timeout_s: float = 1800.0
    # The graph's committed load ids when the caller knows them (the API's HTTP cache reads
    # them once per commit): the name matcher's index is then kept without a store read.
    load_ids: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        store: Store,
        registry: Registry,
        settings: Settings,
        load_ids: tuple[str, ...] | None = None,
    ) -> Reader:
        """The reader with the settings' deadline and caps: the same for the API and the CLI."""
        return cls(
            store,
            registry,
            timeout_s=settings.query_timeout_s,
            max_rows=settings.max_rows,
            max_response_bytes=settings.max_response_bytes,
            load_ids=load_ids,
        )

    # -- running statements

    def run(
        self,
        query: str,
        params: dict[str, Any] | None = None,
        limit: int | None = None,
        timeout_s: float | None = None,
        untrusted: bool = False,
    ) -> tuple[list[str], list[list[Any]], bool]:
        """Columns, rows (at most `limit`) and whether rows were cut, under a deadline.

        The read runs in the calling thread, in a READ session of the store's reader
        account, with the timeout sent to the server (which stops the work there: Neo4j
        by the transaction timeout, ArcadeDB by the reader group's read timeout). The
        process's one watchdog thread also cuts the Bolt connection if the read still runs
        `timeout` + 1 s after it started, and this raises QueryTimeout. Waiting for a commit
        and for a pooled connection are bounded by the same deadline. `untrusted`: a
        client's statement, which the server is asked to classify first where it can."""
        timeout = timeout_s or self.timeout_s
        with self._session(timeout) as session:
            if untrusted:
                self.store.refuse_writes(session, query, params or {})
            with self.store.statement(session, query, params or {}, timeout, untrusted) as result:
                keys = list(result.keys())
                rows: list[list[Any]] = []
                truncated = False
                for record in result:
                    if limit is not None and len(rows) >= limit:
                        truncated = True
                        result.consume()  # discard the rest while still watched
                        break
                    rows.append(list(record.values()))
        return keys, rows, truncated

    @contextmanager
    def snapshot(self) -> Iterator[neo4j.Transaction]:
        """One read transaction of the reader account (a consistent view across the pages
        of a whole-graph read), under `snapshot_timeout_s` as `run` is under its timeout."""
        timeout = self.snapshot_timeout_s
        with self._session(timeout) as session, session.begin_transaction(timeout=timeout) as tx:
            self.store.gate_read(tx)
            yield tx

    def unit(self, work: Callable[[neo4j.Transaction], T]) -> T:
        """A few statements in one read transaction of the reader account, under the
        request's deadline (Store.read_unit: run again if the server asks)."""
        with self._session(self.timeout_s) as session:
            return self.store.read_unit(session, work, self.timeout_s)

    @contextmanager
    def _session(self, timeout: float) -> Iterator[neo4j.Session]:
        """A READ session of the reader account, watched until `timeout` + 1 s: waiting for
        a commit and for a pooled connection are bounded by that deadline, the watchdog
        cuts the connection at it, and every way of running out of time (the cut, the
        commit lock, the server's own timeout) comes out as QueryTimeout."""
        deadline = time.monotonic() + timeout + 1.0
        watch = WATCHDOG.watch(deadline)
        try:
            with (
                translate_errors(),
                self.store.reading(deadline),  # never overlap a commit (embedded server)
                self.store.read_session(
                    connection_acquisition_timeout=max(deadline - time.monotonic(), 0.001),
                ) as session,
            ):
                watch.session = session
                try:
                    yield session
                finally:  # before the session hands its connection back to the pool
                    WATCHDOG.finish(watch)
        except Exception as exc:
            WATCHDOG.finish(watch)
            stopped = watch.expired or isinstance(exc, CommitLockTimeout)
            if stopped or (isinstance(exc, QueryError) and _server_timeout(str(exc))):
                # Waiting on the commit lock: the query never ran (a commit held the
                # embedded store: a one-transaction replace's took 46 s, BENCHMARKS.md 2j).
                why = (
                    ": a load's commit held the store all that time; try again once it ends"
                    if isinstance(exc, CommitLockTimeout)
                    else ""
                )
                raise QueryTimeout(
                    f"the query did not finish within {timeout:g}s and was stopped{why}"
                ) from exc
            raise

    def rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of one of the service's statements, as dicts, under the deadline and the
        statement row cap (a statement with its own larger `limit` may return that many)."""
        own = params.get("limit")
        cap = max(self.max_statement_rows, own) if isinstance(own, int) else self.max_statement_rows
        found: list[dict[str, Any]]
        if queries.is_table(query):  # all the rows in one record (graph/queries_table.py)
            if own is None and "$limit" in query:
                params["limit"] = cap + 1  # one more than the cap: a cut shows
            _, records, _ = self.run(query, params)
            found = records[0][0] if records else []
            cut = len(found) > cap
        else:
            keys, rows, cut = self.run(query, params, limit=cap)
            found = [dict(zip(keys, row, strict=True)) for row in rows]
        if cut:
            raise QueryError(f"the answer has more than {cap:,} rows: narrow the request")
        return found

    def scan(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Rows of a whole-graph statement (the matcher's index), under the deadline only."""
        keys, rows, _ = self.run(query, params)
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- ontology names

    def actor_relation_types(self) -> dict[str, URIRef]:
        types = self.registry.relationship_types(SAHEL.actorRelation)
        for name in PLACE_RELATIONS:
            types[name] = self.registry.rel_to_predicate[name]
        types.pop(self.registry.rel_types[SAHEL.actorRelation], None)
        return types

    def check_label(self, name: str | None, parent: URIRef) -> str | None:
        """A class name (any case) under `parent` to its label, or 422 naming the choices."""
        if name is None or not name.strip():
            return None
        parent_label = self.registry.labels[parent]
        choices = sorted(
            label
            for cls, label in self.registry.labels.items()
            if str(cls).startswith(SAHEL_NS) and parent_label in self.registry.ancestors[cls]
        )
        wanted = name.strip()
        if wanted.startswith(SAHEL_NS):
            wanted = wanted[len(SAHEL_NS) :]
        wanted = wanted.removeprefix("sahel:")
        for label in choices:
            if label.lower() == wanted.lower():
                return label
        raise InputError(f"unknown type {name!r}; choose one of {', '.join(choices)}")

    def check_rel_type(self, name: str | None) -> list[str]:
        allowed = self.actor_relation_types()
        if name is None or not name.strip():
            return sorted(allowed)
        wanted = name.strip()
        for rel_type, predicate in allowed.items():
            if wanted.upper() in (rel_type, rel_type.replace("_", "")) or wanted in (
                local_name(str(predicate)),
                f"sahel:{local_name(str(predicate))}",
                str(predicate),
            ):
                return [rel_type]
        raise InputError(
            f"unknown relation type {name!r}; choose one of {', '.join(sorted(allowed))} "
            "(or the property name, e.g. partnerOf)"
        )

    # -- resources

    def resource(self, iri: str) -> tuple[list[str], dict[str, Any]] | None:
        found = self.rows(queries.API_RESOURCES, iris=[iri])
        if not found:
            return None
        return list(found[0]["labels"]), dict(found[0]["props"])

    def actor_iri(self, id_: str) -> tuple[str, dict[str, Any]]:
        iri = resolve(id_)
        found = self.resource(iri)
        if found is None or "Actor" not in found[0]:
            raise NotFound(f"no actor has the id {id_!r}")
        return iri, found[1]

    def place_iri(self, id_: str) -> str:
        iri = resolve(id_)
        found = self.resource(iri)
        if found is None or "Place" not in found[0]:
            raise NotFound(f"no place has the id {id_!r}")
        return iri

    def links(self, iris: list[str], types: list[str] | None) -> Links:
        """The resources `iris` link to (by type; all types when None), sorted by IRI."""
        out = Links()
        if not iris:
            return out
        for r in self.rows(queries.API_LINKS_OUT, iris=iris, types=types):
            if r["type"] == "SOURCE":
                out.sources.setdefault(r["subject"], []).append(
                    source_ref(r["iri"], dict(r["props"]))
                )
            else:
                item = ref(r["iri"], dict(r["props"]))
                out.refs.setdefault(r["subject"], {}).setdefault(r["type"], []).append(item)
        for per_type in out.refs.values():
            for items in per_type.values():
                items.sort(key=lambda x: x.iri)
        for sources in out.sources.values():
            sources.sort(key=lambda x: x.iri)
        return out


__all__ = ["Links", "QueryError", "QueryTimeout", "Reader"]
