"""Uncertainty and sensitivity of the market year: a seeded Monte Carlo and a tornado.

Monte Carlo
-----------
Every input of :func:`simulator.model.market.market_arrays` that can change this
scenario's outputs and has a plausible range ``low < high`` in ``assumptions.yaml``
is drawn independently from ``triangular(low, value, high)`` (mode = the scenario's
value; when a preset or the user puts the value outside ``[low, high]`` the range
is widened to include it, so the scenario is never ignored); integers are
rounded. Inputs without a range, or with ``low == high``, stay at the scenario's
value. The draws are evaluated in **one** vectorized call of ``market_arrays``
(no Python loop per draw), so a Monte Carlo whose ranges all have zero width
reproduces :func:`~simulator.model.market.market_year` exactly.

Mean download size (approximation): the mean size is linear in the normalised
mix weights, ``S = sum_e w_e S_e / sum_e w_e``, with ``S_e`` the catalogue's mean
size at encoding ``e`` (from :func:`~simulator.model.market.download_profile`). A draw
scales the audio part of ``S_e`` by ``k = d / d_0`` and adds the change of the tag
overhead; ``d ∝ median x exp(sigma**2 / 2)`` is the lognormal mean track length of
the built-in catalogue (``catalogue.track_median_s``, ``catalogue.track_length_sigma``),
and lossless encodings also scale with their fraction of CD audio
(``encoding.flac_cd_fraction``). Per-track rounding up to a whole byte and the
finite catalogue sample are ignored (well under 0.1%); ``catalogue.tracks_per_album_mean``
only changes which tracks are sampled, so it is not drawn.

``implied downloads per customer = reported revenue / (customers x paying factor x mean price)``:
what each customer must have bought for the model to match the reported revenue.

Tornado
-------
Each input with a ``low``/``high`` range (zero-width ranges included, with zero
swing) is set to its low and to its high with the others at the scenario's
values, and the market year is evaluated exactly (:func:`~simulator.model.market.market_year`).

Examples
--------
>>> mc = monte_carlo(make_scenario(), draws=2000, seed=1)
>>> p = mc.summary.set_index("output").loc["revenue_usd"]
>>> bool(p.p5_value < p.p50_value < p.p95_value)
True
>>> t = tornado(make_scenario(), output="revenue_usd")
>>> round(t.loc[t.input == "market.customers", "output_at_low"].item() / market_year(make_scenario()).revenue_usd, 12)
0.909090909091
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
import pandas as pd

from simulator.model.market import (
    MIX_PREFIX,
    MarketYear,
    download_profile,
    market_arrays,
    market_inputs,
    market_year,
)
from simulator.params.scenario import Scenario

__all__ = [
    "MonteCarloResult",
    "OUTPUTS",
    "OUTPUT_UNITS",
    "MC_OUTPUTS",
    "implied_downloads_per_customer",
    "market_output",
    "uncertain_inputs",
    "draw_inputs",
    "monte_carlo",
    "tornado",
]

#: Most draws in one Monte Carlo (implementation limit: about 25 inputs x 8 MB per million draws).
MAX_DRAWS = 1_000_000
#: Percentiles reported by the Monte Carlo.
PERCENTILES = (5, 50, 95)

#: Units of every output a tornado can show (the numeric MarketYear fields and the implied downloads).
OUTPUT_UNITS = {
    "customers": "customers",
    "paying_factor": "fraction",
    "downloads_per_customer": "downloads/customer/year",
    "downloads": "downloads/year",
    "mean_size_mb": "MB",
    "mean_price_usd": "USD/download",
    "revenue_usd": "USD/year",
    "card_fee_usd": "USD/year",
    "bandwidth_usd": "USD/year",
    "roms_usd": "USD/year",
    "fair_usd": "USD/year",
    "labels_usd": "USD/year",
    "operator_margin_usd": "USD/year",
    "data_served_tb": "TB/year",
    "revenue_per_customer_usd": "USD/customer/year",
    "reported_revenue_usd": "USD/year",
    "reported_customers": "customers",
    "revenue_gap_usd": "USD/year",
    "revenue_gap_pct": "%",
    "customers_gap": "customers",
    "customers_gap_pct": "%",
    "implied_downloads_per_customer": "downloads/customer/year",
}
OUTPUTS = tuple(OUTPUT_UNITS)
#: Outputs summarised by the Monte Carlo.
MC_OUTPUTS = ("revenue_usd", "implied_downloads_per_customer", "roms_usd", "operator_margin_usd")

# market_arrays keyword <- parameter, for inputs that pass straight through.
_DirectKey = Literal["customers", "downloads_per_customer", "rate_usd_per_mb", "discount_share", "card_fee_share",
                     "reported_revenue_usd", "reported_customers"]
_DIRECT: dict[_DirectKey, str] = {
    "customers": "market.customers",
    "downloads_per_customer": "market.downloads_per_customer",
    "rate_usd_per_mb": "pricing.rate_usd_per_mb",
    "discount_share": "pricing.discount_share",
    "card_fee_share": "costs.card_fee_share",
    "reported_revenue_usd": "market.reported_revenue_usd",
    "reported_customers": "market.reported_customers",
}
_LENGTH = ("catalogue.track_median_s", "catalogue.track_length_sigma")
# market_arrays keyword <- parameter, for the shares and the wholesale price (set after the mean size).
_SHARES: tuple[tuple[Literal["roms_share", "fair_share", "wholesale_usd_per_download", "card_share",
                             "recovered_share"], str], ...] = (
    ("roms_share", "royalties.roms_share"), ("fair_share", "royalties.fair_share"),
    ("wholesale_usd_per_download", "comparison.label_wholesale_usd"),
    ("card_share", "payments.card_share"), ("recovered_share", "payments.recovered_share"),
)
# Drawn inputs that do not change the mean download size.
_NOT_SIZE = {*_DIRECT.values(), "costs.bandwidth_usd_per_gb", "royalties.roms_share", "royalties.fair_share",
             "comparison.label_wholesale_usd", "payments.card_share", "payments.recovered_share"}


def implied_downloads_per_customer(year: MarketYear):
    """Return the downloads per customer that would match the reported revenue [downloads/customer/year].

    ``reported_revenue_usd / (customers x paying_factor x mean_price_usd)``; floats or arrays.
    Infinite where nobody can pay (the denominator is 0): no number of downloads reaches the revenue.

    Examples
    --------
    >>> round(implied_downloads_per_customer(market_year(make_scenario())), 2)
    28.47
    """
    denom = np.multiply(np.multiply(year.customers, year.paying_factor), year.mean_price_usd)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denom > 0, np.divide(year.reported_revenue_usd, np.where(denom > 0, denom, 1.0)), np.inf)
    return float(out) if np.ndim(out) == 0 else out


def market_output(year: MarketYear, output: str):
    """One output of a market year by name (see ``OUTPUTS``).

    Raises
    ------
    ValueError
        If ``output`` is not one of ``OUTPUTS``; the message lists them.
    """
    if output not in OUTPUT_UNITS:
        raise ValueError(f"unknown output {output!r}; valid outputs are: {', '.join(OUTPUTS)}")
    if output == "implied_downloads_per_customer":
        return implied_downloads_per_customer(year)
    return getattr(year, output)


def _inputs(s: Scenario, *, builtin: bool, drawn: bool) -> list[str]:
    """Return the inputs that can move this scenario's market year, in a fixed order."""
    wholesale = s.rights.payment_model == "itunes_wholesale"
    names = [*_DIRECT.values(), "costs.bandwidth_usd_per_gb", "encoding.tag_overhead_bytes"]
    names += [k for k in s.values if k.startswith(MIX_PREFIX)]
    fmts = s.assumptions.formats
    names += sorted({cd for e in (k.removeprefix(MIX_PREFIX) for k in names)
                     if e in fmts and (cd := fmts[e].cd_fraction)})
    names += ["comparison.label_wholesale_usd"] if wholesale else ["royalties.roms_share"]
    names += ["royalties.fair_share"] if s.royalties.fair_enabled and not wholesale else []
    names += ["payments.card_share", "payments.recovered_share"] if s.payments.card_freeze_active else []
    if builtin:
        names += [*_LENGTH] + ([] if drawn else ["catalogue.tracks_per_album_mean"])
    params = s.assumptions.parameters
    return [k for k in names if (p := params[k]).low is not None and p.high is not None
            and (p.low < p.high or not drawn)]


