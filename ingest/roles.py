"""Who did what in each event of a report: its class, places, targets and perpetrators;
claims of responsibility (and what the claimant claims), "not claimed", condemnations and
condolences by any actor, known or a candidate, the army's own account, and the source of
every figure.

- A claim names its claimant, or says "the group" / "le groupe": the armed group named last.
  "Both attacks" / "les deux attaques" covers every event so far; otherwise the claim is
  about the event of its sentence. A claimant is also the event's perpetrator.
- An armed group named in a sentence about the attack, not as "X-linked" and not as
  "suspected X", is a perpetrator; so is X in "blamed the massacre on X".
- The army's account: a security force (or "the army", the force named last) before a verb
  of saying.
- A figure comes from, in order: the claimant it is claimed by; the actor or candidate named in
  its attribution ("according to SITE Intelligence Group", "the army"); the actor or candidate
  before a verb of saying ("Army spokesman Colonel X said ... more than 80"); else the
  attribution in the report's words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ingest.aliases import AliasTable, Mention
from ingest.candidates import Candidate
from ingest.dates import DateMention
from ingest.events import Segment, Sentence, fallback_date
from ingest.facts import EventFact, FigureFact, StatementFact, _unique
from ingest.figures import figures
from ingest.lang import Lexicon

_SUSPECTED = ("suspected", "presumed", "alleged", "présumé", "présumés", "soupçonné")


@dataclass
class Context:
    text: str
    lang: str
    lex: Lexicon
    aliases: AliasTable
    mentions: list[Mention]
    candidates: list[Candidate]
    published: dt.date
    dates: list[DateMention]

    def is_a(self, iri: str, kind: str) -> bool:
        e = self.aliases.entities.get(iri)
        return e is not None and e.is_a(kind)

    def in_unit(self, u: Sentence) -> list[Mention]:
        return [m for m in self.mentions if u.start <= m.start < u.end]

    def agents(self, u: Sentence, kind: str = "Actor") -> list[Mention]:
        """Actors named as such: not 'al Qaeda' in 'the al Qaeda-linked group', not
        'Islamic State' in 'suspected Islamic State fighters'."""
        out = []
        for m in self.in_unit(u):
            before = self.text[max(u.start, m.start - 12) : m.start].lower()
            if (
                self.is_a(m.iri, kind)
                and not self.lex.linked.match(self.text[m.end :])
                and not any(w in before for w in _SUSPECTED)
            ):
                out.append(m)
        return out

    def places_in(self, u: Sentence) -> set[str]:
        out = {m.iri for m in self.in_unit(u) if self.is_a(m.iri, "Place")}
        for c in self.candidates:
            if c.is_place and any(u.start <= s < u.end for s, _ in c.spans):
                out.add(c.key)
        return out

    def named(self, u: Sentence, before: int) -> list[tuple[int, str]]:
        """(offset, IRI or candidate key) of actors and person/organisation candidates named
        in the unit before the absolute offset `before`."""
        out = [(m.start, m.iri) for m in self.agents(u) if m.start < before]
        for c in self.candidates:
            if c.cls in ("Person", "Organization"):
                out += [(s, c.key) for s, _ in c.spans if u.start <= s < before]
        return sorted(out)


def event(
    ctx: Context,
    seg: Segment,
    where: list[str],
    dates: list[DateMention],
    places: list[tuple[int, int, str, str]],
) -> EventFact:
    lex = ctx.lex
    first = seg.units[0].text
    blob = " ".join(u.text for u in seg.units)
    attack_units = [u for u in seg.units if lex.attack.search(u.text)]
    if lex.civilian.search(first) and not lex.military.search(first):
        cls = "ViolenceAgainstCivilians"
    elif lex.remote.search(first) and not lex.assault.search(blob):
        cls = "ExplosionRemoteViolence"
    elif lex.military.search(blob):
        cls = "Battle"
    elif lex.civilian.search(blob):
        cls = "ViolenceAgainstCivilians"
    else:
        cls = "Attack"
    when = seg.date
    if when is not None:
        day, precision, said = when.date, when.precision, when.text
    else:
        day, precision = fallback_date(ctx.published)
        said = ""
    if not where:  # no town or site: the countries or regions it names
        where = _unique(p[2] for p in places for u in seg.units if u.start <= p[0] < u.end)
    targets = [w for w in where if ctx.is_a(w, "Site") or _cand_cls(ctx, w) == "Site"]
    perpetrators: list[str] = []
    for u in attack_units:
        against = lex.against.search(u.text)
        for m in ctx.in_unit(u):
            if against and m.start - u.start > against.start() and ctx.is_a(m.iri, "SecurityForce"):
                targets.append(m.iri)
        perpetrators += [m.iri for m in ctx.agents(u, "ArmedGroup")]
    e = EventFact(cls, day, precision, said, where, _unique(targets), _unique(perpetrators))
    e.sentences = list(seg.units)
    e.confidence = 0.75 if when is not None else 0.4
    return e


def _cand_cls(ctx: Context, key: str) -> str:
    return next((c.cls for c in ctx.candidates if c.key == key), "")


def facts(
    ctx: Context,
    body: list[Sentence],
    title: str,
    sentences: list[Sentence],
    events: list[EventFact],
    unit_event: dict[int, int],
) -> tuple[list[FigureFact], list[StatementFact]]:
    lex = ctx.lex
    statements: dict[tuple[str, str, str], StatementFact] = {}
    found: list[FigureFact] = []
    last_group = last_force = ""
    for u in body:
        ev = unit_event.get(u.start, 0 if events else None)
        here = [ev] if ev is not None else []
        claimant = ""
        if lex.unclaimed.search(u.text):
            for i in here:
                events[i].unclaimed = True
        elif lex.claim.search(u.text):
            groups = [m.iri for m in ctx.agents(u, "ArmedGroup")]
            # none named ("the group claimed", "il a revendiqué"): the armed group named last
            claimant = groups[-1] if groups else last_group
            if claimant:
                covered = list(range(ev + 1)) if ev is not None and lex.every_event.search(
                    u.text) else here  # fmt: skip
                for i in covered:
                    events[i].claimed_by = _unique([*events[i].claimed_by, claimant])
                    events[i].perpetrators = _unique([*events[i].perpetrators, claimant])
                stating = lex.stating.search(u.text)
                said = [
                    m.iri for m in ctx.agents(u)
                    if stating and m.start - u.start > stating.end() and m.iri != claimant
                ]  # fmt: skip
                _add(statements, "ClaimOfResponsibility", claimant, u, covered, mentions=said)
        # A reaction is about the main event unless it names the place of another one.
        reacting = [i for i, e in enumerate(events) if set(e.locations) & ctx.places_in(u)]
        about = reacting[:1] or ([0] if events else [])
        verb = lex.condemn.search(u.text)
        if verb:
            for _, who in ctx.named(u, u.start + verb.start()):
                if who != claimant and not ctx.is_a(who, "ArmedGroup"):
                    _add(statements, "Condemnation", who, u, about, confidence=0.7)
                    for i in about:
                        events[i].condemned_by = _unique([*events[i].condemned_by, who])
        cm = lex.condole.search(u.text)
        if cm:
            givers = ctx.named(u, u.start + cm.start())
            after = [m.iri for m in ctx.agents(u) if m.start - u.start > cm.end()]
            for _, who in givers[-1:]:  # the nearest actor before 'condolences' gives them
                _add(statements, "Condolence", who, u, about, after[0] if after else "", 0.7)
        rep = lex.reporting.search(u.text)
        if rep:
            forces = [
                m.iri for m in ctx.agents(u, "SecurityForce") if m.start - u.start < rep.start()
            ]
            army = lex.the_army.search(u.text[: rep.start()])
            force = forces[-1] if forces else (last_force if army else "")
            if force:
                _add(statements, "Statement", force, u, here, confidence=0.65)
        found += _figures(ctx, u, claimant, ev, last_group, last_force)
        for m in ctx.in_unit(u):
            last_group = m.iri if ctx.is_a(m.iri, "ArmedGroup") else last_group
            last_force = m.iri if ctx.is_a(m.iri, "SecurityForce") else last_force
    if sentences and title:  # a headline's figure, unless the body gives the same one
        have = {(f.figure.kind, f.figure.value) for f in found}
        for f in _figures(ctx, sentences[0], "", 0 if events else None, "", ""):
            if (f.figure.kind, f.figure.value) not in have:
                found.append(f)
    unique: dict[tuple[object, ...], FigureFact] = {}
    for f in found:
        from ingest.facts import figure_key

        unique.setdefault((f.event, *figure_key(f)), f)
    return list(unique.values()), list(statements.values())


def _figures(
    ctx: Context, u: Sentence, claimant: str, ev: int | None, last_group: str, last_force: str
) -> list[FigureFact]:
    from ingest.facts import _short

    lex = ctx.lex
    name = _short(ctx.aliases.entities[claimant].label) if claimant else ""
    out = []
    spans = [(d.start - u.start, d.end - u.start) for d in ctx.dates]
    for f in figures(u.text, claimant, name, ctx.lang):
        if any(s <= f.start < e for s, e in spans):
            continue  # the 24 of "On May 24"
        who = f.claimant
        attribution = f.attribution
        if not who and attribution:
            known = [m.iri for m in ctx.aliases.mentions(attribution) if ctx.is_a(m.iri, "Actor")]
            if lex.the_group.fullmatch(attribution.lower()) and last_group:
                who = last_group
            elif known:
                who = known[0]
            elif lex.the_army.match(attribution.lower()) and last_force:
                who = last_force
            else:
                who = next(
                    (c.key for c in ctx.candidates if c.cls in ("Person", "Organization")
                     and c.label.lower() in attribution.lower()), "",
                )  # fmt: skip
        elif not who:
            verbs = list(lex.reporting.finditer(u.text[: f.start]))
            if verbs:
                named = ctx.named(u, u.start + verbs[-1].start())
                who = named[-1][1] if named else ""
        named_after = [
            m.iri for m in ctx.in_unit(u)
            if f.claimant and m.iri != f.claimant and m.start - u.start > f.start
            and ctx.is_a(m.iri, "Actor")
        ]  # fmt: skip
        out.append(FigureFact(f, u, named_after, ev, who))
    return out


def _add(
    statements: dict[tuple[str, str, str], StatementFact],
    cls: str,
    who: str,
    s: Sentence,
    events: list[int],
    addressed_to: str = "",
    confidence: float = 0.75,
    mentions: list[str] | None = None,
) -> None:
    key = (cls, who, addressed_to)
    st = statements.get(key)
    if st is None:
        statements[key] = StatementFact(
            cls, who, [s], addressed_to, list(mentions or []), confidence, list(events)
        )
        return
    if s not in st.sentences:
        st.sentences.append(s)
    st.mentions = _unique([*st.mentions, *(mentions or [])])
    st.events = sorted({*st.events, *events})
