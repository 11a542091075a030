"""The fast paths of the year (issue 13's Monte Carlo benchmark) give the reference's numbers.

Reference: the year summed period by period from a run's public fields (``year_from_run`` as
it was before it summed by state, copied below), on runs of ``run_store``. Fast paths:
``year_from_run`` and ``market_year`` (sums by state, the accounts' recursion up to the
window's end), ``market._year_fields`` (the fields asked for only), ``store._run_draws`` (the
Monte Carlo's regrouped arithmetic and its one pass over the periods) and the Monte Carlo's
percentiles (numpy's, by selection). Every number agrees to 1e-12 relative; a field that is a
difference (the gaps to the reports, the margin) to 1e-12 of the terms it is the difference of.
"""

from __future__ import annotations

import platform
from dataclasses import fields, replace

import numpy as np
import pytest

from simulator.model import uncertainty as unc
from simulator.model.market import MarketYear, _year_fields, accounting_inputs, market_year, year_from_run
from simulator.model.profile import download_profile
from simulator.model.store import (
    StoreRun,
    _run_draws,
    periods_of,
    run_store,
    store_inputs,
    store_run,
    window_mask,
)
from simulator.params.scenario import make_scenario

REL = 1e-12
NUMBERS = [f.name for f in fields(MarketYear) if f.name != "mb_unit"]
PRESETS = [None, "rate_2005", "card_freeze", "mp3sparks", "itunes_terms", "lossless"]
YEAR_ENDS = ["2007-07", "2007-01", "2006-10", "2006-08", "2006-01", "2005-08", "2005-01"]


def _reference_year(run: StoreRun, mask: np.ndarray, acct) -> dict[str, np.ndarray]:
    """The year period by period from the run's public fields (``year_from_run`` before issue 13's speed-up)."""
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
    rep_rev = np.asarray(acct["reported_revenue_usd"], dtype=float)
    rep_cust = np.asarray(acct["reported_customers"], dtype=float)
    return {
        "customers": customers, "monthly_buyers": run.buyers[..., mask].sum(axis=-1) / months,
        "potential_buyers": run.potential_buyers[..., mask][..., -1],
        "paying_factor": (run.paying_share[..., mask] * days).sum(axis=-1) / days.sum(),
        "downloads_per_customer": dl_per_customer, "downloads": downloads, "mean_size_mb": size_mb,
        "mean_price_usd": price, "revenue_usd": revenue, "card_fee_usd": card, "bandwidth_usd": bandwidth,
        "roms_usd": roms, "fair_usd": fair, "labels_usd": labels,
        "operator_margin_usd": revenue - card - bandwidth - roms - fair - labels,
        "data_served_tb": data / acct["bytes_per_tb"], "revenue_per_customer_usd": per_customer,
        "consumer_surplus_usd": run.consumer_surplus_usd[..., mask].sum(axis=-1), "elasticity": elasticity,
        "diversion_p2p": div_p2p, "diversion_itunes": div_itunes, "reported_revenue_usd": rep_rev,
        "reported_customers": rep_cust, "revenue_gap_usd": revenue - rep_rev,
        "revenue_gap_pct": 100.0 * (revenue - rep_rev) / rep_rev, "customers_gap": customers - rep_cust,
        "customers_gap_pct": 100.0 * (customers - rep_cust) / rep_cust,
    }


def _scale(name: str, ref: dict[str, np.ndarray]) -> np.ndarray:
    """Size of the terms a field is computed from (itself, or what it is the difference of)."""
    if name in ("revenue_gap_usd", "revenue_gap_pct"):
        terms = np.maximum(np.abs(ref["revenue_usd"]), np.abs(ref["reported_revenue_usd"]))
        return terms if name == "revenue_gap_usd" else 100.0 * terms / np.abs(ref["reported_revenue_usd"])
    if name in ("customers_gap", "customers_gap_pct"):
        terms = np.maximum(np.abs(ref["customers"]), np.abs(ref["reported_customers"]))
        return terms if name == "customers_gap" else 100.0 * terms / np.abs(ref["reported_customers"])
    if name == "operator_margin_usd":
        return np.abs(ref["revenue_usd"]) + np.abs(ref["labels_usd"])
    return np.abs(ref[name])


def _assert_year(got, ref: dict[str, np.ndarray], where) -> None:
    for name in NUMBERS:
        g = np.asarray(got[name] if isinstance(got, dict) else getattr(got, name), dtype=float)
        want = np.asarray(ref[name], dtype=float)
        assert g.shape == want.shape, (where, name, g.shape, want.shape)
        assert np.array_equal(np.isnan(g), np.isnan(want)), (where, name)
        ok = np.isnan(want) | (np.abs(g - want) <= REL * _scale(name, ref))
        assert ok.all(), (where, name, g[~ok] if g.ndim else g, want[~ok] if want.ndim else want)


