"""Read RDF files and check them: syntax (file and line), ontology terms (unknown class or
property) and SHACL shapes (subject, path, reason), each error naming where it comes from."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib import RDF, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import InputError, MappingError, RDFSyntaxError, ShapeViolation
from graph.mapping import canonicalise, check_terms
from graph.registry import Registry
from graph.vocab import KG_NS, SAHEL_NS

FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".trig": "trig",
    ".nq": "nquads",
}
MAX_LITERAL_CHARS = 1_000_000  # a longer literal is almost surely a mistake, and slows every read
_LINE_RE = re.compile(r"line (\d+)|:(\d+):\d+|at (\d+):\d+", re.IGNORECASE)


@dataclass
class Parsed:
    """The union of the files read, with the file each subject was first seen in."""

    graph: Graph
    files: list[Path]
    origins: dict[Node, Path] = field(default_factory=dict)

    def where(self, subject: Node) -> str:
        """'file:line' (or 'file') of the subject's first statement, for messages."""
        path = self.origins.get(subject)
        if path is None:
            return "<input>"
        line = _find_line(path, subject)
        return f"{path}:{line}" if line else str(path)


def rdf_files(paths: Iterable[Path]) -> list[Path]:
    """The RDF files named, directories walked (documents/ and hidden folders skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(path).parts
                if f.suffix in FORMATS and not any(
                    p.startswith(".") or p == "documents" for p in rel
                ):
                    out.append(f)
        elif path.exists():
            out.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    if not out:
        raise InputError("no RDF files found in " + ", ".join(str(p) for p in paths))
    return out


def parse_files(paths: Iterable[Path]) -> Parsed:
    files = rdf_files(paths)
    graph = Graph()
    graph.bind("sahel", SAHEL_NS)
    graph.bind("kg", KG_NS)
    # rdflib logs a traceback for every ill-typed literal; the shapes report them properly.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    origins: dict[Node, Path] = {}
    iris: dict[str, URIRef] = {}  # one URIRef per IRI across all files: less time, less memory
    for number, path in enumerate(files):
        fmt = FORMATS.get(path.suffix)
        if fmt is None:
            raise InputError(f"{path}: unknown RDF format (known: {', '.join(FORMATS)})")
        try:
            with literals_as_written():
                _parse_into(graph, path, fmt, origins, iris, f"f{number}x")
        except InputError:
            raise
        except Exception as exc:  # rdflib raises many kinds; all mean the file is bad
            message = " ".join(str(exc).split())
            raise RDFSyntaxError(str(path), message[:500], _line_of(message)) from exc
    return Parsed(graph=graph, files=files, origins=origins)


def check(parsed: Parsed, registry: Registry, shapes: Graph | None, ontology: Graph) -> Parsed:
    """Ontology terms, literal sizes and SHACL shapes; raises with every problem found."""
    problems = [
        f"{parsed.where(s)}: {s}: {reason}" for s, reason in check_terms(parsed.graph, registry)
    ]
    for s, p, o in parsed.graph:
        if isinstance(o, Literal) and len(o) > MAX_LITERAL_CHARS:
            problems.append(
                f"{parsed.where(s)}: {s} {p}: literal of {len(o):,} characters "
                f"(limit {MAX_LITERAL_CHARS:,})"
            )
    if problems:
        raise MappingError(
            f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        )
    if shapes is not None:
        validate_shapes(parsed, shapes, ontology)
    parsed.graph = canonicalise(parsed.graph)
    return parsed


def validate_shapes(parsed: Parsed, shapes: Graph, ontology: Graph) -> None:
    # The ontology goes into the data graph itself: pyshacl's ont_graph brings in the class
    # axioms but not the ontology's individuals (sahel:Fatalities a sahel:ClaimKind).
    data = parsed.graph + ontology if ontology is not None else parsed.graph
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    if conforms:
        return
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        message = report.value(r, SH.resultMessage)
        value = report.value(r, SH.value)
        where = parsed.where(focus) if focus is not None else "<input>"
        shown = f" (value {value.n3()[:80]})" if value is not None else ""
        path_text = path.n3(parsed.graph.namespace_manager) if path is not None else "-"
        results.append(f"{where}: {focus} {path_text}: {message}{shown}")
    raise ShapeViolation(sorted(results))


@contextmanager
def literals_as_written() -> Iterator[None]:
    """rdflib rewrites lexical forms as it builds literals ("007"^^xsd:integer becomes "7");
    the graph must give back exactly what the curator wrote. A flag, not a parameter, in
    rdflib; pyshacl also flips it, so set it around each parse rather than once."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before


