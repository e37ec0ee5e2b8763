"""SHACL validation in bounded chunks, so its cost grows with what a load adds.

Every shape in ontology/shapes.ttl reads a focus node's own outgoing triples and the
rdf:type of the nodes they point to (simple paths, sh:class): nothing further. So the input
is validated a group of subjects at a time, each group with the types of what it points to
(from the input, or from the stored graph for nodes the input only references) and the
ontology's class hierarchy. The verdict is the whole graph's; the work and memory per group
are bounded. If the shapes ever use other paths or sh:node, `Shapes.read` refuses them
rather than validate them wrongly.

The verdict comes from rudof (pyrudof, a maintained Rust SHACL validator: 2.7 s for 100k
triples on a quiet machine here, pyShacl 9.7 s); a group it finds wrong is validated again by
pyShacl, whose report gives the shapes' own messages and the values as written, so every
error reads as before. A unit test checks the result against pyShacl on the whole graph.
An input of more than one group has its groups validated side by side, each in a process
of its own (graph/shacl_engine.py says why processes, and how they start), while this
process builds the next group.
"""

from __future__ import annotations

import functools
import itertools
import os
import subprocess
import sys
import tempfile
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from graph import scratch, shacl_engine
from graph.errors import InputError, SahelKGError, ShapeViolation

Triple = tuple[Node, Node, Node]
# rudof's cost per call is large and flat (100k triples here, busy machine: groups of 2k
# took 426 s, of 20k 43 s, one group 14 s) and grows steeply past a few 100k (1M in one
# group: 86 s, 12 GB): groups of 200k keep both in hand.
CHUNK_TRIPLES = 200_000
# Groups validated side by side, each in a process of its own: one per core, at most this
# many (rudof's process peaked at 2.5 GB for a group of CHUNK_TRIPLES).
MAX_WORKERS = 2

