"""Charts and tables out of the model: PNG, SVG, PDF, self-contained HTML and CSV bytes.

Static images (PNG, SVG, PDF) are drawn by Plotly's Kaleido with the system
Chromium: one warm renderer per process (``kaleido.start_sync_server`` with
MathJax off, started on first use and kept for the process), every render under
a timeout. When no Chromium is found, :class:`ExportUnavailable` (a
``ValueError``) says so at once and names the routes that still work:
self-contained HTML, CSV, and the chart toolbar's SVG/PNG in the browser.
Nothing here downloads a browser.

HTML, CSV, file names and the toolbar config need no browser; they live in
:mod:`simulator.output.chart_files` and are re-exported here.

Examples
--------
>>> from simulator.present.charts import revenue_split_chart
>>> chart_bytes(revenue_split_chart(make_scenario()), "csv").decode().splitlines()[0]
'recipient,usd_per_year,cents_per_dollar'
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from simulator.output.chart_files import (
    DEFAULT_SIZE,
    IMAGE_SCALE,
    PLOTLY_JS,
    alt_text,
    chart_csv,
    chart_figure_html,
    chart_html,
    export_figure,
    export_file_name,
    fitted_figure,
    html_page,
    image_file_name,
    plotly_config,
    plotly_js,
)
from simulator.present.charts import Chart
from simulator.present.style import SIZES, size_preset

__all__ = [
    "CHROMIUM_HELP",
    "OTHER_ROUTES",
    "ExportTimeout",
    "ExportUnavailable",
    "DEFAULT_SIZE",
    "DownloadFile",
    "FORMATS",
    "IMAGE_FORMATS",
    "IMAGE_SCALE",
    "MIME_TYPES",
    "PLOTLY_JS",
    "SIZES",
    "alt_text",
    "chart_bytes",
    "chart_csv",
    "chart_figure_html",
    "chart_files",
    "chart_html",
    "export_figure",
    "export_file_name",
    "fitted_figure",
    "find_chromium",
    "kaleido_version",
    "html_page",
    "image_file_name",
    "plotly_config",
    "plotly_js",
    "static_export_problem",
    "to_image",
    "write_images",
]

#: Formats Kaleido draws (need Chromium).
IMAGE_FORMATS = ("png", "svg", "pdf")
#: Every per-chart format, in the order the app and the bundle offer them.
FORMATS = (*IMAGE_FORMATS, "html", "csv")
#: MIME type of each file kind written.
MIME_TYPES = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
    "csv": "text/csv", "yaml": "application/x-yaml", "zip": "application/zip", "txt": "text/plain",
}
#: Implementation limit: Kaleido's own limit for drawing one image in a warm browser tab. [s]
RENDER_TIMEOUT_S = 30.0
#: Implementation limit: wall-clock backstop for one export call, including the browser's start. [s]
CALL_TIMEOUT_S = 60.0
#: Extra wall-clock allowance per image of a batch (a warm render takes well under a second). [s]
BATCH_IMAGE_TIMEOUT_S = 5.0
#: Browser tabs of the warm renderer: in a batch one tab draws while another reloads its page.
RENDER_TABS = 2
#: How often a waiting export checks that the renderer's thread is still alive. [s]
_POLL_S = 0.05
#: The routes that work without static export (said whenever it is not possible).
OTHER_ROUTES = (
    "Self-contained HTML and CSV still work, and each chart's toolbar camera saves SVG or PNG in your browser."
)
#: How to install the missing pieces (each named only when it is the one missing).
INSTALL_KALEIDO = "pip install 'kaleido>=1.5,<2' (a dependency of allofmp3-sim: pip install -e . installs it)"
INSTALL_CHROMIUM = "Debian: apt-get install chromium; never plotly_get_chrome"
#: Kept for callers that add it to a message of their own: the routes that still work.
CHROMIUM_HELP = OTHER_ROUTES


class ExportUnavailable(ValueError):
    """Static export cannot run here (no Chromium, no Kaleido, or the renderer stopped answering)."""


class ExportTimeout(ExportUnavailable):
    """One render took longer than its time limit."""


def find_chromium() -> str | None:
    """Path of the browser Kaleido would use (its own search: ``BROWSER_PATH``, ``PATH``, usual places).

    Returns None when no executable browser is found. Without Kaleido (and so without its browser
    finder, choreographer) a plain ``PATH`` search stands in, so a missing Kaleido is never reported
    as a missing Chromium. Never downloads one.
    """
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return _which_chromium()
    try:
        path = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure of the search means "not found"
        return None
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return str(path)
    return None


def _which_chromium() -> str | None:
    """Look for a Chromium or Chrome the simple way (``BROWSER_PATH``, then ``PATH``)."""
    where = os.environ.get("BROWSER_PATH")
    if where:
        return where if os.path.isfile(where) and os.access(where, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def kaleido_version() -> str | None:
    """Version of the installed Kaleido, or None when it cannot be imported."""
    try:
        import kaleido
    except ImportError:
        return None
    return str(getattr(kaleido, "__version__", "") or "installed")


class _Renderer:
    """The process's one Kaleido server; calls are serialised (its queue pairs replies by order)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = False
        self.stuck: threading.Thread | None = None  # a call that outlived its timeout

    def _start(self, browser: str | None) -> None:
        # browser None (none found) is passed on: Kaleido's path=None makes it search itself.
        import kaleido

        warnings.filterwarnings("ignore", message="The kopts argument is ignored", category=UserWarning)
        kaleido.start_sync_server(n=RENDER_TABS, mathjax=False, timeout=RENDER_TIMEOUT_S, path=browser,
                                  silence_warnings=True)
        self.started = True

    @staticmethod
    def _server_alive() -> bool:
        # Best effort: Kaleido's server thread dies if the browser fails to start, and a call would then
        # wait forever. The attribute is private, so its absence means "assume alive".
        import kaleido

        thread = getattr(getattr(kaleido, "_global_server", None), "_thread", None)
        return thread is None or thread.is_alive()

    def run(self, call: Callable[[], Any], what: str, timeout_s: float) -> Any:
        """Run ``call`` (one request to the Kaleido server) under the lock, in a worker, within ``timeout_s``."""
        problem = static_export_problem()
        if problem:
            raise ExportUnavailable(problem)
        if not self.lock.acquire(timeout=timeout_s):
            raise ExportTimeout(f"the image renderer stayed busy for more than {timeout_s:g} s. {OTHER_ROUTES}")
        try:
            box = self._run_locked(call, what, timeout_s)
        finally:
            self.lock.release()
        if "error" in box:
            e = box["error"]
            raise ExportUnavailable(f"could not draw {what}: {e}. {OTHER_ROUTES}") from e
        return box["value"]

    def render(self, figure: go.Figure, opts: dict[str, Any], timeout_s: float) -> bytes:
        """One figure's image bytes (``opts``: format, scale, width, height)."""
        return self.run(lambda: _draw(figure, opts), f"the {opts['format'].upper()}", timeout_s)

    def _run_locked(self, call: Callable[[], Any], what: str, timeout_s: float) -> dict[str, Any]:
        if self.stuck is not None and self.stuck.is_alive():
            raise ExportUnavailable(f"the image renderer is still busy with a render that timed out. {OTHER_ROUTES}")
        if not self.started:
            self._start(find_chromium())
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["value"] = call()
            except BaseException as e:  # noqa: BLE001 - handed to the caller
                box["error"] = e

        t = threading.Thread(target=work, name="allofmp3-export", daemon=True)
        t.start()
        waited = 0.0
        while t.is_alive() and waited < timeout_s:
            t.join(_POLL_S)
            waited += _POLL_S
            if t.is_alive() and not self._server_alive():
                self.stuck = t
                raise ExportUnavailable(f"the image renderer's browser stopped. {OTHER_ROUTES}")
        if t.is_alive():
            self.stuck = t
            raise ExportTimeout(f"drawing {what} took more than {timeout_s:g} s. {OTHER_ROUTES}")
        return box


