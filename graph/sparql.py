"""A read-only SPARQL view of the stored graph.

The RDF it answers from is the graph store's own export (graph.export.iter_triples), written
to a temporary N-Triples file, loaded into an in-memory pyoxigraph store and rebuilt whenever
the set of (:Load) ids changes, so REST, /cypher and /sparql read the same facts.

Queries run in ONE worker process that holds the pyoxigraph store: pyoxigraph cannot cancel a
query, so a query that outlives its timeout is stopped by killing the worker (by its PID),
which is started again, with the same data, for the next query. Updates and SERVICE are
refused before anything runs: SERVICE from the parsed query (rdflib's SPARQL parser, on the
text with its \\u escapes decoded and every line terminator made a newline, as the engine
reads it), updates and SERVICE also by reading the words (comments, strings and IRIs blanked
first). The worker dies with the process that started it, and a query waits for it no
longer than its deadline.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import QueryError, QueryTimeout, ReadOnlyViolation, StoreUnavailable
from graph.export import to_ox
from graph.formats import RDF_FORMATS as GRAPH_FORMATS
from graph.formats import RESULT_FORMATS

MAX_QUERY_CHARS = 50_000
MAX_RESULT_BYTES = 64 * 1024 * 1024

# Result and graph formats: name -> (pyoxigraph format, media type), graph/formats.py.
# Which of them a request gets: graph/sparql_protocol.py (format parameters, Accept).

# Words that only SPARQL Update uses (a query never contains them as bare words).
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>'''.*?(?:'''|\Z)|\"\"\".*?(?:\"\"\"|\Z)
      |'(?:[^'\\\r\n]|\\.)*(?:'|$)|"(?:[^"\\\r\n]|\\.)*(?:"|$))
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<pname>(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LINE_ENDS = re.compile("\r\n?|[\u0085\u2028\u2029\x0b\x0c]")


def as_engine_reads(text: str) -> str:
    """The query as a SPARQL engine may read it: codepoint escapes decoded (SPARQL 1.1
    section 19.2 allows them anywhere) and every line terminator a newline."""

    def decode(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _LINE_ENDS.sub("\n", _CODEPOINT.sub(decode, text))


def check_query(text: str) -> None:
    """Refuse empty and over-long queries, SPARQL Update and SERVICE, naming the reason."""
    if not text or not text.strip():
        raise QueryError("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    text = as_engine_reads(text)
    if "ServiceGraphPattern" in _parsed_parts(text):
        raise ReadOnlyViolation("SERVICE (federated query to another endpoint) is not allowed here")
    for m in _TOKEN.finditer(text):
        if m.lastgroup != "word":
            continue
        word = m.group().upper()
        if word in UPDATE_WORDS:
            raise ReadOnlyViolation(
                f"read-only: SPARQL Update ({word}) is not allowed; this endpoint answers "
                "queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)"
            )
        if word == "SERVICE":
            raise ReadOnlyViolation(
                "SERVICE (federated query to another endpoint) is not allowed here"
            )


@functools.lru_cache(maxsize=256)
def _parsed_parts(text: str) -> frozenset[str]:
    """The names of the parts of the parsed query (e.g. "ServiceGraphPattern"); empty when
    rdflib cannot parse it (the engine then says why, after the word check)."""
    from pyparsing import ParseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except (ParseException, ValueError, TypeError, RecursionError):
        return frozenset()
    names: set[str] = set()
    todo: list[Any] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, CompValue):
            names.add(node.name)
            todo.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            todo.extend(node)
    return frozenset(names)


@dataclass
class Answer:
    body: bytes
    media_type: str
    kind: str  # "solutions", "boolean" or "graph"


# ------------------------------------------------------------------ the worker process


def _serve(read_fd: int, write_fd: int) -> None:  # pragma: no cover - runs in the child
    """The worker's loop: ("load", n-triples) and ("query", (text, results, graph))."""
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    _exit_with_parent()
    store = ox.Store()
    while True:
        try:
            msg = inbox.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        op, payload = msg
        try:
            if op == "load":
                store = ox.Store()
                if payload:
                    store.bulk_load(path=payload, format=ox.RdfFormat.N_TRIPLES)
                outbox.send(("ok", len(store)))
            elif op == "query":
                text, results_fmt, graph_fmt, max_bytes = payload
                result = store.query(text)
                out = _Capped(max_bytes)
                if isinstance(result, ox.QueryTriples):
                    rdf_format, media = GRAPH_FORMATS[graph_fmt]
                    kind = "graph"
                    result.serialize(out, format=rdf_format)
                else:
                    res_format, media = RESULT_FORMATS[results_fmt]
                    kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
                    result.serialize(out, format=res_format)
                outbox.send(("ok", (kind, media, out.getvalue())))
        except _TooLarge:
            outbox.send(("too_large", max_bytes))
        except SyntaxError as exc:
            outbox.send(("syntax", str(exc)))
        except Exception as exc:
            outbox.send(("error", f"{type(exc).__name__}: {exc}"))


def _exit_with_parent() -> None:  # pragma: no cover - runs in the child
    """A thread that ends this process when the process that started it is gone (its
    parent becomes another), even if it was killed before it could stop us."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


class _TooLarge(Exception):
    pass


class _Capped(io.BytesIO):
    """A buffer that refuses to grow past `limit` bytes (evaluation stops with it)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, b: Any) -> int:
        if self.tell() + len(b) > self.limit:
            raise _TooLarge
        return super().write(b)


