"""`sahelkg`: validate, load, export, query, status, store, serve.

Errors print as one line (the message names file, line, subject or field) with an exit code
per kind: 2 bad input, 3 refused query, 4 not found, 5 store trouble.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from graph import embedded
from graph.errors import EmbeddedServerError, InputError, SahelKGError
from graph.settings import Settings, get_settings

app = typer.Typer(help="Sahel actors knowledge graph.", no_args_is_help=True)
store_app = typer.Typer(help="The embedded ArcadeDB Bolt server.", no_args_is_help=True)
app.add_typer(store_app, name="store")
out = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="RDF files or folders (default: the ontology and seeds/)"),
]


def default_paths(settings: Settings) -> list[Path]:
    return [settings.ontology_path, settings.seeds_dir]


@contextmanager
def errors_as_exit() -> Iterator[None]:
    try:
        yield
    except SahelKGError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted: readers keep the previous graph; the next load clears this one")
        raise typer.Exit(130) from None


@contextmanager
def connect(settings: Settings) -> Iterator[Any]:
    """Start (or reuse) the embedded server when no URI is set; one driver per command."""
    from graph.store import open_store

    if settings.embedded:
        embedded.start(settings)
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


def _ontology(settings: Settings, shapes: bool = True) -> Any:
    from graph.load import Ontology

    return Ontology.read(settings.ontology_path, settings.shapes_path if shapes else None)


@app.command()
def validate(paths: PathsArg = None) -> None:
    """Check RDF files: syntax, ontology terms and SHACL shapes. Writes nothing."""
    from graph.load import prepare

    settings = get_settings()
    with errors_as_exit():
        prepared = prepare(paths or default_paths(settings), _ontology(settings))
        out.print(
            f"valid: {len(prepared.parsed.files)} file(s), {prepared.triples:,} triples, "
            f"{len(prepared.pg.nodes):,} nodes and {len(prepared.pg.rels):,} relationships "
            "when loaded"
        )


@app.command()
def load(
    paths: PathsArg = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Empty the graph first (same transaction)")
    ] = False,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip SHACL (terms are still checked)")
    ] = False,
    batch_size: Annotated[int | None, typer.Option(help="Rows per UNWIND batch")] = None,
) -> None:
    """Load RDF (default: ontology + seeds) into the graph, atomically and idempotently."""
    from graph.load import load as run_load
    from graph.load import prepare

    settings = get_settings()
    with errors_as_exit():
        onto = _ontology(settings, shapes=not no_validate)
        with _progress() as bar:
            on_progress = phase_reporter(bar)
            # Everything is read and checked before the store is touched.
            prepared = prepare(
                paths or default_paths(settings),
                onto,
                validate=not no_validate,
                progress=on_progress,
            )
            with connect(settings) as store:
                report = run_load(
                    store,
                    prepared,
                    onto.registry,
                    batch_size=batch_size or settings.batch_size,
                    replace=replace,
                    progress=on_progress,
                )
        out.print(
            f"loaded {report.triples:,} triples as {report.nodes:,} nodes and "
            f"{report.relationships:,} relationships in {report.seconds:.1f}s "
            f"(load {report.load_id}: {report.created_nodes:,} nodes created, "
            f"{report.updated_nodes:,} updated; {report.created_relationships:,} relationships "
            f"created, {report.updated_relationships:,} updated"
            + (f"; {report.deleted_nodes:,} nodes removed first" if replace else "")
            + ")"
        )
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in report.phases.items())
        err.print(f"steps: {steps}", soft_wrap=True)


@app.command()
def export(
    format: Annotated[
        str, typer.Option("--format", "-f", help="turtle, ntriples, nquads, jsonld, trig, rdfxml")
    ] = "turtle",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout)")
    ] = None,
) -> None:
    """Export the stored graph as RDF, streamed."""
    from graph import export as exporter

    settings = get_settings()
    with errors_as_exit():
        fmt = exporter.format_of(format)
        onto = _ontology(settings, shapes=False)
        with connect(settings) as store:
            if output is None:
                count = exporter.write(store, onto.registry, fmt, sys.stdout.buffer)
            else:
                tmp = output.with_name(output.name + ".partial")
                try:
                    with tmp.open("wb") as fh:
                        count = exporter.write(store, onto.registry, fmt, fh)
                except BaseException:  # a failed export leaves nothing behind
                    tmp.unlink(missing_ok=True)
                    raise
                tmp.replace(output)  # never leave a half-written export under the real name
        err.print(f"exported {count:,} triples as {fmt}")


@app.command()
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
    from graph.readonly import check_read_only

    settings = get_settings()
    with errors_as_exit():
        check_read_only(cypher)
        params = _parse_params(param or [])
        registry = _ontology(settings, shapes=False).registry
        with connect(settings) as store:
            reader = Reader(
                store,
                registry,
                timeout_s=settings.query_timeout_s,
                max_rows=settings.max_rows,
                max_response_bytes=settings.max_response_bytes,
            )
            answer = reader.cypher(cypher, params)
        table = Table(*answer["columns"])
        for row in answer["rows"]:
            table.add_row(*(_cell(v) for v in row))
        out.print(table)
        cut = " (cut: more rows than the limits allow)" if answer["truncated"] else ""
        err.print(f"{answer['row_count']} row(s){cut}")


@app.command()
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
            nodes, rels = store.counts()
            out.print(f"nodes: {nodes:,}  relationships: {rels:,}")
            for row in store.read(queries.COUNT_LABELS):
                out.print(f"  {row['label']}: {row['count']:,}")
            last = store.read(queries.LAST_LOAD)
            if last:
                files = ", ".join(last[0]["files"] or [])
                out.print(
                    f"last load: {last[0]['id']} at {last[0]['startedAt']} "
                    f"({last[0]['triples'] or 0:,} triples from {files})"
                )


@store_app.command("start")
def store_start() -> None:
    """Start the embedded server (or find the running one)."""
    settings = get_settings()
    with errors_as_exit():
        info = embedded.start(settings)
        out.print(f"embedded server ready: pid {info.pid}, bolt://127.0.0.1:{info.bolt_port}")


@store_app.command("stop")
def store_stop() -> None:
    """Stop the embedded server by its PID."""
    settings = get_settings()
    with errors_as_exit():
        server = serving_pid(settings)
        if server is not None:
            # The store is the child of that process: stopping it underneath would leave the
            # API answering 503 (and a child only its parent can reap).
            raise EmbeddedServerError(
                f"`sahelkg serve` (pid {server}) is using the embedded server: stop it with "
                f"Ctrl-C, or `kill {server}`; it stops the store it started"
            )
        stopped = embedded.stop(settings)
        out.print("embedded server stopped" if stopped else "no embedded server was running")


@store_app.command("info")
def store_info(
    reader: Annotated[bool, typer.Option("--reader", help="The read-only account")] = False,
) -> None:
    """The Bolt URI, user, password and database, as SAHELKG_NEO4J_* lines (for
    cypher-shell, Neo4j Browser, notebooks: `eval "$(sahelkg store info)"` in a shell of
    this user only). The embedded store's passwords are generated per data directory."""
    settings = get_settings()
    with errors_as_exit():
        if settings.embedded:
            creds = embedded.credentials(settings)
            user, password = creds.reader if reader else creds.writer
        else:
            user, password = settings.neo4j_reader_auth if reader else settings.neo4j_auth
        out.print(f"SAHELKG_NEO4J_URI={settings.bolt_uri}", highlight=False)
        out.print(f"SAHELKG_NEO4J_USER={user}", highlight=False)
        out.print(f"SAHELKG_NEO4J_PASSWORD={password}", highlight=False)
        out.print(f"SAHELKG_NEO4J_DATABASE={settings.database}", highlight=False)


