"""The unit tests' fixtures (no server): a small fake of the store contract that answers canned
rows per statement (the read functions' tests), the seeds and the ontology as rdflib graphs or an
oxigraph store, the ingestion contexts, the name index, a SPARQL engine over sample data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import IO, Any

import neo4j
import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from bench.match_eval import seed_index
from graph import queries
from graph.match import Index
from graph.ontology import Ontology
from graph.rdf import parse_files
from graph.read import Reader
from graph.registry import Registry
from graph.sparql import SparqlEngine, write_ntriples
from graph.store import Capabilities, Store
from ingest.pipeline import Context
from ingest.tabular import Actors, ImportResult
from tests.conftest import DATA, ONTOLOGY, ROOT, SEEDS

COMPOSE = ROOT / "docker-compose.yml"
EX = "http://example.org/"  # the sample data's namespace (not the project's)


@pytest.fixture(scope="module")
def seeds() -> Graph:
    """All of seeds/*.ttl in one rdflib graph."""
    g = Graph()
    files = sorted(SEEDS.glob("*.ttl"))
    assert files, "no seeds/*.ttl"
    for path in files:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def balance_report(seeds: Graph, onto: Graph) -> tuple[Counter[str], Counter[str], str]:
    from tests.unit.test_data_quality import balance  # the measure is that test's subject

    result = balance(seeds, onto)
    print("\n" + result[2])
    return result


MY_FILES = ("article.ttl", "events.ttl", "sources_events.ttl")


@pytest.fixture(scope="module")
def mine() -> Graph:
    g = Graph()
    for name in MY_FILES:
        g.parse(SEEDS / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def rdf() -> ox.Store:
    store = ox.Store()
    for path in [ONTOLOGY, *sorted(Path(SEEDS).glob("*.ttl"))]:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def sparql_data(out: IO[bytes], n: int = 60) -> None:
    triples = [(URIRef(f"{EX}s{i}"), URIRef(f"{EX}p"), Literal(i)) for i in range(n)]
    triples.append((URIRef(f"{EX}s0"), URIRef(f"{EX}label"), Literal("zéro", lang="fr")))
    write_ntriples(triples, out)


@pytest.fixture(scope="module")
def engine() -> Iterator[SparqlEngine]:
    e = SparqlEngine(timeout_s=1.5)
    e.refresh(("v1",), sparql_data)
    yield e
    e.close()


@pytest.fixture(scope="module")
def ctx(ontology: Ontology) -> Context:
    return Context.read(ontology, SEEDS)


@pytest.fixture(scope="module")
def fresh(ontology: Ontology) -> Context:
    """Aliases from the seeds, but nothing known: every fact is new."""
    return Context.read(ontology, SEEDS, against=[ONTOLOGY])


@pytest.fixture(scope="module")
def tricky(ontology: Ontology) -> Graph:
    from graph.terms import canonicalise

    return canonicalise(parse_files([DATA / "tricky.ttl"]).graph)


@pytest.fixture(scope="module")
def index() -> Index:
    return seed_index()


@pytest.fixture(scope="module")
def actors(ontology: Ontology) -> Actors:
    return Actors(Context.read(ontology, SEEDS).aliases, ImportResult("ACLED", "kg:src"))


@pytest.fixture(scope="session")
def seed_triples() -> list[tuple[Node, Node, Node]]:
    """The seeds' triples, in a fixed order (SHACL's differential test mutates them)."""
    return sorted(parse_files(sorted(SEEDS.glob("*.ttl"))).triples)


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

    def single(self, strict: bool = False) -> _Record:
        assert len(self._rows) == 1 or not strict, f"{len(self._rows)} rows, not one"
        return _Record(self._rows[0])


class FakeStore:
    """Canned rows by statement text; an unknown statement fails the test, naming it."""

    capabilities = Capabilities(
        backend="fake",
        enforces_read_mode=True,
        reader_account=True,
        classifies_queries=False,
        keeps_datetime_zones=True,
        atomic_commits=False,  # reads hold commits off: one state per read transaction
    )

    def __init__(self) -> None:
        # Whole-graph reads first ask which stages to hide (Store.scan): none, here.
        self.answers: dict[str, Answer] = {queries.HIDDEN_IDS: [{"hidden": [], "only": None}]}
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
        rows = found(params) if callable(found) else found
        if queries.is_table(text):  # as a server answers it: one record, the rows in it
            limit = params.get("limit")
            cut = rows[:limit] if "LIMIT $limit" in text and isinstance(limit, int) else rows
            return _Result([{"rows": cut}])
        return _Result(rows)

    # -- the contract, as graph.read uses it

    def reading(self, deadline: float | None = None) -> AbstractContextManager[Any]:
        return nullcontext()

    # the contract's own: an auto-commit statement, no gate (as on ArcadeDB)
    statement = Store.statement
    scan = Store.scan
    hidden = Store.hidden
    counts_in = Store.counts_in
    read_unit = Store.read_unit
    statement_limit_s: float | None = None  # one statement unless a test sets a limit
    scan_chunks = Store.scan_chunks
    gate_read = Store.gate_read
    gated = Store.gated
    gates_reads = False

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
                yield Tx()

        class Tx:
            def run(self, text: str, **params: Any) -> _Result:
                return store._run(text, params)

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


@pytest.fixture(scope="module")
def registry(ontology: Ontology) -> Registry:
    return ontology.registry


@pytest.fixture
def fresh_engine() -> Iterator[SparqlEngine]:
    """An empty SPARQL view of its own (tests/unit/test_sparql_view.py)."""
    e = SparqlEngine(timeout_s=1.5)
    yield e
    e.close()
