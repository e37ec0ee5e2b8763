"""Refuse Cypher that could write, before it reaches the server.

Neo4j enforces READ access mode on the server; ArcadeDB does not, and EXPLAIN there reports
reads as writes, so the service cannot ask the server. This checker reads the statement
itself: comments, string literals and backtick-quoted names are blanked out first (so a
keyword inside them is harmless, and one hidden behind a comment is still found), then any
clause that writes or administers, in any letter case and at any depth (subqueries
included), is refused with its name. Procedures are allowed only from a short list of
read-only ones. It errs on the side of refusing.
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
MAX_QUERY_CHARS = 20_000

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def check_read_only(query: str) -> None:
    """Raise ReadOnlyViolation naming the first writing clause or procedure found."""
    if not query or not query.strip():
        raise ReadOnlyViolation("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise ReadOnlyViolation(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind == "comment":
            continue
        text = m.group()
        if kind == "other" and text.isspace():
            continue
        tokens.append((kind, text))
    for i, (kind, text) in enumerate(tokens):
        if kind != "word":
            continue
        prev = tokens[i - 1][1] if i > 0 else ""
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if prev in (".", ":", "$") or nxt == ":":
            continue  # a property, a label or type, a parameter, a map key
        upper = text.upper()
        if upper in WRITE_CLAUSES:
            raise ReadOnlyViolation(f"read-only: {upper} is not allowed here")
        if upper == "IN" and nxt.upper() == "TRANSACTIONS":
            raise ReadOnlyViolation("read-only: CALL { … } IN TRANSACTIONS is not allowed here")
        if upper == "CALL" and i + 1 < len(tokens) and tokens[i + 1][0] == "word":
            name = tokens[i + 1][1].lower()
            if name not in READ_PROCEDURES:
                raise ReadOnlyViolation(
                    f"read-only: procedure {tokens[i + 1][1]} is not on the list of read-only "
                    f"procedures ({', '.join(sorted(READ_PROCEDURES))})"
                )
