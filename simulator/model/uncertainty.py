"""Uncertainty around the fitted store model: a seeded Monte Carlo and a tornado.

Monte Carlo
-----------
Each draw is one run of the whole monthly store model (:func:`~simulator.model.store.run_store`'s
formulas, in the arithmetic it uses for many draws, which agrees to about 1e-14), summed over the
``timeline.year_end`` window (:func:`~simulator.model.market.year_from_run`'s code, computing the
outputs summarised only); the draws are evaluated as arrays, ``CHUNK_DRAWS`` at a time, never one
by one, and the percentiles are numpy's, found by selecting the order statistics they need. What
is drawn:

* the fitted demand parameters (:data:`~simulator.model.fit.FIT_PARAMETERS`), each from a
  normal centred on the scenario's value in the fit's internal parameterisation (a lognormal
  for :data:`~simulator.model.fit.LOG_FITTED`, so the scenario's value is the median), with
  its *conditional* standard error ``1 / sqrt((C^-1)_jj)`` from the covariance ``C`` of
  :func:`~simulator.model.fit.fit_store` at the scenario (the ±1 range in
  ``assumptions.yaml``), clipped to the parameter's bounds. Not the joint covariance: it is
  the fit's linearisation, which fails along the fit's weakest combinations of parameters,
  so joint draws leave the region where the model fits the reports at all; each conditional
  draw stays as close to the reports as the fit's own linear theory expects;
* the other inputs the model or its accounting reads that have a plausible range
  ``low < high`` in ``assumptions.yaml``, each from ``triangular(low, value, high)``
  (the range widened to include the scenario's value): P2P's appeal, the nest scale, the
  wants, the quality-mix weights, the card shares (under the card freeze), ROMS's and FAIR's
  shares or the label wholesale price (as the rights model pays them), card fees and bandwidth.

Not drawn: the store's pricing (``pricing.rate_usd_per_mb`` and ``pricing.discount_share`` are
the scenario's decisions; the tornado and the Demand view show what they do), the reported
figures (they enter through the fit), and the catalogue's and encodings' inputs that change
file sizes (each would rebuild the catalogue; the tornado shows them).

Tornado
-------
Each input with a ``low``/``high`` range that can move this scenario's year (the Monte
Carlo's, the pricing, the reported figures, the file-size inputs; fitted parameters at ±1
conditional standard error, the ranges of ``assumptions.yaml``) is set to its low and to its
high, the others at the scenario's values: every end equals
:func:`~simulator.model.market.market_year` there. The ends of the store's and the
accounting's inputs are one run of the model; the file-size inputs rebuild the sizes.

Examples
--------
>>> mc = monte_carlo(make_scenario(), draws=2000, seed=1)
>>> p = mc.summary.set_index("output").loc["revenue_usd"]
>>> bool(p.p5_value < p.deterministic_value < p.p95_value)
True
>>> t = tornado(make_scenario(), output="revenue_usd").set_index("input")
>>> base = market_year(make_scenario()).revenue_usd
>>> round(float(t.loc["demand.track_wants_per_month", "output_at_high"]) / base, 12)  # revenue scales with the wants
1.5
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any, cast

import numpy as np
import pandas as pd

from simulator.model.fit import FIT_PARAMETERS, LOG_FITTED, fit_store
from simulator.model.market import (
    MIX_PREFIX,
    AccountingInputs,
    MarketYear,
    _year_fields,
    accounting_inputs,
    market_year,
    year_from_run,
)
from simulator.model.profile import DownloadProfile, download_profile
from simulator.model.store import StoreRun, _run_draws, periods_of, store_inputs, window_mask
from simulator.params.assumptions import Assumptions
from simulator.params.scenario import Scenario

__all__ = [
    "MonteCarloResult",
    "OUTPUTS",
    "OUTPUT_UNITS",
    "MC_OUTPUTS",
    "MAX_DRAWS",
    "CHUNK_DRAWS",
    "market_output",
    "uncertain_inputs",
    "draw_inputs",
    "monte_carlo",
    "tornado",
]

#: Most draws in one Monte Carlo (implementation limit: about 25 drawn inputs x 8 MB per million draws).
MAX_DRAWS = 1_000_000
#: Draws evaluated in one model run (implementation setting: bounds memory to a few MB a run; fewer
#: draws a run spend more of the time in Python, more draws outgrow the processor's caches).
CHUNK_DRAWS = 8192
#: Percentiles reported by the Monte Carlo.
PERCENTILES = (5, 50, 95)

#: Units of every output a tornado can show: the numeric fields of MarketYear.
OUTPUT_UNITS = {
    "customers": "customers", "monthly_buyers": "buyers/month", "potential_buyers": "people",
    "paying_factor": "fraction", "downloads_per_customer": "downloads/customer/year", "downloads": "downloads/year",
    "mean_size_mb": "MB", "mean_price_usd": "USD/download", "revenue_usd": "USD/year", "card_fee_usd": "USD/year",
    "bandwidth_usd": "USD/year", "roms_usd": "USD/year", "fair_usd": "USD/year", "labels_usd": "USD/year",
    "operator_margin_usd": "USD/year", "data_served_tb": "TB/year", "revenue_per_customer_usd": "USD/customer/year",
    "consumer_surplus_usd": "USD/year", "elasticity": "%/%", "diversion_p2p": "fraction",
    "diversion_itunes": "fraction", "reported_revenue_usd": "USD/year", "reported_customers": "customers",
    "revenue_gap_usd": "USD/year", "revenue_gap_pct": "%", "customers_gap": "customers", "customers_gap_pct": "%",
}
OUTPUTS = tuple(OUTPUT_UNITS)
#: Outputs summarised by the Monte Carlo.
MC_OUTPUTS = ("revenue_usd", "customers", "downloads_per_customer", "roms_usd", "operator_margin_usd")

# StoreInputs field <- parameter, for inputs the store model reads as they are.
_STORE = {
    **{k: k.split(".")[1] for k in FIT_PARAMETERS},
    "demand.p2p_utility": "p2p_utility",
    "demand.nest_scale": "nest_scale",
    "demand.track_wants_per_month": "track_wants_per_month",
    "payments.card_share": "card_share",
    "payments.recovered_share": "recovered_share",
    "payments.mastercard_share": "mastercard_share",
    "pricing.rate_usd_per_mb": "rate_usd_per_mb",
    "pricing.discount_share": "discount_share",
}
# AccountingInputs key <- parameter (the bandwidth is converted to USD/byte).
_ACCOUNTS = {
    "royalties.roms_share": "roms_share",
    "royalties.fair_share": "fair_share",
    "comparison.label_wholesale_usd": "wholesale_usd_per_download",
    "costs.card_fee_share": "card_fee_share",
    "market.reported_revenue_usd": "reported_revenue_usd",
    "market.reported_customers": "reported_customers",
}
_BANDWIDTH = "costs.bandwidth_usd_per_gb"
# Not drawn by the Monte Carlo (module docstring): the store's decisions and the reports.
_DECISIONS = ("pricing.rate_usd_per_mb", "pricing.discount_share")
_REPORTED = ("market.reported_revenue_usd", "market.reported_customers")
# Inputs that change the catalogue's file sizes: the tornado only.
_SIZES = ("encoding.tag_overhead_bytes", "catalogue.track_median_s", "catalogue.track_length_sigma",
          "catalogue.tracks_per_album_mean")


def market_output(year: MarketYear, output: str):
    """One output of a market year by name (see ``OUTPUTS``): a float, or an array for many draws.

    Raises
    ------
    ValueError
        If ``output`` is not one of ``OUTPUTS``; the message lists them.

    Examples
    --------
    >>> y = market_year(make_scenario())
    >>> market_output(y, "downloads_per_customer") == y.downloads / y.customers
    True
    """
    if output not in OUTPUT_UNITS:
        raise ValueError(f"unknown output {output!r}; valid outputs are: {', '.join(OUTPUTS)}")
    return getattr(year, output)


def _inputs(s: Scenario, *, builtin: bool, tornado: bool) -> list[str]:
    """Return the inputs with a range that can move this scenario's year, in a fixed order."""
    wholesale = s.rights.payment_model == "itunes_wholesale"
    names = [*FIT_PARAMETERS, "demand.p2p_utility", "demand.nest_scale", "demand.track_wants_per_month"]
    names += [k for k in s.values if k.startswith(MIX_PREFIX)]
    names += ["payments.card_share", "payments.recovered_share", "payments.mastercard_share"] \
        if s.payments.card_freeze_active else []
    names += ["comparison.label_wholesale_usd"] if wholesale else ["royalties.roms_share"]
    names += ["royalties.fair_share"] if s.royalties.fair_enabled and not wholesale else []
    names += ["costs.card_fee_share", _BANDWIDTH]
    if tornado:
        fmts = s.assumptions.formats
        cd = sorted({c for k in s.values if k.startswith(MIX_PREFIX)
                     if (e := k.removeprefix(MIX_PREFIX)) in fmts and (c := fmts[e].cd_fraction)})
        names += [*_DECISIONS, *_REPORTED, _SIZES[0], *cd] + ([*_SIZES[1:]] if builtin else [])
    params = s.assumptions.parameters
    return [k for k in names if (p := params[k]).low is not None and p.high is not None
            and (tornado or p.low < p.high)]


