"""Start, find and stop the local ArcadeDB server (PyPI `arcadedb-embedded`) that speaks Bolt
when no Neo4j URI is configured.

The server runs as its own JVM process (the package's bundled `java`, its jars on the class
path), so the CLI, the API and the tests share one server and stop it by PID. Its Bolt and
HTTP listeners bind to 127.0.0.1 only. The data live under `<data_dir>/arcadedb/` (0700,
files 0600), next to `server.pid`, `server.log` and `credentials.json`.

Two accounts, each with a password generated for this data directory and kept in
`credentials.json` (0600), never on a command line: `root` (loads, schema) and `reader`, in
a group that may read records and nothing else (no schema, no security, no file access),
and every statement stops on the server at the query timeout
(`arcadedb.command.timeout`). LOAD CSV of files and URLs is off.

Ready means `RETURN 1` succeeds on the database with our credentials: the Bolt port opens
before the database exists.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
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
    # The server's command timeout (any statement stops there): the query timeout of the
    # settings that started it, which may not be this process's. None: not recorded.
    statement_limit_s: float | None = None
    heap: str | None = None  # its -Xmx, from the settings that started it; None: not recorded


def package_dir() -> Path:
    try:
        import arcadedb_embedded
    except ImportError as exc:  # pragma: no cover - it is a dependency
        raise EmbeddedServerError("the package arcadedb-embedded is not installed") from exc
    return Path(arcadedb_embedded.__file__).resolve().parent


WRITER_USER = "root"
READER_USER = "reader"
READER_GROUP = "reader"
_CREDENTIALS = "credentials.json"
# What ArcadeDB 26.10 writes for a password: PBKDF2WithHmacSHA256$iterations$salt$hash,
# the salt's base64 text used as the salt bytes (checked against a file the server wrote).
_HASH_ITERATIONS = 65536


@dataclass(frozen=True)
class Credentials:
    writer: tuple[str, str]
    reader: tuple[str, str]


def credentials(settings: Settings) -> Credentials:
    """The two accounts of this data directory, generated on first use (0600 file)."""
    path = settings.embedded_dir / _CREDENTIALS
    try:
        data = json.loads(path.read_text())
        return Credentials((WRITER_USER, str(data["writer"])), (READER_USER, str(data["reader"])))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError) as exc:
        raise EmbeddedServerError(f"{path}: unreadable credentials ({exc}); remove it") from exc
    _private_dir(settings.embedded_dir)
    data = {"writer": secrets.token_urlsafe(24), "reader": secrets.token_urlsafe(24)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out)
    return Credentials((WRITER_USER, data["writer"]), (READER_USER, data["reader"]))


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def _password_hash(password: str) -> str:
    salt = base64.b64encode(secrets.token_bytes(32)).decode()
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _HASH_ITERATIONS, 32)
    return f"PBKDF2WithHmacSHA256${_HASH_ITERATIONS}${salt}${base64.b64encode(digest).decode()}"


def write_security(settings: Settings) -> None:
    """The server's users and groups, written before it starts: `root` is admin; `reader`
    may read records of every type and do nothing else, and its reads stop at the query
    timeout on the server (a read the client gave up on does not keep a core busy)."""
    creds = credentials(settings)
    config = settings.embedded_dir.resolve() / "config"
    _private_dir(config)
    users = [
        {"name": WRITER_USER, "databases": {"*": ["admin"]}},
        {"name": READER_USER, "databases": {settings.embedded_database: [READER_GROUP]}},
    ]
    users[0]["password"] = _password_hash(creds.writer[1])
    users[1]["password"] = _password_hash(creds.reader[1])
    no_access: dict[str, object] = {
        "resultSetLimit": -1,
        "readTimeout": -1,
        "access": [],
        "types": {"*": {"access": []}},
    }
    groups = {
        "databases": {
            "*": {
                "groups": {
                    "admin": {
                        "resultSetLimit": -1,
                        "readTimeout": -1,
                        "access": ["updateSecurity", "updateSchema", "updateDatabaseSettings"],
                        "types": {
                            "*": {
                                "access": [
                                    "createRecord", "readRecord", "updateRecord", "deleteRecord"
                                ]
                            }
                        },
                    },
                    READER_GROUP: {
                        "resultSetLimit": -1,
                        "readTimeout": int(settings.query_timeout_s * 1000),
                        "access": [],
                        "types": {"*": {"access": ["readRecord"]}},
                    },
                    "*": no_access,
                }
            }
        },
        "version": 2,
    }  # fmt: skip
    _write_private(config / "server-users.jsonl", "".join(json.dumps(u) + "\n" for u in users))
    _write_private(config / "server-groups.json", json.dumps(groups, indent=2))


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    tmp.replace(path)


def command(settings: Settings, http_port: int) -> list[str]:
    """The JVM's command line: no password in it (they are in the 0600 config files)."""
    pkg = package_dir()
    java = pkg / "jre" / "bin" / "java"
    if not java.exists():
        raise EmbeddedServerError(f"no bundled java at {java}")
    root = settings.embedded_dir.resolve()
    props = {
        "arcadedb.server.rootPath": root,
        "arcadedb.server.databaseDirectory": root / "databases",
        "arcadedb.server.defaultDatabases": f"{settings.embedded_database}[{WRITER_USER}]",
        "arcadedb.server.plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "arcadedb.bolt.host": "127.0.0.1",
        "arcadedb.bolt.port": settings.embedded_bolt_port,
        "arcadedb.server.httpIncomingHost": "127.0.0.1",
        "arcadedb.server.httpIncomingPort": http_port,
        # Not "production": that mode hides every error message from clients ("The
        # request failed. Check the server log"), and a user needs the parser's message
        # for a Cypher typo. What production would turn off is off below, one by one
        # (Studio is not in the wheel).
        "arcadedb.server.mode": "development",
        "arcadedb.txWalFlush": 0,
        "arcadedb.opencypher.loadCsv.allowFileUrls": "false",
        "arcadedb.opencypher.loadCsv.allowRemoteUrls": "false",
        "arcadedb.server.restoreImportAllowLocalUrls": "false",
        "arcadedb.polyglotEngineEnabled": "false",
        # Every statement stops on the server at the query timeout: the reader group's
        # readTimeout alone did not stop `UNWIND range(…) … WHERE` (a core busy for minutes).
        # A load's statements are batches of seconds at most; its commit is not a statement.
        "arcadedb.command.timeout": int(settings.query_timeout_s * 1000),
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
    limit, heap = info.get("statement_limit_s"), info.get("heap")
    return ServerInfo(
        pid,
        int(info["bolt_port"]),
        int(info["http_port"]),
        settings.embedded_dir,
        float(limit) if isinstance(limit, (int, float)) else None,
        heap if isinstance(heap, str) else None,
    )


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
    # Without SAHELKG_EMBEDDED_HTTP the HTTP listener goes to a free port nobody is told about:
    # ArcadeDB 26.10 has no switch to turn it off (it answers only to the passwords above).
    http_port = settings.embedded_http_port if settings.embedded_http else free_port()
    for port in (settings.embedded_bolt_port, http_port):
        if port_open(port):
            raise EmbeddedServerError(
                f"port {port} on 127.0.0.1 is taken by another process; set "
                "SAHELKG_EMBEDDED_BOLT_PORT / SAHELKG_EMBEDDED_HTTP_PORT to free ports"
            )
    if not settings.data_dir.exists():
        _private_dir(settings.data_dir)
    _private_dir(settings.embedded_dir)
    write_security(settings)
    log_fd = os.open(
        settings.embedded_dir / "server.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
    )
    with os.fdopen(log_fd, "ab") as log:
        proc = subprocess.Popen(
            command(settings, http_port),
            cwd=settings.embedded_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C in the shell that started it does not kill it
            umask=0o077,  # what the server writes is readable by this user only
        )
    info = ServerInfo(
        proc.pid,
        settings.embedded_bolt_port,
        http_port,
        settings.embedded_dir,
        settings.query_timeout_s,
        settings.embedded_heap,
    )
    _write_private(
        _pid_file(settings),
        json.dumps(
            {
                "pid": proc.pid,
                "bolt_port": info.bolt_port,
                "http_port": info.http_port,
                "statement_limit_s": settings.query_timeout_s,  # its arcadedb.command.timeout
                "heap": settings.embedded_heap,
            }
        ),
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
                    settings.bolt_uri, auth=credentials(settings).writer, connection_timeout=2
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
    if not is_our_server(info.pid, settings):
        _pid_file(settings).unlink(missing_ok=True)
        raise EmbeddedServerError(
            f"pid {info.pid} in {_pid_file(settings)} is not the ArcadeDB server of "
            f"{settings.embedded_dir}; not signalled (the stale pid file was removed)"
        )
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


def is_our_server(pid: int, settings: Settings) -> bool:
    """True when `pid` runs ArcadeDB's main class with this data directory as its root."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    root = f"-Darcadedb.server.rootPath={settings.embedded_dir.resolve()}".encode()
    return MAIN_CLASS.encode() in args and root in args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    # A child of ours is dead once reaped (not before: its threads may still hold its
    # sockets while its main thread shows as a zombie).
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done != pid
    except ChildProcessError:
        pass
    # Another process's zombie (the server started by `sahelkg serve`, stopped from a second
    # shell) is dead too, though only its parent can reap it.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")
