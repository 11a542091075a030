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

from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache
from typing import cast

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

    @cached_property
    def _layout(self) -> _Layout:
        """The state of each period (:func:`_layout_of`), computed once per time line."""
        return _layout_of(self)


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
    cuts = np.unique(np.concatenate([months.astype("datetime64[D]"), step_days,
                                     np.array([mastercard, visa], dtype="datetime64[D]")]))
    b = np.append(cuts[(cuts >= start) & (cuts < shutdown)], shutdown)
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


#: The numeric fields of :class:`StoreInputs` that broadcast on the leading axes.
_NUMERIC = tuple(f.name for f in fields(StoreInputs) if f.name not in
                 ("sizes_bytes", "mix_weights", "bytes_per_mb", "card_freeze", "flat_price_usd", "cap_usd_per_track"))
#: Card payment states of a period: both networks work, MasterCard stopped, every card stopped.
_CARD_STATES = 3


@dataclass(frozen=True, eq=False)
class _Spans:
    """How the periods share their wants: each period's *span*, and its *group* (the (kind, span) pairs that occur).

    The wants of a span are ``K x scale / per`` [tracks/person]: for :func:`run_store` the
    spans are the (days, month_days) pairs that occur (``scale`` the days, ``per`` the
    month's days); for ``_run_draws`` they are the ratios ``days / month_days`` that occur
    (``scale`` the ratio, ``per`` None), so that every whole month shares one span.

    Attributes
    ----------
    span, group : (P,) int arrays
    group_kind, group_span : (G,) int arrays
    scale : (W,) float array
    per : (W,) float array or None
    """

    span: np.ndarray
    group: np.ndarray
    group_kind: np.ndarray
    group_span: np.ndarray
    scale: np.ndarray
    per: np.ndarray | None

    @classmethod
    def of(cls, kind: np.ndarray, key: np.ndarray, scale: np.ndarray, per: np.ndarray | None) -> _Spans:
        """Return the spans of periods of the given kinds, one span per distinct ``key``."""
        _, first, span = np.unique(key, return_index=True, return_inverse=True)
        span = span.ravel()
        _, g_first, group = np.unique(kind * first.size + span, return_index=True, return_inverse=True)
        return cls(span=span, group=group.ravel(), group_kind=kind[g_first], group_span=span[g_first],
                   scale=scale[first], per=None if per is None else per[first])

    def wants(self, tracks: np.ndarray) -> np.ndarray:
        """Return the wants of each span for ``tracks`` (shape ``L``) a month, ``(W,) + L``."""
        shape = (-1,) + (1,) * np.ndim(tracks)
        out = np.multiply(tracks, self.scale.reshape(shape))
        return out if self.per is None else np.divide(out, self.per.reshape(shape), out=out)


@dataclass(frozen=True, eq=False)
class _Layout:
    """Which of the model's few distinct states each period is in (from the periods alone).

    Attributes
    ----------
    history : (R - 1,) float array, the rates before the last rate step, sorted [USD/MB]
    level : (P,) int array, the rate level (``R - 1`` from the last rate step on)
    state : (P,) int array, the payment state (``_CARD_STATES`` of them)
    kind, kind_level, kind_state : the (level, state) pairs that occur, (P,) and (C,) int arrays
    spans, ratio_spans : :class:`_Spans`, by (days, month_days) pair and by their ratio
    """

    history: np.ndarray
    level: np.ndarray
    state: np.ndarray
    kind: np.ndarray
    kind_level: np.ndarray
    kind_state: np.ndarray
    spans: _Spans
    ratio_spans: _Spans


def _layout_of(p: Periods) -> _Layout:
    """Return the states of the periods ``p`` (a few small integer arrays)."""
    history = np.unique(p.history_rate_usd_per_mb[~p.last_step])
    level = np.where(p.last_step, history.size, np.searchsorted(history, p.history_rate_usd_per_mb))
    state = np.where(p.visa_off, 2, np.where(p.mastercard_off, 1, 0))
    kinds, kind = np.unique(level * _CARD_STATES + state, return_inverse=True)
    kind, ratio = kind.ravel(), p.days / p.month_days
    return _Layout(history=history, level=level, state=state, kind=kind, kind_level=kinds // _CARD_STATES,
                   kind_state=kinds % _CARD_STATES,
                   spans=_Spans.of(kind, p.days * 64.0 + p.month_days, p.days, p.month_days),   # days <= 31
                   ratio_spans=_Spans.of(kind, ratio, ratio, None))


