"""A streamed load (graph/load_stream.py) on the real Bolt server: the graph an input read
whole gives, idempotent, a union with what is stored, and what `sahelkg load` does above
SAHELKG_STREAM_ABOVE_BYTES. Killed at every stage: tests/integration/test_load.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench import synth
from graph import export
from graph.load import Ontology, clear, load, prepare
from graph.load_stream import prepare_streamed
from graph.store import Store
from tests.conftest import DATA, ONTOLOGY, ROOT, SEEDS
from tests.integration.conftest import load_paths

pytestmark = pytest.mark.integration
SAHELKG = str(ROOT / ".venv" / "bin" / "sahelkg")


def state(store: Store, ontology: Ontology) -> tuple[tuple[int, int], str]:
    return store.counts(), export.graph_hash(store, ontology.registry)


def test_a_streamed_load_stores_what_a_whole_one_does_and_again_changes_nothing(
    store: Store, ontology: Ontology, tmp_path: Path
) -> None:
    big = tmp_path / "synth.nt"
    synth.write(big, 20_000)
    paths = [ONTOLOGY, DATA / "tricky.ttl", big]
    load_paths(store, ontology, *paths, validate=False)
    whole = state(store, ontology)
    store_load_id = store.read("MATCH (l:Load) RETURN l.id AS id")
    clear(store)
    with prepare_streamed(paths, ontology, False, directory=tmp_path) as streamed:
        report = load(store, streamed, ontology.registry, batch_size=500)
        assert report.created_nodes == report.nodes == streamed.node_count
        assert state(store, ontology) == whole
        assert store.read("MATCH (l:Load) RETURN l.id AS id") == store_load_id
        again = load(store, streamed, ontology.registry, batch_size=500)  # idempotent
    assert again.created_nodes == again.created_relationships == 0
    assert again.updated_nodes == again.updated_relationships == 0
    assert state(store, ontology) == whole
    assert [p.name for p in tmp_path.iterdir()] == ["synth.nt"]  # the index is gone


EXTRA = """
@prefix kg: <https://w3id.org/sahel-kg/id/> .
@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kg:assimi-goita skos:altLabel "A. Goita (streamed)" .
kg:mali sahel:hostileTo kg:ibrahim-traore .
"""


def test_a_streamed_load_is_a_union_with_what_is_stored(
    store: Store, ontology: Ontology, tmp_path: Path
) -> None:
    """Seeds stored, then values and a relationship between stored nodes streamed on top:
    the same graph as both read whole."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    load_paths(store, ontology, ONTOLOGY, SEEDS, extra)
    both = state(store, ontology)
    clear(store)
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    with prepare_streamed([extra], ontology, directory=tmp_path) as streamed:
        report = load(store, streamed, ontology.registry)
    assert report.updated_nodes == 1 and report.created_relationships == 1
    assert report.created_nodes == 0
    assert state(store, ontology) == both


def test_sahelkg_load_streams_a_large_input(
    store: Store, ontology: Ontology, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**cli_env, "SAHELKG_STREAM_ABOVE_BYTES": "1000", "SAHELKG_LOAD_TMP": str(scratch)}
    done = subprocess.run(
        [SAHELKG, "load", str(ONTOLOGY), str(DATA / "tricky.ttl")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "loaded" in done.stdout and "read" in done.stderr and "map" in done.stderr
    streamed = state(store, ontology)
    assert list(scratch.iterdir()) == []
    clear(store)
    load(store, prepare([ONTOLOGY, DATA / "tricky.ttl"], ontology), ontology.registry)
    assert state(store, ontology) == streamed


def test_sahelkg_load_refuses_a_bad_large_input_naming_the_line_and_keeps_the_graph(
    store: Store, ontology: Ontology, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    before = state(store, ontology)
    bad = tmp_path / "bad.nt"
    good = '<https://w3id.org/sahel-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    wrong = '<https://w3id.org/sahel-kg/id/y> <https://w3id.org/sahel-kg/ontology#nope> "1" .\n'
    bad.write_text(good * 3000 + wrong, encoding="utf-8")
    env = {**cli_env, "SAHELKG_STREAM_ABOVE_BYTES": "1000", "SAHELKG_LOAD_TMP": str(tmp_path)}
    done = subprocess.run(
        [SAHELKG, "load", str(bad)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert f"{bad}:3001: https://w3id.org/sahel-kg/id/y: unknown property" in done.stderr
    assert "Traceback" not in done.stderr
    assert state(store, ontology) == before
    assert [p.name for p in tmp_path.iterdir()] == ["bad.nt"]
