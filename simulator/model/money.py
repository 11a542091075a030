"""Exact money arithmetic: decimals from inputs, half-up rounding, and a fast exact vectorized path.

Rules (stated once, used everywhere)
------------------------------------
* Inputs given as binary floats (YAML, sliders, the command line) are read as
  the shortest decimal that prints the same (``0.03`` is 3/100, not the binary
  double nearest to it). See :func:`to_fraction`.
* A rounded amount is rounded **half-up to the cent**: 0.125 -> 0.13,
  1.005 -> 1.01, 2.675 -> 2.68. Rounded amounts are integers of cents in arrays
  and :class:`decimal.Decimal` with two places in scalars, never floats.
* The vectorized path (:func:`floor_scaled`) computes ``floor(n * k + c)`` for
  an integer array ``n`` and exact rationals ``k``, ``c`` from a float64
  estimate. For prices (sizes of 0 or more, a rate with few digits) the
  estimate is nudged up by half the spacing of the exact values, which is
  provably more than its error, so its floor is exact (two passes over the
  data, see :func:`floor_scaled`). Otherwise every element whose estimate lies
  within the float error bound of an integer is recomputed exactly with Python
  integers. Either way it agrees exactly with the scalar
  :class:`fractions.Fraction` path.

Examples
--------
>>> round_half_up_cents(Decimal("1.005"))
Decimal('1.01')
>>> to_fraction(0.03)
Fraction(3, 100)
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Literal

import numpy as np

__all__ = [
    "to_fraction",
    "fraction_to_decimal",
    "round_half_up_cents",
    "floor_scaled",
    "round_half_up_scaled",
    "ceil_scaled",
    "cents_to_decimal",
    "CENT",
]

#: One cent, the quantum of a rounded amount. [USD]
CENT = Decimal("0.01")

# Float error bound of the estimate n*k + c, relative to its magnitude: a few
# ulps for the two roundings of a multiply and an add, with a wide margin.
_REL_TOL = 2.0**-44
_ABS_TOL = 2.0**-30
# Largest |n| whose float64 conversion is exact.
_MAX_EXACT_INT = 2**53
# Results must fit int64 with room to spare.
_MAX_RESULT = 2.0**62
# Elements processed per block: keeps temporaries in cache.
_BLOCK = 1 << 16
# Bound of the grid path (see floor_scaled): (max n * |k| + |c| + 1) * d must stay below this, so
# that the estimate's error, under 2**-50 of its size, is under a quarter of the spacing 1/d.
_GRID_LIMIT = 2**48
# Largest n of the grid path: below 2**52, every n and its float64 conversion are exact with room to spare.
_GRID_MAX_N = 2**52


def to_fraction(x) -> Fraction:
    """Return the exact rational an input number stands for.

    Parameters
    ----------
    x : int, float, str, Decimal or Fraction
        A float is read as its shortest round-tripping decimal (``repr``).

    Returns
    -------
    fractions.Fraction

    Raises
    ------
    ValueError
        If ``x`` is NaN, infinite or not a number.

    Examples
    --------
    >>> to_fraction(2.675)
    Fraction(107, 40)
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise ValueError(f"expected a number, got {x!r}")
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):  # Fraction() would raise OverflowError for infinity
            raise ValueError(f"expected a finite number, got {x!r}")
        return Fraction(Decimal(repr(float(x))))
    if isinstance(x, (Decimal, str)):
        try:
            d = Decimal(x)
        except ArithmeticError:
            raise ValueError(f"expected a number, got {x!r}") from None
        if not d.is_finite():
            raise ValueError(f"expected a finite number, got {x!r}")
        return Fraction(d)
    raise ValueError(f"expected a number, got {x!r}")


def fraction_to_decimal(f: Fraction) -> Decimal:
    """Convert a rational whose denominator has only factors 2 and 5 to an exact Decimal.

    Every amount in this model has such a denominator (decimal inputs, and
    ``2**20`` for a MiB), so the conversion is exact.

    Raises
    ------
    ValueError
        If ``f`` has no finite decimal expansion.
    """
    d = f.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        raise ValueError(f"{f} has no finite decimal expansion")
    places = max(twos, fives)
    scaled = f * 10**places
    with localcontext() as ctx:
        ctx.prec = max(28, len(str(scaled.numerator)) + 2)
        return Decimal(scaled.numerator).scaleb(-places)