@dataclass(frozen=True, eq=False)
class _States:
    """The model at its few distinct states: every period is in one of them.

    Within AllofMP3's nest a period depends only on its rate *level* (the history's rates
    before the last rate step, then the scenario's rate: ``R`` levels); the card freeze only
    on its *payment state* (``_CARD_STATES``); the choice shares on its *kind*, the (level,
    state) pairs that occur (``C``); the wants on its *span* (:class:`_Spans`: ``W``); the
    share of potential buyers who buy on its *group*, the (kind, span) pairs that occur
    (``G``). Arrays hold the states on their first axis, then the leading axes ``L`` of the
    inputs (the mix's weights ``ez`` and prices: ``(E, R) + L``), so a run of many draws
    evaluates ``E x R``, ``C`` and ``G`` cells a draw rather than ``P x E``; only the
    potential buyers are per period, ``(P,) + L``, computed when first read
    (:class:`_Awareness`; a window is given its run's). The per-period indices (``level``,
    ``state``, ``kind``, ``span``, ``group``) are sliced by :meth:`StoreRun.window`; the
    other arrays are tables indexed by them. Fields past the nest's own results are
    computed on first use; ``draws`` marks a run of :func:`_run_draws`, whose arithmetic
    is regrouped (``price`` and ``per_mb`` are then None unless a teaching alternative
    changes the last level's prices).
    """

    lead: tuple[int, ...]
    level: np.ndarray
    state: np.ndarray
    kind: np.ndarray
    span: np.ndarray
    group: np.ndarray
    kind_level: np.ndarray
    kind_state: np.ndarray
    group_kind: np.ndarray
    group_span: np.ndarray
    bytes_per_mb: float
    rate: np.ndarray
    draws: bool
    ez: np.ndarray
    sum_ez: np.ndarray
    size_mb: np.ndarray
    unit_price: np.ndarray
    price: np.ndarray | None
    per_mb: np.ndarray | None
    alpha: np.ndarray
    store_share_if_paying: np.ndarray
    e_0: np.ndarray
    e_i: np.ndarray
    e_p: np.ndarray
    with_store: np.ndarray
    without: np.ndarray
    paying: np.ndarray
    aware: _Awareness
    wants: np.ndarray
    accounts_before: np.ndarray | float = 0.0
    given_buyers: np.ndarray | None = None

    @cached_property
    def potential_buyers(self) -> np.ndarray:
        """``N_t`` for every period, ``(P,) + L`` (a window's are its run's, sliced)."""
        return self.given_buyers if self.given_buyers is not None else _frozen(self.aware.block())

    @cached_property
    def mix(self) -> np.ndarray:
        """q_jr, shares of the downloads by encoding at each level, (E, R) + L."""
        return _frozen(np.divide(self.ez, self.sum_ez))

    def level_mean(self, name: str, level: int) -> np.ndarray:
        """Return ``mean_price`` [USD] or ``mean_mb`` [MB] at one level, shape ``L`` (each computed once).

        A window reads the levels it spans only; the tables are these rows stacked.
        """
        key = (name, level)
        if key not in self._level_means:
            if name == "mean_price" and self.price is None:   # _run_draws, per MB: the unit price times the size
                mean = self.unit_price[level] * self.level_mean("mean_mb", level)
            else:
                x = self.size_mb[:, 0] if name == "mean_mb" else cast(np.ndarray, self.price)[:, level]
                if self.draws:   # _run_draws: from the mix's weights, divided by their sum once
                    mean = np.multiply(self.ez[:, level], x).sum(axis=0) / self.sum_ez[level]
                else:            # a product and a sum over the encodings, added one after the other
                    mix = self.mix[:, level]
                    mean = np.multiply(mix, x).sum(axis=0) if self.lead else _encoding_sum(mix, x)
            self._level_means[key] = mean
        return self._level_means[key]

    @cached_property
    def _level_means(self) -> dict[tuple[str, int], np.ndarray]:
        return {}

    @cached_property
    def mean_price(self) -> np.ndarray:
        """Price of a mean download at each level, (R,) + L [USD]."""
        return np.stack([self.level_mean("mean_price", r) for r in range(self.rate.shape[0])])

    @cached_property
    def mean_mb(self) -> np.ndarray:
        """Size of a mean download at each level, (R,) + L [MB]."""
        return np.stack([self.level_mean("mean_mb", r) for r in range(self.rate.shape[0])])

    @cached_property
    def elasticity(self) -> np.ndarray:
        """Own-price elasticity of the downloads at each level, (R,) + L."""
        moving = self.unit_price * self.mean_mb if self.per_mb is None else (self.mix * self.per_mb).sum(axis=0)
        return -self.alpha * moving * (1.0 - self.store_share_if_paying)

    def _diversion(self, e: np.ndarray) -> np.ndarray:
        return e / self.with_store / (1.0 - self.store_share_if_paying)

    @cached_property
    def diversion_p2p(self) -> np.ndarray:
        """Share of a lost download that goes to P2P at each level, (R,) + L."""
        return self._diversion(self.e_p)

    @cached_property
    def diversion_itunes(self) -> np.ndarray:
        """Share of a lost download that goes to iTunes at each level, (R,) + L."""
        return self._diversion(self.e_i)

    @cached_property
    def diversion_none(self) -> np.ndarray:
        """Share of a lost download that goes to nothing at each level, (R,) + L."""
        return self._diversion(self.e_0)

    @cached_property
    def pay(self) -> np.ndarray:
        """Share of potential buyers who can pay, by kind, (C,) + L."""
        return self.paying[self.kind_state]

    @cached_property
    def share(self) -> np.ndarray:
        """The store's share of a want, payment loss included, by kind, (C,) + L."""
        return self.pay * self.store_share_if_paying[self.kind_level]

    def _other(self, e: np.ndarray) -> np.ndarray:
        """Share of a want that goes to an outside option of weight ``e`` (by level), by kind."""
        pay, e_k = self.pay, e[self.kind_level]
        return pay * e_k / self.with_store[self.kind_level] + (1.0 - pay) * e_k / self.without[self.kind_level]

    @cached_property
    def itunes(self) -> np.ndarray:
        """ITunes' share of a want, by kind, (C,) + L."""
        return self._other(self.e_i)

    @cached_property
    def p2p(self) -> np.ndarray:
        """P2P's share of a want, by kind, (C,) + L."""
        return self._other(self.e_p)

    @cached_property
    def none(self) -> np.ndarray:
        """Share of a want bought nowhere, by kind, (C,) + L."""
        return 1.0 - self.share - self.itunes - self.p2p

    @cached_property
    def cs_per_want(self) -> np.ndarray:
        """Consumer surplus of the store per want, by kind, (C,) + L [USD]."""
        lv = self.kind_level
        return self.pay * (np.log(self.with_store[lv]) - np.log(self.without[lv])) / self.alpha

    @cached_property
    def log_keep(self) -> np.ndarray:
        """``ln(1 - share)`` by kind, (C,) + L (the share kept below 1)."""
        out = np.minimum(self.share, 1.0 - 1e-15)
        return np.log1p(np.negative(out, out=out), out=out)

    @cached_property
    def buy_probability(self) -> np.ndarray:
        """Share of potential buyers who buy at least once in a period, ``1 - (1 - share)^wants``, by group.

        Returns
        -------
        ndarray, shape (G,) + L
        """
        return _frozen(np.negative(self.minus_buy_probability))

    @cached_property
    def minus_buy_probability(self) -> np.ndarray:
        """``-buy_probability = expm1(wants ln(1 - share))`` by group, (G,) + L."""
        out = np.empty(self.group_kind.shape + self.lead)
        for g, (k, w) in enumerate(zip(self.group_kind.tolist(), self.group_span.tolist(), strict=True)):
            np.multiply(self.wants[w], self.log_keep[k], out=out[g, ...])
        return _frozen(np.expm1(out, out=out))


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _last(a: np.ndarray) -> np.ndarray:
    """Return a (P,) + L array as L + (P,) (a view)."""
    return np.moveaxis(a, 0, -1)


