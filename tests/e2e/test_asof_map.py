"""The explorer in headless Chromium (issue 15): Mali's partners as of a day are the same in
the network, the REST answer, the console's example query and the map; the Bamako attack on
the map at Bamako, opening its contested figures; JNIM's chart brushed to 2024 filters the
map and the timeline; exported SVG and CSV hold exactly the nodes on screen and their
sources; deep links follow hashchange and Back; French; the details never cover the console.
No request leaves the server (the `page` fixture records any that would)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, ROOT, shot

pytestmark = pytest.mark.e2e

BAMAKO_ATTACK = "event-2024-09-17-bamako-attack"


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as _expect

    return _expect(target)


def ready(page: Any, hash_: str) -> None:
    page.goto(f"/{hash_}")
    page.wait_for_selector("body[data-ready]")
    page.wait_for_selector("body[data-map-ready]")
    page.wait_for_load_state("networkidle")


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].removeprefix("kg:")


@pytest.mark.parametrize(
    ("day", "partners"), [("2019-06-01", {"france"}), ("2024-10-01", {"russia", "turkiye"})]
)
def test_mali_partners_agree_in_network_rest_console_and_map(
    page: Any, day: str, partners: set[str]
) -> None:
    ready(page, f"#actor=mali&at={day}")
    expect(page.locator("#graph")).to_have_attribute("data-at", day)
    # The network: the Mali–X "partner of" edges.
    network = set(
        page.evaluate(
            """() => window.__cy.edges().filter(e => e.data('label') === 'partner of')
                 .map(e => [e.source().data('slug'), e.target().data('slug')]
                 .find(s => s !== 'mali'))"""
        )
    )
    # REST, as the page's own origin answers it.
    rest = page.request.get(f"/actors/mali/relations?at={day}&type=PARTNER_OF").json()
    rest_ids = {r["other"]["id"] for r in rest["items"]}
    # The console's example query (Cypher, then SPARQL), run as shown.
    expect(page.locator("#query")).to_have_value(re.compile(re.escape(f"date('{day}')")))
    page.locator("#run-query").click()
    expect(page.locator("#query-status")).to_contain_text("row")
    cypher = {short(t) for t in page.locator("#query-results tbody td").all_text_contents()}
    page.locator('input[name="lang"][value="sparql"]').check()
    expect(page.locator("#query")).to_have_value(re.compile(re.escape(f'"{day}"^^xsd:date')))
    # Both languages' tables have the column "other": wait for the SPARQL answer itself,
    # then for its rows (the status reads "…" from the click until they are drawn).
    with page.expect_response(lambda r: r.url.endswith("/sparql")):
        page.locator("#run-query").click()
    expect(page.locator("#query-status")).to_contain_text("row")
    expect(page.locator("#query-results th").first).to_have_text("other")
    sparql = {short(t) for t in page.locator("#query-results tbody td").all_text_contents()}
    # The map: the lines from Mali labelled "partner of".
    links = page.locator("#map .relation-link")
    on_map = {
        links.nth(i).get_attribute("data-other")
        for i in range(links.count())
        if "PARTNER_OF" in (links.nth(i).get_attribute("data-type") or "")
    }
    assert {
        "network": network,
        "rest": rest_ids,
        "cypher": cypher,
        "sparql": sparql,
        "map": on_map,
    } == {k: partners for k in ("network", "rest", "cypher", "sparql", "map")}
    shot(page, f"mali-as-of-{day}")
    assert page.errors == [], page.errors


def test_bamako_attack_is_on_the_map_at_bamako_and_opens_its_figures(page: Any) -> None:
    ready(page, "#actor=jnim")
    marker = page.locator(f'#map .event[data-id="{BAMAKO_ATTACK}"]')
    expect(marker).to_have_attribute("data-place", "bamako")
    expect(marker).to_have_attribute("data-precision", "town")
    town = page.locator('#map .place[data-id="bamako"] circle').bounding_box()
    here = marker.bounding_box()
    assert town and here
    # Fanned out around the town's point (several events there), within a few pixels.
    assert abs((here["x"] + here["width"] / 2) - (town["x"] + town["width"] / 2)) < 30
    assert abs((here["y"] + here["height"] / 2) - (town["y"] + town["height"] / 2)) < 30
    page.locator("#map").screenshot(path=str(ARTIFACTS / "map-jnim.png"))
    with page.expect_response(lambda r: f"/events/{BAMAKO_ATTACK}" in r.url):
        marker.click()
    details = page.locator("#details")
    expect(details.locator(".title")).to_contain_text("Bamako")
    expect(details.locator(".contested").first).to_be_visible()
    for value in ("77", "81"):
        expect(details.locator(f'.claim[data-value="{value}"]').first).to_be_visible()
    # The keyboard reaches the same marker.
    marker.focus()
    page.keyboard.press("Enter")
    expect(details.locator(".title")).to_contain_text("Bamako")
    shot(page, "map-bamako-attack")
    docs_png = ARTIFACTS / "map-jnim.png"
    if docs_png.exists():  # the committed screenshot of the map is refreshed from here
        shutil.copyfile(docs_png, ARTIFACTS / "docs-explorer-map.png")
    assert ROOT.joinpath("docs", "explorer-map.png").is_file()
    assert page.errors == [], page.errors


def test_jnim_chart_brushed_to_2024_filters_map_and_timeline(page: Any) -> None:
    ready(page, "#actor=jnim")
    chart = page.locator("#chart")
    assert int(chart.get_attribute("data-months")) > 12
    bars = page.locator('#chart g.month[data-total]:not([data-total="0"])')
    assert bars.count() >= 3  # months with events
    jan = page.locator('#chart g.month[data-month="2024-01"]')
    dec = page.locator('#chart g.month[data-month="2024-12"]')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    x0 = box["x"] + float(jan.get_attribute("data-x")) + 1
    x1 = box["x"] + float(dec.get_attribute("data-x")) + float(dec.get_attribute("data-band")) - 1
    y = box["y"] + box["height"] / 2
    with page.expect_response(lambda r: "/map/events" in r.url and "from=2024-01-01" in r.url):
        page.mouse.move(x0, y)
        page.mouse.down()
        page.mouse.move((x0 + x1) / 2, y, steps=4)
        page.mouse.move(x1, y, steps=4)
        page.mouse.up()
    expect(page).to_have_url(re.compile(r"from=2024-01-01&to=2024-12-31"))
    page.wait_for_load_state("networkidle")
    expect(page.locator("#map")).to_have_attribute("data-from", "2024-01-01")
    markers = page.locator("#map .event")
    want = page.request.get("/map/events?actor=jnim&from=2024-01-01&to=2024-12-31").json()["events"]
    assert markers.count() > 0
    shown = {markers.nth(i).get_attribute("data-id") for i in range(markers.count())}
    assert shown <= {e["id"] for e in want}
    assert all(e["date"].startswith("2024") for e in want)
    assert BAMAKO_ATTACK in shown
    dates = page.locator("#timeline li[data-date]").evaluate_all(
        "els => els.map(e => e.dataset.date)"
    )
    assert dates and all(d.startswith("2024") for d in dates), dates
    expect(page.locator('#chart g.month.selected[data-month="2024-06"]')).to_have_count(1)
    shot(page, "chart-jnim-2024")
    assert page.errors == [], page.errors


def test_exported_svg_and_csv_hold_exactly_the_nodes_on_screen(page: Any) -> None:
    ready(page, "#actor=mali&at=2019-06-01")
    on_screen = set(page.evaluate("window.__cy.nodes().map(n => n.id())"))
    edges = page.evaluate("window.__cy.edges().length")
    assert len(on_screen) > 3
    with page.expect_download() as info:
        page.locator('button[data-export="network:svg"]').click()
    svg = open(info.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert set(re.findall(r'<g class="node" data-iri="([^"]+)"', svg)) == on_screen
    assert len(re.findall(r'<g class="edge"', svg)) == edges
    assert "as of 2019-06-01" in svg
    with page.expect_download() as info:
        page.locator("#export-view-csv").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))  # noqa: SIM115
    assert {r["id"] for r in rows if r["kind"] == "node"} == on_screen
    relations = [r for r in rows if r["kind"] == "relation"]
    assert len(relations) == edges
    assert all(r["sources"] for r in relations)  # every relation with its sources
    assert all(r["asOf"] == "2019-06-01" for r in rows)
    mali = next(r for r in rows if r["id"].endswith("/mali"))
    assert mali["sources"]  # nodes carry their sources too
    assert page.errors == [], page.errors


def test_deep_links_follow_hashchange_and_back(page: Any) -> None:
    ready(page, "#actor=mali")
    expect(page.locator("#graph-centre")).to_contain_text("Mali")
    with page.expect_response(lambda r: "/actors/jnim/neighbourhood" in r.url):
        page.evaluate("location.hash = '#actor=jnim&at=2024-10-01'")  # pasted into the open tab
    expect(page.locator("#graph-centre")).to_contain_text("JNIM")
    expect(page.locator("#date-output")).to_have_text("2024-10-01")
    with page.expect_response(lambda r: "/actors/mali/neighbourhood" in r.url):
        page.go_back()
    expect(page.locator("#graph-centre")).to_contain_text("Mali")
    expect(page.locator("#date-output")).not_to_have_text("2024-10-01")
    assert page.errors == [], page.errors


def test_french_interface_and_details_beside_the_console(page: Any) -> None:
    ready(page, "#actor=mali&at=2019-06-01")
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#graph-title")).to_contain_text("Réseau")
    expect(page.locator("#edge-list li", has_text="partenaire de").first).to_be_attached()
    page.locator(".console-section").scroll_into_view_if_needed()
    details = page.locator("aside.details").bounding_box()
    console = page.locator(".console-section").bounding_box()
    assert details and console
    overlap_x = min(details["x"] + details["width"], console["x"] + console["width"]) - max(
        details["x"], console["x"]
    )
    assert overlap_x <= 0, (details, console)  # side by side, never on top
    page.locator("#lang-switch").click()  # back to English for the other tests
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.errors == [], page.errors


@pytest.mark.parametrize("which", ["network", "map", "chart"])
def test_png_and_svg_of_each_view(page: Any, which: str) -> None:
    ready(page, "#actor=jnim&at=2024-10-01")
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
        with page.expect_download() as info:
            page.locator(f'button[data-export="{which}:{fmt}"]').click()
        assert info.value.failure() is None
        data = open(info.value.path(), "rb").read()  # noqa: SIM115
        assert data.startswith(magic), (which, fmt, data[:20])
        assert "as-of-2024-10-01" in info.value.suggested_filename
    assert page.errors == [], page.errors
