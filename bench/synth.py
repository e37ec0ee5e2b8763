"""Synthetic graphs shaped like the ontology (actors, places, sources, events with claims,
qualified relations), from a fixed seed, written as N-Triples. Used by the benchmarks and by
the tests that need a load big enough to interrupt.

    python -m bench.synth 100000 > /tmp/synth.nt     # about 100k triples
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

S = "https://w3id.org/sahel-kg/ontology#"
K = "https://w3id.org/sahel-kg/id/synth-"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DATE = "<http://www.w3.org/2001/XMLSchema#date>"
INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"
ACTOR_CLASSES = ["JihadistGroup", "Militia", "SeparatistGroup", "State", "SecurityForce"]
EVENT_CLASSES = ["Battle", "ExplosionRemoteViolence", "ViolenceAgainstCivilians"]
RELATIONS = ["alliedWith", "hostileTo", "affiliatedWith", "supportedBy", "partnerOf"]
TRIPLES_PER_EVENT = 18  # an event with two claims, roughly, plus its share of the rest


def _iri(kind: str, n: int) -> str:
    return f"<{K}{kind}-{n}>"


def _date(rng: random.Random) -> str:
    return f'"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^{DATE}'


def triples(target: int, seed: int = 42) -> Iterator[str]:
    """N-Triples lines, about `target` of them."""
    rng = random.Random(seed)
    events = max(1, target // TRIPLES_PER_EVENT)
    actors, places, sources = max(5, events // 20), max(5, events // 50), max(3, events // 100)
    for i in range(sources):
        s = _iri("source", i)
        yield f"{s} {TYPE} <{S}Source> ."
        yield f'{s} {RDFS_LABEL} "Synthetic report {i}"@en .'
        yield f'{s} <{S}title> "Synthetic report {i}" .'
        yield f"{s} <{S}published> {_date(rng)} ."
    for i in range(places):
        p = _iri("place", i)
        yield f"{p} {TYPE} <{S}City> ."
        yield f'{p} {RDFS_LABEL} "Place {i}"@en .'
    for i in range(actors):
        a = _iri("actor", i)
        yield f"{a} {TYPE} <{S}{rng.choice(ACTOR_CLASSES)}> ."
        yield f'{a} {RDFS_LABEL} "Actor {i}"@en .'
        yield f'{a} {RDFS_LABEL} "Acteur {i}"@fr .'
        yield f'{a} {ALT} "A{i}" .'
        yield f"{a} <{S}operatesIn> {_iri('place', rng.randrange(places))} ."
        yield f"{a} <{S}source> {_iri('source', rng.randrange(sources))} ."
    for i in range(actors):  # qualified relations, one per actor
        q = _iri("rel", i)
        yield f"{q} {TYPE} <{S}QualifiedRelation> ."
        yield f'{q} {RDFS_LABEL} "Relation {i}"@en .'
        yield f"{q} <{S}subject> {_iri('actor', i)} ."
        yield f"{q} <{S}predicate> <{S}{rng.choice(RELATIONS)}> ."
        yield f"{q} <{S}object> {_iri('actor', rng.randrange(actors))} ."
        yield f"{q} <{S}validFrom> {_date(rng)} ."
        yield f"{q} <{S}source> {_iri('source', rng.randrange(sources))} ."
    for i in range(events):
        e = _iri("event", i)
        src = _iri("source", rng.randrange(sources))
        yield f"{e} {TYPE} <{S}{rng.choice(EVENT_CLASSES)}> ."
        yield f'{e} {RDFS_LABEL} "Event {i}"@en .'
        yield f"{e} <{S}date> {_date(rng)} ."
        yield f"{e} <{S}location> {_iri('place', rng.randrange(places))} ."
        yield f"{e} <{S}perpetrator> {_iri('actor', rng.randrange(actors))} ."
        yield f"{e} <{S}source> {src} ."
        for c in range(2):  # two sources, two figures
            cl = f"<{K}claim-{i}-{c}>"
            yield f"{cl} {TYPE} <{S}Claim> ."
            yield f'{cl} {RDFS_LABEL} "Toll {c} of event {i}"@en .'
            yield f"{cl} <{S}about> {e} ."
            yield f"{cl} <{S}claimKind> <{S}Fatalities> ."
            yield f'{cl} <{S}value> "{rng.randint(0, 200)}"^^{INTEGER} .'
            yield f"{cl} <{S}source> {_iri('source', rng.randrange(sources))} ."


def write(path: Path, target: int, seed: int = 42) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for line in triples(target, seed):
            fh.write(line + "\n")
            count += 1
    return count


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for line in triples(n):
        sys.stdout.write(line + "\n")
