"""How fast the SPARQL view catches up with a load, and how its heavy queries compare with
pyoxigraph in-process (run by `python -m bench.sparql_bench --backend ...`).

Per backend and size: a private server holding a synthetic graph (bench.synth); then
- full: a new view (graph.sparql.SparqlEngine) brought up to date from the store, plus its
  first answer: what every load cost before the incremental update;
- a small union load (new events on stored actors, values added to stored actors and to
  qualified relations, new plain relations), then, from its commit: the existing view's
  incremental update plus its first answer, and a new view's full rebuild plus its first
  answer. Both copies are compared (triple counts; the whole graph up to 100k);
- a new view started from the copy the first one kept (graph/sparql_keep.py), as a
  service started again does, plus its first answer;
- heavy queries (bench.sparql_bench.HEAVY): medians through the view's worker (TSV, as a
  client gets them) against pyoxigraph in-process on the same triples (query + TSV).
Figures are printed, never asserted.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import graph.load as gl
from bench.common import backend_server, ontology, synth_file
from bench.synth import ACTOR_CLASSES, K, S
from graph.load_stream import prepare_streamed
from graph.sparql import SparqlEngine
from graph.sparql_source import StoreSource

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def small_load(path: Path, size: int) -> int:
    """About 100 triples on top of bench.synth's graph of `size` triples."""
    actors = max(5, size // 18 // 20)
    lines: list[str] = []
    for i in range(10):
        a = f"<{K}actor-{i * 7 % actors}>"
        lines.append(f'{a} {ALT} "Added alias {i}" .')
        lines.append(f"{a} <{S}alliedWith> <{K}actor-{(i * 13 + 1) % actors}> .")
    for i in range(3):  # values added to stored qualified relations (their iri as a node)
        lines.append(f'<{K}rel-{i}> {COMMENT} "Added comment {i}"@en .')
    for i in range(5):
        e = f"<{K}added-event-{i}>"
        lines += [
            f"{e} {TYPE} <{S}Battle> .",
            f'{e} {LABEL} "Added event {i}"@en .',
            f'{e} <{S}date> "2025-06-0{i + 1}"^^<http://www.w3.org/2001/XMLSchema#date> .',
            f"{e} <{S}location> <{K}place-{i}> .",
            f"{e} <{S}perpetrator> <{K}actor-{i}> .",
            f"{e} <{S}source> <{K}source-0> .",
        ]
    a = f"<{K}added-actor>"
    lines += [f"{a} {TYPE} <{S}{ACTOR_CLASSES[0]}> .", f'{a} {LABEL} "Added actor"@en .']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def first_answer(engine: SparqlEngine, source: StoreSource) -> float:
    """Seconds to bring `engine` up to date and answer a first query."""
    t0 = time.perf_counter()
    engine.update(source)
    engine.query(COUNT)
    return time.perf_counter() - t0


def median_ms(fn: Any, repeats: int) -> float:
    fn()  # warm-up
    times = []
    budget = time.perf_counter() + 60
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() > budget:
            break
    return statistics.median(times)


def one(backend: str, size: int, repeats: int, heavy: bool, rebuild: bool = True) -> dict[str, Any]:
    from bench.sparql_bench import HEAVY

    onto = ontology()
    row: dict[str, Any] = {"backend": backend, "size": size}
    with (
        tempfile.TemporaryDirectory(prefix="sahelkg-sparql-bench-") as tmp,
        backend_server(backend) as s,
    ):
        path, _ = synth_file(Path(tmp), size)
        t0 = time.perf_counter()
        # Streamed, as `sahelkg load` does above 64 MB: at 10M the whole-graph mapping would
        # hold the input in this process's memory.
        with prepare_streamed([path], onto, validate=False, directory=Path(tmp)) as prepared:
            gl.load(s.store, prepared, onto.registry)
        row["load_s"] = time.perf_counter() - t0
        source = StoreSource(s.store, onto.registry)
        keep = Path(tmp) / "kept"  # the copy a service keeps for its next start
        updated = SparqlEngine(timeout_s=600, keep_dir=keep)
        rebuilt = SparqlEngine(timeout_s=600)
        try:
            row["initial_full_s"] = first_answer(updated, source)
            row["initial_phases"] = {k: round(v, 2) for k, v in updated.phases.items()}
            row["triples"] = updated.triples
            restarted = SparqlEngine(timeout_s=600, keep_dir=keep)  # a service started again
            try:
                row["restart_s"] = first_answer(restarted, source)
                row["restart_phases"] = {k: round(v, 2) for k, v in restarted.phases.items()}
                same = restarted.triples == row["triples"]
                row["restart_same"] = restarted.restored == 1 and same
            finally:
                restarted.close()
            extra = Path(tmp) / "small.nt"
            row["added_triples"] = small_load(extra, size)
            gl.load(s.store, gl.prepare([extra], onto, validate=False), onto.registry)
            row["incremental_s"] = first_answer(updated, source)  # from the commit
            row["incremental_phases"] = {k: round(v, 2) for k, v in updated.phases.items()}
            row["how"] = dict(updated.updates)
            if rebuild:
                row["rebuild_s"] = first_answer(rebuilt, source)
                row["rebuild_phases"] = {k: round(v, 2) for k, v in rebuilt.phases.items()}
                row["same"] = updated.triples == rebuilt.triples
                if size <= 100_000:
                    row["same"] = row["same"] and _lines(updated) == _lines(rebuilt)
            else:
                row["rebuild_s"], row["same"] = None, "not checked"
            local = ox.Store()
            if heavy:
                buf = io.BytesIO()
                source.write_all(buf)
                local.bulk_load(buf.getvalue(), ox.RdfFormat.N_TRIPLES)
            for name, q in HEAVY.items() if heavy else ():

                def ours(q: str = q) -> None:
                    updated.query(q, results_fmt="tsv")

                def inproc(q: str = q) -> None:
                    local.query(q).serialize(io.BytesIO(), ox.QueryResultsFormat.TSV)  # type: ignore[union-attr]

                row[name] = (median_ms(ours, repeats), median_ms(inproc, repeats))
        finally:
            updated.close()
            rebuilt.close()
    print(row, flush=True)
    return row


def _lines(engine: SparqlEngine) -> list[bytes]:
    return sorted(engine.query(ALL, graph_fmt="ntriples").body.splitlines())


def run(
    backends: list[str], sizes: list[int], repeats: int, heavy: bool = True, rebuild: bool = True
) -> int:
    from bench.sparql_bench import HEAVY

    rows = [one(b, n, repeats, heavy, rebuild) for b in backends for n in sizes]
    print()
    print(
        "| backend | stored triples | full rebuild → first answer (s) | small load: incremental"
        " → first answer (s) | same load: full rebuild → first answer (s) | copies equal "
        "| started again from the kept copy → first answer (s) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        rebuilt = "—" if r["rebuild_s"] is None else f"{r['rebuild_s']:.2f}"
        print(
            f"| {r['backend']} | {r['triples']:,} | {r['initial_full_s']:.2f} "
            f"| {r['incremental_s']:.2f} ({r['added_triples']} triples, {r['how']}) "
            f"| {rebuilt} | {r['same']} | {r['restart_s']:.2f} (restored: {r['restart_same']}) |"
        )
    print()
    print("| backend | stored triples | query | ours (ms) | pyoxigraph in-process (ms) | ratio |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for r in rows:
        for name in HEAVY if heavy else ():
            ours, local = r[name]
            print(
                f"| {r['backend']} | {r['triples']:,} | {name} | {ours:.1f} | {local:.1f} "
                f"| {ours / local:.2f}x |"
            )
    return 0
