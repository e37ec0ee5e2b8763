"""`sahelkg store start | stop | status | info`: the embedded ArcadeDB Bolt server."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.console import out
from cli.errors import errors_as_exit
from cli.serve import serving_pid
from graph import embedded
from graph.errors import EmbeddedServerError
from graph.settings import get_settings

store_app = typer.Typer(help="The embedded ArcadeDB Bolt server.", no_args_is_help=True)


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


@store_app.command("status")
def store_status() -> None:
    """Whether the embedded server runs."""
    info = embedded.running(get_settings())
    out.print(f"running: pid {info.pid}, bolt port {info.bolt_port}" if info else "not running")
