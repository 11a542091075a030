"""Calibration and goal seek: solve one input so that one output of the market year hits a target.

Method
------
Any *number* input of ``assumptions.yaml`` (by dotted name) can be varied
between its bounds; any numeric field of :class:`~simulator.model.market.MarketYear`
can be the output. :func:`solve` first scans the input's bounds on an even grid
(:data:`SCAN_POINTS` intervals) to find the reachable range of the output and
the first interval where ``output - target`` changes sign, then refines that
interval with Brent's method (``scipy.optimize.brentq``; Brent, *Algorithms for
Minimization without Derivatives*, 1973, ch. 4) to machine precision. Every
output used here is monotone in every input (revenue is linear in customers,
downloads per customer and the rate; a quality-mix weight moves the mean size
along a Moebius curve), so the scan's range is the exact reachable range.

Downloads per customer enter revenue linearly, so the iso-revenue contour has a
closed form: ``dpc(rate) = target / output(rate, dpc=1)`` (see :func:`iso_grid`).

Examples
--------
>>> sol = solve(make_scenario())                     # downloads per customer for $30 million
>>> round(sol.value, 3), round(sol.achieved, 2)
(28.469, 30000000.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from types import MappingProxyType

import numpy as np
from scipy.optimize import brentq

from simulator.model.market import (
    MIX_PREFIX,
    DownloadProfile,
    MarketArrayInputs,
    MarketYear,
    download_profile,
    market_arrays,
    market_inputs,
    quality_mix,
)
from simulator.params.scenario import Scenario

__all__ = [
    "CalibrationError",
    "NoSolutionError",
    "Solution",
    "IsoGrid",
    "DEFAULT_INPUT",
    "DEFAULT_OUTPUT",
    "OUTPUTS",
    "GRID_OUTPUTS",
    "SCAN_POINTS",
    "solvable_inputs",
    "solve",
    "calibrated_scenario",
    "iso_grid",
]

#: The input solved for by default. [downloads/customer/year]
DEFAULT_INPUT = "market.downloads_per_customer"
#: The output matched by default (to ``market.reported_revenue_usd``). [USD/year]
DEFAULT_OUTPUT = "revenue_usd"
#: Numeric fields of MarketYear that can be targeted.
OUTPUTS = tuple(f.name for f in fields(MarketYear) if f.name != "mb_unit")
#: Outputs proportional to downloads per customer (all others fixed): the iso map's outputs.
GRID_OUTPUTS = (
    "downloads", "revenue_usd", "card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd",
    "labels_usd", "operator_margin_usd", "data_served_tb", "revenue_per_customer_usd",
)
#: Intervals of the bracketing scan over an input's bounds (a numerical setting, not a model number).
SCAN_POINTS = 64


class CalibrationError(ValueError):
    """An unknown or unsolvable input, an unknown output or a bad target or grid."""


class NoSolutionError(CalibrationError):
    """No value of the input within its bounds gives the target.

    Attributes
    ----------
    input, output : str
    target : float
    bounds : tuple of float
        The input's [min, max].
    reachable_min, reachable_max : float
        The output's range over those bounds.
    """

    def __init__(self, message, *, input, output, target, bounds, reachable_min, reachable_max):
        super().__init__(message)
        self.input, self.output, self.target, self.bounds = input, output, target, bounds
        self.reachable_min, self.reachable_max = reachable_min, reachable_max


@dataclass(frozen=True)
class Solution:
    """A solved input.

    Attributes
    ----------
    input : str
        Dotted name of the input varied.
    value : float
        The solved value. [``unit``]
    unit : str
    output : str
        The MarketYear field matched.
    target, achieved : float
        Wanted and obtained output. [unit of the output]
    error : float
        ``achieved - target``.
    iterations, function_calls : int
        Brent iterations; market evaluations including the scan.
    bounds : tuple of float
        The input's [min, max].
    scenario : Scenario
        The scenario with the solved value applied.
    market : MarketYear
        Its market year.
    """

    input: str
    value: float
    unit: str
    output: str
    target: float
    achieved: float
    error: float
    iterations: int
    function_calls: int
    bounds: tuple[float, float]
    scenario: Scenario = field(repr=False, compare=False)
    market: MarketYear = field(repr=False, compare=False)

    def as_dict(self) -> dict:
        """Every field but ``scenario`` and ``market``, by name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("scenario", "market")}


