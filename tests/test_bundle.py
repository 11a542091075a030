"""Tests of the handout bundle: contents listed against the charts, every file checked, atomic writes, no Chromium."""

from __future__ import annotations

import html
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from export_checks import (
    CHROMIUM,
    NO_CHROMIUM,
    check_csv_round_trip,
    check_html,
    check_pdf,
    check_png,
    check_svg,
    figure_json,
)

from simulator.output import bundle, export
from simulator.output.bundle import SUMMARY_HTML, SUMMARY_PDF, bundle_file_names, summary_html, write_bundle
from simulator.params.scenario import make_scenario
from simulator.params.scenario_file import SCENARIO_FILE_NAME, read_scenario_file
from simulator.present.charts import Chart
from simulator.present.registry import CHART_NAMES, scenario_charts
from simulator.present.report import headline_metrics

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
SCENARIO = make_scenario(preset="rate_2005", overrides={"demand.potential_buyers": 4_000_000.0})


@pytest.fixture(scope="module")
def charts() -> list[Chart]:
    return scenario_charts(SCENARIO, customers=20_000, draws=500)


@pytest.fixture
def no_chromium(monkeypatch):
    """Simulate a machine without Chromium (the seam every export path goes through)."""
    monkeypatch.setattr(export, "find_chromium", lambda: None)


def expected_files(formats, *, pdf: bool, size: str = "standard") -> set[str]:
    tail = "" if size == "standard" else f"_{size}"
    images = {f"{c}{tail}.{f}" for c in CHART_NAMES for f in formats if f in export.IMAGE_FORMATS}
    others = {f"{c}.{f}" for c in CHART_NAMES for f in formats if f not in export.IMAGE_FORMATS}
    alt = {f"{c}.alt.txt" for c in CHART_NAMES} if images else set()
    return images | others | alt | {SCENARIO_FILE_NAME, SUMMARY_HTML, export.PLOTLY_JS} | (
        {SUMMARY_PDF} if pdf else set()
    )


def check_file(path: Path, chart: Chart | None) -> None:
    data = path.read_bytes()
    kind = path.suffix[1:]
    if path.name.endswith(".alt.txt"):
        text = data.decode("utf-8")
        assert text.startswith(chart.title + "\n") and chart.alt in text and chart.credit in text, path.name
    elif kind == "png":
        w, h = int(chart.figure.layout.width or 700), int(chart.figure.layout.height or 500)
        assert check_png(data) == (2 * w, 2 * h), path.name
    elif kind == "svg":
        check_svg(data)
    elif kind == "pdf":
        pages, _ = check_pdf(data)
        assert pages == 1 or path.name == SUMMARY_PDF
    elif kind == "html" and chart is not None:
        assert check_html(data, shared_js=True)[0]["data"] == figure_json(chart.figure)["data"]
    elif kind == "csv":
        check_csv_round_trip(data.decode("utf-8"), chart.data)


# ---------------------------------------------------------------- the summary


def test_summary_has_the_headline_figures_every_chart_once_and_the_sources(charts):
    page = summary_html(SCENARIO, charts)
    figures = check_html(page.encode())
    assert [f["data"] for f in figures] == [figure_json(c.figure)["data"] for c in charts]
    for m in headline_metrics(SCENARIO):
        assert html.escape(m.label) in page and m.value_text in page     # the page escapes the label's apostrophe
    for c in charts:
        assert f'id="chart-{c.name}"' in page
    assert "Sources" in page and "pricing.rate_usd_per_mb" in page
    assert "Preset: The 2005 rate (2 c/MB) (<code>rate_2005</code>). 1 input(s) differ from it" in page
    preset = make_scenario(preset="rate_2005").demand.potential_buyers
    assert ("<td>Potential buyers</td><td><code>demand.potential_buyers</code></td><td>4,000,000</td>"
            f"<td>{preset:,.0f}</td><td>people</td>") in page


def test_summary_links_only_to_http_sources_and_loads_nothing(charts):
    page = summary_html(SCENARIO, charts)
    assert 'href="javascript:' not in page
    assert 'href="https://' in page  # the sources are links for the reader, not loaded resources


