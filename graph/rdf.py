"""Read RDF files and check them: syntax (file and line), ontology terms (unknown class or
property) and SHACL shapes (subject, path, reason), each error naming where it comes from."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from graph import shacl
from graph.errors import InputError, MappingError, RDFSyntaxError
from graph.formats import FILE_SUFFIXES, OX_PARSERS
from graph.literals import lexical_problem
from graph.registry import Registry
from graph.terms import canonicalise, check_terms
from graph.vocab import KG_NS, SAHEL_NS

FORMATS = FILE_SUFFIXES
MAX_LITERAL_CHARS = 1_000_000  # a longer literal is almost surely a mistake, and slows every read
# Blank nodes get content-derived ids (rdflib's canonicalisation), whose cost grows steeply:
# 200 took 0.5 s, 400 took 3.4 s, 2,000 ten minutes (measured here). Name the resources
# (IRIs) instead; the seeds use none.
MAX_BLANK_NODES = 300
MAX_FILE_BYTES = 4 * 1024**3  # about 30M triples of N-Triples
_LINE_RE = re.compile(r"line (\d+)|:(\d+):\d+|at (\d+):\d+", re.IGNORECASE)


Triple = tuple[Node, Node, Node]


@dataclass
class Parsed:
    """The union of the files read: its triples (each once, in the order read), the files,
    and the file each subject was first seen in.

    A load needs only the triples; an rdflib Graph (its indexes cost more than parsing) is
    built on first use of `graph`, for SHACL, canonicalisation and callers that query."""

    triples: list[Triple]
    files: list[Path]
    origins: dict[Node, Path] = field(default_factory=dict)
    has_bnodes: bool = False
    _graph: Graph | None = field(default=None, repr=False)

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            graph = Graph()
            graph.bind("sahel", SAHEL_NS)
            graph.bind("kg", KG_NS)
            add = graph.add
            for triple in self.triples:
                add(triple)
            self._graph = graph
        return self._graph

    @graph.setter
    def graph(self, graph: Graph) -> None:
        self._graph = graph
        self.triples = list(graph)
        self.has_bnodes = any(isinstance(t, BNode) for triple in self.triples for t in triple)

    def where_literal(self, subject: Node, lexical: str) -> str:
        return where_literal_in(self.origins.get(subject), subject, lexical)

    def where(self, subject: Node) -> str:
        return where_in(self.origins.get(subject), subject)


def where_literal_in(path: Path | None, subject: Node, lexical: str) -> str:
    """'file:line' of a literal of the subject: the first line at or after the
    subject's that holds the lexical form in quotes (else the subject's own)."""
    start = _find_line(path, subject) if path is not None else None
    if path is None or start is None:
        return where_in(path, subject)
    line = _find_text(path, f'"{lexical}"', start)
    return f"{path}:{line or start}"


def where_in(path: Path | None, subject: Node) -> str:
    """'file:line' (or 'file') of the subject's first statement in `path`, for messages."""
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


def parse_files(paths: Iterable[Path], terms: Mapping[str, URIRef] | None = None) -> Parsed:
    """The files' triples. `terms` (mapping.interned_terms): the URIRef objects to hand out
    for those IRIs, so the mapping's look-ups succeed by identity."""
    files = rdf_files(paths)
    reader = Reader(terms)
    read_files(reader, files)
    return Parsed(reader.triples, files, reader.origins, reader.has_bnodes)


def read_files(reader: Reader, files: list[Path]) -> None:
    """Every file into `reader`; a file that cannot be parsed raises naming it (and its
    line when the parser says)."""
    # rdflib logs a traceback for every ill-typed literal; the shapes report them properly.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    for number, path in enumerate(files):
        fmt = FORMATS.get(path.suffix)
        if fmt is None:
            raise InputError(f"{path}: unknown RDF format (known: {', '.join(FORMATS)})")
        try:
            with literals_as_written():
                reader.read(path, fmt, f"f{number}x")
        except InputError:
            raise
        except Exception as exc:  # rdflib raises many kinds; all mean the file is bad
            message = " ".join(str(exc).split())
            raise RDFSyntaxError(str(path), message[:500], _line_of(message)) from exc


