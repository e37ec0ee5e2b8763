"""The SPARQL view kept up to date incrementally, against a real graph store (either
backend): after a union load that adds values to existing nodes and new relationships, the
updated copy answers exactly what a copy rebuilt from a full export answers; after
`--replace` it is rebuilt; queries during an update see the copy before it or after it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

from bench import synth
from graph import queries, sparql_keep
from graph.load import Ontology, clear, load, prepare
from graph.settings import Settings
from graph.sparql import SparqlEngine
from graph.sparql_source import StoreSource
from graph.store import Store
from tests.conftest import DATA, SEEDS
from tests.integration.conftest import Server, api_settings, load_paths

pytestmark = pytest.mark.integration

ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

# A union load onto seeds/states.ttl and tests/data/tricky.ttl: values added
# to existing nodes (a second comment turns a single value into a list), a source and a
# comment added to a stored qualified relation without restating it (its iri becomes a node
# too), a new qualified relation, new plain relationships between stored nodes, a new node
# and a new blank node.
UNION = """
@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .
@prefix kg:    <https://w3id.org/sahel-kg/id/> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .

kg:mali skos:altLabel "Mali (incremental test)" ;
    rdfs:comment "A second comment on Mali, added by a union load."@en .
kg:t-group rdfs:comment "Another comment."@en ;
    rdfs:seeAlso [ rdfs:label "added blank node"@en ] .
kg:t-rel sahel:source kg:t-source-b ;
    rdfs:comment "A comment added to a stored qualified relation."@en .
kg:rel-incremental-test a sahel:QualifiedRelation ;
    rdfs:label "Test relation"@en ;
    sahel:subject kg:t-group ; sahel:predicate sahel:hostileTo ; sahel:object kg:mali ;
    sahel:validFrom "2020-01-01"^^xsd:date ;
    sahel:source kg:t-source-a .
kg:t-place sahel:locatedIn kg:mali .
kg:t-new-militia a sahel:Militia ;
    rdfs:label "New militia"@en ;
    sahel:operatesIn kg:t-place , kg:mali ;
    sahel:source kg:t-source-b .
