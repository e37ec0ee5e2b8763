"""The Bolt store: one driver (built by the caller, once), one database, reads routed as
reads, writes in managed transactions (ArcadeDB needs them; Neo4j prefers them), driver
errors turned into the project's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as nx

from graph import queries
from graph.errors import QueryError, StoreError, StoreUnavailable
from graph.settings import Settings

T = TypeVar("T")

_UNAVAILABLE = (
    nx.ServiceUnavailable,
    nx.SessionExpired,
    ConnectionError,
    OSError,
)


def open_driver(settings: Settings) -> neo4j.Driver:
    """The one driver of a process: call from the CLI command or the app's lifespan."""
    return neo4j.GraphDatabase.driver(
        settings.bolt_uri,
        auth=settings.auth,
        connection_timeout=settings.connection_timeout_s,
        max_transaction_retry_time=15.0,
    )


class Store:
    def __init__(self, driver: neo4j.Driver, database: str, backend: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        self.backend = backend  # "arcadedb-embedded" or "neo4j"

    @classmethod
    def from_settings(cls, driver: neo4j.Driver, settings: Settings) -> Store:
        return cls(driver, settings.database, "arcadedb-embedded" if settings.embedded else "neo4j")

    # ------------------------------------------------------------ reads

    def read(
        self, query: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Rows as dicts."""
        return [r.data() for r in self._execute_read(query, params, timeout).records]

    def read_records(
        self, query: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> tuple[list[str], list[list[Any]]]:
        """Columns and raw rows (values as the driver gives them)."""
        result = self._execute_read(query, params, timeout)
        return list(result.keys), [list(r.values()) for r in result.records]

    def _execute_read(
        self, query: str, params: dict[str, Any] | None, timeout: float | None
    ) -> neo4j.EagerResult:
        """A read routed to readers (a cluster or Aura works behind neo4j://)."""
        with translate_errors():
            return self.driver.execute_query(
                neo4j.Query(query, timeout=timeout),
                params or {},
                database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )

    @contextmanager
    def read_transaction(self) -> Iterator[neo4j.Transaction]:
        """One read transaction for a consistent view across many statements (exports)."""
        with (
            translate_errors(),
            self.driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session,
            session.begin_transaction() as tx,
        ):
            yield tx

    def ping(self) -> None:
        self.read(queries.PING)

    def counts(self) -> tuple[int, int]:
        nodes = self.read(queries.COUNT_NODES)[0]["count"]
        rels = self.read(queries.COUNT_RELATIONSHIPS)[0]["count"]
        return int(nodes), int(rels)

    # ------------------------------------------------------------ writes

    def write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run `work` in ONE managed write transaction: all of it commits or none."""
        with translate_errors(), self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def ensure_schema(self) -> None:
        with translate_errors(), self.driver.session(database=self.database) as session:
            for statement in queries.SCHEMA:
                session.run(statement).consume()


@contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except nx.AuthError as exc:
        raise StoreUnavailable(f"the Bolt server refused the credentials: {exc.message}") from exc
    except _UNAVAILABLE as exc:
        raise StoreUnavailable(f"the Bolt server cannot be reached: {exc}") from exc
    except nx.ClientError as exc:
        code = exc.code or ""
        if "Transaction" in code and "Timed" in code:
            raise QueryError(f"query timed out: {exc.message}") from exc
        raise QueryError(exc.message or str(exc)) from exc
    except nx.Neo4jError as exc:
        raise StoreError(f"{exc.code}: {exc.message}") from exc
    except nx.DriverError as exc:
        raise StoreUnavailable(f"Bolt driver error: {exc}") from exc