_WORKER = "import sys; from graph.sparql import _serve; _serve(int(sys.argv[1]), int(sys.argv[2]))"


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    send: Connection
    recv: Connection
    generation: int = -1  # which copy of the graph it holds

    @classmethod
    def start(cls) -> _Worker:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", _WORKER, str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        return cls(
            proc, Connection(to_child_w, readable=False), Connection(from_child_r, writable=False)
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, graceful: bool = False) -> None:
        if graceful and self.alive():
            with contextlib.suppress(OSError, ValueError):
                self.send.send(None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=2)
        if self.alive():
            self.proc.kill()  # by its PID: our own child
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        for conn in (self.send, self.recv):
            with contextlib.suppress(OSError):
                conn.close()


class SparqlEngine:
    """One worker process answering SPARQL over a copy of the graph; thread-safe."""

    def __init__(self, timeout_s: float, max_result_bytes: int = MAX_RESULT_BYTES) -> None:
        self.timeout_s = timeout_s
        self.max_result_bytes = max_result_bytes
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        _remove_orphans()
        self._dir = tempfile.TemporaryDirectory(prefix=f"{_TMP_PREFIX}{os.getpid()}-")
        self._path: Path | None = None  # the N-Triples of the current copy
        self._generation = 0
        self._version: object = _UNSET
        self.triples = 0
        self.refreshed_at = 0.0

    @property
    def loaded(self) -> bool:
        return self._version is not _UNSET

    def refresh(self, version: object, build: Callable[[IO[bytes]], Any]) -> bool:
        """Rebuild the copy when `version` (the loads the graph holds) changed: `build`
        writes the graph as N-Triples to a file the worker then loads."""
        with self._lock:
            if version == self._version:
                return False
            generation = self._generation + 1
            path = Path(self._dir.name) / f"graph-{generation}.nt"
            with path.open("wb") as out:
                build(out)
            old, self._path, self._generation = self._path, path, generation
            self._ensure_worker()
            if old is not None:
                old.unlink(missing_ok=True)
            self._version = version
            self.refreshed_at = time.time()
            return True

    def query(self, text: str, results_fmt: str = "json", graph_fmt: str = "turtle") -> Answer:
        """One query, answered within the timeout counted from now: waiting behind other
        queries included."""
        deadline = time.monotonic() + self.timeout_s
        check_query(text)
        if results_fmt not in RESULT_FORMATS or graph_fmt not in GRAPH_FORMATS:
            raise QueryError(f"unknown result format {results_fmt!r} / {graph_fmt!r}")
        if not self._lock.acquire(timeout=self.timeout_s):
            raise QueryTimeout(
                f"the SPARQL query waited {self.timeout_s:g}s behind others and was dropped"
            )
        try:
            worker = self._ensure_worker()
            try:
                worker.send.send(("query", (text, results_fmt, graph_fmt, self.max_result_bytes)))
            except OSError as exc:
                self._stop_worker()
                raise StoreUnavailable(f"the SPARQL worker is gone ({exc})") from exc
            if not worker.recv.poll(max(deadline - time.monotonic(), 0.0)):
                self._stop_worker()
                raise QueryTimeout(
                    f"the SPARQL query did not finish within {self.timeout_s:g}s and was stopped"
                )
            status, payload = self._receive(worker)
        finally:
            self._lock.release()
        if status == "syntax":
            raise QueryError(f"SPARQL syntax error: {payload}")
        if status == "too_large":
            raise QueryError(
                f"the result is larger than {payload:,} bytes: narrow the query or add LIMIT"
            )
        if status != "ok":
            raise QueryError(f"the SPARQL query failed: {payload}")
        kind, media, body = payload
        return Answer(body, media, kind)

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.stop(graceful=True)
                self._worker = None
            self._dir.cleanup()

    @property
    def worker_pid(self) -> int | None:
        return self._worker.proc.pid if self._worker is not None else None

    # -- internals (call with the lock held)

    def _ensure_worker(self) -> _Worker:
        worker = self._worker
        if worker is None or not worker.alive():
            self._stop_worker()
            worker = self._worker = _Worker.start()
        if worker.generation != self._generation:
            try:
                worker.send.send(("load", str(self._path) if self._path else None))
            except OSError as exc:
                self._stop_worker()
                raise StoreUnavailable(f"the SPARQL worker is gone ({exc})") from exc
            if not worker.recv.poll(max(60.0, self.timeout_s)):
                self._stop_worker()
                raise StoreUnavailable("the SPARQL worker did not load the graph in time")
            status, payload = self._receive(worker)
            if status != "ok":
                self._stop_worker()
                raise StoreUnavailable(f"the SPARQL worker could not load the graph: {payload}")
            self.triples = int(payload)
            worker.generation = self._generation
        return worker

    def _receive(self, worker: _Worker) -> tuple[str, Any]:
        try:
            status, payload = worker.recv.recv()
        except (EOFError, OSError) as exc:
            self._stop_worker()
            raise StoreUnavailable(f"the SPARQL worker stopped unexpectedly ({exc})") from exc
        return status, payload

    def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()


_UNSET = object()
_TMP_PREFIX = "sahelkg-sparql-"


def _remove_orphans() -> None:
    """Temporary copies left by SPARQL views whose process is gone (killed, crashed)."""
    for path in Path(tempfile.gettempdir()).glob(f"{_TMP_PREFIX}*-*"):
        pid = path.name[len(_TMP_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or _process_exists(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_ntriples(triples: Any, out: IO[bytes]) -> None:
    """Write rdflib triples (the export's) to `out` as N-Triples, streamed."""
    terms = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples)  # type: ignore[arg-type]
    ox.serialize(terms, out, format=ox.RdfFormat.N_TRIPLES)
