"""Every ```sparql and ```cypher block of the READMEs runs as pasted against the real API
(uvicorn, the Bolt server with the ontology and the seeds): no PREFIX lines to add, no
parameter to fill in, and each gives at least one row (or `true`)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
READMES = ["README.md", "ontology/README.md", "graph/README.md", "api/README.md"]
_FENCE = re.compile(r"^```(sparql|cypher)[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str, str]]:
    """(language, text, 'file:line') of every fenced SPARQL or Cypher block."""
    found = []
    for name in READMES:
        text = (ROOT / name).read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            found.append((m.group(1), m.group(2), f"{name}:{line}"))
    return found


BLOCKS = blocks()


def test_the_readmes_have_examples() -> None:
    langs = [lang for lang, _, _ in BLOCKS]
    assert langs.count("sparql") >= 10 and langs.count("cypher") >= 10


@pytest.mark.parametrize(("lang", "text", "where"), BLOCKS, ids=[b[2] for b in BLOCKS])
def test_example_runs_as_pasted(
    http: httpx.Client,
    lang: str,
    text: str,
    where: str,
) -> None:
    if lang == "sparql":
        r = http.get("/sparql", params={"query": text})
        assert r.status_code == 200, f"{where}: {r.text}"
        body = r.json()
        rows = [body["boolean"]] if "boolean" in body else body["results"]["bindings"]
    else:
        r = http.post("/cypher", json={"query": text})
        assert r.status_code == 200, f"{where}: {r.text}"
        rows = r.json()["rows"]
    assert rows and rows != [False], f"{where}: no answer"
