"""The HTTP API under load: wrk (Debian package `wrk`), 32 connections, 2 threads, 30 s per
endpoint, loopback only, against `sahelkg serve` on the seeds (its own data directory and
embedded server, stopped by PID at the end).

    apt-get install -y wrk
    python -m bench.api_load                 # 30 s per endpoint
    python -m bench.api_load --duration 10

Prints, per endpoint: requests/s, p50, p99, non-2xx responses and socket errors at 32
connections; the CPU the API process and the JVM used during that run, per request and in
cores (which of the two sets the pace); and p50/p99 with ONE connection (a request's
service time, without queueing). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import machine, serve
from graph import embedded

CYPHER = {
    "query": "MATCH (a:Actor)-[r]->(b:Actor) WHERE a.name STARTS WITH $p "
    "RETURN a.name AS a, type(r) AS rel, b.name AS b LIMIT 25",
    "parameters": {"p": "J"},
}
ENDPOINTS: list[tuple[str, str, str | None]] = [
    ("search", "/actors?q=jnim", None),
    ("relations at a date", "/actors/jnim/relations?at=2020-06-01", None),
    ("neighbourhood", "/actors/jnim/neighbourhood", None),
    ("paths", "/paths?from=jnim&to=russia", None),
    ("/cypher", "/cypher", json.dumps(CYPHER)),
]
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * _UNITS[m.group(2)]


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


def cpu_seconds(pid: int | None, children_but: int | None = None) -> float:
    """User + system CPU time of a process (all its threads), from /proc; with
    `children_but`, plus its live child processes' (uvicorn's workers, the SPARQL worker)
    except that one (the embedded JVM, also a child of `sahelkg serve`)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    if children_but is not None:
        kids = Path(f"/proc/{pid}/task/{pid}/children")
        for child in kids.read_text().split() if kids.exists() else []:
            if int(child) != children_but:
                total += cpu_seconds(int(child), children_but)
    return total


def wrk_command(
    wrk: str, url: str, body: str | None, script: Path, connections: int, seconds: int
) -> list[str]:
    command = [
        wrk,
        f"-c{connections}",
        f"-t{min(connections, 2)}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if body:
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        command += ["-s", str(script)]
    return [*command, url]


def check(base: str, path: str, body: str | None) -> int:
    request = urllib.request.Request(
        base + path,
        data=body.encode() if body else None,
        headers={"Content-Type": "application/json"} if body else {},
        method="POST" if body else "GET",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
        return int(answer.status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--single-duration", type=int, default=5, help="the 1-connection run")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (apt-get install -y wrk): skipped")
        return 0
    print(f"machine: {machine()}", flush=True)
    rows = []
    with serve(workers=args.workers) as service, tempfile.TemporaryDirectory() as tmp:
        server = embedded.running(service.settings)
        jvm = server.pid if server else None
        print(f"service: {service.base} (pid {service.pid}, JVM pid {jvm})", flush=True)
        script = Path(tmp) / "post.lua"
        for name, path, body in ENDPOINTS:
            status = check(service.base, path, body)  # one request first: it must work
            url = service.base + path

            def run(connections: int, seconds: int, url: str = url, body: str | None = body) -> str:
                command = wrk_command(wrk, url, body, script, connections, seconds)
                return subprocess.run(command, capture_output=True, text=True).stdout

            single = parse_wrk(run(1, args.single_duration))
            api0, jvm0 = cpu_seconds(service.pid, jvm or -1), cpu_seconds(jvm)
            loaded = parse_wrk(run(args.connections, args.duration))
            api_s, jvm_s = cpu_seconds(service.pid, jvm or -1) - api0, cpu_seconds(jvm) - jvm0
            n = max(loaded["requests"], 1)
            row = {
                "endpoint": name,
                "path": path,
                "first_status": status,
                **loaded,
                "api_cpu_ms_per_request": 1000 * api_s / n,
                "jvm_cpu_ms_per_request": 1000 * jvm_s / n,
                "api_cores": api_s / args.duration,
                "jvm_cores": jvm_s / args.duration,
                "single_rps": single["rps"],
                "single_p50_ms": single["p50_ms"],
                "single_p99_ms": single["p99_ms"],
            }
            print(json.dumps(row), flush=True)
            rows.append(row)

    print()
    print(
        f"wrk, {args.connections} connections, 2 threads, {args.duration} s each, seeds; "
        f"CPU of the API process and the JVM during that run; 1 connection for "
        f"{args.single_duration} s:"
    )
    print(
        "| endpoint | req/s | p50 (ms) | p99 (ms) | requests | non-2xx | socket errors "
        "| API CPU/req (ms) | JVM CPU/req (ms) | API / JVM cores | 1 conn: p50 / p99 (ms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['endpoint']} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['requests']:,} | {r['non_2xx']:,} | {r['socket_errors']:,} "
            f"| {r['api_cpu_ms_per_request']:.2f} | {r['jvm_cpu_ms_per_request']:.2f} "
            f"| {r['api_cores']:.2f} / {r['jvm_cores']:.2f} "
            f"| {r['single_p50_ms']:.1f} / {r['single_p99_ms']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
