"""SHACL at scale: the load's validation (graph/shacl.py: rudof per group of subjects,
pyShacl only for groups that fail) against pyShacl on the whole input, as before.

    python -m bench.shacl_bench                  # 10k 100k 1m (pyShacl whole up to 100k)
    python -m bench.shacl_bench 100k --whole-up-to 1m

Each figure is one run in a child process (its own peak memory), on synthetic data that
conforms, plus one input with a broken group (the cost of explaining a failure).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import SIZES, machine, self_peak_mb, synth_file


def _child(mode: str, path: str) -> None:
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
        violations = len(shacl.validate(parsed.triples, shacl.Shapes.of(onto.shapes, onto.graph)))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": self_peak_mb(), "violations": violations}))


def run(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.shacl_bench", "--child", mode, str(path)],
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
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    print(f"machine: {machine()}")
    print("| triples | pyShacl whole (s, MB) | by groups (s, MB) | whole/groups | one broken (s) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path, count = synth_file(Path(tmp), SIZES[size.lower()])
            grouped = run("groups", path)
            failing = run("groups", broken(path))
            whole = None
            if SIZES[size.lower()] <= SIZES[args.whole_up_to.lower()]:
                whole = run("whole", path)
            shown = f"{whole['seconds']:.1f}, {whole['peak_mb']:.0f}" if whole else "not run"
            ratio = f"{whole['seconds'] / grouped['seconds']:.1f}x" if whole else "-"
            print(
                f"| {count:,} | {shown} | {grouped['seconds']:.1f}, {grouped['peak_mb']:.0f} "
                f"| {ratio} | {failing['seconds']:.1f} ({failing['violations']:.0f} found) |",
                flush=True,
            )


if __name__ == "__main__":
    main()
