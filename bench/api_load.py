"""The HTTP API under load: wrk (Debian package `wrk`), 32 connections, 2 threads, 30 s per
endpoint, loopback only, against `sahelkg serve` on the seeds (its own data directory and
embedded server, stopped by PID at the end).

    apt-get install -y wrk
    python -m bench.api_load                 # 30 s per endpoint
    python -m bench.api_load --duration 10

Prints requests/s, p50, p99, non-2xx responses and socket errors per endpoint. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import machine, serve

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
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (apt-get install -y wrk): skipped")
        return 0
    print(f"machine: {machine()}", flush=True)
    rows = []
    with serve() as service, tempfile.TemporaryDirectory() as tmp:
        print(f"service: {service.base} (pid {service.pid})", flush=True)
        for name, path, body in ENDPOINTS:
            status = check(service.base, path, body)  # one request first: it must work
            command = [
                wrk,
                f"-c{args.connections}",
                "-t2",
                f"-d{args.duration}s",
                "--latency",
                "--timeout",
                "10s",
            ]
            if body:
                script = Path(tmp) / "post.lua"
                script.write_text(
                    'wrk.method = "POST"\n'
                    f"wrk.body = {json.dumps(body)}\n"
                    'wrk.headers["Content-Type"] = "application/json"\n'
                )
                command += ["-s", str(script)]
            command.append(service.base + path)
            out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
            row = {"endpoint": name, "path": path, "first_status": status, **parse_wrk(out)}
            print(json.dumps(row), flush=True)
            rows.append(row)

    print()
    print(f"wrk, {args.connections} connections, 2 threads, {args.duration} s each, seeds:")
    print("| endpoint | req/s | p50 (ms) | p99 (ms) | requests | non-2xx | socket errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['endpoint']} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['requests']:,} | {r['non_2xx']:,} | {r['socket_errors']:,} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
