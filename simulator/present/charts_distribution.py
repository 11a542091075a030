"""Charts of distributions: customer spend (Lorenz curve, histogram), the Monte Carlo and the tornado.

Each function takes a result of :mod:`simulator.model.customers` or
:mod:`simulator.model.uncertainty` and returns a :class:`~simulator.present.charts.Chart`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.customers import CustomerYear
from simulator.model.uncertainty import OUTPUT_UNITS, MonteCarloResult
from simulator.present.charts import PALETTE, REFERENCE_COLOUR, Chart, make_figure, vline
from simulator.present.report import format_usd

__all__ = ["lorenz_chart", "spend_histogram_chart", "montecarlo_chart", "montecarlo_table", "tornado_chart",
           "OUTPUT_LABELS"]

#: Readable names of the outputs the Monte Carlo and the tornado report.
OUTPUT_LABELS = {
    "revenue_usd": "Revenue a year",
    "customers": "Customers at the year's end",
    "downloads_per_customer": "Downloads per customer",
    "roms_usd": "ROMS payout a year",
    "operator_margin_usd": "Operator's contribution margin a year",
}


def _label(output: str) -> str:
    return OUTPUT_LABELS.get(output, output.replace("_", " "))


def _ordinal(pct: float) -> str:
    """Say a percentile in words: 1st, 2nd, 3rd, 11th, 47th."""
    n = round(pct)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def montecarlo_table(mc: MonteCarloResult) -> pd.DataFrame:
    """Return the Monte Carlo summary with readable output names, for a table beside the chart.

    Parameters
    ----------
    mc : MonteCarloResult
        From :func:`simulator.model.uncertainty.monte_carlo`.

    Returns
    -------
    DataFrame, shape (number of outputs, 8)
        ``mc.summary`` with ``output`` replaced by its label (:data:`OUTPUT_LABELS`): output, unit,
        p5_value, p50_value, p95_value, mean_value, deterministic_value, deterministic_percentile.
    """
    return mc.summary.assign(output=mc.summary["output"].map(_label))


def lorenz_chart(cy: CustomerYear) -> Chart:
    """Lorenz curve of customer spend with the top-spender shares.

    Returns
    -------
    Chart
        Data columns: population_share, revenue_share, spend_usd.
    """
    data = pd.DataFrame({"population_share": cy.lorenz_population_share, "revenue_share": cy.lorenz_revenue_share,
                         "spend_usd": cy.lorenz_spend_usd})
    traces: list[dict] = [
        {"type": "scatter", "x": [0, 1], "y": [0, 1], "mode": "lines", "name": "Everyone spends the same",
         "line": {"dash": "dash", "color": REFERENCE_COLOUR}},
        {"type": "scatter", "x": data.population_share, "y": data.revenue_share, "mode": "lines",
         "name": "Simulated customers", "line": {"color": PALETTE[0], "width": 3}, "fill": "tonexty",
         "hovertemplate": "poorest %{x:.0%} of customers bring %{y:.1%} of revenue<extra></extra>"},
    ]
    tops = ((0.01, cy.top_1_share), (0.10, cy.top_10_share), (0.20, cy.top_20_share))
    traces.append({"type": "scatter", "x": [1 - top for top, _ in tops], "y": [1 - share for _, share in tops],
                   "mode": "markers+text", "text": [f"top {top:.0%}" for top, _ in tops],
                   "textposition": ["middle left", "bottom right", "bottom right"], "textfont": {"size": 11}, "showlegend": False,
                   "marker": {"color": PALETTE[5], "size": 8}, "hoverinfo": "skip", "cliponaxis": False})
    # The upper-left triangle above the diagonal is always empty: the shares go there.
    notes = [{"x": 0.02, "y": 0.98, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top",
              "align": "left", "showarrow": False, "font": {"size": 12},
              "text": "<br>".join(f"Top {top:.0%} of customers: {share:.0%} of revenue" for top, share in tops)}]
    title = f"Who brings the revenue: Lorenz curve of customer spend (Gini {cy.gini:.2f}) [share of customers; share of revenue]"
    fig = make_figure(traces, title, "Share of customers, poorest first [%]", "Share of revenue [%]", notes=notes,
                      layout={"xaxis": {"tickformat": ".0%", "range": [0, 1]},
                              "yaxis": {"tickformat": ".0%", "range": [0, 1]}, "hovermode": "closest"})
    alt = (f"Lorenz curve bowing below the diagonal: Gini {cy.gini:.2f}; the top 1% of customers bring "
           f"{cy.top_1_share:.0%} of revenue, the top 10% {cy.top_10_share:.0%}, the top 20% {cy.top_20_share:.0%}.")
    sample = getattr(cy, "sample_customers", cy.customers)
    who = (f"{cy.customers:,} simulated customers" if sample == cy.customers else
           f"{sample:,} simulated customers (scaled to the year's {cy.customers:,})")
    caption = (f"{who} whose downloads are lognormal (sigma {cy.downloads_sigma:g}, "
               f"mean {cy.mean_downloads:.1f} a year), each paying the mean price per download; seed {cy.seed}. "
               "The spread is an assumption (no customer data survives); see assumptions.yaml.")
    formula = (f"Gini = Σ(2i − N − 1)·x₍ᵢ₎ / (N·Σx) = {cy.gini:.4f} (binned, error ≤ {cy.gini_bin_error:.1e}); "
               f"a lognormal's closed form 2Φ(σ/√2) − 1 = {cy.gini_lognormal:.4f}.\n\n"
               f"Revenue = {cy.customers:,} × {cy.mean_downloads:.2f} downloads × ${cy.mean_price_usd:.4f} = "
               f"{format_usd(cy.revenue_usd)}.")
    return Chart("lorenz_curve", title, caption, alt, fig, data, formula)


def spend_histogram_chart(cy: CustomerYear) -> Chart:
    """How much customers spend a year: customers and revenue per spend band (log scale), with the clone threshold.

    Returns
    -------
    Chart
        Data columns: spend_low_usd, spend_high_usd, customers, revenue_usd.
    """
    e = np.asarray(cy.hist_edges_usd)
    data = pd.DataFrame({"spend_low_usd": e[:-1], "spend_high_usd": e[1:], "customers": cy.hist_customers,
                         "revenue_usd": cy.hist_revenue_usd})
    mid = np.sqrt(e[:-1] * e[1:])
    traces = [
        {"type": "bar", "x": mid, "y": data.customers, "width": np.diff(e), "name": "Customers",
         "marker": {"color": PALETTE[0]}, "hovertemplate": "$%{x:.2f} a year: %{y:,} customers<extra></extra>"},
        {"type": "scatter", "x": mid, "y": data.revenue_usd / 1e6, "name": "Revenue [USD million]", "yaxis": "y2",
         "mode": "lines+markers", "line": {"color": PALETTE[1]},
         "hovertemplate": "$%{y:.2f} million<extra>revenue</extra>"},
    ]
    thr = cy.clone_threshold_usd
    # A log axis has no 0; and Plotly places annotations on it at log10(x) (shapes take x itself).
    marks = [vline(thr, f"clone invites above ${thr:,.0f}", x_log=True)] if thr > 0 else []
    title = "Spend per customer a year [USD, log scale]: customers and revenue per band"
    fig = make_figure(traces, title, "Spend per customer a year [USD]", "Customers", marks=marks, layout={
        "xaxis": {"type": "log", "tickprefix": "$", "dtick": 1, "range": [float(np.log10(e[0])), float(np.log10(e[-1]))]},
        "yaxis": {"rangemode": "tozero"},
        "yaxis2": {"title": {"text": "Revenue [USD million]"}, "overlaying": "y", "side": "right",
                   "rangemode": "tozero", "showgrid": False, "tickmode": "auto", "nticks": 6},
        "hovermode": "closest", "bargap": 0,
    })
    alt = (f"Histogram of yearly spend: median {format_usd(cy.median_spend_usd, cents=True)}, mean "
           f"{format_usd(cy.mean_spend_usd, cents=True)}; {cy.clone_customers:,} customers spend over ${thr:,.0f} and "
           f"bring {cy.clone_revenue_share:.1%} of revenue.")
    caption = ("Bars: customers per spend band; line: the revenue those customers bring. The dashed line is the "
               "MemphisMembers threshold (invitation-only clone for the biggest spenders).")
    formula = (f"Clone keeps the customers spending ≥ ${thr:,.0f}: {cy.clone_customers:,} customers "
               f"({cy.clone_customer_share:.3%}) with {format_usd(cy.clone_revenue_usd)} = "
               f"{cy.clone_revenue_share:.2%} of revenue.")
    return Chart("spend_histogram", title, caption, alt, fig, data, formula)


def _drawn(r: pd.Series) -> str:
    """Say how one input is drawn, as a Markdown list item."""
    if r.distribution == "lognormal":
        how = f"lognormal, median {r['mode']:g}, ln-sd {r.sd:.3g} (±1 sd: {r.low:.4g} to {r.high:.4g})"
    elif r.distribution == "normal":
        how = f"normal, mean {r['mode']:g}, sd {r.sd:.3g}"
    else:
        how = f"triangular({r.low:g}, {r['mode']:g}, {r.high:g})"
    return f"- {r.label}{f' [{r.unit}]' if r.unit else ''}: {how}"


def montecarlo_chart(mc: MonteCarloResult, output: str = "revenue_usd") -> Chart:
    """Distribution of one Monte Carlo output with its 5th, 50th and 95th percentiles.

    Raises
    ------
    ValueError
        If ``output`` is not one of the Monte Carlo's outputs.
    """
    if output not in mc.samples.columns:
        raise ValueError(f"output must be one of {list(mc.samples.columns)}, got {output!r}")
    x = mc.samples[output].to_numpy()
    x = x[np.isfinite(x)]
    row = mc.summary.set_index("output").loc[output]
    where = _ordinal(float(mc.summary.loc[mc.summary.output == output, "deterministic_percentile"].iloc[0]))
    unit = OUTPUT_UNITS.get(output, "")
    money = unit.startswith("USD")
    scale, shown_unit = (1e6, "USD million a year") if money else (1.0, unit)
    hist = {"type": "histogram", "x": x / scale, "nbinsx": 60, "marker": {"color": PALETTE[0]},
            "name": "draws", "hovertemplate": "%{x}: %{y} draws<extra></extra>"}
    marks = []
    for name, q, colour in (("5th", row.p5_value, PALETTE[5]), ("median", row.p50_value, PALETTE[1]),
                            ("95th", row.p95_value, PALETTE[5])):
        if not np.isfinite(q):
            continue
        marks.append(vline(q / scale, name, colour=colour, dash="dot"))
    if np.isfinite(row.deterministic_value):
        marks.append(vline(row.deterministic_value / scale, "scenario", top=False))
    title = f"Monte Carlo: {_label(output)} over {mc.draws:,} draws [{shown_unit}]"
    fig = make_figure([hist], title, f"{_label(output)} [{shown_unit}]", "Draws", marks=marks,
                      layout={"showlegend": False, "hovermode": "closest", "bargap": 0.02,
                              "xaxis": {"range": [float(x.min() / scale), float(x.max() / scale)]} if x.size else {}})
    fmt = (lambda v: format_usd(v)) if money else (lambda v: f"{v:,.1f}")
    alt = (f"Histogram of {_label(output).lower()}: 90% of draws between {fmt(row.p5_value)} and {fmt(row.p95_value)}, "
           f"median {fmt(row.p50_value)}, against {fmt(row.deterministic_value)} for the scenario itself "
           f"(its {where} percentile).")
    caption = (f"{mc.draws:,} runs of the monthly store model (seed {mc.seed}), every uncertain input drawn at once: "
               "the fitted demand parameters around their fitted values (normal, or lognormal for those fitted in logs, "
               "with their conditional standard errors from the fit: each with the other fitted values held; the "
               "marginal ones that allofmp3-sim fit prints are far wider, as buyers, awareness midpoint and spread "
               "trade off against each other), "
               "the others from a triangle over their plausible range in assumptions.yaml with the scenario's value "
               f"as the peak. The scenario sits at the {where} percentile of its own band.")
    formula = "\n".join(_drawn(r) for _, r in mc.inputs.iterrows())
    data = mc.samples[[output]].rename(columns={output: f"{output}"})
    return Chart(f"montecarlo_{output}", title, caption, alt, fig, data, "Inputs drawn:\n\n" + formula)


def tornado_chart(table: pd.DataFrame, *, top: int = 12) -> Chart:
    """Two-sided tornado: each input at its low and high end, the others at base, sorted by swing.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`simulator.model.uncertainty.tornado`.
    top : int
        Inputs shown (the largest swings).
    """
    t = table.dropna(subset=["swing"]).head(top).iloc[::-1]
    output = str(table.output.iloc[0]) if len(table) else "revenue_usd"
    base = float(table.output_base.iloc[0]) if len(table) else 0.0
    unit = OUTPUT_UNITS.get(output, "")
    money = unit.startswith("USD")
    scale, shown_unit = (1e6, "USD million a year") if money else (1.0, unit)
    bars = [
        {"type": "bar", "y": list(t.label), "x": (t.output_at_low - base) / scale, "base": base / scale,
         "orientation": "h", "name": "input at its low end", "marker": {"color": PALETTE[0]},
         "customdata": t[["low", "unit"]].to_numpy(), "hovertemplate": "low %{customdata[0]:g} %{customdata[1]}<extra></extra>"},
        {"type": "bar", "y": list(t.label), "x": (t.output_at_high - base) / scale, "base": base / scale,
         "orientation": "h", "name": "input at its high end", "marker": {"color": PALETTE[1]},
         "customdata": t[["high", "unit"]].to_numpy(), "hovertemplate": "high %{customdata[0]:g} %{customdata[1]}<extra></extra>"},
    ]
    title = f"Tornado: what moves {_label(output).lower()} most [{shown_unit}]"
    fig = make_figure(bars, title, f"{_label(output)} [{shown_unit}]", "", marks=[vline(base / scale, dash="solid")],
                      layout={"barmode": "overlay", "hovermode": "closest", "height": max(360, 40 * len(t) + 160)})
    first = table.dropna(subset=["swing"]).iloc[0] if len(table) else None
    fmt = (lambda v: format_usd(v)) if money else (lambda v: f"{v:,.1f}")
    alt = ("Horizontal bars around the scenario's value, longest first." if first is None else
           f"Horizontal bars around {fmt(base)}; the biggest swing is {first.label.lower()} "
           f"({fmt(first.output_at_low)} at {first.low:g} to {fmt(first.output_at_high)} at {first.high:g} {first.unit}).")
    caption = ("Each bar moves one input from its plausible low to its plausible high (assumptions.yaml; a fitted "
               "demand parameter by one conditional standard error either side of its fitted value) while every other input stays "
               "at the scenario's value, the fitted ones included; sorted by the swing of the output. An unfitted "
               "demand input such as the tracks wanted a month would be largely absorbed by a re-fit to the reports "
               "(allofmp3-sim fit --set ...).")
    formula = "swing = |output(input at high) − output(input at low)|, others at base; base = " + fmt(base)
    data = table[["input", "label", "unit", "low", "base", "high", "output_at_low", "output_base", "output_at_high",
                  "swing"]].copy()
    return Chart(f"tornado_{output}", title, caption, alt, fig, data, formula)
