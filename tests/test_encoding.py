"""Encodings menu and file sizes: hand-computed bytes, MB vs MiB, and real Chinook files."""

from __future__ import annotations

import csv
import statistics
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.encoding import (
    Encoding,
    EncodingError,
    bytes_per_mb,
    encoding_menu,
    get_encoding,
    mb_unit,
    size_bytes,
    size_mb,
)
from simulator.model.pricing import basket_total, pricing_terms
from simulator.params.scenario import make_scenario

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# --------------------------------------------------------------------------- the menu


def test_menu_names_and_bitrates():
    menu = encoding_menu(make_scenario())
    assert list(menu)[:3] == ["mp3-64", "mp3-80", "mp3-96"]
    for name in ("mp3-128", "mp3-192", "mp3-320", "aac-128", "aac-256", "ogg-160", "ogg-384", "wma-192", "mpc-384"):
        fmt, kbps = name.split("-")
        e = menu[name]
        assert (e.name, e.format, e.bitrate_kbps, e.lossless) == (name, fmt, Decimal(kbps), False)
        assert e.label.endswith(f", {kbps} kbps")
    assert "mp3-384" not in menu  # 384 is above MP3's ceiling
    assert menu["wav"].bitrate_kbps == Decimal("1411.2")  # 44,100 Hz x 16 bit x 2 channels
    assert menu["flac"].bitrate_kbps == Decimal("770.5152")  # 0.546 x 1411.2
    assert menu["wav"].lossless and menu["flac"].lossless
    assert "about 771 kbps" in menu["flac"].label


def test_menu_names_match_the_assumptions():
    a = make_scenario().assumptions
    assert tuple(encoding_menu(make_scenario())) == a.encoding_names()


def test_lossless_bitrate_follows_the_scenario():
    s = make_scenario(overrides={"encoding.flac_cd_fraction": 0.5})
    assert encoding_menu(s)["flac"].bitrate_kbps == Decimal("705.6")


@pytest.mark.parametrize("name", ["mp3-192", "MP3-192", "  aac-256 ", "FLAC", "wav"])
def test_get_encoding_normalises_case_and_spaces(name):
    e = get_encoding(name, make_scenario())
    assert isinstance(e, Encoding)
    assert e.name == name.strip().lower()


@pytest.mark.parametrize("name", ["mp3-193", "mp3", "aac-64", "ogg 160", "", "mp3-192x"])
def test_get_encoding_unknown_lists_the_valid_ones(name):
    with pytest.raises(EncodingError, match="unknown encoding") as info:
        get_encoding(name, make_scenario())
    msg = str(info.value)
    assert repr(name) in msg
    for valid in ("mp3-128", "mp3-320", "aac-256", "ogg-384", "flac", "wav"):
        assert valid in msg
    assert isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- sizes

SIZES = [
    pytest.param(240_000, 128, 0, 3_840_000, id="128k-4:00"),
    pytest.param(240_000, 192, 0, 5_760_000, id="192k-4:00"),
    pytest.param(240_000, 320, 0, 9_600_000, id="320k-4:00"),
    pytest.param(3_000_000, 192, 0, 72_000_000, id="50min-192k-72MB"),
    pytest.param(240_000, "1411.2", 0, 42_336_000, id="wav-4:00"),
    pytest.param(240_000, Decimal("770.5152"), 0, 23_115_456, id="flac-4:00"),
    pytest.param(1, "1411.2", 0, 177, id="wav-1ms-176.4-rounds-up"),
    pytest.param(1, 1, 0, 1, id="1-bit-is-a-whole-byte"),
    pytest.param(1, 128, 0, 16, id="128k-1ms"),
    pytest.param(0, 128, 0, 0, id="zero-length"),
    pytest.param(240_000, 128, 200_000, 4_040_000, id="tag-overhead-200kB"),
    pytest.param(0, 128, 1234, 1234, id="tags-only"),
    pytest.param(240_000, 1411.2, 0, 42_336_000, id="float-bitrate-read-as-decimal"),
    pytest.param(240_000, Fraction(7056, 5), 0, 42_336_000, id="fraction-bitrate"),
]


