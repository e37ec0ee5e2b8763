"""ACLED event exports -> ontology events.

- Event class from event_type (the ontology's attack classes follow ACLED's political-
  violence types); protests, riots and strategic developments stay plain sahel:Event.
- The IRI is the dataset's own id (kg:acled-<event_id_cnty>): re-importing merges.
- time_precision 1 = the day, 2 = within a week, 3 = within a month. The ontology has day,
  month and year: 2 and 3 become "month" (coarser, never falsely precise), the date the first
  of the month, as the ontology prescribes; the date ACLED gives is kept in the note.
- actor1 / actor2 and the associated actors are participants; in one-sided violence
  (violence against civilians, explosions) actor1 is also the perpetrator and actor2 the
  target. Names the alias table cannot link stay on the event as skos:note, and are counted.
- fatalities -> one sahel:Claim. ACLED codes the most conservative figure its sources give,
  hence valueQualifier "at-least".
"""

from __future__ import annotations

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
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "country", "location",
            "fatalities")  # fmt: skip
EVENT_CLASSES = {
    "battles": "Battle",
    "explosions/remote violence": "ExplosionRemoteViolence",
    "violence against civilians": "ViolenceAgainstCivilians",
}
ONE_SIDED = {"ExplosionRemoteViolence", "ViolenceAgainstCivilians"}
PRECISION = {"1": "day", "2": "month", "3": "month"}


def convert(row: Row, places: Places, actors: Actors, src: str) -> Converted:
    g = {k: (v or "").strip() for k, v in row.items()}
    event_id = g["event_id_cnty"]
    if not event_id:
        raise RowProblem("event_id_cnty is empty")
    try:
        day = parse_dataset_date(g["event_date"])
    except ValueError as exc:
        raise RowProblem(f"event_date: {exc}") from None
    precision = PRECISION.get(g.get("time_precision") or "1")
    if precision is None:
        raise RowProblem(f"time_precision {g['time_precision']!r} is not 1, 2 or 3")
    fatalities = to_int(g["fatalities"], "fatalities")
    if not g["event_type"]:
        raise RowProblem("event_type is empty")
    if not g["country"] or not g["location"]:
        raise RowProblem("country and location are both required")
    cls = EVENT_CLASSES.get(g["event_type"].lower(), "Event")

    country = places.country(g["country"])
    region = places.region(country, g.get("admin1", ""))
    place = places.city(country, region, g["location"])

    subject = turtle.kg(f"acled-{turtle.slug(event_id, 40)}")
    b = Block(subject, [f"sahel:{cls}"])
    what = g.get("sub_event_type") or g["event_type"]
    b.add(
        "rdfs:label",
        string(f"{what} in {g['location']}, {g['country']} ({day}) [ACLED {event_id}]", "en"),
    )
    b.add("sahel:date", date(coarsen(day, precision).isoformat()))
    b.add("sahel:datePrecision", string(precision))
    b.add("sahel:location", ref(place))
    b.add("sahel:source", src)

    sides = [("actor1", g["actor1"]), ("actor2", g.get("actor2", ""))]
    sides += [(f"assoc_actor_{n}", a.strip()) for n in (1, 2)
              for a in g.get(f"assoc_actor_{n}", "").split(";")]  # fmt: skip
    for column, name in sides:
        if not name:
            continue
        iri = actors.link(name)
        if iri is None:
            b.add("skos:note", string(f"{column} not linked to the graph: {name}"))
            continue
        b.add("sahel:participant", ref(iri))
        if cls in ONE_SIDED and column == "actor1":
            b.add("sahel:perpetrator", ref(iri))
        if cls in ONE_SIDED and column == "actor2":
            b.add("sahel:target", ref(iri))

    facts = [f"{k}={g[k]}" for k in ("event_type", "sub_event_type", "disorder_type", "interaction",
             "civilian_targeting", "geo_precision", "time_precision", "source_scale", "tags")
             if g.get(k)]  # fmt: skip
    facts.append(f"event_date={g['event_date']}")
    if g.get("latitude") and g.get("longitude"):
        facts.append(f"coordinates={g['latitude']},{g['longitude']}")
    b.add("skos:note", string("ACLED " + "; ".join(facts)))
    if g.get("source"):
        b.add("skos:note", string(f"ACLED reported sources: {g['source']}"))
    if g.get("notes"):
        b.add("rdfs:comment", string(g["notes"], "en"))

    assert fatalities is not None
    claim = claim_block(
        f"acled-{turtle.slug(event_id, 40)}-fatalities",
        f"{fatalities} reported fatalities (ACLED {event_id})",
        fatalities,
        "at-least",
        "ACLED (reported fatalities, its most conservative estimate)",
        subject,
        src,
    )
    return Converted(event_id, day, [b, claim], 1)


SPEC = Spec("ACLED", "Armed Conflict Location & Event Data (ACLED)", REQUIRED, convert)
