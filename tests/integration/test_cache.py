"""HTTP caching against the real server (either backend): 304 on revalidation; a load,
in-process or `sahelkg load` in another process, changes the tags and the answers; the
cache never serves an answer from before a load that has committed, also while it is
hammered during the load and across `sahelkg serve --workers 2`; and a 304 or a cached
answer reads nothing from the store (its drivers count every use)."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.load import Ontology
from graph.store import Store
from tests.conftest import ROOT
from tests.integration.conftest import Server, free_port, load_paths

pytestmark = pytest.mark.integration

SAHELKG = str(Path(sys.executable).parent / "sahelkg")
_n = itertools.count()
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Read routes, and a request each: REST, content negotiation, an export, SPARQL.
READS: list[tuple[str, dict[str, str]]] = [
    ("/actors?q=jnim", {}),
    ("/actors/mali/relations?at=2019-06-01", {}),
    ("/actors/jnim/neighbourhood?hops=2", {}),
    ("/paths?from=jnim&to=russia", {}),
    ("/search?q=Bamako", {}),
    ("/events/event-2024-09-17-bamako-attack", {}),
    ("/ontology", {"Accept": "text/turtle"}),
    ("/export?format=turtle", {}),
    ("/sparql?query=" + COUNT, {"Accept": "text/csv"}),
]


def extra_actor(directory: Path) -> tuple[Path, str]:
    """A Turtle file adding one actor with a name no other file has (so a new load id)."""
    n = f"{os.getpid()}x{next(_n)}x{time.monotonic_ns()}"
    name = f"Cachetest Front {n}"
    path = directory / f"extra-{n}.ttl"
    path.write_text(
        "@prefix sahel: <https://w3id.org/sahel-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/sahel-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'kg:cachetest-{n} a sahel:JihadistGroup ; rdfs:label "{name}"@en .\n'
    )
    return path, name


def found(client: httpx.Client, name: str) -> tuple[bool, httpx.Response]:
    r = client.get("/actors", params={"q": name})
    assert r.status_code == 200, r.text
    return any(i["label"] == name for i in r.json()["items"]), r


def test_revalidation_answers_304_and_a_cached_copy_is_the_same(cache_server: Server) -> None:
    with httpx.Client(base_url=cache_server.url, timeout=60) as c:
        for path, headers in READS:
            first = c.get(path, headers=headers)
            assert first.status_code == 200, (path, first.text)
            etag = first.headers["etag"]
            assert etag.startswith('W/"') and first.headers["cache-control"] == "no-cache"
            again = c.get(path, headers=headers)
            assert again.headers["x-cache"] == "hit" and again.content == first.content
            assert again.headers["content-type"] == first.headers["content-type"]
            r = c.get(path, headers={**headers, "If-None-Match": f'"other", {etag}'})
            assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
        assert "etag" not in c.get("/health").headers
        turtle = c.get("/ontology", headers={"Accept": "text/turtle"}).headers["etag"]
        assert c.get("/ontology").headers["etag"] != turtle  # JSON: another representation
        bad = c.get("/actors/jnim/relations", params={"at": "not-a-date"})
        assert bad.status_code == 422 and "etag" not in bad.headers


class Counting:
    """A driver that counts every use (sessions, queries, server info) and passes it on."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.uses = 0

    def __getattr__(self, name: str) -> Any:
        self.uses += 1
        return getattr(self.inner, name)


def test_304_and_cached_answers_read_nothing_from_the_store(cache_server: Server) -> None:
    app: Any = cache_server.server.config.app
    store: Store = app.state.store
    with httpx.Client(base_url=cache_server.url, timeout=60) as c:
        tags = {path: c.get(path, headers=h).headers["etag"] for path, h in READS}
        reader, writer = Counting(store.reader), Counting(store.driver)
        store.reader, store.driver = reader, writer
        try:
            for path, headers in READS:
                r = c.get(path, headers={**headers, "If-None-Match": tags[path]})
                assert r.status_code == 304
                assert c.get(path, headers=headers).headers["x-cache"] == "hit"
            assert (reader.uses, writer.uses) == (0, 0)
            # The counters do see reads: a request not cached yet reads the store.
            assert c.get("/actors?q=mali").headers["x-cache"] == "miss"
            assert reader.uses > 0
        finally:
            store.reader, store.driver = reader.inner, writer.inner


