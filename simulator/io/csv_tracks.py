r"""Read a CSV of tracks into a :class:`~simulator.model.catalogue.Catalogue` (see :mod:`simulator.io.load`).

Columns are found by name, ignoring case, spaces, ``_``, ``-`` and punctuation,
also after a prefix such as ``track_`` (``track_artist``, ``track_album_name``:
the spotifyr / TidyTuesday layout); ``Catalogue.columns`` says which column gave
each role. The delimiter (comma, semicolon, tab or ``|``) and the text encoding
(UTF-8 with or without a BOM, UTF-16 with a BOM, 8-bit Windows-1252) are
detected. Known layouts: Exportify's Spotify playlists (classic ``Track Duration
(ms)`` and current ``Duration (ms)``; several artists separated by ``;``), the
iTunes/Music "Export playlist as text" file (UTF-16, tab-separated, ``Time`` in
seconds), Chinook, R's ``write.csv`` (``2e+05`` is 200,000).
Every bad cell is reported as ``data row N (line L), column 'C': 'value' <why>;
expected <what is allowed>``.

Examples
--------
>>> c = load_catalogue_csv(b"artist;album;name;time\nAC/DC;Back in Black;Hells Bells;5:12\n", scenario=make_scenario())
>>> c.tracks[["artist", "track", "duration_ms"]].values.tolist()
[['AC/DC', 'Hells Bells', 312000]]
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from simulator.io.kinds import classify
from simulator.io.limits import (
    MAX_DURATION_MS,
    MAX_SHOWN_CHARS,
    MAX_SIZE_BYTES,
    VARIOUS_ARTISTS,
    BadValue,
    Limits,
    Rows,
    Source,
    limits_for,
    read_limited,
)
from simulator.model.catalogue import Catalogue, CatalogueError
from simulator.model.units import parse_duration_ms
from simulator.params.scenario import Scenario

if TYPE_CHECKING:
    from _csv import Reader  # the type csv.reader returns (typeshed names it here)

__all__ = ["decode_text", "load_catalogue_csv", "read_catalogue_csv"]

# A numeric duration column whose name gives no unit holds milliseconds when its
# median is at least this (10,000 s would be a 2.8-hour median track; 10,000 ms
# a 10-second one), else seconds.
_MS_IF_MEDIAN_AT_LEAST = 10_000
# In a column whose unit was guessed from its values, a value that would be a
# track shorter than 1 s if read as milliseconds (so seconds, in a column read as
# ms), or longer than 10 hours if read as seconds (so milliseconds, in a column
# read as s), shows that the column mixes the two units: it is refused, not read
# in the wrong unit. [ms]
_SHORTEST_IN_MS_COLUMN_MS = 1_000
_LONGEST_IN_S_COLUMN_MS = 10 * 3600 * 1000
# Bytes of the start of a CSV used to detect its delimiter, and the candidates.
_SNIFF_BYTES = 65_536
_DELIMITERS = ",;\t|"
# Data rows read before a duration column without a unit in its name is given one.
_GUESS_ROWS = 1000
# Most digits of the exponent in a number such as 2e+05: more would be far beyond any limit.
_MAX_EXPONENT = 30
_WHOLE = re.compile(r"(\d+)(?:\.0*)?")
_EXPONENT = re.compile(r"\d+(?:\.\d*)?[eE][+-]?\d+")
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
# An 8-bit (non-UTF-8) file is read as Windows-1252 text only if it has no
# control bytes other than tab, CR and LF: anything else is binary.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

_TRUE = {"1", "true", "yes", "y", "t"}
_UNIT_SUFFIXES = (("milliseconds", "ms"), ("millis", "ms"), ("ms", "ms"), ("minutes", "min"),
                  ("mins", "min"), ("min", "min"), ("seconds", "s"), ("secs", "s"), ("sec", "s"), ("s", "s"))
_DURATION_WORDS = {"", "duration", "length", "time", "totaltime", "tracklength", "trackduration",
                   "tracktime", "playtime", "runtime", "runningtime"}
_UNIT_MS = {"ms": 1, "s": 1000, "min": 60_000}
_ALLOWED = {"ms": "milliseconds > 0 (e.g. 245000) or m:ss (e.g. 4:05)",
            "s": "seconds > 0 (e.g. 245.3) or m:ss (e.g. 4:05)",
            "min": "minutes > 0 (e.g. 4.1) or m:ss (e.g. 4:05)"}
# Roles of optional columns and their accepted names (lower case, letters and digits only).
_ROLES = {
    "album": ("album", "albumtitle", "albumname"),
    "album_artist": ("albumartist", "albumartistname", "albumartistnames", "albumartists"),
    "artist": ("artist", "artistname", "artistnames", "artists", "performer"),
    "track": ("name", "trackname", "title", "tracktitle", "song", "songname", "songtitle", "track"),
    "size_bytes": ("bytes", "sizebytes", "size", "filesize", "filesizebytes"),
    "bitrate_kbps": ("bitratekbps", "bitrate", "kbps"),
    "kind": ("mediatype", "kind", "mediakind"),
    "podcast": ("podcast", "ispodcast"),
    "video": ("hasvideo", "isvideo", "video", "musicvideo", "tvshow", "movie"),
    "genre": ("genre",),
    "compilation": ("compilation", "iscompilation", "partofacompilation"),
    "location": ("location", "path", "filepath", "filename", "file"),
}
# Words a column name may start with before a known role (``track_artist``, ``song_title``). Other
# prefixes (``playlist_name``, ``album_name`` for a title) name something else and are not matched.
_PREFIXES = frozenset({"track", "tracks", "song", "songs", "item", "file", "media", "music", "audio", "my"})
# Columns of the iTunes/Music "Export playlist as text" file: with these, Time is in seconds.
_ITUNES_TEXT_COLUMNS = frozenset({"name", "artist", "album", "time", "kind", "datemodified", "dateadded",
                                  "bitrate", "samplerate"})
# Several artists in one cell, as Exportify writes them.
_ARTIST_SEPARATOR = ";"


def _lines(text: str) -> Iterator[str]:
    """Yield the lines of ``text`` with their endings (LF, CRLF or CR), without copying it whole."""
    for m in _LINE.finditer(text):
        yield m.group()


def _records(reader: Reader, name: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(file line, fields)`` of every non-blank CSV record; malformed CSV is a CatalogueError."""
    try:
        for row in reader:
            if any(c.strip() for c in row):
                yield reader.line_num, row
    except csv.Error as e:
        raise CatalogueError(f"{name}: line {reader.line_num}: malformed CSV ({e})") from None


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def decode_text(data: bytes, name: str, *, what: str = "a CSV text file") -> tuple[str, str]:
    """Decode text bytes: UTF-8 (BOM optional), UTF-16 with a BOM, or 8-bit Windows-1252 text.

    Parameters
    ----------
    data : bytes
    name : str
        The file's name, for messages.
    what : str, optional
        What the file should be, for messages (``"a CSV text file"``).

    Returns
    -------
    (str, str)
        The text and the encoding's name.

    Raises
    ------
    CatalogueError
        For control bytes (binary data) or UTF-16 that does not decode.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise CatalogueError(f"{name}: not UTF-16 text (byte {e.start})") from None
    bad = _CONTROL.search(data)
    if bad:
        raise CatalogueError(f"{name}: binary data, not {what} (byte 0x{data[bad.start()]:02x} "
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
    """Return the delimiter: csv.Sniffer's guess if the header line contains it, else the header's commonest candidate."""
    sample = text[:_SNIFF_BYTES]
    header = next((ln for ln in sample.splitlines() if ln.strip()), "")
    try:
        d = csv.Sniffer().sniff(sample.rsplit("\n", 1)[0] if "\n" in sample else sample, _DELIMITERS).delimiter
    except csv.Error:
        d = ""
    if d and d in header:
        return d
    counts = {c: header.count(c) for c in _DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _is_itunes_text(header: list[str]) -> bool:
    return {_norm(h) for h in header} >= _ITUNES_TEXT_COLUMNS


def _duration_column(header: list[str]) -> tuple[int, str | None] | None:
    """Index and unit (``"ms"``, ``"s"``, ``"min"`` or None: decide by value) of the duration column."""
    itunes_text = _is_itunes_text(header)
    found: list[tuple[int, int, str | None]] = []
    for i, h in enumerate(header):
        n = _norm(h)
        if n == "totaltime":  # iTunes' "Total Time" is in milliseconds
            found.append((0, i, "ms"))
            continue
        if n == "time" and itunes_text:  # iTunes' text export gives seconds
            found.append((0, i, "s"))
            continue
        for suffix, unit in _UNIT_SUFFIXES:
            if n.endswith(suffix) and n[: -len(suffix)] in _DURATION_WORDS:
                found.append((0, i, unit))
                break
        else:
            if n in _DURATION_WORDS and n:
                found.append((1, i, None))
    return min(found)[1:] if found else None


def _prefixed(header_name: str, names: tuple[str, ...]) -> bool:
    """Whether a column name is one of ``names`` after a prefix of :data:`_PREFIXES` words."""
    tokens = [t.lower() for t in _TOKEN.findall(header_name)]
    for i in range(1, len(tokens)):
        if "".join(tokens[i:]) in names and all(t in _PREFIXES for t in tokens[:i]):
            return True
    return False


def _roles(header: list[str], taken: set[int]) -> dict[str, int]:
    """Column index of each role: an exact name first, else a prefixed one (first in the header)."""
    norms = [_norm(h) for h in header]
    out: dict[str, int] = {}
    for role, names in _ROLES.items():
        for nm in names:
            if nm in norms and norms.index(nm) not in taken:
                out[role] = norms.index(nm)
                break
    for role, names in _ROLES.items():
        if role not in out:
            for i, h in enumerate(header):
                if i not in taken and i not in out.values() and _prefixed(h, names):
                    out[role] = i
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


def _exponent(text: str, per_unit: int, unit_name: str) -> int:
    """Return a number in exponent form (``2e+05``), times ``per_unit``, if that is a whole number of ``unit_name``."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise BadValue("is not a number") from None
    if d.adjusted() > _MAX_EXPONENT:
        raise BadValue("is too large")
    v = d * per_unit
    if v != v.to_integral_value():
        raise BadValue(f"is in exponent form but not a whole number of {unit_name}")
    return int(v)


