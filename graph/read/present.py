"""How stored values become the read model (graph.read.models): slugs and IRIs, driver
values as JSON, a resource's reference (id, label, classes), an actor's summary, a source's
citation, merged relations, and the dates a request may name."""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

from neo4j import graph as ng

from graph.errors import InputError, NotFound
from graph.mapping import decode_key
from graph.read.models import Actor, Ref, SourceRef
from graph.registry import LOAD_MARKS, local_name
from graph.vocab import KG_NS

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


def slug(iri: str) -> str:
    """The stable short id of a resource: its local part under kg:, else the full IRI."""
    return iri[len(KG_NS) :] if iri.startswith(KG_NS) else iri


def resolve(id_: str) -> str:
    """A slug (`jnim`) or a full IRI to the IRI; anything else names nothing."""
    text = id_.strip()
    if text.startswith(("http://", "https://", "urn:", "_:")):
        return text
    if _SLUG.match(text):
        return KG_NS + text
    raise NotFound(f"no resource has the id {id_!r} (use a slug such as 'jnim' or a full IRI)")


def jsonable(value: Any) -> Any:
    """Driver values to JSON: dates as ISO strings, nodes and relationships as maps."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, ng.Node):
        return {
            "elementId": value.element_id,
            "labels": sorted(value.labels),
            "properties": jsonable(dict(value)),
        }
    if isinstance(value, ng.Relationship):
        return {
            "elementId": value.element_id,
            "type": value.type,
            "start": value.start_node.get("iri") if value.start_node else None,
            "end": value.end_node.get("iri") if value.end_node else None,
            "properties": jsonable(dict(value)),
        }
    if isinstance(value, ng.Path):
        return {
            "nodes": [jsonable(n) for n in value.nodes],
            "relationships": [jsonable(r) for r in value.relationships],
        }
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    iso = getattr(value, "iso_format", None)
    if iso is not None:
        return str(iso())
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def date_text(value: Any) -> str | None:
    return None if value is None else str(jsonable(value))


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def by_lang(props: dict[str, Any], base: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in props.items():
        try:
            b, lang, _ = decode_key(key)
        except Exception:
            continue
        if b == base:
            out.setdefault(lang or "", []).extend(str(v) for v in as_list(value))
    return out


def first_value(props: dict[str, Any], base: str, prefer: str = "en") -> str | None:
    values = by_lang(props, base)
    for lang in (prefer, "", *sorted(values)):
        if values.get(lang):
            return sorted(values[lang])[0]
    return None


def types_of(props: dict[str, Any]) -> list[str]:
    """Asserted classes, by local name (JihadistGroup, State...)."""
    return sorted(local_name(str(t)) for t in as_list(props.get("rdfTypes")))


def ref_fields(iri: str, props: dict[str, Any] | None) -> dict[str, Any]:
    """The fields of a Ref, for the models that extend it (GraphNode, EventSummary...)."""
    props = props or {}
    return {
        "id": slug(iri),
        "iri": iri,
        "label": props.get("name") or local_name(iri),
        "types": types_of(props),
    }


def ref(iri: str, props: dict[str, Any] | None) -> Ref:
    return Ref(**ref_fields(iri, props))


def labels_by_lang(props: dict[str, Any]) -> dict[str, str]:
    return {lang or "none": sorted(v)[0] for lang, v in by_lang(props, "label").items() if v}


def actor_fields(iri: str, props: dict[str, Any]) -> dict[str, Any]:
    aliases: set[str] = set()
    for values in by_lang(props, "altLabel").values():
        aliases.update(values)
    return {
        **ref_fields(iri, props),
        "labels": labels_by_lang(props),
        "aliases": sorted(aliases - {props.get("name")}),
    }


def actor_summary(iri: str, props: dict[str, Any]) -> Actor:
    return Actor(**actor_fields(iri, props))


def source_ref(iri: str, props: dict[str, Any] | None) -> SourceRef:
    props = props or {}
    return SourceRef(
        id=slug(iri),
        iri=iri,
        title=first_value(props, "title") or props.get("name"),
        publisher=first_value(props, "publisher"),
        published=date_text(props.get("published")),
        url=(as_list(props.get("url^^xsd:anyURI")) or as_list(props.get("url")) or [None])[0],
    )


_NOT_SHOWN = LOAD_MARKS | {"iri", "search"}  # the iri has a field of its own; search is an index


def plain_props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in sorted(props.items()) if k not in _NOT_SHOWN}


def parse_day(value: str | None, name: str) -> dt.date | None:
    """YYYY-MM-DD, or 'today'/'now'; anything else is a 422 naming the parameter."""
    if value is None or value == "":
        return None
    if value.lower() in ("today", "now"):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


class Qualified(Protocol):
    """A relation as the read model gives it: its interval, sources and qualified nodes."""

    validFrom: str | None
    validTo: str | None
    sources: list[str]
    iri: str | None
    iris: list[str]
    label: str | None


R = TypeVar("R", bound=Qualified)


def merge_relations(items: list[R], key: Callable[[R], Hashable]) -> list[R]:
    """One relation per (subject, type, object, interval): items that name the same relation
    with the same validFrom and validTo (a relation stated by several seeds or reports, each
    its own qualified node) become one, with every source and every qualified node's IRI.
    `key` gives what identifies the relation besides the interval. Order is kept.

    The first item of each relation is updated in place and returned: the callers made the
    items for this one answer (a copy of each cost 8-20 % of the read's CPU)."""
    merged: dict[tuple[Hashable, str | None, str | None], R] = {}
    for item in items:
        k = (key(item), item.validFrom, item.validTo)
        iri = item.iri
        into = merged.get(k)
        if into is None:
            item.iris = [iri] if iri else []
            merged[k] = item
            continue
        into.sources = sorted(set(into.sources) | set(item.sources))
        if iri and iri not in into.iris:
            into.iris = sorted([*into.iris, iri])
        into.iri = into.iris[0] if into.iris else None
        if not into.label:
            into.label = item.label
    return list(merged.values())