def _variants(s) -> dict[str, object]:
    """The scenario's store inputs with rates, flat and capped prices, card freezes and many draws as arrays."""
    x = store_inputs(s)
    rng = np.random.default_rng(2007)
    n = 257
    draws = replace(
        x, potential_buyers=x.potential_buyers * rng.lognormal(0.0, 0.3, n),
        awareness_midpoint_months=rng.uniform(0.0, 60.0, n), awareness_spread_months=rng.uniform(0.5, 36.0, n),
        store_utility=x.store_utility + rng.normal(0.0, 0.5, n), nest_scale=rng.uniform(0.2, 1.0, n),
        price_sensitivity_per_usd=x.price_sensitivity_per_usd * rng.lognormal(0.0, 0.3, n),
        track_wants_per_month=rng.uniform(5.0, 30.0, n), card_share=rng.uniform(0.2, 0.9, n),
        recovered_share=rng.uniform(0.0, 0.6, n), mix_weights=rng.dirichlet(np.ones(x.mix_weights.size), n))
    return {
        "rates": replace(x, rate_usd_per_mb=np.array([0.001, 0.01, 0.02, 0.03, 0.045, 0.12])),
        "flat": replace(x, flat_price_usd=np.array([0.05, 0.2, 0.99])),
        "capped": replace(x, cap_usd_per_track=np.array([0.05, 0.15, 5.0]), rate_usd_per_mb=np.array([[0.01], [0.04]])),
        "freeze_on_off": replace(x, card_freeze=np.array([True, False])),
        "draws": draws,
    }


@pytest.mark.parametrize("preset", PRESETS, ids=[p or "defaults" for p in PRESETS])
def test_year_from_run_on_arrays_equals_the_period_by_period_sums(preset):
    s = make_scenario(preset=preset)
    p, acct = periods_of(s), accounting_inputs(s)
    for name, x in _variants(s).items():
        for year_end in YEAR_ENDS:
            mask = window_mask(p, year_end)
            ref = _reference_year(run_store(p, x), mask, acct)
            _assert_year(year_from_run(run_store(p, x), mask, acct), ref, (preset, name, year_end))
            fast = _year_fields(run_store(p, x), mask, acct, unc.MC_OUTPUTS)
            _assert_year({**ref, **fast}, ref, (preset, name, year_end, "fields"))


@pytest.mark.parametrize("preset", PRESETS, ids=[p or "defaults" for p in PRESETS])
@pytest.mark.parametrize("overrides", [{}, {"royalties.base": "profit", "royalties.fair_enabled": True},
                                       {"payments.card_freeze_active": False}], ids=["as_set", "profit_fair", "no_freeze"])
def test_market_year_equals_the_reference_on_one_scenario(preset, overrides):
    for year_end in YEAR_ENDS:
        s = make_scenario(preset=preset, overrides={**overrides, "timeline.year_end": year_end})
        run = store_run(s)
        ref = _reference_year(run, window_mask(run.periods, year_end), accounting_inputs(s))
        _assert_year(market_year(s), ref, (preset, overrides, year_end))


@pytest.mark.parametrize("preset", PRESETS, ids=[p or "defaults" for p in PRESETS])
def test_the_monte_carlos_arithmetic_equals_run_stores(preset):
    s = make_scenario(preset=preset)
    p, acct = periods_of(s), accounting_inputs(s)
    public = [n for n in dir(StoreRun) if not n.startswith("_") and n not in ("periods", "window")]
    for name, x in _variants(s).items():
        exact, draws = run_store(p, x), _run_draws(p, x)
        for f in public:
            a, b = np.asarray(getattr(exact, f)), np.asarray(getattr(draws, f))
            np.testing.assert_allclose(b, a, rtol=REL, atol=0, err_msg=f"{preset} {name} {f}")
        for year_end in YEAR_ENDS:
            mask = window_mask(p, year_end)
            ref = _reference_year(run_store(p, x), mask, acct)
            _assert_year(year_from_run(_run_draws(p, x), mask, acct), ref, (preset, name, year_end))


