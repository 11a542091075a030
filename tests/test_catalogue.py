"""Tests of simulator.catalogue: the built-in catalogue, real catalogues priced, hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.catalogue import Catalogue, CatalogueError, builtin_catalogue, draw_catalogue
from simulator.scenario import make_scenario


def test_builtin_is_reproducible_for_a_seed():
    a, b = builtin_catalogue(), builtin_catalogue()
    assert isinstance(a, Catalogue)
    assert a.tracks.equals(b.tracks)
    assert a.tracks is not b.tracks  # each call gets its own copy


def test_builtin_differs_for_another_seed():
    other = builtin_catalogue(make_scenario(overrides={"catalogue.seed": 1}))
    assert not other.tracks["duration_ms"].equals(builtin_catalogue().tracks["duration_ms"])
    assert other.source == "builtin (seed 1)"


def test_builtin_columns_and_dtypes():
    t = builtin_catalogue().tracks
    assert list(t.columns) == ["album", "artist", "track", "duration_ms", "size_bytes", "bitrate_kbps"]
    assert t["duration_ms"].dtype == np.int64
    assert str(t["size_bytes"].dtype) == "Int64" and t["size_bytes"].isna().all()
    assert (t["duration_ms"] > 0).all()


def test_builtin_follows_its_parameters():
    s = make_scenario()
    c = builtin_catalogue(s)
    assert c.n_albums == s["catalogue.albums"] == 300
    per_album = c.tracks.groupby("album").size()
    assert per_album.min() >= 1
    # mean of 1 + Poisson(10) over 300 albums: standard error sqrt(10/300) = 0.18 tracks
    assert abs(per_album.mean() - s["catalogue.tracks_per_album_mean"]) < 4 * (10 / 300) ** 0.5
    # sample median of a lognormal (sigma 0.33) over ~3,300 tracks: standard error about 0.7%
    median_s = np.median(c.tracks["duration_ms"]) / 1000
    assert median_s == pytest.approx(s["catalogue.track_median_s"], rel=0.03)


def test_builtin_scales_with_overrides():
    s = make_scenario(overrides={"catalogue.albums": 5, "catalogue.track_median_s": 120.0})
    c = builtin_catalogue(s)
    assert c.n_albums == 5
    assert np.median(c.tracks["duration_ms"]) < 240_000


def test_draw_catalogue_degenerate_case_is_exact():
    c = draw_catalogue(
        np.random.default_rng(0), albums=3, tracks_per_album_mean=1.0, track_median_s=200.5, track_length_sigma=0.0
    )
    assert c.tracks["duration_ms"].tolist() == [200_500] * 3


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"albums": 0}, "albums"),
        ({"tracks_per_album_mean": 0.5}, "tracks_per_album_mean"),
        ({"track_median_s": -1.0}, "track_median_s"),
        ({"track_length_sigma": float("nan")}, "track_length_sigma"),
    ],
    ids=["no albums", "mean below one", "negative median", "nan sigma"],
)
def test_draw_catalogue_rejects_bad_parameters(kwargs, name):
    base = dict(albums=2, tracks_per_album_mean=2.0, track_median_s=240.0, track_length_sigma=0.3)
    with pytest.raises(CatalogueError, match=name):
        draw_catalogue(np.random.default_rng(0), **{**base, **kwargs})
