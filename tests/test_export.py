"""Tests of simulator.output.export: every format checked for real, the no-Chromium path and the timeout.

Static images need the system Chromium (Kaleido's warm renderer starts once per test process,
a few seconds); those tests are skipped with a reason without it. Nothing downloads a browser.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from export_checks import (
    CHROMIUM,
    NO_CHROMIUM,
    PT_PER_PX,
    check_csv_round_trip,
    check_html,
    check_pdf,
    check_png,
    check_svg,
    figure_json,
)

from simulator.output import export
from simulator.params.scenario import make_scenario
from simulator.present.charts import Chart, price_vs_length_chart, revenue_split_chart
from simulator.present.registry import CHART_NAMES, scenario_charts
from simulator.present.style import split_title

ROOT = Path(__file__).resolve().parents[1]
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def charts() -> list[Chart]:
    return scenario_charts(make_scenario(), customers=20_000, draws=500)


@pytest.fixture(scope="module")
def split() -> Chart:
    return revenue_split_chart(make_scenario())


def layout_size(chart: Chart) -> tuple[int, int]:
    """The layout size Kaleido draws at: the figure's own, else Plotly's 700 x 500 px."""
    lay = chart.figure.layout
    return int(lay.width or 700), int(lay.height or 500)


# ---------------------------------------------------------------- file names and config


@pytest.mark.parametrize(
    "name",
    ["../evil", "a/b", "a\\b", "/etc/passwd", ".hidden", "", "..", "a..b", "C:evil", "x y", "\u00e9"],
    ids=["dotdot", "slash", "backslash", "absolute", "hidden", "empty", "dots", "inner-dots", "drive", "space", "non-ascii"],
)
def test_export_file_name_refuses_names_that_could_leave_the_folder(name):
    with pytest.raises(ValueError, match="must not contain '..' or a path separator"):
        export.export_file_name(name, "png")


def test_every_chart_name_is_a_valid_file_name():
    for name in CHART_NAMES:
        assert export.export_file_name(name, "csv") == f"{name}.csv"


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_toolbar_config_saves_the_chosen_format_at_scale_2_named_after_the_chart(fmt):
    cfg = export.plotly_config("price_vs_length", fmt)
    assert cfg["toImageButtonOptions"] == {"format": fmt, "filename": "price_vs_length", "scale": 2}


def test_toolbar_config_refuses_other_formats():
    with pytest.raises(ValueError, match="toolbar image format must be one of"):
        export.plotly_config("x", "jpeg")


@pytest.mark.parametrize("fmt", ["gif", "eps", "PNG", ""])
def test_unknown_formats_are_refused_with_the_list(split, fmt):
    with pytest.raises(ValueError, match="format must be one of"):
        export.chart_bytes(split, fmt)


# ---------------------------------------------------------------- static images


@needs_chromium
def test_png_has_the_signature_and_twice_the_layout_size(charts):
    for chart in (charts[0], charts[CHART_NAMES.index("tornado_revenue_usd")]):
        w, h = layout_size(chart)
        assert check_png(export.chart_bytes(chart, "png")) == (2 * w, 2 * h), chart.name


@needs_chromium
def test_png_scale_and_size_can_be_chosen(split):
    assert check_png(export.to_image(split.figure, "png", scale=1, width=400, height=300)) == (400, 300)


@needs_chromium
def test_svg_parses_as_xml_with_the_layout_size_and_the_title(split):
    data = export.chart_bytes(split, "svg")
    root = check_svg(data)
    w, h = layout_size(split)
    assert (float(root.get("width")), float(root.get("height"))) == (w, h)
    assert split.title.split(" [")[0].encode() in data


@needs_chromium
def test_pdf_has_one_page_of_the_layout_size(split):
    pages, boxes = check_pdf(export.chart_bytes(split, "pdf"))
    w, h = layout_size(split)
    assert pages == 1
    assert boxes and boxes[0] == pytest.approx((w * PT_PER_PX, h * PT_PER_PX), abs=1)


@needs_chromium
def test_write_images_draws_a_batch_to_files(charts, tmp_path):
    jobs = [(c.figure, tmp_path / f"{c.name}.{fmt}", fmt) for c in charts[:3] for fmt in export.IMAGE_FORMATS]
    export.write_images(jobs)
    for c in charts[:3]:
        w, h = layout_size(c)
        assert check_png((tmp_path / f"{c.name}.png").read_bytes()) == (2 * w, 2 * h)
        check_svg((tmp_path / f"{c.name}.svg").read_bytes())
        assert check_pdf((tmp_path / f"{c.name}.pdf").read_bytes())[0] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for _, p, _ in jobs)


@needs_chromium
def test_renderer_is_safe_from_several_threads(split):
    """Kaleido's server pairs replies by order; concurrent callers must each get their own image."""
    sizes = [(300 + 10 * i, 200) for i in range(4)]
    got: dict[int, tuple[int, int]] = {}

    def draw(i: int) -> None:
        w, h = sizes[i]
        got[i] = check_png(export.to_image(split.figure, "png", scale=1, width=w, height=h))

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(len(sizes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert got == dict(enumerate(sizes))


# ---------------------------------------------------------------- no Chromium, failures, timeouts


def test_no_chromium_is_reported_at_once_with_the_routes_that_still_work(monkeypatch, split):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    problem = export.static_export_problem()
    assert "needs Chromium" in problem and "HTML" in problem and "SVG" in problem
    for fmt in export.IMAGE_FORMATS:
        t0 = time.perf_counter()
        with pytest.raises(export.ExportUnavailable, match="needs Chromium"):
            export.chart_bytes(split, fmt)
        assert time.perf_counter() - t0 < 5, "the no-Chromium answer must not wait for a browser"
    with pytest.raises(export.ExportUnavailable, match="needs Chromium"):
        export.write_images([(split.figure, "/nonexistent/x.png", "png")])
    assert export.chart_bytes(split, "html").startswith(b"<!doctype html>")
    assert export.chart_bytes(split, "csv").startswith(b"recipient,")


@pytest.fixture
def no_kaleido(monkeypatch):
    """Simulate Kaleido (and its browser finder, choreographer) not being importable; Chromium stays."""
    monkeypatch.setitem(sys.modules, "kaleido", None)
    monkeypatch.setitem(sys.modules, "choreographer", None)
    monkeypatch.setitem(sys.modules, "choreographer.browsers.chromium", None)


@needs_chromium
def test_missing_kaleido_is_named_and_chromium_is_not_blamed(no_kaleido, split):
    assert export.kaleido_version() is None
    assert export.find_chromium() == CHROMIUM  # the plain PATH search stands in for Kaleido's
    problem = export.static_export_problem()
    assert problem.startswith("static export (PNG, SVG, PDF) needs the Python package Kaleido, which is not "
                              f"importable (Chromium is here: {CHROMIUM}).")
    assert "pip install 'kaleido>=1.5,<2'" in problem
    assert "install Chromium" not in problem and "apt-get" not in problem
    assert "HTML and CSV still work" in problem
    with pytest.raises(export.ExportUnavailable, match="needs the Python package Kaleido"):
        export.chart_bytes(split, "png")


def test_missing_chromium_is_named_and_kaleido_is_not_blamed(monkeypatch):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    problem = export.static_export_problem()
    assert problem.startswith("static export (PNG, SVG, PDF) needs Chromium or Chrome; none on PATH or in the "
                              f"usual places (Kaleido {export.kaleido_version()} is installed).")
    assert "apt-get install chromium" in problem and "pip install" not in problem


def test_missing_both_names_both(no_kaleido, monkeypatch):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    problem = export.static_export_problem()
    assert "needs the Python package Kaleido and Chromium or Chrome; neither is here" in problem
    assert "pip install 'kaleido" in problem and "apt-get install chromium" in problem


@needs_chromium
def test_missing_kaleido_in_a_fresh_cli_process_names_kaleido(tmp_path):
    """The installed command with Kaleido hidden from the import system: exit 2, Kaleido named, Chromium not blamed."""
    code = ("import sys\n"
            "sys.modules['kaleido'] = None; sys.modules['choreographer'] = None\n"
            "from simulator.cli import main\n"
            f"sys.exit(main(['export', '--preset', 'card_freeze', '--out', {str(tmp_path / 'b')!r}, '--format', 'png']))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert "needs the Python package Kaleido, which is not importable" in out.stderr
    assert "install Chromium" not in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "b").exists()


def test_browser_path_to_nothing_in_a_fresh_process_gives_the_clear_error():
    """The real search (no seam): BROWSER_PATH naming a missing file, as Kaleido itself honours it."""
    code = (
        "from simulator.output import export\n"
        "from simulator.params.scenario import make_scenario\n"
        "from simulator.present import charts\n"
        "try:\n"
        "    export.to_image(charts.revenue_split_chart(make_scenario()).figure, 'png')\n"
        "except export.ExportUnavailable as e:\n"
        "    print('unavailable:', e)\n"
    )
    env = {**os.environ, "BROWSER_PATH": "/nonexistent/chromium"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("unavailable: static export (PNG, SVG, PDF) needs Chromium")
    assert "/nonexistent/chromium" in out.stdout and "HTML" in out.stdout


def test_a_render_failure_becomes_export_unavailable(monkeypatch, split):
    r = export._Renderer()
    r.started = True
    monkeypatch.setattr(export, "static_export_problem", lambda: None)

    def fail(figure, opts):
        raise RuntimeError("Kaleido requires Google Chrome to be installed.")

    monkeypatch.setattr(export, "_draw", fail)
    with pytest.raises(export.ExportUnavailable, match="could not draw the PNG: Kaleido requires"):
        r.render(split.figure, {"format": "png"}, timeout_s=5)


def test_a_hung_render_times_out_and_the_renderer_recovers(monkeypatch, split):
    r = export._Renderer()
    r.started = True
    monkeypatch.setattr(export, "static_export_problem", lambda: None)
    release = threading.Event()

    def slow(figure, opts):
        release.wait(10)
        return b"late"

    monkeypatch.setattr(export, "_draw", slow)
    t0 = time.perf_counter()
    with pytest.raises(export.ExportTimeout, match="took more than 0.3 s"):
        r.render(split.figure, {"format": "png"}, timeout_s=0.3)
    assert time.perf_counter() - t0 < 3
    with pytest.raises(export.ExportUnavailable, match="still busy"):
        r.render(split.figure, {"format": "png"}, timeout_s=0.3)
    release.set()
    r.stuck.join(5)
    monkeypatch.setattr(export, "_draw", lambda figure, opts: b"fresh")
    assert r.render(split.figure, {"format": "png"}, timeout_s=5) == b"fresh"


# ---------------------------------------------------------------- HTML


def test_chart_html_is_self_contained_and_holds_the_figure(charts):
    for chart in charts:
        figures = check_html(export.chart_bytes(chart, "html"))
        assert len(figures) == 1
        assert figures[0]["data"] == figure_json(chart.figure)["data"], chart.name
        title = figures[0]["layout"]["title"]
        assert (title["text"].replace("<br>", " "), title["subtitle"]["text"].replace("<br>", " ")) == \
            split_title(chart.title)


def test_chart_html_escapes_text_and_carries_caption_and_alt(split):
    hostile = Chart(name="x", title="<script>alert(1)</script>", caption="a <b> & c", alt="alt <i>",
                    figure=split.figure, data=split.data)
    page = export.chart_html(hostile)
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "a &lt;b&gt; &amp; c" in page and "alt &lt;i&gt;" in page
    check_html(page.encode())


def test_chart_html_opens_offline_in_chromium(tmp_path, split):
    """Chromium with networking refused draws the chart from the file alone."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    page = tmp_path / "split.html"
    page.write_bytes(export.chart_bytes(split, "html"))
    profile = tmp_path / "profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--virtual-time-budget=5000", "--dump-dom",
           page.as_uri()]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=90, start_new_session=True)
    assert 'class="main-svg"' in out.stdout, "plotly.js did not draw the chart offline"


# ---------------------------------------------------------------- CSV


def test_chart_csv_round_trips_to_the_same_numbers(charts):
    for chart in charts:
        check_csv_round_trip(export.chart_csv(chart), chart.data)


def test_csv_with_bom_starts_with_it_and_otherwise_matches(split):
    plain, bom = export.chart_csv(split), export.chart_csv(split, bom=True)
    assert bom == "\ufeff" + plain and not plain.startswith("\ufeff")
    assert export.chart_bytes(split, "csv", bom=True)[:3] == b"\xef\xbb\xbf"


def test_csv_neutralises_formula_text_and_keeps_numbers(split):
    df = pd.DataFrame({"label": ["=SUM(A1)", "+1", "-x", "@cmd", "plain"], "price_usd": [-1.5, 2.0, 0.1, 3.0, 1e-9]})
    chart = Chart(name="t", title="t", caption="", alt="", figure=split.figure, data=df)
    text = export.chart_csv(chart)
    assert text.splitlines()[1:] == ["'=SUM(A1),-1.5", "'+1,2.0", "'-x,0.1", "'@cmd,3.0", "plain,1e-09"]
    check_csv_round_trip(text, df)


def test_csv_column_names_carry_units(charts):
    """Numeric columns of the price and split charts name their unit."""
    assert list(charts[0].data.columns) == ["duration_s", "encoding", "size_mb", "price_usd"]
    header = export.chart_csv(price_vs_length_chart(make_scenario())).splitlines()[0]
    assert header == "duration_s,encoding,size_mb,price_usd"


# ---------------------------------------------------------------- in the app without Chromium (AppTest)


@pytest.mark.parametrize("missing", ["chromium", "kaleido"])
def test_app_without_static_export_offers_html_csv_and_names_the_missing_piece(monkeypatch, missing):
    from streamlit.testing.v1 import AppTest

    from ui import export as ui_export

    if missing == "chromium":
        monkeypatch.setattr(export, "find_chromium", lambda: None)
    else:
        monkeypatch.setattr(export, "kaleido_version", lambda: None)
        monkeypatch.setattr(export, "find_chromium", lambda: "/usr/bin/chromium")
    ui_export.static_problem.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.session_state["group_export"] = True  # the sidebar panel and a chart's popover, opened
        at.session_state["dl_price_vs_length"] = True
        at.run()
        assert not at.exception
        labels = [b.proto.label for b in at.get("download_button")]
        assert not {"PNG", "SVG", "PDF"} & set(labels)
        assert "HTML (interactive, offline)" in labels and "CSV (the data)" in labels
        assert "Handout bundle (.zip)" in labels
        said = [c.value for c in at.caption if "static export" in c.value]
        assert said, "the app does not say why PNG/SVG/PDF are missing"
        if missing == "chromium":
            assert all("needs Chromium" in c and "Kaleido" not in c.split("(Kaleido")[0] for c in said)
        else:
            assert all("needs the Python package Kaleido" in c and "install Chromium" not in c for c in said)
        assert list(at.multiselect(key="bundle_formats").options) == ["HTML", "CSV"]
        assert at.radio(key="toolbar_image_format").value == "svg"
    finally:
        ui_export.static_problem.clear()
