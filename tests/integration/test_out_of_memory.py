"""A server that runs out of heap during a load: ArcadeDB answers the client with an
UnknownError naming the statement, not the memory (BENCHMARKS.md 2f); the store reads the
cause from the server's log and the error says what to do. A real server with a heap too
small for the load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import synth
from graph import embedded
from graph.errors import StoreError
from graph.load import Ontology, load, prepare
from graph.store import open_store
from tests.conftest import ONTOLOGY
from tests.integration.conftest import BACKEND, embedded_server

pytestmark = pytest.mark.integration


@pytest.mark.skipif(
    BACKEND != "arcadedb",
    reason="an embedded server of its own with a small heap: the suite's ArcadeDB pass only",
)
def test_a_load_that_runs_the_server_out_of_heap_says_so_and_keeps_the_graph(
    tmp_path: Path, ontology: Ontology
) -> None:
    data = tmp_path / "synth.nt"
    synth.write(data, 300_000)  # measured: a 96m heap runs out during its relationships
    with embedded_server(tmp_path / "store", embedded_heap="96m") as settings:
        pid_file = json.loads((settings.embedded_dir / "server.pid").read_text())
        assert pid_file["heap"] == "96m"
        store = open_store(settings)
        try:
            load(store, prepare([ONTOLOGY], ontology, validate=False), ontology.registry)
            before = store.counts()
            with pytest.raises(StoreError) as err:
                load(store, prepare([data], ontology, validate=False), ontology.registry)
            message = str(err.value)
            assert "ran out of memory" in message and "heap is 96m" in message
            assert "SAHELKG_EMBEDDED_HEAP" in message
            assert str(settings.embedded_dir / "server.log") in message
            # As the message says: the server is restarted (after an OutOfMemoryError some of
            # its query slots may stay taken), and the graph is the one before the load.
            embedded.stop(settings)
            embedded.start(settings)
            assert store.counts() == before
        finally:
            store.close()
