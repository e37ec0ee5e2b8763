"""The Python front of a load, no server: what `sahelkg load` does before (read whole) or
while (streamed) it writes. This checkout against a baseline revision, in alternating
rounds, each round a fresh process (nothing cached from the round before):

- whole:    graph.load.prepare(validate=False): read, check, map, id;
- streamed: graph.load_stream.prepare_streamed(validate=False): read (into the index on
            disk), id; then every node and relationship taken, which maps the input (map).

    .venv/bin/python -m bench.front 1m --rounds 3 --baseline e940c03
    .venv/bin/python -m bench.front 100k --baseline none

Seconds per phase, median of the rounds; CPU-bound (one core), so the same-run ratio
between revisions is what to read, not the figure of another day.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, SIZES, export_revision, machine, synth_file

# Run in the child, with the revision's code first on the import path: only calls that
# every revision measured here has (prepare, prepare_streamed and their phases).
_CHILD = """
import json, sys, time
from pathlib import Path
from graph.load import prepare
from graph.load_stream import prepare_streamed
from graph.ontology import Ontology
from graph.settings import Settings

path, how = Path(sys.argv[1]), sys.argv[2]
onto = Ontology.read(Settings().ontology_path, None)
started = time.perf_counter()
if how == "whole":
    phases = dict(prepare([path], onto, validate=False).phases)
else:
    with prepare_streamed([path], onto, validate=False, directory=path.parent) as s:
        for _ in s.nodes():
            pass
        for _, rels in s.rel_groups():
            for _ in rels:
                pass
        phases = dict(s.phases)
phases["total"] = time.perf_counter() - started
print(json.dumps(phases))
"""

PHASES = ("read", "check", "map", "id", "total")


def one_round(code: Path, path: Path, how: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), how],
        env=env,
        cwd=code,
        check=True,
        capture_output=True,
        text=True,
    )
    phases: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", choices=sorted(SIZES), help="synthetic input size")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--how", choices=["whole", "streamed", "both"], default="both")
    parser.add_argument("--baseline", default="none", help="git revision ('none': skip)")
    args = parser.parse_args(argv)
    hows = ["whole", "streamed"] if args.how == "both" else [args.how]
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="sahelkg-front-") as tmp:
        path, triples = synth_file(Path(tmp), SIZES[args.size])
        revisions = {"this checkout": ROOT}
        if args.baseline != "none":
            code, commit = export_revision(args.baseline, Path(tmp) / "code")
            revisions = {f"baseline {commit}": code, **revisions}
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        for round_ in range(args.rounds):
            for how in hows:
                for name, code in revisions.items():
                    phases = one_round(code, path, how)
                    results.setdefault((how, name), []).append(phases)
                    shown = " ".join(f"{k} {v:.2f}" for k, v in phases.items())
                    print(f"round {round_ + 1} {how} {name}: {shown}", flush=True)
    print(f"\n{triples:,} triples, median of {args.rounds} round(s), seconds:\n")
    print("| input | revision | " + " | ".join(PHASES) + " |")
    print("| --- | --- |" + " ---: |" * len(PHASES))
    for (how, name), rounds in results.items():
        cells = [
            f"{statistics.median(r[p] for r in rounds):.2f}" if p in rounds[0] else "–"
            for p in PHASES
        ]
        print(f"| {how} | {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
