"""Shared pieces of the benchmarks: a private embedded server (own data dir, free ports,
stopped by PID whatever happens), synthetic inputs, timers and memory readings."""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import neo4j

from bench import synth
from graph import embedded
from graph.ontology import Ontology
from graph.settings import Settings
from graph.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    settings: Settings
    driver: neo4j.Driver
    store: Store
    pid: int


@contextlib.contextmanager
def private_server(heap: str | None = None, keep: Path | None = None) -> Iterator[Server]:
    """An embedded ArcadeDB server of our own on free loopback ports, in a temporary data
    directory; stopped by its PID on the way out (also on errors and Ctrl-C)."""
    heap = heap or os.environ.get("SAHELKG_EMBEDDED_HEAP") or "6g"
    with tempfile.TemporaryDirectory(prefix="sahelkg-bench-") as tmp:
        settings = Settings(
            neo4j_uri=None,
            data_dir=keep or Path(tmp),
            embedded_bolt_port=free_port(),
            embedded_http_port=free_port(),
            embedded_heap=heap,
            # the statements' timeout on the server: emptying a 1M graph between rounds
            # takes longer than a request's 10 s (Neo4j's bench server: 3,600 s, below)
            query_timeout_s=600.0,
        )
        info = embedded.start(settings)
        store = None
        try:
            store = open_store(settings)
            store.ensure_schema()
            yield Server(settings, store.driver, store, info.pid)
        finally:
            if store is not None:
                store.close()
            embedded.stop(settings)


@contextlib.contextmanager
def neo4j_started(data_dir: Path, **env: str) -> Iterator[tuple[Settings, int]]:
    """A Neo4j 5.26 Community server of our own (scripts/neo4j, a free port, `data_dir`,
    `env`: its SAHELKG_NEO4J_* tunables), with the settings it printed and its PID; stopped
    by that PID on the way out. Shared by the benchmarks and the test suite."""
    script = str(ROOT / "scripts" / "neo4j")
    full_env = {**os.environ, **env}
    try:
        out = subprocess.run(
            [script, "start", "--port", "0", "--data", str(data_dir)],
            capture_output=True, text=True, env=full_env, check=True, timeout=900,
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"scripts/neo4j start failed:\n{exc.stderr[-3000:]}") from exc
    try:
        found = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
        settings = Settings(
            data_dir=data_dir,  # the graph-version marker (graph/version.py) goes there
            neo4j_uri=found["SAHELKG_NEO4J_URI"],
            neo4j_user=found["SAHELKG_NEO4J_USER"],
            neo4j_password=found["SAHELKG_NEO4J_PASSWORD"],
            neo4j_database=found["SAHELKG_NEO4J_DATABASE"],
        )
        yield settings, int((data_dir / "neo4j.pid").read_text().split()[0])
    finally:
        stop = [script, "stop", "--data", str(data_dir)]
        subprocess.run(stop, env=full_env, check=False, timeout=300)


@contextlib.contextmanager
def neo4j_server(heap: str = "4g") -> Iterator[Server]:
    """A Neo4j server for a benchmark: a temporary data folder and a transaction memory
    large enough for a one-transaction load."""
    with neo4j_bench_server(
        SAHELKG_NEO4J_HEAP=heap,
        SAHELKG_NEO4J_PAGECACHE="1g",
        SAHELKG_NEO4J_TX_MEMORY="0",  # 0: no limit per transaction
        SAHELKG_NEO4J_TX_MEMORY_TOTAL="0",
        SAHELKG_NEO4J_TX_TIMEOUT="3600s",
    ) as server:
        yield server


@contextlib.contextmanager
def neo4j_bench_server(**env: str) -> Iterator[Server]:
    """A Neo4j server of our own in a temporary data folder, `env` its SAHELKG_NEO4J_*
    tunables (none: what `scripts/neo4j start` gives a user), with its store open."""
    with (
        tempfile.TemporaryDirectory(prefix="sahelkg-bench-neo4j-") as tmp,
        neo4j_started(Path(tmp), **env) as (settings, pid),
    ):
        store = open_store(settings)
        try:
            store.ensure_schema()
            yield Server(settings, store.driver, store, pid)
        finally:
            store.close()


