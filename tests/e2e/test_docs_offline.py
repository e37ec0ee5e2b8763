"""/docs (Swagger UI) and /redoc in Chromium with every host but the API's own blocked: their
scripts and styles come from the app (fastapi-offline's copies), so both render offline."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import shot


def _offline(page: Any, base_url: str) -> list[tuple[str, str]]:
    """Abort every request that leaves the API's origin; return those tried (type, url)."""
    blocked: list[tuple[str, str]] = []

    def route(r: Any) -> None:
        if r.request.url.startswith((base_url, "data:", "blob:")):
            r.continue_()
        else:
            blocked.append((r.request.resource_type, r.request.url))
            r.abort()

    page.context.route("**/*", route)
    return blocked


def test_swagger_ui_renders_offline(page: Any, base_url: str) -> None:
    blocked = _offline(page, base_url)
    page.goto("/docs")
    # Operations appear only once the bundle has run and fetched /openapi.json.
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/sparql" in paths and "/actors" in paths
    assert "Sahel KG query service" in page.locator(".info .title").inner_text()
    shot(page, "docs-offline")
    assert blocked == [] and page.errors == []


def test_redoc_renders_offline(page: Any, base_url: str) -> None:
    blocked = _offline(page, base_url)
    page.goto("/redoc")
    page.wait_for_selector("[data-section-id]", timeout=30_000)
    assert page.get_by_text("Sahel KG query service").first.is_visible()
    shot(page, "redoc-offline")
    # ReDoc's "API docs by Redocly" footer shows a logo from its CDN: with no network that
    # one picture is missing, nothing else (no script, style or font).
    assert [kind for kind, _ in blocked if kind != "image"] == []
    logos = {url for _, url in blocked}
    assert all("redoc" in url and url.endswith(".svg") for url in logos), blocked
    # The fixture records that request and the console's "failed to load" for it; the
    # Content-Security-Policy refuses the same picture first (img-src 'self').
    logos.add("https://cdn.redoc.ly/redoc/logo-mini.svg")
    others = [e for e in page.errors if "ERR_FAILED" not in e and not any(u in e for u in logos)]
    assert others == []
