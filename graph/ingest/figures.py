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
VAGUE = ("hundreds", "dozens", "scores", "thousands", "tens")
_NUM = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+|"
    + "|".join(sorted([*WORD_NUMBERS, *VAGUE], key=len, reverse=True))
    + r")(?![\w-])"
)
_QUALIFIERS = [
    ("more-than", r"more than|over|upwards of|in excess of"),
    ("at-least", r"at least|no fewer than|a minimum of"),
    ("up-to", r"up to|as many as|at most"),
    ("approximately", r"around|about|some|nearly|almost|approximately|roughly|an estimated"),
]
_NUM_RE = re.compile(
    r"\b(?:(?P<qual>" + "|".join(q for _, q in _QUALIFIERS) + r")\s+)?" + _NUM, re.IGNORECASE
)
# Checked in this order: "killed or wounded" before "killed".
_AFTER = [
    ("KilledOrWounded", r"(?:killed|dead) (?:or|and) (?:wounded|injured)|casualties"),
    ("Fatalities", r"dead|killed|died|deaths?|lives|fatalities|bodies|lost their lives"),
    ("Injuries", r"injured|wounded|injuries|hurt|hospitali[sz]ed"),
    ("Abductions", r"abducted|kidnapped|hostages?|taken captive"),
    ("Displaced", r"displaced|fled their homes|refugees"),
]  # fmt: skip
_BEFORE = [
    ("Fatalities", r"(?:killed|killing|kills|toll (?:\w+ )?(?:to|of|at|stands at|rose to))"),
    ("Injuries", r"(?:injured|injuring|wounded|wounding)"),
    ("Abductions", r"(?:abducted|kidnapped)"),
]
_AFTER_RE = [(k, re.compile(rf"\b(?:{p})\b", re.I)) for k, p in _AFTER]
_BEFORE_RE = [(k, re.compile(rf"\b{p}\s+(?:\w+\s+){{0,2}}$", re.I)) for k, p in _BEFORE]
_CLAUSE_BREAK = re.compile(r";|,\s+(?:while|whereas|but|and)\s+|\.\s|\bwhile\b", re.I)
_REPORTING = (
    r"raised|put|puts|gave|gives|reported|reports|said|says|estimated|estimates|brought|"
    r"revised|counted|told|confirmed|listed|cited"
)
_SUBJECT_RE = re.compile(
    rf"(?P<who>\b(?:a|an|the|one)\s+[\w’'\- ]{{2,60}}?)\s+(?:{_REPORTING})\b", re.I
)
_SAID_AFTER_RE = re.compile(
    r",\s*(?P<who>(?:a|an|the|one)\s[^,.;]{2,60}?)\s+(?:said|says|told \w+|reported)\b", re.I
)
_ACCORDING_RE = re.compile(r"\baccording to\s+(?P<who>[^,.;]{3,80})", re.I)
_MATERIEL_RE = re.compile(
    r"\b(?:destroy\w*|burn\w*|set fire to|set on fire|shot down)\s+(?:(?P<num>\d+)\s+)?"
    r"(?P<unit>aircraft|planes?|helicopters?|vehicles?|drones?|tanks?|trucks?)\b",
    re.I,
)
_FUNERAL_RE = re.compile(r"\bfuneral", re.I)
_VICTIMS_OF_RE = re.compile(r"^\s*of\s+(?P<what>.{3,120}?),?\s+(?:were|was|had been|have been)\b")
_VICTIMS_NOUN_RE = re.compile(r"^\s*(?P<what>[a-z][a-z\s-]{3,60}?)(?=[,.;]|$| were\b| who\b)")
_HEDGES = re.compile(r"\breportedly\b|\ballegedly\b|\bunconfirmed\b", re.I)


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


