"""The one name matcher: a name (in any spelling) to the graph's actors and places, ranked,
with the features that explain each score. The API's actor search, /reconcile, `sahelkg
match` and the ACLED/UCDP actor linking all call `Index.match`.

An `Index` is built once from entity records (from the store: graph.match_store; from the
ingestion's alias table: `Index.from_alias_table`) and answers every query in memory.

A name is compared with each label and alias of an entity in the forms of
graph/match_text.py (normalised, transliteration-folded, initials), with rapidfuzz
similarity (ratio, and token_sort_ratio for word order) over both forms, and word overlap.
rapidfuzz is used, not hand-written edit distances: it is maintained, in C++, and fast
enough to score every name of a batch against every alias.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from graph.mapping import normalise_text
from graph.match_text import (
    STOPWORDS,
    acronym,
    demonyms,
    looks_like_acronym,
    name_forms,
    norm,
    query_forms,
    translit,
)

__all__ = ["Candidate", "Entity", "Feature", "Index", "Query", "acronym", "name_forms", "norm"]
__all__ += ["query_forms", "translit"]

# A score at or above this, for one entity only, with this margin over the next: match.
MATCH_SCORE = 90.0
MATCH_MARGIN = 10.0
_CONTRADICTIONS = frozenset({"time_overlap", "type_agreement"})


# ---------------------------------------------------------------- entities and results


@dataclass(frozen=True)
class Entity:
    iri: str
    name: str  # the display name
    types: frozenset[str]  # class local names, with their superclasses
    names: tuple[str, ...]  # every label and alias, as written
    start: dt.date | None = None  # founded
    end: dt.date | None = None  # dissolved
    places: frozenset[str] = frozenset()  # IRIs of places it operates or is deployed in

    def is_a(self, kind: str) -> bool:
        return kind in self.types


@dataclass(frozen=True)
class Feature:
    id: str
    name: str
    value: bool | float


@dataclass
class Candidate:
    entity: Entity
    score: float  # 0-100
    alias: str  # the label or alias that scored best
    features: list[Feature] = field(default_factory=list)
    match: bool = False

    @property
    def iri(self) -> str:
        return self.entity.iri


@dataclass(frozen=True)
class Query:
    text: str
    types: tuple[str, ...] = ()  # class local names; candidates must be one of them
    at: dt.date | None = None  # the entity should exist that day
    place: str | None = None  # IRI of a place it should be active in
    limit: int = 5


@dataclass(frozen=True)
class _Name:
    iri: str
    raw: str
    key: str  # norm()
    plain: str  # normalise_text(), the store's `search` form (apostrophes become spaces)
    fold: str  # translit(key)


# ---------------------------------------------------------------- the index


class Index:
    """Every label and alias of the entities, under the keys the matcher compares."""

    def __init__(self, entities: Iterable[Entity], version: str = "") -> None:
        self.version = version
        self.entities: dict[str, Entity] = {}
        self.names: list[_Name] = []
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_fold: dict[str, set[str]] = defaultdict(set)
        self.by_acronym: dict[str, set[str]] = defaultdict(set)
        self.by_token: dict[str, set[str]] = defaultdict(set)
        self.of_entity: dict[str, list[_Name]] = defaultdict(list)
        self._folds: list[str] | None = None  # for rapidfuzz, made at the first query
        # Words the graph's names use, and demonyms of its one-word places: a query word
        # among them is a word, not a typo ("Nigeria" is not a misspelt "Niger").
        self.words: set[str] = set()
        for entity in entities:
            self.add(entity)

    def add(self, entity: Entity) -> None:
        self.entities[entity.iri] = entity
        seen: set[str] = set()
        for written in entity.names:
            for form in name_forms(written):
                key = norm(form)
                if not key or key in seen:
                    continue
                seen.add(key)
                item = _Name(entity.iri, form, key, normalise_text(form), translit(key))
                self.names.append(item)
                self.of_entity[entity.iri].append(item)
                self.by_key[key].add(entity.iri)
                if item.plain:  # empty for a name in another script
                    self.by_key[item.plain].add(entity.iri)
                self.by_fold[item.fold].add(entity.iri)
                if len(key.split()) > 1 and (initials := acronym(item.fold)):
                    self.by_acronym[initials].add(entity.iri)
                for token in item.fold.split():
                    if token not in STOPWORDS:
                        self.by_token[token].add(entity.iri)
                        self.words.add(token)
                if "Place" in entity.types and " " not in item.fold:
                    self.words |= demonyms(item.fold)
        self._folds = None

    @classmethod
    def from_alias_table(cls, table: Any) -> Index:
        """From ingest.aliases.AliasTable (duck-typed: the ingestion layer sits above
        this one): its entities and normalised names."""
        names: dict[str, list[str]] = defaultdict(list)
        for key, iris in table.names.items():
            for iri in iris:
                names[iri].append(key)
        return cls(
            Entity(iri, e.label, frozenset(e.labels), (e.label, *names.get(iri, [])))
            for iri, e in table.entities.items()
        )

    # -- matching

    def match(self, query: Query) -> list[Candidate]:
        """Candidates for the query, best first (at most query.limit); the first has
        match=True when it alone scores MATCH_SCORE or more, MATCH_MARGIN above the next."""
        forms: dict[tuple[str, str], float] = {}
        for written, penalty in query_forms(query.text):
            for key in (norm(written), normalise_text(written)):
                if key and (key, written) not in forms:
                    forms[(key, written)] = penalty
        if not forms:
            return []
        scored = [c for c in self._score_all(query, forms) if c is not None]
        scored.sort(key=lambda c: (-c.score, c.entity.name, c.iri))
        if scored:
            top = scored[0]
            runner = scored[1].score if len(scored) > 1 else 0.0
            contradicted = any(f.value is False for f in top.features if f.id in _CONTRADICTIONS)
            top.match = (
                top.score >= MATCH_SCORE and top.score - runner >= MATCH_MARGIN and not contradicted
            )
        return scored[: max(query.limit, 1)]

    def best(self, query: Query) -> Candidate | None:
        """The one unambiguous candidate, or None."""
        found = self.match(Query(query.text, query.types, query.at, query.place, limit=2))
        return found[0] if found and found[0].match else None

    def _score_all(
        self, query: Query, forms: dict[tuple[str, str], float]
    ) -> Iterator[Candidate | None]:
        for iri in self._candidates(forms):
            entity = self.entities[iri]
            if query.types and not any(entity.is_a(t) for t in query.types):
                continue
            yield self._score(entity, query, forms)

    def _candidates(self, forms: dict[tuple[str, str], float]) -> set[str]:
        if self._folds is None:
            self._folds = [n.fold for n in self.names]
        found: set[str] = set()
        for key, written in forms:
            fold = translit(key)
            found |= self.by_key.get(key, set()) | self.by_fold.get(fold, set())
            if looks_like_acronym(written) and " " not in written.strip():
                found |= self.by_acronym.get(key.replace(" ", ""), set())
            for token in fold.split():
                hits = self.by_token.get(token, set())
                if len(hits) <= 40:  # a token shared by everything narrows nothing
                    found |= hits
            for _, _, i in process.extract(
                fold, self._folds, scorer=fuzz.ratio, limit=12, score_cutoff=70
            ):
                found.add(self.names[i].iri)
        return found

    def _score(
        self, entity: Entity, query: Query, forms: dict[tuple[str, str], float]
    ) -> Candidate:
        best = (-1.0, "", False, 0.0, 0.0, False)
        for (key, written), penalty in forms.items():
            fold = translit(key)
            q_tokens = {t for t in fold.split() if t not in STOPWORDS}
            is_acronym = looks_like_acronym(written) and " " not in written.strip()
            for name in self.of_entity[entity.iri]:
                exact = key in (name.key, name.plain)
                similarity = max(
                    fuzz.ratio(key, name.key),
                    fuzz.token_sort_ratio(key, name.key),
                    fuzz.ratio(fold, name.fold),
                    fuzz.token_sort_ratio(fold, name.fold),
                )
                n_tokens = {t for t in name.fold.split() if t not in STOPWORDS}
                overlap = _overlap(q_tokens, n_tokens, self.words)
                other_word = _other_word(q_tokens, n_tokens, self.words)
                by_acronym = is_acronym and acronym(name.fold) == key.replace(" ", "")
                if exact:  # an alias several entities share is weaker evidence
                    shared = len(self.by_key.get(key, ())) > 1
                    score = 85.0 if shared else 100.0
                elif fold == name.fold:
                    score = 97.0
                elif by_acronym:
                    score = 92.0
                elif len(q_tokens) >= 2 and q_tokens < n_tokens:  # a shortened name
                    # never a match on its own: "Ansar Dine" is inside "Ansar Dine Macina"
                    score = max(0.8 * similarity + 20.0 * overlap, 76.0 + 16.0 * overlap)
                    score = min(score, MATCH_SCORE - 1.0)
                else:
                    score = 0.8 * similarity + 20.0 * overlap
                if other_word and not exact:  # "Nigerian army" is not the "Nigerien army"
                    score -= 15.0
                score -= penalty
                if score > best[0]:
                    best = (
                        score,
                        name.raw,
                        exact and penalty <= 1,
                        similarity,
                        overlap,
                        by_acronym,
                    )
        score, alias, exact, similarity, overlap, by_acronym = best
        features = [
            Feature("exact_alias", "an exact label or alias", exact),
            Feature("name_similarity", "string similarity (rapidfuzz, 0-1)", similarity / 100),
            Feature("token_overlap", "shared words (Jaccard, 0-1)", round(overlap, 3)),
            Feature("acronym", "the query is the initials of a name", by_acronym),
        ]
        if query.types:
            features.append(Feature("type_agreement", "of the requested type", True))
        if query.at is not None and (entity.start or entity.end):
            alive = (entity.start is None or entity.start <= query.at) and (
                entity.end is None or query.at <= entity.end
            )
            features.append(Feature("time_overlap", "existed on the date given", alive))
            score += 2.0 if alive else -20.0
        if query.place is not None:
            here = query.place in entity.places or query.place == entity.iri
            features.append(Feature("co_located", "active in the place given", here))
            score += 4.0 if here else 0.0
        score = round(max(0.0, min(score, 100.0)), 2)
        return Candidate(entity, score, alias, features)

    # -- prefix search (suggest)

    def suggest(self, prefix: str, types: Iterable[str] = (), limit: int = 10) -> list[Entity]:
        """Entities with a name or a word of a name starting with the prefix: whole names
        first, then word starts, by name."""
        key = norm(prefix)
        if not key:
            return []
        wanted = tuple(types)
        ranks: dict[str, int] = {}
        for item in self.names:
            if item.key.startswith(key):
                rank = 0 if item.key == key else 1
            elif f" {key}" in f" {item.key}":
                rank = 2
            else:
                continue
            entity = self.entities[item.iri]
            if wanted and not any(entity.is_a(t) for t in wanted):
                continue
            ranks[item.iri] = min(rank, ranks.get(item.iri, 9))
        order = sorted(ranks, key=lambda i: (ranks[i], self.entities[i].name, i))
        return [self.entities[i] for i in order[:limit]]


def _typo_of(t: str, b: set[str], words: set[str]) -> bool:
    """A query word within a typo of a word of the name (rapidfuzz ratio >= 80), and not
    itself a word the graph knows: 'nosrat' is 'nusrat', 'nigeria' is not 'niger'."""
    return len(t) > 4 and t not in words and any(fuzz.ratio(t, u) >= 80 for u in b)


def _overlap(a: set[str], b: set[str], words: set[str]) -> float:
    """Jaccard over words, a typo of a word counting as the word."""
    if not a or not b:
        return 0.0
    shared = sum(1 for t in a if t in b or _typo_of(t, b, words))
    shared = min(shared, len(b))
    return shared / (len(a) + len(b) - shared)


def _other_word(a: set[str], b: set[str], words: set[str]) -> bool:
    """The query has a known word close to, but not, a word of the name."""
    return any(t not in b and t in words and any(fuzz.ratio(t, u) >= 75 for u in b - a) for t in a)
