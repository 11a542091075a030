"""Read real catalogues: a CSV of tracks (:mod:`simulator.io.csv_tracks`), or an iTunes/Music ``Library.xml``.

Input is validated here, where it enters, and nowhere else. Every problem is a
:class:`~simulator.model.catalogue.CatalogueError` (a ``ValueError``) whose message
names the file, the row (``data row N (line L)`` for CSV, ``track entry N
(Track ID X)`` for XML), the column, the bad value and what is allowed. With
``skip_bad_rows=True`` bad rows are left out and counted instead.

Both loaders leave out video items and podcasts and count them. A file is
refused before it is read when it is larger than ``catalogue.max_file_mb``
(decimal MB), and reading stops as soon as it has more than
``catalogue.max_rows`` data rows, so memory stays bounded.

Text is kept as data: a title such as ``=HYPERLINK(...)`` is stored as written
and never evaluated; CSV output goes through :func:`simulator.io.tables.rows_to_csv`,
which neutralises it.

Examples
--------
>>> c = load_catalogue(b"artist;album;name;time\\nAC/DC;Back in Black;Hells Bells;5:12\\n")
>>> c.tracks[["artist", "track", "duration_ms"]].values.tolist()
[['AC/DC', 'Hells Bells', 312000]]
"""

from __future__ import annotations

import plistlib
from fractions import Fraction
from pathlib import Path
from xml.parsers.expat import ExpatError

from simulator.model.catalogue import Catalogue, CatalogueError, make_tracks_frame
from simulator.model.units import MAX_DURATION_MS, format_quantity
from simulator.params.scenario import Scenario, make_scenario

__all__ = ["load_catalogue", "load_itunes_library", "read_limited"]

#: Reasons kept for the first few skipped rows (``Catalogue.skipped_examples``).
MAX_SKIPPED_EXAMPLES = 5
#: Largest file size accepted in a size column: 2**53 - 1 (exact in float64). [bytes]
MAX_SIZE_BYTES = 2**53 - 1
#: Longest bad value (or column name) quoted in a message; longer ones are cut. [characters]
MAX_SHOWN_CHARS = 80
#: Album artist of a compilation without one, as iTunes shows it (grouping its tracks into one album).
VARIOUS_ARTISTS = "Various Artists"


class _Bad(Exception):
    """One bad cell; the message says why."""


def _limits(scenario: Scenario | None, max_rows: int | None, max_bytes: int | None) -> tuple[int, int]:
    s = scenario if scenario is not None else make_scenario()
    if max_rows is None:
        max_rows = int(s.catalogue.max_rows)
    if max_bytes is None:
        per_mb = int(s.assumptions.constants["bytes_per_mb_decimal"])
        max_bytes = int(Fraction(str(s.catalogue.max_file_mb)) * per_mb)
    return max_rows, max_bytes


