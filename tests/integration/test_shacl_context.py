"""`sahelkg load` validates what a file adds against what is stored: a new event may name
stored actors, places and sources without typing them again, and a stored node of the
wrong class is still refused, naming file, line and path, with nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graph import export
from graph.load import Ontology
from graph.store import Store
from tests.conftest import ONTOLOGY, ROOT, SEEDS
from tests.integration.conftest import load_paths

EVENT = """@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .
@prefix kg: <https://w3id.org/sahel-kg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

kg:event-test-context a sahel:Battle ;
    rdfs:label "An event naming stored nodes only"@en ;
    sahel:date "2024-09-18"^^xsd:date ;
    sahel:location kg:bamako ;
    sahel:perpetrator kg:jnim ;
    sahel:source {source} .
"""
SOURCE = "kg:src-dawn-2024-09-20-over-70-killed-200-injured-in-mali-attacks"


def sahelkg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("sahelkg")
    return subprocess.run(
        [str(exe), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_a_file_naming_stored_nodes_is_checked_against_their_stored_classes(
    store: Store, ontology: Ontology, cli_env: dict[str, str], tmp_path: Path
) -> None:
    load_paths(store, ontology, ONTOLOGY, *sorted(SEEDS.glob("*.ttl")))

    wrong = tmp_path / "wrong.ttl"
    wrong.write_text(EVENT.replace("{source}", "kg:bamako"))  # a stored Place, not a Source
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    refused = sahelkg(cli_env, "load", str(wrong))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    flat = " ".join((refused.stdout + refused.stderr).split())
    assert "wrong.ttl:6:" in flat
    assert "sahel:source must point to a sahel:Source" in flat
    assert "sahel:perpetrator" not in flat  # jnim is a stored Actor: no complaint
    assert (store.counts(), export.graph_hash(store, ontology.registry)) == before

    right = tmp_path / "right.ttl"
    right.write_text(EVENT.replace("{source}", SOURCE))
    loaded = sahelkg(cli_env, "load", str(right))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    rows = store.read(
        "MATCH (e:Resource {iri: $iri})-[:PERPETRATOR]->(a) RETURN a.iri AS actor",
        {"iri": "https://w3id.org/sahel-kg/id/event-test-context"},
    )
    assert [r["actor"] for r in rows] == ["https://w3id.org/sahel-kg/id/jnim"]
