"""Per-megabyte prices, rounding rules, baskets and the royalty split.

Expected values are worked out by hand in the ids and comments; the exact
oracle for the vectorized path is integer arithmetic on the rate's fraction.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.model.encoding import encoding_menu, size_bytes
from simulator.model.pricing import (
    CostTerms,
    basket_total,
    cost_terms,
    pricing_terms,
    quote_track,
    revenue_split,
    track_price_cents,
    track_price_exact,
    track_price_usd,
)
from simulator.params.scenario import ScenarioError, make_scenario

MAX = 2**53


def terms_for(rate=0.03, discount=0.0, mb="decimal", rounding="per_track", overhead=0):
    s = make_scenario(
        overrides={
            "pricing.rate_usd_per_mb": rate,
            "pricing.discount_share": discount,
            "pricing.mb_convention": mb,
            "pricing.rounding": rounding,
            "encoding.tag_overhead_bytes": overhead,
        }
    )
    return pricing_terms(s)


def exact_cents(sizes, terms) -> list[int]:
    """Half-up cents with Python integers: floor(n * P / Q + 1/2) = (2 n P + Q) // 2Q."""
    k = terms.usd_per_byte * 100
    p, q = k.numerator, k.denominator
    return [(2 * int(n) * p + q) // (2 * q) for n in sizes]


# --------------------------------------------------------------------------- hand-computed quotes

# (duration_ms, encoding, overrides, size_bytes, size_mb, price_usd)
QUOTES = [
    pytest.param(240_000, "mp3-128", {}, 3_840_000, 3.84, "0.12", id="mp3-128-4:00-3.84MB-0.1152->0.12"),
    pytest.param(240_000, "mp3-192", {}, 5_760_000, 5.76, "0.17", id="mp3-192-4:00-5.76MB-0.1728->0.17"),
    pytest.param(240_000, "mp3-320", {}, 9_600_000, 9.6, "0.29", id="mp3-320-4:00-0.288->0.29"),
    pytest.param(240_000, "aac-256", {}, 7_680_000, 7.68, "0.23", id="aac-256-4:00-0.2304->0.23"),
    pytest.param(240_000, "wav", {}, 42_336_000, 42.336, "1.27", id="wav-1411.2k-4:00-1.27008->1.27"),
    pytest.param(240_000, "flac", {}, 23_115_456, 23.115456, "0.69", id="flac-770.5152k-4:00-0.69346368->0.69"),
    pytest.param(3_000_000, "mp3-192", {}, 72_000_000, 72.0, "2.16", id="50min-album-192k-72MB->2.16"),
    pytest.param(
        240_000, "mp3-192", {"pricing.rate_usd_per_mb": 0.02}, 5_760_000, 5.76, "0.12", id="2c/MB-0.1152->0.12"
    ),
    pytest.param(
        240_000, "mp3-192", {"pricing.rate_usd_per_mb": 0.01}, 5_760_000, 5.76, "0.06", id="1c/MB-0.0576->0.06"
    ),
    pytest.param(
        3_000_000, "mp3-192", {"pricing.rate_usd_per_mb": 0.02}, 72_000_000, 72.0, "1.44", id="album-2c/MB->1.44"
    ),
    pytest.param(
        240_000,
        "mp3-192",
        {"pricing.mb_convention": "binary"},
        5_760_000,
        5.4931640625,
        "0.16",
        id="binary-5.4931640625MiB-0.164794921875->0.16",
    ),
    pytest.param(
        240_000,
        "mp3-128",
        {"pricing.mb_convention": "binary"},
        3_840_000,
        3.662109375,
        "0.11",
        id="binary-3.662109375MiB-0.10986328125->0.11",
    ),
    pytest.param(
        240_000,
        "mp3-192",
        {"pricing.discount_share": 0.33},
        5_760_000,
        5.76,
        "0.12",
        id="discount-0.33-0.115776->0.12",
    ),
    pytest.param(
        240_000,
        "mp3-128",
        {"encoding.tag_overhead_bytes": 200_000},
        4_040_000,
        4.04,
        "0.12",
        id="tags-200kB-128k-0.1212->0.12",
    ),
    pytest.param(
        240_000,
        "mp3-192",
        {"encoding.tag_overhead_bytes": 200_000},
        5_960_000,
        5.96,
        "0.18",
        id="tags-200kB-192k-0.1788->0.18",
    ),
    pytest.param(
        240_000,
        "mp3-192",
        {"pricing.rounding": "unrounded"},
        5_760_000,
        5.76,
        "0.1728",
        id="unrounded-0.1728",
    ),
]


@pytest.mark.parametrize("duration_ms, encoding, overrides, nbytes, mb, price", QUOTES)
def test_quote_track_hand_values(duration_ms, encoding, overrides, nbytes, mb, price):
    q = quote_track(duration_ms, encoding, make_scenario(overrides=overrides))
    assert q.size_bytes == nbytes
    assert q.size_mb == pytest.approx(mb, rel=1e-15)
    assert q.price_usd == Decimal(price)
    assert q.split.price_usd == Decimal(price)
    assert q.mb_unit == ("MiB" if overrides.get("pricing.mb_convention") == "binary" else "MB")


def test_track_price_exact_hand_values():
    assert track_price_exact(3_840_000, pricing_terms(make_scenario())) == Fraction(1152, 10_000)
    assert track_price_exact(5_760_000, pricing_terms(make_scenario())) == Fraction(1728, 10_000)
    assert track_price_exact(5_760_000, terms_for(mb="binary")) == Fraction(5_760_000 * 3, 100 * 2**20)


def test_one_third_off_three_cents_is_two_cents():
    # A discount of exactly one third (not representable as a decimal input,
    # so built directly) turns 3 c/MB into 2 c/MB.
    third = replace(pricing_terms(make_scenario()), discount_share=Fraction(1, 3))
    two = terms_for(rate=0.02)
    assert third.usd_per_byte == two.usd_per_byte == Fraction(2, 10**8)
    assert track_price_usd(5_760_000, third) == Decimal("0.12")  # 0.1152
    assert track_price_exact(72_000_000, third) == Fraction(144, 100)  # the 50-minute album: $1.44


def test_rates_of_the_timeline_price_the_same_track():
    # 192 kbps x 4:00 across the dated rates: 1, 2 and 3 c/MB.
    prices = [track_price_usd(5_760_000, terms_for(rate=r)) for r in (0.01, 0.02, 0.03)]
    assert prices == [Decimal("0.06"), Decimal("0.12"), Decimal("0.17")]


def test_track_price_usd_under_each_rule():
    assert track_price_usd(3_840_000, terms_for(rounding="per_track")) == Decimal("0.12")
    assert track_price_usd(3_840_000, terms_for(rounding="per_basket")) == Decimal("0.1152")
    assert track_price_usd(3_840_000, terms_for(rounding="unrounded")) == Decimal("0.1152")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rate_usd_per_mb": 5.0}, "pricing.rate_usd_per_mb"),
        ({"rate_usd_per_mb": 0.0}, "pricing.rate_usd_per_mb"),
        ({"mb_convention": "octal"}, "pricing.mb_convention"),
        ({"rounding": "banker"}, "pricing.rounding"),
    ],
    ids=["rate-too-high", "rate-zero", "bad-convention", "bad-rounding"],
)
def test_pricing_terms_validates_overrides(kwargs, match):
    with pytest.raises(ScenarioError, match=match):
        pricing_terms(make_scenario(), **kwargs)


