"""Driver errors as the project's own (graph/errors.py), each with a one-line message: one
place for the store's translation, used by every read and write of graph.store."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as nx

from graph.errors import QueryError, StoreError, StoreUnavailable, TransactionTooLarge

T = TypeVar("T")
log = logging.getLogger(__name__)
RETRY_S = 15.0  # how long a write is tried again after its first failure (the driver's too)

_UNAVAILABLE = (
    nx.ServiceUnavailable,
    nx.SessionExpired,
    ConnectionError,
    OSError,
)


@contextmanager
def translate_errors() -> Iterator[None]:
    """Driver errors -> the project's own, each with a one-line message (the driver's can
    span lines: they reach logs, the CLI and HTTP bodies as they are)."""
    try:
        yield
    except OverflowError as exc:  # the driver cannot pack a parameter (an integer over 64 bits)
        raise QueryError(f"a parameter cannot be sent to the store: {one_line(str(exc))}") from exc
    except nx.AuthError as exc:
        raise StoreUnavailable(
            f"the Bolt server refused the credentials: {one_line(exc.message)}"
        ) from exc
    except _UNAVAILABLE as exc:
        raise StoreUnavailable(f"the Bolt server cannot be reached: {one_line(exc)}") from exc
    except nx.ClientError as exc:
        if timed_out(exc):
            raise QueryError(f"query timed out: {one_line(exc.message)}") from exc
        raise QueryError(one_line(exc.message or exc)) from exc
    except nx.Neo4jError as exc:
        raise StoreError(f"{exc.code}: {one_line(exc.message)}") from exc
    except nx.DriverError as exc:
        raise StoreUnavailable(f"Bolt driver error: {one_line(exc)}") from exc


def run_write(session: neo4j.Session, work: Callable[[Any], T]) -> T:
    """`work` in a write transaction of `session`, committed; tried again, as the driver's
    execute_write would, while the server says trying again may help (for RETRY_S after
    the first failure), except past the memory limit of one transaction, which the same
    work meets again: TransactionTooLarge at once, whether in a statement or at the commit
    (execute_write retried a commit's for RETRY_S, then gave up the same way)."""
    first, delay = 0.0, 1.0
    while True:
        try:
            with session.begin_transaction() as tx:
                result = work(tx)
                tx.commit()
                return result
        except (nx.DriverError, nx.Neo4jError) as exc:
            if isinstance(exc, nx.Neo4jError) and over_transaction_memory(exc):
                raise TransactionTooLarge(too_large(exc)) from exc
            if not exc.is_retryable():
                raise
            first = first or time.monotonic()
            if time.monotonic() - first > RETRY_S:
                raise
            wait = delay * random.uniform(0.8, 1.2)
            log.warning("a write transaction failed and is tried again in %.1fs: %s", wait, exc)
        time.sleep(wait)
        delay *= 2


def timed_out(exc: nx.Neo4jError) -> bool:
    """The server stopped the transaction at its time limit."""
    code = exc.code or ""
    return "Transaction" in code and "Timed" in code


def over_transaction_memory(exc: nx.Neo4jError) -> bool:
    """Neo4j refused the transaction more memory than db.memory.transaction.max allows
    ONE transaction (not the limit of all of them together, which others may free)."""
    return "MemoryPoolOutOfMemoryError" in (exc.code or "") and "db.memory.transaction.max" in (
        exc.message or ""
    )


def too_large(exc: nx.Neo4jError) -> str:
    return (
        "the write transaction needs more memory than the server allows one transaction "
        f"and was rolled back, nothing of it stored ({one_line(exc.message)})"
    )


def one_line(text: object, limit: int = 500) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
