"""Price a catalogue at one encoding: per track, or per album with both rounding rules.

Prices come from :mod:`simulator.model.pricing` (nothing is re-implemented here): a
track's size is :func:`simulator.model.encoding.size_bytes` (or its real file size),
its price :func:`simulator.model.pricing.track_price_cents`, rounded half-up to the
cent. An album has two totals, both labelled: ``price_usd``, the sum of its
per-track rounded prices, and ``price_per_basket_usd``, its exact total rounded
once. They may differ by a few cents (at most half a cent per track).

Examples
--------
>>> from simulator.model.catalogue import builtin_catalogue
>>> c = builtin_catalogue(make_scenario())
>>> p = price_catalogue(c, "mp3-192", make_scenario(), by="album")
>>> len(p) == c.n_albums, p.attrs["tracks"] == c.n_tracks, p.attrs["price_usd"] == sum(p["price_usd"])
(True, True, True)
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from simulator.model.catalogue import Catalogue, CatalogueError, make_tracks_frame  # noqa: F401 (make_tracks_frame: doctest)
from simulator.model.encoding import Encoding, get_encoding, size_bytes, size_mb
from simulator.model.money import cents_to_decimal, fraction_to_decimal, round_half_up_cents, to_fraction
from simulator.model.pricing import basket_total, pricing_terms, track_price_cents
from simulator.params.scenario import Scenario

__all__ = ["price_catalogue"]


def price_catalogue(
    catalogue: Catalogue,
    encoding: str | Encoding,
    scenario: Scenario,
    *,
    by: str = "track",
    use_real_bytes: bool = False,
) -> pd.DataFrame:
    """Price every track of a catalogue at one encoding, by track or by album.

    Parameters
    ----------
    catalogue : Catalogue
        n tracks in m albums (an album is an (artist, album) pair).
    encoding : str or Encoding
        A menu name such as ``"mp3-192"``.
    scenario : Scenario
        Rate, discount, MB convention, tag overhead and
        ``comparison.itunes_track_usd``; the embedded defaults if omitted.
    by : {"track", "album"}
    use_real_bytes : bool, optional
        Price a track's real ``size_bytes`` where the catalogue knows it (the
        file as stored, whatever ``encoding`` says); tracks without it use the
        formula. ``attrs["real_bytes_tracks"]`` says how many used real bytes.

    Returns
    -------
    pandas.DataFrame
        By track, shape (n, 12): album, artist, track, duration_ms [ms],
        duration_s [s], size_bytes [bytes], size_mb [MB or MiB, see
        ``attrs["mb_unit"]``], real_bytes (bool), price_cents [US cents, int64,
        rounded half-up per track], price_usd [USD, Decimal], itunes_usd [USD,
        Decimal]. By album, shape (m, 13), in order of first appearance:
        album, artist, tracks, duration_ms, duration_s, size_bytes, size_mb,
        real_bytes_tracks, price_cents and price_usd (the sum of the per-track
        rounded prices), price_per_basket_cents and price_per_basket_usd (the
        album's exact total rounded once; may differ from price_usd by a few
        cents), itunes_usd (tracks x ``comparison.itunes_track_usd``, to the cent).
        ``attrs`` holds encoding, mb_unit, rate_usd_per_mb, real_bytes_tracks,
        formula_bytes_tracks and the whole catalogue's totals: tracks,
        size_bytes, price_usd (per track), price_per_basket_usd (rounded
        once), itunes_usd. Money is exact: integer cents and Decimals, never
        sums of floats.

    Raises
    ------
    EncodingError
        For an unknown encoding name.
    CatalogueError
        For ``by`` other than "track" or "album".

    Notes
    -----
    Sizes from :func:`simulator.model.encoding.size_bytes` (``ceil(kbps x ms / 8)``
    + tag overhead); prices from :func:`simulator.model.pricing.track_price_cents`
    (size / bytes_per_MB x rate x (1 - discount), half-up to the cent); an
    album's price_per_basket is the same formula applied to its total bytes,
    as in :func:`simulator.model.pricing.basket_total`.

    Examples
    --------
    >>> c = Catalogue(make_tracks_frame(["A"] * 3, ["X"] * 3, ["1", "2", "3"], [240_000] * 3), "example")
    >>> price_catalogue(c, "mp3-128", make_scenario())["price_usd"].tolist()      # 3,840,000 bytes x 3 c/MB = 11.52 c
    [Decimal('0.12'), Decimal('0.12'), Decimal('0.12')]
    >>> a = price_catalogue(c, "mp3-128", make_scenario(), by="album")
    >>> a[["tracks", "size_bytes", "price_usd", "price_per_basket_usd", "itunes_usd"]].to_dict("records")
    [{'tracks': 3, 'size_bytes': 11520000, 'price_usd': Decimal('0.36'), 'price_per_basket_usd': Decimal('0.35'), 'itunes_usd': Decimal('2.97')}]
    """
    if by not in ("track", "album"):
        raise CatalogueError(f"by must be 'track' or 'album', got {by!r}")
    s = scenario
    enc = encoding if isinstance(encoding, Encoding) else get_encoding(encoding, s)
    terms = pricing_terms(s)
    itunes = to_fraction(s.comparison.itunes_track_usd)
    t = catalogue.tracks
    duration_ms = t["duration_ms"].to_numpy(dtype=np.int64)
    nbytes = np.asarray(size_bytes(duration_ms, enc.bitrate_kbps, terms.overhead_bytes), dtype=np.int64)
    real = np.zeros(len(t), dtype=bool)
    if use_real_bytes:
        real = t["size_bytes"].notna().to_numpy(dtype=bool)
        nbytes = np.where(real, t["size_bytes"].fillna(0).to_numpy(dtype=np.int64), nbytes)
    cents = track_price_cents(nbytes, terms)
    per_s = int(s.assumptions.constants["ms_per_s"])
    total = basket_total(nbytes, terms)
    attrs = {
        "encoding": enc.name,
        "mb_unit": terms.mb_unit,
        "rate_usd_per_mb": fraction_to_decimal(terms.rate_usd_per_mb),
        "real_bytes_tracks": int(real.sum()),
        "formula_bytes_tracks": int((~real).sum()),
        "tracks": len(t),
        "size_bytes": total.size_bytes,
        "price_usd": total.per_track_usd,
        "price_per_basket_usd": total.per_basket_usd,
        "itunes_usd": round_half_up_cents(itunes * len(t)),
    }
    frame = pd.DataFrame(
        {
            "album": t["album"].to_numpy(),
            "artist": t["artist"].to_numpy(),
            "track": t["track"].to_numpy(),
            "duration_ms": duration_ms,
            "size_bytes": nbytes,
            "real_bytes": real,
            "price_cents": cents,
        }
    )
    if by == "album":
        keys = frame.groupby(["artist", "album"], sort=False).ngroup().to_numpy()
        g = frame.assign(tracks=1).groupby(keys, sort=True)
        frame = g.agg(
            album=("album", "first"), artist=("artist", "first"), tracks=("tracks", "sum"),
            duration_ms=("duration_ms", "sum"), size_bytes=("size_bytes", "sum"),
            real_bytes_tracks=("real_bytes", "sum"), price_cents=("price_cents", "sum"),
        ).reset_index(drop=True)
        frame["price_per_basket_cents"] = track_price_cents(frame["size_bytes"].to_numpy(dtype=np.int64), terms)
    frame.insert(_after(frame, "duration_ms"), "duration_s", frame["duration_ms"] / per_s)
    mb = size_mb(frame["size_bytes"].to_numpy(dtype=np.int64), terms.mb_convention, s)
    frame.insert(_after(frame, "size_bytes"), "size_mb", mb)
    frame.insert(_after(frame, "price_cents"), "price_usd", _usd(frame["price_cents"]))
    if by == "album":
        frame["price_per_basket_usd"] = _usd(frame["price_per_basket_cents"])
    n = frame["tracks"] if by == "album" else pd.Series(1, index=frame.index)
    frame["itunes_usd"] = pd.Series([round_half_up_cents(itunes * int(k)) for k in n], index=frame.index, dtype=object)
    frame.attrs.update(attrs)
    return frame


def _after(frame: pd.DataFrame, column: str) -> int:
    """Return the position just after ``column``."""
    # The frame's column labels are unique (built above), so get_loc gives one integer position,
    # not a slice or a mask.
    return cast(int, frame.columns.get_loc(column)) + 1


def _usd(cents: pd.Series) -> pd.Series:
    """Convert integer cents to two-place Decimals (object dtype) [USD]."""
    return pd.Series([cents_to_decimal(int(c)) for c in cents], index=cents.index, dtype=object)

