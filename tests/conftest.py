"""Shared fixtures: the project's ontology, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.load import Ontology

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ONTOLOGY = ROOT / "ontology" / "sahel.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    return Ontology.read(ONTOLOGY, SHAPES)
