"""The fitted demand: the year at other rates equals the market year there; best rate, the rise, licensed rate."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.cli import main
from simulator.model.demand import (
    DemandError,
    best_rate,
    break_even_licensed_rate,
    demand_curve,
    itunes_counterfactual,
    pricing_alternatives,
    rate_rise,
    year_at_rates,
)
from simulator.model.market import market_year
from simulator.params.scenario import make_scenario

S = make_scenario()


def _at(rate: float, s=S):
    return market_year(s.with_overrides({"pricing.rate_usd_per_mb": rate}))


@pytest.mark.parametrize("rate", [0.005, 0.02, 0.03, 0.04, 0.1])
def test_the_curve_is_the_market_year_at_each_rate(rate):
    c = demand_curve(S, [rate]).iloc[0]
    y = _at(rate)
    for k in ("revenue_usd", "customers", "downloads", "consumer_surplus_usd", "operator_margin_usd"):
        assert float(c[k]) == pytest.approx(getattr(y, k), rel=1e-12, abs=0.005), k
    mix = [float(c[k]) for k in c.index if k.startswith("share_")]
    assert sum(mix) == pytest.approx(1.0, rel=1e-12)


def test_the_elasticities_now_reach_the_year():
    lo, hi = _at(0.02), _at(0.04)
    assert lo.downloads > hi.downloads and lo.customers > hi.customers
    # The year's elasticity is the log-derivative of the year's downloads with respect to the rate.
    h = 1e-5
    a, b = _at(0.03 * (1 - h)), _at(0.03 * (1 + h))
    numeric = (np.log(b.downloads) - np.log(a.downloads)) / (np.log(1 + h) - np.log(1 - h))
    assert _at(0.03).elasticity == pytest.approx(numeric, rel=1e-5)


def test_the_best_rate_is_a_maximum_of_the_model():
    o = best_rate("revenue", S)
    assert o.direction == "peaks"
    r = o.best_rate_usd_per_mb
    for nearby in (r * 0.98, r * 1.02, 0.02, 0.03, 0.04):
        assert _at(nearby).revenue_usd <= o.best_value_usd + 1e-6
    assert o.best_value_usd == pytest.approx(_at(r).revenue_usd, rel=1e-12)
    assert o.scenario_value_usd == pytest.approx(market_year(S).revenue_usd, rel=1e-12)
    m = best_rate("profit", S)
    assert m.best_value_usd == pytest.approx(_at(m.best_rate_usd_per_mb).operator_margin_usd, rel=1e-12)
    with pytest.raises(DemandError, match="objective must be one of"):
        best_rate("fame", S)


def test_the_rise_compares_the_same_year_at_the_two_rates():
    r = rate_rise(S)
    assert r.before_rate_usd_per_mb == 0.02 and r.after_rate_usd_per_mb == 0.03
    assert r.revenue_before_usd == pytest.approx(_at(0.02).revenue_usd, rel=1e-12)
    assert r.revenue_after_usd == pytest.approx(market_year(S).revenue_usd, rel=1e-12)
    assert r.revenue_change_pct == pytest.approx(100 * (r.revenue_after_usd / r.revenue_before_usd - 1), rel=1e-12)
    assert ("raised" if r.revenue_change_pct > 0 else "lowered") in r.statement


def test_the_break_even_licensed_rate_leaves_no_margin():
    r = break_even_licensed_rate(S)
    assert r is not None and 0.03 < r < 0.3
    s = S.with_overrides({"rights.payment_model": "itunes_wholesale"})
    y = year_at_rates(s, [r], on_rate_only=True)
    assert abs(float(y.operator_margin_usd[0])) < 1e-3 * float(y.revenue_usd[0])
    assert float(year_at_rates(s, [r * 0.9], on_rate_only=True).operator_margin_usd[0]) < 0


def test_a_flat_price_removes_versioning():
    t = pricing_alternatives(S).set_index("case")
    assert t.loc["flat", "mean_size_mb"] > 2 * t.loc["per_mb", "mean_size_mb"]   # nobody pays more for bigger files
    it = itunes_counterfactual(S).set_index("case")
    assert it.loc["itunes_terms", "downloads"] < 0.5 * it.loc["allofmp3", "downloads"]
    assert it.loc["allofmp3", "rights_holders_share"] == pytest.approx(0.15, rel=1e-12)


def test_bad_rates_are_refused_by_name():
    for bad in ([0.0], [-0.01], [float("nan")], "x", []):
        with pytest.raises(DemandError, match="rates"):
            demand_curve(S, bad)


def test_demand_rates_prints_what_market_gives(capsys):
    assert main(["demand", "--rates", "0.02,0.03", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rates"]
    assert main(["market", "--set", "pricing.rate_usd_per_mb=0.02", "--json"]) == 0
    market = json.loads(capsys.readouterr().out)
    y = market.get("year", market)
    assert rows[0]["revenue_usd"] == pytest.approx(y["revenue_usd"], rel=1e-12)
    assert rows[0]["customers"] == pytest.approx(y["customers"], rel=1e-12)
    assert set(rows[0]["mix"]) == {"mp3-128", "mp3-192", "mp3-256", "mp3-320", "aac-256", "flac"}
    with pytest.raises(SystemExit) as e:
        main(["demand", "--rates", "0.02,abc"])
    assert e.value.code == 2 and "--rates" in capsys.readouterr().err
    assert main(["demand", "--rates", "0.5"]) == 2
    assert "pricing.rate_usd_per_mb must be between" in capsys.readouterr().err
