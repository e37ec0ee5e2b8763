"""`sahelkg validate`: the seeds conform; each broken fixture fails with file, line,
subject, path and reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.conftest import DATA, ONTOLOGY, SEEDS

runner = CliRunner()
BROKEN = DATA / "broken"


def run(*paths: object) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *map(str, paths)])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def test_seeds_and_ontology_conform() -> None:
    code, output = run(ONTOLOGY, SEEDS)
    assert code == 0, output
    assert "valid:" in output


def test_tricky_fixture_conforms() -> None:
    code, output = run(ONTOLOGY, DATA / "tricky.ttl")
    assert code == 0, output


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("syntax_error.ttl", [r"syntax_error\.ttl:7: syntax error", r"line 7 column 18"]),
        (
            "missing_source.ttl",
            [r"missing_source\.ttl:8:", r"id/b-attack", r"sahel:source", r"at least one"],
        ),
        (
            "bad_date.ttl",
            [
                r"bad_date\.ttl:12:",
                r"id/b-attack",
                r"sahel:date",
                r'"2024-02-31" is not a valid xsd:date \(day is out of range for month\)',
            ],
        ),
        (
            "bad_literals_claim.ttl",
            [
                r"bad_literals_claim\.ttl:13: \S+id/b-claim sahel:date: "
                r'"2025-13-01" is not a valid xsd:date \(month must be in 1\.\.12\)',
                r"bad_literals_claim\.ttl:15: \S+id/b-claim sahel:value: "
                r'"7\.5" is not a valid xsd:integer',
                r"bad_literals_claim\.ttl:7: \S+id/b-source sahel:published: "
                r'"2024-1-5" is not a valid xsd:date',
            ],
        ),
        (
            "reversed_interval.ttl",
            [r"reversed_interval\.ttl:11:", r"id/b-rel", r"sahel:validFrom", r"reversed"],
        ),
        (
            "unknown_class.ttl",
            [r"unknown_class\.ttl:5:", r"id/b-thing", r"unknown class .*#Terrorist"],
        ),
        (
            "unknown_property.ttl",
            [r"unknown_property\.ttl:5:", r"id/b-group", r"unknown property .*#fundedBy"],
        ),
        (
            "claim_without_value.ttl",
            [r"claim_without_value\.ttl:9:", r"id/b-claim", r"sahel:value", r"exactly one"],
        ),
    ],
)
def test_broken_fixture_fails_with_a_precise_message(fixture: str, expected: list[str]) -> None:
    code, output = run(ONTOLOGY, BROKEN / fixture)
    assert code == 2, output
    flat = " ".join(output.split())
    for pattern in expected:
        assert re.search(pattern, flat), f"{pattern!r} not in {flat!r}"
    assert "Traceback" not in output


def test_a_missing_file_is_named() -> None:
    code, output = run(DATA / "no-such-file.ttl")
    assert code == 2
    assert "no-such-file.ttl: no such file" in output


def test_blank_nodes_of_different_files_stay_apart(tmp_path: Path) -> None:
    from graph.rdf import parse_files

    for name in ("a.nt", "b.nt"):
        (tmp_path / name).write_text(
            f'_:b0 <http://www.w3.org/2000/01/rdf-schema#label> "{name}" .\n'
        )
    graph = parse_files([tmp_path / "a.nt", tmp_path / "b.nt"]).graph
    assert len(set(graph.subjects())) == 2


def test_a_triple_stated_twice_is_kept_once_and_the_graph_is_built_from_the_triples(
    tmp_path: Path,
) -> None:
    from rdflib import Graph

    from graph.rdf import parse_files

    line = '<https://x.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "a"@EN .\n'
    (tmp_path / "a.nt").write_text(line + line)
    (tmp_path / "b.ttl").write_text(
        line
        + '<https://x.org/a> <https://x.org/p> "007"^^'
        + "<http://www.w3.org/2001/XMLSchema#integer> .\n"
    )
    parsed = parse_files([tmp_path / "a.nt", tmp_path / "b.ttl"])
    assert len(parsed.triples) == 2 and not parsed.has_bnodes
    assert set(parsed.graph) == set(parsed.triples) and len(parsed.graph) == 2
    langs = {o.language for _, _, o in parsed.triples if o.language}
    assert langs == {"en"}  # tags are case-insensitive: stored lower case
    lexical = {str(o) for _, _, o in parsed.triples}
    assert "007" in lexical  # as written, not rdflib's "7"
    assert isinstance(parsed.graph, Graph)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"@context": 42, "@id": "https://x.org/a"}', "@context must be an object"),
        ('{"@graph": [{"@context": [true]}]}', "not true"),
        ('{"@id": "https://x.org/a",\n "p": }', "a.jsonld:2: syntax error: invalid JSON"),
    ],
)
def test_json_ld_errors_are_said_plainly(tmp_path: Path, text: str, expected: str) -> None:
    from graph.errors import RDFSyntaxError
    from graph.rdf import parse_files

    (tmp_path / "a.jsonld").write_text(text)
    with pytest.raises(RDFSyntaxError) as err:
        parse_files([tmp_path / "a.jsonld"])
    assert expected in str(err.value) and "attribute" not in str(err.value)
