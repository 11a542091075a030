"""Tests of simulator.model.customers: the agent-level market year against closed forms and invariants.

The customers and their mean downloads come from the store model's year (market_year); most tests draw
a sample of N customers and scale its totals to the year's customers.
"""

from __future__ import annotations

import json
import math
from statistics import NormalDist

import numpy as np
import pytest

from simulator.cli import main
from simulator.model.customers import customer_year, lognormal_gini, lognormal_top_share
from simulator.model.market import market_year
from simulator.params.scenario import make_scenario

N = 200_000  # customers drawn in most tests: fast, yet the standard errors are small


@pytest.fixture(scope="module")
def scenario():
    return make_scenario()


@pytest.fixture(scope="module")
def market(scenario):
    return market_year(scenario)


@pytest.fixture(scope="module")
def year(scenario):
    return customer_year(scenario, sample_customers=N)


@pytest.mark.parametrize("sigma", [0.1, 0.8, 1.2, 2.5])
def test_lognormal_gini_closed_form(sigma):
    # 2 Phi(sigma / sqrt 2) - 1, written with the normal CDF rather than erf
    assert lognormal_gini(sigma) == pytest.approx(2 * NormalDist().cdf(sigma / math.sqrt(2)) - 1, abs=1e-15)


def test_lognormal_top_share_limits():
    assert lognormal_top_share(1e-9, 0.10) == pytest.approx(0.10, abs=1e-8)  # equality: top 10% hold 10%
    assert lognormal_top_share(1.2, 0.01) < lognormal_top_share(1.2, 0.10) < lognormal_top_share(1.2, 0.20)


def test_gini_matches_lognormal_closed_form_within_sampling_error(scenario, year):
    # Standard error of the sample Gini, estimated from 30 independent runs of 20,000 customers
    # and scaled to N by 1/sqrt(n).
    ginis = [customer_year(scenario, sample_customers=20_000, seed=seed).gini for seed in range(30)]
    se = np.std(ginis, ddof=1) * math.sqrt(20_000 / N)
    assert 0 < se < 0.01
    closed = lognormal_gini(1.2)
    assert year.gini_lognormal == closed
    assert abs(year.gini - closed) < 4 * se + year.gini_bin_error
    assert year.gini_bin_error < 1e-5


@pytest.mark.parametrize("sigma", [0.5, 1.6])
def test_gini_follows_sigma(scenario, sigma):
    y = customer_year(scenario.with_overrides({"customers.downloads_sigma": sigma}), sample_customers=N)
    assert y.gini == pytest.approx(lognormal_gini(sigma), abs=0.01)


def test_customers_and_mean_come_from_the_store_model(year, market):
    # the year's accounts (5.85 million) and downloads over them (27.2 each) at the defaults
    assert year.customers == round(market.customers) and year.sample_customers == N
    assert year.downloads_per_customer == market.downloads_per_customer == market.downloads / market.customers
    assert year.mean_price_usd == market.mean_price_usd


def test_mean_matches_the_model_mean_within_sampling_error(year, market):
    m, sigma = market.downloads_per_customer, 1.2
    se = m * math.sqrt(math.expm1(sigma**2) / N)  # sd of a lognormal / sqrt(N)
    assert year.mean_downloads_se == pytest.approx(se, rel=1e-12)
    assert abs(year.mean_downloads - m) < 4 * se
    # revenue: the sample's mean downloads x the year's customers x the mean price; its expectation is the year's
    assert year.revenue_usd == pytest.approx(year.mean_downloads * year.customers * year.mean_price_usd, rel=1e-12)
    assert abs(year.revenue_usd / market.revenue_usd - 1) < 4 * se / m


