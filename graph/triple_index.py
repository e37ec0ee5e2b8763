"""The input of a streamed load, on disk: every distinct triple of the files in an SQLite
table ordered by subject, so a load reads the input one subject at a time in bounded memory.

SQLite (the standard library's) is the index because it gives, without holding anything in
this process: deduplication (the primary key), the triples grouped by subject (a scan of
that key), a node's types anywhere in the input (a key look-up), whether a node is an
object anywhere (one index), and the file each subject was first read from (messages).

Terms are checked as they are read (unknown classes and properties, literals too long or
ill-typed), with the same messages as a load read whole; blank nodes (at most
rdf.MAX_BLANK_NODES) are kept aside and given their content-derived ids before they join
the index, as graph.rdf.check does.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph import scratch
from graph.errors import InputError, MappingError
from graph.rdf import (
    MAX_BLANK_NODES,
    Reader,
    rdf_files,
    read_files,
    term_problems,
    where_in,
    where_literal_in,
)
from graph.registry import Registry
from graph.terms import BNODE, Key, canonicalise, node_id as _id, triple_key

Triple = tuple[Node, Node, Node]
Progress = Callable[[str, int, int], None]  # (phase, done, total)

ROWS_PER_INSERT = 20_000
CACHE_KIB = 65_536  # SQLite's page cache (its sorter takes as much): 64 MB, any input size
MAX_PROBLEMS = 100  # shown; the count says how many more there were
_CACHE_TERMS = 200_000  # the parser's term caches are emptied past this (memory bound)
_SCHEMA = """
CREATE TABLE t (s TEXT NOT NULL, p TEXT NOT NULL, o TEXT NOT NULL, k INTEGER NOT NULL,
                lang TEXT NOT NULL, dt TEXT NOT NULL,
                PRIMARY KEY (s, p, o, k, lang, dt)) WITHOUT ROWID;