def uncertain_inputs(scenario: Scenario, *, builtin_catalogue: bool = True) -> pd.DataFrame:
    """List the inputs the Monte Carlo draws and how.

    Only inputs that can change this scenario's market year are listed: ROMS's share
    under the share model, the label wholesale price under ``itunes_wholesale``,
    FAIR's share only when FAIR is paid, the card shares only under the card freeze.

    Parameters
    ----------
    scenario : Scenario
    builtin_catalogue : bool, optional
        False for an uploaded catalogue (its length parameters are then left out).

    Returns
    -------
    DataFrame
        One row per drawn input: ``input``, ``label``, ``unit``, ``distribution``
        (always ``"triangular"``), ``low``, ``mode`` (the scenario's value), ``high``.
        The range is the parameter's plausible low/high, widened to include the
        scenario's value when a preset or the user sets it outside that range.
    """
    s = scenario
    rows = []
    for k in _inputs(s, builtin=builtin_catalogue, drawn=True):
        p, v = s.assumptions.parameters[k], float(s[k])
        assert p.low is not None and p.high is not None  # _inputs keeps only inputs with both
        # The scenario's own value is always the mode: a preset or a user value outside the
        # plausible range widens it rather than being replaced by draws that ignore it.
        lo, hi = min(float(p.low), v), max(float(p.high), v)
        rows.append({"input": k, "label": p.label, "unit": p.unit, "distribution": "triangular",
                     "low": lo, "mode": v, "high": hi})
    return pd.DataFrame(rows, columns=["input", "label", "unit", "distribution", "low", "mode", "high"])