def _parse_duration(text: str, unit: str) -> int:
    t = text.strip()
    if not t:
        raise BadValue("is empty")
    if unit == "ms" and t.isascii() and t.isdigit():
        ms = int(t)
    elif _EXPONENT.fullmatch(t):  # R's write.csv: 200000 is written 2e+05
        ms = _exponent(t, _UNIT_MS[unit], "milliseconds")
    else:
        if t.lower() in ("nan", "inf", "-inf", "infinity", "null", "none", "na", "n/a"):
            raise BadValue("is not a number")
        if t.startswith("-"):
            raise BadValue("is negative")
        try:
            ms = parse_duration_ms(t, default_unit=unit)
        except ValueError:
            raise BadValue("is not a duration") from None
    if ms <= 0:
        raise BadValue("is zero")
    if ms > MAX_DURATION_MS:
        raise BadValue(f"is longer than the {MAX_DURATION_MS:,} ms allowed")
    return ms


def _parse_whole(text: str, *, positive: bool, suffixes: tuple[str, ...] = ()) -> int | None:
    if not text:
        return None
    t = text.lower()
    for sfx in suffixes:
        t = t.removesuffix(sfx).strip()
    if not t:
        return None
    if _EXPONENT.fullmatch(t):
        v = _exponent(t, 1, "units")
        if v > MAX_SIZE_BYTES:
            raise BadValue("is not a whole number")
    else:
        m = t if t.isascii() and t.isdigit() else _WHOLE.fullmatch(t)
        digits = m if isinstance(m, str) else (m.group(1) if m else "")
        if not digits or len(digits) > len(str(MAX_SIZE_BYTES)) or int(digits) > MAX_SIZE_BYTES:
            raise BadValue("is not a whole number")
        v = int(digits)
    if positive and v == 0:
        raise BadValue("is zero")
    return v


