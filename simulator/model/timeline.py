"""The store month by month, from the first dated rate (January 2004) to the shutdown (July 2007).

Each month is the sum of the store model's periods in it (:mod:`simulator.model.store`:
the fitted nested logit, the ``rate_timeline`` steps, the card freeze by its dates), with the
receipts split as in :mod:`simulator.model.market`. The yearly figures every other view shows
are 12-month windows of this series.

Examples
--------
>>> t = monthly_timeline(make_scenario())
>>> str(t.month.iloc[0].date()), str(t.month.iloc[-1].date())
('2004-01-01', '2007-06-01')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.market import accounting_inputs, year_from_run
from simulator.model.profile import DownloadProfile, download_profile
from simulator.model.store import EVENT_NAMES, StoreError, store_run
from simulator.params.scenario import Scenario

__all__ = ["TimelineError", "EVENT_NAMES", "monthly_timeline", "yearly_totals"]

#: The time line's error is the store model's.
TimelineError = StoreError

_SUMMED = ("downloads", "revenue_usd", "card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd",
           "operator_margin_usd", "data_served_tb", "consumer_surplus_usd")


def monthly_timeline(scenario: Scenario, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Return the store model month by month: rate, buyers, accounts, card freeze, downloads and receipts.

    Parameters
    ----------
    scenario : Scenario
    profile : DownloadProfile, optional
        A precomputed download profile (e.g. of an uploaded catalogue).

    Returns
    -------
    pandas.DataFrame, one row per month the store was open (42 with the embedded assumptions)
        ``month`` (Timestamp, first day), ``days_open``, ``rate_usd_per_mb`` [USD/MB, mean over
        the days], ``potential_buyers``, ``buyers`` (who bought that month), ``new_accounts``,
        ``customers`` (accounts at the month's end), ``paying_factor`` [0-1, mean],
        ``downloads_per_customer`` [downloads/account/month], ``downloads``, ``mean_size_mb``,
        ``mean_price_usd`` [USD], ``revenue_usd``, ``card_fee_usd``, ``bandwidth_usd``,
        ``roms_usd``, ``fair_usd``, ``labels_usd``, ``operator_margin_usd`` [USD/month],
        ``data_served_tb`` [TB/month], ``consumer_surplus_usd`` [USD/month], ``elasticity``,
        ``annualized_revenue_usd`` [USD/year at that month's pace] and ``events`` (names of the
        events that month, comma-separated).

    Raises
    ------
    TimelineError
        If an event of :data:`EVENT_NAMES` is missing or the shutdown precedes the first rate.

    Examples
    --------
    >>> t = monthly_timeline(make_scenario()).set_index("month")
    >>> t.loc["2006-09-01", "paying_factor"].round(4), t.loc["2006-09-01", "events"]
    (np.float64(0.58), 'visa_stop')
    """
    s = scenario
    prof = profile if profile is not None else download_profile(s)
    run = store_run(s, profile=prof)
    p = run.periods
    acct = accounting_inputs(s)
    ev: dict[np.datetime64, list[str]] = {}  # event names by month
    for e in s.assumptions.events.values():
        ev.setdefault(np.datetime64(e.date, "M"), []).append(e.name)
    rows = []
    for m in np.unique(p.month):
        mask = p.month == m
        y = year_from_run(run, mask, acct)
        d = p.days[mask]
        month_days = float(p.month_days[mask][0])
        rows.append({
            "month": pd.Timestamp(m), "days_open": int(d.sum()),
            "rate_usd_per_mb": float(run.rate_usd_per_mb[mask][0]) if d.size == 1 else
            float((run.rate_usd_per_mb[mask] * d).sum() / d.sum()),
            "potential_buyers": float((run.potential_buyers[mask] * d).sum() / d.sum()),
            "buyers": float(run.buyers[mask].sum()), "new_accounts": float(run.new_accounts[mask].sum()),
            "customers": y.customers, "paying_factor": y.paying_factor,
            "downloads_per_customer": y.downloads_per_customer, "mean_size_mb": y.mean_size_mb,
            "mean_price_usd": y.mean_price_usd, **{k: getattr(y, k) for k in _SUMMED},
            "elasticity": float((run.elasticity[mask] * run.downloads[mask]).sum() / run.downloads[mask].sum()),
            "annualized_revenue_usd": y.revenue_usd * 12.0 * month_days / float(d.sum()),
            "events": ", ".join(ev.get(np.datetime64(m, "M"), [])),
        })
    return pd.DataFrame(rows)


def yearly_totals(timeline: pd.DataFrame) -> pd.DataFrame:
    """Sum a :func:`monthly_timeline` by calendar year.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``days_open``, ``downloads``, the money columns [USD/year],
        ``data_served_tb`` and ``customers`` (the last month's).

    Examples
    --------
    >>> y = yearly_totals(monthly_timeline(make_scenario()))
    >>> y.year.tolist()
    [2004, 2005, 2006, 2007]
    """
    t = timeline.assign(year=timeline["month"].dt.year)
    g = t.groupby("year", sort=True)
    out = g[["days_open", *_SUMMED]].sum()
    out["customers"] = g["customers"].last()
    return out.reset_index()
