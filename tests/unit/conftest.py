"""Fixtures of the unit layer: a small fake of the store contract (graph.store.base.Store,
as the reads use it) that answers canned rows per statement of graph.queries and records
what it was asked, and a Reader on it with the project's ontology registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import neo4j
import pytest

from graph.load import Ontology
from graph.read import Reader
from graph.store import Capabilities

Answer = list[dict[str, Any]] | Callable[[dict[str, Any]], list[dict[str, Any]]]


class _Record:
    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def values(self) -> list[Any]:
        return list(self._row.values())

    def data(self) -> dict[str, Any]:
        return dict(self._row)

    def __getitem__(self, key: str) -> Any:
        return self._row[key]


class _Result:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self._rows = rows
        self.consumed = False

    def keys(self) -> list[str]:
        return list(self._rows[0]) if self._rows else []

    def __iter__(self) -> Iterator[_Record]:
        return (_Record(r) for r in self._rows)

    def consume(self) -> None:
        self.consumed = True


class FakeStore:
    """Canned rows by statement text; an unknown statement fails the test, naming it."""

    capabilities = Capabilities(
        backend="fake",
        enforces_read_mode=True,
        reader_account=True,
        classifies_queries=False,
        keeps_datetime_zones=True,
        atomic_commits=True,
    )

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sessions: list[dict[str, Any]] = []
        self.transactions: list[float | None] = []  # the timeout of each one begun
        self.driver: Any = object()
        self.database = "fake"

    def answer(self, statement: str, rows: Answer) -> None:
        self.answers[statement] = rows

    def asked(self, statement: str) -> list[dict[str, Any]]:
        """The parameters of every run of `statement`."""
        return [params for text, params in self.calls if text == statement]

    def _run(self, text: str, params: dict[str, Any]) -> _Result:
        self.calls.append((text, dict(params)))
        if text not in self.answers:
            raise AssertionError(f"unexpected statement:\n{text}")
        found = self.answers[text]
        return _Result(found(params) if callable(found) else found)

    # -- the contract, as graph.read uses it

    def reading(self, deadline: float | None = None) -> AbstractContextManager[Any]:
        return nullcontext()

    @contextmanager
    def read_session(self, **config: Any) -> Iterator[Any]:
        self.sessions.append(config)
        store = self

        class Session:
            def run(self, query: neo4j.Query | str, params: dict[str, Any]) -> _Result:
                text = query.text if isinstance(query, neo4j.Query) else query
                return store._run(str(text), params)

            @contextmanager
            def begin_transaction(self, timeout: float | None = None) -> Iterator[Any]:
                store.transactions.append(timeout)

                class Tx:
                    def run(self, text: str, **params: Any) -> list[_Record]:
                        return list(store._run(text, params))

                yield Tx()

        yield Session()

    def refuse_writes(self, session: Any, query: str, params: dict[str, Any]) -> None:
        pass

    def server_version(self) -> str:
        return "Fake/1.0"


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def reader(store: FakeStore, ontology: Ontology) -> Reader:
    fake: Any = store
    return Reader(fake, ontology.registry, timeout_s=5, max_rows=100)
