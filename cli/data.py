"""`sahelkg validate | load | export | query | status`: the graph's data in and out."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from cli.common import PathsArg, connect, default_paths, ontology
from cli.console import err, out, phase_reporter, progress
from cli.errors import errors_as_exit
from graph import embedded
from graph.errors import InputError
from graph.settings import get_settings

if TYPE_CHECKING:
    import neo4j


def validate(paths: PathsArg = None) -> None:
    """Check RDF files: syntax, ontology terms and SHACL shapes. Writes nothing."""
    from graph.load_stream import open_input

    settings = get_settings()
    with (
        errors_as_exit(),
        progress() as bar,
        open_input(
            paths or default_paths(settings),
            ontology(settings),
            progress=phase_reporter(bar),
            stream_above_bytes=settings.stream_above_bytes,
            directory=settings.load_tmp,
        ) as prepared,
    ):
        out.print(
            f"valid: {len(prepared.files)} file(s), {prepared.triples:,} triples, "
            f"{prepared.node_count:,} nodes and {prepared.rel_count:,} relationships "
            "when loaded"
        )


def load(
    paths: PathsArg = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Empty the graph first, in the same ONE transaction (bounded by the "
            "server's limits on one: graph/README.md)",
        ),
    ] = False,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip SHACL (terms are still checked)")
    ] = False,
    batch_size: Annotated[int | None, typer.Option(help="Rows per UNWIND batch")] = None,
) -> None:
    """Load RDF (default: ontology + seeds) into the graph, atomically and idempotently."""
    from graph.load import load as run_load
    from graph.load_stream import open_input
    from graph.touched import stored_types

    settings = get_settings()
    with errors_as_exit():
        onto = ontology(settings, shapes=not no_validate)
        with progress() as bar, connect(settings) as store:
            on_progress = phase_reporter(bar)
            # Everything is read and checked before anything is written; SHACL sees the
            # stored classes of what the input names (not after --replace: all goes). A
            # large input streams through an index on disk (graph/load_stream.py).
            with open_input(
                paths or default_paths(settings),
                onto,
                validate=not no_validate,
                progress=on_progress,
                known_types=None
                if replace
                else partial(stored_types, store, registry=onto.registry),
                stream_above_bytes=settings.stream_above_bytes,
                directory=settings.load_tmp,
            ) as prepared:
                report = run_load(
                    store,
                    prepared,
                    onto.registry,
                    batch_size=batch_size or settings.batch_size,
                    replace=replace,
                    progress=on_progress,
                    stale_s=settings.load_stale_s,
                )
        out.print(
            f"loaded {report.triples:,} triples as {report.nodes:,} nodes and "
            f"{report.relationships:,} relationships in {report.seconds:.1f}s "
            f"(load {report.load_id}: {report.created_nodes:,} nodes created, "
            f"{report.updated_nodes:,} updated; {report.created_relationships:,} relationships "
            f"created, {report.updated_relationships:,} updated"
            + (
                f"; {report.deleted_nodes:,} nodes of the graph it replaced deleted"
                if replace or report.deleted_nodes
                else ""
            )
            + (
                f"; {report.abandoned_nodes:,} nodes a killed load had staged deleted first"
                if report.abandoned_nodes
                else ""
            )
            + (
                f"; {report.kept_nodes:,} of the nodes created were staged by a killed run "
                "of this input, and kept"
                if report.kept_nodes
                else ""
            )
            + (
                f"; {report.tidied_nodes:,} nodes of a load killed after its switch tidied first"
                if report.tidied_nodes
                else ""
            )
            + ")"
        )
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in report.phases.items())
        err.print(f"steps: {steps}", soft_wrap=True)


def export(
    format: Annotated[
        str, typer.Option("--format", "-f", help="turtle, ntriples, nquads, jsonld, trig, rdfxml")
    ] = "turtle",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout)")
    ] = None,
) -> None:
    """Export the stored graph as RDF, streamed (one read transaction of the reader account,
    under the whole-graph reads' deadline, as the API's exports)."""
    from graph import export as exporter
    from graph.read import Reader

    settings = get_settings()
    with errors_as_exit():
        fmt = exporter.format_of(format)
        onto = ontology(settings, shapes=False)
        with connect(settings) as store:
            snapshot = Reader.of(store, onto.registry, settings).snapshot
            if output is None:
                count = exporter.write(
                    store, onto.registry, fmt, sys.stdout.buffer, snapshot=snapshot
                )
            else:
                tmp = output.with_name(output.name + ".partial")
                try:
                    with tmp.open("wb") as fh:
                        count = exporter.write(store, onto.registry, fmt, fh, snapshot=snapshot)
                except BaseException:  # a failed export leaves nothing behind
                    tmp.unlink(missing_ok=True)
                    raise
                tmp.replace(output)  # never leave a half-written export under the real name
        err.print(f"exported {count:,} triples as {fmt}")


def query(
    cypher: Annotated[str, typer.Argument(help="A read-only Cypher query")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="name=value, value as JSON if it parses (repeatable)"),
    ] = None,
) -> None:
    """Run a read-only Cypher query and print a table (the API's read path: the checker,
    the store's reader account, its timeout and row cap)."""
    from graph.read import Reader
    from graph.read.cypher import cypher as run_cypher
    from graph.readonly import check_read_only

    settings = get_settings()
    with errors_as_exit():
        check_read_only(cypher)
        params = _parse_params(param or [])
        registry = ontology(settings, shapes=False).registry
        with connect(settings) as store:
            reader = Reader.of(store, registry, settings)
            answer = run_cypher(reader, cypher, params)
        table = Table(*answer.columns)
        for row in answer.rows:
            table.add_row(*(_cell(v) for v in row))
        out.print(table)
        cut = " (cut: more rows than the limits allow)" if answer.truncated else ""
        err.print(f"{answer.row_count} row(s){cut}")


def status() -> None:
    """Backend, server and what the graph holds."""
    from graph import queries

    settings = get_settings()
    with errors_as_exit():
        if settings.embedded:
            info = embedded.running(settings)
            where = f"pid {info.pid}, bolt port {info.bolt_port}" if info else "not running"
            out.print(f"backend: arcadedb-embedded ({where}); data in {settings.embedded_dir}")
        else:
            out.print(f"backend: neo4j at {settings.bolt_uri}, database {settings.database}")
        with connect(settings) as store:
            timeout = settings.query_timeout_s  # the server stops what runs longer

            def counts(tx: neo4j.Transaction) -> tuple[tuple[int, int], dict[str, int]]:
                hidden = store.hidden(tx)  # one state, read once
                return store.counts_in(tx, hidden), store.label_counts_in(tx, hidden)

            (nodes, rels), labels = store.read_together(counts, timeout)
            out.print(f"nodes: {nodes:,}  relationships: {rels:,}")
            for label, count in labels.items():
                out.print(f"  {label}: {count:,}")
            last = store.read(queries.LAST_LOAD, timeout=timeout)
            if last:
                files = ", ".join(last[0]["files"] or [])
                out.print(
                    f"last load: {last[0]['id']} at {last[0]['startedAt']} "
                    f"({last[0]['triples'] or 0:,} triples from {files})"
                )
            for row in store.read(queries.STAGES, timeout=timeout):
                out.print(_stage_line(dict(row["stage"]), settings.load_stale_s))


def _stage_line(stage: dict[str, Any], stale_s: float) -> str:
    """A load in progress, or what a killed one left (hidden from readers) and what the
    next load does with it (graph/load.py)."""
    from graph import load_turn

    when = f"started {stage.get('startedAt')}, last batch {stage.get('beat')}"
    if load_turn.is_live(stage, stale_s):
        return f"load in progress: {stage['id']} ({when})"
    if stage.get("published") and stage.get("replace"):
        return (
            f"a replace killed after its switch ({stage['id']}, {when}, switched "
            f"{stage['published']}) is shown to readers alone; the next load deletes the "
            "graph it replaced first"
        )
    if stage.get("published"):
        return (
            f"a load killed after its switch ({stage['id']}, {when}, switched "
            f"{stage['published']}) is shown to readers; the next load tidies its nodes' "
            "stage marks first"
        )
    if stage.get("replace"):
        return (
            f"a killed load left {stage['id']} staged (a replace), hidden from readers "
            f"({when}): replacing with the same input again keeps what it wrote; any other "
            "load deletes it first"
        )
    return (
        f"a killed load left {stage['id']} staged, hidden from readers ({when}): loading "
        "the same input again keeps what it wrote; a load of anything else deletes it first"
    )


def _parse_params(pairs: list[str]) -> dict[str, Any]:
    """name=value pairs; a value that reads as JSON (5, true, ["a"]) is taken as such."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.isidentifier():
            raise InputError(f"--param {pair!r}: expected name=value")
        try:
            params[name] = json.loads(raw)
        except ValueError:
            params[name] = raw
    return params


def _cell(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
