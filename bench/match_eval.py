"""How well the name matcher (graph/match.py) finds the graph's actors from name variants.

    python -m bench.match_eval              # top-1 accuracy, false matches, per kind
    python -m bench.match_eval --generate   # rewrite the generated half of the test set
    python -m bench.match_eval --api http://127.0.0.1:8000   # the same through /reconcile

The test set (tests/data/reconcile/) is held apart from the alias table the matcher uses:
no variant is, once normalised, a label or alias of the graph (tests/unit/test_match_eval.py
checks it). Two halves:
- name_variants_curated.csv: written by hand: French, Arabic-script and transliterated
  spellings, ACLED-style qualifiers, titles, word order, and names the graph does not hold
  (expected empty: they must not come back with match=true);
- name_variants_generated.csv: from the graph's own aliases with a fixed seed: one dropped,
  doubled or swapped letter, a transliteration swap (u/ou, i/ee, k/q, s/z, al-/el-), or the
  words of a person's name in reverse order.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from graph.mapping import normalise_text
from graph.match import Index, Query, norm
from graph.ontology import Ontology
from graph.rdf import parse_files
from graph.vocab import KG_NS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "reconcile"
CURATED = DATA / "name_variants_curated.csv"
GENERATED = DATA / "name_variants_generated.csv"
SEED = 17


@dataclass(frozen=True)
class Variant:
    text: str
    expected: str  # full IRI, or "" when the graph does not hold the name
    kind: str


def seed_index() -> Index:
    """The index of the ontology and the seeds, as a load of them would give it."""
    from graph.match_store import index_from_rdf

    onto = Ontology.read(ROOT / "ontology" / "sahel.ttl", None)
    graph = parse_files([ROOT / "seeds"]).graph + onto.graph
    return index_from_rdf(graph, onto.registry)


def read_variants(*paths: Path) -> list[Variant]:
    out: list[Variant] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                expected = row["expected"].strip()
                out.append(
                    Variant(row["variant"], KG_NS + expected if expected else "", row["kind"])
                )
    return out


def held_apart(index: Index, variant: Variant) -> bool:
    """The variant is not, once normalised, a label or alias of the graph."""
    plain = normalise_text(variant.text)
    return norm(variant.text) not in index.by_key and (not plain or plain not in index.by_key)


# ---------------------------------------------------------------- generating variants

_SWAPS = (("u", "ou"), ("ou", "u"), ("i", "ee"), ("k", "q"), ("q", "k"), ("s", "z"))


def _longest_word(text: str) -> tuple[int, str]:
    words = text.split(" ")
    i = max(range(len(words)), key=lambda j: (len(words[j]), -j))
    return i, words[i]


def _edit(text: str, rng: random.Random, how: str) -> str:
    words = text.split(" ")
    i, word = _longest_word(text)
    if len(word) < 5:
        return text
    pos = rng.randrange(1, len(word) - 2)
    if how == "typo-drop":
        word = word[:pos] + word[pos + 1 :]
    elif how == "typo-swap":
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    elif how == "typo-double":
        word = word[: pos + 1] + word[pos] + word[pos + 1 :]
    elif how == "transliteration":
        for a, b in rng.sample(_SWAPS, len(_SWAPS)):
            if a in text.lower():
                return text.replace(a, b, 1) if a in text else text
        return text.replace("al-", "el-", 1)
    elif how == "word-order":
        return " ".join(reversed(words))
    words[i] = word
    return " ".join(words)


def generate(index: Index, seed: int = SEED) -> list[Variant]:
    rng = random.Random(seed)
    out: list[Variant] = []
    seen: set[str] = set()
    for entity in sorted(index.entities.values(), key=lambda e: e.iri):
        if "Actor" not in entity.types:
            continue
        latin = [n for n in entity.names if n.isascii() or (n[:1].isalpha() and n[0] < "ɐ")]
        latin = [n for n in dict.fromkeys(latin) if len(n) >= 6 and not n.isupper()]
        hows = ["typo-drop", "typo-swap", "transliteration", "typo-double"]
        if "Person" in entity.types:
            hows.append("word-order")
        rng.shuffle(hows)
        made = 0
        for name, how in zip(latin * 2, hows, strict=False):
            text = _edit(name, rng, how)
            variant = Variant(text, entity.iri, how)
            if text == name or norm(text) in seen or not held_apart(index, variant):
                continue
            others = index.by_key.get(norm(text), set())
            if others - {entity.iri}:
                continue
            seen.add(norm(text))
            out.append(variant)
            made += 1
            if made == 3:
                break
    return out


def write_variants(path: Path, variants: list[Variant]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["variant", "expected", "kind"])
        for v in variants:
            w.writerow([v.text, v.expected.removeprefix(KG_NS), v.kind])


# ---------------------------------------------------------------- evaluating


@dataclass
class Report:
    total: int
    positives: int
    top1: int
    matched: int  # positives with match=true on the right entity
    false_matches: list[tuple[str, str, str]]  # (variant, expected, matched)
    misses: list[tuple[str, str, str]]  # (variant, expected, top-1)
    by_kind: Counter[str]
    kind_totals: Counter[str]
    seconds: float

    @property
    def accuracy(self) -> float:
        return self.top1 / self.positives if self.positives else 0.0


def evaluate(index: Index, variants: list[Variant]) -> Report:
    """Top-1 accuracy over the variants the graph holds; false match=true over all."""
    report = Report(len(variants), 0, 0, 0, [], [], Counter(), Counter(), 0.0)
    started = time.perf_counter()
    for v in variants:
        found = index.match(Query(v.text, limit=3))
        top = found[0] if found else None
        if top is not None and top.match and top.iri != v.expected:
            report.false_matches.append((v.text, v.expected, top.iri))
        if not v.expected:
            continue
        report.positives += 1
        report.kind_totals[v.kind] += 1
        if top is not None and top.iri == v.expected:
            report.top1 += 1
            report.by_kind[v.kind] += 1
            report.matched += top.match
        else:
            report.misses.append((v.text, v.expected, top.iri if top else ""))
    report.seconds = time.perf_counter() - started
    return report


def via_api(url: str, variants: list[Variant], batch: int = 10) -> None:
    """The variants through POST /reconcile in batches of `batch` (OpenRefine's default
    batch size is 10), form-encoded as OpenRefine sends them: accuracy and time per batch."""
    import json
    import statistics

    import httpx

    top1 = positives = false_matches = 0
    times: list[float] = []
    with httpx.Client(base_url=url, timeout=60) as client:
        client.get("/reconcile")  # a first call builds the index: not timed
        client.post("/reconcile", data={"queries": json.dumps({"q0": {"query": "JNIM"}})})
        for start in range(0, len(variants), batch):
            chunk = variants[start : start + batch]
            queries = {f"q{i}": {"query": v.text, "limit": 3} for i, v in enumerate(chunk)}
            began = time.perf_counter()
            r = client.post("/reconcile", data={"queries": json.dumps(queries)})
            times.append(time.perf_counter() - began)
            r.raise_for_status()
            for i, v in enumerate(chunk):
                result = r.json()[f"q{i}"]["result"]
                top = result[0] if result else None
                if top and top["match"] and KG_NS + top["id"] != v.expected:
                    false_matches += 1
                if v.expected:
                    positives += 1
                    top1 += bool(top and KG_NS + top["id"] == v.expected)
    print(f"via {url}/reconcile, batches of {batch}: top-1 {top1}/{positives}, ", end="")
    print(f"false match=true {false_matches}")
    print(
        f"per batch: median {1000 * statistics.median(times):.1f} ms, "
        f"max {1000 * max(times):.1f} ms over {len(times)} batches"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="rewrite the generated set")
    parser.add_argument("--api", help="also run the set through this server's /reconcile")
    args = parser.parse_args()
    index = seed_index()
    if args.generate:
        made = generate(index)
        write_variants(GENERATED, made)
        print(f"wrote {len(made)} variants to {GENERATED.relative_to(ROOT)}")
    variants = read_variants(CURATED, GENERATED)
    apart = sum(held_apart(index, v) for v in variants)
    r = evaluate(index, variants)
    print(f"index: {len(index.entities)} entities, {len(index.names)} names")
    print(
        f"variants: {r.total} ({r.positives} the graph holds, {r.total - r.positives} it does not)"
    )
    print(f"held apart from the alias table: {apart}/{r.total}")
    print(f"top-1 accuracy: {r.top1}/{r.positives} = {r.accuracy:.3f}")
    print(f"match=true on the right entity: {r.matched}/{r.positives}")
    print(f"false match=true: {len(r.false_matches)}")
    for kind in sorted(r.kind_totals):
        print(f"  {kind:16} {r.by_kind[kind]:4}/{r.kind_totals[kind]}")
    for text, expected, got in r.misses:
        print(f"  miss: {text!r}: expected {expected.rsplit('/', 1)[-1]}, top-1 {got or '-'}")
    for text, expected, got in r.false_matches:
        print(f"  FALSE MATCH: {text!r}: expected {expected or '-'}, matched {got}")
    print(f"{1000 * r.seconds / max(r.total, 1):.2f} ms per name")
    if args.api:
        via_api(args.api.rstrip("/"), variants)


if __name__ == "__main__":
    main()
