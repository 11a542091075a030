"""Tests of simulator.model.uncertainty: the Monte Carlo of the fitted store model and the tornado.

The vectorized Monte Carlo is checked against a loop of market_year on the same drawn inputs; the
tornado's ends against market_year at those ends and against closed forms (revenue is proportional
to the wants; card fees, bandwidth and ROMS are linear in their inputs).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

import simulator.model.uncertainty as unc
from simulator.model.fit import FIT_PARAMETERS, LOG_FITTED, fit_store
from simulator.model.market import MarketYear, accounting_inputs, download_profile, market_year, year_from_run
from simulator.model.store import periods_of, run_store, store_inputs, window_mask
from simulator.model.uncertainty import (
    MAX_DRAWS,
    MC_OUTPUTS,
    OUTPUTS,
    draw_inputs,
    market_output,
    monte_carlo,
    tornado,
    uncertain_inputs,
)
from simulator.params.scenario import make_scenario

S = make_scenario()
CENT = 0.005


def _year_at(s, v, i, durations_ms=None):
    """market_year of ``s`` with draw ``i`` of ``v`` set as overrides: the slow, exact reference."""
    sc = s.with_overrides({k: float(a[i]) for k, a in v.items()})
    return market_year(sc, profile=download_profile(sc, durations_ms))


@pytest.mark.parametrize(
    "scenario",
    [S, make_scenario(preset="itunes_terms"), make_scenario(overrides={"royalties.fair_enabled": True}),
     make_scenario(overrides={"payments.card_freeze_active": False, "timeline.year_end": "2006-08"})],
    ids=["defaults", "itunes-wholesale", "fair-paid", "no-freeze-2005-06"],
)
def test_vectorized_monte_carlo_equals_a_loop_of_market_year(scenario):
    mc = monte_carlo(scenario, draws=300, seed=11)
    v = draw_inputs(scenario, 300, np.random.default_rng(11))
    assert list(v) == list(mc.inputs.input)
    for i in (0, 1, 7, 150, 299):
        y = _year_at(scenario, v, i)
        for o in MC_OUTPUTS:
            assert mc.samples[o].iloc[i] == pytest.approx(market_output(y, o), rel=1e-6, abs=1e-9), (i, o)


def test_an_uploaded_catalogue_is_drawn_on_its_own_sizes():
    lengths = [150_000, 200_000, 245_000, 320_000, 610_000]
    mc = monte_carlo(S, draws=50, seed=4, durations_ms=lengths)
    v = draw_inputs(S, 50, np.random.default_rng(4), builtin_catalogue=False)
    for i in (0, 49):
        assert mc.samples.revenue_usd.iloc[i] == pytest.approx(_year_at(S, v, i, lengths).revenue_usd, rel=1e-6)


def test_draws_at_the_scenarios_values_give_its_year_to_the_cent():
    names = list(uncertain_inputs(S).input)
    evaluate = unc._evaluator(S, download_profile(S))
    y, base = evaluate({k: np.full(3, float(S[k])) for k in names}), market_year(S)
    for f in fields(MarketYear):
        if f.name != "mb_unit":
            assert np.allclose(getattr(y, f.name), getattr(base, f.name), rtol=1e-12, atol=CENT), f.name


def test_the_scenario_sits_near_the_middle_of_its_own_band():
    mc = monte_carlo(S, draws=20_000, seed=2008)
    row = mc.summary.set_index("output")
    base = market_year(S)
    assert row.loc["revenue_usd", "deterministic_value"] == base.revenue_usd
    for o in ("revenue_usd", "customers", "downloads_per_customer", "operator_margin_usd"):
        assert 25 < row.loc[o, "deterministic_percentile"] < 75, o
    assert row.loc["revenue_usd", "p50_value"] == pytest.approx(base.revenue_usd, rel=0.05)
    assert row.loc["revenue_usd", "p5_value"] < base.revenue_usd < row.loc["revenue_usd", "p95_value"]
    share_below = (mc.samples.revenue_usd < base.revenue_usd).mean() * 100
    assert row.loc["revenue_usd", "deterministic_percentile"] == pytest.approx(share_below, abs=1e-9)


def test_fitted_parameters_are_drawn_with_the_fits_conditional_standard_errors():
    fit = fit_store(S)
    expected = 1.0 / np.sqrt(np.diag(np.linalg.inv(fit.covariance)))
    rows = uncertain_inputs(S).set_index("input")
    v = draw_inputs(S, 40_000, np.random.default_rng(5))
    for k, sd in zip(FIT_PARAMETERS, expected, strict=True):
        r, value = rows.loc[k], float(S[k])
        log = k in LOG_FITTED
        assert r.distribution == ("lognormal" if log else "normal") and r["mode"] == value
        assert r.sd == pytest.approx(sd, rel=1e-9)
        x = np.log(v[k]) if log else v[k]
        centre = np.log(value) if log else value
        assert np.median(x) == pytest.approx(centre, abs=0.02 * sd)  # the fitted value is the median
        assert x.std() == pytest.approx(sd, rel=0.02)
        # the +-1 range shipped in assumptions.yaml is the same conditional standard error
        p = S.assumptions.parameters[k]
        assert (r.low, r.high) == pytest.approx((p.low, p.high), rel=2e-3), k


def test_triangular_draws_follow_their_triangles():
    v = draw_inputs(S, 20_000, np.random.default_rng(1))
    rows = uncertain_inputs(S).set_index("input")
    tri = rows[rows.distribution == "triangular"]
    assert len(tri) > 10
    for name, r in tri.iterrows():
        x = v[name]
        assert r.low <= x.min() and x.max() <= r.high, name
        assert x.mean() == pytest.approx((r.low + r["mode"] + r.high) / 3, abs=0.02 * (r.high - r.low)), name


def test_a_value_outside_its_range_widens_the_triangle():
    rows = uncertain_inputs(S.with_overrides({"demand.track_wants_per_month": 60.0})).set_index("input")
    assert tuple(rows.loc["demand.track_wants_per_month", ["low", "mode", "high"]]) == (20.0, 60.0, 60.0)


def test_drawn_inputs_follow_the_scenario_switches():
    plain = set(uncertain_inputs(S).input)
    assert set(FIT_PARAMETERS) <= plain
    assert {"demand.p2p_utility", "demand.nest_scale", "demand.track_wants_per_month", "royalties.roms_share",
            "payments.card_share", "market.quality_mix.mp3-128"} <= plain
    # the store's decisions, the reports, the file sizes and the fit-only US share are never drawn
    assert not plain & {"pricing.rate_usd_per_mb", "pricing.discount_share", "market.reported_revenue_usd",
                        "market.reported_customers", "catalogue.track_median_s", "encoding.tag_overhead_bytes",
                        "demand.us_download_share", "royalties.fair_share", "comparison.label_wholesale_usd"}
    wholesale = set(uncertain_inputs(make_scenario(preset="itunes_terms")).input)
    assert "comparison.label_wholesale_usd" in wholesale and "royalties.roms_share" not in wholesale
    free = set(uncertain_inputs(S.with_overrides({"payments.card_freeze_active": False})).input)
    assert not free & {"payments.card_share", "payments.recovered_share", "payments.mastercard_share"}
    assert "royalties.fair_share" in set(uncertain_inputs(S.with_overrides({"royalties.fair_enabled": True})).input)


def test_seeded_and_independent_of_the_chunk_size(monkeypatch):
    a, b = monte_carlo(S, draws=3000, seed=7), monte_carlo(S, draws=3000, seed=7)
    assert a.samples.equals(b.samples) and a.summary.equals(b.summary) and a.inputs.equals(b.inputs)
    assert not a.samples.equals(monte_carlo(S, draws=3000, seed=8).samples)
    monkeypatch.setattr(unc, "CHUNK_DRAWS", 701)  # five chunks, the last one short
    c = monte_carlo(S, draws=3000, seed=7)
    assert np.allclose(c.samples.to_numpy(), a.samples.to_numpy(), rtol=1e-12, atol=0)
    assert a.samples.shape == (3000, len(MC_OUTPUTS))
    for row in a.summary.itertuples():
        assert row.p5_value < row.p50_value < row.p95_value, row.output


@pytest.mark.parametrize("bad", [0, -1, MAX_DRAWS + 1, 2.5, True])
def test_draws_out_of_range_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="draws must be a whole number from 1 to 1,000,000"):
        monte_carlo(S, draws=bad)


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_a_bad_seed_is_refused_by_name(bad):
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        monte_carlo(S, draws=10, seed=bad)


def test_as_dict_leaves_samples_out():
    d = monte_carlo(S, draws=10, seed=1).as_dict()
    assert set(d) == {"draws", "seed", "inputs", "summary"} and len(d["summary"]) == len(MC_OUTPUTS)
    assert {"deterministic_percentile", "p50_value"} <= set(d["summary"][0])


def test_a_window_of_the_run_gives_the_same_year():
    # The Monte Carlo sums run.window(mask); it must equal summing the whole run over the mask, exactly.
    p, acct = periods_of(S), accounting_inputs(S)
    x = store_inputs(S)
    for year_end in ("2007-07", "2006-08", "2005-01"):
        mask = window_mask(p, year_end)
        full = year_from_run(run_store(p, x), mask, acct)
        run = run_store(p, x).window(mask)
        part = year_from_run(run, np.ones(mask.sum(), dtype=bool), acct)
        assert run.periods.days.size == mask.sum()
        assert part == full, year_end
    with pytest.raises(ValueError, match="consecutive periods"):
        run_store(p, x).window(np.arange(p.days.size) % 2 == 0)


@pytest.fixture(scope="module")
def revenue_tornado():
    return tornado(S, output="revenue_usd")


def test_tornado_ends_equal_market_year_at_those_ends(revenue_tornado):
    t = revenue_tornado
    assert list(t.columns[:8]) == ["input", "label", "unit", "low", "base", "high", "output", "output_unit"]
    assert t.swing.is_monotonic_decreasing
    assert np.allclose(t.swing, (t.output_at_high - t.output_at_low).abs())
    for r in t.itertuples():
        assert abs(r.output_at_low - market_year(S.with_overrides({r.input: r.low})).revenue_usd) < CENT, r.input
        assert abs(r.output_at_high - market_year(S.with_overrides({r.input: r.high})).revenue_usd) < CENT, r.input


def test_tornado_of_an_uploaded_catalogue_leaves_the_builtin_catalogue_out():
    lengths = [150_000, 200_000, 245_000, 320_000, 610_000]
    t = tornado(S, output="customers", durations_ms=lengths)
    assert not any(k.startswith("catalogue.") for k in t.input) and "encoding.tag_overhead_bytes" in set(t.input)
    for r in t.itertuples():
        for end, got in ((r.low, r.output_at_low), (r.high, r.output_at_high)):
            sc = S.with_overrides({r.input: end})
            assert abs(got - market_year(sc, profile=download_profile(sc, lengths)).customers) < CENT, r.input


def test_tornado_hand_checked_swings(revenue_tornado):
    t = revenue_tornado.set_index("input")
    base = market_year(S)
    # downloads are potential buyers x wants x share: revenue is proportional to the wants (20, 30, 45)
    assert t.loc["demand.track_wants_per_month", "output_at_low"] == pytest.approx(base.revenue_usd * 20 / 30, rel=1e-12)
    assert t.loc["demand.track_wants_per_month", "output_at_high"] == pytest.approx(base.revenue_usd * 45 / 30, rel=1e-12)
    # costs, ROMS and the reported figures do not move revenue
    assert (t.loc[["costs.card_fee_share", "costs.bandwidth_usd_per_gb", "royalties.roms_share",
                   "market.reported_revenue_usd"], "swing"] == 0).all()
    # every input of the year is there: fitted, demand, pricing, payments, sizes
    assert {*FIT_PARAMETERS, "pricing.rate_usd_per_mb", "pricing.discount_share", "payments.card_share",
            "catalogue.track_median_s", "encoding.tag_overhead_bytes"} <= set(t.index)
    # a fitted parameter moves by its conditional standard error: the ranges of assumptions.yaml
    p = S.assumptions.parameters["demand.price_sensitivity_per_usd"]
    assert tuple(t.loc["demand.price_sensitivity_per_usd", ["low", "base", "high"]]) == (p.low, p.value, p.high)


def test_tornado_of_the_split_is_linear_in_the_shares_and_costs():
    y = market_year(S)
    margin = tornado(S, output="operator_margin_usd").set_index("input")
    # card fees 2.5% to 8% of receipts; bandwidth 0.02 to 0.20 USD a GB of 10**9 bytes (data in TB of 10**12)
    fee = margin.loc["costs.card_fee_share"]
    assert fee.output_at_low - fee.output_at_high == pytest.approx((0.08 - 0.025) * y.revenue_usd, rel=1e-9)
    bw = margin.loc["costs.bandwidth_usd_per_gb"]
    assert bw.output_at_low - bw.output_at_high == pytest.approx((0.2 - 0.02) * y.data_served_tb * 1000, rel=1e-9)
    roms = tornado(S, output="roms_usd").set_index("input").loc["royalties.roms_share"]
    assert (roms.output_at_low, roms.output_at_high) == pytest.approx((0.15 * y.revenue_usd, 0.2 * y.revenue_usd),
                                                                      rel=1e-12)
    gap = tornado(S, output="revenue_gap_usd").set_index("input").loc["market.reported_revenue_usd"]
    assert gap.output_at_low == pytest.approx(y.revenue_usd - 10e6, rel=1e-12)


def test_outputs_are_the_numeric_fields_of_the_year():
    numeric = {f.name for f in fields(MarketYear)} - {"mb_unit"}
    assert set(OUTPUTS) == numeric and set(MC_OUTPUTS) <= numeric
    assert "implied_downloads_per_customer" not in OUTPUTS
    y = market_year(S)
    assert market_output(y, "downloads_per_customer") == pytest.approx(y.downloads / y.customers, rel=1e-12)


def test_unknown_output_lists_valid_ones():
    with pytest.raises(ValueError, match="unknown output 'revenue'; valid outputs are: customers, .*revenue_usd"):
        tornado(S, output="revenue")