def solvable_inputs(scenario: Scenario) -> tuple[str, ...]:
    """Dotted names of the inputs :func:`solve` can vary: every ``number`` parameter with non-empty bounds.

    Examples
    --------
    >>> "pricing.rate_usd_per_mb" in solvable_inputs(make_scenario()), "catalogue.seed" in solvable_inputs(make_scenario())
    (True, False)
    """
    s = scenario
    # A number parameter always has bounds (Parameter's validator); the None test only narrows the type.
    return tuple(k for k, p in s.assumptions.parameters.items()
                 if p.kind == "number" and p.bounds is not None and p.bounds[0] < p.bounds[1])


def _check_input(s: Scenario, vary: str) -> tuple[float, float]:
    p = s.assumptions.parameters.get(vary)
    ok = solvable_inputs(s)
    if p is None or vary not in ok:
        what = "unknown input" if p is None else f"not a continuous number input ({p.kind}, bounds {p.bounds})"
        raise CalibrationError(f"--vary {vary!r}: {what}; inputs that can be solved for are {list(ok)}")
    assert p.bounds is not None  # solvable_inputs lists only number parameters, which have bounds
    return float(p.bounds[0]), float(p.bounds[1])


def _check_output(output: str, allowed=OUTPUTS) -> None:
    if output not in allowed:
        raise CalibrationError(f"output {output!r} is not one of {list(allowed)}")


def _default_target(s: Scenario, output: str, target) -> float:
    if target is None:
        if output != DEFAULT_OUTPUT:
            raise CalibrationError(f"target for {output!r} is required (only {DEFAULT_OUTPUT} has a default)")
        target = s.market.reported_revenue_usd
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target):
        raise CalibrationError(f"target must be a finite number, got {target!r}")
    return float(target)


def _reweighted(base: DownloadProfile, s: Scenario) -> DownloadProfile:
    mix = quality_mix(s)
    by_enc = base.mean_size_bytes_by_encoding
    mean = float(sum(mix[n] * by_enc[n] for n in mix))
    return DownloadProfile(MappingProxyType(mix), by_enc, mean, base.mean_duration_s, base.tracks)


def _evaluator(s: Scenario, vary: str, durations_ms):
    """Return ``f(x) -> (scenario, MarketYear)`` with the profile recomputed only when ``vary`` changes it."""
    base = download_profile(s, durations_ms)
    if vary.startswith(MIX_PREFIX):
        prof = lambda s2: _reweighted(base, s2)  # noqa: E731
    elif vary.startswith(("encoding.", "catalogue.")):
        prof = lambda s2: download_profile(s2, durations_ms)  # noqa: E731
    else:
        prof = lambda s2: base  # noqa: E731

    def f(x: float):
        s2 = s.with_overrides({vary: float(x)})
        return s2, market_arrays(**market_inputs(s2, prof(s2)))

    return f


def _fmt(x: float, output: str) -> str:
    return f"{x:,.2f}" if output.endswith("_usd") else f"{x:,.6g}"


