"""/reconcile driven as OpenRefine drives it (0.2: the manifest, a form-encoded batch of
queries, suggest, preview, property proposal and data extension), and the 1.0 draft's
JSON bodies, against the real API and the real embedded store loaded with the seeds.
Every answer is validated against the JSON Schemas published with the specification
(tests/data/reconcile/schemas/, see the README there)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from graph.load import load, prepare
from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import DATA

pytestmark = pytest.mark.integration
SCHEMAS = DATA / "reconcile" / "schemas"
SWAGGER = "http://swagger.io/v2/schema.json"
SAHELKG = str(Path(sys.executable).parent / "sahelkg")


def _registry(folder: Path) -> Registry:  # type: ignore[type-arg]
    """The folder's schemas by their $id (relative $refs resolve against it), and an
    empty stand-in for the Swagger schema `authentication` points at (we declare none)."""
    stand_in = {"definitions": {"securityDefinitions": {"additionalProperties": {}}}}
    resources = [(SWAGGER, DRAFT7.create_resource(stand_in))]
    for path in sorted(folder.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], DRAFT7.create_resource(contents)))
    return Registry().with_resources(resources)


def validate(version: str, name: str, instance: Any) -> None:
    folder = SCHEMAS / version
    schema = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, registry=_registry(folder))
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def form(client: httpx.Client, field: str, payload: Any) -> httpx.Response:
    """A POST as OpenRefine sends it: application/x-www-form-urlencoded, one JSON field."""
    return client.post("/reconcile", data={field: json.dumps(payload)})


# ------------------------------------------------------------------ 0.2


def test_manifest_02(http: httpx.Client) -> None:
    r = http.get("/reconcile")
    assert r.status_code == 200
    manifest = r.json()
    validate("0.2", "manifest", manifest)
    assert manifest["identifierSpace"] == "https://w3id.org/sahel-kg/id/"
    ids = {t["id"] for t in manifest["defaultTypes"]}
    assert {"Actor", "JihadistGroup", "State", "Person", "PrivateMilitaryCompany"} <= ids
    assert "City" not in ids and "Event" not in ids  # actor classes only
    assert manifest["preview"]["url"].endswith("/reconcile/preview?id={{id}}")


def test_cors_on_reconcile_only(http: httpx.Client) -> None:
    origin = {"Origin": "http://127.0.0.1:3333"}
    assert http.get("/reconcile", headers=origin).headers["access-control-allow-origin"] == "*"
    pre = http.options(
        "/reconcile/suggest/entity",
        headers={**origin, "Access-Control-Request-Method": "GET"},
    )
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in http.get("/health", headers=origin).headers


def test_batch_as_openrefine_sends_it(http: httpx.Client) -> None:
    batch = {
        "q0": {
            "query": "Jamaat Nosrat al Islam wal Mouslimine",
            "type": "JihadistGroup",
            "limit": 3,
        },
        "q1": {"query": "GSIM"},
        "q2": {"query": "جماعة نصرة الاسلام و المسلمين", "type_strict": "should"},
        "q3": {"query": "Ansar Dine", "properties": [{"pid": "date", "v": "2020-06-01"}]},
        "q4": {"query": "CNSP", "limit": 5},
        "q5": {"query": "Katiba Tin Hama"},
        "q6": {"query": "Groupe Wagner", "properties": [{"pid": "operatesIn", "v": "Mali"}]},
    }
    validate("0.2", "reconciliation-query-batch", batch)
    r = form(http, "queries", batch)
    assert r.status_code == 200, r.text
    body = r.json()
    validate("0.2", "reconciliation-result-batch", body)
    assert set(body) == set(batch)
    top = {k: v["result"][0] if v["result"] else None for k, v in body.items()}
    for key in ("q0", "q1", "q2"):
        assert top[key]["id"] == "jnim" and top[key]["match"] is True, (key, top[key])
    assert {t["id"] for t in top["q0"]["type"]} == {"JihadistGroup"}
    assert len(body["q0"]["result"]) <= 3
    features = {f["id"]: f["value"] for f in top["q0"]["features"]}
    assert features["exact_alias"] is False and features["type_agreement"] is True
    assert {f["id"]: f["value"] for f in top["q1"]["features"]}["exact_alias"] is True
    # Ansar Dine merged into JNIM in 2017: asked about 2020, never a sure match
    ansar = next(c for c in body["q3"]["result"] if c["id"] == "ansar-dine")
    assert {f["id"]: f["value"] for f in ansar["features"]}["time_overlap"] is False
    assert not any(c["match"] for c in body["q3"]["result"])
    # an alias two juntas share, and a name the graph does not hold: candidates, no match
    assert {c["id"] for c in body["q4"]["result"][:2]} == {"mali-junta", "niger-junta"}
    assert not any(c["match"] for c in body["q4"]["result"] + body["q5"]["result"])
    assert top["q6"]["id"] == "wagner-group"
    assert {f["id"]: f["value"] for f in top["q6"]["features"]}["co_located"] is True


def test_get_with_queries_answers_the_same(http: httpx.Client) -> None:
    batch = {"q0": {"query": "Iyad Agh Ghali"}}
    via_get = http.get("/reconcile", params={"queries": json.dumps(batch)}).json()
    via_post = form(http, "queries", batch).json()
    assert via_get == via_post and via_get["q0"]["result"][0]["id"] == "iyad-ag-ghaly"


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ("{not json", "queries: not valid JSON"),
        (json.dumps({"q0": {"query": "x", "type": "Spaceship"}}), "unknown type 'Spaceship'"),
        (json.dumps({"q0": {"query": "x", "limit": 0}}), "queries.q0.limit"),
        (json.dumps(["JNIM"]), "queries: a JSON object"),
        (json.dumps({f"q{i}": {"query": "x"} for i in range(1001)}), "at most 1,000"),
    ],
)
def test_bad_batches_name_the_field(http: httpx.Client, payload: str, needle: str) -> None:
    r = http.post("/reconcile", data={"queries": payload})
    assert r.status_code == 422 and needle in r.json()["detail"], r.text


def test_suggest_entity_type_property(http: httpx.Client) -> None:
    entities = http.get("/reconcile/suggest/entity", params={"prefix": "jama"}).json()
    validate("0.2", "suggest-entities-response", entities)
    assert {"jnim", "boko-haram"} <= {e["id"] for e in entities["result"]}
    persons = http.get(
        "/reconcile/suggest/entity", params={"prefix": "as", "type": "Person"}
    ).json()
    assert "assimi-goita" in {e["id"] for e in persons["result"]}
    assert all(any(t["id"] == "Person" for t in e["notable"]) for e in persons["result"])
    types = http.get("/reconcile/suggest/type", params={"prefix": "jih"}).json()
    validate("0.2", "suggest-types-response", types)
    assert [t["id"] for t in types["result"]] == ["JihadistGroup"]
    props = http.get("/reconcile/suggest/property", params={"prefix": "lea"}).json()
    validate("0.2", "suggest-properties-response", props)
    assert [p["id"] for p in props["result"]] == ["ledBy"]


def test_preview_is_a_small_escaped_card(
    http: httpx.Client,
    seeded: Store,
    ontology: Ontology,
    tmp_path: Path,
) -> None:
    card = http.get("/reconcile/preview", params={"id": "jnim"})
    assert card.status_code == 200 and card.headers["content-type"].startswith("text/html")
    assert "Group to Support Islam and Muslims" in card.text and "GSIM" in card.text
    assert "2017-03-02" in card.text and "<li>" in card.text  # founded, sources
    evil = tmp_path / "evil.ttl"
    evil.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "kg:test-evil-militia a sahel:Militia ;\n"
        '  rdfs:label "<script>alert(1)</script> militia"@en .\n',
        encoding="utf-8",
    )
    load(seeded, prepare([evil], ontology, validate=False), ontology.registry)
    text = http.get("/reconcile/preview", params={"id": "test-evil-militia"}).text
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # the matcher's index follows the load (a new load id), without a restart
    found = form(http, "queries", {"q0": {"query": "alert militia"}}).json()
    assert found["q0"]["result"][0]["id"] == "test-evil-militia"
    assert http.get("/reconcile/preview", params={"id": "no-such-actor"}).status_code == 404


def test_propose_and_extend(http: httpx.Client) -> None:
    proposal = http.get("/reconcile/extend/propose", params={"type": "JihadistGroup"}).json()
    validate("1.0-draft", "data-extension-property-proposal", proposal)
    assert {"foundedDate", "ledBy", "memberOf", "wikidata"} <= {
        p["id"] for p in proposal["properties"]
    }
    query = {
        "ids": ["jnim", "mali", "al-qaeda", "no-such-actor"],
        "properties": [
            {"id": "foundedDate"},
            {"id": "ledBy", "settings": {"at": "2022-01-01"}},
            {"id": "memberOf", "settings": {"at": "2024-06-01"}},
            {"id": "wikidata"},
        ],
    }
    validate("0.2", "data-extension-query", query)
    r = form(http, "extend", query)
    assert r.status_code == 200, r.text
    body = r.json()
    validate("0.2", "data-extension-response", body)
    rows = body["rows"]
    assert rows["jnim"]["foundedDate"] == [{"date": "2017-03-02T00:00:00Z"}]
    assert rows["mali"]["ledBy"] == [{"id": "assimi-goita", "name": "Assimi Goïta"}]
    members = {m["id"] for m in rows["mali"]["memberOf"]}
    assert {"aes", "ecowas"} <= members and "g5-sahel" not in members  # left G5 Sahel in 2022
    assert rows["al-qaeda"]["wikidata"] == [{"str": "Q34490"}]
    assert rows["no-such-actor"] == {p["id"]: [] for p in query["properties"]}
    bad = form(http, "extend", {"ids": ["jnim"], "properties": [{"id": "shoeSize"}]})
    assert bad.status_code == 422 and "shoeSize" in bad.json()["detail"]


# ------------------------------------------------------------------ 1.0 draft


def test_v1_manifest_match_extend_suggest(http: httpx.Client) -> None:
    manifest = http.get("/reconcile/v1").json()
    validate("1.0-draft", "manifest", manifest)
    assert manifest["suggest"] == {"entity": True, "type": True, "property": True}
    batch = {
        "queries": [
            {"conditions": [{"matchType": "name", "v": "Al Qaida du Maghreb Islamique"}]},
            {
                "type": "State",
                "limit": 2,
                "conditions": [
                    {"matchType": "name", "v": "République of Mali"},
                    {"matchType": "property", "pid": "date", "v": "2024-01-01"},
                ],
            },
        ]
    }
    validate("1.0-draft", "reconciliation-query-batch", batch)
    body = http.post("/reconcile/v1/match", json=batch).json()
    validate("1.0-draft", "reconciliation-result-batch", body)
    assert [r["candidates"][0]["id"] for r in body["results"]] == ["aqim", "mali"]
    assert all(0 <= c["score"] <= 100 for r in body["results"] for c in r["candidates"])
    extended = http.post(
        "/reconcile/v1/extend", json={"ids": ["jnim"], "properties": [{"id": "foundedDate"}]}
    ).json()
    validate("1.0-draft", "data-extension-response", extended)
    assert extended["rows"][0]["properties"][0]["values"] == [{"date": "2017-03-02T00:00:00Z"}]
    for kind, schema in (
        ("entity", "suggest-entities-response"),
        ("type", "suggest-types-response"),
        ("property", "suggest-properties-response"),
    ):
        answer = http.get(f"/reconcile/v1/suggest/{kind}", params={"prefix": "a"}).json()
        validate("1.0-draft", schema, answer)
        assert answer["result"]


# ------------------------------------------------------------------ the same matcher elsewhere


def test_actor_search_finds_close_spellings(http: httpx.Client) -> None:
    found = http.get("/actors", params={"q": "Jamaat Nosrat al Islam wal Mouslimine"}).json()
    assert found["items"][0]["id"] == "jnim" and found["total"] >= 1
    exact_first = http.get("/actors", params={"q": "Islamic State"}).json()["items"]
    assert exact_first[0]["id"] == "islamic-state"  # its own name before IS Sahel, ISWAP


def test_sahelkg_match_on_mixed_spellings(
    seeded: Store,
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    out = tmp_path / "matched.csv"
    names = DATA / "reconcile" / "names_mixed.csv"
    run = subprocess.run(
        [SAHELKG, "match", str(names), "--column", "actor", "--at", "2024-06-01", "-o", str(out)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        rows = {r["row"]: r for r in csv.DictReader(fh)}
    assert list(next(iter(rows.values())))[-4:] == ["id", "label", "score", "match"]
    expected = {
        "1": "jnim",
        "2": "jnim",
        "3": "jnim",
        "4": "jnim",
        "5": "is-sahel",
        "6": "is-sahel",
        "7": "islamic-state",
        "8": "wagner-group",
        "9": "fama",
        "10": "assimi-goita",
    }
    for row, slug in expected.items():
        assert (rows[row]["id"], rows[row]["match"]) == (slug, "true"), rows[row]
    assert rows["11"]["match"] == "false"  # CNSP: Mali's junta or Niger's
    assert rows["12"]["match"] == "false"  # not in the graph
    assert rows["13"]["id"] == "" and rows["13"]["match"] == "false"
    assert rows["14"]["source"] == "ACLED again" and rows["14"]["id"] == "jnim"
    assert "14 row(s): 11 matched" in run.stderr


def test_sahelkg_match_bad_input_names_the_column(
    cli_env: dict[str, str],
    tmp_path: Path,
) -> None:
    names = DATA / "reconcile" / "names_mixed.csv"
    run = subprocess.run(
        [SAHELKG, "match", str(names), "--column", "groupe"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2 and "no column 'groupe'" in run.stderr
    assert "row, actor, source" in run.stderr


def test_the_store_index_is_the_seed_index(seeded: Store, ontology: Ontology) -> None:
    """The index the API builds from the store holds the same actors, names, dates and
    places as the one bench/match_eval.py scores, built from the seeds' RDF."""
    from bench.match_eval import seed_index
    from graph.match_store import build_index
    from graph.read import Reader

    stored = build_index(Reader(seeded, ontology.registry).rows, ontology.registry)
    seeds = seed_index()
    actors = {i for i, e in seeds.entities.items() if "Actor" in e.types}
    assert actors and actors <= set(stored.entities)
    for iri in actors:
        a, b = stored.entities[iri], seeds.entities[iri]
        assert (set(a.names), a.start, a.end, a.places) == (set(b.names), b.start, b.end, b.places)
