"""Refuse Cypher that could write, before it reaches the server: the second line of
defence. The first is the store itself: reads run as an account that cannot write
(ArcadeDB's reader group) or in READ access mode, which Neo4j enforces, where EXPLAIN is also
asked (graph.store).

The checker reads the statement itself: comments, string literals and backtick-quoted names
are set apart first (so a keyword inside them is harmless, and one hidden behind a comment
is still found; a `//` comment ends at any line terminator a server may accept, `\r`
included), then any clause that writes or administers, in any letter case and at any depth
(subqueries included), is refused with its name. Names are read whole, quoted or not
(`` `merge.node` ``, `` `apoc`.`create`.node ``): procedures are allowed only from a short
list of read-only ones, and namespaced functions only from namespaces that compute values.
It errs on the side of refusing.
"""

from __future__ import annotations

import re

from graph.errors import ReadOnlyViolation

WRITE_CLAUSES = frozenset(
    {
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "LOAD",
        "ALTER", "GRANT", "DENY", "REVOKE", "RENAME", "START", "STOP", "TERMINATE", "USE",
        "INSERT", "UPDATE", "UPSERT", "TRUNCATE", "ENABLE", "DISABLE",
    }
)  # fmt: skip
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
    }
)
# Namespaces of functions that only compute values (Neo4j's temporal and spatial ones,
# APOC's pure helpers). Any other namespaced function (merge.*, do.*, create.*, apoc.cypher.*,
# apoc.load.*...) is refused: some servers expose procedures that write as functions too.
READ_FUNCTION_NAMESPACES = (
    "date.", "datetime.", "localdatetime.", "localtime.", "time.", "duration.", "point.",
    "vector.", "apoc.coll.", "apoc.text.", "apoc.map.", "apoc.convert.", "apoc.date.",
    "apoc.temporal.", "apoc.math.", "apoc.number.", "apoc.agg.", "apoc.label.",
    "apoc.node.", "apoc.rel.", "apoc.any.", "apoc.util.md5", "apoc.util.sha",
)  # fmt: skip
MAX_QUERY_CHARS = 20_000
# Line terminators: Neo4j and ArcadeDB end `//` comments at \n or \r; the Unicode ones are
# added so that the checker never reads as comment what a server reads as code.
_EOL = "\n\r\u0085\u2028\u2029\x0b\x0c"

_TOKEN = re.compile(
    rf"""
    (?P<comment>//[^{_EOL}]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def check_read_only(query: str) -> None:
    """Raise ReadOnlyViolation naming the first writing clause, procedure or function."""
    if not query or not query.strip():
        raise ReadOnlyViolation("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise ReadOnlyViolation(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    tokens = _tokens(query)
    for i, (kind, text) in enumerate(tokens):
        prev = tokens[i - 1] if i > 0 else ("", "")
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if kind == "name":
            if prev[1] in (".", ":", "$") or nxt[1] == ":":
                continue  # a property, a label or type, a parameter, a map key
            if prev[1].upper() == "CALL":
                _check_procedure(text)
            elif nxt[1] == "(" and "." in text:
                _check_function(text)
        if kind != "word":
            continue
        if prev[1] in (".", ":", "$") or nxt[1] == ":":
            continue
        upper = text.upper()
        if upper in WRITE_CLAUSES:
            raise ReadOnlyViolation(f"read-only: {upper} is not allowed here")
        if upper == "IN" and nxt[1].upper() == "TRANSACTIONS":
            raise ReadOnlyViolation("read-only: CALL { … } IN TRANSACTIONS is not allowed here")


def _tokens(query: str) -> list[tuple[str, str]]:
    """("word" | "name" | "string" | "other", text): comments and spaces dropped; a dotted
    name, quoted in parts or not, joined into one "name" token (lower case, unquoted)."""
    raw: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        text = m.group()
        if kind == "comment" or (kind == "other" and text.isspace()):
            continue
        if kind == "quoted":
            text = text[1:-1].replace("``", "`") if text.endswith("`") else text[1:]
        raw.append((kind, text))
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(raw):
        kind, text = raw[i]
        if kind in ("word", "quoted"):
            parts = [text]
            j = i + 1
            while j + 1 < len(raw) and raw[j][1] == "." and raw[j + 1][0] in ("word", "quoted"):
                parts.append(raw[j + 1][1])
                j += 2
            name = ".".join(parts)
            if j > i + 1 or kind == "quoted" or "." in text:
                tokens.append(("name", name.lower()))
            else:
                tokens.append(("word", text))
            i = j
            continue
        tokens.append((kind, text))
        i += 1
    return tokens


def _check_procedure(name: str) -> None:
    if name not in READ_PROCEDURES:
        raise ReadOnlyViolation(
            f"read-only: procedure {name} is not on the list of read-only procedures "
            f"({', '.join(sorted(READ_PROCEDURES))})"
        )


def _check_function(name: str) -> None:
    if not name.startswith(READ_FUNCTION_NAMESPACES):
        raise ReadOnlyViolation(
            f"read-only: function {name} is not in a namespace of functions that only "
            "compute values (date, datetime, duration, point, apoc.coll, apoc.text…)"
        )