def _serve_pid_file(settings: Settings) -> Path:
    return settings.embedded_dir / "serve.pid"


def serving_pid(settings: Settings) -> int | None:
    """The pid of a `sahelkg serve` running on this data directory, if any."""
    path = _serve_pid_file(settings)
    try:
        pid = int(path.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"serve" in cmdline and pid != os.getpid() else None


@store_app.command("status")
def store_status() -> None:
    """Whether the embedded server runs."""
    info = embedded.running(get_settings())
    out.print(f"running: pid {info.pid}, bolt port {info.bolt_port}" if info else "not running")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000)")] = None,
    seed: Annotated[
        bool, typer.Option("--seed/--no-seed", help="Load ontology + seeds into an empty graph")
    ] = True,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default 1)")] = None,
) -> None:
    """Serve the HTTP API (REST, /cypher, /sparql, /docs). Starts the embedded store when no
    URI is set, and loads the ontology and seeds when the graph is empty."""
    import uvicorn

    from api.app import create_app
    from graph.load import load as run_load
    from graph.load import prepare

    settings = get_settings()
    with errors_as_exit():
        started = settings.embedded and embedded.running(settings) is None
        with connect(settings) as store:
            store.ensure_schema()
            if seed and store.counts()[0] == 0:
                onto = _ontology(settings)
                prepared = prepare(default_paths(settings), onto)
                report = run_load(store, prepared, onto.registry, batch_size=settings.batch_size)
                err.print(f"empty graph: loaded {report.triples:,} triples from the seeds")
        bind_host, bind_port = host or settings.api_host, port or settings.api_port
        err.print(f"serving http://{bind_host}:{bind_port} (API docs at /docs)")
        processes = workers or settings.api_workers
        pid_file = _serve_pid_file(settings)
        if settings.embedded:
            pid_file.write_text(f"{os.getpid()}\n")
        try:
            if processes == 1:
                uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="info")
            else:  # each worker builds its app from the same environment (SAHELKG_*, .env)
                uvicorn.run(
                    "api.app:create_app",
                    factory=True,
                    workers=processes,
                    host=bind_host,
                    port=bind_port,
                    log_level="info",
                )
        finally:  # uvicorn returns on Ctrl-C / SIGTERM
            pid_file.unlink(missing_ok=True)
            _after_serve(settings, started)


