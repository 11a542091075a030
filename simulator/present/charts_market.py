"""Charts of the market model: iso-revenue map, demand and revenue against the rate, time line, pricing models.

Each function takes results of :mod:`simulator.model.calibration`, :mod:`simulator.model.demand`,
:mod:`simulator.model.timeline` or :mod:`simulator.model.tariffs` and returns a
:class:`~simulator.present.charts.Chart`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.calibration import IsoGrid
from simulator.model.demand import RateOptimum, RateRise
from simulator.model.market import market_year
from simulator.model.store import year_months
from simulator.params.scenario import Scenario
from simulator.present.charts import PALETTE, Chart, make_figure, vline
from simulator.present.report import format_usd

__all__ = ["iso_revenue_chart", "demand_chart", "timeline_chart", "models_chart"]

#: Colour scale of the iso-revenue map: light to mid blue (one hue, so it reads under colour-vision
#: deficiencies), light enough everywhere for black contour labels (contrast at least 7:1 at the dark end).
CONTOUR_SCALE = [[0.0, "#f4f8fc"], [1.0, "#5aa5d8"]]


def iso_revenue_chart(g: IsoGrid, *, mb_unit: str = "MB") -> Chart:
    """Revenue over (rate per MB x potential buyers), the target contour and the scenario's point.

    Parameters
    ----------
    g : IsoGrid
        From :func:`simulator.model.calibration.iso_grid` (revenue, or another money output).
    mb_unit : str
        "MB" or "MiB", for the labels.

    Returns
    -------
    Chart
        Data columns: rate_usd_per_mb [USD/MB], potential_buyers [people] and the output
        (``revenue_usd`` by default) [USD/year] (long format).
    """
    x, y, mln = g.rate_usd_per_mb, g.potential_buyers, 1e6
    ok = g.contour_in_bounds
    traces = [
        {"type": "contour", "x": x * 100, "y": y / mln, "z": g.z / mln, "colorscale": CONTOUR_SCALE, "name": "revenue",
         "colorbar": {"title": {"text": "USD million<br>a year"}},
         "contours": {"showlabels": True, "labelfont": {"size": 12, "color": "#000000"}},
         "line": {"color": "rgba(0,0,0,0.35)"},
         "hovertemplate": "%{x:.2f} c/" + mb_unit + ", %{y:.2f} million potential buyers: $%{z:.1f} million"
                          "<extra></extra>"},
        {"type": "scatter", "x": x[ok] * 100, "y": g.contour_potential_buyers[ok] / mln, "mode": "lines",
         "name": f"{format_usd(g.target)} a year", "line": {"color": PALETTE[5], "width": 3}},
        {"type": "scatter", "x": [g.point_rate_usd_per_mb * 100], "y": [g.point_potential_buyers / mln],
         "mode": "markers", "name": "this scenario",
         "marker": {"color": PALETTE[6], "size": 14, "symbol": "x", "line": {"color": "#000000", "width": 1}}},
    ]
    title = f"Iso-revenue map over rate and potential buyers [USD million a year; c/{mb_unit}; million people]"
    # The contour can run far above the grid away from the best rate: keep the y axis on the grid.
    fig = make_figure(traces, title, f"Rate [US cents per {mb_unit}]", "Potential buyers [million people]",
                      layout={"hovermode": "closest", "yaxis": {"range": [float(y.min()) / mln, float(y.max()) / mln]},
                              "xaxis": {"range": [float(x.min()) * 100, float(x.max()) * 100]}})
    rows = [{"rate_usd_per_mb": float(xi), "potential_buyers": float(yj), g.output: float(g.z[j, i])}
            for j, yj in enumerate(y) for i, xi in enumerate(x)]
    data = pd.DataFrame(rows)
    rate_c, n_point = g.point_rate_usd_per_mb * 100, g.point_potential_buyers
    per_buyer = g.point_value / n_point if n_point else float("nan")
    best = int(np.argmax(g.output_per_buyer))
    best_c, g_best = float(x[best]) * 100, float(g.output_per_buyer[best])
    n_best = g.target / g_best / mln if g_best > 0 else float("nan")
    if 0 < best < x.size - 1:
        shape, where = f"peaks near {best_c:.2f} c/{mb_unit}", "at that rate"
        lowest = f"g peaks near {best_c:.2f} c/{mb_unit}, where the contour is lowest ({n_best:,.2f} million)"
    else:
        shape = "rises across the map" if best else "falls across the map"
        where = f"at the map's {'right' if best else 'left'} edge, {best_c:.2f} c/{mb_unit}"
        lowest = f"g {shape}: the contour is lowest at {best_c:.2f} c/{mb_unit} ({n_best:,.2f} million)"
    need = g.target / per_buyer / mln if per_buyer > 0 else float("nan")
    alt = (f"Contour map: revenue grows in proportion to potential buyers and, along the rate, {shape}. The "
           f"{format_usd(g.target)} line is lowest {where}; this scenario sits at {rate_c:.2f} c/{mb_unit} and "
           f"{n_point / mln:.2f} million potential buyers, earning {format_usd(g.point_value)}.")
    caption = (f"Every combination of the rate per MB (from {g.rate_from} on) and the potential buyers (people "
               "who, once aware of the store, weigh it against iTunes, P2P and going without), the other inputs as "
               f"in the scenario, through the monthly store model over {g.year_label}. "
               f"The thick vermillion line is the combinations that earn {format_usd(g.target)} a year "
               "(The Times' estimate). Revenue is proportional to potential buyers, so the line is a closed form, "
               "and it is lowest at the revenue-maximizing rate: a bigger market does not move the best rate.")
    formula = (f"revenue = N × g(rate): N potential buyers times g, the year's revenue per potential buyer from "
               f"the nested logit (at {rate_c:.2f} c/{mb_unit}, g = {format_usd(per_buyer, cents=True)}).\n\n"
               f"Contour: N = {format_usd(g.target)} ÷ g(rate); at {rate_c:.2f} c/{mb_unit} that is "
               f"{need:,.2f} million (the scenario has {n_point / mln:.2f} million). On this grid {lowest}.")
    return Chart("iso_revenue", title, caption, alt, fig, data, formula)


def demand_chart(curve: pd.DataFrame, revenue_opt: RateOptimum, profit_opt: RateOptimum, scenario: Scenario,
                 rise: RateRise | None = None) -> Chart:
    """Chart the year's downloads, revenue and contribution margin against the rate per MB on the fitted demand.

    Parameters
    ----------
    curve : pandas.DataFrame
        From :func:`simulator.model.demand.demand_curve`.
    revenue_opt, profit_opt : RateOptimum
        From :func:`simulator.model.demand.best_rate`.
    scenario : Scenario
        The scenario's point.
    rise : RateRise, optional
        From :func:`simulator.model.demand.rate_rise`: what the August 2006 rise did.
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
             vline(profit_opt.best_rate_usd_per_mb * 100, "best for contribution margin", colour=PALETTE[2], dash="dot",
                   top=False)]
    title = "The fitted demand: the year against the rate per MB [USD million a year; million downloads]"
    fig = make_figure(traces, title, "Rate from 13 Aug 2006 [US cents per MB]", "USD million a year", marks=marks,
                      layout={
        "yaxis": {"rangemode": "tozero"},
        "yaxis2": {"title": {"text": "Downloads [million a year]"}, "overlaying": "y", "side": "right",
                   "rangemode": "tozero", "tickformat": ",.0f", "showgrid": False, "tickmode": "auto", "nticks": 6},
        "xaxis": {"range": [float(r.min()), float(r.max())]},
    })
    told = f" {rise.statement}" if rise is not None else ""
    alt = f"Lines against the rate: downloads fall as the rate rises. {revenue_opt.statement}{told}"
    caption = (f"The store model's year {year_months(s.timeline.year_end)} at each rate from the August 2006 step on: "
               "a nested logit in which buyers weigh AllofMP3's encodings against iTunes, P2P and buying nothing, "
               "fitted to the documented reports (allofmp3-sim fit). A higher rate loses buyers and moves those who "
               "stay to smaller files: quality versioning.")
    elasticity = market_year(s).elasticity
    formula = ("s_A = e^IV / (1 + e^IV + e^V_iTunes + e^V_P2P), IV = δ_A + μ ln Σ_j m_j e^(−α (p_j − p_j^ref) / μ); "
               "elasticity of downloads = −α p̄ (1 − s_A).\n\n"
               f"At the scenario's {100 * s.pricing.rate_usd_per_mb:.2f} c/MB: elasticity {elasticity:.2f}.\n\n"
               f"Revenue: {revenue_opt.statement}\n\nContribution margin (revenue less royalties, card fees and "
               f"bandwidth, before fixed costs): {profit_opt.statement}" + (f"\n\n{rise.statement}" if rise else ""))
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
    alt = (f"Monthly revenue bars rising as more buyers learn of the store, peaking at "
           f"{format_usd(peak.revenue_usd)} in {peak.month:%B %Y}, dropping with the card freeze and ending at the "
           "shutdown. " + "; ".join(f"{y}: {format_usd(v)}" for y, v in years.items()) + ".")
    caption = ("The store model month by month: potential buyers grow as the store becomes known, choose it over "
               "iTunes, P2P or nothing at the rate in force, and lose the card-paying route not recovered after "
               "MasterCard (Aug 2006) and Visa (Sep 2006) stop; the store closes in July 2007. Dates and sources in "
               "assumptions.yaml (events, rate_timeline); the demand is fitted to the reports (allofmp3-sim fit).")
    formula = ("Month m: revenue = potential buyers(m) × tracks wanted × paying share(m) × store share(m) × mean "
               "price(m).\n\n" + "\n".join(f"- {y}: {format_usd(v)}" for y, v in years.items()))
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
