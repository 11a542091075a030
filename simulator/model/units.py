"""Parse and format durations and counts: ``m:ss``, ``h:mm:ss``, seconds and milliseconds.

Rule: a duration given in seconds is converted to whole milliseconds by
rounding half-up (``249.6005 s`` -> 249,601 ms).

Examples
--------
>>> parse_duration_ms("4:00"), parse_duration_ms("1:02:03"), parse_duration_ms("249.6s")
(240000, 3723000, 249600)
>>> format_duration(3_723_000)
'1:02:03'
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["parse_duration_ms", "format_duration", "format_quantity", "MAX_DURATION_MS", "DURATION_FORMS"]

#: Longest track accepted: one week, far beyond any release, and it keeps every
#: file size far below 2**53 bytes (exact in float64). [ms]
MAX_DURATION_MS = 7 * 24 * 3600 * 1000
#: The ways a person may write a duration, as messages list them.
DURATION_FORMS = "4:00 (m:ss), 1:02:03 (h:mm:ss), 240s, 4min or 240000ms"

_UNIT_MS = {"ms": Decimal(1), "s": Decimal(1000), "sec": Decimal(1000), "min": Decimal(60_000), "m": Decimal(60_000)}
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)$")
_NUMBER = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|sec|min|m)?$", re.IGNORECASE)


class _NoUnit(Exception):
    """A bare number where a unit is required (caught inside :func:`parse_duration_ms`)."""


def parse_duration_ms(text: str, *, default_unit: str | None = "s") -> int:
    """Parse a duration written by a person.

    Parameters
    ----------
    text : str
        ``m:ss`` or ``h:mm:ss`` (``"4:00"``), or a number with an optional
        unit ``ms``, ``s``, ``min`` (``"240"``, ``"240s"``, ``"240000ms"``).
    default_unit : {"s", "ms", "min"} or None
        Unit of a bare number (a file's column, whose unit is known). ``None``
        refuses a bare number: typed by a person, ``240000`` could mean seconds
        or milliseconds.

    Returns
    -------
    int
        Whole milliseconds, > 0. [ms]

    Raises
    ------
    ValueError
        If the text is not a positive duration, or is a bare number and
        ``default_unit`` is None; the message quotes it and lists the forms allowed.

    Examples
    --------
    >>> parse_duration_ms("240000ms", default_unit=None)
    240000
    >>> parse_duration_ms("240000", default_unit=None)
    Traceback (most recent call last):
    ValueError: duration '240000' has no unit (seconds or milliseconds?): write 4:00 (m:ss), 1:02:03 (h:mm:ss), 240s, 4min or 240000ms
    """
    t = str(text).strip()
    m = _CLOCK.match(t)
    try:
        if m:
            h, mins, secs = m.groups()
            if int(mins) >= 60 and h is not None or Decimal(secs) >= 60:
                raise ValueError
            total = (int(h or 0) * 3600 + int(mins) * 60) * 1000 + Decimal(secs) * 1000
        else:
            m2 = _NUMBER.match(t)
            if not m2:
                raise ValueError
            if m2.group(2) is None and default_unit is None:
                raise _NoUnit
            unit = (m2.group(2) or default_unit or "").lower()
            total = Decimal(m2.group(1)) * _UNIT_MS[unit]
    except _NoUnit:
        raise ValueError(f"duration {text!r} has no unit (seconds or milliseconds?): write {DURATION_FORMS}") from None
    except (ValueError, InvalidOperation, KeyError):
        raise ValueError(f"duration must look like {DURATION_FORMS}, got {text!r}") from None
    try:
        ms = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # more digits than the decimal context holds
        raise ValueError(f"duration is too long, got {text!r}") from None
    if ms <= 0:
        raise ValueError(f"duration must be longer than 0 ms, got {text!r}")
    return ms


def format_duration(duration_ms: float) -> str:
    """Format milliseconds as ``m:ss`` or ``h:mm:ss`` (seconds rounded half-up).

    Raises
    ------
    ValueError
        If the duration is negative or not finite.
    """
    if not math.isfinite(duration_ms) or duration_ms < 0:
        raise ValueError(f"duration_ms must be a finite number >= 0, got {duration_ms}")
    s = int(Decimal(str(duration_ms / 1000)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def format_quantity(n: int, noun: str, plural: str | None = None) -> str:
    """Format a whole count with its noun, singular for one: ``1 track``, ``2 tracks``, ``12,345 albums``.

    Examples
    --------
    >>> format_quantity(1, "track"), format_quantity(0, "album"), format_quantity(12_345, "row")
    ('1 track', '0 albums', '12,345 rows')
    >>> format_quantity(3, "bad row", "bad rows")
    '3 bad rows'
    """
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
