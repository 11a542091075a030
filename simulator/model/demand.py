"""Demand response: constant-elasticity demand around the scenario's point, and the best rate per MB.

Formulas
--------
Around the scenario's rate ``r0``, customers ``N0`` and downloads per customer
``d0`` (calibrate first with :func:`simulator.model.calibration.calibrated_scenario`
to centre it on the reported revenue)::

    N(r) = N0 (r / r0) ** e_c        d(r) = d0 (r / r0) ** e_d

with ``e_c = demand.customers_elasticity`` and ``e_d = demand.downloads_elasticity``.
Megabytes served move with ``(r / r0) ** e`` where ``e = e_d + e_c``, so

* revenue ``R(r) = R0 (r / r0) ** (1 + e)`` is monotone: it rises with the rate
  when ``e > -1``, falls when ``e < -1`` and is flat at ``e = -1``. It has no
  interior maximum.
* the operator's margin per MB served is ``(1 - s)(1 - delta) r - c``, where
  ``s`` is the sum of the shares of gross (card fee, plus ROMS and FAIR when
  royalties are on gross), ``delta`` the discount and ``c`` the cost per MB
  (bandwidth, plus label wholesale per MB under ``itunes_wholesale``). Setting
  the derivative of ``MB(r) x margin per MB`` to zero gives the Lerner
  condition ``(P - c) / P = -1 / e`` with ``P = (1 - s)(1 - delta) r``
  (Lerner, "The Concept of Monopoly and the Measurement of Monopoly Power",
  Review of Economic Studies 1, 1934), so::

      r* = c / ((1 - s)(1 - delta)(1 + 1/e))        for e < -1 and c > 0.

  For ``e >= -1`` the margin rises with the rate (no interior maximum); for
  ``c = 0`` it is proportional to revenue. With royalties on profit, ROMS and
  FAIR scale the margin by ``1 - share`` and do not move its maximum, so ``s``
  is the card fee alone.

Every closed form is checked against ``scipy.optimize.minimize_scalar`` on the
full market model within the rate's bounds (:func:`best_rate`).

Examples
--------
>>> best_rate("revenue", make_scenario()).direction
'falls'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from simulator.model.market import (
    DownloadProfile,
    MarketArrayInputs,
    download_profile,
    market_arrays,
    market_inputs,
)
from simulator.model.money import to_fraction
from simulator.params.scenario import Scenario

__all__ = ["DemandError", "RateOptimum", "OBJECTIVES", "demand_curve", "best_rate", "itunes_counterfactual"]

#: What :func:`best_rate` can maximize.
OBJECTIVES = ("revenue", "profit")
#: Relative tolerance of the bounded numerical search (a numerical setting, not a model number).
_XATOL_SHARE = 1e-10

_CURVE_FIELDS = (
    "customers", "downloads_per_customer", "downloads", "mean_price_usd", "revenue_usd", "card_fee_usd",
    "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd", "operator_margin_usd", "data_served_tb",
)


class DemandError(ValueError):
    """A bad rate grid or objective name."""


def _rates(s: Scenario, rates_usd_per_mb) -> np.ndarray:
    if rates_usd_per_mb is None:
        bounds = s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds
        assert bounds is not None  # a number parameter always has bounds (Parameter's validator)
        lo = bounds[0]
        return np.linspace(lo, s.charts.rate_max_usd_per_mb, int(s.charts.grid_points))
    r = np.asarray(rates_usd_per_mb, dtype=float)
    if r.ndim != 1 or r.size == 0 or not np.all(np.isfinite(r)) or np.any(r <= 0):
        raise DemandError(f"rates_usd_per_mb must be a non-empty 1-D array of finite rates > 0, got {rates_usd_per_mb!r}")
    return r


def _at_rates(s: Scenario, r, profile: DownloadProfile | None):
    kw = market_inputs(s, profile)
    x = np.asarray(r, dtype=float) / kw["rate_usd_per_mb"]
    # The new customers and downloads read the old ones, not the rate: the order of the three is free.
    kw["rate_usd_per_mb"] = r
    kw["customers"] = kw["customers"] * x ** float(s.demand.customers_elasticity)
    kw["downloads_per_customer"] = kw["downloads_per_customer"] * x ** float(s.demand.downloads_elasticity)
    return market_arrays(**kw)


def demand_curve(scenario: Scenario, rates_usd_per_mb=None, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Return customers, downloads, revenue and margin against the rate per MB, under constant elasticities.

    Parameters
    ----------
    scenario : Scenario
        The reference point (rate, customers, downloads per customer) and elasticities.
    rates_usd_per_mb : array_like, shape (n,), optional
        Rates > 0 [USD/MB]; default ``charts.grid_points`` rates from the
        rate's lower bound to ``charts.rate_max_usd_per_mb``.
    profile : DownloadProfile, optional

    Returns
    -------
    pandas.DataFrame, shape (n, 13)
        ``rate_usd_per_mb`` then ``customers``, ``downloads_per_customer``,
        ``downloads``, ``mean_price_usd``, ``revenue_usd``, ``card_fee_usd``,
        ``bandwidth_usd``, ``roms_usd``, ``fair_usd``, ``labels_usd``,
        ``operator_margin_usd`` [USD/year] and ``data_served_tb`` [TB/year].
        Customers and downloads are not clipped to their parameters' bounds.

    Raises
    ------
    DemandError
        If a rate is not finite and > 0.

    Examples
    --------
    >>> c = demand_curve(make_scenario(), rates_usd_per_mb=[0.015, 0.03])
    >>> round(float(c.revenue_usd[0] / c.revenue_usd[1]), 4)   # 0.5 ** (1 - 1.2)
    1.1487
    """
    s = scenario
    r = _rates(s, rates_usd_per_mb)
    y = _at_rates(s, r, profile)
    return pd.DataFrame({"rate_usd_per_mb": r, **{k: np.broadcast_to(getattr(y, k), r.shape) for k in _CURVE_FIELDS}})


