"""The unit tests' fixtures (no server): the seeds and the ontology as rdflib graphs or an
oxigraph store, the ingestion contexts, the name index, a SPARQL engine over sample data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from bench.match_eval import seed_index
from graph.match import Index
from graph.ontology import Ontology
from graph.rdf import parse_files
from graph.sparql import SparqlEngine, write_ntriples
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
    from graph.mapping import canonicalise

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
