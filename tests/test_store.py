"""The store model: logit closed forms checked numerically, the card freeze by its dates, vectorization."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from simulator.model.store import (
    StoreError,
    periods_of,
    run_store,
    store_inputs,
    store_months,
    store_run,
    window_mask,
    year_months,
)
from simulator.params.scenario import make_scenario

S = make_scenario()
P = periods_of(S)
X = store_inputs(S)
LAST = int(np.nonzero(P.last_step)[0][-1])  # a period on the scenario's rate


def _run(**changes):
    return run_store(P, replace(X, **changes))


def test_periods_split_the_months_where_the_rate_changes():
    assert str(P.start[0]) == "2004-01-01" and str(P.end[-1]) == "2007-07-01"
    aug = P.month == np.datetime64("2006-08")
    assert P.days[aug].tolist() == [12.0, 19.0]                       # 1-12 Aug at 2 c, 13-31 Aug at 3 c
    assert P.history_rate_usd_per_mb[aug].tolist() == [0.02, 0.03]
    assert P.days.sum() == (np.datetime64("2007-07-01") - np.datetime64("2004-01-01")).astype(int)


def test_the_card_freeze_follows_its_dates():
    r = store_run(S)
    cs, mc, rec = S.payments.card_share, S.payments.mastercard_share, S.payments.recovered_share
    at = {str(P.start[i]): r.paying_share[i] for i in range(len(P.start))}
    assert at["2006-07-01"] == 1.0
    assert at["2006-08-01"] == pytest.approx(1 - cs * mc * (1 - rec), rel=1e-12)    # MasterCard only
    assert at["2006-09-01"] == pytest.approx(1 - cs * (1 - rec), rel=1e-12)         # every card
    off = store_run(S.with_overrides({"payments.card_freeze_active": False}))
    assert np.all(off.paying_share == 1.0)


def test_choice_shares_add_up_and_the_mix_at_the_reference_rate_is_the_weights():
    r = _run(quality_tilt=0.0, rate_usd_per_mb=X.mix_reference_rate_usd_per_mb)
    total = r.store_share + r.itunes_share + r.p2p_share + r.none_share
    assert np.allclose(total, 1.0, atol=1e-12)
    assert np.allclose(r.mix[LAST], X.mix_weights, atol=1e-12)       # the mix weights hold at the reference rate


def test_the_elasticity_closed_form_matches_a_numerical_derivative():
    h = 1e-6
    r0 = float(X.rate_usd_per_mb)
    up, down = _run(rate_usd_per_mb=r0 * (1 + h)), _run(rate_usd_per_mb=r0 * (1 - h))
    numeric = (np.log(up.downloads[LAST]) - np.log(down.downloads[LAST])) / (np.log(1 + h) - np.log(1 - h))
    assert store_run(S).elasticity[LAST] == pytest.approx(numeric, rel=1e-6)


def test_diversion_ratios_match_the_numerical_flows():
    h = 1e-6
    r0 = float(X.rate_usd_per_mb)
    a, b = _run(rate_usd_per_mb=r0), _run(rate_usd_per_mb=r0 * (1 + h))
    # Among those who can pay (the freeze scales every share by the same paying share).
    lost = a.store_share_if_paying[LAST] - b.store_share_if_paying[LAST]
    pay = a.paying_share[LAST]
    to_p2p = ((b.p2p_share[LAST] - a.p2p_share[LAST]) / pay)
    to_itunes = ((b.itunes_share[LAST] - a.itunes_share[LAST]) / pay)
    assert a.diversion_p2p[LAST] == pytest.approx(to_p2p / lost, rel=1e-4)
    assert a.diversion_itunes[LAST] == pytest.approx(to_itunes / lost, rel=1e-4)


def test_a_higher_rate_moves_buyers_to_smaller_files():
    lo, hi = _run(rate_usd_per_mb=0.02), _run(rate_usd_per_mb=0.04)
    assert hi.mix[LAST, 0] > lo.mix[LAST, 0]                          # more MP3 128 kbps
    assert hi.mean_size_bytes[LAST] < lo.mean_size_bytes[LAST]


def test_consumer_surplus_obeys_roys_identity():
    # d CS / d r = -(downloads x d price / d r): the log-sum's derivative is minus the quantity.
    h = 1e-7
    r0 = float(X.rate_usd_per_mb)
    a, b = _run(rate_usd_per_mb=r0 - h), _run(rate_usd_per_mb=r0 + h)
    dcs = (b.consumer_surplus_usd[LAST] - a.consumer_surplus_usd[LAST]) / (2 * h)
    mid = _run(rate_usd_per_mb=r0)
    mb = X.sizes_bytes / X.bytes_per_mb
    dprice = mb * (1 - X.discount_share)                              # d p_j / d r
    expected = -(mid.downloads[LAST] * (mid.mix[LAST] * dprice).sum())
    assert dcs == pytest.approx(expected, rel=1e-5)


def test_the_revenue_maximizing_price_of_a_single_product_logit_is_the_markup_formula():
    # One encoding, so the nest is a single product: R(p) = p s(p) peaks at p* = 1 / (alpha (1 - s(p*))).
    w = np.zeros_like(X.mix_weights)
    w[0] = 1.0
    one = replace(X, mix_weights=w, quality_tilt=0.0)
    rates = np.linspace(0.005, 0.2, 40001)
    r = run_store(P, replace(one, rate_usd_per_mb=rates))
    rev = r.mean_price_usd[:, LAST] * r.store_share[:, LAST]
    k = int(np.argmax(rev))
    p_star, s_star = r.mean_price_usd[k, LAST], r.store_share_if_paying[k, LAST]
    assert 0 < k < rates.size - 1
    assert p_star == pytest.approx(1.0 / (X.price_sensitivity_per_usd * (1.0 - s_star)), rel=1e-3)


def test_arrays_of_inputs_give_what_a_loop_gives():
    rates = np.array([0.01, 0.025, 0.05])
    alphas = np.array([5.0, 9.4, 15.0])
    r = _run(rate_usd_per_mb=rates, price_sensitivity_per_usd=alphas)
    for i in range(3):
        one = _run(rate_usd_per_mb=float(rates[i]), price_sensitivity_per_usd=float(alphas[i]))
        assert np.allclose(r.revenue_usd[i], one.revenue_usd, rtol=1e-13)
        assert np.allclose(r.accounts[i], one.accounts, rtol=1e-13)


def test_accounts_grow_and_never_pass_the_potential_buyers():
    r = store_run(S)
    assert np.all(np.diff(r.accounts) >= 0)
    assert np.all(r.accounts <= r.potential_buyers * (1 + 1e-12))


def test_months_sum_the_periods():
    m = store_months(S)
    r = store_run(S)
    assert len(m) == 42
    assert m.revenue_usd.sum() == pytest.approx(r.revenue_usd.sum(), rel=1e-12)
    aug = m.set_index("month").loc["2006-08-01"]
    assert aug.rate_usd_per_mb == pytest.approx((12 * 0.02 + 19 * 0.03) / 31, rel=1e-12)


def test_a_window_outside_the_time_line_is_refused_by_name():
    with pytest.raises(StoreError, match="timeline.year_end"):
        window_mask(P, "2004-06")
    with pytest.raises(StoreError, match="timeline.year_end"):
        window_mask(P, "not a month")
    assert window_mask(P, "2007-07").sum() == 13                      # 12 months, August in two periods
    assert year_months("2007-07") == "Jul 2006 to Jun 2007"
