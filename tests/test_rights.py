"""Tests of simulator.model.rights: ROMS against iTunes wholesale, and the US lawsuit arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.model.market import market_year
from simulator.model.store import store_run
from simulator.model.rights import lawsuit_arithmetic, rights_comparison, roms_per_track_table
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario

PRESETS = sorted(load_assumptions().presets)


def test_rights_comparison_closed_forms():
    y = market_year(make_scenario())
    r = rights_comparison(make_scenario())
    assert r.downloads == y.downloads and r.revenue_usd == y.revenue_usd
    assert r.roms_usd_per_download == pytest.approx(0.15 * y.mean_price_usd, rel=1e-12)
    assert r.roms_usd_per_year == pytest.approx(0.15 * y.revenue_usd, rel=1e-12)
    assert (r.wholesale_usd_per_download, r.wholesale_low_usd_per_download, r.wholesale_high_usd_per_download) == (
        0.65, 0.62, 0.70)
    assert r.wholesale_usd_per_year == pytest.approx(0.65 * y.downloads, rel=1e-15)
    assert r.wholesale_high_usd_per_year == pytest.approx(0.70 * y.downloads, rel=1e-15)
    assert r.wholesale_to_paid_ratio == pytest.approx(0.65 / (0.15 * y.mean_price_usd), rel=1e-12)
    assert r.shortfall_usd_per_year == pytest.approx(0.65 * y.downloads - 0.15 * y.revenue_usd, rel=1e-12)
    assert r.wholesale_share_of_revenue == pytest.approx(0.65 / y.mean_price_usd, rel=1e-12)
    assert set(r.as_dict()) >= {"roms_usd_per_year", "wholesale_usd_per_year"}


def test_rights_with_fair_and_under_the_wholesale_preset():
    r = rights_comparison(make_scenario(overrides={"royalties.fair_enabled": True}))
    y = market_year(make_scenario())
    assert r.fair_usd_per_year == pytest.approx(0.25 * y.revenue_usd, rel=1e-12)
    assert r.wholesale_to_paid_ratio == pytest.approx(0.65 * y.downloads / (0.40 * y.revenue_usd), rel=1e-12)
    # the itunes_terms preset pays labels, but ROMS is still what the share model would have paid
    w = rights_comparison(make_scenario(preset="itunes_terms"))
    assert w.roms_usd_per_year == pytest.approx(0.15 * y.revenue_usd, rel=1e-12)


def test_roms_per_track_matches_the_quote():
    t = roms_per_track_table(make_scenario()).set_index("encoding")
    assert list(t.index) == ["mp3-128", "mp3-192", "mp3-256", "mp3-320", "aac-256", "flac"]
    # 4:00 at 192 kbps: 5.76 MB x 0.03 = 0.1728 -> 0.17; ROMS 15% = 0.0255
    assert (t.loc["mp3-192", "price_usd"], t.loc["mp3-192", "roms_usd"]) == (0.17, pytest.approx(0.0255))
    assert t.loc["mp3-128", "price_usd"] == 0.12 and t.loc["mp3-128", "size_mb"] == 3.84
    assert t.loc["mp3-192", "wholesale_to_roms_ratio"] == pytest.approx(0.65 / 0.0255)
    assert (t.duration_s == 240.0).all()


def test_roms_per_track_other_length_and_errors():
    t = roms_per_track_table(make_scenario(), duration_s=600, encodings=["mp3-320"])
    assert t.price_usd.iloc[0] == 0.72                                          # 24 MB x 0.03
    with pytest.raises(ValueError, match="duration_s"):
        roms_per_track_table(make_scenario(), duration_s=-1)
    with pytest.raises(ValueError, match="unknown encoding"):
        roms_per_track_table(make_scenario(), encodings=["mp3-1"])


def test_lawsuit_arithmetic():
    s = make_scenario()
    law = lawsuit_arithmetic(s)
    r = store_run(s)
    p = r.periods
    inside = (p.start >= np.datetime64("2006-06-01")) & (p.end <= np.datetime64("2006-11-01"))
    price = r.revenue_usd[inside].sum() / r.downloads[inside].sum()     # the model's mean price, June-October 2006
    assert law.claim_usd == 1_650_000_000_000 == 11_000_000 * 150_000
    assert law.songs == 11e6 and law.statutory_damages_usd_per_song == 150_000
    # 1 Jun - 12 Aug at 2 c/MB (73 days), 13 Aug - 31 Oct at 3 c/MB (80 days)
    assert law.rate_usd_per_mb == pytest.approx((73 * 0.02 + 80 * 0.03) / 153, rel=1e-12)
    assert law.mean_price_usd == pytest.approx(price, rel=1e-12)
    assert law.revenue_usd == pytest.approx(11e6 * price, rel=1e-12)
    assert law.roms_usd == pytest.approx(0.15 * 11e6 * price, rel=1e-12)
    assert law.itunes_retail_usd == pytest.approx(11e6 * 0.99) and law.itunes_wholesale_usd == pytest.approx(11e6 * 0.65)
    assert law.claim_to_revenue_ratio == pytest.approx(150_000 / price, rel=1e-12)
    assert law.claim_to_roms_ratio == pytest.approx(150_000 / (0.15 * price), rel=1e-12)
    assert law.claim_to_wholesale_ratio == pytest.approx(150_000 / 0.65, rel=1e-12)
    m = law.revenue_usd - 0.04 * law.revenue_usd - law.roms_usd
    assert law.operator_margin_usd < m                                           # bandwidth comes off too


def test_lawsuit_follows_the_rate_after_the_rise_only():
    base = lawsuit_arithmetic(make_scenario())
    at_2c = lawsuit_arithmetic(make_scenario(preset="rate_2005"))
    assert at_2c.rate_usd_per_mb == 0.02 and at_2c.mean_price_usd < base.mean_price_usd
    # Without the freeze more of the period's downloads fall after the rise, at 3 c/MB: a dearer mean song.
    assert lawsuit_arithmetic(make_scenario(preset="card_freeze")).mean_price_usd > base.mean_price_usd


def test_zero_songs_gives_undefined_ratios_and_zero_damages_infinite_ones():
    law = lawsuit_arithmetic(make_scenario(overrides={"rights.us_songs_jun_oct_2006": 0}))
    assert law.claim_usd == 0 and law.revenue_usd == 0 and math.isnan(law.claim_to_revenue_ratio)
    free = lawsuit_arithmetic(make_scenario(overrides={"pricing.rate_usd_per_mb": 0.001,
                                                       "comparison.label_wholesale_usd": 0.0}))
    assert math.isinf(free.claim_to_wholesale_ratio)


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_runs(preset):
    s = make_scenario(preset=preset)
    assert rights_comparison(s).roms_usd_per_year > 0
    assert lawsuit_arithmetic(s).claim_usd == 1.65e12
    assert len(roms_per_track_table(s)) == 6
