"""Goal seek and the iso-revenue grid, on the one store model; re-fitting to the reports.

Goal seek
---------
Any *number* input of ``assumptions.yaml`` (by dotted name) can be varied between its
bounds; any numeric field of :class:`~simulator.model.market.MarketYear` (the
``timeline.year_end`` window of :mod:`simulator.model.store`) can be the output.
:func:`solve` scans the input's bounds on an even grid (:data:`SCAN_POINTS` intervals,
one market year each) and then:

* if the output is the same at every point, the output does not depend on the input
  (``costs.card_fee_share`` for revenue, ``charts.*`` for anything): :class:`NoEffectError`;
* if ``output - target`` changes sign between two points, Brent's method
  (``scipy.optimize.brentq``; Brent, *Algorithms for Minimization without Derivatives*,
  1973, ch. 4) refines that interval to machine precision. The store model is not
  monotone in every input (revenue peaks in the rate), so the output can cross the target
  more than once: the crossing nearest the scenario's own value is returned;
* otherwise the scan's highest and lowest points are refined
  (``scipy.optimize.minimize_scalar``, bounded, over the neighbouring intervals), so that a
  peak between two points is not missed: the target is then bracketed and solved, or
  :class:`NoSolutionError` gives the output's reachable range over the bounds.

Points where the scenario is refused (a quality-mix weight leaving every weight 0, the
reported price band upside down) are left out of the scan.

Iso grid
--------
Potential buyers ``N`` (``demand.potential_buyers``) scale every period's potential
buyers, hence its downloads, receipts and new accounts, so every output of
:data:`GRID_OUTPUTS` is ``N x g(rate)``, with ``g`` the output per potential buyer. The
contour of a target has the closed form ``N(rate) = target / g(rate)`` and is lowest at
the rate that maximizes ``g``, whatever ``N`` (see :func:`iso_grid`).

Re-fitting
----------
:func:`calibrated_scenario` re-fits the ``fitted: true`` demand parameters to the
documented reports (:func:`simulator.model.fit.fit_store`) and returns the scenario with
the fitted values: what ``--calibrate`` does on the command line.

Examples
--------
>>> sol = solve(make_scenario())                     # the store's appeal for $30 million
>>> sol.input, round(sol.achieved, 2)
('demand.store_utility', 30000000.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from simulator.model.fit import fit_store
from simulator.model.market import (
    MIX_PREFIX,
    DownloadProfile,
    MarketYear,
    accounting_inputs,
    download_profile,
    market_year,
    quality_mix,
    year_from_run,
)
from simulator.model.store import periods_of, run_store, store_inputs, window_mask, year_months
from simulator.params.scenario import Scenario, ScenarioError

__all__ = [
    "CalibrationError",
    "NoSolutionError",
    "NoEffectError",
    "Solution",
    "IsoGrid",
    "DEFAULT_INPUT",
    "DEFAULT_OUTPUT",
    "GRID_INPUT",
    "OUTPUTS",
    "GRID_OUTPUTS",
    "SCAN_POINTS",
    "solvable_inputs",
    "solve",
    "calibrated_scenario",
    "iso_grid",
]

#: The input solved for by default: the store's appeal (mean utility of a download). [utils]
DEFAULT_INPUT = "demand.store_utility"
#: The output matched by default (to ``market.reported_revenue_usd``). [USD/year]
DEFAULT_OUTPUT = "revenue_usd"
#: The y axis of the iso grid: potential buyers at full awareness. [people]
GRID_INPUT = "demand.potential_buyers"
#: Numeric fields of MarketYear that can be targeted.
OUTPUTS = tuple(f.name for f in fields(MarketYear) if f.name != "mb_unit")
#: Outputs proportional to potential buyers (all other inputs fixed): the iso map's outputs.
GRID_OUTPUTS = (
    "customers", "monthly_buyers", "downloads", "revenue_usd", "card_fee_usd", "bandwidth_usd", "roms_usd",
    "fair_usd", "labels_usd", "operator_margin_usd", "data_served_tb", "consumer_surplus_usd",
)
#: Intervals of the bracketing scan over an input's bounds (a numerical setting, not a model number).
SCAN_POINTS = 64
#: Relative spread below which a scanned output counts as constant (rounding, not an effect).
_FLAT_RTOL = 1e-12
#: Relative tolerance of the bounded search for a peak or a trough between two scan points.
_XATOL_SHARE = 1e-10
#: Largest relative miss of a solution (a cent in $10 million); a larger one means the output jumps.
_HIT_RTOL = 1e-9


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


class NoEffectError(CalibrationError):
    """The output is the same at every value of the input within its bounds: it does not depend on it.

    Attributes
    ----------
    input, output : str
    bounds : tuple of float
    value : float
        The output's one value.
    """

    def __init__(self, message, *, input, output, bounds, value):
        super().__init__(message)
        self.input, self.output, self.bounds, self.value = input, output, bounds, value


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
        Brent iterations; market years computed, scan included.
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

    An input the chosen output does not depend on is refused by :func:`solve` itself
    (:class:`NoEffectError`), since that depends on the output.

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


def _evaluator(s: Scenario, vary: str, durations_ms) -> Callable[[float], tuple[Scenario, MarketYear] | None]:
    """Return ``f(x) -> (scenario, MarketYear)``, or None where the scenario is refused.

    The download profile is recomputed only when ``vary`` changes it.
    """
    base = download_profile(s, durations_ms)
    if vary.startswith(MIX_PREFIX):
        prof = lambda s2: _reweighted(base, s2)  # noqa: E731
    elif vary.startswith(("encoding.", "catalogue.")):
        prof = lambda s2: download_profile(s2, durations_ms)  # noqa: E731
    else:
        prof = lambda s2: base  # noqa: E731

    def f(x: float) -> tuple[Scenario, MarketYear] | None:
        try:
            s2 = s.with_overrides({vary: float(x)})
        except ScenarioError:
            return None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # at a bound a share can reach 1
            return s2, market_year(s2, profile=prof(s2))

    return f


def _fmt(x: float, output: str) -> str:
    """Format an output's value for a message: dollars to the cent, counts whole, the rest to 6 digits."""
    if output.endswith("_usd"):
        return f"{x:,.2f}"
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:,.6g}"


