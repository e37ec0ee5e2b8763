"""A client's read-only Cypher (`POST /cypher`, `sahelkg query`): the lexical checker, then
the store (reader account, READ mode, EXPLAIN where the server classifies), at most the
reader's row cap and about its byte cap of JSON (the rest cut, `truncated`)."""

from __future__ import annotations

import json
from typing import Any

from graph.read.base import Reader
from graph.read.models import CypherResult
from graph.read.present import jsonable
from graph.readonly import check_read_only


def cypher(reader: Reader, query: str, parameters: dict[str, Any] | None = None) -> CypherResult:
    check_read_only(query)
    columns, rows, truncated = reader.run(
        query, parameters or {}, limit=reader.max_rows, untrusted=True
    )
    shown: list[list[Any]] = []
    size = 2  # the brackets of the list of rows; each row adds its text and ", "
    for row in rows:
        cells = [jsonable(v) for v in row]
        size += len(json.dumps(cells, ensure_ascii=False, default=str)) + 2
        if size > reader.max_response_bytes:
            truncated = True
            break
        shown.append(cells)
    return CypherResult(columns=columns, rows=shown, truncated=truncated, row_count=len(shown))
