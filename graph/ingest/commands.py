"""The bodies of `sahelkg ingest` and `sahelkg import ...`; graph/cli.py only declares them."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from graph.errors import InputError
from graph.ingest.candidates import merge_suggestions
from graph.ingest.dates import parse_iso
from graph.ingest.draft import CANDIDATE, report_lines
from graph.ingest.pipeline import (
    SHACL_ROW_LIMIT,
    Context,
    check_import,
    convert_dataset,
    ingest_article,
    read_text,
)
from graph.ingest.turtle import http_iri
from graph.load import Ontology
from graph.registry import local_name
from graph.settings import Settings

SHOWN = 30  # rows of errors and unmatched names printed; the rest are counted


def run_ingest(
    settings: Settings,
    out: Console,
    err: Console,
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
    onto = Ontology.read(settings.ontology_path, settings.shapes_path)
    ctx = Context.read(onto, settings.seeds_dir, against)
    _dangling(err, ctx)
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
    settings: Settings,
    out: Console,
    err: Console,
    dataset: str,
    path: Path,
    output: Path | None,
    validate: bool | None,
    progress: Callable[[], Progress],
    connect: Callable[[Settings], AbstractContextManager[Any]],
) -> None:
    from graph.cli import phase_reporter
    from graph.load import load, prepare

    onto = Ontology.read(settings.ontology_path, settings.shapes_path)
    ctx = Context.read(onto, settings.seeds_dir)
    _dangling(err, ctx)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sahelkg-import-") as tmp:
        target = output or Path(tmp) / f"{dataset}.ttl"
        with progress() as bar:
            task = bar.add_task("rows", total=None)

            def tick(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = convert_dataset(ctx.aliases, ctx.seeds, dataset, path, target, tick)
        converted = time.perf_counter() - started
        _summary(err, result, converted)
        if result.events == 0:
            raise InputError(f"{path}: no row could be imported")
        shapes = validate if validate is not None else result.events <= SHACL_ROW_LIMIT
        if shapes:
            check_import(ctx, settings.seeds_dir, target, shapes=True)
        with progress() as bar:
            # terms checked, triples mapped: nothing touches the store before this passes
            prepared = prepare([target], onto, validate=False, progress=phase_reporter(bar))
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


def _dangling(err: Console, ctx: Context) -> None:
    for alias, iri in ctx.aliases.dangling:
        err.print(f"warning: seeds/aliases.csv: {alias!r} -> {iri}: no such actor or place")


def _summary(err: Console, result: Any, seconds: float) -> None:
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
