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


#: The numeric fields of :class:`StoreInputs` that broadcast on the leading axes.
_NUMERIC = tuple(f.name for f in fields(StoreInputs) if f.name not in
                 ("sizes_bytes", "mix_weights", "bytes_per_mb", "card_freeze", "flat_price_usd", "cap_usd_per_track"))
#: Card payment states of a period: both networks work, MasterCard stopped, every card stopped.
_CARD_STATES = 3


@dataclass(frozen=True, eq=False)
class _States:
    """The model at its few distinct states: every period is in one of them.

    Within AllofMP3's nest a period depends only on its rate *level* (the history's rates
    before the last rate step, then the scenario's rate: ``R`` levels); the card freeze only
    on its *payment state* (``_CARD_STATES``); the choice shares on its *kind*, the (level,
    state) pairs that occur (``C``). Arrays hold the states on their first axis, then the
    leading axes ``L`` of the inputs (the mix: ``(E, R) + L``), so a run of many draws
    evaluates ``E x R`` and ``C`` cells a draw rather than ``P x E``; the potential buyers
    and the wants are per period, ``(P,) + L``.
    """

    lead: tuple[int, ...]
    level: np.ndarray
    state: np.ndarray
    kind: np.ndarray
    bytes_per_mb: float
    rate: np.ndarray
    mix: np.ndarray
    store_share_if_paying: np.ndarray
    mean_price: np.ndarray
    mean_mb: np.ndarray
    elasticity: np.ndarray
    diversion_p2p: np.ndarray
    diversion_itunes: np.ndarray
    diversion_none: np.ndarray
    paying: np.ndarray
    share: np.ndarray
    itunes: np.ndarray
    p2p: np.ndarray
    none: np.ndarray
    cs_per_want: np.ndarray
    log_keep: np.ndarray
    potential_buyers: np.ndarray
    wants: np.ndarray
    accounts_before: np.ndarray | float = 0.0


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
        return _frozen(self._s.potential_buyers * self._s.wants)

    @cached_property
    def _downloads(self) -> np.ndarray:
        out = self._take(self._s.share, self._s.kind)
        return _frozen(np.multiply(self._buyers_times_wants, out, out=out))

    def _buy_probability(self) -> np.ndarray:
        """Return the share of potential buyers who buy at least once in each period, ``1 - (1 - share)^wants``."""
        s = self._s
        prob = self._take(s.log_keep, s.kind)
        np.multiply(s.wants, prob, out=prob)
        return np.negative(np.expm1(prob, out=prob), out=prob)

    def _accounts_at_end(self) -> np.ndarray:
        """Return the accounts at the end of the last period (the recursion of ``_accounts``, nothing stored)."""
        s = self._s
        n, prob = s.potential_buyers, self._buy_probability()
        gap = np.empty(n.shape[1:])
        prev = np.array(np.broadcast_to(s.accounts_before, n.shape[1:]), dtype=float)
        for t in range(n.shape[0]):
            np.maximum(np.subtract(n[t], prev, out=gap), 0.0, out=gap)
            np.add(prev, np.multiply(gap, prob[t], out=gap), out=prev)
        return prev

    @cached_property
    def _accounts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = self._s
        n, prob = s.potential_buyers, self._buy_probability()
        new, acc = np.empty(n.shape), np.empty(n.shape)
        gap = np.empty(n.shape[1:])
        prev = np.broadcast_to(s.accounts_before, n.shape[1:])
        for t in range(n.shape[0]):
            np.maximum(np.subtract(n[t], prev, out=gap), 0.0, out=gap)
            np.multiply(gap, prob[t], out=new[t, ...])
            prev = np.add(prev, new[t], out=acc[t, ...])
        return _frozen(prob), _frozen(new), _frozen(acc)

    def window(self, mask: np.ndarray) -> StoreRun:
        """Return the run over the consecutive periods in ``mask`` alone, with the accounts opened before them.

        ``year_from_run(run.window(m), np.ones(m.sum(), bool), acct)`` equals
        ``year_from_run(run, m, acct)`` but computes the fields of the window's periods only
        (the accounts' recursion still runs over the periods before it): what a Monte Carlo
        of one year needs.

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
        if "_accounts" in self.__dict__ or part.start == 0:
            before = self._accounts[2][part.start - 1] if part.start else s.accounts_before
        else:
            head = StoreRun(periods=p, _s=replace(s, level=s.level[:part.start], state=s.state[:part.start],
                                                  kind=s.kind[:part.start], potential_buyers=s.potential_buyers[:part.start],
                                                  wants=s.wants[:part.start]))
            before = head._accounts_at_end()
        return StoreRun(periods=Periods(**{f.name: getattr(p, f.name)[part] for f in fields(Periods)}),
                        _s=replace(s, level=s.level[part], state=s.state[part], kind=s.kind[part],
                                   potential_buyers=s.potential_buyers[part], wants=s.wants[part],
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
    The nest is evaluated once per rate level and the choice shares once per (rate level,
    payment state) pair that occurs (:class:`_States`); only the potential buyers, the wants
    and the fields read from the run are computed for every period.
    """
    opt = [a for a in (x.cap_usd_per_track, x.flat_price_usd) if a is not None]
    lead = np.broadcast_shapes(*(np.shape(getattr(x, f)) for f in _NUMERIC), np.shape(x.mix_weights)[:-1],
                               np.shape(x.card_freeze), *(np.shape(a) for a in opt))
    one = (1,) * len(lead)

    def v(a) -> np.ndarray:
        return np.broadcast_to(np.asarray(a, dtype=float), lead)

    alpha, mu, disc = v(x.price_sensitivity_per_usd), v(x.nest_scale), v(x.discount_share)
    history = np.unique(p.history_rate_usd_per_mb[~p.last_step])
    level = np.where(p.last_step, history.size, np.searchsorted(history, p.history_rate_usd_per_mb))
    rate = np.empty((history.size + 1,) + lead)                           # (R,) + L [USD/MB]
    rate[:-1] = history.reshape((-1,) + one)
    rate[-1] = v(x.rate_usd_per_mb)
    mb = (x.sizes_bytes / x.bytes_per_mb).reshape((-1, 1) + one)         # (E, 1) + L [MB]
    unit_price = rate * (1.0 - disc)                                      # (R,) + L [USD/MB]
    ref_price = v(x.mix_reference_rate_usd_per_mb) * (1.0 - disc)
    w = np.asarray(x.mix_weights, dtype=float)
    w = w.reshape((-1,) + one) if w.ndim == 1 else np.moveaxis(np.broadcast_to(w, lead + w.shape[-1:]), -1, 0)
    with np.errstate(divide="ignore"):
        log_w = np.log(w)                                                 # (E,) + L; -inf for an unused encoding
    log_w = log_w + v(x.quality_tilt) * np.log(x.sizes_bytes / x.sizes_bytes.min()).reshape((-1,) + one)
    lw_max = np.max(log_w, axis=0)
    log_w = (log_w - lw_max - np.log(np.exp(log_w - lw_max).sum(axis=0)))[:, None]   # (E, 1) + L
    price = unit_price * mb                                               # (E, R) + L [USD]
    per_mb = price                                                        # the part of a price that moves with the rate
    if opt:  # the teaching alternatives change the last level only (the scenario's rate)
        per_mb = price.copy()
        if x.cap_usd_per_track is not None:
            cap = np.asarray(x.cap_usd_per_track, dtype=float)
            capped = price[:, -1] > cap
            price[:, -1] = np.where(capped, cap, price[:, -1])
            per_mb[:, -1] = np.where(capped, 0.0, per_mb[:, -1])
        if x.flat_price_usd is not None:
            price[:, -1] = np.asarray(x.flat_price_usd, dtype=float)
            per_mb[:, -1] = 0.0
    z = price - ref_price * mb
    np.multiply(alpha, z, out=z)
    np.divide(z, mu, out=z)
    np.subtract(log_w, z, out=z)                                          # (E, R) + L
    z_max = np.max(z, axis=0)
    ez = np.exp(np.subtract(z, z_max, out=z), out=z)
    sum_ez = ez.sum(axis=0)
    mix = np.divide(ez, sum_ez, out=ez)
    log_sum = z_max + np.log(sum_ez)                                      # (R,) + L
    iv = v(x.store_utility) + mu * log_sum
    v_i = v(x.itunes_utility) - alpha * v(x.itunes_track_usd)
    v_p = v(x.p2p_utility)
    top = np.maximum(np.maximum(iv, v_i), np.maximum(v_p, 0.0))
    e_a, e_i, e_p, e_0 = np.exp(iv - top), np.exp(v_i - top), np.exp(v_p - top), np.exp(-top)
    with_store = e_0 + e_a + e_i + e_p
    without = e_0 + e_i + e_p
    s_a = e_a / with_store
    lost_pool = 1.0 - s_a
    state = np.where(p.visa_off, 2, np.where(p.mastercard_off, 1, 0))
    lost = np.stack([np.zeros(lead), v(x.mastercard_share), np.ones(lead)])
    lost = np.where(np.asarray(x.card_freeze), lost, 0.0)
    paying = 1.0 - v(x.card_share) * lost * (1.0 - v(x.recovered_share))   # (3,) + L
    kinds, kind = np.unique(level * _CARD_STATES + state, return_inverse=True)
    lv, st = kinds // _CARD_STATES, kinds % _CARD_STATES
    pay, ws, wo, e_ik, e_pk = paying[st], with_store[lv], without[lv], e_i[lv], e_p[lv]   # (C,) + L
    share = pay * s_a[lv]
    itunes = pay * e_ik / ws + (1.0 - pay) * e_ik / wo
    p2p = pay * e_pk / ws + (1.0 - pay) * e_pk / wo
    shape = (-1,) + one
    n = np.subtract(p.months_since_start.reshape(shape), v(x.awareness_midpoint_months))   # (P,) + L
    np.divide(n, v(x.awareness_spread_months), out=n)
    np.exp(np.negative(n, out=n), out=n)
    np.divide(v(x.potential_buyers), np.add(n, 1.0, out=n), out=n)
    wants = np.multiply(v(x.track_wants_per_month), p.days.reshape(shape))
    np.divide(wants, p.month_days.reshape(shape), out=wants)
    return StoreRun(periods=p, _s=_States(
        lead=lead, level=level, state=state, kind=kind.ravel(), bytes_per_mb=float(x.bytes_per_mb),
        rate=rate, mix=_frozen(mix), store_share_if_paying=s_a,
        mean_price=(mix * price).sum(axis=0), mean_mb=(mix * mb).sum(axis=0),
        elasticity=-alpha * (mix * per_mb).sum(axis=0) * (1.0 - s_a),
        diversion_p2p=e_p / with_store / lost_pool, diversion_itunes=e_i / with_store / lost_pool,
        diversion_none=e_0 / with_store / lost_pool, paying=paying, share=share, itunes=itunes, p2p=p2p,
        none=1.0 - share - itunes - p2p, cs_per_want=pay * (np.log(ws) - np.log(wo)) / alpha,
        log_keep=np.log1p(-np.minimum(share, 1.0 - 1e-15)), potential_buyers=_frozen(n), wants=_frozen(wants),
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
