"""Scenarios side by side: a table of outputs, differences, a chart on shared axes and a verdict in words.

Examples
--------
>>> from simulator.params.scenario import make_scenario
>>> a, b = make_scenario(preset="rate_2005"), make_scenario(preset="reported_2006")
>>> c = compare_scenarios([("2005", a), ("2006", b)])
>>> c.verdict.split(", revenue")[0]
'With the rate per megabyte at 0.03 USD/MB instead of 0.02 USD/MB'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import pandas as pd

from simulator.model.market import MarketYear, market_year
from simulator.params.groups import QUALITY_MIX_PREFIX
from simulator.params.scenario import Scenario, changed_keys
from simulator.present.charts import PALETTE, Chart, make_figure
from simulator.present.inputs import option_label
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
    "operator_margin_usd": ("Operator's contribution margin a year", "USD/year"),
    "consumer_surplus_usd": ("Consumer surplus a year", "USD/year"),
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


#: Units whose values are shares of a whole, written as percentages in the verdict.
_SHARE_UNITS = ("fraction",)


def _quantity(s: Scenario, key: str) -> str:
    """Return an input's value as a sentence writes it: ``0.03 USD/MB``, ``20%``, ``4.00 million``."""
    p, v = s.assumptions.parameters[key], s[key]
    if p.unit in _SHARE_UNITS:
        return f"{v:.0%}" if round(v * 100, 6).is_integer() else f"{v:.1%}"
    if p.unit in ("customers", "people"):
        return format_count(v)
    if isinstance(v, float) and v.is_integer() and abs(v) >= _THOUSAND:
        v = int(v)
    number = f"{v:,}" if isinstance(v, int) else f"{v:g}"
    return f"{number} {p.unit}".rstrip()


#: From this magnitude a whole number is written with thousands separators.
_THOUSAND = 1000


def _lower_first(label: str) -> str:
    """``Rate per megabyte`` -> ``rate per megabyte``; ``ROMS ...`` (an acronym) stays as it is."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def _change(first: Scenario, last: Scenario, key: str) -> str:
    """Return one changed input as a clause of the verdict, by the input's kind.

    Examples: ``the rate per megabyte at 0.03 USD/MB instead of 0.02 USD/MB``,
    ``"Card freeze in force" turned on``, ``"Rounding rule" set to per basket instead of per track``.
    """
    p = last.assumptions.parameters[key]
    if p.kind == "boolean":
        return f"“{p.label}” turned {'on' if last[key] else 'off'}"
    if p.kind == "choice":
        return f"“{p.label}” set to {option_label(str(last[key]))} instead of {option_label(str(first[key]))}"
    if p.kind == "date":
        return f"the {_lower_first(p.label)} on {last[key]} instead of {first[key]}"
    return f"the {_lower_first(p.label)} at {_quantity(last, key)} instead of {_quantity(first, key)}"


def _mix(s: Scenario) -> str:
    """Return the quality mix as shares of downloads, largest first: ``80% FLAC (lossless) and 20% MP3 320 kbps``."""
    weights = {k: v for k, v in s.values.items() if k.startswith(QUALITY_MIX_PREFIX) and v > 0}
    total = sum(weights.values())
    parts = [f"{w / total:.0%} {s.assumptions.parameters[k].label.split(': ', 1)[-1]}"
             for k, w in sorted(weights.items(), key=lambda kv: -kv[1])]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _changes(first: Scenario, last: Scenario, keys: list[str]) -> list[str]:
    """Return the verdict's clauses: one per changed input, the quality-mix weights together as one."""
    clauses, mix_done = [], False
    for k in keys:
        if k.startswith(QUALITY_MIX_PREFIX):
            if not mix_done:
                clauses.append(f"the quality mix at {_mix(last)} instead of {_mix(first)}")
                mix_done = True
            continue
        clauses.append(_change(first, last, k))
    return clauses


def _and(parts: list[str]) -> str:
    """Join clauses as a sentence does: ``a``, ``a and b``, ``a, b and c``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _move(pct: float, diff: float) -> str:
    if math.isnan(pct):  # from zero: no percentage
        return f"{'rises' if diff > 0 else 'falls'} from zero"
    if abs(pct) < 0.05:
        return "stays the same"
    return f"{'rises' if pct > 0 else 'falls'} {abs(pct):.0f}%"


def _margin_move(before: float, after: float, pct: float, diff: float) -> str:
    """Say how the operator's contribution margin moves; a margin that turns into a loss says so."""
    if before >= 0 > after:
        return f"turns into a loss: {format_usd(before)} → {format_usd(after)}"
    if before < 0 <= after:
        return f"turns from a loss into a positive margin: {format_usd(before)} → {format_usd(after)}"
    move = _move(pct, diff)
    return f"stays at {format_usd(after)}" if move == "stays the same" else \
        f"{move} ({format_usd(before)} → {format_usd(after)})"


def _amount(x: float) -> str:
    """Return dollars as the verdict writes them: ``nothing`` for zero."""
    return "nothing" if x == 0 else format_usd(x)


def _paid(who: str, before: float, after: float) -> str:
    """Say what a recipient gets: ``ROMS gets $3.1 million instead of $4.6 million`` (or ``... in both``)."""
    a, b = _amount(before), _amount(after)
    return f"{who} {'gets' if who == 'ROMS' else 'get'} {b} in both" if a == b else \
        f"{who} {'gets' if who == 'ROMS' else 'get'} {b} instead of {a}"


