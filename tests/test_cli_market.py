"""Tests of the market, presets, solve, demand, models, rights and timeline commands: output, JSON, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from simulator.cli import main
from simulator.model.market import market_year
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario

PRESETS = sorted(load_assumptions().presets)
MARKET_KEYS = ("customers", "downloads_per_customer", "revenue_usd", "roms_usd", "operator_margin_usd",
               "reported_revenue_usd", "reported_customers")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code, out, err, *needles):
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.count("\n") == 1
    for n in needles:
        assert n in err


def test_market_table_on_the_defaults(capsys):
    code, out, err = run(capsys, "market")
    assert code == 0 and err == ""
    lines = dict(line.split(None, 1) for line in out.splitlines())
    for k in MARKET_KEYS:
        assert k in lines
    y = market_year(make_scenario())
    assert lines["customers"].strip() == f"{y.customers:,.0f}" and lines["reported_revenue_usd"].strip() == "30,000,000.00"
    for people in ("monthly_buyers", "potential_buyers"):   # whole people, though the model's mean is fractional
        assert lines[people].strip() == f"{getattr(y, people):,.0f}"


@pytest.mark.parametrize("preset", [None, *PRESETS])
def test_market_json_on_every_preset(capsys, preset):
    argv = ["market", "--json"] + (["--preset", preset] if preset else [])
    code, out, _ = run(capsys, *argv)
    assert code == 0
    d = json.loads(out)
    y = market_year(make_scenario(preset=preset))
    assert d["preset"] == (preset or "(defaults)")
    for k in MARKET_KEYS:
        assert d[k] == pytest.approx(getattr(y, k), rel=1e-15), k


def test_market_with_set(capsys):
    code, out, _ = run(capsys, "market", "--json", "--set", "demand.potential_buyers=1000000")
    y = market_year(make_scenario(overrides={"demand.potential_buyers": 1e6}))
    assert code == 0 and json.loads(out)["customers"] == pytest.approx(y.customers, rel=1e-15)


def test_presets_command(capsys):
    code, out, _ = run(capsys, "presets", "--json")
    assert code == 0 and sorted(r["name"] for r in json.loads(out)) == PRESETS
    code, out, _ = run(capsys, "presets")
    assert code == 0 and out.startswith("reported_2006: ")


def test_market_errors(capsys):
    assert_clean_error(*run(capsys, "market", "--preset", "nope"), "unknown preset")
    assert_clean_error(*run(capsys, "market", "--set", "demand.potential_buyers=-1"),
                       "demand.potential_buyers must be between")
    assert_clean_error(*run(capsys, "market", "--set", "market.customers=1"), "unknown input 'market.customers'")


def test_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["solve", "--bogus"])
    assert e.value.code == 2


def test_timeline_command(capsys):
    code, out, _ = run(capsys, "timeline")
    assert code == 0 and out.splitlines()[0].split()[:3] == ["month", "rate_usd_per_mb", "customers"]
    assert "2007-06" in out and "visa_stop" in out
    code, out, _ = run(capsys, "timeline", "--json")
    rows = json.loads(out)
    assert len(rows) == 42 and rows[0]["month"] == "2004-01" and rows[-1]["month"] == "2007-06"
    code, out, _ = run(capsys, "timeline", "--csv", "--yearly")
    years = list(csv.DictReader(io.StringIO(out)))
    assert [r["year"] for r in years] == ["2004", "2005", "2006", "2007"]
    code, out, _ = run(capsys, "timeline", "--yearly")
    assert code == 0 and "2004" in out and "2,004" not in out


def test_demand_command(capsys):
    code, out, _ = run(capsys, "demand")
    assert code == 0 and out.startswith("revenue: On the fitted demand") and "rise: " in out and "itunes_terms" in out
    code, out, _ = run(capsys, "demand", "--json")
    d = json.loads(out)
    assert d["profit"]["objective"] == "profit" and len(d["itunes"]) == 2
    assert d["rise"]["after_rate_usd_per_mb"] == 0.03 and d["break_even_licensed_rate_usd_per_mb"] > 0.03


def test_models_command(capsys):
    code, out, _ = run(capsys, "models")
    assert code == 0 and "cheapest_model" in out and "itunes_s" in out
    code, out, _ = run(capsys, "models", "--json")
    d = json.loads(out)
    assert len(d["listeners"]) == 6 and d["break_even"][0]["encoding"] == "mp3-128"
    code, out, _ = run(capsys, "models", "--csv")
    assert code == 0 and out.startswith("listener,label,encoding")


def test_rights_command(capsys):
    code, out, _ = run(capsys, "rights", "--json")
    d = json.loads(out)
    assert code == 0 and d["lawsuit"]["claim_usd"] == 1.65e12
    assert d["rights"]["wholesale_usd_per_download"] == 0.65
    code, out, _ = run(capsys, "rights")
    assert code == 0 and "lawsuit_claim_usd" in out and "1,650,000,000,000" in out
    # 11 million songs at the store model's mean price of June-October 2006
    from simulator.model.rights import lawsuit_arithmetic
    earned = lawsuit_arithmetic(make_scenario()).revenue_usd
    assert d["lawsuit"]["revenue_usd"] == pytest.approx(earned, abs=0.01)
    assert f"lawsuit_revenue_usd                     {earned:,.2f}" in out
    assert "lawsuit_claim_usd: US statutory damages are awarded per work infringed, not per copy (17 U.S.C. §504(c))" in out
    assert "is the press's arithmetic, not what the statute allows" in out
    assert "73 days at 2 c/MB (1 June to 12 August 2006) and 80 days at 3 c/MB (13 August to 31 October 2006)" in out


@pytest.mark.parametrize(("rates", "needle"), [
    ("0.01,,0.02", "no empty entry"), ("0.01,0.02,", "no empty entry"), (",", "at least one rate"),
    ("0.02,0.01,0.02", "each rate once, got 0.02 more than once"), ("0.01,two", "no empty entry"),
    ("0.01,1", "pricing.rate_usd_per_mb must be between"), ("nan", "pricing.rate_usd_per_mb must be between"),
])
def test_demand_refuses_bad_rate_lists_by_name(capsys, rates, needle):
    try:
        code = main(["demand", "--rates", rates])
    except SystemExit as e:  # refused while parsing the arguments
        code = e.code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert needle in err and "--rates" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["timeline", "demand", "models", "rights"])
def test_other_commands_refuse_bad_input(capsys, command):
    assert_clean_error(*run(capsys, command, "--preset", "nope"), "unknown preset")
