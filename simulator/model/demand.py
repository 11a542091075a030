"""Demand answers price: the year of the store model at other rates, the best rate, and what the rise did.

Everything here evaluates :mod:`simulator.model.store` (the fitted nested logit), so a
figure at rate ``r`` equals ``market_year`` of the scenario with ``pricing.rate_usd_per_mb = r``.

Formulas
--------
* demand curve: the year (``timeline.year_end``) at each rate, the rate applying from the
  last ``rate_timeline`` step (13 Aug 2006) on;
* best rate: the rate within the slider's bounds that maximizes the year's revenue or the
  operator's contribution margin, found on a grid of ``charts.grid_points`` rates and refined
  by ``scipy.optimize.minimize_scalar`` (bounded). For a single product with logit share
  ``s`` and price sensitivity ``alpha`` the revenue-maximizing price is ``1 / (alpha (1 - s))``
  (the logit markup; Anderson, de Palma and Thisse, *Discrete Choice Theory of Product
  Differentiation*, 1992), checked against the search in the tests;
* the August 2006 rise: the year at the scenario's rate against the same year had the
  previous step's rate (2 c/MB) continued;
* break-even licensed rate: the rate at which the operator's contribution margin is 0 when
  labels are paid ``comparison.label_wholesale_usd`` a download (``brentq``);
* pricing alternatives: per MB, one flat price a track (the year's mean price at the
  scenario), and per MB capped at ``comparison.album_cap_usd`` an album
  (``catalogue.tracks_per_album_mean`` tracks), all on the same fitted demand.

Examples
--------
>>> o = best_rate("revenue", make_scenario())
>>> o.direction, 0.02 < o.best_rate_usd_per_mb < 0.03
('peaks', True)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq, minimize_scalar

from simulator.model.market import MarketYear, accounting_inputs, year_from_run
from simulator.model.profile import DownloadProfile, download_profile
from simulator.model.store import periods_of, run_store, store_inputs, window_mask
from simulator.params.scenario import Scenario

__all__ = [
    "DemandError",
    "OBJECTIVES",
    "CURVE_FIELDS",
    "RateOptimum",
    "RateRise",
    "year_at_rates",
    "demand_curve",
    "best_rate",
    "rate_rise",
    "break_even_licensed_rate",
    "pricing_alternatives",
    "itunes_counterfactual",
    "channels_at_rates",
    "RevenueElasticity",
    "revenue_elasticity",
]

#: What :func:`best_rate` can maximize.
OBJECTIVES = ("revenue", "profit")
#: Relative tolerance of the bounded numerical search (a numerical setting, not a model number).
_XATOL_SHARE = 1e-9

#: Columns of :func:`demand_curve` after the rate (fields of :class:`~simulator.model.market.MarketYear`).
CURVE_FIELDS = (
    "customers", "monthly_buyers", "downloads_per_customer", "downloads", "mean_size_mb", "mean_price_usd",
    "revenue_usd", "card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd", "operator_margin_usd",
    "data_served_tb", "consumer_surplus_usd", "elasticity", "diversion_p2p", "diversion_itunes",
)


def _v(x, i: int) -> float:
    """Element ``i`` of a field of a market year computed at several rates (an array), as a float."""
    return float(np.asarray(x)[i])


class DemandError(ValueError):
    """A rate or an objective outside what the model accepts."""


def _rates(s: Scenario, rates_usd_per_mb) -> np.ndarray:
    if rates_usd_per_mb is None:
        b = s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds
        assert b is not None  # a number parameter always has bounds
        return np.linspace(float(b[0]), float(s.charts.rate_max_usd_per_mb), int(s.charts.grid_points))
    try:
        r = np.atleast_1d(np.asarray(rates_usd_per_mb, dtype=float))
    except (TypeError, ValueError):
        raise DemandError(f"rates must be numbers in USD/MB, got {rates_usd_per_mb!r}") from None
    if r.ndim != 1 or r.size == 0 or not np.all(np.isfinite(r)) or np.any(r <= 0):
        raise DemandError(f"rates must be finite numbers above 0 in USD/MB, got {r.tolist()!r}")
    return r


def year_at_rates(scenario: Scenario, rates_usd_per_mb, *, profile: DownloadProfile | None = None,
                  on_rate_only: bool = False, **store_changes) -> MarketYear:
    """Return the year at each rate, fields of shape (n,) (one vectorized model run).

    Parameters
    ----------
    scenario : Scenario
    rates_usd_per_mb : array_like, shape (n,)
        Rates above 0 [USD/MB] from the last rate step on.
    profile : DownloadProfile, optional
    on_rate_only : bool
        Sum only the year's periods on the scenario's rate (from the last rate step on).
    **store_changes
        Fields of :class:`~simulator.model.store.StoreInputs` to replace (``flat_price_usd``,
        ``cap_usd_per_track``).

    Raises
    ------
    DemandError
        If a rate is not finite and above 0.
    """
    s = scenario
    r = _rates(s, rates_usd_per_mb)
    x = replace(store_inputs(s, profile), rate_usd_per_mb=r, **store_changes)
    p = periods_of(s)
    mask = window_mask(p, s.timeline.year_end) & (p.last_step if on_rate_only else True)
    if not mask.any():
        raise DemandError(f"timeline.year_end: the year before {s.timeline.year_end} has no day on the scenario's rate "
                          f"(from {s.assumptions.rate_timeline[-1].from_}); pick a later year")
    return year_from_run(run_store(p, x), mask, accounting_inputs(s))


def demand_curve(scenario: Scenario, rates_usd_per_mb=None, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Return the year's customers, downloads, revenue, surplus and margin against the rate per MB.

    Parameters
    ----------
    scenario : Scenario
    rates_usd_per_mb : array_like, shape (n,), optional
        Rates above 0 [USD/MB]; default ``charts.grid_points`` rates from the rate's lower
        bound to ``charts.rate_max_usd_per_mb``.
    profile : DownloadProfile, optional

    Returns
    -------
    pandas.DataFrame, shape (n, 1 + len(CURVE_FIELDS) + E)
        ``rate_usd_per_mb``, then :data:`CURVE_FIELDS` (units of
        :class:`~simulator.model.market.MarketYear`), then ``share_<encoding>``: the year's
        download mix.

    Raises
    ------
    DemandError
        If a rate is not finite and above 0.

    Examples
    --------
    >>> from simulator.model.market import market_year
    >>> c = demand_curve(make_scenario(), [0.02, 0.03])
    >>> abs(float(c.revenue_usd.iloc[1]) - market_year(make_scenario()).revenue_usd) < 0.005
    True
    """
    s = scenario
    prof = profile if profile is not None else download_profile(s)
    r = _rates(s, rates_usd_per_mb)
    y = year_at_rates(s, r, profile=prof)
    out = pd.DataFrame({"rate_usd_per_mb": r, **{k: np.broadcast_to(getattr(y, k), r.shape) for k in CURVE_FIELDS}})
    mix = _year_mix(s, r, prof)
    for k, name in enumerate(prof.mix):
        out[f"share_{name}"] = mix[:, k]
    return out


