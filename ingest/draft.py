"""A reviewable Turtle draft of an extraction, with provenance per fact, and the review
report that goes with it.

Provenance in ontology terms: every drafted node cites the report with sahel:source (a
sub-property of prov:wasDerivedFrom) and carries sahel:extractedBy (extractor and version),
sahel:confidence and sahel:textOffsetStart/End (the characters of the supporting sentences);
an rdfs:comment quotes the sentence for the reviewer. Known facts are not restated: the draft
only adds the report as one more source of them. Contradicting event relations are left as
comments. Names the graph does not know become candidate nodes (sahel:reviewStatus
"candidate"), listed under "new entities" in the review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDFS, Graph, Literal, URIRef

from graph.vocab import KG_NS, SAHEL_NS
from ingest import EXTRACTOR, EXTRACTOR_VERSION, turtle
from ingest.aliases import AliasTable
from ingest.article import EventFact, Extraction, FigureFact, Sentence, StatementFact
from ingest.candidates import PRECISION, Candidate
from ingest.review import CONTRADICTS, KNOWN, NEW, Review
from ingest.turtle import Block, date, integer, ref, string

CANDIDATE = "new entity"
_RELS = [("location", "locations"), ("target", "targets"), ("perpetrator", "perpetrators"),
         ("claimedBy", "claimed_by"), ("condemnedBy", "condemned_by")]  # fmt: skip
_WHAT = {
    "Fatalities": "dead",
    "Injuries": "injured",
    "KilledOrWounded": "killed or wounded",
    "Abductions": "abducted",
    "Displaced": "displaced",
    "MaterielDestroyed": "destroyed",
}
_QUALIFIER_WORDS = {
    "more-than": "more than ",
    "at-least": "at least ",
    "up-to": "up to ",
    "approximately": "about ",
}


@dataclass
class Item:
    """One line of the review report."""

    status: str
    what: str
    confidence: float
    sentence: int
    note: str = ""


@dataclass
class Draft:
    blocks: list[Block]
    items: list[Item]
    source: str
    events: list[str]
    header: list[str]
    candidates: dict[str, str]  # candidate key -> IRI in the draft

    @property
    def event(self) -> str | None:
        return self.events[0] if self.events else None

    def turtle(self) -> str:
        buf = io.StringIO()
        turtle.write(buf, self.blocks, self.header)
        return buf.getvalue()


def source_iri(title: str, publisher: str, published: dt.date) -> str:
    return (
        f"{KG_NS}src-{turtle.slug(publisher, 30)}-{published.isoformat()}-{turtle.slug(title, 50)}"
    )


class _Writer:
    def __init__(self, x: Extraction, r: Review, aliases: AliasTable) -> None:
        self.x, self.r, self.aliases = x, r, aliases
        self.digest = hashlib.sha256(x.text.encode()).hexdigest()
        self.cands = {c.key: turtle.kg(f"candidate-{turtle.slug(c.label, 40)}-{self.digest[:6]}")
                      for c in x.candidates}  # fmt: skip

    def obj(self, key: str) -> str:
        """A candidate key or an IRI, as a Turtle object."""
        return self.cands[key] if key in self.cands else ref(key)

    def name(self, key: str) -> str:
        if key.startswith("new:"):
            return f"{key[4:]} (new)"
        e = self.aliases.entities.get(key)
        return e.label if e else key

    def provenance(self, b: Block, sentences: list[Sentence], confidence: float) -> None:
        b.add("sahel:extractedBy", string(f"{EXTRACTOR} {EXTRACTOR_VERSION}"))
        b.add("sahel:confidence", f"{confidence:.2f}")
        b.add("sahel:textOffsetStart", integer(min(s.start for s in sentences)))
        b.add("sahel:textOffsetEnd", integer(max(s.end for s in sentences)))
        where = ", ".join(str(s.index) for s in dict.fromkeys(sentences))
        text = sentences[0].text
        quote = text if len(text) <= 240 else text[:237] + "..."
        b.add(
            "rdfs:comment",
            string(f"Extracted from sentence {where} of the report: \u201c{quote}\u201d", "en"),
        )


def build(
    x: Extraction,
    r: Review,
    aliases: AliasTable,
    ontology: Graph,
    publisher: str,
    url: str | None,
    reference: Graph | None = None,
) -> Draft:
    """`reference` (the seeds) gives the types and labels of what the draft names, restated
    at its end so the draft validates on its own."""
    w = _Writer(x, r, aliases)
    src_iri = r.source or source_iri(x.title, publisher, x.published)
    src = ref(src_iri)
    blocks: list[Block] = []
    items: list[Item] = []
    if r.source is None:
        blocks.append(_source_block(x, src, publisher, url, w.digest))
    mentions = Block(src, [], comments=["Everything the report names, linked by label or alias."])
    mentions.add_all("sahel:mentions", (ref(i) for i in dict.fromkeys(m.iri for m in x.mentions)))
    mentions.add_all("sahel:mentions", (w.cands[c.key] for c in x.candidates))
    if mentions.pairs:
        blocks.append(mentions)
    for c in x.candidates:
        blocks.append(_candidate_block(w, c, src, items))

    event_iris: list[str] = []
    for i, e in enumerate(x.events):
        place = w.name(e.locations[0]).removesuffix(" (new)") if e.locations else "unknown"
        iri = (
            r.events[i]
            or f"{KG_NS}event-{e.date.isoformat()}-{turtle.slug(place, 30)}-{w.digest[:6]}"
        )
        while iri in event_iris:  # two events on one day at one place
            iri += "-b"
        event_iris.append(iri)
        blocks.append(_event_block(w, i, e, ref(iri), src, items))

    kinds: set[str] = set()
    for n, f in enumerate(x.figures, start=1):
        status, why, known_claim = r.figures.get(id(f), (NEW, "", ""))
        items.append(Item(status, _figure_text(f), f.figure.confidence, f.sentence.index, why))
        if status == KNOWN:
            if r.source is None and known_claim:
                blocks.append(Block(ref(known_claim), []).add("sahel:source", src))
            continue
        kinds.add(f.figure.kind)
        about = ref(event_iris[f.event]) if f.event is not None else src
        blocks.append(_claim_block(w, f, n, src, about, status, why))

    for n, s in enumerate(x.statements, start=1):
        status, known = r.statements.get(id(s), (NEW, ""))
        what = f"{s.cls} by {w.name(s.stated_by)}" + (
            f" to {w.name(s.addressed_to)}" if s.addressed_to else ""
        )
        items.append(Item(status, what, s.confidence, s.sentences[0].index))
        if status == KNOWN:
            if r.source is None:
                blocks.append(Block(ref(known), []).add("sahel:source", src))
            continue
        blocks.append(_statement_block(w, s, n, src, [event_iris[i] for i in s.events]))

    for kind in sorted(kinds):  # restated so SHACL's sh:class sees the kinds (as seeds do)
        block = Block(f"sahel:{kind}", ["sahel:ClaimKind"])
        for label in ontology.objects(URIRef(SAHEL_NS + kind), RDFS.label):
            if isinstance(label, Literal):
                block.add("rdfs:label", string(str(label), label.language))
        blocks.append(block)

    if reference is not None:
        named = {m.iri for m in x.mentions} | ({r.source} if r.source else set())
        named |= {c.container for c in x.candidates if c.container in aliases.entities}
        blocks += turtle.restate(reference, named, "As the graph has them (for SHACL).")

    head = [
        f"Draft by {EXTRACTOR} {EXTRACTOR_VERSION} from {x.title!r} ({x.lang})",
        f"published {x.published.isoformat()} by {publisher}; text sha256 {w.digest}",
        "Review it, then load it with: sahelkg load <this file>",
    ]
    return Draft(blocks, items, src_iri, event_iris, head, w.cands)


def _source_block(x: Extraction, src: str, publisher: str, url: str | None, digest: str) -> Block:
    b = Block(src, ["sahel:Source"])
    b.add("rdfs:label", string(f"Article: {x.title}", x.lang))
    b.add("sahel:title", string(x.title))
    b.add("sahel:publisher", string(publisher))
    b.add("sahel:published", date(x.published.isoformat()))
    b.add("sahel:sourceType", string("news report"))
    if url:
        b.add("sahel:url", turtle.uri(turtle.http_iri(url)))
    b.add(
        "rdfs:comment",
        string(
            f"News report ingested by {EXTRACTOR} {EXTRACTOR_VERSION}; text sha256 {digest}.", "en"
        ),
    )
    return b


def _sentences_of(x: Extraction, c: Candidate) -> list[Sentence]:
    """The first sentence after the headline that names it (a candidate is never found in
    the headline alone)."""
    named = [s for s in x.sentences if any(s.start <= a < s.end for a, _ in c.spans)]
    return [next((s for s in named if s.index > 0), named[0])]


def _candidate_block(w: _Writer, c: Candidate, src: str, items: list[Item]) -> Block:
    b = Block(w.cands[c.key], [f"sahel:{c.cls}"])
    b.comments.append("CANDIDATE: not in the graph; accept, merge with a known node, or reject.")
    b.add("rdfs:label", string(c.label, w.x.lang))
    b.add("sahel:reviewStatus", string("candidate"))
    if c.is_place:
        b.add("sahel:locationPrecision", string(PRECISION[c.cls]))
    if c.container:
        b.add("sahel:locatedIn", w.obj(c.container))
    b.add("sahel:source", src)
    sentences = _sentences_of(w.x, c)
    w.provenance(b, sentences, c.confidence)
    inside = f" in {w.name(c.container)}" if c.container else ""
    spans = ", ".join(f"{a}-{e}" for a, e in c.spans)
    items.append(Item(CANDIDATE, f"{c.cls} {c.label!r}{inside}", c.confidence,
                      sentences[0].index, f"characters {spans}"))  # fmt: skip
    return b


def _event_block(
    w: _Writer, i: int, e: EventFact, subject: str, src: str, items: list[Item]
) -> Block:
    r = w.r
    known = r.events[i] is not None
    b = Block(subject, [] if known else [f"sahel:{e.cls}"])
    where = ", ".join(w.name(p) for p in e.locations) or "an unknown place"
    status, why = r.event_status.get((i, "type", e.cls), (NEW, ""))
    what = f"{e.cls} on {e.date.isoformat()} ({e.precision}, from {e.date_text!r}) at {where}"
    items.append(Item(status, what, e.confidence, e.sentences[0].index, why))
    if known:
        b.comments.append(f"Already in the graph as {r.events[i]}; only what is new is added.")
    else:
        b.add("rdfs:label", string(f"{e.cls} at {where} on {e.date.isoformat()}", "en"))
        b.add("sahel:date", date(e.date.isoformat()))
        b.add("sahel:datePrecision", string(e.precision))
        w.provenance(b, e.sentences, e.confidence)
    for rel, attr in _RELS:
        for key in getattr(e, attr):
            status, why = r.event_status.get((i, rel, key), (NEW, ""))
            items.append(Item(status, f"{rel} {w.name(key)}", e.confidence,
                              e.sentences[0].index, why))  # fmt: skip
            if status == NEW:
                b.add(f"sahel:{rel}", w.obj(key))
            elif status == CONTRADICTS:
                b.comments.append(f"CONTRADICTS the graph ({why}): sahel:{rel} {w.obj(key)}")
    if e.unclaimed:
        b.add("sahel:unclaimedAsOf", date(w.x.published.isoformat()))
        items.append(
            Item(NEW, "not claimed (as of the report)", e.confidence, e.sentences[0].index)
        )
    if not known and not e.locations:
        # An event needs a place (SHACL): the country the report names, flagged for review.
        countries = [m.iri for m in w.x.mentions if w.aliases.entities[m.iri].is_a("Country")]
        if countries:
            b.add("sahel:location", ref(countries[0]))
            b.comments.append(
                "No place said for this event: located in the country the report names; "
                "the reviewer should narrow it."
            )
        else:
            b.comments.append("No place found: the reviewer must add sahel:location.")
    b.add("sahel:source", src)
    return b


def _claim_block(
    w: _Writer, f: FigureFact, n: int, src: str, about: str, status: str, why: str
) -> Block:
    fig = f.figure
    b = Block(turtle.kg(f"claim-{w.digest[:10]}-{n}-{turtle.slug(fig.kind)}"), ["sahel:Claim"])
    if status == CONTRADICTS:
        b.comments.append(f"CONTRADICTS the graph ({why}); kept as its own claim.")
    b.add("rdfs:label", string(_figure_text(f), "en"))
    b.add("sahel:value", integer(fig.value) if isinstance(fig.value, int) else string(fig.value))
    if fig.qualifier:
        b.add("sahel:valueQualifier", string(fig.qualifier))
    b.add("sahel:unit", string(fig.unit))
    b.add("sahel:claimKind", f"sahel:{fig.kind}")
    b.add("sahel:attribution", string(fig.attribution or "the report's own words (unattributed)"))
    if fig.victim_category:
        b.add("sahel:victimCategory", string(fig.victim_category))
    if f.stated_by:
        b.add("sahel:statedBy", w.obj(f.stated_by))
    b.add_all("sahel:mentions", (ref(i) for i in f.mentions))
    b.add("sahel:about", about)
    b.add("sahel:source", src)
    w.provenance(b, [f.sentence], fig.confidence)
    return b


def _statement_block(w: _Writer, s: StatementFact, n: int, src: str, events: list[str]) -> Block:
    x = w.x
    b = Block(turtle.kg(f"statement-{w.digest[:10]}-{n}-{turtle.slug(s.cls)}"), [f"sahel:{s.cls}"])
    text = f"{s.cls} by {w.name(s.stated_by)}" + (
        f" to {w.name(s.addressed_to)}" if s.addressed_to else ""
    )
    b.add("rdfs:label", string(text, "en"))
    b.add("sahel:statedBy", w.obj(s.stated_by))
    if s.addressed_to:
        b.add("sahel:addressedTo", w.obj(s.addressed_to))
    b.add_all("sahel:mentions", (ref(i) for i in s.mentions))
    b.add_all("sahel:about", (ref(e) for e in events))
    # Reports rarely date statements: they fall between the event and the report, so the
    # month of the report, at month precision (the convention of seeds/article.ttl).
    b.add("sahel:date", date(x.published.replace(day=1).isoformat()))
    b.add("sahel:datePrecision", string("month"))
    place = _statement_place(w, s)
    if place:
        b.add("sahel:location", w.obj(place))
    else:
        b.comments.append("No place in the report: the reviewer must add sahel:location.")
    b.add("sahel:source", src)
    w.provenance(b, s.sentences, s.confidence)
    return b


def _statement_place(w: _Writer, s: StatementFact) -> str:
    """A state speaks from its country; anyone else is placed where the event happened."""
    x, aliases = w.x, w.aliases
    if s.stated_by in aliases.entities and aliases.entities[s.stated_by].is_a("Country"):
        return s.stated_by
    for i in s.events or range(len(x.events)):
        if x.events[i].locations:
            return x.events[i].locations[0]
    places = [m.iri for m in x.mentions if aliases.entities[m.iri].is_a("Place")]
    return places[0] if places else ""


def _figure_text(f: FigureFact) -> str:
    fig = f.figure
    value = f"{_QUALIFIER_WORDS.get(fig.qualifier, '')}{fig.value}"
    if fig.kind == "MaterielDestroyed":
        text = f"{value} destroyed"
    else:
        text = f"{value} {fig.unit} {_WHAT.get(fig.kind, fig.kind)}"
    who = fig.attribution or "the report's own words"
    return f"{text} ({fig.kind}), according to {who}"


def report_lines(d: Draft) -> Iterator[tuple[str, str, str, str, str]]:
    """(status, fact, confidence, sentence, note) rows for the CLI's table."""
    order = {CONTRADICTS: 0, NEW: 1, CANDIDATE: 2, KNOWN: 3}
    for i in sorted(d.items, key=lambda i: (order[i.status], i.sentence)):
        yield i.status, i.what, f"{i.confidence:.2f}", str(i.sentence), i.note
