"""The Streamlit front end: rerun cost after a slider change, as ratios to a minimal app.

Two figures, each against ``bench/minimal_app.py`` (one slider, one small Plotly chart) timed
in the same run, measurements interleaved (app, minimal, app, minimal, ...) so that load from
other processes falls on both:

(a) AppTest: ``run()`` after setting Explore's rate slider, median of 30 (5 with ``--quick``).
    Reported twice: *cold*, every rerun a rate never seen in this process (so every cached model
    call is recomputed: what a user dragging the slider gets), and *warm*, alternating between two
    rates already computed (cache hits: the cost of the page itself). Target: ratio <= 3.
(b) Browser (Chromium via Playwright, ``streamlit run`` on loopback): from the ArrowRight key press
    on the focused slider to the chart's title text changing in the DOM (a MutationObserver in the
    page, timed with ``performance.now()``), median of 20 (5 with ``--quick``); every press is a new
    value. The time until ``data-test-script-state`` is back to ``notRunning`` is in the detail.
    Target: ratio <= 2. Omitted, with a note on stderr, when Chromium is absent.

No test asserts these times.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bench import Result

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
MINIMAL = ROOT / "bench" / "minimal_app.py"
RATE = "pricing.rate_usd_per_mb"
MIN_KEY = "rate"


def _ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1e3:.0f} ms"


# --- (a) AppTest -----------------------------------------------------------------------------


def _timed_run(at) -> float:
    t0 = time.perf_counter()
    at.run()
    dt = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"the app raised: {at.exception[0].value}")
    return dt


def apptest_times(n: int) -> dict[str, list[float]]:
    """Rerun times [s] of Explore (cold and warm) and of the minimal app, interleaved."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=120)
    _timed_run(app)  # first run: imports, assumptions, session set-up (not counted)
    minimal = AppTest.from_file(str(MINIMAL), default_timeout=120)
    _timed_run(minimal)
    out: dict[str, list[float]] = {"cold": [], "warm": [], "minimal_cold": [], "minimal_warm": []}
    # Rates this process has not priced yet, within the slider's 0.005-0.10: 0.041, 0.042, ...
    # (the presets use 0.02-0.04).
    cold = [round(0.040 + 0.001 * (i + 1), 3) for i in range(n)]
    for i, rate in enumerate(cold):
        app.slider(key=RATE).set_value(rate)
        out["cold"].append(_timed_run(app))
        minimal.slider(key=MIN_KEY).set_value(100 + i)
        out["minimal_cold"].append(_timed_run(minimal))
    warm = cold[:2]
    for i in range(n):
        app.slider(key=RATE).set_value(warm[i % 2])
        out["warm"].append(_timed_run(app))
        minimal.slider(key=MIN_KEY).set_value(100 + i % 2)
        out["minimal_warm"].append(_timed_run(minimal))
    return out


# --- (b) browser -----------------------------------------------------------------------------

_ARM = """() => {
  const titles = () => [...document.querySelectorAll('.gtitle')].map(e => e.textContent).join('|');
  const app = document.querySelector('[data-testid="stApp"]');
  const b = {before: titles(), t0: null, chart: null, started: false, done: null};
  window.__bench = b;
  document.addEventListener('keydown', () => { if (b.t0 === null) b.t0 = performance.now(); },
                            {capture: true, once: true});
  // Records, not the attribute's current value: a fast run goes running -> notRunning between two callbacks.
  const obs = new MutationObserver(records => {
    const now = performance.now();
    if (b.t0 === null) return;
    if (records.some(r => r.attributeName === 'data-test-script-state')) b.started = true;
    if (b.chart === null && titles() !== b.before) b.chart = now;
    // React may batch running -> notRunning into no DOM change at all: a redrawn chart also means it ran.
    if ((b.started || b.chart !== null) && b.done === null
        && app.getAttribute('data-test-script-state') === 'notRunning') b.done = now;
    if (b.chart !== null && b.done !== null) obs.disconnect();
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: ['data-test-script-state']});
}"""


def _press(page, slider, timeout_ms: float = 60_000) -> tuple[float, float]:
    """Press ArrowRight on the slider; (key -> chart title changed, key -> script run finished) [s]."""
    slider.focus()
    page.evaluate(_ARM)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.__bench.chart !== null && window.__bench.done !== null",
                           timeout=timeout_ms)
    b = page.evaluate("() => window.__bench")
    return (b["chart"] - b["t0"]) / 1e3, (b["done"] - b["t0"]) / 1e3


def browser_times(n: int, chromium: str) -> dict[str, list[float]]:
    """Key press -> chart redraw and -> run finished [s], Explore and the minimal app, interleaved."""
    from playwright.sync_api import expect, sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from e2e.server import CHROMIUM_ARGS, key_class, streamlit_server

    def ready(page) -> None:
        expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)
        page.wait_for_function("() => document.querySelector('.gtitle')", timeout=60_000)

    out: dict[str, list[float]] = {"app_chart": [], "app_done": [], "min_chart": [], "min_done": []}
    with (
        streamlit_server(APP) as app_url,
        streamlit_server(MINIMAL) as min_url,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for name, url, key in (("app", app_url, RATE), ("min", min_url, MIN_KEY)):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(url)
                ready(page)
                pages[name] = (page, page.locator(f".{key_class(key)}").get_by_role("slider"))
            for _ in range(n):
                for name, (page, slider) in pages.items():
                    chart, done = _press(page, slider)
                    out[f"{name}_chart"].append(chart)
                    out[f"{name}_done"].append(done)
                    ready(page)
        finally:
            browser.close()
    return out


def _chromium() -> str | None:
    sys.path.insert(0, str(ROOT / "tests"))
    from e2e.server import chromium_path

    return chromium_path()


def run(quick: bool = False) -> list[Result]:
    n = 5 if quick else 30
    t = apptest_times(n)
    results = []
    for mode, what in (("cold", "a new rate each rerun"), ("warm", "two rates alternating, cached")):
        ratio = statistics.median(t[mode]) / statistics.median(t[f"minimal_{mode}"])
        results.append(Result(
            name=f"app: Explore rerun after a slider change, AppTest ({mode}: {what}) / minimal app, median of {n}",
            value=ratio, unit="ratio", target=3.0, met=ratio <= 3.0,
            detail=f"Explore {_ms(t[mode])}, minimal {_ms(t[f'minimal_{mode}'])}",
        ))
    chromium = _chromium()
    if chromium is None:
        print("bench_app: no Chromium at /usr/bin/chromium or on PATH: browser benchmark omitted", file=sys.stderr)
        return results
    nb = 5 if quick else 20
    b = browser_times(nb, chromium)
    ratio = statistics.median(b["app_chart"]) / statistics.median(b["min_chart"])
    results.append(Result(
        name=f"app: key press -> chart redrawn in Chromium, Explore / minimal app, median of {nb}",
        value=ratio, unit="ratio", target=2.0, met=ratio <= 2.0,
        detail=(f"chart: Explore {_ms(b['app_chart'])}, minimal {_ms(b['min_chart'])}; "
                f"run finished: Explore {_ms(b['app_done'])}, minimal {_ms(b['min_done'])}"),
    ))
    return results