@pytest.mark.parametrize("duration_ms, kbps, overhead, expected", SIZES)
def test_size_bytes_hand_values(duration_ms, kbps, overhead, expected):
    got = size_bytes(duration_ms, kbps, overhead)
    assert got == expected
    assert type(got) is int


def test_size_bytes_vectorized():
    out = size_bytes([1, 240_000, 3_000_000], 192)
    assert isinstance(out, np.ndarray) and out.dtype == np.int64
    assert out.tolist() == [24, 5_760_000, 72_000_000]
    out = size_bytes(np.array([[240_000], [1]]), "1411.2")
    assert out.shape == (2, 1) and out.ravel().tolist() == [42_336_000, 177]


def test_size_bytes_per_element_bitrates():
    out = size_bytes([240_000, 240_000, 240_000, 1], [128, Decimal("1411.2"), "770.5152", 128], 10)
    assert out.tolist() == [3_840_010, 42_336_010, 23_115_466, 26]


def test_size_bytes_of_a_series_keeps_values():
    durations = pd.Series([240_000, 300_000], index=["a", "b"])
    assert list(size_bytes(durations, 192)) == [5_760_000, 7_200_000]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(duration_ms=-1, bitrate_kbps=128), "duration_ms"),
        (dict(duration_ms=[1, -5], bitrate_kbps=128), "duration_ms"),
        (dict(duration_ms=float("nan"), bitrate_kbps=128), "duration_ms"),
        (dict(duration_ms=float("inf"), bitrate_kbps=128), "duration_ms"),
        (dict(duration_ms=1.5, bitrate_kbps=128), "whole numbers"),
        (dict(duration_ms=240_000, bitrate_kbps=0), "bitrate_kbps"),
        (dict(duration_ms=240_000, bitrate_kbps=-128), "bitrate_kbps"),
        (dict(duration_ms=[1, 2], bitrate_kbps=[128, 0]), "bitrate_kbps"),
        (dict(duration_ms=240_000, bitrate_kbps=float("nan")), "finite"),
        (dict(duration_ms=240_000, bitrate_kbps="fast"), "number"),
        (dict(duration_ms=240_000, bitrate_kbps=128, overhead_bytes=-1), "overhead_bytes"),
        (dict(duration_ms=240_000, bitrate_kbps=128, overhead_bytes=1.5), "overhead_bytes"),
        (dict(duration_ms=240_000, bitrate_kbps=128, overhead_bytes=True), "overhead_bytes"),
        (dict(duration_ms=10**23, bitrate_kbps=128), "2\\*\\*53"),
    ],
    ids=[
        "negative",
        "negative-in-array",
        "nan",
        "inf",
        "fractional-ms",
        "zero-bitrate",
        "negative-bitrate",
        "zero-bitrate-in-array",
        "nan-bitrate",
        "text-bitrate",
        "negative-overhead",
        "fractional-overhead",
        "bool-overhead",
        "absurd-duration",
    ],
)
def test_size_bytes_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        size_bytes(**kwargs)


