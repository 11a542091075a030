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

from .encoding import encoding_menu, size_bytes
from .market import MarketYear, market_year
from .pricing import pricing_terms, track_price_cents
from .scenario import Scenario, make_scenario

__all__ = [
    "Chart",
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
    """

    name: str
    title: str
    caption: str
    alt: str
    figure: go.Figure = field(repr=False)
    data: pd.DataFrame = field(repr=False)
    formula: str = ""


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title},
        xaxis_title=x_title,
        yaxis_title=y_title,
        colorway=list(PALETTE),
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.35, "x": 0},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        hovermode="x unified",
    )
    return fig


def price_vs_length_chart(
    scenario: Scenario | None = None,
    *,
    encodings: tuple[str, ...] = ("mp3-128", "mp3-192", "mp3-320", "aac-256", "flac"),
    max_duration_s: int = 600,
) -> Chart:
    """Price per track against track length for several encodings.

    Parameters
    ----------
    scenario : Scenario, optional
    encodings : tuple of str
        Menu names to draw.
    max_duration_s : int
        Right end of the length axis. [s]

    Returns
    -------
    Chart
        Data columns: duration_s, encoding, size_mb, price_usd (rounded per track).

    Raises
    ------
    EncodingError
        For an unknown encoding name.

    Notes
    -----
    price = ceil(kbps x ms / 8) bytes / bytes_per_MB x rate x (1 - discount),
    rounded half-up to the cent (see :mod:`simulator.pricing`). The shaded
    band is the 10-20 c a track the press reported; the dashed line is iTunes' flat price.
    """
    s = scenario if scenario is not None else make_scenario()
    menu = encoding_menu(s)
    for e in encodings:
        if e not in menu:
            from .encoding import get_encoding

            get_encoding(e, s)  # raises with the list of valid names
    t = pricing_terms(s)
    ms_per_s = int(s.assumptions.constants["ms_per_s"])
    dur_s = np.arange(1, max_duration_s + 1)
    dur_ms = dur_s * ms_per_s
    frames = []
    fig = go.Figure()
    lo, hi = s["market.reported_track_price_low_usd"], s["market.reported_track_price_high_usd"]
    itunes = s["comparison.itunes_track_usd"]
    fig.add_hrect(
        y0=lo, y1=hi, fillcolor=REFERENCE_COLOUR, opacity=0.15, line_width=0,
        annotation_text=f"reported {lo * 100:.0f}-{hi * 100:.0f} c a track", annotation_position="top left",
    )
    fig.add_hline(
        y=itunes, line_dash="dash", line_color=REFERENCE_COLOUR,
        annotation_text=f"iTunes ${itunes:.2f} a track", annotation_position="bottom right",
    )
    for i, name in enumerate(encodings):
        nbytes = size_bytes(dur_ms, menu[name].bitrate_kbps, t.overhead_bytes)
        cents = track_price_cents(nbytes, t)
        price = cents / 100
        frames.append(
            pd.DataFrame({"duration_s": dur_s, "encoding": name, "size_mb": nbytes / t.bytes_per_mb, "price_usd": price})
        )
        fig.add_trace(
            go.Scatter(
                x=dur_s / 60, y=price, name=menu[name].label, mode="lines", line_shape="hv",
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                hovertemplate="%{y:$.2f}<extra>" + name + "</extra>",
            )
        )
    title = f"Price per track against length at {float(t.rate_usd_per_mb) * 100:g} c/{t.mb_unit} [USD]"
    _layout(fig, title, "Track length [min]", "Price per track [USD]")
    fig.update_yaxes(tickformat="$.2f", rangemode="tozero")
    data = pd.concat(frames, ignore_index=True)
    ref_s = min(240, max_duration_s)  # 4 minutes, or the longest track drawn if shorter
    four_min = data[data.duration_s == ref_s].set_index("encoding")["price_usd"]
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


def revenue_split_chart(scenario: Scenario | None = None, *, year: MarketYear | None = None) -> Chart:
    """Who gets what: the year's revenue split, in dollars a year and cents of each dollar.

    Parameters
    ----------
    scenario : Scenario, optional
    year : MarketYear, optional
        A precomputed :func:`simulator.market.market_year`.

    Returns
    -------
    Chart
        Data columns: recipient, usd_per_year, cents_per_dollar.
    """
    s = scenario if scenario is not None else make_scenario()
    y = year if year is not None else market_year(s)
    parts = {
        "ROMS": y.roms_usd,
        "FAIR": y.fair_usd,
        "Labels (wholesale)": y.labels_usd,
        "Card fees": y.card_fee_usd,
        "Bandwidth": y.bandwidth_usd,
        "Operator margin": y.operator_margin_usd,
    }
    rev = y.revenue_usd
    data = pd.DataFrame(
        {
            "recipient": list(parts),
            "usd_per_year": list(parts.values()),
            "cents_per_dollar": [100 * v / rev if rev else 0.0 for v in parts.values()],
        }
    )
    fig = go.Figure(
        go.Bar(
            x=data.recipient, y=data.usd_per_year / 1e6,
            marker_color=[PALETTE[i] for i in range(len(data))],
            text=[f"{c:.1f} c of $1" for c in data.cents_per_dollar], textposition="outside",
            hovertemplate="%{x}: $%{y:.2f} million a year<extra></extra>",
        )
    )
    title = "Who gets what of the year's revenue [USD million per year; cents per dollar]"
    _layout(fig, title, "", "USD million per year")
    fig.update_layout(showlegend=False, hovermode="closest")
    biggest = data.sort_values("usd_per_year", ascending=False).iloc[0]
    alt = (
        f"Bar chart of ${rev / 1e6:.1f} million of yearly revenue: ROMS gets ${y.roms_usd / 1e6:.2f} million "
        f"({100 * y.roms_usd / rev if rev else 0:.1f} c of each dollar); the largest share goes to {biggest.recipient}."
    )
    formula = (
        f"revenue = {y.customers:,.0f} customers × {y.downloads_per_customer:g} downloads × "
        f"{y.paying_factor:g} paying × ${y.mean_price_usd:.4f} = ${rev:,.0f}\n\n"
        f"ROMS = {s['royalties.roms_share']:g} × base = ${y.roms_usd:,.0f}; card fees = "
        f"{s['costs.card_fee_share']:g} × revenue = ${y.card_fee_usd:,.0f}; bandwidth = "
        f"{y.data_served_tb:,.1f} TB × ${s['costs.bandwidth_usd_per_gb']:g}/GB = ${y.bandwidth_usd:,.0f}; "
        f"operator = the remainder = ${y.operator_margin_usd:,.0f}."
    )
    caption = (
        "The year's receipts split between the collecting societies, the card processors, bandwidth and the "
        "operator. Shares from the current scenario (15% to ROMS per the company's 2006 statement)."
    )
    return Chart("revenue_split", title, caption, alt, fig, data, formula)