#: Most changed inputs the verdict names; the others are counted.
_MAX_NAMED_CHANGES = 3


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
    clauses = _changes(first, last, keys)
    if clauses:
        said = clauses[:_MAX_NAMED_CHANGES]
        if len(clauses) > _MAX_NAMED_CHANGES:
            said.append(f"{len(clauses) - _MAX_NAMED_CHANGES} more changes")
        head = f"With {_and(said)}"
    else:
        head = "With the same inputs"
    move = _move(rev.difference_pct, rev.difference)
    revenue = f"revenue stays at {format_usd(rev[names[0]])}" if move == "stays the same" else \
        f"revenue {move} ({format_usd(rev[names[0]])} → {format_usd(rev[names[-1]])})"
    paid = [_paid("ROMS", years[0].roms_usd, years[-1].roms_usd)]
    if years[0].labels_usd or years[-1].labels_usd:
        paid.append(_paid("labels", years[0].labels_usd, years[-1].labels_usd))
    dl = cast(pd.Series, table.set_index("output").loc["downloads"])
    m = _move(dl.difference_pct, dl.difference)
    buyers = f", while downloads {m.replace('rises', 'rise').replace('falls', 'fall')} on the fitted demand" \
        if m != "stays the same" else ""
    verdict = (
        f"{head}, {revenue}{buyers}. The operator's contribution margin "
        f"{_margin_move(margin[names[0]], margin[names[-1]], margin.difference_pct, margin.difference)}; "
        f"{'; '.join(paid)}."
    )
    return Comparison(names, years, table, tuple(keys), verdict)


#: Width of the revenue mark across a bar, and its line width. [px]
_REVENUE_MARK_PX = 40
_REVENUE_MARK_LINE_PX = 3


def comparison_chart(c: Comparison) -> Chart:
    """Where each scenario's revenue goes, as stacked bars on one axis.

    Returns
    -------
    Chart
        Data columns: scenario, recipient, usd_per_year.
    """
    parts = {"ROMS": "roms_usd", "FAIR": "fair_usd", "Labels (wholesale)": "labels_usd", "Card fees": "card_fee_usd",
             "Bandwidth": "bandwidth_usd", "Contribution margin": "operator_margin_usd"}
    rows = [{"scenario": n, "recipient": r, "usd_per_year": getattr(y, f)}
            for n, y in zip(c.names, c.years, strict=True) for r, f in parts.items()]
    data = pd.DataFrame(rows)
    bars = [{"type": "bar", "x": list(c.names), "y": [getattr(y, f) / 1e6 for y in c.years], "name": r,
             "marker": {"color": PALETTE[i]}, "hovertemplate": "%{x}: $%{y:.2f} million<extra>" + r + "</extra>"}
            for i, (r, f) in enumerate(parts.items())]
    # Revenue as its own mark: with a loss (drawn below zero) the bar above zero is taller than revenue.
    bars.append({"type": "scatter", "mode": "markers", "x": list(c.names), "y": [y.revenue_usd / 1e6 for y in c.years],
                 "name": "Revenue", "marker": {"symbol": "line-ew", "size": _REVENUE_MARK_PX,
                                               "line": {"width": _REVENUE_MARK_LINE_PX, "color": "black"}},
                 "hovertemplate": "%{x}: revenue $%{y:.2f} million<extra></extra>"})
    title = "Revenue a year and who gets it, by scenario [USD million per year]"
    fig = make_figure(bars, title, "", "USD million per year", layout={"barmode": "relative", "hovermode": "closest"})
    alt = "Stacked bars, one per scenario: " + "; ".join(
        f"{n} {format_usd(y.revenue_usd)} revenue, {format_usd(y.operator_margin_usd)} to the operator (its "
        "contribution margin, before fixed costs)"
        for n, y in zip(c.names, c.years, strict=True)
    ) + "."
    losses = [(n, y) for n, y in zip(c.names, c.years, strict=True) if y.operator_margin_usd < 0]
    caption = ("Each bar is one scenario's year, split by who receives its revenue; the black line marks the "
               "revenue. ")
    if losses:
        caption += "; ".join(
            f"{n}: the operator's contribution margin is a loss of {format_usd(-y.operator_margin_usd)}, drawn "
            "below zero, so the parts above "
            f"zero add up to {format_usd(y.revenue_usd - y.operator_margin_usd)}, revenue plus that loss"
            for n, y in losses) + ". "
    else:
        caption += "Every operator's contribution margin is positive, so each bar's height is its revenue. "
    caption += "Contribution margin: what the operator keeps before fixed costs, which the model leaves out. "
    caption += "Inputs from each scenario."
    formula = "\n\n".join(
        f"**{n}**: {format_count(y.customers)} customers × {y.downloads_per_customer:.1f} downloads each × "
        f"${y.mean_price_usd:.4f} = {format_usd(y.revenue_usd)} (the store model's year; downloads follow the "
        "fitted demand at each scenario's rates)"
        for n, y in zip(c.names, c.years, strict=True)
    )
    return Chart("scenario_comparison", title, caption, alt, fig, data, formula)


