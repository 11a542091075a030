"""Exact money: decimal inputs, half-up rounding, and the exact vectorized path.

Every expected value here is either written out by hand or computed with
Python integers / ``fractions.Fraction``, never with floats.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.money import (
    CENT,
    ceil_scaled,
    cents_to_decimal,
    floor_scaled,
    fraction_to_decimal,
    round_half_up_cents,
    round_half_up_scaled,
    to_fraction,
)

MAX = 2**53  # |n| must stay below this


def exact_floor(n: int, k: Fraction, c: Fraction = Fraction(0)) -> int:
    return (n * k + c).__floor__()


def exact_half_up(n: int, k: Fraction) -> int:
    return (n * k + Fraction(1, 2)).__floor__()


# --------------------------------------------------------------------------- to_fraction


@pytest.mark.parametrize(
    "x, expected",
    [
        pytest.param(0.03, Fraction(3, 100), id="float-0.03-is-3/100-not-the-double"),
        pytest.param(2.675, Fraction(2675, 1000), id="float-2.675"),
        pytest.param(1.005, Fraction(1005, 1000), id="float-1.005"),
        pytest.param(0.1, Fraction(1, 10), id="float-0.1"),
        pytest.param(1411.2, Fraction(14112, 10), id="float-cd-kbps"),
        pytest.param(7, Fraction(7), id="int"),
        pytest.param(np.int64(7), Fraction(7), id="numpy-int"),
        pytest.param(np.float64(0.02), Fraction(1, 50), id="numpy-float"),
        pytest.param("0.546", Fraction(546, 1000), id="str"),
        pytest.param(Decimal("19.99"), Fraction(1999, 100), id="decimal"),
        pytest.param(Fraction(1, 3), Fraction(1, 3), id="fraction-unchanged"),
        pytest.param(-0.125, Fraction(-1, 8), id="negative"),
    ],
)
def test_to_fraction_reads_the_decimal_written(x, expected):
    assert to_fraction(x) == expected


def test_to_fraction_differs_from_the_binary_double():
    # The double nearest 0.03 is not 3/100; reading it as written is the point.
    assert Fraction(0.03) != Fraction(3, 100)
    assert to_fraction(0.03) == Fraction(3, 100)


@pytest.mark.parametrize(
    "x",
    [float("nan"), float("inf"), -float("inf"), "nan", "Infinity", "sNaN", "abc", "", None, True, [1]],
    ids=["nan", "inf", "-inf", "str-nan", "str-inf", "snan", "junk", "empty", "none", "bool", "list"],
)
def test_to_fraction_refuses_non_numbers(x):
    with pytest.raises(ValueError, match="number"):
        to_fraction(x)


# --------------------------------------------------------------------------- decimals and cents


@pytest.mark.parametrize(
    "f, expected",
    [
        (Fraction(1, 8), "0.125"),
        (Fraction(72, 625), "0.1152"),
        (Fraction(3, 2**20), "0.00000286102294921875"),
        (Fraction(-1, 4), "-0.25"),
        (Fraction(5), "5"),
    ],
    ids=["eighth", "128k-price", "binary-MiB", "negative", "integer"],
)
def test_fraction_to_decimal_is_exact(f, expected):
    d = fraction_to_decimal(f)
    assert d == Decimal(expected)
    assert Fraction(d) == f


@pytest.mark.parametrize("f", [Fraction(1, 3), Fraction(2, 7), Fraction(1, 6)], ids=["third", "sevenths", "sixth"])
def test_fraction_to_decimal_refuses_repeating_decimals(f):
    with pytest.raises(ValueError, match="finite decimal"):
        fraction_to_decimal(f)


@pytest.mark.parametrize(
    "cents, expected",
    [(0, "0.00"), (17, "0.17"), (216, "2.16"), (-5, "-0.05"), (1999, "19.99")],
)
def test_cents_to_decimal(cents, expected):
    d = cents_to_decimal(cents)
    assert str(d) == expected
    assert d.as_tuple().exponent == -2


# The classic traps: binary floats and banker's rounding both get these wrong.
TRAPS = [
    ("0.125", "0.13"),
    ("1.005", "1.01"),
    ("2.675", "2.68"),
    ("19.99", "19.99"),
    ("0.005", "0.01"),
    ("0.015", "0.02"),
    ("0.0049999", "0.00"),
    ("0.1152", "0.12"),
    ("0.1728", "0.17"),
    ("1.27008", "1.27"),
]


@pytest.mark.parametrize("amount, expected", TRAPS, ids=[a for a, _ in TRAPS])
def test_round_half_up_cents_traps(amount, expected):
    want = Decimal(expected)
    assert round_half_up_cents(Decimal(amount)) == want
    assert round_half_up_cents(Fraction(amount)) == want
    assert round_half_up_cents(to_fraction(float(amount))) == want
    assert round_half_up_cents(Decimal(amount)).as_tuple().exponent == -2


def test_the_traps_are_traps_for_floats():
    # Why exact money matters: Python's float round() misses two of them.
    assert round(2.675, 2) == 2.67
    assert round(1.005, 2) == 1.0
    assert round(0.125, 2) == 0.12  # banker's rounding


@pytest.mark.parametrize(
    "amount, expected",
    [("-0.125", "-0.12"), ("-0.126", "-0.13"), ("-0.124", "-0.12"), ("-2.675", "-2.67")],
)
def test_negative_halves_round_toward_plus_infinity_for_every_type(amount, expected):
    # One rule for Decimal, Fraction and the vectorized path: floor(100 x + 1/2).
    assert round_half_up_cents(Decimal(amount)) == Decimal(expected)
    assert round_half_up_cents(Fraction(amount)) == Decimal(expected)
    cents = Fraction(amount) * 1000  # whole tenths of a cent
    assert round_half_up_scaled([int(cents)], Fraction(1, 10)).tolist() == [int(Decimal(expected) * 100)]


def test_cent_constant():
    assert CENT == Decimal("0.01")


# --------------------------------------------------------------------------- floor_scaled / ceil_scaled


@pytest.mark.parametrize(
    "n, k, c, expected",
    [
        ([5, 7], Fraction(1, 2), Fraction(1, 2), [3, 4]),
        ([0, 1, 2, 3], Fraction(1, 3), Fraction(0), [0, 0, 0, 1]),
        ([-1, -2, -3], Fraction(1, 2), Fraction(0), [-1, -1, -2]),
        ([3_840_000], Fraction(3, 10**6), Fraction(1, 2), [12]),
        ([500_000], Fraction(3, 10**6), Fraction(1, 2), [2]),  # 1.5 cents: a tie
        ([MAX - 1], Fraction(1), Fraction(0), [MAX - 1]),
        ([-(MAX - 1)], Fraction(1), Fraction(0), [-(MAX - 1)]),
        ([], Fraction(1, 3), Fraction(0), []),
    ],
    ids=["doc", "thirds", "negative", "128k-cents", "tie", "max", "min", "empty"],
)
def test_floor_scaled_hand_values(n, k, c, expected):
    out = floor_scaled(n, k, c)
    assert out.dtype == np.int64
    assert out.tolist() == expected


@pytest.mark.parametrize(
    "n, k, expected",
    [
        ([1, 2, 3], Fraction(1, 2), [1, 1, 2]),
        ([1], Fraction(14112, 80), [177]),  # 1 ms of CD audio: 176.4 bytes -> 177
        ([-3], Fraction(1, 2), [-1]),
        ([MAX - 1], Fraction(1, 2**52), [2]),
    ],
    ids=["doc", "cd-1ms", "negative", "near-2^53"],
)
def test_ceil_scaled_hand_values(n, k, expected):
    assert ceil_scaled(n, k).tolist() == expected


@pytest.mark.parametrize("fn", [floor_scaled, ceil_scaled], ids=["floor", "ceil"])
@pytest.mark.parametrize(
    "n, match",
    [
        ([MAX], "2\\*\\*53"),
        ([-MAX], "2\\*\\*53"),
        ([10**23], "2\\*\\*53"),
        (np.array([2**64 - 1], dtype=np.uint64), "2\\*\\*53"),
        ([1e300], "2\\*\\*53"),
        ([1.5], "whole numbers"),
        ([float("nan")], "whole numbers"),
        ([float("inf")], "whole numbers"),
        (["12"], "integer array"),
        (np.array([1, "a"], dtype=object), "integer array"),
    ],
    ids=["2^53", "-2^53", "10^23", "uint64-max", "1e300", "fraction", "nan", "inf", "text", "object"],
)
def test_scaled_refuses_inexact_inputs(fn, n, match):
    with pytest.raises(ValueError, match=match):
        fn(n, Fraction(1, 3))


@pytest.mark.parametrize(
    "n, k, c",
    [([MAX - 1], Fraction(1024), Fraction(0)), ([1], Fraction(1), Fraction(2**62)), ([-(MAX - 1)], Fraction(-(10**6)), Fraction(0))],
    ids=["product", "offset", "negative-k"],
)
def test_floor_scaled_refuses_results_too_large_for_int64(n, k, c):
    with pytest.raises(ValueError, match="2\\*\\*62"):
        floor_scaled(n, k, c)


def test_scaled_accepts_whole_floats_and_small_object_ints():
    assert floor_scaled([6.0, -6.0], Fraction(1, 4)).tolist() == [1, -2]
    assert ceil_scaled(np.array([6, 7], dtype=object), Fraction(1, 4)).tolist() == [2, 2]
    assert floor_scaled(np.array([2**53 - 1], dtype=np.uint64), Fraction(1)).tolist() == [2**53 - 1]


def test_floor_scaled_cancellation_regression():
    # n*k and c nearly cancel: the float estimate of a small result carries the
    # rounding error of the large terms. The old bound (from |x| alone) missed it.
    n, k = 4925982159619313, Fraction(49084, 173913)
    c = Fraction(-241786908322754351118089, 173913000)
    assert exact_floor(n, k, c) == 0
    assert floor_scaled([n], k, c).tolist() == [0]


def _random_fraction(rng, digits: int) -> Fraction:
    return Fraction(int(rng.integers(1, 10**digits)), int(rng.integers(1, 10**digits)))


def test_floor_scaled_matches_fraction_on_random_and_adversarial_inputs():
    rng = np.random.default_rng(20060813)
    checked = 0
    for trial in range(300):
        k = _random_fraction(rng, int(rng.integers(1, 13)))
        k = -k if trial % 7 == 0 else k
        size = int(rng.integers(12, 400))
        # |n| up to 2**53, with |n * k| kept below 2**60 so every result fits an int64.
        top = min(MAX, int(2**60 / max(abs(k), 1)))
        bound = int(rng.choice([min(10**3, top), min(10**9, top), top]))
        n = rng.integers(-bound + 1, bound, size=size, dtype=np.int64)
        # Adversarial: values at the edge, and offsets c that cancel n*k and
        # land just above, on, or just below an integer.
        n[:3] = [top - 1, -(top - 1), 0]
        # n * k near 10**12 ... 10**15: the ulp there is a fraction, so a
        # cancelling offset leaves a non-integer float error.
        n[8:12] = [min(int(10**e / abs(k)), top - 1) for e in (12, 13, 14, 15)]
        for c in (
            Fraction(0),
            Fraction(1, 2),
            _random_fraction(rng, 6),
            -int(n[5]) * k + Fraction(int(rng.integers(-3, 4)), 1),
            -int(n[6]) * k + Fraction(1, 10**12),
            -int(n[7]) * k - Fraction(1, 10**12),
            # Farther than a few ulps of the result, nearer than the error of the terms.
            -int(n[8]) * k + Fraction(1, 1000),
        ):
            got = floor_scaled(n, k, c).tolist()
            want = [exact_floor(int(v), k, c) for v in n]
            assert got == want, (k, c)
            checked += len(want)
        for i in range(8, 12):  # alone, so no larger neighbour widens the tolerance
            for c in (-int(n[i]) * k + Fraction(s, 1000) for s in (1, -1, 250, -250)):
                assert floor_scaled(n[i : i + 1], k, c).tolist() == [exact_floor(int(n[i]), k, c)], (n[i], k, c)
        got_c = ceil_scaled(n, k).tolist()
        assert got_c == [-exact_floor(-int(v), k) for v in n]
    assert checked > 100_000


def test_floor_scaled_crosses_block_boundaries():
    # More than one 65,536-element block, with ties in every block.
    k = Fraction(3, 10**6)
    n = np.arange(1, 300_001, dtype=np.int64) * 500_000  # 1.5, 3, 4.5 ... cents: every other one a tie
    got = round_half_up_scaled(n, k)
    want = [exact_half_up(int(v), k) for v in n]
    assert got.tolist() == want


# |n * k| + |c| stays below 2**62 (about 4.6e18), the largest result accepted.
KS = st.fractions(min_value=-400, max_value=400, max_denominator=10**12)


@given(
    st.lists(st.integers(-(MAX - 1), MAX - 1), max_size=50),
    KS,
    st.fractions(min_value=-(10**17), max_value=10**17, max_denominator=10**12),
)
def test_floor_scaled_property(n, k, c):
    assert floor_scaled(np.array(n, dtype=np.int64), k, c).tolist() == [exact_floor(v, k, c) for v in n]


@given(st.lists(st.integers(-(MAX - 1), MAX - 1), max_size=50), KS)
def test_ceil_and_half_up_property(n, k):
    arr = np.array(n, dtype=np.int64)
    assert ceil_scaled(arr, k).tolist() == [-exact_floor(-v, k) for v in n]
    assert round_half_up_scaled(arr, k).tolist() == [exact_half_up(v, k) for v in n]


@given(st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**9))
def test_round_half_up_cents_property(amount):
    r = round_half_up_cents(amount)
    # The nearest cent, halves up: |r - x| <= 1/2 cent, and a half goes up.
    diff = Fraction(r) - amount
    assert -Fraction(1, 200) < diff <= Fraction(1, 200)
    assert r.as_tuple().exponent == -2
    assert round_half_up_cents(fraction_to_decimal(Fraction(r))) == r


@given(
    st.integers(-(MAX - 1), MAX - 1),
    st.fractions(min_value=-200, max_value=200, max_denominator=10**12),  # 2 |n k| < 2**62
    st.fractions(min_value=-2, max_value=2, max_denominator=10**6),
)
def test_floor_scaled_property_when_terms_cancel(n, k, offset):
    c = -n * k + offset  # n * k + c is the small offset; the terms are large
    assert floor_scaled([n], k, c).tolist() == [exact_floor(n, k, c)]


# --------------------------------------------------------------------------- the grid path (prices)

PRICE_KS = [Fraction(3, 10**6), Fraction(3, 2**20), Fraction(201, 10**8), Fraction(123456789, 10**14),
            Fraction(1, 4), Fraction(0)]


@pytest.mark.parametrize("k", PRICE_KS, ids=str)
@pytest.mark.parametrize("c", [Fraction(0), Fraction(1, 2), Fraction(999_999, 10**6)], ids=str)
def test_grid_path_is_exact_on_ties_and_next_to_them(k, c):
    """Sizes whose exact price is a whole number of cents, and the sizes either side of them."""
    d = k.denominator * c.denominator
    ties = [m for m in range(0, 5 * d, max(1, d // 7)) if (m * k + c).denominator == 1][:200]
    n = sorted({max(0, t + e) for t in ties for e in (-1, 0, 1)} | {0, 1, 2**40, 48_000_000, 2**45 + 1})
    got = floor_scaled(np.array(n, dtype=np.int64), k, c)
    assert got.tolist() == [(v * k + c).__floor__() for v in n]


def test_grid_path_prices_a_real_catalogue_exactly():
    rng = np.random.default_rng(11)
    sizes = rng.integers(0, 48_000_000, size=200_000, dtype=np.int64)
    k = Fraction(3, 10**6) * 100 / 1  # 3 c/MB, in cents per byte
    got = round_half_up_scaled(sizes, k)
    want = [(2 * int(s) * k.numerator + k.denominator) // (2 * k.denominator) for s in sizes]
    assert got.tolist() == want


@given(st.lists(st.integers(0, 2**44), min_size=1, max_size=60),
       st.sampled_from([10**6, 2**20, 10**8, 10**9]), st.integers(1, 10**4), st.sampled_from([0, 1, 2]))
def test_grid_path_property(n, q, p, halves):
    k, c = Fraction(p, q), Fraction(halves, 4)
    got = floor_scaled(np.array(n, dtype=np.int64), k, c)
    assert got.tolist() == [(v * k + c).__floor__() for v in n]


@given(st.lists(st.integers(0, 2**50), min_size=1, max_size=60), st.sampled_from(PRICE_KS[:-1]))
def test_ceil_scaled_of_sizes_matches_fractions(n, k):
    assert ceil_scaled(np.array(n, dtype=np.int64), k).tolist() == [-((-v * k).__floor__()) for v in n]


def test_the_grid_path_leaves_negative_sizes_to_the_general_path():
    n = np.array([-7, 5, -(2**52)], dtype=np.int64)
    k, c = Fraction(3, 10**6), Fraction(1, 2)
    assert floor_scaled(n, k, c).tolist() == [(v * k + c).__floor__() for v in n.tolist()]


def test_prices_take_the_grid_path():
    """The fast path applies to prices (what bench_pricing times); others fall back, still exactly."""
    from simulator.model.money import _floor_scaled_grid

    sizes = np.array([0, 3_840_000, 48_000_000], dtype=np.int64)
    assert _floor_scaled_grid(sizes, Fraction(3, 10**6), Fraction(1, 2)).tolist() == [0, 12, 144]
    assert _floor_scaled_grid(-sizes, Fraction(3, 10**6), Fraction(1, 2)) is None
    assert _floor_scaled_grid(sizes, Fraction(1, 3 * 10**50), Fraction(1, 2)) is None  # 1/d too fine
