"""Candidate facts of one news report, English or French: every event it reports (events.py)
with its date, places, targets, perpetrators and claimants, the figures of each with their
attributions, claims of responsibility, condemnations, condolences, the army's own account,
"not claimed" when said, every actor or place it names, and the names the graph does not
know (candidates.py). Deterministic rules over sentences; each fact keeps the sentences it
comes from and a confidence for the reviewer. The rules of each role are in roles.py."""

from __future__ import annotations

import datetime as dt
import re

from ingest import candidates as cand_mod, events as ev_mod
from ingest.aliases import AliasTable, Mention
from ingest.candidates import Candidate
from ingest.dates import find_dates
from ingest.events import Sentence

# The facts are facts.py's (roles.py builds them too); importable from here as before.
from ingest.facts import (
    EventFact,
    Extraction,
    FigureFact,
    StatementFact,
    _unique,
)
from ingest.lang import LEXICONS, choose
from ingest.turtle import slug

__all__ = ["EventFact", "Extraction", "FigureFact", "Sentence", "StatementFact", "extract"]
_SENTENCE_RE = re.compile(r"[^\n]+?(?:[.!?](?=\s|$)|$)", re.M)


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
