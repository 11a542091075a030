"""The Demand view's words and tables: what the fitted demand says, and the fit table.

Every figure comes from :mod:`simulator.model.demand`, :mod:`simulator.model.market` and
:mod:`simulator.model.fit` (the store model); this module only words and formats them.

Examples
--------
>>> s = make_scenario()
>>> any("August" in x or "Aug" in x for x in demand_findings(s))
True
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from simulator.model.demand import (
    best_rate,
    break_even_licensed_rate,
    demand_curve,
    pricing_alternatives,
    rate_rise,
    revenue_elasticity,
)
from simulator.model.fit import fitted_reports, report_table
from simulator.model.market import market_year
from simulator.model.store import year_months
from simulator.params.scenario import Scenario
from simulator.present.report import format_usd

__all__ = ["demand_findings", "fit_table", "report_choices", "welfare_table", "alternatives_table",
           "alternatives_note"]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def demand_findings(scenario: Scenario) -> list[str]:
    """Return the fitted demand's findings in sentences (Markdown, no user text).

    The rise of August 2006, the revenue-maximizing rate, the elasticity and diversion at the
    scenario, versioning (who moves to 128 kbps), and the break-even licensed rate.
    """
    s = scenario
    y = market_year(s)
    rev = best_rate("revenue", s)
    rise = rate_rise(s)
    e = revenue_elasticity(s)
    r0 = float(s.pricing.rate_usd_per_mb)
    lower = max(r0 - 0.01, float(s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds[0]))  # type: ignore[index]
    c = demand_curve(s, [lower, r0])
    low_kbps = [k for k in c.columns if k.startswith("share_mp3-128")]
    lic = break_even_licensed_rate(s)
    out = [
        f"**The August 2006 rise.** {rise.statement}",
        f"**The best rate.** {rev.statement}",
        (f"**Elasticity and diversion.** At {100 * r0:.2f} c/MB the year's downloads have an own-price elasticity of "
         f"{y.elasticity:.2f}: a 1% higher rate loses {abs(y.elasticity):.2f}% of them, but raises the mean price "
         f"per download by only {e.mean_price:.2f}% (buyers move to smaller files), so revenue moves by "
         f"{e.revenue:+.2f}%. Of the downloads a rise "
         f"loses, {_pct(y.diversion_p2p)} go to P2P, {_pct(y.diversion_itunes)} to iTunes and "
         f"{_pct(max(1 - y.diversion_p2p - y.diversion_itunes, 0.0))} to buying nothing."),
    ]
    if low_kbps:
        a, b = float(c[low_kbps[0]].iloc[0]), float(c[low_kbps[0]].iloc[1])
        out.append(f"**Versioning.** Per-MB pricing charges more for bigger files, so a higher rate moves buyers down "
                   f"to 128 kbps: {_pct(a)} of downloads at {100 * lower:.2f} c/MB, {_pct(b)} at {100 * r0:.2f} c/MB.")
    out.append("**A licensed store.** " + (
        f"Paying labels {format_usd(float(s.comparison.label_wholesale_usd), cents=True)} a download, as on iTunes, "
        f"the contribution margin breaks even only at {100 * lic:.1f} c/MB on this demand."
        if lic is not None else
        "Paying labels wholesale a download, as on iTunes, leaves a loss at every rate within the bounds."))
    return out


def report_choices(scenario: Scenario) -> dict[str, str]:
    """Return the reports the fit can use, name -> label (for a switch-off control)."""
    return {r.name: r.label for r in fitted_reports(scenario)}


def fit_table(scenario: Scenario, without: Iterable[str] = ()) -> pd.DataFrame:
    """Return every fitted report against the scenario's model, formatted for display.

    Columns: Report, Date, Reported, Model, Miss [σ] (the residual in units of the report's
    uncertainty), Used, Source.
    """
    t = report_table(scenario, without)
    return pd.DataFrame({
        "Report": t.label,
        "Date": t.date,
        "Reported": [f"{r} {u}" for r, u in zip(t.reported, t.unit, strict=True)],
        "Model": [_model_text(m, u) for m, u in zip(t.model, t.unit, strict=True)],
        "Miss [σ]": t.residual.round(2),
        "Used": t.used,
        "Source": t.source,
    })


def _model_text(m: float, unit: str) -> str:
    if unit.startswith("USD"):
        return f"${m:,.2f}" if m < 100 else f"${m:,.0f}"
    if m >= 1000:
        return f"{m:,.0f}"
    return f"{m:.3g}"


def welfare_table(scenario: Scenario) -> pd.DataFrame:
    """Return who gained from the year's sales: buyers' surplus, ROMS, labels, the operator, costs [USD/year]."""
    y = market_year(scenario)
    rows = [("Buyers (consumer surplus, logit log-sum)", y.consumer_surplus_usd),
            ("ROMS (and FAIR)", y.roms_usd + y.fair_usd), ("Labels (wholesale)", y.labels_usd),
            ("Operator (contribution margin)", y.operator_margin_usd),
            ("Card fees and bandwidth", y.card_fee_usd + y.bandwidth_usd)]
    total = sum(v for _, v in rows)
    return pd.DataFrame({"Who": [w for w, _ in rows], f"USD, {year_months(scenario.timeline.year_end)}":
                         [round(v) for _, v in rows], "Share": [f"{100 * v / total:.0f}%" if total else "" for _, v in rows]})


def alternatives_table(scenario: Scenario) -> pd.DataFrame:
    """Return per-MB pricing against a flat price and an album cap on the same fitted demand, formatted."""
    t = pricing_alternatives(scenario)
    return pd.DataFrame({
        "Pricing": t.label,
        "Revenue [USD/year]": t.revenue_usd.round(0),
        "Downloads [a year]": t.downloads.round(0),
        "Mean price [USD]": t.mean_price_usd.round(3),
        "Mean size [MB]": t.mean_size_mb.round(2),
        "Consumer surplus [USD/year]": t.consumer_surplus_usd.round(0),
    })


def alternatives_note(scenario: Scenario) -> str:
    """Say what the pricing alternatives compare, and whether the album cap binds at the scenario's rate."""
    rev = pricing_alternatives(scenario).set_index("case").revenue_usd.astype(float)
    half_cent = 0.5 / float(scenario.assumptions.constants["cents_per_usd"])
    cap_binds = abs(float(rev["album_cap"]) - float(rev["per_mb"])) > half_cent
    return ("The flat price is the per-MB year's mean price, charged from 13 August 2006 (the weeks before were "
            "sold at 2 c/MB, so the year's mean differs): without versioning, buyers take bigger files and buy more, "
            "so a flat price can earn more than per MB on the same demand. "
            + ("The album cap binds for the biggest files." if cap_binds else
               "The album cap does not bind at this rate: at the catalogue's track lengths no album costs more than the cap, so that row equals per MB."))
