"""The house style of every chart: one registered Plotly template, export sizes and a layout that fits.

One look everywhere: :data:`TEMPLATE` (registered as ``plotly.io.templates["allofmp3"]``) is embedded
in every figure's layout, so the app, the exported images, the HTML pages, the bundle and the
report draw the same white, left-titled charts whatever Plotly's default template is.

Nothing cut or overlapping at any size: Plotly does not wrap titles, and places legends, axis
titles and annotations in fractions of the plot area, so a layout that fits at one size overlaps
at another. :func:`fit_layout` lays a figure out for a given width and height in pixels: it
wraps the title and subtitle to the width, stacks the reference-line labels above the plot in as
many rows as they need to stay apart, puts the legend and the credit line in the bottom margin
below the axis title, and sizes the margins to hold them. Text widths come from the advance
widths of the font (Liberation Sans, metric-compatible with Arial), so the estimate matches
what Chromium draws.

Size presets (:data:`SIZES`): the chart's own size, a 16:9 slide, a print column and a square
for social media; each is a layout size in CSS pixels and a PNG scale.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "FONT_FAMILY",
    "SIZES",
    "SizePreset",
    "TEMPLATE",
    "TEMPLATE_NAME",
    "fit_layout",
    "size_preset",
    "split_title",
    "text_width_px",
    "wrap_text",
]

#: Name of the registered template (``plotly.io.templates[TEMPLATE_NAME]``).
TEMPLATE_NAME = "allofmp3"
#: Font stack: Arial where present, else the metric-compatible Liberation Sans (Debian's Chromium).
FONT_FAMILY = "Arial, 'Liberation Sans', Arimo, Helvetica, sans-serif"
#: Font sizes [px]: ticks and legend; the title; the subtitle; notes on the plot; the credit line.
BASE_FONT_PX = 13
TITLE_FONT_PX = 18
SUBTITLE_FONT_PX = 13
NOTE_FONT_PX = 11
CREDIT_FONT_PX = 10
AXIS_TITLE_FONT_PX = 14
#: Line height as a multiple of the font size (Plotly's own spacing of <br> lines is 1.3).
LINE_HEIGHT = 1.3
#: Outer padding of the figure, and the gap between stacked blocks (title, labels, legend). [px]
PAD_PX = 10
GAP_PX = 8
#: Room for the legend's symbol (Plotly's itemwidth, 30, and its padding) before each entry's text. [px]
LEGEND_SYMBOL_PX = 48
#: Space after each legend entry's text. [px]
LEGEND_TEXT_PAD_PX = 12
#: Text colour, and the light grey of grid lines.
INK = "#222222"
GRID = "#e3e3e3"

#: Advance widths of Liberation Sans Regular (= Arial), printable ASCII from ' ' (32) to '~' (126),
#: in 1/1000 em, read from the font with Pillow (``ImageFont.getlength`` at 1000 px).
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
    722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
    278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
#: Width of any other character (a digit's width: "–", "×", "é" are close to it), in 1/1000 em.
_OTHER_WIDTH = 600
#: Bold text is about this much wider than regular.
_BOLD_FACTOR = 1.08
_TAG = re.compile(r"<[^>]+>")


def text_width_px(text: str, size_px: float, *, bold: bool = False) -> float:
    """Estimate the drawn width of one line of text in pixels (HTML tags ignored).

    Examples
    --------
    >>> round(text_width_px("Price", 10), 1)
    22.8
    """
    plain = _TAG.sub("", text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else _OTHER_WIDTH for c in plain)
    return units / 1000 * size_px * (_BOLD_FACTOR if bold else 1.0)


def wrap_text(text: str, width_px: float, size_px: float) -> list[str]:
    """Break text into lines no wider than ``width_px`` at spaces (a word longer than the width keeps its line).

    Examples
    --------
    >>> wrap_text("one two three", 60, 13)
    ['one two', 'three']
    """
    lines: list[str] = []
    for para in text.split("<br>"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if line and text_width_px(trial, size_px) > width_px:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def split_title(title: str) -> tuple[str, str]:
    """Split a chart title into a short title and a subtitle, at its first ": " (else no subtitle).

    Examples
    --------
    >>> split_title("The time line, 2004-2007: monthly revenue [USD]")
    ('The time line, 2004-2007', 'Monthly revenue [USD]')
    >>> split_title("Price per track [USD]")
    ('Price per track [USD]', '')
    """
    head, sep, rest = title.partition(": ")
    if not sep or not rest:
        return title, ""
    return head, rest[0].upper() + rest[1:]


# ---------------------------------------------------------------- the template

_AXIS = {
    "showgrid": True, "gridcolor": GRID, "zeroline": False, "showline": True, "linecolor": "#888888",
    "ticks": "outside", "tickcolor": "#888888", "ticklen": 4, "automargin": True,
    "title": {"font": {"size": AXIS_TITLE_FONT_PX}, "standoff": 8},
}

#: The house template: white, left-aligned titles, light grid, Okabe-Ito colours (see ``charts.PALETTE``).
TEMPLATE = go.layout.Template({
    "layout": {
        "font": {"family": FONT_FAMILY, "size": BASE_FONT_PX, "color": INK},
        "title": {"x": 0, "xanchor": "left", "font": {"size": TITLE_FONT_PX}},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"],
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "legend": {"font": {"size": BASE_FONT_PX}, "bgcolor": "rgba(255,255,255,0)"},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "annotationdefaults": {"font": {"size": NOTE_FONT_PX}},
    },
})
pio.templates[TEMPLATE_NAME] = TEMPLATE
#: The template as a plain dict, embedded in each figure (a name alone would not travel to plotly.js).
TEMPLATE_DICT: dict[str, Any] = TEMPLATE.to_plotly_json()


# ---------------------------------------------------------------- sizes


@dataclass(frozen=True)
class SizePreset:
    """One export size.

    Attributes
    ----------
    key : str
        Short name, used in file names (``timeline_slide.png``) and on the command line (``--size``).
    label : str
        What the app's menu shows.
    width_px, height_px : int or None
        Layout size in CSS pixels (None: the chart's own, else Plotly's 700 x 500).
    png_scale : float
        PNG pixels per layout pixel.
    """

    key: str
    label: str
    width_px: int | None
    height_px: int | None
    png_scale: float


#: Plotly's default layout size, the charts' own size unless they set one. [px]
DEFAULT_WIDTH_PX, DEFAULT_HEIGHT_PX = 700, 500
#: Width a figure without one is planned for when it stretches to the app's main column on a 1024 x 768
#: projector (the column measures about 620 px there): its legend's rows are counted at this width.
RESPONSIVE_NARROW_WIDTH_PX = 600

#: The offered sizes, in menu order.
SIZES: dict[str, SizePreset] = {
    # The chart's own size (700 x 500 px unless it sets a height) at 2x: sharp on screens and in print.
    "standard": SizePreset("standard", "Standard (700 × 500, 2x)", None, None, 2),
    # 16:9 slides: 960 x 540 at 2x is 1920 x 1080, full HD.
    "slide": SizePreset("slide", "Slide 16:9 (1920 × 1080)", 960, 540, 2),
    # One column of a printed page: 560 px wide at 2x is 1120 px, 9.5 cm at 300 dpi.
    "column": SizePreset("column", "Print column (1120 × 1000, 9.5 cm at 300 dpi)", 560, 500, 2),
    # Square for social media: 720 x 720 at 1.5x is 1080 x 1080 (Instagram's post size).
    "square": SizePreset("square", "Square for social (1080 × 1080)", 720, 720, 1.5),
}


def size_preset(key: str) -> SizePreset:
    """Return the size preset named ``key``.

    Raises
    ------
    ValueError
        An unknown name (the message lists them).
    """
    try:
        return SIZES[key]
    except KeyError:
        raise ValueError(f"size must be one of {list(SIZES)}, got {key!r}") from None


# ---------------------------------------------------------------- fitting a layout to a size


def _x_pixels(layout: dict, data: list[dict], left: float, plot_w: float):
    """Map data x to pixels on the plot, from the axis range (else the data's extent); None when unknown."""
    xa = layout.get("xaxis", {})
    log = xa.get("type") == "log"
    rng = xa.get("range")

    def num(v: Any) -> float:
        if isinstance(v, (int, float)):
            return float(v)
        return pd.Timestamp(v).value / 1e6  # dates: ms since the epoch, as plotly.js counts

    try:
        if rng is not None:
            lo, hi = num(rng[0]), num(rng[1])
            if log:  # a log axis range is given in log10 units already
                lo, hi = 10 ** lo, 10 ** hi
        else:
            xs = [num(v) for t in data if t.get("x") is not None and t.get("orientation") != "h"
                  for v in list(t["x"])]
            if not xs:
                return None
            lo, hi = min(xs), max(xs)
    except (TypeError, ValueError):
        return None
    if log:
        if lo <= 0 or hi <= 0:
            return None
        lo, hi = math.log10(lo), math.log10(hi)
    if hi <= lo:
        return None

    def to_px(v: Any) -> float:
        x = num(v)
        x = math.log10(x) if log and x > 0 else x
        return left + (x - lo) / (hi - lo) * plot_w

    return to_px


def _stack_rows(notes: list[dict], to_px, log: bool, width_px: float) -> list[int]:
    """Row of each stacked label (0 nearest the plot), the first row where it clears the others by a gap.

    A label that would run off the figure's edge is turned to the other side of its line.
    """
    spans: list[tuple[float, float] | None] = []
    for n in notes:
        w = text_width_px(n["text"], n.get("font", {}).get("size", NOTE_FONT_PX)) + 4
        if to_px is None:
            spans.append(None)
            continue
        x = 10 ** n["x"] if log else n["x"]  # vline stores log10(x) for log axes
        px = to_px(x)
        anchor = n.get("xanchor", "left")
        if anchor == "left" and px + w > width_px - PAD_PX:
            anchor = n["xanchor"] = "right"
        elif anchor == "right" and px - w < PAD_PX:
            anchor = n["xanchor"] = "left"
        left = px - w if anchor == "right" else (px - w / 2 if anchor == "center" else px)
        spans.append((left, left + w))
    rows: list[int] = []
    taken: list[list[tuple[float, float]]] = []
    for span in spans:
        if span is None:  # no way to place it: a row of its own
            rows.append(len(taken))
            taken.append([(0.0, 0.0)])
            continue
        for r, used in enumerate(taken):
            if all(span[1] + GAP_PX <= a or span[0] >= b + GAP_PX for a, b in used):
                used.append(span)
                rows.append(r)
                break
        else:
            rows.append(len(taken))
            taken.append([span])
    return rows


def _legend_entries(data: list[dict], layout: dict) -> list[str]:
    if layout.get("showlegend") is False:
        return []
    names = [t.get("name", "") for t in data if t.get("showlegend", True) is not False and t.get("name")
             and t.get("type") not in ("contour", "heatmap")]
    return names if len(names) >= (1 if layout.get("showlegend") else 2) else []


def fit_layout(figure: dict, *, title: str, width_px: int | None = None, height_px: int | None = None,
               credit: str = "") -> dict:
    """Lay a figure out for a size: title and subtitle wrapped, labels stacked, legend and credit below.

    Parameters
    ----------
    figure : dict
        ``{"data": [...], "layout": {...}}`` in the house style (from :func:`simulator.present.charts.make_figure`).
        Annotations named ``"stack"`` are labels of reference lines: they are placed above the plot.
    title : str
        The chart's title; split by :func:`split_title` into title and subtitle.
    width_px, height_px : int, optional
        Layout size [px]; default the layout's own, else 700 x 500. Only a given width is written to
        the layout (without one the figure stretches to its container, as in the app).
    credit : str
        Source and credit line, drawn at the bottom left (empty: none).

    Returns
    -------
    dict
        A new figure dict; the input is not changed.
    """
    fig = copy.deepcopy(figure)
    lay = fig["layout"]
    data = fig["data"]
    w = float(width_px or lay.get("width") or DEFAULT_WIDTH_PX)
    h = float(height_px or lay.get("height") or DEFAULT_HEIGHT_PX)
    inner_w = w - 2 * PAD_PX

    # Title and subtitle, wrapped to the width.
    head, sub = split_title(title)
    title_lines = wrap_text(head, inner_w, TITLE_FONT_PX)
    sub_lines = wrap_text(sub, inner_w, SUBTITLE_FONT_PX) if sub else []
    top = PAD_PX + len(title_lines) * TITLE_FONT_PX * LINE_HEIGHT
    if sub_lines:
        top += GAP_PX / 2 + len(sub_lines) * SUBTITLE_FONT_PX * LINE_HEIGHT
    lay["title"] = {**lay.get("title", {}), "text": "<br>".join(title_lines), "x": PAD_PX / w, "xanchor": "left",
                    "xref": "container", "yanchor": "top", "yref": "container",
                    # plotly.js anchors the first line of a multi-line title one line per extra line too
                    # high (its top would be cut): move it down by as much.
                    "y": 1 - (PAD_PX + (len(title_lines) - 1) * TITLE_FONT_PX * LINE_HEIGHT) / h,
                    "automargin": False, "font": {"size": TITLE_FONT_PX},
                    "subtitle": {"text": "<br>".join(sub_lines), "font": {"size": SUBTITLE_FONT_PX, "color": "#555555"}}}

    # Margins: left and right hold the tick labels and axis titles (automargin adds more if needed).
    has_y2 = "yaxis2" in lay
    has_colorbar = any(t.get("type") in ("contour", "heatmap") and t.get("showscale", True) is not False for t in data)
    left: float = PAD_PX + 70
    categories = [str(v) for t in data if t.get("orientation") == "h" and t.get("y") is not None
                  for v in list(t["y"]) if isinstance(v, str)]
    if categories:  # horizontal bars: the category names stand left of the plot
        left = max(left, PAD_PX + max(text_width_px(c, BASE_FONT_PX) for c in categories) + 16)
    right = PAD_PX + (70 if has_y2 else 0) + (90 if has_colorbar else 10)
    plot_w = max(w - left - right, 50)

    # Labels of reference lines, stacked in rows above the plot.
    notes = lay.get("annotations", [])
    stacked = [n for n in notes if n.get("name") == "stack"]
    log = lay.get("xaxis", {}).get("type") == "log"
    rows = _stack_rows(stacked, _x_pixels(lay, data, left, plot_w), log, w) if stacked else []
    row_h = NOTE_FONT_PX * LINE_HEIGHT + 2
    n_rows = max(rows) + 1 if rows else 0
    # The top tick label stands half its height above the plot: keep it clear of the subtitle too.
    t_margin = top + GAP_PX + n_rows * row_h + (GAP_PX if n_rows else BASE_FONT_PX * 0.75)

    # Bottom: tick labels, axis title, legend rows, credit line.
    tick_lines = max((str(v).count("<br>") + 1 for v in lay.get("xaxis", {}).get("ticktext", [])), default=1)
    for t in data:
        if t.get("type") == "bar" and t.get("orientation") != "h" and t.get("x") is not None:
            tick_lines = max([tick_lines] + [str(v).count("<br>") + 1 for v in list(t["x"]) if isinstance(v, str)])
    x_title = lay.get("xaxis", {}).get("title", {}).get("text", "")
    b = PAD_PX + tick_lines * BASE_FONT_PX * LINE_HEIGHT + 8
    if x_title:
        b += AXIS_TITLE_FONT_PX * LINE_HEIGHT + 8
    entries = _legend_entries(data, lay)
    credit_lines = wrap_text(credit, inner_w, CREDIT_FONT_PX) if credit else []
    credit_h = len(credit_lines) * CREDIT_FONT_PX * LINE_HEIGHT
    legend_h = 0.0
    if entries:
        text_w = max(text_width_px(e, BASE_FONT_PX) for e in entries) + LEGEND_TEXT_PAD_PX
        # Plotly wraps a horizontal legend at the plot area's width, not the figure's. A figure without a
        # width stretches to its container (the app), which on a 1024-px projector is narrower than the
        # default: plan its legend rows for that narrower plot, so a wrapped legend is never cut.
        legend_w = plot_w if (width_px or lay.get("width")) else max(min(w, RESPONSIVE_NARROW_WIDTH_PX) - left - right, 50)
        per_row = max(1, int(legend_w // (text_w + LEGEND_SYMBOL_PX)))
        n_legend_rows = math.ceil(len(entries) / per_row)
        legend_h = n_legend_rows * (BASE_FONT_PX * LINE_HEIGHT + 6) + 4
        lay["showlegend"] = True
        lay["legend"] = {**lay.get("legend", {}), "orientation": "h", "xref": "container", "yref": "container",
                         "x": PAD_PX / w, "xanchor": "left",
                         "y": (PAD_PX + credit_h + (GAP_PX if credit else 0) + legend_h) / h,
                         "yanchor": "top", "entrywidth": text_w, "entrywidthmode": "pixels",
                         "tracegroupgap": 0}
        b += GAP_PX + legend_h
    b += (GAP_PX + credit_h) if credit else 0
    lay["margin"] = {"l": left, "r": right, "t": t_margin, "b": b, "pad": 0, "autoexpand": True}
    plot_h = max(h - t_margin - b, 50)

    for n, r in zip(stacked, rows, strict=True):
        n.update(y=1 + (GAP_PX + r * row_h) / plot_h, yref="paper", yanchor="bottom", showarrow=False)
    notes = [n for n in notes if n.get("name") != "credit"]
    if credit:
        notes.append({"name": "credit", "text": "<br>".join(credit_lines), "showarrow": False, "xref": "paper", "yref": "paper",
                      "x": -(left - PAD_PX) / plot_w, "xanchor": "left", "y": -(b - PAD_PX) / plot_h,
                      "yanchor": "bottom", "align": "left", "font": {"size": CREDIT_FONT_PX, "color": "#555555"}})
    lay["annotations"] = notes
    lay["template"] = TEMPLATE_DICT
    if width_px:
        lay["width"] = width_px
    if height_px:
        lay["height"] = height_px
    return fig
