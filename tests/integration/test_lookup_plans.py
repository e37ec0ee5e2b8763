"""The loader's look-ups of stored relationships by both ends' iris start at the subject
on both servers (queries_lookups.FROM_START): planned from the object, Neo4j expanded every
relationship into a hub (a kind every claim points to) for each row of a batch."""

from __future__ import annotations

from typing import Any

import pytest

from graph import queries
from graph.load import clear
from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import SEEDS
from tests.integration.conftest import load_paths

pytestmark = pytest.mark.integration

LOOKUPS = {
    "existing plain": queries.existing_plain_relationships("CLAIM_KIND"),
    "qualified": queries.fetch_qualified("ALLIED_WITH"),
    "view's shared": queries.SPARQL_VIEW_SHARED_RELS,
}


def steps(plan: Any) -> list[str]:
    """A plan's operators, each with its details, from the first run to the last."""
    args = plan["args"]
    own = [f"{plan['operatorType']} {args.get('Details', args.get('string-representation', ''))}"]
    return [step for child in plan.get("children", []) for step in steps(child)] + own


@pytest.mark.parametrize("name", list(LOOKUPS))
def test_a_lookup_by_both_ends_starts_at_the_subject(
    store: Store, ontology: Ontology, name: str
) -> None:
    clear(store)
    # without the hint Neo4j seeks the object here too (its statistics also keep what
    # earlier tests in the database held: CI's plan differed from a lone run's)
    load_paths(store, ontology, *sorted(SEEDS.glob("*.ttl")), validate=False)
    rows = [{"start": "kg:a", "end": "kg:b", "iri": "kg:r"}]
    plan = store.driver.execute_query(
        "EXPLAIN " + LOOKUPS[name], {"rows": rows}, database_=store.database
    ).summary.plan
    ran = steps(plan)
    if store.capabilities.backend == "arcadedb-embedded":  # one text: its steps in order
        text = ran[-1]
        assert text.index("MATCH NODE (a:Resource)") < text.index("MATCH RELATIONSHIP (a)"), text
        assert "MATCH NODE (b" not in text, text
        return
    # the subject seeked; then its relationships expanded, or those between both ends
    # (Expand(Into), when the object is seeked too: Neo4j checks the end of fewer), never
    # all the object's
    assert any(s.startswith("NodeIndexSeek") and "a:Resource(iri)" in s for s in ran), ran
    expands = [step for step in ran if step.startswith("Expand(")]
    assert expands and all("(b)<-[" not in step for step in expands), ran
    assert all(s.startswith("Expand(Into)") or "(a)-[" in s for s in expands), ran
