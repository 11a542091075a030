"""One model, one truth: every view's revenue, customers and downloads at the same inputs equal the model's, to the cent."""

from __future__ import annotations

import contextlib
import io
import json
import math

import pandas as pd
import pytest

from simulator.cli import main
from simulator.model.demand import demand_curve, year_at_rates
from simulator.model.fit import report_table
from simulator.model.market import market_year
from simulator.model.timeline import monthly_timeline
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario
from simulator.present.compare import compare_scenarios
from simulator.present.report import headline_metrics

PRESETS = sorted(load_assumptions().presets)
RATES = (0.015, 0.03, 0.05)
YEARS = ("2007-07", "2006-10")
GRID = [(p, r, y) for p in PRESETS for r in RATES for y in YEARS]
CENT = 0.005


def _scenario(preset, rate, year_end):
    return make_scenario(preset=preset, overrides={"pricing.rate_usd_per_mb": rate, "timeline.year_end": year_end})


def _cli(*argv) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--json"]) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("preset", "rate", "year_end"), GRID)
def test_every_view_answers_from_the_same_model(preset, rate, year_end):
    s = _scenario(preset, rate, year_end)
    y = market_year(s)
    views: dict[str, dict[str, float]] = {}
    c = demand_curve(s, [rate]).iloc[0]
    views["demand curve"] = {"revenue_usd": c.revenue_usd, "customers": c.customers, "downloads": c.downloads}
    v = year_at_rates(s, [rate])
    views["demand at rates"] = {k: float(getattr(v, k)[0]) for k in ("revenue_usd", "customers", "downloads")}
    h = {m.key: m.value for m in headline_metrics(s)}
    views["headline"] = {"revenue_usd": h["revenue_usd"], "customers": h["customers"]}
    t = compare_scenarios([("a", s), ("b", s)]).table.set_index("output")
    views["compare"] = {k: t.loc[k, "a"] for k in ("revenue_usd", "customers", "downloads")}
    m = monthly_timeline(s)
    end = pd.Timestamp(f"{year_end}-01")
    w = m[(m.month >= end - pd.DateOffset(months=12)) & (m.month < end)]
    views["time line"] = {"revenue_usd": w.revenue_usd.sum(), "customers": w.customers.iloc[-1],
                          "downloads": w.downloads.sum()}
    for view, got in views.items():
        for k, value in got.items():
            assert math.isclose(value, getattr(y, k), rel_tol=1e-12, abs_tol=CENT), (view, k, value, getattr(y, k))


@pytest.mark.parametrize("preset", PRESETS)
def test_the_command_line_prints_the_models_year(preset):
    s = make_scenario(preset=preset)
    y = market_year(s)
    market = _cli("market", "--preset", preset)
    rate = s.pricing.rate_usd_per_mb
    demand = _cli("demand", "--preset", preset, "--rates", repr(rate))["rates"][0]
    for k in ("revenue_usd", "customers", "downloads"):
        assert math.isclose(market[k], getattr(y, k), rel_tol=1e-12, abs_tol=CENT), k
        assert math.isclose(demand[k], getattr(y, k), rel_tol=1e-12, abs_tol=CENT), k


def test_the_fit_table_reads_the_same_year():
    s = make_scenario()
    t = report_table(s).set_index("report")
    y = market_year(s)
    assert math.isclose(t.model["revenue_times"], y.revenue_usd, abs_tol=CENT)
    assert math.isclose(t.model["customers_jul_2007"], y.customers, rel_tol=1e-12)


@pytest.mark.parametrize("preset", ["reported_2006", "rate_2005", "card_freeze"])
def test_the_uncertainty_views_are_centred_on_the_models_year(preset):
    from simulator.model.uncertainty import monte_carlo, tornado

    s = make_scenario(preset=preset)
    y = market_year(s)
    mc = monte_carlo(s, draws=500, seed=3).summary.set_index("output")
    for k in ("revenue_usd", "customers"):
        assert math.isclose(mc.deterministic_value[k], getattr(y, k), rel_tol=1e-12, abs_tol=CENT), k
    t = tornado(s)
    assert all(math.isclose(v, y.revenue_usd, rel_tol=1e-12, abs_tol=CENT) for v in t.output_base)


def test_the_classroom_and_the_handout_quote_the_models_year():
    from simulator.output.summary import summary_html
    from simulator.present.classroom import exercises
    from simulator.present.report import format_usd

    s = make_scenario()
    y = market_year(s)
    revenue = format_usd(y.revenue_usd)
    ex = {e.key: e for e in exercises(s)}
    assert f"{revenue} ÷" in ex["implied_downloads"].answer
    assert ex["welfare"].numeric.value == y.consumer_surplus_usd
    assert revenue in summary_html(s, [])
