"""Loading into the real Bolt server: counts, idempotence, lossless round trip, atomicity."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from bench import synth
from graph import export, queries
from graph.errors import InputError, LoadInProgress
from graph.load import clear, load, prepare
from graph.load_stream import prepare_streamed
from graph.ontology import Ontology
from graph.rdf import parse_files
from graph.store import Store
from graph.terms import canonicalise
from tests.conftest import DATA, ONTOLOGY, SEEDS
from tests.integration.conftest import after_rollback, kill_when, load_paths, loader, status_of
from tests.unit.test_mapping import assert_isomorphic

pytestmark = pytest.mark.integration


SUFFIX = {
    "turtle": ".ttl",
    "ntriples": ".nt",
    "nquads": ".nq",
    "jsonld": ".jsonld",
    "trig": ".trig",
    "rdfxml": ".rdf",
}


def exported(store: Store, ontology: Ontology, fmt: str, tmp_path: Path) -> Graph:
    """Export, then read it back with the project's parsers (pyoxigraph; rdflib for
    JSON-LD), which keep lexical forms exactly as written."""
    path = tmp_path / f"export{SUFFIX[fmt]}"
    with path.open("wb") as fh:
        export.write(store, ontology.registry, fmt, fh)
    return parse_files([path]).graph


def source_graph(*paths: Path) -> Graph:
    return canonicalise(parse_files(list(paths)).graph)


def test_counts_equal_the_mapping_and_loading_twice_changes_nothing(
    store: Store, ontology: Ontology
) -> None:
    prepared = prepare([ONTOLOGY, SEEDS], ontology)
    first = load(store, prepared, ontology.registry)
    assert store.counts() == (len(prepared.pg.nodes), len(prepared.pg.rels))
    steps = [
        "read",
        "check",
        "map",
        "id",
        "schema",
        "stage",
        "nodes",
        "relationships",
        "index",
        "switch",
        "publish",
    ]
    assert list(first.phases) == steps and all(v >= 0 for v in first.phases.values())
    assert sum(first.phases.values()) - sum(prepared.phases.values()) <= first.seconds
    assert first.created_nodes == len(prepared.pg.nodes)
    digest = export.graph_hash(store, ontology.registry)

    again = load(store, prepare([ONTOLOGY, SEEDS], ontology), ontology.registry)
    assert store.counts() == (len(prepared.pg.nodes), len(prepared.pg.rels))
    assert (again.created_nodes, again.updated_nodes) == (0, 0)
    assert (again.created_relationships, again.updated_relationships) == (0, 0)
    assert export.graph_hash(store, ontology.registry) == digest


def test_seeds_round_trip_without_loss(store: Store, ontology: Ontology, tmp_path: Path) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    assert_isomorphic(source_graph(ONTOLOGY, SEEDS), exported(store, ontology, "turtle", tmp_path))


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "trig", "rdfxml", "nquads"])
def test_tricky_cases_round_trip_in_every_format(
    store: Store, ontology: Ontology, fmt: str, tmp_path: Path
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    assert_isomorphic(
        source_graph(ONTOLOGY, DATA / "tricky.ttl"), exported(store, ontology, fmt, tmp_path)
    )


def test_qualified_relation_is_one_relationship_in_the_store(
    store: Store, ontology: Ontology
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    rows = store.read(
        "MATCH (a:Resource {iri: $a})-[r:HOSTILE_TO]->(b:Resource) "
        "RETURN r.iri AS iri, r.validFrom AS since, r.validTo AS until, r.sources AS sources "
        "ORDER BY since",
        {"a": "https://w3id.org/sahel-kg/id/t-group"},
    )
    assert len(rows) == 2
    assert rows[0]["iri"] == "https://w3id.org/sahel-kg/id/t-rel"
    assert str(rows[0]["since"]) == "2017-03-02"
    assert str(rows[0]["until"]) == "2024-01-31"
    assert len(rows[0]["sources"]) == 2
    claims = store.read(
        "MATCH (c:Claim)-[:ABOUT]->(e:Resource {iri: $e}) MATCH (c)-[:SOURCE]->(s:Source) "
        "WHERE c.value IS NOT NULL RETURN c.value AS value, s.iri AS source ORDER BY value",
        {"e": "https://w3id.org/sahel-kg/id/t-attack"},
    )
    assert [(r["value"], r["source"].rsplit("/", 1)[1]) for r in claims] == [
        (77, "t-source-a"),
        (81, "t-source-b"),
    ]


def test_loads_are_unions_and_labels_grow(store: Store, ontology: Ontology, tmp_path: Path) -> None:
    first = tmp_path / "first.ttl"
    first.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "kg:u-a sahel:alliedWith kg:u-b .\n"
        "kg:u-a skos:altLabel 'one' .\n"
    )
    second = tmp_path / "second.ttl"
    second.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "kg:u-b a sahel:Militia .\n"
        "kg:u-a skos:altLabel 'two' .\n"
    )
    load_paths(store, ontology, first, validate=False)
    load_paths(store, ontology, second, validate=False)
    rows = store.read(
        "MATCH (a:Resource {iri: $a})-[:ALLIED_WITH]->(b:Militia) "
        "RETURN a.altLabel AS alt, labels(b) AS labels",
        {"a": "https://w3id.org/sahel-kg/id/u-a"},
    )
    assert rows and rows[0]["alt"] == ["one", "two"]
    assert {"Militia", "ArmedGroup", "Organization", "Actor"} <= set(rows[0]["labels"])
    assert_isomorphic(source_graph(first, second), exported(store, ontology, "ntriples", tmp_path))

    # Into a graph that is not empty: new -> new (by element id), new -> stored (by iri),
    # stored -> stored (merged), and one already there.
    third = tmp_path / "third.ttl"
    third.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n"
        "kg:u-c sahel:alliedWith kg:u-d .\n"
        "kg:u-c sahel:alliedWith kg:u-a .\n"
        "kg:u-b sahel:alliedWith kg:u-a .\n"
        "kg:u-a sahel:alliedWith kg:u-b .\n"
    )
    report = load(store, prepare([third], ontology, validate=False), ontology.registry)
    assert (report.created_nodes, report.created_relationships) == (2, 3)
    assert_isomorphic(
        source_graph(first, second, third), exported(store, ontology, "ntriples", tmp_path)
    )


def test_replace_drops_what_the_new_files_do_not_say(
    store: Store, ontology: Ontology, tmp_path: Path
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    stored = store.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"]
    heard: dict[str, list[tuple[int, int]]] = {}
    prepared = prepare([ONTOLOGY], ontology)
    report = load(
        store,
        prepared,
        ontology.registry,
        replace=True,
        progress=lambda phase, done, total: heard.setdefault(phase, []).append((done, total)),
    )
    assert_isomorphic(source_graph(ONTOLOGY), exported(store, ontology, "turtle", tmp_path))
    # Staged like a load, then what it replaced deleted, on a bar out of what was stored.
    assert heard["delete"][-1] == (stored, stored)
    assert report.deleted_nodes == stored
    n, r = len(prepared.pg.nodes), len(prepared.pg.rels)
    assert heard["nodes"][-1] == (n, n) and heard["relationships"][-1] == (r, r)
    assert heard["publish"][-1] == (n, n)
    steps = [p for p in heard if p in ("nodes", "relationships", "switch", "publish", "delete")]
    assert steps == ["nodes", "relationships", "switch", "publish", "delete"]
    # Its own load id (its nodes stood beside the old ones until the switch); nothing left.
    assert report.load_id.startswith(prepared.load_id + "-")
    assert store.read(queries.STAGES) == []
    assert store.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"] == n


def big_literal_file(tmp_path: Path) -> Path:
    path = tmp_path / "big_literal.ttl"
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/sahel-kg/id/huge> rdfs:comment "' + "x" * 10_000_000 + '" .\n'
    )
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("syntax_error.ttl", r"syntax_error\.ttl:7"),
        ("missing_source.ttl", r"missing_source\.ttl:8.*sahel:source"),
        ("unknown_class.ttl", r"unknown class"),
        ("unknown_property.ttl", r"unknown property"),
        ("big", r"big_literal\.ttl:2.*10,000,000 characters"),
    ],
)
def test_bad_input_is_refused_and_the_stored_graph_is_unchanged(
    store: Store, ontology: Ontology, tmp_path: Path, name: str, expected: str
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    path = big_literal_file(tmp_path) if name == "big" else DATA / "broken" / name
    with pytest.raises(InputError, match=expected):
        load(store, prepare([ONTOLOGY, path], ontology), ontology.registry)
    assert (store.counts(), export.graph_hash(store, ontology.registry)) == before


def test_a_load_failing_midway_commits_nothing(
    store: Store, ontology: Ontology, tmp_path: Path
) -> None:
    load_paths(store, ontology, ONTOLOGY)
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    big = tmp_path / "synth.nt"
    synth.write(big, 20_000)
    prepared = prepare([big], ontology, validate=False)

    class Boom(RuntimeError):
        pass

    def explode(phase: str, done: int, total: int) -> None:
        if phase == "relationships":  # all nodes written, some relationships too
            raise Boom

    with pytest.raises(Boom):
        load(store, prepared, ontology.registry, batch_size=500, progress=explode)
    assert (store.counts(), export.graph_hash(store, ontology.registry)) == before


KILL_SCRIPT = """
import sys
from pathlib import Path
from graph.load import load, prepare
from graph.load_stream import prepare_streamed
from graph.ontology import Ontology
from graph.settings import Settings
from graph.store import open_store