def _after_serve(settings: Settings, started: bool) -> None:
    """Stop the embedded store this `serve` started; say so when it keeps running."""
    if not settings.embedded:
        return
    info = embedded.running(settings)
    if info is None:
        return
    if started:
        embedded.stop(settings)
        err.print(f"stopped the embedded store (pid {info.pid}) that `sahelkg serve` started")
    else:
        err.print(
            f"the embedded store (pid {info.pid}) keeps running: it was running before "
            "`sahelkg serve`; `sahelkg store stop` stops it"
        )


def phase_reporter(bar: Progress) -> Callable[[str, int, int], None]:
    """A loader's progress callback (phase, done, total): one bar per phase."""
    tasks: dict[str, TaskID] = {}

    def report(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done)

    return report


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:>13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
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


# ----------------------------------------------------------------- ingestion (graph/ingest/)

import_app = typer.Typer(help="Import event exports (ACLED, UCDP GED).", no_args_is_help=True)
app.add_typer(import_app, name="import")
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Only write the Turtle here; load nothing")
]
ValidateOpt = Annotated[
    bool | None,
    typer.Option("--validate/--no-validate", help="SHACL (default: up to 5,000 events)"),
]


@app.command()
def ingest(
    article: Annotated[Path, typer.Argument(help="The report, as UTF-8 text")],
    published: Annotated[str, typer.Option(help="Publication date, YYYY-MM-DD")],
    publisher: Annotated[str, typer.Option(help="Who published it")],
    url: Annotated[str | None, typer.Option(help="Where it can be read")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Draft file")] = None,
    against: Annotated[
        list[Path] | None, typer.Option(help="RDF to review against (default: seeds/)")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="The report's language, en or fr (default: detected)")
    ] = None,
) -> None:
    """Draft sourced facts from a news report (offline, deterministic) and review them."""
    from graph.ingest.commands import run_ingest

    with errors_as_exit():
        run_ingest(
            get_settings(), out, err, article, published, publisher, url, output, against, lang
        )


@import_app.command("acled")
def import_acled(
    file: Annotated[Path, typer.Argument(help="ACLED export (CSV)")],
    output: OutputOpt = None,
    validate: ValidateOpt = None,
) -> None:
    """ACLED rows -> events, actors linked by alias, fatalities as claims; then load."""
    _import("acled", file, output, validate)


@import_app.command("ucdp")
def import_ucdp(
    file: Annotated[Path, typer.Argument(help="UCDP GED export (CSV)")],
    output: OutputOpt = None,
    validate: ValidateOpt = None,
) -> None:
    """UCDP GED rows -> events, sides linked by alias, low/best/high deaths as claims."""
    _import("ucdp", file, output, validate)


def _import(dataset: str, file: Path, output: Path | None, validate: bool | None) -> None:
    from graph.ingest.commands import run_import

    with errors_as_exit():
        run_import(get_settings(), out, err, dataset, file, output, validate, _progress, connect)


from graph.match_cli import match  # noqa: E402  (`sahelkg match` lives in graph/match_cli.py)

app.command("match")(match)

if __name__ == "__main__":  # pragma: no cover
    app()
