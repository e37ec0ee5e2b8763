"""UCDP Georeferenced Event Dataset (GED) CSVs -> ontology events.

- type_of_violence 1 (state-based) and 2 (non-state) are fights between organised sides:
  sahel:Battle; 3 (one-sided) is sahel:ViolenceAgainstCivilians, side_a its perpetrator.
- kg:ucdp-ged-<id>: re-importing merges.
- date_prec 1-3 (the day, 2-6 days, a week) keep the day, with date_end as sahel:endDate;
  4 (a month) and 5 (a year) become month and year precision, dates the first of the span.
- best, low and high deaths -> three sahel:Claims: "approximately", "at-least", "up-to".
"""

from __future__ import annotations

import re

from ingest import turtle
from ingest.dates import coarsen, parse_dataset_date
from ingest.tabular import (
    Actors,
    Converted,
    Places,
    Row,
    RowProblem,
    Spec,
    claim_block,
    to_int,
)
from ingest.turtle import Block, date, ref, string

COLUMNS = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]
REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "country", "date_start", "date_end",
            "best", "high", "low")  # fmt: skip
CLASSES = {"1": "Battle", "2": "Battle", "3": "ViolenceAgainstCivilians"}
KIND = {"1": "state-based", "2": "non-state", "3": "one-sided"}
PRECISION = {"1": "day", "2": "day", "3": "day", "4": "month", "5": "year"}
_PLACE_SUFFIX = re.compile(r"\s+(?:town|village|city|district|province|region|area)\b.*$", re.I)


def convert(row: Row, places: Places, actors: Actors, src: str) -> Converted:
    g = {k: (v or "").strip() for k, v in row.items()}
    event_id = g["id"]
    if not event_id:
        raise RowProblem("id is empty")
    cls = CLASSES.get(g["type_of_violence"])
    if cls is None:
        raise RowProblem(f"type_of_violence {g['type_of_violence']!r} is not 1, 2 or 3")
    try:
        start, end = parse_dataset_date(g["date_start"]), parse_dataset_date(g["date_end"])
    except ValueError as exc:
        raise RowProblem(f"date: {exc}") from None
    if end < start:
        raise RowProblem(f"date_end {end} is before date_start {start}")
    precision = PRECISION.get(g.get("date_prec") or "1")
    if precision is None:
        raise RowProblem(f"date_prec {g['date_prec']!r} is not 1 to 5")
    best = to_int(g["best"], "best")
    low = to_int(g["low"], "low")
    high = to_int(g["high"], "high")
    assert best is not None and low is not None and high is not None
    if not low <= best <= high:
        raise RowProblem(f"deaths not ordered: low {low}, best {best}, high {high}")
    if not g["country"]:
        raise RowProblem("country is empty")

    country = places.country(_PLACE_SUFFIX.sub("", g["country"]).split("(")[0].strip())
    region = places.region(country, _admin(g.get("adm_1", "")))
    where = _PLACE_SUFFIX.sub("", g.get("where_coordinates", "")).strip()
    name = where or _admin(g.get("adm_2", "")) or _admin(g.get("adm_1", ""))
    place = places.city(country, region, name) if name else (region or country)

    subject = turtle.kg(f"ucdp-ged-{turtle.slug(event_id, 40)}")
    b = Block(subject, [f"sahel:{cls}"])
    dyad = g.get("dyad_name") or f"{g['side_a']} - {g['side_b']}"
    b.add("rdfs:label", string(
        f"{dyad}: {KIND[g['type_of_violence']]} violence in {name or g['country']} ({start}) "
        f"[UCDP GED {event_id}]", "en"))  # fmt: skip
    b.add("sahel:date", date(coarsen(start, precision).isoformat()))
    b.add("sahel:datePrecision", string(precision))
    if end != start and precision == "day":
        b.add("sahel:endDate", date(end.isoformat()))
    b.add("sahel:location", ref(place))
    b.add("sahel:source", src)
    for column in ("side_a", "side_b"):
        iri = actors.link(g[column])
        if iri is None:
            if g[column]:
                b.add("skos:note", string(f"{column} not linked to the graph: {g[column]}"))
            continue
        b.add("sahel:participant", ref(iri))
        if cls == "ViolenceAgainstCivilians":
            b.add("sahel:perpetrator" if column == "side_a" else "sahel:target", ref(iri))

    facts = [f"{k}={g[k]}" for k in ("conflict_name", "type_of_violence", "where_prec",
             "event_clarity", "date_prec", "deaths_a", "deaths_b", "deaths_civilians",
             "deaths_unknown", "number_of_sources") if g.get(k)]  # fmt: skip
    facts.append(f"date_start={g['date_start']}; date_end={g['date_end']}")
    if g.get("latitude") and g.get("longitude"):
        facts.append(f"coordinates={g['latitude']},{g['longitude']}")
    b.add("skos:note", string("UCDP GED " + "; ".join(facts)))
    for column in ("source_article", "source_headline", "source_original"):
        if g.get(column):
            b.add("skos:note", string(f"UCDP {column}: {g[column]}"))

    blocks = [b]
    for estimate, value, qualifier in (("best", best, "approximately"), ("low", low, "at-least"),
                                       ("high", high, "up-to")):  # fmt: skip
        blocks.append(
            claim_block(
                f"ucdp-ged-{turtle.slug(event_id, 40)}-deaths-{estimate}",
                f"{value} deaths, UCDP {estimate} estimate (GED {event_id})",
                value,
                qualifier,
                f"UCDP GED ({estimate} estimate)",
                subject,
                src,
            )
        )
    return Converted(event_id, start, blocks, 3)


def _admin(text: str) -> str:
    """'Bamako district' -> 'Bamako'; UCDP names admin units with their rank."""
    return _PLACE_SUFFIX.sub("", text).strip()


SPEC = Spec("UCDP GED", "Uppsala Conflict Data Program (UCDP)", REQUIRED, convert)
