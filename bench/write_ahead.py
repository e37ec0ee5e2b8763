"""What the write-ahead gains: a staged load's batches run in a thread of their own while
the next batch is made (graph/load_write.py, Writer.submit), against the same load with
every batch run in turn. Same server, same input prepared once (read whole, or streamed
through the index on disk with --streamed, whose mapping runs as the nodes are written:
each load maps again), rounds alternating off/on into an emptied graph, so both see the
same machine. The figure compared is graph.load.load's own time (for a streamed input,
the mapping included). Prints per round and the medians; asserts nothing.

    python -m bench.write_ahead 100k --backend neo4j --rounds 3
    python -m bench.write_ahead 1m --backend arcadedb --streamed
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import graph.load as gl
from bench.common import SIZES, Server, machine, neo4j_server, ontology, private_server, synth_file
from graph.load import Input
from graph.load_stream import prepare_streamed
from graph.ontology import Ontology


@contextmanager
def prepared(path: Path, onto: Ontology, streamed: bool, tmp: Path) -> Iterator[Input]:
    if streamed:
        with prepare_streamed([path], onto, validate=False, directory=tmp) as s:
            yield s
    else:
        yield gl.prepare([path], onto, validate=False)


def rounds(
    server: Server, data: Input, onto: Ontology, n: int, streamed: bool
) -> dict[bool, list[float]]:
    times: dict[bool, list[float]] = {False: [], True: []}
    for i in range(n):
        for ahead in (False, True):
            gl.clear(server.store)
            report = gl.load(server.store, data, onto.registry, write_ahead=ahead)
            times[ahead].append(report.seconds)
            mapped = f", map {data.phases['map']:.2f} s during nodes" if streamed else ""
            print(
                f"  round {i + 1} write-ahead {'on ' if ahead else 'off'}: load "
                f"{report.seconds:.2f} s (nodes {report.phases['nodes']:.2f} s, relationships "
                f"{report.phases['relationships']:.2f} s{mapped}; load average "
                f"{os.getloadavg()[0]:.1f})",
                flush=True,
            )
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", choices=list(SIZES), nargs="?", default="100k")
    ap.add_argument("--backend", choices=["arcadedb", "neo4j"], default="arcadedb")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--streamed", action="store_true", help="through the index on disk")
    args = ap.parse_args(argv)
    print(machine())
    onto = ontology()
    server_cm = neo4j_server() if args.backend == "neo4j" else private_server()
    with tempfile.TemporaryDirectory(prefix="sahelkg-ahead-") as tmp, server_cm as server:
        path, triples = synth_file(Path(tmp), SIZES[args.size])
        warm, _ = synth_file(Path(tmp), 5_000)  # a running server is warm: JIT first
        gl.load(server.store, gl.prepare([warm], onto, validate=False), onto.registry)
        with prepared(path, onto, args.streamed, Path(tmp)) as data:
            mode = "streamed" if args.streamed else "read whole"
            print(f"{triples:,} triples ({mode}) on {server.store.server_version()}")
            times = rounds(server, data, onto, args.rounds, args.streamed)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(
        f"median load: off {off:.2f} s, on {on:.2f} s, "
        f"on/off {on / off:.2f} ({triples / off:,.0f} vs {triples / on:,.0f} triples/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
