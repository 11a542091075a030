"""Tests of the sensitivity, montecarlo and customers commands: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json

import pytest

from simulator.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sensitivity_json(capsys):
    code, out, err = run(capsys, "sensitivity", "--output", "roms_usd", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["output"] == "roms_usd"
    swings = [r["swing"] for r in d["rows"]]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    assert {"input", "label", "unit", "low", "high", "output_at_low", "output_at_high", "swing"} <= set(d["rows"][0])


def test_sensitivity_table_with_preset_and_set(capsys):
    code, out, _ = run(capsys, "sensitivity", "--preset", "rate_2005", "--set", "market.customers=5000000")
    assert code == 0
    assert out.startswith("output: revenue_usd [USD/year]") and "market.downloads_per_customer" in out


def test_montecarlo_json(capsys):
    code, out, _ = run(capsys, "montecarlo", "--draws", "2000", "--seed", "5", "--json")
    assert code == 0
    d = json.loads(out)
    assert (d["draws"], d["seed"]) == (2000, 5)
    rows = {r["output"]: r for r in d["summary"]}
    assert set(rows) == {"revenue_usd", "implied_downloads_per_customer", "roms_usd", "operator_margin_usd"}
    for r in rows.values():
        assert r["p5_value"] <= r["p50_value"] <= r["p95_value"]
    assert any(i["input"] == "market.customers" and i["distribution"] == "triangular" for i in d["inputs"])
    code2, out2, _ = run(capsys, "montecarlo", "--draws", "2000", "--seed", "5", "--json")
    assert out2 == out  # seeded


def test_montecarlo_table(capsys):
    code, out, _ = run(capsys, "montecarlo", "--draws", "500")
    assert code == 0 and out.startswith("draws 500, seed 2008") and "p95_value" in out


def test_customers_json_and_progress(capsys):
    code, out, err = run(capsys, "customers", "--customers", "200000", "--seed", "3", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["customers"] == 200_000 and d["seed"] == 3
    assert 0.58 < d["gini"] < 0.63
    assert d["top_1_share"] < d["top_10_share"] < d["top_20_share"]
    assert len(d["lorenz_population_share"]) == len(d["lorenz_revenue_share"])
    assert "customers: 200,000 of 200,000 (100%)" in err


def test_customers_table_quiet(capsys):
    code, out, err = run(capsys, "customers", "--customers", "100000", "--quiet")
    assert code == 0 and err == ""
    assert "gini " in out and "clone_revenue_share" in out and "lorenz_population_share" not in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sensitivity", "--output", "nope"], "unknown output 'nope'; valid outputs are: customers,"),
        (["montecarlo", "--draws", "0"], "draws must be a whole number from 1 to 1,000,000, got 0"),
        (["montecarlo", "--draws", "2000000"], "draws must be a whole number from 1 to 1,000,000"),
        (["customers", "--preset", "nope"], "unknown preset 'nope'"),
        (["sensitivity", "--preset", "nope"], "unknown preset 'nope'"),
        (["montecarlo", "--set", "market.customers=-1"], "market.customers must be between"),
        (["customers", "--customers", "5"], "market.customers must be between 10000 and 50000000"),
    ],
    ids=["unknown-output", "zero-draws", "too-many-draws", "customers-preset", "sensitivity-preset",
         "bad-set", "too-few-customers"],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