def read_limited(path_or_bytes, max_bytes: int) -> tuple[bytes, str]:
    """Read a file (path, bytes or binary file object) of at most ``max_bytes`` bytes.

    Returns
    -------
    (bytes, str)
        The content and a name for messages (the file name, or ``"<bytes>"``).

    Raises
    ------
    CatalogueError
        If the file is missing, unreadable or larger than ``max_bytes``; the
        size of a path is checked before anything is read.
    """
    if isinstance(path_or_bytes, bytes):
        data, name = path_or_bytes, str(getattr(path_or_bytes, "name", "<bytes>"))
    elif isinstance(path_or_bytes, (bytearray, memoryview)):
        data, name = bytes(path_or_bytes), "<bytes>"
    elif hasattr(path_or_bytes, "read"):
        name = str(getattr(path_or_bytes, "name", "<upload>"))
        data = path_or_bytes.read(max_bytes + 1)
    else:
        p, name = Path(path_or_bytes), str(path_or_bytes)
        try:
            size = p.stat().st_size
            if size > max_bytes:
                raise CatalogueError(f"{name}: file is {size:,} bytes; at most {max_bytes:,} bytes are allowed "
                                     "(catalogue.max_file_mb)")
            with p.open("rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            raise CatalogueError(f"{name}: cannot read file ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise CatalogueError(f"{name}: more than {max_bytes:,} bytes; at most {max_bytes:,} bytes are allowed "
                             "(catalogue.max_file_mb)")
    return data, name


class _Rows:
    """Collects good rows, exclusions and skipped rows."""

    def __init__(self, name: str, skip_bad_rows: bool, field: str = "column"):
        self.name, self.skip, self.field = name, skip_bad_rows, field
        self.cols: dict[str, list] = {k: [] for k in ("album", "artist", "track", "duration_ms",
                                                       "size_bytes", "bitrate_kbps")}
        self.video = self.podcast = self.skipped = 0
        self.examples: list[str] = []
        self._texts: dict[str, str] = {}  # one copy of each album and artist name

    def bad(self, where: str, column: str, value, reason: str, allowed: str) -> None:
        shown = repr(value)
        if len(shown) > MAX_SHOWN_CHARS:
            shown = shown[: MAX_SHOWN_CHARS - 3] + "..."
        msg = f"{self.name}: {where}, {self.field} {column[:MAX_SHOWN_CHARS]!r}: {shown} {reason}; expected {allowed}"
        if not self.skip:
            raise CatalogueError(msg)
        self.skipped += 1
        if len(self.examples) < MAX_SKIPPED_EXAMPLES:
            self.examples.append(msg)

    def add(self, album, artist, track, duration_ms, size_bytes_, bitrate_kbps) -> None:
        album, artist = self._texts.setdefault(album, album), self._texts.setdefault(artist, artist)
        for k, v in zip(self.cols, (album, artist, track, duration_ms, size_bytes_, bitrate_kbps), strict=True):
            self.cols[k].append(v)

    def catalogue(self, source: str, what: str) -> Catalogue:
        if not self.cols["duration_ms"]:
            detail = "; first problem: " + self.examples[0] if self.examples else ""
            raise CatalogueError(
                f"{self.name}: no music tracks in {what} ({format_quantity(self.video, 'video')} and "
                f"{format_quantity(self.podcast, 'podcast')} excluded, {format_quantity(self.skipped, 'bad row')} "
                f"skipped){detail}")
        return Catalogue(make_tracks_frame(**self.cols), source, self.video, self.podcast,
                         self.skipped, tuple(self.examples))


def load_itunes_library(path_or_bytes, *, skip_bad_rows: bool = False, max_rows: int | None = None,
                        max_bytes: int | None = None, scenario: Scenario | None = None) -> Catalogue:
    """Load an iTunes/Music ``Library.xml`` export (an XML property list).

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
    skip_bad_rows, max_rows, max_bytes, scenario
        As in :func:`load_catalogue_csv`.

    Returns
    -------
    Catalogue
        From each entry of ``Tracks``: ``Total Time`` [ms], ``Size`` [bytes],
        ``Bit Rate`` [kbit/s], ``Name``, ``Album Artist`` (else "Various
        Artists" for a ``Compilation``, else ``Artist``), ``Album``. Video (``Has Video``, ``Movie``, ``TV Show``, ``Music
        Video`` true, or ``Kind`` containing "video") and podcasts
        (``Podcast`` true, or genre "Podcast") are excluded and counted.

    Raises
    ------
    CatalogueError
        Malformed XML (with its line and column), an XML entity declaration
        (refused by ``plistlib``), no ``Tracks`` dictionary, or a bad value
        (names the track entry, its Track ID, the key, the value and what is
        allowed).

    Examples
    --------
    >>> xml = plistlib.dumps({"Tracks": {"1": {"Name": "Hells Bells", "Total Time": 312000, "Bit Rate": 192}}})
    >>> load_itunes_library(xml).tracks[["track", "duration_ms", "bitrate_kbps"]].values.tolist()
    [['Hells Bells', 312000, 192]]
    """
    max_rows, max_bytes = _limits(scenario, max_rows, max_bytes)
    data, name = read_limited(path_or_bytes, max_bytes)
    try:
        doc = plistlib.loads(data)
    except ExpatError as e:
        raise CatalogueError(f"{name}: malformed XML at line {e.lineno}, column {e.offset + 1}: "
                             f"{str(e).split(':')[0]}") from None
    except (ValueError, TypeError, OverflowError, LookupError, RecursionError) as e:
        raise CatalogueError(f"{name}: not a valid property list (Library.xml): {e}") from None
    except AttributeError:  # plistlib's own error for a malformed <date>
        raise CatalogueError(f"{name}: not a valid property list (Library.xml): a value it cannot read "
                             "(e.g. a <date> not written like 2008-01-31T12:00:00Z)") from None
    tracks = doc.get("Tracks") if isinstance(doc, dict) else None
    if not isinstance(tracks, dict):
        raise CatalogueError(f"{name}: no 'Tracks' dictionary; expected an iTunes/Music Library.xml export")
    if len(tracks) > max_rows:
        raise CatalogueError(f"{name}: {len(tracks):,} tracks; at most {max_rows:,} are allowed (catalogue.max_rows)")
    out = _Rows(name, skip_bad_rows, field="key")
    for n, (key, t) in enumerate(tracks.items(), start=1):
        where = f"track entry {n} (Track ID {key})"
        if not isinstance(t, dict):
            out.bad(where, "(entry)", type(t).__name__, "is not a dictionary", "a <dict> of track keys")
            continue
        if any(t.get(k) is True for k in ("Has Video", "Movie", "TV Show", "Music Video")) or \
                "video" in str(t.get("Kind", "")).lower():
            out.video += 1
            continue
        if t.get("Podcast") is True or str(t.get("Genre", "")).lower() == "podcast":
            out.podcast += 1
            continue
        values: dict[str, int | None] = {}
        for k, positive, required in (("Total Time", True, True), ("Size", False, False), ("Bit Rate", True, False)):
            v = t.get(k)
            ok = isinstance(v, int) and not isinstance(v, bool) and (v > 0 if positive else v >= 0)
            if v is None and not required:
                values[k] = None
            elif ok and v <= (MAX_DURATION_MS if k == "Total Time" else MAX_SIZE_BYTES):
                values[k] = v
            else:
                allowed = {"Total Time": f"an <integer> of milliseconds from 1 to {MAX_DURATION_MS:,}",
                           "Size": "an <integer> of bytes >= 0", "Bit Rate": "an <integer> of kbit/s > 0"}[k]
                out.bad(where, k, v, "is missing" if v is None else "is out of range or not an integer", allowed)
                break
        else:
            text = {k: str(t.get(k) or "") for k in ("Album", "Album Artist", "Artist", "Name")}
            artist = text["Album Artist"] or (VARIOUS_ARTISTS if t.get("Compilation") is True else text["Artist"])
            out.add(text["Album"], artist, text["Name"],
                    values["Total Time"], values["Size"], values["Bit Rate"])
    return out.catalogue(name, "the library")


def load_catalogue(path_or_bytes, **kwargs) -> Catalogue:
    """Load a catalogue file, choosing the reader by content: an XML or binary property list, else CSV.

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
    **kwargs
        ``skip_bad_rows``, ``max_rows``, ``max_bytes``, ``scenario``, as in
        :func:`load_catalogue_csv`.

    Returns
    -------
    Catalogue

    Raises
    ------
    CatalogueError
        As the chosen loader does.

    Examples
    --------
    >>> load_catalogue(b"seconds\\n245.3\\n").tracks["duration_ms"].tolist()
    [245300]
    """
    _, max_bytes = _limits(kwargs.get("scenario"), kwargs.get("max_rows"), kwargs.get("max_bytes"))
    data, name = read_limited(path_or_bytes, max_bytes)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    is_plist = head.startswith((b"<?xml", b"<!DOCTYPE plist", b"<plist", b"bplist00"))
    from simulator.io.csv_tracks import load_catalogue_csv  # imports this module, so imported here

    loader = load_itunes_library if is_plist else load_catalogue_csv
    named = _Named(data)
    named.name = name
    del data
    return loader(named, **kwargs)


class _Named(bytes):
    """Bytes already read, carrying the file name (``.name``) for messages."""


def __getattr__(name: str):
    # load_catalogue_csv lives in simulator.io.csv_tracks, which imports this module.
    if name == "load_catalogue_csv":
        from simulator.io.csv_tracks import load_catalogue_csv

        return load_catalogue_csv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
