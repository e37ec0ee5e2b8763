"""A `--replace` load is ONE transaction, so the server's limits on one transaction apply
to all of it. Neo4j's: `db.transaction.timeout` (30 s in docker-compose.yml and
scripts/neo4j, which a replace of a few hundred thousand triples outlived) and
`db.memory.transaction.max` (256m in scripts/neo4j). The replace brings its own time limit
(SAHELKG_REPLACE_TIMEOUT_S); past the memory limit it fails at once, saying which limit and
what to do, instead of being run again whole by the driver; either way the graph stays
as it was. So does a staged load's batch too large for the limit, whose error names the
batch size. A Neo4j server of its own with small limits."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from bench import synth
from bench.common import neo4j_started
from graph.errors import StoreError, TransactionTooLarge
from graph.load import Prepared, load, prepare
from graph.mapping import NodeRecord
from graph.ontology import Ontology
from graph.store import Store, open_store
from tests.conftest import ONTOLOGY, SEEDS
from tests.integration.conftest import BACKEND, snapshot

pytestmark = pytest.mark.integration


class Paused(Prepared):
    """The seeds, with a pause after the first node is written: the replace's transaction
    stays open longer than the server's own time limit."""

    def nodes(self) -> Iterable[NodeRecord]:
        for i, node in enumerate(super().nodes()):
            if i == 1:
                time.sleep(4)  # past the 1 s limit, and Neo4j's 2 s check of it
            yield node


def counting(store: Store, runs: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Count how often each write's work starts (a driver's retry starts it again)."""
    real = store.write

    def write(work: Any, *args: Any, **kwargs: Any) -> Any:
        def counted(tx: Any) -> Any:
            runs.append(1)
            return work(tx)

        return real(counted, *args, **kwargs)

    monkeypatch.setattr(store, "write", write)


@pytest.mark.skipif(
    BACKEND != "neo4j",
    reason="the limits are Neo4j's settings; the embedded ArcadeDB server has neither for "
    "the loader (its heap: test_out_of_memory.py); the suite's Neo4j pass only",
)
def test_a_replace_outlives_the_servers_time_limit_and_one_too_large_fails_at_once(
    tmp_path: Path, ontology: Ontology, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "synth.nt"
    synth.write(big, 60_000)
    limits = {"SAHELKG_NEO4J_TX_TIMEOUT": "1s", "SAHELKG_NEO4J_TX_MEMORY": "48m"}
    with neo4j_started(tmp_path / "neo4j", **limits) as (settings, _pid):
        store = open_store(settings)
        try:
            seeds = prepare([ONTOLOGY, SEEDS], ontology)
            # Replaced too: on a 1 s limit even a staged load's batch may be cut (a cold JVM).
            load(store, seeds, ontology.registry, replace=True, replace_timeout_s=60)
            before = snapshot(store, ontology)
            paused = Paused(seeds.parsed, seeds.pg, seeds.load_id)

            # The server's 1 s limit stops the replace when it brings none of its own...
            with pytest.raises(StoreError, match="ran past its time limit"):
                load(store, paused, ontology.registry, replace=True)
            assert snapshot(store, ontology) == before
            # ...and not when it does (the CLI's default: SAHELKG_REPLACE_TIMEOUT_S).
            report = load(store, paused, ontology.registry, replace=True, replace_timeout_s=60)
            assert report.deleted_nodes == len(seeds.pg.nodes)
            assert snapshot(store, ontology) == before

            runs: list[int] = []
            counting(store, runs, monkeypatch)
            with pytest.raises(TransactionTooLarge) as err:
                load(
                    store,
                    prepare([ONTOLOGY, big], ontology, validate=False),
                    ontology.registry,
                    replace=True,
                    replace_timeout_s=60,
                )
            message = str(err.value)
            assert "db.memory.transaction.max" in message and "48.0 MiB" in message
            assert "SAHELKG_NEO4J_TX_MEMORY" in message and "without --replace" in message
            assert runs == [1]  # run once: the driver would have run it again
            assert snapshot(store, ontology) == before

            # A staged load's batch too large for the limit: the error names the batch size.
            with pytest.raises(TransactionTooLarge, match="SAHELKG_BATCH_SIZE") as err:
                load(
                    store,
                    prepare([ONTOLOGY, big], ontology, validate=False),
                    ontology.registry,
                    batch_size=100_000,
                )
            assert "100,000 rows a batch" in str(err.value)
            assert snapshot(store, ontology) == before  # its batches were staged, hidden
        finally:
            store.close()
