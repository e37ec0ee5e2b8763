"""Parsers never reach out or blow up: a JSON-LD context is never fetched (the listener
the test runs is never contacted), RDF/XML entity declarations are refused before parsing
(no "billion laughs"), and blank nodes and file sizes are bounded, each with an error that
names the limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import rdf
from graph.errors import InputError, RDFSyntaxError
from graph.load import prepare
from graph.ontology import Ontology


@pytest.mark.parametrize(
    "context",
    [
        "http://127.0.0.1:{port}/context.jsonld",
        ["http://127.0.0.1:{port}/context.jsonld"],
        {"@import": "http://127.0.0.1:{port}/context.jsonld"},
    ],
)
def test_a_remote_json_ld_context_is_refused_and_never_fetched(
    tmp_path: Path, ontology: Ontology, listener: tuple[int, list[bytes]], context: object
) -> None:
    port, seen = listener
    text = json.dumps(context).replace("{port}", str(port))
    doc = f'{{"@context": {text}, "@id": "https://w3id.org/sahel-kg/id/x", "name": "x"}}'
    path = tmp_path / "remote.jsonld"
    path.write_text(doc)
    with pytest.raises(RDFSyntaxError, match=r"remote.jsonld.*(remote JSON-LD context|@import)"):
        prepare([path], ontology)
    assert seen == []


def test_billion_laughs_is_refused_before_parsing(tmp_path: Path, ontology: Ontology) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    path = tmp_path / "laughs.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        '<rdf:Description rdf:about="https://w3id.org/sahel-kg/id/x">'
        "<rdfs:label>&lol9;</rdfs:label></rdf:Description></rdf:RDF>\n"
    )
    with pytest.raises(RDFSyntaxError, match=r"laughs.rdf:3: .*entity declarations"):
        prepare([path], ontology)


def test_blank_nodes_are_bounded(tmp_path: Path, ontology: Ontology) -> None:
    path = tmp_path / "bnodes.ttl"
    lines = [
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        *(
            f'<https://w3id.org/sahel-kg/id/s{i}> rdfs:seeAlso [ rdfs:label "{i}" ] .'
            for i in range(rdf.MAX_BLANK_NODES + 1)
        ),
    ]
    path.write_text("\n".join(lines))
    with pytest.raises(InputError, match=rf"{rdf.MAX_BLANK_NODES + 1} blank nodes.*limit"):
        prepare([path], ontology, validate=False)


def test_file_size_is_bounded(
    tmp_path: Path, ontology: Ontology, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.nt"
    path.write_text(
        '<https://w3id.org/sahel-kg/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n' * 50
    )
    monkeypatch.setattr(rdf, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputError, match=r"big.nt: .* bytes, over the limit of 1,000"):
        prepare([path], ontology)