def round_half_up_cents(amount: Decimal | Fraction) -> Decimal:
    """Round an exact amount half-up to the cent.

    Parameters
    ----------
    amount : Decimal or Fraction
        [USD]

    Returns
    -------
    Decimal
        With exactly two decimal places. [USD]

    Notes
    -----
    A half cent always rounds up, toward +infinity, as in
    :func:`round_half_up_scaled`: -0.125 -> -0.12.

    Examples
    --------
    >>> [str(round_half_up_cents(Decimal(s))) for s in ("0.125", "2.675", "19.99", "0.004999")]
    ['0.13', '2.68', '19.99', '0.00']
    """
    # One rule for every type and sign, the vectorized one: floor(100 x + 1/2).
    # (Decimal's ROUND_HALF_UP rounds -0.125 away from zero, to -0.13.)
    f = amount if isinstance(amount, Fraction) else Fraction(amount)
    cents = (2 * f.numerator * 100 + f.denominator) // (2 * f.denominator)
    return cents_to_decimal(cents)


def cents_to_decimal(cents: int) -> Decimal:
    """Return ``cents`` / 100 as a two-place Decimal [USD]."""
    return Decimal(int(cents)).scaleb(-2).quantize(CENT)


def _as_int64(n) -> np.ndarray:
    """Flatten ``n`` to int64, refusing non-whole numbers and magnitudes of 2**53 or more."""
    a = np.asarray(n)
    if a.dtype.kind == "f" and a.size and not (np.all(np.isfinite(a)) and np.all(a == np.floor(a))):
        raise ValueError("expected whole numbers (no NaN, infinity or fractions)")
    if a.dtype.kind == "O" and a.size and all(isinstance(v, int) and not isinstance(v, bool) for v in a.flat):
        big = max(abs(v) for v in a.flat)  # Python ints too large for int64 make an object array
    elif a.dtype.kind not in "fiub":
        raise ValueError(f"expected an integer array, got dtype {a.dtype}")
    else:  # check before converting: uint64 and huge floats would wrap
        big = max(abs(int(a.max())), abs(int(a.min()))) if a.size else 0
    if big >= _MAX_EXACT_INT:
        raise ValueError(f"values must be smaller than 2**53 in magnitude, got {big}")
    return a.astype(np.int64, copy=False).ravel()


