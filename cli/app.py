"""The `sahelkg` command (pyproject's entry point): the groups, each in its own module.

cli/data.py    validate, load, export, query, status
cli/store.py   store start | stop | status | info
cli/serve.py   serve
cli/ingest.py  ingest, import acled | ucdp
cli/match.py   match
"""

from __future__ import annotations

import typer

from cli import data, ingest, match, serve, store

app = typer.Typer(help="Sahel actors knowledge graph.", no_args_is_help=True)
for command in (data.validate, data.load, data.export, data.query, data.status):
    app.command()(command)
app.add_typer(store.store_app, name="store")
app.command()(serve.serve)
app.command()(ingest.ingest)
app.add_typer(ingest.import_app, name="import")
app.command("match")(match.match)

if __name__ == "__main__":  # pragma: no cover
    app()
