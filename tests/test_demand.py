"""Tests of simulator.model.demand: constant-elasticity curves, the Lerner optimum against closed forms, iTunes terms."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.model.demand import DemandError, best_rate, demand_curve, itunes_counterfactual
from simulator.model.market import download_profile, market_year
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario

PRESETS = sorted(load_assumptions().presets)
MEAN_MB = download_profile(make_scenario()).mean_size_bytes / 1e6          # mean download at the default mix [MB]


def elastic(e_d: float, e_c: float, **more) -> object:
    return make_scenario(overrides={"demand.downloads_elasticity": e_d, "demand.customers_elasticity": e_c, **more})


def test_curve_passes_through_the_scenario_point():
    c = demand_curve(make_scenario(), rates_usd_per_mb=[0.03])
    y = market_year(make_scenario())
    for k in ("customers", "downloads_per_customer", "revenue_usd", "roms_usd", "operator_margin_usd"):
        assert c[k].iloc[0] == pytest.approx(getattr(y, k), rel=1e-14), k


def test_curve_follows_constant_elasticities():
    r = np.array([0.01, 0.02, 0.03, 0.06])
    c = demand_curve(make_scenario(), rates_usd_per_mb=r)
    x = r / 0.03
    np.testing.assert_allclose(c.customers, 5.5e6 * x**-0.4, rtol=1e-13)
    np.testing.assert_allclose(c.downloads_per_customer, 29 * x**-0.8, rtol=1e-13)
    np.testing.assert_allclose(c.revenue_usd, market_year(make_scenario()).revenue_usd * x ** (1 - 1.2), rtol=1e-13)
    assert list(c.columns)[:3] == ["rate_usd_per_mb", "customers", "downloads_per_customer"]


def test_curve_default_grid():
    c = demand_curve(make_scenario())
    assert len(c) == 61 and c.rate_usd_per_mb.iloc[0] == 0.001 and c.rate_usd_per_mb.iloc[-1] == 0.06


@pytest.mark.parametrize("rates", [[0.0], [-0.01], [np.nan], [[0.01]], []])
def test_curve_refuses_bad_rates(rates):
    with pytest.raises(DemandError, match="rates_usd_per_mb"):
        demand_curve(make_scenario(), rates_usd_per_mb=rates)


@pytest.mark.parametrize(
    "e_d, e_c, direction, best",
    [(-0.8, -0.4, "falls", 0.001), (-0.5, -0.3, "rises", 0.3), (-0.6, -0.4, "flat", 0.03), (-0.7, -0.3, "flat", 0.03)],
    ids=["elastic", "inelastic", "unit", "unit-float-trap"],
)
def test_revenue_has_no_interior_maximum(e_d, e_c, direction, best):
    o = best_rate("revenue", elastic(e_d, e_c))
    assert (o.interior, o.rate_usd_per_mb, o.direction) == (False, None, direction)
    assert o.best_rate_usd_per_mb == best
    assert "no interior maximum" in o.statement or "no unique maximum" in o.statement
    if direction != "flat":
        assert o.numeric_rate_usd_per_mb == pytest.approx(best, rel=1e-6)


@pytest.mark.parametrize(
    "overrides, cost_usd_per_mb, gross_share",
    [
        ({"costs.bandwidth_usd_per_gb": 2.0}, 0.002, 0.19),
        ({"costs.bandwidth_usd_per_gb": 2.0, "pricing.discount_share": 0.1}, 0.002, 0.19),
        ({"costs.bandwidth_usd_per_gb": 2.0, "royalties.base": "profit"}, 0.002, 0.04),
        ({"costs.bandwidth_usd_per_gb": 2.0, "royalties.fair_enabled": True}, 0.002, 0.44),
        ({"rights.payment_model": "itunes_wholesale"}, 0.65 / MEAN_MB + 0.0001, 0.04),
    ],
    ids=["gross", "discount", "profit-base", "fair", "wholesale"],
)
def test_profit_optimum_is_the_lerner_rate(overrides, cost_usd_per_mb, gross_share):
    s = elastic(-2.0, -1.0, **overrides)                 # e = -3
    o = best_rate("profit", s)
    d = overrides.get("pricing.discount_share", 0.0)
    r_star = cost_usd_per_mb / ((1 - gross_share) * (1 - d) * (1 - 1 / 3))
    assert o.interior and o.direction == "peaks" and o.elasticity == -3.0
    assert o.cost_usd_per_mb == pytest.approx(cost_usd_per_mb, rel=1e-12)
    assert o.gross_share == pytest.approx(gross_share, rel=1e-12)
    assert o.rate_usd_per_mb == pytest.approx(r_star, rel=1e-12)
    assert o.in_bounds and o.best_rate_usd_per_mb == o.rate_usd_per_mb
    assert o.numeric_rate_usd_per_mb == pytest.approx(r_star, rel=1e-5)
    # Lerner index: (P - c) / P = -1 / e with P the operator's net price per MB
    p_net = (1 - gross_share) * (1 - d) * o.rate_usd_per_mb
    assert (p_net - cost_usd_per_mb) / p_net == pytest.approx(1 / 3, rel=1e-12)


def test_profit_optimum_at_defaults_lies_below_the_bounds():
    o = best_rate("profit", make_scenario())
    r_star = 0.0001 / (0.81 * (1 - 1 / 1.2))             # 0.000741 USD/MB, below 0.001
    assert o.rate_usd_per_mb == pytest.approx(r_star, rel=1e-12)
    assert not o.in_bounds and o.best_rate_usd_per_mb == 0.001
    assert o.numeric_rate_usd_per_mb == pytest.approx(0.001, rel=1e-6)
    assert "outside the bounds" in o.statement


def test_profit_optimum_above_the_bounds_is_clipped():
    o = best_rate("profit", make_scenario(preset="itunes_terms"))   # c = 0.10 USD/MB, e = -1.2
    assert o.rate_usd_per_mb > 0.3 and o.best_rate_usd_per_mb == 0.3
    assert o.numeric_rate_usd_per_mb == pytest.approx(0.3, rel=1e-6)


@pytest.mark.parametrize(
    "e_d, e_c, bandwidth, direction, best",
    [(-0.5, -0.3, 0.1, "rises", 0.3), (-0.7, -0.3, 0.1, "rises", 0.3), (-0.7, -0.3, 0.0, "flat", 0.03),
     (-1.0, -0.5, 0.0, "falls", 0.001)],
    ids=["inelastic", "unit-with-cost", "unit-no-cost", "no-cost"],
)
def test_profit_without_interior_maximum(e_d, e_c, bandwidth, direction, best):
    o = best_rate("profit", elastic(e_d, e_c, **{"costs.bandwidth_usd_per_gb": bandwidth}))
    assert (o.interior, o.direction, o.best_rate_usd_per_mb) == (False, direction, best)
    assert "no interior maximum" in o.statement or "no unique maximum" in o.statement


def test_profit_when_shares_take_everything():
    o = best_rate("profit", make_scenario(overrides={"royalties.roms_share": 1.0}))
    assert not o.interior and "leave nothing" in o.statement
    assert o.best_value_usd < 0


def test_unknown_objective():
    with pytest.raises(DemandError, match="objective must be one of"):
        best_rate("volume", make_scenario())


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_runs(preset):
    s = make_scenario(preset=preset)
    for o in ("revenue", "profit"):
        assert best_rate(o, s).statement
    assert len(demand_curve(s)) == 61 and len(itunes_counterfactual(s)) == 3


def test_itunes_counterfactual_closed_forms():
    y = market_year(make_scenario())
    t = itunes_counterfactual(make_scenario()).set_index("case")
    a, same, dem = t.loc["allofmp3"], t.loc["itunes_same_downloads"], t.loc["itunes_with_demand"]
    assert a.revenue_usd == pytest.approx(y.revenue_usd) and a.rights_holders_usd == pytest.approx(0.15 * y.revenue_usd)
    assert a.rights_holders_high_usd == pytest.approx(0.20 * y.revenue_usd)
    assert same.revenue_usd == pytest.approx(y.downloads * 0.99)
    assert (same.rights_holders_usd, same.rights_holders_low_usd, same.rights_holders_high_usd) == pytest.approx(
        (y.downloads * 0.65, y.downloads * 0.62, y.downloads * 0.70))
    x = 0.99 / y.mean_price_usd
    assert dem.customers == pytest.approx(5.5e6 * x**-0.4) and dem.downloads == pytest.approx(y.downloads * x**-1.2)
    assert dem.rights_holders_share == pytest.approx(0.65 / 0.99)


def test_itunes_counterfactual_uses_the_share_model_for_allofmp3():
    t = itunes_counterfactual(make_scenario(preset="itunes_terms")).set_index("case")
    assert t.loc["allofmp3", "rights_holders_share"] == pytest.approx(0.15)
