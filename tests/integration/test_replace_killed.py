"""A `--replace` load killed (SIGKILL) at any step: while it stages its nodes or its
relationships, as its switch starts, while it publishes, or while it deletes the graph it
replaced. Before the switch readers keep the graph before it; after it, the whole new one
and nothing of the old; killed as the switch goes out, one or the other. `status` says what
was left, and the same replace again goes through: killed before its switch, it resumes
what it staged (a replace of another input deletes that). A loader process of its own, on
the real server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import synth
from graph import export, queries
from graph.load import load, prepare
from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import ONTOLOGY, SEEDS
from tests.integration.conftest import after_rollback, kill_when, load_paths, loader, status_of

pytestmark = pytest.mark.integration

REPLACE_SCRIPT = """
import sys
from pathlib import Path
from graph.load import load, prepare
from graph.ontology import Ontology
from graph.settings import Settings
from graph.store import open_store

def progress(phase, done, total):
    print(phase, done, total, flush=True)

settings = Settings()
onto = Ontology.read(settings.ontology_path, None)
prepared = prepare([Path(sys.argv[1])], onto, validate=False)
store = open_store(settings)
load(store, prepared, onto.registry, batch_size=200, replace=True, progress=progress)
print("finished", flush=True)
"""


@pytest.mark.parametrize("stage", ["nodes", "relationships", "switch", "publish", "delete"])
def test_a_replace_killed_at_any_step_leaves_the_graph_before_it_or_the_whole_new_one(
    store: Store, ontology: Ontology, tmp_path: Path, cli_env: dict[str, str], stage: str
) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)  # 843 nodes: the deletion takes 5 batches
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    big = tmp_path / "synth.nt"
    synth.write(big, 20_000)
    proc = loader(REPLACE_SCRIPT, big, cli_env)

    def stop(line: str, seen: list[str]) -> bool:
        # switch: as it starts ("switch 0 1"); the others: after some batches of them
        return line.startswith(stage + " ") and (
            stage == "switch" or len([s for s in seen if s.startswith(stage)]) >= 2
        )

    kill_when(proc, stop)
    after = after_rollback(store, ontology, before)
    status = status_of(cli_env)
    switched = after != before
    assert ("a replace killed after its switch" in status) == switched, status
    assert ("a killed load left" in status) == (not switched), status
    said = " ".join(status.split())  # the console wraps long lines
    resumable = "(a replace), hidden from readers"
    assert (resumable in said and "replacing with the same input again keeps" in said) == (
        not switched
    ), status
    # What `status` counts is what readers see (their graph alone, while the old one goes).
    assert f"nodes: {after[0][0]:,}  relationships: {after[0][1]:,}" in status, status

    # The same replace again goes through: it resumes what the killed one staged (killed
    # before its switch), or finishes what it published first.
    report = load(store, prepare([big], ontology, validate=False), ontology.registry, replace=True)
    final = (store.counts(), export.graph_hash(store, ontology.registry))
    assert report.created_nodes == final[0][0] and final != before
    assert store.read(queries.STAGES) == []
    assert store.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"] == final[0][0]
    if stage in ("nodes", "relationships"):
        assert after == before and report.abandoned_nodes == 0
        assert 0 < report.kept_nodes <= report.created_nodes, report
        # nothing lost or doubled: what a replace of the same input not killed writes
        again = load(
            store, prepare([big], ontology, validate=False), ontology.registry, replace=True
        )
        assert again.kept_nodes == 0 and again.deleted_nodes == final[0][0]
        assert (store.counts(), export.graph_hash(store, ontology.registry)) == final
    elif stage == "switch":  # killed with the switch going out: whole, or not at all
        assert after in (before, final), (after, before, final)
    else:  # switched: readers had the whole new graph, nothing of the old
        assert after == final and report.deleted_nodes >= final[0][0]


def test_a_killed_replace_is_cleared_by_a_replace_of_another_input(
    store: Store, ontology: Ontology, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """Resumed only by the same replace: one of another input deletes what it staged."""
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    big = tmp_path / "synth.nt"
    synth.write(big, 20_000)
    proc = loader(REPLACE_SCRIPT, big, cli_env)
    kill_when(proc, lambda line, seen: line.startswith("relationships ") and len(seen) > 3)
    assert after_rollback(store, ontology, before) == before
    report = load(
        store, prepare([ONTOLOGY, SEEDS], ontology, validate=False), ontology.registry, replace=True
    )
    assert report.abandoned_nodes > 0 and report.kept_nodes == 0
    assert store.read(queries.STAGES) == []
    assert (store.counts(), export.graph_hash(store, ontology.registry)) == before
