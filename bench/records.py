"""What a row costs the client as a record of its own, and inside one collected record
(graph/queries_table.py): the same rows, the same read path (graph.read.Reader.run: a READ
session of the reader account, the deadline, the commit gate), on a server of our own.

    python -m bench.records                     # ArcadeDB, then Neo4j
    python -m bench.records --backend neo4j --rounds 300

Per row count: the client's CPU (every thread) and the server's JVM CPU per statement, and
the cost of a row in each form (between 10 and 1,000 rows). Then the loader's look-up of
stored nodes (queries.FETCH_NODES, what a load on top of a stored graph asks per batch of
2,000), both forms, over every node of a stored synthetic graph (100k triples). Printed,
never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import graph.load as gl
from bench.common import (
    Server,
    backend_server,
    cpu_seconds,
    machine,
    ontology,
    synth_file,
)
from graph import queries
from graph.read import Reader

# Rows shaped as the API's (a type, two IRIs, a name, a list): no graph needed.
PLAIN = """UNWIND range(1, $n) AS i
WITH i, 'https://w3id.org/sahel-kg/id/actor-' + toString(i) AS iri
RETURN 'PARTNER_OF' AS type, iri AS start, iri + '-b' AS other, 'Actor ' + toString(i) AS name,
       ['State', 'Actor'] AS labels
"""
COLLECTED = """UNWIND range(1, $n) AS i
WITH i, 'https://w3id.org/sahel-kg/id/actor-' + toString(i) AS iri
WITH 'PARTNER_OF' AS type, iri AS start, iri + '-b' AS other, 'Actor ' + toString(i) AS name,
     ['State', 'Actor'] AS labels
RETURN collect({type: type, start: start, other: other, name: name, labels: labels}) AS rows
"""
SIZES = (1, 10, 100, 1000)
# queries.FETCH_NODES as it was written before queries_table: a record per node.
FETCH_NODES_RECORDS = """
UNWIND $iris AS iri
MATCH (n:Resource {iri: iri})
RETURN n.iri AS iri, labels(n) AS labels, properties(n) AS props
"""


def cost(fn: Callable[[], object], rounds: int, pid: int) -> tuple[float, float]:
    """Median client CPU ms over `rounds` runs in blocks of ten, and the JVM's mean."""
    for _ in range(100):
        fn()  # the server's plan cache and JIT
    blocks = []
    jvm0 = cpu_seconds(pid)
    for _ in range(max(rounds // 10, 1)):
        t = time.process_time()
        for _ in range(10):
            fn()
        blocks.append((time.process_time() - t) / 10 * 1000)
    jvm = (cpu_seconds(pid) - jvm0) / (max(rounds // 10, 1) * 10) * 1000
    return statistics.median(blocks), jvm


def bench(backend: str, rounds: int) -> None:
    with backend_server(backend) as s:
        reader = Reader.of(s.store, ontology().registry, s.settings)
        print(f"\n[{backend}] {machine()}")
        print("| rows | a record each: client / JVM CPU (ms) | one record: client / JVM CPU (ms) |")
        print("| ---: | ---: | ---: |")
        got: dict[tuple[str, int], tuple[float, float]] = {}
        for n in SIZES:
            _, plain, _ = reader.run(PLAIN, {"n": n})
            _, one, _ = reader.run(COLLECTED, {"n": n})
            assert len(plain) == n and len(one) == 1 and len(one[0][0]) == n  # same rows
            rec = got["records", n] = cost(lambda n=n: reader.run(PLAIN, {"n": n}), rounds, s.pid)
            col = got["one", n] = cost(lambda n=n: reader.run(COLLECTED, {"n": n}), rounds, s.pid)
            row = f"| {n:,} | {rec[0]:.2f} / {rec[1]:.2f} | {col[0]:.2f} / {col[1]:.2f} |"
            print(row, flush=True)
        lo, hi = SIZES[1], SIZES[-1]
        for form in ("records", "one"):
            client = (got[form, hi][0] - got[form, lo][0]) / (hi - lo) * 1000
            jvm = (got[form, hi][1] - got[form, lo][1]) / (hi - lo) * 1000
            print(f"{form}: {client:.1f} µs of client CPU and {jvm:.1f} µs of JVM CPU per row "
                  f"({lo:,} to {hi:,} rows)")  # fmt: skip
        lookups(s, rounds)


def lookups(s: Server, rounds: int) -> None:
    """Every stored node's look-up in batches of 2,000, a record each against one record."""
    with tempfile.TemporaryDirectory(prefix="sahelkg-records-") as tmp:
        path, _ = synth_file(Path(tmp), 100_000)
        onto = ontology()
        gl.load(s.store, gl.prepare([path], onto, validate=False), onto.registry)
    iris = [r["iri"] for r in s.store.read("MATCH (n:Resource) RETURN n.iri AS iri")]
    batches = [iris[i : i + 2000] for i in range(0, len(iris), 2000)]

    def fetch(statement: str) -> Callable[[], object]:
        def run() -> object:
            with s.store.read_transaction() as tx:
                for batch in batches:
                    got = tx.run(statement, iris=batch)
                    rows = queries.rows_of(got) if queries.is_table(statement) else list(got)
                    assert len(rows) == len(batch)
            return None

        return run

    figures: dict[str, tuple[float, float, float]] = {}
    for _ in range(max(rounds // 100, 1)):  # alternating, best kept
        for name, statement in (
            ("a record each", FETCH_NODES_RECORDS),
            ("one record", queries.FETCH_NODES),
        ):
            jvm0, cpu0, t0 = cpu_seconds(s.pid), time.process_time(), time.perf_counter()
            fetch(statement)()
            took = (time.perf_counter() - t0, time.process_time() - cpu0, cpu_seconds(s.pid) - jvm0)
            figures[name] = min(figures.get(name, took), took)
    print(f"\nFETCH_NODES over {len(iris):,} stored nodes, {len(batches)} batches of 2,000:")
    for name, (wall, client, jvm) in figures.items():
        print(f"- {name}: {wall:.2f} s, client CPU {client:.2f} s, JVM CPU {jvm:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["arcadedb", "neo4j", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=200, help="statements per figure")
    args = parser.parse_args(argv)
    for backend in ["arcadedb", "neo4j"] if args.backend == "both" else [args.backend]:
        bench(backend, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
