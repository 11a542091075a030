"""The market year: customers x downloads x mean price, who was paid, and the gap to the reports.

Formulas
--------
For one year (sources of every input in ``assumptions.yaml``):

* mean size of a download ``S`` = sum over the quality mix of weight x mean size of
  the catalogue's tracks at that encoding (weights normalised to sum to 1) [bytes];
* mean price of a download ``p = S / bytes_per_mb x rate_usd_per_mb x (1 - discount_share)``
  [USD], the exact expected price (per-track rounding to the cent moves it by
  well under 0.1% on a real catalogue, see the tests);
* paying factor ``f = 1 - card_share x (1 - recovered_share)`` while the card
  freeze is in force, else 1;
* downloads ``D = customers x downloads_per_customer x f``; revenue ``R = D x p``;
* card fees ``= card_fee_share x R``; bandwidth ``= D x S x bandwidth_usd_per_gb / 10**9``;
* royalty base ``B = R`` (gross) or ``max(R - card - bandwidth, 0)`` (profit);
  ROMS ``= roms_share x B``; FAIR ``= fair_share x B`` when on; with
  ``rights.payment_model = itunes_wholesale`` labels get ``label_wholesale_usd x D``
  instead of the shares;
* operator margin = R - card - bandwidth - ROMS - FAIR - labels: a contribution margin (the model has no fixed costs).

:func:`market_arrays` evaluates these with numpy broadcasting (used by the
Monte Carlo); :func:`market_year` evaluates them for one scenario.

Examples
--------
>>> y = market_year(make_scenario())
>>> round(y.revenue_per_customer_usd, 2), y.mb_unit
(5.56, 'MB')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TypedDict

import numpy as np
import numpy.typing as npt

from simulator.model.catalogue import builtin_catalogue
from simulator.model.encoding import bytes_per_mb, encoding_menu, mb_unit, size_bytes
from simulator.params.groups import QUALITY_MIX_PREFIX
from simulator.params.scenario import Scenario, make_scenario

__all__ = [
    "DownloadProfile",
    "MarketArrayInputs",
    "MarketYear",
    "MIX_PREFIX",
    "quality_mix",
    "download_profile",
    "market_inputs",
    "market_arrays",
    "market_year",
    "reported_price_band_usd",
]

#: Dotted-name prefix of the quality-mix weights in assumptions.yaml.
MIX_PREFIX = QUALITY_MIX_PREFIX


def quality_mix(scenario: Scenario) -> dict[str, float]:
    """Return the quality mix as shares that sum to 1, by encoding name.

    The mix is never all zero: :func:`~simulator.params.scenario.make_scenario` refuses that.

    Examples
    --------
    >>> m = quality_mix(make_scenario())
    >>> round(sum(m.values()), 12), m["mp3-192"]
    (1.0, 0.4)
    """
    w = {k: float(v) for k, v in scenario.market.quality_mix.items()}
    total = sum(w.values())  # above 0: make_scenario refuses an all-zero mix
    return {k: v / total for k, v in w.items()}


@dataclass(frozen=True)
class DownloadProfile:
    """The average download under a quality mix and a catalogue.

    Attributes
    ----------
    mix : Mapping[str, float]
        Shares by encoding name, summing to 1.
    mean_size_bytes_by_encoding : Mapping[str, float]
        Mean file size of the catalogue's tracks at each encoding of the mix. [bytes]
    mean_size_bytes : float
        Mix-weighted mean size. [bytes]
    mean_duration_s : float
        Mean track length of the catalogue. [s]
    tracks : int
        Tracks in the catalogue the means run over.
    """

    mix: Mapping[str, float]
    mean_size_bytes_by_encoding: Mapping[str, float]
    mean_size_bytes: float
    mean_duration_s: float
    tracks: int


@lru_cache(maxsize=16)
def _builtin_durations(seed: int, albums: int, tpa: float, median_s: float, sigma: float) -> np.ndarray:
    s = make_scenario(
        overrides={
            "catalogue.seed": seed,
            "catalogue.albums": albums,
            "catalogue.tracks_per_album_mean": tpa,
            "catalogue.track_median_s": median_s,
            "catalogue.track_length_sigma": sigma,
        }
    )
    d = builtin_catalogue(s).tracks["duration_ms"].to_numpy(dtype=np.int64)
    d.setflags(write=False)
    return d


def catalogue_durations_ms(scenario: Scenario) -> np.ndarray:
    """Return the track lengths of the scenario's built-in catalogue (cached) [ms], shape (n,)."""
    return _builtin_durations(
        int(scenario.catalogue.seed),
        int(scenario.catalogue.albums),
        float(scenario.catalogue.tracks_per_album_mean),
        float(scenario.catalogue.track_median_s),
        float(scenario.catalogue.track_length_sigma),
    )


