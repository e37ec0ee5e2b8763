"""The store: one contract (graph.store.base.Store), two servers (ArcadeDB embedded,
Neo4j 5), chosen by the settings in `open_store`."""

from __future__ import annotations

import neo4j

from graph import version
from graph.settings import Settings
from graph.store.arcadedb import ArcadeDBStore, CommitLock, CommitLockTimeout
from graph.store.base import Capabilities, Store
from graph.store.errors import RETRY_S, translate_errors
from graph.store.neo4j_server import Neo4jStore


def open_driver(settings: Settings, auth: tuple[str, str]) -> neo4j.Driver:
    return neo4j.GraphDatabase.driver(
        settings.bolt_uri,
        auth=auth,
        connection_timeout=settings.connection_timeout_s,
        max_transaction_retry_time=RETRY_S,  # as run_write's
    )


def open_store(settings: Settings) -> Store:
    """The store of a process, with its two drivers: call once from the CLI command or the
    app's lifespan, and close() it at the end. Starts nothing (see graph.embedded)."""
    store = _open(settings)
    store.version_marker = version.marker_path(settings.data_dir)
    return store


def _open(settings: Settings) -> Store:
    if settings.embedded:
        from graph import embedded

        creds = embedded.credentials(settings)
        server = embedded.running(settings)  # its own limit, if another process started it
        limit = server.statement_limit_s if server and server.statement_limit_s else None
        return ArcadeDBStore(
            open_driver(settings, creds.writer),
            open_driver(settings, creds.reader),
            settings.database,
            settings.embedded_dir / "commit.lock",
            commit_wait_s=settings.commit_wait_s,
            statement_limit_s=limit or settings.query_timeout_s,
            server_log=settings.embedded_dir / "server.log",
            heap=(server.heap if server else None) or settings.embedded_heap,
        )
    writer = open_driver(settings, settings.neo4j_auth)
    separate = settings.neo4j_reader_user is not None
    reader = open_driver(settings, settings.neo4j_reader_auth) if separate else writer
    return Neo4jStore(writer, reader, settings.database, separate)


__all__ = [
    "ArcadeDBStore",
    "Capabilities",
    "CommitLock",
    "CommitLockTimeout",
    "Neo4jStore",
    "Store",
    "open_store",
    "translate_errors",
]
