"""Tests of simulator.model.market: a hand-computed market year, closed forms, invariants and every preset."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.encoding import size_bytes
from simulator.model.market import (
    MIX_PREFIX,
    catalogue_durations_ms,
    download_profile,
    market_arrays,
    market_inputs,
    market_year,
    quality_mix,
)
from simulator.model.pricing import pricing_terms, track_price_cents
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import ScenarioError, make_scenario

PRESETS = sorted(load_assumptions().presets)
MONEY = ("card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd", "operator_margin_usd")

# One encoding in the mix (MP3 128 kbps), two known tracks: 4:00 and 3:00.
DURATIONS_MS = [240_000, 180_000]
ONLY_128 = {k: (1.0 if k == f"{MIX_PREFIX}mp3-128" else 0.0)
            for k in load_assumptions().parameters if k.startswith(MIX_PREFIX)}
SIMPLE = {**ONLY_128, "market.customers": 1_000_000, "market.downloads_per_customer": 10.0}


def simple_year(**overrides):
    s = make_scenario(overrides={**SIMPLE, **overrides})
    return market_year(s, profile=download_profile(s, durations_ms=DURATIONS_MS))


def test_hand_computed_market_year():
    # sizes 128 kbps x 240 s / 8 = 3,840,000 B and x 180 s = 2,880,000 B: mean 3,360,000 B = 3.36 MB
    y = simple_year()
    expected = {
        "customers": 1_000_000, "paying_factor": 1.0, "downloads_per_customer": 10.0, "downloads": 10_000_000,
        "mean_size_mb": 3.36, "mean_price_usd": 0.1008,            # 3.36 MB x 0.03 USD/MB
        "revenue_usd": 1_008_000,                                   # 1e7 x 0.1008
        "card_fee_usd": 40_320,                                     # 4% of gross
        "bandwidth_usd": 3_360,                                     # 1e7 x 3.36e6 B x 0.10 USD / 1e9 B
        "roms_usd": 151_200,                                        # 15% of gross
        "fair_usd": 0, "labels_usd": 0,
        "operator_margin_usd": 813_120,                             # 1,008,000 - 40,320 - 3,360 - 151,200
        "data_served_tb": 33.6,                                     # 1e7 x 3.36e6 B / 1e12
        "revenue_per_customer_usd": 1.008,
        "reported_revenue_usd": 30_000_000, "reported_customers": 5_500_000,
        "revenue_gap_usd": -28_992_000, "revenue_gap_pct": -96.64,
        "customers_gap": -4_500_000, "customers_gap_pct": -100 * 4.5 / 5.5,
    }
    got = y.as_dict()
    assert got["mb_unit"] == "MB"
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-12, abs=1e-9), k
    assert set(got) == set(expected) | {"mb_unit"}


@pytest.mark.parametrize(
    "overrides, field, value",
    [
        ({"payments.card_freeze_active": True}, "downloads", 10_000_000 * (1 - 0.7 * 0.6)),
        ({"payments.card_freeze_active": True}, "paying_factor", 0.58),
        ({"royalties.base": "profit"}, "roms_usd", 0.15 * (1_008_000 - 40_320 - 3_360)),
        ({"royalties.fair_enabled": True}, "fair_usd", 0.25 * 1_008_000),
        ({"royalties.fair_enabled": True}, "operator_margin_usd", 813_120 - 252_000),
        ({"rights.payment_model": "itunes_wholesale"}, "labels_usd", 10_000_000 * 0.65),
        ({"rights.payment_model": "itunes_wholesale"}, "roms_usd", 0.0),
        ({"rights.payment_model": "itunes_wholesale"}, "operator_margin_usd", 1_008_000 - 40_320 - 3_360 - 6_500_000),
        ({"pricing.discount_share": 0.1}, "revenue_usd", 1_008_000 * 0.9),
        ({"pricing.mb_convention": "binary"}, "mean_size_mb", 3_360_000 / 2**20),
        ({"pricing.mb_convention": "binary"}, "revenue_usd", 1e7 * 3_360_000 / 2**20 * 0.03),
        ({"encoding.tag_overhead_bytes": 40_000}, "mean_size_mb", 3.4),
        ({"pricing.rate_usd_per_mb": 0.02}, "revenue_usd", 672_000),
    ],
    ids=["freeze-downloads", "freeze-factor", "profit-base", "fair", "fair-margin", "wholesale-labels",
         "wholesale-no-roms", "wholesale-margin", "discount", "binary-size", "binary-revenue", "overhead", "rate-2c"],
)
def test_hand_computed_variants(overrides, field, value):
    assert getattr(simple_year(**overrides), field) == pytest.approx(value, rel=1e-12)


def test_defaults_closed_forms():
    y = market_year(make_scenario())
    assert y.roms_usd == pytest.approx(0.15 * y.revenue_usd, rel=1e-15)
    assert y.revenue_usd == pytest.approx(y.customers * y.downloads_per_customer * y.mean_price_usd, rel=1e-15)
    assert y.revenue_per_customer_usd == pytest.approx(y.revenue_usd / 5.5e6, rel=1e-15)
    prof = download_profile(make_scenario())
    assert y.mean_size_mb == pytest.approx(prof.mean_size_bytes / 1e6, rel=1e-15)


def test_expected_price_is_within_a_tenth_of_a_percent_of_per_track_rounding():
    s = make_scenario()
    d = catalogue_durations_ms(s)
    terms = pricing_terms(s)
    for enc, kbps in (("mp3-128", 128), ("mp3-192", 192), ("mp3-320", 320)):
        b = size_bytes(d, kbps)
        exact = b.mean() / 1e6 * 0.03
        rounded = track_price_cents(b, terms).mean() / 100
        assert abs(rounded / exact - 1) < 1e-3, enc


def test_quality_mix_is_normalised_and_refuses_all_zero():
    s = make_scenario(overrides={f"{MIX_PREFIX}flac": 1.0})
    m = quality_mix(s)
    assert math.isclose(sum(m.values()), 1.0)
    assert m["flac"] == pytest.approx(1.0 / (0.98 + 1.0))   # the other default weights sum to 0.98
    with pytest.raises(ScenarioError, match="quality-mix weight must be above 0, got all 0"):
        make_scenario(overrides={k: 0.0 for k in ONLY_128})


def test_download_profile_refuses_no_tracks_and_reports_means():
    with pytest.raises(ValueError, match="durations_ms"):
        download_profile(make_scenario(), durations_ms=[])
    p = download_profile(make_scenario(overrides=ONLY_128), durations_ms=DURATIONS_MS)
    assert p.tracks == 2 and p.mean_duration_s == 210.0
    assert p.mean_size_bytes_by_encoding["mp3-128"] == 3_360_000


def test_market_arrays_broadcasts_and_matches_scalars():
    kw = market_inputs(make_scenario())
    rates = np.array([0.01, 0.02, 0.03])
    dpc = np.array([[10.0], [20.0]])
    grid = market_arrays(**{**kw, "rate_usd_per_mb": rates, "downloads_per_customer": dpc})
    assert grid.revenue_usd.shape == (2, 3)
    one = market_arrays(**{**kw, "rate_usd_per_mb": 0.02, "downloads_per_customer": 20.0})
    assert isinstance(one.revenue_usd, float)
    assert grid.revenue_usd[1, 1] == pytest.approx(one.revenue_usd, rel=1e-15)


def test_market_arrays_zero_customers_gives_zero_per_customer():
    kw = market_inputs(make_scenario())
    y = market_arrays(**{**kw, "customers": np.array([0.0, 1e6])})
    assert y.revenue_per_customer_usd.tolist()[0] == 0.0


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_runs(preset):
    y = market_year(make_scenario(preset=preset))
    d = y.as_dict()
    assert all(math.isfinite(v) for k, v in d.items() if k != "mb_unit")
    assert y.revenue_usd > 0
    assert sum(d[k] for k in MONEY) == pytest.approx(y.revenue_usd, rel=1e-12)


def test_presets_move_what_they_say():
    base = market_year(make_scenario())
    assert market_year(make_scenario(preset="rate_2005")).revenue_usd == pytest.approx(base.revenue_usd * 2 / 3)
    assert market_year(make_scenario(preset="card_freeze")).paying_factor == pytest.approx(0.58)
    assert market_year(make_scenario(preset="itunes_terms")).operator_margin_usd < 0
    assert market_year(make_scenario(preset="lossless")).mean_price_usd > 3 * base.mean_price_usd


inputs = st.fixed_dictionaries({
    "market.customers": st.floats(10_000, 50_000_000),
    "market.downloads_per_customer": st.floats(0, 5000),
    "pricing.rate_usd_per_mb": st.floats(0.001, 0.3),
    "pricing.discount_share": st.floats(0, 0.34),
    "costs.card_fee_share": st.floats(0, 0.2),
    "costs.bandwidth_usd_per_gb": st.floats(0, 2),
    "royalties.roms_share": st.floats(0, 1),
    "royalties.fair_enabled": st.booleans(),
    "royalties.base": st.sampled_from(["gross", "profit"]),
    "rights.payment_model": st.sampled_from(["share", "itunes_wholesale"]),
    "payments.card_freeze_active": st.booleans(),
})
PROFILE = download_profile(make_scenario())


@given(inputs)
def test_split_sums_to_gross(ov):
    y = market_year(make_scenario(overrides=ov), profile=PROFILE)
    parts = sum(getattr(y, k) for k in MONEY)
    assert parts == pytest.approx(y.revenue_usd, rel=1e-9, abs=1e-6)


@given(inputs, st.floats(1.0001, 3.0), st.sampled_from(["market.customers", "market.downloads_per_customer"]))
def test_revenue_rises_with_customers_and_downloads(ov, factor, key):
    s = make_scenario(overrides=ov)
    hi = s.assumptions.parameters[key].bounds[1]
    bigger = min(ov[key] * factor, hi)
    a = market_year(s, profile=PROFILE)
    b = market_year(s.with_overrides({key: bigger}), profile=PROFILE)
    assert b.revenue_usd >= a.revenue_usd
    if bigger > ov[key] and a.revenue_usd > 0:
        assert b.revenue_usd > a.revenue_usd
        assert b.roms_usd >= a.roms_usd