@lru_cache(maxsize=8)
def _fit_sd(s: Scenario, _assumptions: Assumptions) -> tuple[float, ...]:
    """Conditional standard errors of the fitted parameters, internal units (logs for LOG_FITTED).

    Cached per scenario and assumptions document (a scenario's equality leaves its document out;
    the document holds the reports the fit uses): the app and the benchmark fit once per scenario.
    """
    info = np.linalg.inv(fit_store(s).covariance)
    return tuple(float(x) for x in 1.0 / np.sqrt(np.diag(info)))


def uncertain_inputs(scenario: Scenario, *, builtin_catalogue: bool = True) -> pd.DataFrame:
    """List the inputs the Monte Carlo draws and how (module docstring).

    Parameters
    ----------
    scenario : Scenario
    builtin_catalogue : bool, optional
        Accepted for symmetry with :func:`tornado`; no catalogue input is drawn.

    Returns
    -------
    DataFrame
        One row per drawn input: ``input``, ``label``, ``unit``, ``distribution``
        (``"normal"``, ``"lognormal"`` or ``"triangular"``), ``low``, ``mode``, ``high`` (the
        triangle; for a fitted parameter the scenario's value and one standard deviation
        either side, a factor ``exp(sd)`` for a lognormal), ``sd`` (the standard deviation of
        a normal, or of the log of a lognormal; NaN for a triangle).

    Raises
    ------
    simulator.model.fit.FitError
        If the fit that gives the standard errors cannot run at this scenario.
    """
    s = scenario
    params = s.assumptions.parameters
    sd = dict(zip(FIT_PARAMETERS, _fit_sd(s, s.assumptions), strict=True))
    rows = []
    for k in _inputs(s, builtin=builtin_catalogue, tornado=False):
        p, v = params[k], float(s[k])
        if k in sd:
            log = k in LOG_FITTED
            lo, hi = (v * math.exp(-sd[k]), v * math.exp(sd[k])) if log else (v - sd[k], v + sd[k])
            dist, width = ("lognormal" if log else "normal"), sd[k]
        else:
            assert p.low is not None and p.high is not None  # _inputs keeps only inputs with both
            lo, hi, dist, width = min(float(p.low), v), max(float(p.high), v), "triangular", math.nan
        rows.append({"input": k, "label": p.label, "unit": p.unit, "distribution": dist,
                     "low": lo, "mode": v, "high": hi, "sd": width})
    return pd.DataFrame(rows, columns=["input", "label", "unit", "distribution", "low", "mode", "high", "sd"])


