"""The app in a real browser (Chromium via Playwright): pages, a slider, a shared link, an upload.

What AppTest cannot see: the URL the browser shows, the drawn Plotly chart, the file input.
Each test costs a few seconds; the server starts once per session (see conftest.py).
No test asserts a time.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from simulator.model.market import market_year
from simulator.params.scenario import make_scenario
from simulator.present.report import format_usd

from .server import ROOT, chromium_path, key_class, page_paths

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        chromium_path() is None, reason="no Chromium at /usr/bin/chromium or on PATH (apt-get install -y chromium)"
    ),
]

CHINOOK = ROOT.parent / "shared" / "data" / "chinook_tracks.csv"
RATE = "pricing.rate_usd_per_mb"
TIMEOUT_MS = 30_000


def wait_idle(page: Page) -> None:
    """Wait until the script run has finished (Streamlit's own e2e signal)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT_MS)


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stMain").get_by_role("heading").first).to_be_visible(timeout=TIMEOUT_MS)
    wait_idle(page)


def metric(page: Page, label: str) -> str:
    """A metric's value, shown or folded away (Explore's headline cards live in a closed expander)."""
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return (box.get_by_test_id("stMetricValue").text_content() or "").strip()


def price_chart_title(page: Page) -> str:
    return page.locator(".gtitle").filter(has_text="Price per track").text_content() or ""


def rate_slider(page: Page):
    return page.locator(f".{key_class(RATE)}").get_by_role("slider")


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def assert_no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_every_page_loads(page: Page, app_url: str):
    """Open the app once, then visit every page file through the top navigation (one session: fast)."""
    open_app(page, app_url)
    shown = page.get_by_test_id("stMain").locator(
        '[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stPlotlyChart"], [data-testid="stTable"], '
        '[data-testid="stExpander"]'
    )
    for stem, path in page_paths().items():
        link = page.locator(f'a[data-testid="stTopNavLink"][href="{app_url}/{path}"]')
        expect(link, f"page {stem!r} has no link in the navigation").to_have_count(1)
        link.click()
        page.wait_for_url(f"{app_url}/{path}", timeout=TIMEOUT_MS)
        expect(shown.first, f"page {stem} shows no metric, table, chart or expander").to_be_visible(timeout=TIMEOUT_MS)
        wait_idle(page)
        expect(page.get_by_test_id("stException"), f"page {stem} shows a traceback").to_have_count(0)
        # st.error and st.warning have role="alert" (st.info is "status")
        expect(page.get_by_test_id("stMain").get_by_role("alert"), f"page {stem} shows an error").to_have_count(0)


def test_slider_moves_chart_and_metric(page: Page, app_url: str):
    open_app(page, app_url)
    expect(page.locator(".gtitle").filter(has_text="at 3 c/MB")).to_have_count(1, timeout=TIMEOUT_MS)
    revenue = metric(page, "Revenue a year")
    slider = rate_slider(page)
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".gtitle").filter(has_text="at 3.1 c/MB")).to_have_count(1, timeout=TIMEOUT_MS)
    wait_idle(page)
    assert metric(page, "Revenue a year") != revenue
    assert slider.get_attribute("aria-valuetext") == "0.031"
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('{RATE}') === '0.031'")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".gtitle").filter(has_text="at 3 c/MB")).to_have_count(1, timeout=TIMEOUT_MS)
    wait_idle(page)
    assert metric(page, "Revenue a year") == revenue
    # Back at the preset's value: the parameter leaves the link.
    page.wait_for_function(f"() => !new URL(location.href).searchParams.has('{RATE}')")
    assert_no_exception(page)


def test_shared_link_reopens_its_scenario(page: Page, app_url: str):
    open_app(page, f"{app_url}/?{RATE}=0.02&preset=lossless")
    page.wait_for_url(re.compile(r"/explore\?"), timeout=TIMEOUT_MS)  # the root opens Explore, link and all
    expect(page.get_by_test_id("stAlert")).to_have_count(0)
    assert rate_slider(page).get_attribute("aria-valuetext") == "0.020"
    lossless_2c = format_usd(market_year(make_scenario(preset="lossless", overrides={RATE: 0.02})).revenue_usd)
    assert metric(page, "Revenue a year") == lossless_2c
    assert "at 2 c/MB" in price_chart_title(page)
    rate_slider(page).focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('{RATE}') === '0.021'")
    wait_idle(page)
    expect(page.locator(".gtitle").filter(has_text="at 2.1 c/MB")).to_have_count(1, timeout=TIMEOUT_MS)
    assert query(page).get("preset") == ["lossless"], page.url
    moved = metric(page, "Revenue a year")
    assert moved != lossless_2c
    # The updated link, opened afresh, shows the same scenario.
    other = page.context.new_page()
    open_app(other, page.url)
    expect(other.get_by_test_id("stAlert")).to_have_count(0)
    assert metric(other, "Revenue a year") == moved
    assert rate_slider(other).get_attribute("aria-valuetext") == "0.021"


