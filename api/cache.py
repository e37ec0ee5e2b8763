"""HTTP caching of the read answers: the graph changes only when a load commits, so a GET
is answered from what was rendered before for the same request and the same graph, and a
client that already has it gets a 304.

- **ETag** (weak: `W/"..."`): a hash of the graph's version (its committed load ids, the
  `(:Load {id})` nodes), this build (the code, the ontology, the settings) and the request
  (method, scheme, host, path, query string, `Accept`, and the credentials when a request
  carries any). Every worker computes the same tag for the same request and graph.
  `Cache-Control: no-cache` (clients may keep the answer but revalidate each time),
  `Vary: Accept`.
- **If-None-Match** (tags, weak or strong, lists, `*`) answers 304 from the version this
  process already knows: no store read.
- **An in-process LRU** of rendered 200 answers (bounded in bytes,
  Settings.response_cache_bytes), per worker process, keyed by the same request under a
  *generation* that changes whenever the graph may have changed. Errors and other statuses
  are never kept; answers to requests with `Authorization` or `Cookie` are neither kept
  nor served from it (`Cache-Control: private, no-cache`).

Never an answer from before a committed load (`GraphVersion`): the store rewrites the
marker file in SAHELKG_DATA_DIR after each commit (graph/version.py). Every request
`stat`s it BEFORE it reads the store; when it changed, the process asks the store for its
load ids (one small read, once per change) and starts a new generation, so an answer is
only ever kept under the generation in force when its reads began, and a generation never
outlives a marker change. A load from another host (a shared Neo4j) writes no marker here:
a background task asks the store for its load ids every `graph_version_recheck_s` (2 s), so
such a load shows within that bound plus one query (README, api/README.md).

Written by hand as a pure ASGI middleware (no library caches by a graph version that the
store decides; the HTTP caching libraries for Starlette key by time-to-live).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph import version

log = logging.getLogger("sahelkg.api.cache")

# Not graph reads: liveness, the API docs and their assets (which never change with a load).
UNCACHED_PREFIXES = ("/health", "/docs", "/redoc", "/openapi.json", "/static-offline-docs")
_FAILED_RETRY_S = 1.0  # after a failed version read, requests pass through this long
_ENTRY_OVERHEAD = 256  # bytes counted per entry beyond its body and headers

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Version:
    marker: version.Token  # the marker file as this version was read after it
    tag: str  # hash of the build and the sorted load ids: the ETag's graph part
    generation: int  # changes whenever the graph may have changed (cache entries' key)
    load_ids: tuple[str, ...]  # sorted: handed to the routes' reads (Reader.load_ids)


@dataclass(frozen=True)
class Entry:
    # A tuple of byte pairs, not a list: the collector stops tracking such a tuple, so the
    # thousands of kept answers add nothing to its full collections (BENCHMARKS.md, 3i).
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + _ENTRY_OVERHEAD


class ResponseCache:
    """Rendered answers, least recently used out first, at most `max_bytes` in all; an
    answer over `max_bytes // 8` is not kept (one export must not push out everything)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8
        self._entries: OrderedDict[tuple[int, bytes], Entry] = OrderedDict()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[int, bytes]) -> Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[int, bytes], entry: Entry) -> None:
        size = entry.size
        if size > self.max_entry_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._entries[key] = entry
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, gone = self._entries.popitem(last=False)
            self.bytes -= gone.size

    def drop_other_generations(self, generation: int) -> None:
        for key in [k for k in self._entries if k[0] != generation]:
            self.bytes -= self._entries.pop(key).size


LoadIds = Callable[[], Awaitable[Sequence[str]]]


