"""What a killed load costs the next one: a load staged whole and stopped just before its
switch (as a SIGKILL there would leave it), then either the deletion a load of another
input runs first (graph.load_stage.drop_abandoned, timed batch by batch; `--then drop`),
or the same input loaded again, which keeps what was staged (`--then rerun`). `--replace`:
the killed load and the next one are replaces (of an empty graph). Prints the staging
time, the next step's time and their ratio; asserts nothing.

    python -m bench.killed_load 1m --backend arcadedb
    python -m bench.killed_load 1m --backend neo4j --then rerun
    python -m bench.killed_load 1m --backend arcadedb --then rerun --replace
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import graph.load as gl
import graph.load_stage as load_stage
from bench.common import SIZES, backend_server, machine, ontology, synth_file
from bench.write_ahead import prepared
from graph import queries


class StopAtSwitch(Exception):
    """Raised by the progress callback as the switch starts: the load is left staged."""


def stop_at_switch(phase: str, done: int, total: int) -> None:
    if phase == "switch" and done == 0:
        raise StopAtSwitch


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", choices=list(SIZES), nargs="?", default="100k")
    ap.add_argument("--backend", choices=["arcadedb", "neo4j"], default="arcadedb")
    ap.add_argument("--batch", type=int, default=10_000, help="nodes deleted per commit")
    ap.add_argument("--then", choices=["drop", "rerun"], default="drop")
    ap.add_argument("--streamed", action="store_true", help="through the index on disk (10M)")
    ap.add_argument("--replace", action="store_true", help="the loads are replaces")
    args = ap.parse_args(argv)
    print(machine())
    onto = ontology()
    with tempfile.TemporaryDirectory(prefix="sahelkg-killed-") as tmp:
        path, triples = synth_file(Path(tmp), SIZES[args.size])
        with backend_server(args.backend) as server, contextlib.ExitStack() as stack:
            data = stack.enter_context(prepared(path, onto, args.streamed, Path(tmp)))
            started = time.perf_counter()
            with contextlib.suppress(StopAtSwitch):
                gl.load(
                    server.store, data, onto.registry, replace=args.replace, progress=stop_at_switch
                )
            staged_s = time.perf_counter() - started
            stages = [r["stage"]["id"] for r in server.store.read(queries.STAGES)]
            print(
                f"{triples:,} triples staged in {staged_s:.1f} s on {server.store.server_version()}"
            )

            if args.then == "rerun":
                started = time.perf_counter()
                report = gl.load(server.store, data, onto.registry, replace=args.replace)
                rerun_s = time.perf_counter() - started
                steps = ", ".join(f"{k} {v:.1f}" for k, v in report.phases.items())
                print(
                    f"loaded again in {rerun_s:.1f} s ({report.kept_nodes:,} of "
                    f"{report.created_nodes:,} nodes kept; {steps}): "
                    f"{rerun_s / staged_s:.2f}x the staging"
                )
                return 0
            batches: list[float] = []
            write = server.store.write

            def timed(work: Any, seen: bool = True) -> Any:
                t0 = time.perf_counter()
                try:
                    return write(work, seen)
                finally:
                    batches.append(time.perf_counter() - t0)

            server.store.write = timed  # type: ignore[method-assign]
            started = time.perf_counter()
            deleted = load_stage.drop_abandoned(server.store, stages, args.batch)
            drop_s = time.perf_counter() - started
    slowest = ", ".join(f"{s:.2f}" for s in sorted(batches, reverse=True)[:5])
    print(
        f"deleted {deleted:,} staged nodes in {drop_s:.1f} s ({len(batches)} commits; "
        f"slowest {slowest} s): {drop_s / staged_s:.2f}x the staging"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