def test_explore_has_its_own_address(page: Page, app_url: str):
    open_app(page, f"{app_url}/explore?{RATE}=0.02")
    expect(page.locator(".gtitle").filter(has_text="at 2 c/MB")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(page.get_by_role("dialog")).to_have_count(0)  # no "Page not found"
    expect(page.locator('a[data-testid="stTopNavLink"]').filter(has_text="Explore")).to_have_attribute(
        "aria-current", "page")
    assert urlsplit(page.url).path == "/explore" and query(page) == {RATE: ["0.02"]}


def test_invalid_link_value_shows_a_notice(page: Page, app_url: str):
    open_app(page, f"{app_url}/?{RATE}=9&preset=nosuch")
    alert = page.get_by_test_id("stAlert")
    expect(alert).to_contain_text(f"{RATE}='9' ignored")
    expect(alert).to_contain_text("preset='nosuch' ignored")
    assert metric(page, "Revenue a year") == format_usd(market_year(make_scenario()).revenue_usd)
    assert rate_slider(page).get_attribute("aria-valuetext") == "0.030"
    assert_no_exception(page)


@pytest.mark.skipif(not CHINOOK.is_file(), reason=f"shared data absent: {CHINOOK} not found")
def test_catalogue_upload(page: Page, app_url: str):
    open_app(page, f"{app_url}/{page_paths()['catalogue']}")
    page.locator(f".{key_class('catalogue_source')}").get_by_text("Upload a file").click()
    file_input = page.locator(f".{key_class('catalogue_file')} input[type=file]")
    expect(file_input).to_have_count(1, timeout=TIMEOUT_MS)
    file_input.set_input_files(str(CHINOOK))
    expect(page.get_by_text(re.compile(r"3,289 tracks in 335 albums from chinook_tracks\.csv"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    wait_idle(page)
    expect(page.get_by_test_id("stMetric")).to_have_count(3)
    assert metric(page, "At iTunes").startswith("$")
    assert_no_exception(page)


#: A classroom projector (issue 11): Explore's chart must show beside the sidebar without scrolling.
PROJECTOR = {"width": 1024, "height": 768}


@pytest.mark.parametrize("view", ["Prices", "Who's paid", "Timeline"])
def test_explore_chart_fits_a_1024x768_projector(browser, app_url: str, view: str):
    page = browser.new_page(viewport=PROJECTOR)
    try:
        open_app(page, f"{app_url}/explore")
        if view != "Prices":
            page.get_by_test_id("stMain").get_by_text(view, exact=True).click()
            wait_idle(page)
        chart = page.get_by_test_id("stPlotlyChart").first
        expect(chart).to_be_visible(timeout=TIMEOUT_MS)
        expect(chart.locator(".main-svg").first).to_be_attached(timeout=TIMEOUT_MS)
        wait_idle(page)
        expect(chart).to_be_in_viewport(ratio=1.0, timeout=TIMEOUT_MS)  # retried while the page settles
        # The chart may be redrawn once more as the page settles: read its box when it is there.
        box = sidebar = None
        for _ in range(100):
            box, sidebar = chart.bounding_box(), page.get_by_test_id("stSidebar").bounding_box()
            if box is not None and sidebar is not None:
                break
            page.wait_for_timeout(100)
        assert box is not None and sidebar is not None
        assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
        assert box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], box
        assert box["x"] >= sidebar["x"] + sidebar["width"] and box["x"] + box["width"] <= PROJECTOR["width"], (box, sidebar)
    finally:
        page.close()


@pytest.mark.skipif(not CHINOOK.is_file(), reason=f"shared data absent: {CHINOOK} not found")
def test_album_box_follows_a_new_catalogue(page: Page, app_url: str):
    """The box showed the old catalogue's album name after an upload until the next rerun (issue 11)."""
    open_app(page, f"{app_url}/catalogue")
    box = page.locator(f".{key_class('catalogue_album')}")
    expect(box.locator("input").first).to_have_value("Artist 001 - Album 001", timeout=TIMEOUT_MS)
    box.locator("input").first.click()
    page.get_by_role("option", name="Artist 004 - Album 004").click(timeout=TIMEOUT_MS)
    wait_idle(page)
    expect(box.locator("input").first).to_have_value("Artist 004 - Album 004")
    page.get_by_text("Upload a file").click()
    wait_idle(page)
    page.locator(f".{key_class('catalogue_file')} input[type=file]").set_input_files(str(CHINOOK))
    heading = page.get_by_test_id("stMain").locator("h3").first
    expect(heading).not_to_have_text("Artist 004 - Album 004", timeout=TIMEOUT_MS)
    wait_idle(page)
    expect(box.locator("input").first).to_have_value(heading.inner_text())
