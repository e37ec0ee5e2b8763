"""A union load that changes every stored node: a synthetic graph loaded, then the same
file with one more `skos:altLabel` on each subject. Every node is merged and stamped again
with the new load's id in the switch, the one transaction readers wait for. Prints the
load's steps; asserts nothing.

    python -m bench.union_changes 100k --backend arcadedb
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import graph.load as gl
from bench.common import SIZES, backend_server, machine, ontology, synth_file
from bench.synth import ALT

_FRONT = ("read", "check", "map", "id")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", choices=list(SIZES), nargs="?", default="100k")
    ap.add_argument("--backend", choices=["arcadedb", "neo4j"], default="arcadedb")
    args = ap.parse_args(argv)
    print(machine())
    onto = ontology()
    with tempfile.TemporaryDirectory(prefix="sahelkg-union-") as tmp:
        path, _ = synth_file(Path(tmp), SIZES[args.size])
        text = path.read_text(encoding="utf-8")
        subjects = sorted({line.split(" ", 1)[0] for line in text.splitlines() if line.strip()})
        changed = Path(tmp) / "changed.nt"
        changed.write_text(
            text + "".join(f'{s} {ALT} "again"@en .\n' for s in subjects), encoding="utf-8"
        )
        with backend_server(args.backend) as server:
            gl.load(server.store, gl.prepare([path], onto, validate=False), onto.registry)
            prepared = gl.prepare([changed], onto, validate=False)
            started = time.perf_counter()
            report = gl.load(server.store, prepared, onto.registry)
            seconds = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.1f}" for k, v in report.phases.items() if k not in _FRONT)
    print(
        f"{len(subjects):,} stored subjects changed on {args.backend}: the union load "
        f"wrote in {seconds:.1f} s ({steps} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