def _flag(text: str) -> bool:
    return bool(text) and text.lower() in _TRUE


def _artists(text: str) -> list[str]:
    """Return the names in an artist cell (Exportify separates several with ``;``)."""
    if _ARTIST_SEPARATOR not in text:
        return [text] if text else []
    return [a.strip() for a in text.split(_ARTIST_SEPARATOR) if a.strip()]


def _looks_mixed(ms: int, unit: str) -> bool:
    return ms < _SHORTEST_IN_MS_COLUMN_MS if unit == "ms" else ms > _LONGEST_IN_S_COLUMN_MS


def _mixed_units(name: str, column: str, unit: str, odd: tuple[int, str], usual: tuple[int, str] | None) -> CatalogueError:
    """Return the refusal of a duration column that mixes seconds and milliseconds."""
    n, cell = odd
    looks = "seconds" if unit == "ms" else "milliseconds"
    read = "milliseconds" if unit == "ms" else "seconds"
    example = f"{usual[1]!r} (data row {usual[0]}) and " if usual else ""
    return CatalogueError(
        f"{name}: column {column[:MAX_SHOWN_CHARS]!r} seems to mix seconds and milliseconds: e.g. {example}"
        f"{cell!r} (data row {n}), which looks like {looks} in a column read as {read}; rename the column to "
        f"say its unit (duration_s or duration_ms) and write every value in that unit")


