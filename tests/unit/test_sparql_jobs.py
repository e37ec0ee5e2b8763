"""A query waits for the SPARQL view's update at most a bound (graph/sparql_jobs.py): past
it, ViewUpdating (503 with Retry-After) says what the update is doing, the update goes on,
and a later query gets the up-to-date answer. Without a graph server: the source is the
fake of test_sparql_view.py, with an export that waits until the test lets it go."""

from __future__ import annotations

import json
import re
import threading
from typing import IO

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import errors
from graph.errors import StoreUnavailable, ViewUpdating
from graph.registry import Registry
from graph.sparql import SparqlEngine
from tests.unit.test_sparql_view import FakeSource, K, base

MALI = f"ASK {{ <{K}mali> ?p ?o }}"


class HeldSource(FakeSource):
    """An export that blocks until `go` is set, counting how many were started."""

    def __init__(self, registry: Registry) -> None:
        super().__init__(registry)
        self.go = threading.Event()
        self.exports = 0
        self.fail: Exception | None = None

    def write_all(self, out: IO[bytes]) -> None:
        self.exports += 1
        assert self.go.wait(10), "the test never let the export go"
        if self.fail is not None:
            raise self.fail
        super().write_all(out)


def held(registry: Registry) -> HeldSource:
    src = HeldSource(registry)
    filled = base(registry)
    src.loads, src.nodes, src.rels = filled.loads, filled.nodes, filled.rels
    return src


def test_a_query_waits_for_an_update_no_longer_than_its_bound(
    registry: Registry, fresh_engine: SparqlEngine
) -> None:
    src = held(registry)
    with pytest.raises(ViewUpdating, match=r"building a full copy, \d+s so far") as caught:
        fresh_engine.update_within(src, 0.2)
    assert caught.value.retry_after_s > 0
    assert fresh_engine.busy is not None and fresh_engine.busy[0] == "building a full copy"
    assert re.fullmatch(r"building a full copy, \d+s so far", fresh_engine.updating() or "")
    # Callers that come meanwhile wait for the same update: no second export.
    with pytest.raises(ViewUpdating):
        fresh_engine.update_within(src, 0.1)
    assert src.exports == 1
    src.go.set()
    fresh_engine.update_within(src, 10)
    assert fresh_engine.busy is None and fresh_engine.updates == {"full": 1, "delta": 0}
    assert fresh_engine.updating() is None
    assert json.loads(fresh_engine.query(MALI).body)["boolean"] is True


def test_a_caller_after_the_update_started_gets_one_that_sees_its_load(
    registry: Registry, fresh_engine: SparqlEngine
) -> None:
    """The running update read the version before a load committed: a caller after that
    load must not be answered from it."""
    src = held(registry)
    with pytest.raises(ViewUpdating):
        fresh_engine.update_within(src, 0.2)  # the first update is running, held
    src.loads.append("b")  # a load commits meanwhile
    src.node(K + "aes", "b", rdfTypes=["https://w3id.org/sahel-kg/ontology#Alliance"])
    src.go.set()
    fresh_engine.update_within(src, 10)
    assert fresh_engine.updates["full"] + fresh_engine.updates["delta"] == 2
    assert json.loads(fresh_engine.query(f"ASK {{ <{K}aes> ?p ?o }}").body)["boolean"] is True


def test_a_failed_update_reaches_the_caller_and_the_next_one_tries_again(
    registry: Registry, fresh_engine: SparqlEngine
) -> None:
    src = held(registry)
    src.fail = StoreUnavailable("the store went away")
    src.go.set()
    with pytest.raises(StoreUnavailable, match="went away"):
        fresh_engine.update_within(src, 10)
    assert fresh_engine.busy is None and not fresh_engine.loaded
    src.fail = None
    fresh_engine.update_within(src, 10)
    assert src.exports == 2 and fresh_engine.loaded


def test_view_updating_is_a_503_with_retry_after() -> None:
    app = FastAPI()
    errors.install(app)

    @app.get("/q")
    async def q() -> None:
        raise ViewUpdating("the SPARQL view is being brought up to date", retry_after_s=5)

    r = TestClient(app).get("/q")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert r.json() == {
        "error": "view_updating",
        "detail": "the SPARQL view is being brought up to date",
        "status": 503,
    }
