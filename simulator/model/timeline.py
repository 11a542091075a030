"""The store month by month, from the first dated rate (January 2004) to the shutdown (July 2007).

Formulas (evaluated day by day, then summed by month)
-----------------------------------------------------
* rate: the ``rate_timeline`` step in force that day (1 c/MB, 2 c/MB from
  15 Jan 2005, 3 c/MB from 13 Aug 2006); the monthly rate is the mean over the month's days;
* customers: a straight line from ``timeline.customers_start`` on the first
  day to ``timeline.customers_reported`` on the ``five_million_subscribers``
  event (18 Oct 2006, IHT), then ``timeline.growth_customers_per_day`` more a day;
* downloads per customer a day: ``market.downloads_per_customer`` over the
  days of that year (times ``(rate / scenario rate) ** demand.downloads_elasticity``
  when ``timeline.demand_response`` is on), and 0 from the ``shutdown`` event;
* card freeze: from the ``mastercard_stop`` event the MasterCard part of card
  payments (``payments.card_share x payments.mastercard_share``) is lost, from
  ``visa_stop`` all card payments, each except ``payments.recovered_share``:
  paying factor ``1 - card_share x lost x (1 - recovered_share)``. The
  scenario's own ``payments.card_freeze_active`` switch is not used here;
* each day is one :func:`simulator.model.market.market_arrays` evaluation (mean
  download size, discount, shares and costs from the scenario).

Examples
--------
>>> t = monthly_timeline(make_scenario())
>>> str(t.month.iloc[0].date()), str(t.month.iloc[-1].date()), round(float(t.revenue_usd.iloc[-1]), 2)
('2004-01-01', '2007-07-01', 0.0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.model.market import DownloadProfile, MarketArrayInputs, market_arrays, market_inputs
from simulator.params.scenario import Scenario

__all__ = ["TimelineError", "EVENT_NAMES", "monthly_timeline", "yearly_totals"]

#: Events the time line needs, by role.
EVENT_NAMES = {
    "anchor": "five_million_subscribers",
    "mastercard": "mastercard_stop",
    "visa": "visa_stop",
    "shutdown": "shutdown",
}

_SUMMED = ("downloads", "revenue_usd", "card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd",
           "operator_margin_usd", "data_served_tb")
_MEANS = ("rate_usd_per_mb", "customers", "paying_factor")


class TimelineError(ValueError):
    """The assumptions lack an event or rate the time line needs."""


def _event(s: Scenario, role: str) -> np.datetime64:
    name = EVENT_NAMES[role]
    ev = s.assumptions.events.get(name)
    if ev is None:
        raise TimelineError(f"events: the time line needs an event named {name!r}; known events are {sorted(s.assumptions.events)}")
    return np.datetime64(ev.date, "D")


def _days(s: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Every day from the first rate step to the end of the shutdown month, and each day's rate."""
    steps = s.assumptions.rate_timeline
    start = np.datetime64(steps[0].from_, "D")
    shutdown = _event(s, "shutdown")
    if shutdown <= start:
        raise TimelineError(f"events.shutdown: must be after the first rate step {start}, got {shutdown}")
    end = (shutdown.astype("datetime64[M]") + 1).astype("datetime64[D]")
    days = np.arange(start, end, dtype="datetime64[D]")
    step_days = np.array([np.datetime64(x.from_, "D") for x in steps])
    rates = np.array([float(x.rate_usd_per_mb) for x in steps])
    return days, rates[np.searchsorted(step_days, days, side="right") - 1]


def _customers(s: Scenario, days: np.ndarray) -> np.ndarray:
    t = (days - days[0]).astype(np.int64).astype(float)
    a = float((_event(s, "anchor") - days[0]).astype(np.int64))
    c0, c1 = float(s.timeline.customers_start), float(s.timeline.customers_reported)
    g = float(s.timeline.growth_customers_per_day)
    before = c0 + (c1 - c0) * t / a if a > 0 else np.full_like(t, c1)
    return np.where(t <= a, before, c1 + g * (t - a))


