"""Read a CSV of tracks into a :class:`~simulator.model.catalogue.Catalogue` (see :mod:`simulator.io.load`).

Columns are found by name, ignoring case, spaces, ``_``, ``-`` and punctuation;
the delimiter (comma, semicolon, tab or ``|``) and the text encoding (UTF-8
with or without a BOM, UTF-16 with a BOM, 8-bit Windows-1252) are detected.
Every bad cell is reported as ``data row N (line L), column 'C': 'value' <why>;
expected <what is allowed>``.

Examples
--------
>>> c = load_catalogue_csv(b"artist;album;name;time\\nAC/DC;Back in Black;Hells Bells;5:12\\n")
>>> c.tracks[["artist", "track", "duration_ms"]].values.tolist()
[['AC/DC', 'Hells Bells', 312000]]
"""

from __future__ import annotations

import csv
import itertools
import re

from simulator.io.load import (
    MAX_DURATION_MS,
    MAX_SHOWN_CHARS,
    MAX_SIZE_BYTES,
    VARIOUS_ARTISTS,
    _Bad,
    _limits,
    _Rows,
    read_limited,
)
from simulator.model.catalogue import Catalogue, CatalogueError
from simulator.model.units import parse_duration_ms
from simulator.params.scenario import Scenario

__all__ = ["load_catalogue_csv"]

# A numeric duration column whose name gives no unit holds milliseconds when its
# median is at least this (10,000 s would be a 2.8-hour median track; 10,000 ms
# a 10-second one), else seconds.
_MS_IF_MEDIAN_AT_LEAST = 10_000
# Bytes of the start of a CSV used to detect its delimiter, and the candidates.
_SNIFF_BYTES = 65_536
_DELIMITERS = ",;\t|"
# Data rows read before a duration column without a unit in its name is given one.
_GUESS_ROWS = 1000
_WHOLE = re.compile(r"(\d+)(?:\.0*)?")
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
# An 8-bit (non-UTF-8) file is read as Windows-1252 text only if it has no
# control bytes other than tab, CR and LF: anything else is binary.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_TRUE = {"1", "true", "yes", "y", "t"}
_UNIT_SUFFIXES = (("milliseconds", "ms"), ("millis", "ms"), ("ms", "ms"), ("minutes", "min"),
                  ("mins", "min"), ("min", "min"), ("seconds", "s"), ("secs", "s"), ("sec", "s"), ("s", "s"))
_DURATION_WORDS = {"", "duration", "length", "time", "totaltime", "tracklength", "trackduration",
                   "tracktime", "playtime", "runtime", "runningtime"}
_ALLOWED = {"ms": "milliseconds > 0 (e.g. 245000) or m:ss (e.g. 4:05)",
            "s": "seconds > 0 (e.g. 245.3) or m:ss (e.g. 4:05)",
            "min": "minutes > 0 (e.g. 4.1) or m:ss (e.g. 4:05)"}
# Roles of optional columns and their accepted names (lower case, letters and digits only).
_ROLES = {
    "album": ("album", "albumtitle", "albumname"),
    "album_artist": ("albumartist", "albumartistname"),
    "artist": ("artist", "artistname", "performer"),
    "track": ("name", "trackname", "title", "tracktitle", "song", "songname", "songtitle", "track"),
    "size_bytes": ("bytes", "sizebytes", "size", "filesize", "filesizebytes"),
    "bitrate_kbps": ("bitratekbps", "bitrate", "kbps"),
    "kind": ("mediatype", "kind", "mediakind"),
    "podcast": ("podcast", "ispodcast"),
    "video": ("hasvideo", "isvideo", "video", "musicvideo", "tvshow", "movie"),
    "genre": ("genre",),
    "compilation": ("compilation", "iscompilation", "partofacompilation"),
}


def _lines(text: str):
    """Yield the lines of ``text`` with their endings (LF, CRLF or CR), without copying it whole."""
    for m in _LINE.finditer(text):
        yield m.group()


