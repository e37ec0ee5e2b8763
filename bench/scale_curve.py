"""Scale curve: load time, peak memory (this process and the server's JVM) and query latency
(one-hop ego network, shortest path, an actor's relations holding on a date as the API
asks them) at 10k, 100k, 1M and 10M synthetic triples, on either server or both.

    python -m bench.scale_curve                        # 10k 100k 1m, embedded ArcadeDB
    python -m bench.scale_curve --to 10M --backend both
    python -m bench.scale_curve 10k 100k --backend neo4j

Each size runs in a child process with a fresh private server (warmed by a 5k-triple load,
then emptied), so both peaks (the Python
process's ru_maxrss, the JVM's VmHWM from /proc/<pid>/status) belong to that size alone.
Latencies are medians (and p90) of repeated queries over a fixed sample of start nodes,
through graph.store.Store.read as the API runs them. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
    neo4j_server,
    ontology,
    private_server,
    self_peak_mb,
    synth_file,
    vm_hwm_mb,
)
from graph import asof, queries
from graph.load_stream import prepare_streamed

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
RELATION_TYPES = ["ALLIED_WITH", "HOSTILE_TO", "AFFILIATED_WITH", "SUPPORTED_BY", "PARTNER_OF"]
REPEATS = 60


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def one(label: str, heap: str | None, backend: str) -> dict[str, Any]:
    onto = ontology()
    server_cm = neo4j_server(heap or "4g") if backend == "neo4j" else private_server(heap)
    with tempfile.TemporaryDirectory(prefix="sahelkg-scale-") as tmp, server_cm as server:
        idle_jvm = vm_hwm_mb(server.pid) or 0.0
        warm, _ = synth_file(Path(tmp), 5_000)  # a running server is warm: JIT first
        gl.load(server.store, gl.prepare([warm], onto, validate=False), onto.registry)
        gl.clear(server.store)
        path, triples = synth_file(Path(tmp), SIZES[label])
        before_load_mb = self_peak_mb()  # the warm-up and the synthetic file's writing
        t0 = time.perf_counter()
        # Streamed (graph/load_stream.py), as `sahelkg load` does above 64 MB: the client
        # holds a batch and the created nodes' ids, whatever the size.
        with prepare_streamed([path], onto, validate=False, directory=Path(tmp)) as prepared:
            prepare_s = time.perf_counter() - t0
            index_mb = sum(f.stat().st_size for f in prepared.index.directory.iterdir()) / 1e6
            report = gl.load(server.store, prepared, onto.registry)
            load_s = time.perf_counter() - t0
            nodes, rels = prepared.node_count, prepared.rel_count
        py_peak = self_peak_mb()
        jvm_peak = vm_hwm_mb(server.pid) or 0.0

        rng = random.Random(7)
        events = max(1, triples // 18)
        actors = max(5, events // 20)
        ego_ms: list[float] = []
        path_ms: list[float] = []
        at_ms: list[float] = []
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
            a, b = rng.sample(range(actors), 2)  # Neo4j refuses a shortest path to itself
            t = time.perf_counter()
            found = server.store.read(PATH, {"a": f"{K}actor-{a}", "b": f"{K}actor-{b}"})
            path_ms.append((time.perf_counter() - t) * 1000)
            hops.extend(int(r["hops"]) for r in found[:1])
            day = dt.date(rng.randint(2012, 2025), rng.randint(1, 12), 15)
            t = time.perf_counter()
            server.store.read(
                queries.API_ACTOR_RELATIONS,
                {"iri": iri, "types": RELATION_TYPES, "limit": 10_000, **asof.params(day)},
            )
            at_ms.append((time.perf_counter() - t) * 1000)
        return {
            "backend": backend,
            "server": server.store.server_version(),
            "size": label,
            "triples": triples,
            "nodes": nodes,
            "relationships": rels,
            "prepare_s": prepare_s,
            "load_s": load_s,
            "write_s": report.seconds,
            "py_peak_mb": py_peak,
            "py_before_mb": before_load_mb,
            "index_mb": index_mb,
            "phases": {k: round(v, 1) for k, v in {**prepared.phases, **report.phases}.items()},
            "jvm_idle_mb": idle_jvm,
            "jvm_peak_mb": jvm_peak,
            "ego_p50_ms": statistics.median(ego_ms),
            "ego_p90_ms": percentile(ego_ms, 0.9),
            "ego_degree": statistics.median(degrees),
            "path_p50_ms": statistics.median(path_ms),
            "path_p90_ms": percentile(path_ms, 0.9),
            "path_hops": statistics.median(hops) if hops else None,
            "at_p50_ms": statistics.median(at_ms),
            "at_p90_ms": percentile(at_ms, 0.9),
            "paths_found": len(hops),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", choices=[*SIZES, []], help="10k 100k 1m 10m")
    parser.add_argument(
        "--to", type=str.lower, choices=list(SIZES), default="1m", help="up to this size (1M)"
    )
    parser.add_argument("--backend", choices=["arcadedb", "neo4j", "both"], default="arcadedb")
    parser.add_argument("--one", choices=list(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--heap", default=None)
    args = parser.parse_args(argv)
    if not args.sizes:
        labels = list(SIZES)
        args.sizes = labels[: labels.index(args.to) + 1]
    if args.one:
        print(json.dumps(one(args.one, args.heap, args.backend)), flush=True)
        return 0

    print(f"machine: {machine()}", flush=True)
    rows = []
    backends = ["arcadedb", "neo4j"] if args.backend == "both" else [args.backend]
    for backend in backends:
        for label in args.sizes:
            command = [sys.executable, "-m", "bench.scale_curve", "--one", label]
            command += ["--backend", backend] + (["--heap", args.heap] if args.heap else [])
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"[{backend} {label}] FAILED:\n{done.stderr[-2000:]}", flush=True)
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"[{backend} {label}] {row}", flush=True)
            rows.append(row)

    print()
    print(
        "| backend | triples | nodes | rels | load (s) | triples/s | python peak (MB) | index (MB) "
        "| JVM peak (MB) | ego p50 / p90 (ms) | path p50 / p90 (ms) | relations at p50 / p90 (ms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['backend']} | {r['triples']:,} | {r['nodes']:,} | {r['relationships']:,} "
            f"| {r['load_s']:.1f} "
            f"| {r['triples'] / r['load_s']:,.0f} | {r['py_peak_mb']:,.0f} | {r['index_mb']:,.0f} "
            f"| {r['jvm_peak_mb']:,.0f} | {r['ego_p50_ms']:.1f} / {r['ego_p90_ms']:.1f} "
            f"| {r['path_p50_ms']:.1f} / {r['path_p90_ms']:.1f} "
            f"| {r['at_p50_ms']:.1f} / {r['at_p90_ms']:.1f} |"
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
