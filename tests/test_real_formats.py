"""Files in the shape of real exports (``tests/hostile/cases.py``, ``SAMPLES``) load as they should (issue 15).

Each sample was written for this corpus in the layout of a real tool's export
(Exportify, spotifyr, R's write.csv, iTunes/Music): no one's library is copied.
Every loader reports rows read, tracks priced, items left out by kind and the
column used for each role, in the loader, the command line's summary and
``--json``.
"""

from __future__ import annotations

import json

import pytest
from hostile.cases import FILES, SAMPLES, Sample

from simulator.cli import main
from simulator.io.limits import EXCLUDED_NOUNS
from simulator.io.load import load_catalogue
from simulator.model.catalogue import CatalogueError
from simulator.params.scenario import make_scenario


def ids(samples):
    return [s.file for s in samples]


@pytest.mark.parametrize("sample", SAMPLES, ids=ids(SAMPLES))
def test_sample_loads_as_the_export_means(sample: Sample):
    c = load_catalogue(FILES / sample.file, scenario=make_scenario())
    assert (c.n_tracks, c.rows_read) == (sample.tracks, sample.rows_read)
    assert {k: v for k, v in c.excluded.items() if v} == dict(sample.excluded)
    if sample.albums is not None:
        assert c.n_albums == sample.albums
    if sample.artists:
        assert tuple(c.tracks["artist"]) == sample.artists
    if sample.duration_ms:
        assert tuple(c.tracks["duration_ms"]) == sample.duration_ms
    for role, column in sample.columns.items():
        assert c.columns[role] == column, c.columns


@pytest.mark.parametrize("sample", SAMPLES, ids=ids(SAMPLES))
def test_sample_report_in_the_command_line(sample: Sample, capsys):
    assert main(["catalogue", str(FILES / sample.file), "--json"]) == 0
    out, err = capsys.readouterr()
    got = json.loads(out)
    report = got["catalogue"]
    assert report["rows_read"] == sample.rows_read and report["tracks_priced"] == sample.tracks
    assert set(report["excluded"]) == set(EXCLUDED_NOUNS)
    assert {k: v for k, v in report["excluded"].items() if v} == dict(sample.excluded)
    assert len(got["rows"]) == sample.tracks == got["total"]["tracks"]
    assert f"read {sample.rows_read:,} row" in err and "None" not in err
    assert main(["catalogue", str(FILES / sample.file)]) == 0
    out, _ = capsys.readouterr()
    assert f"priced {sample.tracks:,} track" in out and "None" not in out


