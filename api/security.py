"""HTTP hygiene in one place: security headers on every response, and cross-site requests
refused before any route runs (a page on another origin could otherwise make a browser
send GET /sparql?query=… or POST /cypher with the user's network position: an <img> or a
form needs no CORS). The Host check is Starlette's TrustedHostMiddleware (api/app.py)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The explorer and the docs load only their own files; Swagger UI and ReDoc start from
# an inline script, so the two doc pages allow that and nothing else more.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = CSP.replace(
    "default-src 'self';",
    "default-src 'self'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:;",
)  # ReDoc searches in a worker it makes from a blob
DOC_PAGES = ("/docs", "/redoc")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
# Routes other sites may call from a browser (OpenRefine's reconciliation client): they set
# their own CORS headers.
CROSS_SITE_PATHS = ("/reconcile",)


class Hygiene:
    def __init__(self, app: ASGIApp, cors_origins: list[str]) -> None:
        self.app = app
        self.allowed_origins = {o.rstrip("/") for o in cors_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if not path.startswith(CROSS_SITE_PATHS) and self._cross_site(headers):
            await _refuse(send)
            return
        csp = (DOCS_CSP if path.startswith(DOC_PAGES) else CSP).encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [*HEADERS, (b"content-security-policy", csp)]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)

    def _cross_site(self, headers: dict[str, str]) -> bool:
        """A request a browser sent for a page of another site: Sec-Fetch-Site says so
        (top-level navigations to a page are fine), or the Origin is neither this host nor
        an allowed CORS origin."""
        origin = headers.get("origin")
        if origin is not None:
            if origin.rstrip("/") in self.allowed_origins:
                return False
            return origin == "null" or urlsplit(origin).netloc != headers.get("host")
        site = headers.get("sec-fetch-site")
        navigate = headers.get("sec-fetch-mode") == "navigate"
        return site == "cross-site" and not (
            navigate and headers.get("sec-fetch-dest") == "document"
        )


async def _refuse(send: Send) -> None:
    body = json.dumps(
        {
            "error": "cross_site",
            "detail": "cross-site request refused: call this API from its own pages, "
            "a script or a tool, or add your origin to SAHELKG_CORS_ORIGINS",
            "status": 403,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