def floor_scaled(n, k: Fraction, c: Fraction = Fraction(0)) -> np.ndarray:
    """Exact ``floor(n * k + c)`` for an integer array ``n`` and rationals ``k``, ``c``.

    Parameters
    ----------
    n : array_like of int, shape (m,)
        Integers with ``|n| < 2**53``.
    k, c : Fraction
        Exact scale and offset.

    Returns
    -------
    ndarray of int64, shape (m,)

    Raises
    ------
    ValueError
        If ``n`` is not integer-valued or too large for an exact float64, or
        the result might not fit an int64 (``|n * k| + |c| >= 2**62``).

    Notes
    -----
    Every exact value ``n * k + c`` is a multiple of ``1/d``, ``d = q_k q_c`` (the product
    of the denominators). When every ``n`` is 0 or more, ``k`` and ``c`` are too, and
    ``(max n * k + c + 1) * d < 2**48`` (prices: ``d`` is a few million), the estimate
    ``n * float(k) + float(c + 1/(2 d))`` is within ``1/(4 d)`` of ``n * k + c + 1/(2 d)``,
    which lies at least ``1/(2 d)`` from the integers on either side of it: truncating the
    estimate to an integer gives the exact floor. That is one multiply and one add per
    element, checked by one maximum (the *grid path*).

    Otherwise the estimate ``x = n * float(k) + float(c)`` is within
    ``|x| * 2**-44 + 2**-30`` of the true value. Where it lies farther than
    that from an integer, ``floor(x)`` is the exact floor; the remaining
    elements (ties and near-ties, rare in real data) are recomputed with
    Python integers as ``(n * p_k * q_c + p_c * q_k) // (q_k * q_c)``.

    Examples
    --------
    >>> floor_scaled([5, 7], Fraction(1, 2), Fraction(1, 2)).tolist()
    [3, 4]
    """
    grid = _floor_scaled_grid(n, k, c)
    if grid is not None:
        return grid
    a = _as_int64(n)
    out = np.empty(a.shape, dtype=np.int64)
    kf, cf = float(k), float(c)
    num = (k.numerator * c.denominator, c.numerator * k.denominator)
    den = k.denominator * c.denominator
    for start in range(0, a.size, _BLOCK):
        blk = a[start : start + _BLOCK]
        x = blk * kf
        # The error bound scales with |n * k| + |c|, not with |x|: the two
        # terms can cancel, leaving a small x with a large absolute error.
        bound = float(np.abs(x).max()) + abs(cf) if x.size else 0.0
        if bound >= _MAX_RESULT:
            raise ValueError(f"|n * k| + |c| must stay below 2**62, got about {bound:.3g}")
        tol = bound * _REL_TOL + _ABS_TOL
        x += cf
        f = np.floor(x)
        d = x - f
        near = np.flatnonzero((d < tol) | (d > 1.0 - tol))
        o = out[start : start + blk.size]
        o[:] = f
        for i in near.tolist():
            o[i] = (int(blk[i]) * num[0] + num[1]) // den
    return out


def _floor_scaled_grid(n, k: Fraction, c: Fraction) -> np.ndarray | None:
    """``floor(n * k + c)`` by the grid path of :func:`floor_scaled`, or None where it does not apply.

    It applies to an int64 array whose values are all from 0 to ``_GRID_MAX_N`` and small enough
    for the error bound, with ``k`` and ``c`` of 0 or more; None sends the caller to the general path.
    """
    a = np.asarray(n)
    if a.dtype != np.int64 or k < 0 or c < 0:
        return None
    a = a.ravel()
    den = k.denominator * c.denominator
    # Largest n for which (n * k + c + 1) * den < _GRID_LIMIT; a negative n reads as a uint64 above it.
    room = Fraction(_GRID_LIMIT, den) - c - 1
    if room <= 0:
        return None
    n_max = min(_GRID_MAX_N - 1, int(room / k) if k else _GRID_MAX_N - 1)
    kf = float(k)
    cf = float(c + Fraction(1, 2 * den))
    out = np.empty(a.shape, dtype=np.int64)
    estimate = np.empty(min(a.size, _BLOCK))
    for start in range(0, a.size, _BLOCK):
        blk = a[start : start + _BLOCK]
        if int(blk.view(np.uint64).max()) > n_max:  # also every negative n (two's complement)
            return None
        x = estimate[: blk.size]
        np.multiply(blk, kf, out=x)
        np.add(x, cf, out=out[start : start + blk.size], casting="unsafe")  # truncation = floor, x >= 0
    return out


def round_half_up_scaled(n, k: Fraction) -> np.ndarray:
    """Exact ``n * k`` rounded half-up to an integer, elementwise (see :func:`floor_scaled`)."""
    return floor_scaled(n, k, Fraction(1, 2))


def ceil_scaled(n, k: Fraction) -> np.ndarray:
    """Exact ``ceil(n * k)`` elementwise (see :func:`floor_scaled`).

    Examples
    --------
    >>> ceil_scaled([1, 2, 3], Fraction(1, 2)).tolist()
    [1, 1, 2]
    """
    # For a whole n, n * k is a multiple of 1/q (q: k's denominator), so its ceiling is the floor of
    # n * k + (q - 1)/q: one call of floor_scaled, on its grid path for sizes of 0 or more.
    if k >= 0:
        return floor_scaled(n, k, Fraction(k.denominator - 1, k.denominator))
    return -floor_scaled(-_as_int64(n), k)


RoundingRule = Literal["per_track", "per_basket", "unrounded"]
