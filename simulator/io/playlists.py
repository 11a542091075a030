r"""Read an M3U / M3U8 playlist into a :class:`~simulator.model.catalogue.Catalogue`.

Each entry is a path (absolute, relative to the playlist's folder, or a
``file://`` URL) or a stream URL, usually after an ``#EXTINF:<seconds>,<Artist> -
<Title>`` line; ``#EXTALB:`` and ``#EXTART:`` name the album and its artist.

* A file that exists is read with mutagen (:func:`simulator.io.audio_files.probe_audio`):
  its own duration, bitrate, size and tags.
* A file that is not there is priced from its ``#EXTINF`` duration and counted
  (``Catalogue.warnings``); without a duration (``-1`` or no ``#EXTINF``) it is left
  out as a ``missing_file``.
* Streams (``http://``...), videos, audiobooks and other non-music entries are left
  out and counted.

(The iTunes/Music "Export playlist as text" file is a tab-separated table: it is
read by :mod:`simulator.io.csv_tracks`.)

Examples
--------
>>> text = b"#EXTM3U\n#EXTINF:245,The Kilobytes - Packet Loss\nMusic/01.mp3\n#EXTINF:-1,Radio\nhttp://radio.example/\n"
>>> c = read_m3u(text, "mix.m3u8", limits_for(make_scenario()))
>>> c.tracks[["artist", "track", "duration_ms"]].values.tolist(), dict(c.excluded)
([['The Kilobytes', 'Packet Loss', 245000]], {'stream': 1})
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path, PureWindowsPath
from urllib.parse import unquote, urlparse

from simulator.io.audio_files import EXPECTED, EXTRA_COLUMNS, Progress, probe_audio
from simulator.io.csv_tracks import decode_text
from simulator.io.kinds import classify
from simulator.io.limits import MAX_DURATION_MS, Limits, Rows, limits_for, read_limited
from simulator.model.catalogue import Catalogue, CatalogueError
from simulator.params.scenario import Scenario, make_scenario  # noqa: F401 (make_scenario: examples)

__all__ = ["M3U_EXTENSIONS", "is_m3u", "load_m3u", "read_m3u"]

#: Extensions of M3U playlists.
M3U_EXTENSIONS = (".m3u", ".m3u8")
_EXTINF = re.compile(r"#EXTINF:\s*([^,\s]*)[^,]*,?(.*)", re.IGNORECASE)
_STREAM_SCHEMES = ("http", "https", "rtsp", "rtmp", "mms", "udp")
_ALLOWED_SECONDS = "seconds (e.g. 245 or 245.3), or -1 for unknown"
_MS_PER_S = 1000


def is_m3u(name: str, head: bytes) -> bool:
    """Whether a file is an M3U playlist: its name ends in .m3u/.m3u8, or it starts with ``#EXTM3U``."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return name.lower().endswith(M3U_EXTENSIONS) or start[:7].upper() == b"#EXTM3U"


def _seconds_to_ms(text: str) -> int | None:
    """``#EXTINF`` seconds as whole ms (half-up); None for unknown (-1, 0); ValueError if not a number."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if not d.is_finite():
        raise ValueError("is not a number")
    if d <= 0:
        return None
    if d * _MS_PER_S > MAX_DURATION_MS:
        raise ValueError(f"is longer than the {MAX_DURATION_MS // _MS_PER_S:,} s allowed")
    ms = int((d * _MS_PER_S).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return ms or None


def _local_path(entry: str, base: Path | None) -> Path | None:
    """Return the file an entry names, or None when it cannot be found from here."""
    if entry.lower().startswith("file:"):
        u = urlparse(entry)
        path = unquote(u.path)
        if re.match(r"^/[A-Za-z]:/", path):  # file:///C:/Music/...
            return None
        return Path(path)
    if re.match(r"^[A-Za-z]:[\\/]", entry) or entry.startswith("\\\\"):
        return None  # a Windows path, not on this machine
    p = Path(entry.replace("\\", "/")) if "\\" in entry and "/" not in entry else Path(entry)
    if p.is_absolute():
        return p
    return base / p if base is not None else None


def _title(display: str, entry: str) -> tuple[str, str]:
    """(artist, title) from ``#EXTINF``'s ``Artist - Title``, else ("", the file's name)."""
    if " - " in display:
        artist, title = display.split(" - ", 1)
        return artist.strip(), title.strip()
    if display.strip():
        return "", display.strip()
    name = PureWindowsPath(unquote(entry)).name
    return "", name.rsplit(".", 1)[0] if "." in name[1:] else name