def read_catalogue_csv(data: bytes, name: str, limits: Limits, *, skip_bad_rows: bool = False) -> Catalogue:
    """Load CSV bytes with explicit limits (see :func:`load_catalogue_csv`).

    Parameters
    ----------
    data : bytes
        The whole file (already within ``limits.max_bytes``).
    name : str
        The file's name, for messages.
    limits : Limits
        ``max_rows`` bounds the data rows.
    skip_bad_rows : bool, optional

    Returns
    -------
    Catalogue

    Raises
    ------
    CatalogueError
        As :func:`load_catalogue_csv`.
    """
    max_rows = limits.max_rows
    text, encoding = decode_text(data, name)
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
    d_idx, named_unit = dur
    d_col = header[d_idx].strip()
    first = list(itertools.islice(records, _GUESS_ROWS))
    if not first:
        raise CatalogueError(f"{name}: the file has a header but no data rows")
    guessed = named_unit is None
    if named_unit is None:
        unit = _guess_unit([r[d_idx] for _, r in first if d_idx < len(r) and ":" not in r[d_idx]])
    else:
        unit = named_unit
    roles = _roles(header, {d_idx})
    out = Rows(name, skip_bad_rows)
    out.columns["duration_ms"] = d_col
    out.columns["duration_unit"] = f"{unit} (from the {'values' if guessed else 'column name'})"
    out.columns.update({role: header[i].strip() for role, i in roles.items()})
    usual: tuple[int, str] | None = None  # a typical value of a guessed unit, quoted if the column turns out mixed
    if guessed:  # look at the first rows at once, so a mix is reported before anything else
        odd: tuple[int, str] | None = None
        for n, (_, row) in enumerate(first, start=1):
            cell = row[d_idx].strip() if d_idx < len(row) else ""
            try:
                ms = _parse_duration(cell, unit)
            except BadValue:
                continue
            if ":" not in cell:
                if _looks_mixed(ms, unit):
                    odd = odd or (n, cell)
                else:
                    usual = usual or (n, cell)
        if odd:
            raise _mixed_units(name, d_col, unit, odd, usual)

    for n, (line, row) in enumerate(itertools.chain(first, records), start=1):
        if n > max_rows:
            raise CatalogueError(f"{name}: more than {max_rows:,} data rows; at most {max_rows:,} are allowed "
                                 "(catalogue.max_rows)")
        out.read += 1
        where = f"data row {n} (line {line})"
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            out.bad(where, "(row)", ",".join(row), f"has {len(row)} fields", f"{len(header)} like the header")
            continue
        get = {k: (row[i].strip() if i < len(row) else "") for k, i in roles.items()}
        left_out = classify(kind=get.get("kind", ""), location=get.get("location", ""), genre=get.get("genre", ""),
                            podcast=_flag(get.get("podcast", "")), video=_flag(get.get("video", "")))
        if left_out:
            out.exclude(left_out)
            continue
        cell = row[d_idx] if d_idx < len(row) else ""
        try:
            ms = _parse_duration(cell, unit)
        except BadValue as e:
            out.bad(where, d_col, cell.strip(), str(e), _ALLOWED[unit])
            continue
        if guessed and ":" not in cell and _looks_mixed(ms, unit):
            raise _mixed_units(name, d_col, unit, (n, cell.strip()), usual)
        try:
            nbytes = _parse_whole(get.get("size_bytes", ""), positive=False)
        except BadValue as e:
            out.bad(where, header[roles["size_bytes"]].strip(), get["size_bytes"], str(e),
                    f"a whole number of bytes from 0 to {MAX_SIZE_BYTES:,}, or empty")
            continue
        try:
            kbps = _parse_whole(get.get("bitrate_kbps", ""), positive=True, suffixes=("kbps", "kbit/s", "k"))
        except BadValue as e:
            out.bad(where, header[roles["bitrate_kbps"]].strip(), get["bitrate_kbps"], str(e),
                    "a whole number of kbit/s > 0 (e.g. 192), or empty")
            continue
        album_artists = _artists(get.get("album_artist", ""))
        if album_artists:
            artist = ", ".join(album_artists)
        elif _flag(get.get("compilation", "")):
            artist = VARIOUS_ARTISTS
        else:  # the album's artist: the first of the track's artists
            artist = next(iter(_artists(get.get("artist", ""))), "")
        out.add(get.get("album", ""), artist, get.get("track", ""), ms, nbytes, kbps)
    return out.catalogue("the file", source=name if encoding == "utf-8" else f"{name} ({encoding})")


