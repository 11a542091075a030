"""The streamed ``Library.xml`` reader (issue 15, gap 8): same result as plistlib, bounded memory, its own cap."""

from __future__ import annotations

import io
import plistlib
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_library import write_library
from simulator.io import itunes
from simulator.io.itunes import load_itunes_library
from simulator.io.limits import limits_for
from simulator.io.load import load_catalogue
from simulator.model.catalogue import CatalogueError
from simulator.params.scenario import make_scenario

S = make_scenario()

KINDS = ["MPEG audio file", "Purchased AAC audio file", "PDF document", "MPEG-4 video file", "Audible file",
         "Internet audio stream", "Book", "AAC audio file"]
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
track = st.fixed_dictionaries(
    {"Name": text, "Kind": st.sampled_from(KINDS)},
    optional={"Artist": text, "Album": text, "Album Artist": text, "Compilation": st.booleans(),
              "Total Time": st.integers(1, 10**7), "Size": st.integers(0, 10**9), "Bit Rate": st.integers(1, 1411),
              "Podcast": st.booleans(), "Has Video": st.booleans(), "Genre": st.sampled_from(["Rock", "Podcast", "Audiobooks"]),
              "Location": st.sampled_from(["file:///M/a.mp3", "file:///M/Audiobooks/b.m4a", "file:///M/c.m4b"]),
              "Play Count": st.integers(0, 99), "Artwork": st.binary(max_size=8),
              "Tags": st.lists(st.integers(-2**62, 2**62), max_size=3)})


def _lib(tracks: list[dict]) -> dict:
    return {"Major Version": 1, "Tracks": {str(i + 1): t for i, t in enumerate(tracks)},
            "Playlists": [{"Name": "Library", "Playlist Items": [{"Track ID": i + 1} for i in range(len(tracks))]}]}


@settings(max_examples=60, deadline=None)
@given(st.lists(track, min_size=1, max_size=12))
def test_streamed_xml_reads_as_plistlib_does(tracks):
    """The XML (streamed, expat) and the binary form of one library (plistlib.loads) give the same catalogue."""
    lib = _lib(tracks)
    xml, binary = plistlib.dumps(lib), plistlib.dumps(lib, fmt=plistlib.FMT_BINARY)
    outcomes = []
    for data in (xml, binary):
        try:
            c = load_itunes_library(data, scenario=S, skip_bad_rows=True)
            outcomes.append((c.tracks.to_dict("list"), dict(c.excluded), c.skipped_rows, c.rows_read))
        except CatalogueError as e:
            outcomes.append(str(e))
    assert outcomes[0] == outcomes[1]


def test_chunk_boundaries_do_not_matter(monkeypatch):
    tracks = [{"Name": f"Song {i} & co", "Total Time": 1000 + i, "Album": "Ä" * i} for i in range(30)]
    data = plistlib.dumps(_lib(tracks))
    whole = load_itunes_library(data, scenario=S).tracks
    monkeypatch.setattr(itunes, "CHUNK_BYTES", 7)
    assert load_itunes_library(data, scenario=S).tracks.equals(whole)
    assert load_itunes_library(io.BytesIO(data), scenario=S).tracks.equals(whole)


def test_xml_has_its_own_larger_cap_and_csv_keeps_its_own(tmp_path):
    s = make_scenario(overrides={"catalogue.max_file_mb": 0.001})  # 1,000 bytes for CSV
    xml = tmp_path / "Library.xml"
    xml.write_bytes(plistlib.dumps(_lib([{"Name": f"S{i}", "Total Time": 1000} for i in range(40)])))
    assert xml.stat().st_size > 1000
    assert load_catalogue(xml, scenario=s).n_tracks == 40
    csv = tmp_path / "t.csv"
    csv.write_bytes(b"name,seconds\n" + b"Song,240\n" * 200)
    with pytest.raises(CatalogueError, match=r"at most 1,000 bytes are allowed \(catalogue.max_file_mb\)"):
        load_catalogue(csv, scenario=s)
    # the default XML cap holds 200,000 tracks at 1.7 kB a track with room for playlists
    assert limits_for(S).max_xml_bytes >= 2 * 200_000 * 1_700
    small = make_scenario(overrides={"catalogue.max_xml_file_mb": 0.001})
    with pytest.raises(CatalogueError, match=r"at most 1,000 bytes are allowed \(catalogue.max_xml_file_mb\)"):
        load_catalogue(xml, scenario=small)


def test_a_file_over_the_xml_cap_is_refused_unread(tmp_path, monkeypatch):
    f = tmp_path / "Library.xml"
    f.write_bytes(b'<?xml version="1.0"?>' + b" " * 2000)
    opened = []
    real_open = type(f).open
    monkeypatch.setattr(type(f), "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    s = make_scenario(overrides={"catalogue.max_xml_file_mb": 0.001})
    with pytest.raises(CatalogueError, match=r"file is 2,021 bytes; at most 1,000 bytes"):
        load_itunes_library(f, scenario=s)
    assert not opened


def test_streaming_keeps_memory_below_the_file_size(tmp_path):
    """5,000 tracks (about 9 MB): the reader's peak Python allocation stays below the file's size."""
    f = tmp_path / "Library.xml"
    write_library(f, 5_000)
    size = f.stat().st_size
    load_itunes_library(f, scenario=S)  # warm up (first use of pandas paths)
    tracemalloc.start()
    try:
        c = load_itunes_library(f, scenario=S)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert c.n_tracks == 5_000 and c.rows_read == 5_000
    assert peak < size, f"peak {peak:,} bytes for a {size:,}-byte file"


@pytest.mark.parametrize("doc, message", [
    (b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
     b"<plist><dict><key>Tracks</key><dict/></dict></plist>", "XML entity declarations are not supported"),
    (b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b"<plist><dict><key>Tracks</key><dict><key>1</key><dict><key>Name</key><string>&x;</string></dict></dict>"
     b"</dict></plist>", "XML entity declarations are not supported"),
    (b"<plist><dict><key>Tracks</key><dict/><key>Tracks</key><dict/></dict></plist>", "a second 'Tracks' dictionary"),
    (b"<plist><dict><key>Tracks</key><dict><key>1</key></dict></dict></plist>", "missing value for key '1'"),
    (b"<plist><dict><key>Tracks</key><dict><integer>1</integer></dict></dict></plist>", "unexpected element"),
    (b"<plist><array><key>x</key></array></plist>", "unexpected key"),
])
def test_stream_refuses_what_plistlib_refuses(doc, message):
    with pytest.raises(CatalogueError, match=message):
        load_itunes_library(doc, scenario=S)
