"""The competency questions' SPARQL, over the ontology and the seeds (no server): each gives
exactly the expected answers. The README section is the rendering of tests/competency.py."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from tests.competency import END, QUESTIONS, START, answers, render
from tests.conftest import ROOT


def test_enough_questions() -> None:
    assert len(QUESTIONS) >= 12
    ids = [q["id"] for q in QUESTIONS]
    assert len(ids) == len(set(ids))
    for q in QUESTIONS:
        assert q["expected"], q["id"]
        assert {"question", "sparql", "cypher", "rest"} <= set(q), q["id"]


@pytest.mark.parametrize("q", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_sparql_over_the_seeds(rdf: ox.Store, q: dict) -> None:
    result = rdf.query(q["sparql"])
    got = answers([[term.value if term is not None else None for term in row] for row in result])
    assert got == q["expected"], f"{q['id']}: {q['question']}"


def test_readme_section_is_current() -> None:
    text = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    assert START in text and END in text, "run: python -m tests.competency"
    section = START + text.split(START, 1)[1].split(END, 1)[0] + END
    assert section == render(), "ontology/README.md is stale: run python -m tests.competency"
