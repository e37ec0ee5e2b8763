"""One exception tree for the whole project.

SahelKGError
├── InputError            bad input: the message names the file, line, subject or field
│   ├── RDFSyntaxError    a file does not parse (file and line)
│   ├── ShapeViolation    SHACL says no (subject, path, reason for each result)
│   └── MappingError      a term the ontology does not know, or a value the store cannot hold
│   ├── NotAcceptable     no format the client accepts fits the answer (SPARQL)
│   └── RowProblem        one import row that cannot become an event (ingest/tabular.py
│                         reports it with its row number and goes on)
├── QueryError            a query refused (bad syntax, a write on a read path)
│   ├── ReadOnlyViolation a write attempted where only reads are allowed
│   └── QueryTimeout      a read that ran out of time and was stopped
├── NotFound              an id that names nothing
└── StoreError            the Bolt store
    ├── StoreUnavailable  it cannot be reached (down, refused, timed out)
    ├── EmbeddedServerError the local ArcadeDB server could not be started or stopped
    └── CommitLockTimeout a deadline passed while waiting for the store's commit lock
                          (the reader turns it into QueryTimeout, the loader into a
                          StoreError that says why)

Two maps, and only two, turn them into something outside the process: api/errors.py to
HTTP statuses, cli/errors.py to exit codes (each with a unit test). ValueError and
TypeError are raised only for programming errors (a label not from the registry, a term
that is not RDF), never for input.
"""

from __future__ import annotations


class SahelKGError(Exception):
    """Root of every error this project raises on purpose."""


class InputError(SahelKGError):
    """The input (files, parameters) is wrong; nothing was written."""


class RDFSyntaxError(InputError):
    """An RDF file does not parse."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: syntax error: {message}")


class ShapeViolation(InputError):
    """The data does not conform to the SHACL shapes."""

    def __init__(self, results: list[str]) -> None:
        self.results = results
        shown = "\n".join(f"  - {r}" for r in results[:50])
        more = f"\n  … and {len(results) - 50} more" if len(results) > 50 else ""
        super().__init__(f"{len(results)} SHACL violation(s):\n{shown}{more}")


class MappingError(InputError):
    """A triple cannot be mapped: unknown class or property, or an unstorable value."""


class QueryError(SahelKGError):
    """A query was refused or failed."""


class ReadOnlyViolation(QueryError):
    """A write was attempted on a read-only path."""


class QueryTimeout(QueryError):
    """A query ran longer than the configured timeout and was stopped."""


class NotAcceptable(InputError):
    """No format the client accepts fits the answer (HTTP 406)."""


class RowProblem(InputError):
    """A row that cannot become an event; reported with its row number, the rest goes on."""


class NotFound(SahelKGError):
    """Nothing has that id."""


class StoreError(SahelKGError):
    """The Bolt store failed."""


class StoreUnavailable(StoreError):
    """The Bolt store cannot be reached."""


class TransactionTooLarge(StoreError):
    """A write transaction needs more memory than the server allows one transaction
    (Neo4j's db.memory.transaction.max): trying it again cannot help."""


class ViewUpdating(StoreUnavailable):
    """The SPARQL view is being brought up to date and was not ready within the wait a
    query allows (graph/sparql.py): try again after `retry_after_s`."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class EmbeddedServerError(StoreError):
    """The embedded ArcadeDB server could not be started, found or stopped."""


class CommitLockTimeout(StoreError):
    """A deadline passed while a commit (or the readers) held the store's commit lock."""


class LoadInProgress(StoreError):
    """Another loader is writing to this graph: one load at a time (graph/README.md)."""