def test_a_load_in_another_process_changes_the_tags_and_the_answers(
    cache_server: Server, cli_env: dict[str, str], tmp_path: Path
) -> None:
    extra, name = extra_actor(tmp_path)
    with httpx.Client(base_url=cache_server.url, timeout=60) as c:
        before = {path: c.get(path, headers=h) for path, h in READS}
        assert found(c, name)[0] is False and found(c, name)[1].headers["x-cache"] == "hit"
        done = subprocess.run(
            [SAHELKG, "load", "--no-validate", str(extra)],
            env=cli_env, cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        present, r = found(c, name)
        assert present and r.headers["x-cache"] == "miss"
        for path, headers in READS:
            old = before[path].headers["etag"]
            after = c.get(path, headers={**headers, "If-None-Match": old})
            assert after.status_code == 200 and after.headers["etag"] != old, path
        count = c.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
        assert count.text != before["/sparql?query=" + COUNT].text  # the SPARQL view too


@pytest.mark.parametrize("probe", ["rest", "sparql"])
def test_hammered_during_a_load_no_answer_after_it_shows_the_old_graph(
    cache_server: Server, ontology: Ontology, seeded: Store, tmp_path: Path, probe: str
) -> None:
    extra, name = extra_actor(tmp_path)
    query = f'ASK {{ ?a ?p "{name}"@en }}'

    def new_graph(c: httpx.Client) -> tuple[bool, str]:
        if probe == "rest":
            present, r = found(c, name)
            return present, r.headers["x-cache"]
        r = c.get("/sparql", params={"query": query}, headers={"Accept": "application/json"})
        assert r.status_code == 200, r.text
        return bool(r.json()["boolean"]), r.headers["x-cache"]

    seen: list[tuple[float, bool, str]] = []  # (sent at, new graph, cache)
    errors: list[BaseException] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=cache_server.url, timeout=60) as own:
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    present, cache = new_graph(own)
                except BaseException as exc:
                    errors.append(exc)
                    return
                seen.append((sent, present, cache))

    with httpx.Client(base_url=cache_server.url, timeout=60) as c:
        assert new_graph(c)[0] is False  # (the SPARQL copy is built here, once)
    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        load_paths(seeded, ontology, extra, validate=False)
        returned = time.monotonic()
        # The SPARQL copy is rebuilt after a load (~1 s): hammer until 30 answers came in
        # for requests sent after the load returned.
        deadline = returned + 120
        while sum(s[0] > returned for s in seen) < 30 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors[0]
    before = [s for s in seen if s[0] < returned]
    after = [s for s in seen if s[0] > returned]
    assert any(cache == "hit" and not new for _, new, cache in before)  # it was cached
    assert after and all(new for _, new, _ in after), [s for s in after if not s[1]][:3]
    assert any(cache == "hit" for _, _, cache in after)  # and is cached again


def test_two_workers_both_drop_their_cache_when_a_load_commits(
    seeded: Store, cli_env: dict[str, str], tmp_path: Path
) -> None:
    extra, name = extra_actor(tmp_path)
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = {**cli_env, "SAHELKG_GRAPH_VERSION_RECHECK_S": "3600"}
    proc = subprocess.Popen(
        [SAHELKG, "serve", "--no-seed", "--workers", "2", "--host", "127.0.0.1", "--port",
         str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "no answer on /health within 120 s"
            time.sleep(0.3)

        def fresh_connections(n: int) -> list[httpx.Response]:
            # One connection per request: the kernel spreads them over both workers.
            answers = []
            for _ in range(n):
                with httpx.Client(base_url=url, timeout=60) as c:
                    answers.append(c.get("/actors", params={"q": name}))
            return answers

        before = fresh_connections(40)
        assert all(r.status_code == 200 and not r.json()["items"] for r in before), [
            (r.status_code, r.text[:200]) for r in before if r.status_code != 200
        ] or (tmp_path / "serve.log").read_text()[-2000:]
        assert sum(r.headers["x-cache"] == "hit" for r in before) >= 30
        done = subprocess.run(
            [SAHELKG, "load", "--no-validate", str(extra)],
            env=cli_env, cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        after = fresh_connections(40)
        assert all(
            r.status_code == 200 and [i["label"] for i in r.json()["items"]][:1] == [name]
            for r in after
        ), [r.text[:200] for r in after]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