def draw_inputs(scenario: Scenario, draws: int, rng: np.random.Generator, *,
                builtin_catalogue: bool = True) -> dict[str, np.ndarray]:
    """Draw every uncertain input of :func:`uncertain_inputs`, in its row order.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Draws per input.
    rng : numpy.random.Generator
        Consumed input after input.
    builtin_catalogue : bool, optional
        False for an uploaded catalogue: the built-in catalogue's length parameters are not drawn.

    Returns
    -------
    dict[str, ndarray of shape (draws,)]
        By dotted input name, in the input's unit; integer inputs rounded.
    """
    return _draw(scenario, uncertain_inputs(scenario, builtin_catalogue=builtin_catalogue), draws, rng)


def _draw(s: Scenario, inputs: pd.DataFrame, draws: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    out = {}
    for name, lo, mode, hi in zip(inputs.input, inputs.low, inputs["mode"], inputs.high, strict=True):
        x = rng.triangular(lo, mode, hi, size=draws) if lo < hi else np.full(draws, mode)
        out[name] = np.rint(x) if s.assumptions.parameters[name].kind == "integer" else x
    return out


def _mean_size_bytes(s: Scenario, profile, v: dict):
    """Mix-weighted mean size for drawn values ``v`` (module docstring); exact at the scenario's values.

    The operations repeat :func:`~simulator.model.market.download_profile`'s in the same order.
    """
    o0 = float(s.encoding.tag_overhead_bytes)
    m0, g0 = (float(s[k]) for k in _LENGTH)
    m, g = (v.get(k, float(s[k])) for k in _LENGTH)
    k_len = (m / m0) * np.exp((g * g - g0 * g0) / 2.0)
    d_over = v.get("encoding.tag_overhead_bytes", o0) - o0
    fmts = s.assumptions.formats
    weights = {e: v.get(MIX_PREFIX + e, float(s[MIX_PREFIX + e])) for e in profile.mix}
    total = 0
    for w in weights.values():
        total = total + w
    mean = 0
    for e, w in weights.items():
        size0 = profile.mean_size_bytes_by_encoding[e]
        k = k_len
        f = fmts[e].cd_fraction if e in fmts else None
        if f:
            k = k * (v.get(f, float(s[f])) / float(s[f]))
        mean = mean + (w / total) * (size0 + (size0 - o0) * (k - 1.0) + d_over)
    return mean


def _evaluate(s: Scenario, profile, v: dict) -> MarketYear:
    """Evaluate the market year with drawn values ``v`` (arrays) in place of the scenario's, in one vectorized call."""
    kw = market_inputs(s, profile)
    for key, name in _DIRECT.items():
        kw[key] = v.get(name, kw[key])
    if any(k not in _NOT_SIZE for k in v):  # a mix weight, the overhead, a lossless fraction or a length
        kw["mean_size_bytes"] = _mean_size_bytes(s, profile, v)
    if "costs.bandwidth_usd_per_gb" in v:
        kw["bandwidth_usd_per_byte"] = v["costs.bandwidth_usd_per_gb"] / float(s.assumptions.constants["bytes_per_gb"])
    for share, name in _SHARES:
        kw[share] = v.get(name, kw[share])
    return market_arrays(**kw)


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
        One row per output: ``output``, ``unit``, ``p5_value``, ``p50_value``,
        ``p95_value``, ``mean_value``, ``deterministic_value`` (the scenario's own market year).
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


def monte_carlo(scenario: Scenario, *, draws: int | None = None, seed: int | None = None,
                durations_ms=None) -> MonteCarloResult:
    """Seeded Monte Carlo over the plausible ranges (module docstring), in one vectorized pass.

    Parameters
    ----------
    scenario : Scenario
    draws : int, optional
        Joint draws, 1 to ``MAX_DRAWS``; default ``uncertainty.draws``.
    seed : int, optional
        Seed of ``numpy.random.default_rng``; default ``uncertainty.seed``.
    durations_ms : array_like of int, shape (n,), optional
        Track lengths of an uploaded catalogue [ms]; then the built-in catalogue's
        length parameters are not drawn.

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    ValueError
        If ``draws`` is not a whole number from 1 to ``MAX_DRAWS``, or ``seed`` is negative.
    """
    s = scenario
    draws = int(s.uncertainty.draws) if draws is None else draws
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws must be a whole number from 1 to {MAX_DRAWS:,}, got {draws!r}")
    seed = int(s.uncertainty.seed if seed is None else seed)
    if seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed}")
    builtin = durations_ms is None
    profile = download_profile(s, durations_ms)
    inputs = uncertain_inputs(s, builtin_catalogue=builtin)
    v = _draw(s, inputs, int(draws), np.random.default_rng(seed))
    year, base = _evaluate(s, profile, v), market_year(s, profile=profile)
    x = np.empty((int(draws), len(MC_OUTPUTS)))
    for i, o in enumerate(MC_OUTPUTS):
        x[:, i] = market_output(year, o)  # broadcasts a float when nothing was drawn
    p = np.percentile(x, PERCENTILES, axis=0)
    summary = pd.DataFrame({"output": MC_OUTPUTS, "unit": [OUTPUT_UNITS[o] for o in MC_OUTPUTS],
                            **{f"p{q}_value": p[i] for i, q in enumerate(PERCENTILES)},
                            "mean_value": x.mean(axis=0),
                            "deterministic_value": [float(market_output(base, o)) for o in MC_OUTPUTS]})
    samples = pd.DataFrame(x, columns=list(MC_OUTPUTS), copy=False)
    return MonteCarloResult(draws=int(draws), seed=seed, inputs=inputs, samples=samples, summary=summary)


def tornado(scenario: Scenario, *, output: str = "revenue_usd", durations_ms=None) -> pd.DataFrame:
    """Two-sided tornado: each input at its low and at its high, the others at the scenario's values.

    Parameters
    ----------
    scenario : Scenario
    output : str
        One of ``OUTPUTS`` (a numeric MarketYear field or ``implied_downloads_per_customer``).
    durations_ms : array_like of int, optional
        Track lengths of an uploaded catalogue [ms] (then catalogue parameters are left out).

    Returns
    -------
    DataFrame
        One row per input, sorted by ``swing`` (largest first): ``input``, ``label``, ``unit``,
        ``low``, ``base``, ``high`` (input values), ``output``, ``output_unit``, ``output_at_low``,
        ``output_base``, ``output_at_high``, ``swing = |output_at_high - output_at_low|``.
        An end that makes the scenario invalid (every quality-mix weight 0) gives NaN, sorted last.

    Raises
    ------
    ValueError
        If ``output`` is unknown; the message lists the valid outputs.
    """
    s = scenario
    market_output(market_year(s, profile=download_profile(s, durations_ms)), output)  # validates output

    def at(overrides: dict[str, float]) -> float:
        try:  # an end may make the scenario invalid (every quality-mix weight 0): NaN
            sc = s.with_overrides(overrides)
            return float(market_output(market_year(sc, profile=download_profile(sc, durations_ms)), output))
        except ValueError:
            return math.nan

    base = at({})
    rows = []
    for k in _inputs(s, builtin=durations_ms is None, drawn=False):
        p = s.assumptions.parameters[k]
        assert p.low is not None and p.high is not None  # _inputs keeps only inputs with both
        lo, hi = at({k: p.low}), at({k: p.high})
        rows.append({"input": k, "label": p.label, "unit": p.unit, "low": float(p.low), "base": float(s[k]),
                     "high": float(p.high), "output": output, "output_unit": OUTPUT_UNITS[output],
                     "output_at_low": lo, "output_base": base, "output_at_high": hi, "swing": abs(hi - lo)})
    df = pd.DataFrame(rows)
    return df.sort_values("swing", ascending=False, kind="stable", na_position="last").reset_index(drop=True)