#: Mean sizes remembered per (catalogue, bitrate, overhead): a rate change needs none of them again.
_MEAN_SIZE_CACHE: dict[tuple, float] = {}
_MEAN_SIZE_CACHE_SIZE = 256


def _mean_size_bytes(d: np.ndarray, bitrate_kbps, overhead: int) -> float:
    """Return the mean exact file size of tracks ``d`` [ms] at one bitrate [bytes] (cached, bounded)."""
    key = (d.size, hash(d.tobytes()), str(bitrate_kbps), overhead)
    hit = _MEAN_SIZE_CACHE.get(key)
    if hit is None:
        hit = float(size_bytes(d, bitrate_kbps, overhead).sum(dtype=np.int64)) / d.size
        if len(_MEAN_SIZE_CACHE) >= _MEAN_SIZE_CACHE_SIZE:
            _MEAN_SIZE_CACHE.pop(next(iter(_MEAN_SIZE_CACHE)))
        _MEAN_SIZE_CACHE[key] = hit
    return hit


def download_profile(scenario: Scenario, durations_ms=None) -> DownloadProfile:
    """Mean size of a download over the quality mix and the catalogue's track lengths.

    Parameters
    ----------
    scenario : Scenario
    durations_ms : array_like of int, shape (n,), optional
        Track lengths to average over [ms]; default: the built-in catalogue.

    Returns
    -------
    DownloadProfile

    Raises
    ------
    ValueError
        If ``durations_ms`` is empty or holds anything but whole milliseconds above 0.
    """
    s = scenario
    if durations_ms is None:
        d = catalogue_durations_ms(s)
    else:
        raw = np.asarray(durations_ms)
        if raw.size and (raw.dtype.kind not in "iuf" or not np.all(np.isfinite(raw)) or np.any(raw != np.floor(raw))
                         or raw.min() <= 0):
            raise ValueError("durations_ms must be whole milliseconds above 0, got e.g. "
                             f"{raw.ravel()[0]!r}" if raw.size else "durations_ms is empty")
        d = raw.astype(np.int64)
    if d.size == 0:
        raise ValueError("durations_ms: need at least one track, got none")
    mix = quality_mix(s)
    menu = encoding_menu(s)
    overhead = int(s.encoding.tag_overhead_bytes)
    by_enc = {name: _mean_size_bytes(d, menu[name].bitrate_kbps, overhead) for name in mix}
    mean = float(sum(mix[n] * by_enc[n] for n in mix))
    return DownloadProfile(
        mix=MappingProxyType(mix),
        mean_size_bytes_by_encoding=MappingProxyType(by_enc),
        mean_size_bytes=mean,
        mean_duration_s=float(d.mean()) / int(s.assumptions.constants["ms_per_s"]),
        tracks=int(d.size),
    )


@dataclass(frozen=True)
class MarketYear:
    """One year of the store. Fields are floats, or arrays of one shape from :func:`market_arrays`.

    Attributes
    ----------
    customers : customer accounts
    paying_factor : share of demand that could still pay (1 without the card freeze)
    downloads_per_customer : [downloads/customer/year]
    downloads : [downloads/year]
    mean_size_mb : mean download size [``mb_unit``]
    mb_unit : "MB" or "MiB"
    mean_price_usd : mean price of a download [USD]
    revenue_usd : gross receipts [USD/year]
    card_fee_usd, bandwidth_usd, roms_usd, fair_usd, labels_usd : [USD/year]
    operator_margin_usd : the remainder, a contribution margin before fixed costs [USD/year]
    data_served_tb : [TB/year, 10**12 bytes]
    revenue_per_customer_usd : [USD/customer/year]
    reported_revenue_usd, reported_customers : the reported figures
    revenue_gap_usd, revenue_gap_pct : model minus reported [USD/year], [%]
    customers_gap, customers_gap_pct : model minus reported [customers], [%]
    """

    customers: float
    paying_factor: float
    downloads_per_customer: float
    downloads: float
    mean_size_mb: float
    mb_unit: str
    mean_price_usd: float
    revenue_usd: float
    card_fee_usd: float
    bandwidth_usd: float
    roms_usd: float
    fair_usd: float
    labels_usd: float
    operator_margin_usd: float
    data_served_tb: float
    revenue_per_customer_usd: float
    reported_revenue_usd: float
    reported_customers: float
    revenue_gap_usd: float
    revenue_gap_pct: float
    customers_gap: float
    customers_gap_pct: float

    def as_dict(self) -> dict:
        """Every field by name."""
        return asdict(self)


