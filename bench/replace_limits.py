"""How large a `--replace` load gets on a server's default limits: a server of our own per
backend with the defaults a user gets (Neo4j: `scripts/neo4j` as it starts, so a 30 s
transaction timeout and 256m per transaction; ArcadeDB: the embedded server, heap
`SAHELKG_EMBEDDED_HEAP` or 6g), a synthetic graph of each size loaded, then the same size
replaced over it (staged under its own load id, what it replaces deleted after the switch).
Prints for each size whether the replace went through, its time, its switch's (what
readers wait for) and its deletion's, or the error; asserts nothing.

    python -m bench.replace_limits 10k 100k 300k --backend both
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import graph.load as gl
from bench.common import machine, neo4j_bench_server, ontology, private_server, synth_file, wipe
from graph.errors import SahelKGError


def size_of(text: str) -> int:
    """10k, 300k, 1m, or a plain number of triples."""
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    return int(text[:-1] if factor > 1 else text) * factor


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="+", type=size_of)
    ap.add_argument("--backend", choices=["arcadedb", "neo4j", "both"], default="both")
    args = ap.parse_args(argv)
    print(machine())
    onto = ontology()
    backends = ["arcadedb", "neo4j"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="sahelkg-replace-") as tmp:
        for backend in backends:
            with neo4j_bench_server() if backend == "neo4j" else private_server() as server:
                print(f"\n{server.store.server_version()}")
                for size in args.sizes:
                    path, triples = synth_file(Path(tmp), size)
                    wipe(server)
                    gl.load(server.store, gl.prepare([path], onto, False), onto.registry)
                    data = gl.prepare([path], onto, False)
                    started = time.perf_counter()
                    try:
                        report = gl.load(server.store, data, onto.registry, replace=True)
                        seconds = time.perf_counter() - started
                        steps = ", ".join(
                            f"{step} {report.phases.get(step, 0.0):.1f} s"
                            for step in ("nodes", "relationships", "switch", "publish", "delete")
                        )
                        print(
                            f"{triples:>10,} triples over as many: replaced in {seconds:.1f} s "
                            f"({steps})"
                        )
                    except SahelKGError as exc:
                        seconds = time.perf_counter() - started
                        print(f"{triples:>10,} triples over as many: failed after {seconds:.1f} s")
                        print(f"           {type(exc).__name__}: {str(exc)[:240]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