CREATE TABLE origin (s TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID;
"""
# k: 0 an IRI or blank node (o is its id, "_:…" for a blank node), 1 a literal (o is its
# lexical form, lang and dt its language tag and datatype, "" when it has none).


class TripleIndex:
    """Opened by `read`, closed by `close` (the directory goes with it)."""

    def __init__(self, directory: Path, files: list[Path], terms: Mapping[str, URIRef]) -> None:
        self.directory = directory
        self.files = files
        self.db = sqlite3.connect(directory / "triples.db", isolation_level=None)
        for pragma in (
            "journal_mode = OFF",  # a scratch file: nothing to recover after a crash
            "synchronous = OFF",
            f"cache_size = -{CACHE_KIB}",  # pages held in memory, whatever the input's size
            "temp_store = FILE",
            "locking_mode = EXCLUSIVE",
        ):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        self._terms = dict(terms)
        self._iris: dict[str, URIRef] = dict(terms)
        self._literals: dict[tuple[str, str, str], Literal] = {}
        self.triples = 0

    # ------------------------------------------------------------------ reading

    @classmethod
    def read(
        cls,
        paths: Iterable[Path],
        registry: Registry,
        terms: Mapping[str, URIRef],
        progress: Progress | None = None,
        directory: Path | None = None,
    ) -> TripleIndex:
        """Parse and check the files into a new index; raises InputError (or MappingError,
        RDFSyntaxError) naming file and line, leaving nothing behind."""
        files = rdf_files(paths)
        scratch.remove_orphans(_PREFIX, directory)
        folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-", dir=directory))
        index = cls(folder, files, terms)
        try:
            reader = _IndexReader(index, registry, progress)
            read_files(reader, files)
            reader.finish()
            index.db.execute("CREATE INDEX t_o ON t (o) WHERE k = 0")
        except BaseException:
            index.close()
            raise
        index.triples = index.db.execute("SELECT count(*) FROM t").fetchone()[0]
        if not index.triples:
            index.close()
            raise InputError("the input holds no triples: " + ", ".join(map(str, files)))
        return index

    def close(self) -> None:
        self.db.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    # ------------------------------------------------------------------ questions

    def subjects(self) -> Iterator[tuple[Node, list[Triple]]]:
        """(subject, its triples) for every subject, in subject order."""
        cursor = self.db.execute("SELECT s, p, o, k, lang, dt FROM t ORDER BY s, p, o, k, lang, dt")
        current: str | None = None
        own: list[Triple] = []
        subject: Node = URIRef("")
        for s, p, o, k, lang, dt in cursor:
            if s != current:
                if own:
                    yield subject, own
                current, subject, own = s, self.term(s), []
            own.append((subject, self.iri(p), self.value(o, k, lang, dt)))
        if own:
            yield subject, own

    def rows(self) -> Iterator[Key]:
        """Every triple as stored (graph.terms.triple_key), in no particular order."""
        return iter(self.db.execute("SELECT s, p, o, k, lang, dt FROM t"))

    def types_of(self, nodes: Iterable[Node]) -> dict[Node, list[Triple]]:
        """The rdf:type triples the input gives each of `nodes` (only those it types)."""
        found: dict[Node, list[Triple]] = {}
        query = "SELECT o FROM t WHERE s = ? AND p = ? AND k = 0"
        for node in nodes:
            rows = self.db.execute(query, (_id(node), _RDF_TYPE)).fetchall()
            if rows:
                found[node] = [(node, RDF.type, self.iri(r[0])) for r in rows]
        return found

    def __contains__(self, node: object) -> bool:
        """Whether `node` is an object (not a literal) anywhere in the input."""
        if not isinstance(node, URIRef | BNode):
            return False
        row = self.db.execute(
            "SELECT 1 FROM t WHERE o = ? AND k = 0 AND p <> ? LIMIT 1", (_id(node), _RDF_TYPE)
        )
        return row.fetchone() is not None

    def only_objects(self) -> Iterator[str]:
        """Ids of the nodes the input names only as objects (of a property, not of
        rdf:type: a class is not a node), in order."""
        cursor = self.db.execute(
            "SELECT DISTINCT o FROM t AS a WHERE k = 0 AND p <> ? AND NOT EXISTS "
            "(SELECT 1 FROM t AS b WHERE b.s = a.o) ORDER BY o",
            (_RDF_TYPE,),
        )
        for (o,) in cursor:
            yield o

    def where(self, subject: Node) -> str:
        return where_in(self._origin(subject), subject)

    def where_literal(self, subject: Node, lexical: str) -> str:
        return where_literal_in(self._origin(subject), subject, lexical)

    def _origin(self, subject: Node) -> Path | None:
        row = self.db.execute("SELECT f FROM origin WHERE s = ?", (_id(subject),)).fetchone()
        return self.files[row[0]] if row else None

    # ------------------------------------------------------------------ terms

    def iri(self, value: str) -> URIRef:
        found = self._iris.get(value)
        if found is None:
            if len(self._iris) > _CACHE_TERMS:
                self._iris = dict(self._terms)
            found = self._iris[value] = URIRef(value)
        return found

    def term(self, value: str) -> URIRef | BNode:
        return BNode(value[2:]) if value.startswith(BNODE) else self.iri(value)

    def value(self, o: str, k: int, lang: str, dt: str) -> Node:
        if k == 0:
            return self.term(o)
        # Literals recur (dates, counts, kinds) and rdflib parses a typed one as it makes it:
        # each is made once while the cache holds (bounded, as the IRIs' is).
        key = (o, lang, dt)
        found = self._literals.get(key)
        if found is None:
            if len(self._literals) > _CACHE_TERMS:
                self._literals.clear()
            if lang:
                found = Literal(o, lang=lang)
            elif dt:
                found = Literal(o, datatype=self.iri(dt), normalize=False)
            else:
                found = Literal(o)
            self._literals[key] = found
        return found


_RDF_TYPE = str(RDF.type)


_PREFIX = "sahelkg-load-"


class _IndexReader(Reader):
    """graph.rdf.Reader writing into the index instead of a list: rows go in batches,
    problems are gathered (the first MAX_PROBLEMS), blank-node triples wait for their ids."""

    def __init__(self, index: TripleIndex, registry: Registry, progress: Progress | None) -> None:
        super().__init__(index._terms)
        self.index, self.registry, self.progress = index, registry, progress
        self.rows: list[Key] = []
        self.batch: list[Triple] = []
        self.blank: list[Triple] = []
        self.blank_nodes: set[Node] = set()
        self.problems: list[str] = []
        self.problem_count = 0
        self.file_number = 0
        self.last_subject: Node | None = None
        self.origins_rows: list[tuple[str, int]] = []
        self.total_bytes = sum(f.stat().st_size for f in index.files) or 1
        self.bytes_before = 0  # of the files read before this one
        self.bytes_read = 0
        self.opened: IO[bytes] | None = None

    def read(self, path: Path, fmt: str, bnode_scope: str) -> None:
        self.file_number = self.index.files.index(path)
        try:
            super().read(path, fmt, bnode_scope)
        finally:
            if self.opened is not None:
                self.opened.close()
                self.opened = None
        self.bytes_read = self.bytes_before = self.bytes_before + path.stat().st_size
        self.flush()

    def _source(self, path: Path) -> dict[str, Any]:
        self.opened = path.open("rb")
        return {"input": _Counting(self.opened, self)}

    def _add(self, triple: Triple, path: Path) -> None:
        if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):  # never a predicate
            self.blank.append(triple)
            self.blank_nodes.update(t for t in triple if isinstance(t, BNode))
            if len(self.blank_nodes) > MAX_BLANK_NODES:
                raise InputError(
                    f"more than {MAX_BLANK_NODES} blank nodes in {path} (limit "
                    f"{MAX_BLANK_NODES}): give the resources IRIs; each blank node must be "
                    "compared with the others to load idempotently"
                )
            return
        self._keep(triple)
        if len(self.batch) >= ROWS_PER_INSERT:
            self.flush()

    def _keep(self, triple: Triple) -> None:
        self.batch.append(triple)
        if triple[0] is not self.last_subject:
            self.last_subject = triple[0]
            self.origins_rows.append((_id(triple[0]), self.file_number))

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        db = self.index.db
        db.execute("BEGIN")
        db.executemany("INSERT OR IGNORE INTO t VALUES (?, ?, ?, ?, ?, ?)", map(triple_key, batch))
        db.executemany("INSERT OR IGNORE INTO origin VALUES (?, ?)", self.origins_rows)
        db.execute("COMMIT")
        self.origins_rows = []
        found = term_problems(batch, self.registry, self.index.where, self.index.where_literal)
        self.problem_count += len(found)
        self.problems.extend(found[: max(0, MAX_PROBLEMS - len(self.problems))])
        if len(self._literals) > _CACHE_TERMS:  # the parser's caches: bounded
            self._literals.clear()
        if len(self._iris) > _CACHE_TERMS:
            self._iris.clear()
            self._iris.update(self.index._terms)
        if self.progress:
            self.progress("read", self.bytes_read, self.total_bytes)

    def finish(self) -> None:
        self.flush()
        if self.blank:
            graph = Graph()
            for triple in self.blank:
                graph.add(triple)
            for triple in canonicalise(graph):
                self._keep(triple)
            self.last_subject = None
            self.flush()
        if self.problem_count:
            more = self.problem_count - len(self.problems)
            shown = self.problems + ([f"... and {more:,} more"] if more else [])
            raise MappingError(
                f"{self.problem_count} problem(s):\n" + "\n".join(f"  - {p}" for p in shown)
            )


class _Counting:
    """A binary file that tells the reader how far it has read (for the progress bar)."""

    def __init__(self, fh: IO[bytes], reader: _IndexReader) -> None:
        self.fh, self.reader = fh, reader

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.reader.bytes_read += len(data)
        return data

    def readable(self) -> bool:
        return True
