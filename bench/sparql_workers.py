"""Several API workers and the SPARQL view's full copy at start. With the kept copy
(graph/sparql_keep.py) one worker builds at a time and the others, having waited, start
from the copy it kept; with `SAHELKG_SPARQL_KEEP_COPY=false` (what every worker did before
the lock) each worker exports the graph and loads its own copy.

    python -m bench.sparql_workers --backend arcadedb --size 1m --workers 2 --rounds 2

One store of the benchmark's own, loaded once with the synthetic graph. Per round, each
variant in turn (the kept copy removed first): `sahelkg serve --no-seed --workers N`,
timed from its start until every worker has logged its view up to date ("SPARQL view:
..."), with the CPU the store's JVM used meanwhile (the exports). Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.api_load import serving
from bench.common import SIZES, backend_server, cpu_seconds, machine, ontology, synth_file
from graph import load as gl

VARIANTS = {
    "kept copy, one builder": {},
    "no kept copy: each builds": {"SAHELKG_SPARQL_KEEP_COPY": "false"},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["arcadedb", "neo4j"], default="arcadedb")
    parser.add_argument("--size", choices=list(SIZES), default="1m")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    onto = ontology()
    print(machine(), flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="sahelkg-workers-") as tmp,
        backend_server(args.backend) as server,
    ):
        path, triples = synth_file(Path(tmp), SIZES[args.size])
        report = gl.load(server.store, gl.prepare([path], onto, validate=False), onto.registry)
        print(f"{args.backend}: {triples:,} triples loaded in {report.seconds:.1f}s", flush=True)
        for round_ in range(1, args.rounds + 1):
            for n, (name, env) in enumerate(VARIANTS.items()):
                shutil.rmtree(server.settings.data_dir / "sparql-view", ignore_errors=True)
                log = Path(tmp) / f"serve-{round_}-{n}.log"
                jvm0, t0 = cpu_seconds(server.pid), time.perf_counter()
                with serving(server.settings, None, args.workers, log, env):
                    while len(lines := _view_lines(log)) < args.workers:
                        if time.perf_counter() - t0 > 1800:
                            raise RuntimeError(f"the workers' views were not ready: {log}")
                        time.sleep(0.1)
                    seconds = time.perf_counter() - t0
                    jvm = cpu_seconds(server.pid) - jvm0
                print(
                    f"round {round_} | {name} | all {args.workers} workers' views up to date "
                    f"after {seconds:.1f}s | store JVM CPU {jvm:.1f}s",
                    flush=True,
                )
                for line in lines:
                    print("    " + line, flush=True)
    return 0


def _view_lines(log: Path) -> list[str]:
    text = log.read_text(errors="replace") if log.exists() else ""
    return [
        line.split("INFO:", 1)[-1].strip() for line in text.splitlines() if "SPARQL view:" in line
    ]


if __name__ == "__main__":
    raise SystemExit(main())
