"""The read model's JSON Schema, as the API sends it (serialisation mode: `from`, not
`from_`): one document with every response under $defs. The committed copy,
web/read-model.schema.json, is what the explorer's JavaScript may read
(tests/unit/test_read_schema.py fails when it is stale or when the JavaScript reads a field
it does not define). Rewrite it with `python -m graph.read.schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from graph.read.models import RESPONSES

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "web" / "read-model.schema.json"


def read_model_schema() -> dict[str, Any]:
    _, schema = models_json_schema(
        [(model, "serialization") for model in RESPONSES],
        title="Sahel KG read model",
        description="What the HTTP API's read routes return (graph/read/models.py).",
    )
    schema["responses"] = sorted(model.__name__ for model in RESPONSES)
    return schema


def schema_text() -> str:
    return json.dumps(read_model_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else SCHEMA_FILE
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
