"""Headline figures of a scenario, compared with the reported ones, ready to display.

The front end shows these as metrics with deltas; the handout shows them as a
table. All arithmetic (gaps, implied figures) happens here, none in the UI.

Examples
--------
>>> m = {x.key: x for x in headline_metrics(make_scenario())}
>>> m["customers"].value_text, m["customers"].delta_text
('5.85 million', '+6.3% vs reported 5.50 million')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from simulator.model.market import MarketYear, market_year, reported_price_band_usd
from simulator.model.store import year_months
from simulator.model.units import format_quantity
from simulator.params.scenario import Scenario

__all__ = ["Metric", "headline_metrics", "format_usd", "format_count", "format_quantity"]


def format_usd(x: float, *, cents: bool = False) -> str:
    """Format dollars for people: ``$30.6 million``, ``$1,234``, ``$0.19``.

    Examples
    --------
    >>> format_usd(30_559_230.5), format_usd(0.1916, cents=True), format_usd(-2_500)
    ('$30.6 million', '$0.19', '-$2,500')
    """
    if not math.isfinite(x):
        return _not_finite(x)
    sign = "-" if x < 0 else ""
    a = abs(x)
    if cents or a < 100:
        return f"{sign}${a:,.2f}"
    if a >= 1e12:
        return f"{sign}${a / 1e12:,.2f} trillion"
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.2f} billion"
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.1f} million"
    return f"{sign}${a:,.0f}"


def format_count(x: float) -> str:
    """Format a count: ``5.50 million``, ``29.0``, ``12,345``.

    Examples
    --------
    >>> format_count(5_500_000), format_count(29), format_count(12_345), format_count(2.5e9)
    ('5.50 million', '29.0', '12,345', '2.50 billion')
    """
    if not math.isfinite(x):
        return _not_finite(x)
    if abs(x) >= 1e12:
        return f"{x / 1e12:,.2f} trillion"
    if abs(x) >= 1e9:
        return f"{x / 1e9:,.2f} billion"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.2f} million"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:,.1f}"




def _not_finite(x: float) -> str:
    """``n/a`` for NaN, ``∞``/``-∞`` for infinities (e.g. downloads needed when nobody can pay)."""
    return "n/a" if math.isnan(x) else ("∞" if x > 0 else "-∞")


@dataclass(frozen=True)
class Metric:
    """One headline figure.

    Attributes
    ----------
    key : str
    label : str
    value : float
    unit : str
    value_text : str
    reference : float or None
        The reported figure it is compared with.
    delta_pct : float or None
        100 x (value - reference) / reference. [%]
    delta_text : str
        E.g. ``"+1.9% vs reported $30.0 million"`` (empty without a reference).
    help : str
        How the figure is computed and where the reference comes from.
    """

    key: str
    label: str
    value: float
    unit: str
    value_text: str
    reference: float | None
    delta_pct: float | None
    delta_text: str
    help: str


def _metric(key, label, value, unit, text, ref, ref_text, help_, *, versus: str = "vs reported") -> Metric:
    if ref is None or ref == 0:
        return Metric(key, label, value, unit, text, ref, None, "", help_)
    pct = 100.0 * (value - ref) / ref
    if not math.isfinite(pct):
        return Metric(key, label, value, unit, text, ref, None, "", help_)
    return Metric(key, label, value, unit, text, ref, pct, f"{pct:+.1f}% {versus} {ref_text}", help_)


def _band_text(value: float, lo: float, hi: float) -> str:
    where = "within" if lo <= value <= hi else ("above" if value > hi else "below")
    return f"{where} the reported {lo * 100:.0f}-{hi * 100:.0f} c a track"


def headline_metrics(scenario: Scenario, *, year: MarketYear | None = None) -> list[Metric]:
    """Return the six headline figures of a scenario's year with their gaps to the reported figures.

    Parameters
    ----------
    scenario : Scenario
    year : MarketYear, optional
        A precomputed market year.

    Returns
    -------
    list of Metric
        customers, revenue, downloads per customer, mean price per track, ROMS payout,
        the operator's contribution margin; all from the store model's year
        ``timeline.year_end``.
    """
    s = scenario
    y = year if year is not None else market_year(s)
    rep_rev, rep_cust = y.reported_revenue_usd, y.reported_customers
    lo, hi = reported_price_band_usd(s)
    when = year_months(s.timeline.year_end)
    return [
        _metric("customers", "Customers", y.customers, "customers", format_count(y.customers), rep_cust,
                format_count(rep_cust), f"Accounts at the end of {when} in the fitted store model; reported: The Times "
                "via Numerama (Jul 2007)."),
        _metric("revenue_usd", "Revenue a year", y.revenue_usd, "USD/year", format_usd(y.revenue_usd), rep_rev,
                format_usd(rep_rev), f"Receipts {when}: potential buyers × tracks wanted × paying share × the store's "
                "logit share × mean price, month by month; reported: The Times' estimate (others: $10-14M, $25-30M)."),
        _metric("downloads_per_customer", "Downloads per customer", y.downloads_per_customer,
                "downloads/customer/year", format_count(y.downloads_per_customer), None, "",
                f"The year's downloads over the accounts at its end ({when}); an output of the fitted demand."),
        Metric("mean_price_usd", "Mean price per track", y.mean_price_usd, "USD/track",
               format_usd(y.mean_price_usd, cents=True), None, None, _band_text(y.mean_price_usd, lo, hi),
               f"Mean size {y.mean_size_mb:.2f} {y.mb_unit} × rate × (1 − discount), over the mix the fitted demand "
               "gives at each month's rate and the catalogue's lengths; the press reported 10-20 c a track (Jul 2007)."),
        _metric("roms_usd", "ROMS payout a year", y.roms_usd, "USD/year", format_usd(y.roms_usd), None, "",
                "roms_share × royalty base (gross receipts by default)."),
        _metric("operator_margin_usd", "Operator's contribution margin a year", y.operator_margin_usd, "USD/year",
                format_usd(y.operator_margin_usd), None, "",
                "Revenue less ROMS, FAIR, label wholesale, card fees and bandwidth: a contribution margin, before "
                "fixed costs (staff, offices, servers), which the model leaves out."),
    ]


def sources_table(assumptions) -> pd.DataFrame:
    """Every input with its value, unit, range and source, for the Sources page and the handout.

    Parameters
    ----------
    assumptions : Assumptions

    Returns
    -------
    pandas.DataFrame
        Columns: input, label, value (as text: inputs mix numbers and words), unit, low, high, provenance ("source" or
        "assumption"), url, date, note (the source's note or the assumption's reason).
    """
    rows = []
    for key, p in assumptions.parameters.items():
        rows.append(
            {
                "input": key,
                "label": p.label,
                "value": f"{p.value:g}" if isinstance(p.value, float) else str(p.value),
                "unit": p.unit,
                "low": float("nan") if p.low is None else p.low,
                "high": float("nan") if p.high is None else p.high,
                "provenance": "source" if p.source else "assumption",
                "url": p.source.url if p.source else "",
                "date": p.source.date if p.source else "",
                "note": (p.source.note if p.source else p.assumption) or "",
            }
        )
    return pd.DataFrame(rows)
