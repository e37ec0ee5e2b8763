"""The SPARQL view's full copy kept for the next engine (graph/sparql_keep.py): a new engine
starts from it when the graph's loads carry the same stamps, applies newer loads as a delta,
and builds in full when a load was loaded again, the build changed or the file is gone.
Every copy is compared with a full rebuild of the same source."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rdflib.compare import isomorphic

from graph import sparql_keep
from graph.registry import Registry
from graph.sparql import SparqlEngine
from tests.unit.test_sparql_view import FakeSource, as_graph, base, expected, union


def engine(keep: Path, build: str = "build-1") -> SparqlEngine:
    return SparqlEngine(timeout_s=30, keep_dir=keep, build=build)


def kept_first(src: FakeSource, keep: Path) -> None:
    first = engine(keep)
    try:
        assert first.update(src) and first.updates["full"] == 1 and first.restored == 0
    finally:
        first.close()
    assert (keep / sparql_keep.RECORD).exists() and len(list(keep.glob("view-*.nt"))) == 1


def test_a_new_engine_starts_from_the_kept_copy(registry: Registry, tmp_path: Path) -> None:
    src = base(registry)
    kept_first(src, tmp_path)
    second = engine(tmp_path)
    try:
        assert second.update(src)
        assert second.restored == 1 and second.updates == {"full": 0, "delta": 0}
        assert isomorphic(as_graph(second), expected(src))
        assert second.update(src) is False
    finally:
        second.close()


def test_loads_since_the_kept_copy_come_as_a_delta(registry: Registry, tmp_path: Path) -> None:
    src = base(registry)
    kept_first(src, tmp_path)
    union(src)
    second = engine(tmp_path)
    try:
        assert second.update(src)
        assert second.restored == 1 and second.updates == {"full": 0, "delta": 1}
        assert isomorphic(as_graph(second), expected(src))
    finally:
        second.close()


def test_a_copy_that_does_not_fit_is_built_again(registry: Registry, tmp_path: Path) -> None:
    src = base(registry)
    kept_first(src, tmp_path)
    src.stamps["a"] = "a, loaded again"  # the same load id, another commit
    for keep_dir, build in ((tmp_path, "build-1"), (tmp_path, "build-2")):
        other = engine(keep_dir, build)
        try:
            assert other.update(src)
            assert other.restored == 0 and other.updates == {"full": 1, "delta": 0}
            assert isomorphic(as_graph(other), expected(src))
        finally:
            other.close()
    # The last full build was kept in place of the first: one file, the new stamps.
    assert len(list(tmp_path.glob("view-*.nt"))) == 1
    for path in tmp_path.glob("view-*.nt"):
        path.unlink()  # the record names a file that is gone
    last = engine(tmp_path, "build-2")
    try:
        assert last.update(src) and last.restored == 0 and last.updates["full"] == 1
    finally:
        last.close()


def test_one_engine_builds_and_one_that_waited_starts_from_its_copy(
    registry: Registry, tmp_path: Path
) -> None:
    """Two API workers on one data directory: the second to need a full copy waits for the
    first one's build, then starts from the copy it kept instead of exporting the graph."""
    from tests.unit.test_sparql_jobs import held

    src = held(registry)
    first, second = engine(tmp_path), engine(tmp_path)
    try:
        builder = threading.Thread(target=first.update, args=(src,))
        builder.start()
        while src.exports == 0:  # the first one is exporting, under the lock
            time.sleep(0.01)
        waiter = threading.Thread(target=second.update, args=(src,))
        waiter.start()
        time.sleep(0.2)  # gives a second build, if it were allowed, time to begin
        assert src.exports == 1
        src.go.set()
        builder.join(30)
        waiter.join(30)
        assert first.updates == {"full": 1, "delta": 0} and first.restored == 0
        assert second.updates == {"full": 0, "delta": 0} and second.restored == 1
        assert src.exports == 1
        assert isomorphic(as_graph(second), as_graph(first))
    finally:
        first.close()
        second.close()
