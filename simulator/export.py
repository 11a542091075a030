"""Charts and tables out of the model: PNG, SVG, PDF, self-contained HTML and CSV bytes.

Static images (PNG, SVG, PDF) are drawn by Plotly's Kaleido with the system
Chromium: one warm renderer per process (``kaleido.start_sync_server`` with
MathJax off, started on first use), every render under a timeout. When no
Chromium is found, :class:`ExportUnavailable` (a ``ValueError``) says so at
once and names the routes that still work: self-contained HTML, CSV, and the
chart toolbar's SVG/PNG in the browser. Nothing here downloads a browser.

HTML files embed plotly.js once and load nothing from the network; CSV goes
through :func:`simulator.tables.rows_to_csv` (formula-looking text neutralised).

Examples
--------
>>> export_file_name("price_vs_length", "png")
'price_vs_length.png'
>>> export_file_name("../etc/passwd", "csv")
Traceback (most recent call last):
...
ValueError: file name '../etc/passwd' must be letters, digits, '_', '-' or '.', must not contain '..' or a path separator, and must not start with '.'
"""

from __future__ import annotations

import html
import os
import re
import threading
import warnings
from typing import Any

import plotly.graph_objects as go

from .charts import Chart
from .tables import rows_to_csv

__all__ = [
    "CHROMIUM_HELP",
    "ExportTimeout",
    "ExportUnavailable",
    "FORMATS",
    "IMAGE_FORMATS",
    "IMAGE_SCALE",
    "MIME_TYPES",
    "chart_bytes",
    "chart_csv",
    "chart_html",
    "export_file_name",
    "find_chromium",
    "html_page",
    "plotly_config",
    "static_export_problem",
    "to_image",
]

#: Formats Kaleido draws (need Chromium).
IMAGE_FORMATS = ("png", "svg", "pdf")
#: Every per-chart format, in the order the app and the bundle offer them.
FORMATS = (*IMAGE_FORMATS, "html", "csv")
#: MIME type of each file kind written.
MIME_TYPES = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
    "csv": "text/csv", "yaml": "application/x-yaml", "zip": "application/zip",
}
#: Pixel density of PNG exports and of the toolbar's PNG (2 = sharp on high-density screens and in print).
IMAGE_SCALE = 2
#: Implementation limit: Kaleido's own limit for drawing one image in a warm browser tab. [s]
RENDER_TIMEOUT_S = 30.0
#: Implementation limit: wall-clock backstop for one export call, including the browser's start. [s]
CALL_TIMEOUT_S = 60.0
#: How often a waiting export checks that the renderer's thread is still alive. [s]
_POLL_S = 0.05
#: What to say when static export is not possible.
CHROMIUM_HELP = (
    "Self-contained HTML and CSV still work, and each chart's toolbar camera saves SVG or PNG "
    "in your browser. For PNG/SVG/PDF files here, install Chromium (Debian: apt-get install chromium)."
)

_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class ExportUnavailable(ValueError):
    """Static export cannot run here (no Chromium, no Kaleido, or the renderer stopped answering)."""


class ExportTimeout(ExportUnavailable):
    """One render took longer than its time limit."""


