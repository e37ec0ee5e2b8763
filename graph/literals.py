"""Is a typed literal's lexical form one its XSD datatype allows ("2025-13-01"^^xsd:date is
not)? Checked with elementpath's XSD datatypes, which parse each lexical form as XML Schema
1.1 defines it, value ranges included (month 1-12, day within its month, xsd:byte
-128..127, ...); rdflib's own check lets some through ("2024-09-17"^^xsd:dateTime) and does
not look at others (xsd:gYear)."""

from __future__ import annotations

from functools import cache
from typing import Any

from elementpath.datatypes import builtin_atomic_types

from graph.namespaces import XSD_NS

_XSD = XSD_NS


@cache
def _type(datatype: str) -> Any:
    if not datatype.startswith(_XSD):
        return None  # rdf:langString, rdf:HTML, a datatype of one's own: not ours to judge
    name = datatype[len(_XSD) :]
    if name in ("NOTATION", "anyAtomicType", "anySimpleType"):  # abstract: no literal of its own
        return None
    return builtin_atomic_types.get("{http://www.w3.org/2001/XMLSchema}" + name)


def lexical_problem(lexical: str, datatype: str) -> str | None:
    """Why `lexical` is not a valid `datatype` literal, or None when it is (or when the
    datatype is not an XSD one elementpath knows)."""
    xsd = _type(datatype)
    if xsd is None:
        return None
    try:
        make = getattr(xsd, "fromstring", None) or xsd.make
        make(lexical)
    except (ValueError, TypeError, ArithmeticError) as exc:
        reason = str(exc).split(" for <class")[0]
        return f'"{lexical}" is not a valid xsd:{datatype[len(_XSD) :]} ({reason})'
    return None