def _days_in_year(days: np.ndarray) -> np.ndarray:
    y = days.astype("datetime64[Y]")
    return ((y + 1).astype("datetime64[D]") - y.astype("datetime64[D]")).astype(np.int64).astype(float)


def _exact_mean(x: pd.Series) -> float:
    """Return the mean; exactly the common value when every value is the same (a month with one rate)."""
    first = x.iloc[0]
    return float(first) if (x == first).all() else float(x.mean())


def monthly_timeline(scenario: Scenario, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Return a monthly series of the store's rate, customers, card freeze and revenue split.

    Parameters
    ----------
    scenario : Scenario
        Supplies downloads per customer (calibrate it first to match the
        reported revenue), the mix, shares, costs and the ``timeline.*`` and
        ``payments.*`` inputs; the rates and dates come from the assumptions'
        ``rate_timeline`` and ``events``.
    profile : DownloadProfile, optional
        A precomputed download profile (e.g. of an uploaded catalogue).

    Returns
    -------
    pandas.DataFrame, one row per month (43 with the embedded assumptions)
        ``month`` (Timestamp, first day), ``days``, ``days_open``,
        ``rate_usd_per_mb`` [USD/MB, mean over the days], ``customers`` [mean over
        the days], ``paying_factor`` [0-1, mean], ``downloads_per_customer``
        [downloads/customer/month], ``downloads``, ``mean_price_usd`` [USD; NaN
        in a month without downloads],
        ``revenue_usd``, ``card_fee_usd``, ``bandwidth_usd``, ``roms_usd``,
        ``fair_usd``, ``labels_usd``, ``operator_margin_usd`` [USD/month],
        ``data_served_tb`` [TB/month], ``annualized_revenue_usd`` [USD/year at
        that month's pace] and ``events`` (names of the events that month, comma-separated).

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
    days, rate = _days(s)
    shutdown = _event(s, "shutdown")
    lost = np.where(days >= _event(s, "visa"), 1.0,
                    np.where(days >= _event(s, "mastercard"), float(s.payments.mastercard_share), 0.0))
    kw = market_inputs(s, profile)
    per_day = kw["downloads_per_customer"] / _days_in_year(days) * (days < shutdown)
    if s.timeline.demand_response:
        per_day = per_day * (rate / kw["rate_usd_per_mb"]) ** float(s.demand.downloads_elasticity)
    daily: MarketArrayInputs = {**kw, "customers": _customers(s, days), "downloads_per_customer": per_day,
                                "rate_usd_per_mb": rate, "card_share": kw["card_share"] * lost, "card_freeze": True}
    y = market_arrays(**daily)
    frame = pd.DataFrame({"month": days.astype("datetime64[M]"), "days": 1, "days_open": (days < shutdown).astype(int),
                          "rate_usd_per_mb": rate, "downloads_per_customer": per_day,
                          **{k: getattr(y, k) for k in _SUMMED + _MEANS if k != "rate_usd_per_mb"}})
    g = frame.groupby("month", sort=True)
    out = g[["days", "days_open", "downloads_per_customer", *_SUMMED]].sum().join(g[list(_MEANS)].mean())
    out["rate_usd_per_mb"] = g["rate_usd_per_mb"].agg(_exact_mean)
    out["mean_price_usd"] = out.revenue_usd / out.downloads.where(out.downloads > 0)
    months = out.index.values.astype("datetime64[M]").astype("datetime64[D]")
    out["annualized_revenue_usd"] = out.revenue_usd * _days_in_year(months) / out.days
    ev: dict[np.datetime64, list[str]] = {}  # event names by month
    for e in s.assumptions.events.values():
        ev.setdefault(np.datetime64(e.date, "M"), []).append(e.name)
    out["events"] = [", ".join(ev.get(np.datetime64(m, "M"), [])) for m in out.index.values]
    cols = ["days", "days_open", *_MEANS, "downloads_per_customer", "downloads", "mean_price_usd", *_SUMMED[1:],
            "annualized_revenue_usd", "events"]
    out = out[cols].reset_index()
    out["month"] = pd.to_datetime(out["month"])
    return out


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

