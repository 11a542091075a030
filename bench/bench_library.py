"""A large iTunes/Music ``Library.xml``: the streamed reader's peak memory and time.

The benchmark writes a library of 200,000 tracks (``--quick``: 5,000) shaped like
a real export: about 30 keys a track, a master playlist holding every track and
three more playlists, so about 1.7 kB a track. Each measurement runs in a fresh
Python process (so one does not inherit the other's memory):

* the streamed reader, ``simulator.io.itunes.load_itunes_library`` (expat, chunk by
  chunk, each track entry dropped once it is a row), against
* a plain ``plistlib.load`` of the same file (the whole property list as Python objects).

Figures: the reader's peak memory (growth of the process's peak resident set
while loading, Linux ``VmHWM`` after resetting it) over the file's size, target
<= 3; and its time over ``plistlib.load``'s, target <= 2 (best of two runs each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from bench import Result

#: Tracks in the generated library. [tracks]
FULL_TRACKS = 200_000
QUICK_TRACKS = 5_000
#: Runs of each loader; the best time is kept.
RUNS = 2
# Other playlists than the master one, each holding a quarter of the tracks.
_PLAYLISTS = 3

_CHILD = r"""
import json, os, sys, time
path, how = sys.argv[1], sys.argv[2]
import plistlib
from simulator.io.itunes import load_itunes_library
from simulator.params.scenario import make_scenario
s = make_scenario()

def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0

try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak resident set to the current one
except OSError:
    pass
before = rss("VmRSS")
t0 = time.perf_counter()
if how == "stream":
    out = load_itunes_library(path, scenario=s)
    n = out.n_tracks
else:
    with open(path, "rb") as f:
        out = plistlib.load(f)
    n = len(out["Tracks"])