def _run_at(s: Scenario, r: np.ndarray, prof: DownloadProfile | None):
    """Run the store model at rates ``r``: its inputs, periods, run and the year's mask."""
    x = replace(store_inputs(s, prof), rate_usd_per_mb=r)
    p = periods_of(s)
    return x, p, run_store(p, x), window_mask(p, s.timeline.year_end)


def _year_mix(s: Scenario, r: np.ndarray, prof: DownloadProfile) -> np.ndarray:
    _, _, run, m = _run_at(s, r, prof)
    dl = run.downloads[..., m][..., None] * run.mix[..., m, :]
    tot = dl.sum(axis=-2)
    return tot / tot.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class RateOptimum:
    """The rate per MB that maximizes the year's revenue or contribution margin.

    Attributes
    ----------
    objective : {"revenue", "profit"}
    best_rate_usd_per_mb, best_value_usd : the maximizer within the bounds and the objective there
    scenario_rate_usd_per_mb, scenario_value_usd : the scenario's rate and its objective
    gain_pct : how much more the best rate earns than the scenario's [%]
    direction : {"peaks", "rises", "falls"}: an interior maximum, or the bound it runs to
    bounds : the rate's [min, max] [USD/MB]
    statement : one sentence for the reader
    """

    objective: str
    best_rate_usd_per_mb: float
    best_value_usd: float
    scenario_rate_usd_per_mb: float
    scenario_value_usd: float
    gain_pct: float
    direction: str
    bounds: tuple[float, float]
    statement: str


