"""A load's id: the same triples give the same id, whatever files and order they came in.

It is the sum (mod 2**256) of each distinct triple's SHA-256, and their count, added one
triple at a time: nothing is sorted or kept (a sorted list of every triple's text took as
much memory as the triples themselves). A triple is hashed as the text of its plain values
(graph.terms.triple_key), which the streamed index stores: its id is one scan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from rdflib import Literal

from graph.terms import Key, node_id, triple_key


def content_id(triples: Iterable[tuple[Any, Any, Any]]) -> str:
    """The id of `triples`, each given once (graph.rdf.parse_files gives each once)."""
    total = ContentId()
    total.add_all(triples)
    return total.value()


class ContentId:
    def __init__(self) -> None:
        self.total, self.seen = 0, 0

    def add(self, triple: tuple[Any, Any, Any]) -> None:
        self.add_key(triple_key(triple))

    def add_key(self, key: Key) -> None:
        self.total += int.from_bytes(hashlib.sha256(repr(key).encode()).digest(), "big")
        self.seen += 1

    def add_keys(self, keys: Iterable[Key]) -> None:
        """As `add_key` for each key, faster when keys of one subject come together (the
        streamed index's rows): the text of a subject, predicate, language or datatype is
        made once per run or value, the object's for each key."""
        last_s, s_text = None, ""
        texts: dict[str, str] = {}  # predicates, languages, datatypes: a few values
        sha256, from_bytes = hashlib.sha256, int.from_bytes
        total, seen = self.total, self.seen
        for s, p, o, k, lang, dt in keys:
            if s != last_s:
                last_s, s_text = s, repr(s)
            p_text = texts.get(p)
            if p_text is None:
                p_text = texts[p] = repr(p)
            if k == 0 and not lang and not dt:  # an IRI or a blank node
                text = f"({s_text}, {p_text}, {o!r}, 0, '', '')"
            else:
                lang_text = texts.get(lang)
                if lang_text is None:
                    lang_text = texts[lang] = repr(lang)
                dt_text = texts.get(dt)
                if dt_text is None:
                    dt_text = texts[dt] = repr(dt)
                text = f"({s_text}, {p_text}, {o!r}, {k!r}, {lang_text}, {dt_text})"
            total += from_bytes(sha256(text.encode()).digest(), "big")
            seen += 1
        self.total, self.seen = total, seen

    def add_all(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """As `add` for each triple, in two thirds of the time (1M triples): each term's
        part of `repr(triple_key(...))` is made once, not once per triple it is in."""
        subjects: dict[Any, str] = {}
        predicates: dict[Any, str] = {}
        objects: dict[Any, str] = {}
        sha256, from_bytes = hashlib.sha256, int.from_bytes
        total, seen = self.total, self.seen
        for s, p, o in triples:
            s_text = subjects.get(s)
            if s_text is None:
                s_text = subjects[s] = repr(node_id(s))
            p_text = predicates.get(p)
            if p_text is None:
                p_text = predicates[p] = repr(str(p))
            o_text = objects.get(o)
            if o_text is None:
                o_text = objects[o] = _object_text(o)
            total += from_bytes(sha256(f"({s_text}, {p_text}, {o_text})".encode()).digest(), "big")
            seen += 1
        self.total, self.seen = total, seen

    def value(self) -> str:
        total = (self.total + self.seen) % (1 << 256)  # the count: adding a triple changes it
        return total.to_bytes(32, "big").hex()[:16]


def _object_text(o: Any) -> str:
    """An object's part of repr(triple_key(...)): its value, literal flag, language, datatype."""
    if isinstance(o, Literal):
        lang = o.language or ""
        dt = str(o.datatype) if o.datatype and not o.language else ""
        return f"{str(o)!r}, 1, {lang!r}, {dt!r}"
    return f"{node_id(o)!r}, 0, '', ''"
