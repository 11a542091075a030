"""Tests of the sensitivity and montecarlo commands: exit codes, JSON, tables, one-line errors."""

from __future__ import annotations

import json

import pytest

from simulator.cli import main
from simulator.model.fit import FIT_PARAMETERS
from simulator.model.market import market_year
from simulator.model.uncertainty import MC_OUTPUTS
from simulator.params.scenario import make_scenario


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sensitivity_json(capsys):
    code, out, err = run(capsys, "sensitivity", "--output", "roms_usd", "--json")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["output"] == "roms_usd"
    swings = [r["swing"] for r in d["rows"]]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    rows = {r["input"]: r for r in d["rows"]}
    y = market_year(make_scenario())
    # ROMS gets 15% to 20% of the receipts: the row's ends by hand
    assert rows["royalties.roms_share"]["output_at_high"] == pytest.approx(0.2 * y.revenue_usd, rel=1e-12)
    assert rows["royalties.roms_share"]["output_base"] == pytest.approx(y.roms_usd, rel=1e-12)


def test_sensitivity_table_with_preset_and_set(capsys):
    code, out, _ = run(capsys, "sensitivity", "--preset", "rate_2005", "--set", "demand.track_wants_per_month=40")
    assert code == 0
    s = make_scenario(preset="rate_2005", overrides={"demand.track_wants_per_month": 40.0})
    base = market_year(s).revenue_usd
    lines = out.splitlines()
    assert lines[0] == f"output: revenue_usd [USD/year], base {base:,.2f}"
    wants = next(line.split() for line in lines if line.startswith("demand.track_wants_per_month "))
    # revenue is proportional to the wants: 20 a month gives half of 40 a month's
    assert wants[2:5] == ["20", "40", "45"] and wants[5] == f"{base * 20 / 40:,.2f}"
    assert "demand.price_sensitivity_per_usd" in out


def test_sensitivity_of_customers(capsys):
    code, out, _ = run(capsys, "sensitivity", "--output", "customers", "--json")
    d = json.loads(out)
    assert code == 0 and d["rows"][0]["output_unit"] == "customers"
    rows = {r["input"]: r for r in d["rows"]}
    # customers do not depend on who is paid
    assert rows["royalties.roms_share"]["swing"] == 0 and rows["demand.potential_buyers"]["swing"] > 0


def test_montecarlo_json(capsys):
    code, out, _ = run(capsys, "montecarlo", "--draws", "2000", "--seed", "5", "--json")
    assert code == 0
    d = json.loads(out)
    assert (d["draws"], d["seed"]) == (2000, 5)
    rows = {r["output"]: r for r in d["summary"]}
    assert list(rows) == list(MC_OUTPUTS)
    for r in rows.values():
        assert r["p5_value"] <= r["p50_value"] <= r["p95_value"]
        assert 0 <= r["deterministic_percentile"] <= 100
    assert rows["revenue_usd"]["deterministic_value"] == pytest.approx(market_year(make_scenario()).revenue_usd)
    drawn = {i["input"]: i for i in d["inputs"]}
    assert set(FIT_PARAMETERS) <= set(drawn)
    assert drawn["demand.potential_buyers"]["distribution"] == "lognormal"
    assert drawn["demand.store_utility"]["distribution"] == "normal"
    assert drawn["demand.track_wants_per_month"]["distribution"] == "triangular"
    code2, out2, _ = run(capsys, "montecarlo", "--draws", "2000", "--seed", "5", "--json")
    assert out2 == out  # seeded


def test_montecarlo_table(capsys):
    code, out, _ = run(capsys, "montecarlo", "--draws", "500")
    assert code == 0 and out.startswith("draws 500, seed 2008")
    assert "deterministic_percentile" in out and "lognormal" in out and "triangular" in out


def test_help_explains_every_column(capsys):
    with pytest.raises(SystemExit):
        main(["montecarlo", "--help"])
    out = capsys.readouterr().out
    assert "deterministic_percentile" in out and "sd " in out and "lognormal" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sensitivity", "--output", "nope"], "unknown output 'nope'; valid outputs are: customers,"),
        (["sensitivity", "--output", "implied_downloads_per_customer"], "unknown output"),
        (["montecarlo", "--draws", "0"], "draws must be a whole number from 1 to 1,000,000, got 0"),
        (["montecarlo", "--draws", "2000000"], "draws must be a whole number from 1 to 1,000,000"),
        (["montecarlo", "--seed", "-3"], "seed must be a whole number >= 0, got -3"),
        (["sensitivity", "--preset", "nope"], "unknown preset 'nope'"),
        (["montecarlo", "--set", "demand.nest_scale=2"], "demand.nest_scale must be between"),
        (["montecarlo", "--set", "market.customers=5000000"], "market.customers"),
    ],
    ids=["unknown-output", "implied-is-gone", "zero-draws", "too-many-draws", "negative-seed",
         "sensitivity-preset", "bad-set", "removed-input"],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
