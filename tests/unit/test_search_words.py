"""Date words in the one search box (graph/read/search.py): a year, a month (English or French,
any case or accent) or a day narrow to events of that period; the rest is text."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.read.search import date_words

D = dt.date


@pytest.mark.parametrize(
    ("q", "text", "days"),
    [
        ("Bamako", "bamako", None),
        ("GSIM", "gsim", None),
        ("2024", "", (D(2024, 1, 1), D(2024, 12, 31))),
        ("Bamako September 2024", "bamako", (D(2024, 9, 1), D(2024, 9, 30))),
        ("17 septembre 2024", "", (D(2024, 9, 17), D(2024, 9, 17))),
        ("Février 2024", "", (D(2024, 2, 1), D(2024, 2, 29))),
        ("2024-09-17 attack", "attack", (D(2024, 9, 17), D(2024, 9, 17))),
        ("2024-09", "", (D(2024, 9, 1), D(2024, 9, 30))),
        ("31 February 2024", "31 february 2024", None),  # not a day: plain text
        ("Operation Barkhane", "operation barkhane", None),
    ],
)
def test_date_words(q: str, text: str, days: tuple[dt.date, dt.date] | None) -> None:
    assert date_words(q) == (text, days)
