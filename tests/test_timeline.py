"""The time line: the store model month by month; every yearly figure is a window of it."""

from __future__ import annotations

import pytest

from simulator.model.market import market_year
from simulator.model.store import store_run
from simulator.model.timeline import TimelineError, monthly_timeline, yearly_totals
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario

S = make_scenario()
T = monthly_timeline(S)


def test_months_run_from_january_2004_to_the_shutdown():
    assert str(T.month.iloc[0].date()) == "2004-01-01" and str(T.month.iloc[-1].date()) == "2007-06-01"
    assert len(T) == 42 and T.days_open.sum() == 1277


def test_rates_follow_the_steps():
    t = T.set_index("month")
    assert t.loc["2004-06-01", "rate_usd_per_mb"] == 0.01
    assert t.loc["2005-01-01", "rate_usd_per_mb"] == pytest.approx((14 * 0.01 + 17 * 0.02) / 31, rel=1e-12)
    assert t.loc["2006-08-01", "rate_usd_per_mb"] == pytest.approx((12 * 0.02 + 19 * 0.03) / 31, rel=1e-12)
    assert t.loc["2007-06-01", "rate_usd_per_mb"] == 0.03


@pytest.mark.parametrize("year_end", ["2007-07", "2006-10", "2006-08", "2005-01"])
def test_every_year_is_a_window_of_the_months(year_end):
    s = S.with_overrides({"timeline.year_end": year_end})
    y = market_year(s)
    end = f"{year_end}-01"
    start = str((__import__("pandas").Timestamp(end) - __import__("pandas").DateOffset(months=12)).date())
    w = T[(T.month >= start) & (T.month < end)]
    assert len(w) == 12
    for k in ("revenue_usd", "downloads", "roms_usd", "operator_margin_usd", "consumer_surplus_usd"):
        assert w[k].sum() == pytest.approx(getattr(y, k), rel=1e-9), k
    assert w.customers.iloc[-1] == pytest.approx(y.customers, rel=1e-12)


def test_accounts_match_the_model_and_the_card_freeze_shows():
    r = store_run(S)
    assert T.customers.iloc[-1] == pytest.approx(r.accounts[-1], rel=1e-12)
    t = T.set_index("month")
    assert t.loc["2006-07-01", "paying_factor"] == 1.0
    assert t.loc["2006-09-01", "paying_factor"] == pytest.approx(0.58, rel=1e-12)
    assert t.loc["2006-09-01", "downloads"] < t.loc["2006-07-01", "downloads"]


def test_events_land_in_their_months():
    t = T.set_index("month")
    assert t.loc["2006-09-01", "events"] == "visa_stop"
    assert "mastercard_stop" in t.loc["2006-08-01", "events"]
    assert "five_million_subscribers" in t.loc["2006-10-01", "events"]


def test_annualized_revenue():
    row = T.set_index("month").loc["2007-02-01"]
    assert row.annualized_revenue_usd == pytest.approx(row.revenue_usd * 12, rel=1e-12)


def test_yearly_totals_sum_the_months():
    y = yearly_totals(T)
    assert y.year.tolist() == [2004, 2005, 2006, 2007]
    assert y.revenue_usd.sum() == pytest.approx(T.revenue_usd.sum(), rel=1e-12)
    assert y.days_open.tolist() == [366, 365, 365, 181]


@pytest.mark.parametrize("preset", sorted(load_assumptions().presets))
def test_every_preset_runs(preset):
    t = monthly_timeline(make_scenario(preset=preset))
    assert len(t) == 42 and (t.revenue_usd > 0).all()


def test_a_missing_event_is_named():
    import yaml

    from simulator.params.assumptions import default_assumptions_path, parse_assumptions
    doc = yaml.safe_load(default_assumptions_path().read_text(encoding="utf-8"))
    doc["events"] = [e for e in doc["events"] if e["name"] != "visa_stop"]
    a = parse_assumptions(doc)
    with pytest.raises(TimelineError, match="visa_stop"):
        monthly_timeline(make_scenario(assumptions=a))
