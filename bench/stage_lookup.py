"""Finding a stage's nodes on a stored graph: by a scan of every node's `stagedBy` (before
1d733f4) and through the `Resource.loadId` index (now). A synthetic graph is loaded, then
the seeds are staged on top and stopped as their switch starts (as a killed loader leaves
them); each look-up is timed in turn, then the drop the next load runs first (the stage
staged again before each drop). Prints the figures; asserts nothing.

    python -m bench.stage_lookup 1m --backend arcadedb
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import graph.load as gl
import graph.load_stage as load_stage
from bench.common import SIZES, backend_server, machine, ontology, synth_file
from bench.killed_load import StopAtSwitch, stop_at_switch
from graph import queries
from graph.settings import Settings

SCAN = "MATCH (n:Resource) WHERE n.stagedBy = $id"
INDEX = "MATCH (n:Resource) WHERE n.loadId = $id AND n.stagedBy = $id"
LOOKUPS = {
    "stage's nodes: scan": f"{SCAN} RETURN count(n) AS count",
    "stage's nodes: index": f"{INDEX} RETURN count(n) AS count",
    "hidden relationships: scan": (
        "MATCH (n:Resource) WHERE n.stagedBy IN $hidden MATCH (n)-[r]-() "
        "RETURN count(DISTINCT r) AS count"
    ),
    "hidden relationships: index": queries.COUNT_HIDDEN_RELATIONSHIPS,
}
DROPS = {
    "scan": queries.DROP_STAGED_BATCH.replace("n.loadId = $id AND ", ""),
    "index": queries.DROP_STAGED_BATCH,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", choices=list(SIZES), nargs="?", default="1m")
    ap.add_argument("--backend", choices=["arcadedb", "neo4j"], default="arcadedb")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    print(machine())
    onto = ontology()
    seeds = [Settings().ontology_path, *sorted(Path("seeds").glob("*.ttl"))]
    with tempfile.TemporaryDirectory(prefix="sahelkg-stage-") as tmp:
        path, triples = synth_file(Path(tmp), SIZES[args.size])
        with backend_server(args.backend) as server:
            store = server.store
            gl.load(store, gl.prepare([path], onto, validate=False), onto.registry)
            staged = gl.prepare(seeds, onto, validate=False)

            def stage() -> list[str]:
                with contextlib.suppress(StopAtSwitch):
                    gl.load(store, staged, onto.registry, progress=stop_at_switch)
                return [str(r["stage"]["id"]) for r in store.read(queries.STAGES)]

            stages = stage()
            print(f"{triples:,} triples stored, the seeds staged on top ({stages})")
            times: dict[str, list[float]] = {name: [] for name in LOOKUPS}
            counts: dict[str, Any] = {}
            for _ in range(args.rounds):
                for name, statement in LOOKUPS.items():
                    t0 = time.perf_counter()
                    rows = store.read(statement, {"id": stages[0], "hidden": stages})
                    times[name].append(time.perf_counter() - t0)
                    counts[name] = rows[0]["count"]
            for name, ts in times.items():
                print(
                    f"{name}: {counts[name]:,} found, median {statistics.median(ts) * 1000:.0f} ms"
                    f" ({', '.join(f'{t * 1000:.0f}' for t in ts)})"
                )
            drops: dict[str, list[float]] = {name: [] for name in DROPS}
            for rnd in range(2):
                for name, statement in DROPS.items():
                    if rnd or name != "scan":
                        stages = stage()
                    queries.DROP_STAGED_BATCH = statement  # what drop_abandoned sends
                    t0 = time.perf_counter()
                    deleted = load_stage.drop_abandoned(store, stages, 10_000)
                    drops[name].append(time.perf_counter() - t0)
            for name, ts in drops.items():
                print(
                    f"drop of a killed load's {deleted:,} nodes, {name}: "
                    f"{', '.join(f'{t:.2f}' for t in ts)} s"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
