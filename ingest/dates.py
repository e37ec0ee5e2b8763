"""Dates in news prose, resolved against the publication date, and dates in dataset columns.

News reports rarely print the date of what they report: they say "on Tuesday", "yesterday",
"earlier this week". Those are resolved to the most recent such day on or before the
publication date (a report does not announce past events on a future weekday). Vaguer
expressions ("earlier this week", "last month") resolve to the first day of the span with a
coarser precision, and only when nothing more precise is said.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from graph.errors import InputError

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_MONTH_NAMES = [
    ("january", "jan", "janvier", "janv"),
    ("february", "feb", "février", "fevrier", "févr"),
    ("march", "mar", "mars"),
    ("april", "apr", "avril"),
    ("may", "mai"),
    ("june", "jun", "juin"),
    ("july", "jul", "juillet", "juil"),
    ("august", "aug", "août", "aout"),
    ("september", "sep", "sept", "septembre"),
    ("october", "oct", "octobre"),
    ("november", "nov", "novembre"),
    ("december", "dec", "décembre", "decembre", "déc"),
]
MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = r"(?P<wd>" + "|".join(WEEKDAYS + JOURS) + r")"
_WD2 = r"(?P<wd2>" + "|".join(WEEKDAYS + JOURS) + r")"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# (rule, pattern), tried in this order; an overlapping later match is dropped. Rules shared
# by both languages resolve the same way (a "dmy" is a day-month-year in either).
_EN: list[tuple[str, re.Pattern[str]]] = [
    ("iso", _rx(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("dmy", _rx(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(?P<y>\d{{4}}))?\b")),
    ("mdy", _rx(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b")),
    ("night", _rx(rf"\b(?:in )?the night (?:of|from) {_WD} (?:to|into) {_WD2}\b")),
    ("mid-month", _rx(rf"\b(?:mid|early|late)[- ]{_MONTH}")),
    ("weekday", _rx(rf"\b(?:on\s+|last\s+)?{_WD}\b")),
    ("yesterday", _rx(r"\byesterday\b")),
    ("today", _rx(r"\btoday\b|\bthis (?:morning|afternoon|evening)\b")),
    ("this-week", _rx(r"\b(?:earlier|late[r]?) this week\b|\bthis week\b")),
    ("last-week", _rx(r"\blast week\b")),
    ("last-month", _rx(r"\blast month\b")),
]
_FR: list[tuple[str, re.Pattern[str]]] = [
    ("iso", _EN[0][1]),
    ("dmy", _rx(rf"\b(?P<d>\d{{1,2}})(?:er)?\s+{_MONTH}(?:\s+(?P<y>\d{{4}}))?(?!\w)")),
    ("night", _rx(rf"\bdans la nuit (?:de|du) {_WD} (?:à|au) {_WD2}\b")),
    ("mid-month", _rx(rf"\b(?:(?:à |vers )?la mi-|(?:au |en )?début |(?:à la |en )?fin ){_MONTH}")),
    ("weekday", _rx(rf"\b(?:(?:ce|le)\s+)?{_WD}(?P<last>\s+derni(?:er|ère))?\b")),
    ("before-yesterday", _rx(r"\bavant-hier\b")),
    ("yesterday", _rx(r"\bhier\b")),
    ("today", _rx(r"\baujourd'hui\b|\bce (?:matin|midi|soir)\b|\bcet après-midi\b")),
    ("this-week", _rx(r"\bcette semaine\b|\ben début de semaine\b")),
    ("last-week", _rx(r"\bla semaine (?:dernière|passée)\b")),
    ("last-month", _rx(r"\ble mois (?:dernier|passé)\b")),
]
_PATTERNS = {"en": _EN, "fr": _FR}
# Most precise first: a weekday beats "earlier this week" in the same report.
_RANK = {"iso": 0, "dmy": 0, "mdy": 0, "night": 1, "weekday": 1, "yesterday": 1, "today": 1,
         "before-yesterday": 1}  # fmt: skip


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: dt.date
    precision: str  # "day", "month" or "year" (ontology's sahel:datePrecision)
    rule: str

    @property
    def rank(self) -> int:
        return _RANK.get(self.rule, 2)


def find_dates(
    text: str, published: dt.date, offset: int = 0, lang: str = "en"
) -> list[DateMention]:
    """Every date expression in the text, resolved; overlapping matches keep the first rule."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for rule, pattern in _PATTERNS[lang]:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            resolved = _resolve(rule, m, published)
            if resolved is None:
                continue
            day, precision = resolved
            taken.append((m.start(), m.end()))
            found.append(
                DateMention(m.start() + offset, m.end() + offset, m.group(), day, precision, rule)
            )
    return sorted(found, key=lambda d: d.start)


def _resolve(rule: str, m: re.Match[str], published: dt.date) -> tuple[dt.date, str] | None:
    if rule in ("iso", "dmy", "mdy"):
        month = int(m.group("m")) if rule == "iso" else MONTHS[m.group("month").lower()]
        year = int(m.group("y")) if m.group("y") else published.year
        try:
            day = dt.date(year, month, int(m.group("d")))
        except ValueError:
            return None
        if not m.group("y") and day > published:  # "17 December" read in January
            day = day.replace(year=year - 1)
        return day, "day"
    if rule == "weekday":
        back = (published.weekday() - _weekday(m.group("wd"))) % 7
        last = m.group().lower().startswith("last") or bool(m.groupdict().get("last"))
        if last and back == 0:
            back = 7
        return published - dt.timedelta(days=back), "day"
    if rule == "night":  # the night from Tuesday to Wednesday began on the Tuesday
        back = (published.weekday() - _weekday(m.group("wd2"))) % 7
        return published - dt.timedelta(days=back + 1), "day"
    if rule == "mid-month":  # the ontology has no "mid-May": the month, at month precision
        month = MONTHS[m.group("month").lower()]
        year = published.year if month <= published.month else published.year - 1
        return dt.date(year, month, 1), "month"
    if rule == "yesterday":
        return published - dt.timedelta(days=1), "day"
    if rule == "before-yesterday":
        return published - dt.timedelta(days=2), "day"
    if rule == "today":
        return published, "day"
    if rule == "this-week":
        return _month_of(published - dt.timedelta(days=published.weekday()))
    if rule == "last-week":
        return _month_of(published - dt.timedelta(days=published.weekday() + 7))
    if rule == "last-month":
        first = published.replace(day=1) - dt.timedelta(days=1)
        return first.replace(day=1), "month"
    return None


def _weekday(name: str) -> int:
    name = name.lower()
    return WEEKDAYS.index(name) if name in WEEKDAYS else JOURS.index(name)


def _month_of(day: dt.date) -> tuple[dt.date, str]:
    """The ontology has no week precision: a week-vague date is its month, at month precision."""
    return day.replace(day=1), "month"


def best(mentions: list[DateMention]) -> DateMention | None:
    """The most precise mention, the earliest in the text among equals."""
    return min(mentions, key=lambda d: (d.rank, d.start), default=None)


def parse_iso(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{what}: {text!r} is not a YYYY-MM-DD date") from None


def parse_dataset_date(text: str) -> dt.date:
    """ISO ('2024-09-17') or ACLED's long form ('17 September 2024', '17-Sep-2024')."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d-%b-%Y", "%d %b %Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {text!r}")


def coarsen(day: dt.date, precision: str) -> dt.date:
    """The ontology's convention: a month- or year-precise date is the first day of it."""
    if precision == "month":
        return day.replace(day=1)
    if precision == "year":
        return day.replace(month=1, day=1)
    return day