@given(
    st.integers(0, 10**10),
    st.integers(0, 10**6),
    st.decimals(min_value="8", max_value="2000", places=4),
    st.integers(0, 10**6),
)
def test_size_bytes_is_the_ceiling_of_the_formula(ms, more, kbps, overhead):
    exact = Fraction(kbps) * ms / 8
    n = size_bytes(ms, kbps, overhead)
    assert n - overhead == -((-exact.numerator) // exact.denominator)  # ceil
    assert n - overhead - 1 < exact <= n - overhead
    assert size_bytes(ms + more, kbps, overhead) >= n
    assert size_bytes([ms, ms + more], kbps, overhead).tolist() == [n, size_bytes(ms + more, kbps, overhead)]


# --------------------------------------------------------------------------- MB and MiB


def test_bytes_per_mb_and_units():
    assert bytes_per_mb("decimal", make_scenario()) == 10**6
    assert bytes_per_mb("binary", make_scenario()) == 2**20 == 1_048_576
    assert (mb_unit("decimal"), mb_unit("binary")) == ("MB", "MiB")
    with pytest.raises(ValueError, match="mb_convention"):
        bytes_per_mb("kibi", make_scenario())


@pytest.mark.parametrize(
    "nbytes, mb, decimal_mb, binary_mib",
    [
        (3_840_000, "decimal", 3.84, 3.662109375),
        (5_760_000, "decimal", 5.76, 5.4931640625),
        (72_000_000, "decimal", 72.0, 68.66455078125),
        (1_048_576, "binary", 1.048576, 1.0),
        (77_024_256, "decimal", 77.024256, 73.4560546875),  # Revelations at 192k, ../shared/data README
    ],
    ids=["128k-4:00", "192k-4:00", "album-72MB", "one-MiB", "revelations-192k"],
)
def test_size_mb(nbytes, mb, decimal_mb, binary_mib):
    assert size_mb(nbytes, "decimal", make_scenario()) == decimal_mb
    assert size_mb(nbytes, "binary", make_scenario()) == pytest.approx(binary_mib, rel=1e-15)
    assert size_mb(nbytes, "binary", make_scenario()) == float(Fraction(nbytes, 2**20))
    arr = size_mb(np.array([nbytes, 0]), "binary", make_scenario())
    assert arr.tolist() == [size_mb(nbytes, "binary", make_scenario()), 0.0]


def test_revelations_readme_figures():
    # ../shared/data README: Revelations (3,209,344 ms) at 192 kbit/s is 77.02 MB or 73.46 MiB.
    n = size_bytes(3_209_344, 192)
    assert round(size_mb(n, "decimal", make_scenario()), 2) == 77.02
    assert round(size_mb(n, "binary", make_scenario()), 2) == 73.46


# --------------------------------------------------------------------------- real files

# Oracle albums from ../shared/data/README.md: (album_id, tracks, total ms, actual bytes, formula bytes, kbps)
ORACLE = [
    pytest.param(10, 14, 3_927_713, 94_304_482, 94_265_112, 192, id="Audioslave-192k"),
    pytest.param(98, 11, 4_083_559, 163_368_433, 163_342_360, 320, id="Dance-Of-Death-320k"),
    pytest.param(106, 9, 2_752_884, 44_065_796, 44_046_144, 128, id="Piece-Of-Mind-128k"),
]


@pytest.fixture(scope="module")
def chinook_rows():
    path = DATA / "chinook_tracks.csv"
    if not path.exists():
        pytest.skip(f"Chinook data not found at {path}")
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("album_id, tracks, total_ms, actual, formula, kbps", ORACLE)
def test_real_cbr_albums_match_the_formula(chinook_rows, album_id, tracks, total_ms, actual, formula, kbps):
    rows = [r for r in chinook_rows if int(r["album_id"]) == album_id]
    ms = [int(r["milliseconds"]) for r in rows]
    real = sum(int(r["bytes"]) for r in rows)
    assert (len(rows), sum(ms), real) == (tracks, total_ms, actual)
    sizes = size_bytes(ms, kbps)
    assert int(sizes.sum()) == formula
    # Real constant-bitrate MP3s sit just above the bare formula (tags): within 0.05%.
    assert 0 < real / formula - 1 < 0.0005
    # Priced by the kilo at 3 c/MB, the album costs its formula megabytes x 0.03.
    t = basket_total(sizes, pricing_terms(make_scenario()))
    assert Fraction(t.unrounded_usd) == Fraction(formula * 3, 10**8)


def test_audioslave_album_price(chinook_rows):
    ms = [int(r["milliseconds"]) for r in chinook_rows if r["album_id"] == "10"]
    t = basket_total(size_bytes(ms, 192), pricing_terms(make_scenario()))
    assert t.unrounded_usd == Decimal("2.82795336")  # 94.265112 MB x 0.03
    assert t.per_basket_usd == Decimal("2.83")


def test_declared_320k_mp3s_fit_the_formula():
    path = DATA / "itunes_library_sample_2008.csv"
    if not path.exists():
        pytest.skip(f"iTunes sample not found at {path}")
    df = pd.read_csv(path)
    mp3 = df[(df["kind"] == "MPEG audio file") & (df["bit_rate_kbps"] == 320) & (df["podcast"] != 1)]
    assert len(mp3) >= 30
    formula = size_bytes(mp3["total_time_ms"].to_numpy(), 320)
    ratio = statistics.median((mp3["size_bytes"].to_numpy() / formula - 1).tolist())
    assert 0 < ratio < 0.001  # the README's median is +0.03%


def test_chinooks_256k_mp3s_are_variable_bitrate_not_cbr_plus_artwork(chinook_rows):
    # MP3s whose size x 8 / length is nearest 256 of the standard rates (the data README's "about 256 kbit/s").
    mp3 = [r for r in chinook_rows if r["media_type"] == "MPEG audio file"]
    ms = np.array([int(r["milliseconds"]) for r in mp3], dtype=float)
    real = np.array([int(r["bytes"]) for r in mp3], dtype=float)
    standard = np.array([96, 112, 128, 160, 192, 224, 256, 320])
    near = standard[np.abs((real * 8 / ms)[:, None] - standard).argmin(axis=1)] == 256
    ms, real = ms[near], real[near]
    kbps = real * 8 / ms
    assert near.sum() == 2769
    # Measured: their bitrate varies file to file (255.9-275.2 kbps, mean 263.07); the mean excess over the
    # 256 kbps formula is 228 kB (2.76%) but grows with length, so it is not a fixed block of artwork.
    assert (round(kbps.min(), 1), round(kbps.max(), 1), round(kbps.mean(), 2)) == (255.9, 275.2, 263.07)
    extra = real - np.ceil(256 * ms / 8)
    assert round(extra.mean()) == 228_466 and round(float(np.mean(real / np.ceil(256 * ms / 8) - 1)), 4) == 0.0276
    assert np.corrcoef(ms, extra)[0, 1] > 0.5
    # Least squares of size on length: bytes = intercept + slope x ms / 8, slope in kbit/s.
    slope, intercept = np.polyfit(ms / 8, real, 1)
    assert (round(slope, 2), round(intercept)) == (261.39, 51_805)           # +5.4 kbps and 52 kB a file
    # CBR at 256 kbps plus a fixed ~200 kB of artwork would give slope 256 and intercept ~200 kB: refuted.
    assert slope - 256 > 5 and intercept < 60_000
    # The high end of the tag-overhead range is that intercept, to the parameter's step of 1,000 bytes.
    p = make_scenario().assumptions.parameters["encoding.tag_overhead_bytes"]
    assert p.high == round(intercept, -3) == 52_000 and p.low == 0 and p.value == 0
    assert "variable-bitrate" in p.source.note and "261.4 kbps (+5.4) plus 52 kB a file" in p.source.note


def test_tag_overhead_swing_in_the_tornado_is_the_models():
    from simulator.model.market import market_year
    from simulator.model.uncertainty import tornado

    s = make_scenario()
    row = tornado(s).set_index("input").loc["encoding.tag_overhead_bytes"]
    assert (row.low, row.high) == (0, 52_000)
    high = market_year(s.with_overrides({"encoding.tag_overhead_bytes": 52_000})).revenue_usd
    base = market_year(s).revenue_usd
    assert row.output_at_high == pytest.approx(high, rel=1e-12)
    assert row.swing == pytest.approx(abs(high - base), rel=1e-9)
