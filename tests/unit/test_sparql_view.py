"""The SPARQL view's incremental update without a graph server: a source made of units as
the store holds them (nodes, plain and qualified relationships, each stamped with a load
id) gives deltas; the updated copy must equal the one a full rebuild gives, also in a
worker started again after a runaway query was killed, and after the deltas were
compacted into a new snapshot."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph import queries
from graph.errors import QueryTimeout, StoreUnavailable
from graph.mapping import node_triples, rel_triples
from graph.registry import Registry
from graph.sparql import SparqlEngine
from graph.sparql_source import (
    Delta,
    QualifiedEnds,
    StoreSource,
    subject_key,
    write_ntriples,
)

K = "https://w3id.org/sahel-kg/id/"
S = "https://w3id.org/sahel-kg/ontology#"
ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


class FakeSource:
    """Units keyed as the store keys them; `stamp` is the load that last wrote each."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.nodes: dict[str, tuple[dict[str, Any], str]] = {}
        self.rels: dict[tuple[str, str, str, str], tuple[dict[str, Any], str]] = {}
        self.loads: list[str] = []
        self.stamps: dict[str, str] = {}  # a load's commit stamp, when not its own id

    def load_stamps(self) -> dict[str, str]:
        return {load: self.stamps.get(load, load) for load in self.loads}

    def node(self, iri: str, load: str, **props: Any) -> None:
        self.nodes[iri] = (props, load)

    def rel(self, rel_type: str, start: str, end: str, load: str, **props: Any) -> None:
        self.rels[(rel_type, start, end, str(props.get("iri", "")))] = (props, load)

    def version(self) -> tuple[str, ...]:
        return tuple(sorted(self.loads))

    def triples(self) -> Iterator[Any]:
        for iri, (props, _) in self.nodes.items():
            yield from node_triples(iri, props, self.registry)
        for (rel_type, start, end, _), (props, _) in self.rels.items():
            yield from rel_triples(rel_type, start, end, props, self.registry)

    def write_all(self, out: IO[bytes]) -> None:
        write_ntriples(self.triples(), out)

    def delta(
        self,
        ids: list[str],
        out: IO[bytes],
        qualified_in_view: Callable[[list[str]], QualifiedEnds],
    ) -> Delta:
        """As StoreSource.delta does it, from the units in memory."""
        nodes = {i: p for i, (p, load) in self.nodes.items() if load in ids}
        shared = qualified_in_view(sorted(nodes))
        rels = [  # a shared one found from the ends the view gave, as the store finds it
            (k, p)
            for k, (p, load) in self.rels.items()
            if load in ids or (k[1], k[2]) in shared.get(str(p.get("iri")), [])
        ]
        whole = {str(p["iri"]) for _, p in rels if p.get("iri")}

        def triples() -> Iterator[Any]:
            for iri, props in nodes.items():
                if iri not in whole:
                    yield from node_triples(iri, props, self.registry)
            for (rel_type, start, end, _), props in rels:
                yield from rel_triples(rel_type, start, end, props, self.registry)
            for iri in whole & set(self.nodes):
                yield from node_triples(iri, self.nodes[iri][0], self.registry)
                for (rel_type, start, end, key), (props, _) in self.rels.items():
                    if start == iri and not key:
                        yield from rel_triples(rel_type, start, end, props, self.registry)

        d = Delta(added=write_ntriples(triples(), out))
        d.nodes = [subject_key(i) for i in nodes if i not in whole]
        d.qualified = [subject_key(i) for i in sorted(whole)]
        return d


def base(registry: Registry) -> FakeSource:
    src = FakeSource(registry)
    src.loads = ["a"]
    src.node(K + "mali", "a", rdfTypes=[S + "State"], **{"label@en": "Mali"})
    src.node(K + "jnim", "a", rdfTypes=[S + "JihadistGroup"], **{"label@en": "JNIM"})
    src.node("_:b1", "a", **{"label@en": "a blank node"})
    src.rel("HOSTILE_TO", K + "jnim", K + "mali", "a")
    src.rel("SEE_ALSO", K + "jnim", "_:b1", "a")
    src.rel(
        "HOSTILE_TO", K + "jnim", K + "mali", "a",
        iri=K + "rel-1", sources=[K + "src-1"], **{"label@en": "JNIM hostile to Mali"},
    )  # fmt: skip
    return src