def _num(x: float) -> str:
    """Format an input's value for a message: ``100,000,000``, ``0.001``, ``-10``."""
    return f"{x:,.10g}"


def _nearest(intervals: list[tuple[float, float]], x0: float) -> int:
    """Index of the interval nearest ``x0`` (0 inside it); the lower one on a tie."""
    d = [max(a - x0, x0 - b, 0.0) for a, b in intervals]
    return int(np.argmin(d))


def _refined_bracket(out: Callable[[float], float], xs: np.ndarray, ys: np.ndarray, goal: float, *,
                     vary: str, output: str, unit: str) -> tuple[float, float]:
    """Refine the scan's peak and trough, then bracket ``goal`` between one of them and a scan point.

    Raises
    ------
    NoSolutionError
        If the refined peak and trough do not straddle ``goal``.
    """
    fin = np.flatnonzero(np.isfinite(ys))
    ends = []
    for sign in (1.0, -1.0):
        i = int(fin[np.argmax(sign * ys[fin])])
        a, b = float(xs[max(i - 1, 0)]), float(xs[min(i + 1, xs.size - 1)])

        def loss(v: float, sign: float = sign) -> float:
            y = out(v)
            return -sign * y if math.isfinite(y) else math.inf

        r = minimize_scalar(loss, bounds=(a, b), method="bounded", options={"xatol": (b - a) * _XATOL_SHARE})
        y_r = -sign * float(r.fun)
        ends.append((float(r.x), y_r, i) if sign * y_r > sign * ys[i] else (float(xs[i]), float(ys[i]), i))
    (x_top, y_top, i_top), (x_bottom, y_bottom, i_bottom) = ends
    lo, hi = float(xs[0]), float(xs[-1])
    if not y_bottom <= goal <= y_top:
        raise NoSolutionError(
            f"no value of {vary} between {_num(lo)} and {_num(hi)} [{unit}] gives {output} = {_fmt(goal, output)}; "
            f"over those bounds {output} ranges from {_fmt(y_bottom, output)} to {_fmt(y_top, output)}",
            input=vary, output=output, target=goal, bounds=(lo, hi), reachable_min=y_bottom, reachable_max=y_top,
        )
    # Every scan point lies on one side of goal; the refined end on the other side brackets it with its own point.
    x_far, i = (x_top, i_top) if ys[fin[0]] < goal else (x_bottom, i_bottom)
    a, b = sorted((float(xs[i]), x_far))
    return (a, b) if a < b else (x_far, x_far)


