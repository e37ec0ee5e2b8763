"""A `--replace` load killed (SIGKILL) at any step of its one transaction: deleting what is
stored, writing the nodes, the relationships, or as it commits. The server rolls the
transaction back, so readers keep the graph before it; killed as the commit goes out, they
have that graph or the whole new one, never a part. The next replace then goes through.
A loader process of its own, on the real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import synth
from graph import export, queries
from graph.load import load, prepare
from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import DATA, ONTOLOGY, ROOT, SEEDS
from tests.integration.conftest import after_rollback, kill_when, load_paths, loader

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
load(store, prepared, onto.registry, batch_size=200, replace=True, replace_timeout_s=600,
     progress=progress)
print("finished", flush=True)
"""


@pytest.mark.parametrize("stage", ["delete", "nodes", "relationships", "commit"])
def test_a_replace_killed_at_any_step_leaves_the_graph_before_it_or_the_whole_new_one(
    store: Store, ontology: Ontology, tmp_path: Path, cli_env: dict[str, str], stage: str
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    big = tmp_path / "synth.nt"
    synth.write(big, 20_000)  # one transaction: within the Neo4j test server's 256m
    proc = loader(REPLACE_SCRIPT, big, cli_env)

    def stop(line: str, seen: list[str]) -> bool:
        # delete: its first report (the stored graph is small); commit: as it goes out
        # ("commit 0 1"); nodes, relationships: some batches of them written
        return line.startswith(stage + " ") and (
            stage in ("delete", "commit") or len([s for s in seen if s.startswith(stage)]) >= 3
        )

    kill_when(proc, stop)
    after = after_rollback(store, ontology, before)
    # One transaction: no stage marker, nothing staged, nothing for `status` to report.
    assert store.read(queries.STAGES) == []
    status = subprocess.run(
        [sys.executable, "-m", "cli", "status"],
        env=cli_env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "killed" not in status and "in progress" not in status, status

    # The next replace goes through (nothing the killed one held is left in its way).
    report = load(store, prepare([big], ontology, validate=False), ontology.registry, replace=True)
    final = (store.counts(), export.graph_hash(store, ontology.registry))
    assert report.created_nodes == final[0][0] and final != before
    if stage == "commit":  # killed with the commit going out: whole, or not at all
        assert after in (before, final), (after, before, final)
    else:
        assert after == before
    load_paths(store, ontology, ONTOLOGY, SEEDS)
