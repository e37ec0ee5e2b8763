"""A whole-graph read (the exports, the SPARQL view's full copy) on a server that stops
every statement at its limit: ArcadeDB's command timeout, the query timeout of the
settings that started it. Read as one statement, an export that outlasts the limit failed
(the view's copy of 1M triples under REST traffic; every copy above ~1.5M triples), so the
store reads it in chunks of nodes (graph/queries_scan.py, Store.scan). Real servers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench import synth
from graph import queries
from graph.errors import SahelKGError
from graph.export import iter_triples
from graph.load import Ontology, load, prepare
from graph.store import Store, open_store
from tests.conftest import ONTOLOGY
from tests.integration.conftest import BACKEND, embedded_server

pytestmark = pytest.mark.integration


def test_the_store_knows_its_servers_statement_limit(opened: Store) -> None:
    if opened.capabilities.backend == "arcadedb-embedded":
        assert opened.statement_limit_s is not None and opened.statement_limit_s > 0
    else:
        assert opened.statement_limit_s is None  # Neo4j holds each transaction's own timeout


def test_an_export_in_chunks_is_the_export_in_one_statement(
    seeded: Store, ontology: Ontology, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seeded, "statement_limit_s", None)
    whole = list(iter_triples(seeded, ontology.registry))
    monkeypatch.setattr(seeded, "statement_limit_s", 600.0)
    monkeypatch.setattr(seeded, "scan_chunks", (40, 40, 40))  # 843 nodes: 22 chunks
    chunked = list(iter_triples(seeded, ontology.registry))
    assert len(chunked) == len(whole) == len(set(whole)) > 5_000
    assert set(chunked) == set(whole)


@pytest.mark.skipif(
    BACKEND != "arcadedb",
    reason="an ArcadeDB server of its own: it runs in the suite's ArcadeDB pass only",
)
def test_a_scan_slower_than_the_servers_statement_limit_completes(
    tmp_path: Path, ontology: Ontology
) -> None:
    """The server hands rows over 1,000 at a time (the driver's fetch size) and counts its
    limit to the last one it hands over: a reader slower than the limit per 1,000 rows is
    stopped there, as the SPARQL view's copy was under REST traffic."""
    data = tmp_path / "synth.nt"
    synth.write(data, 8_000)
    with embedded_server(tmp_path / "store", query_timeout_s=2.0) as settings:
        store = open_store(settings)
        try:
            load(store, prepare([ONTOLOGY, data], ontology, validate=False), ontology.registry)
            assert store.statement_limit_s == 2.0
            nodes = store.counts()[0]
            assert nodes > 1_000

            def slowly() -> list[str]:  # 2.5 ms a node: 1,000 nodes in 2.5 s
                iris = []
                with store.read_transaction() as tx:
                    for row in store.scan(tx, queries.EXPORT_NODES):
                        time.sleep(0.0025)
                        iris.append(row["iri"])
                return iris

            store.statement_limit_s = None  # one statement: the server stops it at 2 s
            with pytest.raises(SahelKGError, match=r"(?i)time"):
                slowly()
            store.statement_limit_s = 2.0
            store.scan_chunks = (50, 10, 100_000)
            iris = slowly()
            assert len(iris) == len(set(iris)) == nodes
        finally:
            store.close()
