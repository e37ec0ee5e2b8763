"""One response format: the API's read routes answer with the read model's classes
(graph/read/models.py), its committed JSON Schema (web/read-model.schema.json) is current,
and the explorer's JavaScript reads no field of a response that the schema does not define."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from api import models as api_models, routes
from api.app import create_app
from graph.read import models
from graph.read.schema import SCHEMA_FILE, schema_text
from graph.read.search import KINDS
from graph.settings import Settings

WEB_SRC = Path(__file__).resolve().parents[2] / "web" / "src"
API_ONLY = {api_models.Health, api_models.OntologySummary}


def _words(text: str) -> list[str]:
    return text.split()


# Names the explorer reads that are not fields of an API response, each for a reason the
# test cannot see: browser and DOM APIs, JavaScript built-ins, cytoscape and d3-geo, the
# explorer's own objects (state, i18n, view models built from responses), the SPARQL 1.1
# JSON results format (head.vars, results.bindings), and the columns of its own Cypher
# statements (sources.js asks `... AS name`). A response field is never listed here: the
# test below checks that none of these is a field of the schema.
NOT_RESPONSE_FIELDS = frozenset(
    _words(
        """
        DateTimeFormat PI UTC _ __cy abs actorLabel add addClass addEventListener all append
        asofQueries assign baseVal batch bindings body boolean bottom catch ceil checked classList
        className classes click clientHeight clientWidth clientX cloneNode closedNeighborhood cls
        connectedEdges cos count countries counts createElement createElementNS createObjectURL
        createTextNode csv ctrlKey data dataset day documentElement drawImage elements endsWith
        entries event eventsAt export fatal fetchMs filter find firstChild fitExtent flat flatMap
        floor focus folded forEach format freeze fromEntries full get getBoundingClientRect
        getContext getElementById getItem getUTCDate graph graphReady graphml has hash head
        headers height hidden hide hiderel href i18n i18nLabel i18nPlaceholder includes
        insertBefore invert isArray join json key keys lang language languages layout leaves left
        loc localeCompare map mapEvents mapReady match message metaKey month months msg name
        navigate neighbourhood normalize now objects ok on onerror onload openActor padStart parse
        pathname placeholder plainUrl png pointerId position preventDefault protocol push
        pushState querySelector querySelectorAll ready reduce relations remove removeClass replace
        replaceChildren replaceState resolve results revokeObjectURL right round run scale scope
        search select selected serializeToString set setAttribute setItem setPointerCapture shift
        showActorPanel showEvent showPlace showRelation sin size slice slug some sort split src
        startsWith stringify tabIndex textContent then timeline toBlob toFixed toISOString
        toLowerCase toString toUpperCase toggle toggleClass top trim unselect values vars view
        viewBox width x y year yearOnly
        """
    )
)


def _schema_fields() -> set[str]:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    fields: set[str] = set()
    for definition in schema["$defs"].values():
        fields |= set(definition.get("properties", {}))
    return fields


def _error_fields() -> set[str]:
    """The error body every failure answers with (api/errors.py), as the OpenAPI gives it."""
    spec = create_app(Settings(neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x")).openapi()
    return set(spec["components"]["schemas"]["Error"]["properties"])


def _names_read(text: str) -> set[str]:
    """Property names read in JavaScript source: `a.b`, `a?.b` and `a["b"]` (comments and
    string literals dropped first, so "sahel-kg.ttl" is no read of `ttl`)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"(?m)(^|[^:\\])//.*$", r"\1", text)
    bracketed = set(re.findall(r"\[\s*\"([A-Za-z_$][\w$]*)\"\s*\]", text))
    text = re.sub(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", '""', text)
    return bracketed | set(re.findall(r"(?<=[\w$)\]])\??\.([A-Za-z_$][\w$]*)", text))


def test_the_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        f"{SCHEMA_FILE} is stale: run `python -m graph.read.schema`"
    )


def test_read_routes_answer_with_the_read_model() -> None:
    seen: dict[str, Any] = {}
    for info in pkgutil.iter_modules(routes.__path__):
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        for route in module.router.routes:
            if isinstance(route, APIRoute) and route.response_model is not None:
                seen[route.path] = route.response_model
    for path in ("/actors", "/actors/{id:path}", "/events", "/paths", "/timeline", "/search"):
        assert seen[path].__module__ == models.__name__, path
    for path, model in seen.items():
        if model is Any:  # the reconciliation protocol's own JSON (graph/reconcile.py)
            continue
        assert model in API_ONLY or model.__module__ == models.__name__, (path, model)
    # api.models re-exports the read model's classes, never a copy of them.
    assert api_models.ActorPage is models.ActorPage and api_models.Timeline is models.Timeline


def test_the_openapi_schema_is_the_read_model_schema() -> None:
    spec = create_app(Settings(neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x")).openapi()
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]
    for name in ("PathList", "Timeline", "EventDetail", "MapView", "SearchResult"):
        ours = spec["components"]["schemas"][name]["properties"]
        assert set(ours) == set(committed[name]["properties"]), name
    assert "from" in committed["PathList"]["properties"]  # the JSON name, not from_


def test_the_explorer_reads_only_fields_the_schema_defines() -> None:
    defined = _schema_fields() | _error_fields() | set(KINDS)
    assert not NOT_RESPONSE_FIELDS & defined, "a response field is listed as not one"
    read: dict[str, set[str]] = {}
    for path in sorted(WEB_SRC.glob("*.js")):
        for name in _names_read(path.read_text(encoding="utf-8")):
            read.setdefault(name, set()).add(path.name)
    unknown = {n: sorted(files) for n, files in read.items() if n not in defined}
    unknown = {n: f for n, f in unknown.items() if n not in NOT_RESPONSE_FIELDS}
    assert not unknown, f"the explorer reads fields no response defines: {unknown}"
    stale = NOT_RESPONSE_FIELDS - set(read)
    assert not stale, f"listed but no longer read by the explorer: {sorted(stale)}"


def test_the_field_scanner_sees_reads_and_skips_text() -> None:
    js = 'const a = body?.items ?? x.validFrom; // c.notRead\nconst s = "f.ttl"; y["from"];'
    assert _names_read(js) == {"items", "validFrom", "from"}