@contextlib.contextmanager
def backend_server(backend: str) -> Iterator[Server]:
    """A server of our own for `backend`: Neo4j 5.26 ("neo4j") or the embedded ArcadeDB."""
    with neo4j_server() if backend == "neo4j" else private_server() as s:
        yield s


def synth_file(directory: Path, size: int) -> tuple[Path, int]:
    path = directory / f"synth-{size}.nt"
    count = synth.write(path, size)
    return path, count


def ontology() -> Ontology:
    s = Settings()
    return Ontology.read(s.ontology_path, None)


def wipe(server: Server, batch: int = 10_000) -> None:
    """Empty the database whatever wrote it (our nodes, the peer's, load records)."""
    while True:
        rec = server.driver.execute_query(
            "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted",
            limit=batch,
            database_=server.settings.database,
            routing_=neo4j.RoutingControl.WRITE,
        ).records
        if not rec or int(rec[0]["deleted"]) == 0:
            return


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process and its live children (uvicorn's workers, the SPARQL
    worker), from /proc."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    kids = Path(f"/proc/{pid}/task/{pid}/children")
    for child in kids.read_text().split() if kids.exists() else []:
        total += cpu_seconds(int(child))
    return total


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def vm_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    mem = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    load = os.getloadavg()
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem} RAM, load average "
        f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, Python {platform.python_version()}, "
        f"commit {git or '?'}"
    )


@dataclass
class Timer:
    phases: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - t0

    @property
    def total(self) -> float:
        return sum(self.phases.values())


@dataclass
class Service:
    base: str
    settings: Settings
    pid: int


@contextlib.contextmanager
def serve(heap: str | None = None, seed: bool = True, workers: int = 1) -> Iterator[Service]:
    """`sahelkg serve` on a free loopback port with its own data directory and its own
    embedded server (seeded with the ontology and seeds); both stopped by PID on the way
    out, whatever happens."""
    import signal
    import urllib.request

    with tempfile.TemporaryDirectory(prefix="sahelkg-serve-") as tmp:
        settings = Settings(
            neo4j_uri=None,
            data_dir=Path(tmp),
            embedded_bolt_port=free_port(),
            embedded_http_port=free_port(),
            embedded_heap=heap or os.environ.get("SAHELKG_EMBEDDED_HEAP") or "2g",
        )
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAHELKG_")}
        env.update(
            SAHELKG_DATA_DIR=str(settings.data_dir),
            SAHELKG_EMBEDDED_BOLT_PORT=str(settings.embedded_bolt_port),
            SAHELKG_EMBEDDED_HTTP_PORT=str(settings.embedded_http_port),
            SAHELKG_EMBEDDED_HEAP=settings.embedded_heap,
        )
        sahelkg = Path(sys.executable).parent / "sahelkg"
        log = (Path(tmp) / "serve.log").open("wb")
        proc = subprocess.Popen(
            [str(sahelkg), "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--workers", str(workers)]
            + ([] if seed else ["--no-seed"]),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"sahelkg serve exited ({proc.returncode}): "
                        + (Path(tmp) / "serve.log").read_text()[-2000:]
                    )
                try:
                    with urllib.request.urlopen(base + "/health", timeout=5) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("sahelkg serve did not become healthy in 240 s")
                time.sleep(0.5)
            yield Service(base, settings, proc.pid)
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
            log.close()
            embedded.stop(settings)


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def export_revision(ref: str, into: Path) -> tuple[Path, str]:
    """The files of `ref` (git archive: nothing checked out, no worktree touched)."""
    if ref == "merge-base":  # where this branch left main: the code before its changes
        ref = git("merge-base", "HEAD", "main")
    commit = git("rev-parse", "--short", ref)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True)
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into, commit