def load_catalogue_csv(path_or_bytes: Source, *, skip_bad_rows: bool = False, max_rows: int | None = None,
                       max_bytes: int | None = None, scenario: Scenario) -> Catalogue:
    r"""Load a CSV of tracks.

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
    scenario : Scenario
        Its ``catalogue.*`` limits apply unless ``max_rows`` or ``max_bytes`` is given.

    Returns
    -------
    Catalogue
        Columns are matched by name, ignoring case, spaces, ``_``, ``-`` and
        punctuation, also after a prefix (``track_artist``). Required: a
        duration, named ``milliseconds``, ``total_time_ms``, ``duration_ms``,
        ``Duration (ms)`` (ms), ``duration_s``, ``seconds`` (s), or ``length``,
        ``duration``, ``time`` (unit from the values: ms when their median >=
        10,000, else s; a column whose values mix the two is refused; the
        iTunes text export's ``Time`` is seconds); any value may be ``m:ss``,
        and a whole number may be in exponent form (``2e+05``).
        Optional: ``album``, ``album_artist``/``Album Artist Name(s)`` (several
        separated by ``;`` are joined), ``artist``/``Artist Name(s)`` (the first
        of several is the album's artist when there is no album artist; a
        ``compilation`` flagged 1 is by "Various Artists", as in iTunes),
        ``name``/``title``, ``bytes``/``size_bytes``/``size`` [bytes],
        ``bit_rate_kbps``/``bitrate`` [kbit/s], ``media_type``/``kind``,
        ``podcast`` (1/true), ``genre`` and ``location``: videos, podcasts,
        audiobooks, PDF booklets, ebooks, apps and streams are left out and
        counted (``Catalogue.excluded``). ``Catalogue.columns`` names the column
        used for each role; ``Catalogue.warnings`` says when there is no album column.

    Raises
    ------
    CatalogueError
        Empty file, header only, no duration column (the message lists the
        columns found), a duration column mixing seconds and milliseconds, binary
        data, too large, too many rows, or a bad value (a
        :class:`~simulator.io.limits.BadRowError` naming data row, file line,
        column, value and what is allowed).

    Examples
    --------
    >>> c = load_catalogue_csv(b"Name,Kind,Milliseconds,Bytes\nA,MPEG audio file,1000,16000\nB,MPEG-4 video file,5,5\n", scenario=make_scenario())
    >>> c.tracks[["track", "duration_ms", "size_bytes"]].values.tolist(), c.excluded_video
    ([['A', 1000, 16000]], 1)
    """
    s = scenario
    limits = limits_for(s, max_rows=max_rows, max_bytes=max_bytes)
    data, name = read_limited(path_or_bytes, limits.max_bytes, hint=limits.over_limit_hint)
    return read_catalogue_csv(data, name, limits, skip_bad_rows=skip_bad_rows)