@dataclass(frozen=True, eq=False)
class StoreRun:
    """The model's periods: arrays of shape ``L + (P,)``, the mix ``L + (P, E)``.

    Each field is computed on first use from the model's few distinct states (read-only
    arrays), so a reader pays only for the fields it reads.

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
    _s: _States

    def _take(self, a: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Per-state values ``a`` (states first) for every period, ``(P,) + L`` (a new array)."""
        return np.take(a, index, axis=0)

    def _by(self, a: np.ndarray, index: np.ndarray) -> np.ndarray:
        return _last(_frozen(self._take(a, index)))

    @cached_property
    def _buyers_times_wants(self) -> np.ndarray:
        out = self._take(self._s.wants, self._s.span)
        return _frozen(np.multiply(self._s.potential_buyers, out, out=out))

    @cached_property
    def _downloads(self) -> np.ndarray:
        out = self._take(self._s.share, self._s.kind)
        return _frozen(np.multiply(self._buyers_times_wants, out, out=out))

    def _accounts_after(self, stop: int) -> np.ndarray:
        """Return the accounts at the end of the first ``stop`` periods, shape ``L`` (a new array).

        Reads the stored recursion when a reader has asked for every period's accounts (or
        the run is one scenario's, where storing them costs nothing); otherwise runs the
        recursion of ``_accounts`` up to ``stop``, storing nothing.
        """
        s = self._s
        if "_accounts" in self.__dict__ or not s.lead:
            return np.array(self._accounts[2][stop - 1] if stop else s.accounts_before, dtype=float)
        prob = list(s.buy_probability)
        gap, zero = np.empty(s.lead), np.zeros(s.lead)
        prev = np.array(np.broadcast_to(s.accounts_before, s.lead), dtype=float)
        for n_t, g in zip(s.potential_buyers[:stop], s.group[:stop].tolist(), strict=True):
            np.maximum(np.subtract(n_t, prev, out=gap), zero, out=gap)
            np.add(prev, np.multiply(gap, prob[g], out=gap), out=prev)
        return prev

    def _walk(self, stop: int, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Return the accounts at the end of the first ``stop`` periods and ``sum_(t in r) N_t`` for each ``r`` in ``rows``.

        ``rows`` lists periods before ``stop``, each list in increasing order. A run of many
        draws (``_run_draws``) whose potential buyers nobody has read makes one pass over the
        periods, computing each period's ``N_t`` as it goes (the same numbers as the whole
        array, without it); its spreads are positive (:class:`_Awareness`), so ``N_t`` never
        falls and, from no accounts, ``max(N_t - A_(t-1), 0) = N_t - A_(t-1)``: the pass
        leaves the ``max`` out (``A_t`` then agrees to a few units in the last place).
        Otherwise the sums read :attr:`_States.potential_buyers` and the accounts
        :meth:`_accounts_after`.
        """
        s = self._s
        sums = np.empty((len(rows),) + s.lead)
        # a run with no given potential buyers is a whole run, from no accounts (a window has both given)
        stream = s.aware.stepwise and s.given_buyers is None and "potential_buyers" not in s.__dict__ \
            and "_accounts" not in self.__dict__
        if not stream:
            n = s.potential_buyers
            for i, r in enumerate(rows):
                np.copyto(sums[i, ...], n[r[0]])
                for t in r[1:]:
                    np.add(sums[i, ...], n[t], out=sums[i, ...])
            return self._accounts_after(stop), sums
        into = {t: (i, j == 0) for i, r in enumerate(rows) for j, t in enumerate(r)}
        minus_prob, aware = list(s.minus_buy_probability), s.aware
        e, n_t, gap, prev = np.empty(s.lead), np.empty(s.lead), np.empty(s.lead), np.zeros(s.lead)
        for t, (u_t, g) in enumerate(zip(aware.u[:stop].tolist(), s.group[:stop].tolist(), strict=True)):
            np.divide(aware.most, np.add(aware.exponential(t, u_t, e, e), 1.0, out=n_t), out=n_t)   # N_t
            np.multiply(np.subtract(n_t, prev, out=gap), minus_prob[g], out=gap)
            np.subtract(prev, gap, out=prev)                                  # A_t = A + (N_t - A) x prob
            if t in into:
                i, first = into[t]
                if first:
                    np.copyto(sums[i, ...], n_t)
                else:
                    np.add(sums[i, ...], n_t, out=sums[i, ...])
        return prev, sums

    @cached_property
    def _accounts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = self._s
        n, prob = s.potential_buyers, self._take(s.buy_probability, s.group)
        new, acc = np.empty(n.shape), np.empty(n.shape)
        gap = np.empty(n.shape[1:])
        prev = np.broadcast_to(s.accounts_before, n.shape[1:])
        for t in range(n.shape[0]):
            np.maximum(np.subtract(n[t], prev, out=gap), 0.0, out=gap)
            np.multiply(gap, prob[t], out=new[t, ...])
            prev = np.add(prev, new[t], out=acc[t, ...])
        return _frozen(prob), _frozen(new), _frozen(acc)

    def _totals(self, mask: np.ndarray) -> _Totals:
        """Return the run's sums over the periods in ``mask`` (:class:`_Totals`)."""
        return _Totals(self, mask)

    def window(self, mask: np.ndarray) -> StoreRun:
        """Return the run over the consecutive periods in ``mask`` alone, with the accounts opened before them.

        ``year_from_run(run.window(m), np.ones(m.sum(), bool), acct)`` equals
        ``year_from_run(run, m, acct)`` but computes the fields of the window's periods only
        (the accounts' recursion still runs over the periods before it).

        Parameters
        ----------
        mask : ndarray of bool, shape (P,)
            Consecutive periods, e.g. from :func:`window_mask`.

        Raises
        ------
        ValueError
            If ``mask`` selects no period, or periods that are not consecutive.
        """
        idx = np.flatnonzero(mask)
        if idx.size == 0 or np.any(np.diff(idx) != 1):
            raise ValueError(f"window: the mask must select consecutive periods, got {idx.tolist()}")
        part = slice(int(idx[0]), int(idx[-1]) + 1)
        s, p = self._s, self.periods
        before = self._accounts_after(part.start) if part.start else s.accounts_before
        return StoreRun(periods=Periods(**{f.name: getattr(p, f.name)[part] for f in fields(Periods)}),
                        _s=replace(s, level=s.level[part], state=s.state[part], kind=s.kind[part],
                                   span=s.span[part], group=s.group[part],
                                   aware=replace(s.aware, u=s.aware.u[part]), given_buyers=s.potential_buyers[part],
                                   accounts_before=before))

    @cached_property
    def rate_usd_per_mb(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.rate, self._s.level)

    @cached_property
    def potential_buyers(self) -> np.ndarray:  # noqa: D102
        return _last(self._s.potential_buyers)

    @cached_property
    def paying_share(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.paying, self._s.state)

    @cached_property
    def store_share(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.share, self._s.kind)

    @cached_property
    def itunes_share(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.itunes, self._s.kind)

    @cached_property
    def p2p_share(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.p2p, self._s.kind)

    @cached_property
    def none_share(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.none, self._s.kind)

    @cached_property
    def store_share_if_paying(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.store_share_if_paying, self._s.level)

    @cached_property
    def mix(self) -> np.ndarray:  # noqa: D102
        return np.moveaxis(_frozen(np.take(self._s.mix, self._s.level, axis=1)), (0, 1), (-1, -2))

    @cached_property
    def mean_price_usd(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.mean_price, self._s.level)

    @cached_property
    def mean_size_bytes(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.mean_mb * self._s.bytes_per_mb, self._s.level)

    @cached_property
    def downloads(self) -> np.ndarray:  # noqa: D102
        return _last(self._downloads)

    @cached_property
    def revenue_usd(self) -> np.ndarray:  # noqa: D102
        out = self._take(self._s.mean_price, self._s.level)
        return _last(_frozen(np.multiply(self._downloads, out, out=out)))

    @cached_property
    def bytes_served(self) -> np.ndarray:  # noqa: D102
        out = self._take(self._s.mean_mb, self._s.level)
        np.multiply(self._downloads, out, out=out)
        return _last(_frozen(np.multiply(out, self._s.bytes_per_mb, out=out)))

    @cached_property
    def buyers(self) -> np.ndarray:  # noqa: D102
        return _last(_frozen(self._s.potential_buyers * self._accounts[0]))

    @cached_property
    def new_accounts(self) -> np.ndarray:  # noqa: D102
        return _last(self._accounts[1])

    @cached_property
    def accounts(self) -> np.ndarray:  # noqa: D102
        return _last(self._accounts[2])

    @cached_property
    def consumer_surplus_usd(self) -> np.ndarray:  # noqa: D102
        out = self._take(self._s.cs_per_want, self._s.kind)
        return _last(_frozen(np.multiply(self._buyers_times_wants, out, out=out)))

    @cached_property
    def elasticity(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.elasticity, self._s.level)

    @cached_property
    def diversion_p2p(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.diversion_p2p, self._s.level)

    @cached_property
    def diversion_itunes(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.diversion_itunes, self._s.level)

    @cached_property
    def diversion_none(self) -> np.ndarray:  # noqa: D102
        return self._by(self._s.diversion_none, self._s.level)