def test_a_sample_is_scaled_to_the_years_customers(scenario, year):
    scale = year.customers / N
    assert year.hist_customers.sum() == pytest.approx(year.customers, rel=1e-12)   # counts scaled
    assert year.hist_revenue_usd.sum() == pytest.approx(year.revenue_usd, rel=1e-12)
    assert year.mean_spend_usd == pytest.approx(year.revenue_usd / year.customers, rel=1e-12)
    assert year.clone_customers == round(year.clone_customer_share * N * scale)
    assert year.clone_revenue_usd == pytest.approx(year.clone_revenue_share * year.revenue_usd, rel=1e-12)
    # shares, means and the Gini are the sample's own: a bigger sample moves them only by sampling error
    bigger = customer_year(scenario, sample_customers=4 * N)
    assert bigger.customers == year.customers and bigger.sample_customers == 4 * N
    assert bigger.mean_downloads_se == pytest.approx(year.mean_downloads_se / 2, rel=1e-12)
    assert abs(bigger.revenue_usd - year.revenue_usd) < 4 * year.mean_downloads_se * year.customers * year.mean_price_usd


def test_every_customer_by_default():
    s = make_scenario(overrides={"demand.potential_buyers": 100_000.0})       # a small market: 80,415 customers
    y, m = customer_year(s), market_year(s)
    assert y.customers == y.sample_customers == round(m.customers)
    assert y.hist_customers.sum() == y.customers and np.all(y.hist_customers == np.round(y.hist_customers))
    assert y.revenue_usd == pytest.approx(y.mean_downloads * y.customers * y.mean_price_usd, rel=1e-12)


def test_potential_buyers_scale_the_customers_not_their_mean():
    small, big = (market_year(make_scenario(overrides={"demand.potential_buyers": n})) for n in (2e6, 4e6))
    a, b = (customer_year(make_scenario(overrides={"demand.potential_buyers": n}), sample_customers=20_000)
            for n in (2e6, 4e6))
    assert b.customers == round(big.customers) == pytest.approx(2 * small.customers, abs=1)
    assert a.downloads_per_customer == pytest.approx(b.downloads_per_customer, rel=1e-12)
    assert a.gini == b.gini                                                     # same draws, same mean


def test_the_card_freeze_lowers_the_mean_through_the_model(market):
    # the defaults have the freeze (a paying factor of 0.64); the preset asks what had the cards kept working
    kept = make_scenario(preset="card_freeze")
    y, my = customer_year(kept, sample_customers=20_000), market_year(kept)
    assert y.downloads_per_customer == pytest.approx(my.downloads / my.customers, rel=1e-12)
    assert my.paying_factor == 1 and market.paying_factor < 1
    assert y.downloads_per_customer > market.downloads_per_customer


def test_lorenz_curve_endpoints_and_monotonicity(year):
    pop, rev, spend = year.lorenz_population_share, year.lorenz_revenue_share, year.lorenz_spend_usd
    assert 150 <= pop.size <= 210 and pop.shape == rev.shape == spend.shape
    assert (pop[0], rev[0]) == (0.0, 0.0) and (pop[-1], rev[-1]) == (1.0, 1.0)
    assert np.all(np.diff(pop) > 0) and np.all(np.diff(rev) >= 0) and np.all(np.diff(spend) > 0)
    assert np.all(rev <= pop + 1e-12)  # a Lorenz curve lies below the diagonal
    with pytest.raises(ValueError):
        pop[0] = 0.5  # read-only


def test_top_shares_ordered_and_near_closed_form(year):
    assert 0 < year.top_1_share < year.top_10_share < year.top_20_share < 1
    for got, top in [(year.top_1_share, 0.01), (year.top_10_share, 0.10), (year.top_20_share, 0.20)]:
        assert got == pytest.approx(lognormal_top_share(1.2, top), abs=0.01)


def test_spend_summary(year):
    assert year.mean_spend_usd == pytest.approx(year.revenue_usd / year.customers)
    # lognormal: median = mean x exp(-sigma^2 / 2)
    assert year.median_spend_usd == pytest.approx(year.mean_spend_usd * math.exp(-1.2**2 / 2), rel=0.02)


