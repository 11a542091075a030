"""Tests of simulator.present.catalogue_views: one album at every encoding, an album's tracks, the price histogram."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from simulator.io.load import load_catalogue
from simulator.model.catalogue import Catalogue, builtin_catalogue, make_tracks_frame
from simulator.model.catalogue_pricing import price_catalogue
from simulator.model.encoding import encoding_menu
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario
from simulator.present.catalogue_views import (
    album_at_every_encoding,
    album_choices,
    album_tracks,
    price_histogram_chart,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CHINOOK = DATA / "chinook_tracks.csv"
D = Decimal

#: Album "A" by X: three tracks of 4:00; album "B" by Y: 1:00 and 1:01.
HAND = Catalogue(
    make_tracks_frame(["A", "A", "A", "B", "B"], ["X", "X", "X", "Y", "Y"], ["1", "2", "3", "1", "2"],
                      [240_000, 240_000, 240_000, 60_000, 61_000]),
    "hand-built",
)


def _row(table, encoding):
    return table.set_index("encoding").loc[encoding]


def test_album_choices_in_order_of_first_appearance():
    assert album_choices(HAND) == ["X - A", "Y - B"]
    # the same title by two artists is two albums; interleaved rows stay grouped by (artist, album)
    c = Catalogue(make_tracks_frame(["Hits", "Hits", "Hits"], ["Q", "P", "Q"], ["1", "1", "2"],
                                    [60_000, 120_000, 180_000]), "interleaved")
    assert album_choices(c) == ["Q - Hits", "P - Hits"]
    t = album_tracks(c, 0, "mp3-128", make_scenario())
    assert t.track.tolist() == ["1", "2"] and t.duration_ms.tolist() == [60_000, 180_000]


def test_album_at_every_encoding_by_hand():
    t = album_at_every_encoding(HAND, 0, make_scenario())
    assert list(t.columns) == ["encoding", "label", "bitrate_kbps", "size_mb", "price_usd", "price_per_basket_usd",
                               "itunes_usd", "itunes_album_cap_usd", "cheaper_than_itunes"]
    assert t.encoding.tolist() == list(load_assumptions().encoding_names())           # the whole menu, in order
    mp3 = _row(t, "mp3-128")
    # 128 kbps x 240 s / 8 = 3,840,000 bytes = 3.84 MB; x 3 c/MB = 11.52 c -> 12 c a track, 36 c the album;
    # the album's 11.52 MB rounded once: 34.56 c -> 35 c
    assert (mp3.bitrate_kbps, mp3.size_mb) == (128.0, pytest.approx(11.52, rel=1e-15))
    assert (mp3.price_usd, mp3.price_per_basket_usd) == (D("0.36"), D("0.35"))
    assert (mp3.itunes_usd, mp3.itunes_album_cap_usd, mp3.cheaper_than_itunes) == (D("2.97"), D("2.97"), True)
    # FLAC: 1411.2 x 0.546 = 770.5152 kbps -> 23,115,456 bytes a track: 69.35 c -> 69 c (x 3 = 2.07); 2.0804 once
    flac = _row(t, "flac")
    assert (flac.price_usd, flac.price_per_basket_usd, flac.cheaper_than_itunes) == (D("2.07"), D("2.08"), True)
    # WAV: 1411.2 kbps -> 42,336,000 bytes a track: 127.008 c -> 1.27 (x 3 = 3.81); dearer than iTunes' 2.97
    wav = _row(t, "wav")
    assert (wav.size_mb, wav.price_usd, wav.price_per_basket_usd) == (pytest.approx(127.008), D("3.81"), D("3.81"))
    assert not wav.cheaper_than_itunes
    for col in ("price_usd", "price_per_basket_usd", "itunes_usd", "itunes_album_cap_usd"):
        assert all(isinstance(v, Decimal) for v in t[col]), col
    # per track and rounded once never differ by more than half a cent a track
    assert all(abs(a - b) <= D("0.015") for a, b in zip(t.price_usd, t.price_per_basket_usd, strict=True))


def test_album_at_every_encoding_follows_the_scenario():
    t = album_at_every_encoding(HAND, 0, make_scenario(overrides={"pricing.rate_usd_per_mb": 0.02}))
    # 3.84 MB x 2 c = 7.68 c -> 8 c a track (24 c); 11.52 MB x 2 c = 23.04 c -> 23 c once
    assert (_row(t, "mp3-128").price_usd, _row(t, "mp3-128").price_per_basket_usd) == (D("0.24"), D("0.23"))
    capped = album_at_every_encoding(HAND, 0, make_scenario(overrides={"comparison.album_cap_usd": 2.0}))
    assert (capped.itunes_usd == D("2.97")).all() and (capped.itunes_album_cap_usd == D("2.00")).all()
    assert not _row(capped, "flac").cheaper_than_itunes and _row(capped, "mp3-320").cheaper_than_itunes


def test_album_cap_binds_on_a_long_album():
    c = Catalogue(make_tracks_frame(["L"] * 12, ["Z"] * 12, [str(i) for i in range(12)], [240_000] * 12), "long")
    t = album_at_every_encoding(c, 0, make_scenario())
    assert (t.itunes_usd == D("11.88")).all() and (t.itunes_album_cap_usd == D("9.99")).all()
    assert _row(t, "mp3-128").price_usd == D("1.44") and _row(t, "mp3-128").price_per_basket_usd == D("1.38")


@pytest.mark.parametrize("overrides", [{}, {"pricing.mb_convention": "binary", "pricing.discount_share": 0.15},
                                       {"encoding.tag_overhead_bytes": 4096, "pricing.rate_usd_per_mb": 0.02}])
def test_album_at_every_encoding_agrees_with_price_catalogue_on_built_in_albums(overrides):
    """The table is built from the pricing core directly; price_catalogue(by="album") is the reference."""
    s = make_scenario(overrides=overrides)
    cat = builtin_catalogue(s)
    columns = ["size_mb", "price_usd", "price_per_basket_usd", "itunes_usd"]
    menu = encoding_menu(s)
    # ref[album, encoding, column], from one price_catalogue call per encoding
    ref = np.stack([price_catalogue(cat, enc, s, by="album")[columns].to_numpy(dtype=object) for enc in menu.values()], axis=1)
    for index in range(0, cat.n_albums, 4):  # every 4th of the 335 albums: about 84
        t = album_at_every_encoding(cat, index, s)
        assert t.encoding.tolist() == list(menu)
        assert (t[columns].to_numpy(dtype=object) == ref[index]).all(), index


@pytest.mark.parametrize("index", [2, -1, 100])
def test_album_index_out_of_range(index):
    with pytest.raises(ValueError, match=f"album_index must be between 0 and 1, got {index}"):
        album_at_every_encoding(HAND, index, make_scenario())
    with pytest.raises(ValueError, match="album_index"):
        album_tracks(HAND, index, "mp3-128", make_scenario())


def test_album_tracks():
    t = album_tracks(HAND, 1, "mp3-128", make_scenario())
    assert t.track.tolist() == ["1", "2"] and t.size_bytes.tolist() == [960_000, 976_000]
    assert t.price_usd.tolist() == [D("0.03"), D("0.03")]                  # 2.88 c and 2.928 c
    with pytest.raises(ValueError, match="unknown encoding 'mp3-1'"):
        album_tracks(HAND, 0, "mp3-1", make_scenario())
    real = Catalogue(make_tracks_frame(["A", "A"], ["X", "X"], ["1", "2"], [240_000, 240_000],
                                       size_bytes=[4_000_000, None]), "real")
    r = album_tracks(real, 0, "mp3-128", make_scenario(), use_real_bytes=True)
    assert r.size_bytes.tolist() == [4_000_000, 3_840_000] and r.real_bytes.tolist() == [True, False]
    assert r.price_usd.tolist() == [D("0.12"), D("0.12")]                  # 12 c and 11.52 c


@pytest.mark.parametrize(
    ("sizes", "where", "formula"),
    [([4_000_000, 5_000_000], "the files' real sizes", "Each track: its file's real bytes ÷ bytes per MB × rate"),
     ([4_000_000, None], "real sizes (1 track) and mp3-128 (1)",
      "Each track: its real bytes where known, else ⌈kbps × ms / 8⌉ bytes ÷ bytes per MB × rate")],
    ids=["all-real", "some-real"],
)
def test_price_histogram_with_real_bytes_names_no_encoding_for_them(sizes, where, formula):
    real = Catalogue(make_tracks_frame(["A", "A"], ["X", "X"], ["1", "2"], [240_000, 240_000], size_bytes=sizes), "real")
    c = price_histogram_chart(real, "mp3-128", make_scenario(), use_real_bytes=True)
    assert c.title == f"Price per track across the catalogue at {where} [USD; number of tracks]"
    assert c.alt.startswith(f"Histogram of 2 track prices at {where}: ") and c.formula.startswith(formula)
    assert c.data.price_usd.tolist() == ([0.12, 0.15] if sizes[1] else [0.12])     # 4 MB x 3 c; 5 MB; 3.84 MB -> 12 c
    assert "at mp3-128 [" in price_histogram_chart(real, "mp3-128", make_scenario()).title   # formula sizes


def test_price_histogram_counts_every_track():
    c = price_histogram_chart(HAND, "mp3-128", make_scenario())
    assert c.name == "catalogue_price_histogram" and "[USD; number of tracks]" in c.title
    assert list(c.data.columns) == ["price_usd", "tracks"]
    assert c.data.price_usd.tolist() == [0.03, 0.12] and c.data.tracks.tolist() == [2, 3]
    assert c.data.tracks.sum() == HAND.n_tracks
    bar = c.figure.data[0]
    assert list(bar.x) == [0.03, 0.12] and list(bar.y) == [2, 3]
    assert c.figure.layout.shapes[0].x0 == 0.99
    assert c.alt == ("Histogram of 5 track prices at mp3-128: median $0.12, from $0.03 to $0.12, "
                     "against iTunes' flat $0.99.")
    # whole catalogue: 36 + 6 c per track; 13,456,000 bytes x 3 c/MB = 40.368 c once; 5 x 0.99
    assert "$0.42 with per-track rounding, $0.40 rounded once, against $4.95 at iTunes" in c.formula
    assert "'hand-built'" in c.caption
    assert not re.search(r"https?:", c.figure.to_json()) and json.loads(c.figure.to_json())["data"]


# --- the real Chinook catalogue -------------------------------------------------------------------


@pytest.fixture(scope="module")
def chinook():
    if not CHINOOK.is_file():
        pytest.skip(f"shared data absent: {CHINOOK} not found (see ../shared/data/README.md)")
    return load_catalogue(CHINOOK, scenario=make_scenario())


@pytest.fixture(scope="module")
def piece_of_mind_rows():
    with CHINOOK.open(newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["album_title"] == "Piece Of Mind" and r["artist_name"] == "Iron Maiden"]


def test_piece_of_mind_at_128_kbps(chinook, piece_of_mind_rows):
    rows = piece_of_mind_rows
    assert len(rows) == 9
    ms = [int(r["milliseconds"]) for r in rows]
    nbytes = [16 * m for m in ms]                       # 128 kbit/s = 16,000 bytes/s = 16 bytes/ms
    assert sum(nbytes) == 44_046_144
    # cents = bytes x 3 / 10**6, half-up: floor((6 x bytes + 10**6) / (2 x 10**6))
    per_track_cents = sum((6 * b + 10**6) // (2 * 10**6) for b in nbytes)
    once_cents = (6 * sum(nbytes) + 10**6) // (2 * 10**6)
    assert (per_track_cents, once_cents) == (133, 132)

    index = album_choices(chinook).index("Iron Maiden - Piece Of Mind")
    row = _row(album_at_every_encoding(chinook, index, make_scenario()), "mp3-128")
    assert row.size_mb == pytest.approx(44.046144, rel=1e-15)
    assert (row.price_usd, row.price_per_basket_usd) == (D("1.33"), D("1.32"))
    assert (row.itunes_usd, row.itunes_album_cap_usd) == (D("8.91"), D("8.91"))      # 9 x 0.99, under the cap

    tracks = album_tracks(chinook, index, "mp3-128", make_scenario())
    assert tracks.size_bytes.tolist() == nbytes
    real = album_tracks(chinook, index, "mp3-128", make_scenario(), use_real_bytes=True)
    assert real.size_bytes.tolist() == [int(r["bytes"]) for r in rows] and real.real_bytes.all()
    # the real CBR files sit within 0.05% of the formula over the album (tags make a short track differ more)
    assert real.size_bytes.sum() == 44_065_796
    assert real.size_bytes.sum() / tracks.size_bytes.sum() == pytest.approx(1, abs=5e-4)
    assert np.allclose(real.size_bytes, tracks.size_bytes, rtol=2e-3)


def test_chinook_histogram_and_the_longest_album(chinook):
    c = price_histogram_chart(chinook, "mp3-192", make_scenario())
    assert c.data.tracks.sum() == chinook.n_tracks == 3289
    total_cents = int(round((c.data.price_usd * 100).round().astype(int).mul(c.data.tracks).sum()))
    assert f"${D(total_cents) / 100:.2f} with per-track rounding" in c.formula
    assert f"Histogram of {chinook.n_tracks:,} track prices at mp3-192" in c.alt
    sizes = chinook.tracks.groupby(["artist", "album"], sort=False).size()
    longest = sizes.idxmax()
    t = album_at_every_encoding(chinook, album_choices(chinook).index(" - ".join(longest)), make_scenario())
    n = int(sizes.max())
    assert n > 11
    assert (t.itunes_usd == D("0.99") * n).all() and (t.itunes_album_cap_usd == D("9.99")).all()
