"""The extractor on the press corpus (tests/data/ingest/press/: 6 English and 4 French
news-style reports written for it, each with a hand-made gold list): precision and recall
per language (printed; a floor guards regressions), every event of a multi-event report with
its own date, French dates, figures and claims, candidates for the names the graph does not
know, and drafts that pass the shapes on their own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from graph.errors import InputError
from graph.load import prepare
from graph.ontology import Ontology
from graph.vocab import KG_NS, SAHEL
from ingest.article import extract
from ingest.dates import find_dates
from ingest.draft import CANDIDATE, report_lines
from ingest.evaluate import evaluate
from ingest.lang import choose, detect
from ingest.pipeline import Context, Ingested, ingest_article
from tests.conftest import DATA, ONTOLOGY, SEEDS

PRESS = DATA / "ingest" / "press"
REPORTS = sorted(PRESS.glob("*.txt"))
FLOOR = 0.85  # guards regressions; the goal is 0.9 and above (printed)
JNIM = URIRef(KG_NS + "jnim")


def published(path: Path) -> dt.date:
    return dt.date.fromisoformat(json.loads(path.with_suffix(".json").read_text())["published"])


def ingest(ctx: Context, name: str, lang: str | None = None) -> Ingested:
    path = PRESS / name
    return ingest_article(
        ctx, path.read_text(encoding="utf-8"), published(path), "Test", None, lang
    )


def test_the_corpus_has_six_english_and_four_french_reports() -> None:
    langs = [json.loads(p.with_suffix(".json").read_text())["lang"] for p in REPORTS]
    assert langs.count("en") >= 6 and langs.count("fr") >= 4


def test_precision_and_recall_per_language(ctx: Context) -> None:
    scores = evaluate(PRESS, ctx.aliases)
    for lang, s in sorted(scores.items()):
        print(f"\n{lang}: precision {s.precision:.2f} ({s.hits}/{s.found}), "
              f"recall {s.recall:.2f} ({s.hits}/{s.expected})")  # fmt: skip
        for report, fact in s.missed:
            print("  missed:", report, fact)
        for report, fact in s.wrong:
            print("  wrong: ", report, fact)
    assert set(scores) == {"en", "fr"}
    for s in scores.values():
        assert s.precision >= FLOOR and s.recall >= FLOOR


def test_held_out_reports_are_measured_apart(ctx: Context) -> None:
    """Written after the rules were frozen: printed, with a floor far below the corpus's."""
    scores = evaluate(DATA / "ingest" / "heldout", ctx.aliases)
    for lang, s in sorted(scores.items()):
        print(f"\nheld-out {lang}: precision {s.precision:.2f}, recall {s.recall:.2f}")
    assert set(scores) == {"en", "fr"}
    assert all(s.precision >= 0.4 and s.recall >= 0.3 for s in scores.values())


def test_ranges_headline_words_and_dates_are_not_names(ctx: Context) -> None:
    from ingest.figures import figures

    f30, f32 = figures("Selon des sources locales, 30 à 32 soldats ont été tués.", lang="fr")
    assert (f30.value, f30.qualifier, f32.value, f32.qualifier) == (30, "at-least", 32, "up-to")
    text = "Report\nUp to 600 people died in the August 24 attack in the Point Triple area."
    x = extract(text, dt.date(2024, 10, 4), ctx.aliases, "en")
    assert [(c.cls, c.label) for c in x.candidates] == [("Region", "Point Triple")]


@pytest.mark.parametrize(
    ("name", "dates"),
    [
        ("en_boulkessi_2025-06-03.txt", ["2025-06-01", "2025-06-02", "2025-05-24"]),
        ("fr_tombouctou_2025-06-02.txt", ["2025-06-01", "2025-06-02"]),
        ("fr_mamaribougou_2025-06-05.txt", ["2025-06-04", "2025-06-04", "2025-06-05"]),
        ("en_djibo_2025-05-16.txt", ["2025-05-11", "2025-05-11"]),
    ],
)
def test_every_event_of_a_report_with_its_own_date(
    ctx: Context, name: str, dates: list[str]
) -> None:
    x = ingest(ctx, name).extraction
    assert [e.date.isoformat() for e in x.events] == dates
    assert all(e.precision == "day" and e.locations for e in x.events)
    # each event's figures are its own: Timbuktu's 14 dead are not Boulkessi's
    if name.startswith("en_boulkessi"):
        by_event = {
            (x.events[f.event].key, f.figure.value) for f in x.figures if f.event is not None
        }
        assert by_event == {("2025-06-01@boulkessi", 30), ("2025-06-02@timbuktu", 14),
                            ("2025-05-24@dioura", 40)}  # fmt: skip


def test_french_dates_resolve_against_the_publication_date() -> None:
    thursday = dt.date(2025, 8, 21)

    def one(text: str) -> tuple[str, str]:
        (d,) = find_dates(text, thursday, lang="fr")
        return d.date.isoformat(), d.precision

    assert one("mardi dernier") == ("2025-08-19", "day")
    assert one("jeudi dernier") == ("2025-08-14", "day")  # "dernier": never the same day
    assert one("dans la nuit de mardi à mercredi") == ("2025-08-19", "day")
    assert one("à la mi-mai") == ("2025-05-01", "month")  # no mid-month in the ontology
    assert one("le 1er juillet") == ("2025-07-01", "day")
    assert one("hier") == ("2025-08-20", "day")
    assert one("le 24 décembre") == ("2024-12-24", "day")  # not a day after publication


