"""One search over actors, places and events: words of a label or alias (as the actor search
reads them) and date words ("2024", "September 2024", "17 septembre 2024", "2024-09-17")
that narrow to the events of that year, month or day. Results grouped by kind."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from graph import queries
from graph.mapping import normalise_text
from graph.read.base import Reader
from graph.read.models import SearchHit, SearchResult
from graph.read.present import date_text, ref_fields

KINDS = ("Actor", "Place", "Event")
MONTHS = {
    **{calendar.month_name[i].lower(): i for i in range(1, 13)},
    **{calendar.month_abbr[i].lower(): i for i in range(1, 13)},
    **dict(
        zip(
            [
                "janvier",
                "fevrier",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "aout",
                "septembre",
                "octobre",
                "novembre",
                "decembre",
            ],
            range(1, 13),
            strict=True,
        )
    ),
}
_ISO_IN = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")


def date_words(text: str) -> tuple[str, tuple[dt.date, dt.date] | None]:
    """Split a query into its text words and the date range its date words name (the
    first and last day of a year, a month or a day); (text, None) when it names none."""
    year = month = day = None
    iso = _ISO_IN.search(text)
    if iso:  # 2024-09-17 or 2024-09, before normalising drops the hyphens
        year, month = int(iso.group(1)), int(iso.group(2))
        day = int(iso.group(3)) if iso.group(3) else None
        text_words = (text[: iso.start()] + " " + text[iso.end() :]).strip()
    else:
        text_words = text
    rest: list[str] = []
    for word in normalise_text(text_words).split():
        if word.isdigit() and len(word) == 4 and 1800 <= int(word) <= 2100 and year is None:
            year = int(word)
        elif word in MONTHS and month is None:
            month = MONTHS[word]
        elif word.isdigit() and 1 <= int(word) <= 31 and day is None:
            day = int(word)
        else:
            rest.append(word)
    words = " ".join(" ".join(rest).split())
    if year is None:
        return normalise_text(text), None
    try:
        if month is None:
            return words, (dt.date(year, 1, 1), dt.date(year, 12, 31))
        last = calendar.monthrange(year, month)[1]
        if day is None:
            return words, (dt.date(year, month, 1), dt.date(year, month, last))
        return words, (dt.date(year, month, day), dt.date(year, month, day))
    except ValueError:  # 31 February: not a date, so the words are plain text
        return normalise_text(text), None


def kind_of(labels: list[str]) -> str | None:
    return next((k for k in KINDS if k in labels), None)


def search(reader: Reader, q: str, limit: int = 20) -> SearchResult:
    """Up to `limit` matches of each kind, best first, in groups "Actor", "Place" and
    "Event", each hit a reference (with the event's date)."""
    text, days = date_words(q)
    rows = reader.rows(
        queries.API_SEARCH_KINDS,
        q=text,
        **{"from": days[0] if days else None, "to": days[1] if days else None},
        limit=limit * 10,
    )
    groups: dict[str, list[SearchHit]] = {k: [] for k in KINDS}
    for r in rows:
        kind = kind_of(list(r["labels"]))
        if kind is None or len(groups[kind]) >= limit:
            continue
        groups[kind].append(
            SearchHit(
                **ref_fields(r["iri"], {"name": r["name"], "rdfTypes": r["types"]}),
                kind=kind,
                date=date_text(r["date"]),
            )
        )
    return SearchResult(
        q=q,
        text=text,
        from_=days[0].isoformat() if days else None,
        to=days[1].isoformat() if days else None,
        groups=groups,
    )