def solve(
    scenario: Scenario,
    *,
    output: str = DEFAULT_OUTPUT,
    target: float | None = None,
    vary: str = DEFAULT_INPUT,
    durations_ms=None,
) -> Solution:
    """Solve ``vary`` so that the market year's ``output`` equals ``target``.

    Parameters
    ----------
    scenario : Scenario
        The inputs (built by the caller: the command line, the app or a test).
    output : str
        A numeric :class:`~simulator.model.market.MarketYear` field (:data:`OUTPUTS`).
    target : float, optional
        Wanted value [unit of the output]; default ``market.reported_revenue_usd``
        when the output is ``revenue_usd`` (otherwise required).
    vary : str
        Dotted name of a number input (:func:`solvable_inputs`), searched
        between its bounds. A quality-mix weight is a weight before
        normalisation (the share is the weight over the sum of weights).
    durations_ms : array_like of int, shape (n,), optional
        Track lengths of the catalogue [ms]; default the built-in catalogue.

    Returns
    -------
    Solution
        ``achieved`` equals ``target`` to well under a cent for money outputs.

    Raises
    ------
    CalibrationError
        Unknown or non-number input, unknown output, non-finite target.
    NoSolutionError
        No value within the bounds reaches the target; the message gives the
        output's reachable range over the bounds.

    Examples
    --------
    >>> sol = solve(make_scenario(), vary="pricing.rate_usd_per_mb")
    >>> round(sol.value, 5), sol.unit
    (0.02945, 'USD/MB')
    """
    s = scenario
    lo, hi = _check_input(s, vary)
    _check_output(output)
    goal = _default_target(s, output, target)
    f = _evaluator(s, vary, durations_ms)
    xs = np.linspace(lo, hi, SCAN_POINTS + 1)
    ys = np.array([getattr(f(x)[1], output) for x in xs]) - goal
    unit = s.assumptions.parameters[vary].unit
    hit = np.flatnonzero(ys == 0.0)
    cross = np.flatnonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) < 0)
    if hit.size == 0 and cross.size == 0:
        mn, mx = float(ys.min() + goal), float(ys.max() + goal)
        raise NoSolutionError(
            f"no value of {vary} between {lo:g} and {hi:g} [{unit}] gives {output} = {_fmt(goal, output)}; "
            f"over those bounds {output} ranges from {_fmt(mn, output)} to {_fmt(mx, output)}",
            input=vary, output=output, target=goal, bounds=(lo, hi), reachable_min=mn, reachable_max=mx,
        )
    iterations, calls = 0, xs.size
    if hit.size and (cross.size == 0 or hit[0] <= cross[0]):
        x = float(xs[hit[0]])
    else:
        i = int(cross[0])
        x, r = brentq(
            lambda v: getattr(f(v)[1], output) - goal, xs[i], xs[i + 1],
            xtol=(hi - lo) * np.finfo(float).eps, rtol=4 * np.finfo(float).eps, full_output=True,
        )
        iterations, calls = r.iterations, calls + r.function_calls
    s2, y = f(x)
    achieved = float(getattr(y, output))
    return Solution(vary, float(x), unit, output, goal, achieved, achieved - goal, iterations, calls, (lo, hi), s2, y)


def calibrated_scenario(scenario: Scenario, *, durations_ms=None) -> Scenario:
    """Return the scenario with downloads per customer solved so that revenue is the reported revenue.

    Raises
    ------
    NoSolutionError
        If no downloads per customer within bounds gives it.

    Examples
    --------
    >>> from simulator.model.market import market_year
    >>> round(market_year(calibrated_scenario(make_scenario())).revenue_per_customer_usd, 4)   # 30e6 / 5.5e6
    5.4545
    """
    return solve(scenario, durations_ms=durations_ms).scenario


@dataclass(frozen=True)
class IsoGrid:
    """An output over (rate per MB x downloads per customer), with the target contour.

    Attributes
    ----------
    output : str
        The MarketYear field in ``z`` (default ``revenue_usd``).
    rate_usd_per_mb : ndarray, shape (n_x,)
        x axis. [USD/MB or USD/MiB]
    downloads_per_customer : ndarray, shape (n_y,)
        y axis. [downloads/customer/year]
    z : ndarray, shape (n_y, n_x)
        ``z[j, i]`` is the output at ``rate_usd_per_mb[i]``, ``downloads_per_customer[j]``.
    target : float
        The contour's level. [unit of the output]
    contour_downloads_per_customer : ndarray, shape (n_x,)
        Downloads per customer that give ``target`` at each rate (closed form);
        NaN where no non-negative value does.
    contour_in_bounds : ndarray of bool, shape (n_x,)
        Whether the contour lies within the bounds of ``market.downloads_per_customer``.
    point_rate_usd_per_mb, point_downloads_per_customer, point_value : float
        The scenario's own point and its output.
    """

    output: str
    rate_usd_per_mb: np.ndarray
    downloads_per_customer: np.ndarray
    z: np.ndarray
    target: float
    contour_downloads_per_customer: np.ndarray
    contour_in_bounds: np.ndarray
    point_rate_usd_per_mb: float
    point_downloads_per_customer: float
    point_value: float