@dataclass(frozen=True)
class RateOptimum:
    """The rate per MB that maximizes revenue or the operator's margin.

    Attributes
    ----------
    objective : {"revenue", "profit"}
    elasticity : float
        ``e = e_d + e_c``, the elasticity of MB served with respect to the rate.
    interior : bool
        Whether an interior maximum exists (the closed form applies).
    rate_usd_per_mb : float or None
        The closed-form maximizer (may lie outside the bounds); None when there is none. [USD/MB]
    in_bounds : bool
        Whether ``rate_usd_per_mb`` lies within the rate's bounds.
    best_rate_usd_per_mb, best_value_usd : float
        The maximizer within the bounds (closed form clipped, or the bound the
        objective runs to) and the objective there. [USD/MB], [USD/year]
    numeric_rate_usd_per_mb : float
        ``minimize_scalar`` (bounded) on the full market model. [USD/MB]
    direction : {"rises", "falls", "flat", "peaks"}
        How the objective moves with the rate.
    gross_share : float
        ``s``: shares of gross taken before the operator (profit only; 0 for revenue).
    cost_usd_per_mb : float
        ``c``: cost per MB served (profit only; 0 for revenue). [USD/MB]
    bounds : tuple of float
        The rate's [min, max]. [USD/MB]
    statement : str
        One sentence for the reader.
    """

    objective: str
    elasticity: float
    interior: bool
    rate_usd_per_mb: float | None
    in_bounds: bool
    best_rate_usd_per_mb: float
    best_value_usd: float
    numeric_rate_usd_per_mb: float
    direction: str
    gross_share: float
    cost_usd_per_mb: float
    bounds: tuple[float, float]
    statement: str


def _profit_terms(kw: MarketArrayInputs) -> tuple[float, float, float]:
    """Shares of gross ``s``, net factor ``(1 - s)(1 - delta)`` and cost per MB ``c`` [USD/MB]."""
    s = kw["card_fee_share"] + (0.0 if kw["royalty_on_profit"] else kw["roms_share"] + kw["fair_share"])
    mb_per_download = kw["mean_size_bytes"] / kw["bytes_per_mb"]
    c = kw["bandwidth_usd_per_byte"] * kw["bytes_per_mb"] + kw["wholesale_usd_per_download"] / mb_per_download
    # kw is market_inputs' own (plain floats, no arrays): float() only states it to the type checker.
    return float(s), float((1.0 - s) * (1.0 - kw["discount_share"])), float(c)