def check(
    parsed: Parsed,
    registry: Registry,
    shapes: Graph | None,
    ontology: Graph,
    context: Iterable[Triple] = (),
) -> Parsed:
    """Ontology terms, literal sizes and SHACL shapes; raises with every problem found."""
    problems = term_problems(parsed.triples, registry, parsed.where, parsed.where_literal)
    if problems:
        raise MappingError(
            f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        )
    if shapes is not None:
        validate_shapes(parsed, shapes, ontology, context)
    if parsed.has_bnodes:
        bnodes = {t for triple in parsed.triples for t in triple if isinstance(t, BNode)}
        if len(bnodes) > MAX_BLANK_NODES:
            raise InputError(
                f"{len(bnodes):,} blank nodes in {', '.join(map(str, parsed.files))} (limit "
                f"{MAX_BLANK_NODES}): give the resources IRIs; each blank node must be "
                "compared with the others to load idempotently"
            )
        parsed.graph = canonicalise(parsed.graph)
    return parsed


def term_problems(
    triples: Iterable[Triple],
    registry: Registry,
    where: Callable[[Node], str],
    where_literal: Callable[[Node, str], str],
) -> list[str]:
    """'file:line: subject: reason' for each unknown term, literal too long or ill-typed."""
    problems = [f"{where(s)}: {s}: {reason}" for s, reason in check_terms(triples, registry)]
    for s, p, o in triples:
        if not isinstance(o, Literal):
            continue
        if len(o) > MAX_LITERAL_CHARS:
            problems.append(
                f"{where(s)}: {s} {p}: literal of {len(o):,} characters "
                f"(limit {MAX_LITERAL_CHARS:,})"
            )
        elif o.datatype is not None:
            wrong = lexical_problem(str(o), str(o.datatype))
            if wrong:
                shown = str(p).replace(SAHEL_NS, "sahel:")
                problems.append(f"{where_literal(s, str(o))}: {s} {shown}: {wrong}")
    return problems


def validate_shapes(
    parsed: Parsed, shapes: Graph, ontology: Graph, context: Iterable[Triple] = ()
) -> None:
    """SHACL, a group of subjects at a time (graph/shacl.py); `context` holds the rdf:type
    triples the stored graph knows of nodes the input names without typing them."""
    results = shacl.validate(parsed.triples, shacl.Shapes.of(shapes, ontology), context)
    shacl.raise_if_any(results, parsed.where, message_names())


@functools.cache
def message_names() -> NamespaceManager:
    """The prefixes messages show paths with: those of `Parsed.graph`, without building it."""
    graph = Graph()
    graph.bind("sahel", SAHEL_NS)
    graph.bind("kg", KG_NS)
    return graph.namespace_manager


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


_OX_FORMATS = OX_PARSERS  # pyoxigraph parses these; rdflib reads JSON-LD and N3


