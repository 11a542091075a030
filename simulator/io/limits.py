"""What every reader of catalogues shares: limits, the bounded file read, and the row bookkeeping.

Every reader (:mod:`~simulator.io.csv_tracks`, :mod:`~simulator.io.itunes`,
:mod:`~simulator.io.playlists`, :mod:`~simulator.io.audio_files`) collects its
tracks in a :class:`Rows`, which also counts what it read, what it left out (by
kind, see :data:`EXCLUDED_NOUNS`) and the bad rows it skipped, and turns them into
a :class:`~simulator.model.catalogue.Catalogue`.

A bad value is reported as one line naming the file, the row or entry, the
column or key, the value and what is allowed. Such a refusal is a
:class:`BadRowError`: with ``skip_bad_rows=True`` the row is left out and
counted instead (the command line and the app say so when they refuse).

Examples
--------
>>> rows = Rows("t.csv", skip_bad_rows=False)
>>> rows.read += 2; rows.exclude("podcast"); rows.add("Album", "Artist", "Song", 240_000, None, None)
>>> c = rows.catalogue("the file")
>>> c.n_tracks, c.rows_read, dict(c.excluded)
(1, 2, {'podcast': 1})
>>> describe_excluded({"video": 2, "booklet": 1})
'2 videos, 0 podcasts and 1 PDF booklet'
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias

from simulator.model.catalogue import Catalogue, CatalogueError, make_tracks_frame
from simulator.model.units import MAX_DURATION_MS, format_quantity
from simulator.params.scenario import Scenario

__all__ = [
    "BadRowError",
    "BadValue",
    "EXCLUDED_NOUNS",
    "Limits",
    "MAX_DURATION_MS",
    "MAX_SHOWN_CHARS",
    "MAX_SIZE_BYTES",
    "MAX_SKIPPED_EXAMPLES",
    "Rows",
    "VARIOUS_ARTISTS",
    "describe_excluded",
    "limits_for",
    "read_limited",
    "Source",
    "shown",
    "too_large",
]

#: Reasons kept for the first few skipped rows (``Catalogue.skipped_examples``). [rows]
MAX_SKIPPED_EXAMPLES = 5
#: Largest file size accepted in a size column: 2**53 - 1 (exact in float64). [bytes]
MAX_SIZE_BYTES = 2**53 - 1
#: Longest bad value (or column name) quoted in a message; longer ones are cut. [characters]
MAX_SHOWN_CHARS = 80
#: Album artist of a compilation without one, as iTunes shows it (grouping its tracks into one album).
VARIOUS_ARTISTS = "Various Artists"

#: What a reader reads: a path, the bytes of a file, or a binary file object (an upload).
Source: TypeAlias = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO

#: Kinds of item a reader leaves out, with their nouns (singular, plural), in the order they are listed.
EXCLUDED_NOUNS: Mapping[str, tuple[str, str]] = {
    "video": ("video", "videos"),
    "podcast": ("podcast", "podcasts"),
    "audiobook": ("audiobook", "audiobooks"),
    "booklet": ("PDF booklet", "PDF booklets"),
    "ebook": ("ebook", "ebooks"),
    "app": ("app", "apps"),
    "stream": ("stream", "streams"),
    "other_file": ("non-audio file", "non-audio files"),
    "missing_file": ("missing file", "missing files"),
}


class BadValue(Exception):
    """One bad cell or value; the message says why (e.g. ``"is negative"``)."""


class BadRowError(CatalogueError):
    """A bad row or entry refused the whole file; ``skip_bad_rows=True`` would leave it out and count it."""


def shown(value: object) -> str:
    """``repr`` of a value for a message, cut to :data:`MAX_SHOWN_CHARS` characters."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 3] + "..."


