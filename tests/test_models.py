"""Tests of simulator.model.tariffs: pricing models side by side, hand-computed baskets and the listener table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.model.catalogue import builtin_catalogue
from simulator.model.encoding import EncodingError
from simulator.model.pricing import quote_track
from simulator.model.tariffs import (
    MODELS,
    ModelsError,
    basket_costs,
    break_even_durations,
    listener_table,
    listener_types,
    price_by_length,
)
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario

PRESETS = sorted(load_assumptions().presets)


def costs(tracks, scenario=None, **kwargs) -> dict[str, float]:
    t = basket_costs(tracks, scenario if scenario is not None else make_scenario(), **kwargs)
    assert t.model.tolist() == list(MODELS)
    return dict(zip(t.model, t.price_usd, strict=True))


def test_per_mb_curve_uses_the_exact_track_prices():
    d = np.array([0, 1, 59.5, 180, 240, 241.37, 600, 1375])
    t = price_by_length(make_scenario(), durations_s=d, encodings=["mp3-128", "mp3-192", "flac"])
    for enc in ("mp3-128", "mp3-192", "flac"):
        got = t[(t.model == "per_mb") & (t.encoding == enc)].price_usd.to_numpy()
        want = [float(quote_track(int(round(x * 1000)), enc, make_scenario()).price_usd) for x in d]
        assert got.tolist() == want, enc


def test_per_mb_curve_unrounded():
    s = make_scenario(overrides={"pricing.rounding": "unrounded"})
    t = price_by_length(s, durations_s=[240.0], encodings=["mp3-128"])
    assert t.price_usd.iloc[0] == pytest.approx(0.1152, rel=1e-15)          # 3.84 MB x 0.03


def test_flat_curves():
    t = price_by_length(make_scenario(), durations_s=[60, 600]).groupby("model").price_usd
    assert t.min()["itunes"] == t.max()["itunes"] == 0.99
    assert t.min()["itunes_plus"] == 1.29
    assert t.min()["itunes_album_cap"] == 0.91                 # 9.99 / 11 tracks, to the cent
    assert t.min()["subscription"] == 0.25                     # 9.99 / 40 credits, to the cent


def test_default_curve_grid_and_series():
    t = price_by_length(make_scenario())
    assert set(t.series) >= {"AllofMP3, per MB (mp3-192)", "AllofMP3, per MB (flac)", "iTunes, per track"}
    assert t.duration_s.max() == 1800.0 and t.groupby("series").size().eq(61).all()


def test_price_by_length_refuses_bad_lengths():
    with pytest.raises(ModelsError, match="durations_s"):
        price_by_length(make_scenario(), durations_s=[-1.0])
    with pytest.raises(EncodingError, match="unknown encoding"):
        price_by_length(make_scenario(), durations_s=[1.0], encodings=["mp3-999"])


def test_break_even_lengths():
    t = break_even_durations(make_scenario(), encodings=["mp3-128", "mp3-192"]).set_index("encoding")
    # 192 kbps = 24,000 B/s; at 3 c/MB a second costs 0.00072 USD: 0.99 / 0.00072 = 1375 s
    assert t.loc["mp3-192", "usd_per_s"] == pytest.approx(0.00072, rel=1e-15)
    assert t.loc["mp3-192", "itunes_s"] == pytest.approx(1375.0, rel=1e-15)
    assert t.loc["mp3-128", "itunes_plus_s"] == pytest.approx(1.29 / 0.00048, rel=1e-15)
    assert t.loc["mp3-192", "subscription_s"] == pytest.approx(9.99 / 40 / 0.00072, rel=1e-15)
    # the unrounded curve crosses iTunes there: 32.88 MB -> 0.9864, 33.12 MB -> 0.9936
    s = make_scenario(overrides={"pricing.rounding": "unrounded"})
    c = price_by_length(s, durations_s=[1370.0, 1380.0], encodings=["mp3-192"])
    assert c[c.model == "per_mb"].price_usd.tolist() == pytest.approx([0.9864, 0.9936], rel=1e-12)


def test_basket_hand_computed():
    # twelve 4:00 tracks of one album at mp3-192: 12 x 0.17 per MB; 12 x 0.99 capped at 9.99
    tracks = pd.DataFrame({"duration_ms": [240_000] * 12, "album": ["A"] * 12})
    assert costs(tracks) == {"per_mb": 2.04, "itunes": 11.88, "itunes_album_cap": 9.99,
                             "itunes_plus": 15.48, "subscription": 9.99}


def test_album_cap_applies_per_album():
    tracks = pd.DataFrame({"duration_ms": [240_000] * 17, "album": ["A"] * 12 + ["B"] * 5})
    assert costs(tracks)["itunes_album_cap"] == pytest.approx(9.99 + 5 * 0.99)
    # plain durations: every track is its own album, so the cap never binds
    assert costs([240_000] * 12)["itunes_album_cap"] == 11.88


@pytest.mark.parametrize(
    "n, months, subscription_usd",
    [(0, 1, 0.0), (1, 1, 9.99), (40, 1, 9.99), (41, 1, 19.98), (100, 3, 29.97), (121, 3, 59.94)],
)
def test_subscription_plans(n, months, subscription_usd):
    assert costs([240_000] * n, months=months)["subscription"] == pytest.approx(subscription_usd)


def test_per_mb_follows_the_rounding_rule():
    tracks = [240_000] * 3                                           # 3 x 0.1152 at mp3-128
    assert costs(tracks, encoding="mp3-128")["per_mb"] == 0.36                                   # per track
    s = make_scenario(overrides={"pricing.rounding": "per_basket"})
    assert costs(tracks, s, encoding="mp3-128")["per_mb"] == 0.35


def test_basket_of_a_real_catalogue():
    cat = builtin_catalogue(make_scenario())
    c = costs(cat.tracks, months=12)
    assert c["itunes_album_cap"] < c["itunes"] < c["itunes_plus"]
    assert c["itunes"] == pytest.approx(0.99 * cat.n_tracks)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"tracks": pd.DataFrame({"length": [1]})}, "duration_ms column"),
        ({"tracks": [-5]}, "duration_ms must be >= 0"),
        ({"tracks": [1000], "months": 0}, "months must be a whole number >= 1"),
        ({"tracks": [1000], "months": 1.5}, "months must be a whole number >= 1"),
        ({"tracks": [1000], "months": True}, "months must be a whole number >= 1"),
    ],
)
def test_basket_errors(kwargs, match):
    with pytest.raises(ModelsError, match=match):
        basket_costs(scenario=make_scenario(), **kwargs)


def test_listener_types_follow_the_parameters():
    t = {x.name: x for x in listener_types(make_scenario())}
    assert t["singles"].duration_s == 210.0 and t["long_tracks"].duration_s == 720.0
    assert t["album_buyer"].album_tracks == 11 and t["album_buyer"].tracks_per_month == 11
    assert t["lossless"].encoding == "flac" and t["heavy"].tracks_per_month == 100


def test_listener_table_at_defaults():
    t = listener_table(make_scenario()).set_index("listener")
    cols = [f"{m}_usd" for m in MODELS]
    for name, row in t.iterrows():
        assert row.cheapest_model == min(MODELS, key=lambda m: row[f"{m}_usd"]), name
        assert row[cols].min() == row[f"{row.cheapest_model}_usd"]
    # singles: 120 x 0.15 (3:30 at 192 kbps = 5.04 MB = 0.1512 USD -> 0.15)
    assert t.loc["singles", "per_mb_usd"] == pytest.approx(120 * 0.15)
    assert t.loc["singles", "itunes_usd"] == pytest.approx(120 * 0.99)
    assert t.loc["album_buyer", "itunes_album_cap_usd"] == pytest.approx(12 * 9.99)
    assert t.loc["light", "subscription_usd"] == pytest.approx(12 * 9.99)       # 2 a month, a plan each month
    assert t.loc["heavy", "subscription_usd"] == pytest.approx(12 * 3 * 9.99)   # 100 a month: 3 plans
    assert t.loc["heavy", "cheapest_licensed_model"] == "subscription"
    assert t.loc["light", "dearest_model"] == "subscription"
    assert (t.cheapest_model == "per_mb").all()


def test_listener_table_at_a_high_rate_favours_itunes_for_lossless():
    s = make_scenario(overrides={"pricing.rate_usd_per_mb": 0.1})
    t = listener_table(s).set_index("listener")
    # a 4:00 FLAC track is 23.1 MB: 2.31 USD at 10 c/MB, more than 0.99
    assert t.loc["lossless", "cheapest_model"] == "itunes"
    assert t.loc["singles", "cheapest_model"] == "per_mb"


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_runs(preset):
    s = make_scenario(preset=preset)
    assert len(listener_table(s)) == 6 and not price_by_length(s).price_usd.isna().any()
