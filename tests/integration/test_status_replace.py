"""`sahelkg load --replace` leaves exactly the ontology and the seeds (anything else in the
database goes: other loads, their records, nodes other tools wrote), and `sahelkg status`
then names that load. Run as a user would: the CLI in a subprocess, the real Bolt server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.load import prepare
from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import DATA, ONTOLOGY, ROOT, SEEDS
from tests.integration.conftest import load_paths

pytestmark = pytest.mark.integration


def sahelkg(env: dict[str, str], *args: str) -> str:
    exe = Path(sys.executable).with_name("sahelkg")
    done = subprocess.run(
        [str(exe), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_replace_leaves_exactly_the_seeds_and_status_names_that_load(
    store: Store, ontology: Ontology, cli_env: dict[str, str]
) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")  # a second load on top
    store.write(lambda tx: tx.run("CREATE (:Stray {note: 'another tool wrote this'})").consume())
    # A store made by an earlier version: `iri` unique. The replace stages a second node per
    # iri, so the load's schema step drops that constraint for a plain index.
    for statement in (
        "DROP INDEX resource_iri_index IF EXISTS",
        "CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
    ):
        store.write(lambda tx, statement=statement: tx.run(statement).consume())
    before = store.read("MATCH (l:Load) RETURN count(l) AS n")[0]["n"]
    assert before == 2

    loaded = sahelkg(cli_env, "load", "--replace")
    load_id = re.search(r"\(load\s+(\S+):", loaded)
    assert load_id, loaded
    status = sahelkg(cli_env, "status")
    assert f"last load: {load_id.group(1)} at " in status, status

    expected = prepare([ONTOLOGY, SEEDS], ontology)
    assert store.counts() == (len(expected.pg.nodes), len(expected.pg.rels))
    assert store.read("MATCH (l:Load) RETURN collect(l.id) AS ids")[0]["ids"] == [load_id.group(1)]
    # what other tools wrote is gone; the Neo4j read gate (graph/queries.py) and the loaders'
    # turn (graph/load_turn.py) are the store's own
    kept = "NOT n:Resource AND NOT n:Load AND NOT n:ReadGate AND NOT n:LoadTurn"
    assert store.read(f"MATCH (n) WHERE {kept} RETURN count(n) AS n")[0]["n"] == 0
    assert f"nodes: {len(expected.pg.nodes):,}" in status
