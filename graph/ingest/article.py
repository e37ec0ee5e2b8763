"""Candidate facts of one news report: the event it is about, its figures with their
attributions, claims of responsibility, condemnations and condolences, and every actor,
place or organisation it names. Deterministic rules over sentences (see figures.py and
dates.py); each fact keeps the sentence it comes from and a confidence for the reviewer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graph.ingest.aliases import AliasTable, Mention
from graph.ingest.dates import DateMention, best, find_dates
from graph.ingest.figures import Figure, figures

_SENTENCE_RE = re.compile(r"[^\n]+?(?:[.!?](?=\s|$)|$)", re.M)
_ATTACK_RE = re.compile(
    r"\b(?:attack\w*|assault\w*|ambush\w*|raid\w*|bombing|offensive|strikes?|massacre\w*|"
    r"clash\w*|target(?:ed|ing)|stormed|kill(?:ed|ing|s)?|gunmen|shot dead)\b",
    re.I,
)
_CLAIM_RE = re.compile(r"\bclaim(?:ed|s|ing)? (?:of )?responsibility\b|\bclaimed by\b", re.I)
# Verbs only: "condemnation has poured in" names no one who condemned.
_CONDEMN_RE = re.compile(
    r"\b(?:condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing)|deplor(?:e|es|ed|ing)|decr(?:y|ies|ied))\b",
    re.I,
)
_CONDOLE_RE = re.compile(r"\b(?:condolences?|sympathy|sympathies)\b", re.I)
_STATING_RE = re.compile(r"\b(?:stating|saying|claiming|said|adding)\b", re.I)
_LINKED_RE = re.compile(r"^[-\s](?:linked|affiliated|allied|backed|inspired)\b", re.I)
_MILITARY_RE = re.compile(
    r"\b(?:military|army|soldiers?|troops|police|gendarm\w*|camp|base|barracks|security forces)\b",
    re.I,
)
_ASSAULT_RE = re.compile(r"\b(?:gunfire|clash\w*|fighting|stormed|firing|assault|fighters)\b", re.I)
_REMOTE_RE = re.compile(
    r"\b(?:drone|air ?strikes?|airstrikes?|bomb\w*|IEDs?|explosive device|shelling|mortars?|"
    r"suicide)\b",
    re.I,
)
_CIVILIAN_RE = re.compile(r"\b(?:civilians?|villagers|worshippers|market|massacre\w*)\b", re.I)


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass
class EventFact:
    cls: str  # local name of the event class
    date: dt.date
    precision: str
    date_text: str
    locations: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    perpetrators: list[str] = field(default_factory=list)
    claimed_by: list[str] = field(default_factory=list)
    condemned_by: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    confidence: float = 0.7


@dataclass
class FigureFact:
    figure: Figure
    sentence: Sentence
    mentions: list[str] = field(default_factory=list)  # actors named in the claim


@dataclass
class StatementFact:
    cls: str  # ClaimOfResponsibility, Condemnation, Condolence
    stated_by: str
    sentences: list[Sentence]
    addressed_to: str = ""
    mentions: list[str] = field(default_factory=list)
    confidence: float = 0.75


@dataclass
class Extraction:
    text: str
    title: str
    published: dt.date
    sentences: list[Sentence]
    mentions: list[Mention]
    event: EventFact | None
    figures: list[FigureFact]
    statements: list[StatementFact]
    dates: list[DateMention]

    def facts(self) -> set[tuple[str, ...]]:
        """Comparable facts, for the gold list and the review (IRIs as they are)."""
        out: set[tuple[str, ...]] = {("mention", m.iri) for m in self.mentions}
        if self.event:
            e = self.event
            out |= {("event", "type", e.cls), ("event", "date", e.date.isoformat())}
            for rel, iris in (
                ("location", e.locations),
                ("target", e.targets),
                ("perpetrator", e.perpetrators),
                ("claimedBy", e.claimed_by),
                ("condemnedBy", e.condemned_by),
            ):
                out |= {("event", rel, i) for i in iris}
        out |= {figure_key(f.figure) for f in self.figures}
        out |= {("statement", s.cls, s.stated_by, s.addressed_to) for s in self.statements}
        return out


def figure_key(f: Figure) -> tuple[str, ...]:
    from graph.mapping import normalise_text

    who = f.claimant or normalise_text(f.attribution) or "unattributed"
    return ("claim", f.kind, str(f.value), f.qualifier or "-", who)


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for m in _SENTENCE_RE.finditer(text):
        chunk = m.group()
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Sentence(len(out), m.start() + lead, m.end(), chunk.strip()))
    return out


def extract(text: str, published: dt.date, aliases: AliasTable) -> Extraction:
    sentences = split_sentences(text)
    title = sentences[0].text if sentences else ""
    mentions = aliases.mentions(text)
    dates = find_dates(text, published)

    def in_sentence(s: Sentence) -> list[Mention]:
        return [m for m in mentions if s.start <= m.start < s.end]

    def actors(ms: list[Mention], kind: str = "Actor") -> list[str]:
        return _unique(m.iri for m in ms if aliases.entities[m.iri].is_a(kind))

    def agents(s: Sentence) -> list[str]:
        """Actors named as such: not 'al Qaeda' in 'the al Qaeda-linked group'."""
        return _unique(
            m.iri
            for m in in_sentence(s)
            if aliases.entities[m.iri].is_a("Actor") and not _LINKED_RE.match(text[m.end :])
        )

    statements: dict[tuple[str, str, str], StatementFact] = {}
    claimant = ""
    for s in sentences:
        if _CLAIM_RE.search(s.text):
            groups = [i for i in agents(s) if aliases.entities[i].is_a("ArmedGroup")]
            if groups:
                claimant = claimant or groups[-1]
                stating = _STATING_RE.search(s.text)
                named = [
                    m.iri
                    for m in in_sentence(s)
                    if stating and m.start - s.start > stating.end()
                    and aliases.entities[m.iri].is_a("Actor") and m.iri != groups[-1]
                ]  # fmt: skip
                _add(statements, "ClaimOfResponsibility", groups[-1], s, mentions=named)
        verb = _CONDEMN_RE.search(s.text)
        if verb:
            subjects = {m.iri for m in in_sentence(s) if m.start - s.start < verb.start()}
            for iri in agents(s):
                if iri != claimant and iri in subjects:
                    _add(statements, "Condemnation", iri, s, confidence=0.7)
        cm = _CONDOLE_RE.search(s.text)
        if cm:
            before = [m for m in in_sentence(s) if m.start - s.start < cm.start()]
            after = [m for m in in_sentence(s) if m.start - s.start > cm.end()]
            givers, receivers = actors(before), actors(after)
            for iri in givers[-1:]:  # the nearest actor before 'condolences' gives them
                _add(statements, "Condolence", iri, s, receivers[0] if receivers else "", 0.7)

    claimant_name = aliases.entities[claimant].label if claimant else ""
    found: list[FigureFact] = []
    for s in sentences:
        is_claim = bool(_CLAIM_RE.search(s.text))
        for f in figures(s.text, claimant if is_claim else "", _short(claimant_name)):
            named = [
                m.iri
                for m in in_sentence(s)
                if f.claimant and m.iri != f.claimant and m.start - s.start > f.start
                and aliases.entities[m.iri].is_a("Actor")
            ]  # fmt: skip
            found.append(FigureFact(f, s, named))

    event = _event(sentences, in_sentence, aliases, dates, published, claimant, statements)
    return Extraction(
        text, title, published, sentences, mentions, event, found, list(statements.values()), dates
    )


def _event(
    sentences: list[Sentence],
    in_sentence: Callable[[Sentence], list[Mention]],
    aliases: AliasTable,
    dates: list[DateMention],
    published: dt.date,
    claimant: str,
    statements: dict[tuple[str, str, str], StatementFact],
) -> EventFact | None:
    hits = [s for s in sentences if _ATTACK_RE.search(s.text)]
    if not hits:
        return None
    # The lead (the first two sentences about the attack) says what it was; later sentences
    # drift to reprisals and context.
    lead = " ".join(s.text for s in hits[:2])
    blob = " ".join(s.text for s in hits)
    if _CIVILIAN_RE.search(lead):
        cls = "ViolenceAgainstCivilians"
    elif _MILITARY_RE.search(blob) and _ASSAULT_RE.search(blob):
        cls = "Battle"
    elif _REMOTE_RE.search(lead):
        cls = "ExplosionRemoteViolence"
    else:
        cls = "Attack"
    places: list[str] = []
    for s in hits:
        places += [m.iri for m in in_sentence(s) if aliases.entities[m.iri].is_a("Place")]
    places = _unique(places)
    local = [
        p for p in places if aliases.entities[p].is_a("City") or aliases.entities[p].is_a("Site")
    ]
    targets = [p for p in places if aliases.entities[p].is_a("Site")]
    in_hits = [d for d in dates if any(s.start <= d.start < s.end for s in hits)]
    when = best(in_hits) or best(dates)
    confidence = 0.75 if when else 0.4
    day, precision, said = (
        (when.date, when.precision, when.text) if when else (published.replace(day=1), "month", "")
    )
    event = EventFact(cls, day, precision, said, local or places, targets, sentences=hits)
    event.confidence = confidence
    if claimant:
        event.perpetrators = [claimant]
        event.claimed_by = [claimant]
    event.condemned_by = [s.stated_by for s in statements.values() if s.cls == "Condemnation"]
    return event


def _add(
    statements: dict[tuple[str, str, str], StatementFact],
    cls: str,
    who: str,
    s: Sentence,
    addressed_to: str = "",
    confidence: float = 0.75,
    mentions: list[str] | None = None,
) -> None:
    key = (cls, who, addressed_to)
    if key in statements:
        st = statements[key]
        if s not in st.sentences:
            st.sentences.append(s)
        st.mentions = _unique([*st.mentions, *(mentions or [])])
        return
    statements[key] = StatementFact(cls, who, [s], addressed_to, list(mentions or []), confidence)


def _short(label: str) -> str:
    """'Group to Support Islam and Muslims (JNIM)' -> 'JNIM' (what reports call it)."""
    m = re.search(r"\(([^()]+)\)\s*$", label)
    return m.group(1) if m else label


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        seen.setdefault(i, None)
    return list(seen)