def _axis(values, name: str, default: np.ndarray) -> np.ndarray:
    a = default if values is None else np.asarray(values, dtype=float)
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise CalibrationError(f"{name} must be a non-empty 1-D array of finite numbers >= 0, got {values!r}")
    return a


def iso_grid(
    scenario: Scenario,
    *,
    rates_usd_per_mb=None,
    downloads_per_customer=None,
    output: str = DEFAULT_OUTPUT,
    target: float | None = None,
    profile: DownloadProfile | None = None,
) -> IsoGrid:
    """Evaluate an output over a grid of rates per MB and downloads per customer (vectorized).

    Parameters
    ----------
    scenario : Scenario
    rates_usd_per_mb : array_like, shape (n_x,), optional
        Default: ``charts.grid_points`` rates from the rate's lower bound to
        ``charts.rate_max_usd_per_mb``. [USD/MB]
    downloads_per_customer : array_like, shape (n_y,), optional
        Default: ``charts.grid_points`` values from 0 to
        ``charts.downloads_per_customer_max``. [downloads/customer/year]
    output : str
        One of :data:`GRID_OUTPUTS` (the outputs proportional to downloads).
    target : float, optional
        Contour level; default ``market.reported_revenue_usd`` for ``revenue_usd``.
    profile : DownloadProfile, optional
        A precomputed download profile (e.g. of an uploaded catalogue).

    Returns
    -------
    IsoGrid

    Raises
    ------
    CalibrationError
        Unknown output, missing target, or an axis that is not finite and >= 0.

    Notes
    -----
    The output is ``dpc x g(rate)``, so the contour is ``target / g(rate)``
    with ``g`` the output at one download per customer.

    Examples
    --------
    >>> g = iso_grid(make_scenario(), rates_usd_per_mb=[0.02, 0.03], downloads_per_customer=[10, 20, 30])
    >>> g.z.shape, g.contour_downloads_per_customer.round(2).tolist()
    ((3, 2), [42.7, 28.47])
    """
    s = scenario
    _check_output(output, GRID_OUTPUTS)
    goal = _default_target(s, output, target)
    a, n = s.assumptions.parameters, int(s.charts.grid_points)
    rate_bounds, dpc_bounds = a["pricing.rate_usd_per_mb"].bounds, a[DEFAULT_INPUT].bounds
    assert rate_bounds is not None and dpc_bounds is not None  # number parameters always have bounds
    x = _axis(rates_usd_per_mb, "rates_usd_per_mb",
              np.linspace(rate_bounds[0], s.charts.rate_max_usd_per_mb, n))
    y = _axis(downloads_per_customer, "downloads_per_customer",
              np.linspace(dpc_bounds[0], s.charts.downloads_per_customer_max, n))
    kw = market_inputs(s, profile)
    grid_kw: MarketArrayInputs = {**kw, "rate_usd_per_mb": x[None, :], "downloads_per_customer": y[:, None]}
    unit_kw: MarketArrayInputs = {**kw, "rate_usd_per_mb": x, "downloads_per_customer": np.ones_like(x)}
    grid = market_arrays(**grid_kw)
    unit = market_arrays(**unit_kw)
    g = np.asarray(getattr(unit, output), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        contour = np.where(g != 0, goal / g, np.nan)
    contour = np.where(contour >= 0, contour, np.nan)
    lo, hi = dpc_bounds
    c = np.nan_to_num(contour, nan=-1.0)
    point = market_arrays(**kw)
    return IsoGrid(
        output=output,
        rate_usd_per_mb=x,
        downloads_per_customer=y,
        z=np.asarray(getattr(grid, output), dtype=float),
        target=goal,
        contour_downloads_per_customer=contour,
        contour_in_bounds=(c >= lo) & (c <= hi),
        point_rate_usd_per_mb=float(kw["rate_usd_per_mb"]),
        point_downloads_per_customer=float(kw["downloads_per_customer"]),
        point_value=float(getattr(point, output)),
    )