def describe_excluded(excluded: Mapping[str, int]) -> str:
    """Say what was left out: videos and podcasts always, every other kind when there were some.

    Parameters
    ----------
    excluded : mapping of str to int
        Counts by kind (keys of :data:`EXCLUDED_NOUNS`). [items]

    Returns
    -------
    str
        Such as ``"2 videos, 0 podcasts and 1 PDF booklet"``.
    """
    parts = [format_quantity(int(excluded.get(k, 0)), *EXCLUDED_NOUNS[k]) for k in EXCLUDED_NOUNS
             if k in ("video", "podcast") or excluded.get(k)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class Limits:
    """How much a reader accepts.

    Attributes
    ----------
    max_rows : int
        Most rows, entries or files read. [rows]
    max_bytes : int
        Largest CSV, playlist or binary property list read (it is read whole). [bytes]
    max_xml_bytes : int
        Largest XML ``Library.xml`` read (it is streamed, so memory stays bounded). [bytes]
    over_limit_hint : str
        Said after a refusal for size, e.g. where larger files can be read.
    """

    max_rows: int
    max_bytes: int
    max_xml_bytes: int
    over_limit_hint: str = ""


def limits_for(scenario: Scenario, *, max_rows: int | None = None, max_bytes: int | None = None,
               max_xml_bytes: int | None = None, over_limit_hint: str = "") -> Limits:
    """Return the limits of a scenario (``catalogue.max_rows``, ``max_file_mb``, ``max_xml_file_mb``), each overridable.

    Parameters
    ----------
    scenario : Scenario
    max_rows : int, optional
        [rows]
    max_bytes, max_xml_bytes : int, optional
        [bytes]; ``max_xml_bytes`` defaults to ``max_bytes`` when only that is given.
    over_limit_hint : str, optional
        See :class:`Limits`.

    Returns
    -------
    Limits
    """
    per_mb = int(scenario.assumptions.constants["bytes_per_mb_decimal"])
    if max_rows is None:
        max_rows = int(scenario.catalogue.max_rows)
    if max_xml_bytes is None:
        max_xml_bytes = (max_bytes if max_bytes is not None else
                         int(Fraction(str(scenario.catalogue.max_xml_file_mb)) * per_mb))
    if max_bytes is None:
        max_bytes = int(Fraction(str(scenario.catalogue.max_file_mb)) * per_mb)
    return Limits(int(max_rows), int(max_bytes), int(max_xml_bytes), over_limit_hint)


def too_large(name: str, what: str, max_bytes: int, setting: str, hint: str) -> CatalogueError:
    """Return the refusal of a file over its size limit."""
    return CatalogueError(f"{name}: {what}; at most {max_bytes:,} bytes are allowed ({setting})"
                          + (f"; {hint}" if hint else ""))


def read_limited(path_or_bytes: Source, max_bytes: int, *, setting: str = "catalogue.max_file_mb",
                 hint: str = "") -> tuple[bytes, str]:
    """Read a file (path, bytes or binary file object) of at most ``max_bytes`` bytes.

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
    max_bytes : int
        [bytes]
    setting : str, optional
        The setting named in the refusal.
    hint : str, optional
        Said after a refusal for size.

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
                raise too_large(name, f"file is {size:,} bytes", max_bytes, setting, hint)
            with p.open("rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            raise CatalogueError(f"{name}: cannot read file ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise too_large(name, f"more than {max_bytes:,} bytes", max_bytes, setting, hint)
    return data, name


class Named(bytes):
    """Bytes already read, carrying the file name (``.name``) for messages."""

    name: str


def named_bytes(data: bytes, name: str) -> Named:
    """Return ``data`` as :class:`Named` bytes called ``name``."""
    out = Named(data)
    out.name = name
    return out


class Rows:
    """Collects good rows, what was read, what was left out (by kind) and skipped rows.

    Parameters
    ----------
    name : str
        The file's name, starting every message.
    skip_bad_rows : bool
        Count bad rows instead of raising :class:`BadRowError`.
    field : str, optional
        What a column is called in messages (``"column"``, ``"key"``); with ``""`` the
        column is named as given (unquoted).
    extra : tuple of str, optional
        Names of more text columns (e.g. ``("codec", "bitrate_mode")``).

    Attributes
    ----------
    read : int
        Rows, entries or files read (the reader adds them). [rows]
    excluded : collections.Counter
        Items left out, by kind (keys of :data:`EXCLUDED_NOUNS`). [items]
    columns : dict of str to str
        Role -> the column, key or tag that gave it.
    warnings : list of str
    """

    def __init__(self, name: str, skip_bad_rows: bool, field: str = "column", extra: tuple[str, ...] = ()):
        self.name, self.skip, self.field = name, skip_bad_rows, field
        self.cols: dict[str, list[Any]] = {k: [] for k in ("album", "artist", "track", "duration_ms",
                                                       "size_bytes", "bitrate_kbps")}
        self.extra: dict[str, list[str]] = {k: [] for k in extra}
        self.read = 0
        self.skipped = 0
        self.excluded: Counter[str] = Counter()
        self.examples: list[str] = []
        self.columns: dict[str, str] = {}
        self.warnings: list[str] = []
        self._texts: dict[str, str] = {}  # one copy of each album and artist name

    def exclude(self, kind: str) -> None:
        """Count one item of ``kind`` (a key of :data:`EXCLUDED_NOUNS`) left out."""
        if kind not in EXCLUDED_NOUNS:
            raise KeyError(kind)
        self.excluded[kind] += 1

    def bad(self, where: str, column: str, value: object, reason: str, allowed: str) -> None:
        """Report one bad value: raise :class:`BadRowError`, or count it when skipping bad rows.

        ``value`` None means the value is absent: the message then says so without quoting it.
        """
        col = f"{self.field} {column[:MAX_SHOWN_CHARS]!r}" if self.field else column[:MAX_SHOWN_CHARS]
        what = f"{col} {reason}" if value is None else f"{col}: {shown(value)} {reason}"
        msg = f"{self.name}: {where}, {what}; expected {allowed}"
        if not self.skip:
            raise BadRowError(msg)
        self.skipped += 1
        if len(self.examples) < MAX_SKIPPED_EXAMPLES:
            self.examples.append(msg)

    def add(self, album: str, artist: str, track: str, duration_ms: int, size_bytes_: int | None,
            bitrate_kbps: int | None, **extra: str) -> None:
        """Keep one track (sizes and bitrates may be None)."""
        album, artist = self._texts.setdefault(album, album), self._texts.setdefault(artist, artist)
        for k, v in zip(self.cols, (album, artist, track, duration_ms, size_bytes_, bitrate_kbps), strict=True):
            self.cols[k].append(v)
        for k, col in self.extra.items():
            v = extra.get(k, "")
            col.append(self._texts.setdefault(v, v))

    def __len__(self) -> int:
        """Return the number of tracks kept."""
        return len(self.cols["duration_ms"])

    def catalogue(self, what: str, source: str | None = None) -> Catalogue:
        """Return the catalogue of the rows kept.

        Parameters
        ----------
        what : str
            The source in words, for the message (``"the file"``, ``"the library"``).
        source : str, optional
            ``Catalogue.source`` (default: the name).

        Raises
        ------
        CatalogueError
            If no track was kept; the message says what was left out and skipped.
        """
        if not self.cols["duration_ms"]:
            detail = "; first problem: " + self.examples[0] if self.examples else ""
            raise CatalogueError(
                f"{self.name}: no music tracks in {what} ({describe_excluded(self.excluded)} excluded, "
                f"{format_quantity(self.skipped, 'bad row')} skipped){detail}")
        frame = make_tracks_frame(**self.cols, extra=self.extra or None)
        return Catalogue(frame, source or self.name, excluded=dict(self.excluded), skipped_rows=self.skipped,
                         skipped_examples=tuple(self.examples), rows_read=self.read,
                         columns=dict(self.columns), warnings=tuple(self.warnings))