def test_the_draws_path_takes_exp_wherever_a_running_product_could_leave_the_floats():
    s = make_scenario()
    p, x = periods_of(s), store_inputs(s)
    tiny = replace(x, awareness_spread_months=np.array([0.01, 12.0]), awareness_midpoint_months=np.array([30.0, 24.0]))
    with np.errstate(over="ignore"):  # exp((mid - u) / spread) overflows: N_t = 0, in both paths
        run = _run_draws(p, tiny)
        assert not run._s.aware.stepwise
        np.testing.assert_array_equal(run.potential_buyers, run_store(p, tiny).potential_buyers)
    assert _run_draws(p, replace(x, awareness_spread_months=np.array([3.0, 12.0])))._s.aware.stepwise


@pytest.mark.parametrize("which", ["first_period", "a_split_month", "every_other", "the_whole_line", "last_three"])
def test_any_mask_gives_the_reference_year(which):
    s = make_scenario()
    p, acct = periods_of(s), accounting_inputs(s)
    n = p.days.size
    mask = {"first_period": np.arange(n) == 0, "a_split_month": p.month == np.datetime64("2006-08"),
            "every_other": np.arange(n) % 2 == 1, "the_whole_line": np.ones(n, bool),
            "last_three": np.arange(n) >= n - 3}[which]
    for x in (store_inputs(s), _variants(s)["draws"]):
        ref = _reference_year(run_store(p, x), mask, acct)
        _assert_year(year_from_run(run_store(p, x), mask, acct), ref, which)
        _assert_year(year_from_run(_run_draws(p, x), mask, acct), ref, (which, "draws"))
    with pytest.raises(ValueError, match="at least one period"):
        year_from_run(run_store(p, store_inputs(s)), np.zeros(n, bool), acct)


def test_a_run_whose_fields_were_read_gives_the_same_year():
    # the year reads the stored recursion once a reader has asked for every period's accounts
    s = make_scenario()
    p, acct, x = periods_of(s), accounting_inputs(s), _variants(make_scenario())["draws"]
    mask = window_mask(p, "2006-10")
    for make in (run_store, _run_draws):
        fresh, read = make(p, x), make(p, x)
        read.accounts, read.potential_buyers  # noqa: B018
        a, b = year_from_run(fresh, mask, acct), year_from_run(read, mask, acct)
        _assert_year(b, _reference_year(run_store(p, x), mask, acct), make.__name__)
        np.testing.assert_allclose(a.customers, b.customers, rtol=REL, atol=0)


@pytest.mark.parametrize("n", [20_000, 20_001, 99_999, 100_000])
def test_the_monte_carlos_percentiles_are_numpys(n):
    rng = np.random.default_rng(n)
    rows = np.vstack([rng.lognormal(size=n), np.round(rng.standard_normal(n), 1), np.where(rng.random(n) < 0.6, 0.0, 1.0),
                      np.sort(rng.standard_normal(n)), np.full(n, 2.5), -rng.exponential(size=n)])
    for q in [(5, 50, 95), (0, 1, 37.5, 99, 100)]:
        np.testing.assert_array_equal(unc._percentiles(rows, q), np.percentile(rows, q, axis=1))
    rows[1, 7] = np.nan  # not finite: numpy's own
    np.testing.assert_array_equal(unc._percentiles(rows, (5, 50, 95)), np.percentile(rows, (5, 50, 95), axis=1))


def _inputs_at(s, v):
    """The store and accounting inputs at drawn values ``v``, as the Monte Carlo's runner builds them."""
    x0, acct = store_inputs(s), dict(accounting_inputs(s))
    mix = [unc.MIX_PREFIX + e for e in download_profile(s).mix]
    changes = {f: v[k] for k, f in unc._STORE.items() if k in v}
    if any(k in v for k in mix):
        n = next(iter(v.values())).size
        changes["mix_weights"] = np.stack([np.broadcast_to(v.get(k, float(s[k])), n) for k in mix], axis=-1)
    acct.update({key: v[k] for k, key in unc._ACCOUNTS.items() if k in v})
    if unc._BANDWIDTH in v:
        acct["bandwidth_usd_per_byte"] = v[unc._BANDWIDTH] / float(s.assumptions.constants["bytes_per_gb"])
    return replace(x0, **changes), acct


@pytest.mark.parametrize(("preset", "overrides"), [
    (None, {}), ("card_freeze", {}), ("itunes_terms", {}), ("lossless", {}),
    (None, {"timeline.year_end": "2005-01", "royalties.base": "profit", "royalties.fair_enabled": True}),
], ids=["defaults", "card_freeze", "itunes_terms", "lossless", "2005_profit_fair"])
def test_monte_carlo_samples_equal_the_reference_model_at_the_same_draws(preset, overrides):
    s = make_scenario(preset=preset, overrides=overrides)
    mc = unc.monte_carlo(s, draws=3000, seed=11)
    x, acct = _inputs_at(s, unc.draw_inputs(s, 3000, np.random.default_rng(11)))
    p = periods_of(s)
    ref = _reference_year(run_store(p, x), window_mask(p, s.timeline.year_end), acct)
    for o in unc.MC_OUTPUTS:
        got = mc.samples[o].to_numpy()
        assert (np.abs(got - ref[o]) <= REL * _scale(o, ref)).all(), o


