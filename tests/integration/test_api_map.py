"""GET /map/events: every event's point (the Bamako attack at Bamako, its sites at the town
they are in), fatalities as the range the sources give, filters by actor and dates; every
place with coordinates carries its precision and a source that exists."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


def test_bamako_attack_is_at_bamako_with_its_contested_toll(http: httpx.Client) -> None:
    body = http.get("/map/events", params={"actor": "jnim"}).json()
    by_id = {e["id"]: e for e in body["events"]}
    attack = by_id["event-2024-09-17-bamako-attack"]
    assert attack["point"]["place"] == "bamako" and not attack["point"]["inherited"]
    assert abs(attack["point"]["lat"] - 12.64) < 0.05 and abs(attack["point"]["lon"] + 8.0) < 0.05
    tolls = attack["fatalities"]
    assert tolls["contested"] and tolls["min"] < tolls["max"] and tolls["sources"]
    school = by_id["event-2024-09-17-bamako-attack-gendarmerie-school"]
    assert school["point"]["place"] == "bamako" and school["point"]["inherited"]


def test_filters_by_dates_and_actor(http: httpx.Client) -> None:
    every = http.get("/map/events").json()["events"]
    in_2024 = http.get("/map/events", params={"from": "2024-01-01", "to": "2024-12-31"}).json()
    assert in_2024["events"] and all(e["date"].startswith("2024") for e in in_2024["events"])
    assert len(in_2024["events"]) == sum(1 for e in every if e["date"].startswith("2024"))
    jnim = http.get("/map/events", params={"actor": "jnim"}).json()["events"]
    assert 0 < len(jnim) < len(every)
    assert (
        http.get("/map/events", params={"from": "2025-01-01", "to": "2024-01-01"}).status_code
        == 422
    )
    assert http.get("/map/events", params={"actor": "nobody"}).status_code == 404


def test_places_have_precision_and_an_existing_source(http: httpx.Client) -> None:
    places = http.get("/map/events").json()["places"]
    assert {"bamako", "mali", "niamey", "ouagadougou"} <= {p["id"] for p in places}
    for p in places:
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
        assert p["precision"] in ("site", "town", "region", "country"), p
        assert p["coordinatesSources"], p
    src = next(p for p in places if p["id"] == "bamako")["coordinatesSources"][0]
    rows = http.post(
        "/cypher",
        json={"query": "MATCH (s:Source {iri: $s}) RETURN s.publisher", "parameters": {"s": src}},
    ).json()["rows"]
    assert rows and rows[0][0]
