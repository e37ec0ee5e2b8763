"""CLI behaviour that needs no server: refusals happen before connecting."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.data import _parse_params
from graph.errors import InputError

runner = CliRunner()


def test_query_refuses_a_write_before_connecting() -> None:
    result = runner.invoke(app, ["query", "MATCH (n) DETACH DELETE n"])
    assert result.exit_code == 3
    assert "read-only: DETACH is not allowed" in result.output


def test_query_refuses_a_malformed_parameter() -> None:
    result = runner.invoke(app, ["query", "RETURN $x", "-p", "x"])
    assert result.exit_code == 2
    assert "expected name=value" in result.output


def test_parameters_are_json_when_they_parse() -> None:
    assert _parse_params(["n=5", "iri=https://w3id.org/x", "l=[1,2]", "s=true"]) == {
        "n": 5,
        "iri": "https://w3id.org/x",
        "l": [1, 2],
        "s": True,
    }
    with pytest.raises(InputError):
        _parse_params(["1bad=2"])


def test_unknown_export_format_is_named() -> None:
    result = runner.invoke(app, ["export", "--format", "yaml"])
    assert result.exit_code == 2
    assert "unknown format 'yaml'" in result.output
