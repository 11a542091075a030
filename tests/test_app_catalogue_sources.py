"""The Catalogue page with every source of issue 15 (AppTest, no browser).

Each upload shows what was read (rows, tracks priced, items left out by kind), which column gave
each role, and warnings; a refused file is an error with the last valid catalogue kept.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from apptest_pages import open_page
from hostile.cases import FILES

ROOT = Path(__file__).resolve().parents[1]


def _app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    run(at)
    run(open_page(at, "catalogue"))
    return at


def run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.radio(key="catalogue_source").set_value("Upload a file")
    run(at)
    at.file_uploader(key="catalogue_file").set_value((name, data, mime))
    return run(at)


def test_an_exportify_upload_reports_rows_and_columns():
    at = upload(_app(), "playlist.csv", (FILES / "fmt_exportify_current.csv").read_bytes())
    assert not at.error
    text = captions(at)
    assert "read 4 rows, priced 4 tracks" in text and "3 albums" in text
    assert "allofmp3-sim catalogue" in text  # the cap names the command line
    (table,) = [d for d in at.dataframe if "role" in d.value.columns]
    roles = dict(zip(table.value["role"], table.value["read from"], strict=True))
    assert roles["artist"] == "Artist Name(s)" and roles["duration_ms"] == "Duration (ms)"


def test_a_library_with_audiobooks_and_booklets_says_what_was_left_out():
    at = upload(_app(), "Library.xml", (FILES / "fmt_itunes_non_music.xml").read_bytes(), "text/xml")
    assert not at.error
    text = captions(at)
    assert "read 15 rows, priced 3 tracks" in text
    assert "left out 1 video, 3 podcasts, 4 audiobooks, 1 PDF booklet, 1 ebook, 1 app and 1 stream" in text
    assert "None" not in text


def test_no_album_column_warns_and_shows_one_album_per_track():
    at = upload(_app(), "songs.csv", (FILES / "fmt_no_album.csv").read_bytes())
    assert any("names no albums" in w.value for w in at.warning)
    assert len(at.selectbox(key="catalogue_album").options) == 3


def test_a_bad_row_says_how_to_go_on_and_keeps_the_last_catalogue():
    at = upload(_app(), "playlist.csv", (FILES / "fmt_exportify_current.csv").read_bytes())
    bad = b"name,kind,seconds\nA,MPEG audio file,240\nB,MPEG audio file,\n"
    at.file_uploader(key="catalogue_file").set_value(("bad.csv", bad, "text/csv"))
    run(at)
    (err,) = [e.value for e in at.error]
    assert err.startswith("bad.csv: data row 2 (line 3)") and "tick 'Skip bad rows'" in err
    assert "last catalogue that loaded: playlist.csv" in captions(at)
    at.checkbox(key="catalogue_skip_bad_rows").check()
    run(at)
    assert not at.error and "skipped 1 bad row" in captions(at)


def test_an_m3u_upload_is_priced_from_extinf():
    data = b"#EXTM3U\n#EXTINF:245,The Kilobytes - Packet Loss\nMusic/01.mp3\n#EXTINF:-1,Radio\nhttp://r.example/\n"
    at = upload(_app(), "mix.m3u8", data, "audio/x-mpegurl")
    assert not at.error
    assert "priced 1 track" in captions(at) and "1 stream" in captions(at)
    assert any("priced from their #EXTINF durations" in w.value for w in at.warning)


def test_over_the_app_cap_the_message_names_the_command_line():
    from simulator.io.load import read_catalogue
    from simulator.model.catalogue import CatalogueError
    from ui.pages.catalogue import _limits

    with pytest.raises(CatalogueError) as e:
        read_catalogue(b'<?xml version="1.0"?>' + b" " * 2000, _limits(10, 1000), name="Library.xml")
    assert "at most 1,000 bytes" in str(e.value) and "allofmp3-sim catalogue" in str(e.value)


def _audio_files() -> list[tuple[str, bytes]]:
    for tool in ("sox", "lame", "flac"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed, so no audio file can be made here")
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        wav = Path(d) / "a.wav"
        subprocess.run(["sox", "-n", "-r", "44100", "-b", "16", "-c", "2", str(wav), "synth", "2", "pinknoise"],
                       check=True, capture_output=True)
        subprocess.run(["lame", "--quiet", "-b", "128", "--tt", "One", "--tl", "Disc", "--ta", "Band", str(wav),
                        str(Path(d) / "1.mp3")], check=True, capture_output=True)
        subprocess.run(["flac", "-s", "--tag=TITLE=Two", "--tag=ALBUM=Disc", "--tag=ARTIST=Band", "-o",
                        str(Path(d) / "2.flac"), str(wav)], check=True, capture_output=True)
        return [("Disc/1.mp3", (Path(d) / "1.mp3").read_bytes()), ("Disc/2.flac", (Path(d) / "2.flac").read_bytes()),
                ("Disc/booklet.pdf", b"%PDF-1.4")]


def test_a_zipped_folder_and_a_folder_upload_read_the_audio_files():
    files = _audio_files()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files:
            z.writestr(name, data)
    at = upload(_app(), "music.zip", buf.getvalue(), "application/zip")
    assert not at.error
    assert "priced 2 tracks" in captions(at) and "1 PDF booklet" in captions(at)
    assert at.toggle(key="catalogue_real_bytes").disabled is False  # the files' own sizes can be priced
    at.radio(key="catalogue_source").set_value("Upload a folder of audio files")
    run(at)
    at.file_uploader(key="catalogue_folder").set_value([(n, d, "application/octet-stream") for n, d in files])
    run(at)
    assert not at.error
    assert "priced 2 tracks" in captions(at) and "the uploaded folder (3 files)" in captions(at)
    assert len(at.selectbox(key="catalogue_album").options) == 1  # both tracks tagged album "Disc"
