"""The load-id indexes on both servers: which the schema makes (ArcadeDB's node index with
`iri` after `loadId`, so that no key is shared by a whole load), that they are back after a
deletion of whole loads (ArcadeDB drops the relationships' for the time: Store.deleting),
after a failed one too, and that the next load's schema step makes any that went missing
(a loader killed while they were dropped)."""

from __future__ import annotations

import pytest

from graph import queries
from graph.load import clear, load, prepare
from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import DATA, SEEDS
from tests.integration.conftest import load_paths

pytestmark = pytest.mark.integration

PREFIX = queries.REL_LOAD_INDEX_PREFIX


def index_names(store: Store) -> set[str]:
    rows = store.driver.execute_query(queries.INDEX_NAMES, database_=store.database).records
    return {str(r["name"]) for r in rows}


def recorded_types(store: Store) -> set[str]:
    return set(store.read(queries.RECORDED_REL_TYPES)[0]["types"])


def rel_indexes(store: Store) -> set[str]:
    return {n.removeprefix(PREFIX) for n in index_names(store) if n.startswith(PREFIX)}


def node_index(store: Store) -> str:
    arcadedb = store.capabilities.backend == "arcadedb-embedded"
    return "resource_load_iri" if arcadedb else "resource_load_id"


def loaded(store: Store, ontology: Ontology) -> Store:
    clear(store)
    load_paths(store, ontology, SEEDS / "states.ttl", DATA / "tricky.ttl", validate=False)
    assert recorded_types(store), "the load recorded the types it wrote"
    assert recorded_types(store) <= rel_indexes(store)
    return store


def test_the_node_index_of_each_server_and_an_earlier_versions_dropped(store: Store) -> None:
    arcadedb = store.capabilities.backend == "arcadedb-embedded"
    if arcadedb:  # a store made by an earlier version: `loadId` alone
        for statement in (
            "DROP INDEX resource_load_iri IF EXISTS",
            "CREATE INDEX resource_load_id IF NOT EXISTS FOR (n:Resource) ON (n.loadId)",
        ):
            store.write(lambda tx, statement=statement: tx.run(statement).consume())
        assert "resource_load_iri" not in index_names(store)
    store.ensure_schema()
    names = index_names(store)
    assert node_index(store) in names
    assert ("resource_load_id" in names) is not arcadedb
    # ... and a stage's nodes are found through it (ArcadeDB seeks the composite's first key)
    plan = store.driver.execute_query(
        "EXPLAIN " + queries.SPARQL_VIEW_CHANGED_NODES, {"id": "x"}, database_=store.database
    ).summary.plan
    assert node_index(store) in str(plan) or "NodeIndexSeek" in str(plan), plan


def test_deleting_keeps_every_relationship_index_on_the_way_out(
    store: Store, ontology: Ontology, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded(store, ontology)
    ids = [str(i) for i in store.read(queries.OTHER_LOAD_IDS, {"id": ""})[0]["ids"]]
    before = rel_indexes(store)
    with store.deleting(ids):  # the seeds' few hundred nodes: not worth dropping them
        assert rel_indexes(store) == before

    arcadedb = store.capabilities.backend == "arcadedb-embedded"
    if arcadedb:  # as if they were many
        monkeypatch.setattr(store, "drop_indexes_from", 1)
    with store.deleting(ids):
        during = rel_indexes(store)
    assert rel_indexes(store) == before
    # ArcadeDB drops them for the time (an entry out of a shared key is slow); Neo4j not
    assert during == (set() if arcadedb else before)

    with pytest.raises(RuntimeError, match="a deletion failed"), store.deleting(ids):
        assert rel_indexes(store) == (set() if arcadedb else before)
        raise RuntimeError("a deletion failed")
    assert rel_indexes(store) == before


def test_a_replace_leaves_the_indexes_of_what_it_loaded(
    store: Store, ontology: Ontology, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded(store, ontology)
    if store.capabilities.backend == "arcadedb-embedded":  # as if the graph were large
        monkeypatch.setattr(store, "drop_indexes_from", 1)
    prepared = prepare([SEEDS / "states.ttl"], ontology, validate=False)
    report = load(store, prepared, ontology.registry, replace=True)
    assert report.deleted_nodes > 0  # tricky.ttl's nodes went, after the switch
    assert recorded_types(store) <= rel_indexes(store)
    assert node_index(store) in index_names(store)


def test_the_schema_step_makes_the_relationship_indexes_that_went_missing(
    store: Store, ontology: Ontology
) -> None:
    loaded(store, ontology)
    # As a loader killed inside `deleting` leaves them on ArcadeDB.
    for rel_type in recorded_types(store):
        statement = queries.drop_relationship_load_index(rel_type)
        store.write(lambda tx, statement=statement: tx.run(statement).consume())
    assert not recorded_types(store) & rel_indexes(store)
    store.ensure_schema()  # the first step of the next load
    assert recorded_types(store) <= rel_indexes(store)
