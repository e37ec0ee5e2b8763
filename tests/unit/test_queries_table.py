"""graph/queries_table.py: a statement rewritten to return its rows in one record, and
Reader.rows unpacking it (against the fake store, which answers such a statement as a server
does: one record, its rows cut at `$limit`)."""

from __future__ import annotations

import pytest

from graph import queries
from graph.errors import QueryError
from graph.queries_table import is_table, table
from graph.read import Reader
from tests.unit.conftest import FakeStore

PLAIN = """MATCH (a:Resource)-[r]-(b:Resource)
RETURN type(r) AS type, endNode(r).iri AS end, [x IN b.tags WHERE x <> 'a, b'] AS tags,
       {n: 1, m: [1, 2]} AS `map`, places
ORDER BY type, end
"""


def test_a_table_collects_the_named_columns_in_the_statements_order() -> None:
    got = table(PLAIN)
    assert got.startswith("MATCH (a:Resource)-[r]-(b:Resource)\nWITH type(r) AS type,")
    assert "\nORDER BY type, end\nLIMIT $limit\nRETURN collect({" in got
    assert got.endswith(
        "collect({`type`: `type`, `end`: `end`, `tags`: `tags`, `map`: `map`,"
        " `places`: `places`}) AS rows\n"
    )
    assert is_table(got) and not is_table(PLAIN)


def test_a_table_keeps_its_own_skip_and_limit() -> None:
    got = table("MATCH (n)\nRETURN DISTINCT n.iri AS iri\nSKIP $offset LIMIT $cap\n")
    assert "\nWITH DISTINCT n.iri AS iri\nSKIP $offset LIMIT $cap\nRETURN collect(" in got
    assert "$limit" not in got


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("MATCH (n) RETURN n.iri AS iri\n", "RETURN clause on a line"),
        ("MATCH (n)\nRETURN n.iri AS iri, n.name\n", "names every column"),
        ("MATCH (n)\nRETURN n.iri AS iri, n.name AS iri\n", "one name each"),
    ],
)
def test_a_statement_a_table_cannot_be_made_of_is_refused(statement: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        table(statement)


def test_every_table_statement_is_bounded() -> None:
    tables = [v for k, v in vars(queries).items() if k.isupper() and isinstance(v, str)]
    tables = [t for t in tables if is_table(t)]
    assert len(tables) >= 15  # the API's reads (graph/read)
    # a cap, or rows bounded by the batch the statement is given (the loader's)
    assert all("LIMIT " in t or t.lstrip().startswith("UNWIND $") for t in tables)
    assert table("UNWIND $rows AS r\nRETURN r.x AS x\n", capped=False).count("LIMIT") == 0


def test_rows_unpacks_a_table_and_fills_its_limit_with_the_cap(
    store: FakeStore, reader: Reader
) -> None:
    statement = table("MATCH (n)\nRETURN n.iri AS iri\n")
    store.answer(statement, [{"iri": f"n{i}"} for i in range(5)])
    reader.max_statement_rows = 10
    assert reader.rows(statement) == [{"iri": f"n{i}"} for i in range(5)]
    assert store.asked(statement)[-1]["limit"] == 11  # one more than the cap: a cut shows
    assert reader.rows(statement, limit=3) == [{"iri": f"n{i}"} for i in range(3)]
    reader.max_statement_rows = 4
    with pytest.raises(QueryError, match="more than 4 rows"):
        reader.rows(statement)


def test_rows_of_a_table_run_in_a_transaction() -> None:
    assert queries.rows_of([{"rows": [{"iri": "a"}, {"iri": "b"}]}]) == [{"iri": "a"}, {"iri": "b"}]
    assert queries.rows_of([]) == []  # no record at all: no rows
