"""The market year: a 12-month window of the store model, who was paid, and the gap to the reports.

Formulas
--------
The year is the 12 calendar months before ``timeline.year_end`` (default: July 2006 to
June 2007, the year The Times' figures describe) of :mod:`simulator.model.store`, which
gives each period's downloads ``D``, receipts ``R`` and bytes served ``Bytes``. Over the
window (sources of every input in ``assumptions.yaml``):

* customers = accounts at the window's end; downloads ``D = sum D_t``; revenue ``R = sum R_t``;
* mean price of a download ``R / D`` [USD]; mean size ``Bytes / D / bytes_per_mb``;
* card fees ``= card_fee_share x R``; bandwidth ``= Bytes x bandwidth_usd_per_gb / 10**9``;
* royalty base ``B = R`` (gross) or ``max(R - card - bandwidth, 0)`` (profit);
  ROMS ``= roms_share x B``; FAIR ``= fair_share x B`` when on; with
  ``rights.payment_model = itunes_wholesale`` labels get ``label_wholesale_usd x D``
  instead of the shares;
* contribution margin (no fixed costs are modelled) = R - card - bandwidth - ROMS - FAIR - labels;
* elasticity: the own-price elasticity of the year's downloads with respect to
  ``pricing.rate_usd_per_mb``, ``sum_t D_t e_t [t on the scenario's rate] / D`` (exact: the
  downloads of a period depend on its own rate only);
* consumer surplus: the store's log-sum surplus over the window [USD].

:func:`year_from_run` evaluates these for arrays of model runs (the Monte Carlo, a grid of
rates); :func:`market_year` for one scenario.

Examples
--------
>>> y = market_year(make_scenario())
>>> y.mb_unit, abs(y.revenue_usd - y.downloads * y.mean_price_usd) < 1e-6
('MB', True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

from simulator.model.encoding import bytes_per_mb, mb_unit
from simulator.model.profile import (
    MIX_PREFIX,
    DownloadProfile,
    catalogue_durations_ms,
    download_profile,
    quality_mix,
)
from simulator.model.store import StoreRun, store_run, window_mask
from simulator.params.scenario import Scenario

__all__ = [
    "DownloadProfile",
    "AccountingInputs",
    "MarketYear",
    "MIX_PREFIX",
    "quality_mix",
    "catalogue_durations_ms",
    "download_profile",
    "accounting_inputs",
    "year_from_run",
    "market_year",
    "reported_price_band_usd",
]

#: A number, or an array of numbers that broadcasts with the model's leading axes.
FloatOrArray = float | npt.NDArray[np.float64]


@dataclass(frozen=True)
class MarketYear:
    """One year of the store. Fields are floats, or arrays of one shape from :func:`year_from_run`.

    Attributes
    ----------
    customers : customer accounts at the year's end
    monthly_buyers : potential buyers who bought in a month, the year's mean
    potential_buyers : potential buyers aware of the store at the year's end
    paying_factor : share of potential buyers who could still pay, the year's mean by day
    downloads_per_customer : [downloads/customer/year]
    downloads : [downloads/year]
    mean_size_mb : mean download size [``mb_unit``]
    mb_unit : "MB" or "MiB"
    mean_price_usd : mean price of a download [USD]
    revenue_usd : gross receipts [USD/year]
    card_fee_usd, bandwidth_usd, roms_usd, fair_usd, labels_usd : [USD/year]
    operator_margin_usd : the operator's contribution margin, before fixed costs [USD/year]
    data_served_tb : [TB/year, 10**12 bytes]
    revenue_per_customer_usd : [USD/customer/year]
    consumer_surplus_usd : buyers' gain from the store (logit log-sum) [USD/year]
    elasticity : own-price elasticity of the year's downloads with respect to the rate
    diversion_p2p, diversion_itunes : shares of a download lost to a rate rise that go to P2P, to iTunes
    reported_revenue_usd, reported_customers : the reported figures
    revenue_gap_usd, revenue_gap_pct : model minus reported [USD/year], [%]
    customers_gap, customers_gap_pct : model minus reported [customers], [%]
    """

    customers: float
    monthly_buyers: float
    potential_buyers: float
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
    consumer_surplus_usd: float
    elasticity: float
    diversion_p2p: float
    diversion_itunes: float
    reported_revenue_usd: float
    reported_customers: float
    revenue_gap_usd: float
    revenue_gap_pct: float
    customers_gap: float
    customers_gap_pct: float

    def as_dict(self) -> dict:
        """Every field by name."""
        return asdict(self)


class AccountingInputs(TypedDict):
    """Who is paid out of the year's receipts (see :func:`accounting_inputs` for the sources).

    Any number may be an array that broadcasts with the model's leading axes.
    """

    card_fee_share: FloatOrArray
    bandwidth_usd_per_byte: FloatOrArray
    roms_share: FloatOrArray
    fair_share: FloatOrArray
    royalty_on_profit: bool
    wholesale_usd_per_download: FloatOrArray
    reported_revenue_usd: FloatOrArray
    reported_customers: FloatOrArray
    bytes_per_mb: float
    bytes_per_tb: float
    mb_unit: str


def accounting_inputs(scenario: Scenario) -> AccountingInputs:
    """Return the scenario's inputs to :func:`year_from_run` (plain numbers)."""
    s = scenario
    conv = s.pricing.mb_convention
    c = s.assumptions.constants
    wholesale = s.rights.payment_model == "itunes_wholesale"
    return {
        "card_fee_share": float(s.costs.card_fee_share),
        "bandwidth_usd_per_byte": float(s.costs.bandwidth_usd_per_gb) / float(c["bytes_per_gb"]),
        "roms_share": 0.0 if wholesale else float(s.royalties.roms_share),
        "fair_share": float(s.royalties.fair_share) if (s.royalties.fair_enabled and not wholesale) else 0.0,
        "royalty_on_profit": s.royalties.base == "profit",
        "wholesale_usd_per_download": float(s.comparison.label_wholesale_usd) if wholesale else 0.0,
        "reported_revenue_usd": float(s.market.reported_revenue_usd),
        "reported_customers": float(s.market.reported_customers),
        "bytes_per_mb": float(bytes_per_mb(conv, s)),
        "bytes_per_tb": float(c["bytes_per_gb"]) * 1000.0,
        "mb_unit": mb_unit(conv),
    }


