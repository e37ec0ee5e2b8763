"""docker-compose.yml and the Dockerfile (no Docker engine here): the compose file parses,
runs Neo4j 5 community with a healthcheck and volumes, and wires the API to it through
SAHELKG_* variables that Settings reads."""

from __future__ import annotations

import os
import re
from typing import Any
from unittest import mock

from graph.settings import Settings
from tests.conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def substitute(value: str, env: dict[str, str] | None = None) -> str:
    """Compose's ${VAR:-default} (and $$ escapes), as `docker compose config` would."""
    env = env or {}

    def one(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(3) or ""
        return env.get(name, default)

    return re.sub(r"\$\{([A-Z0-9_]+)(:-([^}]*))?\}", one, value).replace("$$", "$")


def test_neo4j_service(compose: dict[str, Any]) -> None:
    neo = compose["services"]["neo4j"]
    assert neo["image"].startswith("neo4j:5") and "enterprise" not in neo["image"]
    assert "test" in neo["healthcheck"] and neo["healthcheck"]["interval"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in neo["volumes"]}
    assert {"/data", "/logs"} <= set(mounts)
    assert set(mounts.values()) <= set(compose["volumes"])  # named volumes, declared
    assert all(p.startswith("127.0.0.1:") for p in neo["ports"])
    assert substitute(neo["environment"]["NEO4J_AUTH"]).startswith("neo4j/")


def test_api_is_wired_to_neo4j(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]
    neo = compose["services"]["neo4j"]
    assert (ROOT / api["build"]["context"] / api["build"]["dockerfile"]).is_file()
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    env = {k: substitute(str(v)) for k, v in api["environment"].items()}
    assert env["SAHELKG_NEO4J_URI"] == "bolt://neo4j:7687"  # the service name
    user, password = substitute(neo["environment"]["NEO4J_AUTH"]).split("/", 1)
    assert (env["SAHELKG_NEO4J_USER"], env["SAHELKG_NEO4J_PASSWORD"]) == (user, password)
    assert len(password) >= 8  # Neo4j refuses shorter passwords
    # Every SAHELKG_ variable is a Settings field, and Settings reads them as meant.
    fields = {f"SAHELKG_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= fields, set(env) - fields
    with mock.patch.dict(os.environ, env):  # read from the environment, as in the container
        s = Settings(_env_file=None)
    assert not s.embedded and s.bolt_uri == "bolt://neo4j:7687"
    assert s.neo4j_auth == (user, password) and s.database == "neo4j"
    assert api["ports"] == ["127.0.0.1:8000:8000"]
    assert "127.0.0.1" in s.allowed_hosts  # the published port answers its Host header
    assert api["command"][:2] == ["sahelkg", "serve"] and "8000" in api["command"]


def test_dockerfile_serves_the_api() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.1[1-9]", text, re.M)
    assert "EXPOSE 8000" in text and "HEALTHCHECK" in text and "/health" in text
    assert '"sahelkg", "serve"' in text
    assert re.search(r"^USER (?!root)", text, re.M)
    for path in ("graph", "api", "cli", "ingest", "ontology", "seeds", "pyproject.toml"):
        assert re.search(rf"^COPY {re.escape(path)}\b", text, re.M), path


def test_production_neo4j_allows_the_apoc_procedures_the_tests_allow(
    compose: dict[str, Any],
) -> None:
    """Parity: the read gate's apoc.lock.read.nodes (graph/store/neo4j_server.py) and the
    rest of the allow-list are the test server's (tools/neo4j-server)."""
    env = compose["services"]["neo4j"]["environment"]
    assert "apoc" in env["NEO4J_PLUGINS"]
    java = (ROOT / "tools/neo4j-server/src/main/java/sahelkg/neo4j/Neo4jServer.java").read_text()
    listed = java[java.index("DEFAULT_ALLOWLIST") : java.index("private Neo4jServer()")]
    tests_allow = set(re.findall(r'"(apoc\.[^"]+)"', listed))
    assert "apoc.lock.read.nodes" in tests_allow
    assert set(env["NEO4J_dbms_security_procedures_allowlist"].split(",")) == tests_allow
