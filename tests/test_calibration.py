"""Tests of simulator.model.calibration: goal seek to the cent, closed forms, no-solution ranges, the iso grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.calibration import (
    GRID_OUTPUTS,
    CalibrationError,
    NoSolutionError,
    calibrated_scenario,
    iso_grid,
    solvable_inputs,
    solve,
)
from simulator.model.market import download_profile, market_year
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario

CENT = 0.01
PRESETS = sorted(load_assumptions().presets)
MEAN_PRICE_USD = market_year(make_scenario()).mean_price_usd        # 0.1916 at the default mix and catalogue


def test_default_solves_downloads_per_customer_to_the_cent():
    sol = solve(make_scenario())
    assert (sol.input, sol.output, sol.target) == ("market.downloads_per_customer", "revenue_usd", 30e6)
    assert abs(sol.achieved - 30e6) < CENT / 2
    # recomputed independently from the solved scenario
    assert abs(market_year(sol.scenario).revenue_usd - 30e6) < CENT / 2
    # closed form: revenue is linear in downloads per customer
    assert sol.value == pytest.approx(30e6 / (5.5e6 * MEAN_PRICE_USD), rel=1e-12)
    assert sol.scenario["market.downloads_per_customer"] == sol.value
    assert sol.unit == "downloads/customer/year" and sol.bounds == (0.0, 5000.0)


def test_calibrated_closed_forms():
    y = market_year(calibrated_scenario(make_scenario()))
    assert y.revenue_per_customer_usd == pytest.approx(30e6 / 5.5e6, rel=1e-12)
    assert y.roms_usd == pytest.approx(0.15 * 30e6, rel=1e-12)


@pytest.mark.parametrize(
    "vary, closed_form",
    [
        ("pricing.rate_usd_per_mb", lambda p: 30e6 / (5.5e6 * 29 * p.mean_size_bytes / 1e6)),
        ("market.customers", lambda p: 30e6 / (29 * p.mean_size_bytes / 1e6 * 0.03)),
        ("market.downloads_per_customer", lambda p: 30e6 / (5.5e6 * p.mean_size_bytes / 1e6 * 0.03)),
    ],
    ids=["rate", "customers", "downloads"],
)
def test_linear_inputs_match_closed_forms(vary, closed_form):
    sol = solve(make_scenario(), vary=vary)
    assert sol.value == pytest.approx(closed_form(download_profile(make_scenario())), rel=1e-12)
    assert abs(sol.achieved - 30e6) < CENT / 2


def test_quality_mix_share():
    sol = solve(make_scenario(), vary="market.quality_mix.flac")
    assert abs(sol.achieved - 30e6) < CENT / 2
    # revenue at the default mix is above 30M, so the solved FLAC weight is below its default 0.02
    assert 0 < sol.value < 0.02
    assert abs(market_year(sol.scenario).revenue_usd - 30e6) < CENT / 2


@pytest.mark.parametrize(
    "output, target",
    [("roms_usd", 5e6), ("operator_margin_usd", 20e6), ("revenue_per_customer_usd", 4.0), ("downloads", 1e8),
     ("data_served_tb", 500.0), ("revenue_usd", 0.0)],
)
def test_other_outputs(output, target):
    sol = solve(make_scenario(), output=output, target=target)
    assert sol.achieved == pytest.approx(target, abs=CENT / 2)


def test_target_at_a_bound_is_found_without_iterations():
    sol = solve(make_scenario(), target=0.0)
    assert sol.value == 0.0 and sol.iterations == 0


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_calibrates(preset):
    sol = solve(make_scenario(preset=preset))
    assert abs(sol.achieved - 30e6) < CENT / 2
    assert sol.scenario.preset == preset


def test_no_solution_gives_the_reachable_range():
    with pytest.raises(NoSolutionError) as err:
        solve(make_scenario(), target=1e12)
    e = err.value
    assert isinstance(e, ValueError)
    top = 5000 * 5.5e6 * MEAN_PRICE_USD
    assert (e.reachable_min, e.bounds) == (0.0, (0.0, 5000.0))
    assert e.reachable_max == pytest.approx(top, rel=1e-12)
    msg = str(e)
    assert "market.downloads_per_customer" in msg and "between 0 and 5000" in msg
    assert "ranges from 0.00 to " + f"{top:,.2f}" in msg


def test_no_solution_for_an_input_the_output_ignores():
    with pytest.raises(NoSolutionError, match="ranges from 30,559,230.53 to 30,559,230.53"):
        solve(make_scenario(), vary="costs.card_fee_share")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"vary": "market.nope"}, "unknown input"),
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
        solve(make_scenario(), **kwargs)


def test_solvable_inputs_are_number_parameters():
    names = solvable_inputs(make_scenario())
    a = load_assumptions()
    assert "market.downloads_per_customer" in names and "pricing.rounding" not in names
    assert all(a.parameters[n].kind == "number" for n in names)


@settings(max_examples=25)
@given(st.floats(0.0, 1.0), st.sampled_from(["market.downloads_per_customer", "pricing.rate_usd_per_mb",
                                               "market.customers", "market.quality_mix.mp3-320"]))
def test_any_reachable_target_is_hit_to_the_cent(frac, vary):
    s = make_scenario()
    p = s.assumptions.parameters[vary]
    ends = [market_year(s.with_overrides({vary: float(b)})).revenue_usd for b in p.bounds]
    target = min(ends) + frac * (max(ends) - min(ends))
    sol = solve(s, vary=vary, target=target)
    assert abs(sol.achieved - target) < CENT / 2


def test_iso_grid_values_and_contour():
    rates = np.array([0.01, 0.02, 0.03])
    dpc = np.array([0.0, 10.0, 28.0, 50.0])
    g = iso_grid(make_scenario(), rates_usd_per_mb=rates, downloads_per_customer=dpc)
    assert g.z.shape == (4, 3) and g.output == "revenue_usd" and g.target == 30e6
    per_unit = 5.5e6 * MEAN_PRICE_USD / 0.03                      # revenue per (dpc x USD/MB)
    np.testing.assert_allclose(g.z, dpc[:, None] * rates[None, :] * per_unit, rtol=1e-12)
    np.testing.assert_allclose(g.contour_downloads_per_customer, 30e6 / (rates * per_unit), rtol=1e-12)
    assert g.contour_downloads_per_customer[2] == pytest.approx(solve(make_scenario()).value, rel=1e-12)
    assert g.contour_in_bounds.all()
    assert (g.point_rate_usd_per_mb, g.point_downloads_per_customer) == (0.03, 29.0)
    assert g.point_value == pytest.approx(market_year(make_scenario()).revenue_usd)


def test_iso_grid_defaults_follow_chart_parameters():
    g = iso_grid(make_scenario())
    n = load_assumptions().parameters["charts.grid_points"].value
    assert g.z.shape == (n, n)
    assert g.rate_usd_per_mb[0] == 0.001 and g.rate_usd_per_mb[-1] == 0.06
    assert g.downloads_per_customer[0] == 0.0 and g.downloads_per_customer[-1] == 100.0
    # at 0.1 c/MB the $30M contour needs 30 times the downloads it needs at 3 c/MB
    assert g.contour_downloads_per_customer[0] == pytest.approx(30 * solve(make_scenario()).value, rel=1e-12)
    assert g.contour_in_bounds.all()
    # $1 billion needs more than 5000 downloads a customer at the lowest rate, fewer at the highest
    big = iso_grid(make_scenario(), target=1e9)
    assert not big.contour_in_bounds[0] and big.contour_in_bounds[-1]


@pytest.mark.parametrize("output", GRID_OUTPUTS)
def test_iso_grid_contour_hits_its_target_for_every_output(output):
    target = 1e6 if output.endswith("_usd") and output != "revenue_per_customer_usd" else 3.0
    g = iso_grid(make_scenario(), output=output, target=target, rates_usd_per_mb=[0.02, 0.03])
    for rate, dpc in zip(g.rate_usd_per_mb, g.contour_downloads_per_customer, strict=True):
        if np.isnan(dpc):
            continue
        y = market_year(make_scenario(overrides={"pricing.rate_usd_per_mb": float(rate),
                                                 "market.downloads_per_customer": float(dpc)}))
        assert getattr(y, output) == pytest.approx(target, rel=1e-9)


def test_iso_grid_no_contour_where_output_is_zero():
    g = iso_grid(make_scenario(), output="fair_usd", target=1e6, rates_usd_per_mb=[0.03])   # FAIR off: always 0
    assert np.isnan(g.contour_downloads_per_customer).all() and not g.contour_in_bounds.any()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rates_usd_per_mb": [0.01, np.nan]}, "rates_usd_per_mb must be"),
        ({"rates_usd_per_mb": [[0.01]]}, "rates_usd_per_mb must be"),
        ({"downloads_per_customer": [-1.0]}, "downloads_per_customer must be"),
        ({"downloads_per_customer": []}, "downloads_per_customer must be"),
        ({"output": "revenue_gap_usd"}, "is not one of"),
        ({"output": "roms_usd"}, "target for 'roms_usd' is required"),
    ],
)
def test_iso_grid_errors(kwargs, match):
    with pytest.raises(CalibrationError, match=match):
        iso_grid(make_scenario(), **kwargs)