def _draw(figure: go.Figure, opts: dict[str, Any]) -> bytes:
    """Make the one call into Plotly/Kaleido for one image (a seam tests replace to simulate a hang)."""
    import plotly.io as pio

    return pio.to_image(figure, **opts)


def _draw_many(jobs: list[dict[str, Any]]) -> None:
    """Make the one call into Kaleido for many images, written straight to their files (spread over the tabs)."""
    import kaleido

    kaleido.write_fig_from_object_sync(jobs, cancel_on_error=True)


_RENDERER = _Renderer()


def static_export_problem() -> str | None:
    """Why PNG/SVG/PDF files cannot be drawn here, or None when they can (fast: no browser is started).

    The message names exactly what is missing: the Python package Kaleido, the Chromium browser, or
    both, says how to install it, and names the routes that still work.

    Examples
    --------
    >>> static_export_problem() is None or "needs" in static_export_problem()
    True
    """
    kaleido = kaleido_version()
    browser = find_chromium()
    if kaleido is not None and browser is not None:
        return None
    where = os.environ.get("BROWSER_PATH")
    no_browser = (f"nothing usable at BROWSER_PATH={where!r}" if where
                  else "none on PATH or in the usual places")
    if kaleido is None and browser is None:
        return ("static export (PNG, SVG, PDF) needs the Python package Kaleido and Chromium or Chrome; "
                f"neither is here (Kaleido is not importable; Chromium: {no_browser}). Install Kaleido "
                f"({INSTALL_KALEIDO}) and Chromium ({INSTALL_CHROMIUM}). {OTHER_ROUTES}")
    if kaleido is None:
        return ("static export (PNG, SVG, PDF) needs the Python package Kaleido, which is not importable "
                f"(Chromium is here: {browser}). Install it: {INSTALL_KALEIDO}. {OTHER_ROUTES}")
    return (f"static export (PNG, SVG, PDF) needs Chromium or Chrome; {no_browser} (Kaleido {kaleido} is "
            f"installed). Install Chromium ({INSTALL_CHROMIUM}). {OTHER_ROUTES}")


