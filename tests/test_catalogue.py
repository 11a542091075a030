"""Tests of simulator.model.catalogue: the built-in catalogue, real catalogues priced, hand-computed values."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.cli import main
from simulator.io.load import load_catalogue
from simulator.model.catalogue import (
    Catalogue,
    CatalogueError,
    builtin_catalogue,
    draw_catalogue,
    make_tracks_frame,
)
from simulator.model.catalogue_pricing import price_catalogue
from simulator.model.encoding import encoding_menu, size_bytes
from simulator.model.pricing import basket_total, pricing_terms, quote_track
from simulator.params.scenario import make_scenario

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CHINOOK = DATA / "chinook_tracks.csv"
ITUNES_CSV = DATA / "itunes_library_sample_2008.csv"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data {path} is absent (see ../shared/data/README.md)")
    return path


@pytest.fixture(scope="module")
def chinook():
    return load_catalogue(need(CHINOOK), scenario=make_scenario())


def _catalogue(duration_ms, album=None, size_bytes_=None):
    n = len(duration_ms)
    album = album or ["A"] * n
    return Catalogue(make_tracks_frame(album, ["X"] * n, [f"t{i}" for i in range(n)], duration_ms, size_bytes_),
                     "test")


def test_builtin_is_reproducible_for_a_seed():
    a, b = builtin_catalogue(make_scenario()), builtin_catalogue(make_scenario())
    assert isinstance(a, Catalogue)
    assert a.tracks.equals(b.tracks)
    assert a.tracks is not b.tracks  # each call gets its own copy


def test_builtin_differs_for_another_seed():
    other = builtin_catalogue(make_scenario(overrides={"catalogue.seed": 1}))
    assert not other.tracks["duration_ms"].equals(builtin_catalogue(make_scenario()).tracks["duration_ms"])
    assert other.source == "builtin (seed 1)"


def test_builtin_columns_and_dtypes():
    t = builtin_catalogue(make_scenario()).tracks
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
        ({"albums": float("inf")}, "albums"),
        ({"albums": 2.5}, "albums must be a whole number"),
        ({"track_median_s": "240"}, "track_median_s must be a number > 0, got '240'"),
    ],
    ids=["no albums", "mean below one", "negative median", "nan sigma", "infinite albums", "fractional albums",
         "text median"],
)
def test_draw_catalogue_rejects_bad_parameters(kwargs, name):
    base = dict(albums=2, tracks_per_album_mean=2.0, track_median_s=240.0, track_length_sigma=0.3)
    with pytest.raises(CatalogueError, match=name):
        draw_catalogue(np.random.default_rng(0), **{**base, **kwargs})



# --- pricing a catalogue: hand-computed values first -------------------------------------------------


def test_price_by_track_hand_computed():
    # 128 kbps x 240 s = 3,840,000 bytes = 3.84 MB x 3 c/MB = 11.52 c -> 12 c
    p = price_catalogue(_catalogue([240_000, 240_000, 240_000]), "mp3-128", make_scenario())
    assert list(p.columns) == ["album", "artist", "track", "duration_ms", "duration_s", "size_bytes", "size_mb",
                               "real_bytes", "price_cents", "price_usd", "itunes_usd"]
    assert p["size_bytes"].tolist() == [3_840_000] * 3
    assert p["size_mb"].tolist() == [3.84] * 3
    assert p["duration_s"].tolist() == [240.0] * 3
    assert p["price_cents"].tolist() == [12] * 3
    assert p["price_usd"].tolist() == [Decimal("0.12")] * 3
    assert p["itunes_usd"].tolist() == [Decimal("0.99")] * 3


def test_price_by_album_hand_computed_totals_differ_by_a_cent():
    p = price_catalogue(_catalogue([240_000] * 3), "mp3-128", make_scenario(), by="album")
    row = p.iloc[0]
    assert (row["tracks"], row["duration_ms"], row["size_bytes"]) == (3, 720_000, 11_520_000)
    assert row["price_usd"] == Decimal("0.36")  # 3 x 0.12
    assert row["price_per_basket_usd"] == Decimal("0.35")  # 34.56 c rounded once
    assert row["itunes_usd"] == Decimal("2.97")
    assert p.attrs["price_usd"] == Decimal("0.36") and p.attrs["price_per_basket_usd"] == Decimal("0.35")


def test_albums_keep_their_order_and_split_by_artist():
    t = make_tracks_frame(["B", "A", "B", "A"], ["x", "x", "x", "y"], list("1234"), [1000, 2000, 3000, 4000])
    p = price_catalogue(Catalogue(t, "t"), "wav", make_scenario(), by="album")
    assert p[["album", "artist", "tracks", "duration_ms"]].values.tolist() == [
        ["B", "x", 2, 4000], ["A", "x", 1, 2000], ["A", "y", 1, 4000]]


def test_binary_megabytes_discount_and_rate_come_from_the_scenario():
    s = make_scenario(overrides={"pricing.mb_convention": "binary", "pricing.rate_usd_per_mb": 0.02,
                                 "pricing.discount_share": 0.25})
    p = price_catalogue(_catalogue([240_000]), "mp3-128", s)
    assert p.attrs["mb_unit"] == "MiB" and p["size_mb"].tolist() == [3_840_000 / 2**20]
    # 3,840,000 / 2**20 x 0.02 x 0.75 = 5.49 c -> 5 c
    assert p["price_cents"].tolist() == [5]


def test_real_bytes_where_known_formula_elsewhere():
    c = _catalogue([240_000, 240_000], size_bytes_=[5_000_000, None])
    p = price_catalogue(c, "mp3-128", make_scenario(), use_real_bytes=True)
    assert p["size_bytes"].tolist() == [5_000_000, 3_840_000]
    assert p["real_bytes"].tolist() == [True, False]
    assert (p.attrs["real_bytes_tracks"], p.attrs["formula_bytes_tracks"]) == (1, 1)
    assert p["price_cents"].tolist() == [15, 12]
    a = price_catalogue(c, "mp3-128", make_scenario(), by="album", use_real_bytes=True)
    assert a["real_bytes_tracks"].tolist() == [1]
    assert price_catalogue(c, "mp3-128", make_scenario()).attrs["real_bytes_tracks"] == 0


def test_bad_by_and_unknown_encoding():
    with pytest.raises(CatalogueError, match="by must be 'track' or 'album', got 'artist'"):
        price_catalogue(builtin_catalogue(make_scenario()), "mp3-128", make_scenario(), by="artist")
    with pytest.raises(ValueError, match="unknown encoding 'mp3-999'"):
        price_catalogue(builtin_catalogue(make_scenario()), "mp3-999", make_scenario())


def test_empty_catalogue_prices_to_nothing():
    p = price_catalogue(_catalogue([]), "mp3-128", make_scenario(), by="album")
    assert len(p) == 0 and p.attrs["price_usd"] == Decimal("0.00")


def test_track_prices_agree_with_quote_track():
    c = builtin_catalogue(make_scenario())
    p = price_catalogue(c, "ogg-160", make_scenario())
    for i in range(0, c.n_tracks, 97):
        q = quote_track(int(c.tracks["duration_ms"].iloc[i]), "ogg-160", make_scenario())
        assert (p["size_bytes"].iloc[i], p["price_usd"].iloc[i]) == (q.size_bytes, q.price_usd)


@given(st.lists(st.integers(min_value=1, max_value=3_600_000), min_size=1, max_size=20),
       st.integers(min_value=1, max_value=600_000), st.sampled_from(sorted(encoding_menu(make_scenario()))))
def test_price_never_falls_when_a_track_gets_longer(duration_ms, extra_ms, encoding):
    longer = [d + extra_ms for d in duration_ms]
    a = price_catalogue(_catalogue(duration_ms), encoding, make_scenario())
    b = price_catalogue(_catalogue(longer), encoding, make_scenario())
    assert (b["price_cents"].to_numpy() >= a["price_cents"].to_numpy()).all()
    assert b.attrs["price_per_basket_usd"] >= a.attrs["price_per_basket_usd"]


@given(st.lists(st.integers(min_value=1, max_value=3_600_000), min_size=1, max_size=40),
       st.sampled_from(["mp3-128", "mp3-192", "aac-256", "flac"]))
def test_album_totals_are_exact_and_close(duration_ms, encoding):
    a = price_catalogue(_catalogue(duration_ms), encoding, make_scenario(), by="album").iloc[0]
    t = price_catalogue(_catalogue(duration_ms), encoding, make_scenario())
    assert a["price_cents"] == int(t["price_cents"].sum())
    assert a["price_usd"] == sum(t["price_usd"], Decimal(0))
    # each track's rounding moves it by at most half a cent
    assert abs(a["price_cents"] - a["price_per_basket_cents"]) <= len(duration_ms) / 2 + 0.5
    exact = Fraction(int(a["size_bytes"])) * Fraction(3, 100) / 10**6
    assert abs(Fraction(a["price_per_basket_usd"]) - exact) <= Fraction(1, 200)


# --- real data: the README's oracle albums and every real album -------------------------------------


@pytest.mark.parametrize(
    "album, encoding, tracks, duration_ms, formula_bytes, real_bytes",
    [
        ("Audioslave", "mp3-192", 14, 3_927_713, 94_265_112, 94_304_482),
        ("Dance Of Death", "mp3-320", 11, 4_083_559, 163_342_360, 163_368_433),
        ("Piece Of Mind", "mp3-128", 9, 2_752_884, 44_046_144, 44_065_796),
    ],
)
def test_oracle_albums_reproduced_exactly(chinook, album, encoding, tracks, duration_ms, formula_bytes, real_bytes):
    p = price_catalogue(chinook, encoding, make_scenario(), by="album")
    row = p[p["album"] == album].iloc[0]
    assert (row["tracks"], row["duration_ms"], row["size_bytes"]) == (tracks, duration_ms, formula_bytes)
    # per basket: the album's bytes x 3 c/MB, rounded half-up once
    assert row["price_per_basket_usd"] == round(Decimal(formula_bytes) * Decimal("0.03") / 10**6, 2)
    r = price_catalogue(chinook, encoding, make_scenario(), by="album", use_real_bytes=True)
    assert r[r["album"] == album].iloc[0]["size_bytes"] == real_bytes


def test_audioslave_totals_differ_by_a_cent_and_both_are_right(chinook):
    sub = chinook.tracks[chinook.tracks["album"] == "Audioslave"]
    p = price_catalogue(Catalogue(sub, "Audioslave"), "mp3-192", make_scenario(), by="album").iloc[0]
    # 94,265,112 bytes x $0.03 / 10**6 = $2.82795336 -> $2.83 rounded once
    assert p["price_per_basket_usd"] == Decimal("2.83")
    # each track rounded half-up to the cent, then summed (computed here with Fractions)
    per_track = sum(
        (Fraction(size_bytes(int(ms), 192)) * Fraction(3, 100) / 10**6 * 100 + Fraction(1, 2)).__floor__()
        for ms in sub["duration_ms"]
    )
    assert per_track == 284 and p["price_usd"] == Decimal("2.84")


# The MPEG-1 Layer III bitrates (ISO/IEC 11172-3), the "standard rates" a file's bytes*8/ms is snapped to.
MPEG1_LAYER3_KBPS = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


def _cbr_mp3_albums(path):
    """(album, kbps) of the all-MP3 albums whose tracks all sit within 1% of one standard rate."""
    raw = pd.read_csv(path)
    raw = raw[~raw["media_type"].str.contains("video", case=False)]
    standard = np.array(MPEG1_LAYER3_KBPS)
    kbps = raw["bytes"] * 8 / raw["milliseconds"]
    nominal = standard[np.abs(kbps.to_numpy()[:, None] - standard).argmin(axis=1)]
    raw = raw.assign(kbps=kbps, nominal=nominal, dev=(kbps / nominal - 1).abs())
    out = []
    for (_, album), a in raw.groupby(["artist_name", "album_title"]):
        if (a["media_type"] == "MPEG audio file").all() and a["nominal"].nunique() == 1 and (a["dev"] < 0.01).all():
            out.append((album, int(a["nominal"].iloc[0])))
    return out


def test_cbr_mp3_albums_match_the_formula_within_a_tenth_of_a_percent(chinook):
    albums = _cbr_mp3_albums(CHINOOK)
    by_rate = pd.Series([r for _, r in albums]).value_counts().to_dict()
    assert by_rate == {192: 9, 320: 9, 128: 4}  # README: 4 albums at 128, 9 at 192, 9 at 320
    for album, rate in albums:
        sub = chinook.tracks[chinook.tracks["album"] == album]
        p = price_catalogue(Catalogue(sub, album), f"mp3-{rate}", make_scenario(), by="album").iloc[0]
        real = int(sub["size_bytes"].sum())
        assert abs(real / p["size_bytes"] - 1) < 0.001, (album, rate)


@pytest.mark.parametrize("encoding", ["mp3-128", "mp3-192", "aac-256", "flac"])
def test_every_real_album_prices_end_to_end(chinook, encoding):
    terms = pricing_terms(make_scenario())
    p = price_catalogue(chinook, encoding, make_scenario(), by="album")
    assert len(p) == 335 and p["tracks"].sum() == 3289
    assert (p["price_cents"] > 0).all()
    differ = 0
    t = chinook.tracks
    for row in p.itertuples():
        sub = t[(t["artist"] == row.artist) & (t["album"] == row.album)]
        nbytes = size_bytes(sub["duration_ms"].to_numpy(), encoding_menu(make_scenario())[encoding].bitrate_kbps)
        b = basket_total(nbytes, terms)
        assert (row.price_usd, row.price_per_basket_usd) == (b.per_track_usd, b.per_basket_usd)
        assert row.itunes_usd == Decimal("0.99") * row.tracks
        differ += row.price_usd != row.price_per_basket_usd
    assert differ >= 1


def test_itunes_sample_prices_with_real_bytes():
    c = load_catalogue(need(ITUNES_CSV), scenario=make_scenario())
    p = price_catalogue(c, "aac-128", make_scenario(), by="album", use_real_bytes=True)
    assert len(p) == 93 and p.attrs["real_bytes_tracks"] == 232
    assert p.attrs["price_usd"] == sum(p["price_usd"], Decimal(0))


# --- the command line --------------------------------------------------------------------------------


def _table_rows(out: str) -> list[str]:
    lines = out.splitlines()
    end = next(i for i, ln in enumerate(lines) if ln.startswith("total:"))
    return lines[2:end]


def test_cli_prices_every_chinook_album(capsys):
    assert main(["catalogue", str(need(CHINOOK)), "--by", "album"]) == 0
    out = capsys.readouterr().out
    assert len(_table_rows(out)) == 335
    assert "total: 3,289 tracks" in out and "excluded 214 videos and 0 podcasts" in out
    assert "$631.89 (each track rounded), $631.72 (rounded once); iTunes $3,256.11" in out


def test_cli_json_parses(capsys):
    assert main(["catalogue", str(need(CHINOOK)), "--by", "album", "--json"]) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)["rows"]
    assert len(rows) == 335
    assert set(rows[0]) == {"album", "artist", "tracks", "duration_s", "size_bytes", "size_mb", "price_usd",
                            "price_per_basket_usd", "itunes_usd"}
    assert "total: 3,289 tracks" in captured.err


def test_cli_csv_round_trips(capsys):
    assert main(["catalogue", "builtin", "--by", "album", "--csv", "--encoding", "mp3-320"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    expected = price_catalogue(builtin_catalogue(make_scenario()), "mp3-320", make_scenario(), by="album")
    assert len(rows) == len(expected) == 300
    assert [Decimal(r["price_usd"]) for r in rows] == expected["price_usd"].tolist()
    assert [int(r["size_bytes"]) for r in rows] == expected["size_bytes"].tolist()
    total = sum(Decimal(r["price_usd"]) for r in rows)
    assert f"${total:,} (each track rounded)" in captured.err


def test_cli_neutralises_formula_strings_in_csv(tmp_path, capsys):
    f = tmp_path / "evil.csv"
    f.write_text('name,artist,album,seconds\n"=HYPERLINK(""http://x"",""y"")",+1,@A,240\n', encoding="utf-8")
    assert main(["catalogue", str(f), "--csv"]) == 0
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["track"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert (row["artist"], row["album"]) == ("'+1", "'@A")


def test_cli_real_bytes_rate_and_xml(tmp_path, capsys):
    import plistlib

    lib = {"Tracks": {"1": {"Name": "a", "Album": "b", "Artist": "c", "Total Time": 240_000, "Size": 4_000_000},
                      "2": {"Name": "v", "Total Time": 1000, "Has Video": True}}}
    f = tmp_path / "Library.xml"
    f.write_bytes(plistlib.dumps(lib))
    assert main(["catalogue", str(f), "--real-bytes", "--rate-usd-per-mb", "0.02", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["rows"][0]["price_usd"] == 0.08  # 4 MB x 2 c
    # the sizes are the file's own bytes, not mp3-192's formula: the total says so and names no encoding
    assert ("total: 1 track, 4.0 MB (the files' real bytes, whatever their encoding) at $0.02/MB: $0.08 (each track "
            "rounded)") in captured.err
    assert "mp3-192" not in captured.err.splitlines()[0]
    assert "excluded 1 video and 0 podcasts" in captured.err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["catalogue", "/nonexistent/file.csv"], "cannot read file"),
        (["catalogue", "builtin", "--encoding", "mp3-999"], "unknown encoding 'mp3-999'"),
        (["catalogue", "builtin", "--rate-usd-per-mb", "5"], "pricing.rate_usd_per_mb must be between"),
        (["catalogue", "builtin", "--set", "catalogue.albums=0"], "catalogue.albums must be between"),
    ],
    ids=["missing file", "unknown encoding", "rate out of bounds", "bad override"],
)
def test_cli_errors_exit_2_without_traceback(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_bad_row_names_row_and_column_and_skip_counts(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("name,milliseconds\na,1000\nb,-5\nc,2000\n", encoding="utf-8")
    assert main(["catalogue", str(f)]) == 2
    assert "data row 2 (line 3), column 'milliseconds': '-5' is negative" in capsys.readouterr().err
    assert main(["catalogue", str(f), "--skip-bad-rows"]) == 0
    out = capsys.readouterr().out
    assert "skipped 1 bad row" in out and "1 bad rows" not in out and "skipped: " in out and len(_table_rows(out)) == 2


def _two_tracks(tmp_path):
    f = tmp_path / "two.csv"
    f.write_text("name,artist,album,seconds,bytes\na,x,A,240,4000000\nb,x,A,240,\n", encoding="utf-8")
    return f


@pytest.mark.parametrize(
    ("extra", "total"),
    [([], "total: 2 tracks, 11.5 MB, mp3-192 at $0.03/MB: $0.34 (each track rounded)"),      # 2 x 5.76 MB
     (["--real-bytes"], "total: 2 tracks, 9.8 MB (the real bytes of 1 track; mp3-192 formula sizes for the 1 "
                        "without) at $0.03/MB: $0.29 (each track rounded)")],                    # 4 + 5.76 MB
    ids=["formula", "real-and-formula"],
)
def test_cli_total_says_where_the_sizes_come_from(tmp_path, capsys, extra, total):
    assert main(["catalogue", str(_two_tracks(tmp_path)), *extra]) == 0
    assert total in capsys.readouterr().out


def test_cli_names_the_size_column_by_its_unit(tmp_path, capsys):
    f = _two_tracks(tmp_path)
    binary = ["--set", "pricing.mb_convention=binary"]
    assert main(["catalogue", str(f), "--json", *binary]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total"]["mb_unit"] == "MiB" and "size_mb" not in d["rows"][0]
    assert d["rows"][0]["size_mib"] == 5_760_000 / 2**20                        # 5.4931640625 MiB
    assert main(["catalogue", str(f), "--csv", "--real-bytes", *binary]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert float(rows[0]["size_mib"]) == 4_000_000 / 2**20                      # 3.814697265625 MiB
    assert main(["catalogue", str(f), "--by", "album", *binary]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[5] == "size_mib"
    assert "total: 2 tracks, 11.0 MiB, mp3-192 at $0.03/MiB" in out               # 11,520,000 / 2**20 = 10.99
    assert main(["catalogue", str(f), "--json"]) == 0
    assert "size_mb" in json.loads(capsys.readouterr().out)["rows"][0]         # decimal MB keep their name
