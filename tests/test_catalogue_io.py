"""Tests of the catalogue loaders: real files, CSV dialects, every bad-input class, iTunes Library.xml."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.io.csv_tracks import load_catalogue_csv
from simulator.io.itunes import load_itunes_library
from simulator.io.limits import MAX_DURATION_MS
from simulator.io.load import load_catalogue
from simulator.model.catalogue import CatalogueError
from simulator.model.units import format_duration
from simulator.params.scenario import make_scenario

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CHINOOK = DATA / "chinook_tracks.csv"
ITUNES_CSV = DATA / "itunes_library_sample_2008.csv"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real data {path} is absent (see ../shared/data/README.md)")
    return path


# --- the real files load as they are -------------------------------------------------------------


def test_chinook_loads_with_the_readme_counts():
    c = load_catalogue_csv(need(CHINOOK), scenario=make_scenario())
    assert (c.n_tracks, c.n_albums, c.excluded_video, c.excluded_podcast, c.skipped_rows) == (3289, 335, 214, 0, 0)
    t = c.tracks
    assert t["size_bytes"].notna().all() and t["bitrate_kbps"].isna().all()
    first = t.iloc[0]
    assert (first["artist"], first["track"], first["duration_ms"], first["size_bytes"]) == (
        "AC/DC", "For Those About To Rock (We Salute You)", 343719, 11170334)
    # README: audio median 249.6 s
    assert t["duration_ms"].median() == pytest.approx(249_600, abs=100)


def test_itunes_sample_loads_with_the_readme_counts():
    c = load_catalogue(need(ITUNES_CSV), scenario=make_scenario())
    assert (c.n_tracks, c.excluded_podcast, c.excluded_video) == (232, 68, 0)
    # 93 album titles (README); the 17-track compilation is one album by "Various Artists"
    assert c.n_albums == 93
    radio = c.tracks[c.tracks["album"].str.startswith("Radio Brasil")]
    assert len(radio) == 17 and set(radio["artist"]) == {"Various Artists"}
    assert c.tracks["bitrate_kbps"].notna().all()
    assert set(c.tracks["bitrate_kbps"]) <= {128, 256, 320, 96}


def test_path_bytes_and_file_object_give_the_same_catalogue():
    path = need(CHINOOK)
    a = load_catalogue(str(path), scenario=make_scenario())
    b = load_catalogue(path.read_bytes(), scenario=make_scenario())
    with path.open("rb") as f:
        c = load_catalogue(f, scenario=make_scenario())
    assert a.tracks.equals(b.tracks) and a.tracks.equals(c.tracks)


# --- CSV dialects ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfName,Milliseconds\nA,245000\n",
        b"Name;Milliseconds\nA;245000\n",
        b"Name\tMilliseconds\nA\t245000\n",
        b"Name|Milliseconds\r\nA|245000\r\n",
        "Name\tMilliseconds\nA\t245000\n".encode("utf-16"),
        b'"Name","Milliseconds"\n"A","245000"\n',
        b"\nName,Milliseconds\n\nA,245000\n\n",
        b"Name,Milliseconds\rA,245000\r",
        b"Name,Milliseconds\nA,245000",
    ],
    ids=["utf-8 BOM", "semicolon", "tab", "pipe CRLF", "utf-16 BOM tab", "quoted", "blank lines", "CR only",
         "no final newline"],
)
def test_csv_dialects(data):
    c = load_catalogue_csv(data, scenario=make_scenario())
    assert c.tracks[["track", "duration_ms"]].values.tolist() == [["A", 245000]]


def test_quoted_commas_do_not_fool_the_delimiter():
    c = load_catalogue_csv(b'name,composer,milliseconds\nA,"Young, Young, Johnson",1000\n', scenario=make_scenario())
    assert c.tracks["duration_ms"].tolist() == [1000]


def test_cp1252_text_is_read():
    c = load_catalogue_csv("artist,seconds\nBeyoncé – Déjà Vu,240\n".encode("cp1252"), scenario=make_scenario())
    assert c.tracks["artist"].tolist() == ["Beyoncé – Déjà Vu"]
    assert "cp1252" in c.source


@pytest.mark.parametrize(
    "header, value, expected_ms",
    [
        ("milliseconds", "245000", 245000),
        ("Total Time", "245000", 245000),
        ("total_time_ms", "245000", 245000),
        ("Duration (ms)", "245000", 245000),
        ("DURATION-S", "245.3", 245300),
        ("seconds", "245", 245000),
        ("duration_min", "4.5", 270000),
        ("length", "4:05", 245000),
        ("time", "1:02:03", 3723000),
        ("duration", "245", 245000),  # unit from the values: median < 10,000 -> seconds
        ("duration", "245000", 245000),  # median >= 10,000 -> milliseconds
        ("milliseconds", "4:05", 245000),  # m:ss is accepted in any duration column
        ("seconds", "249.6005", 249601),  # half-up to whole ms, exactly
    ],
)
def test_duration_columns_and_units(header, value, expected_ms):
    c = load_catalogue_csv(f"name,{header}\nA,{value}\n".encode(), scenario=make_scenario())
    assert c.tracks["duration_ms"].tolist() == [expected_ms]


def test_optional_columns_matched_leniently():
    data = (b"Album Artist,ARTIST,album_title,Track Name,Media-Type,Size,Bit Rate,Total Time\n"
            b",Solo,Disc,Song,MPEG audio file,4000000,128 kbps,250000\n"
            b"Band,Guest,Disc,Other,MPEG audio file,,,250000\n")
    t = load_catalogue_csv(data, scenario=make_scenario()).tracks
    assert t["artist"].tolist() == ["Solo", "Band"]  # album artist wins, artist fills in
    assert t["album"].tolist() == ["Disc", "Disc"] and t["track"].tolist() == ["Song", "Other"]
    assert t["size_bytes"].tolist()[0] == 4_000_000 and t["size_bytes"].isna().tolist() == [False, True]
    assert t["bitrate_kbps"].tolist()[0] == 128


def test_videos_and_podcasts_are_excluded_and_counted():
    data = (b"name,kind,genre,podcast,milliseconds\n"
            b"song,MPEG audio file,Rock,0,1000\n"
            b"clip,Protected MPEG-4 video file,TV Shows,0,1000\n"
            b"show,MPEG audio file,Talk,1,1000\n"
            b"other show,MPEG audio file,Podcast,,1000\n"
            b"bad video,MPEG-4 video file,,,not a number\n")  # excluded before it is validated
    c = load_catalogue_csv(data, scenario=make_scenario())
    assert (c.n_tracks, c.excluded_video, c.excluded_podcast) == (1, 2, 2)


def test_formula_strings_are_kept_as_data():
    c = load_catalogue_csv(b'name,artist,seconds\n"=HYPERLINK(""http://x"",""y"")",@SUM(A1),240\n', scenario=make_scenario())
    assert c.tracks["track"].tolist() == ['=HYPERLINK("http://x","y")']
    assert c.tracks["artist"].tolist() == ["@SUM(A1)"]


# --- every bad-input class: a CatalogueError naming the row and the column ---------------------------


@pytest.mark.parametrize(
    "data, pattern",
    [
        (b"", r"empty"),
        (b"  \n\n", r"empty"),
        (b",,,\n , ,\n", r"no header line"),
        (b"name,milliseconds\n", r"header but no data rows"),
        (b"name,artist\nA,B\n", r"no duration column.*found columns \['name', 'artist'\]"),
        (b"name,milliseconds\nA,1\nB,-5\n", r"data row 2 \(line 3\), column 'milliseconds': '-5' is negative"),
        (b"name,milliseconds\nA,0\n", r"data row 1 \(line 2\), column 'milliseconds': '0' is zero"),
        (b"name,seconds\nA,NaN\n", r"data row 1 \(line 2\), column 'seconds': 'NaN' is not a number"),
        (b"name,seconds\nA,inf\n", r"column 'seconds': 'inf' is not a number"),
        (b"name,length\nA,four minutes\n", r"data row 1 \(line 2\), column 'length': 'four minutes' is not a duration"),
        (b"name,length\nA,4:75\n", r"column 'length': '4:75' is not a duration; expected .*m:ss"),
        (b"name,milliseconds\nA,\n", r"data row 1 \(line 2\), column 'milliseconds': '' is empty"),
        (b"name,milliseconds\nA,99999999999999\n", r"is longer than"),
        (b"name,milliseconds,bytes\nA,1000,big\n", r"data row 1 \(line 2\), column 'bytes': 'big' is not a whole number"),
        (b"name,milliseconds,bytes\nA,1000,-3\n", r"column 'bytes': '-3' is not a whole number"),
        (b"name,milliseconds,bit_rate_kbps\nA,1000,fast\n", r"column 'bit_rate_kbps': 'fast' is not a whole number"),
        (b"name,milliseconds,bitrate\nA,1000,0\n", r"column 'bitrate': '0' is zero"),
        (b"name,milliseconds\nA,1000,extra,fields\n", r"data row 1 \(line 2\), column '\(row\)'.* has 4 fields"),
        (b"kind,milliseconds\nMPEG-4 video file,1000\n", r"no music tracks.*\(1 video and"),
        (b"name,milliseconds\n\"A,1000\n" + b"x" * 140_000 + b"\n", r"malformed CSV"),
    ],
    ids=["empty", "whitespace only", "only delimiters", "header only", "no duration column", "negative", "zero", "NaN", "infinity",
         "text duration", "bad m:ss", "empty duration", "too long", "text bytes", "negative bytes",
         "text bitrate", "zero bitrate", "too many fields", "only videos", "unterminated quote"],
)
def test_bad_csv_input_is_a_clear_error(data, pattern):
    with pytest.raises(CatalogueError, match=pattern):
        load_catalogue_csv(data, scenario=make_scenario())


def test_long_bad_values_are_cut_in_messages():
    with pytest.raises(CatalogueError) as e:
        load_catalogue_csv(b"name,milliseconds\nA," + b"9x" * 5000 + b"\n", scenario=make_scenario())
    assert len(str(e.value)) < 300 and "data row 1 (line 2), column 'milliseconds': '9x9x" in str(e.value)


def test_multiline_field_reports_the_file_line():
    data = b'name,milliseconds\n"two\nlines",1000\nB,oops\n'
    with pytest.raises(CatalogueError, match=r"data row 2 \(line 4\)"):
        load_catalogue_csv(data, scenario=make_scenario())


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00\x00\x00"],
    ids=["all bytes", "png", "zip"],
)
def test_binary_junk_is_refused(data):
    # a zip is taken for a zipped folder of audio files, and this one is cut short
    with pytest.raises(CatalogueError, match=r"binary data, not a CSV text file|not a readable zip archive"):
        load_catalogue(data, scenario=make_scenario())


def test_size_limit_is_checked_before_reading(tmp_path, monkeypatch):
    f = tmp_path / "big.csv"
    f.write_bytes(b"name,seconds\n" + b"A,240\n" * 100)

    def no_read(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_read)
    with pytest.raises(CatalogueError, match=r"file is 613 bytes; at most 100 bytes"):
        load_catalogue_csv(f, max_bytes=100, scenario=make_scenario())


def test_a_file_over_50_mb_is_refused_unread(tmp_path):
    f = tmp_path / "huge.csv"
    with f.open("wb") as h:
        h.truncate(50_000_001)  # sparse: takes no disk space; would be 50 MB of NULs if read
    with pytest.raises(CatalogueError, match=r"file is 50,000,001 bytes; at most 50,000,000 bytes"):
        load_catalogue(f, scenario=make_scenario())


def test_size_limit_default_is_catalogue_max_file_mb():
    from simulator.params.scenario import make_scenario

    s = make_scenario(overrides={"catalogue.max_file_mb": 0.001})  # 1,000 bytes
    with pytest.raises(CatalogueError, match=r"at most 1,000 bytes are allowed \(catalogue.max_file_mb\)"):
        load_catalogue(b"seconds\n" + b"240\n" * 300, scenario=s)


def test_row_limit():
    with pytest.raises(CatalogueError, match=r"more than 2 data rows; at most 2"):
        load_catalogue_csv(b"seconds\n1\n2\n3\n", max_rows=2, scenario=make_scenario())
    assert load_catalogue_csv(b"seconds\n1\n2\n", max_rows=2, scenario=make_scenario()).n_tracks == 2


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(CatalogueError, match=r"nope.csv: cannot read file"):
        load_catalogue(tmp_path / "nope.csv", scenario=make_scenario())
    with pytest.raises(CatalogueError, match=r"an empty folder; expected a folder of audio files"):
        load_catalogue(tmp_path, scenario=make_scenario())  # a folder is read as a folder of audio files


def test_skip_bad_rows_counts_and_keeps_examples():
    data = b"name,milliseconds,bytes\nA,1000,10\nB,-1,10\nC,2000,x\nD,3000,\n"
    with pytest.raises(CatalogueError, match="data row 2"):
        load_catalogue_csv(data, scenario=make_scenario())
    c = load_catalogue_csv(data, skip_bad_rows=True, scenario=make_scenario())
    assert c.tracks["track"].tolist() == ["A", "D"]
    assert c.skipped_rows == 2
    assert "data row 2 (line 3), column 'milliseconds'" in c.skipped_examples[0]
    assert "data row 3 (line 4), column 'bytes'" in c.skipped_examples[1]


def test_skip_bad_rows_keeps_only_a_few_examples():
    data = b"seconds\n1\n" + b"x\n" * 50
    c = load_catalogue_csv(data, skip_bad_rows=True, scenario=make_scenario())
    assert (c.n_tracks, c.skipped_rows, len(c.skipped_examples)) == (1, 50, 5)


def test_skip_bad_rows_with_nothing_left_is_an_error():
    with pytest.raises(CatalogueError, match=r"no music tracks.*2 bad rows skipped.*first problem: .*data row 1"):
        load_catalogue_csv(b"seconds\nx\ny\n", skip_bad_rows=True, scenario=make_scenario())


# --- properties -------------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=1, max_value=99 * 60 + 59), min_size=1, max_size=30))
def test_mss_column_round_trips(seconds):
    text = "time\n" + "".join(f"{format_duration(s * 1000)}\n" for s in seconds)
    c = load_catalogue_csv(text.encode(), scenario=make_scenario())
    assert c.tracks["duration_ms"].tolist() == [s * 1000 for s in seconds]


@given(st.lists(st.integers(min_value=1, max_value=MAX_DURATION_MS), min_size=1, max_size=30),
       st.sampled_from([",", ";", "\t"]))
def test_ms_column_round_trips(duration_ms, delimiter):
    text = f"name{delimiter}duration_ms\n" + "".join(f"t{i}{delimiter}{ms}\n" for i, ms in enumerate(duration_ms))
    assert load_catalogue_csv(text.encode(), scenario=make_scenario()).tracks["duration_ms"].tolist() == duration_ms


@given(st.binary(max_size=300))
def test_arbitrary_bytes_load_or_raise_catalogue_error(data):
    try:
        c = load_catalogue(data, scenario=make_scenario())
    except CatalogueError:
        return
    assert c.n_tracks > 0 and (c.tracks["duration_ms"] > 0).all()


# --- iTunes Library.xml -----------------------------------------------------------------------------


def _track(track_id, **keys):
    return {"Track ID": track_id, "Kind": "MPEG audio file", **keys}


def _library(tracks):
    return plistlib.dumps({"Major Version": 1, "Minor Version": 1,
                           "Tracks": {str(t["Track ID"]): t for t in tracks}, "Playlists": []},
                          sort_keys=False)


LIBRARY = [
    _track(1, Name="Hells Bells", Artist="AC/DC", Album="Back in Black", **{"Total Time": 312000,
           "Size": 7488000, "Bit Rate": 192}),
    _track(2, Name="Shoot to Thrill", Artist="AC/DC", **{"Album Artist": "AC/DC", "Album": "Back in Black",
           "Total Time": 317000}),
    _track(3, Name="Clip", **{"Total Time": 200000, "Has Video": True}),
    _track(4, Name="Film", **{"Total Time": 200000, "Movie": True}),
    _track(5, Name="Episode", **{"Total Time": 200000, "TV Show": True}),
    _track(6, Name="Promo", **{"Total Time": 200000, "Music Video": True}),
    _track(7, Name="Trailer", Kind="Protected MPEG-4 video file", **{"Total Time": 200000}),
    _track(8, Name=".NET Rocks!", **{"Total Time": 3600000, "Podcast": True}),
    _track(9, Name="Mix 1", Artist="X", Album="Hits", Compilation=True, **{"Total Time": 180000}),
    _track(10, Name="Mix 2", Artist="Y", Album="Hits", Compilation=True, **{"Total Time": 190000}),
]


def test_itunes_library_loads_and_excludes_video_and_podcasts():
    c = load_itunes_library(_library(LIBRARY), scenario=make_scenario())
    assert (c.n_tracks, c.excluded_video, c.excluded_podcast) == (4, 5, 1)
    t = c.tracks
    assert t["track"].tolist() == ["Hells Bells", "Shoot to Thrill", "Mix 1", "Mix 2"]
    assert t["duration_ms"].tolist() == [312000, 317000, 180000, 190000]
    assert t["size_bytes"].tolist()[0] == 7488000 and t["bitrate_kbps"].tolist()[0] == 192
    assert t["artist"].tolist() == ["AC/DC", "AC/DC", "Various Artists", "Various Artists"]
    assert c.n_albums == 2


def test_binary_plist_and_dispatch_by_content(tmp_path):
    f = tmp_path / "Library.xml"
    f.write_bytes(_library(LIBRARY))
    assert load_catalogue(f, scenario=make_scenario()).n_tracks == 4
    binary = plistlib.dumps(plistlib.loads(_library(LIBRARY)), fmt=plistlib.FMT_BINARY)
    assert load_catalogue(binary, scenario=make_scenario()).n_tracks == 4


@pytest.mark.parametrize(
    "data, pattern",
    [
        (_library(LIBRARY)[:-40], r"malformed XML at line \d+, column \d+"),
        (b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaa">]><plist version="1.0"><dict>'
         b"<key>Tracks</key><dict/></dict></plist>", r"not a valid property list.*entity"),
        (plistlib.dumps({"Playlists": []}), r"no 'Tracks' dictionary"),
        (b'<?xml version="1.0" encoding="UTF-S"?><plist version="1.0"><dict/></plist>', r"not a valid property list"),
        (plistlib.dumps(["not", "a", "library"]), r"no 'Tracks' dictionary"),
        (_library([_track(5, Name="x", **{"Total Time": 1000}), _track(7, Name="radio")]),
         r"track entry 2 \(Track ID 7\), key 'Total Time' is missing; expected an <integer> of milliseconds"),
        (_library([_track(7, **{"Total Time": "4:05"})]), r"track entry 1 \(Track ID 7\), key 'Total Time': '4:05'"),
        (_library([_track(7, **{"Total Time": -1})]), r"key 'Total Time': -1 is out of range"),
        (_library([_track(7, **{"Total Time": 1000, "Size": "big"})]), r"key 'Size': 'big'"),
        (_library([_track(7, **{"Total Time": 1000, "Bit Rate": 0})]), r"key 'Bit Rate': 0"),
        (_library([_track(7, **{"Total Time": 1000, "Podcast": True})]), r"no music tracks.*and 1 podcast excluded"),
    ],
    ids=["truncated", "entity declaration", "no Tracks", "unknown XML encoding", "not a dict", "missing time", "text time",
         "negative time", "text size", "zero bitrate", "only podcasts"],
)
def test_bad_itunes_library_is_a_clear_error(data, pattern):
    with pytest.raises(CatalogueError, match=pattern):
        load_catalogue(data, scenario=make_scenario())


@given(st.sampled_from([_library(LIBRARY[:2]), plistlib.dumps(plistlib.loads(_library(LIBRARY[:2])),
                                                              fmt=plistlib.FMT_BINARY)]),
       st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=4))
def test_corrupted_libraries_load_or_raise_catalogue_error(data, changes):
    b = bytearray(data)
    for pos, byte in changes:
        b[pos % len(b)] = byte
    try:
        c = load_catalogue(bytes(b), scenario=make_scenario())
    except CatalogueError:
        return
    assert (c.tracks["duration_ms"] > 0).all()


def test_itunes_skip_bad_rows():
    data = _library([_track(1, **{"Total Time": 1000}), _track(2, Name="radio"), _track(3, **{"Total Time": 2000})])
    c = load_itunes_library(data, skip_bad_rows=True, scenario=make_scenario())
    assert (c.n_tracks, c.skipped_rows) == (2, 1)
    assert "Track ID 2" in c.skipped_examples[0]


def test_itunes_row_limit():
    with pytest.raises(CatalogueError, match=r"more than 3 tracks; at most 3"):
        load_itunes_library(_library(LIBRARY), max_rows=3, scenario=make_scenario())
