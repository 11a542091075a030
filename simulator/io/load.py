r"""Read a real catalogue, choosing the reader by what the file is: :func:`load_catalogue`.

==========================================  ===========================================
source                                      reader
==========================================  ===========================================
iTunes/Music ``Library.xml`` (or binary)    :mod:`simulator.io.itunes` (streamed)
CSV / TSV of tracks, Exportify, iTunes'     :mod:`simulator.io.csv_tracks`
"Export playlist as text"
M3U / M3U8 playlist                         :mod:`simulator.io.playlists`
a folder, a zip of one, or one audio file   :mod:`simulator.io.audio_files` (mutagen)
==========================================  ===========================================

Input is validated where it enters, in the readers, and nowhere else. Every
problem is a :class:`~simulator.model.catalogue.CatalogueError` (a
``ValueError``) whose message names the file, the row or entry, the column or
key, the bad value and what is allowed; a bad row is a
:class:`~simulator.io.limits.BadRowError`, and with ``skip_bad_rows=True`` such
rows are left out and counted instead.

Every reader leaves out what is not music (videos, podcasts, audiobooks, PDF
booklets, ebooks, apps, streams) and counts it by kind, and reports the rows it
read and which column gave each role (``Catalogue.excluded``, ``rows_read``,
``columns``, ``warnings``).

Text is kept as data: a title such as ``=HYPERLINK(...)`` is stored as written
and never evaluated; CSV output goes through :func:`simulator.io.tables.rows_to_csv`,
which neutralises it.

Examples
--------
>>> c = load_catalogue(b"artist;album;name;time\nAC/DC;Back in Black;Hells Bells;5:12\n", scenario=make_scenario())
>>> c.tracks[["artist", "track", "duration_ms"]].values.tolist()
[['AC/DC', 'Hells Bells', 312000]]
"""

from __future__ import annotations

import os
from pathlib import Path

from simulator.io.audio_files import (
    AUDIO_EXTENSIONS,
    Progress,
    read_audio_file,
    read_audio_files,
    read_audio_folder,
    read_audio_zip,
)
from simulator.io.csv_tracks import load_catalogue_csv, read_catalogue_csv
from simulator.io.itunes import is_property_list, load_itunes_library, read_itunes_library
from simulator.io.limits import Limits, Source, limits_for, named_bytes, read_limited
from simulator.io.playlists import is_m3u, read_m3u
from simulator.model.catalogue import Catalogue, CatalogueError
from simulator.params.scenario import Scenario

__all__ = ["load_catalogue", "load_catalogue_csv", "load_itunes_library", "read_catalogue"]

#: Bytes at the start of a file read to tell what it is. [bytes]
HEAD_BYTES = 4096
# The first bytes of a zip archive (a local file header, or an empty archive's end record).
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _head(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(HEAD_BYTES)
    except OSError as e:
        raise CatalogueError(f"{name}: cannot read file ({e.strerror or e})") from None


def _is_audio_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in AUDIO_EXTENSIONS


def read_catalogue(path_or_bytes: Source, limits: Limits, *, skip_bad_rows: bool = False, name: str | None = None,
                   progress: Progress | None = None) -> Catalogue:
    """Load any supported catalogue with explicit limits.

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
        A file or a folder (see :func:`load_catalogue`).
    limits : Limits
    skip_bad_rows : bool, optional
    name : str, optional
        The name used in messages (default: the path, or the file object's ``name``).
    progress : callable, optional
        ``progress(items, total)`` wraps the files of a folder (or playlist) being
        read and yields them (e.g. a ``tqdm`` bar); None reads without one.

    Returns
    -------
    Catalogue

    Raises
    ------
    CatalogueError
        As the chosen reader does.
    """
    if isinstance(path_or_bytes, (str, Path)):
        path, shown_name = Path(path_or_bytes), name or str(path_or_bytes)
        if path.is_dir():
            return read_audio_folder(path, limits, progress=progress, skip_bad_rows=skip_bad_rows)
        if path.exists():
            head = _head(path, shown_name)
            if is_property_list(head):
                return read_itunes_library(path, limits, skip_bad_rows=skip_bad_rows)
            if head.startswith(_ZIP_MAGIC):
                return read_audio_zip(path, shown_name, limits, progress=progress, skip_bad_rows=skip_bad_rows)
            if _is_audio_name(shown_name):
                return read_audio_file(path, limits, skip_bad_rows=skip_bad_rows)
            if is_m3u(shown_name, head):
                data, _ = read_limited(path, limits.max_bytes, hint=limits.over_limit_hint)
                return read_m3u(data, shown_name, limits, base=path.resolve().parent, progress=progress,
                                skip_bad_rows=skip_bad_rows)
        data, shown_name = read_limited(path, limits.max_bytes, hint=limits.over_limit_hint)
        return read_catalogue_csv(data, name or shown_name, limits, skip_bad_rows=skip_bad_rows)
    cap = max(limits.max_bytes, limits.max_xml_bytes)
    data, shown_name = read_limited(path_or_bytes, cap, hint=limits.over_limit_hint)
    shown_name = name or shown_name
    if is_property_list(data[:HEAD_BYTES]):
        return read_itunes_library(named_bytes(data, shown_name), limits, skip_bad_rows=skip_bad_rows)
    if data.startswith(_ZIP_MAGIC):
        return read_audio_zip(data, shown_name, limits, progress=progress, skip_bad_rows=skip_bad_rows)
    if len(data) > limits.max_bytes:
        read_limited(data, limits.max_bytes, hint=limits.over_limit_hint)  # the refusal, worded as for a file
    if _is_audio_name(shown_name):
        return read_audio_files([(shown_name, data)], shown_name, limits, progress=progress, skip_bad_rows=skip_bad_rows)
    if is_m3u(shown_name, data[:HEAD_BYTES]):
        return read_m3u(data, shown_name, limits, progress=progress, skip_bad_rows=skip_bad_rows)
    return read_catalogue_csv(data, shown_name, limits, skip_bad_rows=skip_bad_rows)


def load_catalogue(path_or_bytes: Source, *, skip_bad_rows: bool = False, max_rows: int | None = None,
                   max_bytes: int | None = None, scenario: Scenario) -> Catalogue:
    r"""Load a catalogue file, choosing the reader by content.

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
        A path (a file or a folder of audio files), or the bytes of an upload
        (whose ``name`` helps tell an M3U playlist or an audio file).
    skip_bad_rows : bool, optional
        Leave malformed rows out and count them instead of raising.
    max_rows : int, optional
        Most rows, entries or files read [rows]; default ``catalogue.max_rows``.
    max_bytes : int, optional
        Largest file read [bytes]; default ``catalogue.max_file_mb`` x 10**6, and
        ``catalogue.max_xml_file_mb`` x 10**6 for a ``Library.xml`` (streamed).
    scenario : Scenario
        Its ``catalogue.*`` limits apply unless ``max_rows`` or ``max_bytes`` is given.

    Returns
    -------
    Catalogue

    Raises
    ------
    CatalogueError
        As the chosen reader does.

    Examples
    --------
    >>> load_catalogue(b"seconds\n245.3\n", scenario=make_scenario()).tracks["duration_ms"].tolist()
    [245300]
    """
    s = scenario
    limits = limits_for(s, max_rows=max_rows, max_bytes=max_bytes)
    return read_catalogue(path_or_bytes, limits, skip_bad_rows=skip_bad_rows)