# ---------------------------------------------------------------- contents


def test_file_names_follow_the_charts_in_order():
    names = bundle_file_names(CHART_NAMES, ["png", "csv"], pdf_summary=True)
    assert names[:3] == [SCENARIO_FILE_NAME, SUMMARY_HTML, "plotly.min.js"] and names[-1] == SUMMARY_PDF
    assert names[3:6] == ["price_vs_length.png", "price_vs_length.csv", "price_vs_length.alt.txt"]
    assert len(names) == 3 * len(CHART_NAMES) + 4


def test_a_chart_name_that_would_leave_the_folder_is_refused(charts, tmp_path):
    bad = Chart(name="../escape", title="t", caption="", alt="", figure=charts[0].figure, data=charts[0].data)
    with pytest.raises(ValueError, match="must not contain '..' or a path separator"):
        write_bundle(SCENARIO, tmp_path / "b", formats=["csv"], charts=[bad])
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "b").exists()
    assert list(tmp_path.iterdir()) == []


def test_duplicate_chart_names_are_refused():
    with pytest.raises(ValueError, match="same name"):
        bundle_file_names(["a", "a"], ["csv"], pdf_summary=False)


@needs_chromium
def test_full_bundle_lists_every_chart_in_every_format_and_each_file_is_real(charts, tmp_path):
    b = write_bundle(SCENARIO, tmp_path / "handout", charts=charts)
    assert b.path == tmp_path / "handout" and b.notes == ()
    on_disk = {p.name for p in b.path.iterdir()}
    assert on_disk == set(b.files) == expected_files(export.FORMATS, pdf=True)
    by_name = {c.name: c for c in charts}
    for p in b.path.iterdir():
        check_file(p, by_name.get(p.name.split(".")[0]))
    js = (b.path / export.PLOTLY_JS).read_bytes()
    assert re.search(rb"plotly\.js v\d", js[:400]) and js == export.plotly_js().encode("utf-8")
    pages, _ = check_pdf((b.path / SUMMARY_PDF).read_bytes())
    assert pages >= 1
    assert dict(read_scenario_file(b.path / SCENARIO_FILE_NAME).values) == dict(SCENARIO.values)
    assert oct(b.path.stat().st_mode & 0o777) == oct(0o755)


