"""The stored property graph for tools that read neither RDF nor Cypher, with typed
attributes (no JSON inside a column to parse):

- GraphML (Gephi, NetworkX, yEd, Cytoscape): one node per resource with `iri`, `name`,
  `labels`, one boolean per ontology class (`JihadistGroup`: true/false) and each property
  under its own key; one edge per relationship with `type`, `validFrom`, `validTo`,
  `sources`, ...; each key declared with its GraphML type (boolean, long, double, string).
- CSV: a zip of `nodes.csv` and `edges.csv` (same columns as GraphML; `source`, `target`,
  `type` for the edges) and `columns.csv` naming each column's type (string, long, double,
  boolean, date), so that pandas (`dtype=`, `parse_dates=`) reads them typed.

Dates are ISO 8601 (`2019-06-01`); a list is one string, its items joined by " | "
(`sources`, `altLabel@en`). A value written `"12.65"^^xsd:decimal` is a number (the
property is named without its `^^xsd:decimal`). Every value keeps one type per key: a key
whose values mix kinds (numbers and words) is a string.

Both formats must declare their columns before the first row, so the rows go first to a
spooled temporary file (memory up to 32 MB, disk beyond) while the types are learnt.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from graph.read.present import jsonable

LIST_SEPARATOR = " | "
_NUMERIC = {"decimal": "double", "double": "double", "float": "double", "integer": "long"}
# the search index, the types behind the labels, the mark of a load not yet tidied
_INTERNAL = {"search", "rdfTypes", "stagedBy"}
SPOOL_BYTES = 32 * 1024 * 1024


@dataclass
class _Columns:
    """Property keys met, in order, with the kinds of their values."""

    kinds: dict[str, set[str]] = field(default_factory=dict)

    def see(self, key: str, kind: str) -> None:
        self.kinds.setdefault(key, set()).add(kind)

    def type_of(self, key: str) -> str:
        kinds = self.kinds[key]
        for one in ("boolean", "long", "date", "string"):
            if kinds == {one}:
                return one
        return "double" if kinds <= {"long", "double"} else "string"


def _value(key: str, value: Any) -> tuple[str, Any, str]:
    """(column name, JSON value, kind) of a stored property."""
    name, _, dtype = key.partition("^^xsd:")
    if isinstance(value, list | tuple):
        items = [str(jsonable(v)) for v in value]
        return name, LIST_SEPARATOR.join(items), "string"
    if isinstance(value, bool):
        return name, value, "boolean"
    if isinstance(value, int):
        return name, value, "long"
    if isinstance(value, float):
        return name, value, "double"
    if isinstance(value, str):
        numeric = _NUMERIC.get(dtype)
        if numeric:
            try:
                number: float = int(value) if numeric == "long" else float(value)
            except ValueError:
                return key, value, "string"
            return name, number, numeric
        return key, value, "string"
    text = jsonable(value)
    if hasattr(value, "iso_format") or hasattr(value, "isoformat"):
        return name, text, "date" if len(str(text)) == 10 else "string"
    return key, str(text), "string"


@dataclass
class _Spool:
    """Nodes and edges as JSON lines on a spooled file, with what their columns hold."""

    classes: list[str]
    file: IO[bytes]
    nodes: _Columns = field(default_factory=_Columns)
    edges: _Columns = field(default_factory=_Columns)
    count: int = 0

    def fill(self, pages: Iterable[dict[str, Any]]) -> None:
        for row in pages:
            labels = set(row.get("labels") or ())
            props = self._props(row["props"], self.nodes)
            record = {"iri": row["iri"], "labels": ":".join(sorted(labels)), **props}
            record["name"] = str(row["props"].get("name", ""))
            for label in self.classes:
                record[f"class:{label}"] = label in labels
            self._write("n", record)
            for rel in row["rels"]:
                if rel is None:
                    continue
                rel_type, rel_props, end = rel
                edge = {"source": row["iri"], "target": end, "type": rel_type}
                edge.update(self._props(dict(rel_props), self.edges))
                self._write("e", edge)

    def _props(self, props: dict[str, Any], columns: _Columns) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in props.items():
            if key in _INTERNAL or (key in ("iri", "name") and columns is self.nodes):
                continue
            name, converted, kind = _value(key, value)
            if name in out:  # `x` and `x^^xsd:decimal` both present: keep them apart
                name = key
            columns.see(name, kind)
            out[name] = converted
        return out

    def _write(self, kind: str, record: dict[str, Any]) -> None:
        self.file.write(json.dumps([kind, record], ensure_ascii=False).encode() + b"\n")
        self.count += 1

    def records(self, kind: str) -> Iterator[dict[str, Any]]:
        self.file.seek(0)
        for line in self.file:
            k, record = json.loads(line)
            if k == kind:
                yield record


@contextmanager
def _spooled(pages: Iterable[dict[str, Any]], classes: Iterable[str]) -> Iterator[_Spool]:
    with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as file:
        spool = _Spool(sorted(set(classes) - {"Resource"}), file)
        spool.fill(pages)
        yield spool


# ------------------------------------------------------------------ GraphML

_GRAPHML_TYPES = {"boolean": "boolean", "long": "long", "double": "double"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def write_graphml(pages: Iterable[dict[str, Any]], out: IO[bytes], classes: Iterable[str]) -> int:
    """GraphML with a typed key per attribute; returns the number of nodes and edges."""
    with _spooled(pages, classes) as spool:
        _graphml(spool, out)
        return spool.count


def _graphml(spool: _Spool, out: IO[bytes]) -> None:
    node_keys: dict[str, tuple[str, str]] = {"iri": ("iri", "string")}
    node_keys["name"] = ("name", "string")
    node_keys["labels"] = ("labels", "string")
    for label in spool.classes:
        node_keys[f"class:{label}"] = (label, "boolean")
    for key in spool.nodes.kinds:
        node_keys[key] = (key, _GRAPHML_TYPES.get(spool.nodes.type_of(key), "string"))
    edge_keys = {"type": ("type", "string")}
    for key in spool.edges.kinds:
        edge_keys[key] = (key, _GRAPHML_TYPES.get(spool.edges.type_of(key), "string"))
    ids = {("node", k): f"n{i}" for i, k in enumerate(node_keys)}
    ids.update({("edge", k): f"e{i}" for i, k in enumerate(edge_keys)})

    out.write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    )
    for scope, keys in (("node", node_keys), ("edge", edge_keys)):
        for key, (name, kind) in keys.items():
            out.write(
                f'  <key id="{ids[scope, key]}" for="{scope}" attr.name={quoteattr(name)} '
                f'attr.type="{kind}"/>\n'.encode()
            )
    out.write(b'  <graph id="sahel-kg" edgedefault="directed">\n')
    for record in spool.records("n"):
        data = "".join(f'<data key="{ids["node", k]}">{_text(v)}</data>' for k, v in record.items())
        out.write(f"    <node id={quoteattr(record['iri'])}>{data}</node>\n".encode())
    for record in spool.records("e"):
        data = "".join(
            f'<data key="{ids["edge", k]}">{_text(v)}</data>'
            for k, v in record.items()
            if k not in ("source", "target")
        )
        out.write(
            f"    <edge source={quoteattr(record['source'])} "
            f"target={quoteattr(record['target'])}>{data}</edge>\n".encode()
        )
    out.write(b"  </graph>\n</graphml>\n")


# ------------------------------------------------------------------ CSV (zip)


def write_csv_zip(pages: Iterable[dict[str, Any]], out: IO[bytes], classes: Iterable[str]) -> int:
    """A zip of nodes.csv, edges.csv and columns.csv (file, column, type); returns the
    number of nodes and edges. Booleans as true/false, empty cell for no value."""
    with _spooled(pages, classes) as spool:
        _csv_zip(spool, out)
        return spool.count


def _csv_zip(spool: _Spool, out: IO[bytes]) -> None:
    node_cols = {"iri": "string", "name": "string", "labels": "string"}
    node_cols.update({f"class:{c}": "boolean" for c in spool.classes})
    node_cols.update({k: spool.nodes.type_of(k) for k in spool.nodes.kinds})
    edge_cols = {"source": "string", "target": "string", "type": "string"}
    edge_cols.update({k: spool.edges.type_of(k) for k in spool.edges.kinds})

    def header(name: str) -> str:
        return name.removeprefix("class:")

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file, kind, cols in (("nodes.csv", "n", node_cols), ("edges.csv", "e", edge_cols)):
            with zf.open(file, "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow([header(c) for c in cols])
                for record in spool.records(kind):
                    writer.writerow([_cell(record.get(c)) for c in cols])
                text.flush()
                text.detach()
        listing = io.StringIO()
        writer = csv.writer(listing)
        writer.writerow(["file", "column", "type"])
        for file, cols in (("nodes.csv", node_cols), ("edges.csv", edge_cols)):
            writer.writerows([file, header(c), t] for c, t in cols.items())
        zf.writestr("columns.csv", listing.getvalue())


# A cell a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return
# before one) gets a leading apostrophe: opening the export must never run anything.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        value = value.translate(_CONTROL)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value