def _out(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


class _Year:
    """The numeric fields of :class:`MarketYear` for one window of a run, each computed on first read.

    The sums come from the run's totals over the window (``StoreRun._totals``), which
    add up the window's periods by state rather than one by one; the formulas are the
    module's.
    """

    def __init__(self, run: StoreRun, mask: np.ndarray, acct: AccountingInputs) -> None:
        self._t, self._periods, self._mask, self._acct = run._totals(mask), run.periods, mask, acct

    def _per(self, x, by):
        """``x / by`` where ``by > 0``, else 0."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(by > 0, x / by, 0.0)

    @cached_property
    def downloads(self):
        return self._t.downloads

    @cached_property
    def revenue_usd(self):
        return self._t.revenue_usd

    @cached_property
    def _bytes(self):
        return self._t.bytes_served

    @cached_property
    def customers(self):
        return self._t.accounts

    @cached_property
    def monthly_buyers(self):
        return self._t.buyers / np.unique(self._periods.month[self._mask]).size

    @cached_property
    def potential_buyers(self):
        return self._t.potential_buyers

    @cached_property
    def paying_factor(self):
        return self._t.paying_days / self._periods.days[self._mask].sum()

    @cached_property
    def downloads_per_customer(self):
        return self._per(self.downloads, self.customers)

    @cached_property
    def mean_size_mb(self):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.downloads > 0, self._bytes / self.downloads / self._acct["bytes_per_mb"], 0.0)

    @cached_property
    def mean_price_usd(self):
        return self._per(self.revenue_usd, self.downloads)

    @cached_property
    def card_fee_usd(self):
        return np.multiply(self._acct["card_fee_share"], self.revenue_usd)

    @cached_property
    def bandwidth_usd(self):
        return np.multiply(self._bytes, self._acct["bandwidth_usd_per_byte"])

    @cached_property
    def _royalty_base(self):
        r, on_profit = self.revenue_usd, self._acct["royalty_on_profit"]
        if on_profit is False:  # gross receipts: what np.where below gives, without the profit's terms
            return r
        return np.where(on_profit, np.maximum(r - self.card_fee_usd - self.bandwidth_usd, 0.0), r)

    @cached_property
    def roms_usd(self):
        return np.multiply(self._acct["roms_share"], self._royalty_base)

    @cached_property
    def fair_usd(self):
        return np.multiply(self._acct["fair_share"], self._royalty_base)

    @cached_property
    def labels_usd(self):
        return self.downloads * np.asarray(self._acct["wholesale_usd_per_download"], dtype=float)

    @cached_property
    def operator_margin_usd(self):
        return (self.revenue_usd - self.card_fee_usd - self.bandwidth_usd - self.roms_usd - self.fair_usd
                - self.labels_usd)

    @cached_property
    def data_served_tb(self):
        return self._bytes / self._acct["bytes_per_tb"]

    @cached_property
    def revenue_per_customer_usd(self):
        return self._per(self.revenue_usd, self.customers)

    @cached_property
    def consumer_surplus_usd(self):
        return self._t.consumer_surplus_usd

    @cached_property
    def elasticity(self):
        return self._per(self._t.rate_elasticity_downloads, self.downloads)

    @cached_property
    def diversion_p2p(self):
        return self._per(self._t.diversion_p2p_downloads, self.downloads)

    @cached_property
    def diversion_itunes(self):
        return self._per(self._t.diversion_itunes_downloads, self.downloads)

    @cached_property
    def reported_revenue_usd(self):
        return np.asarray(self._acct["reported_revenue_usd"], dtype=float)

    @cached_property
    def reported_customers(self):
        return np.asarray(self._acct["reported_customers"], dtype=float)

    @cached_property
    def revenue_gap_usd(self):
        return self.revenue_usd - self.reported_revenue_usd

    @cached_property
    def revenue_gap_pct(self):
        return 100.0 * (self.revenue_usd - self.reported_revenue_usd) / self.reported_revenue_usd

    @cached_property
    def customers_gap(self):
        return self.customers - self.reported_customers

    @cached_property
    def customers_gap_pct(self):
        return 100.0 * (self.customers - self.reported_customers) / self.reported_customers


#: The numeric fields of MarketYear, in order.
_NUMBERS = tuple(f.name for f in fields(MarketYear) if f.name != "mb_unit")


def _year_fields(run: StoreRun, mask: np.ndarray, acct: AccountingInputs,
                 names: Iterable[str]) -> dict[str, Any]:
    """Return the fields ``names`` of ``year_from_run(run, mask, acct)``, computing only what they need.

    Parameters
    ----------
    run, mask, acct
        As for :func:`year_from_run`.
    names : iterable of str
        Numeric fields of :class:`MarketYear`.

    Returns
    -------
    dict[str, float or ndarray of shape L]
        By field name, each equal to the field of :func:`year_from_run`: the same code computes both.
    """
    y = _Year(run, mask, acct)
    return {n: _out(getattr(y, n)) for n in names}


def year_from_run(run: StoreRun, mask: np.ndarray, acct: AccountingInputs) -> MarketYear:
    """Sum a model run over the window ``mask`` and split the receipts (see the module's formulas).

    Parameters
    ----------
    run : StoreRun
        Arrays of shape ``L + (P,)``.
    mask : ndarray of bool, shape (P,)
        The periods of the year (:func:`~simulator.model.store.window_mask`).
    acct : AccountingInputs

    Returns
    -------
    MarketYear
        Each numeric field of shape ``L`` (a float when ``L`` is empty).

    Raises
    ------
    ValueError
        If ``mask`` selects no period.

    Notes
    -----
    The window's periods are summed by state (rate level, payment state, days), not one
    by one: a period's downloads, receipts, bytes and surplus are its potential buyers
    times a factor of its state, so the potential buyers are summed once per state. The
    accounts' recursion runs up to the window's last period only.
    """
    return MarketYear(mb_unit=acct["mb_unit"], **_year_fields(run, mask, acct, _NUMBERS))


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
    """Return the market year of one scenario: its ``timeline.year_end`` window of the store model.

    Parameters
    ----------
    scenario : Scenario
        The inputs (built by the caller: the command line, the app or a test).
    profile : DownloadProfile, optional
        A precomputed :func:`download_profile` (e.g. of an uploaded catalogue).

    Returns
    -------
    MarketYear

    Raises
    ------
    simulator.model.store.StoreError
        If the window lies outside the time line or an event it needs is missing.

    Examples
    --------
    >>> y = market_year(make_scenario())
    >>> abs(y.roms_usd - 0.15 * y.revenue_usd) < 1e-6
    True
    """
    s = scenario
    run = store_run(s, profile=profile)
    return year_from_run(run, window_mask(run.periods, s.timeline.year_end), accounting_inputs(s))