def union(src: FakeSource) -> None:
    """Load "b": values added to stored nodes (one to a blank node), a new plain relation,
    a source added to the qualified relation, and a node made of that relation's iri."""
    src.loads.append("b")
    # A value replaced too (no load of ours does that, a delta must still handle it).
    src.node(K + "mali", "b", rdfTypes=[S + "Country", S + "State"],
             **{"label@en": "Republic of Mali", "label@fr": "Mali", "comment@en": "x"})  # fmt: skip
    src.node("_:b1", "b", **{"label@en": ["a blank node", "renamed"]})
    src.node(K + "aes", "b", rdfTypes=[S + "Alliance"], **{"label@en": "AES"})
    src.rel("MEMBER_OF", K + "mali", K + "aes", "b")
    src.rel(
        "HOSTILE_TO", K + "jnim", K + "mali", "b",
        iri=K + "rel-1", sources=[K + "src-2"],
        **{"label@en": "JNIM, hostile to Mali"},
    )  # fmt: skip
    src.node(K + "rel-1", "b", **{"comment@en": "said of the relation"})
    src.rel("SOURCE", K + "rel-1", K + "src-3", "b")


def as_graph(fresh_engine: SparqlEngine) -> Graph:
    return Graph().parse(
        data=fresh_engine.query(ALL, graph_fmt="ntriples").body.decode(), format="nt"
    )


def expected(src: FakeSource) -> Graph:
    full = SparqlEngine(timeout_s=30)
    try:
        full.refresh(src.version(), src.write_all)
        return as_graph(full)
    finally:
        full.close()


def test_a_delta_gives_what_a_rebuild_gives(registry: Registry, fresh_engine: SparqlEngine) -> None:
    src = base(registry)
    assert fresh_engine.update(src) and fresh_engine.updates == {"full": 1, "delta": 0}
    union(src)
    assert fresh_engine.update(src)
    assert fresh_engine.updates == {"full": 1, "delta": 1}, fresh_engine.rebuilt_because
    got, want = as_graph(fresh_engine), expected(src)
    assert isomorphic(got, want), sorted(set(got) ^ set(want))[:10]
    gone = f'ASK {{ <{K}mali> ?p "Mali"@en }} '
    assert json.loads(fresh_engine.query(gone).body)["boolean"] is False
    assert fresh_engine.update(src) is False  # nothing new


def test_a_restarted_worker_replays_the_deltas(
    registry: Registry, fresh_engine: SparqlEngine
) -> None:
    src = base(registry)
    fresh_engine.update(src)
    union(src)
    fresh_engine.update(src)
    want = as_graph(fresh_engine)
    pid = fresh_engine.worker_pid
    assert pid is not None
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    for _ in range(3):  # the data is small: repeat the product until it outlasts the timeout
        slow = slow.replace("?m ?n2 ?o", "?m ?n2 ?o . ?x ?y ?z", 1)
    with pytest.raises(QueryTimeout):
        fresh_engine.query(slow)
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert isomorphic(as_graph(fresh_engine), want)  # a new worker, the same copy
    assert fresh_engine.worker_pid not in (None, pid)
    assert fresh_engine.updates == {"full": 1, "delta": 1}  # replayed, not rebuilt from the store


def test_deltas_that_outgrow_the_snapshot_are_compacted(
    registry: Registry, fresh_engine: SparqlEngine
) -> None:
    src = FakeSource(registry)
    src.loads = ["0"]
    src.node(K + "n0", "0", **{"label@en": "n0"})
    fresh_engine.update(src)
    for i in range(1, 6):
        src.loads.append(str(i))
        for j in range(20):
            src.node(K + f"n{i}-{j}", str(i), **{"label@en": f"node {i} {j}"})
        fresh_engine.update(src)
    assert fresh_engine.updates == {"full": 1, "delta": 5}
    files = sorted(p.name for p in fresh_engine.copy.snapshot.parent.iterdir())  # type: ignore[union-attr]
    assert len(files) < 1 + 2 * 5, files  # some deltas were folded into a new snapshot
    fresh_engine.copy.stop_worker()  # a new worker starts from what is on disk
    assert isomorphic(as_graph(fresh_engine), expected(src))


