"""The store month by month, January 2004 to the shutdown (July 2007): one nested-logit market.

Every yearly figure the project shows is a 12-month window of this time line.

Formulas
--------
Time runs in *periods*: calendar months, split where the rate or the payments change
inside a month (the rise of 13 Aug 2006). For period ``t`` with ``d_t`` days in a month
of ``m_t`` days (sources and units of every input in ``assumptions.yaml``):

* potential buyers (logistic awareness, ``u_t`` months after January 2004 at the
  period's middle): ``N_t = N / (1 + exp(-(u_t - u_mid) / spread))``;
* wants: ``w_t = K d_t / m_t`` tracks a potential buyer wants in the period;
* price of encoding ``j``: ``p_jt = r_t (1 - discount) S_j / bytes_per_mb`` [USD], with
  ``S_j`` the catalogue's mean size at ``j`` [bytes] and ``r_t`` the ``rate_timeline``
  step in force (the scenario's ``pricing.rate_usd_per_mb`` from the last step on; the
  teaching alternatives replace it there by a flat price, or cap it per track);
* within AllofMP3 (nested logit, scale ``mu``): the mix weights of ``market.quality_mix``,
  tilted by ``(S_j / min_k S_k) ** tilt`` and normalised to ``m_j``, hold at the reference
  rate ``r_ref``, so
  ``q_jt = m_j exp(-alpha (p_jt - p_j^ref) / mu) / sum_k m_k exp(-alpha (p_kt - p_k^ref) / mu)``
  and the store's inclusive value is
  ``IV_t = delta_A + mu ln sum_k m_k exp(-alpha (p_kt - p_k^ref) / mu)``
  (McFadden 1978; Train, *Discrete Choice Methods with Simulation*, 2009, ch. 4);
* top level: ``V_I = delta_I - alpha p_iTunes``, ``V_P = delta_P`` (P2P), ``V_0 = 0`` (nothing);
  ``s_A = e^IV / (1 + e^IV + e^V_I + e^V_P)``;
* payments: from ``mastercard_stop`` the MasterCard part of card payers, from
  ``visa_stop`` every card payer, lose the store except ``payments.recovered_share``:
  ``a_t = 1 - card_share x lost_t x (1 - recovered_share)`` (``payments.card_freeze_active``
  switches the freeze off to ask "what if the cards had kept working");
* downloads ``D_t = N_t w_t a_t s_A``; revenue ``R_t = D_t sum_j q_jt p_jt``;
* buyers in the period ``B_t = N_t (1 - (1 - a_t s_A)^w_t)`` (a potential buyer buys at least once);
  accounts grow by the potential buyers who never bought before and buy now:
  ``A_t = A_{t-1} + max(N_t - A_{t-1}, 0) (1 - (1 - a_t s_A)^w_t)``;
* consumer surplus (log-sum, Small and Rosen 1981) of the store's existence, per want:
  ``CS = a_t (ln(1 + e^IV + e^V_I + e^V_P) - ln(1 + e^V_I + e^V_P)) / alpha`` [USD];
* own-price elasticity of AllofMP3's downloads with respect to the rate (closed form):
  ``e = -alpha pbar_t (1 - s_A)`` with ``pbar_t = sum_j q_jt p_jt`` (only the prices that move
  with the rate count: none under a flat price, not the capped ones); diversion of a lost
  download to P2P ``s_P / (1 - s_A)``, to iTunes ``s_I / (1 - s_A)``.

Every input may be a numpy array (Monte Carlo draws, a grid of rates): arrays broadcast
on the leading axes, periods are the last axis.

Examples
--------
>>> m = store_months(make_scenario())
>>> str(m.month.iloc[0].date()), str(m.month.iloc[-1].date())
('2004-01-01', '2007-06-01')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.model.encoding import bytes_per_mb
from simulator.model.profile import DownloadProfile, download_profile
from simulator.params.scenario import Scenario

__all__ = [
    "StoreError",
    "EVENT_NAMES",
    "Periods",
    "StoreInputs",
    "StoreRun",
    "periods_of",
    "store_inputs",
    "run_store",
    "store_run",
    "store_months",
    "year_months",
    "window_mask",
]

#: Events the time line needs, by role.
EVENT_NAMES = {"mastercard": "mastercard_stop", "visa": "visa_stop", "shutdown": "shutdown"}

FloatOrArray = float | npt.NDArray[np.float64]


class StoreError(ValueError):
    """The assumptions lack an event or a rate the time line needs, or a window falls outside it."""


@dataclass(frozen=True)
class Periods:
    """The time line's periods (shape (P,) each).

    Attributes
    ----------
    start, end : datetime64[D] arrays; a period is [start, end)
    month : datetime64[M] array, the calendar month of each period
    days : float array, days in the period
    month_days : float array, days in its calendar month
    months_since_start : float array, months from the first rate step to the period's middle
    history_rate_usd_per_mb : float array, the ``rate_timeline`` rate [USD/MB]
    last_step : bool array, on or after the last rate step (the scenario's rate applies)
    mastercard_off, visa_off : bool arrays, after each card network stopped
    """

    start: np.ndarray
    end: np.ndarray
    month: np.ndarray
    days: np.ndarray
    month_days: np.ndarray
    months_since_start: np.ndarray
    history_rate_usd_per_mb: np.ndarray
    last_step: np.ndarray
    mastercard_off: np.ndarray
    visa_off: np.ndarray


def _event(s: Scenario, role: str) -> np.datetime64:
    name = EVENT_NAMES[role]
    ev = s.assumptions.events.get(name)
    if ev is None:
        raise StoreError(f"events: the time line needs an event named {name!r}; known events are {sorted(s.assumptions.events)}")
    return np.datetime64(ev.date, "D")


@lru_cache(maxsize=8)
def _periods(steps: tuple, mastercard: np.datetime64, visa: np.datetime64, shutdown: np.datetime64) -> Periods:
    step_days = np.array([np.datetime64(d, "D") for d, _ in steps])
    rates = np.array([float(r) for _, r in steps])
    start = step_days[0]
    if shutdown <= start:
        raise StoreError(f"events.shutdown: must be after the first rate step {start}, got {shutdown}")
    months = np.arange(start.astype("datetime64[M]"), (shutdown - 1).astype("datetime64[M]") + 1)
    cuts = set(months.astype("datetime64[D]").tolist()) | set(step_days.tolist()) | {mastercard.item(), visa.item()}
    cuts = sorted(c for c in cuts if start <= np.datetime64(c) < shutdown)
    b = np.array(cuts + [shutdown.item()], dtype="datetime64[D]")
    p_start, p_end = b[:-1], b[1:]
    month = p_start.astype("datetime64[M]")
    month_days = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64).astype(float)
    days = (p_end - p_start).astype(np.int64).astype(float)
    mid_day = p_start.astype(np.int64) + days / 2.0
    m0 = month.astype("datetime64[D]").astype(np.int64)
    months_since = (month - start.astype("datetime64[M]")).astype(np.int64) + (mid_day - m0) / month_days
    idx = np.searchsorted(step_days, p_start, side="right") - 1
    out = Periods(
        start=p_start, end=p_end, month=month, days=days, month_days=month_days,
        months_since_start=months_since, history_rate_usd_per_mb=rates[idx], last_step=idx == len(steps) - 1,
        mastercard_off=p_start >= mastercard, visa_off=p_start >= visa,
    )
    for a in vars(out).values():
        a.setflags(write=False)
    return out


def periods_of(scenario: Scenario) -> Periods:
    """Return the periods of the scenario's time line (cached per rate steps and event dates).

    Raises
    ------
    StoreError
        If an event the time line needs is missing or the shutdown precedes the first rate step.
    """
    s = scenario
    steps = tuple((str(x.from_), float(x.rate_usd_per_mb)) for x in s.assumptions.rate_timeline)
    return _periods(steps, _event(s, "mastercard"), _event(s, "visa"), _event(s, "shutdown"))


@dataclass(frozen=True)
class StoreInputs:
    """Every number the store model reads (floats, or arrays that broadcast on leading axes).

    Attributes
    ----------
    rate_usd_per_mb : the rate from the last rate step on [USD/MB]
    discount_share : [0-1]
    sizes_bytes : mean size of a download at each encoding, shape (E,) [bytes]
    mix_weights : quality-mix weights at the reference rate, shape (E,), summing to 1
    bytes_per_mb : [bytes/MB]
    mix_reference_rate_usd_per_mb : [USD/MB]
    potential_buyers : N [people]
    awareness_midpoint_months, awareness_spread_months : [months]
    store_utility, itunes_utility, p2p_utility : [utils]
    price_sensitivity_per_usd : alpha [utils/USD]
    nest_scale : mu (0-1]
    track_wants_per_month : K [tracks/person/month]
    itunes_track_usd : [USD/track]
    card_share, mastercard_share, recovered_share : [0-1]
    card_freeze : bool
    flat_price_usd : one price for every download from the last rate step on, instead of per MB [USD]
        (None: per MB)
    cap_usd_per_track : a ceiling on the per-MB price of a download from the last rate step on
        (an album cap over the album's tracks) [USD] (None: no cap)
    """

    rate_usd_per_mb: FloatOrArray
    discount_share: FloatOrArray
    sizes_bytes: np.ndarray
    mix_weights: np.ndarray
    bytes_per_mb: float
    mix_reference_rate_usd_per_mb: FloatOrArray
    potential_buyers: FloatOrArray
    awareness_midpoint_months: FloatOrArray
    awareness_spread_months: FloatOrArray
    store_utility: FloatOrArray
    itunes_utility: FloatOrArray
    quality_tilt: FloatOrArray
    p2p_utility: FloatOrArray
    price_sensitivity_per_usd: FloatOrArray
    nest_scale: FloatOrArray
    track_wants_per_month: FloatOrArray
    itunes_track_usd: FloatOrArray
    card_share: FloatOrArray
    mastercard_share: FloatOrArray
    recovered_share: FloatOrArray
    card_freeze: bool
    flat_price_usd: FloatOrArray | None = None
    cap_usd_per_track: FloatOrArray | None = None


def store_inputs(scenario: Scenario, profile: DownloadProfile | None = None) -> StoreInputs:
    """Return the scenario's inputs to :func:`run_store`, as plain numbers.

    Parameters
    ----------
    scenario : Scenario
    profile : DownloadProfile, optional
        Mean sizes by encoding and the reference mix (default: the built-in catalogue).
    """
    s = scenario
    prof = profile if profile is not None else download_profile(s)
    names = list(prof.mix)
    d = s.demand
    return StoreInputs(
        rate_usd_per_mb=float(s.pricing.rate_usd_per_mb),
        discount_share=float(s.pricing.discount_share),
        sizes_bytes=np.array([prof.mean_size_bytes_by_encoding[n] for n in names], dtype=float),
        mix_weights=np.array([prof.mix[n] for n in names], dtype=float),
        bytes_per_mb=float(bytes_per_mb(s.pricing.mb_convention, s)),
        mix_reference_rate_usd_per_mb=float(d.mix_reference_rate_usd_per_mb),
        potential_buyers=float(d.potential_buyers),
        awareness_midpoint_months=float(d.awareness_midpoint_months),
        awareness_spread_months=float(d.awareness_spread_months),
        store_utility=float(d.store_utility),
        itunes_utility=float(d.itunes_utility),
        quality_tilt=float(d.quality_tilt),
        p2p_utility=float(d.p2p_utility),
        price_sensitivity_per_usd=float(d.price_sensitivity_per_usd),
        nest_scale=float(d.nest_scale),
        track_wants_per_month=float(d.track_wants_per_month),
        itunes_track_usd=float(s.comparison.itunes_track_usd),
        card_share=float(s.payments.card_share),
        mastercard_share=float(s.payments.mastercard_share),
        recovered_share=float(s.payments.recovered_share),
        card_freeze=bool(s.payments.card_freeze_active),
    )


@dataclass(frozen=True)
class StoreRun:
    """The model's periods: arrays of shape (..., P), the mix (..., P, E).

    Attributes
    ----------
    periods : Periods
    rate_usd_per_mb : rate in force [USD/MB]
    potential_buyers : N_t [people]
    paying_share : a_t, share of potential buyers who can still pay
    store_share, itunes_share, p2p_share, none_share : choice shares of a want (the store's
        includes the payment loss; the others are over every potential buyer)
    store_share_if_paying : s_A, the store's share among those who can pay
    mix : q_jt, shares of the store's downloads by encoding (..., P, E)
    mean_price_usd : price of a mean download [USD]
    mean_size_bytes : [bytes]
    downloads, revenue_usd, bytes_served : per period [downloads], [USD], [bytes]
    buyers : potential buyers who bought at least once in the period
    new_accounts, accounts : accounts opened in the period, and at its end
    consumer_surplus_usd : buyers' gain from the store in the period [USD]
    elasticity : own-price elasticity of the store's downloads with respect to the rate
    diversion_p2p, diversion_itunes, diversion_none : where a lost download goes
    """

    periods: Periods
    rate_usd_per_mb: np.ndarray
    potential_buyers: np.ndarray
    paying_share: np.ndarray
    store_share: np.ndarray
    itunes_share: np.ndarray
    p2p_share: np.ndarray
    none_share: np.ndarray
    store_share_if_paying: np.ndarray
    mix: np.ndarray
    mean_price_usd: np.ndarray
    mean_size_bytes: np.ndarray
    downloads: np.ndarray
    revenue_usd: np.ndarray
    bytes_served: np.ndarray
    buyers: np.ndarray
    new_accounts: np.ndarray
    accounts: np.ndarray
    consumer_surplus_usd: np.ndarray
    elasticity: np.ndarray
    diversion_p2p: np.ndarray
    diversion_itunes: np.ndarray
    diversion_none: np.ndarray


def _col(x) -> np.ndarray:
    """An input as an array with a trailing axis for the periods."""
    return np.asarray(x, dtype=float)[..., None]


def run_store(p: Periods, x: StoreInputs) -> StoreRun:
    """Evaluate the store model over every period (see the module's formulas).

    Parameters
    ----------
    p : Periods
        From :func:`periods_of`.
    x : StoreInputs
        Floats, or arrays of one broadcast shape ``L`` (the sizes and weights stay (E,)).

    Returns
    -------
    StoreRun
        Arrays of shape ``L + (P,)`` (the mix ``L + (P, E)``).
    """
    alpha = _col(x.price_sensitivity_per_usd)
    mu = _col(x.nest_scale)
    disc = _col(x.discount_share)
    rate = np.where(p.last_step, _col(x.rate_usd_per_mb), p.history_rate_usd_per_mb)
    mb = x.sizes_bytes / x.bytes_per_mb                                   # (E,) [MB]
    unit_price = rate * (1.0 - disc)                                      # (..., P) [USD/MB]
    ref_price = _col(x.mix_reference_rate_usd_per_mb) * (1.0 - disc)
    with np.errstate(divide="ignore"):
        log_w = np.log(x.mix_weights)                                     # -inf for an unused encoding
    log_w = log_w + _col(x.quality_tilt) * np.log(x.sizes_bytes / x.sizes_bytes.min())  # (..., E)
    lw_max = np.max(log_w, axis=-1, keepdims=True)
    log_w = (log_w - lw_max - np.log(np.exp(log_w - lw_max).sum(axis=-1, keepdims=True)))[..., None, :]
    price = unit_price[..., None] * mb                                    # (..., P, E) [USD]
    per_mb = price                                                        # the part of a price that moves with the rate
    if x.cap_usd_per_track is not None:
        cap = np.asarray(x.cap_usd_per_track, dtype=float)[..., None, None]
        capped = p.last_step[:, None] & (price > cap)
        price = np.where(capped, cap, price)
        per_mb = np.where(capped, 0.0, per_mb)
    if x.flat_price_usd is not None:
        price = np.where(p.last_step[:, None], np.asarray(x.flat_price_usd, dtype=float)[..., None, None], price)
        per_mb = np.where(p.last_step[:, None], 0.0, per_mb)
    z = log_w - alpha[..., None] * (price - ref_price[..., None] * mb) / mu[..., None]
    z_max = np.max(z, axis=-1, keepdims=True)
    ez = np.exp(z - z_max)
    sum_ez = ez.sum(axis=-1, keepdims=True)
    mix = ez / sum_ez
    log_sum = (z_max + np.log(sum_ez))[..., 0]
    iv = _col(x.store_utility) + mu * log_sum
    v_i = _col(x.itunes_utility) - alpha * _col(x.itunes_track_usd)
    v_p = _col(x.p2p_utility)
    top = np.maximum(np.maximum(iv, v_i), np.maximum(v_p, 0.0))
    e_a, e_i, e_p, e_0 = np.exp(iv - top), np.exp(v_i - top), np.exp(v_p - top), np.exp(-top)
    with_store = e_0 + e_a + e_i + e_p
    without = e_0 + e_i + e_p
    s_a = e_a / with_store
    lost = np.where(p.visa_off, 1.0, np.where(p.mastercard_off, _col(x.mastercard_share), 0.0))
    lost = np.where(np.asarray(x.card_freeze)[..., None], lost, 0.0)
    paying = 1.0 - _col(x.card_share) * lost * (1.0 - _col(x.recovered_share))
    share = paying * s_a
    itunes = paying * e_i / with_store + (1.0 - paying) * e_i / without
    p2p = paying * e_p / with_store + (1.0 - paying) * e_p / without
    none = 1.0 - share - itunes - p2p
    n = _col(x.potential_buyers) / (1.0 + np.exp(-(p.months_since_start - _col(x.awareness_midpoint_months))
                                                  / _col(x.awareness_spread_months)))
    wants = _col(x.track_wants_per_month) * p.days / p.month_days
    downloads = n * wants * share
    mean_mb = (mix * mb).sum(axis=-1)
    mean_price = (mix * price).sum(axis=-1)
    revenue = downloads * mean_price
    buy_prob = -np.expm1(wants * np.log1p(-np.minimum(share, 1.0 - 1e-15)))
    buyers = n * buy_prob
    shape = np.broadcast_shapes(n.shape, buy_prob.shape)
    n_b, prob_b = np.broadcast_to(n, shape), np.broadcast_to(buy_prob, shape)
    new = np.empty(shape)
    acc = np.empty(shape)
    prev = np.zeros(shape[:-1])
    for t in range(shape[-1]):
        new[..., t] = np.maximum(n_b[..., t] - prev, 0.0) * prob_b[..., t]
        prev = prev + new[..., t]
        acc[..., t] = prev
    cs_per_want = paying * (np.log(with_store) - np.log(without)) / alpha
    elasticity = -alpha * (mix * per_mb).sum(axis=-1) * (1.0 - s_a)
    lost_pool = 1.0 - s_a
    return StoreRun(
        periods=p, rate_usd_per_mb=np.broadcast_to(rate, shape), potential_buyers=n_b, paying_share=np.broadcast_to(paying, shape),
        store_share=np.broadcast_to(share, shape), itunes_share=np.broadcast_to(itunes, shape),
        p2p_share=np.broadcast_to(p2p, shape), none_share=np.broadcast_to(none, shape),
        store_share_if_paying=np.broadcast_to(s_a, shape), mix=mix, mean_price_usd=np.broadcast_to(mean_price, shape),
        mean_size_bytes=np.broadcast_to(mean_mb * x.bytes_per_mb, shape), downloads=np.broadcast_to(downloads, shape),
        revenue_usd=np.broadcast_to(revenue, shape), bytes_served=np.broadcast_to(downloads * mean_mb * x.bytes_per_mb, shape),
        buyers=np.broadcast_to(buyers, shape), new_accounts=new, accounts=acc,
        consumer_surplus_usd=np.broadcast_to(n * wants * cs_per_want, shape), elasticity=np.broadcast_to(elasticity, shape),
        diversion_p2p=np.broadcast_to(e_p / with_store / lost_pool, shape),
        diversion_itunes=np.broadcast_to(e_i / with_store / lost_pool, shape),
        diversion_none=np.broadcast_to(e_0 / with_store / lost_pool, shape),
    )


def store_run(scenario: Scenario, *, profile: DownloadProfile | None = None) -> StoreRun:
    """Run the store model on one scenario (floats in, arrays of shape (P,) out)."""
    return run_store(periods_of(scenario), store_inputs(scenario, profile))


def window_mask(p: Periods, year_end: str, months: int = 12) -> np.ndarray:
    """Return which periods fall in the ``months`` calendar months before ``year_end`` (YYYY-MM).

    Raises
    ------
    StoreError
        If the window does not lie within the time line.
    """
    try:
        end = np.datetime64(year_end, "M")
    except ValueError:
        raise StoreError(f"timeline.year_end: must be a month such as 2007-07, got {year_end!r}") from None
    start = end - months
    first, last = p.month[0], p.month[-1] + 1
    if start < first or end > last + 1:
        raise StoreError(f"timeline.year_end: the 12 months before {year_end} must lie between {first} and {last} "
                         f"(the time line), got {start} to {end}")
    return (p.month >= start) & (p.month < end)


def year_months(year_end: str) -> str:
    """Name the 12 months before ``year_end`` in words, e.g. "Jul 2006 to Jun 2007"."""
    end = np.datetime64(year_end, "M")
    a, b = pd.Timestamp(end - 12), pd.Timestamp(end - 1)
    return f"{a:%b %Y} to {b:%b %Y}"


def store_months(scenario: Scenario, *, profile: DownloadProfile | None = None) -> pd.DataFrame:
    """Return the model month by month (periods of one month summed).

    Returns
    -------
    pandas.DataFrame
        One row per calendar month: ``month``, ``rate_usd_per_mb`` (day-weighted),
        ``potential_buyers``, ``paying_share``, ``store_share``, ``buyers`` (summed over the
        month's periods), ``accounts`` (at the month's end), ``new_accounts``, ``downloads``,
        ``revenue_usd``, ``mean_price_usd``, ``mean_size_mb``, ``consumer_surplus_usd``,
        ``elasticity`` (day-weighted), and ``share_<encoding>`` (the month's download mix).
    """
    s = scenario
    prof = profile if profile is not None else download_profile(s)
    r = store_run(s, profile=prof)
    p = r.periods
    w = p.days
    frame = pd.DataFrame({
        "month": p.month.astype("datetime64[ns]"),
        "days": w,
        "rate_w": r.rate_usd_per_mb * w,
        "potential_buyers_w": r.potential_buyers * w,
        "paying_w": r.paying_share * w,
        "share_w": r.store_share * w,
        "elasticity_w": r.elasticity * w,
        "buyers": r.buyers,
        "new_accounts": r.new_accounts,
        "accounts": r.accounts,
        "downloads": r.downloads,
        "revenue_usd": r.revenue_usd,
        "bytes": r.bytes_served,
        "consumer_surplus_usd": r.consumer_surplus_usd,
    })
    for k, name in enumerate(prof.mix):
        frame[f"dl_{name}"] = r.downloads * r.mix[:, k]
    g = frame.groupby("month", sort=True)
    out = g.sum(numeric_only=True)
    out["accounts"] = g["accounts"].last()
    d = out["days"]
    res = pd.DataFrame({
        "month": out.index,
        "rate_usd_per_mb": (out["rate_w"] / d).to_numpy(),
        "potential_buyers": (out["potential_buyers_w"] / d).to_numpy(),
        "paying_share": (out["paying_w"] / d).to_numpy(),
        "store_share": (out["share_w"] / d).to_numpy(),
        "buyers": out["buyers"].to_numpy(),
        "accounts": out["accounts"].to_numpy(),
        "new_accounts": out["new_accounts"].to_numpy(),
        "downloads": out["downloads"].to_numpy(),
        "revenue_usd": out["revenue_usd"].to_numpy(),
        "mean_price_usd": (out["revenue_usd"] / out["downloads"]).to_numpy(),
        "mean_size_mb": (out["bytes"] / out["downloads"] / float(bytes_per_mb(s.pricing.mb_convention, s))).to_numpy(),
        "consumer_surplus_usd": out["consumer_surplus_usd"].to_numpy(),
        "elasticity": (out["elasticity_w"] / d).to_numpy(),
    })
    for name in prof.mix:
        res[f"share_{name}"] = (out[f"dl_{name}"] / out["downloads"]).to_numpy()
    return res.reset_index(drop=True)
