"""What the typed read model costs a large response, in process (no server): a neighbourhood
of N nodes and N edges (N = 2000, the cap) built and sent as the API did before (a dict
validated against the response model, then serialised) and as it does now (the read builds
the model; FastAPI passes the instance through validation, then serialises it).

    .venv/bin/python -m bench.read_model_cost [N] [rounds]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter

from graph.read.models import GraphEdge, GraphNode, Neighbourhood, Ref

KG = "https://w3id.org/sahel-kg/id/"


def _ref(i: int) -> dict[str, Any]:
    return {"id": f"n{i}", "iri": f"{KG}n{i}", "label": f"N {i}", "types": ["State"]}


def main(n: int = 2000, rounds: int = 20) -> None:
    nodes = [{**_ref(i), "hop": 1, "labels": ["Actor", "State"]} for i in range(n)]
    edges = [
        {"id": f"e{i}", "source": KG + "n0", "target": f"{KG}n{i}", "type": "PARTNER_OF",
         "validFrom": "2020-01-01", "validTo": None, "sources": ["s"], "label": None,
         "iri": None, "iris": []}
        for i in range(n)
    ]  # fmt: skip
    body = {"center": _ref(0), "hops": 2, "at": None, "nodes": nodes, "edges": edges}
    body["truncated"] = False
    adapter = TypeAdapter(Neighbourhood)

    def dicts() -> None:
        adapter.dump_json(adapter.validate_python(body), by_alias=True)

    def models() -> None:
        built = Neighbourhood(
            center=Ref(**_ref(0)),
            hops=2,
            at=None,
            nodes=[GraphNode(**x) for x in nodes],
            edges=[GraphEdge(**x) for x in edges],
            truncated=False,
        )
        adapter.dump_json(adapter.validate_python(built), by_alias=True)

    def median_ms(fn: Callable[[], None]) -> float:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    for name, fn in (("dicts (before)", dicts), ("models (now)", models)):
        print(f"{name:15} {median_ms(fn):7.1f} ms per response ({n} nodes, {n} edges)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
