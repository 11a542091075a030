"""The handout bundle: every chart, the table behind each, the scenario file and a summary for students.

A bundle is a folder (or a ``.zip`` of one) holding, for every chart of
:func:`simulator.present.registry.scenario_charts`, ``<chart>.<fmt>`` for each chosen format
(PNG, SVG, PDF, offline HTML, CSV; images at a size preset, ``<chart>_<size>.<fmt>`` for any
size but the standard one, with ``<chart>.alt.txt`` beside them), plus ``scenario.yaml``,
``summary.html`` (the headline figures, every chart and the sources of every input, see
:mod:`simulator.output.summary`) and one ``plotly.min.js`` that every HTML page of the bundle
loads from its own folder (so plotly.js is stored once, and the pages still open offline).
When Chromium is present the summary is also printed to ``summary.pdf`` by Chromium
itself, in the background while the chart images are drawn.

Writing is atomic: files are built in a hidden sibling folder that is renamed into
place at the end (a ``.zip`` is written to a hidden sibling file and renamed), so a
crash leaves no half-written bundle. An existing folder or file is replaced only with
``force=True``, and only if it is empty or a bundle itself (it holds our
``scenario.yaml``). Every file name comes from a chart name checked by
:func:`simulator.output.export.export_file_name`, so none can leave the folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from simulator.output import export
from simulator.output.export import (
    DEFAULT_SIZE,
    FORMATS,
    IMAGE_FORMATS,
    PLOTLY_JS,
    ExportUnavailable,
    alt_text,
    chart_bytes,
    chart_html,
    export_figure,
    export_file_name,
    image_file_name,
    plotly_js,
)
from simulator.output.summary import print_pdf, summary_html
from simulator.params.scenario import Scenario
from simulator.params.scenario_file import KIND, MAX_SCENARIO_BYTES, SCENARIO_FILE_NAME, scenario_to_yaml
from simulator.present.charts import Chart
from simulator.present.registry import CHART_NAMES, scenario_charts
from simulator.present.style import size_preset

__all__ = [
    "Bundle",
    "SUMMARY_HTML",
    "SUMMARY_PDF",
    "bundle_file_names",
    "bundle_zip_bytes",
    "parse_formats",
    "print_pdf",
    "summary_html",
    "write_bundle",
]

SUMMARY_HTML = "summary.html"
SUMMARY_PDF = "summary.pdf"
#: Images drawn per request to the warm renderer: its tabs share a batch, and progress moves after each.
IMAGE_BATCH = 2 * export.RENDER_TABS

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Bundle:
    """What :func:`write_bundle` wrote.

    Attributes
    ----------
    path : pathlib.Path
        The bundle folder, or the ``.zip`` file.
    files : tuple of str
        File names inside it, in the order written.
    notes : tuple of str
        What was left out and why (e.g. no PDF summary without Chromium).
    """

    path: Path
    files: tuple[str, ...]
    notes: tuple[str, ...]


def parse_formats(text: str) -> tuple[str, ...]:
    """Read formats from a comma-separated list, in the canonical order, without repeats.

    Examples
    --------
    >>> parse_formats("csv, png,csv")
    ('png', 'csv')
    >>> parse_formats("gif")
    Traceback (most recent call last):
    ...
    ValueError: --format must be a comma-separated list of ['png', 'svg', 'pdf', 'html', 'csv'], got 'gif'
    """
    asked = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in asked if f not in FORMATS]
    if bad or not asked:
        raise ValueError(f"--format must be a comma-separated list of {list(FORMATS)}, got {text!r}")
    return tuple(f for f in FORMATS if f in asked)


def _chart_files(name: str, formats: Sequence[str], size: str) -> list[str]:
    files = [image_file_name(name, f, size) if f in IMAGE_FORMATS else export_file_name(name, f) for f in formats]
    if set(formats) & set(IMAGE_FORMATS):
        files.append(export_file_name(name, "alt.txt"))
    return files


def bundle_file_names(chart_names: Sequence[str], formats: Sequence[str], *, pdf_summary: bool,
                      size: str = DEFAULT_SIZE) -> list[str]:
    """Every file a bundle holds, in the order written.

    Examples
    --------
    >>> bundle_file_names(["timeline"], ["png", "csv"], pdf_summary=False)
    ['scenario.yaml', 'summary.html', 'plotly.min.js', 'timeline.png', 'timeline.csv', 'timeline.alt.txt']
    >>> bundle_file_names(["timeline"], ["svg"], pdf_summary=False, size="slide")[3:]
    ['timeline_slide.svg', 'timeline.alt.txt']
    """
    names = [SCENARIO_FILE_NAME, SUMMARY_HTML, PLOTLY_JS] + [f for c in chart_names for f in _chart_files(c, formats, size)]
    names += [SUMMARY_PDF] if pdf_summary else []
    if len(set(names)) != len(names):
        raise ValueError(f"two files of the bundle would have the same name: {sorted(names)}")
    return names


def _target(out: Path, as_zip: bool) -> Path:
    if out.name in ("", ".", ".."):  # "." or "x/.." is a folder that exists: never a new bundle
        raise ValueError(f"--out must name the bundle to create (not '.' or '..'), got {str(out)!r}")
    for parent in out.parents:  # checked before any chart is computed
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"--out {str(out)!r}: {parent} is a file, not a folder")
            break
    if as_zip and out.suffix.lower() != ".zip":
        return out.with_name(out.name + ".zip")
    return out


def write_bundle(
    scenario: Scenario,
    out: str | Path,
    *,
    formats: Sequence[str] = FORMATS,
    as_zip: bool = False,
    force: bool = False,
    charts: Sequence[Chart] | None = None,
    bom: bool = False,
    progress: Progress | None = None,
    size: str = DEFAULT_SIZE,
) -> Bundle:
    """Write the handout bundle of a scenario, atomically.

    Parameters
    ----------
    scenario : Scenario
    out : str or Path
        The bundle folder; with ``as_zip``, the archive ``<out>.zip`` (``out`` itself if it ends in .zip),
        whose entries sit in a folder named after it.
    formats : sequence of str
        Per-chart formats, from :data:`simulator.output.export.FORMATS`.
    as_zip : bool
    force : bool
        Replace an existing bundle at the same path.
    charts : sequence of Chart, optional
        Precomputed charts (default: ``scenario_charts(scenario)``).
    bom : bool
        Start the CSV files with a UTF-8 byte-order mark (for spreadsheets).
    progress : callable(done, total, label), optional
        Called after each chart computed and each file written.
    size : str
        Size preset of the images (:data:`simulator.present.style.SIZES`): ``standard``, ``slide``,
        ``column`` or ``square``.

    Returns
    -------
    Bundle

    Raises
    ------
    ValueError
        The target exists and ``force`` is false, or it is neither empty nor a bundle (never replaced),
        ``out`` is ``.`` or ends in ``..``, a folder on its way is a file, an unknown format, or a file
        name that would leave the folder.
    ExportUnavailable
        An image format was asked for where static export is unavailable (nothing is written).
    """
    formats = parse_formats(",".join(formats))
    size_preset(size)  # an unknown size is refused before anything is computed
    target = _target(Path(out), as_zip)
    if target.exists() and not force:
        raise ValueError(f"{target} already exists; pass --force to replace it")
    if target.exists() and target.is_dir() == as_zip:
        raise ValueError(f"{target} exists and is a {'folder' if as_zip else 'file'}; not replacing it")
    if target.exists() and not _is_bundle(target):
        raise ValueError(f"{target} exists and is not an allofmp3-sim bundle (no {SCENARIO_FILE_NAME} of ours "
                         "in it); not replacing it, even with --force")
    if problem := (export.static_export_problem() if set(formats) & set(IMAGE_FORMATS) else None):
        raise ExportUnavailable(problem)
    pdf_summary = export.find_chromium() is not None
    names = bundle_file_names(list(CHART_NAMES) if charts is None else [c.name for c in charts], formats,
                              pdf_summary=pdf_summary, size=size)
    total = len(names) + (len(CHART_NAMES) if charts is None else 0)
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, label)

    if charts is None:

        def chart_step(charts_done: int, _total: int, name: str) -> None:
            nonlocal done
            done = charts_done - 1  # one call may cover two charts (Lorenz and histogram)
            step(f"chart {name}")

        charts = scenario_charts(scenario, progress=chart_step)
        done = len(CHART_NAMES)
    names = bundle_file_names([c.name for c in charts], formats, pdf_summary=pdf_summary, size=size)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a bundle is an ordinary, readable folder
    try:
        written, notes = _fill(staging, scenario, charts, formats, bom=bom, pdf_summary=pdf_summary, step=step,
                               size=size)
        if as_zip:
            _zip_into_place(staging, target, written)
        else:
            _dir_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not pdf_summary:
        notes.append(f"no {SUMMARY_PDF}: printing it needs Chromium, which was not found")
    return Bundle(path=target, files=tuple(written), notes=tuple(notes))


def _path(folder: Path, name: str) -> Path:
    path = folder / name
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"file name {name!r} would leave the bundle folder")
    return path


def _write(folder: Path, name: str, data: bytes) -> None:
    _path(folder, name).write_bytes(data)


def _fill(folder, scenario, charts, formats, *, bom, pdf_summary, step, size) -> tuple[list[str], list[str]]:
    """Write every file; the summary is printed to PDF in the background while the charts are drawn."""
    written: list[str] = []
    notes: list[str] = []
    for name, text in ((SCENARIO_FILE_NAME, scenario_to_yaml(scenario)),
                       (SUMMARY_HTML, summary_html(scenario, charts, shared_js=True)), (PLOTLY_JS, plotly_js())):
        _write(folder, name, text.encode("utf-8"))
        written.append(name)
        step(name)
    printing: dict[str, BaseException | None] = {}
    printer = threading.Thread(target=_print_summary, args=(folder, printing), name="allofmp3-print", daemon=True)
    if pdf_summary:
        printer.start()
    images_too = bool(set(formats) & set(IMAGE_FORMATS))
    try:
        for c in charts:
            for fmt in formats:
                if fmt not in IMAGE_FORMATS:
                    name = export_file_name(c.name, fmt)
                    data = chart_html(c, shared_js=True).encode("utf-8") if fmt == "html" else chart_bytes(c, fmt, bom=bom)
                    _write(folder, name, data)
                    written.append(name)
                    step(name)
            if images_too:
                name = export_file_name(c.name, "alt.txt")
                _write(folder, name, alt_text(c).encode("utf-8"))
                written.append(name)
                step(name)
        images = [(c, fmt) for fmt in formats if fmt in IMAGE_FORMATS for c in charts]
        scale = size_preset(size).png_scale
        for start in range(0, len(images), IMAGE_BATCH):
            batch = [(export_figure(c, size), _path(folder, image_file_name(c.name, fmt, size)), fmt)
                     for c, fmt in images[start : start + IMAGE_BATCH]]
            export.write_images(batch, scale=scale)
            for _, path, _ in batch:
                written.append(path.name)
                step(path.name)
    finally:
        if pdf_summary:
            printer.join()
    if pdf_summary:
        if printing["error"] is None:
            written.append(SUMMARY_PDF)
        else:
            (folder / SUMMARY_PDF).unlink(missing_ok=True)
            notes.append(f"no {SUMMARY_PDF}: {printing['error']}")
        step(SUMMARY_PDF)
    return written, notes


def _print_summary(folder: Path, result: dict) -> None:
    try:
        print_pdf(folder / SUMMARY_HTML, folder / SUMMARY_PDF)
        result["error"] = None
    except BaseException as e:  # noqa: BLE001 - reported by the caller as a note
        result["error"] = e


def _is_bundle(path: Path) -> bool:
    """Return True for an empty folder, or a folder or zip holding a scenario file of ours and no subfolders.

    ``--force`` replaces only these, so a mistyped ``--out`` cannot delete someone's folder.
    """
    try:
        if path.is_dir():
            entries = list(path.iterdir())
            if not entries:
                return True
            marker = path / SCENARIO_FILE_NAME
            return all(e.is_file() for e in entries) and marker.is_file() and _is_ours(marker.read_bytes())
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith("/" + SCENARIO_FILE_NAME)]
            return len(names) == 1 and _is_ours(zf.read(names[0]))
    except (OSError, zipfile.BadZipFile):
        return False


def _is_ours(data: bytes) -> bool:
    return f"kind: {KIND}".encode() in data[:MAX_SCENARIO_BYTES]


def _dir_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _zip_into_place(staging: Path, target: Path, names: Sequence[str]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    try:
        folder = target.name[: -len(".zip")] if target.name.lower().endswith(".zip") else target.name
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                zf.write(staging / name, f"{folder}/{name}")
        os.chmod(tmp, 0o644)  # mkstemp makes it private
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def bundle_zip_bytes(
    scenario: Scenario,
    *,
    formats: Sequence[str] = FORMATS,
    charts: Sequence[Chart] | None = None,
    name: str = "allofmp3_handout",
    bom: bool = False,
    size: str = DEFAULT_SIZE,
) -> bytes:
    """Return the handout bundle as the bytes of a ``.zip`` (for a download button); see :func:`write_bundle`."""
    export_file_name(name, "zip")
    with tempfile.TemporaryDirectory(prefix="allofmp3-bundle-") as tmp:
        b = write_bundle(scenario, Path(tmp) / name, formats=formats, as_zip=True, charts=charts, bom=bom, size=size)
        return b.path.read_bytes()
