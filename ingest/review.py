"""Compare an extraction with what the graph already holds (the seeds, or any RDF given):
each candidate fact is new, already known, or contradicts the graph.

- The report's source is known when a sahel:Source has the same title, URL or document path.
- Its event is known when a sahel:Event (not a statement) is dated within a day of it (the
  same month at month precision) at one of its places or a place inside them; the event
  that is not part of another wins.
- A figure is known when a claim of the same kind and value is about that event (or a part of
  it); it contradicts the graph when claims of that kind exist but none has its value (a
  different toll). Claims never overwrite each other, so a contradicting figure is still
  drafted, flagged for the reviewer.
- An event relation (perpetrator...) contradicts when the known event has another value for
  it and not this one; it is then left out of the draft, as a comment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from graph.mapping import normalise_text
from graph.vocab import SAHEL, SAHEL_NS
from ingest.article import EventFact, Extraction, FigureFact, StatementFact

NEW, KNOWN, CONTRADICTS = "new", "known", "contradicts"
_EVENT_RELS = {
    "location": SAHEL.location,
    "target": SAHEL.target,
    "perpetrator": SAHEL.perpetrator,
    "claimedBy": SAHEL.claimedBy,
    "condemnedBy": SAHEL.condemnedBy,
}
_EXCLUSIVE = {"perpetrator", "claimedBy"}  # another value in the graph is a contradiction


@dataclass
class Review:
    source: str | None = None  # IRI of the known source document
    events: list[str | None] = field(default_factory=list)  # known IRI of each event, or None
    # (event index, relation, value) -> (status, why)
    event_status: dict[tuple[int, str, str], tuple[str, str]] = field(default_factory=dict)
    figures: dict[int, tuple[str, str, str]] = field(
        default_factory=dict
    )  # id -> (status, why, claim)
    statements: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def event(self) -> str | None:
        """The known IRI of the report's first (main) event."""
        return self.events[0] if self.events else None

    def counts(self) -> dict[str, int]:
        out = {NEW: 0, KNOWN: 0, CONTRADICTS: 0}
        for status, *_ in [*self.event_status.values(), *self.figures.values()]:
            out[status] += 1
        for status, _ in self.statements.values():
            out[status] += 1
        return out


def review(x: Extraction, graph: Graph, title: str, url: str | None) -> Review:
    r = Review(source=_known_source(graph, title, url, x.published))
    for i, e in enumerate(x.events):
        known = _known_event(graph, e)
        r.events.append(known)
        for rel in _EVENT_RELS:
            for iri in getattr(e, _attr(rel)):
                r.event_status[(i, rel, iri)] = _relation_status(
                    graph, known, _EVENT_RELS[rel], iri, rel
                )
        cls = URIRef(SAHEL_NS + e.cls)
        if known is None:
            r.event_status[(i, "type", e.cls)] = (NEW, "")
        elif (URIRef(known), RDF.type, cls) in graph:
            r.event_status[(i, "type", e.cls)] = (KNOWN, "")
        else:
            r.event_status[(i, "type", e.cls)] = (
                CONTRADICTS,
                "the graph types it " + _types(graph, known),
            )
        r.event_status[(i, "date", e.date.isoformat())] = (KNOWN if known else NEW, "")
    for f in x.figures:
        known = r.events[f.event] if f.event is not None else None
        r.figures[id(f)] = _figure_status(graph, known, f)
    for s in x.statements:
        r.statements[id(s)] = _statement_status(graph, [r.events[i] for i in s.events], s)
    return r


def _attr(rel: str) -> str:
    return {
        "location": "locations",
        "target": "targets",
        "perpetrator": "perpetrators",
        "claimedBy": "claimed_by",
        "condemnedBy": "condemned_by",
    }[rel]


def _known_source(graph: Graph, title: str, url: str | None, published: dt.date) -> str | None:
    """Same URL, or same title published within three days (a headline alone is too weak:
    wires re-run headlines for weeks)."""
    want = normalise_text(title)
    for s in graph.subjects(RDF.type, SAHEL.Source):
        day = graph.value(s, SAHEL.published)
        close = (
            isinstance(day, Literal)
            and isinstance(day.toPython(), dt.date)
            and (abs((day.toPython() - published).days) <= 3)
        )
        if (
            close
            and want
            and any(normalise_text(str(t)) == want for t in graph.objects(s, SAHEL.title))
        ):
            return str(s)
        if url and any(str(u) == url for u in graph.objects(s, SAHEL.url)):
            return str(s)
    return None