def test_histogram_adds_up(year):
    edges, counts, revenue = year.hist_edges_usd, year.hist_customers, year.hist_revenue_usd
    assert edges.size == counts.size + 1 == revenue.size + 1
    assert np.all(np.diff(edges) > 0)
    assert np.allclose(np.diff(np.log(edges[1:-1])), np.log(edges[2] / edges[1]))  # log-spaced
    assert counts.sum() == pytest.approx(year.customers, rel=1e-12) and counts[0] > 0 and counts[-1] > 0
    assert revenue.sum() == pytest.approx(year.revenue_usd, rel=1e-12)
    assert edges[0] <= year.lorenz_spend_usd[0] and year.lorenz_spend_usd[-1] <= edges[-1]


def test_clone_threshold_zero_keeps_everything(scenario):
    y = customer_year(scenario.with_overrides({"customers.clone_threshold_usd": 0.0}), sample_customers=N)
    assert y.clone_customers == y.customers and y.clone_customer_share == 1.0
    assert y.clone_revenue_share == pytest.approx(1.0, rel=1e-12)
    assert y.clone_revenue_usd == pytest.approx(y.revenue_usd, rel=1e-12)


def test_clone_huge_threshold_keeps_nothing(scenario):
    y = customer_year(scenario.with_overrides({"customers.clone_threshold_usd": 10_000.0}), sample_customers=N)
    assert (y.clone_customers, y.clone_revenue_usd, y.clone_revenue_share) == (0, 0.0, 0.0)


def test_clone_matches_closed_form_and_lorenz_curve(scenario, market):
    # at $20 a year about 2% of customers qualify: enough for a tight closed-form check
    y = customer_year(scenario.with_overrides({"customers.clone_threshold_usd": 20.0}), sample_customers=N)
    sigma, mu = 1.2, math.log(market.downloads_per_customer) - 1.2**2 / 2
    z = (math.log(20.0 / y.mean_price_usd) - mu) / sigma
    nd = NormalDist()
    p = 1 - nd.cdf(z)  # share of customers above the threshold
    assert y.clone_customer_share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / N))
    assert y.clone_revenue_share == pytest.approx(1 - nd.cdf(z - sigma), abs=0.02)  # revenue share above
    assert y.clone_revenue_usd == pytest.approx(y.clone_revenue_share * y.revenue_usd)
    # the Lorenz curve, read at the threshold in spend, gives the same shares to within a point's spacing
    log_spend = np.log(y.lorenz_spend_usd)
    assert 1 - np.interp(math.log(20.0), log_spend, y.lorenz_revenue_share) == pytest.approx(
        y.clone_revenue_share, abs=0.01
    )
    assert 1 - np.interp(math.log(20.0), log_spend, y.lorenz_population_share) == pytest.approx(
        y.clone_customer_share, abs=0.005
    )


def test_default_clone_keeps_few_customers(year):
    # $300 a year is about 90 times the mean spend ($3.35): a sliver of customers, a small share of revenue
    assert 0 < year.clone_customer_share < 1e-3 and 0 < year.clone_revenue_share < 0.05


def test_same_seed_same_result_other_seed_differs(scenario, year):
    again = customer_year(scenario, sample_customers=N)
    for name, v in year.as_dict().items():
        assert again.as_dict()[name] == v, name
    other = customer_year(scenario, sample_customers=N, seed=1)
    assert other.seed == 1 and other.gini != year.gini and other.revenue_usd != year.revenue_usd


def test_result_does_not_depend_on_chunk_size(scenario, year):
    y = customer_year(scenario, sample_customers=N, chunk_customers=30_001)
    assert np.array_equal(y.hist_customers, year.hist_customers)
    assert np.array_equal(y.lorenz_population_share, year.lorenz_population_share)
    assert y.clone_customers == year.clone_customers
    assert y.revenue_usd == pytest.approx(year.revenue_usd, rel=1e-12)
    assert y.gini == pytest.approx(year.gini, abs=1e-12)


