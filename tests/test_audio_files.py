"""Folders of real audio files, read with mutagen (issue 15, new sources), and M3U playlists pointing at them.

The files are made when the tests run, by the Debian tools `.ci/run` installs (``sox``, ``lame``,
``flac``, ``oggenc`` from vorbis-tools, ``opusenc`` from opus-tools; ``ffmpeg`` for AAC/M4A when it is
there), and checked against what the tools were asked for: the length of the signal and the bitrate.
A test whose tool is absent is skipped with the reason.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.cli.catalogue import _progress
from simulator.io.audio_files import load_audio_folder, read_audio_files, read_audio_zip
from simulator.io.limits import BadRowError, limits_for
from simulator.io.load import load_catalogue
from simulator.io.playlists import load_m3u, read_m3u
from simulator.model.catalogue import CatalogueError
from simulator.params.scenario import make_scenario

S = make_scenario()
#: Length of the signal every file is made from. [ms]
SIGNAL_MS = 8_000
#: How far a decoder's length may be from the signal's (MP3 encoder delay and frame padding). [ms]
LENGTH_TOLERANCE_MS = 60


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        package = {"oggenc": "vorbis-tools", "opusenc": "opus-tools", "ffmpeg": "ffmpeg"}.get(tool, tool)
        pytest.skip(f"{tool} is not installed, so no such file can be made here (apt-get install -y {package})")
    return path


def run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


#: name -> (tool, command after the tool, codec, bitrate mode, asked kbps, relative tolerance of the bitrate)
ENCODINGS = {
    "cbr128.mp3": ("lame", ["--quiet", "-b", "128", "--cbr", "--tt", "Packet Loss", "--ta", "The Kilobytes",
                            "--tl", "Greatest Hits", "--tv", "TPE2=The Kilobytes", "{wav}", "{out}"],
                   "mp3", "cbr", 128, 0.01),
    "abr160.mp3": ("lame", ["--quiet", "--abr", "160", "--tt", "Carrier Wave", "--ta", "The Kilobytes feat. Guest",
                            "--tl", "Greatest Hits", "--tv", "TPE2=The Kilobytes", "{wav}", "{out}"],
                   "mp3", "abr", 160, 0.25),
    "vbr.mp3": ("lame", ["--quiet", "-V", "2", "--tt", "Overclocked", "--ta", "Megahertz", "--tl", "Greatest Hits",
                         "{wav}", "{out}"], "mp3", "vbr", None, None),
    "tone.flac": ("flac", ["-s", "--tag=TITLE=Lossless", "--tag=ARTIST=Megahertz", "--tag=ALBUM=Overclocked",
                           "-o", "{out}", "{wav}"], "flac", "lossless", None, None),
    "q.ogg": ("oggenc", ["-Q", "-b", "160", "-t", "Vorbis Song", "-a", "Megahertz", "-l", "Overclocked",
                         "-o", "{out}", "{wav}"], "vorbis", "", 160, 0.01),
    "o.opus": ("opusenc", ["--quiet", "--hard-cbr", "--bitrate", "96", "--title", "Opus Song", "--artist", "Megahertz",
                           "--album", "Overclocked", "{wav}", "{out}"], "opus", "", 96, 0.1),
    "song.m4a": ("ffmpeg", ["-loglevel", "error", "-i", "{wav}", "-c:a", "aac", "-b:a", "128k",
                            "-metadata", "title=AAC Song", "-metadata", "album=Overclocked",
                            "-metadata", "artist=Megahertz", "{out}"], "aac", "", 128, 0.25),
}


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """A folder: one file per encoder that is installed, the WAV itself, and non-audio files."""
    need("sox")
    root = tmp_path_factory.mktemp("music")
    wav = root / "source" / "signal.wav"
    wav.parent.mkdir()
    run("sox", "-n", "-r", "44100", "-b", "16", "-c", "2", str(wav), "synth", str(SIGNAL_MS / 1000), "pinknoise",
        "vol", "0.5")
    for name, (tool, args, *_) in ENCODINGS.items():
        if shutil.which(tool):
            run(tool, *[a.format(wav=wav, out=root / name) for a in args])
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    (root / "notes.txt").write_text("ripped in 2006")
    (root / "Digital Booklet.pdf").write_bytes(b"%PDF-1.4\n")
    shutil.copy(root / "source" / "signal.wav", root / "The Long Book.m4b")  # an audiobook, by its extension
    (root / "clip.m4v").write_bytes(b"\x00\x00\x00\x18ftypM4V ")
    return root


def by_track(c) -> dict[str, dict]:
    return {r["track"]: r for r in c.tracks.to_dict("records")}


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_each_format_reads_its_duration_and_bitrate(library, name):
    tool, _, codec, mode, kbps, tolerance = ENCODINGS[name]
    need(tool)
    c = load_catalogue(library / name, scenario=make_scenario())
    (row,) = c.tracks.to_dict("records")
    assert abs(row["duration_ms"] - SIGNAL_MS) <= LENGTH_TOLERANCE_MS, row
    assert (row["codec"], row["bitrate_mode"]) == (codec, mode)
    assert row["size_bytes"] == (library / name).stat().st_size
    if kbps is not None:
        assert abs(row["bitrate_kbps"] - kbps) <= kbps * tolerance, row


def test_wav_is_pcm_at_cd_rate(library):
    (row,) = load_catalogue(library / "source" / "signal.wav", scenario=make_scenario()).tracks.to_dict("records")
    assert (row["codec"], row["bitrate_mode"], row["bitrate_kbps"], row["duration_ms"]) == ("pcm", "lossless", 1411,
                                                                                           SIGNAL_MS)


def test_vbr_mp3_is_told_from_cbr(library):
    need("lame")
    t = by_track(load_catalogue(library / "vbr.mp3", scenario=make_scenario()))["Overclocked"]
    assert t["bitrate_mode"] == "vbr" and 32 <= t["bitrate_kbps"] <= 320


def test_folder_albums_from_tags_and_non_audio_counted(library):
    need("lame"), need("flac"), need("oggenc"), need("opusenc")
    c = load_audio_folder(library, scenario=S)
    n_audio = 1 + sum(1 for n, (tool, *_) in ENCODINGS.items() if shutil.which(tool))
    assert c.n_tracks == n_audio
    assert dict(c.excluded) == {"other_file": 2, "booklet": 1, "audiobook": 1, "video": 1}
    assert c.rows_read == n_audio + 5
    t = by_track(c)
    assert (t["Packet Loss"]["album"], t["Packet Loss"]["artist"]) == ("Greatest Hits", "The Kilobytes")
    # the album artist tag wins over the track artist, so the album stays one album
    assert t["Carrier Wave"]["artist"] == "The Kilobytes"
    assert t["signal"]["album"] == ""  # no tags: the file name is the title
    albums = c.tracks.groupby(["artist", "album"]).size().to_dict()
    assert albums[("The Kilobytes", "Greatest Hits")] == 2 and albums[("Megahertz", "Greatest Hits")] == 1


def test_priced_at_the_encoding_and_at_the_files_own_size(library, capsys):
    need("lame")
    assert main(["catalogue", str(library), "--json", "--encoding", "mp3-128"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["total"]["real_bytes_tracks"] == 0
    rows = {r["track"]: r for r in got["rows"]}
    from simulator.model.encoding import size_bytes

    # at the chosen encoding: the formula on the file's own duration, not the file's size
    duration_ms = round(rows["Packet Loss"]["duration_s"] * 1000)
    expected = int(size_bytes(duration_ms, 128, int(S["encoding.tag_overhead_bytes"])))
    assert rows["Packet Loss"]["size_bytes"] == expected
    assert rows["Packet Loss"]["codec"] == "mp3" and rows["Packet Loss"]["bitrate_mode"] == "cbr"
    assert main(["catalogue", str(library), "--json", "--real-bytes"]) == 0
    real = {r["track"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert real["Packet Loss"]["size_bytes"] == (library / "cbr128.mp3").stat().st_size
    assert real["signal"]["size_bytes"] == (library / "source" / "signal.wav").stat().st_size
    report = json.loads((main(["catalogue", str(library), "--json"]), capsys.readouterr().out)[1])["catalogue"]
    assert report["excluded"]["other_file"] == 2 and report["excluded"]["audiobook"] == 1


def test_a_zip_of_the_folder_reads_the_same(library):
    need("lame")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(library.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(library).as_posix())
    folder = load_audio_folder(library, scenario=S)
    zipped = load_catalogue(buf.getvalue(), scenario=make_scenario())
    cols = ["album", "artist", "track", "duration_ms", "size_bytes", "bitrate_kbps", "codec", "bitrate_mode"]
    key = ["track", "codec"]
    assert (zipped.tracks[cols].sort_values(key).reset_index(drop=True)
            .equals(folder.tracks[cols].sort_values(key).reset_index(drop=True)))
    assert dict(zipped.excluded) == dict(folder.excluded)
    uploaded = read_audio_files([(p.relative_to(library).as_posix(), p.read_bytes()) for p in library.rglob("*")
                                 if p.is_file()], "upload", limits_for(S))
    assert uploaded.n_tracks == folder.n_tracks


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.wav", b"\x00" * 2_000_000)
    data = buf.getvalue()
    assert len(data) < 10_000
    small = limits_for(make_scenario(overrides={"catalogue.max_file_mb": 0.01}))
    with pytest.raises(CatalogueError, match=r"expands to 2,000,000 bytes; at most 10,000 bytes"):
        read_audio_zip(data, "bomb.zip", small)


def test_an_unreadable_audio_file_is_a_bad_row(tmp_path):
    (tmp_path / "broken.mp3").write_bytes(b"ID3" + b"\x00" * 7 + b"junk" * 100)
    (tmp_path / "empty.flac").write_bytes(b"")
    with pytest.raises(BadRowError) as e:
        load_audio_folder(tmp_path, scenario=S)
    assert "broken.mp3" in str(e.value) and "expected an MP3, AAC/M4A" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(CatalogueError, match=r"no music tracks in the files .* 2 bad rows skipped"):
        load_audio_folder(tmp_path, scenario=S, skip_bad_rows=True)


def test_a_folder_with_too_many_files_is_refused(tmp_path):
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text("x")
    with pytest.raises(CatalogueError, match=r"more than 3 files; at most 3"):
        load_audio_folder(tmp_path, scenario=S, max_rows=3)


def test_progress_is_reported_for_each_file(library):
    seen = []

    def progress(items, total):
        for item in items:
            seen.append(total)
            yield item

    c = load_audio_folder(library, scenario=S, progress=progress)
    assert len(seen) == c.rows_read and set(seen) == {c.rows_read}


def test_progress_bar_only_on_a_terminal_and_not_with_quiet(monkeypatch):
    import argparse
    import sys

    args = argparse.Namespace(quiet=False, json=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert _progress(args) is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    bar = _progress(args)
    assert bar is not None and list(bar(iter([1, 2, 3]), 3)) == [1, 2, 3]
    assert _progress(argparse.Namespace(quiet=True, json=False)) is None


# --- playlists -------------------------------------------------------------------------------------------


def test_m3u8_relative_paths_missing_files_and_streams(library):
    need("lame")
    pl = library / "mix.m3u8"
    pl.write_text("\ufeff#EXTM3U\n"
                  "#EXTINF:8,The Kilobytes - Packet Loss\ncbr128.mp3\n"           # relative, there: read from the file
                  "#EXTINF:241.4,The Kilobytes - Not Here\nmissing/gone.mp3\n"      # not there: #EXTINF
                  "missing/no_duration.mp3\n"                                       # not there, no duration: left out
                  "#EXTINF:-1,Radio Kilobyte\nhttp://radio.example/stream\n"        # a stream
                  f"#EXTINF:8,Absolute\n{library / 'source' / 'signal.wav'}\n"      # absolute
                  "#EXTALB:Audiobooks Sampler\n#EXTINF:600,A. Reader - Chapter 1\nbook/chapter1.m4b\n",
                  encoding="utf-8")
    c = load_m3u(pl, scenario=S)
    assert c.rows_read == 6 and c.n_tracks == 3
    assert dict(c.excluded) == {"missing_file": 1, "stream": 1, "audiobook": 1}
    t = by_track(c)
    assert t["Packet Loss"]["size_bytes"] == (library / "cbr128.mp3").stat().st_size
    assert t["Packet Loss"]["codec"] == "mp3" and abs(t["Packet Loss"]["duration_ms"] - SIGNAL_MS) <= 60
    assert (t["Not Here"]["duration_ms"], t["Not Here"]["artist"]) == (241_400, "The Kilobytes")
    assert t["Absolute"]["codec"] == "pcm"  # no title tag: the #EXTINF title
    assert any("1 of 6 entries name a file that is not here" in w for w in c.warnings)
    assert load_catalogue(pl, scenario=make_scenario()).n_tracks == 3  # dispatched by its extension


def test_uploaded_m3u_is_priced_from_extinf():
    data = b"#EXTM3U\n#EXTINF:245,A - B\nC:\\Music\\b.mp3\n#EXTINF:199.5,A - C\nfile:///Users/x/Music/c.mp3\n"
    c = load_catalogue(data, scenario=make_scenario())
    assert c.tracks["duration_ms"].tolist() == [245_000, 199_500] and c.excluded == {}


@pytest.mark.parametrize("data, message", [
    (b"#EXTM3U\n#EXTINF:abc,A - B\nb.mp3\n", "entry 1 (line 2), #EXTINF duration: 'abc' is not a number; expected seconds"),
    (b"#EXTM3U\n#EXTINF:nan,A - B\nb.mp3\n", "'nan' is not a number"),
    (b"#EXTM3U\n# only comments\n", "no entries; expected an M3U playlist"),
    (b"#EXTM3U\n\x00\x01\n", "binary data, not an M3U playlist"),
])
def test_bad_playlists_are_clear_errors(data, message):
    with pytest.raises(CatalogueError) as e:
        read_m3u(data, "p.m3u", limits_for(S))
    assert message in str(e.value) and str(e.value).startswith("p.m3u: ")
