"""How the service's reads hide a load in progress (graph/queries_stage.py): the text
rules that every read of resources keeps, checked over every statement graph.queries has."""

from __future__ import annotations

import re

import pytest

from graph import queries
from graph.queries_stage import HIDDEN, visible

_WRITES = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE)\b")
# Reads of resources that must see staged nodes: the loader's own look-ups (it keeps or
# deletes what killed loads staged), the SPARQL view's delta, read by the committed load's
# id after its switch, the relationships of hidden nodes, which Store.counts subtracts, and
# the counts of a stage's nodes and of what a replace deletes for the loader's progress bars.
SEES_STAGED = {
    "ANY_RESOURCE",
    "COUNT_HIDDEN_RELATIONSHIPS",
    "COUNT_LOADS_NODES",
    "COUNT_ONLY_RELATIONSHIPS",
    "COUNT_STAGED",
    "FETCH_NODES",
    "FETCH_STAGED_IDS",
    "SPARQL_VIEW_CHANGED_NODES",
    "SPARQL_VIEW_CHANGED_RELS",
    "SPARQL_VIEW_SHARED_RELS",
    "SPARQL_VIEW_SUBJECTS",
    "SOME_LOADS_NODES",
}


def _statements() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in vars(queries).items():
        if name.startswith("_"):
            continue
        if isinstance(value, str) and name.isupper():
            found[name] = value
        elif isinstance(value, queries.Scan):
            found[f"{name}.whole"], found[f"{name}.chunk"] = value.whole, value.chunk
    return found


def test_shown_is_written_out_after_the_hidden_ids() -> None:
    text = visible("\nMATCH (n:Resource) WHERE shown(n) AND shown(m2)\nRETURN n")
    assert text.startswith(HIDDEN)
    for n in ("n", "m2"):
        shown = (
            f"(NOT coalesce({n}.stagedBy, '') IN hidden AND (only IS NULL OR {n}.loadId = only))"
        )
        assert shown in text
    assert "shown(" not in text


def test_a_whole_graph_read_takes_the_ids_to_hide_as_a_parameter() -> None:
    text = visible("MATCH (n:Resource) WHERE shown(n) RETURN count(n)", given=True)
    shown = "(NOT coalesce(n.stagedBy, '') IN $hidden AND ($only IS NULL OR n.loadId = $only))"
    assert text == f"MATCH (n:Resource) WHERE {shown} RETURN count(n)"
    for scan in (queries.EXPORT_NODES, queries.API_EXPORT_NODES):
        assert "IN $hidden" in scan.whole and "IN $hidden" in scan.chunk
        assert "= $only" in scan.whole and "= $only" in scan.chunk


def test_a_read_that_shows_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match=r"shown\(n\)"):
        visible("MATCH (n:Resource) RETURN n")


@pytest.mark.parametrize(("name", "text"), sorted(_statements().items()))
def test_every_read_of_resources_hides_what_loads_stage(name: str, text: str) -> None:
    if "Resource" not in text and not re.search(r"\((\w+):(Actor|Event|Place|Claim)\b", text):
        return  # reads no resource (load records, markers, schema)
    if _WRITES.search(text.replace("stage.published", "")) or name in SEES_STAGED:
        assert not text.startswith(HIDDEN), name
        return
    assert "shown(" not in text
    if "$hidden" in text:  # given by the transaction (Store.hidden): a whole-graph read
        assert " hidden" not in text.replace("IN $hidden", ""), name
        assert " only" not in text.replace("$only", ""), name
        return
    assert text.startswith(HIDDEN), f"{name} reads resources without hiding staged ones"
    # every WITH after the hidden ids carries them (a later test would not see `hidden`)
    later = text[len(HIDDEN) :]
    for clause in re.findall(r"^WITH (.*)$", later, re.M):
        if "hidden" in later.split(clause, 1)[1] and "RETURN collect(" not in clause:
            assert clause.startswith("hidden, only,"), (name, clause)