# Recorded before the speed-up (numpy 2.4.6, x86-64 with AVX-512): rows and column sums of
# monte_carlo(...).samples, columns in MC_OUTPUTS order. The Monte Carlo draws the fitted inputs
# with the fit's standard errors, and the fit's optimizer can turn last-bit differences of numpy's
# exponentials (another processor, another numpy) into ~1e-7; elsewhere the check is at 1e-6.
RECORDED = {
    ("defaults", 20_000, 7): {
        "sums": (428402007641.0713, 116780599630.58817, 582251.1243224089, 71378837193.43585, 334619667762.0164),
        0: (32877940.40221189, 5546888.062619579, 50.68682637502666, 5650606.247690498, 25905412.885724436),
        1: (22142462.766020097, 6000716.005718217, 29.142996054024945, 3406381.646161465, 17772697.29304281),
        4999: (16472982.223071, 6348572.4152686745, 21.261693296283223, 2617364.836113281, 12926122.943786014),
        12345: (14133582.202020057, 5537350.979056617, 21.292693352815228, 2132283.200679947, 11214837.67209883),
        19999: (18906159.933694556, 5470046.387941819, 29.504534818939074, 3338108.4842897034, 14442510.509740518),
    },
    ("card_freeze", 3000, 11): {
        "sums": (101746082928.43782, 17549633466.75923, 135861.3441141663, 16978015735.718252, 79475661134.12149),
        0: (30552524.459706172, 5097582.4350246815, 47.958537194691296, 4637104.491153923, 24053649.89410142),
        2999: (35519622.739455834, 6031053.245976908, 43.22519453790065, 6575293.053687384, 27335231.006641626),
    },
    ("itunes_terms", 3000, 11): {
        "sums": (64372024897.94433, 17529138800.233036, 87524.98293240654, 0.0, -275546821736.96564),
        0: (22606195.85573899, 5234923.476136344, 35.09599690295969, 0.0, -97752186.6846531),
        2999: (18527620.66317035, 5938205.858990123, 23.348022092916185, 0.0, -72881253.12890823),
    },
    ("lossless", 3000, 11): {
        "sums": (240708646697.61636, 17546758965.368977, 107422.03986593425, 40271755005.762276, 187732254259.01843),
        0: (19605751.366017822, 4869274.201119065, 34.650145265615954, 3103710.816601225, 15217705.725995),
        2999: (115882929.86874744, 6050399.134709784, 31.652954196986954, 18893823.761855192, 91684014.80014408),
    },
    ("2005_profit_fair", 3000, 11): {
        "sums": (29876854828.0798, 5635125185.719223, 218950.1543041165, 4693033513.915846, 18719863074.11845),
        0: (12107492.91958647, 3009187.748886074, 81.96618597044653, 1794582.6195158446, 6933814.23100146),
        2999: (6062928.362522605, 1556251.9987779255, 62.92898279096041, 913426.539284679, 3952806.7147369673),
    },
}
_SCENARIOS = {"defaults": (None, {}), "card_freeze": ("card_freeze", {}), "itunes_terms": ("itunes_terms", {}),
              "lossless": ("lossless", {}),
              "2005_profit_fair": (None, {"timeline.year_end": "2005-01", "royalties.base": "profit",
                                          "royalties.fair_enabled": True})}
_RECORDED_HERE = np.__version__ == "2.4.6" and platform.machine() == "x86_64"


@pytest.mark.parametrize("key", list(RECORDED), ids=[k[0] for k in RECORDED])
def test_monte_carlo_samples_equal_the_recorded_ones(key):
    name, draws, seed = key
    preset, overrides = _SCENARIOS[name]
    x = unc.monte_carlo(make_scenario(preset=preset, overrides=overrides), draws=draws, seed=seed).samples.to_numpy()
    rel = REL if _RECORDED_HERE else 1e-6
    for row, want in RECORDED[key].items():
        got = x.sum(axis=0) if row == "sums" else x[row]
        np.testing.assert_allclose(got, np.array(want), rtol=rel, atol=0, err_msg=f"{name} row {row}")
