"""`sahelkg ingest` (a news report to a reviewed draft) and `sahelkg import acled | ucdp`
(event exports to the graph): the commands and what they print; the work is ingest/'s."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import connect, ontology
from cli.console import err, out, phase_reporter, progress
from cli.errors import errors_as_exit
from graph.errors import InputError
from graph.registry import local_name
from graph.settings import Settings, get_settings
from ingest.candidates import merge_suggestions
from ingest.dates import parse_iso
from ingest.draft import CANDIDATE, report_lines
from ingest.pipeline import (
    SHACL_ROW_LIMIT,
    Context,
    check_import,
    convert_dataset,
    ingest_article,
    read_text,
)
from ingest.tabular import ImportResult
from ingest.turtle import http_iri

import_app = typer.Typer(help="Import event exports (ACLED, UCDP GED).", no_args_is_help=True)
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Only write the Turtle here; load nothing")
]
ValidateOpt = Annotated[
    bool | None,
    typer.Option("--validate/--no-validate", help="SHACL (default: up to 5,000 events)"),
]


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
    with errors_as_exit():
        run_ingest(get_settings(), article, published, publisher, url, output, against, lang)


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
    with errors_as_exit():
        run_import(get_settings(), dataset, file, output, validate)


SHOWN = 30  # rows of errors and unmatched names printed; the rest are counted


def run_ingest(
    settings: Settings,
    article: Path,
    published: str,
    publisher: str,
    url: str | None,
    output: Path | None,
    against: list[Path] | None,
    lang: str | None = None,
) -> None:
    day = parse_iso(published, "--published")
    if url is not None:
        http_iri(url)
    ctx = Context.read(ontology(settings), settings.seeds_dir, against)
    _dangling(ctx)
    result = ingest_article(ctx, read_text(article), day, publisher, url, lang)
    text = result.draft.turtle()
    if output is None:
        out.print(text, markup=False, highlight=False, soft_wrap=True)
    else:
        output.write_text(text, encoding="utf-8")
    rows = list(report_lines(result.draft))
    table = Table("status", "fact", "conf.", "sent.", "note", title="Review")
    for row in rows:
        if row[0] != CANDIDATE:
            table.add_row(*row)
    err.print(table)
    found = [row for row in rows if row[0] == CANDIDATE]
    if found:
        title = "New entities (candidates: accept, merge with a known node, or reject)"
        names = Table("status", "entity", "conf.", "sent.", "where in the text", title=title)
        for row in found:
            names.add_row(*row)
        err.print(names)
        near = merge_suggestions(ctx.aliases, result.extraction.candidates)
        closest = Table("new entity", "closest known nodes (score 0-100)", title="Merge with?")
        for c in result.extraction.candidates:
            shown = ", ".join(f"{local_name(iri)} ({score:g})" for iri, score in near[c.key])
            closest.add_row(c.label, shown or "none close: a new node")
        err.print(closest)
    counts = result.review.counts()
    x = result.extraction
    err.print(
        f"{x.lang}: {len(x.events)} event(s), {len(x.candidates)} new entit(ies) proposed; "
        f"{counts['new']} new, {counts['known']} already known, {counts['contradicts']} "
        f"contradicting the graph; event: {result.review.event or 'new'}; source: "
        f"{result.review.source or 'new'}"
        + (
            f"; draft written to {output} (review it, then: sahelkg load {output})"
            if output
            else ""
        )
    )


def run_import(
    settings: Settings, dataset: str, path: Path, output: Path | None, validate: bool | None
) -> None:
    """Convert, check (terms; SHACL with the seeds when small enough), then load. The
    written Turtle is parsed once (by prepare), the seeds once (by Context.read)."""
    from graph.load import load, prepare

    onto = ontology(settings)
    ctx = Context.read(onto, settings.seeds_dir)
    _dangling(ctx)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sahelkg-import-") as tmp:
        target = output or Path(tmp) / f"{dataset}.ttl"
        with progress() as bar:
            task = bar.add_task("rows", total=None)

            def tick(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = convert_dataset(ctx.aliases, ctx.seeds, dataset, path, target, tick)
        converted = time.perf_counter() - started
        _summary(result, converted)
        if result.events == 0:
            raise InputError(f"{path}: no row could be imported")
        shapes = validate if validate is not None else result.events <= SHACL_ROW_LIMIT
        with progress() as bar:
            # terms checked, triples mapped: nothing touches the store before this passes
            prepared = prepare([target], onto, validate=False, progress=phase_reporter(bar))
        if shapes:
            check_import(ctx, prepared.parsed)
        err.print(
            "checked: ontology terms" + (" and SHACL shapes (with the seeds)" if shapes else "")
        )
        if output is not None:
            out.print(f"wrote {output}: {result.events:,} events, {result.claims:,} claims")
            return
        with connect(settings) as store, progress() as bar:
            report = load(
                store, prepared, onto.registry, batch_size=settings.batch_size,
                progress=phase_reporter(bar),
            )  # fmt: skip
    out.print(
        f"imported {result.events:,} {result.dataset} events ({report.triples:,} triples) in "
        f"{time.perf_counter() - started:.1f}s: {report.created_nodes:,} nodes created, "
        f"{report.updated_nodes:,} updated; {report.created_relationships:,} relationships "
        f"created (load {report.load_id})"
    )


def _dangling(ctx: Context) -> None:
    for alias, iri in ctx.aliases.dangling:
        err.print(f"warning: seeds/aliases.csv: {alias!r} -> {iri}: no such actor or place")


def _summary(result: ImportResult, seconds: float) -> None:
    err.print(
        f"{result.rows:,} rows read in {seconds:.1f}s: {result.events:,} events, "
        f"{result.claims:,} claims, {result.places_minted:,} new places, "
        f"{len(result.errors):,} malformed row(s)"
    )
    for e in result.errors[:SHOWN]:
        err.print(f"  [yellow]skipped[/] {e}", highlight=False)
    if len(result.errors) > SHOWN:
        err.print(f"  … and {len(result.errors) - SHOWN:,} more malformed rows")
    if result.unmatched:
        err.print(
            f"{len(result.unmatched):,} actor name(s) not linked to the graph (kept on the "
            "events as skos:note; add them to seeds/aliases.csv to link them):"
        )
        for name, n in result.unmatched.most_common(SHOWN):
            err.print(f"  {n:>7,} × {name}", markup=False, highlight=False)
    linked = sum(result.linked.values())
    err.print(f"{linked:,} actor mention(s) linked to {len(result.linked):,} actor(s) of the graph")
