"""The Neo4j read gate (graph/store/neo4j_server.py) without a server: what a read
transaction and a switch send first. The gate's effect is pinned against real servers by
test_faults.py::test_reads_during_a_load_see_the_old_or_the_new_graph_never_a_mix."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from neo4j import exceptions as nx

from graph import queries
from graph.store import Neo4jStore


class Tx:
    def __init__(self, has_apoc: bool) -> None:
        self.sent: list[str] = []
        self.has_apoc = has_apoc

    def run(self, text: str, **params: Any) -> Any:
        self.sent.append(text)
        rows = [{"name": "apoc.lock.read.nodes"}] if self.has_apoc else []
        return rows if text == queries.HAS_READ_LOCKS else SimpleNamespace(consume=lambda: None)


def store() -> Neo4jStore:
    driver: Any = SimpleNamespace()
    return Neo4jStore(driver, driver, "neo4j", separate_reader=False)


def test_every_read_takes_the_shared_lock_the_server_is_asked_once() -> None:
    s, first, second = store(), Tx(True), Tx(True)
    s.gate_read(first)  # type: ignore[arg-type]
    s.gate_read(second)  # type: ignore[arg-type]
    assert first.sent == [queries.HAS_READ_LOCKS, queries.READ_GATE_SHARED]
    assert second.sent == [queries.READ_GATE_SHARED]


def test_without_apoc_reads_go_ungated_and_say_so(caplog: pytest.LogCaptureFixture) -> None:
    s, tx = store(), Tx(False)
    with caplog.at_level(logging.WARNING):
        s.gate_read(tx)  # type: ignore[arg-type]
        s.gate_read(tx)  # type: ignore[arg-type]
    assert tx.sent == [queries.HAS_READ_LOCKS]
    assert [r.message for r in caplog.records if "apoc.lock.read.nodes" in r.message]


def test_a_switch_takes_the_gate_alone() -> None:
    s, tx = store(), Tx(True)
    s.gate_switch(tx)  # type: ignore[arg-type]
    assert tx.sent == [queries.READ_GATE_CLOSE]
    assert "SET" in queries.READ_GATE_CLOSE  # a write: the exclusive lock, to the commit


class Session(Tx):
    """A session: auto-commit statements, and transactions whose statements it records."""

    def __init__(self, has_apoc: bool) -> None:
        super().__init__(has_apoc)
        self.timeouts: list[float | None] = []

    def run(self, text: Any, *args: Any, **params: Any) -> Any:
        self.timeouts.append(getattr(text, "timeout", None))
        return super().run(getattr(text, "text", text), **params)

    def begin_transaction(self, timeout: float | None = None) -> Any:
        self.sent.append("BEGIN")
        session = self

        class Transaction(Tx):
            def run(self, text: str, *args: Any, **params: Any) -> Any:
                return session.run(text, **params)

            def __enter__(self) -> Any:
                return self

            def __exit__(self, *exc: object) -> None:
                session.sent.append("COMMIT")

        return Transaction(self.has_apoc)


def test_our_own_read_is_one_statement_that_takes_the_lock_first() -> None:
    s, session = store(), Session(True)
    query = "MATCH (n:Actor) RETURN n.iri AS iri"
    for _ in range(2):
        with s.statement(session, query, {}, 5.0):  # type: ignore[arg-type]
            pass
    gated = queries.READ_GATE_FIRST + query
    assert session.sent == [queries.HAS_READ_LOCKS, gated, gated]
    assert session.timeouts[1:] == [5.0, 5.0]  # the server's timeout, on the statement
    assert gated.index("apoc.lock.read.nodes") < gated.index("count(g)") < gated.index(query)


def test_a_clients_read_takes_the_lock_in_a_statement_of_its_own() -> None:
    """A client's text may not follow a WITH (UNION, a CALL alone): the lock is a statement
    before it, in the same transaction."""
    s, session = store(), Session(True)
    query = "MATCH (n) RETURN n UNION MATCH (n) RETURN n"
    with s.statement(session, query, {}, 5.0, untrusted=True):  # type: ignore[arg-type]
        pass
    assert session.sent == [
        "BEGIN",
        queries.HAS_READ_LOCKS,
        queries.READ_GATE_SHARED,
        query,
        "COMMIT",
    ]


def test_without_apoc_our_own_read_goes_as_it_is() -> None:
    s, session = store(), Session(False)
    with s.statement(session, "RETURN 1 AS one", {}, 5.0):  # type: ignore[arg-type]
        pass
    assert session.sent == [queries.HAS_READ_LOCKS, "RETURN 1 AS one"]


def _server_error(code: str) -> nx.Neo4jError:
    return nx.Neo4jError._hydrate_neo4j(code=code, message="from the server")


@pytest.mark.parametrize(
    ("code", "attempts"),
    [
        ("Neo.TransientError.Transaction.Outdated", 3),  # met a commit: begun again
        ("Neo.ClientError.Statement.SyntaxError", 1),  # not worth a second try
    ],
)
def test_a_unit_of_reads_is_begun_again_only_when_the_server_asks(code: str, attempts: int) -> None:
    s, session, tried = store(), Session(True), []

    def work(tx: Any) -> int:
        tried.append(tx)
        raise _server_error(code)

    with pytest.raises(nx.Neo4jError) as raised:
        s.read_unit(session, work, 5.0)  # type: ignore[arg-type]
    assert raised.value.code == code and len(tried) == attempts
    # each attempt a transaction of its own, behind the gate
    assert session.sent.count("BEGIN") == attempts
    assert session.sent.count(queries.READ_GATE_SHARED) == attempts


def test_a_unit_of_reads_that_met_a_commit_once_answers_from_its_next_attempt() -> None:
    s, session, tried = store(), Session(True), []

    def work(tx: Any) -> str:
        tried.append(tx)
        if len(tried) == 1:
            raise _server_error("Neo.TransientError.Transaction.Outdated")
        return "whole"

    assert s.read_unit(session, work) == "whole"  # type: ignore[arg-type]
    assert len(tried) == 2