def test_a_load_id_that_disappears_means_a_rebuild(
    registry: Registry, fresh_engine: SparqlEngine
) -> None:
    src = base(registry)
    fresh_engine.update(src)
    union(src)
    src.loads = ["b"]  # as `load --replace` leaves it
    del src.nodes[K + "jnim"]
    src.rels = {k: v for k, v in src.rels.items() if K + "jnim" not in k}
    assert fresh_engine.update(src)
    assert fresh_engine.updates == {"full": 2, "delta": 0}
    assert fresh_engine.rebuilt_because == "a load id disappeared"
    assert isomorphic(as_graph(fresh_engine), expected(src))
    answer = json.loads(fresh_engine.query(f"ASK {{ <{K}jnim> ?p ?o }}").body)
    assert answer["boolean"] is False


class _Record(dict[str, Any]):
    pass


class _Tx:
    """Answers the load record's types, as the store would."""

    def __init__(self, types: list[str] | None, found: bool = True) -> None:
        self.types, self.found = types, found

    def run(self, statement: str, **params: Any) -> Any:
        assert statement == queries.LOAD_REL_TYPES and params == {"id": "L1"}
        record = _Record(types=self.types) if self.found else None
        return type("R", (), {"single": lambda _self: record})()


def test_a_loads_relationships_are_read_per_recorded_type_of_the_ontology_only(
    registry: Registry,
) -> None:
    source = StoreSource(None, registry)  # type: ignore[arg-type]
    # one statement per recorded type, each with that type's label in its pattern
    statements = source._rels_of(_Tx(["ALLIED_WITH", "SOURCE"]), "L1")
    assert [s.split("[r:")[1].split("]")[0] for s in statements] == ["ALLIED_WITH", "SOURCE"]
    assert all("WHERE r.loadId = $id" in s for s in statements)
    # a type the ontology does not have (a record written by hand) is never put in a statement
    tampered = source._rels_of(_Tx(["SOURCE", "X]->() DETACH DELETE r //", "NOPE"]), "L1")
    assert len(tampered) == 1 and "[r:SOURCE]" in tampered[0]
    # a load recorded before the types were kept, or no record: one scan of every relationship
    assert source._rels_of(_Tx(None), "L1") == [queries.SPARQL_VIEW_CHANGED_RELS]
    assert source._rels_of(_Tx(None, found=False), "L1") == [queries.SPARQL_VIEW_CHANGED_RELS]


def test_relationship_statements_refuse_a_name_that_is_not_one() -> None:
    for build in (queries.sparql_view_changed_rels, queries.relationship_load_index):
        assert "SOURCE" in build("SOURCE")
        with pytest.raises(ValueError, match="not a label or relationship type"):
            build("SOURCE]-() DELETE r //")


def test_an_update_that_outlives_close_starts_no_worker(registry: Registry) -> None:
    """The service abandons a running update when it stops (api/view.py); when that update
    reaches the worker after close(), it fails instead of starting a process nobody stops."""
    engine = SparqlEngine(timeout_s=30)
    src = base(registry)

    def write_all(out: IO[bytes]) -> None:
        engine.close()  # the service stops while the copy is exported
        src.write_all(out)

    with pytest.raises(StoreUnavailable, match="closed"):
        engine.refresh(src.version(), write_all)
    assert engine.worker_pid is None


def test_close_cuts_a_copy_that_is_still_loading() -> None:
    """A service stopped while its worker loads a full copy (a minute at 10M triples) kills
    that worker instead of waiting for it: the update fails, the copy is not loaded."""
    engine = SparqlEngine(timeout_s=30)
    exported = threading.Event()

    def write_all(out: IO[bytes]) -> None:
        line = b'<%s%d> <%sname> "a name, long enough to take the worker some time" .\n'
        out.writelines(line % (K.encode(), i, S.encode()) for i in range(300_000))
        exported.set()

    errors: list[BaseException] = []

    def update() -> None:
        try:
            engine.refresh(("a",), write_all)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=update)
    thread.start()
    assert exported.wait(60)
    while engine.worker_pid is None and thread.is_alive():  # until the worker loads the copy
        time.sleep(0.01)
    engine.close(grace_s=0.05)
    thread.join(60)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], StoreUnavailable), errors
    assert "closed" not in str(errors[0])  # the load was cut, not refused before it began
    assert not engine.loaded and engine.worker_pid is None