def export_file_name(name: str, fmt: str) -> str:
    """File name of a chart's export: ``<name>.<fmt>``, refusing anything that could leave its folder.

    Parameters
    ----------
    name : str
        File-name stem (a chart's ``name``).
    fmt : str
        Extension without the dot.

    Raises
    ------
    ValueError
        A stem with a path separator, ``..``, a leading dot, or other characters.
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or ".." in name:
        raise ValueError(
            f"file name {name!r} must be letters, digits, '_', '-' or '.', must not contain '..' or a "
            "path separator, and must not start with '.'"
        )
    return f"{name}.{fmt}"


def plotly_config(name: str, image_format: str = "svg") -> dict[str, Any]:
    """Plotly config: the toolbar camera saves ``<name>.<image_format>`` at :data:`IMAGE_SCALE`.

    Examples
    --------
    >>> plotly_config("timeline", "png")["toImageButtonOptions"]
    {'format': 'png', 'filename': 'timeline', 'scale': 2}
    """
    if image_format not in ("svg", "png"):
        raise ValueError(f"toolbar image format must be one of ['svg', 'png'], got {image_format!r}")
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": image_format, "filename": name, "scale": IMAGE_SCALE},
    }


# ---------------------------------------------------------------- static images (Kaleido)


def find_chromium() -> str | None:
    """Path of the browser Kaleido would use (its own search: ``BROWSER_PATH``, ``PATH``, usual places).

    Returns None when Kaleido is not installed or no executable browser is found. Never downloads one.
    """
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    try:
        path = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure of the search means "not found"
        return None
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return str(path)
    return None


class _Renderer:
    """The process's one Kaleido server; calls are serialised (its queue pairs replies by order)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = False
        self.stuck: threading.Thread | None = None  # a call that outlived its timeout

    def _start(self, browser: str) -> None:
        import kaleido

        warnings.filterwarnings("ignore", message="The kopts argument is ignored", category=UserWarning)
        kaleido.start_sync_server(mathjax=False, timeout=RENDER_TIMEOUT_S, path=browser, silence_warnings=True)
        self.started = True

    @staticmethod
    def _server_alive() -> bool:
        # Best effort: Kaleido's server thread dies if the browser fails to start, and a call would then
        # wait forever. The attribute is private, so its absence means "assume alive".
        import kaleido

        thread = getattr(getattr(kaleido, "_global_server", None), "_thread", None)
        return thread is None or thread.is_alive()

    def render(self, figure: go.Figure, opts: dict[str, Any], timeout_s: float) -> bytes:
        problem = static_export_problem()
        if problem:
            raise ExportUnavailable(problem)
        if not self.lock.acquire(timeout=timeout_s):
            raise ExportTimeout(f"the image renderer stayed busy for more than {timeout_s:g} s. {CHROMIUM_HELP}")
        try:
            box = self._render_locked(figure, opts, timeout_s)
        finally:
            self.lock.release()
        if "error" in box:
            e = box["error"]
            raise ExportUnavailable(f"could not draw the {opts['format'].upper()}: {e}. {CHROMIUM_HELP}") from e
        return box["image"]

    def _render_locked(self, figure: go.Figure, opts: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        if self.stuck is not None and self.stuck.is_alive():
            raise ExportUnavailable(f"the image renderer is still busy with a render that timed out. {CHROMIUM_HELP}")
        if not self.started:
            self._start(find_chromium())
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["image"] = _draw(figure, opts)
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
                raise ExportUnavailable(f"the image renderer's browser stopped. {CHROMIUM_HELP}")
        if t.is_alive():
            self.stuck = t
            raise ExportTimeout(f"drawing a {opts['format'].upper()} took more than {timeout_s:g} s. {CHROMIUM_HELP}")
        return box


def _draw(figure: go.Figure, opts: dict[str, Any]) -> bytes:
    """The one call into Plotly/Kaleido (a seam tests replace to simulate a hang)."""
    import plotly.io as pio

    return pio.to_image(figure, **opts)


_RENDERER = _Renderer()


def static_export_problem() -> str | None:
    """Why PNG/SVG/PDF files cannot be drawn here, or None when they can (fast: no browser is started)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return f"static export needs Kaleido (pip install 'allofmp3-sim[export]'). {CHROMIUM_HELP}"
    if find_chromium() is None:
        where = os.environ.get("BROWSER_PATH")
        found = f"nothing usable at BROWSER_PATH={where!r}" if where else "none on PATH or in the usual places"
        return f"static export (PNG, SVG, PDF) needs Chromium or Chrome; {found}. {CHROMIUM_HELP}"
    return None


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
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {list(IMAGE_FORMATS)}, got {fmt!r}")
    opts = {"format": fmt, "scale": scale if fmt == "png" else 1, "width": width, "height": height}
    return _RENDERER.render(figure, opts, timeout_s)


# ---------------------------------------------------------------- HTML and CSV

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 1.5rem auto;
       padding: 0 1rem; color: #222; line-height: 1.4; }}
figure {{ margin: 1.5rem 0; break-inside: avoid; }}
figcaption, .note {{ color: #555; font-size: 0.9rem; }}
table {{ border-collapse: collapse; font-size: 0.85rem; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; }}
.sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }}
@media print {{ body {{ max-width: none; margin: 0; }} .modebar-container {{ display: none; }}
               h2 {{ break-after: avoid; }} }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def html_page(title: str, body: str) -> str:
    """A complete, offline HTML page around ``body`` (already HTML); ``title`` is escaped."""
    return _PAGE.format(title=html.escape(title), body=body)


def chart_figure_html(chart: Chart, *, include_plotlyjs: bool, height_px: int = 480) -> str:
    """One chart as a ``<figure>``: the interactive plot, its caption and its alt text.

    ``include_plotlyjs=True`` embeds plotly.js (do it for the first chart of a page only).
    """
    export_file_name(chart.name, "html")  # the name becomes an element id: refuse odd ones here too
    plot = chart.figure.to_html(
        full_html=False, include_plotlyjs=include_plotlyjs, include_mathjax=False,
        config=plotly_config(chart.name), div_id=f"chart-{chart.name}",
        default_width="100%", default_height=f"{height_px}px",
    )
    return (
        f'<figure aria-describedby="alt-{chart.name}">\n{plot}\n'
        f'<figcaption>{html.escape(chart.caption)}</figcaption>\n'
        f'<p class="sr-only" id="alt-{chart.name}">{html.escape(chart.alt)}</p>\n</figure>'
    )


def chart_html(chart: Chart) -> str:
    """A self-contained HTML page of one chart (plotly.js embedded once; opens offline)."""
    return html_page(chart.title, chart_figure_html(chart, include_plotlyjs=True))


def chart_csv(chart: Chart, *, bom: bool = False) -> str:
    """The table behind a chart as CSV: unit-suffixed columns, formula-looking text neutralised.

    Parameters
    ----------
    chart : Chart
    bom : bool
        Start with a UTF-8 byte-order mark (Excel then reads the file as UTF-8).

    Returns
    -------
    str
    """
    df = chart.data
    return rows_to_csv(df.to_dict(orient="records"), [str(c) for c in df.columns], bom=bom)


def chart_bytes(chart: Chart, fmt: str, *, bom: bool = False) -> bytes:
    """A chart's file in one of :data:`FORMATS` as bytes (images go through :func:`to_image`).

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
        return to_image(chart.figure, fmt)
    raise ValueError(f"format must be one of {list(FORMATS)}, got {fmt!r}")
