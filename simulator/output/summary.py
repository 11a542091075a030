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
import re
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from simulator._version import __version__
from simulator.output import export
from simulator.output.export import (
    ExportTimeout,
    ExportUnavailable,
    chart_figure_html,
    fitted_figure,
    html_page,
)
from simulator.output.markdown import markdown_html
from simulator.params.scenario import Scenario, changed_keys, preset_values
from simulator.present.charts import Chart
from simulator.present.demand_view import demand_findings, fit_table
from simulator.present.report import headline_metrics, sources_table

__all__ = ["PRINT_TIMEOUT_S", "print_pdf", "summary_html"]

#: Implementation limit: longest Chromium may take to print the summary. [s]
PRINT_TIMEOUT_S = 90.0
#: Virtual time Chromium gives the page's scripts (plotly.js drawing) before printing. [ms]
PRINT_SCRIPT_BUDGET_MS = 10_000
#: Size of each chart on the page [px]: the width of an A4 page inside 12 mm margins (186 mm at 96 px
#: per inch is 703 px), and a height that puts two charts and their captions on one A4 page (273 mm is 1,032 px).
REPORT_CHART_WIDTH_PX = 700
REPORT_CHART_HEIGHT_PX = 430
#: The report's own print layout: A4, numbers and units never broken, charts two to a page, compact sources.
_REPORT_STYLE = """<style>
@page { size: A4; margin: 12mm; }
.plotly-graph-div { max-width: 100%; }
figure { margin: 0.6rem 0 1rem; }
figure figcaption { font-size: 0.8rem; }
table.metrics td:nth-child(1) { width: 22%; }
table.sources { table-layout: fixed; font-size: 0.74rem; }
table.sources td, table.sources th { padding: 0.15rem 0.3rem; }
table.sources td.unit { white-space: normal; }
table.sources col.input { width: 29%; } table.sources col.value { width: 12%; }
table.sources col.unit { width: 15%; } table.sources col.source { width: 44%; }
@media print {
  body { font-size: 10pt; }
  h2 { break-after: avoid; }
  figure { break-inside: avoid; margin: 0 0 4mm; }
  tr { break-inside: avoid; }
}
</style>"""
#: Where a unit follows a number in text, the space between them never breaks ("5.50 million", "30 c").
_NUMBER_UNIT = re.compile(r"(\d) (?=(?:million|billion|trillion|thousand|c|MB|MiB|GB|TB|USD|%|downloads?)\b)")


def _value_text(v) -> str:
    """Format an input's value for people: ``4,000,000``, ``0.03``, ``True``, ``binary``."""
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() and abs(v) >= 1000 else f"{v:,.6g}"
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


def _nobreak(text: str) -> str:
    """Join a number to the unit after it with a no-break space (the text is already escaped)."""
    return _NUMBER_UNIT.sub("\\1\u00a0", text)


def _rows(rows: Sequence[Sequence[str]], head: Sequence[str], *, classes: Sequence[str] = (),
          table_class: str = "", cols: str = "") -> str:
    """Return a table; ``classes[i]`` is the class of column i's cells ("num" and "unit" never wrap)."""
    cls = list(classes) + [""] * (len(head) - len(classes))

    def cell(tag: str, i: int, c: str) -> str:
        return f'<{tag} class="{cls[i]}">{c}</{tag}>' if cls[i] else f"<{tag}>{c}</{tag}>"

    th = "".join(cell("th", i, html.escape(h)) for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>\n" for r in rows)
    attr = f' class="{table_class}"' if table_class else ""
    return f"<table{attr}>\n{cols}<thead><tr>{th}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


def _source_cell(url: str, date: str, note: str, provenance: str) -> str:
    e = html.escape
    if provenance != "source":
        return "assumption: " + e(note)
    # The link shows its site only (the full address is the link's target, kept in the PDF too).
    site = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    link = f'<a href="{e(url)}">{e(site)}</a>' if url.startswith(("https://", "http://")) else e(url)
    return f"{link} ({e(date)}){': ' + e(note) if note else ''}"


def summary_html(scenario: Scenario, charts: Sequence[Chart], *, shared_js: bool = False) -> str:
    """Build the students' summary: headline figures, the fitted demand and its fit table, every chart, the sources.

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
    metric_rows = [[e(m.label), e(m.value_text), _nobreak(e(m.delta_text)), _nobreak(e(m.help))] for m in metrics]
    fit = fit_table(scenario)
    fit_rows = [[e(str(r["Report"])), e(str(r["Date"])), _nobreak(e(str(r["Reported"]))), _nobreak(e(str(r["Model"]))),
                 f"{float(r['Miss [σ]']):+.2f}",
                 f'<a href="{e(str(r["Source"]), quote=True)}">source</a>'
                 if str(r["Source"]).startswith(("http://", "https://")) else e(str(r["Source"]))]
                for r in fit.to_dict("records")]
    src = sources_table(a)
    # Every column used here is text (sources_table); str() states it to the type checker and changes nothing.
    source_rows = [
        [f"{e(str(r.label))}<br><code>{e(str(r.input))}</code>", e(_value_text(scenario.values[str(r.input)])),
         # a long unit breaks only after a slash ("downloads/<wbr>month"), never inside a word
         e(str(r.unit)).replace("/", "/<wbr>"), _source_cell(str(r.url), str(r.date), str(r.note), str(r.provenance))]
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
        _rows(metric_rows, ["figure", "value", "against", "how it is computed"], classes=["", "num"],
              table_class="metrics"),
        "<h2>What the fitted demand says</h2>",
        markdown_html("\n\n".join(demand_findings(scenario))),
        "<h2>The fit: every documented report against the model</h2>",
        '<p class="note">The demand is fitted by weighted least squares to these reports (allofmp3-sim fit); the '
        "miss is in units of each report's stated uncertainty (σ).</p>",
        _rows(fit_rows, ["report", "date", "reported", "model", "miss [σ]", "source"], classes=["", "", "num", "num", "num"]),
        "<h2>Charts</h2>",
        *(chart_figure_html(c, include_plotlyjs=("directory" if shared_js else True) if i == 0 else False,
                            height_px=REPORT_CHART_HEIGHT_PX,
                            figure=fitted_figure(c, REPORT_CHART_WIDTH_PX, REPORT_CHART_HEIGHT_PX))
          for i, c in enumerate(charts)),
        "<h2>Sources</h2>",
        _rows(source_rows, ["input", "value here", "unit", "source or assumption"], classes=["", "num", "unit"],
              table_class="sources", cols='<colgroup><col class="input"><col class="value"><col class="unit">'
              '<col class="source"></colgroup>\n'),
    ]
    return html_page("AllofMP3 by the kilo: scenario summary", _REPORT_STYLE + "\n" + "\n".join(parts))


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
