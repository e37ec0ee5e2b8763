"""`sahelkg serve`: the HTTP API over the store (the one command that imports api/)."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import connect, default_paths, ontology
from cli.console import err
from cli.errors import errors_as_exit
from graph import embedded
from graph.settings import Settings, get_settings


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
    from graph.load import load as run_load, prepare

    settings = get_settings()
    with errors_as_exit():
        started = settings.embedded and embedded.running(settings) is None
        with connect(settings) as store:
            store.ensure_schema()
            if seed and store.counts()[0] == 0:
                onto = ontology(settings)
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
                uvicorn.run(
                    create_app(settings),
                    host=bind_host,
                    port=bind_port,
                    log_level="info",
                    log_config=_log_config(),
                )
            else:  # each worker builds its app from the same environment (SAHELKG_*, .env)
                uvicorn.run(
                    "api.app:create_app",
                    factory=True,
                    workers=processes,
                    host=bind_host,
                    port=bind_port,
                    log_level="info",
                    log_config=_log_config(),
                )
        finally:  # uvicorn returns on Ctrl-C / SIGTERM
            pid_file.unlink(missing_ok=True)
            _after_serve(settings, started)


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, and the service's own (`sahelkg.*`, INFO and up) on its stream:
    what each update of the SPARQL view did, a store outage and its end."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["sahelkg"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


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