#: A number, or an array of numbers that broadcasts with the other inputs of :func:`market_arrays`.
FloatOrArray = float | npt.NDArray[np.float64]


class MarketArrayInputs(TypedDict):
    """Keyword arguments of :func:`market_arrays` (see its parameters for the units).

    :func:`market_inputs` gives plain numbers; callers may replace any of them with arrays that
    broadcast together (a grid of rates, Monte Carlo draws, one value per day).
    """

    customers: FloatOrArray
    downloads_per_customer: FloatOrArray
    rate_usd_per_mb: FloatOrArray
    discount_share: FloatOrArray
    mean_size_bytes: FloatOrArray
    bytes_per_mb: FloatOrArray
    card_fee_share: FloatOrArray
    bandwidth_usd_per_byte: FloatOrArray
    roms_share: FloatOrArray
    fair_share: FloatOrArray
    royalty_on_profit: bool
    wholesale_usd_per_download: FloatOrArray
    card_share: FloatOrArray
    recovered_share: FloatOrArray
    card_freeze: bool | npt.NDArray[np.bool_]
    reported_revenue_usd: FloatOrArray
    reported_customers: FloatOrArray
    bytes_per_tb: FloatOrArray
    mb_unit: str


def market_inputs(scenario: Scenario, profile: DownloadProfile | None = None) -> MarketArrayInputs:
    """Return the scenario's inputs to :func:`market_arrays`, as plain numbers.

    Parameters
    ----------
    scenario : Scenario
        The inputs.
    profile : DownloadProfile, optional
        A precomputed :func:`download_profile` (default: the scenario's built-in catalogue).

    Returns
    -------
    MarketArrayInputs
        Keyword arguments for :func:`market_arrays` (plus ``mb_unit``).
    """
    s = scenario
    prof = profile if profile is not None else download_profile(s)
    conv = s.pricing.mb_convention
    c = s.assumptions.constants
    wholesale = s.rights.payment_model == "itunes_wholesale"
    return {
        "customers": float(s.market.customers),
        "downloads_per_customer": float(s.market.downloads_per_customer),
        "rate_usd_per_mb": float(s.pricing.rate_usd_per_mb),
        "discount_share": float(s.pricing.discount_share),
        "mean_size_bytes": prof.mean_size_bytes,
        "bytes_per_mb": float(bytes_per_mb(conv, s)),
        "card_fee_share": float(s.costs.card_fee_share),
        "bandwidth_usd_per_byte": float(s.costs.bandwidth_usd_per_gb) / float(c["bytes_per_gb"]),
        "roms_share": 0.0 if wholesale else float(s.royalties.roms_share),
        "fair_share": float(s.royalties.fair_share) if (s.royalties.fair_enabled and not wholesale) else 0.0,
        "royalty_on_profit": s.royalties.base == "profit",
        "wholesale_usd_per_download": float(s.comparison.label_wholesale_usd) if wholesale else 0.0,
        "card_share": float(s.payments.card_share),
        "recovered_share": float(s.payments.recovered_share),
        "card_freeze": bool(s.payments.card_freeze_active),
        "reported_revenue_usd": float(s.market.reported_revenue_usd),
        "reported_customers": float(s.market.reported_customers),
        "bytes_per_tb": float(c["bytes_per_gb"]) * 1000.0,
        "mb_unit": mb_unit(conv),
    }


