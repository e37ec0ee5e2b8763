"""The HTTP API under load: wrk (Debian package `wrk`), 32 connections, 2 threads, loopback
only, on the ontology + seeds, on either backend or both, this code against another
revision ("today's": where this branch left `main`, by default) on the SAME store in the
same run.

    apt-get install -y wrk
    python -m bench.api_load                          # both backends, 10 s per run
    python -m bench.api_load --backend arcadedb --duration 30 --baseline none

Per backend: one store of its own (an embedded ArcadeDB server, or a Neo4j 5.26 server
from scripts/neo4j; stopped by PID at the end), loaded once with the ontology and the
seeds; two `sahelkg serve --no-seed` processes on it, one per revision (the other one
exported with `git archive` into a temporary folder and run from there). Per endpoint, in
turn, on the same machine minutes apart:

- **today**: the baseline revision, the same URL every request;
- **today uncached**: the baseline revision, a different URL every request (as `uncached`);
- **cached**: this code, the same URL every request (after the first, answered from the
  worker's cache);
- **uncached**: this code, a different URL every request (an ignored `_u` parameter: each
  request misses the cache, renders and is kept, as a first visit would);
- **304**: this code, the same URL with `If-None-Match` (a client revalidating).

Before the first timed run, each revision answers every chosen endpoint uncached for
`--warmup` seconds (the JVM's JIT), and each timed run follows one untimed second of its
own requests; the order of the revisions turns from one endpoint to the next.

Prints requests/s, p50, p99, non-2xx (wrk counts 4xx and 5xx only; `first_status` is what
a first request got: 304 for the revalidation runs), socket errors, and the CPU the API
process(es) and the store's JVM used per request. Figures are printed, never asserted; the
machine is shared, so compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    cpu_seconds,
    export_revision,
    free_port,
    machine,
    neo4j_server,
    private_server,
)
from graph.load import Ontology, load, prepare
from graph.settings import Settings

ENDPOINTS: list[tuple[str, str]] = [
    ("search", "/actors?q=jnim"),
    ("relations", "/actors/jnim/relations?at=2020-06-01"),
    ("neighbourhood", "/actors/jnim/neighbourhood"),
    ("paths", "/paths?from=jnim&to=russia"),
]
VARIANTS = ("today", "today uncached", "cached", "uncached", "304")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# Each wrk thread numbers its requests; `tid` keeps the two threads' URLs apart.
UNIQUE_LUA = """
local n = 0
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function request()
  n = n + 1
  return wrk.format(nil, wrk.path .. SEP .. "_u=" .. RUN .. tid .. "-" .. n)
