"""API pieces without a graph server: JSON values, dates, ids, the GraphML
and CSV writers, the path statement builder, and the app factory (routes, OpenAPI, CORS,
body size limit, bind address)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.errors import InputError, NotFound
from graph.pg_export import write_csv_zip, write_graphml
from graph.read.present import jsonable, parse_day, resolve, slug
from graph.settings import Settings

KG = "https://w3id.org/sahel-kg/id/"


def test_jsonable() -> None:
    from neo4j.time import Date, DateTime

    assert jsonable(Date(2024, 9, 17)) == "2024-09-17"
    assert jsonable(DateTime(2024, 9, 17, 6, 0, 0)).startswith("2024-09-17T06:00:00")
    assert jsonable(dt.date(2020, 1, 2)) == "2020-01-02"
    assert jsonable({"a": [1, 2.5, float("nan"), None, True]}) == {"a": [1, 2.5, "nan", None, True]}
    assert jsonable(b"\x00\x01") == "AAE="


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-09-17", dt.date(2024, 9, 17)), ("", None), (None, None)],
)
def test_parse_day(text: str | None, expected: dt.date | None) -> None:
    assert parse_day(text, "at") == expected


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30", "17/09/2024", "yesterday", "2024"])
def test_bad_days_name_the_parameter(text: str) -> None:
    with pytest.raises(InputError, match=r"^at: "):
        parse_day(text, "at")


def test_today() -> None:
    assert parse_day("today", "at") == dt.date.today()


def test_ids() -> None:
    assert resolve("jnim") == KG + "jnim"
    assert resolve(KG + "jnim") == KG + "jnim"
    assert resolve("http://www.wikidata.org/entity/Q1") == "http://www.wikidata.org/entity/Q1"
    assert slug(KG + "mali") == "mali"
    assert slug("http://example.org/x") == "http://example.org/x"
    for bad in ["", "a b", "../etc/passwd", "jnim'})-[r]-()"]:
        with pytest.raises(NotFound):
            resolve(bad)


PAGES: list[dict[str, Any]] = [
    {
        "iri": KG + "a",
        "labels": ["Resource", "State"],
        "props": {
            "iri": KG + "a",
            "name": "A & <b>",
            "label@fr": "À",
            "loadId": "x",
            "latitude^^xsd:decimal": "12.65",
            "value": 7,
            "altLabel": ["A1", "A2"],
            "search": "a b",
        },
        "rels": [
            [
                "PARTNER_OF",
                {
                    "iri": KG + "rel",
                    "sources": [KG + "s", KG + "t"],
                    "validFrom": dt.date(2019, 6, 1),
                },
                KG + "b",
            ],
            None,
        ],
    },
    {"iri": KG + "b", "labels": ["Resource"], "props": {"iri": KG + "b", "value": "dozens"},
     "rels": [None]},
]  # fmt: skip
CLASSES = ["Resource", "State", "JihadistGroup"]


def test_graphml_typed_keys() -> None:
    out = io.BytesIO()
    assert write_graphml(PAGES, out, CLASSES) == 3
    root = ET.fromstring(out.getvalue())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("attr.name"): k for k in root.findall("g:key", ns)}
    types = {name: k.get("attr.type") for name, k in keys.items()}
    assert types["State"] == types["JihadistGroup"] == "boolean"
    assert types["latitude"] == "double" and types["validFrom"] == "string"
    assert types["value"] == "string"  # 7 and "dozens": one type per key
    assert "search" not in types and "Resource" not in types
    nodes = root.findall(".//g:node", ns)
    edges = root.findall(".//g:edge", ns)
    assert [n.get("id") for n in nodes] == [KG + "a", KG + "b"]
    assert edges[0].get("source") == KG + "a" and edges[0].get("target") == KG + "b"

    def data(el: ET.Element) -> dict[str, str]:
        by_id = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
        return {by_id[d.get("key")]: d.text or "" for d in el.findall("g:data", ns)}

    a = data(nodes[0])
    assert a["name"] == "A & <b>" and a["State"] == "true" and a["latitude"] == "12.65"
    assert a["altLabel"] == "A1 | A2" and a["JihadistGroup"] == "false"
    e = data(edges[0])
    assert e["validFrom"] == "2019-06-01" and e["sources"] == f"{KG}s | {KG}t"


def test_csv_zip_typed_columns() -> None:
    out = io.BytesIO()
    assert write_csv_zip(PAGES, out, CLASSES) == 3
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["columns.csv", "edges.csv", "nodes.csv"]
        nodes = list(csv.DictReader(io.StringIO(zf.read("nodes.csv").decode())))
        edges = list(csv.DictReader(io.StringIO(zf.read("edges.csv").decode())))
        types = {
            (r["file"], r["column"]): r["type"]
            for r in csv.DictReader(io.StringIO(zf.read("columns.csv").decode()))
        }
    assert [r["iri"] for r in nodes] == [KG + "a", KG + "b"]
    assert nodes[0]["labels"] == "Resource:State" and nodes[0]["name"] == "A & <b>"
    assert nodes[0]["State"] == "true" and nodes[1]["State"] == "false"
    assert types["nodes.csv", "latitude"] == "double" and types["nodes.csv", "State"] == "boolean"
    assert types["edges.csv", "validFrom"] == "date" and types["nodes.csv", "value"] == "string"
    assert edges[0]["source"] == KG + "a" and edges[0]["type"] == "PARTNER_OF"
    assert edges[0]["iri"] == KG + "rel" and edges[0]["validFrom"] == "2019-06-01"


def offline() -> Settings:
    """Settings for a store nobody listens on (the driver connects lazily)."""
    return Settings(
        neo4j_uri="bolt://127.0.0.1:9",
        neo4j_password="x",
        connection_timeout_s=1,
        allowed_hosts=["testserver"],
    )


def test_defaults_bind_loopback_and_cors_is_off() -> None:
    s = Settings()
    assert s.api_host == "127.0.0.1" and s.api_port == 8000 and s.cors_origins == []
    app = create_app(offline())
    assert not any("CORSMiddleware" in str(m.cls) for m in app.user_middleware)
    on = create_app(offline().model_copy(update={"cors_origins": ["http://localhost:5173"]}))
    assert any("CORSMiddleware" in str(m.cls) for m in on.user_middleware)


@pytest.mark.parametrize(("cores", "threads"), [(1, 1), (2, 2), (3, 3), (16, 4)])
def test_read_threads_follow_the_cores_up_to_4(
    cores: int, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAHELKG_READ_THREADS", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(cores)))
    assert Settings().read_threads == threads
    monkeypatch.setenv("SAHELKG_READ_THREADS", "6")
    assert Settings().read_threads == 6


@pytest.mark.parametrize(("gib", "heap"), [(4, "2g"), (8, "2g"), (24, "8g"), (96, "16g")])
def test_the_embedded_heap_is_a_third_of_the_memory_from_2g_to_16g(
    gib: int, heap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAHELKG_EMBEDDED_HEAP", raising=False)
    sizes = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": gib * 2**30 // 4096}
    monkeypatch.setattr("os.sysconf", lambda name: sizes[name])
    assert Settings().embedded_heap == heap
    monkeypatch.setenv("SAHELKG_EMBEDDED_HEAP", "3g")
    assert Settings().embedded_heap == "3g"


def test_openapi_has_examples_and_the_contract() -> None:
    spec = create_app(offline()).openapi()
    assert {"/actors/{id}/relations", "/cypher", "/sparql", "/export"} <= set(spec["paths"])
    assert "examples" in str(spec["paths"]["/actors"]["get"]["parameters"])


def test_body_limit_and_validation_without_a_store() -> None:
    with TestClient(create_app(offline().model_copy(update={"max_body_bytes": 2048}))) as c:
        r = c.post("/cypher", content=b"x" * 5000, headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"] == "too_large"
        r = c.post("/cypher", content=b"{oops", headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["error"] == "bad_parameter"
        r = c.post("/cypher", json={"query": "CREATE (n)"})
        assert r.status_code == 403 and "CREATE" in r.json()["detail"]
        r = c.get("/actors/jnim/neighbourhood", params={"hops": 99})
        assert r.status_code == 422
        r = c.get("/actors/jnim")
        assert r.status_code == 503 and "cannot be reached" in r.json()["detail"]
