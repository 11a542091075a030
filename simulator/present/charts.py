"""Charts: model results as Plotly figures, each with its title, caption, alt text, data and formula.

Every chart function is pure: it takes a scenario (and precomputed results)
and returns a :class:`Chart`. The front end only displays it; the export code
writes its figure and its data. Colours are the Okabe-Ito palette, which stays
distinguishable under the common colour-vision deficiencies and reads on light
and dark backgrounds.

Source of the palette: Okabe, M. and Ito, K. (2008), "Color Universal Design",
https://jfly.uni-koeln.de/color/ .
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simulator.model.encoding import encoding_menu, get_encoding, size_bytes, size_column
from simulator.model.market import MarketYear, market_year, reported_price_band_usd
from simulator.model.pricing import pricing_terms, track_price_cents
from simulator.params.scenario import Scenario
from simulator.present.style import fit_layout

__all__ = [
    "Chart",
    "make_figure",
    "vline",
    "hline",
    "hband",
    "PALETTE",
    "price_vs_length_chart",
    "revenue_split_chart",
]

#: Okabe-Ito colours (black replaced by a mid grey that reads on dark themes).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
#: Neutral colour for reference lines and bands.
REFERENCE_COLOUR = "#888888"


@dataclass(frozen=True)
class Chart:
    """One chart and everything said about it.

    Attributes
    ----------
    name : str
        File-name stem (``"price_vs_length"``).
    title : str
        Title with units.
    caption : str
        What the chart shows and where its numbers come from.
    alt : str
        Alt text: the chart's message in one or two sentences with the key numbers.
    figure : plotly.graph_objects.Figure
    data : pandas.DataFrame
        The table behind the chart, unit-suffixed columns.
    formula : str
        Markdown: the formula with the current numbers substituted.
    credit : str
        Source and credit line drawn inside every exported image ("Source: ... · allofmp3-sim,
        scenario ..."); set by :mod:`simulator.present.registry`, which knows the scenario.
    """

    name: str
    title: str
    caption: str
    alt: str
    figure: go.Figure = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    formula: str = ""
    credit: str = ""


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def make_figure(
    traces: list[dict],
    title: str,
    x_title: str,
    y_title: str,
    *,
    marks: tuple | list = (),
    notes: tuple | list = (),
    layout: dict | None = None,
) -> go.Figure:
    """Build a figure from plain trace dicts in one step, without Plotly's per-property validation.

    Parameters
    ----------
    traces : list of dict
        Plotly traces as dicts (``{"type": "scatter", "x": ..., "line": {"shape": "hv"}}``).
    title, x_title, y_title : str
        Titles, with units in brackets.
    marks : sequence of (shape, annotation or None)
        Reference lines and bands from :func:`vline`, :func:`hline`, :func:`hband`.
    notes : sequence of dict
        More annotations.
    layout : dict, optional
        Layout entries merged over the house style (nested dicts are merged, e.g. ``{"yaxis": {...}}``).

    Notes
    -----
    Validation costs more than everything else a chart does (about 10x); the tests validate
    every chart once instead (``go.Figure(chart.figure.to_dict())``). The layout is fitted to the
    chart's own size by :func:`simulator.present.style.fit_layout` (the house template embedded,
    title wrapped, reference-line labels stacked above the plot, legend below the axis title);
    exports fit it again to their size.
    """
    base = {
        "title": {"text": title},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
        "colorway": list(PALETTE),
        "hovermode": "x unified",
        "shapes": [m[0] for m in marks],
        "annotations": [m[1] for m in marks if m[1] is not None] + list(notes),
    }
    fitted = fit_layout({"data": list(traces), "layout": _merge(base, layout or {})}, title=title)
    return go.Figure(fitted, _validate=False)


def vline(x, text: str = "", *, colour: str = REFERENCE_COLOUR, dash: str = "dash", top: bool = True,
          anchor: str = "left", x_log: bool = False) -> tuple[dict, dict | None]:
    """Make a vertical reference line across the plot, and its label (shape and annotation dicts).

    The label is stacked above the plot by :func:`simulator.present.style.fit_layout`, clear of
    the other labels and the title (``top`` is kept for callers; every label goes above).
    ``x_log``: the x axis is logarithmic. Plotly places a shape on a log axis at x itself but an
    annotation at log10(x), so the label is moved there.
    """
    shape = {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
             "line": {"color": colour, "dash": dash, "width": 1.5}}
    note = None
    if text:
        note = {"name": "stack", "x": float(np.log10(x)) if x_log else x, "xref": "x", "y": 1, "yref": "paper",
                "text": text, "showarrow": False, "xanchor": anchor, "yanchor": "bottom", "font": {"size": 11, "color": "#333333"}}
    return shape, note


def hline(y, text: str = "", *, colour: str = REFERENCE_COLOUR, dash: str = "dash") -> tuple[dict, dict | None]:
    """Make a horizontal reference line with its label at the right end, below the line."""
    shape = {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
             "line": {"color": colour, "dash": dash, "width": 1.5}}
    note = ({"x": 1, "xref": "paper", "y": y, "yref": "y", "text": text, "showarrow": False, "xanchor": "right",
             "yanchor": "top", "font": {"size": 11}} if text else None)
    return shape, note


def hband(y0, y1, text: str = "", *, colour: str = REFERENCE_COLOUR, opacity: float = 0.15) -> tuple[dict, dict | None]:
    """Make a horizontal band (e.g. a reported range) with its label at the top left."""
    shape = {"type": "rect", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y0, "y1": y1,
             "fillcolor": colour, "opacity": opacity, "line": {"width": 0}, "layer": "below"}
    note = ({"x": 0, "xref": "paper", "y": y1, "yref": "y", "text": text, "showarrow": False, "xanchor": "left",
             "yanchor": "bottom", "font": {"size": 11}} if text else None)
    return shape, note


def price_vs_length_chart(
    scenario: Scenario,
    *,
    encodings: tuple[str, ...] = ("mp3-128", "mp3-192", "mp3-320", "aac-256", "flac"),
    max_duration_s: int = 600,
) -> Chart:
    """Price per track against track length for several encodings.

    Parameters
    ----------
    scenario : Scenario
    encodings : tuple of str
        Menu names to draw.
    max_duration_s : int
        Right end of the length axis. [s]

    Returns
    -------
    Chart
        Data columns: duration_s, encoding, size_mb (named size_mib under binary megabytes),
        price_usd (rounded per track).

    Raises
    ------
    EncodingError
        For an unknown encoding name.

    Notes
    -----
    price = ceil(kbps x ms / 8) bytes / bytes_per_MB x rate x (1 - discount),
    rounded half-up to the cent (see :mod:`simulator.model.pricing`). The shaded
    band is the 10-20 c a track the press reported; the dashed line is iTunes' flat price.
    """
    s = scenario
    menu = encoding_menu(s)
    for e in encodings:
        if e not in menu:
            get_encoding(e, s)  # raises with the list of valid names
    t = pricing_terms(s)
    ms_per_s = int(s.assumptions.constants["ms_per_s"])
    dur_s = np.arange(1, max_duration_s + 1)
    dur_ms = dur_s * ms_per_s
    frames, traces = [], []
    lo, hi = reported_price_band_usd(s)
    itunes = s.comparison.itunes_track_usd
    for i, name in enumerate(encodings):
        nbytes = size_bytes(dur_ms, menu[name].bitrate_kbps, t.overhead_bytes)
        price = track_price_cents(nbytes, t) / 100
        frames.append({"duration_s": dur_s, "encoding": np.full(dur_s.size, name, dtype=object),
                       size_column(t.mb_convention): nbytes / t.bytes_per_mb, "price_usd": price})
        # A step line needs only its corners: the first second and every second the price changes.
        corner = np.union1d(np.flatnonzero(np.r_[True, np.diff(price) != 0]), [price.size - 1])
        traces.append({
            "type": "scatter", "x": dur_s[corner] / 60, "y": price[corner], "name": menu[name].label,
            "mode": "lines", "line": {"shape": "hv", "color": PALETTE[i % len(PALETTE)], "width": 2},
            "hovertemplate": "%{y:$.2f}<extra>" + name + "</extra>",
        })
    title = f"Price per track against length at {float(t.rate_usd_per_mb) * 100:g} c/{t.mb_unit} [USD]"
    fig = make_figure(traces, title, "Track length [min]", "Price per track [USD]",
                      marks=[hband(lo, hi, f"reported {lo * 100:.0f}-{hi * 100:.0f} c a track"),
                             hline(itunes, f"iTunes ${itunes:.2f} a track")],
                      layout={"yaxis": {"tickformat": "$.2f", "rangemode": "tozero"}})
    data = pd.DataFrame({k: np.concatenate([f[k] for f in frames]) for k in frames[0]})
    ref_s = min(240, max_duration_s)  # 4 minutes, or the longest track drawn if shorter
    four_min = {name: float(f["price_usd"][ref_s - 1]) for name, f in zip(encodings, frames, strict=True)}
    alt = (
        f"Step lines rising with track length, one per encoding. A {ref_s // 60}:{ref_s % 60:02d} track costs "
        + ", ".join(f"${four_min[e]:.2f} at {e}" for e in encodings)
        + f"; iTunes charged a flat ${itunes:.2f}."
    )
    formula = (
        f"price = ⌈bitrate_kbps × duration_ms / 8⌉ bytes ÷ {t.bytes_per_mb:,} bytes/{t.mb_unit} "
        f"× ${float(t.rate_usd_per_mb):g}/{t.mb_unit} × (1 − {float(t.discount_share):g}), rounded half-up to the cent.\n\n"
        f"Example: 192 kbps × {ref_s * ms_per_s:,} ms / 8 = {size_bytes(ref_s * ms_per_s, 192, t.overhead_bytes):,} bytes "
        f"→ ${four_min.get('mp3-192', float('nan')):.2f}."
    )
    caption = (
        "Each line is what one encoding cost as the track gets longer; steps are the cent rounding. "
        f"Rate and discount from the current scenario; band: press reports of {lo * 100:.0f}-{hi * 100:.0f} c a track "
        "(musicindustryblog, Jul 2007); iTunes price from Apple's 2003 launch."
    )
    return Chart("price_vs_length", title, caption, alt, fig, data, formula)


def _pct(share: float) -> str:
    """Return a share as a percentage: ``15%``, ``17.5%``."""
    return f"{share:.0%}" if round(share * 100, 6).is_integer() else f"{share:.1%}"


def revenue_split_chart(scenario: Scenario, *, year: MarketYear | None = None) -> Chart:
    """Who gets what: the year's revenue split, in dollars a year and cents of each dollar.

    Parameters
    ----------
    scenario : Scenario
    year : MarketYear, optional
        A precomputed :func:`simulator.model.market.market_year`.

    Returns
    -------
    Chart
        Data columns: recipient, usd_per_year, cents_per_dollar.
    """
    s = scenario
    y = year if year is not None else market_year(s)
    parts = {
        "ROMS": y.roms_usd,
        "FAIR": y.fair_usd,
        "Labels (wholesale)": y.labels_usd,
        "Card fees": y.card_fee_usd,
        "Bandwidth": y.bandwidth_usd,
        "Contribution margin": y.operator_margin_usd,
    }
    rev = y.revenue_usd
    data = pd.DataFrame(
        {
            "recipient": list(parts),
            "usd_per_year": list(parts.values()),
            "cents_per_dollar": [100 * v / rev if rev else 0.0 for v in parts.values()],
        }
    )
    title = "Who gets what of the year's revenue [USD million per year; cents per dollar]"
    fig = make_figure([{
        "type": "bar", "x": [r.replace(" ", "<br>", 1) for r in data.recipient], "y": (data.usd_per_year / 1e6).to_numpy(),
        "marker": {"color": [PALETTE[i] for i in range(len(data))]},
        "text": [f"{c:.1f} c" for c in data.cents_per_dollar], "textposition": "outside", "cliponaxis": False,
        "hovertemplate": "%{x}: $%{y:.2f} million a year<extra></extra>",
    }], title, "Bar labels: cents of each dollar of revenue", "USD million per year",
        layout={"showlegend": False, "hovermode": "closest", "xaxis": {"tickangle": 0},
                "yaxis": {"rangemode": "tozero"}})
    biggest = data.sort_values("usd_per_year", ascending=False).iloc[0]
    alt = (
        f"Bar chart of ${rev / 1e6:.1f} million of yearly revenue: ROMS gets ${y.roms_usd / 1e6:.2f} million "
        f"({100 * y.roms_usd / rev if rev else 0:.1f} c of each dollar); the largest share goes to {biggest.recipient}."
    )
    formula = (
        f"revenue = {y.customers:,.0f} customers × {y.downloads_per_customer:.4g} downloads each × "
        f"${y.mean_price_usd:.4f} = ${rev:,.0f} (the store model's year; downloads already net of the card freeze)\n\n"
        f"ROMS = {s.royalties.roms_share:g} × base = ${y.roms_usd:,.0f}; card fees = "
        f"{s.costs.card_fee_share:g} × revenue = ${y.card_fee_usd:,.0f}; bandwidth = "
        f"{y.data_served_tb:,.1f} TB × ${s.costs.bandwidth_usd_per_gb:g}/GB = ${y.bandwidth_usd:,.0f}; "
        f"operator's contribution margin = the remainder, before fixed costs = ${y.operator_margin_usd:,.0f}."
    )
    roms, stated = s.royalties.roms_share, float(s.assumptions.parameters["royalties.roms_share"].value)
    said = "as the company's 2006 statement said" if roms == stated else f"the company's 2006 statement said {_pct(stated)}"
    base = "gross receipts" if s.royalties.base == "gross" else "receipts less card fees and bandwidth"
    caption = (
        "The year's receipts split between the collecting societies, the card processors, bandwidth and the "
        f"operator. Shares from the current scenario: {_pct(roms)} of {base} to ROMS ({said}). The operator's "
        "contribution margin is what it keeps before fixed costs, which the model leaves out."
    )
    return Chart("revenue_split", title, caption, alt, fig, data, formula)
