"""Every chart at every offered size, laid out by Chromium: nothing cut, nothing overlapping, the credit inside.

Two views of the laid-out figure:

- Plotly's own full figure (``full_figure_for_development``, computed by Kaleido in Chromium): the
  margins plotly.js settled on after its automargin pass leave a plot area of real size, and no
  margin grew past what :func:`simulator.present.style.fit_layout` planned for the credit line.
- The exported SVG opened in Chromium (Playwright, the system browser): the bounding box of every
  piece of text as drawn (titles, tick labels, axis titles, legend entries, annotations, event
  labels, contour and bar labels, the credit line) lies inside the image, and no two overlap.

Skipped with a reason without Chromium or Kaleido; the browser is pytest-playwright's ``browser`` fixture,
launched from the system Chromium (tests/conftest.py). Nothing downloads a browser.
"""

from __future__ import annotations

import itertools
import json

import pytest
from export_checks import CHROMIUM, NO_CHROMIUM

from simulator.output import export
from simulator.params.scenario import make_scenario
from simulator.present.registry import CHART_NAMES, scenario_charts
from simulator.present.style import SIZES

pytestmark = pytest.mark.skipif(CHROMIUM is None or export.static_export_problem() is not None,
                                reason=NO_CHROMIUM)
#: Overlap smaller than this is anti-aliasing, not a collision. [px]
TOLERANCE_PX = 1.0
#: Presets drawn: the README's baseline and the one whose labels crowd most (the card freeze moves events).
PRESETS = ("reported_2006", "card_freeze")

_BOXES_JS = """
() => {
  const svg = document.querySelector('svg');
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const style = window.getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let g = t.parentElement, kind = '';
    while (g && g !== svg) {
      const c = g.getAttribute('class') || '';
      const m = c.match(/(xtick|ytick|y2tick|g-xtitle|g-ytitle|g-y2title|legendtext|annotation|gtitle|g-gtitle|contourlabels|bartext|textpoint|colorbar|cbaxis|legend)/);
      if (m) { kind = m[1]; break; }
      g = g.parentElement;
    }
    out.push({text: t.textContent, kind: kind || (t.getAttribute('class') || 'text'),
              x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  }
  return {w: svg.width.baseVal.value, h: svg.height.baseVal.value, boxes: out};
}
"""


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Every chart of each preset at every size, as SVG files drawn in one batch: {(preset, size, name): path}."""
    folder = tmp_path_factory.mktemp("layout")
    jobs, where = [], {}
    for preset in PRESETS:
        for c in scenario_charts(make_scenario(preset=preset), customers=20_000, draws=1_000):
            for size in SIZES:
                path = folder / f"{preset}-{export.image_file_name(c.name, 'svg', size)}"
                jobs.append((export.export_figure(c, size), path, "svg"))
                where[(preset, size, c.name)] = (path, c)
    export.write_images(jobs)
    return where


def _overlap(a: dict, b: dict) -> float:
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return min(w, h)


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("size", list(SIZES))
def test_every_chart_is_inside_its_image_and_no_text_overlaps(drawn, browser, preset, size):
    page = browser.new_page()
    problems = []
    try:
        for name in CHART_NAMES:
            path, chart = drawn[(preset, size, name)]
            page.goto(path.as_uri())
            got = page.evaluate(_BOXES_JS)
            w, h, boxes = got["w"], got["h"], got["boxes"]
            preset_size = SIZES[size]
            assert (w, h) == (preset_size.width_px or chart.figure.layout.width or 700,
                              preset_size.height_px or chart.figure.layout.height or 500), name
            for b in boxes:
                if b["x0"] < -TOLERANCE_PX or b["y0"] < -TOLERANCE_PX or b["x1"] > w + TOLERANCE_PX \
                        or b["y1"] > h + TOLERANCE_PX:
                    problems.append(f"{name}: {b['kind']} {b['text']!r} is cut by the edge ({b})")
            for a, b in itertools.combinations(boxes, 2):
                if _overlap(a, b) > TOLERANCE_PX:
                    problems.append(f"{name}: {a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r}")
            texts = " ".join(b["text"] for b in boxes)
            assert "allofmp3-sim, scenario" in texts and preset in texts, f"{name}: no credit line"
            assert any(b["kind"] in ("gtitle", "g-gtitle") for b in boxes), f"{name}: no title"
            kinds = {b["kind"] for b in boxes}
            assert "g-xtitle" in kinds or name == "revenue_split", f"{name}: the x axis has no title (units)"
    finally:
        page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", list(SIZES))
def test_plotly_keeps_the_planned_margins_at_every_size(drawn, size):
    """plotly.js's automargin never had to grow a margin past the plan (it would push text into the credit)."""
    for name in CHART_NAMES:
        _, chart = drawn[("reported_2006", size, name)]
        fig = export.export_figure(chart, size)
        planned = fig.layout.margin
        full = fig.full_figure_for_development(warn=False)
        lay = json.loads(full.to_json())["layout"]
        assert lay["margin"]["b"] == pytest.approx(planned.b) and lay["margin"]["t"] == pytest.approx(planned.t), name
        plot_w = lay["width"] - lay["margin"]["l"] - lay["margin"]["r"]
        plot_h = lay["height"] - lay["margin"]["t"] - lay["margin"]["b"]
        assert plot_w >= 0.45 * lay["width"] and plot_h >= 0.35 * lay["height"], f"{name}: plot squeezed"
        assert lay["template"]["layout"]["plot_bgcolor"] == "#ffffff", name


def test_second_axes_have_round_ticks(drawn, browser):
    """The right-hand axes (downloads, revenue, rate) are labelled with round numbers, not synced fractions."""
    page = browser.new_page()
    try:
        for name in ("demand_and_revenue", "spend_histogram", "timeline"):
            path, _ = drawn[("reported_2006", "standard", name)]
            page.goto(path.as_uri())
            ticks = page.evaluate("() => [...document.querySelectorAll('.y2tick text')].map(t => t.textContent)")
            values = [float(t.replace(",", "").replace("\u2212", "-")) for t in ticks]
            assert len(values) >= 3, (name, ticks)
            steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
            assert len(steps) == 1, (name, ticks)
            step = steps.pop()
            mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
            assert round(mantissa, 6) in (1, 2, 2.5, 5), (name, ticks)
    finally:
        page.close()


def test_contour_labels_are_black_on_a_light_scale():
    """Contour labels: black text on colours light enough for a 7:1 contrast (WCAG AAA) everywhere."""
    c = scenario_charts(make_scenario(), customers=20_000, draws=500)[CHART_NAMES.index("iso_revenue")]
    contour = c.figure.data[0]
    assert contour.contours.labelfont.color == "#000000"

    def luminance(hexcolour: str) -> float:
        rgb = [int(hexcolour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    darkest = min(luminance(colour) for _, colour in contour.colorscale)
    assert (darkest + 0.05) / 0.05 >= 7.0