def figures(sentence: str, claimant: str = "", claimant_name: str = "") -> list[Figure]:
    """Figures of one sentence. `claimant` (an IRI) is set when the sentence is a claim of
    responsibility: figures after its 'stating that' are the claimant's."""
    out: list[Figure] = []
    funeral = bool(_FUNERAL_RE.search(sentence))
    for m in _NUM_RE.finditer(sentence):
        raw = m.group("num").lower()
        if _is_year(raw, sentence, m.end()):
            continue
        after = _window_after(sentence, m.end())
        before = sentence[max(0, m.start() - 40) : m.start()]
        kind = next((k for k, r in _AFTER_RE if r.search(after)), None)
        kind = kind or next((k for k, r in _BEFORE_RE if r.search(before)), None)
        victims = ""
        if kind is None and funeral:
            kind, confidence = "Fatalities", 0.6
            noun = _VICTIMS_NOUN_RE.match(sentence[m.end() :])
            victims = noun.group("what").strip() if noun else ""
        elif kind is None:
            continue
        else:
            confidence = 0.85
        if not victims:
            of = _VICTIMS_OF_RE.match(sentence[m.end() :])
            victims = of.group("what").strip() if of else ""
        value: int | str = _value(raw)
        qualifier = _qualifier(m.group("qual"))
        attribution, who = _attribution(sentence, m.start(), claimant, claimant_name)
        if isinstance(value, str):
            qualifier = ""  # "hundreds" carries its own vagueness
        if _HEDGES.search(sentence) and not attribution:
            attribution, confidence = "reportedly (unattributed)", confidence - 0.1
        out.append(
            Figure(
                kind, value, qualifier, "people", attribution, m.start(), m.end(),
                victims, who, confidence,
            )
        )  # fmt: skip
    for m in _MATERIEL_RE.finditer(sentence):
        unit = m.group("unit").lower()
        unit = "aircraft" if unit.startswith("plane") else unit
        value = int(m.group("num")) if m.group("num") else f"{unit} (number not given)"
        attribution, who = _attribution(sentence, m.start(), claimant, claimant_name)
        if _HEDGES.search(sentence) and not attribution:
            attribution = "reportedly (unattributed)"
        out.append(
            Figure(
                "MaterielDestroyed", value, "" if isinstance(value, str) else "exact", unit,
                attribution, m.start(), m.end(), "", who, 0.6,
            )
        )  # fmt: skip
    return out


def _value(raw: str) -> int | str:
    if raw in WORD_NUMBERS:
        return WORD_NUMBERS[raw]
    if raw[0].isdigit():
        return int(raw.replace(",", ""))
    return raw


def _qualifier(qual: str | None) -> str:
    if not qual:
        return "exact"
    q = qual.lower()
    for name, pattern in _QUALIFIERS:
        if re.fullmatch(pattern, q):
            return name
    return "exact"


def _is_year(raw: str, sentence: str, end: int) -> bool:
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return True
    return sentence[end : end + 1] == "-"  # "one-year anniversary", "20-year-old"


def _window_after(sentence: str, start: int) -> str:
    """The rest of the clause, up to the next number (its own figure) or 120 characters."""
    rest = sentence[start : start + 120]
    nxt = _NUM_RE.search(rest)
    if nxt:
        rest = rest[: nxt.start()]
    brk = _CLAUSE_BREAK.search(rest)
    return rest[: brk.start()] if brk else rest


def _attribution(sentence: str, at: int, claimant: str, claimant_name: str) -> tuple[str, str]:
    """(attribution in the source's words, claimant IRI or '')."""
    clause_start = 0
    for brk in _CLAUSE_BREAK.finditer(sentence[:at]):
        clause_start = brk.end()
    clause = sentence[clause_start:at]
    subjects = list(_SUBJECT_RE.finditer(clause))
    subject = subjects[-1] if subjects else None  # the reporting verb nearest the figure
    if subject is not None and not re.match(r"(?i)the (?:attack|toll|assault)\b", subject["who"]):
        return _tidy(subject.group("who")), ""
    if claimant and re.search(r"\b(?:stating|saying|claiming|claimed|said)\b", sentence[:at]):
        return f"{claimant_name}, claiming responsibility", claimant
    according = None
    for according in _ACCORDING_RE.finditer(sentence):
        if according.start() > at and not re.search(r",\s*$", sentence[at : according.start()]):
            according = None
        break
    if according is not None:
        return _tidy(according.group("who")), ""
    said = _SAID_AFTER_RE.search(sentence, at)  # "..., a local official said."
    if said is not None:
        return _tidy(said.group("who")), ""
    return "", ""


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(" ,")
