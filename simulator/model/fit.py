"""Fit the store model to every documented report by weighted least squares.

Formulas
--------
Each report ``i`` of ``assumptions.yaml`` (``reports:`` with a ``quantity``) has a value
``c_i`` (a band's geometric middle ``sqrt(low x high)``) and an uncertainty ``sigma_i``,
the standard deviation of ``ln(reported / true)`` (its ``reliability`` says why). The
model's figure ``m_i(theta)`` is read from :func:`simulator.model.store.run_store`:

* ``customers``: accounts on the report's date (interpolated within its period);
* ``new_customers_per_day``: accounts opened in the period holding the date, per day;
* ``revenue_usd``: receipts from ``start`` to ``date``;
* ``us_downloads``: downloads from ``start`` to ``date`` x ``demand.us_download_share``;
* ``track_price_usd``: mean price of a download in the period holding the date;
* ``album_price_usd``: that price x ``catalogue.tracks_per_album_mean``;
* ``share_vs_itunes``: the store's share of wants over iTunes' share;
* ``elasticity``: minus the own-price elasticity of the store's downloads in the period.

The residual is ``r_i = (ln m_i - ln c_i) / sigma_i``, in units of the report's
uncertainty, and the fit minimises ``sum r_i**2`` over the parameters marked
``fitted: true`` (potential buyers, awareness midpoint and spread, the store's and
iTunes' appeal, price sensitivity) with :func:`scipy.optimize.least_squares` (trust-region
reflective, within each parameter's bounds). Potential buyers, the spread and the price
sensitivity are fitted in logs. The covariance of the fitted parameters is
``(J^T J)^-1`` at the optimum (the residuals are already standardised).

Examples
--------
>>> f = fit_store(make_scenario())
>>> f.converged, len(f.table) >= 10
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from simulator.model.profile import DownloadProfile, download_profile
from simulator.model.store import Periods, StoreInputs, StoreRun, periods_of, run_store, store_inputs
from simulator.params.assumptions import Report
from simulator.params.scenario import Scenario

__all__ = ["FitError", "FIT_PARAMETERS", "LOG_FITTED", "FitResult", "fitted_reports", "model_figures", "fit_store",
           "report_table"]


class FitError(ValueError):
    """A fit that cannot run or did not converge: the message names the problem."""


#: The dotted names the fit moves, in order.
FIT_PARAMETERS = (
    "demand.potential_buyers",
    "demand.awareness_midpoint_months",
    "demand.awareness_spread_months",
    "demand.store_utility",
    "demand.price_sensitivity_per_usd",
    "demand.itunes_utility",
    "demand.quality_tilt",
)
#: Report quantities that set the store's size (how many buyers): a fit needs at least one of them.
_SCALE = frozenset({"customers", "new_customers_per_day", "revenue_usd", "us_downloads"})
#: Those fitted in logs (they are positive and span orders of magnitude).
LOG_FITTED = frozenset({"demand.potential_buyers", "demand.awareness_spread_months",
                        "demand.price_sensitivity_per_usd"})


def fitted_reports(scenario: Scenario, without: Iterable[str] = ()) -> tuple[Report, ...]:
    """Return the reports the fit uses: those with a ``quantity``, less the names in ``without``.

    Raises
    ------
    FitError
        If a name in ``without`` is not a fitted report.
    """
    reports = tuple(r for r in scenario.assumptions.reports.values() if r.quantity != "none")
    names = [r.name for r in reports]
    unknown = sorted(set(without) - set(names))
    if unknown:
        raise FitError(f"reports switched off (--without): no fitted report named {', '.join(map(repr, unknown))}; "
                       f"the reports are {', '.join(names)}")
    return tuple(r for r in reports if r.name not in set(without))


def _centre(r: Report) -> float:
    if r.value is not None:
        return float(r.value)
    assert r.low is not None and r.high is not None  # the schema requires a value or a band
    return float(np.sqrt(float(r.low) * float(r.high)))


def _day(text: str) -> np.datetime64:
    return np.datetime64(str(text)[:10], "D")


def _index_of(p: Periods, day: np.datetime64) -> int:
    i = int(np.searchsorted(p.start, day, side="right")) - 1
    return min(max(i, 0), len(p.start) - 1)


def model_figures(run: StoreRun, reports: tuple[Report, ...], scenario: Scenario) -> np.ndarray:
    """Return the model's figure for each report, shape ``L + (n_reports,)`` (see the module's list).

    Parameters
    ----------
    run : StoreRun
        Periods last; any leading shape ``L``.
    reports : tuple of Report
    scenario : Scenario
        For the US share and the tracks per album.
    """
    p = run.periods
    out = []
    for r in reports:
        day = _day(r.date)
        i = _index_of(p, day)
        if r.quantity == "customers":
            before = run.accounts[..., i] - run.new_accounts[..., i]
            frac = float(np.clip((day - p.start[i]).astype(int) / p.days[i], 0.0, 1.0))
            out.append(before + frac * run.new_accounts[..., i])
        elif r.quantity == "new_customers_per_day":
            out.append(run.new_accounts[..., i] / p.days[i])
        elif r.quantity in ("revenue_usd", "us_downloads"):
            start = _day(str(r.start)) if r.start is not None else p.start[0]
            inside = (p.start >= start) & (p.end <= day)
            if r.quantity == "revenue_usd":
                out.append(run.revenue_usd[..., inside].sum(axis=-1))
            else:
                out.append(run.downloads[..., inside].sum(axis=-1) * float(scenario.demand.us_download_share))
        elif r.quantity == "track_price_usd":
            out.append(run.mean_price_usd[..., i])
        elif r.quantity == "album_price_usd":
            out.append(run.mean_price_usd[..., i] * float(scenario.catalogue.tracks_per_album_mean))
        elif r.quantity == "elasticity":
            out.append(-run.elasticity[..., i])
        else:  # share_vs_itunes
            out.append(run.store_share[..., i] / run.itunes_share[..., i])
    return np.stack(out, axis=-1)


def _theta(values: dict) -> np.ndarray:
    return np.array([np.log(values[k]) if k in LOG_FITTED else float(values[k]) for k in FIT_PARAMETERS])


def _values(theta: np.ndarray) -> dict[str, float]:
    return {k: float(np.exp(t)) if k in LOG_FITTED else float(t) for k, t in zip(FIT_PARAMETERS, theta, strict=True)}


def _with(x: StoreInputs, theta: np.ndarray) -> StoreInputs:
    v = _values(theta)
    return StoreInputs(**{**vars(x), **{k.split(".")[1]: val for k, val in v.items()}})


@dataclass(frozen=True)
class FitResult:
    """The outcome of :func:`fit_store`.

    Attributes
    ----------
    values : fitted value of each of :data:`FIT_PARAMETERS` (units of ``assumptions.yaml``)
    start : the scenario's values the fit started from
    std_error : standard error of each value (from the covariance; a log-fitted one by the delta method)
    conditional_std_error : its standard error with the other fitted values held, ``1 / sqrt((J^T J)_jj)``
        (the one-at-a-time range the tornado uses), in the parameter's own units by the delta method
    covariance : covariance of the fit's internal parameters (logs for :data:`LOG_FITTED`), shape (k, k)
    table : one row per report: ``report``, ``label``, ``date``, ``source``, ``quantity``, ``unit``,
        ``reported`` (value or "low-high"), ``centre``, ``model``, ``sigma_ln``, ``residual``, ``used``
    cost : half the sum of squared residuals of the used reports
    evaluations : model evaluations the optimizer made
    converged : bool
    without : the reports switched off
    """

    values: dict[str, float]
    start: dict[str, float]
    std_error: dict[str, float]
    conditional_std_error: dict[str, float]
    covariance: np.ndarray
    table: pd.DataFrame
    cost: float
    evaluations: int
    converged: bool
    without: tuple[str, ...]

    def scenario(self, scenario: Scenario) -> Scenario:
        """Return ``scenario`` with the fitted values in place of its own."""
        return scenario.with_overrides(self.values)


def _number(x: float) -> str:
    """Write a reported figure as given: whole numbers with thousands separators."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def _reported_text(r: Report) -> str:
    if r.value is not None:
        return _number(r.value)
    assert r.low is not None and r.high is not None  # the schema requires a value or a band
    return f"{_number(r.low)}-{_number(r.high)}"


