"""api/view.py: the SPARQL view brought up to date when the graph version changes, without a
query asking, and a failed update not retried in a loop (an engine that counts its calls
stands in for graph.sparql.SparqlEngine; the real one is tested in
tests/integration/test_sparql_view.py)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from api.cache import GraphVersion
from api.view import keep_current
from graph import version


class Engine:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[Any] = []
        self.fail = fail

    def update(self, source: Any) -> bool:
        self.calls.append(source)
        if self.fail:
            raise RuntimeError("the store went away")
        return True


def run(engine: Engine, tmp_path: Path, ids: list[str]) -> list[int]:
    """Start the keeper, let it settle, mark a commit, let it settle; the calls seen after
    each step."""
    marker = version.marker_path(tmp_path)
    version.mark(marker)
    gv = GraphVersion(marker, "build", 0, recheck_s=60)

    async def load_ids() -> list[str]:
        return list(ids)

    async def main() -> list[int]:
        gv.start(load_ids)
        task = asyncio.create_task(keep_current(engine, lambda: "source", gv, poll_s=0.01))
        seen = []
        for step in range(2):
            for _ in range(200):
                await asyncio.sleep(0.01)
                if len(engine.calls) > step:
                    break
            await asyncio.sleep(0.1)  # more polls: no more calls without a change
            seen.append(len(engine.calls))
            ids.append("load-2")
            version.mark(marker)
        task.cancel()
        await gv.stop()
        return seen

    with ThreadPoolExecutor(1) as pool:  # pytest's loop may run in this thread
        return pool.submit(asyncio.run, main()).result()


def test_the_view_is_updated_at_start_and_after_each_commit_only(tmp_path: Path) -> None:
    engine = Engine()
    assert run(engine, tmp_path, ["load-1"]) == [1, 2]
    assert engine.calls == ["source", "source"]


def test_a_failed_update_waits_for_the_next_change(tmp_path: Path) -> None:
    engine = Engine(fail=True)
    assert run(engine, tmp_path, ["load-1"]) == [1, 2]
