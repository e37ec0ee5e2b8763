"""One exception tree for the whole project.

SahelKGError
├── InputError            bad input: the message names the file, line, subject or field
│   ├── RDFSyntaxError    a file does not parse (file and line)
│   ├── ShapeViolation    SHACL says no (subject, path, reason for each result)
│   └── MappingError      a term the ontology does not know, or a value the store cannot hold
├── QueryError            a query refused (bad syntax, a write on a read path)
│   └── ReadOnlyViolation a write attempted where only reads are allowed
├── NotFound              an id that names nothing
└── StoreError            the Bolt store
    ├── StoreUnavailable  it cannot be reached (down, refused, timed out)
    └── EmbeddedServerError the local ArcadeDB server could not be started or stopped

The CLI turns these into one-line messages and exit codes; the API maps them to HTTP in
api/errors.py. Nothing else catches them.
"""

from __future__ import annotations


class SahelKGError(Exception):
    """Root of every error this project raises on purpose."""

    exit_code = 1


class InputError(SahelKGError):
    """The input (files, parameters) is wrong; nothing was written."""

    exit_code = 2


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

    exit_code = 3


class ReadOnlyViolation(QueryError):
    """A write was attempted on a read-only path."""


class NotFound(SahelKGError):
    """Nothing has that id."""

    exit_code = 4


class StoreError(SahelKGError):
    """The Bolt store failed."""

    exit_code = 5


class StoreUnavailable(StoreError):
    """The Bolt store cannot be reached."""


class EmbeddedServerError(StoreError):
    """The embedded ArcadeDB server could not be started, found or stopped."""
