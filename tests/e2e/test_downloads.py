"""Downloads in a real browser (Chromium via Playwright): the buttons and the chart toolbar deliver real files.

AppTest cannot click a download; here each file is saved by the browser and checked like the
exports themselves (PNG size, SVG, PDF pages, offline HTML with the figure, CSV round trip,
scenario file, bundle contents). The server starts once per session (conftest.py).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from export_checks import check_csv_round_trip, check_html, check_pdf, check_png, check_svg
from playwright.sync_api import Page, expect

from simulator.params.scenario import make_scenario
from simulator.params.scenario_file import read_scenario_bytes, scenario_to_yaml
from simulator.present.charts import price_vs_length_chart
from simulator.present.registry import CHART_NAMES

from .server import chromium_path, key_class

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        chromium_path() is None, reason="no Chromium at /usr/bin/chromium or on PATH (apt-get install -y chromium)"
    ),
]

TIMEOUT_MS = 30_000
#: The whole bundle (every chart in five formats and the printed summary) takes longer. [ms]
BUNDLE_TIMEOUT_MS = 180_000
CHART = "price_vs_length"


def wait_idle(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT_MS)


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=TIMEOUT_MS)
    wait_idle(page)


def download(page: Page, button, timeout_ms: int = TIMEOUT_MS) -> tuple[str, bytes]:
    """Click a download button; return the suggested file name and the bytes the browser saved."""
    with page.expect_download(timeout=timeout_ms) as d:
        button.click()
    return d.value.suggested_filename, Path(d.value.path()).read_bytes()


def button(page: Page, key: str):
    """The visible button of a keyed download button (Streamlit renders a second, hidden one)."""
    return page.locator(f".{key_class(key)} button").filter(visible=True).first


def chart_button(page: Page, fmt: str):
    """Open the chart's Download popover and return one of its buttons."""
    popover = page.locator(f".{key_class('dl_' + CHART)}")
    button = page.locator(f".{key_class(f'dl_{CHART}_{fmt}')} button").filter(visible=True)
    if not button.count():
        popover.get_by_role("button").filter(visible=True).first.click()
    expect(button).to_be_visible(timeout=TIMEOUT_MS)
    return button


def open_export_panel(page: Page) -> None:
    panel = page.locator(f".{key_class('group_export')}")
    if not button(page, "dl_scenario").filter(visible=True).count():
        panel.get_by_text("Scenario file and handouts").click()
    expect(button(page, "dl_scenario")).to_be_visible(timeout=TIMEOUT_MS)


def test_chart_download_buttons_deliver_every_format(page: Page, app_url: str):
    open_app(page, app_url)
    chart = price_vs_length_chart(make_scenario())
    name, data = download(page, chart_button(page, "csv"))
    assert name == f"{CHART}.csv"
    check_csv_round_trip(data.decode("utf-8"), chart.data)
    name, data = download(page, chart_button(page, "csv_bom"))
    assert name == f"{CHART}_excel.csv" and data[:3] == b"\xef\xbb\xbf"  # not the plain CSV's name
    name, data = download(page, chart_button(page, "html"))
    assert name == f"{CHART}.html"
    assert check_html(data)[0]["layout"]["title"]["text"] == chart.title
    name, data = download(page, chart_button(page, "png"))
    assert name == f"{CHART}.png" and check_png(data) == (1400, 1000)
    name, data = download(page, chart_button(page, "svg"))
    assert name == f"{CHART}.svg"
    check_svg(data)
    name, data = download(page, chart_button(page, "pdf"))
    assert name == f"{CHART}.pdf" and check_pdf(data)[0] == 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_chart_toolbar_saves_svg_by_default_and_png_when_chosen(page: Page, app_url: str):
    open_app(page, app_url)
    plot = page.get_by_test_id("stPlotlyChart").first
    camera = plot.locator('.modebar-btn[data-title^="Download plot"]')

    def toolbar_download() -> tuple[str, bytes]:
        plot.hover()
        expect(camera).to_be_visible(timeout=TIMEOUT_MS)
        return download(page, camera)

    name, data = toolbar_download()
    assert name == f"{CHART}.svg"
    check_svg(data)
    open_export_panel(page)
    page.locator(f".{key_class('toolbar_image_format')}").get_by_text("PNG", exact=True).click()
    wait_idle(page)
    name, data = toolbar_download()
    assert name == f"{CHART}.png"
    w, h = check_png(data)
    assert w >= 2 * 600 and h >= 2 * 300, (w, h)  # scale 2 of the chart as drawn on the page


def test_scenario_file_downloads_and_uploads_back(page: Page, app_url: str, tmp_path: Path):
    open_app(page, f"{app_url}/?preset=rate_2005&pricing.discount_share=0.1")
    open_export_panel(page)
    name, data = download(page, button(page, "dl_scenario"))
    assert name == "allofmp3_rate_2005.yaml"
    s = read_scenario_bytes(data)
    assert s.preset == "rate_2005" and dict(s.overrides) == {"pricing.discount_share": 0.1}
    # Upload a different scenario: the inputs follow it.
    other = tmp_path / "lossless.yaml"
    other.write_text(scenario_to_yaml(make_scenario(preset="lossless", overrides={"pricing.rate_usd_per_mb": 0.025})))
    page.locator(f".{key_class('scenario_upload')} input[type=file]").set_input_files(str(other))
    expect(page.get_by_text("Loaded lossless.yaml.")).to_be_visible(timeout=TIMEOUT_MS)
    wait_idle(page)
    expect(page.locator(".gtitle").filter(has_text="at 2.5 c/MB")).to_have_count(1, timeout=TIMEOUT_MS)
    _, data = download(page, button(page, "dl_scenario"))
    back = read_scenario_bytes(data)
    assert back.preset == "lossless" and dict(back.overrides) == {"pricing.rate_usd_per_mb": 0.025}


def test_handout_bundle_downloads_as_a_zip_of_every_chart(page: Page, app_url: str):
    open_app(page, app_url)
    open_export_panel(page)
    name, data = download(page, button(page, "dl_bundle"), timeout_ms=BUNDLE_TIMEOUT_MS)
    assert name == "allofmp3_reported_2006_handout.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
        expected = {f"{c}.{f}" for c in CHART_NAMES for f in ("png", "svg", "pdf", "html", "csv")}
        alt = {f"{c}.alt.txt" for c in CHART_NAMES}
        assert names == expected | alt | {"scenario.yaml", "summary.html", "summary.pdf", "plotly.min.js"}
        check_png(zf.read(f"allofmp3_reported_2006_handout/{CHART}.png"))
        assert check_pdf(zf.read("allofmp3_reported_2006_handout/summary.pdf"))[0] >= 1


def test_scenario_report_downloads_as_one_offline_page(page: Page, app_url: str):
    open_app(page, f"{app_url}/?preset=card_freeze")
    open_export_panel(page)
    name, data = download(page, button(page, "dl_report"), timeout_ms=BUNDLE_TIMEOUT_MS)
    assert name == "allofmp3_card_freeze_report.html"
    figures = check_html(data)
    assert len(figures) == len(CHART_NAMES)
    assert b"Headline figures" in data and b"Sources" in data
