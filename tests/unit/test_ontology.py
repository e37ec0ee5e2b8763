"""The ontology and its registry are read once per process (graph/ontology.py): a second
read of the same file gives the same objects, a changed file is read again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from graph.ontology import Ontology
from tests.conftest import ONTOLOGY, SHAPES


def test_the_same_files_are_read_once() -> None:
    first = Ontology.read(ONTOLOGY, SHAPES)
    again = Ontology.read(ONTOLOGY, None)
    assert again.registry is first.registry and again.graph is first.graph
    assert again.shapes is None and first.shapes is Ontology.read(ONTOLOGY, SHAPES).shapes


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    copy = tmp_path / "sahel.ttl"
    shutil.copy(ONTOLOGY, copy)
    before = Ontology.read(copy, None)
    assert Ontology.read(copy, None).registry is before.registry
    with copy.open("a", encoding="utf-8") as fh:
        fh.write(
            "\n<https://w3id.org/sahel-kg/ontology#funds> a "
            "<http://www.w3.org/2002/07/owl#ObjectProperty> .\n"
        )
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = Ontology.read(copy, None)
    assert after.registry is not before.registry
    assert len(after.registry.rel_types) == len(before.registry.rel_types) + 1
