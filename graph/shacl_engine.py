"""rudof's verdict on one group of subjects (graph/shacl.py builds the groups), in this
process or in a process of its own: `python graph/shacl_engine.py SHAPES DATA SUBJECTS`
exits 0 when the group conforms, VIOLATIONS when it does not (anything else: it failed).

Processes, not threads, run groups side by side: rudof holds the GIL (two groups in two
threads took as long as one after the other). Each is a fresh interpreter running this
file: not forked (forked workers hung once their parent had run rudof itself), nor
started by multiprocessing's spawn (which runs the caller's main module again in every
worker). It imports nothing of the project, so a worker starts in a tenth of a second.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pyrudof


def conforms(shapes_turtle: str, ntriples: str, subjects: set[str]) -> bool:
    """rudof's verdict on the group's own subjects, in this process."""
    # A private file, not an inline string: rudof decides whether its argument is a path, a
    # URL or data by looking at it, and data must never be taken for either.
    with tempfile.NamedTemporaryFile("w", suffix=".nt", encoding="utf-8") as f:
        f.write(ntriples)
        f.flush()
        return conforms_file(shapes_turtle, Path(f.name), subjects)


def conforms_file(shapes_turtle: str, data: Path, subjects: set[str]) -> bool:
    """rudof's verdict on the subjects of the N-Triples file `data` (the nodes only named in
    it carry just their types there, and would fail shapes checked in their own group)."""
    # A new engine per group: one reused engine keeps what it read before (at 1M triples its
    # groups took 9, 18, 25, 33 then 66 s, and its memory grew to 12 GB).
    engine = pyrudof.Rudof(pyrudof.RudofConfig())
    engine.read_shacl(shapes_turtle, format=pyrudof.ShaclFormat.Turtle)
    engine.read_data(
        str(data), format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict
    )
    report = engine.validate_shacl()
    # rudof may name blank nodes its own way: a blank focus node is explained, not trusted.
    return report.conforms or not any(
        str(e.focus_node) in subjects or str(e.focus_node).startswith("_:") for e in report
    )


VIOLATIONS = 3  # not 1: an uncaught exception exits with 1


def main(argv: list[str]) -> int:
    """Exit 0: the group conforms; VIOLATIONS: it does not; 2: wrong arguments."""
    if len(argv) != 3:
        print("usage: python -m graph.shacl_engine SHAPES.ttl DATA.nt SUBJECTS", file=sys.stderr)
        return 2
    shapes, data, subjects = (Path(a) for a in argv)
    named = set(subjects.read_text(encoding="utf-8").splitlines())
    return 0 if conforms_file(shapes.read_text(encoding="utf-8"), data, named) else VIOLATIONS


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
