"""Data quality of the seeds, parsed without a server (issue 14).

Structural rules that fail on a regression (isolated actors, duplicated or out-of-life
relations, unsourced facts, sources without publisher or date), a balance report of who
perpetrated violence against civilians (printed by `pytest -s`, and in the assertion message
when the balance test fails), and one test per correction of the 2026 audit.

Run the report alone: `pytest -s tests/unit/test_data_quality.py -k balance`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

S = Namespace("https://w3id.org/sahel-kg/ontology#")
KG = Namespace("https://w3id.org/sahel-kg/id/")

# Properties by which an event, statement or claim ties an actor into the graph.
ROLES = (S.perpetrator, S.claimedBy, S.participant, S.target, S.establishes, S.condemnedBy,
         S.statedBy, S.mentions, S.addressedTo)  # fmt: skip
# Actor classes of the balance report, most specific first: an actor counts once, under the
# first class it has.
BALANCE_CLASSES = (
    ("jihadist group", S.JihadistGroup),
    ("separatist group", S.SeparatistGroup),
    ("militia", S.Militia),
    ("private military company", S.PrivateMilitaryCompany),
    ("state security force", S.SecurityForce),
    ("foreign military operation", S.MilitaryOperation),
    ("junta or government", S.Government),
    ("state", S.State),
    ("other armed group", S.ArmedGroup),
    ("person", S.Person),
)
STATE_SIDE = {"state security force", "foreign military operation", "junta or government", "state"}


def _instances(g: Graph, onto: Graph, cls: URIRef) -> set[URIRef]:
    classes = {cls, *onto.transitive_subjects(RDFS.subClassOf, cls)}
    return {s for c in classes for s in g.subjects(RDF.type, c) if isinstance(s, URIRef)}


def _short(term: object) -> str:
    text = str(term)
    return text[len(str(KG)) :] if text.startswith(str(KG)) else text


def _date(value: object) -> dt.date | None:
    return value.toPython() if isinstance(value, Literal) else None  # type: ignore[return-value]


# --------------------------------------------------------------------------- structure


def test_no_actor_without_a_relation(seeds: Graph, onto: Graph) -> None:
    """Every actor is the subject or object of a qualified relation or of an actor relation,
    or has a role in an event, statement or claim: no isolated actor."""
    actor_props = set(onto.transitive_subjects(RDFS.subPropertyOf, S.actorRelation))
    tied: set[object] = set()
    for r in seeds.subjects(RDF.type, S.QualifiedRelation):
        tied |= {seeds.value(r, S.subject), seeds.value(r, S.object)}
    for p in actor_props:
        for s, o in seeds.subject_objects(p):
            tied |= {s, o}
    for p in ROLES:
        tied |= set(seeds.objects(None, p))
    lonely = sorted(_short(a) for a in _instances(seeds, onto, S.Actor) - tied)
    assert not lonely, f"actors without any relation: {lonely}"


def test_no_duplicate_qualified_relation(seeds: Graph) -> None:
    """One qualified relation per (subject, predicate, object, validFrom, validTo): a fact
    reported by several sources is one node citing them all."""
    seen: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for r in seeds.subjects(RDF.type, S.QualifiedRelation):
        key = tuple(seeds.value(r, p) for p in (S.subject, S.predicate, S.object))
        key += (seeds.value(r, S.validFrom), seeds.value(r, S.validTo))
        seen[key].append(_short(r))
    dups = {k: v for k, v in seen.items() if len(v) > 1}
    assert not dups, "duplicated qualified relations: " + "; ".join(
        ", ".join(v) for v in dups.values()
    )


def test_no_relation_outside_its_actors_lifetime(seeds: Graph) -> None:
    """No relation holds before its subject or object was founded, or after it dissolved."""
    bad = []
    for r in seeds.subjects(RDF.type, S.QualifiedRelation):
        start, end = _date(seeds.value(r, S.validFrom)), _date(seeds.value(r, S.validTo))
        for end_ in (seeds.value(r, S.subject), seeds.value(r, S.object)):
            founded = _date(seeds.value(end_, S.foundedDate))
            dissolved = _date(seeds.value(end_, S.dissolvedDate))
            if founded and ((start and start < founded) or (end and end < founded)):
                bad.append(f"{_short(r)} starts before {_short(end_)} was founded ({founded})")
            if dissolved and ((start and start > dissolved) or (end and end > dissolved)):
                bad.append(f"{_short(r)} holds after {_short(end_)} dissolved ({dissolved})")
    assert not bad, "\n".join(sorted(bad))


def test_every_event_has_a_date_a_place_and_a_source(seeds: Graph, onto: Graph) -> None:
    events = _instances(seeds, onto, S.Event)
    assert len(events) >= 150
    missing = [
        _short(e)
        for e in events
        if _date(seeds.value(e, S.date)) is None
        or seeds.value(e, S.location) is None
        or seeds.value(e, S.source) is None
    ]
    assert not missing, f"events without date, place or source: {sorted(missing)}"


def test_every_relation_and_claim_has_a_source(seeds: Graph) -> None:
    sources = set(seeds.subjects(RDF.type, S.Source))
    bad = []
    for cls in (S.QualifiedRelation, S.Claim):
        for node in seeds.subjects(RDF.type, cls):
            cited = set(seeds.objects(node, S.source))
            if not cited or not cited <= sources:
                bad.append(_short(node))
    assert not bad, f"relations or claims without a known source: {sorted(bad)}"


def test_every_source_has_a_publisher_and_a_date(seeds: Graph) -> None:
    bad = [
        _short(s)
        for s in seeds.subjects(RDF.type, S.Source)
        if not str(seeds.value(s, S.publisher) or "").strip()
        or _date(seeds.value(s, S.published)) is None
    ]
    assert not bad, f"sources without publisher or publication date: {sorted(bad)}"


def test_every_new_place_has_sourced_coordinates(seeds: Graph) -> None:
    """Places that carry coordinates carry all of them: latitude, longitude, precision and
    the source they come from; values are WGS84 degrees."""
    for place in set(seeds.subjects(S.latitude, None)) | set(seeds.subjects(S.longitude, None)):
        lat, lon = seeds.value(place, S.latitude), seeds.value(place, S.longitude)
        assert lat is not None and lon is not None, _short(place)
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, _short(place)
        assert seeds.value(place, S.locationPrecision) is not None, _short(place)
        assert (seeds.value(place, S.coordinatesSource), RDF.type, S.Source) in seeds, _short(place)


def test_counts_reach_the_issue_targets(seeds: Graph, onto: Graph) -> None:
    """Prints the counts of seeds/README.md (`pytest -s ... -k counts`)."""
    relations = set(seeds.subjects(RDF.type, S.QualifiedRelation))
    dated = {
        r for r in relations if (r, S.validFrom, None) in seeds or (r, S.validTo, None) in seeds
    }
    counts = {
        "events": len(_instances(seeds, onto, S.Event)),
        "actors": len(_instances(seeds, onto, S.Actor)),
        "places": len(_instances(seeds, onto, S.Place)),
        "qualified relations": len(relations),
        "of which dated (validFrom or validTo)": len(dated),
        "claims": len(set(seeds.subjects(RDF.type, S.Claim))),
        "sources": len(set(seeds.subjects(RDF.type, S.Source))),
    }
    print("\n" + "\n".join(f"  {k:38} {v:4}" for k, v in counts.items()))
    assert counts["events"] >= 150, counts
    assert counts["actors"] >= 130, counts
    assert counts["qualified relations"] >= 300, counts


# --------------------------------------------------------------------------- balance


def balance(seeds: Graph, onto: Graph) -> tuple[Counter[str], Counter[str], str]:
    """Events of violence against civilians per class of perpetrator (an event with two
    perpetrators of different classes counts for both), and the printed report."""
    by_class: Counter[str] = Counter()
    by_actor: Counter[str] = Counter()
    events = _instances(seeds, onto, S.ViolenceAgainstCivilians)
    types = {cls: _instances(seeds, onto, cls) for _, cls in BALANCE_CLASSES}
    unattributed = 0
    for e in events:
        perps = set(seeds.objects(e, S.perpetrator))
        if not perps:
            unattributed += 1
        classes = set()
        for p in perps:
            by_actor[_short(p)] += 1
            name = next((n for n, cls in BALANCE_CLASSES if p in types[cls]), "other")
            classes.add(name)
        for name in classes:
            by_class[name] += 1
    lines = [
        f"Violence against civilians: {len(events)} events, {unattributed} without a named "
        "perpetrator. Events per class of perpetrator:"
    ]
    lines += [f"  {name:28} {n:3}" for name, n in by_class.most_common()]
    per_actor = ", ".join(f"{a} {n}" for a, n in by_actor.most_common())
    lines.append(f"Events per perpetrator: {per_actor}")
    return by_class, by_actor, "\n".join(lines)


def test_balance_of_perpetrators(balance_report: tuple[Counter[str], Counter[str], str]) -> None:
    """Abuses by states and their partners are recorded as well as the jihadists': each kind of
    perpetrator has events, and the state side (armies, foreign forces, juntas) together with
    militias and PMCs is not a small minority."""
    by_class, _, report = balance_report
    for kind in ("jihadist group", "militia", "private military company", "state security force"):
        assert by_class[kind] >= 2, f"too few events for {kind}\n{report}"
    state_and_partners = (
        sum(by_class[k] for k in STATE_SIDE)
        + by_class["militia"]
        + by_class["private military company"]
    )
    assert state_and_partners >= by_class["jihadist group"] * 0.75, report


def test_civilians_killed_in_mali_2022_not_only_by_jihadists(seeds: Graph, onto: Graph) -> None:
    """The question analysts ask first: a state force and a PMC are among the perpetrators."""
    perps = set()
    for e in _instances(seeds, onto, S.ViolenceAgainstCivilians):
        d = _date(seeds.value(e, S.date))
        places = set(seeds.objects(e, S.location))
        places |= {x for p in list(places) for x in seeds.transitive_objects(p, S.locatedIn)}
        if d and d.year == 2022 and KG.mali in places:
            perps |= set(seeds.objects(e, S.perpetrator))
    assert {KG.fama, KG["wagner-group"], KG["katiba-macina"]} <= perps


# --------------------------------------------------------------------- the audit's corrections


def _holding(seeds: Graph, subject: URIRef | None, predicate: URIRef, obj: URIRef | None,
             day: str) -> set[URIRef]:  # fmt: skip
    """The other ends of the qualified relations that hold on `day` (the API's at= rule)."""
    d = dt.date.fromisoformat(day)
    out = set()
    for r in seeds.subjects(S.predicate, predicate):
        s, o = seeds.value(r, S.subject), seeds.value(r, S.object)
        if (subject is not None and s != subject) or (obj is not None and o != obj):
            continue
        start, end = _date(seeds.value(r, S.validFrom)), _date(seeds.value(r, S.validTo))
        if start and start <= d and (end is None or end >= d):
            out.add(o if subject is not None else s)
    return out


def test_aes_presidency_passed_to_traore(seeds: Graph) -> None:
    assert _holding(seeds, KG.aes, S.ledBy, None, "2026-01-15") == {KG["ibrahim-traore"]}
    assert _holding(seeds, KG.aes, S.ledBy, None, "2025-06-01") == {KG["assimi-goita"]}


def test_article_copies_merged_into_one_relation_with_both_sources(seeds: Graph) -> None:
    article = KG["src-unidentified-2024-09-19-bamako-assault-al-qaeda-linked-group"]
    gone = {"article-rel-jnim-affiliated-with-al-qaeda", "article-rel-mali-partner-of-france"}
    assert not [r for r in seeds.subjects(RDF.type, S.QualifiedRelation) if _short(r) in gone]
    rel = KG["rel-jnim-affiliatedwith-al-qaeda"]
    assert article in set(seeds.objects(rel, S.source))
    assert KG["src-jihadology-2017-03-27-sahel-merger"] in set(seeds.objects(rel, S.source))


def test_csp_at_tinzaouaten_ends_at_its_dissolution(seeds: Graph) -> None:
    rel = KG["rel-csp-operatesin-tinzaouaten"]
    assert _date(seeds.value(rel, S.validTo)) == dt.date(2024, 11, 30)
    assert _date(seeds.value(KG.csp, S.dissolvedDate)) == dt.date(2024, 11, 30)
    assert KG.csp in set(seeds.objects(KG["event-2024-07-25-battle-of-tinzaouaten"], S.claimedBy))


def test_al_sahrawi_leadership_ends_with_his_death(seeds: Graph) -> None:
    rel = KG["rel-is-sahel-ledby-adnan-abu-walid-al-sahrawi"]
    assert _date(seeds.value(rel, S.validTo)) == dt.date(2021, 8, 1)
    assert str(seeds.value(rel, S.validToPrecision)) == "month"


def test_bah_ndaw_presidency_starts_on_his_swearing_in(seeds: Graph) -> None:
    assert _holding(seeds, KG.mali, S.ledBy, None, "2021-01-01") == {KG["bah-ndaw"]}
    assert _date(seeds.value(KG["rel-mali-ledby-bah-ndaw"], S.validFrom)) == dt.date(2020, 9, 25)


def test_is_sahel_dated_names(seeds: Graph) -> None:
    def name_on(day: str) -> set[str]:
        d = dt.date.fromisoformat(day)
        out = set()
        for n in seeds.objects(KG["is-sahel"], S.hadName):
            start, end = _date(seeds.value(n, S.validFrom)), _date(seeds.value(n, S.validTo))
            if start and start <= d and (end is None or end > d):
                out |= {str(lbl) for lbl in seeds.objects(n, RDFS.label) if lbl.language == "en"}
        return out

    assert name_on("2017-01-01") == {"Islamic State in the Greater Sahara (ISGS)"}
    assert {n for n in name_on("2020-06-01")} == {
        "Islamic State West Africa Province, Greater Sahara wing (ISWAP-GS)"
    }
    assert name_on("2024-01-01") == {"Islamic State Sahel Province (Wilayat al-Sahel)"}
    assert _holding(seeds, KG["is-sahel"], S.affiliatedWith, None, "2020-06-01") >= {KG.iswap}


def test_abdoulaye_diop_is_a_minister_not_a_junta_member(seeds: Graph) -> None:
    assert _holding(seeds, KG["abdoulaye-diop"], S.memberOf, None, "2023-01-01") == {
        KG["mali-transitional-government"]
    }
    members = {seeds.value(r, S.subject) for r in seeds.subjects(S.object, KG["mali-junta"])
               if seeds.value(r, S.predicate) == S.memberOf}  # fmt: skip
    assert KG["abdoulaye-diop"] not in members


def test_jnim_is_sahel_hostility_is_dated(seeds: Graph) -> None:
    assert _holding(seeds, KG.jnim, S.hostileTo, None, "2021-01-01") >= {KG["is-sahel"]}
    assert KG["is-sahel"] not in _holding(seeds, KG.jnim, S.hostileTo, None, "2018-01-01")


def test_free_speech_restrictions_dated_to_the_measures(seeds: Graph) -> None:
    event = KG["event-2024-04-10-mali-junta-free-speech-restrictions"]
    assert _date(seeds.value(event, S.date)) == dt.date(2024, 4, 10)
    assert (KG["event-2024-09-01-mali-junta-free-speech-restrictions"], None, None) not in seeds


def test_moura_un_figure_and_foreign_personnel(seeds: Graph) -> None:
    moura = KG["event-2022-03-27-moura-massacre"]
    figures = {
        (seeds.value(c, S.value).toPython(), str(seeds.value(c, S.valueQualifier) or "exact"))
        for c in seeds.subjects(S.about, moura)
        if seeds.value(c, S.claimKind) == S.Fatalities
    }
    assert {(300, "approximately"), (203, "exact"), (500, "at-least")} <= figures
    assert KG["wagner-group"] in set(seeds.objects(moura, S.perpetrator))
    assert KG["wagner-group"] in set(seeds.objects(moura, S.participant))


def test_end_of_barkhane_has_a_neutral_source(seeds: Graph) -> None:
    sputnik = {
        s
        for s in seeds.subjects(RDF.type, S.Source)
        if "Sputnik" in str(seeds.value(s, S.publisher))
    }
    event = KG["event-2022-11-09-france-ends-operation-barkhane"]
    assert set(seeds.objects(event, S.source)) - sputnik
    for r in seeds.subjects(S.subject, KG["operation-barkhane"]):
        if _date(seeds.value(r, S.validTo)) == dt.date(2022, 11, 9):
            assert set(seeds.objects(r, S.source)) - sputnik, _short(r)


def test_unsupported_citations_removed(seeds: Graph) -> None:
    reuters_niger_ukraine = KG["src-naija247-2024-08-07-niger-ukraine-reuters"]
    africanews_2017 = KG["src-africanews-2017-03-03-jnim-merger"]
    hostility = set(seeds.objects(KG["rel-jnim-hostileto-mali-junta"], S.source))
    merger = set(seeds.objects(KG["rel-katiba-macina-mergedinto-jnim"], S.source))
    assert reuters_niger_ukraine not in hostility
    assert africanews_2017 not in merger
