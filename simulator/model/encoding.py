"""Encodings and file sizes: bitrate and length to bytes, and bytes to MB or MiB.

Formula
-------
A constant-bitrate file of ``bitrate_kbps`` (1 kbps = 1000 bit/s) lasting
``duration_ms`` holds ``bitrate_kbps * duration_ms / 8`` bytes of audio
(kbit/s x ms = bit), rounded **up** to a whole byte (a file holds whole bytes),
plus ``overhead_bytes`` of tags. Source: the standard size formula,
size = bitrate x seconds / 8 (audiomountain.com/tech/calculations), which real
constant-bitrate MP3s in the Chinook data match within 0.05% (2-3 kB of tags a
file). Chinook's MP3s near 256 kbps are variable-bitrate: they average about
5 kbps above 256 (261.4 kbps) plus about 52 kB a file, not 256 kbps plus artwork;
that 52 kB is the high end of ``encoding.tag_overhead_bytes``.

Lossless formats have no fixed bitrate: their average size is a fraction of CD
audio's 1,411.2 kbps (``encoding.flac_cd_fraction``; WAV is 1).

Examples
--------
>>> size_bytes(240_000, 128)
3840000
>>> float(size_mb(3_840_000, "binary", make_scenario()))
3.662109375
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from simulator.model.money import ceil_scaled, fraction_to_decimal, to_fraction
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import Scenario

__all__ = [
    "size_column",
    "Encoding",
    "EncodingError",
    "encoding_menu",
    "get_encoding",
    "size_bytes",
    "size_mb",
    "bytes_per_mb",
    "mb_unit",
]


class EncodingError(ValueError):
    """An unknown encoding name; the message lists the valid ones."""


@dataclass(frozen=True)
class Encoding:
    """One entry of the encodings menu.

    Attributes
    ----------
    name : str
        ``<format>-<kbps>`` (``"mp3-192"``) or a lossless format's name (``"flac"``).
    format : str
        Format key (``"mp3"``, ``"aac"``, ``"flac"`` ...).
    label : str
        Human-readable, e.g. ``"MP3 (constant bitrate), 192 kbps"``.
    bitrate_kbps : Decimal
        Exact (average) bitrate. [kbit/s]
    lossless : bool
    """

    name: str
    format: str
    label: str
    bitrate_kbps: Decimal
    lossless: bool


def encoding_menu(scenario: Scenario) -> dict[str, Encoding]:
    """Return every encoding of the menu, by name, in menu order.

    Parameters
    ----------
    scenario : Scenario
        Supplies the lossless fractions of CD audio; the embedded defaults if omitted.

    Returns
    -------
    dict[str, Encoding]

    Examples
    --------
    >>> menu = encoding_menu(make_scenario())
    >>> menu["mp3-320"].bitrate_kbps, menu["wav"].bitrate_kbps, menu["flac"].bitrate_kbps
    (Decimal('320'), Decimal('1411.2'), Decimal('770.5152'))
    """
    s = scenario
    a = s.assumptions
    cd = to_fraction(a.constants["cd_audio_kbps"])
    menu: dict[str, Encoding] = {}
    for fmt, f in a.formats.items():
        if f.bitrates_kbps is not None:
            for b in f.bitrates_kbps:
                name = f"{fmt}-{b}"
                menu[name] = Encoding(name, fmt, f"{f.label}, {b} kbps", Decimal(b), False)
        else:
            assert f.cd_fraction is not None  # Format's validator: no bitrates means a cd_fraction
            kbps = fraction_to_decimal(cd * to_fraction(s[f.cd_fraction]))
            menu[fmt] = Encoding(fmt, fmt, f"{f.label}, about {float(kbps):,.0f} kbps", kbps, True)
    return menu


def get_encoding(name: str, scenario: Scenario) -> Encoding:
    """Look up one encoding by name.

    Raises
    ------
    EncodingError
        If ``name`` is not on the menu; the message lists the valid names.

    Examples
    --------
    >>> get_encoding("aac-256", make_scenario()).bitrate_kbps
    Decimal('256')
    """
    menu = encoding_menu(scenario)
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in menu:
        raise EncodingError(f"unknown encoding {name!r}; valid encodings are: {', '.join(menu)}")
    return menu[key]


def size_bytes(duration_ms, bitrate_kbps, overhead_bytes: int = 0):
    """Size of a constant-bitrate audio file.

    Parameters
    ----------
    duration_ms : int or array_like of int, shape (n,)
        Track length; whole milliseconds, >= 0. [ms]
    bitrate_kbps : int, float, Decimal or Fraction, or array_like shape (n,)
        Encoded (average) bitrate; 1 kbps = 1000 bit/s. [kbit/s]
    overhead_bytes : int, optional
        Tags and container added to every file. [bytes]

    Returns
    -------
    int, or ndarray of int64 with the shape of ``duration_ms``
        ``ceil(bitrate_kbps * duration_ms / 8) + overhead_bytes``. [bytes]

    Raises
    ------
    ValueError
        If a duration is negative, NaN or not whole milliseconds, or the
        bitrate is not positive.

    Notes
    -----
    kbit/s x ms = bit, so bytes = kbps x ms / 8 (source: module docstring).

    Examples
    --------
    >>> size_bytes(240_000, 128)
    3840000
    >>> size_bytes([1, 240_000], "1411.2").tolist()
    [177, 42336000]
    """
    scalar = np.ndim(duration_ms) == 0 and np.ndim(bitrate_kbps) == 0
    ms = np.atleast_1d(np.asarray(duration_ms))
    if ms.dtype.kind == "f" and ms.size and not np.all(np.isfinite(ms)):
        raise ValueError("duration_ms must be finite, got NaN or infinity")
    if ms.size and ms.min() < 0:
        raise ValueError(f"duration_ms must be >= 0, got {ms.min()}")
    if isinstance(overhead_bytes, bool) or int(overhead_bytes) != overhead_bytes or overhead_bytes < 0:
        raise ValueError(f"overhead_bytes must be a whole number >= 0, got {overhead_bytes!r}")
    bits_per_byte = int(load_assumptions().constants["bits_per_byte"])
    if np.ndim(bitrate_kbps) == 0:
        k = to_fraction(bitrate_kbps)
        if k <= 0:
            raise ValueError(f"bitrate_kbps must be positive, got {bitrate_kbps}")
        out = ceil_scaled(ms, k / bits_per_byte) + int(overhead_bytes)
    else:
        rates = np.broadcast_to(np.asarray(bitrate_kbps, dtype=object), ms.shape)
        out = np.empty(ms.shape, dtype=np.int64)
        for r in set(rates.tolist()):
            k = to_fraction(r)
            if k <= 0:
                raise ValueError(f"bitrate_kbps must be positive, got {r}")
            mask = np.asarray(rates == r, dtype=bool)
            out[mask] = ceil_scaled(ms[mask], k / bits_per_byte) + int(overhead_bytes)
    return int(out[0]) if scalar else out.reshape(np.shape(duration_ms) or out.shape)


def bytes_per_mb(mb_convention: str, scenario: Scenario) -> int:
    """Bytes in one MB under a convention.

    Parameters
    ----------
    mb_convention : {"decimal", "binary"}
        decimal: 1 MB = 10**6 bytes; binary: 1 MiB = 2**20 bytes.

    Returns
    -------
    int [bytes]

    Raises
    ------
    ValueError
        For any other convention name.
    """
    s = scenario
    c = s.assumptions.constants
    if mb_convention == "decimal":
        return int(c["bytes_per_mb_decimal"])
    if mb_convention == "binary":
        return int(c["bytes_per_mb_binary"])
    raise ValueError(f"mb_convention must be 'decimal' or 'binary', got {mb_convention!r}")


def mb_unit(mb_convention: str) -> str:
    """Label of the megabyte under a convention: ``"MB"`` (10**6 bytes) or ``"MiB"`` (2**20 bytes)."""
    return {"decimal": "MB", "binary": "MiB"}[mb_convention]


def size_column(mb_convention: str) -> str:
    """Name of a size column in the unit in force: ``size_mb`` (decimal MB) or ``size_mib`` (binary MiB).

    Examples
    --------
    >>> size_column("decimal"), size_column("binary")
    ('size_mb', 'size_mib')
    """
    return f"size_{mb_unit(mb_convention).lower()}"


def size_mb(size_bytes_, mb_convention: str, scenario: Scenario):
    """Convert bytes to megabytes for display.

    Parameters
    ----------
    size_bytes_ : int or array_like, shape (n,)
        [bytes]
    mb_convention : {"decimal", "binary"}

    Returns
    -------
    float or ndarray of float64
        [MB or MiB, see :func:`mb_unit`]. Prices never use this float: they
        are computed from the exact byte count.

    Examples
    --------
    >>> size_mb(3_840_000, "decimal", make_scenario())
    3.84
    """
    per = bytes_per_mb(mb_convention, scenario)
    if np.ndim(size_bytes_) == 0:
        return float(Fraction(int(size_bytes_), per))
    return np.asarray(size_bytes_, dtype=np.float64) / per