class GraphVersion:
    """The graph version this process answers for, and the cache that goes with it."""

    def __init__(self, marker: Path, build: str, cache_bytes: int, recheck_s: float) -> None:
        self.marker = marker
        self.build = build
        self.cache = ResponseCache(cache_bytes) if cache_bytes > 0 else None
        self.recheck_s = recheck_s
        self.state: Version | None = None
        self._load_ids: LoadIds | None = None
        self._lock: asyncio.Lock | None = None
        self._task: asyncio.Task[None] | None = None
        self._failed_at = -1e9
        self._down = False  # the last version read failed (logged once per outage)
        self.refreshes = 0  # store reads made for the version (tests, benchmarks)

    def start(self, load_ids: LoadIds) -> None:
        """Called from the app's lifespan (an event loop runs): `load_ids` reads the store."""
        self._load_ids = load_ids
        self._lock = asyncio.Lock()
        self._task = asyncio.get_running_loop().create_task(self._recheck_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def current(self) -> Version | None:
        """The version to answer under; None when it cannot be known (no store): then the
        request is served as if there were no cache."""
        state = self.state
        if state is not None and state.marker == version.token(self.marker):
            return state
        if self._lock is None or time.monotonic() - self._failed_at < _FAILED_RETRY_S:
            return None
        return await self.refresh(force=False)

    async def refresh(self, force: bool) -> Version | None:
        """Read the load ids (unless another request did since the marker changed), and
        start a new generation when the marker or the ids changed. Serialised, so a read
        that began earlier can never overwrite a later one's result."""
        assert self._lock is not None and self._load_ids is not None
        async with self._lock:
            marker = version.token(self.marker)  # before the store read, never after
            state = self.state
            if not force and state is not None and state.marker == marker:
                return state
            try:
                ids = await self._load_ids()
            except Exception as exc:  # the store is down: no caching until it answers
                self._failed_at = time.monotonic()
                if not self._down:  # once per outage (api/view.py asks at every poll)
                    self._down = True
                    log.warning("graph version unknown (%s): answering without the cache", exc)
                return None
            if self._down:
                self._down = False
                log.warning("graph version known again: answers are cached again")
            self.refreshes += 1
            tag = self.tag_of(ids)
            if state is not None and state.marker == marker and state.tag == tag:
                return state
            generation = state.generation + 1 if state is not None else 0
            self.state = Version(marker, tag, generation, tuple(sorted(ids)))
            if self.cache is not None:
                self.cache.drop_other_generations(generation)
            return self.state

    def tag_of(self, load_ids: Sequence[str]) -> str:
        digest = hashlib.blake2b(self.build.encode(), digest_size=12)
        for load_id in sorted(load_ids):
            digest.update(b"\0" + load_id.encode())
        return digest.hexdigest()

    async def _recheck_forever(self) -> None:
        """Loads from another host write no marker here: ask the store now and then."""
        while True:
            await asyncio.sleep(self.recheck_s)
            if self.state is None:
                continue  # nothing cached yet; the next request reads the version
            try:
                await self.refresh(force=True)
            except Exception:  # pragma: no cover - refresh logs and returns None itself
                log.exception("graph version re-check failed")


def build_token(settings_json: str, roots: Sequence[Path]) -> str:
    """What, besides the graph, decides an answer's bytes: the code and the ontology (their
    files' contents) and the settings. The same in every worker; a new one after an upgrade,
    so a client never revalidates an old rendering into a 304."""
    digest = hashlib.blake2b(settings_json.encode(), digest_size=12)
    for root in roots:
        files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
        for path in files:
            with contextlib.suppress(OSError):
                digest.update(str(path.name).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def parse_if_none_match(value: str) -> tuple[bool, set[str]]:
    """(`*` was given, the opaque tags), weak prefixes dropped: If-None-Match compares
    weakly (RFC 9110, 13.1.2)."""
    star = False
    tags: set[str] = set()
    for part in value.split(","):
        item = part.strip()
        if item == "*":
            star = True
        elif item:
            if item.startswith("W/"):
                item = item[2:]
            tags.add(item.strip('"'))
    return star, tags


class HttpCache:
    """The middleware: innermost of the app's (CORS, security headers and the host check
    wrap it, so they apply to cached answers as to fresh ones)."""

    def __init__(self, app: ASGIApp, graph: GraphVersion) -> None:
        self.app = app
        self.graph = graph

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(UNCACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        accept, host, inm, private = b"", b"", b"", b""
        for name, value in scope["headers"]:
            if name == b"accept":
                accept += value + b","
            elif name == b"host":
                host = value
            elif name == b"if-none-match":
                inm += value + b","
            elif name in (b"authorization", b"cookie"):
                private += name + b"=" + value + b"\0"
        state = await self.graph.current()  # the marker is read before any store read
        if state is None:
            await self.app(scope, receive, send)
            return
        # The reads of this request know the graph's version without asking the store
        # (the name matcher's index is kept per version: graph/match_store.py).
        scope.setdefault("state", {})["load_ids"] = state.load_ids
        key = b"\0".join(
            (
                scope.get("scheme", "http").encode(),
                host,
                scope.get("root_path", "").encode(),
                scope.get("raw_path") or scope["path"].encode(),
                scope.get("query_string", b""),
                accept,
                hashlib.blake2b(private, digest_size=16).digest() if private else b"",
            )
        )
        opaque = hashlib.blake2b(state.tag.encode() + key, digest_size=16).hexdigest()
        etag = f'W/"{opaque}"'.encode()
        control = b"private, no-cache" if private else b"no-cache"
        star = False
        if inm:
            star, tags = parse_if_none_match(inm.decode("latin-1"))
            if opaque in tags:
                await _not_modified(send, etag, control)
                return
        cache = None if private else self.graph.cache
        entry = cache.get((state.generation, key)) if cache is not None else None
        if entry is not None:
            if star:  # a current representation exists
                await _not_modified(send, etag, control)
            else:
                await _replay(send, entry)
            return
        keep = cache if scope["method"] == "GET" else None
        await self._render(scope, receive, send, (state.generation, key), etag, control, star, keep)

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[int, bytes],
        etag: bytes,
        control: bytes,
        star: bool,
        cache: ResponseCache | None,
    ) -> None:
        """Run the app; tag a 200 and keep a copy of it as it streams out."""
        headers: Headers = []
        chunks: list[bytes] = []
        size = 0
        tagged = swallow = False

        async def capture(message: Message) -> None:
            nonlocal headers, size, tagged, swallow, cache
            if message["type"] == "http.response.start":
                raw: Headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in raw}
                tagged = message["status"] == 200 and not names & {b"etag", b"set-cookie"}
                if not tagged:
                    cache = None
                    await send(message)
                    return
                headers = _with_validators(raw, names, etag, control)
                if star:  # `If-None-Match: *` and the resource exists
                    swallow = True
                    await _not_modified(send, etag, control)
                    return
                await send({**message, "headers": [*headers, (b"x-cache", b"miss")]})
            elif message["type"] == "http.response.body" and swallow:
                return
            elif message["type"] == "http.response.body" and cache is not None:
                body = message.get("body", b"")
                size += len(body)
                if size > cache.max_entry_bytes:
                    cache, chunks[:] = None, []  # too big to keep; still streamed out
                else:
                    chunks.append(body)
                await send(message)
                if cache is not None and not message.get("more_body", False):
                    whole = b"".join(chunks)
                    if b"content-length" not in {k.lower() for k, _ in headers}:
                        headers.append((b"content-length", str(len(whole)).encode()))
                    cache.put(key, Entry(tuple(headers), whole))
            else:
                await send(message)

        await self.app(scope, receive, capture)


def _with_validators(raw: Headers, names: set[bytes], etag: bytes, control: bytes) -> Headers:
    headers = [(k, v) for k, v in raw if k.lower() != b"vary"]
    vary = [v for k, v in raw if k.lower() == b"vary"]
    if not any(b"accept" in {p.strip().lower() for p in v.split(b",")} for v in vary):
        vary.append(b"Accept")
    headers.append((b"vary", b", ".join(vary)))
    headers.append((b"etag", etag))
    if b"cache-control" not in names:
        headers.append((b"cache-control", control))
    return headers


async def _not_modified(send: Send, etag: bytes, control: bytes) -> None:
    headers = [(b"etag", etag), (b"cache-control", control), (b"vary", b"Accept")]
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _replay(send: Send, entry: Entry) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*entry.headers, (b"x-cache", b"hit")],
        }
    )
    await send({"type": "http.response.body", "body": entry.body})
