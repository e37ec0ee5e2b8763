"""The Reconciliation Service API (W3C Entity Reconciliation Community Group) over the name
matcher: the 0.2 protocol OpenRefine speaks, and the 1.0 draft where it differs (a JSON
body, lists in place of keyed objects, `features` with names). api/routes/reconcile.py
parses requests and calls this; nothing here knows HTTP.

Ids: entities by slug (`jnim`, under identifierSpace), types by class name (`JihadistGroup`,
under schemaSpace), properties by the names in PROPERTIES.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

from rdflib import OWL, RDFS, Graph, URIRef

from graph import queries
from graph.errors import InputError, NotFound
from graph.match import Candidate, Entity, Index, Query
from graph.match_store import index_for
from graph.namespaces import WIKIDATA_NS
from graph.read import Reader, actors
from graph.read.present import as_list, date_text, resolve, slug
from graph.vocab import KG_NS, SAHEL, SAHEL_NS

MAX_LIMIT = 100
MAX_BATCH = 1000  # queries or ids per request (OpenRefine sends 10 at a time)
WIKIDATA = WIKIDATA_NS
# Data extension: id -> (name, description). Dated relations honour the `at` setting.
PROPERTIES: dict[str, tuple[str, str]] = {
    "foundedDate": ("founded", "the date the group or organisation was founded"),
    "dissolvedDate": ("dissolved", "the date it was dissolved or merged away"),
    "ledBy": ("leader", "who leads it (on the `at` date, when given)"),
    "memberOf": ("member of", "organisations and alliances it belongs to (on `at`)"),
    "wikidata": ("Wikidata id", "the Wikidata item the graph declares the same (owl:sameAs)"),
    "alias": ("aliases", "its other names, in every language"),
}
# Properties a reconciliation query may carry, to refine the score.
QUERY_PROPERTIES = {
    "date": "a day (YYYY-MM-DD) the actor existed",
    "operatesIn": "a place (id or name) where the actor is active",
}


@dataclass
class Reconciler:
    reader: Reader
    ontology: Graph

    def index(self) -> Index:
        return index_for(self.reader)

    # ---------------------------------------------------------------- types

    def actor_types(self) -> list[dict[str, str]]:
        """The ontology's actor classes (defaultTypes), with their English labels."""
        registry = self.reader.registry
        out = []
        for cls, label in registry.labels.items():
            if str(cls).startswith(SAHEL_NS) and "Actor" in registry.ancestors[cls]:
                out.append({"id": label, "name": self._class_name(cls, label)})
        return sorted(out, key=lambda t: (t["id"] != "Actor", t["id"]))

    def _class_name(self, cls: URIRef, fallback: str) -> str:
        for lit in self.ontology.objects(cls, RDFS.label):
            if getattr(lit, "language", None) == "en":
                return str(lit)
        return fallback

    def check_types(self, value: Any, field: str) -> tuple[str, ...]:
        """A type id or list of them (class names, sahel: or full IRIs) to class labels."""
        if value is None or value == "" or value == []:
            return ()
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if not isinstance(item, str):
                raise InputError(f"{field}: a type is a string, not {item!r}")
            name = item.removeprefix(SAHEL_NS).removeprefix("sahel:")
            cls = self.reader.registry.label_to_class.get(name)
            if cls is None or not str(cls).startswith(SAHEL_NS):
                known = ", ".join(t["id"] for t in self.actor_types())
                raise InputError(f"{field}: unknown type {item!r}; actor types: {known}")
            out.append(name)
        return tuple(out)

    def most_specific(self, entity: Entity) -> list[dict[str, str]]:
        registry = self.reader.registry
        classes = [
            (label, cls)
            for label in sorted(entity.types)
            if (cls := registry.label_to_class.get(label)) is not None
        ]
        kept = [
            (label, cls)
            for label, cls in classes
            if not any(
                label in registry.ancestors[other] and other_label != label
                for other_label, other in classes
            )
        ]
        return [{"id": label, "name": self._class_name(cls, label)} for label, cls in kept]

    # ---------------------------------------------------------------- reconciliation

    def parse_query(self, raw: Any, field: str, index: Index) -> Query:
        """A 0.2 query object ({query, type, limit, properties}) to a matcher Query."""
        if not isinstance(raw, dict):
            raise InputError(f"{field}: a query is a JSON object")
        text = raw.get("query", "")
        if not isinstance(text, str):
            raise InputError(f"{field}.query: a string")
        limit = raw.get("limit", 5)
        if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 1:
            raise InputError(f"{field}.limit: a positive number")
        types = self.check_types(raw.get("type"), f"{field}.type") or ("Actor",)
        props = raw.get("properties") or []
        if not isinstance(props, list):
            raise InputError(f"{field}.properties: a list of {{pid, v}}")
        at, place = self._query_properties(
            [(p.get("pid"), p.get("v")) for p in props if isinstance(p, dict)], field, index
        )
        return Query(text, types, at, place, min(int(limit), MAX_LIMIT))

    def _query_properties(
        self, pairs: list[tuple[Any, Any]], field: str, index: Index
    ) -> tuple[dt.date | None, str | None]:
        at: dt.date | None = None
        place: str | None = None
        for pid, v in pairs:
            value = v[0] if isinstance(v, list) and v else v
            if isinstance(value, dict):
                value = value.get("id") or value.get("name")
            if pid in ("date", "at"):
                try:
                    at = dt.date.fromisoformat(str(value)[:10])
                except ValueError:
                    raise InputError(
                        f"{field}.properties: date {value!r} is not YYYY-MM-DD"
                    ) from None
            elif pid in ("operatesIn", "place"):
                place = self._place(str(value), index)
            # other pids are not ones this service scores with: ignored, as the spec allows
        return at, place

    def _place(self, value: str, index: Index) -> str | None:
        iri = KG_NS + value if re.fullmatch(r"[a-z0-9][a-z0-9._~-]*", value) else value
        if iri in index.entities:
            return iri
        best = index.best(Query(value, ("Place",)))
        return best.iri if best else None

    def candidate(self, c: Candidate, v1: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": slug(c.iri),
            "name": c.entity.name,
            "type": self.most_specific(c.entity),
            "score": c.score,
            "match": c.match,
            "features": [
                {"id": f.id, "name": f.name, "value": f.value}
                if v1
                else {"id": f.id, "value": f.value}
                for f in c.features
            ],
        }
        if c.alias and c.alias != c.entity.name:
            out["description"] = f"matched on: {c.alias}"
        return out

    def reconcile(self, batch: Any) -> dict[str, Any]:
        """0.2: {"q0": {...}, ...} -> {"q0": {"result": [...]}, ...}."""
        if not isinstance(batch, dict):
            raise InputError('queries: a JSON object such as {"q0": {"query": "JNIM"}}')
        _check_size(len(batch), "queries")
        index = self.index()
        parsed = {k: self.parse_query(q, f"queries.{k}", index) for k, q in batch.items()}
        return {
            key: {"result": [self.candidate(c) for c in index.match(q)]}
            for key, q in parsed.items()
        }

    def reconcile_v1(self, body: Any) -> dict[str, Any]:
        """1.0 draft: {"queries": [{"conditions": [...], "type", "limit"}]} -> results."""
        if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
            raise InputError('body: {"queries": [{"conditions": [...]}]}')
        _check_size(len(body["queries"]), "queries")
        index = self.index()
        results = []
        for i, raw in enumerate(body["queries"]):
            field = f"queries[{i}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("conditions"), list):
                raise InputError(f"{field}.conditions: a list of conditions")
            names = [
                str(c.get("v"))
                for c in raw["conditions"]
                if isinstance(c, dict) and c.get("matchType") == "name"
            ]
            props = [
                (c.get("pid"), c.get("v"))
                for c in raw["conditions"]
                if isinstance(c, dict) and c.get("matchType") == "property"
            ]
            q = self.parse_query(
                {"query": " ".join(names), "type": raw.get("type"), "limit": raw.get("limit", 5)},
                field,
                index,
            )
            at, place = self._query_properties(props, field, index)
            q = Query(q.text, q.types, at, place, q.limit)
            results.append({"candidates": [self.candidate(c, v1=True) for c in index.match(q)]})
        return {"results": results}

    # ---------------------------------------------------------------- suggest

    def suggest_entities(self, prefix: str, type_: str | None, limit: int) -> list[dict[str, Any]]:
        types = self.check_types(type_, "type") or ("Actor",)
        found = self.index().suggest(prefix, types, min(max(limit, 1), MAX_LIMIT))
        return [
            {"id": slug(e.iri), "name": e.name, "notable": self.most_specific(e)} for e in found
        ]

    def suggest_types(self, prefix: str) -> list[dict[str, str]]:
        key = prefix.strip().casefold()
        return [
            t
            for t in self.actor_types()
            if t["id"].casefold().startswith(key)
            or any(w.startswith(key) for w in t["name"].casefold().split())
        ]

    def suggest_properties(self, prefix: str) -> list[dict[str, str]]:
        key = prefix.strip().casefold()
        return [
            {"id": pid, "name": name, "description": text}
            for pid, (name, text) in PROPERTIES.items()
            if pid.casefold().startswith(key) or name.casefold().startswith(key)
        ]

    def propose(self, type_: str | None, limit: int | None = None) -> dict[str, Any]:
        types = self.check_types(type_, "type")
        props = [
            {"id": pid, "name": name, "description": text}
            for pid, (name, text) in PROPERTIES.items()
        ]
        out: dict[str, Any] = {"properties": props[: limit or None]}
        if types:
            out["type"] = types[0]
        if limit:
            out["limit"] = limit
        return out

    # ---------------------------------------------------------------- preview

    def preview(self, id_: str) -> str:
        """A small HTML card; every value is escaped."""
        actor = actors.detail(self.reader, id_)
        e = html.escape
        rows = [f"<strong>{e(actor.label)}</strong> <small>{e(', '.join(actor.types))}</small>"]
        if actor.aliases:
            rows.append(f"<div>also: {e('; '.join(actor.aliases[:12]))}</div>")
        dates = [
            f"{k} {day}"
            for k, day in (("founded", actor.founded), ("dissolved", actor.dissolved))
            if day is not None
        ]
        if dates:
            rows.append(f"<div>{e(', '.join(dates))}</div>")
        if actor.description:
            rows.append(f"<p>{e(str(actor.description))}</p>")
        sources = [
            " ".join(str(v) for v in (s.publisher, s.title, s.published) if v)
            for s in actor.sources[:5]
        ]
        if sources:
            items = "".join(f"<li>{e(s)}</li>" for s in sources)
            rows.append(f"<div>sources:<ul>{items}</ul></div>")
        body = "".join(rows)
        return (
            '<!doctype html><html><head><meta charset="utf-8"><title>'
            + e(actor.label)
            + '</title></head><body style="font:13px sans-serif;margin:6px">'
            + body
            + "</body></html>"
        )

    # ---------------------------------------------------------------- data extension

    def extend(self, body: Any) -> tuple[list[dict[str, Any]], dict[str, dict[str, list[Any]]]]:
        """(meta, rows: id -> property id -> values) for {ids, properties}."""
        if not isinstance(body, dict):
            raise InputError('extend: {"ids": [...], "properties": [{"id": ...}]}')
        ids, wanted = body.get("ids"), body.get("properties")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise InputError("extend.ids: a list of entity ids")
        _check_size(len(ids), "extend.ids")
        if not isinstance(wanted, list) or not all(
            isinstance(p, dict) and isinstance(p.get("id"), str) for p in wanted
        ):
            raise InputError('extend.properties: a list of {"id": ...}')
        for p in wanted:
            if p["id"] not in PROPERTIES:
                raise InputError(
                    f"extend.properties: unknown property {p['id']!r}; "
                    f"choose from {', '.join(PROPERTIES)}"
                )
        index = self.index()
        iris = {}
        for id_ in ids:
            try:
                iris[id_] = resolve(id_)
            except NotFound:
                iris[id_] = ""
        registry = self.reader.registry
        rel = {
            "ledBy": registry.rel_types[SAHEL.ledBy],
            "memberOf": registry.rel_types[SAHEL.memberOf],
            "wikidata": registry.rel_types[OWL.sameAs],
        }
        links: dict[tuple[str, str], list[dict[str, Any]]] = {}
        found = [i for i in iris.values() if i in index.entities]
        for r in self.reader.rows(queries.EXTEND_LINKS, iris=found, types=sorted(rel.values())):
            links.setdefault((r["subject"], r["type"]), []).append(r)
        meta = [{"id": p["id"], "name": PROPERTIES[p["id"]][0]} for p in wanted]
        rows: dict[str, dict[str, list[Any]]] = {}
        for id_, iri in iris.items():
            entity = index.entities.get(iri)
            rows[id_] = {
                p["id"]: self._values(entity, p, links, rel) if entity else [] for p in wanted
            }
        return meta, rows

    def _values(
        self,
        entity: Entity,
        prop: dict[str, Any],
        links: dict[tuple[str, str], list[dict[str, Any]]],
        rel: dict[str, str],
    ) -> list[dict[str, Any]]:
        pid = prop["id"]
        if pid in ("foundedDate", "dissolvedDate"):
            day = entity.start if pid == "foundedDate" else entity.end
            return [{"date": f"{day.isoformat()}T00:00:00Z"}] if day else []
        if pid == "alias":
            return [{"str": n} for n in entity.names if n != entity.name]
        found = links.get((entity.iri, rel[pid]), [])
        if pid == "wikidata":
            return [
                {"str": r["iri"][len(WIKIDATA) :]} for r in found if r["iri"].startswith(WIKIDATA)
            ]
        at = _setting_day((prop.get("settings") or {}).get("at"))
        out = []
        for r in sorted(found, key=lambda r: (date_text(r["validFrom"]) or "", r["iri"])):
            start, end = date_text(r["validFrom"]), date_text(r["validTo"])
            if at is not None and not (
                start is not None and start <= at and (end is None or end >= at)
            ):
                continue
            out.append({"id": slug(r["iri"]), "name": str(r["name"] or slug(r["iri"]))})
        return out


def _setting_day(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(as_list(value)[0]).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(f"extend setting at: {text!r} is not YYYY-MM-DD") from None


def _check_size(n: int, field: str) -> None:
    if n > MAX_BATCH:
        raise InputError(f"{field}: {n:,} items; at most {MAX_BATCH:,} per request")
