"""Size of the all-formats handout bundle, as a folder and zipped. Targets: <= 15 MB and <= 8 MB.

The bundle is ``write_bundle(formats=FORMATS)`` of the default preset (every chart as PNG, SVG,
PDF, HTML and CSV, the alt text, scenario.yaml, summary.html and summary.pdf, and the one shared
plotly.min.js), written once as a folder and once as a zip. Sizes are in decimal MB (10**6 bytes);
the folder's is the sum of its files' sizes. The same in --quick (the bundle is the same size).
Without static export (no Kaleido or no Chromium) it reports NaN and says why.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from bench import Result
from simulator.output import export
from simulator.output.bundle import write_bundle
from simulator.params.scenario import make_scenario

#: Targets of issue 11. [MB]
FOLDER_TARGET_MB = 15.0
ZIP_TARGET_MB = 8.0
#: Bytes per decimal megabyte.
BYTES_PER_MB = 10**6
#: Preset measured: the reported 2006 scenario, as in the README.
PRESET = "reported_2006"


def bundle_sizes_mb() -> tuple[float, float, int]:
    """Folder size [MB], zip size [MB] and file count of the all-formats bundle."""
    s = make_scenario(preset=PRESET)
    with tempfile.TemporaryDirectory(prefix="allofmp3-bench-size-") as tmp:
        folder = write_bundle(s, Path(tmp) / "handout", formats=export.FORMATS)
        folder_bytes = sum(p.stat().st_size for p in folder.path.iterdir())
        zipped = write_bundle(s, Path(tmp) / "handout", formats=export.FORMATS, as_zip=True)
        return folder_bytes / BYTES_PER_MB, zipped.path.stat().st_size / BYTES_PER_MB, len(folder.files)


def run(quick: bool = False) -> list[Result]:
    names = ("export: all-formats handout bundle as a folder", "export: all-formats handout bundle zipped")
    problem = export.static_export_problem()
    if problem:
        return [Result(name=n, value=math.nan, unit="MB", target=t, met=False, detail=f"not run: {problem}")
                for n, t in zip(names, (FOLDER_TARGET_MB, ZIP_TARGET_MB), strict=True)]
    folder_mb, zip_mb, files = bundle_sizes_mb()
    detail = f"{files} files, preset {PRESET}; plotly.js stored once (plotly.min.js beside the HTML pages)"
    return [
        Result(name=names[0], value=folder_mb, unit="MB", target=FOLDER_TARGET_MB,
               met=folder_mb <= FOLDER_TARGET_MB, detail=detail),
        Result(name=names[1], value=zip_mb, unit="MB", target=ZIP_TARGET_MB, met=zip_mb <= ZIP_TARGET_MB,
               detail=detail),
    ]