def market_arrays(
    *,
    customers: FloatOrArray,
    downloads_per_customer: FloatOrArray,
    rate_usd_per_mb: FloatOrArray,
    discount_share: FloatOrArray,
    mean_size_bytes: FloatOrArray,
    bytes_per_mb: FloatOrArray,
    card_fee_share: FloatOrArray,
    bandwidth_usd_per_byte: FloatOrArray,
    roms_share: FloatOrArray,
    fair_share: FloatOrArray,
    royalty_on_profit: bool,
    wholesale_usd_per_download: FloatOrArray,
    card_share: FloatOrArray,
    recovered_share: FloatOrArray,
    card_freeze: bool | npt.NDArray[np.bool_],
    reported_revenue_usd: FloatOrArray,
    reported_customers: FloatOrArray,
    bytes_per_tb: FloatOrArray,
    mb_unit: str = "MB",
) -> MarketYear:
    """Evaluate the market year for numbers or broadcastable arrays (see module formulas).

    Parameters
    ----------
    customers : float or ndarray [customers]
    downloads_per_customer : float or ndarray [downloads/customer/year]
    rate_usd_per_mb : [USD/MB]
    discount_share : [0-1]
    mean_size_bytes : [bytes]
    bytes_per_mb : [bytes]
    card_fee_share, roms_share, fair_share : [0-1]
    bandwidth_usd_per_byte : [USD/byte]
    royalty_on_profit : bool
    wholesale_usd_per_download : [USD/download] (0 under the share model)
    card_share, recovered_share : [0-1]
    card_freeze : bool or ndarray of bool
    reported_revenue_usd : [USD/year]
    reported_customers : [customers]
    bytes_per_tb : [bytes]
    mb_unit : str

    Returns
    -------
    MarketYear
        Each numeric field has the broadcast shape of the inputs.
    """
    paying = np.where(card_freeze, 1.0 - np.multiply(card_share, np.subtract(1.0, recovered_share)), 1.0)
    downloads = np.multiply(np.multiply(customers, downloads_per_customer), paying)
    price = np.divide(mean_size_bytes, bytes_per_mb) * np.multiply(rate_usd_per_mb, np.subtract(1.0, discount_share))
    revenue = downloads * price
    card = np.multiply(card_fee_share, revenue)
    bandwidth = downloads * np.multiply(mean_size_bytes, bandwidth_usd_per_byte)
    base = np.where(royalty_on_profit, np.maximum(revenue - card - bandwidth, 0.0), revenue)
    roms = np.multiply(roms_share, base)
    fair = np.multiply(fair_share, base)
    labels = downloads * np.asarray(wholesale_usd_per_download, dtype=float)
    margin = revenue - card - bandwidth - roms - fair - labels
    with np.errstate(divide="ignore", invalid="ignore"):
        per_customer = np.where(np.asarray(customers) > 0, revenue / np.asarray(customers, dtype=float), 0.0)
    rev_gap = revenue - np.asarray(reported_revenue_usd, dtype=float)
    cust_gap = np.asarray(customers, dtype=float) - np.asarray(reported_customers, dtype=float)

    def out(x):
        x = np.asarray(x, dtype=float)
        return float(x) if x.ndim == 0 else x

    return MarketYear(
        customers=out(customers),
        paying_factor=out(paying),
        downloads_per_customer=out(downloads_per_customer),
        downloads=out(downloads),
        mean_size_mb=out(np.divide(mean_size_bytes, bytes_per_mb)),
        mb_unit=mb_unit,
        mean_price_usd=out(price),
        revenue_usd=out(revenue),
        card_fee_usd=out(card),
        bandwidth_usd=out(bandwidth),
        roms_usd=out(roms),
        fair_usd=out(fair),
        labels_usd=out(labels),
        operator_margin_usd=out(margin),
        data_served_tb=out(downloads * np.divide(mean_size_bytes, bytes_per_tb)),
        revenue_per_customer_usd=out(per_customer),
        reported_revenue_usd=out(reported_revenue_usd),
        reported_customers=out(reported_customers),
        revenue_gap_usd=out(rev_gap),
        revenue_gap_pct=out(100.0 * rev_gap / np.asarray(reported_revenue_usd, dtype=float)),
        customers_gap=out(cust_gap),
        customers_gap_pct=out(100.0 * cust_gap / np.asarray(reported_customers, dtype=float)),
    )


def reported_price_band_usd(scenario: Scenario) -> tuple[float, float]:
    """Return the price per track the press reported for the store, as (low, high) [USD].

    Low is never above high: :func:`~simulator.params.scenario.make_scenario` refuses that.

    Examples
    --------
    >>> reported_price_band_usd(make_scenario())
    (0.1, 0.2)
    """
    return scenario.market.reported_track_price_low_usd, scenario.market.reported_track_price_high_usd


def market_year(scenario: Scenario, *, profile: DownloadProfile | None = None) -> MarketYear:
    """Return the market year of one scenario.

    Parameters
    ----------
    scenario : Scenario
        The inputs (built by the caller: the command line, the app or a test).
    profile : DownloadProfile, optional
        A precomputed :func:`download_profile` (e.g. of an uploaded catalogue).

    Returns
    -------
    MarketYear

    Examples
    --------
    >>> y = market_year(make_scenario())
    >>> abs(y.roms_usd - 0.15 * y.revenue_usd) < 1e-6
    True
    """
    s = scenario
    reported_price_band_usd(s)  # the headline and the price chart compare with it
    kw = market_inputs(s, profile)
    return market_arrays(**kw)
