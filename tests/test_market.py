"""The market year: a 12-month window of the store model, split between who is paid."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.encoding import size_bytes
from simulator.model.market import (
    MIX_PREFIX,
    accounting_inputs,
    catalogue_durations_ms,
    download_profile,
    market_year,
    quality_mix,
    year_from_run,
)
from simulator.model.pricing import pricing_terms, track_price_cents
from simulator.model.store import store_run, window_mask
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import ScenarioError, make_scenario

PRESETS = sorted(load_assumptions().presets)
MONEY = ("card_fee_usd", "bandwidth_usd", "roms_usd", "fair_usd", "labels_usd", "operator_margin_usd")

# One encoding in the mix (MP3 128 kbps), two known tracks: 4:00 and 3:00.
DURATIONS_MS = [240_000, 180_000]
ONLY_128 = {k: (1.0 if k == f"{MIX_PREFIX}mp3-128" else 0.0)
            for k in load_assumptions().parameters if k.startswith(MIX_PREFIX)}


def test_the_year_sums_the_window_of_the_store_model_by_hand():
    s = make_scenario()
    r = store_run(s)
    p = r.periods
    inside = (p.start >= np.datetime64("2006-07-01")) & (p.start < np.datetime64("2007-07-01"))
    y = market_year(s)
    assert y.revenue_usd == pytest.approx(r.revenue_usd[inside].sum(), rel=1e-12)
    assert y.downloads == pytest.approx(r.downloads[inside].sum(), rel=1e-12)
    assert y.customers == pytest.approx(r.accounts[inside][-1], rel=1e-12)
    assert y.mean_price_usd == pytest.approx(y.revenue_usd / y.downloads, rel=1e-12)
    assert y.downloads_per_customer == pytest.approx(y.downloads / y.customers, rel=1e-12)
    # Who is paid, by hand: 4% card fees, $0.10 a GB, 15% of gross to ROMS.
    data_gb = r.bytes_served[inside].sum() / 1e9
    assert y.card_fee_usd == pytest.approx(0.04 * y.revenue_usd, rel=1e-12)
    assert y.bandwidth_usd == pytest.approx(0.10 * data_gb, rel=1e-12)
    assert y.roms_usd == pytest.approx(0.15 * y.revenue_usd, rel=1e-12)
    assert y.operator_margin_usd == pytest.approx(y.revenue_usd * (1 - 0.04 - 0.15) - 0.10 * data_gb, rel=1e-12)


def test_royalties_on_profit_and_labels_at_wholesale():
    s = make_scenario(overrides={"royalties.base": "profit"})
    y = market_year(s)
    assert y.roms_usd == pytest.approx(0.15 * (y.revenue_usd - y.card_fee_usd - y.bandwidth_usd), rel=1e-12)
    w = market_year(make_scenario(overrides={"rights.payment_model": "itunes_wholesale"}))
    assert w.roms_usd == 0 and w.labels_usd == pytest.approx(0.65 * w.downloads, rel=1e-12)


def test_another_year_is_another_window():
    s = make_scenario(overrides={"timeline.year_end": "2006-08"})
    r = store_run(s)
    y = market_year(s)
    m = window_mask(r.periods, "2006-08")
    assert y.revenue_usd == pytest.approx(r.revenue_usd[m].sum(), rel=1e-12)
    assert y.paying_factor == 1.0                                     # before the card freeze
    assert market_year(make_scenario()).paying_factor < 0.7


def test_arrays_of_runs_give_what_single_runs_give():
    from dataclasses import replace

    from simulator.model.store import periods_of, run_store, store_inputs
    s = make_scenario()
    p = periods_of(s)
    rates = np.array([0.02, 0.03, 0.04])
    y = year_from_run(run_store(p, replace(store_inputs(s), rate_usd_per_mb=rates)), window_mask(p, "2007-07"),
                      accounting_inputs(s))
    for i, rate in enumerate(rates):
        one = market_year(s.with_overrides({"pricing.rate_usd_per_mb": float(rate)}))
        assert y.revenue_usd[i] == pytest.approx(one.revenue_usd, rel=1e-12)
        assert y.customers[i] == pytest.approx(one.customers, rel=1e-12)


def test_defaults_closed_forms():
    y = market_year(make_scenario())
    assert y.mb_unit == "MB"
    assert y.data_served_tb == pytest.approx(y.downloads * y.mean_size_mb / 1e6, rel=1e-12)
    assert y.revenue_per_customer_usd == pytest.approx(y.revenue_usd / y.customers, rel=1e-12)


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


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_runs(preset):
    y = market_year(make_scenario(preset=preset))
    d = y.as_dict()
    assert all(math.isfinite(v) for k, v in d.items() if k != "mb_unit")
    assert y.revenue_usd > 0
    assert sum(d[k] for k in MONEY) == pytest.approx(y.revenue_usd, rel=1e-12)


def test_presets_move_what_they_say():
    base = market_year(make_scenario())
    at_2c = market_year(make_scenario(preset="rate_2005"))
    assert at_2c.downloads > 1.2 * base.downloads                      # the fitted demand answers the rate
    assert at_2c.mean_price_usd < base.mean_price_usd
    cards = market_year(make_scenario(preset="card_freeze"))           # had the cards kept working
    assert cards.paying_factor == 1.0 and cards.revenue_usd > 1.3 * base.revenue_usd
    assert market_year(make_scenario(preset="mp3sparks")).revenue_usd < base.revenue_usd
    assert market_year(make_scenario(preset="itunes_terms")).operator_margin_usd < 0
    assert market_year(make_scenario(preset="lossless")).mean_price_usd > 2 * base.mean_price_usd


inputs = st.fixed_dictionaries({
    "pricing.rate_usd_per_mb": st.floats(0.001, 0.3),
    "pricing.discount_share": st.floats(0, 0.34),
    "costs.card_fee_share": st.floats(0, 0.2),
    "costs.bandwidth_usd_per_gb": st.floats(0, 2),
    "royalties.roms_share": st.floats(0, 1),
    "royalties.fair_enabled": st.booleans(),
    "royalties.base": st.sampled_from(["gross", "profit"]),
    "rights.payment_model": st.sampled_from(["share", "itunes_wholesale"]),
    "payments.card_freeze_active": st.booleans(),
    "demand.potential_buyers": st.floats(100_000, 100_000_000),
})
PROFILE = download_profile(make_scenario())


@settings(max_examples=60, deadline=None)
@given(inputs)
def test_split_sums_to_gross(ov):
    y = market_year(make_scenario(overrides=ov), profile=PROFILE)
    parts = sum(getattr(y, k) for k in MONEY)
    assert parts == pytest.approx(y.revenue_usd, rel=1e-9, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(inputs, st.floats(1.0001, 3.0))
def test_revenue_rises_with_the_potential_buyers(ov, factor):
    key = "demand.potential_buyers"
    s = make_scenario(overrides=ov)
    hi = s.assumptions.parameters[key].bounds[1]
    bigger = min(ov[key] * factor, hi)
    a = market_year(s, profile=PROFILE)
    b = market_year(s.with_overrides({key: bigger}), profile=PROFILE)
    assert b.revenue_usd >= a.revenue_usd
    if bigger > ov[key] and a.revenue_usd > 0:
        assert b.revenue_usd > a.revenue_usd
        assert b.roms_usd >= a.roms_usd
