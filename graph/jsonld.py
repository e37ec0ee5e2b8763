"""Compact JSON-LD, streamed: one `@context` naming the export's prefixes, then a `@graph`
of node objects whose keys and IRIs are compact (`sahel:memberOf`, `kg:mali`), `@type` for
rdf:type, literals as `{"@value", "@language" | "@type"}` (lexical forms kept exactly).

Written here rather than by rdflib's or PyLD's compaction because both compact a whole
document in memory; this writes as the graph is read, page by page, like the other export
formats. With a context of prefixes only, compaction is a mechanical rewrite of each IRI;
the integration tests read the output back with rdflib and compare it to the Turtle export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so kg: wins over a shorter namespace it extends.
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def iri(self, value: str) -> str:
        for prefix, ns in self.prefixes:
            if value.startswith(ns) and len(value) > len(ns):
                local = value[len(ns) :]
                if not local.startswith("//"):  # would read as an absolute IRI
                    return f"{prefix}:{local}"
        return value

    def ref(self, node: Node) -> str:
        return f"_:{node}" if isinstance(node, BNode) else self.iri(str(node))

    def value(self, node: Node) -> Any:
        if isinstance(node, Literal):
            if node.language:
                return {"@value": str(node), "@language": node.language}
            if node.datatype is None or node.datatype == XSD.string:
                return str(node)
            return {"@value": str(node), "@type": self.iri(str(node.datatype))}
        return {"@id": self.ref(node)}


def write_compact(triples: Iterable[Triple], prefixes: Mapping[str, str], out: IO[bytes]) -> int:
    """Write `triples` as compact JSON-LD; consecutive triples of one subject make one node
    object (a subject met again later gets another, which JSON-LD merges). Returns the
    number of triples."""
    c = _Compactor(prefixes)
    context = json.dumps(dict(prefixes), ensure_ascii=False, indent=1)
    out.write(b'{"@context": ' + context.encode() + b',\n "@graph": [')
    count = 0
    first = True
    subject: Node | None = None
    node: dict[str, Any] = {}

    def flush() -> None:
        nonlocal first
        if not node:
            return
        compact = {k: v[0] if len(v) == 1 and k != "@type" else v for k, v in node.items()}
        compact["@id"] = node["@id"][0]
        text = json.dumps(compact, ensure_ascii=False)
        out.write((b"\n  " if first else b",\n  ") + text.encode())
        first = False

    for s, p, o in triples:
        count += 1
        if s != subject:
            flush()
            subject, node = s, {"@id": [c.ref(s)]}
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(c.iri(str(o)))
        else:
            node.setdefault(c.iri(str(p)), []).append(c.value(o))
    flush()
    out.write(b"\n]}\n")
    return count
