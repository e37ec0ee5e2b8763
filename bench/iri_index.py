"""What the iri's uniqueness constraint is worth to the writes and look-ups, against a plain
index on the same property: the question a staged `--replace` raises (graph/README.md,
"`--replace` and the server's limits on one transaction", way 2). On a server of our own
per backend, two labels side by side, `U` (uniqueness constraint on `iri`) and `P` (a plain
index on `iri`): MERGE of N new nodes in `UNWIND` batches of 2,000, the same MERGE again
(every node found), and 2,000 look-ups by iri one statement each; each step in turn for
both labels, three rounds, the median printed. Asserts nothing.

    python -m bench.iri_index 20000 --backend both
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import neo4j

from bench.common import Server, backend_server, machine, wipe

SCHEMA = {
    "U": "CREATE CONSTRAINT bench_u_iri IF NOT EXISTS FOR (n:U) REQUIRE n.iri IS UNIQUE",
    "P": "CREATE INDEX bench_p_iri IF NOT EXISTS FOR (n:P) ON (n.iri)",
}
MERGE = {
    label: f"UNWIND $rows AS row MERGE (n:{label} {{iri: row.iri}}) SET n.name = row.name"
    for label in SCHEMA
}
LOOK_UP = {label: f"MATCH (n:{label} {{iri: $iri}}) RETURN n.name AS name" for label in SCHEMA}
BATCH = 2_000
STEPS = ("merge new", "merge found", "2,000 look-ups")


def _write(server: Server, statement: str, rows: list[dict[str, str]]) -> float:
    started = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        server.store.write(partial(_run, statement=statement, rows=chunk))
    return time.perf_counter() - started


def _run(tx: neo4j.ManagedTransaction, statement: str, rows: list[dict[str, str]]) -> None:
    tx.run(statement, rows=rows).consume()


def _look_ups(server: Server, statement: str, iris: list[str]) -> float:
    started = time.perf_counter()
    with server.driver.session(database=server.settings.database) as session:
        for iri in iris:
            session.run(statement, iri=iri).consume()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("nodes", type=int, nargs="?", default=20_000)
    ap.add_argument("--backend", choices=["arcadedb", "neo4j", "both"], default="both")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    print(machine())
    backends = ["arcadedb", "neo4j"] if args.backend == "both" else [args.backend]
    for backend in backends:
        with backend_server(backend) as server:
            print(f"\n{server.store.server_version()}, {args.nodes:,} nodes, batches of {BATCH:,}")
            with server.driver.session(database=server.settings.database) as session:
                for statement in SCHEMA.values():
                    session.run(statement).consume()
            figures: dict[tuple[str, str], list[float]] = {}
            for r in range(args.rounds):
                rows = [
                    {"iri": f"https://example.org/{r}/{i}", "name": f"n{i}"}
                    for i in range(args.nodes)
                ]
                iris = [row["iri"] for row in rows[:: max(1, len(rows) // 2_000)]][:2_000]
                wipe(server)
                order = ["U", "P"] if r % 2 == 0 else ["P", "U"]
                for step in STEPS:
                    for label in order:
                        if step == "2,000 look-ups":
                            took = _look_ups(server, LOOK_UP[label], iris)
                        else:
                            took = _write(server, MERGE[label], rows)
                        figures.setdefault((step, label), []).append(took)
            for step in STEPS:
                u = statistics.median(figures[(step, "U")])
                p = statistics.median(figures[(step, "P")])
                print(f"  {step:>15}: unique {u:6.2f} s, plain index {p:6.2f} s ({p / u:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
