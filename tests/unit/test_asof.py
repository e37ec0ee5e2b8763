"""The one "as of" rule (graph/asof.py): its Python form on the edge cases, and its SPARQL
form agreeing with the Python form for every qualified relation of the seeds on many days
(no server; the Cypher form is checked against the store in
tests/integration/test_asof_channels.py)."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from graph import asof, queries

D = dt.date


@pytest.mark.parametrize(
    ("day", "start", "end", "precision", "holds"),
    [
        (D(2019, 6, 1), D(2013, 1, 11), D(2022, 8, 15), "day", True),
        (D(2013, 1, 11), D(2013, 1, 11), None, None, True),  # the first day counts
        (D(2013, 1, 10), D(2013, 1, 11), None, None, False),
        (D(2022, 8, 15), D(2013, 1, 11), D(2022, 8, 15), "day", True),  # the last day counts
        (D(2022, 8, 16), D(2013, 1, 11), D(2022, 8, 15), "day", False),
        (D(2019, 6, 1), None, None, None, False),  # unknown start: never at a date
        (D(2019, 6, 1), None, D(2022, 8, 15), "day", False),
        (D(2030, 1, 1), D(2021, 12, 1), None, None, True),  # no end: still holds
        (D(2000, 12, 31), D(1975, 5, 28), D(2000, 12, 1), "month", True),  # "December 2000"
        (D(2001, 1, 1), D(1975, 5, 28), D(2000, 12, 1), "month", False),
        (D(2017, 12, 31), D(2016, 1, 1), D(2017, 1, 1), "year", True),  # "2017"
        (D(2018, 1, 1), D(2016, 1, 1), D(2017, 1, 1), "year", False),
        (D(2000, 2, 29), D(1990, 1, 1), D(2000, 2, 1), "month", True),  # leap year
    ],
)
def test_holds_on(
    day: dt.date, start: dt.date | None, end: dt.date | None, precision: str | None, holds: bool
) -> None:
    assert asof.holds_on(day, start, end, precision) is holds


def test_params_are_the_first_days_of_the_month_and_year() -> None:
    assert asof.params(D(2024, 10, 17)) == {
        "at": D(2024, 10, 17),
        "atMonth": D(2024, 10, 1),
        "atYear": D(2024, 1, 1),
    }
    assert asof.params(None) == {"at": None, "atMonth": None, "atYear": None}


def test_the_cypher_fragment_is_the_one_the_reads_use() -> None:
    fragment = queries.VALID_AT.format(r="r")
    for statement in (
        queries.API_ACTOR_RELATIONS,
        queries.API_CENTER_NEIGHBOURS,
        queries.API_NEIGHBOUR_REFS,
        queries.API_PATH_STEPS,
    ):
        assert fragment in statement
    assert queries.VALID_ON.format(r="r") in queries.relations_at_example("PARTNER_OF")


def test_console_text_has_no_parameter_left() -> None:
    text = asof.cypher_relations_at_text(
        "PARTNER_OF", "https://w3id.org/sahel-kg/id/mali", D(2019, 6, 1)
    )
    assert "$" not in text
    assert "date('2019-06-01')" in text and "date('2019-01-01')" in text


DAYS = [D(y, m, d) for y in (2000, 2012, 2015, 2017, 2019, 2021, 2022, 2024, 2025)
        for m, d in ((1, 1), (6, 1), (12, 1), (12, 31))]  # fmt: skip


def test_sparql_filter_agrees_with_the_python_rule_on_every_seed_relation(rdf: ox.Store) -> None:
    listing = """PREFIX sahel: <https://w3id.org/sahel-kg/ontology#>
SELECT ?r ?from ?to ?toPrecision WHERE { ?r a sahel:QualifiedRelation .
  OPTIONAL { ?r sahel:validFrom ?from } OPTIONAL { ?r sahel:validTo ?to }
  OPTIONAL { ?r sahel:validToPrecision ?toPrecision } }"""
    rels = {}
    for row in rdf.query(listing):
        iri, start, end, prec = (t.value if t is not None else None for t in row)
        rels[iri] = (
            D.fromisoformat(start) if start else None,
            D.fromisoformat(end) if end else None,
            prec,
        )
    assert len(rels) > 100
    assert any(p in ("month", "year") for _, _, p in rels.values())
    for day in DAYS:
        query = f"""PREFIX sahel: <https://w3id.org/sahel-kg/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?r WHERE {{ ?r a sahel:QualifiedRelation ; sahel:validFrom ?from .
  OPTIONAL {{ ?r sahel:validTo ?to }} OPTIONAL {{ ?r sahel:validToPrecision ?toPrecision }}
  {asof.sparql_filter(day)} }}"""
        got = {row[0].value for row in rdf.query(query)}
        want = {iri for iri, (s, e, p) in rels.items() if asof.holds_on(day, s, e, p)}
        assert got == want, day


def test_mali_partners_in_sparql(rdf: ox.Store) -> None:
    mali, partner = (
        "https://w3id.org/sahel-kg/id/mali",
        "https://w3id.org/sahel-kg/ontology#partnerOf",
    )
    for day, want in ((D(2019, 6, 1), {"france"}), (D(2024, 10, 1), {"russia", "turkiye"})):
        rows = rdf.query(asof.sparql_relations_at(mali, partner, day))
        assert {row[0].value.rsplit("/", 1)[1] for row in rows} == want