def report_table(scenario: Scenario, without: Iterable[str] = (), *,
                 profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Return the reports against the scenario's model, without fitting (columns as ``FitResult.table``)."""
    s = scenario
    skip = set(without)
    reports = fitted_reports(s)
    fitted_reports(s, skip)  # validates the names
    prof = profile if profile is not None else download_profile(s)
    run = run_store(periods_of(s), store_inputs(s, prof))
    model = model_figures(run, reports, s)
    return _table(reports, model, skip)


def _table(reports, model, skip) -> pd.DataFrame:
    rows = []
    for r, m in zip(reports, model, strict=True):
        c = _centre(r)
        assert r.sigma_ln is not None  # the schema requires it of a fitted report
        rows.append({
            "report": r.name, "label": r.label, "date": r.date,
            "source": r.source.url if r.source is not None else f"assumption: {r.assumption}", "quantity": r.quantity,
            "unit": r.unit, "reported": _reported_text(r), "centre": c, "model": float(m),
            "sigma_ln": float(r.sigma_ln),
            "residual": float((np.log(m) - np.log(c)) / r.sigma_ln) if m > 0 else float("-inf"),
            "used": r.name not in skip,
        })
    return pd.DataFrame(rows)


def fit_store(scenario: Scenario, *, without: Iterable[str] = (), profile: DownloadProfile | None = None) -> FitResult:
    """Fit :data:`FIT_PARAMETERS` to the reports by weighted least squares.

    Parameters
    ----------
    scenario : Scenario
        Every other input (rates, payments, mix, catalogue) is held at the scenario's value;
        the fit starts from the scenario's values of the fitted parameters.
    without : iterable of str
        Report names to switch off.
    profile : DownloadProfile, optional
        Mean sizes by encoding (default: the built-in catalogue).

    Returns
    -------
    FitResult

    Raises
    ------
    FitError
        If a name in ``without`` is unknown, fewer reports remain than parameters to fit,
        or the optimizer does not converge to finite values.
    """
    s = scenario
    skip = tuple(dict.fromkeys(without))
    all_reports = fitted_reports(s)
    used = fitted_reports(s, skip)
    k = len(FIT_PARAMETERS)
    if len(used) < k:
        raise FitError(f"reports switched off (--without): only {len(used)} report(s) left, but the fit has {k} "
                       f"parameters to find; switch at most {len(all_reports) - k} of the {len(all_reports)} reports off")
    if not any(r.quantity in _SCALE for r in used):
        raise FitError("reports switched off (--without): no report of the store's size is left (customers, revenue "
                       "or downloads), so nothing sets how many buyers there were; keep at least one of "
                       f"{', '.join(r.name for r in all_reports if r.quantity in _SCALE)}")
    prof = profile if profile is not None else download_profile(s)
    p = periods_of(s)
    x0 = store_inputs(s, prof)
    centre = np.log([_centre(r) for r in used])
    sigma = np.array([float(r.sigma_ln or 1.0) for r in used])
    start = {key: float(s.values[key]) for key in FIT_PARAMETERS}
    lo, hi = [], []
    for key in FIT_PARAMETERS:
        b = s.assumptions.parameters[key].bounds
        assert b is not None  # numbers have bounds
        a, z = float(b[0]), float(b[1])
        lo.append(np.log(a) if key in LOG_FITTED else a)
        hi.append(np.log(z) if key in LOG_FITTED else z)
    lower, upper = np.array(lo), np.array(hi)
    count = [0]

    def residuals(theta: np.ndarray) -> np.ndarray:
        count[0] += 1
        m = model_figures(run_store(p, _with(x0, theta)), used, s)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = (np.log(np.maximum(m, 1e-300)) - centre) / sigma
        return r

    theta0 = np.clip(_theta(start), lower, upper)
    try:
        sol = least_squares(residuals, theta0, bounds=(lower, upper), x_scale="jac", method="trf")
    except (ValueError, FloatingPointError) as e:
        raise FitError(f"the fit could not run: {e}") from None
    if not (sol.success and np.all(np.isfinite(sol.x)) and np.isfinite(sol.cost)):
        raise FitError(f"the fit did not converge ({sol.message}); the last valid fit is kept")
    jac = sol.jac
    try:
        cov = np.linalg.inv(jac.T @ jac)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(jac.T @ jac)
    values = _values(sol.x)
    se, cse = {}, {}
    info = jac.T @ jac
    for j, key in enumerate(FIT_PARAMETERS):
        sd = float(np.sqrt(max(cov[j, j], 0.0)))
        csd = float(1.0 / np.sqrt(info[j, j])) if info[j, j] > 0 else float("inf")
        se[key] = values[key] * sd if key in LOG_FITTED else sd
        cse[key] = values[key] * csd if key in LOG_FITTED else csd
    run = run_store(p, _with(x0, sol.x))
    table = _table(all_reports, model_figures(run, all_reports, s), set(skip))
    return FitResult(values=values, start=start, std_error=se, conditional_std_error=cse, covariance=cov, table=table, cost=float(sol.cost),
                     evaluations=count[0], converged=True, without=skip)