def best_rate(objective: str, scenario: Scenario, *, profile: DownloadProfile | None = None) -> RateOptimum:
    """Find the revenue- or profit-maximizing rate per MB under constant elasticities.

    Parameters
    ----------
    objective : {"revenue", "profit"}
        ``profit`` is the operator's margin (``operator_margin_usd``).
    scenario : Scenario
        Reference point and elasticities (see the module formulas).
    profile : DownloadProfile, optional

    Returns
    -------
    RateOptimum

    Raises
    ------
    DemandError
        For an unknown objective.

    Examples
    --------
    >>> s = make_scenario(overrides={"demand.downloads_elasticity": -1.5, "demand.customers_elasticity": -0.5,
    ...                              "rights.payment_model": "itunes_wholesale"})
    >>> o = best_rate("profit", s)
    >>> o.interior, round(o.rate_usd_per_mb, 4), round(o.numeric_rate_usd_per_mb, 4)
    (True, 0.2122, 0.2122)
    """
    if objective not in OBJECTIVES:
        raise DemandError(f"objective must be one of {list(OBJECTIVES)}, got {objective!r}")
    s = scenario
    bounds = s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds
    assert bounds is not None  # a number parameter always has bounds (Parameter's validator)
    lo, hi = (float(b) for b in bounds)
    prof = profile if profile is not None else download_profile(s)
    kw = market_inputs(s, prof)
    e_frac = to_fraction(s.demand.downloads_elasticity) + to_fraction(s.demand.customers_elasticity)
    e = float(e_frac)
    field = "revenue_usd" if objective == "revenue" else "operator_margin_usd"

    def value(r: float) -> float:
        return float(getattr(_at_rates(s, r, prof), field))

    num = minimize_scalar(lambda r: -value(r), bounds=(lo, hi), method="bounded",
                          options={"xatol": (hi - lo) * _XATOL_SHARE})
    numeric = max((float(num.x), lo, hi), key=value)
    share, net, c = _profit_terms(kw) if objective == "profit" else (0.0, 1.0, 0.0)
    exp = f"{1 + e:+.4g}"
    r_star = None
    if objective == "revenue":
        direction = "flat" if e_frac == -1 else ("rises" if e > -1 else "falls")
        why = f"revenue is proportional to rate^({exp}) (total elasticity {e:.4g})"
    elif net <= 0:
        direction = "falls" if value(lo) >= value(hi) else "rises"
        why = f"the shares of gross ({share:.4g}) and the discount leave nothing per MB: the margin is negative at every rate"
    elif e_frac >= -1 or c == 0:
        direction = "rises" if (e_frac > -1 or c > 0) else ("flat" if e_frac == -1 else "falls")
        why = (f"with total elasticity {e:.4g} >= -1 the margin rises with the rate" if e_frac >= -1 else
               f"with no cost per MB the margin is proportional to rate^({exp})")
    else:
        direction = "peaks"
        r_star = c / (net * (1.0 + 1.0 / e))
        why = (f"Lerner rate r* = c / ((1 - s)(1 - discount)(1 + 1/e)) = {c:.4g} / ({net:.4g} x {1 + 1 / e:.4g})"
               f" = {r_star:.4g} USD/MB")
    best = {"rises": hi, "falls": lo, "flat": float(kw["rate_usd_per_mb"])}.get(direction)
    if best is None:
        assert r_star is not None  # only "peaks" has no entry above, and it sets r_star
        best = min(max(r_star, lo), hi)
    inside = r_star is not None and lo <= r_star <= hi
    if r_star is None:
        tail = f"no interior maximum; within the bounds {objective} is highest at {best:.4g} USD/MB"
        if direction == "flat":
            tail = f"no unique maximum: every rate gives the same {objective}"
    elif inside:
        tail = "the maximum lies within the bounds"
    else:
        tail = f"outside the bounds [{lo:g}, {hi:g}]; within them {objective} is highest at {best:.4g} USD/MB"
    return RateOptimum(
        objective=objective, elasticity=e, interior=r_star is not None, rate_usd_per_mb=r_star, in_bounds=inside,
        best_rate_usd_per_mb=best, best_value_usd=value(best), numeric_rate_usd_per_mb=numeric,
        direction=direction, gross_share=share, cost_usd_per_mb=c, bounds=(lo, hi), statement=f"{why}: {tail}.",
    )


