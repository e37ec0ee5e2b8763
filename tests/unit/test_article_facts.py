"""Every fact of the article seeds/documents/000_ba3847952c0dce03.txt must be in the seeds.

A hand-written table of the article's facts (subject, relation, object-or-value, source); each row
is one test, asserted with a SPARQL ASK over all seeds/*.ttl parsed into one rdflib graph:
the subject carries the relation to the object AND cites the source. Removing a fact, or its
source, fails its row. Independent reports of the same attack (AFP via Dawn, The Washington Post)
and the context reports used to resolve dates are rows too, with their own sources.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DOCUMENT = "seeds/documents/000_ba3847952c0dce03.txt"
DOCUMENT_SHA256 = "adb20a342c4027ceb64836b14e2d9fbd52a82f425daf974cf3a13e009024a02a"

S = Namespace("https://w3id.org/sahel-kg/ontology#")
KG = Namespace("https://w3id.org/sahel-kg/id/")

# Sources
ART = KG["src-unidentified-2024-09-19-bamako-assault-al-qaeda-linked-group"]
DAWN = KG["src-dawn-2024-09-20-over-70-killed-200-injured-in-mali-attacks"]
WAPO = KG["src-washington-post-2024-10-29-bloody-attack-mali-capital-al-qaeda-strategy"]
DEV = KG["src-devdiscourse-2024-09-17-mali-army-thwarts-dawn-attack"]
INEWS = KG["src-inewsafrica-2024-09-17-jnim-claims-mali-attack"]
FINFO = KG["src-francetvinfo-2022-08-15-barkhane-leaves-mali"]
TOUT = KG["src-toutafrica-2024-09-20-attaque-bamako-reaction-france"]
VANG = KG["src-vanguard-2023-09-16-mali-niger-burkina-establish-sahel-alliance"]

# Nodes of the article
ATTACK = KG["event-2024-09-17-bamako-attack"]
SCHOOL_ATTACK = KG["event-2024-09-17-bamako-attack-gendarmerie-school"]
AIRPORT_ATTACK = KG["event-2024-09-17-bamako-attack-airport"]
SCHOOL = KG["faladie-gendarmerie-school"]
EMBASSY = KG["french-embassy-bamako"]
SOCIAL = KG["malians-on-social-media"]
EXPERTS = KG["experts-cited-in-bamako-attack-article"]
FUNERALS = KG["event-2024-09-19-bamako-attack-funerals"]
SPEECH = KG["event-2024-04-10-mali-junta-free-speech-restrictions"]
ANNIV = KG["event-2024-09-16-aes-first-anniversary"]
ST_JNIM = KG["statement-2024-09-17-bamako-attack-jnim-claim-of-responsibility"]
ST_SEN = KG["statement-2024-09-bamako-attack-senegal-condemnation"]
ST_AU = KG["statement-2024-09-bamako-attack-african-union-condemnation"]
ST_FR = KG["statement-2024-09-19-bamako-attack-french-embassy-condolence"]
ST_TOLL = KG["statement-2024-09-bamako-attack-mali-junta-no-official-toll"]
ST_SOCIAL = KG["statement-2024-09-bamako-attack-malians-demand-accountability"]
ST_EXPERTS = KG["statement-2024-09-bamako-attack-experts-warning"]

C77 = KG["claim-bamako-attack-fatalities-unidentified-2024-09-19-security-source"]
C81 = KG["claim-bamako-attack-fatalities-unidentified-2024-09-19-internal-document"]
C70 = KG["claim-bamako-attack-fatalities-unidentified-2024-09-19-own-words"]
C200 = KG["claim-bamako-attack-injuries-unidentified-2024-09-19-own-words"]
C255 = KG["claim-bamako-attack-injuries-unidentified-2024-09-19-approximately"]
C50 = KG["claim-bamako-attack-fatalities-unidentified-2024-09-19-military-police-trainees"]
CJNIM = KG["claim-bamako-attack-killed-or-wounded-unidentified-2024-09-19-jnim"]
CAIR = KG["claim-bamako-attack-materiel-destroyed-unidentified-2024-09-19"]
D77 = KG["claim-bamako-attack-fatalities-dawn-2024-09-20-security-source"]
D255 = KG["claim-bamako-attack-injuries-dawn-2024-09-20-security-source"]
D100 = KG["claim-bamako-attack-fatalities-dawn-2024-09-20-confidential-document"]
D81 = KG["claim-bamako-attack-fatalities-dawn-2024-09-20-named-victims"]
D70 = KG["claim-bamako-attack-fatalities-dawn-2024-09-20-headline"]
D200 = KG["claim-bamako-attack-injuries-dawn-2024-09-20-headline"]
D50 = KG["claim-bamako-attack-fatalities-dawn-2024-09-20-military-police-students"]
DJNIM = KG["claim-bamako-attack-killed-or-wounded-dawn-2024-09-20-jnim"]
WDOZ = KG["claim-bamako-attack-fatalities-washington-post-2024-10-29"]
WAIR = KG["claim-bamako-attack-materiel-destroyed-washington-post-2024-10-29"]

R = KG  # qualified relations: the article's own (KG["article-rel-..."]) and, where the article
#        repeats one of seeds/alliances.ttl, that one relation, which cites the article too


def d(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def i(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def s(value: str) -> Literal:
    return Literal(value)


def claim(node, value, kind, attribution, about, source, qualifier=None):
    rows = [
        (node, RDF.type, S.Claim, source),
        (node, S.value, value, source),
        (node, S.claimKind, kind, source),
        (node, S.attribution, s(attribution), source),
        (node, S.about, about, source),
    ]
    if qualifier:
        rows.append((node, S.valueQualifier, s(qualifier), source))
    return rows


def qrel(node, subject, predicate, obj, source):
    return [
        (node, RDF.type, S.QualifiedRelation, source),
        (node, S.subject, subject, source),
        (node, S.predicate, predicate, source),
        (node, S.object, obj, source),
    ]


# (subject, relation, object-or-value, source)
FACTS: list[tuple] = [
    # --- the attack ---
    (ATTACK, RDF.type, S.Battle, ART),
    (ATTACK, S.date, d("2024-09-17"), ART),
    (ATTACK, S.location, KG["bamako"], ART),
    (ATTACK, S.location, KG["bamako-airport"], ART),
    (ATTACK, S.location, SCHOOL, ART),
    (ATTACK, S.target, SCHOOL, ART),
    (ATTACK, S.target, KG["bamako-airport"], ART),
    (ATTACK, S.target, KG["malian-gendarmerie"], ART),
    (ATTACK, S.perpetrator, KG["jnim"], ART),
    (ATTACK, S.claimedBy, KG["jnim"], ART),
    (ATTACK, S.condemnedBy, KG["senegal"], ART),
    (ATTACK, S.condemnedBy, KG["african-union"], ART),
    (ATTACK, S.source, DAWN, DAWN),
    (ATTACK, S.source, WAPO, WAPO),
    (ATTACK, S.date, d("2024-09-17"), DEV),
    (ATTACK, S.date, d("2024-09-17"), INEWS),
    (SCHOOL_ATTACK, S.partOf, ATTACK, ART),
    (SCHOOL_ATTACK, S.location, SCHOOL, ART),
    (SCHOOL_ATTACK, S.date, d("2024-09-17"), ART),
    (AIRPORT_ATTACK, S.partOf, ATTACK, ART),
    (AIRPORT_ATTACK, S.location, KG["bamako-airport"], ART),
    (AIRPORT_ATTACK, S.date, d("2024-09-17"), ART),
    # --- the site and the actors the article adds ---
    (SCHOOL, RDF.type, S.Site, ART),
    (SCHOOL, S.locatedIn, KG["bamako"], ART),
    (SCHOOL, S.locatedIn, KG["bamako"], DEV),
    (EMBASSY, RDF.type, S.Organization, ART),
    (SOCIAL, RDF.type, S.Actor, ART),
    (EXPERTS, RDF.type, S.Actor, ART),
    # --- figures as the article gives them ---
    *claim(C77, i(77), S.Fatalities, "a Malian security source", ATTACK, ART, "exact"),
    *claim(C81, i(81), S.Fatalities, "an internal document", ATTACK, ART, "exact"),
    *claim(C70, i(70), S.Fatalities, "the article itself (unattributed)", ATTACK, ART, "more-than"),
    *claim(C200, i(200), S.Injuries, "the article itself (unattributed)", ATTACK, ART, "more-than"),
    *claim(
        C255,
        i(255),
        S.Injuries,
        "unattributed in the article (given right after the security-source and "
        "internal-document tolls)",
        ATTACK,
        ART,
        "approximately",
    ),
    *claim(
        C50,
        i(50),
        S.Fatalities,
        "the article itself (funerals held for 50 military police trainees)",
        ATTACK,
        ART,
    ),
    (C50, S.victimCategory, s("military police trainees"), ART),
    (C50, S.about, FUNERALS, ART),
    *claim(CJNIM, s("hundreds"), S.KilledOrWounded, "JNIM, claiming responsibility", ATTACK, ART),
    (CJNIM, S.statedBy, KG["jnim"], ART),
    (CJNIM, S.mentions, KG["wagner-group"], ART),
    *claim(
        CAIR,
        s("aircraft (number not given)"),
        S.MaterielDestroyed,
        "reportedly (unattributed in the article)",
        AIRPORT_ATTACK,
        ART,
    ),
    (CAIR, S.unit, s("aircraft"), ART),
    # --- figures from AFP via Dawn ---
    *claim(D77, i(77), S.Fatalities, "a security source (AFP)", ATTACK, DAWN, "exact"),
    *claim(D255, i(255), S.Injuries, "a security source (AFP)", ATTACK, DAWN, "exact"),
    *claim(
        D100,
        i(100),
        S.Fatalities,
        "an authenticated confidential official document (AFP)",
        ATTACK,
        DAWN,
        "approximately",
    ),
    *claim(
        D81,
        i(81),
        S.Fatalities,
        "an authenticated confidential official document, naming the victims (AFP)",
        ATTACK,
        DAWN,
        "exact",
    ),
    *claim(
        D70,
        i(70),
        S.Fatalities,
        "AFP's summary of the security-source tolls",
        ATTACK,
        DAWN,
        "more-than",
    ),
    *claim(D200, i(200), S.Injuries, "AFP's summary of the security-source tolls", ATTACK, DAWN),
    *claim(
        D50,
        i(50),
        S.Fatalities,
        "the Bamako daily Le Soir (reported by AFP)",
        ATTACK,
        DAWN,
        "approximately",
    ),
    (D50, S.victimCategory, s("military police students"), DAWN),
    *claim(
        DJNIM,
        s("hundreds"),
        S.KilledOrWounded,
        "JNIM (claiming a few dozen of its fighters did it)",
        ATTACK,
        DAWN,
    ),
    (DJNIM, S.statedBy, KG["jnim"], DAWN),
    (DJNIM, S.mentions, KG["wagner-group"], DAWN),
    # --- figures from The Washington Post ---
    *claim(WDOZ, s("dozens"), S.Fatalities, "The Washington Post's own summary", ATTACK, WAPO),
    *claim(
        WAIR,
        s("planes (number not given)"),
        S.MaterielDestroyed,
        "The Washington Post (militants filmed much of their assault)",
        AIRPORT_ATTACK,
        WAPO,
    ),
    # --- statements ---
    (ST_JNIM, RDF.type, S.ClaimOfResponsibility, ART),
    (ST_JNIM, S.statedBy, KG["jnim"], ART),
    (ST_JNIM, S.about, ATTACK, ART),
    (ST_JNIM, S.mentions, KG["wagner-group"], ART),
    (ST_JNIM, S.date, d("2024-09-17"), INEWS),
    (ST_SEN, RDF.type, S.Condemnation, ART),
    (ST_SEN, S.statedBy, KG["senegal"], ART),
    (ST_SEN, S.about, ATTACK, ART),
    (ST_AU, RDF.type, S.Condemnation, ART),
    (ST_AU, S.statedBy, KG["african-union"], ART),
    (ST_AU, S.about, ATTACK, ART),
    (ST_FR, RDF.type, S.Condolence, ART),
    (ST_FR, S.statedBy, EMBASSY, ART),
    (ST_FR, S.addressedTo, KG["mali-junta"], ART),
    (ST_FR, S.about, ATTACK, ART),
    (ST_FR, S.location, KG["bamako"], ART),
    (ST_FR, S.date, d("2024-09-19"), TOUT),
    (KG["statement-2024-09-bamako-attack-ecowas-condemnation"], S.statedBy, KG["ecowas"], TOUT),
    (ST_TOLL, RDF.type, S.Statement, ART),
    (ST_TOLL, S.statedBy, KG["mali-junta"], ART),
    (ST_TOLL, S.about, ATTACK, ART),
    (ST_TOLL, S.about, ATTACK, DAWN),
    (ST_SOCIAL, RDF.type, S.Statement, ART),
    (ST_SOCIAL, S.statedBy, SOCIAL, ART),
    (ST_SOCIAL, S.addressedTo, KG["mali-junta"], ART),
    (ST_SOCIAL, S.about, ATTACK, ART),
    (ST_EXPERTS, RDF.type, S.Statement, ART),
    (ST_EXPERTS, S.statedBy, EXPERTS, ART),
    (ST_EXPERTS, S.about, ATTACK, ART),
    # --- funerals, free speech, AES anniversary ---
    (FUNERALS, RDF.type, S.Event, ART),
    (FUNERALS, S.date, d("2024-09-19"), DAWN),
    (FUNERALS, S.location, KG["bamako"], ART),
    (FUNERALS, S.about, ATTACK, ART),
    (SPEECH, RDF.type, S.PolicyMeasure, ART),
    (SPEECH, S.perpetrator, KG["mali-junta"], ART),
    (SPEECH, S.location, KG["mali"], ART),
    (ANNIV, RDF.type, S.Event, ART),
    (ANNIV, S.date, d("2024-09-16"), DAWN),
    (ANNIV, S.participant, KG["aes"], ART),
    (ANNIV, S.about, KG["event-2023-09-16-liptako-gourma-charter"], ART),
    # --- context relations ---
    *qrel(R["rel-mali-junta-governs-mali"], KG["mali-junta"], S.governs, KG["mali"], ART),
    (R["rel-mali-junta-governs-mali"], S.validFrom, d("2020-08-18"), ART),
    *qrel(
        R["rel-burkina-faso-junta-governs-burkina-faso"],
        KG["burkina-faso-junta"],
        S.governs,
        KG["burkina-faso"],
        ART,
    ),
    *qrel(R["rel-niger-junta-governs-niger"], KG["niger-junta"], S.governs, KG["niger"], ART),
    *qrel(
        R["rel-jnim-affiliatedwith-al-qaeda"],
        KG["jnim"],
        S.affiliatedWith,
        KG["al-qaeda"],
        ART,
    ),
    *qrel(R["rel-jnim-hostileto-mali-junta"], KG["jnim"], S.hostileTo, KG["mali-junta"], ART),
    *qrel(R["rel-jnim-operatesin-mali"], KG["jnim"], S.operatesIn, KG["mali"], ART),
    *qrel(
        R["article-rel-al-qaeda-operates-in-sahel-region"],
        KG["al-qaeda"],
        S.operatesIn,
        KG["sahel-region"],
        ART,
    ),
    *qrel(
        R["article-rel-islamic-state-operates-in-sahel-region"],
        KG["islamic-state"],
        S.operatesIn,
        KG["sahel-region"],
        ART,
    ),
    *qrel(R["rel-mali-partnerof-france"], KG["mali"], S.partnerOf, KG["france"], ART),
    (R["rel-mali-partnerof-france"], S.validTo, d("2022-08-15"), FINFO),
    *qrel(R["rel-mali-partnerof-russia"], KG["mali"], S.partnerOf, KG["russia"], ART),
    *qrel(R["rel-mali-memberof-aes"], KG["mali"], S.memberOf, KG["aes"], ART),
    (R["rel-mali-memberof-aes"], S.validFrom, d("2023-09-16"), VANG),
    # --- the article as a source ---
    (ART, RDF.type, S.Source, ART),
    (ART, S.documentPath, s(DOCUMENT), ART),
    (
        ART,
        S.title,
        s("Mali’s Capital City Bamako Targeted in Deadly Assault by Al Qaeda-Linked Group"),
        ART,
    ),
]


def _short(term) -> str:
    text = str(term)
    for prefix, ns in (("kg:", str(KG)), ("sahel:", str(S))):
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    if term == RDF.type:
        return "a"
    return text


ASK = """
ASK {
    ?s ?p ?o .
    { ?s sahel:source ?src } UNION { FILTER(?s = ?src) ?s a sahel:Source }
}
"""


@pytest.mark.parametrize(
    "subject,relation,obj,source",
    FACTS,
    ids=[f"{_short(a)} {_short(b)} {_short(c)} [{_short(e)}]" for a, b, c, e in FACTS],
)
def test_fact_in_seeds(seeds: Graph, subject, relation, obj, source) -> None:
    found = seeds.query(
        ASK,
        initNs={"sahel": S},
        initBindings={"s": subject, "p": relation, "o": obj, "src": source},
    ).askAnswer
    assert found, f"missing: {_short(subject)} {_short(relation)} {obj!r} citing {_short(source)}"


def test_no_duplicate_rows() -> None:
    assert len(FACTS) == len(set(FACTS))


def test_every_cited_source_is_a_source_with_label(seeds: Graph) -> None:
    for src in {row[3] for row in FACTS}:
        assert (src, RDF.type, S.Source) in seeds, _short(src)
        assert seeds.value(src, S.published) is not None, _short(src)
        assert seeds.value(src, RDFS.label) is not None, _short(src)


def test_article_document_is_verbatim_copy() -> None:
    data = (ROOT / DOCUMENT).read_bytes()
    assert hashlib.sha256(data).hexdigest() == DOCUMENT_SHA256


def test_claims_never_merged(seeds: Graph) -> None:
    """One claim node per figure and attribution: the article's tolls stay side by side."""
    values = {seeds.value(c, S.value) for c in (C77, C81, C70, C50)}
    assert values == {i(77), i(81), i(70), i(50)}
    for c in (C77, C81, C70, C200, C255, C50, CJNIM, CAIR):
        assert len(set(seeds.objects(c, S.value))) == 1, _short(c)


