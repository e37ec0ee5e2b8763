"""The visual explorer: the page built from web/ (see web/README.md) into api/static/ and
committed, served at `/` with no npm, CDN or other host at run time.

Each file of api/static/ gets its own route (`/`, `/app.js`, `/app.css`, ...) rather than a
catch-all mount at `/`, so the page never shadows an API route, whatever the order in which
the app factory adds them."""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

STATIC_DIR = Path(__file__).resolve().parent / "static"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def _file_route(path: Path) -> FileResponse:
    media = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    # The bundle changes only with a new build; let the browser revalidate with the ETag.
    return FileResponse(path, media_type=media, headers={"Cache-Control": "no-cache"})


def mount_ui(app: FastAPI, static_dir: Path = STATIC_DIR) -> None:
    """Serve the explorer at `/` and its assets at `/<file>`; a clear page when not built."""
    index = static_dir / "index.html"

    async def page() -> Response:
        if not index.is_file():
            return HTMLResponse(
                "<!doctype html><title>Sahel KG</title><p>The explorer is not built: run "
                "<code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>. The API "
                "is at <a href='docs'>/docs</a>.</p>",
                status_code=503,
            )
        return _file_route(index)

    app.add_api_route("/", page, methods=["GET", "HEAD"], include_in_schema=False)
    if not static_dir.is_dir():
        return
    for path in sorted(static_dir.iterdir()):
        if not path.is_file() or path.name == "index.html" or path.name.startswith("."):
            continue

        app.add_api_route(
            f"/{path.name}", _asset(path), methods=["GET", "HEAD"], include_in_schema=False
        )


def _asset(path: Path) -> Callable[[], Awaitable[FileResponse]]:
    async def asset() -> FileResponse:
        return _file_route(path)

    return asset
