"""Load throughput (triples/s), side by side in ONE run, on ONE private embedded ArcadeDB
server, on the same synthetic N-Triples (bench.synth, fixed seed):

- ours:    graph.load.prepare(validate=False) + graph.load.load, from the file: parse, check,
           map, then the staged load: batches that commit as they go, then the switch
           (timed per phase);
- peer:    rdflib-neo4j (PyPI) parsing the same file into its Neo4jStore (batching on, its
           default batch of 5,000). It writes with auto-commit `session.run`, which fails on
           ArcadeDB with DeadlockDetected, so its statements are routed through managed
           transactions here: same Cypher, same parameters, same batches, one
           `session.execute_write` per batch it flushes;
- ceiling: the very rows and statements our loader writes (mapped nodes by label set,
           relationships by type, their ends by the element ids the node statements
           return) prepared in advance and sent as UNWIND batches of 10,000, each batch
           committed on its own as ours are: no parsing, no mapping, no reads, no
           existence checks, no switch.

    python -m bench.load_throughput                  # 10k, 100k and 1M triples
    python -m bench.load_throughput 10k 100k --no-peer-above 100000

The database is emptied between runs; each run starts from an empty graph. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import neo4j
from rdflib import Graph

import graph.load as gl
from bench.common import (
    SIZES,
    Server,
    Timer,
    cpu_seconds,
    machine,
    neo4j_server,
    ontology,
    private_server,
    synth_file,
    vm_hwm_mb,
    wipe,
)
from graph import queries
from graph.load import Prepared
from graph.ontology import Ontology

BATCH = 10_000
PEER_INDEX = "CREATE INDEX n10s_uri IF NOT EXISTS FOR (r:Resource) ON (r.uri)"


# ------------------------------------------------------------------------------ ours


def run_ours(server: Server, path: Path, onto: Ontology) -> tuple[float, Timer, Prepared]:
    """Our loader from the file; the steps are those the loader times itself."""
    timer = Timer()
    t0 = time.perf_counter()
    prepared = gl.prepare([path], onto, validate=False)
    report = gl.load(server.store, prepared, onto.registry, batch_size=BATCH)
    seconds = time.perf_counter() - t0
    timer.phases.update(report.phases)
    timer.phases["other"] = max(0.0, seconds - timer.total)
    return seconds, timer, prepared


# ------------------------------------------------------------------------------ ceiling


Batch = tuple[str, list[dict[str, Any]]]


def ceiling_batches(prepared: Prepared) -> tuple[list[Batch], list[Batch]]:
    """(statement, rows) for every batch our loader would write into an empty graph: the
    same statements (graph.queries), nodes then relationships. A relationship row names
    its ends by iri here; the run swaps in the element ids the node statements return
    (only the server can give them), as our loader does."""
    pg, load_id = prepared.pg, prepared.load_id
    nodes: list[Batch] = []
    by_labels: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for node in sorted(pg.nodes.values(), key=lambda n: n.iri):
        by_labels[node.labels].append({"props": {"iri": node.iri, **node.props, "loadId": load_id}})
    for labels, rows in by_labels.items():
        statement = queries.create_nodes(labels)
        nodes.extend((statement, rows[i : i + BATCH]) for i in range(0, len(rows), BATCH))
    rels: list[Batch] = []
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rel in pg.rels:
        by_type[rel.type].append(
            {"start": rel.start, "end": rel.end, "props": {**rel.props, "loadId": load_id}}
        )
    for rel_type, rows in sorted(by_type.items()):
        statement = queries.create_relationships_by_id(rel_type)
        rels.extend((statement, rows[i : i + BATCH]) for i in range(0, len(rows), BATCH))
    return nodes, rels


def run_ceiling(server: Server, prepared: Prepared) -> float:
    nodes, rels = ceiling_batches(prepared)  # prepared before the clock starts
    ids: dict[str, str] = {}

    def node_batch(statement: str, rows: list[dict[str, Any]]) -> Any:
        return lambda tx: dict(tx.run(statement, rows=rows).single(strict=True)[0])

    def rel_batch(statement: str, rows: list[dict[str, Any]]) -> Any:
        by_id = [{**row, "start": ids[row["start"]], "end": ids[row["end"]]} for row in rows]
        return lambda tx: tx.run(statement, rows=by_id).consume()

    t0 = time.perf_counter()
    for statement, rows in nodes:
        ids.update(server.store.write(node_batch(statement, rows)))
    for statement, rows in rels:
        server.store.write(rel_batch(statement, rows))
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------ peer


def peer_store_class() -> type:
    from rdflib_neo4j import Neo4jStore

    class ManagedNeo4jStore(Neo4jStore):  # type: ignore[misc]
        """rdflib-neo4j with its writes in managed transactions (ArcadeDB refuses its
        auto-commit UNWIND ... MERGE with DeadlockDetected). Same Cypher, same batches."""

        database = "neo4j"
        statements = 0

        def _Neo4jStore__create_session(self) -> None:
            self.session = self.driver.session(database=self.database)

        def _Neo4jStore__constraint_check(self, create: bool) -> None:
            # Its check uses SHOW CONSTRAINTS YIELD *, and its unique constraint on
            # Resource.uri makes its `MERGE ... SET n:Label` fail on ArcadeDB
            # (ConstraintValidationFailed: a label cannot be added to a node under a
            # unique constraint). Give it a plain index on the same key instead.
            self.session.execute_write(lambda tx: tx.run(PEER_INDEX).consume())

        def _Neo4jStore__query_database(self, query: str, params: Any) -> None:
            type(self).statements += 1
            self.session.execute_write(lambda tx: tx.run(query, params=params).consume())

        def _Neo4jStore__set_open(self, val: bool) -> None:  # quiet: no prints
            self._Neo4jStore__open = val

    return ManagedNeo4jStore


def run_peer(server: Server, path: Path) -> float:
    import contextlib
    import io

    from rdflib_neo4j import HANDLE_VOCAB_URI_STRATEGY, Neo4jStore, Neo4jStoreConfig

    as_shipped = not server.settings.embedded  # on Neo4j: its own writes and constraint
    cls = Neo4jStore if as_shipped else peer_store_class()
    cls.database = server.settings.database
    config = Neo4jStoreConfig(
        auth_data=None,
        handle_vocab_uri_strategy=HANDLE_VOCAB_URI_STRATEGY.IGNORE,
        batching=True,
    )
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # it prints as it opens
        store = cls(config=config, neo4j_driver=server.driver)
    g = Graph(store=store)
    g.open(None, create=True)
    try:
        g.parse(path, format="nt")
    finally:
        with contextlib.redirect_stdout(io.StringIO()):
            g.close(True)
    return time.perf_counter() - t0


def drop_peer_index(server: Server) -> None:
    """What the peer made for its keys: our index on ArcadeDB, its own constraint on Neo4j."""
    statement = (
        "DROP INDEX n10s_uri IF EXISTS"
        if server.settings.embedded
        else "DROP CONSTRAINT n10s_unique_uri IF EXISTS"
    )
    server.driver.execute_query(
        statement, database_=server.settings.database, routing_=neo4j.RoutingControl.WRITE
    )


# ------------------------------------------------------------------------------ main


def run_one(
    server: Server,
    who: str,
    path: Path,
    triples: int,
    reference: Prepared,
    onto: Ontology,
    row: dict[str, Any],
    label: str,
) -> None:
    """One timed run; keeps the best (lowest) time of each contender in `row`."""
    extra = ""
    cpu = time.process_time(), cpu_seconds(server.pid)
    try:
        if who == "ours":
            seconds, timer, _ = run_ours(server, path, onto)
            extra = "; " + ", ".join(f"{k} {v:.2f}s" for k, v in timer.phases.items())
            if seconds < row.get("ours", float("inf")):
                row["ours_phases"] = timer.phases
        elif who == "ceiling":
            seconds = run_ceiling(server, reference)
        else:
            seconds = run_peer(server, path)
    except Exception as exc:  # report it: a failing contender is a figure too
        row[f"{who}_error"] = f"{type(exc).__name__}: {exc}"[:300]
        print(f"[{label}] {who} FAILED: {row[f'{who}_error']}", flush=True)
        return
    finally:
        if who == "peer":
            counts = count(server)
            wipe(server)
            drop_peer_index(server)
    # CPU seconds of this process (every thread) and of the server: how busy each side was
    used = time.process_time() - cpu[0], cpu_seconds(server.pid) - cpu[1]
    if who != "peer":
        counts = count(server)
    row[who] = min(seconds, row.get(who, float("inf")))
    print(
        f"[{label}] {who}: {seconds:.2f}s ({triples / seconds:,.0f} triples/s), "
        f"{counts[0]:,} nodes, {counts[1]:,} rels; CPU: client {used[0]:.1f}s, "
        f"server {used[1]:.1f}s{extra}",
        flush=True,
    )


def count(server: Server) -> tuple[int, int]:
    db = server.settings.database
    nodes = server.driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records
    rels = server.driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=db)
    return int(nodes[0]["c"]), int(rels.records[0]["c"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", choices=[*SIZES, []], help="10k, 100k, 1m (all)")
    parser.add_argument(
        "--no-peer-above", type=int, default=10**9, help="skip the peer above this many triples"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each (best kept), up to 200k triples"
    )
    parser.add_argument(
        "--heap", default=None, help="server heap (default SAHELKG_EMBEDDED_HEAP or 6g)"
    )
    parser.add_argument(
        "--backend", choices=["arcadedb", "neo4j", "both"], default="arcadedb",
        help="the server: the embedded ArcadeDB, Neo4j 5.26 (scripts/neo4j), or both in turn",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.sizes = args.sizes or ["10k", "100k", "1m"]
    backends = ["arcadedb", "neo4j"] if args.backend == "both" else [args.backend]
    for backend in backends:
        print(f"\n## backend: {backend}", flush=True)
        bench_backend(args, backend)
    return 0


def bench_backend(args: argparse.Namespace, backend: str) -> None:

    onto = ontology()
    print(f"machine: {machine()}", flush=True)
    print(
        "peer: rdflib-neo4j as shipped (its auto-commit writes, its constraint)"
        if backend == "neo4j"
        else "peer: rdflib-neo4j, its statements routed through managed transactions "
        "(auto-commit fails on ArcadeDB with DeadlockDetected); same Cypher, same batches",
        flush=True,
    )
    results = []
    server_cm = neo4j_server(args.heap or "4g") if backend == "neo4j" else private_server(args.heap)
    with tempfile.TemporaryDirectory(prefix="sahelkg-bench-data-") as tmp, server_cm as server:
        print(f"server: {server.store.server_version()}, pid {server.pid}", flush=True)
        # Warm the JVM (JIT, caches, heap growth) with every contender once, so order does
        # not decide. With 5k triples the first 100k load after it was still up to 2x slower
        # than the next ones; at 1M there is one round, so the warm-up must do that work.
        warm, _ = synth_file(Path(tmp), 50_000)
        for attempt in ("ours", "ceiling", "peer"):
            wipe(server)
            if attempt == "ours":
                _, _, warm_prepared = run_ours(server, warm, onto)
            elif attempt == "ceiling":
                run_ceiling(server, warm_prepared)
            else:
                run_peer(server, warm)
                wipe(server)
                drop_peer_index(server)
        print("warm-up done", flush=True)
        for label in args.sizes:
            path, triples = synth_file(Path(tmp), SIZES[label])
            row: dict[str, Any] = {"size": label, "triples": triples}
            rounds = args.rounds if triples <= 200_000 else 1
            reference = gl.prepare([path], onto, validate=False)  # the ceiling's rows
            order = ["ours", "ceiling", "peer"]
            for n in range(rounds):
                for who in order[n % 3 :] + order[: n % 3]:  # rotate: order must not decide
                    if who == "peer" and triples > args.no_peer_above:
                        continue
                    wipe(server)
                    run_one(server, who, path, triples, reference, onto, row, label)
            del reference
            hwm = vm_hwm_mb(server.pid) or 0
            print(f"[{label}] server VmHWM so far: {hwm:,.0f} MB", flush=True)
            results.append(row)

    print()
    print("best of the rounds (lowest time) for each contender:")
    print("| triples | ours (t/s) | peer (t/s) | ceiling (t/s) | ours/peer | ours/ceiling |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        n = r["triples"]
        ours, ceil = n / r["ours"], n / r["ceiling"]
        peer = n / r["peer"] if "peer" in r else None
        print(
            f"| {n:,} | {ours:,.0f} | {f'{peer:,.0f}' if peer else r.get('peer_error', 'skipped')} "
            f"| {ceil:,.0f} | {f'{ours / peer:.1f}x' if peer else '-'} | {ours / ceil:.2f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
