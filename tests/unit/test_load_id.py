"""A load id is the sum of its triples' hashes taken one triple at a time (ContentId.add_key):
for an input read whole (content_id, which makes each term's text once) and for the rows of
a streamed input's index (ContentId.add_keys, which makes a subject's text once per run)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rdflib import XSD, BNode, Literal, URIRef

from graph.load_id import ContentId, content_id
from graph.rdf import parse_files
from graph.terms import triple_key

ROOT = Path(__file__).resolve().parents[2]

A, P, Q = URIRef("http://example.org/a"), URIRef("http://example.org/p"), URIRef("http://q")
# The same text as an IRI, a plain literal, a tagged one and a typed one; quotes and
# accents that repr() escapes or keeps; a blank node as subject and as object.
TRIPLES = [
    (A, P, URIRef("http://example.org/a")),
    (A, P, Literal("http://example.org/a")),
    (A, P, Literal("http://example.org/a", lang="fr")),
    (A, P, Literal("http://example.org/a", datatype=XSD.anyURI)),
    (A, Q, Literal('it\'s "quoted"\n')),
    (A, Q, Literal("Ségou, Mopti", lang="fr")),
    (A, Q, Literal("12", datatype=XSD.integer)),
    (BNode("b0"), P, A),
    (A, P, BNode("b0")),
]


def one_by_one(triples: Sequence[tuple[Any, Any, Any]]) -> str:
    total = ContentId()
    for triple in triples:
        total.add_key(triple_key(triple))
    return total.value()


def test_the_id_is_the_sum_of_each_triples_hash() -> None:
    assert content_id(TRIPLES) == one_by_one(TRIPLES)
    # each triple counts: leaving one out, or swapping an object's kind, changes the id
    assert content_id(TRIPLES[1:]) != content_id(TRIPLES)
    assert content_id([(A, P, Literal("x"))]) != content_id([(A, P, URIRef("x"))])


def test_order_does_not_matter_and_the_seeds_agree() -> None:
    assert content_id(list(reversed(TRIPLES))) == content_id(TRIPLES)
    triples = parse_files([ROOT / "seeds"]).triples
    assert content_id(triples) == one_by_one(triples)


def test_a_streamed_inputs_rows_give_the_same_id() -> None:
    # The index gives its rows grouped by subject; any order gives the same id.
    for keys in (sorted(map(triple_key, TRIPLES)), [triple_key(t) for t in TRIPLES]):
        total = ContentId()
        total.add_keys(keys)
        assert total.value() == one_by_one(TRIPLES)
