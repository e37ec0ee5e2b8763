"""`sahelkg match names.csv --column actor [--type T] [--at DATE] -o matched.csv`: a column
of names in any spelling to the graph's actors, with the one matcher (graph/match.py).

Adds four columns to every row: `id` (the actor's slug), `label`, `score` (0-100) and
`match` (true only when one actor clearly stands out; false leaves it to a person to
review). Distinct names are matched once; the graph's index is read once.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import IO, Annotated

import typer

from cli.common import connect, ontology
from cli.console import err, progress
from cli.errors import errors_as_exit
from graph.errors import InputError

ADDED = ("id", "label", "score", "match")


def match(
    file: Annotated[Path, typer.Argument(help="A CSV file (UTF-8) with a header row")],
    column: Annotated[str, typer.Option("--column", "-c", help="The column holding names")],
    type_: Annotated[
        str | None, typer.Option("--type", help="An actor class (JihadistGroup, State, ...)")
    ] = None,
    at: Annotated[str | None, typer.Option(help="YYYY-MM-DD: the actor existed that day")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout)")
    ] = None,
) -> None:
    """Link a CSV column of names (any spelling, EN/FR/AR) to the graph's actors."""
    from graph.match import Query
    from graph.match_store import cache_for
    from graph.read import Reader
    from graph.settings import get_settings
    from graph.vocab import KG_NS, SAHEL

    settings = get_settings()
    with errors_as_exit():
        day = _day(at)
        header, rows = _read(file, column)
        onto = ontology(settings, shapes=False)
        with connect(settings) as store:
            reader = Reader.of(store, onto.registry, settings)
            label = reader.check_label(type_, SAHEL.Actor)
            index = cache_for(store.driver, store.database).get(reader.scan, onto.registry)
        types = (label or "Actor",)
        seen: dict[str, list[str]] = {}
        counts: Counter[str] = Counter()
        out_rows: list[list[str]] = []
        with progress() as bar:
            task = bar.add_task("matching", total=len(rows))
            for row in rows:
                name = row[header.index(column)].strip()
                if name not in seen:
                    best = index.match(Query(name, types, day, limit=2)) if name else []
                    top = best[0] if best else None
                    seen[name] = (
                        [
                            top.iri.removeprefix(KG_NS),
                            top.entity.name,
                            f"{top.score:g}",
                            "true" if top.match else "false",
                        ]
                        if top
                        else ["", "", "", "false"]
                    )
                result = seen[name]
                counts["empty" if not name else "matched" if result[3] == "true" else "review"] += 1
                out_rows.append([*row, *result])
                bar.advance(task)
        if output is None:
            _write(sys.stdout, header, out_rows)
        else:
            tmp = output.with_name(output.name + ".partial")
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                _write(fh, header, out_rows)
            tmp.replace(output)  # never a half-written file under the real name
        err.print(
            f"{len(rows):,} row(s): {counts['matched']:,} matched, {counts['review']:,} to "
            f"review (candidate given, match=false), {counts['empty']:,} empty; "
            f"{len(seen):,} distinct name(s)"
        )


def _day(text: str | None) -> dt.date | None:
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"--at: {text!r} is not a date (YYYY-MM-DD)") from None


def _read(path: Path, column: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows; bad input names the file, the line or the column."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path}: empty file")
            header = [h.strip() for h in header]
            if column not in header:
                raise InputError(
                    f"{path}: no column {column!r}; the columns are {', '.join(header)}"
                )
            taken = [c for c in ADDED if c in header]
            if taken:
                raise InputError(
                    f"{path}: already has the column(s) {', '.join(taken)} this command adds; "
                    "rename them first"
                )
            rows = []
            for row in reader:
                if not any(f.strip() for f in row):
                    continue
                if len(row) != len(header):
                    raise InputError(
                        f"{path}: line {reader.line_num}: {len(row)} fields where the header "
                        f"has {len(header)}"
                    )
                rows.append(row)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: {exc}") from None
    return header, rows


def _write(fh: IO[str], header: list[str], rows: list[list[str]]) -> None:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow([*header, *ADDED])
    writer.writerows(rows)
