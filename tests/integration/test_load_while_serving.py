"""Clients hammering the running API (real HTTP, real Bolt server) while a load commits:
every answer is a 200 and shows the old graph or the new one, never a mix. Covers the three
ways in: a REST read, read-only Cypher and SPARQL (answered from the service's own copy)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench import synth
from graph.load import clear, load, prepare
from graph.ontology import Ontology
from graph.settings import Settings
from graph.store import Store
from tests.conftest import ONTOLOGY, SEEDS
from tests.integration.conftest import Server, api_settings, load_paths

pytestmark = pytest.mark.integration

# A user's Cypher sees what a load stages unless it hides it as the service's own reads do
# (graph/README.md, "Loading"; graph/queries_stage.py): this one does.
COUNT_CYPHER = {
    "query": "OPTIONAL MATCH (s:LoadStage) WHERE s.published IS NULL "
    "WITH collect(s.id) AS hidden "
    "MATCH (n:Resource) WHERE NOT coalesce(n.stagedBy, '') IN hidden "
    "WITH hidden, count(n) AS nodes "
    "MATCH (a:Resource)-[r]->(b:Resource) "
    "WHERE NOT coalesce(a.stagedBy, '') IN hidden AND NOT coalesce(b.stagedBy, '') IN hidden "
    "RETURN nodes, count(r) AS rels"
}
COUNT_SPARQL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SYNTH_ACTOR = "https://w3id.org/sahel-kg/id/synth-actor-0"


def cypher_counts(client: httpx.Client) -> tuple[int, int]:
    r = client.post("/cypher", json=COUNT_CYPHER)
    assert r.status_code == 200, r.text
    row = r.json()["rows"][0]
    return int(row[0]), int(row[1])


def sparql_count(client: httpx.Client) -> int:
    r = client.get("/sparql", params={"query": COUNT_SPARQL}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    return int(r.text.split()[-1])


def actor_found(client: httpx.Client) -> bool:
    r = client.get("/actors/" + SYNTH_ACTOR)
    assert r.status_code in (200, 404), r.text
    return r.status_code == 200


def test_reads_through_the_api_during_a_load_see_the_old_or_the_new_graph(
    store: Store, settings: Settings, ontology: Ontology, tmp_path: Path
) -> None:
    clear(store)
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    extra = tmp_path / "synth.nt"
    synth.write(extra, 20_000)
    prepared = prepare([extra], ontology, validate=False)
    assert SYNTH_ACTOR in prepared.pg.nodes  # the REST probe names a node the load adds

    with (
        Server(api_settings(settings, query_timeout_s=30.0)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        old = (cypher_counts(client), sparql_count(client), actor_found(client))
        assert old[2] is False
        seen: dict[str, set[Any]] = {"cypher": set(), "sparql": set(), "rest": set()}
        errors: list[BaseException] = []
        done = threading.Event()

        def hammer(name: str, probe: Callable[[httpx.Client], Any]) -> None:
            with httpx.Client(base_url=server.url, timeout=60) as own:
                while not done.is_set():
                    try:
                        seen[name].add(probe(own))
                    except BaseException as exc:
                        errors.append(exc)
                        return

        probes = {"cypher": cypher_counts, "sparql": sparql_count, "rest": actor_found}
        threads = [threading.Thread(target=hammer, args=item) for item in probes.items()]
        for t in threads:
            t.start()
        try:
            time.sleep(0.3)  # some reads of the old graph first
            load(store, prepared, ontology.registry)
            time.sleep(1.0)  # and some of the new one
        finally:
            done.set()
            for t in threads:
                t.join(timeout=120)
        new = (cypher_counts(client), sparql_count(client), actor_found(client))

    assert not errors, errors[:3]
    assert new[0] != old[0] and new[1] > old[1] and new[2] is True
    for i, name in enumerate(probes):
        assert seen[name] <= {old[i], new[i]}, (name, sorted(seen[name] - {old[i], new[i]}))
        assert old[i] in seen[name], name
    assert new[0] in seen["cypher"] and new[2] in seen["rest"]
    clear(store)
