"""Tests of simulator.model.timeline: a day-by-day reference computed by hand, events, freeze shares, every preset."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from simulator.model.market import market_year
from simulator.model.timeline import TimelineError, monthly_timeline, yearly_totals
from simulator.params.assumptions import load_assumptions, parse_assumptions, read_yaml_file
from simulator.params.scenario import make_scenario

PRESETS = sorted(load_assumptions().presets)
START, ANCHOR, SHUTDOWN = dt.date(2004, 1, 1), dt.date(2006, 10, 18), dt.date(2007, 7, 1)
MC, VISA = dt.date(2006, 8, 1), dt.date(2006, 9, 1)
STEPS = [(dt.date(2004, 1, 1), 0.01), (dt.date(2005, 1, 15), 0.02), (dt.date(2006, 8, 13), 0.03)]
MONEY = ("card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd", "operator_margin_usd")


def reference_month(year: int, month: int, s=None) -> dict:
    """A plain loop over the month's days: the formulas of the module docstring, written out."""
    s = s or make_scenario()
    p = market_year(s).mean_price_usd / 0.03                  # price of a download per USD/MB
    dpc, card, rec, mc = (s["market.downloads_per_customer"], s["payments.card_share"],
                          s["payments.recovered_share"], s["payments.mastercard_share"])
    c0, c1, g = 500_000, 5_000_000, 2_000   # timeline.customers_start, customers_reported, growth_customers_per_day
    a = (ANCHOR - START).days                                 # 1021 days
    revenue = downloads = 0.0
    rates, custs = [], []
    for day in range(1, calendar.monthrange(year, month)[1] + 1):
        d = dt.date(year, month, day)
        t = (d - START).days
        n = c0 + (c1 - c0) * t / a if t <= a else c1 + g * (t - a)
        rate = [r for since, r in STEPS if since <= d][-1]
        lost = 1.0 if d >= VISA else (mc if d >= MC else 0.0)
        paying = 1 - card * lost * (1 - rec)
        days_in_year = 366 if calendar.isleap(year) else 365
        q = n * dpc / days_in_year * paying * (d < SHUTDOWN)
        downloads += q
        revenue += q * p * rate
        rates.append(rate)
        custs.append(n)
    return {"downloads": downloads, "revenue_usd": revenue, "rate_usd_per_mb": np.mean(rates),
            "customers": np.mean(custs)}


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    return monthly_timeline(make_scenario()).set_index("month")


def test_months_run_from_january_2004_to_the_shutdown(timeline):
    assert len(timeline) == 43
    assert timeline.index[0] == pd.Timestamp("2004-01-01") and timeline.index[-1] == pd.Timestamp("2007-07-01")
    last = timeline.iloc[-1]
    assert (last.days_open, last.revenue_usd, last.downloads) == (0, 0.0, 0.0) and np.isnan(last.mean_price_usd)
    assert (timeline.iloc[:-1].days_open == timeline.iloc[:-1].days).all()


@pytest.mark.parametrize("month", ["2004-01", "2004-02", "2005-01", "2006-08", "2006-09", "2006-10", "2007-06"])
def test_months_match_a_day_by_day_reference(timeline, month):
    y, m = map(int, month.split("-"))
    ref = reference_month(y, m)
    row = timeline.loc[pd.Timestamp(f"{month}-01")]
    for k, v in ref.items():
        assert row[k] == pytest.approx(v, rel=1e-12), k


def test_rates_follow_the_steps(timeline):
    r = timeline.rate_usd_per_mb
    assert r["2004-12-01"] == 0.01 and r["2005-02-01"] == 0.02 and r["2006-09-01"] == 0.03
    assert r["2005-01-01"] == pytest.approx((14 * 0.01 + 17 * 0.02) / 31)
    assert r["2006-08-01"] == pytest.approx((12 * 0.02 + 19 * 0.03) / 31)


def test_card_freeze_by_month(timeline):
    f = timeline.paying_factor
    assert (f[:"2006-07-01"] == 1.0).all()
    assert f["2006-08-01"] == pytest.approx(1 - 0.7 * 0.35 * 0.6)      # MasterCard's part only
    np.testing.assert_allclose(f["2006-09-01":], 1 - 0.7 * 0.6, rtol=1e-12)   # all cards, 40% recovered


@pytest.mark.parametrize("share, august", [(0.0, 1.0), (1.0, 0.58)])
def test_mastercard_share_extremes(share, august):
    t = monthly_timeline(make_scenario(overrides={"payments.mastercard_share": share})).set_index("month")
    assert t.paying_factor["2006-08-01"] == pytest.approx(august)


def test_customers_reach_the_report_and_grow_after_it():
    t = monthly_timeline(make_scenario()).set_index("month")
    # the 18 October 2006 count is 5 million; November's mean day (15.5 Nov) is 28.5 days later
    assert t.customers["2006-11-01"] == pytest.approx(5e6 + 2000 * 28.5)  # 2,000 a day after the report
    assert t.customers.is_monotonic_increasing


def test_split_sums_to_revenue_every_month(timeline):
    np.testing.assert_allclose(timeline[list(MONEY)].sum(axis=1), timeline.revenue_usd, rtol=1e-12)
    np.testing.assert_allclose(timeline.roms_usd, 0.15 * timeline.revenue_usd, rtol=1e-12)


def test_events_land_in_their_months(timeline):
    e = timeline.events
    assert e["2006-08-01"] == "mastercard_stop" and e["2006-09-01"] == "visa_stop"
    assert e["2007-07-01"] == "shutdown" and e["2004-03-01"] == ""
    assert "launch" not in "".join(e)                                    # 2000: before the series


def test_annualized_revenue(timeline):
    row = timeline.loc["2006-07-01"]
    assert row.annualized_revenue_usd == pytest.approx(row.revenue_usd * 365 / 31)


def test_demand_response_scales_downloads_at_other_rates():
    on = monthly_timeline(make_scenario(overrides={"timeline.demand_response": True})).set_index("month")
    off = monthly_timeline(make_scenario()).set_index("month")
    assert on.downloads["2007-01-01"] == pytest.approx(off.downloads["2007-01-01"])       # at the scenario rate
    assert on.downloads["2005-06-01"] == pytest.approx(off.downloads["2005-06-01"] * (2 / 3) ** -0.8)


def test_yearly_totals_sum_the_months(timeline):
    y = yearly_totals(timeline.reset_index()).set_index("year")
    assert list(y.index) == [2004, 2005, 2006, 2007]
    assert y.revenue_usd.sum() == pytest.approx(timeline.revenue_usd.sum())
    assert y.days_open[2004] == 366 and y.days_open[2007] == 181
    assert y.customers[2006] == timeline.customers["2006-12-01"]


def test_missing_event_is_a_clear_error():
    from simulator.params.assumptions import default_assumptions_path

    data = read_yaml_file(default_assumptions_path())
    data["events"] = [e for e in data["events"] if e["name"] != "visa_stop"]
    a = parse_assumptions(data)
    with pytest.raises(TimelineError, match="needs an event named 'visa_stop'"):
        monthly_timeline(make_scenario(a))


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_runs(preset):
    t = monthly_timeline(make_scenario(preset=preset))
    assert len(t) == 43 and t.revenue_usd.iloc[:-1].gt(0).all()