"""


UNRECORD = "MATCH (l:Load {id: $id}) REMOVE l.relTypes"


def plan_text(store: Store, statement: str, **params: str) -> str:
    plan = store.driver.execute_query(
        "EXPLAIN " + statement, params, database_=store.database
    ).summary.plan
    return json.dumps(plan)


def as_graph(engine: SparqlEngine) -> Graph:
    answer = engine.query(ALL, graph_fmt="ntriples")
    return Graph().parse(data=answer.body.decode(), format="nt")


def select(engine: SparqlEngine, query: str) -> set[tuple[str, ...]]:
    body = json.loads(engine.query(query).body)
    names = body["head"]["vars"]
    return {
        tuple(json.dumps(row.get(n), sort_keys=True) for n in names)
        for row in body["results"]["bindings"]
    }


def ask(engine: SparqlEngine, query: str) -> bool:
    return bool(json.loads(engine.query(query).body)["boolean"])


def rebuilt_graph(rebuilt: SparqlEngine, source: StoreSource) -> Graph:
    rebuilt.refresh(source.version(), source.write_all)
    return as_graph(rebuilt)


# The view finds a load's relationships through the types its record names (each type's
# index); a load recorded before the types were kept is found by a scan of every one.
@pytest.mark.parametrize("recorded", [True, False], ids=["types recorded", "types unknown"])
def test_a_union_load_updates_the_view_as_a_full_rebuild_would(
    store: Store,
    ontology: Ontology,
    tmp_path: Path,
    engines: tuple[SparqlEngine, SparqlEngine],
    recorded: bool,
) -> None:
    updated, rebuilt = engines
    source = StoreSource(store, ontology.registry)
    clear(store)
    # Small: a load on the Neo4j test server times out at 10 s, on a busy machine too.
    load_paths(store, ontology, SEEDS / "states.ttl", DATA / "tricky.ttl", validate=False)
    assert updated.update(source) and updated.updates == {"full": 1, "delta": 0}
    before = as_graph(updated)

    extra = tmp_path / "union.ttl"
    extra.write_text(UNION, encoding="utf-8")
    report = load(store, prepare([extra], ontology, validate=False), ontology.registry)
    types = store.read(queries.LOAD_REL_TYPES, {"id": report.load_id})[0]["types"]
    assert types == ["HOSTILE_TO", "LOCATED_IN", "OPERATES_IN", "SEE_ALSO", "SOURCE"]
    # ArcadeDB's node index has `iri` after `loadId` (graph/queries_lookups.py)
    arcadedb = store.capabilities.backend == "arcadedb-embedded"
    node_index = "resource_load_iri" if arcadedb else "resource_load_id"
    wanted = {node_index, *(f"rel_load_id_{t}" for t in types)}
    for _ in range(100):  # Neo4j fills a new index in the background
        indexes = store.driver.execute_query("SHOW INDEXES", database_=store.database).records
        if wanted <= {r["name"] for r in indexes if r["state"] == "ONLINE"}:
            break
        time.sleep(0.1)
    assert wanted <= {r["name"] for r in indexes if r["state"] == "ONLINE"}
    # ... and the server reads through them, never every node or every relationship of the
    # type (what Neo4j planned with a label test on a named end). On a graph this small,
    # Neo4j's statistics may make it scan the index rather than seek it (a seek at 100k).
    nodes = plan_text(store, queries.SPARQL_VIEW_CHANGED_NODES, id=report.load_id)
    assert "NodeIndexSeek" in nodes or "NodeIndexScan" in nodes, nodes
    for rel_type in types:
        rels = plan_text(store, queries.sparql_view_changed_rels(rel_type), id=report.load_id)
        assert "RelationshipIndexS" in rels or "EDGE BY INDEX" in rels, rels
        assert not any(scan in rels for scan in ("AllNodesScan", "RelationshipTypeScan")), rels
    if not recorded:
        store.write(lambda tx: tx.run(UNRECORD, id=report.load_id).consume())
    assert updated.update(source)
    assert updated.updates == {"full": 1, "delta": 1}, updated.rebuilt_because

    after = as_graph(updated)
    full = rebuilt_graph(rebuilt, source)
    assert len(after) > len(before)
    assert isomorphic(after, full), _difference(after, full)
    assert updated.triples == rebuilt.triples == len(full)
    # Values replaced, not duplicated: Mali's comments and the relation's sources, as rebuilt.
    for query in (
        "SELECT ?c WHERE { kg:mali rdfs:comment ?c }",
        "SELECT ?s WHERE { kg:t-rel sahel:source ?s }",
        "SELECT ?x ?l WHERE { kg:t-group rdfs:seeAlso ?x . ?x rdfs:label ?l }",
        "SELECT ?a ?b WHERE { ?a sahel:locatedIn ?b }",
    ):
        q = "PREFIX kg: <https://w3id.org/sahel-kg/id/> " + PREFIXES + query
        assert select(updated, q) == select(rebuilt, q), query
    # The same load again changes nothing and needs nothing.
    load_paths(store, ontology, extra, validate=False)
    assert updated.update(source) is False
    clear(store)


def test_after_replace_the_view_is_rebuilt(
    store: Store, ontology: Ontology, tmp_path: Path, engines: tuple[SparqlEngine, SparqlEngine]
) -> None:
    updated, rebuilt = engines
    source = StoreSource(store, ontology.registry)
    clear(store)
    load_paths(store, ontology, DATA / "tricky.ttl", validate=False)
    updated.update(source)
    extra = tmp_path / "union.ttl"
    extra.write_text(UNION, encoding="utf-8")
    load_paths(store, ontology, extra, validate=False)
    updated.update(source)
    assert updated.updates == {"full": 1, "delta": 1}
    assert ask(updated, PREFIXES + "ASK { ?m a sahel:Militia }") is True

    prepared = prepare([DATA / "tricky.ttl"], ontology, validate=False)
    load(store, prepared, ontology.registry, replace=True)
    assert updated.update(source)
    assert updated.updates == {"full": 2, "delta": 1}
    assert ask(updated, PREFIXES + "ASK { ?m a sahel:Militia }") is False
    assert isomorphic(as_graph(updated), rebuilt_graph(rebuilt, source))
    clear(store)
    assert updated.update(source)  # every load gone: rebuilt, empty
    assert updated.updates["full"] == 3 and updated.triples == 0


def test_queries_during_an_update_see_the_copy_before_or_after_it(
    store: Store, ontology: Ontology, tmp_path: Path, engines: tuple[SparqlEngine, SparqlEngine]
) -> None:
    updated, _ = engines
    source = StoreSource(store, ontology.registry)
    clear(store)
    load_paths(store, ontology, DATA / "tricky.ttl", validate=False)
    updated.update(source)
    old = _count(updated)
    extra = tmp_path / "synth.nt"
    synth.write(extra, 3_000)
    load_paths(store, ontology, extra, validate=False)

    seen: set[int] = set()
    errors: list[BaseException] = []
    done = threading.Event()

    def hammer() -> None:
        while not done.is_set():
            try:
                seen.add(_count(updated))
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        assert updated.update(source)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=120)
    new = _count(updated)
    assert not errors, errors[:3]
    assert updated.updates == {"full": 1, "delta": 1}
    assert new > old and seen <= {old, new}, sorted(seen - {old, new})
    assert old in seen
    clear(store)


PREFIXES = "PREFIX sahel: <https://w3id.org/sahel-kg/ontology#> " + (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)


def _count(engine: SparqlEngine) -> int:
    body = json.loads(engine.query(COUNT).body)
    return int(body["results"]["bindings"][0]["n"]["value"])


def _difference(a: Graph, b: Graph) -> str:
    ia, ib = to_isomorphic(a), to_isomorphic(b)
    only_a = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in ia - ib)[:10]
    only_b = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in ib - ia)[:10]
    return f"only in the updated copy: {only_a}; only in the rebuilt one: {only_b}"


def _view_triples(http: httpx.Client, ready: Callable[[int | None], bool]) -> int:
    """What /health says the API's SPARQL copy holds, once `ready` (a bound, not a timing)."""
    deadline = time.monotonic() + 60
    while True:
        triples = http.get("/health").json()["sparql_triples"]
        if ready(triples):
            return int(triples)
        assert time.monotonic() < deadline, f"the view holds {triples} triples"
        time.sleep(0.05)