def itunes_counterfactual(scenario: Scenario, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Put the same listeners on iTunes terms: 0.99 a track retail, 0.62-0.70 of it to labels.

    Parameters
    ----------
    scenario : Scenario
        The AllofMP3 point; ``comparison.itunes_track_usd`` and
        ``comparison.label_wholesale_usd`` (value, low, high) give the terms.
    profile : DownloadProfile, optional

    Returns
    -------
    pandas.DataFrame, 3 rows
        ``case`` (``allofmp3``, ``itunes_same_downloads``, ``itunes_with_demand``),
        ``label``, ``customers``, ``downloads``, ``price_per_download_usd`` [USD],
        ``revenue_usd``, ``rights_holders_usd``, ``rights_holders_low_usd``,
        ``rights_holders_high_usd`` [USD/year] and ``rights_holders_share`` [0-1].
        Rights holders are ROMS (+ FAIR) at the low/high ``royalties.roms_share``
        for AllofMP3 and labels at the wholesale price for iTunes. The demand
        case moves customers and downloads by ``(p_itunes / p) ** e`` (per-download
        price ratio, the module's elasticities).

    Examples
    --------
    >>> t = itunes_counterfactual(make_scenario())
    >>> round(float(t.revenue_usd[1] / t.revenue_usd[0]), 2)   # 0.99 / mean price 0.1916
    5.17
    """
    s = scenario
    a = s.assumptions.parameters
    p_it = float(s.comparison.itunes_track_usd)
    ws = a["comparison.label_wholesale_usd"]
    # Optional in the schema; the embedded file gives both (a file without them fails here).
    assert ws.low is not None and ws.high is not None
    w = (float(s.comparison.label_wholesale_usd), float(ws.low), float(ws.high))
    rs = a["royalties.roms_share"]
    # Optional in the schema; the embedded file gives both (a file without them fails here).
    assert rs.low is not None and rs.high is not None
    kw = market_inputs(s.with_overrides({"rights.payment_model": "share"}), profile)
    y = market_arrays(**kw)

    def paid_at(roms_share: float) -> float:
        z_kw: MarketArrayInputs = {**kw, "roms_share": roms_share}
        z = market_arrays(**z_kw)
        return z.roms_usd + z.fair_usd

    paid = [y.roms_usd + y.fair_usd] + [paid_at(float(k)) for k in (rs.low, rs.high)]
    x = p_it / y.mean_price_usd if y.mean_price_usd else float("inf")
    e_c, e_d = float(s.demand.customers_elasticity), float(s.demand.downloads_elasticity)
    rows = [("allofmp3", "AllofMP3 by the MB", y.customers, y.downloads, y.mean_price_usd, paid),
            ("itunes_same_downloads", "iTunes terms, same downloads", y.customers, y.downloads, p_it,
             [y.downloads * v for v in w])]
    n2, d2 = y.customers * x**e_c, y.downloads * x ** (e_c + e_d)
    rows.append(("itunes_with_demand", "iTunes terms, demand responds", n2, d2, p_it, [d2 * v for v in w]))
    return pd.DataFrame([
        {"case": c, "label": lab, "customers": n, "downloads": d, "price_per_download_usd": p,
         "revenue_usd": d * p, "rights_holders_usd": rh[0], "rights_holders_low_usd": rh[1],
         "rights_holders_high_usd": rh[2], "rights_holders_share": rh[0] / (d * p) if d * p else 0.0}
        for c, lab, n, d, p, rh in rows
    ])
