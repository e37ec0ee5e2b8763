"""A `--replace` load commits a batch at a time, like any load, so the server's limits on
one transaction bound a batch, not the graph. On a Neo4j server of its own with a 10 s
`db.transaction.timeout` and 48m `db.memory.transaction.max` (scripts/neo4j: 30 s and
256m; 1 s cut a cold JVM's first batches), a replace of 60k synthetic triples over the
seeds goes through (as one transaction it failed there with TransactionTooLarge), and the
seeds replace it back. A batch too large for the limit fails at once, its error naming
the batch size, and is not run again; the graph stays as it was. A node with more
relationships than one transaction may delete (a hub: the kind every claim points to) is
replaced too: its relationships go first, a batch at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import synth
from bench.common import neo4j_started
from graph import queries
from graph.errors import TransactionTooLarge
from graph.load import load, prepare
from graph.ontology import Ontology
from graph.store import Store, open_store
from tests.conftest import ONTOLOGY, SEEDS
from tests.integration.conftest import BACKEND, snapshot

pytestmark = pytest.mark.integration
ONLY_NEO4J = pytest.mark.skipif(
    BACKEND != "neo4j",
    reason="the limits are Neo4j's settings; the embedded ArcadeDB server has neither for "
    "the loader (its heap: test_out_of_memory.py); the suite's Neo4j pass only",
)
LIMITS = {"SAHELKG_NEO4J_TX_TIMEOUT": "10s", "SAHELKG_NEO4J_TX_MEMORY": "48m"}


def too_large_runs(store: Store, runs: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """For each write that fails with TransactionTooLarge, how often its work was started
    (a retry would start it again; the limit may be met in a statement or at the commit)."""
    real = store.write

    def write(work: Any, *args: Any, **kwargs: Any) -> Any:
        started = [0]

        def counted(tx: Any) -> Any:
            started[0] += 1
            return work(tx)

        try:
            return real(counted, *args, **kwargs)
        except TransactionTooLarge:
            runs.append(started[0])
            raise

    monkeypatch.setattr(store, "write", write)


@ONLY_NEO4J
def test_a_replace_larger_than_one_transaction_may_be_goes_through_in_batches(
    tmp_path: Path, ontology: Ontology, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "synth.nt"
    synth.write(big, 60_000)
    with neo4j_started(tmp_path / "neo4j", **LIMITS) as (settings, _pid):
        store = open_store(settings)
        try:
            seeds = prepare([ONTOLOGY, SEEDS], ontology)
            load(store, seeds, ontology.registry, replace=True)
            before = snapshot(store, ontology)

            synthetic = prepare([ONTOLOGY, big], ontology, validate=False)
            report = load(store, synthetic, ontology.registry, replace=True, batch_size=2_000)
            nodes = len(synthetic.pg.nodes)
            assert report.created_nodes == nodes and report.deleted_nodes == len(seeds.pg.nodes)
            assert store.counts() == (nodes, len(synthetic.pg.rels))
            assert store.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"] == nodes
            assert store.read(queries.STAGES) == []

            load(store, seeds, ontology.registry, replace=True)  # and back
            assert snapshot(store, ontology) == before

            # A batch too large for the limit: the error names the batch size, once.
            runs: list[int] = []
            too_large_runs(store, runs, monkeypatch)
            for replace in (False, True):
                with pytest.raises(TransactionTooLarge, match="SAHELKG_BATCH_SIZE") as err:
                    load(store, synthetic, ontology.registry, replace=replace, batch_size=100_000)
                assert "100,000 rows a batch" in str(err.value)
                assert "db.memory.transaction.max" in str(err.value)
                assert snapshot(store, ontology) == before  # its batches were staged, hidden
            assert runs == [1, 1]  # each run once, not again
        finally:
            store.close()


@ONLY_NEO4J
def test_a_hub_with_more_relationships_than_one_transaction_may_delete_is_replaced(
    tmp_path: Path, ontology: Ontology
) -> None:
    """60k claims of one kind: deleting that kind's node with its relationships in one
    transaction went over 48m (50k did, by hand), at any batch size. Its iri sorts before
    the claims': named `kind`, it sorted after them, the deletion met it once they had
    gone with their relationships, and the loader before this change passed."""
    hub = tmp_path / "hub.nt"
    claims = 60_000
    hub.write_text(
        "".join(
            f"<{synth.K}claim-{i}> <{synth.S}claimKind> <{synth.K}a-kind> .\n"
            for i in range(claims)
        ),
        encoding="utf-8",
    )
    with neo4j_started(tmp_path / "neo4j", **LIMITS) as (settings, _pid):
        store = open_store(settings)
        try:
            many = prepare([hub], ontology, validate=False)
            load(store, many, ontology.registry, batch_size=2_000)
            assert store.counts() == (claims + 1, claims)

            seeds = prepare([ONTOLOGY, SEEDS], ontology)
            report = load(store, seeds, ontology.registry, replace=True, batch_size=2_000)
            assert report.deleted_nodes == claims + 1
            assert store.counts() == (len(seeds.pg.nodes), len(seeds.pg.rels))
            assert store.read(queries.STAGES) == []
        finally:
            store.close()
