"""Driver failures become the project's errors (found by schemathesis: a 2**111 parameter
made the driver raise OverflowError, which reached HTTP as a 500)."""

from __future__ import annotations

import pytest
from neo4j import exceptions as nx

from graph.errors import QueryError, StoreUnavailable
from graph.store import translate_errors


def test_an_unpackable_parameter_is_a_bad_query() -> None:
    with (
        pytest.raises(QueryError, match=r"parameter cannot be sent.*out of range"),
        translate_errors(),
    ):
        raise OverflowError("Integer 2543207134279026937522262233841664 out of range")


def test_an_unreachable_server_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable, match="cannot be reached"), translate_errors():
        raise nx.ServiceUnavailable("connection refused")
