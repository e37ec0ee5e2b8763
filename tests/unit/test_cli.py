"""CLI behaviour that needs no server: refusals happen before connecting."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.app import app
from cli.console import phase_reporter, progress
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


def test_serve_logs_the_services_own_messages_at_info() -> None:
    """`sahelkg serve` hands uvicorn a logging config in which sahelkg.* reaches its stream
    at INFO (the SPARQL view's updates), not only warnings through Python's last resort."""
    import logging
    import logging.config

    from cli.serve import _log_config

    before = logging.getLogger("sahelkg").level
    try:
        logging.config.dictConfig(_log_config())
        view = logging.getLogger("sahelkg.sparql")
        assert view.isEnabledFor(logging.INFO) and not view.isEnabledFor(logging.DEBUG)
        assert [h.name for h in logging.getLogger("sahelkg").handlers] == ["default"]
    finally:
        logging.getLogger("sahelkg").handlers.clear()
        logging.getLogger("sahelkg").setLevel(before)
        logging.getLogger("sahelkg").propagate = True


def test_a_progress_bar_without_a_total_shows_what_is_done_out_of_unknown() -> None:
    """The relationships a deletion takes ahead of their nodes are reported with a total of
    0 (not counted first): the bar says `n/?`, not `n/0`; a phase with a total keeps it."""
    bar = progress()  # not started: nothing is drawn
    report = phase_reporter(bar)
    report("unlink", 10_000, 0)
    report("unlink", 25_000, 0)
    report("delete", 0, 30_000)
    report("delete", 10_000, 30_000)
    tasks = {t.description: t for t in bar.tasks}
    assert tasks["unlink"].total is None and tasks["unlink"].completed == 25_000
    assert tasks["delete"].total == 30_000 and tasks["delete"].completed == 10_000
    columns = [c.render(tasks["unlink"]) for c in bar.columns]
    assert "25000/?" in "".join(str(c) for c in columns)
