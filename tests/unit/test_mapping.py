"""The pure RDF <-> property-graph mapping, without a server."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph.errors import MappingError
from graph.mapping import (
    decode_key,
    encode_key,
    encode_literal,
    merge_props,
    normalise_text,
    to_property_graph,
    to_rdf,
)
from graph.ontology import Ontology
from graph.rdf import parse_files
from graph.vocab import KG, SAHEL
from tests.conftest import ONTOLOGY, SEEDS


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    if isomorphic(expected, actual):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {t}" for t in sorted(only_expected)[:20]] + [
        f"+ {t}" for t in sorted(only_actual)[:20]
    ]
    pytest.fail("graphs differ:\n" + "\n".join(lines))


def test_tricky_fixture_round_trips(tricky: Graph, ontology: Ontology) -> None:
    pg = to_property_graph(tricky, ontology.registry)
    assert_isomorphic(tricky, to_rdf(pg, ontology.registry))


def test_ontology_round_trips(ontology: Ontology) -> None:
    g = parse_files([ONTOLOGY]).graph
    assert_isomorphic(g, to_rdf(to_property_graph(g, ontology.registry), ontology.registry))


def test_labels_are_the_class_and_its_superclasses(tricky: Graph, ontology: Ontology) -> None:
    pg = to_property_graph(tricky, ontology.registry)
    group = pg.nodes[str(KG["t-group"])]
    assert group.labels == {"Resource", "JihadistGroup", "ArmedGroup", "Organization", "Actor"}
    assert group.props["rdfTypes"] == [str(SAHEL.JihadistGroup)]
    attack = pg.nodes[str(KG["t-attack"])]
    assert {"Battle", "ExplosionRemoteViolence", "Attack", "Event"} <= attack.labels


def test_literals_keep_language_and_datatype(tricky: Graph, ontology: Ontology) -> None:
    pg = to_property_graph(tricky, ontology.registry)
    b = pg.nodes[str(KG["t-source-b"])].props
    assert b["label@en"] == "Source B"
    assert b["label@fr"] == "Source B"
    assert b["label@en-gb"] == "Source B (UK)"  # tags are case-insensitive
    assert b["published"] == dt.date(2024, 9, 19)
    assert b["skosNote"] == ["forty-two"]  # the first native type keeps the plain key
    assert b["skosNote^^xsd:decimal"] == ["12.50"]
    assert b["skosNote^^xsd:dateTime"] == ["2024-09-19T10:15:00+02:00"]
    assert b["skosNote^^xsd:gYear"] == ["2024"]
    assert sorted(b["skosNote^^xsd:integer"]) == ["007", "42", "99999999999999999999"]
    assert b["skosNote^^xsd:boolean"] == ["true"]
    assert b["skosNote^^xsd:double"] == ["1.5", "2.5E0"]


def test_multi_valued_properties_are_lists(tricky: Graph, ontology: Ontology) -> None:
    props = to_property_graph(tricky, ontology.registry).nodes[str(KG["t-group"])].props
    assert props["altLabel"] == ["T.G.", "TG"]
    assert props["altLabel@fr"] == ["Groupe d'essai"]
    assert props["foundedDate"] == dt.date(2017, 3, 2)  # functional: a scalar


def test_qualified_relation_collapses_into_one_relationship(
    tricky: Graph, ontology: Ontology
) -> None:
    pg = to_property_graph(tricky, ontology.registry)
    hostile = [r for r in pg.rels if r.type == "HOSTILE_TO"]
    assert len(hostile) == 2
    named = next(r for r in hostile if r.props["iri"] == str(KG["t-rel"]))
    assert (named.start, named.end) == (str(KG["t-group"]), str(KG["t-state"]))
    assert named.props["validFrom"] == dt.date(2017, 3, 2)
    assert named.props["validTo"] == dt.date(2024, 1, 31)
    assert named.props["validToPrecision"] == "month"
    assert named.props["sources"] == [str(KG["t-source-a"]), str(KG["t-source-b"])]
    blank = next(r for r in hostile if r is not named)
    assert str(blank.props["iri"]).startswith("_:")
    assert str(KG["t-rel"]) not in pg.nodes  # no node left behind


def test_contested_claims_stay_two_nodes(tricky: Graph, ontology: Ontology) -> None:
    pg = to_property_graph(tricky, ontology.registry)
    claims = [n for n in pg.nodes.values() if "Claim" in n.labels]
    values = sorted(str(n.props.get("value", n.props.get("value@en"))) for n in claims)
    assert values == ["77", "81", "hundreds"]
    about = [r for r in pg.rels if r.type == "ABOUT" and r.end == str(KG["t-attack"])]
    assert len(about) == 3


def test_counts_follow_from_the_rdf(tricky: Graph, ontology: Ontology) -> None:
    pg = to_property_graph(tricky, ontology.registry)
    resources = {t for s, _, o in tricky for t in (s, o) if isinstance(t, URIRef | BNode)}
    resources -= set(tricky.objects(None, RDF.type))  # classes are labels, not nodes
    qualified = set(tricky.subjects(RDF.type, SAHEL.QualifiedRelation))
    assert len(pg.nodes) == len(resources - qualified)
    links = [
        (s, p, o)
        for s, p, o in tricky
        if p != RDF.type and not isinstance(o, Literal) and s not in qualified
    ]
    assert len(pg.rels) == len(links) + len(qualified)


def test_a_qualified_relation_that_is_pointed_at_stays_a_node(ontology: Ontology) -> None:
    g = Graph()
    q = KG["q"]
    g.add((q, RDF.type, SAHEL.QualifiedRelation))
    g.add((q, SAHEL.subject, KG["a"]))
    g.add((q, SAHEL.predicate, SAHEL.alliedWith))
    g.add((q, SAHEL.object, KG["b"]))
    g.add((KG["c"], SAHEL.about, q))
    pg = to_property_graph(g, ontology.registry)
    assert str(q) in pg.nodes
    assert_isomorphic(g, to_rdf(pg, ontology.registry))


def test_unknown_terms_are_refused(ontology: Ontology) -> None:
    g = Graph()
    g.add((KG["x"], RDF.type, SAHEL.Actor))
    g.add((KG["x"], URIRef("http://example.org/made-up"), Literal("y")))
    with pytest.raises(MappingError, match=r"unknown property http://example\.org/made-up"):
        to_property_graph(g, ontology.registry)
    g2 = Graph()
    g2.add((KG["x"], RDF.type, URIRef("http://example.org/Nope")))
    with pytest.raises(MappingError, match="unknown class"):
        to_property_graph(g2, ontology.registry)


@pytest.mark.parametrize(
    ("lit", "expected"),
    [
        (Literal("x"), (None, None, "x")),
        (Literal("x", lang="fr"), ("fr", None, "x")),
        (Literal(5), (None, None, 5)),
        (Literal("05", datatype=XSD.integer, normalize=False), (None, str(XSD.integer), "05")),
        (Literal(True), (None, None, True)),
        (Literal("1", datatype=XSD.boolean, normalize=False), (None, str(XSD.boolean), "1")),
        (Literal("2024-09-17", datatype=XSD.date), (None, None, dt.date(2024, 9, 17))),
        (Literal("2024-02-31", datatype=XSD.date), (None, str(XSD.date), "2024-02-31")),
        (Literal("2.5", datatype=XSD.decimal), (None, str(XSD.decimal), "2.5")),
    ],
)
def test_literal_encoding(lit: Literal, expected: tuple[object, object, object]) -> None:
    assert encode_literal(lit) == expected


def test_keys_encode_and_decode() -> None:
    for base, lang, datatype in [
        ("label", "en", None),
        ("label", "ar-latn", None),
        ("label", "en-gb", None),
        ("value", None, str(XSD.decimal)),
        ("asWKT", None, "http://www.opengis.net/ont/geosparql#wktLiteral"),
        ("x", None, "http://example.org/dt#odd"),
        ("date", None, None),
    ]:
        assert decode_key(encode_key(base, lang, datatype)) == (base, lang, datatype)
    assert encode_key("value", None, str(XSD.decimal)) == "value^^xsd:decimal"


def test_merge_is_a_union_that_never_overwrites(ontology: Ontology) -> None:
    old = {"iri": "k", "altLabel": ["A"], "label@en": "Name", "loadId": "old"}
    new = {"altLabel": ["B"], "label@en": "Other name", "foundedDate": dt.date(2020, 1, 1)}
    merged = merge_props(old, new, "k", ontology.registry)
    assert merged["altLabel"] == ["A", "B"]
    assert merged["label@en"] == ["Name", "Other name"]  # two values: a list, both kept
    assert merged["foundedDate"] == dt.date(2020, 1, 1)
    assert "loadId" not in merged
    assert merge_props(merged, {}, "k", ontology.registry) == merged


def test_search_text_ignores_case_accents_and_punctuation() -> None:
    assert normalise_text("Jama'at Nuṣrat al-Islām") == "jama at nusrat al islam"
    assert normalise_text("GROUPE DE SOUTIEN À L'ISLAM") == "groupe de soutien a l islam"
    assert normalise_text("  JNIM -- (G.S.I.M.) ") == "jnim g s i m"  # the ASCII fast path


def test_derived_name_prefers_english(tricky: Graph, ontology: Ontology) -> None:
    pg = to_property_graph(tricky, ontology.registry)
    group = pg.nodes[str(KG["t-group"])].props
    assert group["name"] == "Test group"
    assert "groupe d essai" in str(group["search"])
    assert "tg" in str(group["search"]).split(" | ")


def test_interned_terms_are_handed_out_and_change_nothing(ontology: Ontology) -> None:
    from graph.mapping import RDF_TYPE, interned_terms, to_property_graph

    paths = [ONTOLOGY, SEEDS]  # no blank nodes: pyoxigraph names those afresh on each parse
    terms = interned_terms(ontology.registry)
    interned = parse_files(paths, terms).triples
    plain = parse_files(paths).triples
    assert any(p is RDF_TYPE for _, p, _ in interned)  # the very object, not an equal one
    assert not any(p is RDF_TYPE for _, p, _ in plain)
    assert set(interned) == set(plain)
    a, b = (
        to_property_graph(interned, ontology.registry),
        to_property_graph(plain, ontology.registry),
    )
    assert a.nodes == b.nodes and sorted(r.key for r in a.rels) == sorted(r.key for r in b.rels)
