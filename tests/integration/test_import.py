"""`sahelkg import` and `sahelkg ingest` + `sahelkg load` against the real Bolt server:
malformed rows reported while the rest loads, re-import without duplicates, an ACLED actor
name linked to kg:jnim through the alias table, a reviewed draft added to the graph."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from graph import export
from graph.ontology import Ontology
from graph.store import Store
from ingest.draft import source_iri
from tests.conftest import DATA, ONTOLOGY, ROOT, SEEDS
from tests.integration.conftest import load_paths

pytestmark = pytest.mark.integration
KG = "https://w3id.org/sahel-kg/id/"
TITLE = "Suspected jihadists kill at least 30 in attack near Djibo"
PUBLISHED = dt.date(2024, 3, 5)


def sahelkg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def participants(store: Store, iri: str) -> set[str]:
    rows = store.read(
        "MATCH (e:Resource {iri: $iri})-[:PARTICIPANT]->(a) RETURN a.iri AS iri", {"iri": iri}
    )
    return {r["iri"] for r in rows}


@pytest.mark.parametrize(
    ("dataset", "path", "event", "bad_rows"),
    [
        ("acled", DATA / "ingest" / "acled_synthetic.csv", "acled-syn1001", [5, 6, 7, 9, 10]),
        ("ucdp", DATA / "ingest" / "ucdp_ged_synthetic.csv", "ucdp-ged-990001", [5, 6, 7, 8]),
    ],
)
def test_import_twice_reports_bad_rows_links_jnim_and_adds_nothing_the_second_time(
    store: Store,
    ontology: Ontology,
    cli_env: dict[str, str],
    dataset: str,
    path: Path,
    event: str,
    bad_rows: list[int],
) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    first = sahelkg(cli_env, "import", dataset, str(path))
    assert first.returncode == 0, first.stderr
    for row in bad_rows:
        assert f"skipped row {row} (line" in first.stderr
    assert KG + "jnim" in participants(store, KG + event)
    counts = store.counts()
    digest = export.graph_hash(store, ontology.registry)

    second = sahelkg(cli_env, "import", dataset, str(path))
    assert second.returncode == 0, second.stderr
    said = " ".join(second.stdout.split())  # rich wraps long lines
    assert "0 nodes created, 0 updated; 0 relationships created" in said
    assert store.counts() == counts
    assert export.graph_hash(store, ontology.registry) == digest


def test_an_accepted_draft_loads_and_reloading_it_changes_nothing(
    store: Store, ontology: Ontology, cli_env: dict[str, str], tmp_path: Path
) -> None:
    load_paths(store, ontology, ONTOLOGY, SEEDS)
    draft = tmp_path / "draft.ttl"
    made = sahelkg(
        cli_env, "ingest", str(DATA / "ingest" / "synthetic_djibo.txt"),
        "--published", "2024-03-05", "--publisher", "Synthetic Times", "-o", str(draft),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "0 already known" in " ".join(
        made.stderr.split()
    )  # the seeds do not have this invented attack
    loaded = sahelkg(cli_env, "load", str(draft))
    assert loaded.returncode == 0, loaded.stderr
    steps = next(line for line in loaded.stderr.splitlines() if line.startswith("steps: "))
    assert [part.split()[0] for part in steps[7:].split(", ")] == [
        "read", "check", "map", "id", "schema", "stage", "nodes", "relationships", "index",
        "switch", "publish",
    ]  # fmt: skip
    rows = store.read(
        "MATCH (s:Source {iri: $src})<-[:SOURCE]-(c:Claim)"
        "-[:ABOUT]->(e:ViolenceAgainstCivilians)-[:LOCATION]->(p {iri: $djibo}) "
        "RETURN c.value AS value, c.attribution AS who ORDER BY value",
        {"djibo": KG + "djibo", "src": source_iri(TITLE, "Synthetic Times", PUBLISHED)},
    )
    # the 12 soldiers wounded "yesterday" belong to the clashes of the next day, an event of
    # their own (ingest/events.py)
    assert [(r["value"], r["who"]) for r in rows] == [
        (15, ["residents reached by telephone"]), (30, ["a local official"]),
    ]  # fmt: skip
    counts = store.counts()
    again = sahelkg(cli_env, "load", str(draft))
    assert again.returncode == 0, again.stderr
    assert store.counts() == counts
