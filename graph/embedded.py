"""Start, find and stop the local ArcadeDB server (PyPI `arcadedb-embedded`) that speaks Bolt
when no Neo4j URI is configured.

The server runs as its own JVM process (the package's bundled `java`, its jars on the class
path), so the CLI, the API and the tests share one server and stop it by PID. Its Bolt and
HTTP listeners bind to 127.0.0.1 only. The data live under `<data_dir>/arcadedb/`, next to
`server.pid` and `server.log`.

Ready means `RETURN 1` succeeds on the database with our credentials: the Bolt port opens
before the database and the root password exist.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import EmbeddedServerError
from graph.settings import Settings

MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    bolt_port: int
    http_port: int
    data_dir: Path


def package_dir() -> Path:
    try:
        import arcadedb_embedded
    except ImportError as exc:  # pragma: no cover - it is a dependency
        raise EmbeddedServerError("the package arcadedb-embedded is not installed") from exc
    return Path(arcadedb_embedded.__file__).resolve().parent


def command(settings: Settings) -> list[str]:
    pkg = package_dir()
    java = pkg / "jre" / "bin" / "java"
    if not java.exists():
        raise EmbeddedServerError(f"no bundled java at {java}")
    root = settings.embedded_dir.resolve()
    props = {
        "arcadedb.server.rootPath": root,
        "arcadedb.server.databaseDirectory": root / "databases",
        "arcadedb.server.rootPassword": settings.embedded_password.get_secret_value(),
        "arcadedb.server.defaultDatabases": f"{settings.embedded_database}[root]",
        "arcadedb.server.plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "arcadedb.bolt.host": "127.0.0.1",
        "arcadedb.bolt.port": settings.embedded_bolt_port,
        "arcadedb.server.httpIncomingHost": "127.0.0.1",
        "arcadedb.server.httpIncomingPort": settings.embedded_http_port,
        "arcadedb.server.mode": "development",
    }
    return [
        str(java),
        f"-Xmx{settings.embedded_heap}",
        "-cp",
        str(pkg / "jars" / "*"),
        *(f"-D{k}={v}" for k, v in props.items()),
        MAIN_CLASS,
    ]


def _pid_file(settings: Settings) -> Path:
    return settings.embedded_dir / "server.pid"


def running(settings: Settings) -> ServerInfo | None:
    """The server this data directory started, if its process is still alive."""
    path = _pid_file(settings)
    try:
        info = json.loads(path.read_text())
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError):
        return None
    if not _alive(pid):
        path.unlink(missing_ok=True)
        return None
    return ServerInfo(pid, int(info["bolt_port"]), int(info["http_port"]), settings.embedded_dir)


def start(settings: Settings) -> ServerInfo:
    """Start the server, or return the one already running for this data directory."""
    current = running(settings)
    if current is not None:
        if current.bolt_port != settings.embedded_bolt_port:
            raise EmbeddedServerError(
                f"an embedded server for {settings.embedded_dir} already runs on Bolt port "
                f"{current.bolt_port} (pid {current.pid}); stop it or use that port"
            )
        wait_ready(settings)
        return current
    for port in (settings.embedded_bolt_port, settings.embedded_http_port):
        if port_open(port):
            raise EmbeddedServerError(
                f"port {port} on 127.0.0.1 is taken by another process; set "
                "SAHELKG_EMBEDDED_BOLT_PORT / SAHELKG_EMBEDDED_HTTP_PORT to free ports"
            )
    settings.embedded_dir.mkdir(parents=True, exist_ok=True)
    log = (settings.embedded_dir / "server.log").open("ab")
    proc = subprocess.Popen(
        command(settings),
        cwd=settings.embedded_dir,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C in the shell that started it does not kill it
    )
    info = ServerInfo(
        proc.pid, settings.embedded_bolt_port, settings.embedded_http_port, settings.embedded_dir
    )
    _pid_file(settings).write_text(
        json.dumps({"pid": proc.pid, "bolt_port": info.bolt_port, "http_port": info.http_port})
    )
    try:
        wait_ready(settings, proc)
    except BaseException:
        stop(settings)
        raise
    return info


def wait_ready(settings: Settings, proc: subprocess.Popen[bytes] | None = None) -> None:
    import neo4j

    deadline = time.monotonic() + settings.embedded_start_timeout_s
    last = "port not open"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise EmbeddedServerError(
                f"the embedded server exited with code {proc.returncode}; see "
                f"{settings.embedded_dir / 'server.log'}"
            )
        if port_open(settings.embedded_bolt_port):
            try:
                with neo4j.GraphDatabase.driver(
                    settings.bolt_uri, auth=settings.auth, connection_timeout=2
                ) as driver:
                    driver.execute_query("RETURN 1", database_=settings.database)
                return
            except Exception as exc:  # not ready yet: no database, password not in force
                last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.25)
    raise EmbeddedServerError(
        f"the embedded server did not answer within {settings.embedded_start_timeout_s:.0f}s "
        f"({last}); see {settings.embedded_dir / 'server.log'}"
    )


def stop(settings: Settings, timeout_s: float = 30.0) -> bool:
    """Stop the server by its PID (TERM, then KILL). False if none was running."""
    info = running(settings)
    if info is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(info.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while _alive(info.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(info.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(info.pid, signal.SIGKILL)
        while _alive(info.pid):
            time.sleep(0.05)
    _pid_file(settings).unlink(missing_ok=True)
    return True


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours is dead for our purposes: reap it.
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return True