def test_progress_is_called_and_reaches_the_total(scenario):
    calls = []
    customer_year(scenario, sample_customers=N, progress=lambda done, total: calls.append((done, total)),
                  chunk_customers=50_000)
    assert calls == [(50_000, N), (100_000, N), (150_000, N), (200_000, N)]


def test_a_year_without_customers_is_an_error():
    # the 12 months before Jan 2005 at a potential buyer of 1e5 who barely knows the store: under half a customer
    s = make_scenario(overrides={"demand.potential_buyers": 100_000.0, "demand.awareness_midpoint_months": 60.0,
                                 "demand.awareness_spread_months": 0.5, "timeline.year_end": "2005-01"})
    assert market_year(s).customers < 0.5
    with pytest.raises(ValueError, match="needs a year with customers"):
        customer_year(s)
    with pytest.raises(ValueError, match="chunk_customers"):
        customer_year(make_scenario(), chunk_customers=0)
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="sample_customers must be a whole number >= 1"):
            customer_year(make_scenario(), sample_customers=bad)


def test_as_dict_is_json_ready(year):
    d = json.loads(json.dumps(year.as_dict()))
    assert d["sample_customers"] == N and d["customers"] == year.customers
    assert len(d["lorenz_population_share"]) == year.lorenz_population_share.size


# --- the command line: --customers N draws a sample scaled to the year's customers ----------------------------


def test_cli_customers_is_a_sample_scaled_to_the_model(capsys):
    assert main(["customers", "--customers", "20000", "--seed", "3", "--json"]) == 0
    out, err = capsys.readouterr()
    d = json.loads(out)
    y = customer_year(make_scenario(), sample_customers=20_000, seed=3)
    assert (d["customers"], d["sample_customers"], d["seed"]) == (round(market_year(make_scenario()).customers),
                                                                  20_000, 3)
    assert d["revenue_usd"] == pytest.approx(y.revenue_usd, rel=1e-12) and d["gini"] == y.gini
    assert "customers: 20,000 of 20,000 (100%)" in err


@pytest.mark.parametrize("argv, message", [
    (["--customers", "0"], "--customers must be a whole number of customers to simulate, at least 1, got 0"),
    (["--set", "market.customers=5000"], "unknown input 'market.customers'"),
])
def test_cli_customers_errors(capsys, argv, message):
    assert main(["customers", "--quiet", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.count("\n") == 1


def test_the_spread_is_an_assumption_whose_figures_are_its_closed_forms():
    # No source gives the spread of spending: the note says what sigma 1.2 implies and claims no outside range.
    from simulator.params.assumptions import load_assumptions

    p = load_assumptions().parameters["customers.downloads_sigma"]
    assert p.value == 1.2 and p.source is None and "digital-goods" not in p.assumption
    assert "no source gives the spread" in p.assumption and "chosen, not measured" in p.assumption
    # Gini 2 Phi(1.2 / sqrt 2) - 1 = 0.6039; top 10%: 1 - Phi(Phi^-1(0.9) - 1.2) = 0.4675
    gini = 2 * NormalDist().cdf(1.2 / math.sqrt(2)) - 1
    top10 = 1 - NormalDist().cdf(NormalDist().inv_cdf(0.9) - 1.2)
    assert (round(gini, 4), round(top10, 4)) == (0.6039, 0.4675)
    assert (lognormal_gini(1.2), lognormal_top_share(1.2, 0.1)) == (pytest.approx(gini, rel=1e-12), pytest.approx(top10, rel=1e-12))
    assert f"a Gini of spend of {gini:.2f} (erf(sigma/2))" in p.assumption
    assert f"the top 10% of customers bringing {top10:.0%} of revenue" in p.assumption