@needs_chromium
def test_zip_bundle_holds_the_same_files_in_one_folder(charts, tmp_path):
    b = write_bundle(SCENARIO, tmp_path / "handout", formats=["svg"], as_zip=True, charts=charts[-2:])
    assert b.path == tmp_path / "handout.zip"
    with zipfile.ZipFile(b.path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert {n.split("/", 1)[0] for n in names} == {"handout"}
        assert {n.split("/", 1)[1] for n in names} == {"spend_histogram.svg", "timeline.svg", SCENARIO_FILE_NAME,
                                                        SUMMARY_HTML, SUMMARY_PDF, "plotly.min.js",
                                                        "spend_histogram.alt.txt", "timeline.alt.txt"}
        check_svg(zf.read("handout/timeline.svg"))
        check_pdf(zf.read(f"handout/{SUMMARY_PDF}"))
    assert [p.name for p in tmp_path.iterdir()] == ["handout.zip"]


def test_csv_with_bom_in_the_bundle(charts, tmp_path, no_chromium):
    b = write_bundle(SCENARIO, tmp_path / "b", formats=["csv"], charts=charts, bom=True)
    assert (b.path / "timeline.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_progress_counts_every_chart_and_every_file(tmp_path, no_chromium):
    seen = []
    b = write_bundle(SCENARIO, tmp_path / "b", formats=["csv"], progress=lambda d, t, label: seen.append((d, t, label)))
    total = len(CHART_NAMES) + len(b.files)
    assert [d for d, _, _ in seen] == sorted({d for d, _, _ in seen}) and seen[-1][0] == total
    assert {t for _, t, _ in seen} == {total}
    assert any(label == "chart price_vs_length" for _, _, label in seen)


# ---------------------------------------------------------------- no Chromium


def test_without_chromium_html_and_csv_bundle_is_complete_and_notes_the_pdf(charts, tmp_path, no_chromium):
    b = write_bundle(SCENARIO, tmp_path / "b", formats=["html", "csv"], charts=charts)
    assert set(b.files) == expected_files(["html", "csv"], pdf=False)
    assert len(b.notes) == 1 and "no summary.pdf" in b.notes[0] and "Chromium" in b.notes[0]
    for c in charts:
        check_file(b.path / f"{c.name}.html", c)
        check_file(b.path / f"{c.name}.csv", c)


def test_without_chromium_image_formats_are_refused_before_anything_is_written(charts, tmp_path, no_chromium):
    with pytest.raises(export.ExportUnavailable, match="needs Chromium"):
        write_bundle(SCENARIO, tmp_path / "b", formats=["png", "csv"], charts=charts)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- overwrite and atomicity


def test_an_existing_bundle_is_kept_without_force_and_replaced_with_it(charts, tmp_path, no_chromium):
    out = tmp_path / "b"
    write_bundle(SCENARIO, out, formats=["html"], charts=charts)
    (out / "mine.txt").write_text("stray")
    with pytest.raises(ValueError, match="already exists; pass --force"):
        write_bundle(SCENARIO, out, formats=["csv"], charts=charts)
    assert (out / "mine.txt").read_text() == "stray" and (out / "timeline.html").exists()
    write_bundle(SCENARIO, out, formats=["csv"], charts=charts, force=True)
    assert not (out / "mine.txt").exists() and not (out / "timeline.html").exists()
    assert (out / "timeline.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


@pytest.mark.parametrize(
    "make",
    [
        lambda p: (p.mkdir(), (p / "thesis.tex").write_text("years of work")),
        lambda p: (p.mkdir(), (p / "scenario.yaml").write_text("kind: something else\n")),
        lambda p: (p.mkdir(), (p / "scenario.yaml").write_text("kind: allofmp3-sim scenario\n"), (p / "sub").mkdir()),
    ],
    ids=["someone's-folder", "foreign-scenario", "has-subfolder"],
)
def test_force_never_replaces_a_folder_that_is_not_a_bundle(charts, tmp_path, no_chromium, make):
    out = tmp_path / "b"
    make(out)
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(ValueError, match="is not an allofmp3-sim bundle"):
        write_bundle(SCENARIO, out, formats=["csv"], charts=charts, force=True)
    assert sorted(p.name for p in out.iterdir()) == before


def test_force_replaces_an_empty_folder_and_a_bundle_zip_but_not_another_file(charts, tmp_path, no_chromium):
    (tmp_path / "empty").mkdir()
    write_bundle(SCENARIO, tmp_path / "empty", formats=["csv"], charts=charts, force=True)
    assert (tmp_path / "empty" / "timeline.csv").exists()
    write_bundle(SCENARIO, tmp_path / "z", formats=["csv"], charts=charts, as_zip=True)
    write_bundle(SCENARIO, tmp_path / "z", formats=["html"], charts=charts, as_zip=True, force=True)
    with zipfile.ZipFile(tmp_path / "z.zip") as zf:
        assert "z/timeline.html" in zf.namelist() and "z/timeline.csv" not in zf.namelist()
    (tmp_path / "notes.zip").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="is not an allofmp3-sim bundle"):
        write_bundle(SCENARIO, tmp_path / "notes", formats=["csv"], charts=charts, as_zip=True, force=True)
    assert (tmp_path / "notes.zip").read_bytes() == b"not a zip"


def test_a_folder_is_not_replaced_by_a_zip_nor_a_file_by_a_folder(charts, tmp_path, no_chromium):
    (tmp_path / "b.zip").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        write_bundle(SCENARIO, tmp_path / "b", formats=["csv"], as_zip=True, force=True, charts=charts)
    (tmp_path / "f").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        write_bundle(SCENARIO, tmp_path / "f", formats=["csv"], force=True, charts=charts)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_a_crash_midway_leaves_no_half_written_bundle(charts, tmp_path, monkeypatch, no_chromium, as_zip):
    calls = {"n": 0}
    real = bundle.chart_bytes

    def crash_on_the_fifth(chart, fmt, **kw):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return real(chart, fmt, **kw)

    monkeypatch.setattr(bundle, "chart_bytes", crash_on_the_fifth)
    with pytest.raises(OSError, match="disk full"):
        write_bundle(SCENARIO, tmp_path / "b", formats=["csv"], charts=charts, as_zip=as_zip)
    assert list(tmp_path.iterdir()) == []


def test_a_crash_while_replacing_keeps_the_old_bundle(charts, tmp_path, monkeypatch, no_chromium):
    out = tmp_path / "b"
    write_bundle(SCENARIO, out, formats=["csv"], charts=charts)
    before = sorted(p.name for p in out.iterdir())
    monkeypatch.setattr(bundle, "summary_html", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_bundle(SCENARIO, out, formats=["csv"], charts=charts, force=True)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_bundle_zip_bytes_is_a_zip_of_the_bundle(charts, no_chromium):
    data = bundle.bundle_zip_bytes(SCENARIO, formats=["csv"], charts=charts, name="handout_x")
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {n.split("/", 1)[1] for n in zf.namelist()} == expected_files(["csv"], pdf=False)


def test_unknown_formats_are_refused(tmp_path):
    with pytest.raises(ValueError, match="--format must be a comma-separated list of"):
        write_bundle(SCENARIO, tmp_path / "b", formats=["gif"])
    assert not os.listdir(tmp_path)


@needs_chromium
def test_bundle_html_page_draws_offline_from_the_shared_plotly_js(charts, tmp_path, no_network_chromium):
    """A bundle's chart page, opened from the folder with networking refused, draws from plotly.min.js."""
    b = write_bundle(SCENARIO, tmp_path / "b", formats=["html"], charts=charts[:1])
    assert no_network_chromium(b.path / f"{charts[0].name}.html"), "the page did not draw offline"


@pytest.fixture
def no_network_chromium(tmp_path):
    def draws(page: Path) -> bool:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               f"--user-data-dir={tmp_path / 'profile'}", "--proxy-server=127.0.0.1:9", "--virtual-time-budget=5000",
               "--allow-file-access-from-files", "--dump-dom", page.as_uri()]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=90, start_new_session=True)
        return 'class="main-svg"' in out.stdout
    return draws


def test_summary_tables_never_break_numbers_and_charts_are_sized_for_two_a_page(charts):
    page = summary_html(SCENARIO, charts)
    assert "overflow-wrap: anywhere; }" in page and "td a {" in page            # only links may break anywhere
    assert ".num, .unit { white-space: nowrap; }" in page
    assert '<td class="num">$30.6 million</td>' not in page                     # rate_2005 differs: its own value
    m = {x.key: x for x in headline_metrics(SCENARIO)}
    assert f'<td class="num">{m["revenue_usd"].value_text}</td>' in page
    assert "vs reported 5.50\u00a0million" in page                               # number and unit kept together
    assert "downloads/<wbr>" in page and "USD/<wbr>GB" in page                  # units break only after a slash
    heights = re.findall(r'"height":\s*(\d+)', page)
    assert heights.count("430") >= len(charts)                                   # 2 x 430 px + captions per A4 page
    assert "@page { size: A4; margin: 12mm; }" in page


@needs_chromium
def test_summary_pdf_follows_the_content(charts, tmp_path, no_network_chromium):
    """Ten charts two to a page, the headline figures, the fit table and the sources: about 13 A4 pages (20 before)."""
    b = write_bundle(SCENARIO, tmp_path / "b", formats=["csv"], charts=charts)
    pages, boxes = check_pdf((b.path / SUMMARY_PDF).read_bytes())
    assert 6 <= pages <= 14, pages
    assert boxes[0] == pytest.approx((595.3, 841.9), abs=1)  # A4 in points