end
"""


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def parse_wrk(out: str) -> dict[str, Any]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": _ms(p50.group(1)) if p50 else float("nan"),
        "p99_ms": _ms(p99.group(1)) if p99 else float("nan"),
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in sock.groups()) if sock else 0,
    }


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
            return int(answer.status), {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as exc:  # urllib raises on a 304 too
        return int(exc.code), {k.lower(): v for k, v in exc.headers.items()}


def serve_command(code: Path | None) -> list[str]:
    """`sahelkg` of this checkout, or of an exported revision (its own entry point, run
    with that folder first on the import path)."""
    if code is None:
        return [str(Path(sys.executable).parent / "sahelkg")]
    scripts = tomllib.loads((code / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, attr = scripts["sahelkg"].partition(":")
    boot = f"import sys; sys.argv[0] = 'sahelkg'; from {module} import {attr} as m; sys.exit(m())"
    return [sys.executable, "-c", boot]


@contextlib.contextmanager
def serving(
    settings: Settings,
    code: Path | None,
    workers: int,
    log: Path,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHELKG_")}
    env.update(SAHELKG_DATA_DIR=str(settings.data_dir), **(extra_env or {}))
    if settings.embedded:
        env.update(
            SAHELKG_EMBEDDED_BOLT_PORT=str(settings.embedded_bolt_port),
            SAHELKG_EMBEDDED_HTTP_PORT=str(settings.embedded_http_port),
        )
    else:
        env.update(
            SAHELKG_NEO4J_URI=settings.bolt_uri,
            SAHELKG_NEO4J_USER=settings.neo4j_user,
            SAHELKG_NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
            SAHELKG_NEO4J_DATABASE=settings.neo4j_database,
        )
    if code is not None:
        env["PYTHONPATH"] = str(code)
    out = log.open("wb")
    proc = subprocess.Popen(
        [*serve_command(code), "serve", "--no-seed", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        cwd=code or ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"serve exited ({proc.returncode}): {log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                if fetch(base + "/health")[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not become healthy in 240 s")
            time.sleep(0.5)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out.close()


def wrk_run(
    wrk: str, url: str, seconds: int, connections: int, tmp: Path, variant: str, etag: str
) -> dict[str, Any]:
    command = [wrk, f"-c{connections}", f"-t{min(connections, 2)}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "10s"]
    if variant.endswith("uncached"):
        script = tmp / "unique.lua"
        sep = "&" if "?" in url else "?"
        # RUN: a token of this run's own, so no run repeats another's URLs (the warm-up's).
        run = json.dumps(uuid.uuid4().hex[:8] + "-")
        script.write_text(UNIQUE_LUA.replace("SEP", json.dumps(sep)).replace("RUN", run))
        command += ["-s", str(script)]
    if variant == "304":
        command += ["-H", f"If-None-Match: {etag}"]
    return parse_wrk(subprocess.run([*command, url], capture_output=True, text=True).stdout)


@contextlib.contextmanager
def store_for(backend: str) -> Iterator[tuple[Settings, int]]:
    """A seeded store of the benchmark's own, and its JVM's PID."""
    cm = private_server(heap="2g") if backend == "arcadedb" else neo4j_server(heap="2g")
    with cm as server:
        s = Settings()
        onto = Ontology.read(s.ontology_path, None)
        prepared = prepare([s.ontology_path, s.seeds_dir], onto, validate=False)
        load(server.store, prepared, onto.registry)
        yield server.settings, server.pid


def bench_backend(
    args: argparse.Namespace, wrk: str, backend: str, baseline: Path | None
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with store_for(backend) as (settings, jvm), tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with contextlib.ExitStack() as stack:
            services: dict[str, tuple[str, int]] = {
                "new": stack.enter_context(serving(settings, None, args.workers, tmp / "new.log"))
            }
            if baseline is not None:
                log = tmp / "today.log"
                services["today"] = stack.enter_context(
                    serving(settings, baseline, args.workers, log)
                )
            print(f"[{backend}] {machine()}", flush=True)
            # The JVM's JIT warms over the first seconds of load: without this, the first
            # timed run (whichever revision it is) ran on a colder server than the others.
            chosen = [p for n, p in ENDPOINTS if not args.endpoints or n in args.endpoints]
            for (base, _), path in itertools.product(services.values(), chosen):
                wrk_run(wrk, base + path, args.warmup, args.connections, tmp, "uncached", "")
            for i, (name, path) in enumerate(ENDPOINTS):
                if args.endpoints and name not in args.endpoints:
                    continue
                # The order turns from endpoint to endpoint, so that neither revision always
                # runs first on a JVM the previous endpoint has just warmed.
                for variant in VARIANTS if i % 2 == 0 else VARIANTS[::-1]:
                    if variant.startswith("today") and "today" not in services:
                        continue
                    if args.variants and variant not in args.variants:
                        continue
                    base, pid = services["today" if variant.startswith("today") else "new"]
                    status, headers = fetch(base + path)  # it must work (and is now cached)
                    etag = headers.get("etag", "")
                    if variant == "304":  # and revalidate: the status wrk will get
                        status = fetch(base + path, {"If-None-Match": etag})[0]
                    # One untimed second of the same requests first: each timed run starts
                    # on a server and a JVM that have just answered them.
                    wrk_run(wrk, base + path, 1, args.connections, tmp, variant, etag)
                    api0, jvm0 = cpu_seconds(pid), cpu_seconds(jvm)
                    r = wrk_run(
                        wrk, base + path, args.duration, args.connections, tmp, variant, etag
                    )
                    api_s, jvm_s = cpu_seconds(pid) - api0, cpu_seconds(jvm) - jvm0
                    n = max(r["requests"], 1)
                    row = {
                        "backend": backend, "endpoint": name, "path": path, "variant": variant,
                        "first_status": status, **r,
                        "api_cpu_ms": 1000 * api_s / n, "jvm_cpu_ms": 1000 * jvm_s / n,
                        "load_avg": os.getloadavg()[0],
                    }  # fmt: skip
                    print(json.dumps(row), flush=True)
                    rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> None:
    print(
        "| backend | endpoint | variant | req/s | × today | p50 (ms) | p99 (ms) | non-2xx "
        "| socket errors | API CPU/req (ms) | JVM CPU/req (ms) |"
    )
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    today = {(r["backend"], r["endpoint"]): r["rps"] for r in rows if r["variant"] == "today"}
    for r in rows:
        ref = today.get((r["backend"], r["endpoint"]))
        ratio = f"{r['rps'] / ref:.1f}" if ref else "–"
        print(
            f"| {r['backend']} | {r['endpoint']} | {r['variant']} | {r['rps']:,.0f} | {ratio} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['non_2xx']:,} | {r['socket_errors']:,} "
            f"| {r['api_cpu_ms']:.2f} | {r['jvm_cpu_ms']:.2f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["arcadedb", "neo4j", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--warmup", type=int, default=3, help="untimed seconds per endpoint and revision first"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--endpoints", nargs="+", choices=[n for n, _ in ENDPOINTS], help="default: all"
    )
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, help="default: all")
    parser.add_argument(
        "--baseline",
        default="merge-base",
        help="git revision to compare with (default: where this branch left main; 'none': skip)",
    )
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (apt-get install -y wrk): skipped")
        return 0
    backends = ["arcadedb", "neo4j"] if args.backend == "both" else [args.backend]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="sahelkg-baseline-") as tmp:
        baseline = None
        if args.baseline != "none":
            baseline, commit = export_revision(args.baseline, Path(tmp) / "code")
            print(f"today = {args.baseline} ({commit}), exported to {baseline}", flush=True)
        for backend in backends:
            rows += bench_backend(args, wrk, backend, baseline)
    print()
    print(
        f"wrk, {args.connections} connections, 2 threads, {args.duration} s per run, "
        f"{args.workers} worker(s), ontology + seeds:"
    )
    table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