def read_m3u(data: bytes, name: str, limits: Limits, *, base: Path | None = None, skip_bad_rows: bool = False,
             progress: Progress | None = None) -> Catalogue:
    """Load an M3U / M3U8 playlist.

    Parameters
    ----------
    data : bytes
        UTF-8 (``.m3u8``; a BOM is fine), UTF-16 with a BOM, or Windows-1252 text.
    name : str
        The file's name, for messages.
    limits : Limits
        ``max_rows`` bounds the entries read.
    base : Path, optional
        The playlist's folder, against which relative paths are resolved; None
        (an upload) finds no file, so entries are priced from ``#EXTINF``.
    skip_bad_rows : bool, optional
        Leave entries with a bad ``#EXTINF`` duration or an unreadable file out and count them.
    progress : callable, optional
        ``progress(items, total)`` wraps the entries as their files are read.

    Returns
    -------
    Catalogue
        One track per entry with a duration: from its file when the file is
        there (then ``size_bytes``, bitrate and tags too), else from ``#EXTINF``
        (seconds, rounded half-up to whole ms). Extra columns ``codec`` and
        ``bitrate_mode`` (empty for entries without a file).

    Raises
    ------
    CatalogueError
        Binary data, no entries, too many, or a bad entry (a
        :class:`~simulator.io.limits.BadRowError` naming the entry, its line and the value).
    """
    text, _ = decode_text(data, name, what="an M3U playlist")
    entries: list[tuple[int, str, dict[str, str]]] = []
    pending: dict[str, str] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        upper = line.upper()
        if upper.startswith("#EXTINF:"):
            m = _EXTINF.match(line)
            pending["extinf"], pending["display"] = (m.group(1), m.group(2)) if m else ("", "")
            pending["extinf_line"] = str(line_no)
        elif upper.startswith("#EXTALB:"):
            pending["album"] = line[8:].strip()
        elif upper.startswith("#EXTART:"):
            pending["album_artist"] = line[8:].strip()
        elif line.startswith("#"):
            continue
        else:
            entries.append((line_no, line, pending))
            if len(entries) > limits.max_rows:
                raise CatalogueError(f"{name}: more than {limits.max_rows:,} entries; at most {limits.max_rows:,} "
                                     "are allowed (catalogue.max_rows)")
            album: dict[str, str] = {k: pending[k] for k in ("album", "album_artist") if k in pending}
            pending = album  # #EXTALB and #EXTART hold until changed
    if not entries:
        raise CatalogueError(f"{name}: no entries; expected an M3U playlist: one file path or URL a line, "
                             "each after an optional #EXTINF:<seconds>,<Artist> - <Title> line")
    rows = Rows(name, skip_bad_rows, field="", extra=EXTRA_COLUMNS)
    rows.columns.update({"duration_ms": "the file (mutagen), else #EXTINF seconds",
                         "track": "the file's title tag, else #EXTINF 'Artist - Title', else the file name",
                         "artist": "#EXTART, else the file's tags, else #EXTINF 'Artist - Title'",
                         "album": "#EXTALB, else the file's album tag", "size_bytes": "the file's size"})
    missing_priced = 0
    items: Iterable[tuple[int, tuple[int, str, dict[str, str]]]] = enumerate(entries, start=1)
    if progress is not None:
        items = progress(items, len(entries))
    for n, (line_no, entry, meta) in items:
        rows.read += 1
        where = f"entry {n} (line {line_no})"
        scheme = urlparse(entry).scheme.lower()
        if scheme in _STREAM_SCHEMES:
            rows.exclude("stream")
            continue
        left_out = classify(location=entry)
        if left_out:
            rows.exclude(left_out)
            continue
        extinf_ms = None
        if meta.get("extinf"):
            try:
                extinf_ms = _seconds_to_ms(meta["extinf"])
            except ValueError as e:
                rows.bad(f"entry {n} (line {meta['extinf_line']})", "#EXTINF duration", meta["extinf"], str(e),
                         _ALLOWED_SECONDS)
                continue
        artist, title = _title(meta.get("display", ""), entry)
        path = _local_path(entry, base)
        if path is not None and path.is_file():
            try:
                with path.open("rb") as f:
                    info = probe_audio(f)
                size = path.stat().st_size
            except (ValueError, OSError) as e:
                rows.bad(where, repr(entry), None, str(e) if isinstance(e, ValueError) else f"cannot be opened ({e})",
                         EXPECTED)
                continue
            left_out = classify(location=entry, genre=info.genre)
            if left_out:
                rows.exclude(left_out)
                continue
            rows.add(meta.get("album") or info.album, meta.get("album_artist") or info.album_artist or info.artist
                     or artist, info.title or title, info.duration_ms, size, info.bitrate_kbps,
                     codec=info.codec, bitrate_mode=info.bitrate_mode)
        elif extinf_ms is not None:
            missing_priced += 1
            rows.add(meta.get("album", ""), meta.get("album_artist") or artist, title, extinf_ms, None, None)
        else:
            rows.exclude("missing_file")
    if missing_priced:
        rows.warnings.append(f"{missing_priced:,} of {rows.read:,} entries name a file that is not here "
                             f"({'no folder to look in: an upload' if base is None else 'looked for next to the playlist'}); "
                             "they are priced from their #EXTINF durations")
    return rows.catalogue("the playlist")


def load_m3u(path: str | os.PathLike[str], *, scenario: Scenario, skip_bad_rows: bool = False,
             progress: Progress | None = None) -> Catalogue:
    """Load an M3U / M3U8 playlist file; relative paths are resolved against its folder (see :func:`read_m3u`).

    Raises
    ------
    CatalogueError
        As :func:`read_m3u`, or the file cannot be read or is larger than ``catalogue.max_file_mb``.
    """
    limits = limits_for(scenario)
    data, name = read_limited(path, limits.max_bytes)
    return read_m3u(data, name, limits, base=Path(path).resolve().parent, skip_bad_rows=skip_bad_rows,
                    progress=progress)
