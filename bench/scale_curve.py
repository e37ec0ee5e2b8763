"""Scale curve: load time, peak memory (this process and the server's JVM) and query latency
(one-hop ego network, shortest path) at 10k, 100k and 1M synthetic triples.

    python -m bench.scale_curve                 # 10k 100k 1m
    python -m bench.scale_curve 10k 100k

Each size runs in a child process with a fresh private server (warmed by a 5k-triple load,
then emptied), so both peaks (the Python
process's ru_maxrss, the JVM's VmHWM from /proc/<pid>/status) belong to that size alone.
Latencies are medians (and p90) of repeated queries over a fixed sample of start nodes,
through graph.store.Store.read as the API runs them. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import graph.load as gl
from bench.common import (
    ROOT,
    SIZES,
    machine,
    ontology,
    private_server,
    self_peak_mb,
    synth_file,
    vm_hwm_mb,
)

EGO = """
MATCH (n:Resource {iri: $iri})-[r]-(m:Resource)
RETURN type(r) AS type, m.iri AS iri, m.name AS name
"""
PATH = """
MATCH (a:Resource {iri: $a}), (b:Resource {iri: $b})
MATCH p = shortestPath((a)-[*..8]-(b))
RETURN length(p) AS hops
"""
K = "https://w3id.org/sahel-kg/id/synth-"
REPEATS = 60


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def one(label: str, heap: str | None) -> dict[str, Any]:
    onto = ontology()
    with (
        tempfile.TemporaryDirectory(prefix="sahelkg-scale-") as tmp,
        private_server(heap) as server,
    ):
        idle_jvm = vm_hwm_mb(server.pid) or 0.0
        warm, _ = synth_file(Path(tmp), 5_000)  # a running server is warm: JIT first
        gl.load(server.store, gl.prepare([warm], onto, validate=False), onto.registry)
        gl.clear(server.store)
        path, triples = synth_file(Path(tmp), SIZES[label])
        t0 = time.perf_counter()
        prepared = gl.prepare([path], onto, validate=False)
        prepare_s = time.perf_counter() - t0
        report = gl.load(server.store, prepared, onto.registry)
        load_s = time.perf_counter() - t0
        nodes, rels = len(prepared.pg.nodes), len(prepared.pg.rels)
        del prepared
        py_peak = self_peak_mb()
        jvm_peak = vm_hwm_mb(server.pid) or 0.0

        rng = random.Random(7)
        events = max(1, triples // 18)
        actors = max(5, events // 20)
        ego_ms: list[float] = []
        path_ms: list[float] = []
        degrees: list[int] = []
        hops: list[int] = []
        for _ in range(5):  # warm-up
            server.store.read(EGO, {"iri": f"{K}actor-0"})
        for _ in range(REPEATS):
            iri = f"{K}actor-{rng.randrange(actors)}"
            t = time.perf_counter()
            rows = server.store.read(EGO, {"iri": iri})
            ego_ms.append((time.perf_counter() - t) * 1000)
            degrees.append(len(rows))
            a, b = rng.randrange(actors), rng.randrange(actors)
            t = time.perf_counter()
            found = server.store.read(PATH, {"a": f"{K}actor-{a}", "b": f"{K}actor-{b}"})
            path_ms.append((time.perf_counter() - t) * 1000)
            hops.extend(int(r["hops"]) for r in found[:1])
        return {
            "size": label,
            "triples": triples,
            "nodes": nodes,
            "relationships": rels,
            "prepare_s": prepare_s,
            "load_s": load_s,
            "write_s": report.seconds,
            "py_peak_mb": py_peak,
            "jvm_idle_mb": idle_jvm,
            "jvm_peak_mb": jvm_peak,
            "ego_p50_ms": statistics.median(ego_ms),
            "ego_p90_ms": percentile(ego_ms, 0.9),
            "ego_degree": statistics.median(degrees),
            "path_p50_ms": statistics.median(path_ms),
            "path_p90_ms": percentile(path_ms, 0.9),
            "path_hops": statistics.median(hops) if hops else None,
            "paths_found": len(hops),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", choices=[*SIZES, []], help="10k, 100k, 1m (all)")
    parser.add_argument("--one", choices=list(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--heap", default=None)
    args = parser.parse_args(argv)
    args.sizes = args.sizes or list(SIZES)
    if args.one:
        print(json.dumps(one(args.one, args.heap)), flush=True)
        return 0

    print(f"machine: {machine()}", flush=True)
    rows = []
    for label in args.sizes:
        command = [sys.executable, "-m", "bench.scale_curve", "--one", label]
        if args.heap:
            command += ["--heap", args.heap]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"[{label}] FAILED:\n{done.stderr[-2000:]}", flush=True)
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"[{label}] {row}", flush=True)
        rows.append(row)

    print()
    print(
        "| triples | nodes | rels | load (s) | triples/s | python peak (MB) | JVM peak (MB) "
        "| ego p50 / p90 (ms) | path p50 / p90 (ms) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['triples']:,} | {r['nodes']:,} | {r['relationships']:,} | {r['load_s']:.1f} "
            f"| {r['triples'] / r['load_s']:,.0f} | {r['py_peak_mb']:,.0f} "
            f"| {r['jvm_peak_mb']:,.0f} | {r['ego_p50_ms']:.1f} / {r['ego_p90_ms']:.1f} "
            f"| {r['path_p50_ms']:.1f} / {r['path_p90_ms']:.1f} |"
        )
    if rows:
        r = rows[0]
        print(
            f"(ego: median degree {r['ego_degree']}; paths: median {r['path_hops']} hops, "
            f"{r['paths_found']}/{REPEATS} pairs connected within 8 hops at {r['size']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
