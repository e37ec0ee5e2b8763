"""Events: the list (by actor and role, class, place and dates) and one event with its
places, actors, statements and claims (each figure with its value, attribution and
sources: sources that disagree give separate claims)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph import queries
from graph.errors import InputError, NotFound
from graph.read.base import Reader
from graph.read.models import Claim, EventDetail, EventPage, EventSummary, Statement
from graph.read.present import (
    as_list,
    date_text,
    first_value,
    jsonable,
    labels_by_lang,
    ref,
    ref_fields,
    resolve,
    slug,
)
from graph.vocab import SAHEL, SAHEL_NS

# Relationship roles an actor can have in an event (event -> actor).
EVENT_ROLES = ("PERPETRATOR", "CLAIMED_BY", "PARTICIPANT", "TARGET", "CONDEMNED_BY", "STATED_BY")


def _role(role: str | None, actor: str | None) -> list[str]:
    if not role:
        return list(EVENT_ROLES)
    wanted = role.strip().upper().replace("-", "_")
    wanted = {"CLAIMEDBY": "CLAIMED_BY", "CONDEMNEDBY": "CONDEMNED_BY"}.get(wanted, wanted)
    if wanted not in EVENT_ROLES:
        raise InputError(
            f"unknown role {role!r}; choose one of {', '.join(r.lower() for r in EVENT_ROLES)}"
        )
    if not actor:
        raise InputError("'role' needs an 'actor'")
    return [wanted]


def events(
    reader: Reader,
    actor: str | None = None,
    type_: str | None = None,
    place: str | None = None,
    from_: dt.date | None = None,
    to: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
    role: str | None = None,
) -> EventPage:
    """Events by actor (and role), type, place and date range, oldest first."""
    label = reader.check_label(type_, SAHEL.Event)
    if from_ and to and from_ > to:
        raise InputError("'from' is after 'to'")
    roles = _role(role, actor)
    params: dict[str, Any] = {
        "label": label,
        "from": from_,
        "to": to,
        "actor": reader.actor_iri(actor)[0] if actor else None,
        "place": reader.place_iri(place) if place else None,
        "roles": roles,
    }
    rows = reader.rows(queries.API_EVENTS, **params, limit=limit, offset=offset)
    total = reader.rows(queries.API_COUNT_EVENTS, **params)[0]["total"]
    links = reader.links([r["iri"] for r in rows], ["LOCATION", "PERPETRATOR", "CLAIMED_BY"])
    items = []
    for r in rows:
        props = dict(r["props"])
        items.append(
            EventSummary(
                **ref_fields(r["iri"], props),
                date=date_text(props.get("date")),
                endDate=date_text(props.get("endDate")),
                places=links.of(r["iri"], "LOCATION"),
                perpetrators=links.of(r["iri"], "PERPETRATOR"),
                claimedBy=links.of(r["iri"], "CLAIMED_BY"),
            )
        )
    return EventPage(items=items, total=int(total), limit=limit, offset=offset)


def _claims(reader: Reader, incoming: list[dict[str, Any]]) -> list[Claim]:
    rows = [r for r in incoming if r["type"] == "ABOUT" and "Claim" in r["labels"]]
    links = reader.links(
        [r["iri"] for r in rows], ["SOURCE", "CLAIM_KIND", "STATED_BY", "MENTIONS"]
    )
    claims = []
    for r in rows:
        c = dict(r["props"])
        kind = links.of(r["iri"], "CLAIM_KIND")
        claims.append(
            Claim(
                id=slug(r["iri"]),
                iri=r["iri"],
                label=c.get("name"),
                kind=kind[0].iri.removeprefix(SAHEL_NS) if kind else None,
                value=jsonable(c.get("value")),
                qualifier=c.get("valueQualifier"),
                unit=c.get("unit"),
                attribution=as_list(c.get("attribution")),
                victimCategory=as_list(c.get("victimCategory")),
                statedBy=links.of(r["iri"], "STATED_BY"),
                mentions=links.of(r["iri"], "MENTIONS"),
                sources=links.sources.get(r["iri"], []),
            )
        )
    claims.sort(key=lambda c: (c.kind or "", str(c.value), c.iri))
    return claims


def event(reader: Reader, id_: str) -> EventDetail:
    iri = resolve(id_)
    found = reader.resource(iri)
    if found is None or "Event" not in found[0]:
        raise NotFound(f"no event has the id {id_!r}")
    props = found[1]
    out = reader.links([iri], None)
    incoming = reader.rows(queries.API_LINKS_IN, iri=iri, types=["ABOUT", "PART_OF"])
    statement_rows = [r for r in incoming if r["type"] == "ABOUT" and "Claim" not in r["labels"]]
    stated = reader.links([r["iri"] for r in statement_rows], ["STATED_BY"])
    statements = [
        Statement(
            **ref_fields(r["iri"], dict(r["props"])),
            date=date_text(dict(r["props"]).get("date")),
            statedBy=stated.of(r["iri"], "STATED_BY"),
        )
        for r in statement_rows
    ]
    parts = [ref(r["iri"], dict(r["props"])) for r in incoming if r["type"] == "PART_OF"]
    return EventDetail(
        **ref_fields(iri, props),
        labels=labels_by_lang(props),
        description=first_value(props, "comment"),
        date=date_text(props.get("date")),
        endDate=date_text(props.get("endDate")),
        datePrecision=props.get("datePrecision"),
        places=out.of(iri, "LOCATION"),
        perpetrators=out.of(iri, "PERPETRATOR"),
        claimedBy=out.of(iri, "CLAIMED_BY"),
        targets=out.of(iri, "TARGET"),
        participants=out.of(iri, "PARTICIPANT"),
        condemnedBy=out.of(iri, "CONDEMNED_BY"),
        partOf=out.of(iri, "PART_OF"),
        parts=sorted(parts, key=lambda x: x.iri),
        statements=sorted(statements, key=lambda x: x.iri),
        sources=out.sources.get(iri, []),
        claims=_claims(reader, incoming),
    )