def _records(reader, name: str):
    """Yield ``(file line, fields)`` of every non-blank CSV record; malformed CSV is a CatalogueError."""
    try:
        for row in reader:
            if any(c.strip() for c in row):
                yield reader.line_num, row
    except csv.Error as e:
        raise CatalogueError(f"{name}: line {reader.line_num}: malformed CSV ({e})") from None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (BOM optional), UTF-16 with a BOM, or 8-bit Windows-1252 text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise CatalogueError(f"{name}: not UTF-16 text (byte {e.start})") from None
    bad = _CONTROL.search(data)
    if bad:
        raise CatalogueError(f"{name}: binary data, not a CSV text file (byte 0x{data[bad.start()]:02x} "
                             f"at offset {bad.start():,}); expected UTF-8 text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _delimiter(text: str) -> str:
    """The delimiter: csv.Sniffer's guess if the header line contains it, else the header's commonest candidate."""
    sample = text[:_SNIFF_BYTES]
    header = next((ln for ln in sample.splitlines() if ln.strip()), "")
    try:
        d = csv.Sniffer().sniff(sample.rsplit("\n", 1)[0] if "\n" in sample else sample, _DELIMITERS).delimiter
    except csv.Error:
        d = ""
    if d and d in header:
        return d
    counts = {c: header.count(c) for c in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _duration_column(header: list[str]) -> tuple[int, str | None] | None:
    """Index and unit (``"ms"``, ``"s"``, ``"min"`` or None: decide by value) of the duration column."""
    found: list[tuple[int, int, str | None]] = []
    for i, h in enumerate(header):
        n = _norm(h)
        if n == "totaltime":  # iTunes' "Total Time" is in milliseconds
            found.append((0, i, "ms"))
            continue
        for suffix, unit in _UNIT_SUFFIXES:
            if n.endswith(suffix) and n[: -len(suffix)] in _DURATION_WORDS:
                found.append((0, i, unit))
                break
        else:
            if n in _DURATION_WORDS and n:
                found.append((1, i, None))
    return min(found)[1:] if found else None


def _roles(header: list[str]) -> dict[str, int]:
    norms = [_norm(h) for h in header]
    out: dict[str, int] = {}
    for role, names in _ROLES.items():
        for nm in names:
            if nm in norms:
                out[role] = norms.index(nm)
                break
    return out


def _guess_unit(values: list[str]) -> str:
    nums = []
    for v in values:
        try:
            nums.append(float(v))
        except ValueError:
            continue
    nums.sort()
    return "ms" if nums and nums[len(nums) // 2] >= _MS_IF_MEDIAN_AT_LEAST else "s"


def _parse_duration(text: str, unit: str) -> int:
    t = text.strip()
    if not t:
        raise _Bad("is empty")
    if unit == "ms" and t.isascii() and t.isdigit():
        ms = int(t)
    else:
        if t.lower() in ("nan", "inf", "-inf", "infinity", "null", "none", "na", "n/a"):
            raise _Bad("is not a number")
        if t.startswith("-"):
            raise _Bad("is negative")
        try:
            ms = parse_duration_ms(t, default_unit=unit)
        except ValueError:
            raise _Bad("is not a duration") from None
    if ms <= 0:
        raise _Bad("is zero")
    if ms > MAX_DURATION_MS:
        raise _Bad(f"is longer than the {MAX_DURATION_MS:,} ms allowed")
    return ms


def _parse_whole(text: str, *, positive: bool, suffixes: tuple[str, ...] = ()) -> int | None:
    if not text:
        return None
    t = text.lower()
    for sfx in suffixes:
        t = t.removesuffix(sfx).strip()
    if not t:
        return None
    m = t if t.isascii() and t.isdigit() else _WHOLE.fullmatch(t)
    digits = m if isinstance(m, str) else (m.group(1) if m else "")
    if not digits or len(digits) > len(str(MAX_SIZE_BYTES)) or int(digits) > MAX_SIZE_BYTES:
        raise _Bad("is not a whole number")
    v = int(digits)
    if positive and v == 0:
        raise _Bad("is zero")
    return v


def _flag(text: str) -> bool:
    return bool(text) and text.lower() in _TRUE



def load_catalogue_csv(path_or_bytes, *, skip_bad_rows: bool = False, max_rows: int | None = None,
                       max_bytes: int | None = None, scenario: Scenario | None = None) -> Catalogue:
    """Load a CSV of tracks.

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
        UTF-8 (a byte-order mark is fine), UTF-16 with a BOM, or 8-bit
        Windows-1252 text; comma, semicolon, tab or ``|`` delimited (detected).
    skip_bad_rows : bool, optional
        Leave malformed rows out and count them instead of raising.
    max_rows : int, optional
        Most data rows read [rows]; default ``catalogue.max_rows``.
    max_bytes : int, optional
        Largest file read [bytes]; default ``catalogue.max_file_mb`` x 10**6.
    scenario : Scenario, optional
        Supplies the default limits.

    Returns
    -------
    Catalogue
        Columns are matched by name, ignoring case, spaces, ``_``, ``-`` and
        punctuation. Required: a duration, named ``milliseconds``,
        ``total_time_ms``, ``duration_ms`` (ms), ``duration_s``, ``seconds``
        (s), or ``length``, ``duration``, ``time`` (unit from the values:
        ms when their median >= 10,000, else s); any value may be ``m:ss``.
        Optional: ``album``, ``album_artist``/``artist`` (a ``compilation``
        flagged 1 with no album artist is by "Various Artists", as in iTunes),
        ``name``/``title``,
        ``bytes``/``size_bytes``/``size`` [bytes], ``bit_rate_kbps``/``bitrate``
        [kbit/s], ``media_type``/``kind`` (rows containing "video" are
        excluded), ``podcast`` (1/true) and ``genre`` ("Podcast" is excluded).

    Raises
    ------
    CatalogueError
        Empty file, header only, no duration column (the message lists the
        columns found), a bad value (names data row, file line, column, value
        and what is allowed), binary data, too large, too many rows.

    Examples
    --------
    >>> c = load_catalogue_csv(b"Name,Kind,Milliseconds,Bytes\\nA,MPEG audio file,1000,16000\\nB,MPEG-4 video file,5,5\\n")
    >>> c.tracks[["track", "duration_ms", "size_bytes"]].values.tolist(), c.excluded_video
    ([['A', 1000, 16000]], 1)
    """
    max_rows, max_bytes = _limits(scenario, max_rows, max_bytes)
    data, name = read_limited(path_or_bytes, max_bytes)
    text, encoding = _decode(data, name)
    del data
    if not text.strip():
        raise CatalogueError(f"{name}: the file is empty; expected a header line and one row per track")
    records = _records(csv.reader(_lines(text), delimiter=_delimiter(text)), name)
    first_record = next(records, None)
    if first_record is None:
        raise CatalogueError(f"{name}: the file has no header line; expected column names, then one row per track")
    header = first_record[1]
    dur = _duration_column(header)
    if dur is None:
        raise CatalogueError(
            f"{name}: no duration column; expected one named like milliseconds, duration_ms, duration_s, "
            f"seconds, length, duration or time; found columns {[h.strip()[:MAX_SHOWN_CHARS] for h in header][:30]}")
    d_idx, unit = dur
    d_col = header[d_idx].strip()
    first = list(itertools.islice(records, _GUESS_ROWS))
    if not first:
        raise CatalogueError(f"{name}: the file has a header but no data rows")
    if unit is None:
        unit = _guess_unit([r[d_idx] for _, r in first if d_idx < len(r) and ":" not in r[d_idx]])
    roles, out = _roles(header), _Rows(name, skip_bad_rows)

    for n, (line, row) in enumerate(itertools.chain(first, records), start=1):
        if n > max_rows:
            raise CatalogueError(f"{name}: more than {max_rows:,} data rows; at most {max_rows:,} are allowed "
                                 "(catalogue.max_rows)")
        where = f"data row {n} (line {line})"
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            out.bad(where, "(row)", ",".join(row), f"has {len(row)} fields", f"{len(header)} like the header")
            continue
        get = {k: (row[i].strip() if i < len(row) else "") for k, i in roles.items()}
        if "video" in get.get("kind", "").lower() or _flag(get.get("video", "")):
            out.video += 1
            continue
        if _flag(get.get("podcast", "")) or get.get("genre", "").lower() == "podcast":
            out.podcast += 1
            continue
        cell = row[d_idx] if d_idx < len(row) else ""
        try:
            ms = _parse_duration(cell, unit)
        except _Bad as e:
            out.bad(where, d_col, cell.strip(), str(e), _ALLOWED[unit])
            continue
        try:
            nbytes = _parse_whole(get.get("size_bytes", ""), positive=False)
        except _Bad as e:
            out.bad(where, header[roles["size_bytes"]].strip(), get["size_bytes"], str(e),
                    f"a whole number of bytes from 0 to {MAX_SIZE_BYTES:,}, or empty")
            continue
        try:
            kbps = _parse_whole(get.get("bitrate_kbps", ""), positive=True, suffixes=("kbps", "kbit/s", "k"))
        except _Bad as e:
            out.bad(where, header[roles["bitrate_kbps"]].strip(), get["bitrate_kbps"], str(e),
                    "a whole number of kbit/s > 0 (e.g. 192), or empty")
            continue
        artist = get.get("album_artist") or (VARIOUS_ARTISTS if _flag(get.get("compilation", "")) else
                                             get.get("artist", ""))
        out.add(get.get("album", ""), artist, get.get("track", ""), ms, nbytes, kbps)
    return out.catalogue(name if encoding == "utf-8" else f"{name} ({encoding})", "the file")
