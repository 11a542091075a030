"""Tests of simulator.model.rights: ROMS against iTunes wholesale, and the US lawsuit arithmetic."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from simulator.model.market import market_year
from simulator.model.rights import (
    lawsuit_arithmetic,
    lawsuit_rate_days,
    rights_comparison,
    roms_per_track_table,
)
from simulator.model.store import store_run
from simulator.params.assumptions import ScenarioError, load_assumptions
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


#: The lawsuit's songs were bought 1 June - 31 October 2006: 1 Jun - 12 Aug is 30 + 31 + 12 = 73 days at 2 c/MB,
#: 13 Aug - 31 Oct is 19 + 30 + 31 = 80 days at 3 c/MB (the rise of 13 Aug 2006, rate_timeline).
DAY_WEIGHTED_RATE = (73 * 0.02 + 80 * 0.03) / 153


def test_lawsuit_rate_days_by_hand():
    t = lawsuit_rate_days(make_scenario())
    assert [(str(r.first_day), str(r.last_day), r.rate_usd_per_mb, r.days) for r in t.itertuples()] == [
        ("2006-06-01", "2006-08-12", 0.02, 73.0), ("2006-08-13", "2006-10-31", 0.03, 80.0)]
    assert DAY_WEIGHTED_RATE == pytest.approx(0.0252288, abs=1e-7)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("2006-08-13", "2006-08-13", [(0.03, 1.0)]),                                # the day of the rise
     ("2006-08-12", "2006-08-13", [(0.02, 1.0), (0.03, 1.0)]),
     ("2004-12-01", "2005-02-28", [(0.01, 45.0), (0.02, 45.0)]),                  # 1 Dec-14 Jan, 15 Jan-28 Feb
     ("2004-01-01", "2007-07-31", [(0.01, 380.0), (0.02, 575.0), (0.03, 353.0)])],
    ids=["one-day", "across-the-rise", "across-the-2005-rise", "the-whole-history"],
)
def test_lawsuit_rate_days_other_windows(first, last, expected):
    s = make_scenario(overrides={"rights.us_songs_first_day": first, "rights.us_songs_last_day": last})
    t = lawsuit_rate_days(s)
    assert list(zip(t.rate_usd_per_mb, t.days, strict=True)) == expected


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
    # contribution margin: revenue less card fees (4%), ROMS (15%) and bandwidth (0.1 USD/GB of the bytes served)
    mean_bytes = r.bytes_served[inside].sum() / r.downloads[inside].sum()
    bandwidth = 11e6 * mean_bytes * 0.10 / 1e9
    assert law.operator_margin_usd == pytest.approx(11e6 * price * (1 - 0.04 - 0.15) - bandwidth, rel=1e-12)


def test_lawsuit_follows_the_rate_after_the_rise_only():
    base = lawsuit_arithmetic(make_scenario())
    at_2c = lawsuit_arithmetic(make_scenario(preset="rate_2005"))
    assert at_2c.rate_usd_per_mb == 0.02 and at_2c.mean_price_usd < base.mean_price_usd
    # Without the freeze more of the period's downloads fall after the rise, at 3 c/MB: a dearer mean song.
    assert lawsuit_arithmetic(make_scenario(preset="card_freeze")).mean_price_usd > base.mean_price_usd
def test_lawsuit_with_fair_splits_the_same_receipts():
    s = make_scenario(overrides={"royalties.fair_enabled": True})
    law = lawsuit_arithmetic(s)
    assert law.revenue_usd == pytest.approx(lawsuit_arithmetic(make_scenario()).revenue_usd, rel=1e-12)
    assert (law.roms_usd, law.fair_usd) == (pytest.approx(0.15 * law.revenue_usd, rel=1e-12),
                                            pytest.approx(0.25 * law.revenue_usd, rel=1e-12))


def test_lawsuit_rate_days_follow_the_dated_rates_and_the_scenarios():
    assert lawsuit_rate_days(make_scenario())[["rate_usd_per_mb", "days"]].values.tolist() == [[0.02, 73.0], [0.03, 80.0]]
    t = lawsuit_rate_days(make_scenario(preset="mp3sparks"))
    assert t.rate_usd_per_mb.tolist() == [0.02, 0.04]                  # from 13 Aug 2006, the scenario's rate


def test_lawsuit_follows_the_window():
    # All 11 million songs bought after the rise: the model's mean price from 13 Aug to 31 Oct 2006.
    s = make_scenario(overrides={"rights.us_songs_first_day": "2006-08-13"})
    r = store_run(s)
    p = r.periods
    inside = (p.start >= np.datetime64("2006-08-13")) & (p.end <= np.datetime64("2006-11-01"))
    law = lawsuit_arithmetic(s)
    assert law.rate_usd_per_mb == pytest.approx(0.03, rel=1e-12)
    assert law.revenue_usd == pytest.approx(11e6 * r.revenue_usd[inside].sum() / r.downloads[inside].sum(), rel=1e-12)


@pytest.mark.parametrize(
    ("overrides", "words"),
    [({"rights.us_songs_first_day": "2006-11-01"}, "must not be after rights.us_songs_last_day"),
     ({"rights.us_songs_first_day": "2003-12-31"}, "must not be before the first rate of rate_timeline (2004-01-01)"),
     ({"rights.us_songs_last_day": "2006-02-30"}, "rights.us_songs_last_day must be a date written YYYY-MM-DD"),
     ({"rights.us_songs_last_day": 20061031}, "must be a date written YYYY-MM-DD, got 20061031")],
    ids=["ends-before-it-starts", "before-the-first-rate", "no-such-day", "a-number"],
)
def test_bad_windows_are_refused(overrides, words):
    with pytest.raises(ScenarioError, match=re.escape(words)):
        make_scenario(overrides=overrides)


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
