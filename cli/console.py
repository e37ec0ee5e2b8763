"""Where the CLI writes: `out` (results, stdout) and `err` (messages, progress, stderr),
and the progress bars of long steps."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

out = Console(emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description:>13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def phase_reporter(bar: Progress) -> Callable[[str, int, int], None]:
    """A loader's progress callback (phase, done, total): one bar per phase; a total of 0
    with something done is not known (shown as `?`)."""
    tasks: dict[str, TaskID] = {}

    def report(phase: str, done: int, total: int) -> None:
        known: int | None = total if total or not done else None
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=known)
        bar.update(tasks[phase], completed=done, total=known)

    return report
