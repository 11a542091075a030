"""Typed views of a scenario's inputs: one frozen dataclass per group of ``assumptions.yaml``.

``scenario.pricing.rate_usd_per_mb`` reads the same value as the dotted name
``pricing.rate_usd_per_mb``, but a typo is an ``AttributeError`` the type checker finds
before anything runs. The fields mirror the ``parameters`` of ``assumptions.yaml`` one for
one (``tests/test_groups.py`` holds them together); units are those of the file.
Generic code that walks every input (goal seek, the tornado, the user interface) keeps
using the dotted names.

Examples
--------
>>> from simulator.params.scenario import make_scenario
>>> s = make_scenario()
>>> s.pricing.rate_usd_per_mb
0.03
>>> s.market.quality_mix["flac"]
0.02
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

__all__ = [
    "GROUPS",
    "QUALITY_MIX_PREFIX",
    "group_inputs",
    "PricingInputs",
    "EncodingInputs",
    "RoyaltiesInputs",
    "CostsInputs",
    "CatalogueInputs",
    "ComparisonInputs",
    "MarketInputs",
    "PaymentsInputs",
    "DemandInputs",
    "RightsInputs",
    "CustomersInputs",
    "TimelineInputs",
    "ListenersInputs",
    "ChartsInputs",
    "UncertaintyInputs",
]

#: Dotted-name prefix of the quality-mix weights (one input per encoding).
QUALITY_MIX_PREFIX = "market.quality_mix."


@dataclass(frozen=True, slots=True)
class PricingInputs:
    """Inputs of the ``pricing`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    rate_usd_per_mb: float  # [USD/MB]
    discount_share: float  # [fraction]
    mb_convention: str
    rounding: str

@dataclass(frozen=True, slots=True)
class EncodingInputs:
    """Inputs of the ``encoding`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    default: str
    tag_overhead_bytes: int  # [bytes]
    flac_cd_fraction: float  # [fraction of CD audio]
    wav_cd_fraction: float  # [fraction of CD audio]

@dataclass(frozen=True, slots=True)
class RoyaltiesInputs:
    """Inputs of the ``royalties`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    roms_share: float  # [fraction]
    fair_share: float  # [fraction]
    fair_enabled: bool
    base: str

@dataclass(frozen=True, slots=True)
class CostsInputs:
    """Inputs of the ``costs`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    card_fee_share: float  # [fraction]
    bandwidth_usd_per_gb: float  # [USD/GB]

@dataclass(frozen=True, slots=True)
class CatalogueInputs:
    """Inputs of the ``catalogue`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    seed: int
    albums: int  # [albums]
    tracks_per_album_mean: float  # [tracks]
    track_median_s: float  # [s]
    track_length_sigma: float  # [ln(s)]
    max_rows: int  # [rows]
    max_file_mb: float  # [MB]
    max_xml_file_mb: float  # [MB]

@dataclass(frozen=True, slots=True)
class ComparisonInputs:
    """Inputs of the ``comparison`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    itunes_track_usd: float  # [USD/track]
    itunes_encoding: str
    itunes_plus_track_usd: float  # [USD/track]
    itunes_plus_encoding: str
    album_cap_usd: float  # [USD/album]
    label_wholesale_usd: float  # [USD/track]
    subscription_usd_per_month: float  # [USD/month]
    subscription_credits_per_month: int  # [downloads/month]

@dataclass(frozen=True, slots=True)
class MarketInputs:
    """Inputs of the ``market`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    quality_mix: Mapping[str, float]
    reported_customers: float  # [customers]
    reported_revenue_usd: float  # [USD/year]
    reported_track_price_low_usd: float  # [USD/track]
    reported_track_price_high_usd: float  # [USD/track]

@dataclass(frozen=True, slots=True)
class PaymentsInputs:
    """Inputs of the ``payments`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    card_share: float  # [fraction of revenue]
    recovered_share: float  # [fraction]
    mastercard_share: float  # [fraction of card revenue]
    card_freeze_active: bool

