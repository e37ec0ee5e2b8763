"""The write-ahead (graph.load_write.Writer.submit) on the real Bolt server: with batches
written in the pool's thread while the next is made, a load stores what it stores with
every batch in turn and reports the same counts. A failing batch: tests/unit/
test_write_ahead.py; a load killed at every stage: tests/integration/test_load.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import synth
from graph import export
from graph.load import LoadReport, Ontology, clear, load, prepare
from graph.store import Store
from tests.conftest import ONTOLOGY, SEEDS

pytestmark = pytest.mark.integration

EXTRA = """
@prefix kg: <https://w3id.org/sahel-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .
kg:assimi-goita skos:altLabel "A. Goita (ahead)" .
kg:mali sahel:hostileTo kg:ibrahim-traore .
"""


def counts(r: LoadReport) -> tuple[int, ...]:
    return (
        r.created_nodes,
        r.updated_nodes,
        r.created_relationships,
        r.updated_relationships,
    )


def test_with_and_without_write_ahead_the_same_graph_and_counts(
    store: Store, ontology: Ontology, tmp_path: Path
) -> None:
    big = tmp_path / "synth.nt"
    synth.write(big, 8_000)
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    seeds = prepare([ONTOLOGY, SEEDS], ontology)
    on_top = prepare([extra, big], ontology, validate=False)
    results = []
    for ahead in (False, True):
        clear(store)
        first = load(store, seeds, ontology.registry, batch_size=300, write_ahead=ahead)
        # On a stored graph: reads before writes, changes deferred to the switch.
        second = load(store, on_top, ontology.registry, batch_size=300, write_ahead=ahead)
        graph = (store.counts(), export.graph_hash(store, ontology.registry))
        results.append((counts(first), counts(second), graph))
    assert results[0] == results[1]
    assert results[1][1][0] > 0 and results[1][1][1] == 1  # created nodes, Goita updated
