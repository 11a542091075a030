"""The students' summary of a scenario: one HTML page, and its PDF printed by the system Chromium.

The page holds the headline figures (:func:`simulator.present.report.headline_metrics`), every chart
(interactive, plotly.js embedded once, nothing loaded from the network) with its caption, and
the value and source of every input (:func:`simulator.present.report.sources_table`). The PDF is that
same page printed by Chromium itself (headless ``--print-to-pdf``, scripts run first, with a
time limit), so the PDF shows exactly what the HTML shows; one page on screen, a few A4 pages
on paper.
"""

from __future__ import annotations

import html
import os
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from simulator._version import __version__
from simulator.output import export
from simulator.output.export import ExportTimeout, ExportUnavailable, chart_figure_html, html_page
from simulator.params.scenario import Scenario, changed_keys, preset_values
from simulator.present.charts import Chart
from simulator.present.report import headline_metrics, sources_table

__all__ = ["PRINT_TIMEOUT_S", "print_pdf", "summary_html"]

#: Implementation limit: longest Chromium may take to print the summary. [s]
PRINT_TIMEOUT_S = 90.0
#: Virtual time Chromium gives the page's scripts (plotly.js drawing) before printing. [ms]
PRINT_SCRIPT_BUDGET_MS = 10_000


def _value_text(v) -> str:
    """Format an input's value for people: ``4,000,000``, ``0.03``, ``True``, ``binary``."""
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() and abs(v) >= 1000 else f"{v:,.6g}"
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


def _rows(rows: Sequence[Sequence[str]], head: Sequence[str]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>\n" for r in rows)
    return f"<table>\n<thead><tr>{th}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


def _source_cell(url: str, date: str, note: str, provenance: str) -> str:
    e = html.escape
    if provenance != "source":
        return "assumption: " + e(note)
    link = f'<a href="{e(url)}">{e(url)}</a>' if url.startswith(("https://", "http://")) else e(url)
    return f"{link} ({e(date)}){': ' + e(note) if note else ''}"


def summary_html(scenario: Scenario, charts: Sequence[Chart], *, shared_js: bool = False) -> str:
    """Build the students' summary: headline figures, every chart with its caption, and the sources.

    Parameters
    ----------
    scenario : Scenario
    charts : sequence of Chart
        Usually ``scenario_charts(scenario)``.
    shared_js : bool
        Load plotly.js from ``plotly.min.js`` beside the page (in a bundle) instead of embedding it.

    Returns
    -------
    str
        A complete HTML page; plotly.js is embedded once, nothing is loaded from the network
        (source links are plain hyperlinks).
    """
    e = html.escape
    a = scenario.assumptions
    preset = scenario.preset
    preset_text = f"{a.presets[preset].label} (<code>{e(preset)}</code>)" if preset else "the assumptions' defaults"
    base = preset_values(a, preset)
    changed = changed_keys(dict(scenario.values), base)
    change_rows = [
        [e(a.parameters[k].label), f"<code>{e(k)}</code>", e(_value_text(scenario.values[k])),
         e(_value_text(base[k])), e(a.parameters[k].unit)]
        for k in changed
    ]
    metrics = headline_metrics(scenario)
    metric_rows = [[e(m.label), e(m.value_text), e(m.delta_text), e(m.help)] for m in metrics]
    src = sources_table(a)
    # Every column used here is text (sources_table); str() states it to the type checker and changes nothing.
    source_rows = [
        [f"{e(str(r.label))}<br><code>{e(str(r.input))}</code>", e(_value_text(scenario.values[str(r.input)])),
         e(str(r.unit)), _source_cell(str(r.url), str(r.date), str(r.note), str(r.provenance))]
        for r in src.itertuples(index=False)
    ]
    parts = [
        "<h1>AllofMP3 by the kilo: a scenario</h1>",
        '<p class="note">AllofMP3 (Russia, 2000–2007) sold music downloads by the megabyte: a track\'s price '
        "was its size times a rate per MB. This page shows one scenario of the simulator: its figures next to "
        f"what was reported, every chart, and where each input comes from. Made with allofmp3-sim {e(__version__)}."
        "</p>",
        f"<p>Preset: {preset_text}. "
        + (f"{len(changed)} input(s) differ from it:</p>" + _rows(change_rows, ["input", "name", "value", "preset's value", "unit"])
           if changed else "Every input as in the preset.</p>"),
        "<h2>Headline figures</h2>",
        _rows(metric_rows, ["figure", "value", "against", "how it is computed"]),
        "<h2>Charts</h2>",
        *(chart_figure_html(c, include_plotlyjs=("directory" if shared_js else True) if i == 0 else False,
                            height_px=460) for i, c in enumerate(charts)),
        "<h2>Sources</h2>",
        _rows(source_rows, ["input", "value here", "unit", "source or assumption"]),
    ]
    return html_page("AllofMP3 by the kilo: scenario summary", "\n".join(parts))


def print_pdf(html_path: Path, pdf_path: Path, *, timeout_s: float = PRINT_TIMEOUT_S) -> None:
    """Print an HTML file to PDF with the system Chromium (headless, scripts run first).

    Raises
    ------
    ExportUnavailable
        No Chromium, or it failed to print.
    ExportTimeout
        It took longer than ``timeout_s`` (the browser is killed).
    """
    browser = export.find_chromium()
    if browser is None:
        raise ExportUnavailable(export.static_export_problem() or "no Chromium found")
    with tempfile.TemporaryDirectory(prefix="allofmp3-print-") as profile:
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-extensions", "--no-first-run", f"--user-data-dir={profile}", "--no-pdf-header-footer",
            f"--virtual-time-budget={PRINT_SCRIPT_BUDGET_MS}", f"--print-to-pdf={pdf_path}",
            Path(html_path).resolve().as_uri(),
        ]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ExportTimeout(f"Chromium took more than {timeout_s:g} s to print {Path(html_path).name}") from None
    ok = pdf_path.is_file() and pdf_path.read_bytes()[:5] == b"%PDF-"
    if proc.returncode != 0 or not ok:
        last = (err.decode(errors="replace").strip().splitlines() or [""])[-1]
        raise ExportUnavailable(f"Chromium could not print {Path(html_path).name} (exit {proc.returncode}): {last}")
