"""Catalogues of tracks: the embedded default and real libraries, as one tidy table.

A :class:`Catalogue` holds a ``pandas.DataFrame`` with one row per track and
unit-suffixed columns:

============  ========  ==========================================================
column        dtype     meaning
============  ========  ==========================================================
album         object    album title ("" when unknown)
artist        object    the album's artist: album artist, else "Various Artists" for a
                        compilation, else the track artist; "" if unknown
track         object    track title
duration_ms   int64     track length, whole milliseconds > 0 [ms]
size_bytes    Int64     real file size where known, else <NA> [bytes]
bitrate_kbps  Int64     declared bitrate where known, else <NA> [kbit/s]
============  ========  ==========================================================

Every column is always present, so consumers never test for it. The frame is
shared: treat it as read-only (copy before changing it).

The embedded default (:func:`builtin_catalogue`) is drawn at random, with a
seed, from the ``catalogue.*`` parameters of ``assumptions.yaml``. Real
catalogues are read by :func:`simulator.io.load.load_catalogue` (CSV, iTunes
``Library.xml``, playlists, folders of audio files), and priced, by track or by
album, by :func:`simulator.model.catalogue_pricing.price_catalogue` (also
importable from this module).

Examples
--------
>>> c = builtin_catalogue(make_scenario())
>>> c.n_albums == make_scenario().catalogue.albums, c.tracks["duration_ms"].dtype.name
(True, 'int64')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import Scenario

__all__ = [
    "Catalogue",
    "CatalogueError",
    "TRACK_COLUMNS",
    "builtin_catalogue",
    "draw_catalogue",
    "make_tracks_frame",
    "one_album_per_track",
]

#: Columns of every catalogue's ``tracks`` frame, in order.
TRACK_COLUMNS = ("album", "artist", "track", "duration_ms", "size_bytes", "bitrate_kbps")

# Shortest duration a drawn track may round to: a file lasts at least one whole
# millisecond (an implementation floor, not a model number). [ms]
_MIN_DURATION_MS = 1


class CatalogueError(ValueError):
    """A catalogue file or table is malformed; the message names the row, the column and the value."""


@dataclass(frozen=True, eq=False)
class Catalogue:
    """A set of tracks to price, and what was read and left out when it was loaded.

    Attributes
    ----------
    tracks : pandas.DataFrame, shape (n_tracks, 6 or more)
        One row per track, columns :data:`TRACK_COLUMNS` (see the module
        docstring for dtypes and units); a folder of audio files adds
        ``codec`` and ``bitrate_mode`` (text). Read-only by convention.
    source : str
        Where it came from: ``"builtin (seed 2006)"`` or a file name.
    excluded : mapping of str to int
        Items left out, by kind (``"video"``, ``"podcast"``, ``"audiobook"``,
        ``"booklet"``, ``"ebook"``, ``"app"``, ``"stream"``, ``"other_file"``,
        ``"missing_file"``): how many of each. [items]
    skipped_rows : int
        Malformed rows skipped (only with ``skip_bad_rows=True``). [rows]
    skipped_examples : tuple of str
        The reasons for the first few skipped rows.
    rows_read : int or None
        Rows, entries or files read from the source (priced, left out or
        skipped); None when the catalogue was not read from a file. [rows]
    columns : mapping of str to str
        Which column (or key, or tag) of the source gave each role
        (``"artist"``, ``"album"``, ``"duration_ms"``...).
    warnings : tuple of str
        Things the reader noticed but did not refuse, one sentence each.
    """

    tracks: pd.DataFrame = field(repr=False)
    source: str
    excluded: Mapping[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    skipped_examples: tuple[str, ...] = ()
    rows_read: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def n_tracks(self) -> int:
        """Number of tracks [tracks]."""
        return len(self.tracks)

    @property
    def n_albums(self) -> int:
        """Number of distinct (artist, album) pairs [albums]."""
        if self.tracks.empty:
            return 0
        return int(self.tracks.groupby(["artist", "album"], sort=False).ngroups)

    @property
    def excluded_video(self) -> int:
        """Video items left out (music videos, TV shows, movies) [items]."""
        return int(self.excluded.get("video", 0))

    @property
    def excluded_podcast(self) -> int:
        """Podcast episodes left out, audio or video [items]."""
        return int(self.excluded.get("podcast", 0))

    @property
    def has_album_names(self) -> bool:
        """Whether any track has an album title (a source without an album column has none)."""
        return bool(self.tracks["album"].astype(bool).any()) if len(self.tracks) else False

    def __repr__(self) -> str:
        """Return a one-line summary: the source, the counts of tracks and albums, and what was left out."""
        return (
            f"Catalogue({self.source!r}, {self.n_tracks} tracks, {self.n_albums} albums, "
            f"excluded={dict(self.excluded)}, skipped_rows={self.skipped_rows})"
        )


def one_album_per_track(catalogue: Catalogue) -> Catalogue:
    """Return the same catalogue with each track as its own album (for a source that names no albums).

    The album title becomes the track title (numbered ``" [2]"``, ``" [3]"``...
    when an artist has the same title more than once), so grouping by album
    gives one row per track.

    Parameters
    ----------
    catalogue : Catalogue

    Returns
    -------
    Catalogue
        A copy; every other attribute is kept.

    Examples
    --------
    >>> c = Catalogue(make_tracks_frame(["", ""], ["X", "X"], ["Song", "Song"], [1000, 2000]), "t")
    >>> one_album_per_track(c).tracks["album"].tolist()
    ['Song', 'Song [2]']
    """
    t = catalogue.tracks.copy()
    title = t["track"].where(t["track"].astype(bool), "(untitled)")
    n = title.groupby([t["artist"], title], sort=False).cumcount() + 1
    t["album"] = [a if k == 1 else f"{a} [{k}]" for a, k in zip(title, n, strict=True)]
    return replace(catalogue, tracks=t)


def make_tracks_frame(
    album, artist, track, duration_ms, size_bytes=None, bitrate_kbps=None, extra=None
) -> pd.DataFrame:
    """Assemble a ``tracks`` frame with the standard columns and dtypes.

    Parameters
    ----------
    album, artist, track : sequence of str, shape (n,)
    duration_ms : sequence of int, shape (n,)
        Whole milliseconds. [ms]
    size_bytes, bitrate_kbps : sequence of int or None, shape (n,), optional
        Missing values (None, NaN) become ``<NA>``. [bytes], [kbit/s]
    extra : mapping of str to sequence of str, optional
        More text columns after the standard ones (e.g. ``codec``).

    Returns
    -------
    pandas.DataFrame, shape (n, 6 + len(extra))
        Columns :data:`TRACK_COLUMNS`, then ``extra``; ``duration_ms`` is int64,
        ``size_bytes`` and ``bitrate_kbps`` Int64.

    Examples
    --------
    >>> make_tracks_frame(["A"], ["B"], ["C"], [240_000]).dtypes.astype(str).tolist()
    ['object', 'object', 'object', 'int64', 'Int64', 'Int64']
    """
    n = len(duration_ms)
    na = [pd.NA] * n
    frame = pd.DataFrame(
        {
            "album": pd.Series(list(album), dtype=object),
            "artist": pd.Series(list(artist), dtype=object),
            "track": pd.Series(list(track), dtype=object),
            "duration_ms": pd.Series(np.asarray(duration_ms, dtype=np.int64)),
            "size_bytes": pd.array(na if size_bytes is None else list(size_bytes), dtype="Int64"),
            "bitrate_kbps": pd.array(na if bitrate_kbps is None else list(bitrate_kbps), dtype="Int64"),
        },
        columns=list(TRACK_COLUMNS),
    )
    for k, v in (extra or {}).items():
        frame[k] = pd.Series(list(v), dtype=object)
    return frame


def draw_catalogue(
    rng: np.random.Generator,
    *,
    albums: int,
    tracks_per_album_mean: float,
    track_median_s: float,
    track_length_sigma: float,
    source: str = "random",
) -> Catalogue:
    """Draw a synthetic catalogue.

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness. Draws, in this order: the track counts
        of all albums, then the lengths of all tracks.
    albums : int
        Number of albums, >= 1. [albums]
    tracks_per_album_mean : float
        Mean tracks per album, >= 1; each album has ``1 + Poisson(mean - 1)``
        tracks. [tracks]
    track_median_s : float
        Median track length, > 0. [s]
    track_length_sigma : float
        Standard deviation of the natural log of the length, >= 0. [ln(s)]
    source : str, optional
        Label stored in :attr:`Catalogue.source`.

    Returns
    -------
    Catalogue
        Albums ``"Album 001"``..., each by its own ``"Artist 001"``...,
        tracks ``"Track 01"``...; lengths rounded half-up to whole ms.

    Raises
    ------
    CatalogueError
        If a parameter is outside the range above.

    Notes
    -----
    Length ~ lognormal: ``ln(duration_s) ~ Normal(ln(track_median_s), sigma)``,
    whose median is ``track_median_s``. Sources of the defaults: the
    ``catalogue.*`` parameters in assumptions.yaml.

    Examples
    --------
    >>> c = draw_catalogue(np.random.default_rng(1), albums=2, tracks_per_album_mean=1.0,
    ...                    track_median_s=240.0, track_length_sigma=0.0)
    >>> c.tracks[["album", "track", "duration_ms"]].values.tolist()
    [['Album 1', 'Track 1', 240000], ['Album 2', 'Track 1', 240000]]
    """
    checks = {
        "albums": (albums, lambda x: x >= 1 and x == int(x), "a whole number >= 1"),
        "tracks_per_album_mean": (tracks_per_album_mean, lambda x: x >= 1, "a number >= 1"),
        "track_median_s": (track_median_s, lambda x: x > 0, "a number > 0"),
        "track_length_sigma": (track_length_sigma, lambda x: x >= 0, "a number >= 0"),
    }
    for name, (value, ok, allowed) in checks.items():
        is_number = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
        if not (is_number and np.isfinite(value) and ok(value)):
            raise CatalogueError(f"{name} must be {allowed}, got {value!r}")
    albums = int(albums)
    counts = 1 + rng.poisson(tracks_per_album_mean - 1, size=albums)
    n = int(counts.sum())
    duration_s = rng.lognormal(mean=np.log(track_median_s), sigma=track_length_sigma, size=n)
    ms_per_s = load_assumptions().constants["ms_per_s"]
    duration_ms = np.maximum(np.floor(duration_s * ms_per_s + 0.5).astype(np.int64), _MIN_DURATION_MS)
    album_no = np.repeat(np.arange(1, albums + 1), counts)
    track_no = np.concatenate([np.arange(1, c + 1) for c in counts])
    wa, wt = len(str(albums)), len(str(int(counts.max())))
    album_names = [f"Album {a:0{wa}d}" for a in album_no]
    artist_names = [f"Artist {a:0{wa}d}" for a in album_no]
    track_names = [f"Track {t:0{wt}d}" for t in track_no]
    frame = make_tracks_frame(album_names, artist_names, track_names, duration_ms)
    return Catalogue(frame, source)


@lru_cache(maxsize=8)
def _builtin(seed: int, albums: int, mean: float, median_s: float, sigma: float) -> Catalogue:
    return draw_catalogue(
        np.random.default_rng(seed),
        albums=albums,
        tracks_per_album_mean=mean,
        track_median_s=median_s,
        track_length_sigma=sigma,
        source=f"builtin (seed {seed})",
    )


def builtin_catalogue(scenario: Scenario) -> Catalogue:
    """Return the embedded default catalogue: seeded, reproducible, drawn from assumptions.yaml.

    Parameters
    ----------
    scenario : Scenario
        Supplies ``catalogue.seed``, ``catalogue.albums``,
        ``catalogue.tracks_per_album_mean``, ``catalogue.track_median_s`` [s] and
        ``catalogue.track_length_sigma`` [ln(s)]; the embedded defaults if omitted.

    Returns
    -------
    Catalogue
        A fresh copy each call (the same seed and parameters give an identical
        table); see :func:`draw_catalogue` for the distributions.

    Examples
    --------
    >>> a, b = builtin_catalogue(make_scenario()), builtin_catalogue(make_scenario())
    >>> a.tracks.equals(b.tracks), a.source
    (True, 'builtin (seed 2006)')
    >>> s = make_scenario(overrides={"catalogue.seed": 7})
    >>> builtin_catalogue(s).tracks.equals(a.tracks)
    False
    """
    s = scenario
    c = _builtin(
        int(s.catalogue.seed),
        int(s.catalogue.albums),
        float(s.catalogue.tracks_per_album_mean),
        float(s.catalogue.track_median_s),
        float(s.catalogue.track_length_sigma),
    )
    return Catalogue(c.tracks.copy(), c.source)