# What a shape may use for the chunking to stay exact (see the module docstring).
_ALLOWED_SHAPE_TERMS = {
    SH.NodeShape, SH.PropertyShape, SH.targetClass, SH.property, SH.path, SH.message,
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.minCount, SH.maxCount, SH["or"],
    SH.lessThanOrEquals, SH.uniqueLang, SH.IRI, SH.Literal, SH.BlankNode, SH.IRIOrLiteral,
    SH.BlankNodeOrIRI, SH.name, SH.description, SH.severity, SH.Violation, SH.Warning,
    SH.Info, SH.pattern, SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.hasValue, SH.languageIn, SH.deactivated, SH.order,
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Shapes:
    """The shapes (Turtle text for the engine) and the ontology lines every chunk carries:
    its class hierarchy and its typed individuals (sahel:Fatalities a sahel:ClaimKind)."""

    graph: Graph
    turtle: str
    ontology_nt: str

    @classmethod
    def of(cls, shapes: Graph, ontology: Graph) -> Shapes:
        """Built once per pair of graphs (the ontology is read once per process)."""
        key = (id(shapes), id(ontology))
        found = _BUILT.get(key)
        if found is None or found[0] is not shapes or found[1] is not ontology:
            found = (shapes, ontology, cls.read(shapes, ontology))
            _BUILT[key] = found
        return found[2]

    @classmethod
    def read(cls, shapes: Graph, ontology: Graph) -> Shapes:
        for term in set(shapes.predicates()) | set(shapes.objects(None, RDF.type)):
            known = not str(term).startswith(str(SH)) or term in _ALLOWED_SHAPE_TERMS
            if isinstance(term, URIRef) and not known:
                raise InputError(
                    f"shapes use {term.n3()}: graph/shacl.py validates by subject and "
                    "cannot check it; extend it before using that feature"
                )
        for path in shapes.objects(None, SH.path):
            if not isinstance(path, URIRef):
                raise InputError(f"shapes use a complex sh:path ({path!r}): not supported")
        lines = [
            _nt(t)
            for t in ontology
            if t[1] in (RDFS.subClassOf, RDF.type) and not isinstance(t[0], BNode)
            and not isinstance(t[2], BNode)
        ]  # fmt: skip
        return cls(shapes, shapes.serialize(format="turtle"), "\n".join(lines) + "\n")


_BUILT: dict[tuple[int, int], tuple[Graph, Graph, Shapes]] = {}


@dataclass(frozen=True)
class Result:
    focus: Node
    path: Node | None
    message: str
    value: Node | None


def untyped_references(triples: Iterable[Triple]) -> set[str]:
    """IRIs the input points to or describes without giving their rdf:type here: the
    stored graph may know it (a new event naming a stored actor)."""
    typed: set[Node] = set()
    seen: set[Node] = set()
    for s, p, o in triples:
        if p == RDF.type:
            typed.add(s)
        else:
            seen.add(s)
            if isinstance(o, URIRef):
                seen.add(o)
    return {str(n) for n in seen - typed if isinstance(n, URIRef)}


def validate(
    triples: Sequence[Triple],
    shapes: Shapes,
    context: Iterable[Triple] = (),
    workers: int | None = None,
) -> list[Result]:
    """Every violation of the shapes by `triples`, with `context` (rdf:type triples of
    stored nodes) standing in for what the input leaves out."""
    types: dict[Node, list[Triple]] = defaultdict(list)
    for t in context:
        types[t[0]].append(t)
    by_subject: dict[Node, list[Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t[0]].append(t)
        if t[1] == RDF.type:
            types[t[0]].append(t)
    types_of = functools.partial(_types_in, types=types)
    return validate_groups(by_subject.items(), shapes, types_of, workers)


def validate_groups(
    subjects: Iterable[tuple[Node, list[Triple]]],
    shapes: Shapes,
    types_of: Callable[[set[Node]], Iterable[Triple]],
    workers: int | None = None,
) -> list[Result]:
    """Every violation of the shapes by the subjects (each with ALL of its triples), in
    groups of about CHUNK_TRIPLES; `types_of` gives the rdf:type triples of the nodes a
    group names (from the input, or the stored graph for those the input does not type).
    `workers`: processes validating groups side by side (default: one per core, at most
    MAX_WORKERS); none are started for an input of one group."""
    results: list[Result] = []
    groups = ((named, shapes.ontology_nt + chunk) for named, chunk in _chunks(subjects, types_of))
    for named, ntriples, conforms in _verdicts(groups, shapes, workers or _cores()):
        if not conforms:
            results.extend(_explain(shapes, ntriples, named))
    return results


def _verdicts(
    groups: Iterable[tuple[set[str], str]], shapes: Shapes, workers: int
) -> Iterator[tuple[set[str], str, bool]]:
    """rudof's verdict on each group, in order: in this process for an input of one group,
    else in `workers` processes side by side while this one builds the next group."""
    it = iter(groups)
    first = list(itertools.islice(it, 2))
    if len(first) < 2 or workers < 2:
        for named, ntriples in itertools.chain(first, it):
            yield named, ntriples, shacl_engine.conforms(shapes.turtle, ntriples, named)
        return
    scratch.remove_orphans(_SCRATCH)  # left by a process killed while validating
    with tempfile.TemporaryDirectory(prefix=f"{_SCRATCH}{os.getpid()}-") as folder:
        pending: deque[tuple[set[str], str, _Group]] = deque()
        try:
            for number, (named, ntriples) in enumerate(itertools.chain(first, it)):
                while len(pending) >= workers:
                    yield _verdict(pending.popleft())
                pending.append(
                    (named, ntriples, _Group.start(Path(folder), number, shapes, named, ntriples))
                )
            while pending:
                yield _verdict(pending.popleft())
        finally:
            for _, _, group in pending:  # stopped early (an error, Ctrl-C): end the rest
                group.process.kill()
                group.process.wait()


_SCRATCH = "sahelkg-shacl-"


@dataclass
class _Group:
    """One group validated by graph/shacl_engine.py in a process of its own; its files
    (shapes, data, subjects, what it printed) go once its verdict is read."""

    process: subprocess.Popen[bytes]
    files: tuple[Path, ...]

    @classmethod
    def start(
        cls, folder: Path, number: int, shapes: Shapes, named: set[str], ntriples: str
    ) -> _Group:
        files = tuple(folder / f"{number}.{ext}" for ext in ("ttl", "nt", "subjects", "err"))
        files[0].write_text(shapes.turtle, encoding="utf-8")
        files[1].write_text(ntriples, encoding="utf-8")
        files[2].write_text("\n".join(named), encoding="utf-8")
        with files[3].open("wb") as err:
            # -P: nothing of the caller's folder on the worker's path (it imports pyrudof only)
            command = [sys.executable, "-P", shacl_engine.__file__, *map(str, files[:3])]
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        return cls(process, files)


def _verdict(item: tuple[set[str], str, _Group]) -> tuple[set[str], str, bool]:
    named, ntriples, group = item
    code = group.process.wait()
    told = group.files[3].read_text(encoding="utf-8", errors="replace").strip()
    for f in group.files:
        f.unlink(missing_ok=True)
    if code not in (0, shacl_engine.VIOLATIONS):
        raise SahelKGError(
            f"the SHACL engine (rudof) failed on a group of the input (exit {code}): "
            + (told[-2000:] or "it said nothing")
        )
    return named, ntriples, code == 0


def _cores() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS)


def _types_in(named: set[Node], types: dict[Node, list[Triple]]) -> Iterator[Triple]:
    return (t for n in named for t in types.get(n, ()))


def _chunks(
    by_subject: Iterable[tuple[Node, list[Triple]]],
    types_of: Callable[[set[Node]], Iterable[Triple]],
) -> Iterator[tuple[set[str], str]]:
    """Groups of subjects with their triples and the types of every node they name."""
    lines: list[str] = []
    subjects: set[str] = set()
    named: set[Node] = set()
    for subject, own in by_subject:
        lines.extend(_nt(t) for t in own)
        subjects.add(_key(subject))
        named.add(subject)  # its stored types, when the input does not give them
        named.update(o for _, p, o in own if p != RDF.type and not isinstance(o, Literal))
        if len(lines) >= CHUNK_TRIPLES:
            yield subjects, _with_types(lines, types_of(named))
            lines, subjects, named = [], set(), set()
    if lines:
        yield subjects, _with_types(lines, types_of(named))


def _with_types(lines: list[str], types: Iterable[Triple]) -> str:
    # A type triple already among the lines only repeats (N-Triples allows it).
    lines.extend(_nt(t) for t in types)
    return "\n".join(lines) + "\n"


def _explain(shapes: Shapes, ntriples: str, subjects: set[str]) -> list[Result]:
    """pyShacl's report on a chunk rudof found wrong: its results carry the shapes' own
    messages and the values as written (rudof drops a literal's datatype and language, and
    words sh:or and sh:uniqueLang failures its own way)."""
    data = Graph()
    data.parse(data=ntriples, format="nt")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes.graph, allow_warnings=True)
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(r, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(r, SH.focusNode)
        if focus is None or _key(focus) not in subjects:
            continue
        message = report.value(r, SH.resultMessage)
        results.append(
            Result(
                focus, report.value(r, SH.resultPath), str(message or ""), report.value(r, SH.value)
            )
        )
    return results


def _key(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _nt(t: Triple) -> str:
    return f"{t[0].n3()} {t[1].n3()} {_object_nt(t[2])} ."


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _object_nt(o: Node) -> str:
    """N-Triples, never Turtle: rdflib's n3() writes long strings in triple quotes."""
    if not isinstance(o, Literal):
        return o.n3()
    text = '"' + str(o).translate(_ESCAPES) + '"'
    if o.language:
        return f"{text}@{o.language}"
    return f"{text}^^<{o.datatype}>" if o.datatype else text


def raise_if_any(
    results: list[Result],
    where: Callable[[Node], str],
    names: NamespaceManager,
) -> None:
    """The same message per violation as before the chunking: file:line, focus, path,
    the shape's message and the value."""
    if not results:
        return
    shown = []
    for r in results:
        place = where(r.focus) if r.focus is not None else "<input>"
        value = f" (value {r.value.n3()[:80]})" if r.value is not None else ""
        path = r.path.n3(names) if r.path is not None else "-"
        shown.append(f"{place}: {r.focus} {path}: {r.message}{value}")
    raise ShapeViolation(sorted(set(shown)))
