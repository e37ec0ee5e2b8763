"""`sahelkg ingest` on the seed article and on an invented report: precision and recall
against hand-made gold lists (printed), every figure with its attribution, relative dates,
the review against the seeds, and drafts that pass the shapes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal

from graph.load import prepare
from graph.ontology import Ontology
from graph.vocab import KG_NS, SAHEL
from ingest.aliases import AliasTable
from ingest.article import extract
from ingest.evaluate import _norm as norm
from ingest.pipeline import Context, ingest_article, read_text
from tests.conftest import DATA, ONTOLOGY, SEEDS

INGEST = DATA / "ingest"
ARTICLE = SEEDS / "documents" / "000_ba3847952c0dce03.txt"
CASES = [
    (ARTICLE, dt.date(2024, 9, 19), INGEST / "gold_000_ba3847952c0dce03.json"),
    (INGEST / "synthetic_djibo.txt", dt.date(2024, 3, 5), INGEST / "gold_synthetic_djibo.json"),
]


def gold(path: Path) -> set[tuple[str, ...]]:
    rows = json.loads(path.read_text(encoding="utf-8"))["facts"]
    return {norm(tuple(str(p) for p in row)) for row in rows}


@pytest.mark.parametrize(("text", "published", "gold_path"), CASES, ids=["article", "djibo"])
def test_precision_and_recall_against_the_gold_list(
    ctx: Context, text: Path, published: dt.date, gold_path: Path
) -> None:
    expected = gold(gold_path)
    found = {norm(f) for f in extract(read_text(text), published, ctx.aliases).facts()}
    hits = expected & found
    precision, recall = len(hits) / len(found), len(hits) / len(expected)
    print(f"\n{text.name}: precision {precision:.2f} ({len(hits)}/{len(found)}), "
          f"recall {recall:.2f} ({len(hits)}/{len(expected)})")  # fmt: skip
    for fact in sorted(expected - found):
        print("  missed:", fact)
    for fact in sorted(found - expected):
        print("  wrong: ", fact)
    assert recall >= 0.8
    assert precision >= 0.8
    figures = {f for f in expected if f[0] == "claim"}
    assert figures <= found, f"figures or attributions missed: {sorted(figures - found)}"


def test_the_article_figures_carry_value_qualifier_and_attribution(ctx: Context) -> None:
    x = extract(read_text(ARTICLE), dt.date(2024, 9, 19), ctx.aliases)
    by_value = {f.figure.value: f.figure for f in x.figures}
    assert by_value[77].attribution == "a Malian security source"
    assert (by_value[77].kind, by_value[77].qualifier) == ("Fatalities", "exact")
    assert (by_value[70].qualifier, by_value[200].qualifier) == ("more-than", "more-than")
    assert by_value[81].attribution == "an internal document"
    assert by_value[255].qualifier == "approximately"
    assert by_value["hundreds"].claimant == KG_NS + "jnim"
    assert by_value[50].victim_category == "military police trainees"


def test_relative_dates_resolve_against_the_publication_date(ctx: Context) -> None:
    x = extract(read_text(ARTICLE), dt.date(2024, 9, 19), ctx.aliases)
    assert x.event is not None
    assert (x.event.date, x.event.precision, x.event.date_text) == (
        dt.date(2024, 9, 17), "day", "on Tuesday"
    )  # fmt: skip
    # "earlier this week" alone gives the month, never a made-up day
    only_week = "Gunmen attacked an army camp in Gao earlier this week, killing 5 soldiers."
    e = extract(only_week, dt.date(2024, 9, 19), ctx.aliases).event
    assert e is not None and (e.date, e.precision) == (dt.date(2024, 9, 1), "month")
    yesterday = "Militants attacked a market in Djibo yesterday, killing 3 civilians."
    e = extract(yesterday, dt.date(2024, 3, 5), ctx.aliases).event
    assert e is not None and (e.date, e.cls) == (dt.date(2024, 3, 4), "ViolenceAgainstCivilians")


def test_one_word_aliases_match_case_and_all(ctx: Context) -> None:
    table: AliasTable = ctx.aliases
    found = {m.surface for m in table.mentions("This is us and IS; the US and Mali's platform.")}
    assert found == {"IS", "US", "Mali"}
    assert table.lookup("JNIM: Group for Support of Islam and Muslims") == KG_NS + "jnim"
    assert table.lookup("Military Forces of Mali (2012-2020)") == KG_NS + "fama"
    assert table.lookup("CNSP") is None  # Mali's and Niger's juntas: ambiguous, not guessed


def test_seed_article_is_all_known_and_its_draft_is_valid(
    ctx: Context, ontology: Ontology, tmp_path: Path
) -> None:
    result = ingest_article(ctx, read_text(ARTICLE), dt.date(2024, 9, 19), "unidentified")
    counts = result.review.counts()
    assert (counts["new"], counts["contradicts"]) == (0, 0) and counts["known"] >= 20
    assert result.review.event == KG_NS + "event-2024-09-17-bamako-attack"
    draft = tmp_path / "draft.ttl"
    draft.write_text(result.draft.turtle(), encoding="utf-8")
    prepare([ONTOLOGY, SEEDS, draft], ontology)  # raises on any shape violation


def test_a_different_toll_contradicts_the_graph_and_is_kept_as_a_claim(
    ctx: Context, ontology: Ontology, tmp_path: Path
) -> None:
    text = read_text(ARTICLE).replace(
        "77 people were confirmed dead", "90 people were confirmed dead"
    )
    result = ingest_article(ctx, text, dt.date(2024, 9, 19), "Other", "https://example.org/b")
    assert result.review.counts()["contradicts"] == 1
    turtle = result.draft.turtle()
    assert "CONTRADICTS the graph (the graph has Fatalities:" in turtle
    assert "sahel:value 90" in turtle
    draft = tmp_path / "draft.ttl"
    draft.write_text(turtle, encoding="utf-8")
    prepare([draft], ontology)  # valid on its own: what it names is restated


def test_new_report_drafts_every_fact_with_provenance(fresh: Context, ontology: Ontology,
                                                      tmp_path: Path) -> None:  # fmt: skip
    text = read_text(INGEST / "synthetic_djibo.txt")
    first = ingest_article(fresh, text, dt.date(2024, 3, 5), "Synthetic Times")
    again = ingest_article(fresh, text, dt.date(2024, 3, 5), "Synthetic Times")
    assert first.draft.turtle() == again.draft.turtle()  # deterministic
    counts = first.review.counts()
    assert counts["known"] == 0 and counts["new"] >= 8
    turtle = first.draft.turtle()
    g = Graph().parse(data=turtle, format="turtle")
    thirty = next(c for c in g.subjects(SAHEL.value, Literal(30)))
    assert g.value(thirty, SAHEL.confidence) == Literal(Decimal("0.85"))
    assert g.value(thirty, SAHEL.textOffsetStart) == Literal(58)  # sentence 1
    assert g.value(thirty, SAHEL.textOffsetEnd) == Literal(text.index("\n", 58))
    assert g.value(thirty, SAHEL.extractedBy) == Literal("sahelkg-ingest 0.2.0")
    assert "Extracted from sentence 1 of the report" in str(g.value(thirty, RDFS.comment))
    draft = tmp_path / "draft.ttl"
    draft.write_text(turtle, encoding="utf-8")
    prepared = prepare([draft], ontology)
    assert prepared.triples > 50
