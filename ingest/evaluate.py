"""Precision and recall of the extractor against the hand-made gold lists of
tests/data/ingest/press/ (one JSON per report: language, publication date, facts), per
language; used by tests/unit/test_ingest_press.py and bench/ingest_eval.py."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from graph.mapping import normalise_text
from graph.vocab import KG_NS
from ingest.aliases import AliasTable
from ingest.article import extract


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    hits: int = 0
    missed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    wrong: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0


def _norm(fact: tuple[str, ...]) -> tuple[str, ...]:
    """kg:x -> full IRI; a claim's attribution in the source's words -> normalised text."""
    out = [KG_NS + p[3:] if p.startswith("kg:") else p for p in fact]
    if out[0] == "claim" and not out[-1].startswith(("http", "new:")) and out[-1] != "unattributed":
        out[-1] = normalise_text(out[-1])
    return tuple(out)


def gold(path: Path) -> tuple[str, dt.date, set[tuple[str, ...]]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    facts = {_norm(tuple(str(x) for x in row)) for row in doc["facts"]}
    return doc["lang"], dt.date.fromisoformat(doc["published"]), facts


def evaluate(folder: Path, aliases: AliasTable) -> dict[str, Score]:
    """Micro-averaged scores per language over every report*.txt with its .json gold list."""
    scores: dict[str, Score] = {}
    for text_path in sorted(folder.glob("*.txt")):
        lang, published, expected = gold(text_path.with_suffix(".json"))
        x = extract(text_path.read_text(encoding="utf-8"), published, aliases)
        found = {_norm(f) for f in x.facts()}
        s = scores.setdefault(lang, Score())
        s.expected += len(expected)
        s.found += len(found)
        s.hits += len(expected & found)
        s.missed += [(text_path.stem, f) for f in sorted(expected - found)]
        s.wrong += [(text_path.stem, f) for f in sorted(found - expected)]
    return scores
