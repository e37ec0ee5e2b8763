"""Candidate facts of one news report, English or French: every event it reports (events.py)
with its date, places, targets, perpetrators and claimants, the figures of each with their
attributions, claims of responsibility, condemnations, condolences, the army's own account,
"not claimed" when said, every actor or place it names, and the names the graph does not
know (candidates.py). Deterministic rules over sentences; each fact keeps the sentences it
comes from and a confidence for the reviewer. The rules of each role are in roles.py."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest import candidates as cand_mod
from ingest import events as ev_mod
from ingest.aliases import AliasTable, Mention
from ingest.candidates import Candidate
from ingest.dates import DateMention, find_dates
from ingest.events import Sentence
from ingest.figures import Figure
from ingest.lang import LEXICONS, choose
from ingest.turtle import slug

__all__ = ["EventFact", "Extraction", "FigureFact", "Sentence", "StatementFact", "extract"]
_SENTENCE_RE = re.compile(r"[^\n]+?(?:[.!?](?=\s|$)|$)", re.M)


@dataclass
class EventFact:
    cls: str  # local name of the event class
    date: dt.date
    precision: str
    date_text: str
    locations: list[str] = field(default_factory=list)  # IRIs, or "new:Label" candidates
    targets: list[str] = field(default_factory=list)
    perpetrators: list[str] = field(default_factory=list)
    claimed_by: list[str] = field(default_factory=list)
    condemned_by: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    confidence: float = 0.7
    unclaimed: bool = False
    key: str = ""  # "2025-06-01@boulkessi": the date and the first place named


@dataclass
class FigureFact:
    figure: Figure
    sentence: Sentence
    mentions: list[str] = field(default_factory=list)  # actors named in the claim
    event: int | None = None  # index in Extraction.events
    stated_by: str = ""  # IRI or "new:Label" of who the figure comes from, when named


@dataclass
class StatementFact:
    cls: str  # ClaimOfResponsibility, Condemnation, Condolence, Statement
    stated_by: str  # IRI or "new:Label"
    sentences: list[Sentence]
    addressed_to: str = ""
    mentions: list[str] = field(default_factory=list)
    confidence: float = 0.75
    events: list[int] = field(default_factory=list)


@dataclass
class Extraction:
    text: str
    title: str
    published: dt.date
    sentences: list[Sentence]
    mentions: list[Mention]
    events: list[EventFact]
    figures: list[FigureFact]
    statements: list[StatementFact]
    dates: list[DateMention]
    candidates: list[Candidate] = field(default_factory=list)
    lang: str = "en"

    @property
    def event(self) -> EventFact | None:
        return self.events[0] if self.events else None

    def candidate(self, key: str) -> Candidate | None:
        return next((c for c in self.candidates if c.key == key), None)

    def facts(self) -> set[tuple[str, ...]]:
        """Comparable facts, for the gold lists and the review (IRIs as they are)."""
        out: set[tuple[str, ...]] = {("mention", m.iri) for m in self.mentions}
        for e in self.events:
            out.add(("event", e.key, "type", e.cls))
            for rel, iris in (
                ("location", e.locations),
                ("target", e.targets),
                ("perpetrator", e.perpetrators),
                ("claimedBy", e.claimed_by),
                ("condemnedBy", e.condemned_by),
            ):
                out |= {("event", e.key, rel, i) for i in iris}
            if e.unclaimed:
                out.add(("event", e.key, "unclaimed", "yes"))
        for f in self.figures:
            key = self.events[f.event].key if f.event is not None else "-"
            out.add(("claim", key, *figure_key(f)))
        out |= {("statement", s.cls, s.stated_by, s.addressed_to) for s in self.statements}
        for c in self.candidates:
            out.add(("new", c.cls, c.label))
            if c.container:
                out.add(("locatedIn", c.label, c.container))
        return out


def figure_key(f: FigureFact) -> tuple[str, ...]:
    from graph.mapping import normalise_text

    fig = f.figure
    who = f.stated_by or fig.claimant or normalise_text(fig.attribution) or "unattributed"
    return (fig.kind, str(fig.value), fig.qualifier or "-", who)


def split_sentences(text: str) -> list[Sentence]:
    """Lines, then sentence ends. A regular expression, not spaCy's sentencizer: news wires
    put one paragraph per line, and the small French model cuts after initials and titles
    ("le ministre Salifou | Mody") where a full stop rule does not."""
    out: list[Sentence] = []
    for m in _SENTENCE_RE.finditer(text):
        chunk = m.group()
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Sentence(len(out), m.start() + lead, m.end(), chunk.strip()))
    return out


def extract(
    text: str, published: dt.date, aliases: AliasTable, lang: str | None = None
) -> Extraction:
    from ingest import roles

    lang = choose(text, lang)
    lex = LEXICONS[lang]
    sentences = split_sentences(text)
    title = sentences[0].text if sentences else ""
    mentions = aliases.mentions(text)
    dates = find_dates(text, published, lang=lang)
    found = cand_mod.find(text, lang, aliases, mentions)
    inside = [sp for c in found if c.is_place for sp in c.spans]
    mentions = [m for m in mentions if not any(s < m.start and m.end <= e for s, e in inside)]
    places = _places(aliases, mentions, found)
    cand_mod.containers(text, places, found)
    contains = {c.container for c in found if c.container}
    local = [p for p in places if p[3] != "Country" and p[2] not in contains]
    local = [p for p in local if not cand_mod.nearby(text, p[0])]

    # The headline restates the lead; it is read for events only when nothing else is.
    for first in (1, 0):
        body = ev_mod.units(text, sentences[first:], dates)
        places_of: dict[int, set[str]] = {}
        for u in body:
            places_of[u.start] = {p[2] for p in local if u.start <= p[0] < u.end}
        segments = ev_mod.segment(text, body, dates, lex, places_of)
        if segments:
            break
    ctx = roles.Context(text, lang, lex, aliases, mentions, found, published, dates)
    events: list[EventFact] = []
    for seg in segments:  # where the attack sentences say it happened
        said = [u for u in seg.units if lex.attack.search(u.text)] or seg.units
        where = _unique(p[2] for p in local for u in said if u.start <= p[0] < u.end)
        events.append(roles.event(ctx, seg, where, dates, places))
    for e in events:
        e.key = f"{e.date.isoformat()}@{slug(_label(aliases, found, e.locations), 40)}"
    unit_event = {u.start: i for i, seg in enumerate(segments) for u in seg.units}
    figures, statements = roles.facts(ctx, body, title, sentences, events, unit_event)
    return Extraction(
        text, title, published, sentences, mentions, events, figures, statements, dates,
        found, lang,
    )  # fmt: skip


def _places(
    aliases: AliasTable, mentions: list[Mention], found: list[Candidate]
) -> list[tuple[int, int, str, str]]:
    """(start, end, IRI or candidate key, class) of every place named, in text order."""
    out = []
    for m in mentions:
        e = aliases.entities[m.iri]
        if e.is_a("Place"):
            cls = next((c for c in ("Country", "Site", "City", "Region") if e.is_a(c)), "Region")
            out.append((m.start, m.end, m.iri, cls))
    for c in found:
        if c.is_place:
            out += [(s, e, c.key, c.cls) for s, e in c.spans]
    return sorted(out)


def _label(aliases: AliasTable, found: list[Candidate], keys: list[str]) -> str:
    if not keys:
        return "unknown"
    key = keys[0]
    if key.startswith("new:"):
        return key[4:]
    label = aliases.entities[key].label if key in aliases.entities else key
    return re.sub(r"\s*\([^()]*\)", "", label)  # "Gendarmerie school of Faladié (...)"


def _short(label: str) -> str:
    """'Group to Support Islam and Muslims (JNIM)' -> 'JNIM' (what reports call it)."""
    m = re.search(r"\(([^()]+)\)\s*$", label)
    return m.group(1) if m else label


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        seen.setdefault(i, None)
    return list(seen)