class _Totals:
    """A run summed over the periods of a mask; each sum is computed on first read, shape ``L``.

    A period's downloads, receipts, bytes, surplus and buyers are its potential buyers
    ``N_t`` times a factor of its group (:class:`_States`), so the window's ``N_t`` are
    summed once by group and each sum then costs a few group-sized operations:
    ``sum_t N_t w_t f_kind(t) = sum_kind f_kind sum_span w_span sum_(t in group) N_t``.

    Attributes
    ----------
    downloads, revenue_usd, bytes_served, buyers, consumer_surplus_usd : sums over the mask
    rate_elasticity_downloads : ``sum_t D_t e_t`` over the periods on the scenario's rate
    diversion_p2p_downloads, diversion_itunes_downloads : ``sum_t D_t diversion_t``
    paying_days : ``sum_t a_t days_t`` [days]
    accounts, potential_buyers : at the end of the mask's last period
    """

    def __init__(self, run: StoreRun, mask: np.ndarray) -> None:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            raise ValueError("year: the mask must select at least one period")
        s = run._s
        rows: dict[int, list[int]] = {}                            # the mask's periods, by group
        for t, g in zip(idx.tolist(), s.group[idx].tolist(), strict=True):
            rows.setdefault(g, []).append(t)
        groups = sorted(rows)                                      # sorted by kind: group = kind x W + span
        kind_of = s.group_kind[groups].tolist()
        kinds = sorted(set(kind_of))
        self._run, self._s, self._idx = run, s, idx
        self._rows = [rows[g] for g in groups]
        self._groups, self._kinds = np.array(groups), np.array(kinds)
        self._kind_groups = [slice(kind_of.index(k), len(kind_of) - kind_of[::-1].index(k)) for k in kinds]

    def _by_kind(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``sum_kind a[kind] b_kind`` for a per-kind table ``a`` and ``b`` of the mask's kinds."""
        out = np.take(a, self._kinds, axis=0)
        return np.multiply(out, b, out=out).sum(axis=0)

    @cached_property
    def _walked(self) -> tuple[np.ndarray, np.ndarray]:
        """The accounts at the mask's end and ``sum_(t in group) N_t`` for the mask's groups, (G_m,) + L."""
        return self._run._walk(int(self._idx[-1]) + 1, self._rows)

    @cached_property
    def _potential_buyers(self) -> np.ndarray:
        return self._walked[1]

    @cached_property
    def _wanted(self) -> np.ndarray:
        """``sum_(t in kind) N_t w_t`` for the mask's kinds, (C_m,) + L [tracks]."""
        s = self._s
        w = np.take(s.wants, s.group_span[self._groups], axis=0)
        np.multiply(self._potential_buyers, w, out=w)
        out = np.empty((self._kinds.size,) + s.lead)
        for k, groups in enumerate(self._kind_groups):
            np.sum(w[groups], axis=0, out=out[k, ...])
        return out

    @cached_property
    def _downloads(self) -> np.ndarray:
        """Downloads of the mask's kinds, (C_m,) + L."""
        out = np.take(self._s.share, self._kinds, axis=0)
        return np.multiply(self._wanted, out, out=out)

    def _per_download(self, by_level: np.ndarray) -> np.ndarray:
        """``sum_t D_t x_t`` for a per-level table ``x``, (R,) + L, over the mask."""
        return self._per_kind_download(np.take(by_level, self._s.kind_level[self._kinds], axis=0))

    def _per_download_mean(self, name: str) -> np.ndarray:
        """``sum_t D_t x_t`` for ``x`` the :meth:`_States.level_mean` ``name``, over the mask."""
        s = self._s
        return self._per_kind_download(np.stack([s.level_mean(name, r) for r in s.kind_level[self._kinds].tolist()]))

    def _per_kind_download(self, x: np.ndarray) -> np.ndarray:
        """``sum_kind D_kind x_kind`` for values ``x`` of the mask's kinds, (C_m,) + L (overwritten)."""
        return np.multiply(x, self._downloads, out=x).sum(axis=0)

    @cached_property
    def downloads(self) -> np.ndarray:
        return self._downloads.sum(axis=0)

    @cached_property
    def revenue_usd(self) -> np.ndarray:
        return self._per_download_mean("mean_price")

    @cached_property
    def bytes_served(self) -> np.ndarray:
        return self._per_download_mean("mean_mb") * self._s.bytes_per_mb

    @cached_property
    def diversion_p2p_downloads(self) -> np.ndarray:
        return self._per_download(self._s.diversion_p2p)

    @cached_property
    def diversion_itunes_downloads(self) -> np.ndarray:
        return self._per_download(self._s.diversion_itunes)

    @cached_property
    def rate_elasticity_downloads(self) -> np.ndarray:
        s = self._s
        last = s.rate.shape[0] - 1  # the level of the scenario's rate
        on = s.kind_level[self._kinds] == last
        return (self._downloads[on] * s.elasticity[last]).sum(axis=0)

    @cached_property
    def consumer_surplus_usd(self) -> np.ndarray:
        return self._by_kind(self._s.cs_per_want, self._wanted)

    @cached_property
    def buyers(self) -> np.ndarray:
        out = np.take(self._s.buy_probability, self._groups, axis=0)
        return np.multiply(out, self._potential_buyers, out=out).sum(axis=0)

    @cached_property
    def paying_days(self) -> np.ndarray:
        s = self._s
        days = np.bincount(s.state[self._idx], weights=self._run.periods.days[self._idx], minlength=_CARD_STATES)
        return (s.paying * days.reshape((-1,) + (1,) * len(s.lead))).sum(axis=0)

    @cached_property
    def accounts(self) -> np.ndarray:
        return self._walked[0]

    @cached_property
    def potential_buyers(self) -> np.ndarray:
        return np.array(self._s.potential_buyers[self._idx[-1]])


@dataclass(frozen=True, eq=False)
class _Awareness:
    """The potential buyers ``N_t = most / (1 + e_t)``, ``e_t = exp(-(u_t - mid) / spread)``, in full or period by period.

    Attributes
    ----------
    u : (P,) float array
        Months from the start to each period's middle, increasing [months].
    mid, spread, most : arrays of shape ``L``
        The awareness midpoint and spread [months], and ``N`` [people].
    stepwise : bool
        Where a period's middle is one month after the previous one's, take
        ``e_t = e_(t-1) exp(-1 / spread)`` (one product instead of a division and an
        exponential); a period after a shorter step starts again from ``exp``. Each product
        adds at most one rounding, so ``e_t`` agrees with ``exp`` to about ``P`` units in
        the last place (1e-14 relative). Only where no ``e_t`` can leave the normal range
        of floats (:meth:`of` checks every spread is positive and ``|(u_t - mid) / spread| < 700``).
    """

    u: np.ndarray
    mid: np.ndarray
    spread: np.ndarray
    most: np.ndarray
    stepwise: bool

    @classmethod
    def of(cls, u: np.ndarray, mid: np.ndarray, spread: np.ndarray, most: np.ndarray, *, stepwise: bool) -> _Awareness:
        """Return the curve, ``stepwise`` only where it is safe (see the class)."""
        if stepwise and np.all(spread > 0):
            first, last = (mid - u[0]) / spread, (mid - u[-1]) / spread
            stepwise = bool(first.max() < 700.0 and last.min() > -700.0)
        return cls(u=u, mid=mid, spread=spread, most=most, stepwise=bool(stepwise))

    @cached_property
    def unit_steps(self) -> list[bool]:
        """Whether each period's ``e_t`` is the previous one's times :attr:`step` (see the class)."""
        u = self.u.tolist()
        return [self.stepwise and t > 0 and u_t - u[t - 1] == 1.0 for t, u_t in enumerate(u)]

    @cached_property
    def step(self) -> np.ndarray:
        """``exp(-1 / spread)``, shape ``L``."""
        return np.exp(np.divide(-1.0, self.spread))

    def exponential(self, t: int, u_t: float, prev: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write ``e_t`` of period ``t`` (middle at ``u_t``) to ``out``, from ``prev = e_(t-1)``; return ``out``."""
        if self.unit_steps[t]:
            return np.multiply(prev, self.step, out=out)
        return np.exp(np.divide(np.subtract(self.mid, u_t, out=out), self.spread, out=out), out=out)

    def block(self) -> np.ndarray:
        """Return ``N_t`` for every period, ``(P,) + L``."""
        u, mid = self.u, self.mid
        if not self.stepwise:
            n = np.subtract(mid, u.reshape((-1,) + (1,) * mid.ndim))   # = -(u - mid), exactly
            np.exp(np.divide(n, self.spread, out=n), out=n)
        else:
            n = np.empty(u.shape + mid.shape)
            for t, u_t in enumerate(u.tolist()):   # (the first period takes exp: its prev is unused)
                self.exponential(t, u_t, n[t - 1, ...], n[t, ...])
        return np.divide(self.most, np.add(n, 1.0, out=n), out=n)


def _encoding_sum(mix: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return ``sum_j mix_j x_j`` over the first axis, one encoding after the other, as ``.sum(axis=0)`` adds."""
    out = np.multiply(mix[0], x[0], out=np.empty(np.broadcast_shapes(mix.shape[1:], x.shape[1:])))
    term = np.empty_like(out)
    for j in range(1, mix.shape[0]):
        np.add(out, np.multiply(mix[j], x[j], out=term), out=out)
    return out


def run_store(p: Periods, x: StoreInputs) -> StoreRun:
    """Evaluate the store model over every period (see the module's formulas).

    Parameters
    ----------
    p : Periods
        From :func:`periods_of`.
    x : StoreInputs
        Floats, or arrays of one broadcast shape ``L`` (the sizes stay (E,); the mix
        weights may be ``L + (E,)``).

    Returns
    -------
    StoreRun
        Arrays of shape ``L + (P,)`` (the mix ``L + (P, E)``), each computed when first read.

    Notes
    -----
    The nest is evaluated once per rate level, the choice shares once per (rate level,
    payment state) pair that occurs and the wants once per (days, month's days) pair
    (:class:`_States`); only the potential buyers and the fields read from the run are
    computed for every period.
    """
    return _run(p, x, draws=False)


def _run_draws(p: Periods, x: StoreInputs) -> StoreRun:
    """Evaluate the store model like :func:`run_store`, for runs of many draws (the Monte Carlo's).

    The same formulas with their arithmetic regrouped for speed: the potential buyers'
    exponentials taken as a running product along whole-month steps
    (:class:`_Awareness`), the nest's price term ``alpha (p_jr - p_j^ref) / mu`` as
    ``S_j c_r`` with ``c_r = alpha (r_r - r^ref) (1 - discount) / (mu bytes_per_mb)`` (one
    product a cell), and a window's accounts and sums in one pass over the periods without
    the ``max`` that never binds there (:meth:`StoreRun._walk`). Every field agrees with
    :func:`run_store`'s to about 1e-14 relative (the tests hold it to 1e-12), not to the last
    bit: the fit, whose optimizer can amplify last-bit changes, reads :func:`run_store`.
    """
    return _run(p, x, draws=True)


def _run(p: Periods, x: StoreInputs, *, draws: bool) -> StoreRun:
    """Evaluate the store model (:func:`run_store`; ``draws``: :func:`_run_draws`)."""
    opt = [a for a in (x.cap_usd_per_track, x.flat_price_usd) if a is not None]
    shapes = {a.shape if isinstance(a, np.ndarray) else np.shape(a) for a in (getattr(x, f) for f in _NUMERIC)}
    lead = np.broadcast_shapes(*shapes | {np.shape(x.mix_weights)[:-1], np.shape(x.card_freeze)},
                               *(np.shape(a) for a in opt))
    one = (1,) * len(lead)

    def v(a) -> np.ndarray:  # read only: the caller's arrays when they have the shape L
        a = np.asarray(a, dtype=float)
        return a if a.shape == lead else np.broadcast_to(a, lead)

    lay = p._layout
    alpha, mu, disc = v(x.price_sensitivity_per_usd), v(x.nest_scale), v(x.discount_share)
    rate = np.empty((lay.history.size + 1,) + lead)                       # (R,) + L [USD/MB]
    rate[:-1] = lay.history.reshape((-1,) + one)
    rate[-1] = v(x.rate_usd_per_mb)
    mb = (x.sizes_bytes / x.bytes_per_mb).reshape((-1, 1) + one)         # (E, 1) + L [MB]
    unit_price = rate * (1.0 - disc)                                      # (R,) + L [USD/MB]
    ref_price = v(x.mix_reference_rate_usd_per_mb) * (1.0 - disc)
    w = np.asarray(x.mix_weights, dtype=float)
    w = w.reshape((-1,) + one) if w.ndim == 1 else np.moveaxis(np.broadcast_to(w, lead + w.shape[-1:]), -1, 0)
    with np.errstate(divide="ignore"):
        log_w = np.log(w)                                                 # (E,) + L; -inf for an unused encoding
    log_w = log_w + v(x.quality_tilt) * np.log(x.sizes_bytes / x.sizes_bytes.min()).reshape((-1,) + one)
    log_w = np.subtract(log_w, np.max(log_w, axis=0), out=log_w)
    log_w = np.subtract(log_w, np.log(np.exp(log_w).sum(axis=0)), out=log_w)[:, None]   # (E, 1) + L, normalised
    price: np.ndarray | None = None     # draws, per MB throughout: every price is the unit price times the size
    per_mb = None
    if not draws or opt:
        price = unit_price * mb                                           # (E, R) + L [USD]
        per_mb = price                                                    # the part of a price that moves with the rate
    if opt:  # the teaching alternatives change the last level only (the scenario's rate)
        assert price is not None
        per_mb = price.copy()
        if x.cap_usd_per_track is not None:
            cap = np.asarray(x.cap_usd_per_track, dtype=float)
            capped = price[:, -1] > cap
            price[:, -1] = np.where(capped, cap, price[:, -1])
            per_mb[:, -1] = np.where(capped, 0.0, per_mb[:, -1])
        if x.flat_price_usd is not None:
            price[:, -1] = np.asarray(x.flat_price_usd, dtype=float)
            per_mb[:, -1] = 0.0
    if draws:  # alpha (p_jr - p_j^ref) / mu = S_j c_r, the last level's from its prices under an alternative
        c = np.subtract(unit_price, ref_price)
        np.multiply(alpha, c, out=c)
        z = mb * np.divide(c, mu, out=c)
        if price is not None:
            z[:, -1] = alpha * (price[:, -1] - ref_price * mb[:, 0]) / mu
    else:
        assert price is not None
        z = price - ref_price * mb
        np.multiply(alpha, z, out=z)
        np.divide(z, mu, out=z)
    np.subtract(log_w, z, out=z)                                          # (E, R) + L
    z_max = np.max(z, axis=0)
    ez = np.exp(np.subtract(z, z_max, out=z), out=z)
    sum_ez = ez.sum(axis=0)
    log_sum = z_max + np.log(sum_ez)                                      # (R,) + L
    iv = v(x.store_utility) + mu * log_sum
    v_i = v(x.itunes_utility) - alpha * v(x.itunes_track_usd)
    v_p = v(x.p2p_utility)
    top = np.maximum(np.maximum(iv, v_i), np.maximum(v_p, 0.0))
    e_a, e_i, e_p, e_0 = np.exp(iv - top), np.exp(v_i - top), np.exp(v_p - top), np.exp(-top)
    with_store = e_0 + e_a + e_i + e_p
    lost = np.zeros((_CARD_STATES,) + lead)                               # share of card payers lost, by state
    if np.ndim(x.card_freeze) or x.card_freeze:
        lost[1], lost[2] = v(x.mastercard_share), 1.0
        if np.ndim(x.card_freeze):
            lost = np.where(np.asarray(x.card_freeze), lost, 0.0)
    paying = 1.0 - v(x.card_share) * lost * (1.0 - v(x.recovered_share))   # (3,) + L
    aware = _Awareness.of(p.months_since_start, v(x.awareness_midpoint_months), v(x.awareness_spread_months),
                          v(x.potential_buyers), stepwise=draws)
    spans = lay.ratio_spans if draws else lay.spans
    wants = spans.wants(v(x.track_wants_per_month))                       # (W,) + L
    return StoreRun(periods=p, _s=_States(
        lead=lead, level=lay.level, state=lay.state, kind=lay.kind, span=spans.span, group=spans.group,
        kind_level=lay.kind_level, kind_state=lay.kind_state, group_kind=spans.group_kind, group_span=spans.group_span,
        bytes_per_mb=float(x.bytes_per_mb), rate=rate, draws=draws, ez=ez, sum_ez=sum_ez, size_mb=mb,
        unit_price=unit_price, price=price, per_mb=per_mb,
        alpha=alpha, store_share_if_paying=e_a / with_store, e_0=e_0, e_i=e_i, e_p=e_p, with_store=with_store,
        without=e_0 + e_i + e_p, paying=paying, aware=aware, wants=_frozen(wants),
    ))


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
