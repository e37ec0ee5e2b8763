"""SHACL by groups of subjects (graph/shacl.py) reports exactly what pyShacl reports on the
whole graph, with the same messages; nodes the input only names are typed from the store."""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, SH, Graph, Literal, URIRef
from rdflib.term import Node

from graph import shacl
from graph.errors import InputError, SahelKGError, ShapeViolation
from graph.load import Ontology
from graph.rdf import check, parse_files

Report = set[tuple[Node | None, Node | None, str, Node | None]]


def whole_graph_report(data: Graph, ontology: Ontology) -> Report:
    assert ontology.shapes is not None
    _, report, _ = pyshacl.validate(
        data + ontology.graph, shacl_graph=ontology.shapes, allow_warnings=True
    )
    return {
        (
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            str(report.value(r, SH.resultMessage)),
            report.value(r, SH.value),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }


def mutations(seed: int, triples: list[tuple[Node, Node, Node]]) -> Iterator[Graph]:
    """The seeds with triples dropped (minCount, sh:or), objects swapped between triples
    (sh:class, datatype, nodeKind, sh:in) and values added (maxCount, uniqueLang)."""
    rng = random.Random(seed)
    objects = [o for _, _, o in triples]
    for _ in range(1):  # one round: pyShacl on the whole seeds takes tens of seconds
        graph = Graph()
        for s, p, o in triples:
            x = rng.random()
            if x < 0.03:
                continue
            graph.add((s, p, rng.choice(objects) if x < 0.05 else o))
            if x > 0.98:
                graph.add((s, p, rng.choice(objects)))
        yield graph


def test_groups_of_subjects_report_what_the_whole_graph_reports(
    ontology: Ontology,
    seed_triples: list[tuple[Node, Node, Node]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert ontology.shapes is not None
    shapes = shacl.Shapes.of(ontology.shapes, ontology.graph)
    monkeypatch.setattr(shacl, "CHUNK_TRIPLES", 150)  # many groups out of the seeds
    for graph in mutations(7, seed_triples):
        expected = whole_graph_report(graph, ontology)
        assert len(expected) > 50  # the mutations do break shapes, of many kinds
        # in this process, and in worker processes side by side (graph/shacl_engine.py)
        for workers in (1, 3):
            found = shacl.validate(list(graph), shapes, workers=workers)
            assert {(r.focus, r.path, r.message, r.value) for r in found} == expected


def test_a_group_the_engine_cannot_read_is_an_error_not_a_verdict(
    ontology: Ontology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that fails (here: rudof refuses a group's N-Triples) stops the validation
    with what it said; it is never taken for "conforms" nor for "has violations"."""
    assert ontology.shapes is not None
    shapes = shacl.Shapes.of(ontology.shapes, ontology.graph)
    groups = [({"https://x/a"}, shapes.ontology_nt), ({"https://x/b"}, "<broken .\n")]
    with pytest.raises(SahelKGError, match="the SHACL engine \\(rudof\\) failed"):
        list(shacl._verdicts(groups, shapes, workers=2))
    assert not list(Path(tempfile.gettempdir()).glob(f"sahelkg-shacl-{os.getpid()}-*"))


PARTIAL = """
@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .
@prefix kg: <https://w3id.org/sahel-kg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:event-partial a sahel:Battle ;
    rdfs:label "An event naming stored nodes only"@en ;
    sahel:date "2024-09-18"^^xsd:date ;
    sahel:location kg:bamako ;
    sahel:perpetrator kg:jnim ;
    sahel:source kg:src-stored .
"""
KG = "https://w3id.org/sahel-kg/id/"
S = "https://w3id.org/sahel-kg/ontology#"


def test_nodes_only_named_are_typed_from_the_context(tmp_path: Path, ontology: Ontology) -> None:
    path = tmp_path / "partial.ttl"
    path.write_text(PARTIAL)
    assert ontology.shapes is not None
    with pytest.raises(ShapeViolation) as caught:
        check(parse_files([path]), ontology.registry, ontology.shapes, ontology.graph)
    text = "\n".join(caught.value.results)
    assert "partial.ttl:6:" in text
    for path_shown in ("sahel:location", "sahel:perpetrator", "sahel:source"):
        assert path_shown in text
    assert "(value <https://w3id.org/sahel-kg/id/jnim>)" in text

    stored = [
        (URIRef(KG + "bamako"), RDF.type, URIRef(S + "Place")),
        (URIRef(KG + "jnim"), RDF.type, URIRef(S + "JihadistGroup")),
        (URIRef(KG + "src-stored"), RDF.type, URIRef(S + "Source")),
    ]
    check(parse_files([path]), ontology.registry, ontology.shapes, ontology.graph, stored)
    # A stored node of the wrong class is still refused.
    wrong = [*stored[:2], (URIRef(KG + "src-stored"), RDF.type, URIRef(S + "Place"))]
    with pytest.raises(ShapeViolation, match="sahel:source must point to a sahel:Source"):
        check(parse_files([path]), ontology.registry, ontology.shapes, ontology.graph, wrong)


def test_untyped_references_are_what_the_input_names_without_a_type() -> None:
    a, b, c = (URIRef(KG + n) for n in "abc")
    triples = [
        (a, RDF.type, URIRef(S + "Militia")),
        (a, URIRef(S + "alliedWith"), b),
        (c, URIRef(S + "alliedWith"), a),
        (a, URIRef(S + "name"), Literal("x")),
    ]
    assert shacl.untyped_references(triples) == {KG + "b", KG + "c"}


def test_shapes_the_grouping_cannot_check_are_refused(ontology: Ontology) -> None:
    shapes = Graph()
    shapes.parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;
            sh:property [ sh:path <urn:p> ; sh:node <urn:t> ] .""",
        format="turtle",
    )
    with pytest.raises(InputError, match=r"shacl#node"):
        shacl.Shapes.read(shapes, ontology.graph)
