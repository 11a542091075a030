"""The fit: the shipped defaults are the weighted least-squares optimum, residuals by hand, switching reports off."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.cli import main
from simulator.model.fit import (
    FIT_PARAMETERS,
    FitError,
    fit_store,
    fitted_reports,
    model_figures,
    report_table,
)
from simulator.model.store import store_run
from simulator.params.scenario import make_scenario

S = make_scenario()
FIT = fit_store(S)


def test_the_shipped_defaults_are_the_fit():
    for k in FIT_PARAMETERS:
        assert FIT.values[k] == pytest.approx(S.values[k], rel=2e-3, abs=1e-3), k
        assert S.assumptions.parameters[k].fitted, k


def test_every_documented_report_is_in_the_table():
    names = set(FIT.table.report)
    for n in ("customers_oct_2006", "customers_jul_2007", "growth_oct_2006", "revenue_times", "revenue_kommersant",
              "revenue_hollywood_reporter", "us_songs_jun_oct_2006", "track_price_jul_2007", "album_price_2006",
              "uk_share_apr_2006"):
        assert n in names
    assert FIT.table.used.all() and len(FIT.table) >= len(FIT_PARAMETERS) + 5


def test_a_residual_is_the_log_miss_in_units_of_the_reports_uncertainty():
    t = report_table(S).set_index("report")
    row = t.loc["revenue_hollywood_reporter"]                         # a band: its centre is the geometric middle
    centre = np.sqrt(10e6 * 14e6)
    assert row.centre == pytest.approx(centre, rel=1e-12)
    assert row.residual == pytest.approx((np.log(row.model) - np.log(centre)) / 0.3, rel=1e-12)


def test_model_figures_read_the_model_as_documented():
    r = store_run(S)
    reps = {x.name: x for x in fitted_reports(S)}
    times = model_figures(r, (reps["revenue_times"],), S)[0]
    p = r.periods
    inside = (p.start >= np.datetime64("2006-07-01")) & (p.end <= np.datetime64("2007-07-01"))
    assert times == pytest.approx(r.revenue_usd[inside].sum(), rel=1e-12)
    us = model_figures(r, (reps["us_songs_jun_oct_2006"],), S)[0]
    inside = (p.start >= np.datetime64("2006-06-01")) & (p.end <= np.datetime64("2006-11-01"))
    assert us == pytest.approx(r.downloads[inside].sum() * S.demand.us_download_share, rel=1e-12)


def test_switching_off_the_low_estimate_moves_the_year_toward_the_times():
    without = fit_store(S, without=["revenue_hollywood_reporter"])
    t0 = FIT.table.set_index("report").model["revenue_times"]
    t1 = without.table.set_index("report")
    assert t1.model["revenue_times"] > t0 * 1.1
    assert not t1.used["revenue_hollywood_reporter"] and t1.used["revenue_times"]


def test_the_fit_finds_its_way_back_from_elsewhere():
    start = S.with_overrides({"demand.price_sensitivity_per_usd": 4.0, "demand.store_utility": 1.0,
                              "demand.potential_buyers": 12_000_000})
    f = fit_store(start)
    assert f.cost == pytest.approx(FIT.cost, rel=1e-3)


def test_bad_fit_settings_say_what_is_wrong():
    with pytest.raises(FitError, match="no fitted report named 'nope'"):
        fit_store(S, without=["nope"])
    names = [r.name for r in fitted_reports(S)]
    with pytest.raises(FitError, match="only 3 report\\(s\\) left, but the fit has 7 parameters to find; switch at "
                                       "most 8 of the 15 reports off"):
        fit_store(S, without=names[:-3])


def test_the_command_line_prints_the_table_and_refuses_bad_reports(capsys):
    assert main(["fit", "--json", "--without", "uk_share_apr_2006"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["without"] == ["uk_share_apr_2006"]
    assert {p["parameter"] for p in out["parameters"]} == set(FIT_PARAMETERS)
    row = next(r for r in out["reports"] if r["report"] == "uk_share_apr_2006")
    assert row["used"] is False
    assert main(["fit", "--without", "nope"]) == 2
    assert "no fitted report named 'nope'" in capsys.readouterr().err