def to_image(
    figure: go.Figure,
    fmt: str = "png",
    *,
    scale: float = IMAGE_SCALE,
    width: int | None = None,
    height: int | None = None,
    timeout_s: float = CALL_TIMEOUT_S,
) -> bytes:
    """Draw a figure as PNG, SVG or PDF with the process's warm Kaleido renderer.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
    fmt : {"png", "svg", "pdf"}
    scale : float
        Pixels per layout pixel, PNG only (SVG and PDF are vector, drawn at scale 1). A 700 x 500
        figure at scale 2 is 1400 x 1000 pixels.
    width, height : int, optional
        Layout size [px]; default the figure's own, else Plotly's 700 x 500.
    timeout_s : float
        Wall-clock limit for this call, including the browser's start on first use. [s]

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        An unknown format.
    ExportUnavailable
        No Kaleido or Chromium, the renderer's browser stopped, or the render failed.
    ExportTimeout
        The render took longer than ``timeout_s``.
    """
    opts = _image_opts(fmt, scale, width, height)
    return _RENDERER.render(figure, opts, timeout_s)


def _image_opts(fmt: str, scale: float, width: int | None = None, height: int | None = None) -> dict[str, Any]:
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {list(IMAGE_FORMATS)}, got {fmt!r}")
    opts: dict[str, Any] = {"format": fmt, "scale": scale if fmt == "png" else 1}
    if width:
        opts["width"] = width
    if height:
        opts["height"] = height
    return opts


