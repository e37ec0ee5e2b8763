"""Whole-graph exports, streamed: RDF (Turtle, N-Triples, N-Quads, JSON-LD, TriG, RDF/XML)
through graph.export, GraphML and CSV (a zip of nodes.csv and edges.csv) through
graph.pg_export.

An export that fails before its first bytes are ready answers with an error status (the
first chunk is produced before the response starts); one that fails later cuts the
connection, so the client sees a truncated transfer, never a complete-looking 200."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import OntologyDep, ReaderDep
from api.models import Error
from graph import export as rdf_export
from graph.errors import InputError
from graph.pg_export import write_csv_zip, write_graphml
from graph.read.graph_info import export_nodes

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
IN_MEMORY = 8 * 1024 * 1024  # a larger export goes to a temporary file


def spooled(write: Callable[[IO[bytes]], Any]) -> tuple[Iterator[bytes], int]:
    """Write the whole export first (the store's read snapshot is held only that long,
    however slowly the client reads; an error comes before any byte is sent), then hand
    out its chunks and its size."""
    spool = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (closed below)
    try:
        write(spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def chunks() -> Iterator[bytes]:
        try:
            while data := spool.read(CHUNK):
                yield data
        finally:  # also when the client goes away
            spool.close()

    return chunks(), size


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
    """The whole stored graph, produced from one consistent read before it is sent (so a
    failure is an error status, never a 200 with half a file). RDF formats give back the
    triples that were loaded (qualified relations expanded again; JSON-LD compact, with an
    @context); GraphML and CSV give the property graph with typed attributes (CSV: a zip of
    nodes.csv, edges.csv and columns.csv, which names each column's type)."""
    name = format.strip().lower()
    if name in EXTRA:
        media, ext = EXTRA[name]
        writer = write_graphml if name == "graphml" else write_csv_zip
        classes = list(ontology.registry.labels.values())

        def write(out: IO[bytes]) -> Any:
            return writer(export_nodes(reader), out, classes)

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
            return rdf_export.write(
                reader.store, ontology.registry, fmt, out, snapshot=reader.snapshot
            )

    chunks, size = spooled(write)
    return StreamingResponse(
        chunks,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="sahel-kg.{ext}"',
            "Content-Length": str(size),
        },
    )