def best_rate(objective: str, scenario: Scenario, *, profile: DownloadProfile | None = None) -> RateOptimum:
    """Find the rate per MB that maximizes the year's revenue or contribution margin.

    Parameters
    ----------
    objective : {"revenue", "profit"}
        ``profit`` is the operator's contribution margin (``operator_margin_usd``).
    scenario : Scenario
    profile : DownloadProfile, optional

    Returns
    -------
    RateOptimum

    Raises
    ------
    DemandError
        For an unknown objective.
    """
    if objective not in OBJECTIVES:
        raise DemandError(f"objective must be one of {list(OBJECTIVES)}, got {objective!r}")
    s = scenario
    b = s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds
    assert b is not None  # a number parameter always has bounds
    lo, hi = float(b[0]), float(b[1])
    prof = profile if profile is not None else download_profile(s)
    field = "revenue_usd" if objective == "revenue" else "operator_margin_usd"
    grid = np.geomspace(lo, hi, max(int(s.charts.grid_points), 3))
    values = np.asarray(getattr(year_at_rates(s, grid, profile=prof), field))
    k = int(np.argmax(values))

    def value(r: float) -> float:
        return _v(getattr(year_at_rates(s, [r], profile=prof), field), 0)

    a, z = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    num = minimize_scalar(lambda r: -value(r), bounds=(a, z), method="bounded",
                          options={"xatol": (z - a) * _XATOL_SHARE})
    best = max((float(num.x), float(grid[k])), key=value)
    direction = "falls" if best <= grid[0] * (1 + 1e-6) else ("rises" if best >= grid[-1] * (1 - 1e-6) else "peaks")
    r0 = float(s.pricing.rate_usd_per_mb)
    v0, vb = value(r0), value(best)
    gain = 100.0 * (vb - v0) / abs(v0) if v0 else 0.0
    what = "revenue" if objective == "revenue" else "the contribution margin"
    if direction == "peaks":
        where = f"{what} peaks at {100 * best:.2f} c/MB"
    else:
        where = f"{what} {'falls' if direction == 'falls' else 'rises'} all the way to the bound, {100 * best:.2f} c/MB"
    statement = (f"On the fitted demand {where} (${vb / 1e6:,.2f}M a year), {gain:.1f}% above the "
                 f"{100 * r0:.2f} c/MB of the scenario (${v0 / 1e6:,.2f}M).")
    return RateOptimum(objective=objective, best_rate_usd_per_mb=best, best_value_usd=vb, scenario_rate_usd_per_mb=r0,
                       scenario_value_usd=v0, gain_pct=gain, direction=direction, bounds=(lo, hi), statement=statement)


@dataclass(frozen=True)
class RateRise:
    """What the last rate step (2 to 3 c/MB on 13 Aug 2006) did to the year.

    Attributes
    ----------
    before_rate_usd_per_mb, after_rate_usd_per_mb : the previous step's rate and the scenario's [USD/MB]
    revenue_before_usd, revenue_after_usd : the year's revenue at each [USD/year]
    downloads_before, downloads_after : [downloads/year]
    revenue_change_pct : [%]
    statement : one sentence for the reader
    """

    before_rate_usd_per_mb: float
    after_rate_usd_per_mb: float
    revenue_before_usd: float
    revenue_after_usd: float
    downloads_before: float
    downloads_after: float
    revenue_change_pct: float
    statement: str


def rate_rise(scenario: Scenario, *, profile: DownloadProfile | None = None) -> RateRise:
    """Compare the year at the scenario's rate with the year had the previous step's rate continued."""
    s = scenario
    steps = s.assumptions.rate_timeline
    before = float(steps[-2].rate_usd_per_mb) if len(steps) > 1 else float(steps[-1].rate_usd_per_mb)
    after = float(s.pricing.rate_usd_per_mb)
    y = year_at_rates(s, [before, after], profile=profile)
    rb, ra = _v(y.revenue_usd, 0), _v(y.revenue_usd, 1)
    change = 100.0 * (ra - rb) / rb if rb else 0.0
    verb = "raised" if change > 0 else "lowered"
    statement = (f"On the fitted demand, {100 * after:.2f} c/MB instead of {100 * before:.2f} c/MB from "
                 f"{steps[-1].from_:%d %b %Y} {verb} the year's revenue by {abs(change):.1f}% "
                 f"(${rb / 1e6:,.2f}M to ${ra / 1e6:,.2f}M) while downloads fell "
                 f"{100 * (1 - _v(y.downloads, 1) / _v(y.downloads, 0)):.1f}%.")
    return RateRise(before_rate_usd_per_mb=before, after_rate_usd_per_mb=after, revenue_before_usd=rb,
                    revenue_after_usd=ra, downloads_before=_v(y.downloads, 0), downloads_after=_v(y.downloads, 1),
                    revenue_change_pct=change, statement=statement)


