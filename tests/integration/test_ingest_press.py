"""`sahelkg ingest` on a French report, then `sahelkg load` into the real Bolt server: the
draft validates and loads, the event is tied to its claimant by a relationship (not only a
mention), and the places and people the graph did not know are candidate nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.ontology import Ontology
from graph.store import Store
from tests.conftest import DATA, ONTOLOGY, SEEDS
from tests.integration.conftest import load_paths
from tests.integration.test_import import sahelkg

pytestmark = pytest.mark.integration
KG = "https://w3id.org/sahel-kg/id/"
SRC = KG + "src-rfi-afrique-resume-2025-06-05-mali-le-jnim"
REPORT = DATA / "ingest" / "press" / "fr_mamaribougou_2025-06-05.txt"


def test_a_french_report_drafts_loads_and_ties_events_to_claimants(
    store: Store, ontology: Ontology, cli_env: dict[str, str], tmp_path: Path
) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    draft = tmp_path / "draft.ttl"
    made = sahelkg(
        cli_env, "ingest", str(REPORT), "--published", "2025-06-05", "--lang", "fr",
        "--publisher", 'RFI "Afrique" >\nrésumé', "--url", "https://example.org/mali?id=1",
        "-o", str(draft),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    said = " ".join(made.stderr.split())
    assert "fr: 3 event(s), 4 new entit(ies) proposed" in said
    assert "new entity" in said and "Mamaribougou" in said  # listed in the review
    loaded = sahelkg(cli_env, "load", str(draft))
    assert loaded.returncode == 0, loaded.stderr

    rows = store.read(
        "MATCH (e)-[:CLAIMED_BY]->(g {iri: $jnim}) MATCH (e)-[:LOCATION]->(p) "
        "RETURN e.date AS day, p.name AS place ORDER BY day",
        {"jnim": KG + "jnim"},
    )
    got = {(str(r["day"]), str(r["place"])) for r in rows}
    assert ("2025-06-04", "Mamaribougou") in got and ("2025-06-05", "Mahou") in got
    claims = store.read(
        "MATCH (s:ClaimOfResponsibility)-[:STATED_BY]->({iri: $jnim}) "
        "MATCH (s)-[:SOURCE]->(src:Source) WHERE src.iri STARTS WITH $src "
        "MATCH (s)-[:ABOUT]->(e) RETURN count(DISTINCT e) AS n",
        {"jnim": KG + "jnim", "src": SRC},
    )
    assert claims[0]["n"] == 2
    cands = store.read(
        "MATCH (c) WHERE c.reviewStatus = 'candidate' RETURN c.name AS name, labels(c) AS l"
    )
    by_name = {str(r["name"]): set(r["l"]) for r in cands}
    assert {"Mamaribougou", "Tessit", "Mahou", "Sikasso"} <= set(by_name)
    assert "City" in by_name["Tessit"] and "Region" in by_name["Sikasso"]
    tessit = store.read(
        "MATCH (e:Battle)-[:LOCATION]->({name: 'Tessit'}) RETURN e.unclaimedAsOf AS u, "
        "[(e)-[:PERPETRATOR]->(g) | g.iri] AS who"
    )
    assert [(str(r["u"]), r["who"]) for r in tessit] == [("2025-06-05", [KG + "is-sahel"])]
    publisher = store.read(
        "MATCH (s:Source) WHERE s.iri STARTS WITH $src "
        "RETURN s.publisher AS p, s.`url^^xsd:anyURI` AS url",
        {"src": SRC},
    )  # neither is functional: lists
    assert [(r["p"], r["url"]) for r in publisher] == [
        (['RFI "Afrique" >\nrésumé'], ["https://example.org/mali?id=1"])
    ]
