import pytest
import rdflib

from graph.vocab import SAHEL, SAHEL_NS
from tests.conftest import ONTOLOGY


def test_vocab_lists_exactly_the_ontology_terms() -> None:
    g = rdflib.Graph().parse(ONTOLOGY)
    declared = {str(s)[len(SAHEL_NS) :] for s in g.subjects() if str(s).startswith(SAHEL_NS)}
    listed = set(SAHEL.__annotations__)
    assert listed == declared


def test_a_typo_fails_at_once() -> None:
    with pytest.raises(AttributeError):
        _ = SAHEL.JihadistGorup
    assert str(SAHEL.JihadistGroup) == SAHEL_NS + "JihadistGroup"


def test_every_term_has_english_and_french_labels_and_a_comment() -> None:
    g = rdflib.Graph().parse(ONTOLOGY)
    for name in SAHEL.__annotations__:
        term = rdflib.URIRef(SAHEL_NS + name)
        langs = {lbl.language for lbl in g.objects(term, rdflib.RDFS.label)}
        assert {"en", "fr"} <= langs, name
        assert g.value(term, rdflib.RDFS.comment) is not None, name
