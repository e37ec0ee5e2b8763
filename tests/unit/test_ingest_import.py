"""ACLED and UCDP conversion, without a server: malformed rows reported with their row
numbers while the rest converts, aliases linking to the graph, unmatched actors kept,
precision, claims, determinism, and output that passes the shapes on its own."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from graph.errors import InputError
from graph.load import prepare
from graph.ontology import Ontology
from graph.vocab import KG, SAHEL
from ingest import acled
from ingest.pipeline import Context, convert_dataset
from tests.conftest import DATA

ACLED_CSV = DATA / "ingest" / "acled_synthetic.csv"
UCDP_CSV = DATA / "ingest" / "ucdp_ged_synthetic.csv"


def convert(ctx: Context, dataset: str, path: Path, out: Path) -> tuple[object, Graph]:
    result = convert_dataset(ctx.aliases, ctx.seeds, dataset, path, out)
    return result, Graph().parse(out, format="turtle")


def test_acled_rows_become_events_and_bad_rows_are_reported(ctx: Context, tmp_path: Path) -> None:
    result, g = convert(ctx, "acled", ACLED_CSV, tmp_path / "a.ttl")
    assert [str(e) for e in result.errors] == [  # type: ignore[attr-defined]
        "row 5 (line 6): event_date: unreadable date '2024-13-45'",
        "row 6 (line 7): fatalities 'many' is not a number",
        "row 7 (line 8): 6 fields where the header has 31",
        "row 9 (line 10): event SYN1002 repeats row 3; skipped",
        "row 10 (line 11): event_id_cnty is empty",
    ]
    assert result.events == 4  # type: ignore[attr-defined]
    battle = KG["acled-syn1001"]
    assert (battle, RDF.type, SAHEL.Battle) in g
    # the alias table links ACLED's "JNIM: Group for Support of Islam and Muslims" to kg:jnim
    assert (battle, SAHEL.participant, KG.jnim) in g
    assert (battle, SAHEL.participant, KG.fama) in g  # "Military Forces of Mali (2021-)"
    assert (battle, SAHEL.location, KG.bamako) in g
    claim = KG["acled-syn1001-fatalities"]
    assert g.value(claim, SAHEL.value) == Literal(77)
    assert (claim, SAHEL.about, battle) in g
    vac = KG["acled-syn1002"]
    assert (vac, SAHEL.perpetrator, KG["is-sahel"]) in g
    assert str(g.value(vac, SAHEL.datePrecision)) == "month"  # time_precision 2
    assert str(g.value(vac, SAHEL.date)) == "2023-03-01"
    notes = {str(n) for n in g.objects(vac, URIRef("http://www.w3.org/2004/02/skos/core#note"))}
    assert "actor2 not linked to the graph: Civilians (Mali)" in notes
    assert dict(result.unmatched) == {  # type: ignore[attr-defined]
        "Civilians (Mali)": 1, "Unknown Contractor X": 1, "Protesters (Burkina Faso)": 1
    }  # fmt: skip
    village = g.value(KG["acled-syn1003"], SAHEL.location)
    assert (village, RDF.type, SAHEL.City) in g
    assert set(g.objects(village, SAHEL.locatedIn)) == {KG.mali, KG["place-mali-kidal"]}
    assert (KG["acled-syn1007"], RDF.type, SAHEL.Event) in g  # protests: a plain event


def test_ucdp_low_best_high_are_three_claims(ctx: Context, tmp_path: Path) -> None:
    result, g = convert(ctx, "ucdp", UCDP_CSV, tmp_path / "u.ttl")
    assert [e.row for e in result.errors] == [5, 6, 7, 8]  # type: ignore[attr-defined]
    event = KG["ucdp-ged-990001"]
    assert {KG.mali, KG.jnim} <= set(g.objects(event, SAHEL.participant))
    claims = {
        str(g.value(c, SAHEL.valueQualifier)): g.value(c, SAHEL.value)
        for c in g.subjects(SAHEL.about, event)
    }
    assert claims == {"approximately": Literal(77), "at-least": Literal(70), "up-to": Literal(100)}
    one_sided = KG["ucdp-ged-990002"]
    assert (one_sided, RDF.type, SAHEL.ViolenceAgainstCivilians) in g
    assert (one_sided, SAHEL.perpetrator, KG["islamic-state"]) in g
    assert (one_sided, SAHEL.location, KG.tillaberi) in g
    assert str(g.value(one_sided, SAHEL.datePrecision)) == "month"
    ranged = KG["ucdp-ged-990003"]
    assert str(g.value(ranged, SAHEL.endDate)) == "2022-06-03"


@pytest.mark.parametrize(("dataset", "path"), [("acled", ACLED_CSV), ("ucdp", UCDP_CSV)])
def test_output_is_deterministic_and_valid_on_its_own(
    ctx: Context, ontology: Ontology, tmp_path: Path, dataset: str, path: Path
) -> None:
    convert_dataset(ctx.aliases, ctx.seeds, dataset, path, tmp_path / "one.ttl")
    convert_dataset(ctx.aliases, ctx.seeds, dataset, path, tmp_path / "two.ttl")
    assert (tmp_path / "one.ttl").read_bytes() == (tmp_path / "two.ttl").read_bytes()
    prepare([tmp_path / "one.ttl"], ontology)  # SHACL without the seeds: what it names is restated


def test_missing_columns_and_missing_files_are_input_errors(ctx: Context, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("event_id_cnty,event_date\nX1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        convert_dataset(ctx.aliases, ctx.seeds, "acled", bad, tmp_path / "o.ttl")
    with pytest.raises(InputError, match="no such file"):
        convert_dataset(ctx.aliases, ctx.seeds, "acled", tmp_path / "nope.csv", tmp_path / "o.ttl")
    with pytest.raises(InputError, match="unknown dataset"):
        convert_dataset(ctx.aliases, ctx.seeds, "gdelt", ACLED_CSV, tmp_path / "o.ttl")


def test_the_synthetic_file_has_the_real_acled_columns() -> None:
    with ACLED_CSV.open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == acled.COLUMNS


def test_a_large_import_prepares_without_shapes_and_keeps_every_triple(
    ctx: Context, ontology: Ontology, tmp_path: Path
) -> None:
    from bench.import_rows import write_csv

    source = tmp_path / "synthetic.csv"
    bad = write_csv(source, 1500)
    result = convert_dataset(ctx.aliases, ctx.seeds, "acled", source, tmp_path / "big.ttl")
    assert len(result.errors) == bad and result.events == 1500 - bad
    prepared = prepare([tmp_path / "big.ttl"], ontology, validate=False)
    assert prepared.triples == len(Graph().parse(tmp_path / "big.ttl"))
    events = [n for n in prepared.pg.nodes.values() if "Event" in n.labels]
    assert len(events) == result.events


def test_cli_writes_with_o_and_refuses_bad_input(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli.app import app

    runner = CliRunner()
    out = tmp_path / "acled.ttl"
    done = runner.invoke(app, ["import", "acled", str(ACLED_CSV), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "wrote" in done.output and out.exists()
    assert "skipped row 5 (line 6)" in done.output
    article = DATA / "ingest" / "synthetic_djibo.txt"
    bad = runner.invoke(app, ["ingest", str(article), "--published", "5 March", "--publisher", "X"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert runner.invoke(app, ["import", "ucdp", str(empty)]).exit_code == 2


def test_every_curated_alias_names_an_actor_or_place_of_the_seeds(ctx: Context) -> None:
    assert ctx.aliases.dangling == []
