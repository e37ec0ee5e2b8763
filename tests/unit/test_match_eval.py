"""The matcher's test set (bench/match_eval.py): held apart from the alias table, and a
floor under its top-1 accuracy with no false match=true."""

from __future__ import annotations

from bench.match_eval import CURATED, GENERATED, evaluate, held_apart, read_variants, seed_index


def test_the_test_set_is_large_and_held_apart() -> None:
    index = seed_index()
    variants = read_variants(CURATED, GENERATED)
    assert len([v for v in variants if v.expected]) >= 200
    assert {v.expected for v in variants if v.expected} <= set(index.entities)
    assert [v.text for v in variants if not held_apart(index, v)] == []
    kinds = {v.kind for v in variants}
    assert {"arabic", "french", "transliteration", "word-order", "unknown"} <= kinds


def test_top1_accuracy_floor_and_no_false_match() -> None:
    report = evaluate(seed_index(), read_variants(CURATED, GENERATED))
    assert report.accuracy >= 0.95, report.misses
    assert report.false_matches == []
    assert report.matched >= 0.5 * report.positives  # most variants link without review
