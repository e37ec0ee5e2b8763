"""The name matcher (graph/match.py) on the ontology and the seeds, read from RDF."""

from __future__ import annotations

import datetime as dt

import pytest

from graph import queries
from graph.load import Ontology
from graph.match import Entity, Index, Query, acronym, name_forms, norm, translit
from graph.match_store import IndexCache
from graph.vocab import KG_NS


def top(index: Index, text: str, **kw: object) -> tuple[str, float, bool]:
    found = index.match(Query(text, **kw))  # type: ignore[arg-type]
    assert found, text
    return found[0].iri.removeprefix(KG_NS), found[0].score, found[0].match


def test_forms_and_keys() -> None:
    assert norm("Jama'at Nusrat al-Islam") == "jamaat nusrat al islam"
    assert norm("Groupe de soutien à l’islam") == "groupe de soutien a lislam"
    assert norm("نصرة الإسلام") == norm("نصره الاسلام")  # hamza and ta marbuta folded
    assert translit(norm("Al-Mourabitoune")) == translit(norm("al-Murabitun"))
    assert translit(norm("Amadou Kouffa")) == translit(norm("Amadou Koufa"))
    assert acronym(translit(norm("Jama'at Nusrat al-Islam wal-Muslimin"))) == "jnim"
    assert name_forms("Military Forces of Mali (2021-)")[:2] == [
        "Military Forces of Mali (2021-)",
        "Military Forces of Mali",
    ]
    assert "JNIM" in name_forms("JNIM: Group for Support of Islam and Muslims")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JNIM", "jnim"),
        ("GSIM", "jnim"),
        ("Jamaat Nosrat al Islam wal Mouslimine", "jnim"),
        ("جماعة نصرة الاسلام و المسلمين", "jnim"),
        ("Groupe de soutien a l islam et aux musulmans", "jnim"),
        ("Goïta Assimi", "assimi-goita"),
        ("Ansar Edine", "ansar-dine"),
        ("JNIM: Group for Support of Islam and Muslims", "jnim"),
    ],
)
def test_variants_match_unambiguously(index: Index, text: str, expected: str) -> None:
    iri, score, match = top(index, text)
    assert (iri, match) == (expected, True) and score >= 90


def test_features_explain_the_score(index: Index) -> None:
    best = index.match(Query("Jamaat Nosrat al Islam wal Mouslimine", types=("JihadistGroup",)))[0]
    features = {f.id: f.value for f in best.features}
    assert features["exact_alias"] is False and features["type_agreement"] is True
    assert 0.8 < float(features["name_similarity"]) <= 1.0
    assert float(features["token_overlap"]) > 0
    exact = index.match(Query("GSIM"))[0]
    assert {f.id: f.value for f in exact.features}["exact_alias"] is True


def test_shared_alias_is_never_a_match(index: Index) -> None:
    found = index.match(Query("CNSP"))  # Mali's 2020 junta and Niger's 2023 junta
    assert {c.iri.removeprefix(KG_NS) for c in found[:2]} == {"mali-junta", "niger-junta"}
    assert not any(c.match for c in found)


def test_a_known_word_is_not_a_typo(index: Index) -> None:
    """Nigeria (a country of the graph) and Nigerian (its demonym) differ from Niger and
    Nigerien by a letter or two: words, not typos."""
    assert index.best(Query("Nigerien army")).iri == KG_NS + "niger-armed-forces"  # type: ignore[union-attr]
    for text in ("Nigerian army", "Nigeria Armed Forces", "Military Forces of Nigeria (2015-)"):
        assert index.best(Query(text)) is None, text


def test_unknown_names_do_not_match(index: Index) -> None:
    for text in ["Unidentified Armed Group (Mali)", "Katiba Tin Hama", "Random Person"]:
        assert not any(c.match for c in index.match(Query(text)))


def test_type_restricts_candidates(index: Index) -> None:
    anything = index.match(Query("Azawad", limit=10))
    assert {"Place", "ArmedGroup"} <= {t for c in anything for t in c.entity.types}
    found = index.match(Query("Azawad", types=("ArmedGroup",), limit=10))
    assert found and all("ArmedGroup" in c.entity.types for c in found)


def test_a_date_outside_the_life_of_a_group_blocks_the_match(index: Index) -> None:
    alive = index.match(Query("Ansar Dine", at=dt.date(2015, 1, 1)))[0]
    later = index.match(Query("Ansar Dine", at=dt.date(2020, 1, 1)))
    gone = next(c for c in later if c.iri == KG_NS + "ansar-dine")  # dissolved in 2017
    assert alive.match and alive.iri == KG_NS + "ansar-dine"
    assert {f.id: f.value for f in gone.features}["time_overlap"] is False
    assert not any(c.match for c in later) and gone.score < alive.score


def test_co_located_place_breaks_a_tie() -> None:
    a = Entity("x:a", "Katiba A", frozenset({"Actor"}), ("Katiba Salam",), places=frozenset())
    b = Entity(
        "x:b", "Katiba B", frozenset({"Actor"}), ("Katiba Salam",), places=frozenset({"x:mali"})
    )
    index = Index([a, b])
    plain = index.match(Query("Katiba Salam"))
    assert not plain[0].match
    placed = index.match(Query("Katiba Salam", place="x:mali"))
    assert placed[0].iri == "x:b"
    assert {f.id: f.value for f in placed[0].features}["co_located"] is True


def test_suggest_by_prefix(index: Index) -> None:
    names = [e.iri.removeprefix(KG_NS) for e in index.suggest("jama")]
    assert "jnim" in names and "boko-haram" in names
    assert [e.iri.removeprefix(KG_NS) for e in index.suggest("GSI")] == ["jnim"]
    assert all("Person" in e.types for e in index.suggest("a", types=["Person"]))
    assert index.suggest("   ") == []


def test_initials_of_a_name_find_it(index: Index) -> None:
    """'MLF' is no alias of the graph: the initials of 'Macina Liberation Front' are."""
    assert "mlf" not in index.by_key
    best = index.match(Query("MLF"))[0]
    assert best.iri == KG_NS + "katiba-macina" and best.match
    assert {f.id: f.value for f in best.features}["acronym"] is True


def test_the_index_is_kept_per_version_and_a_given_version_costs_no_store_read(
    ontology: Ontology,
) -> None:
    asked: list[str] = []

    def rows(query: str, **params: object) -> list[dict[str, object]]:
        asked.append(query)
        return [{"id": "load-a"}] if query == queries.API_LOAD_IDS else []

    cache = IndexCache()
    first = cache.get(rows, ontology.registry, ("load-a",))
    assert queries.API_LOAD_IDS not in asked and asked  # built, the version not asked for
    built = len(asked)
    assert cache.get(rows, ontology.registry, ("load-a",)) is first and len(asked) == built
    assert cache.get(rows, ontology.registry) is first  # the store says the same version
    assert asked[built:] == [queries.API_LOAD_IDS]
    newer = cache.get(rows, ontology.registry, ("load-b", "load-a"))  # a load committed
    assert newer is not first and newer.version == "load-a,load-b"
