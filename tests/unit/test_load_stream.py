"""A streamed input (graph/load_stream.py, through the index on disk) is the same input as
one read whole: the same load id, nodes and relationships, and the same errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import synth
from graph.errors import InputError, MappingError, RDFSyntaxError, ShapeViolation
from graph.load import Input, Ontology, Prepared, prepare
from graph.load_stream import Streamed, open_input, prepare_streamed

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [ROOT / "ontology" / "sahel.ttl", ROOT / "seeds"]
TRICKY = ROOT / "tests" / "data" / "tricky.ttl"


def contents(prepared: Input) -> tuple[Any, ...]:
    # each node once; a streamed input gives them in subject order, then object-only ones
    nodes = sorted(((n.iri, n.labels, n.props) for n in prepared.nodes()), key=lambda n: n[0])
    rels = [(key, [(r.start, r.end, r.props) for r in rels]) for key, rels in prepared.rel_groups()]
    return prepared.load_id, prepared.triples, prepared.node_count, prepared.rel_count, nodes, rels


@pytest.mark.parametrize("which", ["seeds", "tricky", "synth"])
def test_a_streamed_input_is_the_input_read_whole(
    which: str, ontology: Ontology, tmp_path: Path
) -> None:
    if which == "seeds":
        paths = SEEDS
    elif which == "tricky":  # blank nodes, odd literals, qualified relations
        paths = [TRICKY]
    else:
        paths = [tmp_path / "synth.nt"]
        synth.write(paths[0], 20_000)
    whole = prepare(paths, ontology, validate=which != "synth")
    with prepare_streamed(paths, ontology, which != "synth", directory=tmp_path) as streamed:
        assert streamed.node_count == len(whole.pg.nodes) > 0
        assert contents(streamed) == contents(whole)
        assert sorted(streamed.files) == sorted(str(f) for f in whole.parsed.files)
    assert [p.name for p in tmp_path.iterdir()] == (["synth.nt"] if which == "synth" else [])


def test_each_relationship_group_is_read_once_in_type_order(
    ontology: Ontology, tmp_path: Path
) -> None:
    with prepare_streamed(SEEDS, ontology, False, directory=tmp_path) as streamed:
        keys = [key for key, rels in streamed.rel_groups() if list(rels)]
        assert keys == sorted(set(keys)) and len(keys) > 5
        assert sum(1 for _ in streamed.nodes()) == streamed.node_count


def test_the_same_triples_in_two_files_and_another_order_give_the_same_load(
    ontology: Ontology, tmp_path: Path
) -> None:
    lines = TRICKY.read_text(encoding="utf-8")
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.ttl").write_text(lines, encoding="utf-8")
    (source / "b.ttl").write_text(lines, encoding="utf-8")  # every triple twice
    with (
        prepare_streamed([source], ontology, directory=tmp_path) as twice,
        prepare_streamed([TRICKY], ontology, directory=tmp_path) as once,
    ):
        # blank nodes are scoped per file: the second copy's are other nodes
        assert twice.triples > once.triples
    with prepare_streamed([source / "a.ttl"], ontology, directory=tmp_path) as again:
        assert again.load_id == once.load_id


def errors(exc: pytest.ExceptionInfo[BaseException]) -> str:
    return str(exc.value)


def test_bad_terms_are_named_with_file_and_line_and_nothing_stays_behind(
    ontology: Ontology, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n\n"
        "kg:x a sahel:NoSuchClass .\n"
        "kg:y sahel:noSuchProperty 3 .\n"
        'kg:z sahel:foundedDate "yesterday"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
        encoding="utf-8",
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(MappingError) as whole:
        prepare([bad], ontology)
    with pytest.raises(MappingError) as streamed:
        prepare_streamed([bad], ontology, directory=scratch)
    message = errors(streamed)
    assert message.startswith("3 problem(s)")
    assert f"{bad}:4: https://w3id.org/sahel-kg/id/x: unknown class" in message
    assert f"{bad}:5:" in message and f"{bad}:6:" in message
    assert sorted(message.splitlines()) == sorted(errors(whole).splitlines())
    assert list(scratch.iterdir()) == []  # the index went with the error


def test_a_syntax_error_names_the_file_and_line(ontology: Ontology, tmp_path: Path) -> None:
    bad = ROOT / "tests" / "data" / "bad" / "malformed.ttl"
    with pytest.raises(RDFSyntaxError) as streamed:
        prepare_streamed([bad], ontology, directory=tmp_path)
    with pytest.raises(RDFSyntaxError) as whole:
        prepare([bad], ontology)
    # the parser names the file itself only when it opens it: ours says it first
    assert errors(streamed).startswith(str(bad)) and "line 6" in errors(streamed)
    assert errors(whole).split(" (")[0] == errors(streamed).split(" (")[0]
    assert list(tmp_path.iterdir()) == []


def test_shape_violations_read_as_they_do_for_an_input_read_whole(
    ontology: Ontology, tmp_path: Path
) -> None:
    bad = tmp_path / "shapes.ttl"
    bad.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        "kg:g a sahel:JihadistGroup ; rdfs:label 1 .\n"
        "kg:h a sahel:JihadistGroup ; rdfs:label 'H'@en ; sahel:foundedDate 'x' .\n",
        encoding="utf-8",
    )
    with pytest.raises(ShapeViolation) as whole:
        prepare([bad], ontology)
    with pytest.raises(ShapeViolation) as streamed:
        prepare_streamed([bad], ontology, directory=tmp_path)
    assert errors(streamed) == errors(whole)
    assert f"{bad}:6: https://w3id.org/sahel-kg/id/h sahel:foundedDate" in errors(streamed)


def test_too_many_blank_nodes_are_refused_early(ontology: Ontology, tmp_path: Path) -> None:
    many = tmp_path / "many.nt"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    many.write_text("".join(f'_:b{i} {label} "n{i}" .\n' for i in range(400)), encoding="utf-8")
    with pytest.raises(InputError, match=r"more than 300 blank nodes in .*many\.nt"):
        prepare_streamed([many], ontology, directory=tmp_path)


def test_an_empty_input_is_refused(ontology: Ontology, tmp_path: Path) -> None:
    empty = tmp_path / "empty.nt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="holds no triples"):
        prepare_streamed([empty], ontology, directory=tmp_path)


def test_large_inputs_stream_and_small_ones_are_read_whole(
    ontology: Ontology, tmp_path: Path
) -> None:
    size = TRICKY.stat().st_size
    with open_input([TRICKY], ontology, stream_above_bytes=size) as small:
        assert isinstance(small, Prepared)
    with open_input([TRICKY], ontology, stream_above_bytes=size - 1, directory=tmp_path) as big:
        assert isinstance(big, Streamed)
        assert big.load_id == small.load_id
    assert list(tmp_path.iterdir()) == []


def test_progress_is_told_of_each_pass(ontology: Ontology, tmp_path: Path) -> None:
    heard: dict[str, tuple[int, int]] = {}
    path = tmp_path / "synth.nt"
    synth.write(path, 120_000)

    def progress(phase: str, done: int, total: int) -> None:
        assert 0 <= done <= total
        heard[phase] = (done, total)

    with prepare_streamed([path], ontology, False, progress, directory=tmp_path) as s:
        assert heard["read"][0] == heard["read"][1] == path.stat().st_size
        assert "map" not in heard  # the mapping runs as the loader takes the nodes
        for taken, _ in enumerate(s.nodes(), 1):
            if taken == 12_000:  # past the first report (every 50,000 triples)
                assert 0 < heard["map"][0] < s.triples
        assert heard["map"] == (s.triples, s.triples)
