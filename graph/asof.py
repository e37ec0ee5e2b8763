"""The one "as of" rule: what "a relation holds on day D" means, written once.

A qualified relation has `validFrom` (first day it holds) and `validTo` (last day it holds),
each stored as an xsd:date; when only the month or year is known the date is the first day
of that month or year and `validFromPrecision` / `validToPrecision` say "month" or "year".

A relation holds on day D when

1. it has a `validFrom` and that (first) day is on or before D: a relation whose start is
   unknown (no `validFrom`, e.g. an undated statement of a news report) is never counted
   at a date, since nothing says it held then;
2. and it has no `validTo` (it still holds), or the period `validTo` names ends on or after
   D: for a day precision that day itself, for a month precision the last day of that
   month, for a year precision 31 December.

So a stated interval is read at its own precision and includes its first and last
periods: a membership that ended "December 2000" still holds on 2000-12-20, and a
partnership that began "December 2021" already holds on 2021-12-01.

The same rule, as a Cypher fragment (graph.queries.VALID_AT), a SPARQL filter
(sparql_filter) and in Python (holds_on) for the tests. The Cypher and SPARQL forms need no
date arithmetic (which ArcadeDB's Cypher lacks): "the month of validTo ends on or after D"
is "validTo (the first of its month) >= the first of D's month"; likewise for the year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from graph import queries

PRECISIONS = ("day", "month", "year")
RULE = (
    "A relation holds on day D when it has a validFrom on or before D, and no validTo or a "
    "validTo whose period (that day, month or year, by validToPrecision) ends on or after D. "
    "A relation without validFrom (start unknown, or undated) is not counted at any date."
)


def period_end(day: dt.date, precision: str | None) -> dt.date:
    """The last day of the period a date stands for at its precision."""
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return day.replace(month=12, day=31)
    return day


def holds_on(
    day: dt.date,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    to_precision: str | None = None,
) -> bool:
    """The rule in Python: the reference the Cypher and SPARQL forms are tested against."""
    if valid_from is None or valid_from > day:
        return False
    return valid_to is None or period_end(valid_to, to_precision) >= day


def params(day: dt.date | None) -> dict[str, Any]:
    """The parameters graph.queries.VALID_AT reads: the day, the first of its month and of
    its year (all None when no day is asked: then every relation counts)."""
    if day is None:
        return {"at": None, "atMonth": None, "atYear": None}
    return {"at": day, "atMonth": day.replace(day=1), "atYear": day.replace(month=1, day=1)}


def _literal(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


def sparql_filter(
    day: dt.date, from_var: str = "?from", to_var: str = "?to", prec_var: str = "?toPrecision"
) -> str:
    """The rule as a SPARQL FILTER over bound variables (from_var must be bound: the pattern
    requires sahel:validFrom; to_var and prec_var come from OPTIONALs)."""
    d, m, y = _literal(day), _literal(day.replace(day=1)), _literal(day.replace(month=1, day=1))
    return (
        f"FILTER ({from_var} <= {d} && (!BOUND({to_var}) || {to_var} >= {d}\n"
        f'        || ({prec_var} = "month" && {to_var} >= {m})'
        f' || ({prec_var} = "year" && {to_var} >= {y})))'
    )


def sparql_relations_at(subject_iri: str, predicate_iri: str, day: dt.date) -> str:
    """SPARQL: the other ends of `subject`'s qualified relations of one predicate, in either
    direction (as REST's /actors/{id}/relations), that hold on `day`."""
    return f"""PREFIX sahel: <https://w3id.org/sahel-kg/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT DISTINCT ?other WHERE {{
  ?r sahel:predicate <{predicate_iri}> ; sahel:validFrom ?from .
  {{ ?r sahel:subject <{subject_iri}> ; sahel:object ?other }}
  UNION {{ ?r sahel:object <{subject_iri}> ; sahel:subject ?other }}
  OPTIONAL {{ ?r sahel:validTo ?to }} OPTIONAL {{ ?r sahel:validToPrecision ?toPrecision }}
  {sparql_filter(day)}
}} ORDER BY ?other"""


def cypher_relations_at(rel_type: str, day: dt.date) -> tuple[str, dict[str, Any]]:
    """Cypher and its parameters: the other ends of $iri's relations of one type (either
    direction) that hold on `day`; the same fragment the REST reads use."""
    return queries.relations_at_example(rel_type), {"iri": None, **params(day)}


def cypher_relations_at_text(rel_type: str, subject_iri: str, day: dt.date) -> str:
    """The same query with its values written in, for a console without parameters."""
    text = queries.relations_at_example(rel_type)
    values = {
        "$iri": f"'{subject_iri}'",
        "$atMonth": f"date('{day.replace(day=1).isoformat()}')",
        "$atYear": f"date('{day.replace(month=1, day=1).isoformat()}')",
        "$at": f"date('{day.isoformat()}')",
    }
    for name, value in values.items():  # $atMonth and $atYear before their prefix $at
        text = text.replace(name, value)
    return text