def solve(
    scenario: Scenario,
    *,
    output: str = DEFAULT_OUTPUT,
    target: float | None = None,
    vary: str = DEFAULT_INPUT,
    durations_ms=None,
) -> Solution:
    """Solve ``vary`` so that the market year's ``output`` equals ``target`` (see the module's method).

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
        Dotted name of a number input (:func:`solvable_inputs`), searched between its
        bounds; default :data:`DEFAULT_INPUT`, the store's appeal. A quality-mix weight is a
        weight before normalisation (the share is the weight over the sum of weights).
    durations_ms : array_like of int, shape (n,), optional
        Track lengths of the catalogue [ms]; default the built-in catalogue.

    Returns
    -------
    Solution
        ``achieved`` equals ``target`` to well under a cent for money outputs. When the
        output crosses the target more than once within the bounds, the crossing nearest
        the scenario's own value.

    Raises
    ------
    CalibrationError
        Unknown or non-number input, unknown output, non-finite target.
    NoEffectError
        The output is the same at every value of the input within its bounds.
    NoSolutionError
        No value within the bounds reaches the target; the message gives the output's
        reachable range over the bounds.

    Examples
    --------
    >>> sol = solve(make_scenario(), vary="demand.potential_buyers")    # revenue is proportional to it
    >>> round(sol.value / make_scenario().demand.potential_buyers, 4), sol.unit
    (1.5294, 'people')
    """
    s = scenario
    lo, hi = _check_input(s, vary)
    _check_output(output)
    goal = _default_target(s, output, target)
    unit = s.assumptions.parameters[vary].unit
    f = _evaluator(s, vary, durations_ms)
    calls = [0]

    def out(x: float) -> float:
        calls[0] += 1
        r = f(x)
        return math.nan if r is None else float(getattr(r[1], output))

    xs = np.linspace(lo, hi, SCAN_POINTS + 1)
    ys = np.array([out(x) for x in xs])
    ok = np.isfinite(ys)
    if not ok.any():
        raise CalibrationError(f"--vary {vary!r}: no value between {_num(lo)} and {_num(hi)} gives a scenario the "
                               f"model accepts together with the other inputs")
    top, bottom = float(ys[ok].max()), float(ys[ok].min())
    if top - bottom <= _FLAT_RTOL * max(abs(top), abs(bottom), 1.0):
        raise NoEffectError(
            f"{output} does not depend on {vary}: it is {_fmt(top, output)} at every value between {_num(lo)} and "
            f"{_num(hi)} [{unit}]; vary an input the market year's {output} reads (default {DEFAULT_INPUT})",
            input=vary, output=output, bounds=(lo, hi), value=top,
        )
    x0 = float(s[vary])
    d = ys - goal
    intervals = [(float(xs[i]), float(xs[i])) for i in np.flatnonzero(ok & (d == 0.0))]
    both = ok[:-1] & ok[1:]
    cross = np.flatnonzero(both & (np.sign(d[:-1]) * np.sign(d[1:]) < 0))
    intervals += [(float(xs[i]), float(xs[i + 1])) for i in cross]
    iterations = 0
    if not intervals:
        intervals = [_refined_bracket(out, xs, ys, goal, vary=vary, output=output, unit=unit)]
    a, b = intervals[_nearest(intervals, x0)]
    if a == b:
        x = a
    else:
        x, r = brentq(lambda v: out(v) - goal, a, b, xtol=(hi - lo) * np.finfo(float).eps,
                      rtol=4 * np.finfo(float).eps, full_output=True)
        iterations = r.iterations
    res = f(x)
    assert res is not None  # x lies in an interval whose ends the model accepted
    s2, y = res
    achieved = float(getattr(y, output))
    if abs(achieved - goal) > _HIT_RTOL * max(abs(goal), top - bottom):
        why = " (it redraws the built-in catalogue)" if vary.startswith("catalogue.") else ""
        raise NoSolutionError(
            f"no value of {vary} gives {output} = {_fmt(goal, output)}: {vary} moves {output} in steps{why}, "
            f"and near {vary} = {_num(x)} it jumps across the target ({_fmt(achieved, output)} there)",
            input=vary, output=output, target=goal, bounds=(lo, hi), reachable_min=bottom, reachable_max=top,
        )
    return Solution(vary, float(x), unit, output, goal, achieved, achieved - goal, iterations, calls[0] + 1,
                    (lo, hi), s2, y)