def break_even_licensed_rate(scenario: Scenario, *, profile: DownloadProfile | None = None) -> float | None:
    """Return the rate at which paying labels wholesale a download leaves no contribution margin [USD/MB].

    The margin under ``rights.payment_model = itunes_wholesale`` is found on the fitted demand,
    over the year's days on the scenario's rate (the weeks before the last step were sold at the
    old rate whatever the new one is); None when it stays below 0 at every rate within the bounds.

    Raises
    ------
    DemandError
        If the year has no day on the scenario's rate.
    """
    s = scenario.with_overrides({"rights.payment_model": "itunes_wholesale"})
    b = s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds
    assert b is not None  # a number parameter always has bounds
    lo, hi = float(b[0]), float(b[1])
    prof = profile if profile is not None else download_profile(s)
    grid = np.geomspace(lo, hi, max(int(s.charts.grid_points), 3))
    m = np.asarray(year_at_rates(s, grid, profile=prof, on_rate_only=True).operator_margin_usd)
    up = np.nonzero((m[:-1] < 0) & (m[1:] >= 0))[0]
    if up.size == 0:
        return None
    i = int(up[0])

    def margin(r: float) -> float:
        return _v(year_at_rates(s, [r], profile=prof, on_rate_only=True).operator_margin_usd, 0)

    return float(brentq(margin, grid[i], grid[i + 1], xtol=1e-12))


