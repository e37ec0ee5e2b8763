"""Precision and recall of `sahelkg ingest` against the hand-made gold lists, per language
and per kind of fact, and the time per report.

    python -m bench.ingest_eval                 # tests/data/ingest/press (the corpus)
    python -m bench.ingest_eval --held-out      # also tests/data/ingest/heldout
    python -m bench.ingest_eval -v              # and every missed or wrong fact

The press corpus was written before the rules and then used to develop them; the held-out
reports were written and given gold lists after the rules were frozen, so their figures are
the honest ones for text the rules have not seen.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from graph.ontology import Ontology
from graph.settings import Settings
from ingest.evaluate import Score, evaluate
from ingest.pipeline import Context

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"press": ROOT / "tests/data/ingest/press", "heldout": ROOT / "tests/data/ingest/heldout"}


def _by_kind(facts: list[tuple[str, tuple[str, ...]]]) -> Counter[str]:
    return Counter(f[0] for _, f in facts)


def show(name: str, scores: dict[str, Score], seconds: float, verbose: bool) -> None:
    reports = len(list(FOLDERS[name].glob("*.txt")))
    print(f"\n{name}: {reports} reports, {seconds / max(reports, 1) * 1000:.0f} ms per report")
    print(f"  {'lang':<5}{'precision':>10}{'recall':>8}   hits/found/expected")
    for lang, s in sorted(scores.items()):
        print(f"  {lang:<5}{s.precision:>10.2f}{s.recall:>8.2f}   {s.hits}/{s.found}/{s.expected}")
        missed, wrong = _by_kind(s.missed), _by_kind(s.wrong)
        kinds = sorted(set(missed) | set(wrong))
        if kinds:
            print("       by kind (missed / wrong): " + ", ".join(
                f"{k} {missed[k]}/{wrong[k]}" for k in kinds))  # fmt: skip
        if verbose:
            for report, fact in s.missed:
                print(f"       missed {report}: {fact}")
            for report, fact in s.wrong:
                print(f"       wrong  {report}: {fact}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="store_true", help="also the held-out reports")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = parser.parse_args()
    settings = Settings()
    onto = Ontology.read(settings.ontology_path, settings.shapes_path)
    ctx = Context.read(onto, settings.seeds_dir)
    names = ["press", "heldout"] if args.held_out else ["press"]
    for name in names:
        started = time.perf_counter()
        scores = evaluate(FOLDERS[name], ctx.aliases)
        show(name, scores, time.perf_counter() - started, args.verbose)


if __name__ == "__main__":
    main()
