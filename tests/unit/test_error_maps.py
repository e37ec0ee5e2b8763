"""The two maps from the exception tree to the outside: HTTP statuses (api/errors.py) and
exit codes (cli/errors.py). Every class of graph/errors.py has its place in both, and every
exception class the product defines belongs to the tree."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import graph.errors as errors_module
from api.errors import status_of
from cli.errors import exit_code_of
from graph.errors import (
    CommitLockTimeout,
    EmbeddedServerError,
    InputError,
    LoadInProgress,
    MappingError,
    NotAcceptable,
    NotFound,
    QueryError,
    QueryTimeout,
    RDFSyntaxError,
    ReadOnlyViolation,
    RowProblem,
    SahelKGError,
    ShapeViolation,
    StoreError,
    StoreUnavailable,
    TransactionTooLarge,
    ViewUpdating,
)

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("graph", "api", "cli", "ingest")

# (error, HTTP status, exit code)
CASES: list[tuple[SahelKGError, int, int]] = [
    (NotFound("x"), 404, 4),
    (InputError("x"), 422, 2),
    (MappingError("x"), 422, 2),
    (RDFSyntaxError("f.ttl", "bad", 3), 422, 2),
    (ShapeViolation(["s p: reason"]), 422, 2),
    (RowProblem("x"), 422, 2),
    (NotAcceptable("x"), 406, 2),
    (QueryError("x"), 400, 3),
    (ReadOnlyViolation("x"), 403, 3),
    (QueryTimeout("x"), 504, 3),
    (StoreUnavailable("x"), 503, 5),
    (ViewUpdating("x", 5), 503, 5),
    (EmbeddedServerError("x"), 503, 5),
    (CommitLockTimeout("x"), 503, 5),
    (LoadInProgress("x"), 409, 6),
    (TransactionTooLarge("x"), 503, 5),
    (StoreError("x"), 503, 5),
    (SahelKGError("x"), 500, 1),
]


@pytest.mark.parametrize(("exc", "status", "code"), CASES, ids=lambda v: type(v).__name__)
def test_http_status_and_exit_code(exc: SahelKGError, status: int, code: int) -> None:
    assert status_of(exc)[0] == status
    assert exit_code_of(exc) == code


def test_every_class_of_the_tree_is_in_the_table() -> None:
    defined = {
        cls
        for _, cls in inspect.getmembers(errors_module, inspect.isclass)
        if issubclass(cls, SahelKGError) and cls.__module__ == errors_module.__name__
    }
    assert defined == {type(exc) for exc, _, _ in CASES}


# Private signals raised and caught inside one module; they never leave it.
PRIVATE_SIGNALS = {
    ("graph/sparql_worker.py", "_TooLarge"),  # the capped buffer stops a serialisation
    ("api/app.py", "_TooLarge"),  # an HTTP 413 from the body size limit, Starlette's kind
}


def test_every_exception_class_of_the_product_derives_from_the_root() -> None:
    strays = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ClassDef) or (rel, node.name) in PRIVATE_SIGNALS:
                    continue
                bases = {b.id if isinstance(b, ast.Name) else ast.unparse(b) for b in node.bases}
                builtin = {"Exception", "ValueError", "RuntimeError", "TypeError", "KeyError"}
                root = (rel, node.name) == ("graph/errors.py", "SahelKGError")
                if bases & builtin and not root:
                    strays.append(f"{rel}: {node.name}({', '.join(sorted(bases))})")
    assert strays == [], "exception classes outside graph.errors' tree"
