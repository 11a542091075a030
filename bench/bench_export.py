"""Handout bundle as PNG with a warm renderer, over one cold single-chart export. Target: ratio <= 2.

The cold export is what a one-off ``plotly.io.to_image`` costs: a fresh process draws one
chart with Kaleido and no server running, so the time includes starting Chromium (the call
alone is timed, not the Python start-up). The bundle is ``write_bundle(formats=("png",))``
in this process once the renderer is warm: every chart computed, drawn as PNG and its
files written, plus scenario.yaml, summary.html and the summary PDF printed by Chromium.
Both are timed in this run, interleaved, best of three (one with --quick). Without Chromium the benchmark reports NaN and says why.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Result
from simulator.output import export
from simulator.output.bundle import write_bundle
from simulator.params.scenario import make_scenario
from simulator.present.charts import revenue_split_chart

TARGET = 2.0
ROOT = Path(__file__).resolve().parents[1]
#: Implementation limit for the cold export's process. [s]
COLD_TIMEOUT_S = 120

_COLD = """
import time, warnings
import kaleido
from simulator.params.scenario import make_scenario
from simulator.present.charts import revenue_split_chart
fig = revenue_split_chart(make_scenario()).figure
t0 = time.perf_counter()
png = kaleido.calc_fig_sync(fig, opts={"format": "png", "scale": 2}, kopts={"mathjax": False})
assert png[:4] == b"\\x89PNG"
print(time.perf_counter() - t0)
"""


def cold_single_export_s() -> float:
    """One chart to PNG in a fresh process, browser start included. [s]"""
    out = subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True, text=True,
                         timeout=COLD_TIMEOUT_S, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def warm_bundle_s(scenario) -> tuple[float, int]:
    """Time of the whole PNG bundle with the renderer already warm [s], and its file count."""
    with tempfile.TemporaryDirectory(prefix="allofmp3-bench-") as tmp:
        t0 = time.perf_counter()
        b = write_bundle(scenario, Path(tmp) / "handout", formats=("png",))
        return time.perf_counter() - t0, len(b.files)


def run(quick: bool = False) -> list[Result]:
    name = "export: whole handout bundle as PNG (warm renderer) / one cold single-chart PNG"
    problem = export.static_export_problem()
    if problem:
        return [Result(name=name, value=math.nan, unit="ratio", target=TARGET, met=False,
                       detail=f"not run: {problem}")]
    scenario = make_scenario()
    export.to_image(revenue_split_chart(scenario).figure, "png")  # warm up: start the renderer
    colds, warms, files = [], [], 0
    for _ in range(1 if quick else 3):  # interleaved, best of each: a burst of load hits both alike
        colds.append(cold_single_export_s())
        t, files = warm_bundle_s(scenario)
        warms.append(t)
    cold, warm = min(colds), min(warms)
    ratio = warm / cold
    return [
        Result(
            name=name, value=ratio, unit="ratio", target=TARGET, met=ratio <= TARGET,
            detail=f"bundle {warm:.2f} s ({files} files), cold single export {cold:.2f} s",
        )
    ]