def calibrated_scenario(scenario: Scenario, *, profile: DownloadProfile | None = None) -> Scenario:
    """Return the scenario re-fitted to the documented reports (what ``--calibrate`` does).

    The ``fitted: true`` demand parameters are fitted by weighted least squares to the
    reports of ``assumptions.yaml`` with every other input as in the scenario
    (:func:`simulator.model.fit.fit_store`); at the shipped defaults the fit returns
    the defaults, so this matters for scenarios that change the rates, payments, mix or
    catalogue the reports are read through.

    Parameters
    ----------
    scenario : Scenario
    profile : DownloadProfile, optional
        Mean sizes by encoding (default: the built-in catalogue).

    Returns
    -------
    Scenario
        ``fit_store(scenario).scenario(scenario)``: the same preset, with the fitted values as overrides.

    Raises
    ------
    simulator.model.fit.FitError
        If the fit does not converge.

    Examples
    --------
    >>> s = calibrated_scenario(make_scenario())
    >>> abs(s.demand.potential_buyers / make_scenario().demand.potential_buyers - 1) < 0.01
    True
    """
    return fit_store(scenario, profile=profile).scenario(scenario)


@dataclass(frozen=True)
class IsoGrid:
    """An output over (rate per MB x potential buyers), with the target contour.

    Attributes
    ----------
    output : str
        The MarketYear field in ``z`` (default ``revenue_usd``).
    year_label : str
        The window of the store model the output sums, in words ("Jul 2006 to Jun 2007").
    rate_from : str
        The date of the last rate step, from which the rate on the x axis applies (YYYY-MM-DD).
    rate_usd_per_mb : ndarray, shape (n_x,)
        x axis: the rate from the last rate step on. [USD/MB or USD/MiB]
    potential_buyers : ndarray, shape (n_y,)
        y axis: ``demand.potential_buyers``. [people]
    z : ndarray, shape (n_y, n_x)
        ``z[j, i]`` is the output at ``rate_usd_per_mb[i]``, ``potential_buyers[j]``.
    output_per_buyer : ndarray, shape (n_x,)
        The output per potential buyer at each rate, ``g(rate)``. [unit of the output / person]
    target : float
        The contour's level. [unit of the output]
    contour_potential_buyers : ndarray, shape (n_x,)
        Potential buyers that give ``target`` at each rate, ``target / g(rate)`` (closed form);
        NaN where no positive value does.
    contour_in_bounds : ndarray of bool, shape (n_x,)
        Whether the contour lies within the bounds of ``demand.potential_buyers``.
    point_rate_usd_per_mb, point_potential_buyers, point_value : float
        The scenario's own point and its output.
    """

    output: str
    year_label: str
    rate_from: str
    rate_usd_per_mb: np.ndarray
    potential_buyers: np.ndarray
    z: np.ndarray
    output_per_buyer: np.ndarray
    target: float
    contour_potential_buyers: np.ndarray
    contour_in_bounds: np.ndarray
    point_rate_usd_per_mb: float
    point_potential_buyers: float
    point_value: float


