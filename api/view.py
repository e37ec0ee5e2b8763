"""The SPARQL view kept current in the background (Settings.sparql_keep_current).

Without it the view is built by the first SPARQL query a worker gets, and brought up to date
by the first one after each load: that query waits for the copy (about 2 minutes at 10M
triples for a full one, BENCHMARKS.md 4d). This task does the same work as soon as the
process starts and as soon as its graph version changes (api/cache.py: the marker file, or
the periodic re-check for loads from other hosts), so a query finds the copy ready. The
engine serialises updates (graph/sparql.py), so a query that comes meanwhile waits for the
one in progress and does not start another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import anyio.to_thread

from api.cache import GraphVersion
from graph.sparql import SparqlEngine, ViewSource

log = logging.getLogger("sahelkg.api.view")


async def keep_current(
    engine: SparqlEngine,
    source: Callable[[], ViewSource],
    version: GraphVersion,
    poll_s: float = 0.5,
) -> None:
    """Update the view whenever the graph version changes, until cancelled. A failed
    update is logged and left to the next version or the next query (which tries again
    and answers with the error): a rebuild that fails is not retried in a loop."""
    done: int | None = None
    while True:
        state = await version.current()  # one `stat` while nothing changed
        if state is not None and state.generation != done:
            done = state.generation
            try:
                # Abandoned on shutdown rather than waited for: a full copy may take minutes.
                await anyio.to_thread.run_sync(engine.update, source(), abandon_on_cancel=True)
            except Exception as exc:
                log.warning("the SPARQL view could not be brought up to date: %s", exc)
        await asyncio.sleep(poll_s)
