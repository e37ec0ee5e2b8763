"""The read side: every read of the graph, for the API, the CLI, the exports and the
SPARQL view, through one Reader (graph.read.base: deadline and row cap) and returning the
read model (graph.read.models). One module per resource; see graph/read/README.md."""

from __future__ import annotations

from graph.read.base import Links, QueryError, QueryTimeout, Reader

__all__ = ["Links", "QueryError", "QueryTimeout", "Reader"]