t = time.perf_counter() - t0
print(json.dumps({"time_s": t, "peak_growth_bytes": rss("VmHWM") - before, "tracks": n}))
"""


def write_library(path: Path, n: int) -> None:
    """Write a Library.xml of ``n`` music tracks, shaped like a real iTunes 12 export."""
    folder = "file:///Users/listener/Music/iTunes/iTunes%20Media/Music/"
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
                '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n'
                "\t<key>Major Version</key><integer>1</integer>\n\t<key>Minor Version</key><integer>1</integer>\n"
                "\t<key>Date</key><date>2024-01-02T03:04:05Z</date>\n"
                "\t<key>Application Version</key><string>12.13.0.9</string>\n"
                "\t<key>Features</key><integer>5</integer>\n\t<key>Show Content Ratings</key><true/>\n"
                f"\t<key>Music Folder</key><string>{folder}</string>\n"
                "\t<key>Library Persistent ID</key><string>0123456789ABCDEF</string>\n\t<key>Tracks</key>\n\t<dict>\n")
        for i in range(1, n + 1):
            album, artist = f"Album {i // 12:06d}", f"Artist {i // 120:05d}"
            name = escape(f"Track {i:07d} & Friends")
            seconds = 120 + (i * 37) % 480
            kbps = (128, 192, 256, 320)[i % 4]
            f.write(
                f"\t\t<key>{i}</key>\n\t\t<dict>\n"
                f"\t\t\t<key>Track ID</key><integer>{i}</integer>\n"
                f"\t\t\t<key>Size</key><integer>{seconds * kbps * 125 + 4096}</integer>\n"
                f"\t\t\t<key>Total Time</key><integer>{seconds * 1000 + i % 1000}</integer>\n"
                "\t\t\t<key>Disc Number</key><integer>1</integer>\n\t\t\t<key>Disc Count</key><integer>1</integer>\n"
                f"\t\t\t<key>Track Number</key><integer>{i % 12 + 1}</integer>\n"
                "\t\t\t<key>Track Count</key><integer>12</integer>\n"
                f"\t\t\t<key>Year</key><integer>{1960 + i % 60}</integer>\n"
                "\t\t\t<key>Date Modified</key><date>2019-05-06T07:08:09Z</date>\n"
                "\t\t\t<key>Date Added</key><date>2018-01-02T03:04:05Z</date>\n"
                f"\t\t\t<key>Bit Rate</key><integer>{kbps}</integer>\n"
                "\t\t\t<key>Sample Rate</key><integer>44100</integer>\n"
                f"\t\t\t<key>Play Count</key><integer>{i % 50}</integer>\n"
                "\t\t\t<key>Play Date</key><integer>3700000000</integer>\n"
                "\t\t\t<key>Play Date UTC</key><date>2021-04-05T06:07:08Z</date>\n"
                f"\t\t\t<key>Skip Count</key><integer>{i % 3}</integer>\n"
                f"\t\t\t<key>Persistent ID</key><string>{i:016X}</string>\n"
                "\t\t\t<key>Track Type</key><string>File</string>\n"
                "\t\t\t<key>File Folder Count</key><integer>5</integer>\n"
                "\t\t\t<key>Library Folder Count</key><integer>1</integer>\n"
                f"\t\t\t<key>Name</key><string>{name}</string>\n"
                f"\t\t\t<key>Artist</key><string>{artist}</string>\n"
                f"\t\t\t<key>Album Artist</key><string>{artist}</string>\n"
                "\t\t\t<key>Composer</key><string>A. Composer &amp; B. Lyricist</string>\n"
                f"\t\t\t<key>Album</key><string>{album}</string>\n"
                "\t\t\t<key>Genre</key><string>Rock</string>\n"
                "\t\t\t<key>Kind</key><string>MPEG audio file</string>\n"
                f"\t\t\t<key>Sort Name</key><string>{name}</string>\n"
                f"\t\t\t<key>Location</key><string>{folder}{artist.replace(' ', '%20')}/{album.replace(' ', '%20')}/"
                f"{i % 12 + 1:02d}%20Track%20{i:07d}.mp3</string>\n"
                "\t\t\t<key>Artwork Count</key><integer>1</integer>\n"
                f"\t\t\t<key>Normalization</key><integer>{1000 + i % 2000}</integer>\n"
                "\t\t</dict>\n")
        f.write("\t</dict>\n\t<key>Playlists</key>\n\t<array>\n")
        for p in range(_PLAYLISTS + 1):
            ids = range(1, n + 1) if p == 0 else range(p, n + 1, 4)
            f.write("\t\t<dict>\n"
                    f"\t\t\t<key>Name</key><string>{'Library' if p == 0 else f'Playlist {p}'}</string>\n"
                    + ("\t\t\t<key>Master</key><true/>\n" if p == 0 else "")
                    + f"\t\t\t<key>Playlist ID</key><integer>{p + 1}</integer>\n"
                    f"\t\t\t<key>Playlist Persistent ID</key><string>{p:016X}</string>\n"
                    "\t\t\t<key>All Items</key><true/>\n\t\t\t<key>Playlist Items</key>\n\t\t\t<array>\n")
            f.writelines(f"\t\t\t\t<dict>\n\t\t\t\t\t<key>Track ID</key><integer>{i}</integer>\n\t\t\t\t</dict>\n"
                         for i in ids)
            f.write("\t\t\t</array>\n\t\t</dict>\n")
        f.write("\t</array>\n</dict>\n</plist>\n")


def _measure(path: Path, how: str) -> dict:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", _CHILD, str(path), how], capture_output=True, text=True, env=env,
                       check=True)
    return json.loads(r.stdout)


def run(quick: bool = False) -> list[Result]:
    n = QUICK_TRACKS if quick else FULL_TRACKS
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Library.xml"
        write_library(path, n)
        size = path.stat().st_size
        stream = [_measure(path, "stream") for _ in range(RUNS)]
        plain = [_measure(path, "plistlib") for _ in range(RUNS)]
    assert all(m["tracks"] == n for m in stream + plain)
    t_stream, t_plain = min(m["time_s"] for m in stream), min(m["time_s"] for m in plain)
    peak = max(m["peak_growth_bytes"] for m in stream)
    peak_plain = max(m["peak_growth_bytes"] for m in plain)
    memory_ratio, time_ratio = peak / size, t_stream / t_plain
    label = f"catalogue: Library.xml of {n:,} tracks ({size / 1e6:,.0f} MB)"
    return [
        Result(name=f"{label}, streamed reader's peak memory / file size", value=memory_ratio, unit="ratio",
               target=3.0, met=memory_ratio <= 3.0,
               detail=f"peak growth {peak / 1e6:,.0f} MB (plistlib.load: {peak_plain / 1e6:,.0f} MB), "
                      f"file {size / 1e6:,.0f} MB ({size / n:,.0f} bytes a track)"),
        Result(name=f"{label}, streamed reader / plistlib.load", value=time_ratio, unit="ratio", target=2.0,
               met=time_ratio <= 2.0,
               detail=f"streamed {t_stream:.2f} s, plistlib.load {t_plain:.2f} s (best of {RUNS})"),
    ]