@dataclass(frozen=True, slots=True)
class DemandInputs:
    """Inputs of the ``demand`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    potential_buyers: float  # [people]
    awareness_midpoint_months: float  # [months after Jan 2004]
    awareness_spread_months: float  # [months]
    store_utility: float  # [utils]
    price_sensitivity_per_usd: float  # [utils/USD]
    itunes_utility: float  # [utils]
    quality_tilt: float
    p2p_utility: float  # [utils]
    nest_scale: float
    track_wants_per_month: float  # [tracks/person/month]
    mix_reference_rate_usd_per_mb: float  # [USD/MB]
    us_download_share: float  # [fraction of downloads]

@dataclass(frozen=True, slots=True)
class RightsInputs:
    """Inputs of the ``rights`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    payment_model: str
    us_songs_jun_oct_2006: float  # [songs]
    us_songs_first_day: str  # [date, YYYY-MM-DD]
    us_songs_last_day: str  # [date, YYYY-MM-DD]
    statutory_damages_usd_per_song: float  # [USD/song]

@dataclass(frozen=True, slots=True)
class CustomersInputs:
    """Inputs of the ``customers`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    downloads_sigma: float  # [ln(downloads)]
    clone_threshold_usd: float  # [USD/year]
    seed: int

@dataclass(frozen=True, slots=True)
class TimelineInputs:
    """Inputs of the ``timeline`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    year_end: str  # [month]

@dataclass(frozen=True, slots=True)
class ListenersInputs:
    """Inputs of the ``listeners`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    single_length_s: float  # [s]
    long_track_length_s: float  # [s]
    tracks_per_month: int  # [downloads/month]
    light_tracks_per_month: int  # [downloads/month]
    heavy_tracks_per_month: int  # [downloads/month]
    albums_per_month: int  # [albums/month]
    lossless_encoding: str

@dataclass(frozen=True, slots=True)
class ChartsInputs:
    """Inputs of the ``charts`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    rate_max_usd_per_mb: float  # [USD/MB]
    potential_buyers_max: float  # [people]
    track_length_max_s: float  # [s]
    grid_points: int  # [points]

@dataclass(frozen=True, slots=True)
class UncertaintyInputs:
    """Inputs of the ``uncertainty`` group (see ``assumptions.yaml`` for units, bounds and sources)."""

    seed: int
    draws: int  # [draws]


#: Every group, by its name in ``assumptions.yaml``.
GROUPS: Mapping[str, type] = MappingProxyType({
    "pricing": PricingInputs,
    "encoding": EncodingInputs,
    "royalties": RoyaltiesInputs,
    "costs": CostsInputs,
    "catalogue": CatalogueInputs,
    "comparison": ComparisonInputs,
    "market": MarketInputs,
    "payments": PaymentsInputs,
    "demand": DemandInputs,
    "rights": RightsInputs,
    "customers": CustomersInputs,
    "timeline": TimelineInputs,
    "listeners": ListenersInputs,
    "charts": ChartsInputs,
    "uncertainty": UncertaintyInputs,
})


def group_inputs(group: str, values: Mapping[str, Any]) -> Any:
    """Build one group's typed inputs from a scenario's values keyed by dotted name.

    Parameters
    ----------
    group : str
        A key of :data:`GROUPS`.
    values : Mapping[str, Any]
        Every input's value by dotted name (``Scenario.values``).

    Returns
    -------
    object
        An instance of ``GROUPS[group]``.

    Raises
    ------
    KeyError
        If ``group`` is not a group of the document or a field has no value.
    """
    kind = GROUPS[group]
    kwargs: dict[str, Any] = {}
    for f in fields(kind):
        if f.name == "quality_mix":
            kwargs[f.name] = MappingProxyType({k.removeprefix(QUALITY_MIX_PREFIX): v for k, v in values.items()
                                               if k.startswith(QUALITY_MIX_PREFIX)})
        else:
            kwargs[f.name] = values[f"{group}.{f.name}"]
    return kind(**kwargs)
