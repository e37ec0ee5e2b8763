"""The stored property graph as GraphML and as one CSV (nodes, then relationships), for
tools that read neither RDF nor Cypher; written page by page from Reader.export_pages."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from graph.present import plain_props


def _props_json(props: dict[str, Any]) -> str:
    return json.dumps(plain_props(props), ensure_ascii=False, sort_keys=True)


def write_graphml(pages: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """GraphML: one node per resource (labels, name, properties as JSON), one edge per
    relationship (type, properties as JSON). Returns the number of elements written."""
    out.write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
        b'  <key id="labels" for="node" attr.name="labels" attr.type="string"/>\n'
        b'  <key id="name" for="node" attr.name="name" attr.type="string"/>\n'
        b'  <key id="nprops" for="node" attr.name="properties" attr.type="string"/>\n'
        b'  <key id="type" for="edge" attr.name="type" attr.type="string"/>\n'
        b'  <key id="eprops" for="edge" attr.name="properties" attr.type="string"/>\n'
        b'  <graph id="sahel-kg" edgedefault="directed">\n'
    )
    count = 0
    edges: list[bytes] = []
    for row in pages:
        iri, props = row["iri"], dict(row["props"])
        out.write(
            f"    <node id={quoteattr(iri)}>"
            f'<data key="labels">{escape(":".join(sorted(row["labels"])))}</data>'
            f'<data key="name">{escape(str(props.get("name", "")))}</data>'
            f'<data key="nprops">{escape(_props_json(props))}</data></node>\n'.encode()
        )
        count += 1
        for rel in row["rels"]:
            if rel is None:
                continue
            rel_type, rel_props, end = rel
            edges.append(
                f"    <edge source={quoteattr(iri)} target={quoteattr(end)}>"
                f'<data key="type">{escape(rel_type)}</data>'
                f'<data key="eprops">{escape(_props_json(dict(rel_props)))}</data>'
                "</edge>\n".encode()
            )
            count += 1
    for edge in edges:  # GraphML readers accept edges after nodes everywhere
        out.write(edge)
    out.write(b"  </graph>\n</graphml>\n")
    return count


CSV_COLUMNS = ("kind", "iri", "labels", "name", "start", "type", "end", "properties")


def write_csv(pages: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """One CSV: a row per node (kind=node) then per relationship (kind=edge); the other
    properties as a JSON object in the last column."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    count = 0
    edges: list[tuple[str, ...]] = []
    for row in pages:
        iri, props = row["iri"], dict(row["props"])
        writer.writerow(
            (
                "node",
                iri,
                ":".join(sorted(row["labels"])),
                str(props.get("name", "")),
                "",
                "",
                "",
                _props_json(props),
            )
        )
        count += 1
        for rel in row["rels"]:
            if rel is None:
                continue
            rel_type, rel_props, end = rel
            edges.append(
                (
                    "edge",
                    str(rel_props.get("iri") or ""),
                    "",
                    "",
                    iri,
                    rel_type,
                    end,
                    _props_json(dict(rel_props)),
                )
            )
            count += 1
    writer.writerows(edges)
    text.flush()
    text.detach()
    return count
