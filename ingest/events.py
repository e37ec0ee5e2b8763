"""Split a report into its events: a report often lists several attacks, each with its own
date, places and toll ("On Monday the group attacked Timbuktu ... On May 24 it had claimed an
attack in Dioura"). Rules over units (sentences, or parts of a sentence that carries two
dates of two different attacks, cut at the comma between them):

- the first unit about an attack opens an event;
- a later attack unit whose own date differs from the open event's opens a new one; so does
  one that says "the same day" / "le même jour" and names a place the open event does not
  have;
- every other unit joins the open event (its figures, claims and statements are that
  event's); units before the first event belong to it.

A date right after a verb of saying ("said on Wednesday", "a annoncé mercredi") dates the
statement, not the attack, and is not used.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from ingest.dates import DateMention, best
from ingest.lang import Lexicon


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass
class Segment:
    units: list[Sentence] = field(default_factory=list)
    date: DateMention | None = None


_SAID_BEFORE = re.compile(
    r"\b(?:said|says|told|announced|stated|reported|a annoncé|ont annoncé|a déclaré|a indiqué|"
    r"a affirmé|a précisé)\b[^.;]{0,12}$",
    re.I,
)


def event_dates(text: str, unit: Sentence, dates: list[DateMention]) -> list[DateMention]:
    inside = [d for d in dates if unit.start <= d.start < unit.end]
    return [d for d in inside if not _SAID_BEFORE.search(text[max(0, d.start - 40) : d.start])]


def compatible(a: DateMention, b: DateMention) -> bool:
    if a.date == b.date:
        return True
    if "day" not in (a.precision, b.precision) or a.precision != b.precision:
        return (a.date.year, a.date.month) == (b.date.year, b.date.month)
    return False


def units(text: str, sentences: list[Sentence], dates: list[DateMention]) -> list[Sentence]:
    """Sentences, each cut at the comma before a second, incompatible date."""
    out: list[Sentence] = []
    for s in sentences:
        own = [d for d in event_dates(text, s, dates) if d.rank <= 1]
        start = s.start
        for first, second in itertools.pairwise(own):
            if compatible(first, second):
                continue
            comma = text.rfind(",", first.end, second.start)
            if comma > start:
                out.append(Sentence(s.index, start, comma + 1, text[start : comma + 1].strip()))
                start = comma + 1
                while start < s.end and text[start].isspace():
                    start += 1
        out.append(Sentence(s.index, start, s.end, text[start : s.end].strip()))
    return out


def segment(
    text: str,
    body: list[Sentence],
    dates: list[DateMention],
    lex: Lexicon,
    places_of: dict[int, set[str]],
) -> list[Segment]:
    """`body`: the units after the title; `places_of`: unit start -> places it names."""
    segments: list[Segment] = []
    preamble: list[Sentence] = []
    for u in body:
        own = event_dates(text, u, dates)
        when = best(own)
        attack = bool(lex.attack.search(u.text))
        cur = segments[-1] if segments else None
        if cur is None:
            if attack:
                segments.append(Segment([*preamble, u], when))
            else:
                preamble.append(u)
            continue
        seen = set().union(*(places_of.get(x.start, set()) for x in cur.units))
        new_places = places_of.get(u.start, set()) - seen
        if attack and when is not None and cur.date is not None and not compatible(cur.date, when):
            segments.append(Segment([u], when))
        elif attack and lex.same_day.search(u.text) and new_places:
            segments.append(Segment([u], cur.date))
        else:
            cur.units.append(u)
            if when is not None and (cur.date is None or _finer(when, cur.date)):
                cur.date = when
    return segments


def _finer(new: DateMention, old: DateMention) -> bool:
    return new.rank < old.rank and compatible(new, old)


def fallback_date(published: dt.date) -> tuple[dt.date, str]:
    """No date said at all: the month of publication, at month precision."""
    return published.replace(day=1), "month"
