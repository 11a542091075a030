"""Scenarios side by side: a table of outputs, differences, a chart on shared axes and a verdict in words.

Examples
--------
>>> from simulator.params.scenario import make_scenario
>>> from simulator.params.scenario import make_scenario
>>> a, b = make_scenario(preset="rate_2005"), make_scenario(preset="reported_2006")
>>> c = compare_scenarios([("2005", a), ("2006", b)])
>>> c.verdict.split(",")[0]
'With rate per megabyte 0.03 USD/MB (instead of 0.02 USD/MB)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import pandas as pd

from simulator.model.market import MarketYear, market_year
from simulator.params.scenario import Scenario, changed_keys
from simulator.present.charts import PALETTE, Chart, make_figure
from simulator.present.report import format_count, format_usd

__all__ = ["Comparison", "COMPARED_OUTPUTS", "compare_scenarios", "comparison_chart"]

#: Outputs compared, with their labels and units.
COMPARED_OUTPUTS = {
    "customers": ("Customers", "customers"),
    "downloads": ("Downloads a year", "downloads/year"),
    "mean_price_usd": ("Mean price per track", "USD/track"),
    "revenue_usd": ("Revenue a year", "USD/year"),
    "roms_usd": ("ROMS payout a year", "USD/year"),
    "labels_usd": ("Label wholesale a year", "USD/year"),
    "card_fee_usd": ("Card fees a year", "USD/year"),
    "bandwidth_usd": ("Bandwidth a year", "USD/year"),
    "operator_margin_usd": ("Operator margin a year", "USD/year"),
    "data_served_tb": ("Data served a year", "TB/year"),
}


@dataclass(frozen=True)
class Comparison:
    """Two or three scenarios compared.

    Attributes
    ----------
    names : tuple of str
    years : tuple of MarketYear
    table : pandas.DataFrame
        One row per output: output, label, unit, one column per scenario name,
        ``difference`` (last minus first) and ``difference_pct`` [%] (relative to the
        first's absolute value; 0 when both are 0, NaN when only the first is).
    changed_inputs : tuple of str
        Inputs that differ between the first and the last scenario.
    verdict : str
        One or two plain sentences.
    """

    names: tuple[str, ...]
    years: tuple[MarketYear, ...] = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    changed_inputs: tuple[str, ...]
    verdict: str

    def display_table(self) -> pd.DataFrame:
        """Return the table as text for people: dollars and counts formatted, the difference signed, one row per output."""
        rows = []
        for _, r in self.table.iterrows():
            fmt = format_usd if r.unit.startswith("USD/year") else (
                (lambda v: format_usd(v, cents=True)) if r.unit.startswith("USD") else format_count)
            pct = "" if not math.isfinite(r.difference_pct) else f"{r.difference_pct:+.1f}%"
            sign = "+" if r.difference > 0 else ""
            rows.append({"output": f"{r.label} [{r.unit}]", **{n: fmt(r[n]) for n in self.names},
                         "difference": sign + fmt(r.difference) if r.difference else "0", "difference [%]": pct})
        return pd.DataFrame(rows)


def _value_text(s: Scenario, key: str) -> str:
    p, v = s.assumptions.parameters[key], s[key]
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, float):
        return f"{v:g} {p.unit}".rstrip()
    return str(v).replace("_", " ")


def _describe(first: Scenario, last: Scenario, keys: list[str]) -> str:
    parts = []
    for k in keys:
        label = last.assumptions.parameters[k].label
        parts.append(f"{label[0].lower() + label[1:]} {_value_text(last, k)} (instead of {_value_text(first, k)})")
    return " and ".join(parts)


def _move(pct: float, diff: float) -> str:
    if math.isnan(pct):  # from zero: no percentage
        return f"{'rises' if diff > 0 else 'falls'} from zero"
    if abs(pct) < 0.05:
        return "stays the same"
    return f"{'rises' if pct > 0 else 'falls'} {abs(pct):.0f}%"


def compare_scenarios(named: list[tuple[str, Scenario]]) -> Comparison:
    """Compare two or three scenarios.

    Parameters
    ----------
    named : list of (name, Scenario)
        Two or three scenarios; differences are last minus first.

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        If fewer than two or more than three scenarios are given.
    """
    if not 2 <= len(named) <= 3:
        raise ValueError(f"compare needs 2 or 3 scenarios, got {len(named)}")
    names = tuple(n for n, _ in named)
    years = tuple(market_year(s) for _, s in named)
    rows = []
    for key, (label, unit) in COMPARED_OUTPUTS.items():
        vals = [getattr(y, key) for y in years]
        diff = vals[-1] - vals[0]
        # relative to |first|, so a negative margin that improves "rises"; 0 -> x has no percentage
        pct = 100.0 * diff / abs(vals[0]) if vals[0] else (0.0 if diff == 0 else float("nan"))
        rows.append({"output": key, "label": label, "unit": unit, **dict(zip(names, vals, strict=True)),
                     "difference": diff, "difference_pct": pct})
    table = pd.DataFrame(rows)
    first, last = named[0][1], named[-1][1]
    keys = changed_keys(dict(last.values), dict(first.values))
    # One row per output, so .loc of one label gives that row (a Series), not a frame.
    rev = cast(pd.Series, table.set_index("output").loc["revenue_usd"])
    margin = cast(pd.Series, table.set_index("output").loc["operator_margin_usd"])
    if keys:
        more = f" and {len(keys) - 3} more changes" if len(keys) > 3 else ""
        head = f"With {_describe(first, last, keys[:3])}{more}"
    else:
        head = f"With the same inputs in {names[-1]} as in {names[0]}"
    verdict = (
        f"{head}, revenue {_move(rev.difference_pct, rev.difference)} ({format_usd(rev[names[0]])} → {format_usd(rev[names[-1]])}) "
        f"if demand does not move. The operator's margin {_move(margin.difference_pct, margin.difference)}; ROMS gets "
        f"{format_usd(years[-1].roms_usd)} instead of {format_usd(years[0].roms_usd)}."
    )
    return Comparison(names, years, table, tuple(keys), verdict)


def comparison_chart(c: Comparison) -> Chart:
    """Where each scenario's revenue goes, as stacked bars on one axis.

    Returns
    -------
    Chart
        Data columns: scenario, recipient, usd_per_year.
    """
    parts = {"ROMS": "roms_usd", "FAIR": "fair_usd", "Labels (wholesale)": "labels_usd", "Card fees": "card_fee_usd",
             "Bandwidth": "bandwidth_usd", "Operator margin": "operator_margin_usd"}
    rows = [{"scenario": n, "recipient": r, "usd_per_year": getattr(y, f)}
            for n, y in zip(c.names, c.years, strict=True) for r, f in parts.items()]
    data = pd.DataFrame(rows)
    bars = [{"type": "bar", "x": list(c.names), "y": [getattr(y, f) / 1e6 for y in c.years], "name": r,
             "marker": {"color": PALETTE[i]}, "hovertemplate": "%{x}: $%{y:.2f} million<extra>" + r + "</extra>"}
            for i, (r, f) in enumerate(parts.items())]
    title = "Revenue a year and who gets it, by scenario [USD million per year]"
    fig = make_figure(bars, title, "", "USD million per year", layout={"barmode": "relative", "hovermode": "closest"})
    alt = "Stacked bars, one per scenario: " + "; ".join(
        f"{n} {format_usd(y.revenue_usd)} revenue, {format_usd(y.operator_margin_usd)} to the operator"
        for n, y in zip(c.names, c.years, strict=True)
    ) + "."
    caption = ("Each bar is one scenario's year: its height is the revenue, its segments who receives it "
               "(negative margin, if any, is drawn below zero). Inputs from each scenario.")
    formula = "\n\n".join(
        f"**{n}**: {format_count(y.customers)} customers × {y.downloads_per_customer:g} downloads × "
        f"{y.paying_factor:g} paying × ${y.mean_price_usd:.4f} = {format_usd(y.revenue_usd)}"
        for n, y in zip(c.names, c.years, strict=True)
    )
    return Chart("scenario_comparison", title, caption, alt, fig, data, formula)


