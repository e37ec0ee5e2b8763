"""The one place where errors become exit codes (README, "Exit codes"):

    0   fine
    1   any other error of the project (SahelKGError itself)
    2   InputError      bad input: nothing was written
    3   QueryError      a query refused, or stopped at its timeout
    4   NotFound        an id that names nothing
    5   StoreError      the store cannot be reached or failed
    6   LoadInProgress  another loader is writing to the graph: nothing was written
    130 interrupted (Ctrl-C): an unfinished load commits nothing

The message is printed as one line (it names the file, line, subject or field).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from cli.console import err
from graph.errors import (
    InputError,
    LoadInProgress,
    NotFound,
    QueryError,
    SahelKGError,
    StoreError,
)

# Most specific first (the first that matches wins).
EXIT_CODES: list[tuple[type[SahelKGError], int]] = [
    (InputError, 2),
    (QueryError, 3),
    (NotFound, 4),
    (LoadInProgress, 6),
    (StoreError, 5),
]
OTHER = 1
INTERRUPTED = 130


def exit_code_of(exc: SahelKGError) -> int:
    for kind, code in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return OTHER


@contextmanager
def errors_as_exit() -> Iterator[None]:
    try:
        yield
    except SahelKGError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(exit_code_of(exc)) from None
    except KeyboardInterrupt:
        err.print("interrupted: readers keep the previous graph; the next load clears this one")
        raise typer.Exit(INTERRUPTED) from None
