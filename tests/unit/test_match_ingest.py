"""The ACLED/UCDP actor linking goes through the one matcher (ingest/tabular.py
Actors.link -> graph.match.Index): spellings the alias table does not hold link when one
actor clearly stands out; ambiguous and unknown names stay unlinked and are counted."""

from __future__ import annotations

import pytest

from graph.ontology import Ontology
from graph.vocab import KG_NS
from ingest.pipeline import Context
from ingest.tabular import Actors
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("JNIM: Group for Support of Islam and Muslims", "jnim"),  # the curated ACLED name
        ("Islamic State (Sahel)", "is-sahel"),  # not "Islamic State": the qualifier counts
        ("Military Forces of Mali (2021-)", "fama"),
        ("Jama'at Nusrat al-Islam wal-Muslimeen", "jnim"),  # a spelling no table holds
        ("Wagner Group (Russia)", "wagner-group"),
    ],
)
def test_names_link_through_the_matcher(actors: Actors, name: str, slug: str) -> None:
    assert actors.link(name) == KG_NS + slug


def test_unknown_and_ambiguous_names_are_kept_for_review(actors: Actors) -> None:
    for name in ("Unidentified Armed Group (Mali)", "CNSP", "Civilians (Burkina Faso)"):
        assert actors.link(name) is None
    assert actors.link("CNSP") is None  # the cached answer, counted again
    unmatched = actors.result.unmatched
    assert unmatched["CNSP"] == 2 and unmatched["Unidentified Armed Group (Mali)"] == 1


def test_new_entities_get_merge_suggestions_from_the_matcher(ontology: Ontology) -> None:
    """A candidate that is a known node under another spelling is offered for merging; a
    truly new one is offered nothing."""
    from ingest.candidates import Candidate, merge_suggestions

    aliases = Context.read(ontology, SEEDS).aliases
    found = [
        Candidate("Organization", "Jamaat Nosrat al Islam wal Mouslimine", "fr"),
        Candidate("City", "Tombouctouu", "fr"),
        Candidate("Person", "Zzyzx Qwerty", "en"),
    ]
    near = merge_suggestions(aliases, found)
    assert near[found[0].key][0][0] == KG_NS + "jnim"
    assert near[found[1].key] and near[found[1].key][0][0] == KG_NS + "timbuktu"
    assert near[found[2].key] == []
