"""Screenshots of every page for the README: ``python scripts/screenshots.py [--out docs/screenshots]``.

Starts the app with ``streamlit run app.py`` on a free loopback port (the same helper as the
browser tests), opens it in Debian's Chromium (``/usr/bin/chromium``; nothing is downloaded),
visits every page of ``ui.pages.PAGES`` through the top navigation on a 1400x1000 viewport and
writes ``<out>/<page>.png`` (the viewport only, not the full page). ``--viewport 1024x768`` takes
them at a projector's size instead, as ``<out>/<page>_1024x768.png``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from e2e.server import CHROMIUM_ARGS, chromium_path, page_paths, streamlit_server  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}
#: A classroom projector's resolution (issue 11: the chart must show without scrolling).
PROJECTOR = "1024x768"
TIMEOUT_MS = 60_000


def wait_drawn(page) -> None:
    """Wait for the script run to end, skeletons and spinners to go and every Plotly chart to be drawn."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=TIMEOUT_MS)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(500)  # let transitions (expanders, chart resize) settle


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    p.add_argument("--viewport", metavar="WxH", default=None,
                   help=f"browser size, e.g. {PROJECTOR} (default {VIEWPORT['width']}x{VIEWPORT['height']}; "
                        "another size is added to the file names)")
    args = p.parse_args(argv)
    viewport, suffix = dict(VIEWPORT), ""
    if args.viewport:
        w, _, h = args.viewport.partition("x")
        if not (w.isdigit() and h.isdigit()):
            p.error(f"--viewport must look like 1024x768, got {args.viewport!r}")
        viewport = {"width": int(w), "height": int(h)}
        if viewport != VIEWPORT:
            suffix = f"_{w}x{h}"
    chromium = chromium_path()
    if chromium is None:
        print("no Chromium at /usr/bin/chromium or on PATH (apt-get install -y chromium); nothing written",
              file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=viewport)
        page.goto(url)
        wait_drawn(page)
        for stem, path in page_paths().items():
            # by address: on a narrow window the last pages fold into the navigation's menu
            page.goto(f"{url}/{path}")
            page.wait_for_url(f"{url}/{path}", timeout=TIMEOUT_MS)
            page.get_by_test_id("stMain").get_by_role("heading").first.wait_for(timeout=TIMEOUT_MS)
            wait_drawn(page)
            page.mouse.move(0, 0)  # no hover labels in the picture
            target = args.out / f"{stem}{suffix}.png"
            page.screenshot(path=str(target), full_page=False)
            print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  "
                  f"{target.stat().st_size / 1024:.0f} kB")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