def progress(phase, done, total):
    print(phase, done, total, flush=True)

settings = Settings()
onto = Ontology.read(settings.ontology_path, None)
if sys.argv[2] == "stream":
    prepared = prepare_streamed([Path(sys.argv[1])], onto, False, progress, None, Path(sys.argv[3]))
else:
    prepared = prepare([Path(sys.argv[1])], onto, validate=False, progress=progress)
store = open_store(settings)
load(store, prepared, onto.registry, batch_size=200, progress=progress)
print("finished", flush=True)
"""


# Every stage of a load: parsing, batches committed (nodes, then relationships), the
# indexes made for its relationship types, the switch that makes the load visible (killed
# as it starts: in flight, or not yet sent), the publishing after it (batches committed);
# a streamed input (graph/load_stream.py) also while it maps into its index on disk.
STAGES = ("read", "nodes", "relationships", "index", "switch", "publish")
KILL_AT = [(stage, "whole") for stage in STAGES]
KILL_AT += [(stage, "stream") for stage in ("read", "map", *STAGES[1:])]


@pytest.mark.parametrize(("stage", "mode"), KILL_AT)
def test_a_loader_killed_at_any_stage_leaves_the_previous_graph_whole(
    store: Store,
    ontology: Ontology,
    tmp_path: Path,
    cli_env: dict[str, str],
    stage: str,
    mode: str,
) -> None:
    load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    big = tmp_path / "synth.nt"
    synth.write(big, 60_000)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    proc = loader(KILL_SCRIPT, big, cli_env, mode, str(scratch))

    def stop(line: str, seen: list[str]) -> bool:
        # the second report of a batch stage: some batches of it are committed
        return line.startswith(stage + " ") and (
            stage in ("read", "map", "index", "switch")
            or len([s for s in seen if s.startswith(stage)]) >= 3
        )

    kill_when(proc, stop)
    after = after_rollback(store, ontology, before)
    status = status_of(cli_env)
    stages = [row["stage"] for row in store.read(queries.STAGES)]
    published = [s for s in stages if s.get("published")]
    assert ("a killed load left" in status) == (len(stages) > len(published)), status
    assert ("killed after its switch" in status) == bool(published), status
    # The switch published the stage and left its nodes as they were (its size is not the
    # load's): readers see them, marks and all, until the next load tidies them.
    marked = store.driver.execute_query(
        "MATCH (n:Resource) WHERE n.stagedBy IS NOT NULL RETURN count(n) AS c",
        database_=store.database,
    ).records[0]["c"]
    if stage == "publish":
        assert published and marked > 0, (stages, marked)
    # The next load goes through and says what it did with what the killed one staged: the
    # same input again (whole) keeps it; another input (the stream, plus a triple) deletes
    # it first, counted on a progress bar as it goes.
    heard: list[tuple[str, int, int]] = []

    def progress(phase: str, done: int, total: int) -> None:
        heard.append((phase, done, total))

    if mode == "stream":
        assert len(list(scratch.iterdir())) == 1  # SIGKILL: nobody could remove it
        extra = tmp_path / "extra.nt"
        extra.write_text(
            "<https://w3id.org/sahel-kg/id/extra> "
            '<http://www.w3.org/2000/01/rdf-schema#label> "extra"@en .\n'
        )
        with prepare_streamed([big, extra], ontology, False, directory=scratch) as streamed:
            report = load(store, streamed, ontology.registry, progress=progress)
        assert list(scratch.iterdir()) == []
    else:
        prepared = prepare([big], ontology, validate=False)
        report = load(store, prepared, ontology.registry, progress=progress)
    final = (store.counts(), export.graph_hash(store, ontology.registry))
    if stage == "switch":  # killed with the switch in flight: it commits whole, or not at all
        assert after in (before, final), (after, before, final)
    elif stage == "publish":  # after the switch: readers have the new graph, whole
        assert after != before
        assert report.tidied_nodes > 0 and ("publish", report.tidied_nodes) in [
            (phase, done) for phase, done, _ in heard
        ]
        if mode == "whole":
            assert after == final and report.created_nodes == 0
    else:
        assert after == before
        assert report.created_nodes > 0
    dropped = [done for phase, done, _ in heard if phase == "killed load"]
    if stage in ("read", "publish") or (mode == "whole" and after == final):  # none, or switched
        assert (report.abandoned_nodes, report.kept_nodes, dropped) == (0, 0, [])
    elif mode == "whole":  # resumed: kept, nothing deleted, the graph a clean load makes
        assert report.kept_nodes > 0
        assert (report.abandoned_nodes, dropped) == (0, [])
        clear(store)
        load_paths(store, ontology, ONTOLOGY, DATA / "tricky.ttl")
        load(store, prepare([big], ontology, validate=False), ontology.registry)
        assert (store.counts(), export.graph_hash(store, ontology.registry)) == final
    else:  # another input: deleted first, counted as it went
        assert report.kept_nodes == 0
        assert report.abandoned_nodes == (dropped[-1] if dropped else 0)
        assert dropped == sorted(dropped)
        # out of a total counted first on the server (COUNT_STAGED): what was then deleted
        totals = {total for phase, _, total in heard if phase == "killed load"}
        assert totals == ({report.abandoned_nodes} if dropped else set())
        # a stream maps while its nodes are written: killed at its first map report, its
        # first batch may not have committed yet
        assert report.abandoned_nodes > 0 or stage == "map"
    assert store.read(queries.STAGES) == []
    staged = store.driver.execute_query(
        "MATCH (n:Resource) WHERE n.stagedBy IS NOT NULL RETURN count(n) AS c",
        database_=store.database,
    )
    assert staged.records[0]["c"] == 0
    load_paths(store, ontology, ONTOLOGY, SEEDS)


PAUSE_SCRIPT = """
import sys
from pathlib import Path
from graph.load import load, prepare
from graph.ontology import Ontology
from graph.settings import Settings
from graph.store import open_store

