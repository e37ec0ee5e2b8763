"""The API's reads get their rows in one record (graph/queries_table.py): on a real server the
rows, their order and their values (dates inside maps included) are those of the plain
statement, and the row cap still holds."""

from __future__ import annotations

import json

import neo4j
import pytest

from graph import asof, queries
from graph.errors import QueryError
from graph.ontology import Ontology
from graph.queries_table import table
from graph.read import Reader
from graph.vocab import SAHEL

PLAIN = """MATCH (a:Actor)-[r]-(b:Resource)
WHERE a.stagedBy IS NULL AND b.stagedBy IS NULL AND type(r) IN $types
RETURN a.iri AS iri, type(r) AS type, endNode(r).iri AS end, b.iri AS other,
       labels(b) AS labels, r.validFrom AS validFrom, properties(r) AS props
ORDER BY other DESC, iri, type, end
"""


def _text(row: dict[str, object]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


def test_a_table_reads_the_rows_of_the_plain_statement_in_its_order(
    seeded_reader: Reader, ontology: Ontology
) -> None:
    types = sorted(ontology.registry.relationship_types(SAHEL.actorRelation))
    plain = seeded_reader.rows(PLAIN, types=types)
    collected = seeded_reader.rows(table(PLAIN), types=types)
    assert len(plain) > 100  # the seeds' actor relations, both ends of each
    # The order asked for is kept (two relations of one type between one pair tie on it)...
    order = [(r["other"], r["iri"], r["type"], r["end"]) for r in plain]
    assert [(r["other"], r["iri"], r["type"], r["end"]) for r in collected] == order
    assert order[0] > order[-1]
    # ...and the rows are the same, value for value.
    assert sorted(collected, key=_text) == sorted(plain, key=_text)
    assert any(isinstance(r["validFrom"], neo4j.time.Date) for r in collected)  # in a map
    assert len(seeded_reader.rows(table(PLAIN), types=types, limit=7)) == 7


def test_a_table_over_the_row_cap_is_refused(seeded_reader: Reader, ontology: Ontology) -> None:
    types = sorted(ontology.registry.relationship_types(SAHEL.actorRelation))
    seeded_reader.max_statement_rows = 50
    with pytest.raises(QueryError, match="more than 50 rows"):
        seeded_reader.rows(table(PLAIN), types=types)


def test_the_apis_relations_statement_answers_in_one_record(seeded_reader: Reader) -> None:
    """What graph.read sends, as it sends it: a record, then the rows sorted as asked."""
    keys, records, _ = seeded_reader.run(
        queries.API_ACTOR_RELATIONS,
        {
            "iri": "https://w3id.org/sahel-kg/id/jnim",
            "types": ["PARTNER_OF", "MEMBER_OF", "LED_BY", "FIGHTS"],
            "limit": 1000,
            **asof.params(None),
        },
    )
    assert keys == ["rows"] and len(records) == 1
    rows = records[0][0]
    assert rows and [(r["type"], r["other"]) for r in rows] == sorted(
        (r["type"], r["other"]) for r in rows
    )


def _dates_in(value: object) -> list[object]:
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates_in(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates_in(v)]
    return [value] if isinstance(value, neo4j.time.Date) else []


def test_the_apis_relation_statements_give_validity_dates_as_iso_text(
    seeded_reader: Reader, ontology: Ontology
) -> None:
    """The driver hydrates each stored date in Python (queries._REL_PROPS): the API's
    relation reads ask the server for the text, which must be the stored date's ISO form."""
    types = sorted(ontology.registry.relationship_types(SAHEL.actorRelation))
    iri = "https://w3id.org/sahel-kg/id/jnim"
    stored = {
        (r["type"], r["other"], r["props"].get("iri")): r["props"]
        for r in seeded_reader.rows(PLAIN, types=types)
        if r["iri"] == iri
    }
    dated = [p for p in stored.values() if p.get("validFrom") is not None]
    assert dated  # the seeds date some of jnim's relations
    for statement, params in (
        (queries.API_ACTOR_RELATIONS, {"iri": iri, "types": types, **asof.params(None)}),
        (queries.API_CENTER_NEIGHBOURS, {"iri": iri, "types": types, **asof.params(None)}),
        (queries.API_TIMELINE_RELATIONS, {"iri": iri, "types": types}),
    ):
        rows = [r for r in seeded_reader.rows(statement, **params) if r["type"] is not None]
        assert rows and not _dates_in([r["props"] for r in rows])  # nodes' dates stay dates
        for r in rows:
            props = stored[(r["type"], r["other"], r["props"].get("iri"))]
            for key in ("validFrom", "validTo"):
                want = props.get(key)
                assert r["props"].get(key) == (want.iso_format() if want else None), key
    steps = seeded_reader.rows(
        queries.API_PATH_STEPS, frontier=[iri], types=types, **asof.params(None), limit=1000
    )
    assert steps and not _dates_in(steps)
    assert {s["validFrom"] for s in steps} >= {p["validFrom"].iso_format() for p in dated}
