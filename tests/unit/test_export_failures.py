"""An export that fails leaves nothing that looks complete: the API answers with an error
status when the failure comes before the first bytes (not a 200 with an empty body), and
`sahelkg export -o` removes its .partial file. The failure is injected in place of the
store; everything else is the real code."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.deps import get_reader
from cli import data
from cli.app import app as cli_app
from graph import export as exporter
from graph.errors import StoreUnavailable
from graph.settings import Settings


class _FailingReader:
    """A reader whose store goes away when the export reads."""

    store: Any = None
    registry: Any = None

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Any]:
        raise StoreUnavailable("the graph store went away during the export")
        yield None  # pragma: no cover - makes this a generator


@pytest.mark.parametrize("fmt", ["graphml", "csv", "turtle"])
def test_export_failing_before_its_first_bytes_is_an_error_status(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_write(*args: Any, **kwargs: Any) -> int:
        raise StoreUnavailable("the graph store went away during the export")

    monkeypatch.setattr(exporter, "write", failing_write)
    app = create_app(
        Settings(neo4j_uri="bolt://127.0.0.1:9", neo4j_password="x", allowed_hosts=["testserver"])
    )
    app.dependency_overrides[get_reader] = _FailingReader
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/export", params={"format": fmt})
    assert r.status_code == 503, (r.status_code, r.content[:200])
    assert r.json()["error"] == "store_unavailable"
    assert "went away" in r.json()["detail"]


def test_cli_export_removes_its_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextlib.contextmanager
    def connect(settings: Settings) -> Iterator[None]:
        yield None

    def half_then_fail(
        store: Any, registry: Any, fmt: str, out: IO[bytes], snapshot: Any = None
    ) -> int:
        out.write(b"@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n")
        raise StoreUnavailable("connection lost after 1 page")

    monkeypatch.setattr(data, "connect", connect)
    monkeypatch.setattr(exporter, "write", half_then_fail)
    target = tmp_path / "graph.ttl"
    result = CliRunner().invoke(cli_app, ["export", "-o", str(target)])
    assert result.exit_code == 5, result.output
    assert "connection lost" in result.output
    assert list(tmp_path.iterdir()) == []  # neither graph.ttl nor graph.ttl.partial


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("ok\x07 bell", "ok bell"),
        ("Bamako", "Bamako"),
    ],
)
def test_csv_cells_never_start_a_formula(raw: str, shown: str) -> None:
    from graph.pg_export import _cell

    assert _cell(raw) == shown
    assert _cell(-3) == -3  # numbers stay numbers
