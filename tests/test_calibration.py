"""Tests of simulator.model.calibration: goal seek on the store model, closed forms, refusals, re-fitting, the iso grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.calibration import (
    DEFAULT_INPUT,
    GRID_OUTPUTS,
    CalibrationError,
    NoEffectError,
    NoSolutionError,
    calibrated_scenario,
    iso_grid,
    solvable_inputs,
    solve,
)
from simulator.model.demand import best_rate
from simulator.model.fit import FIT_PARAMETERS, fit_store, report_table
from simulator.model.market import market_year
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import ScenarioError, make_scenario

CENT = 0.01
PRESETS = sorted(load_assumptions().presets)
S = make_scenario()
Y = market_year(S)                       # the defaults' year: $19.6 million, 5.85 million customers
N0 = S.demand.potential_buyers           # 7,271,000 potential buyers
N_BOUNDS = (100_000.0, 100_000_000.0)
BUYERS = "demand.potential_buyers"
RATE = "pricing.rate_usd_per_mb"


# --- goal seek: the default and the closed forms ---------------------------------------------------------------


def test_default_solves_the_stores_appeal_for_the_reported_revenue_to_the_cent():
    sol = solve(S)
    assert (sol.input, sol.output, sol.target) == ("demand.store_utility", "revenue_usd", 30e6) == (
        DEFAULT_INPUT, "revenue_usd", S.market.reported_revenue_usd)
    assert abs(sol.achieved - 30e6) < CENT / 2
    assert abs(market_year(sol.scenario).revenue_usd - 30e6) < CENT / 2     # recomputed from the scenario
    assert sol.scenario["demand.store_utility"] == sol.value and sol.market.revenue_usd == sol.achieved
    assert sol.unit == "utils" and sol.bounds == (-10.0, 10.0)
    # the defaults earn $19.6M, so a more appealing store is needed: revenue rises with the appeal
    assert Y.revenue_usd < 30e6 and sol.value > S.demand.store_utility
    assert sol.market.customers > Y.customers


def test_potential_buyers_scale_revenue_so_the_solution_is_a_closed_form():
    # every period's downloads, receipts and new accounts are proportional to N
    sol = solve(S, vary=BUYERS)
    assert sol.value == pytest.approx(N0 * 30e6 / Y.revenue_usd, rel=1e-12)   # 11,120,507 people
    assert abs(sol.achieved - 30e6) < CENT / 2
    cust = solve(S, vary=BUYERS, output="customers", target=5.5e6)          # The Times' 5.5 million customers
    assert cust.value == pytest.approx(N0 * 5.5e6 / Y.customers, rel=1e-12)


def test_card_fee_moves_the_margin_linearly():
    # margin = R (1 - card fee - ROMS 15%) - bandwidth, with revenue R not depending on the fee
    sol = solve(S, vary="costs.card_fee_share", output="operator_margin_usd", target=14e6)
    assert sol.value == pytest.approx((0.85 * Y.revenue_usd - Y.bandwidth_usd - 14e6) / Y.revenue_usd, rel=1e-10)
    assert sol.achieved == pytest.approx(14e6, abs=CENT / 2)


def test_roms_target_is_the_revenue_target_at_its_share():
    roms = solve(S, output="roms_usd", target=3e6)                          # 15% of $20 million
    rev = solve(S, target=20e6)
    assert roms.value == pytest.approx(rev.value, abs=1e-12)
    assert roms.market.revenue_usd == pytest.approx(20e6, abs=CENT)


@pytest.mark.parametrize(
    "output, target",
    [("roms_usd", 5e6), ("operator_margin_usd", 20e6), ("revenue_per_customer_usd", 4.0), ("downloads", 2e8),
     ("data_served_tb", 800.0), ("customers", 5.5e6), ("consumer_surplus_usd", 25e6)],
)
def test_other_outputs(output, target):
    sol = solve(S, output=output, target=target)
    assert sol.achieved == pytest.approx(target, abs=CENT / 2)
    assert getattr(market_year(sol.scenario), output) == pytest.approx(target, abs=CENT / 2)


def test_target_on_a_scan_point_is_found_without_iterations():
    low = market_year(S.with_overrides({BUYERS: N_BOUNDS[0]})).revenue_usd
    sol = solve(S, vary=BUYERS, target=low)
    assert (sol.value, sol.iterations, sol.achieved) == (N_BOUNDS[0], 0, low)


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_reaches_the_reported_revenue(preset):
    sol = solve(make_scenario(preset=preset))
    assert abs(sol.achieved - 30e6) < CENT / 2
    assert sol.scenario.preset == preset


# --- revenue peaks in the rate: two solutions, or none -------------------------------------------------------


def test_revenue_peaks_in_the_rate_and_the_solution_nearest_the_scenario_is_given():
    peak = best_rate("revenue", S)                                          # about 2.5 c/MB, $19.9 million
    below = solve(S.with_overrides({RATE: 0.01}), vary=RATE, target=15e6)
    above = solve(S.with_overrides({RATE: 0.06}), vary=RATE, target=15e6)
    assert below.value < peak.best_rate_usd_per_mb < above.value
    for sol in (below, above):
        assert abs(sol.achieved - 15e6) < CENT / 2
    assert solve(S.with_overrides({RATE: 0.012}), vary=RATE, target=15e6).value == pytest.approx(below.value, rel=1e-12)


def test_no_rate_reaches_30_million_and_the_range_tops_out_at_the_best_rate():
    with pytest.raises(NoSolutionError) as err:
        solve(S, vary=RATE)
    e = err.value
    peak = best_rate("revenue", S)
    assert e.reachable_max == pytest.approx(peak.best_value_usd, rel=1e-9)  # refined between two scan points
    assert e.reachable_min == pytest.approx(market_year(S.with_overrides({RATE: 0.3})).revenue_usd, rel=1e-12)
    assert (e.input, e.target, e.bounds) == (RATE, 30e6, (0.001, 0.3))
    assert f"ranges from {e.reachable_min:,.2f} to {e.reachable_max:,.2f}" in str(e)


def test_customers_cannot_pass_the_potential_buyers():
    with pytest.raises(NoSolutionError) as err:
        solve(S, output="customers", target=6e6)
    assert err.value.reachable_max < Y.potential_buyers < 6e6
    assert "ranges from 36,182 to 5,858,251" in str(err.value)


def test_no_solution_gives_the_reachable_range():
    with pytest.raises(NoSolutionError) as err:
        solve(S, vary=BUYERS, target=1e12)
    e = err.value
    assert isinstance(e, ValueError) and e.bounds == N_BOUNDS
    lo, hi = (Y.revenue_usd * n / N0 for n in N_BOUNDS)                    # proportional to N
    assert e.reachable_min == pytest.approx(lo, rel=1e-12) and e.reachable_max == pytest.approx(hi, rel=1e-12)
    msg = str(e)
    assert "no value of demand.potential_buyers between 100,000 and 100,000,000 [people]" in msg
    assert f"ranges from {e.reachable_min:,.2f} to {e.reachable_max:,.2f}" in msg


# --- every input either moves the output or is refused --------------------------------------------------------


def _revenue(key: str, value: float) -> float | None:
    try:
        s = S.with_overrides({key: float(value)})
    except ScenarioError:
        return None
    with np.errstate(divide="ignore"):                                      # a bound can give the store every want
        return market_year(s).revenue_usd


@pytest.mark.parametrize("key", solvable_inputs(S))
def test_every_solvable_input_moves_revenue_or_is_refused_with_a_message(key):
    """Never again "ranges from A to A": an input the year ignores is named as such, one it reads is solved."""
    lo, hi = S.assumptions.parameters[key].bounds
    values = [v for v in (_revenue(key, x) for x in np.linspace(lo, hi, 9)) if v is not None]
    if max(values) == min(values):
        with pytest.raises(NoEffectError, match=f"revenue_usd does not depend on {key}: it is ") as err:
            solve(S, vary=key, target=values[0] + 1e6)
        assert err.value.value == Y.revenue_usd and err.value.input == key
        return
    target = (max(values) + min(values)) / 2
    try:
        sol = solve(S, vary=key, target=target)
    except NoSolutionError as e:                                            # only a redrawn catalogue jumps
        assert key.startswith("catalogue.") and "moves revenue_usd in steps" in str(e), str(e)
        assert e.reachable_min < target < e.reachable_max
        return
    assert sol.achieved == pytest.approx(target, rel=1e-9)
    assert market_year(sol.scenario).revenue_usd == pytest.approx(target, rel=1e-9)


def test_inputs_the_year_ignores_are_named():
    with pytest.raises(NoEffectError) as err:
        solve(S, vary="costs.card_fee_share")                              # fees come out of revenue, not into it
    assert str(err.value) == (
        f"revenue_usd does not depend on costs.card_fee_share: it is {Y.revenue_usd:,.2f} at every value between 0 "
        "and 0.2 [fraction]; vary an input the market year's revenue_usd reads (default demand.store_utility)")
    for key in ("charts.rate_max_usd_per_mb", "demand.us_download_share", "market.reported_customers"):
        with pytest.raises(NoEffectError, match=key):
            solve(S, vary=key)


def test_the_store_model_reads_the_rate_payments_and_demand():
    moved = {k for k in ("pricing.rate_usd_per_mb", "pricing.discount_share", "payments.card_share", BUYERS,
                         "demand.price_sensitivity_per_usd", "demand.track_wants_per_month", "comparison.itunes_track_usd")
             if _revenue(k, S.assumptions.parameters[k].bounds[1]) != Y.revenue_usd}
    assert len(moved) == 7


# --- errors ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"vary": "market.nope"}, "unknown input"),
        ({"vary": "market.customers"}, "--vary 'market.customers': unknown input"),            # removed in the model
        ({"vary": "catalogue.seed"}, "not a continuous number input"),
        ({"vary": "royalties.fair_enabled"}, "not a continuous number input"),
        ({"vary": "encoding.wav_cd_fraction"}, "not a continuous number input"),   # bounds [1, 1]
        ({"output": "mb_unit"}, "output 'mb_unit' is not one of"),
        ({"output": "roms_usd"}, "target for 'roms_usd' is required"),
        ({"target": float("nan")}, "target must be a finite number"),
        ({"target": True}, "target must be a finite number"),
        ({"target": "30e6"}, "target must be a finite number"),
    ],
)
def test_errors(kwargs, match):
    with pytest.raises(CalibrationError, match=match):
        solve(S, **kwargs)


def test_solvable_inputs_are_number_parameters():
    names = solvable_inputs(S)
    a = load_assumptions()
    assert {DEFAULT_INPUT, BUYERS, RATE} <= set(names) and "pricing.rounding" not in names
    assert all(a.parameters[n].kind == "number" for n in names)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.0, 1.0), st.sampled_from([DEFAULT_INPUT, BUYERS, "payments.card_share",
                                               "market.quality_mix.mp3-320"]))
def test_any_reachable_target_is_hit_to_the_cent(frac, vary):
    # each of these moves revenue one way only, so the ends bound what it reaches
    ends = [market_year(S.with_overrides({vary: float(b)})).revenue_usd for b in S.assumptions.parameters[vary].bounds]
    target = min(ends) + frac * (max(ends) - min(ends))
    sol = solve(S, vary=vary, target=target)
    assert abs(sol.achieved - target) < CENT / 2


# --- re-fitting to the reports (--calibrate) -----------------------------------------------------------------


def test_calibrated_defaults_are_the_shipped_fit():
    s = calibrated_scenario(S)
    assert s.preset is None and set(s.overrides) == set(FIT_PARAMETERS)
    for key in FIT_PARAMETERS:                                               # the defaults are the optimum
        assert s[key] == pytest.approx(S[key], rel=2e-3, abs=2e-3), key
    assert market_year(s).revenue_usd == pytest.approx(Y.revenue_usd, rel=5e-3)


def test_calibrating_a_changed_scenario_fits_the_reports_better():
    changed = make_scenario(preset="rate_2005")
    refit = calibrated_scenario(changed)
    assert refit.preset == "rate_2005"
    assert refit.values == fit_store(changed).scenario(changed).values

    def cost(s):
        t = report_table(s)
        return 0.5 * float((t.residual[t.used] ** 2).sum())

    assert cost(refit) < cost(changed)


# --- the iso grid: rate x potential buyers --------------------------------------------------------------------


def test_iso_grid_equals_the_market_year_at_every_point():
    rates, buyers = np.array([0.01, 0.02, 0.03]), np.array([2e6, 7.271e6, 1.5e7])
    g = iso_grid(S, rates_usd_per_mb=rates, potential_buyers=buyers)
    assert g.z.shape == (3, 3) and g.output == "revenue_usd" and g.target == 30e6
    for j, n in enumerate(buyers):
        for i, r in enumerate(rates):
            y = market_year(S.with_overrides({RATE: float(r), BUYERS: float(n)}))
            assert g.z[j, i] == pytest.approx(y.revenue_usd, rel=1e-12), (r, n)
    assert g.year_label == "Jul 2006 to Jun 2007" and g.rate_from == "2006-08-13"


def test_iso_grid_is_proportional_to_buyers_and_its_contour_is_a_closed_form():
    rates, buyers = np.array([0.01, 0.02, 0.03]), np.array([1e6, 5e6, 2e7])
    g = iso_grid(S, rates_usd_per_mb=rates, potential_buyers=buyers)
    np.testing.assert_allclose(g.z, buyers[:, None] * g.output_per_buyer[None, :], rtol=1e-12)
    assert g.output_per_buyer[2] == pytest.approx(Y.revenue_usd / N0, rel=1e-12)      # $2.70 a potential buyer
    np.testing.assert_allclose(g.contour_potential_buyers, 30e6 / g.output_per_buyer, rtol=1e-12)
    assert g.contour_potential_buyers[2] == pytest.approx(solve(S, vary=BUYERS).value, rel=1e-12)
    assert g.contour_in_bounds.all()
    assert (g.point_rate_usd_per_mb, g.point_potential_buyers) == (0.03, N0)
    assert g.point_value == pytest.approx(Y.revenue_usd, rel=1e-12)


def test_the_contour_is_lowest_at_the_revenue_maximizing_rate():
    # N only scales revenue, so the best rate is the same for every market size (the logit markup)
    peak = best_rate("revenue", S).best_rate_usd_per_mb
    rates = np.linspace(0.02, 0.03, 1001)
    g = iso_grid(S, rates_usd_per_mb=rates, potential_buyers=[N0])
    assert rates[np.argmin(g.contour_potential_buyers)] == pytest.approx(peak, abs=1e-5)


def test_iso_grid_defaults_follow_chart_parameters():
    g = iso_grid(S)
    n = load_assumptions().parameters["charts.grid_points"].value
    assert g.z.shape == (n, n)
    assert g.rate_usd_per_mb[0] == 0.001 and g.rate_usd_per_mb[-1] == 0.06
    assert g.potential_buyers[0] == N_BOUNDS[0] and g.potential_buyers[-1] == S.charts.potential_buyers_max == 2e7
    assert g.contour_in_bounds.all()
    # $200 million needs more than 100 million potential buyers at 0.1 c/MB, fewer near the best rate
    big = iso_grid(S, target=2e8)
    best = int(np.argmax(big.output_per_buyer))
    assert not big.contour_in_bounds[0] and big.contour_in_bounds[best]


@pytest.mark.parametrize("output", GRID_OUTPUTS)
def test_iso_grid_contour_hits_its_target_for_every_output(output):
    target = 1.5 * getattr(Y, output) or 1e6                               # half as much again as the defaults
    g = iso_grid(S, output=output, target=target, rates_usd_per_mb=[0.02, 0.03])
    if output in ("fair_usd", "labels_usd"):                                # FAIR off, labels paid by share: 0
        assert np.isnan(g.contour_potential_buyers).all() and not g.contour_in_bounds.any()
        return
    for rate, n in zip(g.rate_usd_per_mb, g.contour_potential_buyers, strict=True):
        y = market_year(S.with_overrides({RATE: float(rate), BUYERS: float(n)}))
        assert getattr(y, output) == pytest.approx(target, rel=1e-9)
    assert g.contour_potential_buyers[1] == pytest.approx(1.5 * N0, rel=1e-12)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rates_usd_per_mb": [0.01, np.nan]}, "rates_usd_per_mb must be"),
        ({"rates_usd_per_mb": [[0.01]]}, "rates_usd_per_mb must be"),
        ({"rates_usd_per_mb": ["cheap"]}, "rates_usd_per_mb must be"),
        ({"potential_buyers": [-1.0]}, "potential_buyers must be"),
        ({"potential_buyers": []}, "potential_buyers must be"),
        ({"output": "revenue_gap_usd"}, "is not one of"),
        ({"output": "revenue_per_customer_usd"}, "is not one of"),               # not proportional to buyers
        ({"output": "roms_usd"}, "target for 'roms_usd' is required"),
    ],
)
def test_iso_grid_errors(kwargs, match):
    with pytest.raises(CalibrationError, match=match):
        iso_grid(S, **kwargs)