# pyoxigraph parses these: fast, and it keeps every lexical form as written (rdflib's Turtle
# parser turns the integer token 007 into "7"). rdflib reads JSON-LD and N3.
_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "xml": ox.RdfFormat.RDF_XML,
}


def _parse_into(
    graph: Graph,
    path: Path,
    fmt: str,
    origins: dict[Node, Path],
    iris: dict[str, URIRef],
    bnode_scope: str,
) -> None:
    """Add the file's triples to `graph`, recording where each subject was first seen."""
    ox_format = _OX_FORMATS.get(fmt)
    if ox_format is None:
        part = Graph()
        part.parse(path, format=fmt)
        _normalise_literals(part)
        for s in part.subjects(unique=True):
            origins.setdefault(s, path)
        graph += part
        return

    def iri(value: str) -> URIRef:
        cached = iris.get(value)
        if cached is None:
            cached = iris[value] = URIRef(value)
        return cached

    def term(t: Any) -> Node:
        if isinstance(t, ox.NamedNode):
            return iri(t.value)
        if isinstance(t, ox.BlankNode):
            # pyoxigraph keeps the document's labels: scope them to this file, or _:b0 in
            # two files would become one node.
            return BNode(bnode_scope + t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return Literal(t.value, lang=t.language.lower())
            if t.datatype.value == _XSD_STRING:
                return Literal(t.value)
            return Literal(t.value, datatype=iri(t.datatype.value), normalize=False)
        raise InputError(f"{path}: unsupported RDF term {t!r} (RDF-star is not supported)")

    add = graph.add
    # Named graphs (TriG, N-Quads) are merged: the knowledge graph is their union.
    for quad in ox.parse(path=str(path), format=ox_format, base_iri=path.resolve().as_uri()):
        subject = term(quad.subject)
        add((subject, term(quad.predicate), term(quad.object)))
        if subject not in origins:
            origins[subject] = path


_XSD_STRING = str(XSD.string)


def _normalise_literals(graph: Graph) -> None:
    """Two RDF 1.1 equivalences rdflib keeps apart: "x"^^xsd:string is the plain "x", and
    language tags are case-insensitive ("en-GB" is "en-gb"). Store each one way (plain,
    lower case) so every round trip compares like with like."""
    odd = [
        (s, p, o)
        for s, p, o in graph
        if isinstance(o, Literal)
        and (o.datatype == XSD.string or (o.language and o.language != o.language.lower()))
    ]
    for s, p, o in odd:
        graph.remove((s, p, o))
        lang = o.language.lower() if o.language else None
        graph.add((s, p, Literal(str(o), lang=lang)))


def _line_of(message: str) -> int | None:
    m = _LINE_RE.search(message)
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def _find_line(path: Path, subject: Node) -> int | None:
    """The line where a subject's description starts, by a textual scan (rdflib keeps no
    positions). Good enough to point a curator at the right block."""
    if not isinstance(subject, URIRef) or path.suffix not in (".ttl", ".trig", ".nt", ".n3"):
        return None
    iri = str(subject)
    local = re.split(r"[#/]", iri)[-1]
    patterns = [
        re.compile(rf"^\s*<{re.escape(iri)}>"),
        re.compile(rf"^\s*\w*:{re.escape(local)}\b"),
    ]
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if any(p.match(line) for p in patterns):
                    return number
    except OSError:
        return None
    return None
