"""The read functions (graph/read/) against the fake store of tests/unit/conftest.py: canned
rows in, typed read-model objects out, with the parameters the statements were given (types
from the ontology registry, the "as of" day) and the read path's limits."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import replace
from typing import Any

import pytest

from graph import queries
from graph.errors import InputError, NotFound, QueryError, ReadOnlyViolation
from graph.read import (
    Reader,
    actors,
    cypher,
    events,
    geo,
    graph_info,
    paths,
    relations,
    search,
    timeline,
)
from graph.read.models import (
    ActorDetail,
    ActorPage,
    CypherResult,
    EventDetail,
    EventPage,
    GraphInfo,
    MapView,
    Neighbourhood,
    PathList,
    RelationList,
    SearchResult,
    Timeline,
)
from tests.unit.conftest import FakeStore

KG = "https://w3id.org/sahel-kg/id/"
S = "https://w3id.org/sahel-kg/ontology#"


def refcols(
    iri: str | None, name: str | None, types: list[str], prefix: str = ""
) -> dict[str, Any]:
    return {f"{prefix}name": name, f"{prefix}types": [S + t for t in types] if iri else None}


def rel_row(other: str, name: str, rel_type: str, outgoing: bool, **props: Any) -> dict[str, Any]:
    return {
        "labels": ["Resource", "Actor", "State"],
        **refcols(KG + "mali", "Mali", ["State"]),
        "type": rel_type,
        "outgoing": outgoing,
        "other": KG + other,
        **refcols(KG + other, name, ["State"], "other_"),
        "props": props,
    }


# ------------------------------------------------------------------ relations


def test_relations_are_merged_typed_and_asked_with_the_registry_types(
    store: FakeStore, reader: Reader
) -> None:
    store.answer(
        queries.API_ACTOR_RELATIONS,
        [
            rel_row(
                "france",
                "France",
                "PARTNER_OF",
                True,
                validFrom="2013-01-11",
                sources=[KG + "src-b"],
                iri=KG + "rel-2",
            ),
            rel_row(
                "france",
                "France",
                "PARTNER_OF",
                True,
                validFrom="2013-01-11",
                sources=[KG + "src-a"],
                iri=KG + "rel-1",
            ),
            rel_row("aes", "AES", "MEMBER_OF", True, validFrom="2023-09-16", sources=[]),
        ],
    )
    got = relations.relations(reader, "mali", dt.date(2019, 6, 1))
    assert isinstance(got, RelationList)
    assert got.actor.id == "mali" and got.actor.types == ["State"] and got.at == "2019-06-01"
    france = [r for r in got.items if r.other.id == "france"]
    assert len(france) == 1  # two qualified nodes, one relation
    assert france[0].iris == [KG + "rel-1", KG + "rel-2"] and france[0].iri == KG + "rel-1"
    assert france[0].sources == [KG + "src-a", KG + "src-b"]
    assert france[0].predicate == S + "partnerOf" and france[0].direction == "out"
    (asked,) = store.asked(queries.API_ACTOR_RELATIONS)
    assert asked["iri"] == KG + "mali" and asked["at"] == dt.date(2019, 6, 1)
    assert "PARTNER_OF" in asked["types"] and "MEMBER_OF" in asked["types"]
    assert got.model_dump(by_alias=True)["items"][0]["validFrom"] == "2013-01-11"


def test_relations_of_a_type_by_its_property_name(store: FakeStore, reader: Reader) -> None:
    store.answer(queries.API_ACTOR_RELATIONS, [rel_row("x", None, "PARTNER_OF", False)])  # type: ignore[arg-type]
    got = relations.relations(reader, "mali", None, "partnerOf")
    assert store.asked(queries.API_ACTOR_RELATIONS)[0]["types"] == ["PARTNER_OF"]
    assert got.items[0].direction == "in" and got.items[0].other.label == "x"  # no name: local


def test_relations_of_an_unknown_actor_and_of_a_non_actor_are_not_found(
    store: FakeStore, reader: Reader
) -> None:
    store.answer(queries.API_ACTOR_RELATIONS, [])
    with pytest.raises(NotFound, match="nobody"):
        relations.relations(reader, "nobody")
    store.answer(
        queries.API_ACTOR_RELATIONS,
        [{**rel_row("x", "X", "PARTNER_OF", True), "labels": ["Resource", "Place"]}],
    )
    with pytest.raises(NotFound):
        relations.relations(reader, "bamako")


def test_an_unknown_relation_type_names_the_choices(store: FakeStore, reader: Reader) -> None:
    store.answer(queries.API_RESOURCES, [{"iri": KG + "mali", "labels": ["Actor"], "props": {}}])
    with pytest.raises(InputError, match=r"choose one of .*PARTNER_OF"):
        relations.relations(reader, "mali", None, "LIKES")
    assert not store.asked(queries.API_ACTOR_RELATIONS)


def test_neighbourhood_nodes_by_hop_and_edges_once(store: FakeStore, reader: Reader) -> None:
    def hop(start: str, end: str, other: str, **props: Any) -> dict[str, Any]:
        return {
            "type": "PARTNER_OF",
            "start": KG + start,
            "end": KG + end,
            "other": KG + other,
            "other_labels": ["Actor", "State"],
            **refcols(KG + other, other.title(), ["State"], "other_"),
            "props": props,
        }

    center = {"labels": ["Actor", "State"], **refcols(KG + "mali", "Mali", ["State"])}
    store.answer(
        queries.API_CENTER_NEIGHBOURS,
        [{**center, **hop("mali", "russia", "russia", sources=["s1"], validFrom="2021-12-01")}],
    )
    store.answer(
        queries.API_NEIGHBOUR_REFS,
        [
            hop("mali", "russia", "mali", sources=["s1"], validFrom="2021-12-01"),  # seen
            hop("russia", "syria", "syria"),
        ],
    )
    got = relations.neighbourhood(reader, "mali", 2)
    assert isinstance(got, Neighbourhood) and not got.truncated
    assert [(n.id, n.hop) for n in got.nodes] == [("mali", 0), ("russia", 1), ("syria", 2)]
    assert got.nodes[1].labels == ["Actor", "State"]
    ids = [e.id for e in got.edges]
    assert ids == [
        f"{KG}mali PARTNER_OF {KG}russia 2021-12-01/",
        f"{KG}russia PARTNER_OF {KG}syria",
    ]
    assert store.asked(queries.API_NEIGHBOUR_REFS)[0]["frontier"] == [KG + "russia"]


# ------------------------------------------------------------------ paths


Edge = tuple[str, str, str]  # start, type, end


def answer_paths(store: FakeStore, edges: list[Edge], alone: tuple[str, ...] = ()) -> None:
    """The fake store answers the paths' statements from `edges`, as a server would:
    every relation touching a frontier node, once from each end; the actors of `alone`
    have none."""
    actors = {KG + n for edge in edges for n in (edge[0], edge[2])} | {KG + n for n in alone}

    def start(params: dict[str, Any]) -> list[dict[str, Any]]:
        """The ends with their first hop; an end without a relation, one row without one."""
        rows = []
        for here in (h for h in params["frontier"] if h in actors):
            end = {"labels": ["Actor"], **refcols(here, here[len(KG) :], ["State"])}
            hops = steps({"frontier": [here]}) or [dict.fromkeys(NO_HOP, None) | {"here": here}]
            rows += [{**end, **hop} for hop in hops]
        return rows

    def steps(params: dict[str, Any]) -> list[dict[str, Any]]:
        rows = []
        for here in params["frontier"]:
            for start, type_, end in edges:
                for a, b in ((start, end), (end, start)):
                    if KG + a == here:
                        rows.append(
                            {
                                "here": here,
                                "type": type_,
                                "start": KG + start,
                                "end": KG + end,
                                "other": KG + b,
                                **refcols(KG + b, b, ["State"], "other_"),
                                "validFrom": None,
                                "validTo": None,
                                "sources": ["s"],
                                "iri": None,
                            }
                        )
        return rows

    store.answer(queries.API_PATH_START, start)
    store.answer(queries.API_PATH_STEPS, steps)


NO_HOP = ("type", "start", "end", "other", "other_name", "other_types", "validFrom", "validTo")
NO_HOP += ("sources", "iri")


def shortest_walks(edges: list[Edge], a: str, b: str, max_hops: int) -> list[list[Edge]]:
    """What /paths promises, computed the plain way: breadth-first from `a` alone, then
    every shortest walk back from `b` taking the relations in (node, type) order, the first
    20 of them, ordered by their nodes."""
    dist = {a: 0}
    todo = [a]
    while todo:
        nxt = []
        for x in todo:
            for s, _, e in edges:
                for u, v in ((s, e), (e, s)):
                    if u == x and v not in dist and dist[x] < max_hops:
                        dist[v] = dist[x] + 1
                        nxt.append(v)
        todo = nxt
    walks: list[tuple[list[str], list[Edge]]] = []

    def back(x: str, nodes: list[str], rels: list[Edge]) -> None:
        if len(walks) >= 20:
            return
        if x == a:
            walks.append(([a, *nodes], rels))
            return
        steps = [
            (u, edge)
            for edge in edges
            for u, v in ((edge[0], edge[2]), (edge[2], edge[0]))
            if v == x and dist.get(u) == dist[x] - 1
        ]
        for u, edge in sorted(steps, key=lambda st: (st[0], st[1][1])):
            back(u, [x, *nodes], [edge, *rels])

    if b in dist:
        back(b, [], [])
    walks.sort(key=lambda w: w[0])
    return [rels for _, rels in walks]


def walked(got: PathList) -> list[list[Edge]]:
    return [
        [(r.source[len(KG) :], r.type, r.target[len(KG) :]) for r in p.relationships]
        for p in got.paths
    ]


def test_paths_walk_back_every_shortest_connection(store: FakeStore, reader: Reader) -> None:
    edges = [
        ("jnim", "OPPOSES", "mali"),
        ("jnim", "OPPOSES", "burkina"),
        ("russia", "ALLIED_WITH", "mali"),
        ("russia", "OPPOSES", "burkina"),
    ]
    answer_paths(store, edges)
    got = paths.paths(reader, "jnim", "russia", 4)
    assert isinstance(got, PathList)
    assert [[n.id for n in p.nodes] for p in got.paths] == [
        ["jnim", "burkina", "russia"],
        ["jnim", "mali", "russia"],
    ]
    assert walked(got)[1] == [("jnim", "OPPOSES", "mali"), ("russia", "ALLIED_WITH", "mali")]
    assert all(p.length == 2 for p in got.paths)
    assert got.model_dump(by_alias=True)["from"]["label"] == "jnim"
    # From both ends at once: one statement finds both ends and reaches the middle of a
    # two-hop path.
    (asked,) = store.asked(queries.API_PATH_START)
    assert asked["frontier"] == [KG + "jnim", KG + "russia"]
    assert not store.asked(queries.API_PATH_STEPS)


@pytest.mark.parametrize(
    ("length", "max_hops", "statements"),
    [(1, 1, 1), (2, 2, 1), (3, 3, 2), (4, 4, 2), (5, 6, 3), (4, 3, 2), (6, 5, 3)],
)
def test_paths_search_from_both_ends_within_max_hops(
    store: FakeStore, reader: Reader, length: int, max_hops: int, statements: int
) -> None:
    """On a line of `length` relations: found exactly when it fits in max_hops, with one
    statement per round (the last round expands one end when one hop is left)."""
    line = [f"n{i}" for i in range(length + 1)]
    answer_paths(store, [(x, "OPPOSES", y) for x, y in itertools.pairwise(line)])
    got = paths.paths(reader, line[0], line[-1], max_hops)
    assert [[n.id for n in p.nodes] for p in got.paths] == ([line] if length <= max_hops else [])
    assert len(store.asked(queries.API_PATH_START)) == 1  # the ends, with the first round
    assert len(store.asked(queries.API_PATH_STEPS)) == statements - 1


@pytest.mark.parametrize("seed", range(12))
def test_paths_from_both_ends_equal_a_search_from_one(
    store: FakeStore, reader: Reader, seed: int
) -> None:
    """Random graphs (parallel relations of several types, dead ends, cycles): every pair
    and every max_hops gives the walks of the plain search from one end, in its order, cut
    at 20 the same way."""
    import random

    rng = random.Random(seed)
    names = [f"n{i:02}" for i in range(rng.randint(6, 14))]
    edges = sorted(
        {
            (x, rng.choice(["ALLIED_WITH", "OPPOSES", "SUPPORTS"]), y)
            for x, y in (rng.sample(names, 2) for _ in range(rng.randint(6, 30)))
        }
    )
    answer_paths(store, edges, alone=tuple(names))  # some without a relation
    for a, b in itertools.permutations(names, 2):
        for max_hops in (1, 2, 3, 5):
            got = paths.paths(reader, a, b, max_hops)
            assert walked(got) == shortest_walks(edges, a, b, max_hops), (a, b, max_hops)


def test_paths_between_one_actor_and_itself_is_an_input_error(
    store: FakeStore, reader: Reader
) -> None:
    answer_paths(store, [("mali", "OPPOSES", "jnim")])
    with pytest.raises(InputError, match="same actor"):
        paths.paths(reader, "mali", "mali", 2)
    (asked,) = store.asked(queries.API_PATH_START)
    assert asked["frontier"] == [KG + "mali"]  # asked once


def test_paths_name_the_end_that_is_not_there(store: FakeStore, reader: Reader) -> None:
    answer_paths(store, [("mali", "OPPOSES", "jnim")], alone=("niger",))
    with pytest.raises(NotFound, match="'russia'"):  # no row for it
        paths.paths(reader, "mali", "russia", 2)
    got = paths.paths(reader, "niger", "mali", 2)  # there, with no relation: its own row
    assert got.from_.id == "niger" and got.paths == []


# ------------------------------------------------------------------ actors


def test_actor_detail_and_page(store: FakeStore, reader: Reader) -> None:
    props = {
        "iri": KG + "jnim",
        "name": "JNIM",
        "rdfTypes": [S + "JihadistGroup"],
        "label@en": ["JNIM"],
        "label@fr": ["GSIM"],
        "altLabel@en": ["JNIM", "Group for the Support of Islam and Muslims"],
        "foundedDate": dt.date(2017, 3, 2),
        "search": "jnim gsim",
        "comment@en": ["An alliance."],
    }
    store.answer(queries.API_RESOURCES, [{"iri": KG + "jnim", "labels": ["Actor"], "props": props}])

    def links(params: dict[str, Any]) -> list[dict[str, Any]]:
        if params["types"] == ["SOURCE"]:
            src = {
                "name": "X",
                "title@en": ["A report"],
                "publisher": "AFP",
                "published": dt.date(2024, 9, 19),
            }
            return [
                {
                    "subject": KG + "jnim",
                    "type": "SOURCE",
                    "iri": KG + "src",
                    "labels": [],
                    "props": src,
                    "relProps": {},
                }
            ]
        return [
            {
                "subject": KG + "jnim",
                "type": "SAME_AS",
                "iri": "http://www.wikidata.org/entity/Q1",
                "labels": [],
                "props": {},
                "relProps": {},
            }
        ]

    store.answer(queries.API_LINKS_OUT, links)
    got = actors.detail(reader, "jnim")
    assert isinstance(got, ActorDetail)
    assert got.labels == {"en": "JNIM", "fr": "GSIM"} and got.founded == "2017-03-02"
    assert got.aliases == ["Group for the Support of Islam and Muslims"]  # the name left out
    assert got.sources[0].title == "A report" and got.sources[0].published == "2024-09-19"
    assert got.same_as == ["http://www.wikidata.org/entity/Q1"]
    assert "search" not in got.properties and got.properties["foundedDate"] == "2017-03-02"
    assert got.description == "An alliance."

    store.answer(queries.API_SEARCH_PAGE, [{"total": 7, "page": [[KG + "jnim", props]]}])
    page = actors.search(reader, None, "jihadistgroup", 1, 3)
    assert isinstance(page, ActorPage) and (page.total, page.limit, page.offset) == (7, 1, 3)
    assert page.items[0].id == "jnim"
    assert store.asked(queries.API_SEARCH_PAGE)[0]["label"] == "JihadistGroup"


def test_an_unknown_actor_class_is_an_input_error(reader: Reader) -> None:
    with pytest.raises(InputError, match="unknown type 'Dragon'"):
        actors.search(reader, None, "Dragon", 10, 0)


# ------------------------------------------------------------------ events and timeline


def test_events_page_and_event_detail_with_claims(store: FakeStore, reader: Reader) -> None:
    ev = {"name": "Bamako attack", "rdfTypes": [S + "Attack"], "date": dt.date(2024, 9, 17)}
    store.answer(queries.API_EVENTS, [{"iri": KG + "ev", "labels": ["Event"], "props": ev}])
    store.answer(queries.API_COUNT_EVENTS, [{"total": 1}])
    store.answer(queries.API_RESOURCES, [{"iri": KG + "ev", "labels": ["Event"], "props": ev}])

    def links(params: dict[str, Any]) -> list[dict[str, Any]]:
        def link(subject: str, rel_type: str, iri: str, **props: Any) -> dict[str, Any]:
            return {
                "subject": KG + subject,
                "type": rel_type,
                "iri": KG + iri,
                "labels": [],
                "props": props,
                "relProps": {},
            }

        rows = [
            link("ev", "PERPETRATOR", "jnim", name="JNIM"),
            link("ev", "LOCATION", "bamako", name="Bamako"),
            link("ev", "SOURCE", "src", title="Report"),
            link("claim-1", "CLAIM_KIND", "x"),
            link("claim-2", "SOURCE", "src2", publisher="Reuters"),
            link("stmt", "STATED_BY", "mali", name="Mali"),
        ]
        return [r for r in rows if r["subject"] in params["iris"]]

    store.answer(queries.API_LINKS_OUT, links)
    page = events.events(reader, actor=None, from_=dt.date(2024, 1, 1))
    assert isinstance(page, EventPage) and page.total == 1
    assert page.items[0].date == "2024-09-17" and page.items[0].perpetrators[0].id == "jnim"
    assert store.asked(queries.API_EVENTS)[0]["from"] == dt.date(2024, 1, 1)

    store.answer(
        queries.API_LINKS_IN,
        [
            {
                "type": "ABOUT",
                "iri": KG + "claim-2",
                "labels": ["Claim"],
                "props": {"value": 77, "attribution": "officials"},
            },
            {"type": "ABOUT", "iri": KG + "claim-1", "labels": ["Claim"], "props": {"value": 70}},
            {"type": "ABOUT", "iri": KG + "stmt", "labels": ["Statement"], "props": {"name": "S"}},
        ],
    )
    got = events.event(reader, "ev")
    assert isinstance(got, EventDetail)
    assert [c.value for c in got.claims] == [77, 70]  # no kind first, then by kind and value
    assert got.claims[0].attribution == ["officials"] and got.claims[0].sources[0].id == "src2"
    assert got.claims[1].kind is None or got.claims[1].kind == KG + "x"
    assert got.statements[0].statedBy[0].label == "Mali"
    assert got.places[0].label == "Bamako" and got.sources[0].title == "Report"


def test_a_role_needs_an_actor_and_is_one_of_the_roles(reader: Reader) -> None:
    with pytest.raises(InputError, match="needs an 'actor'"):
        events.events(reader, role="perpetrator")
    with pytest.raises(InputError, match="unknown role 'victim'"):
        events.events(reader, actor="jnim", role="victim")


def test_timeline_orders_events_and_relation_bounds_in_the_range(
    store: FakeStore, reader: Reader
) -> None:
    store.answer(
        queries.API_RESOURCES,
        [{"iri": KG + "mali", "labels": ["Actor"], "props": {"name": "Mali"}}],
    )
    store.answer(
        queries.API_TIMELINE_EVENTS,
        [
            {
                "iri": KG + "coup",
                "labels": ["Event"],
                "roles": ["PARTICIPANT", "TARGET"],
                "props": {"name": "Coup", "date": dt.date(2021, 5, 24)},
            }
        ],
    )
    store.answer(
        queries.API_TIMELINE_RELATIONS,
        [
            {
                "type": "PARTNER_OF",
                "outgoing": True,
                "other": KG + "france",
                "otherLabels": [],
                "otherProps": {"name": "France"},
                "props": {"validFrom": "2013-01-11", "validTo": "2022-08-15"},
            }
        ],
    )
    got = timeline.timeline(reader, "mali", dt.date(2020, 1, 1), None)
    assert isinstance(got, Timeline)
    assert [(e.date, e.kind) for e in got.items] == [
        ("2021-05-24", "event"),
        ("2022-08-15", "relation-end"),  # the start (2013) is before 'from'
    ]
    assert got.items[0].roles == ["PARTICIPANT", "TARGET"]
    assert got.items[1].relation is not None and got.items[1].item.label == "France"
    assert got.model_dump(by_alias=True)["from"] == "2020-01-01"


# ------------------------------------------------------------------ Cypher and limits


def test_cypher_is_cut_at_the_row_cap_and_refuses_writes(store: FakeStore, reader: Reader) -> None:
    statement = "MATCH (n) RETURN n.iri AS iri"
    store.answer(statement, [{"iri": f"x{i}"} for i in range(150)])
    got = cypher.cypher(reader, statement)
    assert isinstance(got, CypherResult)
    assert got.truncated and got.row_count == 100 == len(got.rows)  # the reader's max_rows
    with pytest.raises(ReadOnlyViolation):
        cypher.cypher(reader, "CREATE (n)")
    assert len(store.calls) == 1  # the write never reached the store


def test_the_service_statements_have_a_row_cap_too(store: FakeStore, reader: Reader) -> None:
    reader.max_statement_rows = 3
    store.answer(queries.API_PLACES, [{"iri": str(i)} for i in range(4)])
    with pytest.raises(QueryError, match="more than 3 rows"):
        geo.places(reader)


def test_every_read_runs_in_a_bounded_read_session(store: FakeStore, reader: Reader) -> None:
    store.answer(queries.HIDDEN_IDS, [{"hidden": ["stage-1"], "only": None}])
    store.answer(queries.COUNT_NODES, [{"count": 5}])
    store.answer(queries.COUNT_ALL_RELATIONSHIPS, [{"count": 7}])
    store.answer(queries.COUNT_HIDDEN_RELATIONSHIPS, [{"count": 3}])
    store.answer(
        queries.LAST_LOAD,
        [
            {
                "id": "l1",
                "startedAt": dt.datetime(2024, 1, 1, 12),
                "files": ["/secret/dir/seeds.ttl"],
                "triples": 9,
            }
        ],
    )
    got = graph_info.health(reader)
    assert isinstance(got, GraphInfo) and got.server == "Fake/1.0"
    assert (got.nodes, got.relationships) == (5, 4)  # a staged load's 3 are not counted
    assert store.asked(queries.COUNT_HIDDEN_RELATIONSHIPS) == [{"hidden": ["stage-1"]}]
    assert got.last_load is not None and got.last_load.files == ["seeds.ttl"]
    assert got.last_load.startedAt == "2024-01-01T12:00:00"
    # the counts and the last load in one transaction, under the request's deadline
    assert len(store.sessions) == 1 and store.transactions == [5]
    assert all(0 < s["connection_acquisition_timeout"] <= 6 for s in store.sessions)


def test_counts_test_both_ends_where_a_read_sees_later_commits(
    store: FakeStore, reader: Reader
) -> None:
    """Neo4j's read transactions see the batches a staging load commits meanwhile: all
    relationships less the hidden ones, from two states, came out negative there."""
    store.capabilities = replace(store.capabilities, atomic_commits=True)
    store.answer(queries.HIDDEN_IDS, [{"hidden": ["stage-1"], "only": None}])
    store.answer(queries.COUNT_NODES, [{"count": 5}])
    store.answer(queries.COUNT_SHOWN_RELATIONSHIPS, [{"count": 4}])
    assert reader.unit(store.counts_in) == (5, 4)
    assert store.asked(queries.COUNT_SHOWN_RELATIONSHIPS) == [{"hidden": ["stage-1"], "only": None}]
    assert not store.asked(queries.COUNT_ALL_RELATIONSHIPS)
    store.answer(
        queries.HIDDEN_IDS, [{"hidden": [], "only": None}]
    )  # no load stages: no test per end
    store.answer(queries.COUNT_ALL_RELATIONSHIPS, [{"count": 9}])
    assert reader.unit(store.counts_in) == (5, 9)
    assert len(store.asked(queries.COUNT_SHOWN_RELATIONSHIPS)) == 1
    store.answer(queries.HIDDEN_IDS, [{"hidden": [], "only": "r1"}])  # a replace deleting
    assert reader.unit(store.counts_in) == (5, 4)
    assert store.asked(queries.COUNT_SHOWN_RELATIONSHIPS)[-1] == {"hidden": [], "only": "r1"}


def test_while_a_replace_deletes_what_it_replaced_only_its_relationships_count(
    store: FakeStore, reader: Reader
) -> None:
    """Where reads see one state (ArcadeDB): the replace's own relationships, through the
    `loadId` index, less those of a load staging meanwhile; not every relationship."""
    store.answer(queries.HIDDEN_IDS, [{"hidden": ["stage-1"], "only": "r1"}])
    store.answer(queries.COUNT_NODES, [{"count": 5}])
    store.answer(queries.COUNT_ONLY_RELATIONSHIPS, [{"count": 6}])
    store.answer(queries.COUNT_HIDDEN_RELATIONSHIPS, [{"count": 1}])
    assert reader.unit(store.counts_in) == (5, 5)
    assert store.asked(queries.COUNT_NODES) == [{"hidden": ["stage-1"], "only": "r1"}]
    assert store.asked(queries.COUNT_ONLY_RELATIONSHIPS) == [{"only": "r1"}]
    assert not store.asked(queries.COUNT_ALL_RELATIONSHIPS)


# ------------------------------------------------------------------ map and search


def test_map_points_inherit_from_the_place_an_event_is_in(store: FakeStore, reader: Reader) -> None:
    def place(iri: str, lat: float | None, parents: list[str]) -> dict[str, Any]:
        return {
            "iri": KG + iri,
            "name": iri.title(),
            "types": [S + "City"],
            "lat": lat,
            "lon": lat,
            "precision": "town",
            "geonames": None,
            "parents": [KG + p for p in parents],
            "sources": ["s"],
        }

    store.answer(queries.API_PLACES, [place("bamako", 12.6, []), place("camp", None, ["bamako"])])
    store.answer(
        queries.API_MAP_EVENTS,
        [
            {
                "iri": KG + "ev",
                "name": "Attack",
                "types": [S + "Attack"],
                "date": "2024-09-17",
                "datePrecision": None,
                "places": [KG + "camp"],
                "perpetrators": [[KG + "jnim", "JNIM"]],
            }
        ],
    )
    store.answer(
        queries.API_FATALITY_CLAIMS,
        [
            {"event": KG + "ev", "value": "77", "sources": ["a"]},
            {"event": KG + "ev", "value": "dozens", "sources": ["b"]},
        ],
    )
    got = geo.map_events(reader, KG + "jnim")
    assert isinstance(got, MapView) and got.actor == "jnim"
    ev = got.events[0]
    assert ev.point is not None and ev.point.place == "bamako" and ev.point.inherited
    assert ev.fatalities is not None and (ev.fatalities.min, ev.fatalities.max) == (77, 77)
    assert ev.fatalities.contested and ev.datePrecision == "day"
    assert [p.id for p in got.places] == ["bamako"]  # only places with coordinates


def test_search_groups_hits_by_kind_with_date_words(store: FakeStore, reader: Reader) -> None:
    store.answer(
        queries.API_SEARCH_KINDS,
        [
            {
                "iri": KG + "ev",
                "labels": ["Resource", "Event"],
                "name": "Attack",
                "types": [S + "Attack"],
                "date": dt.date(2024, 9, 17),
                "search": "",
                "rank": 0,
            }
        ],
    )
    got = search.search(reader, "Bamako September 2024", 5)
    assert isinstance(got, SearchResult)
    assert got.text == "bamako" and got.from_ == "2024-09-01" and got.to == "2024-09-30"
    assert [h.id for h in got.groups["Event"]] == ["ev"] and got.groups["Actor"] == []
    assert store.asked(queries.API_SEARCH_KINDS)[0]["limit"] == 50


def test_export_rows_are_one_statement_in_one_bounded_snapshot(
    store: FakeStore, reader: Reader
) -> None:
    nodes = [{"iri": i, "labels": [], "props": {}, "rels": []} for i in ("b", "a", "c")]
    store.answer(queries.API_EXPORT_NODES.whole, nodes)
    rows = list(graph_info.export_nodes(reader))
    assert [r["iri"] for r in rows] == ["b", "a", "c"]  # as the store streams them
    assert store.transactions == [reader.snapshot_timeout_s]  # one transaction, bounded
    assert len(store.asked(queries.API_EXPORT_NODES.whole)) == 1  # no pages: one statement


def test_a_server_that_stops_any_statement_gets_the_export_in_chunks_sized_to_its_limit(
    store: FakeStore, reader: Reader
) -> None:
    """ArcadeDB stops every statement at its command timeout (Store.statement_limit_s): the
    rows come in chunks of one scan, each aimed at a quarter of the limit (0.1 s here)."""
    nodes = [{"iri": f"n{i:03}", "labels": [], "props": {}, "rels": []} for i in range(300)]
    store.answer(
        queries.API_EXPORT_NODES.chunk, lambda p: nodes[p["skip"] : p["skip"] + p["limit"]]
    )
    store.statement_limit_s, store.scan_chunks = 0.4, (20, 5, 1_000)

    def chunks(pause_s: float) -> list[int]:
        store.calls.clear()
        rows = []
        for row in graph_info.export_nodes(reader):
            rows.append(row["iri"])
            time.sleep(pause_s)
        assert rows == [n["iri"] for n in nodes]  # each once, in the scan's order
        asked = store.asked(queries.API_EXPORT_NODES.chunk)
        sizes = [p["limit"] for p in asked]
        assert [p["skip"] for p in asked] == [sum(sizes[:i]) for i in range(len(sizes))]
        return sizes

    fast = chunks(0)  # 20 rows in well under 0.1 s: the next chunk is larger
    assert fast[0] == 20 and fast[1] > 20
    slow = chunks(0.006)  # 20 rows in 0.12 s or more: the next chunk is smaller
    assert slow[0] == 20 and 5 <= slow[1] < 20
    assert store.transactions == [reader.snapshot_timeout_s] * 2
