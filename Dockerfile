# The Sahel KG query service (sahelkg serve). Built by docker-compose.yml, which wires it to
# a Neo4j 5 server through SAHELKG_* variables; without SAHELKG_NEO4J_URI it would start the
# embedded ArcadeDB server inside the container instead.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SAHELKG_ONTOLOGY_PATH=/app/ontology/sahel.ttl \
    SAHELKG_SHAPES_PATH=/app/ontology/shapes.ttl \
    SAHELKG_SEEDS_DIR=/app/seeds \
    SAHELKG_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY api ./api
COPY cli ./cli
COPY ingest ./ingest
COPY ontology ./ontology
COPY seeds ./seeds
RUN pip install . \
    && useradd --create-home --uid 10001 sahelkg \
    && mkdir -p /data && chown sahelkg /data

USER sahelkg
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]
# 0.0.0.0 inside the container only; compose publishes the port on the host's 127.0.0.1.
CMD ["sahelkg", "serve", "--host", "0.0.0.0", "--port", "8000"]
