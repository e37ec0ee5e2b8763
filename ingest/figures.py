"""Casualty and damage figures in a sentence, with how the source bounds them and who the
source says they come from.

Rules, not a model: a number (digits or words such as "hundreds") counts deaths, injuries,
people killed-or-wounded, abductions or displaced when a keyword follows it in the same
clause ("77 people were confirmed dead"), precedes it closely ("killed more than 70
people", "raised the toll to 81") or when the sentence is about funerals. The attribution
is, in order: the subject of a reporting verb in the figure's own clause ("an internal
document raised the toll to"), an "according to X" of the sentence, the claimant of a claim
of responsibility ("JNIM ... stating that hundreds ..."), else none (the report's own words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "a dozen": 12, "a hundred": 100,
}  # fmt: skip
MOTS_NOMBRES = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "cent": 100,
}  # fmt: skip
# "une vingtaine": about twenty
ENVIRONS = {"une dizaine": 10, "une quinzaine": 15, "une vingtaine": 20, "une trentaine": 30,
            "une quarantaine": 40, "une cinquantaine": 50, "une centaine": 100}  # fmt: skip
VAGUE = ("hundreds", "dozens", "scores", "thousands", "tens")
VAGUE_FR = {
    "plusieurs dizaines": "dizaines", "des dizaines": "dizaines",
    "plusieurs centaines": "centaines", "des centaines": "centaines",
    "plusieurs": "plusieurs", "de nombreux": "plusieurs", "de nombreuses": "plusieurs",
}  # fmt: skip


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Rules:
    numbers: dict[str, int]
    approx: dict[str, int]  # a number word that is itself "about N"
    vague: dict[str, str]  # a vague quantity and the value it is written as
    qualifiers: list[tuple[str, str]]
    num: re.Pattern[str]
    after: list[tuple[str, re.Pattern[str]]]
    before: list[tuple[str, re.Pattern[str]]]
    clause_break: re.Pattern[str]
    subject: re.Pattern[str]
    said_after: re.Pattern[str]
    according: re.Pattern[str]
    materiel: re.Pattern[str]
    funeral: re.Pattern[str]
    hedges: re.Pattern[str]
    not_a_subject: re.Pattern[str]


def _rules(
    numbers: dict[str, int], approx: dict[str, int], vague: dict[str, str],
    qualifiers: list[tuple[str, str]], after: list[tuple[str, str]],
    before: list[tuple[str, str]], **patterns: str,
) -> _Rules:  # fmt: skip
    words = [*numbers, *approx, *vague]
    num = (
        r"\b(?:(?P<qual>" + "|".join(q for _, q in qualifiers) + r")\s+)?"
        r"(?P<num>\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?!\d)|\d+|"
        + _alternatives(words)
        + r")(?![\w-])"
    )
    return _Rules(
        numbers, approx, vague, qualifiers, re.compile(num, re.I),
        [(k, re.compile(rf"\b(?:{p})\b", re.I)) for k, p in after],
        [(k, re.compile(rf"\b{p}\s+(?:[\w'’]+\s+){{0,2}}$", re.I)) for k, p in before],
        *(re.compile(patterns[k], re.I) for k in (
            "clause_break", "subject", "said_after", "according", "materiel", "funeral",
            "hedges", "not_a_subject")),
    )  # fmt: skip


_EN_REPORTING = (
    r"raised|put|puts|gave|gives|reported|reports|said|says|estimated|estimates|brought|"
    r"revised|counted|told|confirmed|listed|cited"
)
EN = _rules(
    WORD_NUMBERS,
    {},
    {v: v for v in VAGUE},
    [
        ("more-than", r"more than|over|upwards of|in excess of"),
        ("at-least", r"at least|no fewer than|a minimum of"),
        ("up-to", r"up to|as many as|at most"),
        ("approximately", r"around|about|some|nearly|almost|approximately|roughly|an estimated"),
    ],
    # Checked in this order: "killed or wounded" before "killed".
    [
        ("KilledOrWounded", r"(?:killed|dead) (?:or|and) (?:wounded|injured)|casualties"),
        (
            "Fatalities",
            r"dead|killed|died|deaths?|lives|fatalities|bodies|lost their lives|"
            r"neutrali[sz]ed",
        ),
        ("Injuries", r"injured|wounded|injuries|hurt|hospitali[sz]ed"),
        ("Abductions", r"abducted|kidnapped|hostages?|taken captive"),
        ("Displaced", r"displaced|fled their homes|refugees"),
    ],
    [
        ("Fatalities", r"(?:killed|killing|kills|toll (?:\w+ )?(?:to|of|at|stands at|rose to))"),
        ("Injuries", r"(?:injured|injuring|wounded|wounding)"),
        ("Abductions", r"(?:abducted|kidnapped)"),
    ],
    clause_break=r";|,\s+(?:while|whereas|but|and)\s+|\.\s|\bwhile\b",
    subject=rf"(?P<who>\b(?:a|an|the|one)\s+[\w’'\- ]{{2,60}}?)\s+(?:{_EN_REPORTING})\b",
    said_after=r",\s*(?P<who>(?:a|an|the|one|two|three|several)\s[^,.;]{2,60}?)\s+"
    r"(?:said|says|told \w+|reported)\b",
    according=r"\baccording to\s+(?P<who>[^,.;]{3,80})",
    materiel=r"\b(?:destroy\w*|burn\w*|set fire to|set on fire|shot down)\s+(?:(?P<num>\d+)\s+)?"
    r"(?P<unit>aircraft|planes?|helicopters?|vehicles?|drones?|tanks?|trucks?)\b",
    funeral=r"\bfuneral",
    hedges=r"\breportedly\b|\ballegedly\b|\bunconfirmed\b",
    not_a_subject=r"the (?:attack|toll|assault)\b",
)
_FR_REPORTING = (
    r"a annoncé|ont annoncé|annonce|a indiqué|indique|a déclaré|déclare|a affirmé|affirme|"
    r"a confirmé|confirme|a précisé|précise|dit|rapporte|a rapporté|fait état|a fait état|"
    r"évoque|fait|a fait|déplore"
)
FR = _rules(
    MOTS_NOMBRES,
    ENVIRONS,
    VAGUE_FR,
    [
        ("more-than", r"plus de|au-delà de|plus d'une?"),
        ("at-least", r"au moins|au minimum"),
        ("up-to", r"jusqu'à|au maximum"),
        ("approximately", r"environ|près de|quelque|quelques|approximativement"),
    ],
    [
        ("KilledOrWounded", r"victimes|tués ou blessés|morts ou blessés"),
        (
            "Fatalities",
            r"morts?|tu[ée]e?s?|décès|décédée?s?|tombés|péri|neutralisée?s?|cadavres|"
            r"corps sans vie|perdu la vie",
        ),
        ("Injuries", r"blessée?s?|hospitalisée?s?"),
        ("Abductions", r"enlevée?s?|kidnappée?s?|otages?|pris en otage|portés disparus"),
        ("Displaced", r"déplacée?s?|réfugiée?s?|ont fui"),
    ],
    [
        ("Fatalities", r"(?:tué|tuant|neutralisé|bilan (?:\w+ )?(?:de|à|à hauteur de|s'élève à))"),
        ("Injuries", r"(?:blessé|blessant)"),
        ("Abductions", r"(?:enlevé|kidnappé)"),
    ],
    clause_break=r";|,\s+(?:tandis que|alors que|mais)\s+|\.\s|\btandis que\b",
    subject=rf"(?P<who>\b(?:un|une|le|la|les|l['’]|des)\s*[\w’'\- ]{{2,60}}?)\s+"
    rf"(?:{_FR_REPORTING})\b",
    said_after=r",\s*(?:a|ont|avait|a-t-il|a-t-elle)?\s*(?:annoncé|indiqué|déclaré|affirmé|précisé|"
    r"rapporté|confirmé)\s+(?P<who>(?:le|la|les|l['’]|un|une|des)\s*[^,.;]{2,60})",
    according=r"\b(?:selon|d'après|de source)\s+(?P<who>[^,.;]{3,80})",
    materiel=r"\b(?:détrui\w*|incendi\w*|abattu\w*)\s+(?:(?P<num>\d+)\s+)?"
    r"(?P<unit>avions?|aéronefs?|hélicoptères?|véhicules?|drones?|chars?|camions?)\b",
    funeral=r"\bfunérailles|\bobsèques|\binhum",
    hedges=r"\bprésumée?s?\b|\bnon confirmée?s?\b|\bauraient\b|\baurait\b",
    not_a_subject=r"l['’](?:attaque|assaut)\b|le bilan\b",
)
RULES = {"en": EN, "fr": FR}
_VICTIMS_OF_RE = re.compile(r"^\s*of\s+(?P<what>.{3,120}?),?\s+(?:were|was|had been|have been)\b")
_VICTIMS_NOUN_RE = re.compile(r"^\s*(?P<what>[a-z][a-z\s-]{3,60}?)(?=[,.;]|$| were\b| who\b)")
_RANGE = re.compile(r"\s*(?:à|to|-|–)\s*(?=\d)")
_TIME_UNIT = re.compile(
    r"\s*(?:days?|weeks?|months?|years?|hours?|minutes?|jours?|semaines?|mois|ans|années?|"
    r"heures?)\b",
    re.I,
)
_AUXILIARIES = re.compile(
    r"(?:\s+(?:had|has|have|also|first|later|then|initially|avait|a|aussi))+$", re.I
)


@dataclass(frozen=True)
class Figure:
    kind: str  # local name of a sahel:ClaimKind
    value: int | str
    qualifier: str  # "exact", "more-than", ...
    unit: str
    attribution: str  # in the source's words; "" = the report's own words
    start: int  # character offsets of the figure, relative to the sentence
    end: int
    victim_category: str = ""
    claimant: str = ""  # IRI, when the figure comes from a claim of responsibility
    confidence: float = 0.8


def figures(
    sentence: str, claimant: str = "", claimant_name: str = "", lang: str = "en"
) -> list[Figure]:
    """Figures of one sentence. `claimant` (an IRI) is set when the sentence is a claim of
    responsibility: figures after its 'stating that' are the claimant's."""
    r = RULES[lang]
    out: list[Figure] = []
    funeral = bool(r.funeral.search(sentence))
    range_ends: set[int] = set()  # "30 à 32 soldats": 30 at least, 32 at most
    for m in r.num.finditer(sentence):
        raw = " ".join(m.group("num").lower().split())
        if _is_year(raw, sentence, m.end()):
            continue
        after = _window_after(r, sentence, m.end())
        rng = _RANGE.match(sentence, m.end())
        upper = r.num.match(sentence, rng.end()) if rng else None
        if upper is not None:
            after = _window_after(r, sentence, upper.end())
        if _TIME_UNIT.match(after):
            continue  # "two days later", "trois jours après"
        before = sentence[max(0, m.start() - 40) : m.start()]
        kind = next((k for k, rx in r.after if rx.search(after)), None)
        kind = kind or next((k for k, rx in r.before if rx.search(before)), None)
        victims = ""
        if kind is None and funeral:
            kind, confidence = "Fatalities", 0.6
            noun = _VICTIMS_NOUN_RE.match(sentence[m.end() :])
            victims = noun.group("what").strip() if noun else ""
        elif kind is None:
            continue
        else:
            confidence = 0.85
        if not victims and lang == "en":
            of = _VICTIMS_OF_RE.match(sentence[m.end() :])
            victims = of.group("what").strip() if of else ""
        value: int | str = _value(r, raw)
        qualifier = _qualifier(r, m.group("qual"))
        if raw in r.approx:
            qualifier = "approximately"
        if upper is not None:
            qualifier = "at-least"
            range_ends.add(upper.start())
        elif m.start() in range_ends:
            qualifier = "up-to"
        attribution, who = _attribution(r, sentence, m.start(), claimant, claimant_name)
        if isinstance(value, str):
            qualifier = ""  # "hundreds" carries its own vagueness
        if r.hedges.search(sentence) and not attribution:
            attribution, confidence = "reportedly (unattributed)", confidence - 0.1
        out.append(
            Figure(
                kind, value, qualifier, "people", attribution, m.start(), m.end(),
                victims, who, confidence,
            )
        )  # fmt: skip
    for m in r.materiel.finditer(sentence):
        unit = m.group("unit").lower()
        unit = "aircraft" if unit.startswith(("plane", "avion", "aéronef")) else unit
        value = int(m.group("num")) if m.group("num") else f"{unit} (number not given)"
        attribution, who = _attribution(r, sentence, m.start(), claimant, claimant_name)
        if r.hedges.search(sentence) and not attribution:
            attribution = "reportedly (unattributed)"
        out.append(
            Figure(
                "MaterielDestroyed", value, "" if isinstance(value, str) else "exact", unit,
                attribution, m.start(), m.end(), "", who, 0.6,
            )
        )  # fmt: skip
    return out


