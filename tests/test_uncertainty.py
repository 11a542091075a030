"""Tests of simulator.model.uncertainty: the one-pass Monte Carlo and the tornado, with hand-checked values."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.model.market import download_profile, market_year
from simulator.model.uncertainty import (
    MAX_DRAWS,
    MC_OUTPUTS,
    OUTPUTS,
    _mean_size_bytes,
    draw_inputs,
    implied_downloads_per_customer,
    market_output,
    monte_carlo,
    tornado,
    uncertain_inputs,
)
from simulator.params.assumptions import default_assumptions_path, parse_assumptions, read_yaml_file
from simulator.params.scenario import make_scenario


def _assumptions(collapse=lambda name: True):
    """The embedded assumptions with ``low = high = value`` for every parameter ``collapse`` picks."""
    data = read_yaml_file(default_assumptions_path())

    def walk(tree, prefix):
        for key, node in tree.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(node, dict) and "value" in node:
                if "low" in node and "high" in node and collapse(name):
                    node["low"] = node["high"] = node["value"]
            else:
                walk(node, name)

    walk(data["parameters"], "")
    return parse_assumptions(data, source_path="<test>")


@pytest.fixture(scope="module")
def collapsed():
    return make_scenario(_assumptions())


def test_zero_width_monte_carlo_equals_deterministic_market_year(collapsed):
    mc = monte_carlo(collapsed, draws=1000, seed=1)
    y = market_year(collapsed)
    assert mc.inputs.empty
    for o in MC_OUTPUTS:
        det = market_output(y, o)
        assert np.all(mc.samples[o].to_numpy() == det), o
        row = mc.summary.set_index("output").loc[o]
        assert row.p5_value == row.p50_value == row.p95_value == row.deterministic_value == det


def test_zero_width_tornado_has_zero_swing(collapsed):
    t = tornado(collapsed, output="revenue_usd")
    assert len(t) > 10 and (t.swing == 0).all()
    assert (t.output_at_low == t.output_base).all()


def test_one_zero_width_input_has_zero_swing():
    s = make_scenario(_assumptions(lambda name: name == "pricing.rate_usd_per_mb"))
    t = tornado(s).set_index("input")
    assert t.loc["pricing.rate_usd_per_mb", "swing"] == 0
    assert t.loc["market.customers", "swing"] > 0
    assert "pricing.rate_usd_per_mb" not in set(uncertain_inputs(s).input)


def test_size_formula_is_exact_at_the_scenario_values():
    s = make_scenario()
    assert _mean_size_bytes(s, download_profile(s), {}) == download_profile(s).mean_size_bytes


def test_size_formula_is_exact_for_mix_weights():
    # the mean size is linear in the normalised weights: the approximation is exact there
    s = make_scenario()
    rng = np.random.default_rng(3)
    v = draw_inputs(s, 5, rng)
    mix = {k: v[k] for k in v if k.startswith("market.quality_mix.")}
    approx = _mean_size_bytes(s, download_profile(s), mix)
    for i in range(5):
        exact = download_profile(s.with_overrides({k: float(x[i]) for k, x in mix.items()})).mean_size_bytes
        assert approx[i] == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize(
    "name, value",
    [
        ("catalogue.track_median_s", 210.0),
        ("catalogue.track_length_sigma", 0.45),
        ("encoding.flac_cd_fraction", 0.7),
        ("encoding.tag_overhead_bytes", 200_000),
    ],
)
def test_size_approximation_is_close_to_the_rebuilt_catalogue(name, value):
    s = make_scenario()
    approx = _mean_size_bytes(s, download_profile(s), {name: np.array([float(value)])})[0]
    exact = download_profile(s.with_overrides({name: value})).mean_size_bytes
    assert approx == pytest.approx(exact, rel=1e-3)


def test_percentiles_ordered_and_reproducible():
    a, b = monte_carlo(make_scenario(), draws=5000, seed=7), monte_carlo(make_scenario(), draws=5000, seed=7)
    for row in a.summary.itertuples():
        assert row.p5_value < row.p50_value < row.p95_value, row.output
    assert a.samples.equals(b.samples) and a.summary.equals(b.summary)
    c = monte_carlo(make_scenario(), draws=5000, seed=8)
    assert not a.samples.equals(c.samples)
    assert a.samples.shape == (5000, len(MC_OUTPUTS))


def test_draws_follow_their_distributions():
    s = make_scenario()
    v = draw_inputs(s, 20_000, np.random.default_rng(1))
    inputs = uncertain_inputs(s).set_index("input")
    for name, x in v.items():
        lo, mode, hi = inputs.loc[name, ["low", "mode", "high"]]
        assert lo <= x.min() and x.max() <= hi, name
        assert x.mean() == pytest.approx((lo + mode + hi) / 3, abs=0.02 * (hi - lo)), name  # triangular mean
    assert np.all(v["encoding.tag_overhead_bytes"] == np.rint(v["encoding.tag_overhead_bytes"]))  # integer


def test_out_of_range_value_widens_the_triangle():
    # the MP3Sparks preset's 4 c/MB lies above the plausible 2-3 c/MB: it stays the mode, the range widens to it
    inputs = uncertain_inputs(make_scenario(preset="mp3sparks")).set_index("input")
    row = inputs.loc["pricing.rate_usd_per_mb"]
    assert row["distribution"] == "triangular"
    assert (row["low"], row["mode"], row["high"]) == (0.02, 0.04, 0.04)


def test_monte_carlo_of_customers_alone_is_proportional():
    s = make_scenario(_assumptions(lambda name: name != "market.customers"))
    mc = monte_carlo(s, draws=2000, seed=2)
    assert list(mc.inputs.input) == ["market.customers"]
    base = market_year(s).revenue_usd
    v = draw_inputs(s, 2000, np.random.default_rng(2))["market.customers"]
    assert np.allclose(mc.samples.revenue_usd.to_numpy(), base * v / 5_500_000, rtol=1e-12, atol=0)


def test_inputs_follow_the_scenario_switches():
    plain = set(uncertain_inputs(make_scenario()).input)
    assert "royalties.roms_share" in plain
    assert not plain & {"royalties.fair_share", "payments.card_share", "comparison.label_wholesale_usd"}
    assert "catalogue.tracks_per_album_mean" not in plain  # only changes the sample of tracks
    wholesale = set(uncertain_inputs(make_scenario(preset="itunes_terms")).input)
    assert "comparison.label_wholesale_usd" in wholesale and "royalties.roms_share" not in wholesale
    freeze = set(uncertain_inputs(make_scenario(preset="card_freeze")).input)
    assert {"payments.card_share", "payments.recovered_share"} <= freeze
    fair = set(uncertain_inputs(make_scenario(overrides={"royalties.fair_enabled": True})).input)
    assert "royalties.fair_share" in fair
    uploaded = monte_carlo(make_scenario(), draws=100, durations_ms=[180_000, 240_000, 300_000])
    assert not set(uploaded.inputs.input) & {"catalogue.track_median_s", "catalogue.track_length_sigma"}


def test_draws_out_of_range_are_errors():
    for bad in (0, -1, MAX_DRAWS + 1, 2.5, True):
        with pytest.raises(ValueError, match="draws must be a whole number from 1 to 1,000,000"):
            monte_carlo(make_scenario(), draws=bad)


def test_implied_downloads_per_customer_by_hand():
    y = market_year(make_scenario())
    assert implied_downloads_per_customer(y) == pytest.approx(30e6 / (5.5e6 * y.mean_price_usd), rel=1e-12)
    f = market_year(make_scenario(preset="card_freeze"))
    # under the freeze only a share of customers can pay: more downloads each to reach the same revenue
    assert implied_downloads_per_customer(f) == pytest.approx(30e6 / (5.5e6 * f.paying_factor * f.mean_price_usd))


@pytest.fixture(scope="module")
def revenue_tornado():
    return tornado(make_scenario(), output="revenue_usd")


def test_tornado_sorted_by_swing(revenue_tornado):
    t = revenue_tornado
    assert list(t.columns[:8]) == ["input", "label", "unit", "low", "base", "high", "output", "output_unit"]
    assert t.swing.is_monotonic_decreasing
    assert np.allclose(t.swing, (t.output_at_high - t.output_at_low).abs())


def test_tornado_hand_checked_swing(revenue_tornado):
    t = revenue_tornado.set_index("input")
    base = market_year(make_scenario()).revenue_usd
    # revenue is proportional to customers: 5.0 and 6.0 million against 5.5 million
    assert t.loc["market.customers", "output_at_low"] == pytest.approx(base * 5 / 5.5, rel=1e-12)
    assert t.loc["market.customers", "output_at_high"] == pytest.approx(base * 6 / 5.5, rel=1e-12)
    # and to the rate: 2 c/MB is two thirds of 3 c/MB
    assert t.loc["pricing.rate_usd_per_mb", "output_at_low"] == pytest.approx(base * 2 / 3, rel=1e-12)
    # a 33% discount takes a third off
    assert t.loc["pricing.discount_share", "output_at_high"] == pytest.approx(base * 0.67, rel=1e-12)


def test_tornado_biggest_inputs_are_plausible(revenue_tornado):
    top = list(revenue_tornado.input[:5])
    assert top[0] == "market.downloads_per_customer"  # 10 to 100 a year: the widest range
    assert {"pricing.rate_usd_per_mb", "pricing.discount_share", "market.customers"} <= set(top)
    # reported figures and costs do not move revenue
    t = revenue_tornado.set_index("input")
    assert t.loc[["market.reported_revenue_usd", "costs.card_fee_share", "costs.bandwidth_usd_per_gb"], "swing"].eq(0).all()


def test_tornado_of_implied_downloads_moves_with_reported_revenue():
    t = tornado(make_scenario(), output="implied_downloads_per_customer").set_index("input")
    base = implied_downloads_per_customer(market_year(make_scenario()))
    assert t.loc["market.reported_revenue_usd", "output_at_low"] == pytest.approx(base / 3, rel=1e-12)
    assert t.loc["market.downloads_per_customer", "swing"] == 0


def test_unknown_output_lists_valid_ones():
    with pytest.raises(ValueError, match="unknown output 'revenue'; valid outputs are: customers, .*revenue_usd"):
        tornado(make_scenario(), output="revenue")
    assert "implied_downloads_per_customer" in OUTPUTS and "mb_unit" not in OUTPUTS


def test_as_dict_leaves_samples_out():
    d = monte_carlo(make_scenario(), draws=10, seed=1).as_dict()
    assert set(d) == {"draws", "seed", "inputs", "summary"} and len(d["summary"]) == len(MC_OUTPUTS)