def test_pricing_terms_fields():
    t = pricing_terms(make_scenario(), rate_usd_per_mb=0.02, mb_convention="binary", rounding="unrounded")
    assert (t.rate_usd_per_mb, t.discount_share, t.bytes_per_mb) == (Fraction(1, 50), 0, 2**20)
    assert (t.mb_unit, t.rounding, t.overhead_bytes) == ("MiB", "unrounded", 0)
    assert t.usd_per_byte == Fraction(1, 50 * 2**20)


# --------------------------------------------------------------------------- float traps


def test_float_arithmetic_misses_ties_that_the_exact_path_gets():
    # At 3 c/MB a price is a half cent exactly when size = 500,000 x odd.
    sizes = 500_000 * (2 * np.arange(200_000, dtype=np.int64) + 1)
    naive = sizes * 0.03 / 1e6 * 100  # what float code would compute, in cents
    below = sizes[naive - np.floor(naive) < 0.5]  # x.4999999...: float would round down
    above = sizes[naive - np.floor(naive) > 0.5]
    assert len(below) > 1000 and len(above) > 1000  # the trap is real
    got = track_price_cents(sizes, pricing_terms(make_scenario()))
    want = [(3 * int(n) * 2 + 10**6) // (2 * 10**6) for n in sizes]  # exactly x.5, rounded up
    assert got.tolist() == want
    assert np.all(got == np.floor(sizes * 3 / 10**6) + 1)  # every one of them rounded up
    n = int(below[0])
    assert track_price_usd(n, pricing_terms(make_scenario())) == Decimal(n * 3) / 10**8 + Decimal("0.005")


def test_near_ties_either_side_of_a_half_cent():
    # Rate 0.03 with 0.123456789 off: one cent costs P/Q bytes with Q = 10**15,
    # so a price can sit 10**-15 cent from a half cent, below float resolution.
    terms = terms_for(discount=0.123456789)
    k = terms.usd_per_byte * 100
    p, q = k.numerator, k.denominator
    assert q == 10**15
    inv = pow(p, -1, q)
    found = {"below": 0, "above": 0, "tie": 0}
    for delta, name in ((-1, "below"), (1, "above"), (0, "tie")):
        n0 = (q // 2 + delta) * inv % q  # n0 * P = q/2 + delta (mod q)
        sizes = n0 + q * np.arange(0, (MAX - n0) // q, dtype=np.int64)
        for n in sizes.tolist():
            frac = Fraction(n * p % q, q)
            assert frac == Fraction(1, 2) + Fraction(delta, q)
            found[name] += 1
        got = track_price_cents(sizes, terms).tolist()
        assert got == exact_cents(sizes, terms)
        want_up = delta >= 0
        assert got == [n * p // q + want_up for n in sizes.tolist()]
    assert all(v >= 1 for v in found.values())


# --------------------------------------------------------------------------- vectorized == exact


def _tie_sizes(terms, count, rng) -> np.ndarray:
    """Sizes whose exact price in cents is exactly x.5 (none exist if the denominator is odd)."""
    k = terms.usd_per_byte * 100
    p, q = k.numerator, k.denominator
    if q % 2:
        return np.empty(0, dtype=np.int64)
    n0 = (q // 2) * pow(p, -1, q) % q
    top = (MAX - 1 - n0) // q
    small = rng.integers(0, min(top, 60_000_000 // q + 1) + 1, size=count // 2)  # realistic sizes
    large = rng.integers(0, top + 1, size=count - count // 2)  # up to 2**53
    return n0 + q * np.concatenate([small, large]).astype(np.int64)


def _random_terms(rng):
    rate = round(float(rng.uniform(0.001, 0.30)), int(rng.integers(3, 7)))
    discount = round(float(rng.uniform(0.0, 0.34)), int(rng.integers(1, 5)))
    return terms_for(
        rate=max(rate, 0.001), discount=min(discount, 0.34), mb=str(rng.choice(["decimal", "binary"]))
    )


SAMPLE_TERMS = [
    pytest.param(dict(), id="3c-decimal"),
    pytest.param(dict(rate=0.02), id="2c-decimal"),
    pytest.param(dict(rate=0.01), id="1c-decimal"),
    pytest.param(dict(mb="binary"), id="3c-binary"),
    pytest.param(dict(discount=0.33), id="3c-0.33-off"),
    pytest.param(dict(rate=0.02, discount=0.25, mb="binary"), id="2c-0.25-off-binary"),
    pytest.param(dict(rate=0.001, discount=0.34), id="lowest-rate-most-off"),
    pytest.param(dict(rate=0.3), id="highest-rate"),
    *(pytest.param(seed, id=f"random-terms-{seed}") for seed in (1, 2, 3)),
]

SAMPLE_SIZE = 200_000


@pytest.mark.parametrize("spec", SAMPLE_TERMS)
def test_vectorized_equals_exact_on_a_large_sample(spec):
    rng = np.random.default_rng(20060813 + (spec if isinstance(spec, int) else len(str(spec))))
    terms = _random_terms(rng) if isinstance(spec, int) else terms_for(**spec)
    ties = _tie_sizes(terms, SAMPLE_SIZE // 4, rng)
    realistic = rng.integers(0, 60_000_000, size=SAMPLE_SIZE // 2)  # up to 20 min at 320k + tags
    anywhere = rng.integers(0, MAX, size=SAMPLE_SIZE - len(realistic) - len(ties))
    sizes = np.concatenate([realistic, anywhere, ties]).astype(np.int64)
    rng.shuffle(sizes)
    assert len(sizes) == SAMPLE_SIZE

    got = track_price_cents(sizes, terms)
    want = exact_cents(sizes.tolist(), terms)
    assert got.tolist() == want

    # The ties really are ties (exactly half a cent), and there are many of them.
    k = terms.usd_per_byte * 100
    n_ties = sum((2 * n * k.numerator) % (2 * k.denominator) == k.denominator for n in ties.tolist())
    assert n_ties == len(ties)
    if k.denominator % 2 == 0:
        assert n_ties == SAMPLE_SIZE // 4

    # And the scalar Decimal path agrees on a slice (it is slower).
    sub = np.concatenate([sizes[:1500], ties[:1500]])
    sub_cents = track_price_cents(sub, terms).tolist()
    assert [track_price_usd(int(n), terms) * 100 for n in sub] == [Decimal(c) for c in sub_cents]


@given(
    st.lists(st.integers(0, MAX - 1), min_size=1, max_size=40),
    st.decimals(min_value="0.001", max_value="0.3", places=4),
    st.decimals(min_value="0", max_value="0.34", places=3),
    st.sampled_from(["decimal", "binary"]),
)
def test_vectorized_equals_exact_property(sizes, rate, discount, mb):
    terms = terms_for(rate=float(rate), discount=float(discount), mb=mb)
    got = track_price_cents(sizes, terms).tolist()
    assert got == exact_cents(sizes, terms)
    assert [track_price_usd(n, terms) for n in sizes] == [Decimal(c) / 100 for c in got]


def test_track_price_cents_refuses_bad_sizes():
    with pytest.raises(ValueError, match="2\\*\\*53"):
        track_price_cents([MAX], pricing_terms(make_scenario()))
    with pytest.raises(ValueError, match="whole numbers"):
        track_price_cents([1.5], pricing_terms(make_scenario()))


# --------------------------------------------------------------------------- baskets


def test_basket_rounding_differs_by_a_cent():
    t = basket_total([3_840_000] * 3, pricing_terms(make_scenario()))  # 3 x 0.1152 = 0.3456
    assert (t.per_track_usd, t.per_basket_usd, t.unrounded_usd) == (
        Decimal("0.36"),
        Decimal("0.35"),
        Decimal("0.3456"),
    )
    assert (t.tracks, t.size_bytes) == (3, 11_520_000)
    assert t.under("per_track") - t.under("per_basket") == Decimal("0.01")


def test_fifty_minute_album_as_ten_tracks():
    # Ten 5:00 tracks at 192k: 7.2 MB each, 0.216 -> 0.22 a track.
    sizes = [size_bytes(300_000, 192)] * 10
    t = basket_total(sizes, pricing_terms(make_scenario()))
    assert sizes[0] == 7_200_000
    assert t.per_track_usd == Decimal("2.20")
    assert t.per_basket_usd == t.unrounded_usd == Decimal("2.16")


def test_unrounded_basket_is_exact():
    t = basket_total([1, 2, 3], pricing_terms(make_scenario()))  # 6 bytes at 3e-8 USD each
    assert t.unrounded_usd == Decimal("0.00000018")
    assert (t.per_track_usd, t.per_basket_usd) == (Decimal("0.00"), Decimal("0.00"))
    b = basket_total([5_760_000, 3_840_000], terms_for(mb="binary"))
    assert Fraction(b.unrounded_usd) == Fraction(9_600_000 * 3, 100 * 2**20)


@pytest.mark.parametrize(
    "sizes, match",
    [([3_840_000, 1.5], "whole numbers"), ([float("nan")], "whole numbers"), ([10**23], "2\\*\\*53"), ([MAX], "2\\*\\*53")],
    ids=["fraction", "nan", "10^23", "2^53"],
)
def test_basket_refuses_sizes_it_cannot_price_exactly(sizes, match):
    # These used to be cast to int64: 1.5 bytes became 1, 10**23 an OverflowError.
    with pytest.raises(ValueError, match=match):
        basket_total(sizes, pricing_terms(make_scenario()))


def test_basket_accepts_whole_floats_and_arrays():
    assert basket_total(np.array([3_840_000.0] * 3), pricing_terms(make_scenario())).per_basket_usd == Decimal("0.35")
    assert basket_total(np.array([[3_840_000], [3_840_000]]), pricing_terms(make_scenario())).tracks == 2


def test_empty_basket():
    t = basket_total([], pricing_terms(make_scenario()))
    assert (t.per_track_usd, t.per_basket_usd, t.unrounded_usd, t.tracks, t.size_bytes) == (0, 0, 0, 0, 0)


@given(
    st.lists(st.integers(0, 100_000_000), max_size=30),
    st.decimals(min_value="0.001", max_value="0.3", places=3),
)
def test_basket_rules_property(sizes, rate):
    terms = terms_for(rate=float(rate))
    t = basket_total(sizes, terms)
    exact = sum((track_price_exact(n, terms) for n in sizes), Fraction(0))
    assert Fraction(t.unrounded_usd) == exact
    assert t.per_track_usd == sum((track_price_usd(n, terms) for n in sizes), Decimal("0.00"))
    assert abs(Fraction(t.per_basket_usd) - exact) <= Fraction(1, 200)
    # Per-track rounding drifts at most half a cent per track from the exact sum.
    assert abs(Fraction(t.per_track_usd) - exact) <= Fraction(len(sizes), 200)


# --------------------------------------------------------------------------- the split


def costs(**kw) -> CostTerms:
    base = dict(
        roms_share=Fraction(15, 100),
        fair_share=Fraction(0),
        card_fee_share=Fraction(4, 100),
        bandwidth_usd_per_byte=Fraction(10, 100) / 10**9,
        royalty_base="gross",
    )
    base.update(kw)
    return CostTerms(**base)


# price 0.17 for 5,760,000 bytes: card 4% = 0.0068, bandwidth 5.76e6 x $0.10/GB = 0.000576.
SPLITS = [
    pytest.param(
        costs(),
        ("0.0255", "0", "0.0068", "0.000576", "0.137124"),
        id="gross-roms-15%=0.0255",
    ),
    pytest.param(
        costs(fair_share=Fraction(1, 4)),
        ("0.0255", "0.0425", "0.0068", "0.000576", "0.094624"),
        id="gross-with-fair-25%=0.0425",
    ),
    pytest.param(
        costs(royalty_base="profit"),  # base 0.17 - 0.0068 - 0.000576 = 0.162624
        ("0.0243936", "0", "0.0068", "0.000576", "0.1382304"),
        id="profit-base-0.162624",
    ),
    pytest.param(
        costs(royalty_base="profit", fair_share=Fraction(1, 4)),
        ("0.0243936", "0.040656", "0.0068", "0.000576", "0.0975744"),
        id="profit-with-fair",
    ),
]


@pytest.mark.parametrize("c, parts", SPLITS)
def test_revenue_split_hand_values(c, parts):
    sp = revenue_split(Decimal("0.17"), 5_760_000, c)
    got = (sp.roms_usd, sp.fair_usd, sp.card_fee_usd, sp.bandwidth_usd, sp.operator_usd)
    assert got == tuple(Decimal(p) for p in parts)
    assert sum(sp.as_dict().values()) == sp.price_usd == Decimal("0.17")


def test_profit_base_never_below_zero():
    # $0.01 for 10 MB at $2/GB: bandwidth 0.02 exceeds the price, so no royalty.
    sp = revenue_split(Decimal("0.01"), 10_000_000, costs(royalty_base="profit", bandwidth_usd_per_byte=Fraction(2, 10**9)))
    assert (sp.roms_usd, sp.fair_usd) == (0, 0)
    assert sp.operator_usd == Decimal("0.01") - Decimal("0.0004") - Decimal("0.02") == Decimal("-0.0104")


def test_cost_terms_from_scenario():
    c = cost_terms(make_scenario())
    assert (c.roms_share, c.fair_share, c.card_fee_share) == (Fraction(15, 100), 0, Fraction(4, 100))
    assert c.bandwidth_usd_per_byte == Fraction(1, 10**10)  # $0.10 per 10**9 bytes
    assert c.royalty_base == "gross"
    on = cost_terms(make_scenario(overrides={"royalties.fair_enabled": True}))
    assert on.fair_share == Fraction(1, 4)


def test_quote_split_with_fair_and_profit():
    s = make_scenario(overrides={"royalties.fair_enabled": True, "royalties.base": "profit"})
    q = quote_track(240_000, "mp3-192", s)
    assert (q.split.roms_usd, q.split.fair_usd, q.split.operator_usd) == (
        Decimal("0.0243936"),
        Decimal("0.040656"),
        Decimal("0.0975744"),
    )


# Shares are decimals, as a YAML file or a slider gives them.
shares = st.decimals(min_value="0", max_value="1", places=3).map(Fraction)


@given(
    price=st.decimals(min_value="0", max_value="100", places=4),
    nbytes=st.integers(0, 10**10),
    roms=shares,
    fair=shares,
    card=st.decimals(min_value="0", max_value="0.2", places=3).map(Fraction),
    bw=st.decimals(min_value="0", max_value="2", places=2),
    base=st.sampled_from(["gross", "profit"]),
)
def test_split_sums_exactly_to_the_price(price, nbytes, roms, fair, card, bw, base):
    c = costs(
        roms_share=roms,
        fair_share=fair,
        card_fee_share=card,
        bandwidth_usd_per_byte=Fraction(bw) / 10**9,
        royalty_base=base,
    )
    sp = revenue_split(price, nbytes, c)
    parts = [sp.roms_usd, sp.fair_usd, sp.card_fee_usd, sp.bandwidth_usd, sp.operator_usd]
    assert sum(parts, Decimal(0)) == sp.price_usd == price
    assert sum(map(Fraction, parts), Fraction(0)) == Fraction(price)
    assert sp.card_fee_usd == Fraction(card) * Fraction(price)
    royalty_base = Fraction(price) if base == "gross" else max(Fraction(price) * (1 - card) - Fraction(bw) * nbytes / 10**9, 0)
    assert Fraction(sp.roms_usd) == roms * royalty_base
    assert min(parts[:4]) >= 0


# --------------------------------------------------------------------------- monotonicity

MENU = sorted(encoding_menu(make_scenario()).values(), key=lambda e: e.bitrate_kbps)


@given(
    d1=st.integers(1, 3_600_000),
    extra=st.integers(0, 600_000),
    i=st.integers(0, len(MENU) - 1),
    j=st.integers(0, len(MENU) - 1),
    rule=st.sampled_from(["per_track", "per_basket", "unrounded"]),
    mb=st.sampled_from(["decimal", "binary"]),
    overhead=st.integers(0, 200_000),
)
def test_price_never_falls_when_longer_or_higher_bitrate(d1, extra, i, j, rule, mb, overhead):
    lo, hi = sorted((i, j))
    terms = terms_for(mb=mb, rounding=rule, overhead=overhead)
    s1 = size_bytes(d1, MENU[lo].bitrate_kbps, overhead)
    s2 = size_bytes(d1 + extra, MENU[hi].bitrate_kbps, overhead)
    assert s1 <= s2
    assert track_price_usd(s1, terms) <= track_price_usd(s2, terms)
    c1, c2 = track_price_cents([s1, s2], terms).tolist()
    assert c1 <= c2


def test_every_menu_encoding_prices_a_four_minute_track_in_order():
    prices = [quote_track(240_000, e.name, make_scenario()).price_usd for e in MENU]
    assert prices == sorted(prices)
    assert prices[0] == Decimal("0.06")  # mp3-64: 1.92 MB -> 0.0576
    assert prices[-1] == Decimal("1.27")  # wav


def test_vectorized_prices_are_non_decreasing_in_size():
    sizes = np.arange(0, 3_000_000, 7, dtype=np.int64)
    for terms in (pricing_terms(make_scenario()), terms_for(mb="binary", discount=0.33)):
        assert np.all(np.diff(track_price_cents(sizes, terms)) >= 0)
