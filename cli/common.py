"""What several command groups share: the default inputs, the store connection, the
ontology (read once per process: graph/ontology.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from graph import embedded
from graph.ontology import Ontology
from graph.settings import Settings
from graph.store import Store

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="RDF files or folders (default: the ontology and seeds/)"),
]


def default_paths(settings: Settings) -> list[Path]:
    return [settings.ontology_path, settings.seeds_dir]


@contextmanager
def connect(settings: Settings) -> Iterator[Store]:
    """Start (or reuse) the embedded server when no URI is set; one driver per command."""
    from graph.store import open_store

    if settings.embedded:
        embedded.start(settings)
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


def ontology(settings: Settings, shapes: bool = True) -> Ontology:
    return Ontology.read(settings.ontology_path, settings.shapes_path if shapes else None)
