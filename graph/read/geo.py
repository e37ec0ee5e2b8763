"""Points for the map and figures for the chart: each place's coordinates (seeds/geo.ttl)
or, when it has none, those of the nearest place it is located in (a base placed at its
town, said so by `inherited`); each event's point (its most precise place) and its reported
fatalities as a range over the claims that give a number (contested when they differ)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph import queries
from graph.read.base import Reader
from graph.read.models import Fatalities, MapEvent, MapPlace, MapPoint, MapView
from graph.read.present import date_text, ref_fields, slug
from graph.vocab import SAHEL_NS

PRECISION_RANK = {"site": 0, "town": 1, "region": 2, "country": 3}
MAX_EVENTS = 5000


def _num(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


@dataclass
class Place:
    """A place as the map needs it: its coordinates (or None) and the places it lies in."""

    shown: MapPlace | None  # None: no coordinates of its own
    id: str
    label: str
    parents: list[str]


def places(reader: Reader) -> dict[str, Place]:
    """Every place by IRI: its reference, own coordinates (or None), parents and sources."""
    out: dict[str, Place] = {}
    for r in reader.rows(queries.API_PLACES):
        lat, lon = _num(r["lat"]), _num(r["lon"])
        fields = ref_fields(r["iri"], {"name": r["name"], "rdfTypes": r["types"]})
        shown = None
        if lat is not None and lon is not None:
            shown = MapPlace(
                **fields,
                lat=lat,
                lon=lon,
                precision=r["precision"],
                geonamesId=r["geonames"],
                coordinatesSources=sorted(s for s in r["sources"] if s),
            )
        out[r["iri"]] = Place(
            shown, fields["id"], fields["label"], sorted(p for p in r["parents"] if p)
        )
    return out


def point(iri: str, known: dict[str, Place], depth: int = 0) -> MapPoint | None:
    """The place's own point, else its nearest located-in ancestor's (breadth first)."""
    place = known.get(iri)
    if place is None or depth > 6:
        return None
    if place.shown is not None:
        return MapPoint(
            place=place.id,
            label=place.label,
            lat=place.shown.lat,
            lon=place.shown.lon,
            precision=place.shown.precision,
            inherited=depth > 0,
        )
    found = [point(p, known, depth + 1) for p in place.parents]
    found_points = [f for f in found if f is not None]
    found_points.sort(key=lambda f: (PRECISION_RANK.get(f.precision or "", 9), f.place))
    return found_points[0] if found_points else None


def event_point(place_iris: list[str], known: dict[str, Place]) -> MapPoint | None:
    """The most precise point among an event's places (own coordinates before inherited)."""
    candidates = [p for p in (point(i, known) for i in place_iris) if p is not None]
    candidates.sort(key=lambda p: (PRECISION_RANK.get(p.precision or "", 9), p.inherited, p.place))
    return candidates[0] if candidates else None


def fatalities(claims: list[dict[str, Any]]) -> Fatalities | None:
    """The range of the numbers sources give (words such as "dozens" are counted, not
    ranged); None when no claim gives a number."""
    numbers = [int(v) for c in claims if (v := _num(c["value"])) is not None]
    if not claims:
        return None
    return Fatalities(
        min=min(numbers) if numbers else None,
        max=max(numbers) if numbers else None,
        claims=len(claims),
        contested=len(set(numbers)) > 1 or (bool(numbers) and len(numbers) < len(claims)),
        sources=sorted({s for c in claims for s in c["sources"] if s}),
    )


def map_events(
    reader: Reader,
    actor: str | None = None,
    from_: dt.date | None = None,
    to: dt.date | None = None,
) -> MapView:
    """Dated events (of one actor, in a range) with their point, class and fatalities, and
    every place with coordinates: what the map and the chart draw."""
    known = places(reader)
    rows = reader.rows(
        queries.API_MAP_EVENTS,
        actor=actor,
        limit=MAX_EVENTS,
        **{"from": from_, "to": to},
    )
    iris = [r["iri"] for r in rows]
    claims: dict[str, list[dict[str, Any]]] = {}
    for c in reader.rows(queries.API_FATALITY_CLAIMS, iris=iris, kind=SAHEL_NS + "Fatalities"):
        claims.setdefault(c["event"], []).append(c)
    events = [
        MapEvent(
            **ref_fields(r["iri"], {"name": r["name"], "rdfTypes": r["types"]}),
            date=date_text(r["date"]),
            datePrecision=r["datePrecision"] or "day",
            point=event_point(list(r["places"]), known),
            places=sorted(slug(p) for p in r["places"] if p),
            perpetrators=sorted({slug(a) for a, _ in r["perpetrators"] if a}),
            fatalities=fatalities(claims.get(r["iri"], [])),
        )
        for r in rows
    ]
    shown = [p.shown for p in known.values() if p.shown is not None]
    return MapView(
        actor=slug(actor) if actor else None,
        from_=from_.isoformat() if from_ else None,
        to=to.isoformat() if to else None,
        events=events,
        places=sorted(shown, key=lambda p: p.id),
        truncated=len(rows) >= MAX_EVENTS,
    )
