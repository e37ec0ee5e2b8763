"""Driver failures become the project's errors (found by schemathesis: a 2**111 parameter
made the driver raise OverflowError, which reached HTTP as a 500)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from neo4j import exceptions as nx

from graph.errors import QueryError, StoreError, StoreUnavailable, TransactionTooLarge
from graph.store import ArcadeDBStore, Store, errors, translate_errors


def test_an_unpackable_parameter_is_a_bad_query() -> None:
    with (
        pytest.raises(QueryError, match=r"parameter cannot be sent.*out of range"),
        translate_errors(),
    ):
        raise OverflowError("Integer 2543207134279026937522262233841664 out of range")


def test_an_unreachable_server_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="cannot be reached"), translate_errors():
        raise nx.ServiceUnavailable("connection refused")


def test_a_write_error_names_the_servers_heap_when_its_log_has_a_new_out_of_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ArcadeDB answers a statement that died of OutOfMemoryError with an UnknownError naming
    the statement; the cause is in its log. Only lines written since the store opened, or
    since the last error it explained, count."""
    log = tmp_path / "server.log"
    log.write_text("java.lang.OutOfMemoryError: Java heap space (a run before this one)\n")
    driver: Any = SimpleNamespace()
    store = ArcadeDBStore(
        driver, driver, "sahel", tmp_path / "commit.lock", server_log=log, heap="2g"
    )

    def failing(self: Store, work: Any, *args: Any) -> Any:
        raise StoreError("Neo.DatabaseError.General.UnknownError: Error executing Cypher")

    monkeypatch.setattr(Store, "write", failing)
    with pytest.raises(StoreError) as old:
        store.write(lambda tx: None)
    assert "memory" not in str(old.value)
    with log.open("a") as f:
        f.write('Exception in thread "BOLT-1" java.lang.OutOfMemoryError: Java heap space\n')
    with pytest.raises(StoreError, match=rf"ran out of memory .*{log}.*heap is 2g.*HEAP"):
        store.write(lambda tx: None)
    with pytest.raises(StoreError) as again:  # explained once
        store.write(lambda tx: None)
    assert "memory" not in str(again.value)


class _Tx:
    def __init__(self, session: _Session) -> None:
        self.session = session

    def __enter__(self) -> _Tx:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def commit(self) -> None:
        if self.session.at_commit:
            raise self.session.at_commit.pop(0)


class _Session:
    """Each transaction's commit raises the next of `at_commit`, until none is left."""

    def __init__(self, *at_commit: Exception) -> None:
        self.at_commit = list(at_commit)
        self.begun = 0

    def begin_transaction(self) -> _Tx:
        self.begun += 1
        return _Tx(self)


def _server_error(code: str, message: str = "from the server") -> nx.Neo4jError:
    return nx.Neo4jError._hydrate_neo4j(code=code, message=message)


def test_a_write_is_tried_again_while_the_server_says_it_may_help(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(errors.time, "sleep", lambda s: None)
    session = _Session(_server_error("Neo.TransientError.Transaction.DeadlockDetected"))
    assert errors.run_write(session, lambda tx: 7) == 7  # type: ignore[arg-type]
    assert session.begun == 2
    session = _Session(_server_error("Neo.ClientError.Statement.SyntaxError"))
    with pytest.raises(nx.ClientError):
        errors.run_write(session, lambda tx: 7)  # type: ignore[arg-type]
    assert session.begun == 1


def test_a_commit_over_the_memory_limit_of_one_transaction_is_not_tried_again() -> None:
    """The driver's execute_write ran such a commit again for 15 s, to the same end."""
    over = _server_error(
        "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
        "The allocation of an extra 2.0 MiB would use more than the limit 48.0 MiB. "
        "db.memory.transaction.max threshold reached",
    )
    session = _Session(over)
    with pytest.raises(TransactionTooLarge, match=r"more memory than the server allows.*48\.0"):
        errors.run_write(session, lambda tx: 7)  # type: ignore[arg-type]
    assert session.begun == 1