def test_the_service_keeps_its_view_current_before_any_query(
    store: Store, ontology: Ontology, settings: Settings, tmp_path: Path
) -> None:
    """api/view.py: the API builds its copy when it starts and follows a load that commits
    while it runs, with no SPARQL query asking; the first query then answers from it."""
    clear(store)
    load_paths(store, ontology, DATA / "tricky.ttl", validate=False)
    with (
        Server(api_settings(settings)) as server,
        httpx.Client(base_url=server.url, timeout=60) as http,
    ):
        first = _view_triples(http, lambda n: n is not None and n > 0)
        extra = tmp_path / "union.ttl"
        extra.write_text(UNION, encoding="utf-8")
        load_paths(store, ontology, extra, validate=False)
        after = _view_triples(http, lambda n: n is not None and n > first)
        answer = http.get("/sparql", params={"query": COUNT}).json()
        assert int(answer["results"]["bindings"][0]["n"]["value"]) == after
    clear(store)


def _engine(server: Server) -> SparqlEngine:
    engine: SparqlEngine = server.server.config.app.state.sparql
    return engine


def test_a_new_service_starts_from_the_copy_the_last_one_kept(
    store: Store, ontology: Ontology, settings: Settings
) -> None:
    """graph/sparql_keep.py: the next service process starts from the full copy the last
    one kept (no export), as long as the graph holds the same loads."""
    clear(store)
    load_paths(store, ontology, DATA / "tricky.ttl", validate=False)
    record = settings.data_dir / "sparql-view" / sparql_keep.RECORD
    with (
        Server(api_settings(settings)) as first,
        httpx.Client(base_url=first.url, timeout=60) as http,
    ):
        triples = _view_triples(http, lambda n: n is not None and n > 0)
        deadline = time.monotonic() + 60
        while not (
            record.exists() and json.loads(record.read_text())["loads"] == store.load_stamps()
        ):
            assert time.monotonic() < deadline, "the copy was not kept"
            time.sleep(0.05)
        assert _engine(first).updates["full"] == 1 and _engine(first).restored == 0
    # The same content loaded again changes nothing: its stamp, and so the copy, still hold.
    stamps = store.load_stamps()
    assert load_paths(store, ontology, DATA / "tricky.ttl", validate=False).created_nodes == 0
    assert store.load_stamps() == stamps
    with (
        Server(api_settings(settings)) as second,
        httpx.Client(base_url=second.url, timeout=60) as http,
    ):
        assert _view_triples(http, lambda n: n is not None) == triples
        engine = _engine(second)
        assert engine.restored == 1 and engine.updates == {"full": 0, "delta": 0}
        answer = http.get("/sparql", params={"query": COUNT}).json()
        assert int(answer["results"]["bindings"][0]["n"]["value"]) == triples
    clear(store)


def test_a_load_that_changes_the_graph_gets_a_new_stamp(
    store: Store, ontology: Ontology, tmp_path: Path
) -> None:
    """The commit stamp tells graph states apart (graph/sparql_keep.py): a load that adds
    to what an earlier one wrote gets its own; reloading either afterwards keeps theirs."""
    clear(store)
    load_paths(store, ontology, DATA / "tricky.ttl", validate=False)
    first = store.load_stamps()
    extra = tmp_path / "union.ttl"
    extra.write_text(UNION, encoding="utf-8")
    report = load_paths(store, ontology, extra, validate=False)
    assert report.created_nodes + report.updated_nodes > 0
    second = store.load_stamps()
    assert len(second) == 2 and {k: second[k] for k in first} == first
    (new,) = set(second) - set(first)
    assert second[new] not in first.values()
    for path in (DATA / "tricky.ttl", extra):
        load_paths(store, ontology, path, validate=False)
        assert store.load_stamps() == second
    clear(store)
