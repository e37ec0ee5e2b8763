"""Statements whose rows come back in one record.

The Bolt driver spends 20-26 µs of Python on each record it reads (socket reads, the
message, hydration), more than ten times what the same row costs inside one list, and the
server 3-7 µs more (`bench/records.py`, BENCHMARKS.md 3e). The API's reads and the loader's
look-ups return tens to thousands of rows, so their statements end in
`RETURN collect({...}) AS rows` instead: `table()` rewrites a statement written in the
plain form (its last clause `RETURN a AS x, b AS y ...`, then ORDER BY, SKIP, LIMIT);
`graph.read.Reader.rows` and `rows_of` unpack the record, so callers still get one dict per
row. Both servers keep the order of the rows into `collect`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

ROWS = "rows"
_RETURN = "\nRETURN "
_TAIL = re.compile(r"^(?:ORDER BY|SKIP|LIMIT)\b", re.M)
_ALIAS = re.compile(r"(?:\bAS\s+|^)`?([A-Za-z_][A-Za-z0-9_]*)`?\s*$", re.S)
_END = f"}}) AS {ROWS}\n"  # how every statement table() writes ends (see is_table)


def _columns(text: str) -> list[str]:
    """The RETURN clause's items, split at its top-level commas."""
    items, depth, start = [], 0, 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items]


def table(statement: str, capped: bool = True) -> str:
    """`statement` with its rows collected into one record (a list of maps, one per row,
    keyed by the RETURN clause's names, in the statement's order). Without a LIMIT of its
    own it gets `LIMIT $limit`, which Reader.rows fills with its row cap; `capped=False`
    for a loader's statement, whose rows are bounded by the batch it is given (UNWIND)."""
    head, sep, last = statement.rpartition(_RETURN)
    if not sep:
        raise ValueError("a table statement ends with a RETURN clause on a line of its own")
    tail_at = _TAIL.search(last)
    columns, tail = (last[: tail_at.start()], last[tail_at.start() :]) if tail_at else (last, "")
    names = []
    for item in _columns(columns.removeprefix("DISTINCT ")):
        found = _ALIAS.search(item)
        if not found:
            raise ValueError(f"a table statement names every column: {item!r}")
        names.append(found.group(1))
    if len(set(names)) != len(names):
        raise ValueError(f"a table statement's columns have one name each: {names}")
    if capped and not re.search(r"\bLIMIT\b", tail):
        tail = tail.rstrip("\n") + ("\n" if tail else "") + "LIMIT $limit"
    row = ", ".join(f"`{name}`: `{name}`" for name in names)
    return f"{head}\nWITH {columns.strip()}\n{tail.strip()}\nRETURN collect({{{row}{_END}"


def is_table(statement: str) -> bool:
    """Whether `statement` was written by table() (Reader.rows unpacks its one record)."""
    return statement.endswith(_END) and "\nRETURN collect({" in statement


def rows_of(result: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a table statement run in a transaction (`tx.run(...)`): its one record's."""
    for record in result:
        return list(record[ROWS])
    return []


_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def names(items: Iterable[str]) -> str:
    """Labels or relationship types for a statement's text (they cannot be parameters),
    sorted and joined with ':', each checked to be a plain name."""
    out = sorted(items)
    for name in out:
        if not _NAME.match(name):  # never reached with registry names; a last guard
            raise ValueError(f"not a label or relationship type: {name!r}")
    return ":".join(out)
