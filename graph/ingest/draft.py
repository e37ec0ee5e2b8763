"""A reviewable Turtle draft of an extraction, with provenance per fact, and the review
report that goes with it.

Provenance uses ontology terms only: every fact cites the report with sahel:source (a
sub-property of prov:wasDerivedFrom) and carries an rdfs:comment naming the extractor and
its version, the sentence and its character offsets, and a confidence. (The ontology has no
term for offsets or confidence, and the registry refuses PROV terms beyond wasDerivedFrom
and wasAttributedTo, so a comment it is.) Known facts are not restated: the draft only adds
the report as one more source of them. Contradicting event relations are left as comments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDFS, Graph, Literal, URIRef

from graph.ingest import EXTRACTOR, EXTRACTOR_VERSION, turtle
from graph.ingest.aliases import AliasTable
from graph.ingest.article import Extraction, FigureFact, Sentence, StatementFact
from graph.ingest.review import CONTRADICTS, KNOWN, NEW, Review
from graph.ingest.turtle import Block, date, integer, ref, string
from graph.vocab import KG_NS, SAHEL_NS

_PREDICATE = {
    "location": "sahel:location",
    "target": "sahel:target",
    "perpetrator": "sahel:perpetrator",
    "claimedBy": "sahel:claimedBy",
    "condemnedBy": "sahel:condemnedBy",
}
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
    event: str | None
    header: list[str]

    def turtle(self) -> str:
        import io

        buf = io.StringIO()
        turtle.write(buf, self.blocks, self.header)
        return buf.getvalue()


def source_iri(title: str, publisher: str, published: dt.date) -> str:
    return (
        f"{KG_NS}src-{turtle.slug(publisher, 30)}-{published.isoformat()}-{turtle.slug(title, 50)}"
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
    src_iri = r.source or source_iri(x.title, publisher, x.published)
    src = ref(src_iri)
    digest = hashlib.sha256(x.text.encode()).hexdigest()
    blocks: list[Block] = []
    items: list[Item] = []
    if r.source is None:
        blocks.append(_source_block(x, src, publisher, url, digest))
    mentions = Block(src, [], comments=["Everything the report names, linked by label or alias."])
    mentions.add_all("sahel:mentions", (ref(i) for i in dict.fromkeys(m.iri for m in x.mentions)))
    if mentions.pairs:
        blocks.append(mentions)

    event_iri = None
    if x.event is not None:
        e = x.event
        place = aliases.entities[e.locations[0]].label if e.locations else "unknown"
        event_iri = r.event or (
            f"{KG_NS}event-{e.date.isoformat()}-{turtle.slug(place, 30)}-{digest[:6]}"
        )
        blocks.append(_event_block(x, r, aliases, ref(event_iri), src, items))

    kinds: set[str] = set()
    for n, f in enumerate(x.figures, start=1):
        status, why, known_claim = r.figures.get(id(f), (NEW, "", ""))
        items.append(Item(status, _figure_text(f), f.figure.confidence, f.sentence.index, why))
        if status == KNOWN:
            if r.source is None and known_claim:
                blocks.append(Block(ref(known_claim), []).add("sahel:source", src))
            continue
        kinds.add(f.figure.kind)
        about = ref(event_iri) if event_iri else src
        blocks.append(_claim_block(f, n, src, about, digest, status, why))

    for n, s in enumerate(x.statements, start=1):
        status, known = r.statements.get(id(s), (NEW, ""))
        what = f"{s.cls} by {_name(aliases, s.stated_by)}" + (
            f" to {_name(aliases, s.addressed_to)}" if s.addressed_to else ""
        )
        items.append(Item(status, what, s.confidence, s.sentences[0].index))
        if status == KNOWN:
            if r.source is None:
                blocks.append(Block(ref(known), []).add("sahel:source", src))
            continue
        blocks.append(_statement_block(x, s, n, src, event_iri, aliases, digest))

    for kind in sorted(kinds):  # restated so SHACL's sh:class sees the kinds (as seeds do)
        block = Block(f"sahel:{kind}", ["sahel:ClaimKind"])
        for label in ontology.objects(URIRef(SAHEL_NS + kind), RDFS.label):
            if isinstance(label, Literal):
                block.add("rdfs:label", string(str(label), label.language))
        blocks.append(block)

    if reference is not None:
        named = {m.iri for m in x.mentions} | ({r.source} if r.source else set())
        blocks += turtle.restate(reference, named, "As the graph has them (for SHACL).")

    head = [
        f"Draft by {EXTRACTOR} {EXTRACTOR_VERSION} from {x.title!r}",
        f"published {x.published.isoformat()} by {publisher}; text sha256 {digest}",
        "Review it, then load it with: sahelkg load <this file>",
    ]
    return Draft(blocks, items, src_iri, event_iri, head)


def provenance(s: Sentence | list[Sentence], confidence: float, digest: str) -> str:
    sentences = s if isinstance(s, list) else [s]
    where = "; ".join(f"sentence {x.index} (characters {x.start}-{x.end})" for x in sentences)
    quote = sentences[0].text if len(sentences[0].text) <= 240 else sentences[0].text[:237] + "..."
    return (
        f"Extracted by {EXTRACTOR} {EXTRACTOR_VERSION} from {where} of the text with sha256 "
        f"{digest[:16]}, confidence {confidence:.2f}: \u201c{quote}\u201d"
    )


def _source_block(x: Extraction, src: str, publisher: str, url: str | None, digest: str) -> Block:
    b = Block(src, ["sahel:Source"])
    b.add("rdfs:label", string(f"Article: {x.title}", "en"))
    b.add("sahel:title", string(x.title))
    b.add("sahel:publisher", string(publisher))
    b.add("sahel:published", date(x.published.isoformat()))
    b.add("sahel:sourceType", string("news report"))
    if url:
        b.add("sahel:url", turtle.uri(url))
    b.add(
        "rdfs:comment",
        string(
            f"News report ingested by {EXTRACTOR} {EXTRACTOR_VERSION}; text sha256 {digest}.", "en"
        ),
    )
    return b


def _event_block(
    x: Extraction, r: Review, aliases: AliasTable, subject: str, src: str, items: list[Item]
) -> Block:
    e = x.event
    assert e is not None
    known = r.event is not None
    b = Block(subject, [] if known else [f"sahel:{e.cls}"])
    where = ", ".join(_name(aliases, p) for p in e.locations) or "an unknown place"
    items.append(
        Item(
            r.event_status.get(("type", e.cls), (NEW, ""))[0],
            f"{e.cls} on {e.date.isoformat()} ({e.precision}, from {e.date_text!r}) at {where}",
            e.confidence,
            e.sentences[0].index,
            r.event_status.get(("type", e.cls), (NEW, ""))[1],
        )
    )
    if known:
        b.comments.append(f"Already in the graph as {r.event}; only what is new is added.")
    else:
        b.add("rdfs:label", string(f"{e.cls} at {where} on {e.date.isoformat()}", "en"))
        b.add("sahel:date", date(e.date.isoformat()))
        b.add("sahel:datePrecision", string(e.precision))
        b.add("rdfs:comment", string(provenance(e.sentences, e.confidence, _digest(x)), "en"))
    for rel, pred in _PREDICATE.items():
        for iri in getattr(e, {"location": "locations", "target": "targets",
                               "perpetrator": "perpetrators", "claimedBy": "claimed_by",
                               "condemnedBy": "condemned_by"}[rel]):  # fmt: skip
            status, why = r.event_status.get((rel, iri), (NEW, ""))
            items.append(Item(status, f"{rel} {_name(aliases, iri)}", e.confidence,
                              e.sentences[0].index, why))  # fmt: skip
            if status == NEW:
                b.add(pred, ref(iri))
            elif status == CONTRADICTS:
                b.comments.append(f"CONTRADICTS the graph ({why}): {pred} {ref(iri)}")
    if not known and not e.locations:
        b.comments.append("No place found: the reviewer must add sahel:location.")
    b.add("sahel:source", src)
    return b


def _claim_block(
    f: FigureFact, n: int, src: str, about: str, digest: str, status: str, why: str
) -> Block:
    fig = f.figure
    subject = turtle.kg(f"claim-{digest[:10]}-{n}-{turtle.slug(fig.kind)}")
    b = Block(subject, ["sahel:Claim"])
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
    if fig.claimant:
        b.add("sahel:statedBy", ref(fig.claimant))
    b.add_all("sahel:mentions", (ref(i) for i in f.mentions))
    b.add("sahel:about", about)
    b.add("sahel:source", src)
    b.add("rdfs:comment", string(provenance(f.sentence, fig.confidence, digest), "en"))
    return b


def _statement_block(
    x: Extraction,
    s: StatementFact,
    n: int,
    src: str,
    event: str | None,
    aliases: AliasTable,
    digest: str,
) -> Block:
    who = aliases.entities[s.stated_by]
    subject = turtle.kg(f"statement-{digest[:10]}-{n}-{turtle.slug(s.cls)}")
    b = Block(subject, [f"sahel:{s.cls}"])
    text = f"{s.cls} by {who.label}" + (
        f" to {_name(aliases, s.addressed_to)}" if s.addressed_to else ""
    )
    b.add("rdfs:label", string(text, "en"))
    b.add("sahel:statedBy", ref(s.stated_by))
    if s.addressed_to:
        b.add("sahel:addressedTo", ref(s.addressed_to))
    b.add_all("sahel:mentions", (ref(i) for i in s.mentions))
    if event:
        b.add("sahel:about", ref(event))
    # Reports rarely date statements: they fall between the event and the report, so the
    # month of the report, at month precision (the convention of seeds/article.ttl).
    b.add("sahel:date", date(x.published.replace(day=1).isoformat()))
    b.add("sahel:datePrecision", string("month"))
    place = _statement_place(x, s, aliases)
    if place:
        b.add("sahel:location", ref(place))
    else:
        b.comments.append("No place in the report: the reviewer must add sahel:location.")
    b.add("sahel:source", src)
    b.add("rdfs:comment", string(provenance(s.sentences, s.confidence, digest), "en"))
    return b


def _statement_place(x: Extraction, s: StatementFact, aliases: AliasTable) -> str:
    """A state speaks from its country; anyone else is placed where the event happened."""
    if aliases.entities[s.stated_by].is_a("Country"):
        return s.stated_by
    if x.event and x.event.locations:
        return x.event.locations[0]
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


def _name(aliases: AliasTable, iri: str) -> str:
    e = aliases.entities.get(iri)
    return e.label if e else iri


def _digest(x: Extraction) -> str:
    return hashlib.sha256(x.text.encode()).hexdigest()


def report_lines(d: Draft) -> Iterator[tuple[str, str, str, str, str]]:
    """(status, fact, confidence, sentence, note) rows for the CLI's table."""
    order = {CONTRADICTS: 0, NEW: 1, KNOWN: 2}
    for i in sorted(d.items, key=lambda i: (order[i.status], i.sentence)):
        yield i.status, i.what, f"{i.confidence:.2f}", str(i.sentence), i.note
