"""Whole-graph exports, streamed: RDF (Turtle, N-Triples, N-Quads, JSON-LD, TriG, RDF/XML)
through graph.export, GraphML and CSV (a zip of nodes.csv and edges.csv) through
graph.pg_export.

An export that fails before its first bytes are ready answers with an error status (the
first chunk is produced before the response starts); one that fails later cuts the
connection, so the client sees a truncated transfer, never a complete-looking 200."""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import OntologyDep, ReaderDep
from api.models import Error
from graph import export as rdf_export
from graph.errors import InputError
from graph.pg_export import write_csv_zip, write_graphml

router = APIRouter(tags=["export"])

EXTRA = {
    "graphml": ("application/graphml+xml", "graphml"),
    "csv": ("application/zip", "csv.zip"),
}
EXTENSIONS = {
    "turtle": "ttl",
    "ntriples": "nt",
    "nquads": "nq",
    "jsonld": "jsonld",
    "trig": "trig",
    "rdfxml": "rdf",
}
CHUNK = 64 * 1024


class _Cancelled(Exception):
    pass


class _QueueWriter(io.RawIOBase):
    def __init__(self, q: queue.Queue[Any], cancelled: threading.Event) -> None:
        self.q = q
        self.cancelled = cancelled

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        while True:
            if self.cancelled.is_set():
                raise _Cancelled
            try:
                self.q.put(data, timeout=1.0)
                return len(data)
            except queue.Full:
                continue


def stream(write: Callable[[IO[bytes]], Any]) -> Iterator[bytes]:
    """Run `write(out)` in a thread and yield what it writes, in chunks, as it goes."""
    q: queue.Queue[Any] = queue.Queue(maxsize=32)
    cancelled = threading.Event()
    done = object()

    def run() -> None:
        try:
            with io.BufferedWriter(_QueueWriter(q, cancelled), buffer_size=CHUNK) as out:
                write(out)
        except _Cancelled:
            return
        except BaseException as exc:  # handed to the reading side
            q.put(exc)
        finally:
            if not cancelled.is_set():
                q.put(done)

    threading.Thread(target=run, name="sahelkg-export", daemon=True).start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancelled.set()


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the whole graph",
            "content": {
                "text/turtle": {},
                "application/n-triples": {},
                "application/ld+json": {},
                "application/trig": {},
                "application/rdf+xml": {},
                "application/graphml+xml": {},
                "text/csv": {},
            },
        },
        422: {"model": Error, "description": "unknown format"},
    },
)
def export(
    reader: ReaderDep,
    ontology: OntologyDep,
    format: Annotated[
        str,
        Query(description="turtle, ntriples, nquads, jsonld, trig, rdfxml, graphml or csv"),
    ] = "turtle",
) -> StreamingResponse:
    """The whole stored graph, streamed. RDF formats give back the triples that were
    loaded (qualified relations expanded again; JSON-LD compact, with an @context); GraphML
    and CSV give the property graph with typed attributes (CSV: a zip of nodes.csv,
    edges.csv and columns.csv, which names each column's type)."""
    name = format.strip().lower()
    reader.health()  # fail with 503 before the response starts, not in the middle of it
    if name in EXTRA:
        media, ext = EXTRA[name]
        writer = write_graphml if name == "graphml" else write_csv_zip
        classes = list(ontology.registry.labels.values())

        def write(out: IO[bytes]) -> Any:
            return writer(reader.export_pages(), out, classes)

    else:
        try:
            fmt = rdf_export.format_of(name)
        except InputError:
            raise InputError(
                f"unknown format {format!r}; choose one of "
                f"{', '.join([*rdf_export.FORMATS, *EXTRA])}"
            ) from None
        media, ext = rdf_export.FORMATS[fmt][1], EXTENSIONS.get(fmt, fmt)

        def write(out: IO[bytes]) -> Any:
            return rdf_export.write(reader.store, ontology.registry, fmt, out)

    chunks = stream(write)
    first = next(chunks, b"")  # a failure up to here is an error response, not a 200

    def body() -> Iterator[bytes]:
        yield first
        yield from chunks

    return StreamingResponse(
        body(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="sahel-kg.{ext}"'},
    )