def draw_inputs(scenario: Scenario, draws: int, rng: np.random.Generator, *,
                builtin_catalogue: bool = True) -> dict[str, np.ndarray]:
    """Draw every input of :func:`uncertain_inputs`, in its row order.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Draws per input.
    rng : numpy.random.Generator
        Consumed input after input.
    builtin_catalogue : bool, optional
        See :func:`uncertain_inputs`.

    Returns
    -------
    dict[str, ndarray of shape (draws,)]
        By dotted input name, in the input's unit, within its bounds.

    Examples
    --------
    >>> v = draw_inputs(make_scenario(), 3, np.random.default_rng(0))
    >>> v["demand.track_wants_per_month"].shape
    (3,)
    """
    s = scenario
    return _draw(s, uncertain_inputs(s, builtin_catalogue=builtin_catalogue), draws, rng)


def _draw(s: Scenario, inputs: pd.DataFrame, draws: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    out = {}
    for name, dist, lo, mode, hi, sd in zip(inputs.input, inputs.distribution, inputs.low, inputs["mode"],
                                            inputs.high, inputs.sd, strict=True):
        p = s.assumptions.parameters[name]
        if dist == "triangular":
            x = rng.triangular(lo, mode, hi, size=draws) if lo < hi else np.full(draws, mode)
        else:
            z = rng.standard_normal(draws)
            x = mode * np.exp(sd * z) if dist == "lognormal" else mode + sd * z
            assert p.bounds is not None  # numbers have bounds
            np.clip(x, p.bounds[0], p.bounds[1], out=x)
        out[name] = np.rint(x) if p.kind == "integer" else x
    return out


def _runner(s: Scenario, profile: DownloadProfile) -> Callable[[dict[str, np.ndarray]],
                                                                tuple[StoreRun, AccountingInputs]]:
    """Return a function of drawn values ``v`` (arrays of one shape, by input) that runs the model at them.

    Each call is one run of the store model over the draws
    (:func:`~simulator.model.store.run_store`'s formulas, in the arithmetic it uses for many
    draws: ``simulator.model.store._run_draws``); it returns the run and the accounting
    inputs at the draws. Inputs not in ``v`` keep the scenario's values.
    """
    x0, acct0, p = store_inputs(s, profile), accounting_inputs(s), periods_of(s)
    mix = [MIX_PREFIX + e for e in profile.mix]
    per_gb = float(s.assumptions.constants["bytes_per_gb"])

    def run(v: dict[str, np.ndarray]) -> tuple[StoreRun, AccountingInputs]:
        changes: dict[str, Any] = {field: v[k] for k, field in _STORE.items() if k in v}
        if any(k in v for k in mix):
            shape = np.shape(next(iter(v.values())))
            w = np.stack([np.broadcast_to(v.get(k, float(s[k])), shape) for k in mix])
            changes["mix_weights"] = np.moveaxis(w, 0, -1)  # shape + (E,), each encoding's weights together
        acct = dict(acct0)  # only the shares the rights model pays are ever drawn (_inputs)
        acct.update({key: v[k] for k, key in _ACCOUNTS.items() if k in v})
        if _BANDWIDTH in v:
            acct["bandwidth_usd_per_byte"] = v[_BANDWIDTH] / per_gb
        return _run_draws(p, replace(x0, **changes)), cast(AccountingInputs, acct)

    return run


def _evaluator(s: Scenario, profile: DownloadProfile) -> Callable[[dict[str, np.ndarray]], MarketYear]:
    """Return a function of drawn values ``v`` that gives the year at them.

    Each call is one :func:`_runner` run summed over the ``timeline.year_end`` window by
    :func:`~simulator.model.market.year_from_run`.
    """
    run, mask = _runner(s, profile), window_mask(periods_of(s), s.timeline.year_end)

    def year(v: dict[str, np.ndarray]) -> MarketYear:
        r, acct = run(v)
        return year_from_run(r, mask, acct)

    return year


def _outputs_evaluator(s: Scenario, profile: DownloadProfile,
                       outputs: tuple[str, ...]) -> Callable[[dict[str, np.ndarray]], dict[str, Any]]:
    """Return a function of drawn values ``v`` that gives the year's ``outputs`` (names of ``OUTPUTS``) at them.

    Each output equals the field of :func:`_evaluator`'s year; only what ``outputs`` need is
    computed (:func:`~simulator.model.market._year_fields`): what the Monte Carlo runs.
    """
    run, mask = _runner(s, profile), window_mask(periods_of(s), s.timeline.year_end)

    def year(v: dict[str, np.ndarray]) -> dict[str, Any]:
        r, acct = run(v)
        return _year_fields(r, mask, acct, outputs)

    return year


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """A Monte Carlo of the market year.

    Attributes
    ----------
    draws : int
    seed : int
    inputs : DataFrame
        The drawn inputs (:func:`uncertain_inputs`).
    samples : DataFrame, shape (draws, len(MC_OUTPUTS))
        One column per output of ``MC_OUTPUTS``, one row per draw (for histograms).
    summary : DataFrame
        One row per output: ``output``, ``unit``, ``p5_value``, ``p50_value``, ``p95_value``,
        ``mean_value``, ``deterministic_value`` (the scenario's own market year) and
        ``deterministic_percentile`` (the share of draws below it [%]).
    """

    draws: int
    seed: int
    inputs: pd.DataFrame
    samples: pd.DataFrame
    summary: pd.DataFrame

    def as_dict(self) -> dict:
        """Draws, seed, inputs and summary as JSON-ready lists of records (samples left out)."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "samples"}
        return {k: v.to_dict(orient="records") if isinstance(v, pd.DataFrame) else v for k, v in d.items()}


#: Fewest draws whose percentiles are found by selection (fewer: ``numpy.percentile``; implementation setting).
_SELECT_DRAWS = 20_000
#: One value in this many of a row is sorted to bracket the order statistics (implementation setting).
_SAMPLE_STEP = 64


def _order_statistics(row: np.ndarray, ranks: list[int]) -> dict[int, float]:
    """Return the values of the given ranks (0 = smallest) of a 1-D array of finite numbers.

    Each rank (with the next, when it is asked for too) is bracketed between two values of a
    sorted sample of one value in ``_SAMPLE_STEP``, wide enough that it misses with
    probability below 1e-4; counting the values below the bracket checks that it holds the
    rank, and only the values inside it are partitioned. A bracket that misses is replaced
    by the whole row, so the values are exact whatever the data.
    """
    n = row.size
    sample = np.sort(row[::_SAMPLE_STEP])
    m = sample.size
    out: dict[int, float] = {}
    for k in ranks:
        if k in out:
            continue
        ks = [r for r in ranks if k <= r <= k + 1]
        p = (k + 0.5) / n
        margin = 4.0 * math.sqrt(m * p * (1.0 - p)) + 2.0
        i_lo, i_hi = math.floor(p * m - margin), math.ceil((ks[-1] + 0.5) / n * m + margin)
        below, keep = 0, None
        if i_lo > 0:
            keep = row >= sample[i_lo]
            below = n - int(np.count_nonzero(keep))
        if i_hi < m - 1:
            le = row <= sample[i_hi]
            keep = le if keep is None else np.logical_and(keep, le, out=keep)
        inside = row if keep is None else row.take(np.flatnonzero(keep))
        if not below <= k <= ks[-1] < below + inside.size:
            inside, below = row, 0
        part = np.partition(inside, [r - below for r in ks])
        out.update({r: float(part[r - below]) for r in ks})
    return out


def _percentiles(x: np.ndarray, q: tuple[int, ...]) -> np.ndarray:
    """Return ``numpy.percentile(x, q, axis=1)`` (method "linear"), the same numbers, shape (len(q), rows).

    For many draws of finite numbers the order statistics the percentiles interpolate are
    selected (:func:`_order_statistics`) rather than found by partitioning every row around
    them all; the interpolation is numpy's, operation for operation.
    """
    n = x.shape[1]
    if n < _SELECT_DRAWS or not np.isfinite(x).all():
        return np.percentile(x, q, axis=1)
    virtual = (n - 1) * np.true_divide(q, 100)
    prev = np.floor(virtual)
    top = virtual >= n - 1
    lo = np.where(top, n - 1, np.maximum(prev, 0)).astype(np.intp).tolist()
    hi = np.where(top, n - 1, np.maximum(prev + 1, 0)).astype(np.intp).tolist()
    gamma = np.asarray(virtual - prev, dtype=virtual.dtype)
    out = np.empty((len(q), x.shape[0]))
    for i, row in enumerate(x):
        v = _order_statistics(row, sorted(set(lo) | set(hi)))
        a, b = np.array([v[k] for k in lo]), np.array([v[k] for k in hi])
        diff = b - a
        out[:, i] = np.add(a, diff * gamma)
        np.subtract(b, diff * (1 - gamma), out=out[:, i], where=gamma >= 0.5)
    return out


def _check_draws(s: Scenario, draws, seed) -> tuple[int, int]:
    draws = int(s.uncertainty.draws) if draws is None else draws
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws must be a whole number from 1 to {MAX_DRAWS:,}, got {draws!r}")
    seed = s.uncertainty.seed if seed is None else seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    return int(draws), int(seed)


def monte_carlo(scenario: Scenario, *, draws: int | None = None, seed: int | None = None,
                durations_ms=None) -> MonteCarloResult:
    """Seeded Monte Carlo of the fitted store model (module docstring), evaluated in vectorized chunks.

    Parameters
    ----------
    scenario : Scenario
    draws : int, optional
        Joint draws, 1 to ``MAX_DRAWS``; default ``uncertainty.draws``.
    seed : int, optional
        Seed of ``numpy.random.default_rng``, 0 or more; default ``uncertainty.seed``.
    durations_ms : array_like of int, shape (n,), optional
        Track lengths of an uploaded catalogue [ms] (default: the built-in catalogue).

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    ValueError
        If ``draws`` is not a whole number from 1 to ``MAX_DRAWS``, or ``seed`` not a whole
        number of 0 or more.
    simulator.model.fit.FitError
        If the fit that gives the fitted parameters' standard errors cannot run.
    """
    s = scenario
    draws, seed = _check_draws(s, draws, seed)
    profile = download_profile(s, durations_ms)
    inputs = uncertain_inputs(s, builtin_catalogue=durations_ms is None)
    v = _draw(s, inputs, draws, np.random.default_rng(seed))
    x = np.empty((len(MC_OUTPUTS), draws))  # one row per output: each output's draws lie together
    evaluate = _outputs_evaluator(s, profile, MC_OUTPUTS)
    for i in range(0, draws, CHUNK_DRAWS):
        year = evaluate({k: a[i:i + CHUNK_DRAWS] for k, a in v.items()})
        for j, o in enumerate(MC_OUTPUTS):
            x[j, i:i + CHUNK_DRAWS] = year[o]  # broadcasts a float when nothing was drawn
    base = market_year(s, profile=profile)
    det = np.array([float(market_output(base, o)) for o in MC_OUTPUTS])
    p = _percentiles(x, PERCENTILES)
    summary = pd.DataFrame({"output": MC_OUTPUTS, "unit": [OUTPUT_UNITS[o] for o in MC_OUTPUTS],
                            **{f"p{q}_value": p[i] for i, q in enumerate(PERCENTILES)},
                            "mean_value": x.mean(axis=1), "deterministic_value": det,
                            "deterministic_percentile": 100.0 * (x < det[:, None]).mean(axis=1)})
    samples = pd.DataFrame(x.T, columns=list(MC_OUTPUTS), copy=False)
    return MonteCarloResult(draws=draws, seed=seed, inputs=inputs, samples=samples, summary=summary)


def tornado(scenario: Scenario, *, output: str = "revenue_usd", durations_ms=None) -> pd.DataFrame:
    """Two-sided tornado: each input at its low and at its high, the others at the scenario's values.

    Parameters
    ----------
    scenario : Scenario
    output : str
        One of ``OUTPUTS`` (a numeric field of MarketYear).
    durations_ms : array_like of int, optional
        Track lengths of an uploaded catalogue [ms] (then the built-in catalogue's inputs are left out).

    Returns
    -------
    DataFrame
        One row per input, sorted by ``swing`` (largest first): ``input``, ``label``, ``unit``,
        ``low``, ``base``, ``high`` (input values), ``output``, ``output_unit``, ``output_at_low``,
        ``output_base``, ``output_at_high``, ``swing = |output_at_high - output_at_low|``.
        Each end equals ``market_year(scenario.with_overrides({input: end}))``; an end that
        makes the scenario invalid (every quality-mix weight 0) gives NaN, sorted last.

    Raises
    ------
    ValueError
        If ``output`` is unknown; the message lists the valid outputs.
    """
    s = scenario
    profile = download_profile(s, durations_ms)
    base = float(market_output(market_year(s, profile=profile), output))  # validates output
    names = _inputs(s, builtin=durations_ms is None, tornado=True)
    params = s.assumptions.parameters
    ends: dict[str, tuple[float, float]] = {}
    # Inputs of the store model and the accounting: every low and high in one run of the model.
    fast = [k for k in names if k in _STORE or k in _ACCOUNTS or k == _BANDWIDTH or k.startswith(MIX_PREFIX)]
    v = {k: np.full(2 * len(fast), float(s[k])) for k in fast}
    for i, k in enumerate(fast):
        v[k][2 * i:2 * i + 2] = params[k].low, params[k].high
    with np.errstate(all="ignore"):  # an end with every quality-mix weight 0 has no year: NaN
        y = np.asarray(_outputs_evaluator(s, profile, (output,))(v)[output], dtype=float)
    ends.update({k: (float(y[2 * i]), float(y[2 * i + 1])) for i, k in enumerate(fast)})

    def at(k: str, value) -> float:  # the file-size inputs rebuild the catalogue's sizes
        try:
            sc = s.with_overrides({k: value})
            return float(market_output(market_year(sc, profile=download_profile(sc, durations_ms)), output))
        except ValueError:
            return math.nan

    ends.update({k: (at(k, params[k].low), at(k, params[k].high)) for k in names if k not in ends})
    rows = []
    for k in names:
        p, (lo, hi) = params[k], ends[k]
        assert p.low is not None and p.high is not None  # _inputs keeps only inputs with both
        rows.append({"input": k, "label": p.label, "unit": p.unit, "low": float(p.low), "base": float(s[k]),
                     "high": float(p.high), "output": output, "output_unit": OUTPUT_UNITS[output],
                     "output_at_low": lo, "output_base": base, "output_at_high": hi, "swing": abs(hi - lo)})
    df = pd.DataFrame(rows)
    return df.sort_values("swing", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