def test_french_figures_keep_their_attribution(ctx: Context) -> None:
    x = ingest(ctx, "fr_farabougou_2025-08-21.txt").extraction
    (f21,) = [f for f in x.figures if f.figure.value == 21]
    assert (f21.figure.qualifier, f21.figure.attribution) == ("at-least", "SITE Intelligence Group")
    assert f21.stated_by == "new:SITE Intelligence Group"
    x = ingest(ctx, "fr_banibangou_2025-06-20.txt").extraction
    assert {(f.figure.kind, f.figure.value, f.figure.attribution) for f in x.figures} == {
        ("Fatalities", 34, "le ministère de la Défense"),
        ("Injuries", 14, "le ministère de la Défense"),
        ("Fatalities", "dizaines", "L'armée nigérienne"),
    }


def test_the_language_is_detected_or_given() -> None:
    for path in REPORTS:
        assert detect(path.read_text(encoding="utf-8")) == path.name[:2]
    assert choose("anything", "fr") == "fr"
    with pytest.raises(InputError, match="--lang"):
        choose("anything", "de")


def test_given_the_wrong_language_a_french_report_yields_little(ctx: Context) -> None:
    text = (PRESS / "fr_farabougou_2025-08-21.txt").read_text(encoding="utf-8")
    right = extract(text, dt.date(2025, 8, 21), ctx.aliases, "fr")
    wrong = extract(text, dt.date(2025, 8, 21), ctx.aliases, "en")
    assert right.events[0].claimed_by == [str(JNIM)]
    assert not wrong.events or not wrong.events[0].claimed_by


def test_roles_claimant_unclaimed_condemnation_and_the_armys_account(ctx: Context) -> None:
    x = ingest(ctx, "fr_mamaribougou_2025-06-05.txt").extraction
    tessit = next(e for e in x.events if e.key == "2025-06-04@tessit")
    assert tessit.unclaimed and not tessit.claimed_by
    assert tessit.perpetrators == [KG_NS + "is-sahel"]
    x = ingest(ctx, "en_kayes_2025-07-02.txt").extraction
    assert x.events[0].condemned_by == ["new:Indian Ministry of External Affairs"]
    (eighty,) = [f for f in x.figures if f.figure.value == 80]
    assert eighty.stated_by == "new:Souleymane Dembélé"
    x = ingest(ctx, "en_boulkessi_2025-06-03.txt").extraction
    assert ("Statement", KG_NS + "fama") in {(s.cls, s.stated_by) for s in x.statements}
    claim = next(s for s in x.statements if s.cls == "ClaimOfResponsibility")
    assert claim.events == [0, 1, 2]  # "JNIM claimed both attacks", then Dioura's claim


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_every_draft_validates_on_its_own(
    ctx: Context, ontology: Ontology, tmp_path: Path, path: Path
) -> None:
    result = ingest(ctx, path.name)
    draft = tmp_path / "draft.ttl"
    draft.write_text(result.draft.turtle(), encoding="utf-8")
    prepare([draft], ontology)  # raises on any shape violation
    again = ingest(ctx, path.name)
    assert again.draft.turtle() == result.draft.turtle()  # deterministic


def test_unknown_places_and_people_are_candidate_nodes_in_the_draft_and_the_review(
    ctx: Context,
) -> None:
    result = ingest(ctx, "en_fambita_2025-03-22.txt")
    g = Graph().parse(data=result.draft.turtle(), format="turtle")
    cands = {str(g.value(n, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))): n
             for n in g.subjects(SAHEL.reviewStatus, Literal("candidate"))}  # fmt: skip
    assert set(cands) == {"Fambita", "Kokorou", "Salifou Modi"}
    assert (cands["Fambita"], RDF.type, SAHEL.City) in g
    assert (cands["Salifou Modi"], RDF.type, SAHEL.Person) in g
    assert g.value(cands["Fambita"], SAHEL.locatedIn) == cands["Kokorou"]
    assert g.value(cands["Kokorou"], SAHEL.locatedIn) == URIRef(KG_NS + "tillaberi")
    assert g.value(cands["Fambita"], SAHEL.locationPrecision) == Literal("town")
    event = URIRef(result.draft.events[0])
    assert g.value(event, SAHEL.location) == cands["Fambita"]
    assert (event, SAHEL.condemnedBy, cands["Salifou Modi"]) in g
    start = g.value(cands["Fambita"], SAHEL.textOffsetStart)
    assert start is not None and "Fambita" in result.extraction.text[int(start) :][:300]
    rows = [row for row in report_lines(result.draft) if row[0] == CANDIDATE]
    assert {row[1] for row in rows} == {
        "City 'Fambita' in Kokorou (new)", "City 'Kokorou' in Tillabéri region",
        "Person 'Salifou Modi'",
    }  # fmt: skip


def test_a_french_draft_ties_the_event_to_its_claimant(ontology: Ontology, tmp_path: Path) -> None:
    fresh = Context.read(ontology, SEEDS, against=[ONTOLOGY])
    result = ingest(fresh, "fr_farabougou_2025-08-21.txt")
    g = Graph().parse(data=result.draft.turtle(), format="turtle")
    (event,) = [URIRef(e) for e in result.draft.events]
    assert (event, SAHEL.claimedBy, JNIM) in g and (event, SAHEL.perpetrator, JNIM) in g
    (claim,) = g.subjects(RDF.type, SAHEL.ClaimOfResponsibility)
    assert (claim, SAHEL.about, event) in g and (claim, SAHEL.statedBy, JNIM) in g
