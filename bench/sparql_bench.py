"""SPARQL: the competency queries (tests/competency.py) plus three heavy ones (multi-hop
join, aggregation over all events, OPTIONAL-heavy), answered three ways on the same data
(the ontology and the seeds):

- ours: POST /sparql over HTTP to `sahelkg serve` (its own data directory and embedded
  server, stopped by PID at the end); the service answers from its pyoxigraph copy of the
  stored graph, so this measures HTTP + the copy's freshness check + the query;
- pyoxigraph in-process (a Store loaded with the same triples);
- rdflib in-process (a Graph holding the same triples).

    python -m bench.sparql_bench
    python -m bench.sparql_bench --repeats 50

Medians of repeated runs (after one warm-up), in milliseconds. Result counts are compared
across the three and a mismatch is printed. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from bench.common import SIZES, machine, serve
from graph.rdf import parse_files
from graph.settings import Settings

HEAVY_PREFIXES = """PREFIX sahel: <https://w3id.org/sahel-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
HEAVY = {
    "heavy: multi-hop join": HEAVY_PREFIXES
    + """SELECT ?a ?b (COUNT(*) AS ?n) WHERE {
  ?e1 sahel:perpetrator ?a ; sahel:location ?p1 .
  ?p1 sahel:locatedIn* ?region .
  ?e2 sahel:location ?p2 . ?p2 sahel:locatedIn* ?region .
  ?e2 sahel:perpetrator ?b .
  FILTER(?a != ?b)
} GROUP BY ?a ?b ORDER BY DESC(?n) ?a ?b LIMIT 50""",
    "heavy: aggregation over all events": HEAVY_PREFIXES
    + """SELECT ?type (COUNT(DISTINCT ?e) AS ?events) (MIN(?d) AS ?first) (MAX(?d) AS ?last)
       (COUNT(?c) AS ?claims) (SUM(?v) AS ?toll) WHERE {
  ?e sahel:date ?d ; rdf:type ?type .
  OPTIONAL { ?c sahel:about ?e ; sahel:value ?v . FILTER(isNumeric(?v)) }
} GROUP BY ?type ORDER BY DESC(?events) ?type""",
    "heavy: OPTIONAL-heavy": HEAVY_PREFIXES
    + """SELECT ?s ?label ?alt ?date ?src ?comment ?from ?to WHERE {
  ?s rdf:type ?t .
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s skos:altLabel ?alt }
  OPTIONAL { ?s sahel:date ?date }
  OPTIONAL { ?s sahel:source ?src }
  OPTIONAL { ?s rdfs:comment ?comment }
  OPTIONAL { ?s sahel:validFrom ?from }
  OPTIONAL { ?s sahel:validTo ?to }
}""",
}


def queries() -> dict[str, str]:
    from tests.competency import QUESTIONS

    out = {f"competency: {q['id']}": str(q["sparql"]) for q in QUESTIONS}
    out.update(HEAVY)
    return out


def timed(fn: Callable[[], int], repeats: int) -> tuple[float, int]:
    n = fn()  # warm-up, and the result count
    times = []
    budget = time.perf_counter() + 20  # a slow engine gets fewer repeats, not a longer run
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() > budget:
            break
    return statistics.median(times), n


def http_queries(repeats: int) -> int:
    """The seeds over HTTP (`--http`): ours, pyoxigraph and rdflib in-process."""

    settings = Settings()
    parsed = parse_files([settings.ontology_path, settings.seeds_dir])
    nt = parsed.graph.serialize(format="nt", encoding="utf-8")
    oxs = ox.Store()
    oxs.bulk_load(io.BytesIO(nt), ox.RdfFormat.N_TRIPLES)
    rdf = Graph()
    rdf.parse(data=nt, format="nt")
    print(f"data: {len(rdf):,} triples (ontology + seeds)", flush=True)

    def ox_run(q: str) -> Callable[[], int]:
        def run() -> int:
            result = oxs.query(q)
            return sum(1 for _ in result) if isinstance(result, ox.QuerySolutions) else 1

        return run

    def rdflib_run(q: str) -> Callable[[], int]:
        return lambda: len(list(rdf.query(q)))

    rows: list[dict[str, Any]] = []
    with serve() as service:
        print(f"service: {service.base} (pid {service.pid})", flush=True)

        def http_run(q: str) -> Callable[[], int]:
            body = urllib.parse.urlencode({"query": q}).encode()

            def run() -> int:
                request = urllib.request.Request(
                    service.base + "/sparql",
                    data=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept": "text/tab-separated-values",
                    },
                )
                with urllib.request.urlopen(request, timeout=60) as answer:
                    text = answer.read().decode()
                return max(0, len(text.rstrip("\n").split("\n")) - 1)

            return run

        for name, q in queries().items():
            row: dict[str, Any] = {"query": name}
            for who, make in (("http", http_run), ("oxigraph", ox_run), ("rdflib", rdflib_run)):
                try:
                    row[who], row[f"{who}_n"] = timed(make(q), repeats)
                except Exception as exc:
                    row[who], row[f"{who}_n"] = float("nan"), f"error: {exc}"[:120]
            print(row, flush=True)
            rows.append(row)

    print()
    print("| query | ours /sparql HTTP (ms) | pyoxigraph (ms) | rdflib (ms) | ours/ox | rows |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        counts = {r["http_n"], r["oxigraph_n"], r["rdflib_n"]}
        shown = str(r["oxigraph_n"]) if len(counts) == 1 else "MISMATCH " + str(counts)
        print(
            f"| {r['query']} | {r['http']:.1f} | {r['oxigraph']:.1f} | {r['rdflib']:.1f} "
            f"| {r['http'] / r['oxigraph']:.1f}x | {shown} |"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("arcadedb", "neo4j", "both"), default="arcadedb")
    parser.add_argument("--sizes", nargs="*", default=["10k", "100k", "1m"], choices=list(SIZES))
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--http", action="store_true", help="the seeds over HTTP instead")
    parser.add_argument("--skip-heavy", action="store_true", help="freshness figures only")
    parser.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="no second full rebuild after the small load, so the copies go unchecked "
        "(at 10M it takes as long as the first)",
    )
    args = parser.parse_args(argv)
    print(f"machine: {machine()}", flush=True)
    if args.http:
        return http_queries(args.repeats)
    from bench.sparql_fresh import run

    backends = ["arcadedb", "neo4j"] if args.backend == "both" else [args.backend]
    return run(
        backends,
        [SIZES[s] for s in args.sizes],
        args.repeats,
        not args.skip_heavy,
        not args.skip_rebuild,
    )


if __name__ == "__main__":
    sys.exit(main())