reports = []

def progress(phase, done, total):
    reports.append(phase)
    if phase == "nodes" and reports.count("nodes") == 3:  # some batches committed
        print("paused", flush=True)
        sys.stdin.readline()

settings = Settings()
onto = Ontology.read(settings.ontology_path, None)
prepared = prepare([Path(sys.argv[1])], onto, validate=False)
store = open_store(settings)
load(store, prepared, onto.registry, batch_size=200, progress=progress)
print("finished", flush=True)
"""


def test_a_second_load_waits_its_turn_and_clears_nothing_of_the_first(
    store: Store, ontology: Ontology, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """Two loaders at once: the second refuses (LoadInProgress) rather than delete the
    first one's stage as abandoned; the first then completes whole."""
    load_paths(store, ontology, ONTOLOGY)
    before = (store.counts(), export.graph_hash(store, ontology.registry))
    big = tmp_path / "synth.nt"
    synth.write(big, 20_000)
    other = tmp_path / "other.ttl"
    other.write_text((DATA / "tricky.ttl").read_text())
    proc = loader(PAUSE_SCRIPT, big, cli_env)
    staged = (
        "MATCH (n:Resource) WHERE n.stagedBy IS NOT NULL RETURN n.stagedBy AS load, count(n) AS c"
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "paused", (line, proc.stderr.read() if proc.stderr else "")
        held = store.driver.execute_query(staged, database_=store.database).records
        assert len(held) == 1 and held[0]["c"] > 0
        for replace in (False, True):
            with pytest.raises(LoadInProgress, match=r"another load is writing .* pid \d+"):
                load(store, prepare([other], ontology), ontology.registry, replace=replace)
        # nothing of the first load was cleared, nothing of the second written (while the
        # first is paused, the batch its write-ahead had already sent may still commit)
        again = store.driver.execute_query(staged, database_=store.database).records
        assert [r["load"] for r in again] == [held[0]["load"]]
        assert again[0]["c"] >= held[0]["c"]
        assert (store.counts(), export.graph_hash(store, ontology.registry)) == before
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    first = (store.counts(), export.graph_hash(store, ontology.registry))
    assert first[0][0] > before[0][0]
    # the first load is whole: loading the same input again changes nothing
    report = load(store, prepare([big], ontology, validate=False), ontology.registry)
    assert report.created_nodes == 0 and report.created_relationships == 0
    assert (store.counts(), export.graph_hash(store, ontology.registry)) == first
    # and now the second goes through
    load(store, prepare([other], ontology), ontology.registry)
    assert store.read(queries.STAGES) == []
