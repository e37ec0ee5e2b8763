"""api/cache.py without a server: the middleware around a small ASGI app that counts its
calls, a graph version read from a list the test changes, and a real marker file."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from api.cache import Entry, GraphVersion, HttpCache, ResponseCache, parse_if_none_match
from graph import version


class Graph:
    """What the fake app renders, and the load ids the store would answer."""

    def __init__(self) -> None:
        self.load_ids = ["load-a"]
        self.body = b'{"n": 1}'
        self.status = 200
        self.extra_headers: list[tuple[bytes, bytes]] = []
        self.chunks = 1
        self.app_calls = 0
        self.id_reads = 0
        self.down = False
        self.seen_load_ids: list[object] = []  # what each request told the routes

    async def read_ids(self) -> Sequence[str]:
        self.id_reads += 1
        if self.down:
            raise ConnectionError("store down")
        return list(self.load_ids)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.app_calls += 1
        self.seen_load_ids.append(scope.get("state", {}).get("load_ids"))
        headers = [(b"content-type", b"application/json"), *self.extra_headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        step = max(1, len(self.body) // self.chunks)
        parts = [self.body[i : i + step] for i in range(0, len(self.body), step)] or [b""]
        for i, part in enumerate(parts):
            more = i < len(parts) - 1
            await send({"type": "http.response.body", "body": part, "more_body": more})


Check = Callable[[httpx.AsyncClient, Graph, GraphVersion, Path], Awaitable[None]]


def run(check: Check, tmp_path: Path, cache_bytes: int = 1 << 20, recheck_s: float = 60) -> None:
    graph = Graph()
    marker = version.marker_path(tmp_path)
    gv = GraphVersion(marker, "build-1", cache_bytes, recheck_s)

    async def main() -> None:
        gv.start(graph.read_ids)
        transport = httpx.ASGITransport(app=HttpCache(graph.app, gv))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                await check(client, graph, gv, marker)
        finally:
            await gv.stop()

    # A thread of its own: in one pytest session with the e2e tests, playwright's sync API
    # keeps an event loop running in the main thread, and asyncio.run refuses to nest.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, main()).result()


def test_a_read_is_tagged_kept_and_served_again(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        first = await c.get("/actors?q=jnim")
        assert first.status_code == 200 and first.content == g.body
        etag = first.headers["etag"]
        assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
        assert "Accept" in first.headers["vary"] and first.headers["x-cache"] == "miss"
        second = await c.get("/actors?q=jnim")
        assert second.headers["x-cache"] == "hit" and second.content == g.body
        assert second.headers["etag"] == etag and g.app_calls == 1
        # Another query string, another Accept: other answers, other tags.
        other = await c.get("/actors?q=mali")
        csv = await c.get("/actors?q=jnim", headers={"Accept": "text/csv"})
        assert len({etag, other.headers["etag"], csv.headers["etag"]}) == 3
        assert g.app_calls == 3 and g.id_reads == 1
        # each render was told the version it answers for (Reader.load_ids)
        assert g.seen_load_ids == [("load-a",)] * 3

    run(check, tmp_path)


@pytest.mark.parametrize(
    "header",
    ["{tag}", "{weak}", '"nope", {tag}', 'W/"x" ,{weak} , "y"', "*"],
)
def test_if_none_match_answers_304_without_the_app_or_the_store(
    tmp_path: Path, header: str
) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        etag = (await c.get("/paths?from=a&to=b")).headers["etag"]
        strong = etag.removeprefix("W/")
        value = header.format(tag=strong, weak=etag)
        reads = (g.app_calls, g.id_reads)
        r = await c.get("/paths?from=a&to=b", headers={"If-None-Match": value})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
        assert (g.app_calls, g.id_reads) == reads

    run(check, tmp_path)


def test_a_tag_of_another_request_or_graph_gets_the_full_answer(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        etag = (await c.get("/a")).headers["etag"]
        r = await c.get("/b", headers={"If-None-Match": etag})
        assert r.status_code == 200 and r.content == g.body
        g.load_ids.append("load-b")
        g.body = b'{"n": 2}'
        version.mark(m)
        r = await c.get("/a", headers={"If-None-Match": etag})
        assert r.status_code == 200 and r.content == b'{"n": 2}' and r.headers["etag"] != etag

    run(check, tmp_path)


def test_a_kept_answer_holds_nothing_the_collector_follows_but_itself(tmp_path: Path) -> None:
    """Thousands of kept answers sit in the collector's oldest generation: their headers
    must be a tuple of bytes, which it stops tracking (BENCHMARKS.md, 3i)."""

    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        await c.get("/a")
        assert gv.cache is not None
        (entry,) = gv.cache._entries.values()
        gc.collect()  # the inner tuples stop being tracked,
        gc.collect()  # then the tuple that holds them
        assert not gc.is_tracked(entry.headers) and not gc.is_tracked(entry.body)
        assert (b"x-cache", b"miss") not in entry.headers  # what is replayed

    run(check, tmp_path)


def test_a_commit_marker_starts_a_new_generation_even_with_the_same_load_ids(
    tmp_path: Path,
) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        first = await c.get("/a")
        g.body = b'{"n": "straddled"}'  # what a read that crossed a clear + reload saw
        version.mark(m)
        second = await c.get("/a")
        # Same load ids: same tag (a client's copy is still good) but never the old bytes
        # from this process's cache: they were rendered before the commit.
        assert second.headers["etag"] == first.headers["etag"]
        assert second.headers["x-cache"] == "miss" and second.content == g.body
        assert g.id_reads == 2 and gv.cache is not None and len(gv.cache) == 1

    run(check, tmp_path)


def test_errors_other_statuses_and_cookies_set_are_never_kept(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        for status in (404, 422, 500, 503, 504, 206):
            g.status = status
            for _ in range(2):
                r = await c.get("/x")
                assert r.status_code == status and "etag" not in r.headers
        assert g.app_calls == 12
        g.status = 200
        g.extra_headers = [(b"set-cookie", b"a=b")]
        await c.get("/y")
        r = await c.get("/y")
        assert g.app_calls == 14 and "etag" not in r.headers
        # An answer that brings its own validator (a static file) is left as it is.
        g.extra_headers = [(b"etag", b'"file"')]
        r = await c.get("/app.js")
        await c.get("/app.js")
        assert g.app_calls == 16 and r.headers["etag"] == '"file"'
        assert gv.cache is not None and len(gv.cache) == 0

    run(check, tmp_path)


def test_requests_with_credentials_are_not_shared(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        plain = await c.get("/a")
        for headers in ({"Authorization": "Bearer x"}, {"Cookie": "s=1"}):
            r1 = await c.get("/a", headers=headers)
            r2 = await c.get("/a", headers=headers)
            assert r1.headers["x-cache"] == r2.headers["x-cache"] == "miss"
            assert r1.headers["cache-control"] == "private, no-cache"
            assert r1.headers["etag"] == r2.headers["etag"] != plain.headers["etag"]
            r3 = await c.get("/a", headers={**headers, "If-None-Match": r1.headers["etag"]})
            assert r3.status_code == 304
        assert g.app_calls == 5
        assert (await c.get("/a")).headers["x-cache"] == "hit"  # never the private copies

    run(check, tmp_path)


def test_star_is_304_only_when_the_resource_exists(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        r = await c.get("/a", headers={"If-None-Match": "*"})  # not cached yet: rendered
        assert r.status_code == 304 and g.app_calls == 1
        g.status = 404
        r = await c.get("/missing", headers={"If-None-Match": "*"})
        assert r.status_code == 404 and r.content == g.body

    run(check, tmp_path)


def test_a_streamed_answer_is_kept_whole_and_a_large_one_not_at_all(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        g.body, g.chunks = b"x" * 1000, 7
        first = await c.get("/export?format=turtle")
        second = await c.get("/export?format=turtle")
        assert second.headers["x-cache"] == "hit" and second.content == first.content == g.body
        g.body = b"y" * 200_000  # over an eighth of the cache's 1 MB
        big = await c.get("/export?format=ntriples")
        again = await c.get("/export?format=ntriples")
        assert big.content == again.content == g.body and again.headers["x-cache"] == "miss"

    run(check, tmp_path)


def test_health_docs_and_writes_pass_through(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        for _ in range(2):
            for r in (await c.get("/health"), await c.get("/docs"), await c.post("/cypher")):
                assert "etag" not in r.headers
        assert g.app_calls == 6 and g.id_reads == 0

    run(check, tmp_path)


def test_without_the_store_answers_go_uncached_until_it_is_back(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        g.down = True
        r = await c.get("/a")
        assert r.status_code == 200 and "etag" not in r.headers and gv.state is None
        g.down = False
        gv._failed_at = -1e9  # the retry pause is over
        assert "etag" in (await c.get("/a")).headers

    run(check, tmp_path)


def test_an_outage_is_logged_once_and_its_end_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        g.down = True
        for _ in range(3):
            gv._failed_at = -1e9  # the retry pause is over: the store is asked again
            assert await gv.current() is None
        g.down = False
        gv._failed_at = -1e9
        assert await gv.current() is not None and await gv.current() is not None

    with caplog.at_level(logging.WARNING, logger="sahelkg.api.cache"):
        run(check, tmp_path)
    said = [r.getMessage() for r in caplog.records if r.name == "sahelkg.api.cache"]
    assert len(said) == 2, said
    assert said[0].startswith("graph version unknown (store down)")
    assert said[1].startswith("graph version known again")


def test_the_recheck_sees_a_load_that_wrote_no_marker(tmp_path: Path) -> None:
    async def check(c: httpx.AsyncClient, g: Graph, gv: GraphVersion, m: Path) -> None:
        first = await c.get("/a")
        g.load_ids.append("from-another-host")
        g.body = b'{"n": 3}'
        for _ in range(200):  # the re-check runs every 10 ms here
            await asyncio.sleep(0.01)
            if gv.state is not None and gv.state.generation > 0:
                break
        second = await c.get("/a")
        assert second.content == g.body and second.headers["etag"] != first.headers["etag"]

    run(check, tmp_path, recheck_s=0.01)


def test_cache_is_bounded_in_bytes_least_recently_used_out() -> None:
    cache = ResponseCache(max_bytes=8 * 1024)
    entry = Entry(((b"content-type", b"application/json"),), b"z" * 700)
    for i in range(20):
        cache.put((0, b"k%d" % i), entry)
        cache.get((0, b"k0"))  # k0 stays in use
        assert cache.bytes <= cache.max_bytes
    assert cache.get((0, b"k0")) is not None and cache.get((0, b"k1")) is None
    assert cache.get((0, b"k19")) is not None
    cache.put((1, b"k0"), entry)
    cache.drop_other_generations(1)
    assert len(cache) == 1 and cache.bytes == entry.size
    cache.put((1, b"big"), Entry((), b"z" * 2000))  # over max_bytes // 8
    assert cache.get((1, b"big")) is None


def test_if_none_match_parsing() -> None:
    assert parse_if_none_match('W/"a", "b",c') == (False, {"a", "b", "c"})
    assert parse_if_none_match(" * ") == (True, set())
    assert parse_if_none_match("") == (False, set())


def test_every_mark_changes_the_marker_even_within_one_clock_tick(tmp_path: Path) -> None:
    marker = version.marker_path(tmp_path / "new-dir")
    seen: set[Any] = {version.token(marker)}
    for _ in range(200):
        version.mark(marker)
        seen.add(version.token(marker))
    assert None in seen and len(seen) == 201
    assert not [p for p in marker.parent.iterdir() if p != marker]  # no temporary file left


def test_a_marker_that_cannot_be_written_never_fails_the_caller(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    version.mark(blocker / "graph-version")  # its folder is a file: logged, not raised
    assert version.token(blocker / "graph-version") is None


class _Session:
    def __init__(self, fail: bool) -> None:
        self.fail = fail

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def begin_transaction(self) -> _Transaction:
        return _Transaction(self.fail)


class _Transaction:
    def __init__(self, fail: bool) -> None:
        self.fail = fail

    def __enter__(self) -> _Transaction:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def commit(self) -> None:
        if self.fail:
            raise ConnectionError("connection lost while committing")


class _Driver:
    def __init__(self) -> None:
        self.fail = False

    def session(self, **config: Any) -> _Session:
        return _Session(self.fail)


def test_every_store_write_moves_the_marker_even_one_whose_answer_was_lost(
    tmp_path: Path,
) -> None:
    from graph.errors import StoreUnavailable
    from graph.store.base import Store

    driver = _Driver()
    store = Store(driver, driver, "db")  # type: ignore[arg-type]
    store.version_marker = version.marker_path(tmp_path)
    assert store.write(lambda tx: 7) == 7
    first = version.token(store.version_marker)
    assert first is not None
    driver.fail = True
    with pytest.raises(StoreUnavailable):
        store.write(lambda tx: 8)
    assert version.token(store.version_marker) not in (None, first)