def _axis(values, name: str, default: np.ndarray) -> np.ndarray:
    try:
        a = default if values is None else np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        a = np.array([np.nan])
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise CalibrationError(f"{name} must be a non-empty 1-D array of finite numbers >= 0, got {values!r}")
    return a


def iso_grid(
    scenario: Scenario,
    *,
    rates_usd_per_mb=None,
    potential_buyers=None,
    output: str = DEFAULT_OUTPUT,
    target: float | None = None,
    profile: DownloadProfile | None = None,
) -> IsoGrid:
    """Evaluate an output of the year over a grid of rates per MB and potential buyers (vectorized).

    Parameters
    ----------
    scenario : Scenario
    rates_usd_per_mb : array_like, shape (n_x,), optional
        Default: ``charts.grid_points`` rates from the rate's lower bound to
        ``charts.rate_max_usd_per_mb``. [USD/MB]
    potential_buyers : array_like, shape (n_y,), optional
        Default: ``charts.grid_points`` values from the lower bound of
        ``demand.potential_buyers`` to ``charts.potential_buyers_max``. [people]
    output : str
        One of :data:`GRID_OUTPUTS` (the outputs proportional to potential buyers).
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
    One run of the store model over the whole grid (rates on the last axis of the
    inputs, potential buyers on the one before), summed over the ``timeline.year_end``
    window: ``z[j, i]`` equals ``market_year`` of the scenario with those two inputs. The
    output is ``N x g(rate)``, so the contour is ``target / g(rate)``, with ``g`` from a
    second run at one potential buyer.

    Examples
    --------
    >>> g = iso_grid(make_scenario(), rates_usd_per_mb=[0.02, 0.03], potential_buyers=[5e6, 1e7])
    >>> g.z.shape, bool(abs(g.z[1, 1] / g.z[0, 1] - 2) < 1e-12)
    ((2, 2), True)
    """
    s = scenario
    _check_output(output, GRID_OUTPUTS)
    goal = _default_target(s, output, target)
    a, n = s.assumptions.parameters, int(s.charts.grid_points)
    rate_bounds, n_bounds = a["pricing.rate_usd_per_mb"].bounds, a[GRID_INPUT].bounds
    assert rate_bounds is not None and n_bounds is not None  # number parameters always have bounds
    x = _axis(rates_usd_per_mb, "rates_usd_per_mb",
              np.linspace(rate_bounds[0], s.charts.rate_max_usd_per_mb, n))
    y = _axis(potential_buyers, "potential_buyers",
              np.linspace(n_bounds[0], s.charts.potential_buyers_max, n))
    x0 = store_inputs(s, profile)
    p = periods_of(s)
    mask = window_mask(p, s.timeline.year_end)
    acct = accounting_inputs(s)

    def year(**changes) -> MarketYear:
        return year_from_run(run_store(p, replace(x0, **changes)), mask, acct)

    grid = year(rate_usd_per_mb=x[None, :], potential_buyers=y[:, None])
    g = np.broadcast_to(np.asarray(getattr(year(rate_usd_per_mb=x, potential_buyers=1.0), output), dtype=float),
                        x.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        contour = np.where(g > 0, goal / g, np.nan)
    contour = np.where(contour > 0, contour, np.nan)
    lo, hi = n_bounds
    c = np.nan_to_num(contour, nan=-1.0)
    return IsoGrid(
        output=output,
        year_label=year_months(s.timeline.year_end),
        rate_from=str(s.assumptions.rate_timeline[-1].from_)[:10],
        rate_usd_per_mb=x,
        potential_buyers=y,
        z=np.broadcast_to(np.asarray(getattr(grid, output), dtype=float), (y.size, x.size)).copy(),
        output_per_buyer=g.copy(),
        target=goal,
        contour_potential_buyers=contour,
        contour_in_bounds=(c >= lo) & (c <= hi),
        point_rate_usd_per_mb=float(x0.rate_usd_per_mb),
        point_potential_buyers=float(x0.potential_buyers),
        point_value=float(getattr(year(), output)),
    )