def _within(graph: Graph, place: Node) -> set[Node]:
    """The place and everything it lies in (sahel:locatedIn is transitive)."""
    seen, todo = {place}, [place]
    while todo:
        for up in graph.objects(todo.pop(), SAHEL.locatedIn):
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return seen


def _known_event(graph: Graph, e: EventFact) -> str | None:
    ours = {URIRef(p) for p in e.locations if not p.startswith("new:")}
    statements = set(graph.subjects(RDF.type, SAHEL.Statement))
    attacks = {SAHEL.Attack, SAHEL.Battle, SAHEL.ExplosionRemoteViolence,
               SAHEL.ViolenceAgainstCivilians}  # fmt: skip
    want_attack = URIRef(SAHEL_NS + e.cls) in attacks
    best: tuple[int, ...] | None = None
    found = None
    for ev, day in sorted(graph.subject_objects(SAHEL.date)):
        if ev in statements or not isinstance(day, Literal):
            continue
        value = day.toPython()
        if not isinstance(value, dt.date) or not _same_time(value, e):
            continue
        if want_attack and not set(graph.objects(ev, RDF.type)) & attacks:
            continue  # an attack is not the anniversary that fell on the same day
        theirs = set(graph.objects(ev, SAHEL.location))
        exact = len(ours & theirs)
        inside = sum(1 for p in ours if theirs & _within(graph, p))
        if not inside:
            continue
        top = 0 if (ev, SAHEL.partOf, None) in graph else 1
        score = (exact, inside, -abs((value - e.date).days), top)
        if best is None or score > best:
            best, found = score, str(ev)
    return found


def _same_time(day: dt.date, e: EventFact) -> bool:
    if e.precision == "day":
        return abs((day - e.date).days) <= 1
    return (day.year, day.month) == (e.date.year, e.date.month)


def _types(graph: Graph, iri: str) -> str:
    return ", ".join(sorted(str(t).split("#")[-1] for t in graph.objects(URIRef(iri), RDF.type)))


def _relation_status(
    graph: Graph, event: str | None, pred: URIRef, iri: str, rel: str
) -> tuple[str, str]:
    if event is None or iri.startswith("new:"):
        return NEW, ""
    have = set(graph.objects(URIRef(event), pred))
    if URIRef(iri) in have:
        return KNOWN, ""
    if rel in _EXCLUSIVE and have:
        return CONTRADICTS, "the graph has " + ", ".join(sorted(_short(h) for h in have))
    return NEW, ""


def _parts(graph: Graph, event: str) -> set[Node]:
    return {URIRef(event), *graph.subjects(SAHEL.partOf, URIRef(event))}


def _figure_status(graph: Graph, event: str | None, f: FigureFact) -> tuple[str, str, str]:
    if event is None:
        return NEW, "", ""
    kind = URIRef(SAHEL_NS + f.figure.kind)
    values: list[str] = []
    for about in _parts(graph, event):
        for claim in graph.subjects(SAHEL.about, about):
            if (claim, SAHEL.claimKind, kind) not in graph:
                continue
            value = graph.value(claim, SAHEL.value)
            qualifier = str(graph.value(claim, SAHEL.valueQualifier) or "exact")
            mine = f.figure.qualifier or "exact"
            if str(value) == str(f.figure.value) and (
                qualifier == mine or isinstance(f.figure.value, str)
            ):
                return KNOWN, "", str(claim)
            values.append(f"{value} ({qualifier})")
    if values:
        return CONTRADICTS, f"the graph has {f.figure.kind}: " + ", ".join(sorted(set(values))), ""
    return NEW, "", ""


def _statement_status(graph: Graph, events: list[str | None], s: StatementFact) -> tuple[str, str]:
    if s.stated_by.startswith("new:"):
        return NEW, ""
    for event in events:
        if event is None:
            continue
        for st in graph.subjects(SAHEL.about, URIRef(event)):
            if (st, RDF.type, URIRef(SAHEL_NS + s.cls)) in graph and (
                st,
                SAHEL.statedBy,
                URIRef(s.stated_by),
            ) in graph:
                return KNOWN, str(st)
    return NEW, ""


def _short(node: Node) -> str:
    return "kg:" + str(node).rsplit("/", 1)[-1]