def test_attack_date_resolution_is_explained(seeds: Graph) -> None:
    comment = " ".join(str(c) for c in seeds.objects(ATTACK, RDFS.comment))
    assert "Tuesday" in comment and "earlier this week" in comment
    assert URIRef(S.Battle) in set(seeds.objects(ATTACK, RDF.type))


# --- the context events that go with the article (seeds/events.ttl) ---


def _events(g: Graph) -> set:
    classes = {S.Event} | set(g.transitive_subjects(RDFS.subClassOf, S.Event))
    onto = Graph().parse(ROOT / "ontology" / "sahel.ttl", format="turtle")
    classes |= set(onto.transitive_subjects(RDFS.subClassOf, S.Event))
    return {e for c in classes for e in g.subjects(RDF.type, c)}


def test_at_least_45_events(mine: Graph) -> None:
    assert len(_events(mine)) >= 45


def test_events_are_dated_placed_sourced_and_bilingual(mine: Graph) -> None:
    for e in _events(mine):
        langs = {lbl.language for lbl in mine.objects(e, RDFS.label)}
        assert {"en", "fr"} <= langs, _short(e)
        date = mine.value(e, S.date)
        assert date is not None and date.datatype == XSD.date, _short(e)
        assert mine.value(e, S.location) is not None, _short(e)
        assert mine.value(e, S.source) is not None, _short(e)


def test_every_claim_is_sourced_from_a_known_source(mine: Graph) -> None:
    # A report also cited by seeds/states.ttl ... alliances.ttl is defined once, in sources.ttl.
    shared = Graph().parse(SEEDS / "sources.ttl", format="turtle")
    sources = set(mine.subjects(RDF.type, S.Source)) | set(shared.subjects(RDF.type, S.Source))
    claims = set(mine.subjects(RDF.type, S.Claim))
    assert len(claims) >= 40
    for c in claims:
        cited = set(mine.objects(c, S.source))
        assert cited and cited <= sources, _short(c)
        assert mine.value(c, S.about) is not None, _short(c)


def test_contested_tolls_side_by_side(mine: Graph) -> None:
    """Barsalogho, Moura and Tinzaouaten keep each source's figure as its own claim."""
    for slug in (
        "event-2024-08-24-barsalogho-massacre",
        "event-2022-03-27-moura-massacre",
        "event-2024-07-25-battle-of-tinzaouaten",
    ):
        values = {
            mine.value(c, S.value)
            for c in mine.subjects(S.about, KG[slug])
            if mine.value(c, S.claimKind) == S.Fatalities
        }
        assert len(values) >= 2, slug
