"""api/ui.py without a browser: the page and its assets are served from api/static/, never
shadow an API route, and an unbuilt page says how to build it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.ui import STATIC_DIR, mount_ui


def test_static_bundle_is_committed_and_offline() -> None:
    for name in ("index.html", "app.js", "app.css"):
        assert (STATIC_DIR / name).is_file(), name
    html = (STATIC_DIR / "index.html").read_text()
    assert 'src="app.js"' in html and 'href="app.css"' in html
    for name in ("index.html", "app.css"):
        text = (STATIC_DIR / name).read_text()
        assert "http://" not in text.replace("http://www.w3.org", "")
        assert "https://" not in text
    bundle = (STATIC_DIR / "app.js").read_text()
    # No script, style or font from elsewhere: the only absolute URLs are namespaces and IRIs.
    for marker in ("cdn.", "unpkg.com", "jsdelivr", "googleapis", "fonts.g"):
        assert marker not in bundle, marker


def test_page_and_assets_served_without_shadowing_the_api() -> None:
    app = FastAPI()
    mount_ui(app)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    client = TestClient(app)
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Sahel KG" in page.text
    js = client.get("/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert client.get("/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/nothing-here").status_code == 404
    assert "/" not in app.openapi()["paths"]


def test_unbuilt_page_says_how_to_build(tmp_path: Path) -> None:
    app = FastAPI()
    mount_ui(app, tmp_path / "missing")
    answer = TestClient(app).get("/")
    assert answer.status_code == 503
    assert "npm run build" in answer.text