def _value(r: _Rules, raw: str) -> int | str:
    if raw in r.numbers:
        return r.numbers[raw]
    if raw in r.approx:
        return r.approx[raw]
    if raw in r.vague:
        return r.vague[raw]
    if raw[0].isdigit():
        return int(re.sub(r"\D", "", raw))
    return raw


def _qualifier(r: _Rules, qual: str | None) -> str:
    if not qual:
        return "exact"
    q = " ".join(qual.lower().split())
    for name, pattern in r.qualifiers:
        if re.fullmatch(pattern, q):
            return name
    return "exact"


def _is_year(raw: str, sentence: str, end: int) -> bool:
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return True
    return sentence[end : end + 1] == "-"  # "one-year anniversary", "20-year-old"


def _window_after(r: _Rules, sentence: str, start: int) -> str:
    """The rest of the clause, up to the next number (its own figure) or 120 characters."""
    rest = sentence[start : start + 120]
    nxt = r.num.search(rest)
    if nxt:
        rest = rest[: nxt.start()]
    brk = r.clause_break.search(rest)
    return rest[: brk.start()] if brk else rest


def _attribution(
    r: _Rules, sentence: str, at: int, claimant: str, claimant_name: str
) -> tuple[str, str]:
    """(attribution in the source's words, claimant IRI or '')."""
    clause_start = 0
    for brk in r.clause_break.finditer(sentence[:at]):
        clause_start = brk.end()
    clause = sentence[clause_start:at]
    subjects = [s for s in r.subject.finditer(clause) if not r.not_a_subject.match(s["who"])]
    subject = subjects[-1] if subjects else None  # the reporting verb nearest the figure
    if subject is not None:
        return _tidy(subject.group("who")), ""
    if claimant and r is EN and re.search(r"\b(?:stating|saying|claiming|claimed|said)\b",
                                          sentence[:at]):  # fmt: skip
        return f"{claimant_name}, claiming responsibility", claimant
    if claimant and r is FR and re.search(r"\b(?:affirm\w*|disant|dit|revendiqu\w*)\b",
                                          sentence[:at]):  # fmt: skip
        return f"{claimant_name}, revendication", claimant
    according = None
    for according in r.according.finditer(sentence):
        if according.start() > at and not re.search(r",\s*$", sentence[at : according.start()]):
            according = None
        break
    if according is not None:
        return _tidy(according.group("who")), ""
    said = r.said_after.search(sentence, at)  # "..., a local official said."
    if said is not None:
        return _tidy(said.group("who")), ""
    return "", ""


def _tidy(text: str) -> str:
    return _AUXILIARIES.sub("", " ".join(text.split()).strip(" ,"))
