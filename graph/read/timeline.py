"""An actor's dated history: the events it had a role in, and the starts and ends of its
relations, in date order."""

from __future__ import annotations

import datetime as dt

from graph import queries
from graph.errors import InputError
from graph.read.base import Reader
from graph.read.models import Timeline, TimelineEntry
from graph.read.present import date_text, ref
from graph.read.relations import merged, relation_of


def timeline(
    reader: Reader, actor: str, from_: dt.date | None = None, to: dt.date | None = None
) -> Timeline:
    iri, props = reader.actor_iri(actor)
    if from_ and to and from_ > to:
        raise InputError("'from' is after 'to'")
    entries: list[TimelineEntry] = []
    for r in reader.rows(queries.API_TIMELINE_EVENTS, iri=iri, **{"from": from_, "to": to}):
        e = dict(r["props"])
        day = date_text(e.get("date"))
        if day is None:  # the statement returns dated events only
            continue
        entries.append(
            TimelineEntry(date=day, kind="event", roles=sorted(r["roles"]), item=ref(r["iri"], e))
        )
    types = sorted(reader.actor_relation_types())
    rels = [
        relation_of(reader, r)
        for r in reader.rows(queries.API_TIMELINE_RELATIONS, iri=iri, types=types)
    ]
    for rel in merged(rels):
        for kind, day in (("relation-start", rel.validFrom), ("relation-end", rel.validTo)):
            if day is None:
                continue
            d = dt.date.fromisoformat(day)
            if (from_ and d < from_) or (to and d > to):
                continue
            entries.append(
                TimelineEntry(date=day, kind=kind, roles=[], item=rel.other, relation=rel)
            )
    entries.sort(key=lambda e: (e.date, e.kind, e.item.iri))
    return Timeline(
        actor=ref(iri, props),
        from_=from_.isoformat() if from_ else None,
        to=to.isoformat() if to else None,
        items=entries,
    )
