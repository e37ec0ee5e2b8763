"""The exports read by the tools people use, with no JSON inside a column to parse:
JSON-LD compact with an @context (read back by rdflib: the same graph as the Turtle
export), GraphML into NetworkX with typed attributes, the CSV zip into pandas with typed
columns. Real uvicorn and Bolt server with the ontology and the seeds."""

from __future__ import annotations

import csv
import io
import zipfile

import httpx
import networkx as nx
import pandas as pd
import pytest
from rdflib import Graph

pytestmark = pytest.mark.integration
KG = "https://w3id.org/sahel-kg/id/"


def test_jsonld_is_compact_and_the_same_graph(http: httpx.Client) -> None:
    r = http.get("/export", params={"format": "jsonld"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert doc["@context"]["sahel"] == "https://w3id.org/sahel-kg/ontology#"
    assert doc["@context"]["kg"] == KG
    jnim = next(n for n in doc["@graph"] if n["@id"] == "kg:jnim")
    assert "sahel:JihadistGroup" in jnim["@type"]
    assert {"@value": "Group to Support Islam and Muslims (JNIM)", "@language": "en"} in (
        jnim["rdfs:label"]
    )
    from_jsonld = Graph().parse(data=r.content, format="json-ld")
    turtle = http.get("/export", params={"format": "turtle"}).content
    from_turtle = Graph().parse(data=turtle, format="turtle")
    assert len(from_jsonld) == len(from_turtle) > 4000
    assert set(from_jsonld) == set(from_turtle)  # no blank nodes in the export


def test_graphml_into_networkx_typed(http: httpx.Client) -> None:
    health = http.get("/health").json()
    r = http.get("/export", params={"format": "graphml"})
    assert r.status_code == 200
    g = nx.read_graphml(io.BytesIO(r.content))
    assert g.number_of_nodes() == health["nodes"]
    assert g.number_of_edges() == health["relationships"]
    jnim = g.nodes[KG + "jnim"]
    assert jnim["JihadistGroup"] is True and jnim["State"] is False
    assert jnim["name"] and "JihadistGroup" in jnim["labels"]
    attack = g.nodes[KG + "event-2024-09-17-bamako-attack"]
    assert attack["date"] == "2024-09-17" and attack["Attack"] is True
    dated = [d for _, _, d in g.edges(data=True) if "validFrom" in d]
    assert dated and all(len(d["validFrom"]) == 10 for d in dated)  # ISO dates
    with_sources = [d["sources"] for _, _, d in g.edges(data=True) if "sources" in d]
    assert with_sources and all(s.startswith(KG) for s in with_sources)


def test_csv_zip_into_pandas_typed(http: httpx.Client) -> None:
    health = http.get("/health").json()
    r = http.get("/export", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].endswith('sahel-kg.csv.zip"')
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        types = list(csv.DictReader(io.StringIO(zf.read("columns.csv").decode())))

        def dates(file: str) -> list[str]:
            return [t["column"] for t in types if t["file"] == file and t["type"] == "date"]

        nodes = pd.read_csv(zf.open("nodes.csv"), parse_dates=dates("nodes.csv"))
        edges = pd.read_csv(zf.open("edges.csv"), parse_dates=dates("edges.csv"))
    assert len(nodes) == health["nodes"] and len(edges) == health["relationships"]
    # pandas reads what columns.csv declares, with no help but parse_dates
    assert nodes["JihadistGroup"].dtype == bool and nodes["State"].dtype == bool
    assert {"date", "published"} <= set(dates("nodes.csv"))
    assert pd.api.types.is_datetime64_any_dtype(nodes["date"])
    assert pd.api.types.is_datetime64_any_dtype(edges["validFrom"])
    attack = nodes.set_index("iri").loc[KG + "event-2024-09-17-bamako-attack"]
    assert attack["date"] == pd.Timestamp("2024-09-17")
    jnim = nodes.set_index("iri").loc[KG + "jnim"]
    assert bool(jnim["JihadistGroup"]) is True
    partners = edges[(edges["type"] == "PARTNER_OF") & (edges["source"] == KG + "mali")]
    assert len(partners) > 0