def write_images(
    jobs: Sequence[tuple[go.Figure, str | Path, str]], *, scale: float = IMAGE_SCALE, timeout_s: float | None = None
) -> None:
    """Draw many figures to files in one request to the warm renderer (its tabs work in parallel).

    Parameters
    ----------
    jobs : sequence of (figure, path, format)
        Format one of :data:`IMAGE_FORMATS`; each figure at its own layout size.
    scale : float
        PNG pixels per layout pixel (SVG and PDF are vector, drawn at scale 1).
    timeout_s : float, optional
        Wall-clock limit for the whole batch [s]; default :data:`CALL_TIMEOUT_S` plus
        :data:`BATCH_IMAGE_TIMEOUT_S` per image. Kaleido also limits each image to :data:`RENDER_TIMEOUT_S`.

    Raises
    ------
    ValueError, ExportUnavailable, ExportTimeout
        As :func:`to_image`; after a failure some files may exist (write into a staging folder).
    """
    batch = [{"fig": fig, "path": str(path), "opts": _image_opts(fmt, scale)} for fig, path, fmt in jobs]
    if not batch:
        return
    limit = timeout_s if timeout_s is not None else CALL_TIMEOUT_S + BATCH_IMAGE_TIMEOUT_S * len(batch)
    _RENDERER.run(lambda: _draw_many(batch), f"{len(batch)} images", limit)


# ---------------------------------------------------------------- any format


@dataclass(frozen=True)
class DownloadFile:
    """One file a chart is offered as: the same name and bytes from the app's menu and the bundle.

    Attributes
    ----------
    label : str
        What the app's button says.
    file_name : str
    kind : str
        A key of :data:`MIME_TYPES`.
    data : callable() -> bytes
        Builds the file (only when asked: images take a render).
    needs_renderer : bool
        An image drawn by Kaleido (unavailable without static export).
    """

    label: str
    file_name: str
    kind: str
    data: Callable[[], bytes]
    needs_renderer: bool = False


def chart_files(chart: Chart, *, size: str = DEFAULT_SIZE) -> list[DownloadFile]:
    """Every file a chart is offered as, in menu order: PNG, SVG, PDF at ``size``, alt text, HTML, CSV, CSV for Excel.

    The app's Download menu and the handout bundle (:mod:`simulator.output.bundle`) name and build
    each file the same way, so a chart's CSV has the same name and columns from both.

    Examples
    --------
    >>> from simulator.present.charts import revenue_split_chart
    >>> [f.file_name for f in chart_files(revenue_split_chart(make_scenario()), size="square")]
    ['revenue_split_square.png', 'revenue_split_square.svg', 'revenue_split_square.pdf', 'revenue_split.alt.txt', 'revenue_split.html', 'revenue_split.csv', 'revenue_split_excel.csv']
    """
    size_preset(size)
    files = [DownloadFile(fmt.upper(), image_file_name(chart.name, fmt, size), fmt,
                          partial(chart_bytes, chart, fmt, size=size), needs_renderer=True) for fmt in IMAGE_FORMATS]
    return files + [
        DownloadFile("Alt text (.txt)", export_file_name(chart.name, "alt.txt"), "txt",
                     lambda: alt_text(chart).encode("utf-8")),
        DownloadFile("HTML (interactive, offline)", export_file_name(chart.name, "html"), "html",
                     partial(chart_bytes, chart, "html")),
        DownloadFile("CSV (the data)", export_file_name(chart.name, "csv"), "csv", partial(chart_bytes, chart, "csv")),
        DownloadFile("CSV for Excel (UTF-8 with BOM)", export_file_name(f"{chart.name}_excel", "csv"), "csv",
                     partial(chart_bytes, chart, "csv", bom=True)),
    ]


def chart_bytes(chart: Chart, fmt: str, *, bom: bool = False, size: str = DEFAULT_SIZE) -> bytes:
    """Return a chart's file in one of :data:`FORMATS` as bytes (images go through :func:`to_image`).

    Images are laid out for the size preset ``size`` (:data:`SIZES`) with the chart's source and
    credit line inside (:func:`export_figure`); PNG at the preset's scale.

    Raises
    ------
    ValueError
        An unknown format.
    ExportUnavailable
        An image format where static export is unavailable.
    """
    if fmt == "html":
        return chart_html(chart).encode("utf-8")
    if fmt == "csv":
        return chart_csv(chart, bom=bom).encode("utf-8")
    if fmt in IMAGE_FORMATS:
        return to_image(export_figure(chart, size), fmt, scale=size_preset(size).png_scale)
    raise ValueError(f"format must be one of {list(FORMATS)}, got {fmt!r}")
