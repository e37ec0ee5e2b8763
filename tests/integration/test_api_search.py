"""GET /search: actors, places and events in one box, grouped by kind ("Bamako" finds the
city and the attacks, not only an embassy); date words narrow to events."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


def ids(body: dict, kind: str) -> list[str]:
    return [x["id"] for x in body["groups"][kind]]


def test_bamako_finds_the_city_first_and_its_events(http: httpx.Client) -> None:
    body = http.get("/search", params={"q": "Bamako"}).json()
    assert ids(body, "Place")[0] == "bamako"
    assert "event-2024-09-17-bamako-attack" in ids(body, "Event")
    assert all(x["kind"] == "Place" for x in body["groups"]["Place"])


def test_aliases_and_date_words(http: httpx.Client) -> None:
    assert ids(http.get("/search", params={"q": "GSIM"}).json(), "Actor") == ["jnim"]
    day = http.get("/search", params={"q": "17 septembre 2024"}).json()
    assert day["from"] == day["to"] == "2024-09-17"
    assert "event-2024-09-17-bamako-attack" in ids(day, "Event")
    assert all(x["date"] == "2024-09-17" for x in day["groups"]["Event"])
    assert not day["groups"]["Actor"] and not day["groups"]["Place"]


def test_bad_search_requests(http: httpx.Client) -> None:
    assert http.get("/search").status_code == 422
    assert http.get("/search", params={"q": "x", "limit": 0}).status_code == 422
