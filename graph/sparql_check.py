"""What a SPARQL query may be here (graph/sparql.py runs it): not empty, not too long, and
a query only: SPARQL Update and SERVICE are refused before anything runs, SERVICE from the
parsed query (rdflib's SPARQL parser, on the text with its \\u escapes decoded and every line
terminator made a newline, as the engine reads it), updates and SERVICE also by reading the
words (comments, strings and IRIs blanked first).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from graph.errors import QueryError, ReadOnlyViolation

MAX_QUERY_CHARS = 50_000

# Words that only SPARQL Update uses (a query never contains them as bare words).
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>'''.*?(?:'''|\Z)|\"\"\".*?(?:\"\"\"|\Z)
      |'(?:[^'\\\r\n]|\\.)*(?:'|$)|"(?:[^"\\\r\n]|\\.)*(?:"|$))
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<pname>(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LINE_ENDS = re.compile("\r\n?|[\u0085\u2028\u2029\x0b\x0c]")


def as_engine_reads(text: str) -> str:
    """The query as a SPARQL engine may read it: codepoint escapes decoded (SPARQL 1.1
    section 19.2 allows them anywhere) and every line terminator a newline."""

    def decode(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()

    return _LINE_ENDS.sub("\n", _CODEPOINT.sub(decode, text))


def check_query(text: str) -> None:
    """Refuse empty and over-long queries, SPARQL Update and SERVICE, naming the reason."""
    if not text or not text.strip():
        raise QueryError("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    text = as_engine_reads(text)
    if "ServiceGraphPattern" in _parsed_parts(text):
        raise ReadOnlyViolation("SERVICE (federated query to another endpoint) is not allowed here")
    for m in _TOKEN.finditer(text):
        if m.lastgroup != "word":
            continue
        word = m.group().upper()
        if word in UPDATE_WORDS:
            raise ReadOnlyViolation(
                f"read-only: SPARQL Update ({word}) is not allowed; this endpoint answers "
                "queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)"
            )
        if word == "SERVICE":
            raise ReadOnlyViolation(
                "SERVICE (federated query to another endpoint) is not allowed here"
            )


@functools.lru_cache(maxsize=256)
def _parsed_parts(text: str) -> frozenset[str]:
    """The names of the parts of the parsed query (e.g. "ServiceGraphPattern"); empty when
    rdflib cannot parse it (the engine then says why, after the word check)."""
    from pyparsing import ParseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except (ParseException, ValueError, TypeError, RecursionError):
        return frozenset()
    names: set[str] = set()
    todo: list[Any] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, CompValue):
            names.add(node.name)
            todo.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            todo.extend(node)
    return frozenset(names)
