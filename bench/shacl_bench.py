"""SHACL at scale: the load's validation (graph/shacl.py: rudof per group of subjects,
pyShacl only for groups that fail) against pyShacl on the whole input, as before.

    python -m bench.shacl_bench                  # 10k 100k 1m (pyShacl whole up to 100k)
    python -m bench.shacl_bench 100k --whole-up-to 1m
    python -m bench.shacl_bench 1m --whole-up-to 0 --rounds 3   # one process vs side by side

Each figure is one run in a child process (its own peak memory; the peak of the worker
processes it started, if any, beside it), on synthetic data that conforms, plus one input
with a broken group (the cost of explaining a failure). The grouped validation runs with
one process (`workers=1`: every group in the child) and with its default (groups side by
side in worker processes, one per core), alternating, `--rounds` times (median shown).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import SIZES, machine, self_peak_mb, synth_file


def _child(mode: str, path: str, workers: int | None) -> None:
    import pyshacl

    from graph import shacl
    from graph.load import Ontology
    from graph.rdf import parse_files
    from graph.settings import Settings

    settings = Settings()
    onto = Ontology.read(settings.ontology_path, settings.shapes_path)
    assert onto.shapes is not None
    parsed = parse_files([Path(path)])
    started = time.perf_counter()
    if mode == "whole":
        conforms, _, _ = pyshacl.validate(
            parsed.graph + onto.graph, shacl_graph=onto.shapes, allow_warnings=True
        )
        violations = 0 if conforms else -1
    else:
        shapes = shacl.Shapes.of(onto.shapes, onto.graph)
        violations = len(shacl.validate(parsed.triples, shapes, workers=workers))
    seconds = time.perf_counter() - started
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": self_peak_mb(),
                "workers_mb": workers_mb,
                "violations": violations,
            }
        )
    )


def run(mode: str, path: Path, workers: int = 0) -> dict[str, float]:
    """`workers` 0: the validation's default."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.shacl_bench", "--child", mode, str(path), str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def broken(path: Path) -> Path:
    """The same input with every source of one event removed (an event needs one, an
    actor need not): one group to explain."""
    lines = path.read_text().splitlines(keepends=True)
    out = path.with_name(path.stem + "-broken.nt")
    victim = next(
        line.split(" ", 1)[0]
        for line in lines
        if "/id/synth-event-" in line.split(" ", 1)[0] and "/ontology#source>" in line
    )
    out.write_text(
        "".join(x for x in lines if not (x.startswith(victim) and "/ontology#source>" in x))
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["10k", "100k", "1m"])
    parser.add_argument("--whole-up-to", default="100k", help="largest size for pyShacl whole")
    parser.add_argument("--rounds", type=int, default=1, help="of each grouped run")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path, workers = args.child
        _child(mode, path, int(workers) or None)
        return
    print(f"machine: {machine()}")
    print(
        "| triples | pyShacl whole (s, MB) | groups, one process (s, MB) "
        "| groups side by side (s, MB, workers' MB) | whole/side by side | one broken (s) |"
    )
    print("|---|---|---|---|---|---|")
    whole_up_to = SIZES.get(args.whole_up_to.lower(), 0)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path, count = synth_file(Path(tmp), SIZES[size.lower()])
            one: list[dict[str, float]] = []
            side: list[dict[str, float]] = []
            for _ in range(args.rounds):
                one.append(run("groups", path, workers=1))
                side.append(run("groups", path))
            failing = run("groups", broken(path))
            whole = run("whole", path) if SIZES[size.lower()] <= whole_up_to else None
            a, b = _median(one), _median(side)
            shown = f"{whole['seconds']:.1f}, {whole['peak_mb']:.0f}" if whole else "not run"
            ratio = f"{whole['seconds'] / b['seconds']:.1f}x" if whole else "-"
            print(
                f"| {count:,} | {shown} | {a['seconds']:.1f}, {a['peak_mb']:.0f} "
                f"| {b['seconds']:.1f}, {b['peak_mb']:.0f}, {b['workers_mb']:.0f} | {ratio} "
                f"| {failing['seconds']:.1f} ({failing['violations']:.0f} found) |",
                flush=True,
            )
            print("  rounds, one process: " + ", ".join(f"{r['seconds']:.1f}" for r in one))
            print("  rounds, side by side: " + ", ".join(f"{r['seconds']:.1f}" for r in side))


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run of median time (its own memory figures with it)."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


if __name__ == "__main__":
    main()
