"""Tests of ``allofmp3-sim solve`` (goal seek on the store model) and of ``--calibrate`` (re-fit to the reports)."""

from __future__ import annotations

import argparse
import json

import pytest

from simulator.cli import main
from simulator.cli._calibrate import CALIBRATE_HELP, add_calibrate_option, scenario_for
from simulator.cli._common import add_scenario_options
from simulator.model.calibration import DEFAULT_INPUT, solve
from simulator.model.fit import FIT_PARAMETERS, fit_store
from simulator.model.market import market_year
from simulator.params.scenario import make_scenario

S = make_scenario()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code, out, err, *needles):
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.count("\n") == 1
    for n in needles:
        assert n in err, err


def test_solve_defaults_give_the_model_solution(capsys):
    code, out, err = run(capsys, "solve", "--json")
    assert code == 0 and err == ""
    d = json.loads(out)
    sol = solve(S)
    assert d["input"] == DEFAULT_INPUT == "demand.store_utility" and d["unit"] == "utils"
    assert d["value"] == pytest.approx(sol.value, rel=1e-12) and abs(d["achieved"] - 30e6) <= 0.01
    assert (d["output"], d["target"], d["bounds_min"], d["bounds_max"]) == ("revenue_usd", 30e6, -10.0, 10.0)
    assert d["preset"] == "(defaults)"


def test_solve_table(capsys):
    code, out, _ = run(capsys, "solve")
    assert code == 0
    lines = {k: v.strip() for k, v in (line.split(None, 1) for line in out.splitlines())}
    assert (lines["input"], lines["output"], lines["achieved"]) == ("demand.store_utility", "revenue_usd",
                                                                    "30,000,000.00")
    assert float(lines["value"]) == pytest.approx(solve(S).value, rel=1e-5)


@pytest.mark.parametrize(
    "argv, expect",
    [
        (["--target", "roms_usd=2.5e6", "--vary", "pricing.rate_usd_per_mb"], 2.5e6),
        (["--target", "revenue_usd=30e6", "--vary", "demand.potential_buyers", "--preset", "card_freeze"], 30e6),
        (["--target", "customers=5.5e6", "--vary", "demand.potential_buyers"], 5.5e6),
        (["--target", "revenue_usd=20e6", "--vary", "market.quality_mix.mp3-128", "--set",
          "pricing.rate_usd_per_mb=0.02"], 20e6),
    ],
    ids=["roms-by-rate", "preset", "customers", "mix-weight"],
)
def test_solve_targets(capsys, argv, expect):
    code, out, _ = run(capsys, "solve", "--json", *argv)
    assert code == 0
    assert abs(json.loads(out)["achieved"] - expect) <= 0.01


def test_solve_potential_buyers_is_the_closed_form(capsys):
    code, out, _ = run(capsys, "solve", "--json", "--vary", "demand.potential_buyers")
    y = market_year(S)
    assert json.loads(out)["value"] == pytest.approx(S.demand.potential_buyers * 30e6 / y.revenue_usd, rel=1e-12)


@pytest.mark.parametrize(
    "argv, needles",
    [
        (["--preset", "nope"], ["unknown preset 'nope'", "reported_2006"]),
        (["--set", "market.nope=1"], ["unknown input 'market.nope'"]),
        (["--set", "pricing.rate_usd_per_mb=5"], ["pricing.rate_usd_per_mb must be between 0.001 and 0.3", "got 5"]),
        (["--set", "pricing.rate_usd_per_mb"], ["--set must look like KEY=VALUE"]),
        (["--target", "revenue_usd=1e12"], ["no value of demand.store_utility between -10 and 10 [utils]",
                                            "ranges from "]),
        (["--vary", "pricing.rate_usd_per_mb"], ["no value of pricing.rate_usd_per_mb", "ranges from 2,994,760.45 to "]),
        (["--vary", "costs.card_fee_share"], ["revenue_usd does not depend on costs.card_fee_share"]),
        (["--vary", "charts.potential_buyers_max"], ["revenue_usd does not depend on charts.potential_buyers_max"]),
        (["--vary", "market.customers"], ["--vary 'market.customers': unknown input"]),
        (["--vary", "market.downloads_per_customer"], ["unknown input"]),
        (["--target", "revenue_usd"], ["--target must look like OUTPUT=VALUE"]),
        (["--target", "revenue_usd=nan"], ["--target must look like OUTPUT=VALUE"]),
        (["--target", "nope=3"], ["output 'nope' is not one of"]),
        (["--vary", "catalogue.seed"], ["not a continuous number input"]),
        (["--assumptions", "/nonexistent.yaml"], ["cannot read file"]),
    ],
    ids=["preset", "set-key", "set-bounds", "set-form", "no-solution", "rate-peaks", "no-effect", "no-effect-chart",
         "removed-customers", "removed-downloads", "target-form", "target-nan", "output", "vary-integer", "file"],
)
def test_solve_errors(capsys, argv, needles):
    assert_clean_error(*run(capsys, "solve", *argv), "allofmp3-sim solve: error:", *needles)


def test_solve_help_names_the_default(capsys):
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Default: demand.store_utility (the store's appeal) such that revenue_usd equals" in out
    assert "does not depend on is refused" in out


# --- --calibrate: re-fit to the reports first -----------------------------------------------------------------


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_scenario_options(p)
    add_calibrate_option(p)
    return p.parse_args(list(argv))


def test_calibrate_refits_the_demand_to_the_reports():
    assert scenario_for(_args()).values == S.values
    s = scenario_for(_args("--preset", "rate_2005", "--calibrate"))
    base = make_scenario(preset="rate_2005")
    assert s.preset == "rate_2005" and s.values == fit_store(base).scenario(base).values
    assert {k for k in FIT_PARAMETERS if s[k] != base[k]} == set(FIT_PARAMETERS)


def test_calibrate_overrides_a_fitted_input_given_with_set():
    s = scenario_for(_args("--set", "demand.potential_buyers=20000000", "--calibrate"))
    assert s.demand.potential_buyers == pytest.approx(S.demand.potential_buyers, rel=0.01)   # the fit's, not 20M


def test_calibrate_help_says_it_refits(capsys):
    assert "re-fit the demand parameters marked fitted" in CALIBRATE_HELP
    with pytest.raises(SystemExit):
        main(["customers", "--help"])
    assert "re-fit the demand parameters" in " ".join(capsys.readouterr().out.split())
