"""A small, fast Turtle writer. rdflib's serializer is too slow for 100k-row imports and
re-orders everything; writing the text directly keeps drafts in reading order (the event,
then its claims, then the statements) and costs almost nothing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from rdflib import Graph, Literal

from graph.namespaces import KG_NS, prefixes

PREFIXES = prefixes("sahel", "kg", "rdfs", "skos", "xsd", "prov")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPE_RE = re.compile(r'[\\"\n\r\t]')


def slug(text: str, limit: int = 60) -> str:
    """ASCII, lower case, hyphens: safe as the local part of a kg: name."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")
    return out[:limit].rstrip("-") or "x"


def string(text: str, lang: str | None = None) -> str:
    body = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)
    return f'"{body}"@{lang}' if lang else f'"{body}"'


def date(value: str) -> str:
    return f'"{value}"^^xsd:date'


def integer(value: int) -> str:
    return str(int(value))


def uri(value: str) -> str:
    return f"{string(value)}^^xsd:anyURI"


# What Turtle's IRIREF forbids (and what would end a comment or a literal): controls, space,
# <>"{}|^`\. A URL with any of them is refused rather than escaped into something else.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')


def http_iri(value: str, what: str = "--url") -> str:
    """The value if it is an absolute http(s) IRI with a host; InputError naming `what` if not
    (a `javascript:` or `data:` URL must never reach a draft or the explorer's links)."""
    from urllib.parse import urlsplit

    from graph.errors import InputError

    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(f"{what} {value!r}: not an http(s) URL")
    bad = _IRI_FORBIDDEN.search(value)
    if bad:
        raise InputError(f"{what} {value!r}: character {bad.group()!r} is not allowed in an IRI")
    return value


def comment(text: str) -> str:
    """One line of a Turtle comment: a newline in a publisher or a title must not end the
    comment and start triples."""
    return " ".join(text.split())


def kg(local: str) -> str:
    """A kg: individual; full IRI when the local part is not a plain slug."""
    if local.startswith(KG_NS):
        local = local[len(KG_NS) :]
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", local):
        return f"kg:{local}"
    return f"<{KG_NS}{local}>"


def ref(iri: str) -> str:
    """Shorten an IRI to a prefixed name when that is safe."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


@dataclass
class Block:
    """One subject and its (predicate, object) pairs, objects already in Turtle syntax."""

    subject: str
    types: list[str]
    pairs: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # '# ...' lines written above it

    def add(self, predicate: str, obj: str) -> Block:
        if (predicate, obj) not in self.pairs:
            self.pairs.append((predicate, obj))
        return self

    def add_all(self, predicate: str, objs: Iterable[str]) -> Block:
        for o in objs:
            self.add(predicate, o)
        return self

    def text(self) -> str:
        lines = [f"# {comment(c)}" for c in self.comments]
        grouped: dict[str, list[str]] = {}
        for p, o in self.pairs:
            grouped.setdefault(p, []).append(o)
        parts = [f"a {' , '.join(self.types)}"] if self.types else []
        parts += [f"{p} {' , '.join(objs)}" for p, objs in grouped.items()]
        if not parts:
            return "\n".join(lines)
        return "\n".join([*lines, f"{self.subject} " + " ;\n    ".join(parts) + " ."])


def header(comment_lines: Sequence[str] = ()) -> str:
    lines = [f"# {comment(c)}" if c else "#" for c in comment_lines]
    lines += [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    return "\n".join(lines) + "\n\n"


def write(out: IO[str], blocks: Iterable[Block], comment_lines: Sequence[str] = ()) -> int:
    """Write the blocks; returns how many were written."""
    out.write(header(comment_lines))
    n = 0
    for block in blocks:
        out.write(block.text())
        out.write("\n\n")
        n += 1
    return n


def restate(graph: Graph, iris: Iterable[str], note: str = "") -> list[Block]:
    """Blocks repeating, word for word, the type, labels, title and publication date the
    graph gives each IRI. A draft or an import that names kg:jnim or kg:bamako then passes
    the SHACL shapes on its own (sh:class needs the type; a typed node needs its label), so
    `sahelkg load FILE` validates it without the seeds; loading them again changes nothing,
    as the seeds do for the claim kinds."""
    from rdflib import RDF, RDFS, URIRef

    keep = {RDF.type, RDFS.label, URIRef(PREFIXES["sahel"] + "title"),
            URIRef(PREFIXES["sahel"] + "published")}  # fmt: skip
    out: list[Block] = []
    for iri in sorted(set(iris)):
        node = URIRef(iri)
        types = sorted(ref(str(t)) for t in graph.objects(node, RDF.type))
        if not types:
            continue
        block = Block(ref(iri), types, comments=[note] if note and not out else [])
        for p, o in sorted(graph.predicate_objects(node)):
            if p in keep and p != RDF.type and isinstance(o, Literal):
                block.add(ref(str(p)), _literal(o))
        out.append(block)
    return out


def _literal(lit: Literal) -> str:
    if lit.language:
        return string(str(lit), lit.language)
    if lit.datatype is not None:
        return f"{string(str(lit))}^^{ref(str(lit.datatype))}"
    return string(str(lit))