class Reader:
    """Collects the triples of several files: each triple once, one URIRef per IRI and one
    Literal per distinct literal across all files (less time, less memory)."""

    def __init__(self, terms: Mapping[str, URIRef] | None = None) -> None:
        self.triples: list[Triple] = []
        self.origins: dict[Node, Path] = {}
        self.has_bnodes = False
        self._seen: set[Triple] = set()
        self._iris: dict[str, URIRef] = dict(terms or {})
        self._literals: dict[tuple[str, str | None, str | None], Literal] = {}

    def _add(self, triple: Triple, path: Path) -> None:
        if triple in self._seen:
            return
        self._seen.add(triple)
        self.triples.append(triple)
        if triple[0] not in self.origins:
            self.origins[triple[0]] = path

    def _source(self, path: Path) -> dict[str, Any]:
        """What pyoxigraph reads the file from (a subclass may count the bytes)."""
        return {"path": str(path)}

    def read(self, path: Path, fmt: str, bnode_scope: str) -> None:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{path}: {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} "
                "(SAHELKG_MAX_FILE_BYTES); split the file"
            )
        if fmt == "xml":
            _refuse_entities(path)
        ox_format = _OX_FORMATS.get(fmt)
        if ox_format is None:
            if fmt == "json-ld":
                _check_json_ld(path)
            part = Graph()
            part.parse(path, format=fmt)
            _normalise_literals(part)
            for triple in part:
                self.has_bnodes = self.has_bnodes or any(isinstance(t, BNode) for t in triple)
                self._add(triple, path)
            return
        iris, literals = self._iris, self._literals

        def iri(value: str) -> URIRef:
            cached = iris.get(value)
            if cached is None:
                cached = iris[value] = URIRef(value)
            return cached

        def term(t: Any) -> Node:
            if isinstance(t, ox.NamedNode):
                return iri(t.value)
            if isinstance(t, ox.Literal):
                lang = t.language
                dtype = None if lang else t.datatype.value
                key = (t.value, lang, dtype)
                lit = literals.get(key)
                if lit is None:
                    if lang:
                        lit = Literal(t.value, lang=lang.lower())
                    elif dtype == _XSD_STRING:
                        lit = Literal(t.value)
                    else:
                        lit = Literal(t.value, datatype=iri(dtype), normalize=False)  # type: ignore[arg-type]
                    literals[key] = lit
                return lit
            if isinstance(t, ox.BlankNode):
                # pyoxigraph keeps the document's labels: scope them to this file, or _:b0 in
                # two files would become one node.
                self.has_bnodes = True
                return BNode(bnode_scope + t.value)
            raise InputError(f"{path}: unsupported RDF term {t!r} (RDF-star is not supported)")

        add = self._add
        # Named graphs (TriG, N-Quads) are merged: the knowledge graph is their union.
        source = self._source(path)
        for quad in ox.parse(**source, format=ox_format, base_iri=path.resolve().as_uri()):
            add((term(quad.subject), term(quad.predicate), term(quad.object)), path)


_XSD_STRING = str(XSD.string)


def _check_json_ld(path: Path) -> None:
    """JSON errors and ill-formed contexts said plainly (rdflib reports a bad `@context` as
    "'int' object has no attribute 'get'")."""
    try:
        document = json.loads(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise RDFSyntaxError(str(path), f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise RDFSyntaxError(str(path), f"invalid JSON: {exc.msg}", exc.lineno) from exc
    stack: list[Any] = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key == "@context":
                    _check_context(path, item)
                stack.append(item)


def _check_context(path: Path, context: Any) -> None:
    """Contexts must be written in the file: rdflib would fetch an IRI (`"@context":
    "http://…"`, `file:…`, or an `@import`) from the network or the disk, so those are
    refused before it parses anything."""
    for item in context if isinstance(context, list) else [context]:
        if isinstance(item, str):
            raise RDFSyntaxError(
                str(path),
                f"remote JSON-LD context {item[:200]!r} refused: contexts are never fetched; "
                "write the context into the file",
            )
        if isinstance(item, dict) and "@import" in item:
            raise RDFSyntaxError(
                str(path), "JSON-LD @import in a context refused: contexts are never fetched"
            )
        if item is not None and not isinstance(item, dict):
            raise RDFSyntaxError(
                str(path),
                f"@context must be an object or a list of objects, not {json.dumps(item)}",
            )


_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


def _refuse_entities(path: Path) -> None:
    """RDF/XML may not declare entities: the parser would expand them (a few hundred bytes
    of nested declarations become gigabytes: "billion laughs")."""
    data = path.read_bytes()
    found = _ENTITY.search(data)
    if found:
        line = data[: found.start()].count(b"\n") + 1
        raise RDFSyntaxError(str(path), "XML entity declarations (<!ENTITY) are refused", line)


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


def _find_text(path: Path, text: str, start: int) -> int | None:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, start=1):
                if number >= start and text in line:
                    return number
    except OSError:
        return None
    return None
