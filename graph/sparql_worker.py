"""The SPARQL view's worker process: it holds the pyoxigraph store and answers one message
at a time, so a query never sees a delta half applied (graph/sparql.py sends the messages).

Messages: ("load", path) replaces the store with an N-Triples file; ("apply", (spec, path))
applies a delta (graph/sparql_source.py: subjects whose triples are replaced, then the
triples of `path` added); ("dump", path) writes the store as N-Triples; ("query", ...).
Files are read with pyoxigraph's parser and added with bulk_extend, which keep blank node
labels (bulk_load renames them), so a delta can find a blank node's triples again.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import scratch
from graph.formats import RDF_FORMATS as GRAPH_FORMATS, RESULT_FORMATS
from graph.namespaces import RDF_NS, SAHEL_NS

RDF_TYPE = ox.NamedNode(RDF_NS + "type")
# Every qualified relation has them (graph.mapping.rel_triples).
SAHEL_SUBJECT = ox.NamedNode(SAHEL_NS + "subject")
SAHEL_OBJECT = ox.NamedNode(SAHEL_NS + "object")
DEFAULT = ox.DefaultGraph()


def read_into(store: ox.Store, path: str) -> None:
    # lenient: the files are the engine's own, written from terms pyoxigraph made (and so
    # checked); not checking their IRIs again reads 1M triples in 1.9 s instead of 2.2 s.
    store.bulk_extend(ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES, lenient=True))


def _term(key: list[str] | tuple[str, str]) -> ox.NamedNode | ox.BlankNode:
    kind, value = key
    return ox.BlankNode(value) if kind == "b" else ox.NamedNode(value)


def apply_delta(store: ox.Store, spec: dict[str, Any], path: str) -> None:
    """Replace the triples of the spec's subjects, then add the file's."""
    nodes = [_term(k) for k in spec["nodes"]]
    qualified = [_term(k) for k in spec["qualified"]]
    removed: list[ox.Quad] = []
    for s in nodes:
        for q in store.quads_for_pattern(s, None, None, DEFAULT):
            if q.predicate == RDF_TYPE or isinstance(q.object, ox.Literal):
                removed.append(q)
    for s in qualified:
        removed.extend(store.quads_for_pattern(s, None, None, DEFAULT))
    for q in removed:
        store.remove(q)
    read_into(store, path)


def _keys(store: ox.Store, subject: Any, predicate: ox.NamedNode) -> list[list[str]]:
    """The objects of (subject, predicate, ?) in the default graph, as keys."""
    return [
        ["b" if isinstance(q.object, ox.BlankNode) else "i", str(getattr(q.object, "value", ""))]
        for q in store.quads_for_pattern(subject, predicate, None, DEFAULT)
    ]


def qualified_ends(store: ox.Store, keys: list[list[str]]) -> list[list[Any]]:
    """Of these keys, those that are a qualified relation in the store (the subject of a
    sahel:subject triple), each as [key, its sahel:subject keys, its sahel:object keys]:
    the ends of its relationship in the graph store."""
    found = []
    for k in keys:
        term = _term(k)
        starts = _keys(store, term, SAHEL_SUBJECT)
        if starts:
            found.append([k, starts, _keys(store, term, SAHEL_OBJECT)])
    return found


def _serve(read_fd: int, write_fd: int) -> None:  # pragma: no cover - runs in the child
    """The worker's loop."""
    import json

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
        max_bytes = 0
        try:
            if op == "load":
                store = ox.Store()
                if payload:
                    read_into(store, payload)
                outbox.send(("ok", len(store)))
            elif op == "apply":
                spec_path, path = payload
                with open(spec_path, encoding="utf-8") as fh:
                    spec = json.load(fh)
                apply_delta(store, spec, path)
                outbox.send(("ok", len(store)))
            elif op == "qualified":
                outbox.send(("ok", qualified_ends(store, payload)))
            elif op == "dump":
                store.dump(payload, format=ox.RdfFormat.N_TRIPLES, from_graph=DEFAULT)
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


_WORKER = (
    "import sys; from graph.sparql_worker import _serve; _serve(int(sys.argv[1]), int(sys.argv[2]))"
)


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    send: Connection
    recv: Connection
    generation: int = -1  # which state of the view it holds

    @classmethod
    def start(cls) -> Worker:
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


TMP_PREFIX = "sahelkg-sparql-"


def remove_orphans() -> None:
    """Temporary copies left by SPARQL views whose process is gone (killed, crashed)."""
    scratch.remove_orphans(TMP_PREFIX)


def unlink(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            path.unlink(missing_ok=True)


def size_of(*paths: Path | tuple[Path, Path]) -> int:
    total = 0
    for item in paths:
        for path in item if isinstance(item, tuple) else (item,):
            with contextlib.suppress(OSError):
                total += path.stat().st_size
    return total
