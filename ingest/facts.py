"""The facts a news report yields (events, figures, statements) and the extraction that
holds them: what article.py's rules and roles.py's build, and what review.py and draft.py
read. Their own module, so that the rules' modules import them rather than each other."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.aliases import Mention
from ingest.candidates import Candidate
from ingest.dates import DateMention
from ingest.events import Sentence
from ingest.figures import Figure


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


def _short(label: str) -> str:
    """'Group to Support Islam and Muslims (JNIM)' -> 'JNIM' (what reports call it)."""
    m = re.search(r"\(([^()]+)\)\s*$", label)
    return m.group(1) if m else label


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        seen.setdefault(i, None)
    return list(seen)
