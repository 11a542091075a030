"""A chart's files that need no browser: safe file names, the toolbar config, offline HTML and CSV.

HTML pages embed plotly.js once and load nothing from the network; CSV goes through
:func:`simulator.io.tables.rows_to_csv` (formula-looking text neutralised, numbers kept).
:mod:`simulator.output.export` re-exports everything here and adds the static images.

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
import re
from typing import Any, cast

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from simulator.io.tables import rows_to_csv
from simulator.present.charts import Chart
from simulator.present.style import DEFAULT_HEIGHT_PX, DEFAULT_WIDTH_PX, fit_layout, size_preset

__all__ = ["DEFAULT_SIZE", "IMAGE_SCALE", "PLOTLY_JS", "alt_text", "plotly_js", "chart_csv", "chart_figure_html", "chart_html",
           "export_figure", "export_file_name", "fitted_figure", "html_page", "image_file_name", "plotly_config"]

#: The size an export takes unless another is asked for (the chart's own size).
DEFAULT_SIZE = "standard"
#: Credit line of a chart built outside the registry (which sets each chart's own).
FALLBACK_CREDIT = "Source: assumptions.yaml · allofmp3-sim"

#: Pixel density of PNG exports and of the toolbar's PNG (2 = sharp on high-density screens and in print).
IMAGE_SCALE = 2
_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


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


def image_file_name(name: str, fmt: str, size: str = DEFAULT_SIZE) -> str:
    """File name of a chart's image at a size preset: ``<name>.<fmt>``, or ``<name>_<size>.<fmt>``.

    The same name from the app's Download menu, the command line and the bundle.

    Examples
    --------
    >>> image_file_name("timeline", "png"), image_file_name("timeline", "png", "slide")
    ('timeline.png', 'timeline_slide.png')
    >>> image_file_name("timeline", "alt.txt", "square")
    'timeline_square.alt.txt'
    """
    size_preset(size)
    return export_file_name(name if size == DEFAULT_SIZE else f"{name}_{size}", fmt)


def fitted_figure(chart: Chart, width_px: int, height_px: int) -> go.Figure:
    """Return the chart's figure laid out for a width and height in pixels, its credit line inside."""
    fitted = fit_layout(chart.figure.to_dict(), title=chart.title, width_px=width_px, height_px=height_px,
                        credit=chart.credit or FALLBACK_CREDIT)
    return go.Figure(fitted, _validate=False)


def export_figure(chart: Chart, size: str = DEFAULT_SIZE) -> go.Figure:
    """Return the chart's figure laid out for a size preset, with its source and credit line inside.

    Parameters
    ----------
    chart : Chart
    size : str
        A key of :data:`simulator.present.style.SIZES`.

    Returns
    -------
    plotly.graph_objects.Figure
        Width and height set to the preset's (or the chart's own), the title wrapped to that width.

    Raises
    ------
    ValueError
        An unknown size.
    """
    p = size_preset(size)
    lay = chart.figure.layout
    width = p.width_px or int(lay.width or DEFAULT_WIDTH_PX)
    height = p.height_px or int(lay.height or DEFAULT_HEIGHT_PX)
    return fitted_figure(chart, width, height)


def alt_text(chart: Chart) -> str:
    """Return the text file written beside each image: the title, the alt text, the caption and the credit.

    Examples
    --------
    >>> from simulator.present.charts import revenue_split_chart
    >>> alt_text(revenue_split_chart(make_scenario())).splitlines()[0]
    "Who gets what of the year's revenue [USD million per year; cents per dollar]"
    """
    return f"{chart.title}\n\nAlt text: {chart.alt}\n\nCaption: {chart.caption}\n\n{chart.credit or FALLBACK_CREDIT}\n"


def plotly_config(name: str, image_format: str = "svg") -> dict[str, Any]:
    """Return the Plotly config: the toolbar camera saves ``<name>.<image_format>`` at :data:`IMAGE_SCALE`.

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
td a {{ overflow-wrap: anywhere; }}
.num, .unit {{ white-space: nowrap; }}
.num {{ text-align: right; }}
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
    """Return a complete, offline HTML page around ``body`` (already HTML); ``title`` is escaped."""
    return _PAGE.format(title=html.escape(title), body=body)


#: File name of the one shared copy of plotly.js beside the HTML pages of a bundle.
PLOTLY_JS = "plotly.min.js"


def plotly_js() -> str:
    """Return plotly.js itself (the copy in the installed plotly package; read from disk, no network)."""
    return str(get_plotlyjs())


def chart_figure_html(chart: Chart, *, include_plotlyjs: bool | str, height_px: int = 480,
                      figure: go.Figure | None = None) -> str:
    """One chart as a ``<figure>``: the interactive plot, its caption and its alt text.

    ``figure`` replaces the chart's own (e.g. one laid out for a printed page by :func:`fitted_figure`).

    ``include_plotlyjs=True`` embeds plotly.js (do it for the first chart of a page only);
    ``"directory"`` loads it from :data:`PLOTLY_JS` beside the page (a bundle's pages share one copy);
    ``False`` leaves it out.
    """
    export_file_name(chart.name, "html")  # the name becomes an element id: refuse odd ones here too
    plot = (chart.figure if figure is None else figure).to_html(
        full_html=False, include_plotlyjs=include_plotlyjs, include_mathjax=False,
        config=plotly_config(chart.name), div_id=f"chart-{chart.name}",
        default_width="100%", default_height=f"{height_px}px",
    )
    return (
        f'<figure aria-describedby="alt-{chart.name}">\n{plot}\n'
        f'<figcaption>{html.escape(chart.caption)}</figcaption>\n'
        f'<p class="sr-only" id="alt-{chart.name}">{html.escape(chart.alt)}</p>\n</figure>'
    )


def chart_html(chart: Chart, *, shared_js: bool = False) -> str:
    """Return an HTML page of one chart that opens offline.

    With ``shared_js`` false (a single download) plotly.js is embedded; with it true the page loads
    :data:`PLOTLY_JS` from its own folder (a bundle writes that file once for all its pages).
    """
    return html_page(chart.title, chart_figure_html(chart, include_plotlyjs="directory" if shared_js else True))


def chart_csv(chart: Chart, *, bom: bool = False) -> str:
    """Return the table behind a chart as CSV: unit-suffixed columns, formula-looking text neutralised.

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
    # A chart's table has text column labels, so each record is keyed by str.
    rows = cast(list[dict[str, Any]], df.to_dict(orient="records"))
    return rows_to_csv(rows, [str(c) for c in df.columns], bom=bom)
