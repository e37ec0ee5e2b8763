"""Every knob in one place. Environment variables take the prefix SAHELKG_ (e.g.
SAHELKG_NEO4J_URI); a .env file in the working directory is read too. The defaults run the
embedded ArcadeDB server under ./.data with no set-up."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _project_root() -> Path:
    """Where ontology/ and seeds/ are. Beside the packages in a checkout or an editable
    install; after `pip install .` the packages are in site-packages, so next the folder
    `sahelkg` runs in (the README's set-up runs it in the repository), then the copy the
    wheel installs under <prefix>/share/sahel-kg (pyproject: data-files)."""
    here = Path(__file__).resolve().parent.parent
    for root in (here, Path.cwd(), Path(sys.prefix) / "share" / "sahel-kg"):
        if (root / "ontology" / "sahel.ttl").is_file():
            return root
    return here


PROJECT_ROOT = _project_root()


def _embedded_heap() -> str:
    """A third of the machine's memory in whole GiB, from 2 to 16: room for the server's
    caches. A load no longer needs it: its batches each commit, and its switch is a few
    writes, so 10M triples load on 2g (BENCHMARKS.md 2g). It was raised from 2g when the
    switch was one transaction over every new node, which ran out of 2g at 10M (2f)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2g"
    return f"{max(2, min(16, total // 3 // 2**30))}g"


def _read_threads() -> int:
    """As many as the cores this process may use, up to 4. A read is mostly the API's
    Python under one GIL, and the store's server shares the machine: on 2 cores, 2 threads
    answered 8-20 % more uncached reads a second than 4 on the embedded store, with less
    CPU per request, and as many on Neo4j (BENCHMARKS.md, 3h)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAHELKG_", env_file=".env", extra="ignore")

    # Bolt server. No URI: start (or reuse) the embedded ArcadeDB server.
    neo4j_uri: str | None = Field(
        default=None, description="bolt:// or neo4j:// URI; unset = embedded server"
    )
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    # The account reads run as (REST, /cypher, `sahelkg query`, exports, the SPARQL view).
    # Unset: the same as neo4j_user, whose reads still run in READ access mode, which Neo4j
    # enforces; on Enterprise or Aura, give a user with the built-in `reader` role.
    neo4j_reader_user: str | None = None
    neo4j_reader_password: SecretStr | None = None
    connection_timeout_s: float = 10.0

    # Embedded ArcadeDB server.
    data_dir: Path = Path(".data")
    embedded_bolt_port: int = 7687
    embedded_http_port: int = 2480
    embedded_http: bool = Field(
        default=False, description="serve ArcadeDB's own HTTP API on embedded_http_port"
    )
    embedded_database: str = "sahel"
    embedded_heap: str = Field(default_factory=_embedded_heap, description="its Java heap")
    embedded_start_timeout_s: float = 90.0

    # Data.
    ontology_path: Path = PROJECT_ROOT / "ontology" / "sahel.ttl"
    shapes_path: Path = PROJECT_ROOT / "ontology" / "shapes.ttl"
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    batch_size: int = Field(default=2000, ge=1, le=100_000)
    load_stale_s: float = Field(
        default=600.0,
        gt=0,
        description="a loader on another host with no batch for this long is taken for dead",
    )
    commit_wait_s: float = Field(
        default=60.0, gt=0, description="how long a load waits for readers before it commits"
    )
    # Inputs larger than this are streamed through an index on disk (graph/load_stream.py):
    # client memory stays bounded whatever their size. Smaller ones are read whole (faster).
    stream_above_bytes: int = Field(
        default=64 * 1024 * 1024, ge=0, description="input bytes above which a load streams"
    )
    load_tmp: Path | None = Field(
        default=None, description="folder for a streamed load's index (default: system temp)"
    )

    # Queries.
    query_timeout_s: float = Field(default=10.0, gt=0)
    max_rows: int = Field(default=10_000, ge=1)
    max_response_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="JSON bytes of a /cypher answer"
    )
    # The driver is synchronous: reads run in a few threads. The API process is bound by the
    # GIL, so more threads add contention, not throughput (BENCHMARKS.md, section 3).
    read_threads: int = Field(
        default_factory=_read_threads, ge=1, description="threads for the REST reads"
    )
    cypher_threads: int = Field(
        default=4, ge=1, description="threads for /cypher (apart: a slow query never holds up REST)"
    )

    # HTTP API (`sahelkg serve`).
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_workers: int = Field(default=1, ge=1, description="uvicorn worker processes")
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    cors_origins: list[str] = Field(
        default_factory=list, description="origins allowed by CORS; empty = CORS off"
    )
    max_page_size: int = Field(default=500, ge=1)
    # HTTP caching (api/cache.py): rendered GET answers kept per worker process, per graph
    # version; 0 turns the in-process cache off (ETags and 304s stay).
    response_cache_bytes: int = Field(
        default=64 * 1024 * 1024, ge=0, description="bytes of rendered answers kept per worker"
    )
    graph_version_recheck_s: float = Field(
        default=2.0,
        gt=0,
        description="how often the API asks the store for its load ids (loads from other hosts)",
    )
    # The SPARQL view (graph/sparql.py) brought up to date in the background when the API
    # starts and after each load (api/view.py), so no query waits for the copy (minutes at
    # 10M triples). Off: each worker builds its copy at its first SPARQL query, and a
    # worker that never gets one holds none (memory, with several workers).
    sparql_keep_current: bool = Field(
        default=True, description="keep the SPARQL view current in the background"
    )
    # Each full copy of the view is also kept in data_dir/sparql-view (graph/sparql_keep.py)
    # for the next service process, which starts from it when the graph's loads are the
    # same (as large as the graph's N-Triples: about 1.5 GB at 10M triples).
    sparql_keep_copy: bool = Field(
        default=True, description="keep the SPARQL view's full copy for the next start"
    )
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1"],
        description="Host header names the API answers ('*' = any); others get 400",
    )

    @property
    def embedded(self) -> bool:
        return not self.neo4j_uri

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.embedded_bolt_port}"

    @property
    def neo4j_auth(self) -> tuple[str, str]:
        return (self.neo4j_user, self.neo4j_password.get_secret_value())

    @property
    def neo4j_reader_auth(self) -> tuple[str, str]:
        if self.neo4j_reader_user is None:
            return self.neo4j_auth
        password = self.neo4j_reader_password or SecretStr("")
        return (self.neo4j_reader_user, password.get_secret_value())

    @property
    def database(self) -> str:
        return self.embedded_database if self.embedded else self.neo4j_database

    @property
    def embedded_dir(self) -> Path:
        return self.data_dir / "arcadedb"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
