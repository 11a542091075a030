"""Charts of the market model: iso-revenue map, demand and revenue against the rate, time line, pricing models.

Each function takes results of :mod:`simulator.model.calibration`, :mod:`simulator.model.demand`,
:mod:`simulator.model.timeline` or :mod:`simulator.model.tariffs` and returns a
:class:`~simulator.present.charts.Chart`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.calibration import IsoGrid
from simulator.model.demand import RateOptimum
from simulator.params.scenario import Scenario
from simulator.present.charts import PALETTE, Chart, make_figure, vline
from simulator.present.report import format_usd

__all__ = ["iso_revenue_chart", "demand_chart", "timeline_chart", "models_chart"]

#: Colour scale of the iso-revenue map: light to mid blue (one hue, so it reads under colour-vision
#: deficiencies), light enough everywhere for black contour labels (contrast at least 7:1 at the dark end).
CONTOUR_SCALE = [[0.0, "#f4f8fc"], [1.0, "#5aa5d8"]]


def _signed(x: float) -> str:
    """``x`` as the second term of a sum: "+ 0.4" or "− 0.4" (a minus sign, not "+ -0.4")."""
    return f"{'−' if x < 0 else '+'} {abs(x):g}"


def iso_revenue_chart(g: IsoGrid, *, mb_unit: str = "MB") -> Chart:
    """Revenue over (rate per MB x downloads per customer), the target contour and the scenario's point.

    Returns
    -------
    Chart
        Data columns: rate_usd_per_mb, downloads_per_customer, revenue_usd (long format).
    """
    x, y = g.rate_usd_per_mb, g.downloads_per_customer
    ok = g.contour_in_bounds
    traces = [
        {"type": "contour", "x": x * 100, "y": y, "z": g.z / 1e6, "colorscale": CONTOUR_SCALE, "name": "revenue",
         "colorbar": {"title": {"text": "USD million<br>a year"}},
         "contours": {"showlabels": True, "labelfont": {"size": 12, "color": "#000000"}},
         "line": {"color": "rgba(0,0,0,0.35)"},
         "hovertemplate": "%{x:.2f} c/" + mb_unit + ", %{y:.1f} downloads: $%{z:.1f} million<extra></extra>"},
        {"type": "scatter", "x": x[ok] * 100, "y": g.contour_downloads_per_customer[ok], "mode": "lines",
         "name": f"{format_usd(g.target)} a year", "line": {"color": PALETTE[5], "width": 3}},
        {"type": "scatter", "x": [g.point_rate_usd_per_mb * 100], "y": [g.point_downloads_per_customer],
         "mode": "markers", "name": "this scenario",
         "marker": {"color": PALETTE[6], "size": 14, "symbol": "x", "line": {"color": "#000000", "width": 1}}},
    ]
    title = f"Iso-revenue map: revenue a year over rate and downloads per customer [USD million; c/{mb_unit}]"
    # The contour can run far above the grid at low rates: keep the y axis on the grid.
    fig = make_figure(traces, title, f"Rate [US cents per {mb_unit}]", "Downloads per customer a year",
                      layout={"hovermode": "closest", "yaxis": {"range": [float(y.min()), float(y.max())]},
                              "xaxis": {"range": [float(x.min()) * 100, float(x.max()) * 100]}})
    rows = [{"rate_usd_per_mb": float(xi), "downloads_per_customer": float(yj), "revenue_usd": float(g.z[j, i])}
            for j, yj in enumerate(y) for i, xi in enumerate(x)]
    data = pd.DataFrame(rows)
    at_point = g.point_rate_usd_per_mb
    alt = (f"Contour map: revenue grows with both the rate and downloads per customer. The {format_usd(g.target)} "
           f"line falls as the rate rises; this scenario sits at {at_point * 100:.2f} c/{mb_unit} and "
           f"{g.point_downloads_per_customer:g} downloads, earning {format_usd(g.point_value)}.")
    caption = ("Every combination of rate per MB and downloads per customer, the other inputs as in the scenario. "
               f"The thick vermillion line is the combinations that earn {format_usd(g.target)} a year (The Times' estimate); "
               "it is a closed form, since revenue is proportional to downloads.")
    if g.point_rate_usd_per_mb * g.point_downloads_per_customer:
        k = g.point_value / (g.point_rate_usd_per_mb * g.point_downloads_per_customer)
    else:  # the scenario sits on an axis (0 downloads): read k off the grid's far corner instead
        i, j = int(np.argmax(x)), int(np.argmax(y))
        k = float(g.z[j, i] / (x[i] * y[j])) if x[i] * y[j] else 0.0
    formula = (f"revenue = k × rate × downloads per customer, with k = customers × paying share × mean MB × "
               f"(1 − discount) = {k:,.0f}.\n\n"
               f"Contour: downloads per customer = {format_usd(g.target)} ÷ (k × rate); at "
               f"{at_point * 100:.2f} c/{mb_unit} that is {g.target / (k * at_point) if k and at_point else float('nan'):.1f}.")
    return Chart("iso_revenue", title, caption, alt, fig, data, formula)


def demand_chart(curve: pd.DataFrame, revenue_opt: RateOptimum, profit_opt: RateOptimum, scenario: Scenario) -> Chart:
    """Chart downloads, revenue and the operator's contribution margin against the rate per MB (constant elasticities).

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`simulator.model.demand.demand_curve`.
    revenue_opt, profit_opt : RateOptimum
        From :func:`simulator.model.demand.best_rate`.
    scenario : Scenario
        The reference point.
    """
    s = scenario
    r = curve.rate_usd_per_mb * 100
    traces = [
        {"type": "scatter", "x": r, "y": curve.revenue_usd / 1e6, "name": "Revenue [USD million]",
         "line": {"color": PALETTE[0], "width": 3}},
        {"type": "scatter", "x": r, "y": curve.operator_margin_usd / 1e6, "name": "Operator's contribution margin [USD million]",
         "line": {"color": PALETTE[2], "width": 2}},
        {"type": "scatter", "x": r, "y": curve.downloads / 1e6, "name": "Downloads [million]", "yaxis": "y2",
         "line": {"color": PALETTE[1], "dash": "dot"}},
    ]
    marks = [vline(s.pricing.rate_usd_per_mb * 100, "scenario", anchor="right"),
             vline(revenue_opt.best_rate_usd_per_mb * 100, "best for revenue", colour=PALETTE[0], dash="dot"),
             vline(profit_opt.best_rate_usd_per_mb * 100, "best for contribution margin", colour=PALETTE[2], dash="dot", top=False)]
    title = "Demand and revenue against the rate per MB [USD million a year; million downloads]"
    fig = make_figure(traces, title, "Rate [US cents per MB]", "USD million a year", marks=marks, layout={
        "yaxis": {"rangemode": "tozero"},
        "yaxis2": {"title": {"text": "Downloads [million a year]"}, "overlaying": "y", "side": "right",
                   "rangemode": "tozero", "tickformat": ",.0f", "showgrid": False, "tickmode": "auto", "nticks": 6},
        "xaxis": {"range": [float(r.min()), float(r.max())]},
    })
    e_d, e_c = s.demand.downloads_elasticity, s.demand.customers_elasticity
    alt = (f"Lines against the rate: downloads fall as the rate rises (elasticities {e_d:g} and {e_c:g}); "
           f"{revenue_opt.statement} {profit_opt.statement}")
    caption = ("Constant-elasticity demand around the scenario's point: downloads per customer and customers each "
               "scale with (rate / scenario rate) to the power of their elasticity (assumptions.yaml, marked as "
               "assumptions).")
    e_sum = e_d + e_c
    formula = (f"D(r) = D₀ (r/r₀)^({e_d:g} {_signed(e_c)}); revenue ∝ r^(1 {_signed(e_sum)}).\n\n"
               f"Revenue: {revenue_opt.statement}\n\nContribution margin (revenue less royalties, card fees and "
               f"bandwidth, before fixed costs): {profit_opt.statement}")
    return Chart("demand_and_revenue", title, caption, alt, fig, curve.copy(), formula)


def timeline_chart(t: pd.DataFrame, scenario: Scenario) -> Chart:
    """Monthly revenue 2004-2007 with the rate steps, the card freeze and the shutdown.

    Parameters
    ----------
    t : pandas.DataFrame
        From :func:`simulator.model.timeline.monthly_timeline`.
    """
    s = scenario
    traces = [
        {"type": "bar", "x": t.month, "y": t.revenue_usd / 1e6, "name": "Revenue [USD million a month]",
         "marker": {"color": PALETTE[0]}},
        {"type": "scatter", "x": t.month, "y": t.rate_usd_per_mb * 100, "name": "Rate [c/MB]", "yaxis": "y2",
         "line": {"color": PALETTE[1], "shape": "hv", "width": 2}},
    ]
    shown = [e for e in s.assumptions.events.values()
             if t.month.min() <= pd.Timestamp(e.date) <= t.month.max() + pd.offsets.MonthEnd(1)]
    marks = [vline(pd.Timestamp(e.date).isoformat(), e.short, dash="dot", anchor="right") for e in shown]
    title = "The time line, 2004-2007: monthly revenue and the rate per MB [USD million a month; c/MB]"
    half_month = pd.Timedelta(days=16)  # bars are centred on the month's first day
    fig = make_figure(traces, title, "Month", "Revenue [USD million a month]", marks=marks, layout={
        "xaxis": {"range": [(t.month.min() - half_month).isoformat(), (t.month.max() + half_month).isoformat()]},
        "yaxis2": {"title": {"text": "Rate [US cents per MB]"}, "overlaying": "y", "side": "right",
                   "rangemode": "tozero", "dtick": 1, "showgrid": False, "tickmode": "linear"},
    })
    peak = t.loc[t.revenue_usd.idxmax()]  # type: ignore[call-overload]  # pandas-stubs: idxmax gives Hashable, .loc takes any label
    years = t.assign(year=t.month.dt.year).groupby("year").revenue_usd.sum()
    alt = (f"Monthly revenue bars rising with the customer base and the rate steps, peaking at "
           f"{format_usd(peak.revenue_usd)} in {peak.month:%B %Y}, dropping with the card freeze and ending at the "
           "shutdown. " + "; ".join(f"{y}: {format_usd(v)}" for y, v in years.items()) + ".")
    caption = ("Customers grow from the timeline parameters (5 million reported in Oct 2006), pay the rate in force, "
               "lose the card-paying share not recovered after MasterCard (Aug 2006) and Visa (Sep 2006) stop, and "
               "the store closes in July 2007. Dates and sources in assumptions.yaml (events, rate_timeline).")
    formula = "Month m: revenue = customers(m) × downloads per customer per day × days open × paying factor(m) × mean price(m).\n\n" + \
        "\n".join(f"- {y}: {format_usd(v)}" for y, v in years.items())
    return Chart("timeline", title, caption, alt, fig, t.drop(columns=["events"], errors="ignore"), formula)


def models_chart(prices: pd.DataFrame, scenario: Scenario) -> Chart:
    """Price against track length under each pricing model.

    Parameters
    ----------
    prices : pandas.DataFrame
        From :func:`simulator.model.tariffs.price_by_length` (columns duration_s, model, encoding, series, price_usd).
    """
    traces = [
        {"type": "scatter", "x": d.duration_s / 60, "y": d.price_usd, "name": series, "mode": "lines",
         "line": {"shape": "hv" if d.model.iloc[0] == "per_mb" else "linear", "color": PALETTE[i % len(PALETTE)],
                  "width": 2}}
        for i, (series, d) in enumerate(prices.groupby("series", sort=False))
    ]
    title = "What one track costs under each pricing model, by length [USD per track]"
    fig = make_figure(traces, title, "Track length [min]", "Price per track [USD]",
                      layout={"yaxis": {"tickformat": "$.2f"}})
    at4 = prices[prices.duration_s == 240].set_index("series").price_usd
    alt = "Lines of price against length: per-MB prices rise with length, flat prices do not. At 4 minutes: " + \
        "; ".join(f"{k} ${v:.2f}" for k, v in at4.items()) + "."
    caption = ("Per MB (AllofMP3) at the scenario's rate; flat per track (iTunes 99 c at 128 kbps, iTunes Plus $1.29 "
               "at 256 kbps); an album capped at $9.99; an eMusic-style subscription's price per credit. Prices from "
               "assumptions.yaml (comparison group).")
    formula = (f"Per MB: size × ${scenario.pricing.rate_usd_per_mb:g}/MB; iTunes: ${scenario.comparison.itunes_track_usd:.2f}; "
               f"subscription: ${scenario.comparison.subscription_usd_per_month:.2f} ÷ "
               f"{scenario.comparison.subscription_credits_per_month} credits.")
    return Chart("pricing_models", title, caption, alt, fig, prices.copy(), formula)
