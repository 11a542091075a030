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
>>> y.mb_unit, 25 < y.revenue_per_customer_usd / 0.19 < 40
('MB', False)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TypedDict

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
from simulator.params.scenario import Scenario, make_scenario

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
    """
    p = run.periods
    days = p.days[mask]
    downloads = run.downloads[..., mask].sum(axis=-1)
    revenue = run.revenue_usd[..., mask].sum(axis=-1)
    data = run.bytes_served[..., mask].sum(axis=-1)
    customers = run.accounts[..., mask][..., -1]
    months = np.unique(p.month[mask]).size
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(downloads > 0, revenue / downloads, 0.0)
        size_mb = np.where(downloads > 0, data / downloads / acct["bytes_per_mb"], 0.0)
        on_rate = p.last_step[mask]
        dl = run.downloads[..., mask]
        elasticity = np.where(downloads > 0, (dl * run.elasticity[..., mask] * on_rate).sum(axis=-1) / downloads, 0.0)
        div_p2p = np.where(downloads > 0, (dl * run.diversion_p2p[..., mask]).sum(axis=-1) / downloads, 0.0)
        div_itunes = np.where(downloads > 0, (dl * run.diversion_itunes[..., mask]).sum(axis=-1) / downloads, 0.0)
        per_customer = np.where(customers > 0, revenue / customers, 0.0)
        dl_per_customer = np.where(customers > 0, downloads / customers, 0.0)
    card = np.multiply(acct["card_fee_share"], revenue)
    bandwidth = np.multiply(data, acct["bandwidth_usd_per_byte"])
    base = np.where(acct["royalty_on_profit"], np.maximum(revenue - card - bandwidth, 0.0), revenue)
    roms = np.multiply(acct["roms_share"], base)
    fair = np.multiply(acct["fair_share"], base)
    labels = downloads * np.asarray(acct["wholesale_usd_per_download"], dtype=float)
    margin = revenue - card - bandwidth - roms - fair - labels
    rep_rev = np.asarray(acct["reported_revenue_usd"], dtype=float)
    rep_cust = np.asarray(acct["reported_customers"], dtype=float)
    return MarketYear(
        customers=_out(customers),
        monthly_buyers=_out(run.buyers[..., mask].sum(axis=-1) / months),
        potential_buyers=_out(run.potential_buyers[..., mask][..., -1]),
        paying_factor=_out((run.paying_share[..., mask] * days).sum(axis=-1) / days.sum()),
        downloads_per_customer=_out(dl_per_customer),
        downloads=_out(downloads),
        mean_size_mb=_out(size_mb),
        mb_unit=acct["mb_unit"],
        mean_price_usd=_out(price),
        revenue_usd=_out(revenue),
        card_fee_usd=_out(card),
        bandwidth_usd=_out(bandwidth),
        roms_usd=_out(roms),
        fair_usd=_out(fair),
        labels_usd=_out(labels),
        operator_margin_usd=_out(margin),
        data_served_tb=_out(data / acct["bytes_per_tb"]),
        revenue_per_customer_usd=_out(per_customer),
        consumer_surplus_usd=_out(run.consumer_surplus_usd[..., mask].sum(axis=-1)),
        elasticity=_out(elasticity),
        diversion_p2p=_out(div_p2p),
        diversion_itunes=_out(div_itunes),
        reported_revenue_usd=_out(rep_rev),
        reported_customers=_out(rep_cust),
        revenue_gap_usd=_out(revenue - rep_rev),
        revenue_gap_pct=_out(100.0 * (revenue - rep_rev) / rep_rev),
        customers_gap=_out(customers - rep_cust),
        customers_gap_pct=_out(100.0 * (customers - rep_cust) / rep_cust),
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