def test_exportify_albums_of_the_same_name_by_different_artists_stay_apart(capsys):
    for name in ("fmt_exportify_classic.csv", "fmt_exportify_current.csv"):
        assert main(["catalogue", str(FILES / name), "--by", "album", "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)["rows"]
        hits = [(r["artist"], r["tracks"]) for r in rows if r["album"] == "Greatest Hits"]
        assert hits == [("The Kilobytes", 2), ("Megahertz", 1)], name


def test_verbose_says_which_column_gave_each_role(capsys):
    assert main(["catalogue", str(FILES / "fmt_spotifyr_tidytuesday.csv"), "--verbose"]) == 0
    err = capsys.readouterr().err
    assert "artist <- 'track_artist'" in err and "album <- 'track_album_name'" in err
    assert "track <- 'track_name'" in err and "playlist_name" not in err


def test_by_album_without_album_column_warns_and_groups_per_track(capsys):
    assert main(["catalogue", str(FILES / "fmt_no_album.csv"), "--by", "album"]) == 0
    out, err = capsys.readouterr()
    assert "warning:" in err and "names no albums" in err and "one row per track" in err
    assert main(["catalogue", str(FILES / "fmt_no_album.csv"), "--by", "album", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [(r["album"], r["tracks"]) for r in got["rows"]] == [
        ("Packet Loss", 1), ("Carrier Wave", 1), ("Packet Loss [2]", 1)]
    assert any("names no albums" in w for w in got["catalogue"]["warnings"])


def test_by_album_with_albums_does_not_warn(capsys):
    assert main(["catalogue", str(FILES / "fmt_exportify_current.csv"), "--by", "album"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_refused_bad_row_says_how_to_go_on(tmp_path, capsys):
    f = tmp_path / "lib.csv"
    f.write_bytes(b"name,kind,seconds\nA,MPEG audio file,240\nB,MPEG audio file,\n")
    assert main(["catalogue", str(f)]) == 2
    err = capsys.readouterr().err
    assert "data row 2 (line 3)" in err and "add --skip-bad-rows" in err and err.count("\n") == 1
    assert main(["catalogue", str(f), "--skip-bad-rows"]) == 0
    assert "skipped 1 bad row" in capsys.readouterr().out


def test_a_library_entry_without_a_time_never_prints_none(capsys, tmp_path):
    import plistlib

    f = tmp_path / "Library.xml"
    f.write_bytes(plistlib.dumps({"Tracks": {"1": {"Name": "A", "Total Time": 1000},
                                             "2": {"Name": "Mystery", "Kind": "MPEG audio file"}}}))
    assert main(["catalogue", str(f)]) == 2
    err = capsys.readouterr().err
    assert "None" not in err and "key 'Total Time' is missing" in err and "--skip-bad-rows" in err


# --- R's exponent form, and a duration column mixing seconds and milliseconds (issue 11) ---------------------


@pytest.mark.parametrize("cell, ms", [("2e+05", 200_000), ("2E5", 200_000), ("2.4e+05", 240_000), ("1e3", 1000)])
def test_whole_numbers_in_exponent_form_are_numbers(cell, ms):
    assert load_catalogue(f"name,duration_ms\nA,{cell}\n".encode(), scenario=make_scenario()).tracks["duration_ms"].tolist() == [ms]
    assert load_catalogue(f"name,seconds,bytes\nA,240,{cell}\n".encode(), scenario=make_scenario()).tracks["size_bytes"].tolist() == [ms]


def test_exponent_in_seconds_is_whole_milliseconds():
    assert load_catalogue(b"name,seconds\nA,2.4531e+02\n", scenario=make_scenario()).tracks["duration_ms"].tolist() == [245_310]
    with pytest.raises(CatalogueError, match=r"'2.45e-04' is in exponent form but not a whole number of milliseconds"):
        load_catalogue(b"name,seconds\nA,2.45e-04\n", scenario=make_scenario())
    with pytest.raises(CatalogueError, match=r"is too large"):
        load_catalogue(b"name,seconds\nA,1e999999\n", scenario=make_scenario())


def test_one_large_value_no_longer_turns_seconds_into_milliseconds():
    # Issue 11: with a median >= 10,000 the column was read as ms and 240 became 0.24 s, silently.
    with pytest.raises(CatalogueError) as e:
        load_catalogue(b"name,length\nA,240\nB,250000\nC,260000\n", scenario=make_scenario())
    msg = str(e.value)
    assert "column 'length' seems to mix seconds and milliseconds" in msg
    assert "'250000' (data row 2) and '240' (data row 1)" in msg and "duration_s or duration_ms" in msg
    # a unit in the column's name is believed: no guessing, no refusal
    assert load_catalogue(b"name,duration_ms\nA,240\nB,250000\n", scenario=make_scenario()).tracks["duration_ms"].tolist() == [240, 250_000]
    # all in one unit: fine either way
    assert load_catalogue(b"name,length\nA,240\nB,250\n", scenario=make_scenario()).tracks["duration_ms"].tolist() == [240_000, 250_000]
    assert load_catalogue(b"name,length\nA,240000\nB,250000\n", scenario=make_scenario()).tracks["duration_ms"].tolist() == [240_000, 250_000]
