"""Per-megabyte pricing: what a track or a basket cost, and who got what of it.

Formula
-------
``price_usd = size_bytes / bytes_per_mb * rate_usd_per_mb * (1 - discount_share)``
(AllofMP3 sold "by the kilo": a download cost its size times a rate per MB;
sources in ``assumptions.yaml``: ``pricing.rate_usd_per_mb``, ``pricing.discount_share``).

Rounding rules (``pricing.rounding``)
-------------------------------------
``per_track``
    Each track's price rounded half-up to the cent; a basket costs the sum.
``per_basket``
    Exact track prices summed, the total rounded half-up to the cent once.
``unrounded``
    A prepaid balance drawn down exactly: no rounding at all.

All arithmetic on money is exact (see :mod:`simulator.model.money`).

Examples
--------
>>> terms = pricing_terms(make_scenario())
>>> track_price_usd(5_760_000, terms)   # 192 kbps x 4:00 at 3 c/MB
Decimal('0.17')
>>> track_price_cents([5_760_000, 3_840_000], terms).tolist()
[17, 12]
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from simulator.model.encoding import Encoding, bytes_per_mb, get_encoding, mb_unit, size_bytes, size_mb
from simulator.model.money import (
    fraction_to_decimal,
    round_half_up_cents,
    round_half_up_scaled,
    to_fraction,
)
from simulator.params.scenario import Scenario

__all__ = [
    "PricingTerms",
    "CostTerms",
    "RevenueSplit",
    "TrackQuote",
    "BasketTotal",
    "pricing_terms",
    "cost_terms",
    "track_price_exact",
    "track_price_usd",
    "track_price_cents",
    "basket_total",
    "revenue_split",
    "quote_track",
]


@dataclass(frozen=True)
class PricingTerms:
    """What one megabyte costs, and how prices are rounded.

    Attributes
    ----------
    rate_usd_per_mb : Fraction
        Base rate. [USD/MB or USD/MiB, per ``mb_convention``]
    discount_share : Fraction
        Fraction taken off the base rate. [0-1]
    mb_convention : {"decimal", "binary"}
    bytes_per_mb : int
        10**6 (decimal) or 2**20 (binary). [bytes]
    rounding : {"per_track", "per_basket", "unrounded"}
    overhead_bytes : int
        Tag bytes added to every file. [bytes]
    """

    rate_usd_per_mb: Fraction
    discount_share: Fraction
    mb_convention: str
    bytes_per_mb: int
    rounding: str
    overhead_bytes: int

    @property
    def usd_per_byte(self) -> Fraction:
        """Effective price of one byte after discount [USD/byte]."""
        return self.rate_usd_per_mb * (1 - self.discount_share) / self.bytes_per_mb

    @property
    def mb_unit(self) -> str:
        """``"MB"`` or ``"MiB"``."""
        return mb_unit(self.mb_convention)


@dataclass(frozen=True)
class CostTerms:
    """Who takes what share of a price.

    Attributes
    ----------
    roms_share, fair_share, card_fee_share : Fraction
        [0-1]; ``fair_share`` is 0 when FAIR is off.
    bandwidth_usd_per_byte : Fraction
        [USD/byte]
    royalty_base : {"gross", "profit"}
        gross: royalties are shares of the price; profit: shares of the price
        less card fee and bandwidth (never below zero).
    """

    roms_share: Fraction
    fair_share: Fraction
    card_fee_share: Fraction
    bandwidth_usd_per_byte: Fraction
    royalty_base: str


@dataclass(frozen=True)
class RevenueSplit:
    """Where one price went. The parts sum exactly to ``price_usd``.

    Attributes
    ----------
    price_usd, roms_usd, fair_usd, card_fee_usd, bandwidth_usd, operator_usd : Decimal
        Exact (unrounded) parts. [USD]. ``operator_usd`` is the remainder
        and may be negative when costs exceed the price.
    """

    price_usd: Decimal
    roms_usd: Decimal
    fair_usd: Decimal
    card_fee_usd: Decimal
    bandwidth_usd: Decimal
    operator_usd: Decimal

    def as_dict(self) -> dict[str, Decimal]:
        """Return the parts by name (``*_usd``)."""
        return {
            "roms_usd": self.roms_usd,
            "fair_usd": self.fair_usd,
            "card_fee_usd": self.card_fee_usd,
            "bandwidth_usd": self.bandwidth_usd,
            "operator_usd": self.operator_usd,
        }


def pricing_terms(
    scenario: Scenario,
    *,
    rate_usd_per_mb=None,
    mb_convention: str | None = None,
    rounding: str | None = None,
) -> PricingTerms:
    """Build :class:`PricingTerms` from a scenario, with optional direct overrides.

    Parameters
    ----------
    scenario : Scenario
        The inputs (built by the caller: the command line, the app or a test).
    rate_usd_per_mb : number, optional
        Overrides ``pricing.rate_usd_per_mb`` (checked against its bounds). [USD/MB]
    mb_convention : {"decimal", "binary"}, optional
    rounding : {"per_track", "per_basket", "unrounded"}, optional

    Raises
    ------
    ScenarioError
        If an override is out of bounds or not an allowed choice.
    """
    s = scenario
    extra = {
        k: v
        for k, v in {
            "pricing.rate_usd_per_mb": rate_usd_per_mb,
            "pricing.mb_convention": mb_convention,
            "pricing.rounding": rounding,
        }.items()
        if v is not None
    }
    if extra:
        s = s.with_overrides(extra)
    conv = s.pricing.mb_convention
    return PricingTerms(
        rate_usd_per_mb=to_fraction(s.pricing.rate_usd_per_mb),
        discount_share=to_fraction(s.pricing.discount_share),
        mb_convention=conv,
        bytes_per_mb=bytes_per_mb(conv, s),
        rounding=s.pricing.rounding,
        overhead_bytes=int(s.encoding.tag_overhead_bytes),
    )


def cost_terms(scenario: Scenario) -> CostTerms:
    """Build :class:`CostTerms` from a scenario (``royalties.*``, ``costs.*``)."""
    s = scenario
    return CostTerms(
        roms_share=to_fraction(s.royalties.roms_share),
        fair_share=to_fraction(s.royalties.fair_share) if s.royalties.fair_enabled else Fraction(0),
        card_fee_share=to_fraction(s.costs.card_fee_share),
        bandwidth_usd_per_byte=to_fraction(s.costs.bandwidth_usd_per_gb)
        / int(s.assumptions.constants["bytes_per_gb"]),
        royalty_base=s.royalties.base,
    )


def track_price_exact(size_bytes_: int, terms: PricingTerms) -> Fraction:
    """Return the exact, unrounded price of one file [USD].

    Examples
    --------
    >>> track_price_exact(3_840_000, pricing_terms(make_scenario()))
    Fraction(72, 625)
    """
    return int(size_bytes_) * terms.usd_per_byte


def track_price_usd(size_bytes_: int, terms: PricingTerms) -> Decimal:
    """Price of one file under the terms' rounding rule (scalar, exact).

    Parameters
    ----------
    size_bytes_ : int
        [bytes]
    terms : PricingTerms

    Returns
    -------
    Decimal
        Rounded half-up to the cent for ``per_track``; the exact amount for
        ``per_basket`` and ``unrounded`` (a lone track's basket rounding is
        done by :func:`basket_total`). [USD]

    Examples
    --------
    >>> track_price_usd(3_840_000, pricing_terms(make_scenario()))
    Decimal('0.12')
    >>> track_price_usd(3_840_000, pricing_terms(make_scenario(), rounding="unrounded"))
    Decimal('0.1152')
    """
    exact = track_price_exact(size_bytes_, terms)
    if terms.rounding == "per_track":
        return round_half_up_cents(exact)
    return fraction_to_decimal(exact)


def track_price_cents(size_bytes_, terms: PricingTerms) -> np.ndarray:
    """Vectorized per-track price, rounded half-up to the cent, as integer cents.

    Parameters
    ----------
    size_bytes_ : array_like of int, shape (n,)
        [bytes]
    terms : PricingTerms
        Only the rate, discount and MB convention are used; the result is
        always rounded per track.

    Returns
    -------
    ndarray of int64, shape (n,)
        [US cents]. Agrees exactly with :func:`track_price_usd` x 100.

    Raises
    ------
    ValueError
        If sizes are not whole numbers below 2**53.
    """
    return round_half_up_scaled(size_bytes_, terms.usd_per_byte * 100)


@dataclass(frozen=True)
class BasketTotal:
    """A basket's price under the three rounding rules.

    Attributes
    ----------
    per_track_usd : Decimal
        Sum of the prices each rounded half-up to the cent. [USD]
    per_basket_usd : Decimal
        The exact sum rounded half-up to the cent once. [USD]
    unrounded_usd : Decimal
        The exact sum. [USD]
    tracks : int
    size_bytes : int
        [bytes]
    """

    per_track_usd: Decimal
    per_basket_usd: Decimal
    unrounded_usd: Decimal
    tracks: int
    size_bytes: int

    def under(self, rounding: str) -> Decimal:
        """Return the total under a rounding rule name."""
        return {
            "per_track": self.per_track_usd,
            "per_basket": self.per_basket_usd,
            "unrounded": self.unrounded_usd,
        }[rounding]


def basket_total(size_bytes_, terms: PricingTerms) -> BasketTotal:
    """Price a basket (an album, an order) under every rounding rule.

    Parameters
    ----------
    size_bytes_ : array_like of int, shape (n,)
        [bytes]
    terms : PricingTerms

    Returns
    -------
    BasketTotal

    Examples
    --------
    >>> t = basket_total([3_840_000] * 3, pricing_terms(make_scenario()))   # 3 x 0.1152
    >>> t.per_track_usd, t.per_basket_usd, t.unrounded_usd
    (Decimal('0.36'), Decimal('0.35'), Decimal('0.3456'))
    """
    raw = np.asarray(size_bytes_)
    # Priced first: that refuses fractions, NaN and sizes of 2**53 or more
    # (a cast to int64 would silently truncate or overflow them).
    cents = int(track_price_cents(raw, terms).sum()) if raw.size else 0
    b = raw.astype(np.int64).ravel() if raw.size else np.empty(0, dtype=np.int64)
    total_bytes = int(b.sum(dtype=np.int64)) if b.size else 0
    exact = track_price_exact(total_bytes, terms)
    return BasketTotal(
        per_track_usd=round_half_up_cents(Fraction(cents, 100)),
        per_basket_usd=round_half_up_cents(exact),
        unrounded_usd=fraction_to_decimal(exact),
        tracks=int(b.size),
        size_bytes=total_bytes,
    )


def revenue_split(price_usd, size_bytes_: int, costs: CostTerms) -> RevenueSplit:
    """Split one price between ROMS, FAIR, card fees, bandwidth and the operator.

    Parameters
    ----------
    price_usd : Decimal, Fraction or number
        What the buyer paid. [USD]
    size_bytes_ : int
        Bytes served (drives the bandwidth cost). [bytes]
    costs : CostTerms

    Returns
    -------
    RevenueSplit
        Exact parts; ``operator_usd`` is the remainder, so the parts sum
        exactly to the price.

    Notes
    -----
    card = share x price; bandwidth = bytes x USD/GB / 10**9;
    royalty base = price (gross) or max(price - card - bandwidth, 0) (profit);
    ROMS = roms_share x base; FAIR = fair_share x base (0 when off).
    Sources: ``royalties.*`` and ``costs.*`` in assumptions.yaml.

    Examples
    --------
    >>> sp = revenue_split(Decimal("0.17"), 5_760_000, cost_terms(make_scenario()))
    >>> sp.roms_usd, sp.card_fee_usd, sp.bandwidth_usd, sp.operator_usd
    (Decimal('0.0255'), Decimal('0.0068'), Decimal('0.000576'), Decimal('0.137124'))
    """
    p = to_fraction(price_usd)
    card = costs.card_fee_share * p
    bandwidth = costs.bandwidth_usd_per_byte * int(size_bytes_)
    base = p if costs.royalty_base == "gross" else max(p - card - bandwidth, Fraction(0))
    roms = costs.roms_share * base
    fair = costs.fair_share * base
    operator = p - card - bandwidth - roms - fair
    d = fraction_to_decimal
    return RevenueSplit(d(p), d(roms), d(fair), d(card), d(bandwidth), d(operator))


@dataclass(frozen=True)
class TrackQuote:
    """Everything about pricing one track at one encoding.

    Attributes
    ----------
    encoding : Encoding
    duration_ms : int [ms]
    size_bytes : int [bytes]
    size_mb : float
        [``mb_unit``]
    mb_unit : str
        ``"MB"`` or ``"MiB"``.
    rate_usd_per_mb : Decimal [USD per ``mb_unit``]
    price_usd : Decimal
        Under the terms' rounding rule. [USD]
    split : RevenueSplit
    """

    encoding: Encoding
    duration_ms: int
    size_bytes: int
    size_mb: float
    mb_unit: str
    rate_usd_per_mb: Decimal
    price_usd: Decimal
    split: RevenueSplit


def quote_track(
    duration_ms: int,
    encoding: str | Encoding,
    scenario: Scenario,
    *,
    terms: PricingTerms | None = None,
    costs: CostTerms | None = None,
) -> TrackQuote:
    """Price one track end to end: size, price, split.

    Parameters
    ----------
    duration_ms : int
        [ms]
    encoding : str or Encoding
        A menu name such as ``"mp3-192"``.
    scenario : Scenario
    terms, costs : optional
        Override the scenario's pricing and cost terms.

    Returns
    -------
    TrackQuote

    Raises
    ------
    EncodingError
        For an unknown encoding name.
    ValueError
        For a negative or non-whole duration.

    Examples
    --------
    >>> q = quote_track(240_000, "mp3-128", make_scenario())
    >>> q.size_bytes, q.size_mb, q.price_usd, q.split.roms_usd
    (3840000, 3.84, Decimal('0.12'), Decimal('0.018'))
    """
    s = scenario
    enc = encoding if isinstance(encoding, Encoding) else get_encoding(encoding, s)
    t = terms if terms is not None else pricing_terms(s)
    c = costs if costs is not None else cost_terms(s)
    nbytes = size_bytes(int(duration_ms), enc.bitrate_kbps, t.overhead_bytes)
    price = track_price_usd(nbytes, t)
    return TrackQuote(
        encoding=enc,
        duration_ms=int(duration_ms),
        size_bytes=nbytes,
        size_mb=size_mb(nbytes, t.mb_convention, s),
        mb_unit=t.mb_unit,
        rate_usd_per_mb=fraction_to_decimal(t.rate_usd_per_mb),
        price_usd=price,
        split=revenue_split(price, nbytes, c),
    )