def pricing_alternatives(scenario: Scenario, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Compare per-MB pricing with a flat price a track and an album cap, on the same fitted demand.

    Returns
    -------
    pandas.DataFrame, 3 rows
        ``case`` (``per_mb``, ``flat``, ``album_cap``), ``label``, ``revenue_usd``, ``downloads``,
        ``mean_price_usd``, ``mean_size_mb``, ``consumer_surplus_usd``, ``operator_margin_usd``.
        The flat price is the per-MB year's mean price, so the comparison isolates versioning.
    """
    s = scenario
    prof = profile if profile is not None else download_profile(s)
    r = [float(s.pricing.rate_usd_per_mb)]
    base = year_at_rates(s, r, profile=prof)
    flat = _v(base.mean_price_usd, 0)
    cap = float(s.comparison.album_cap_usd) / float(s.catalogue.tracks_per_album_mean)
    cases = [("per_mb", f"By the MB, {100 * r[0]:.2f} c/MB", base),
             ("flat", f"One price a track, ${flat:.3f}", year_at_rates(s, r, profile=prof, flat_price_usd=flat)),
             ("album_cap", f"By the MB, capped at ${float(s.comparison.album_cap_usd):.2f} an album",
              year_at_rates(s, r, profile=prof, cap_usd_per_track=cap))]
    return pd.DataFrame([{"case": c, "label": lab, "revenue_usd": _v(y.revenue_usd, 0),
                          "downloads": _v(y.downloads, 0), "mean_price_usd": _v(y.mean_price_usd, 0),
                          "mean_size_mb": _v(y.mean_size_mb, 0), "consumer_surplus_usd": _v(y.consumer_surplus_usd, 0),
                          "operator_margin_usd": _v(y.operator_margin_usd, 0)} for c, lab, y in cases])


def itunes_counterfactual(scenario: Scenario, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Put the store on iTunes terms (one price a track, labels paid wholesale) on the fitted demand.

    Returns
    -------
    pandas.DataFrame, 2 rows
        ``case`` (``allofmp3``, ``itunes_terms``), ``label``, ``customers``, ``downloads``,
        ``price_per_download_usd`` [USD], ``revenue_usd``, ``rights_holders_usd`` [USD/year] and
        ``rights_holders_share`` [0-1]: ROMS (and FAIR) for AllofMP3, labels at
        ``comparison.label_wholesale_usd`` a download on iTunes terms.
    """
    s = scenario.with_overrides({"rights.payment_model": "share"})
    prof = profile if profile is not None else download_profile(s)
    r = [float(s.pricing.rate_usd_per_mb)]
    a = year_at_rates(s, r, profile=prof)
    it = scenario.with_overrides({"rights.payment_model": "itunes_wholesale"})
    b = year_at_rates(it, r, profile=prof, flat_price_usd=float(s.comparison.itunes_track_usd))
    rows = [("allofmp3", "AllofMP3 by the MB", a, _v(a.roms_usd, 0) + _v(a.fair_usd, 0)),
            ("itunes_terms", f"iTunes terms: ${float(s.comparison.itunes_track_usd):.2f} a track, labels paid wholesale",
             b, _v(b.labels_usd, 0))]
    return pd.DataFrame([{"case": c, "label": lab, "customers": _v(y.customers, 0), "downloads": _v(y.downloads, 0),
                          "price_per_download_usd": _v(y.mean_price_usd, 0), "revenue_usd": _v(y.revenue_usd, 0),
                          "rights_holders_usd": paid, "rights_holders_share": paid / _v(y.revenue_usd, 0)
                          if _v(y.revenue_usd, 0) else 0.0} for c, lab, y, paid in rows])


def channels_at_rates(scenario: Scenario, rates_usd_per_mb, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Return where the year's wanted tracks went at each rate: the store, iTunes, P2P or nothing.

    Parameters
    ----------
    scenario : Scenario
    rates_usd_per_mb : array_like, shape (n,)
        Rates above 0 [USD/MB] from the last rate step on.
    profile : DownloadProfile, optional

    Returns
    -------
    pandas.DataFrame, shape (n, 5)
        ``rate_usd_per_mb`` and the year's tracks by channel: ``store``, ``itunes``, ``p2p``,
        ``none`` [tracks/year]; their sum is every track the potential buyers wanted.

    Raises
    ------
    DemandError
        If a rate is not finite and above 0.
    """
    s = scenario
    r = _rates(s, rates_usd_per_mb)
    x, p, run, m = _run_at(s, r, profile)
    wants = run.potential_buyers[..., m] * float(x.track_wants_per_month) * (p.days / p.month_days)[m]
    out = {"rate_usd_per_mb": r}
    for name, share in (("store", run.store_share), ("itunes", run.itunes_share), ("p2p", run.p2p_share),
                        ("none", run.none_share)):
        out[name] = (wants * share[..., m]).sum(axis=-1)
    return pd.DataFrame(out)


#: Relative step of the central differences in :func:`revenue_elasticity` (a numerical setting).
_LOG_STEP = 1e-4


@dataclass(frozen=True)
class RevenueElasticity:
    """How the year's revenue answers a 1% higher rate, split in two (log-derivatives at the scenario's rate).

    Attributes
    ----------
    downloads : elasticity of the year's downloads (the model's closed form, checked numerically)
    mean_price : elasticity of the year's mean price per download: 1 plus that of the mean file size
        (versioning makes it below 1), weighted by the year's days on the scenario's rate
    revenue : their sum, the elasticity of the year's revenue
    """

    downloads: float
    mean_price: float
    revenue: float


def revenue_elasticity(scenario: Scenario, *, profile: DownloadProfile | None = None) -> RevenueElasticity:
    """Split the year's revenue elasticity with respect to the rate into downloads and mean price.

    Revenue is downloads times the mean price, so ``d ln R = d ln D + d ln p`` (an identity); each term
    is a central difference of the store model's year (:func:`year_at_rates`) at ``r (1 ± h)``, with
    ``r`` the scenario's rate and ``h`` = ``_LOG_STEP``. The downloads' term agrees with the closed-form
    elasticity ``MarketYear.elasticity`` (−α p̄ (1 − s_A); see :mod:`simulator.model.store`).

    Parameters
    ----------
    scenario : Scenario
        Its ``pricing.rate_usd_per_mb`` [USD/MB] is the point of the derivatives.
    profile : DownloadProfile, optional
        A precomputed download profile (default: the scenario's).

    Returns
    -------
    RevenueElasticity
        Three dimensionless elasticities [% change per 1% higher rate]; ``revenue`` = ``downloads`` +
        ``mean_price`` up to rounding.

    Raises
    ------
    DemandError
        If the scenario's rate is not finite and above 0 (from :func:`year_at_rates`).
    """
    s = scenario
    r = float(s.pricing.rate_usd_per_mb)
    y = year_at_rates(s, [r * (1 - _LOG_STEP), r * (1 + _LOG_STEP)], profile=profile)
    d = float(np.log1p(_LOG_STEP) - np.log1p(-_LOG_STEP))

    def e(field: str) -> float:
        v = np.asarray(getattr(y, field), dtype=float)
        return float(np.log(v[1]) - np.log(v[0])) / d

    return RevenueElasticity(downloads=e("downloads"), mean_price=e("mean_price_usd"), revenue=e("revenue_usd"))
