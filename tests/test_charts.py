"""Tests of the charts (simulator.present.charts, charts_market, charts_distribution): each figure draws the model's numbers.

Every chart is checked for what a reader and the exporter rely on (a title with units in brackets,
caption, alt text with the key number, unit-suffixed data, JSON without external URLs), then for
its traces against the model and hand-computed values.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from simulator.model.calibration import iso_grid, solve
from simulator.model.customers import customer_year
from simulator.model.demand import best_rate, demand_curve
from simulator.model.fit import FIT_PARAMETERS, fit_store
from simulator.model.market import MarketYear, accounting_inputs, download_profile, market_year, year_from_run
from simulator.model.store import periods_of, run_store, store_inputs, window_mask
from simulator.model.tariffs import price_by_length
from simulator.model.timeline import monthly_timeline
from simulator.model.uncertainty import MC_OUTPUTS, monte_carlo, tornado
from simulator.params.scenario import make_scenario
from simulator.present.charts import Chart, price_vs_length_chart, revenue_split_chart
from simulator.present.charts_distribution import (
    lorenz_chart,
    montecarlo_chart,
    montecarlo_table,
    spend_histogram_chart,
    tornado_chart,
)
from simulator.present.charts_market import demand_chart, iso_revenue_chart, models_chart, timeline_chart
from simulator.present.report import format_usd
from simulator.present.style import split_title

RATE = "pricing.rate_usd_per_mb"
BUYERS = "demand.potential_buyers"
S = make_scenario()
#: A smaller market for the customer simulation (fast): revenue and customers are proportional to the
#: potential buyers, so prices and downloads per customer are the defaults'.
SMALL = make_scenario(overrides={"demand.potential_buyers": 100_000.0})


@pytest.fixture(scope="module")
def cy():
    return customer_year(SMALL)


@pytest.fixture(scope="module")
def mc():
    return monte_carlo(S, draws=2000, seed=7)


@pytest.fixture(scope="module")
def tornado_table():
    return tornado(S)


@pytest.fixture(scope="module")
def charts(cy, mc, tornado_table) -> dict[str, Chart]:
    out = [
        price_vs_length_chart(S),
        revenue_split_chart(S),
        iso_revenue_chart(iso_grid(S)),
        demand_chart(demand_curve(S), best_rate("revenue", S), best_rate("profit", S), S),
        timeline_chart(monthly_timeline(S), S),
        models_chart(price_by_length(S), S),
        lorenz_chart(cy),
        spend_histogram_chart(cy),
        montecarlo_chart(mc),
        montecarlo_chart(mc, "downloads_per_customer"),
        tornado_chart(tornado_table),
    ]
    return {c.name: c for c in out}


NAMES = ["price_vs_length", "revenue_split", "iso_revenue", "demand_and_revenue", "timeline", "pricing_models",
         "lorenz_curve", "spend_histogram", "montecarlo_revenue_usd", "montecarlo_downloads_per_customer",
         "tornado_revenue_usd"]

#: Column suffixes that carry a unit, and the columns that are labels, counts or say their unit elsewhere.
UNIT_SUFFIXES = ("_usd", "_s", "_ms", "_mb", "_mib", "_tb", "_share", "_per_mb", "_per_customer", "_per_year",
                 "_per_dollar", "_factor")
#: Columns of fractions named by what they divide: ``share_<encoding>`` (the year's download mix).
UNIT_PREFIXES = ("share_",)
UNITLESS = {"encoding", "recipient", "scenario", "model", "series", "month", "input", "label", "unit",
            "customers", "downloads", "tracks", "days", "days_open",
            # people: the store model's potential buyers, buyers in a period or a month, new accounts
            "potential_buyers", "buyers", "monthly_buyers", "new_accounts",
            # dimensionless: an elasticity [%/%] and diversion ratios [fraction of lost downloads]
            "elasticity", "diversion_p2p", "diversion_itunes",
            # tornado: input values in the row's ``unit``, outputs in the output's unit (the chart's title)
            "low", "base", "high", "output_at_low", "output_base", "output_at_high", "swing"}


def test_every_chart_is_built(charts):
    assert sorted(charts) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_chart_carries_its_words_and_data(charts, name):
    c = charts[name]
    assert isinstance(c, Chart) and c.name == name
    assert re.search(r"\[[^\]]+\]", c.title), c.title                      # units in brackets
    assert len(c.caption) > 40 and len(c.alt) > 40 and c.formula
    assert re.search(r"\d", c.alt), c.alt                                  # alt text says a number
    assert isinstance(c.data, pd.DataFrame) and len(c.data) > 0
    bad = [col for col in c.data.columns
           if col not in UNITLESS and not col.endswith(UNIT_SUFFIXES) and not col.startswith(UNIT_PREFIXES)]
    assert not bad, f"columns without a unit: {bad}"
    assert shown_title(c.figure) == split_title(c.title)                 # wrapped, every word kept
    assert c.figure.layout.template.layout.plot_bgcolor == "#ffffff"       # the house template travels along


def shown_title(figure) -> tuple[str, str]:
    """The figure's title and subtitle as one line each (the lines joined with spaces)."""
    t = figure.layout.title
    return t.text.replace("<br>", " "), (t.subtitle.text or "").replace("<br>", " ")


@pytest.mark.parametrize("name", NAMES)
def test_chart_json_has_no_external_urls(charts, name):
    text = charts[name].figure.to_json()
    spec = json.loads(text)
    assert spec["data"] and spec["layout"]
    # base64-packed arrays never hold ':' or '.', so these patterns only match real links
    assert not re.search(r"https?:|\bcdn\.[a-z]|\.js\b", text, re.IGNORECASE)


# --- price against length ------------------------------------------------------------------------


def _step_at(t, x_min: np.ndarray) -> np.ndarray:
    """Value of a step ('hv') trace at x: the y of the last corner at or before x."""
    xs = np.asarray(t.x, dtype=float)
    return np.asarray(t.y, dtype=float)[np.searchsorted(xs, np.asarray(x_min) + 1e-12, side="right") - 1]


def _y_at(chart: Chart, trace_index: int, seconds: int) -> float:
    return float(_step_at(chart.figure.data[trace_index], np.array([seconds / 60]))[0])


@pytest.mark.parametrize(
    ("encoding", "price"),
    # 240 s: 128 kbps = 3.84 MB, 192 = 5.76, 320 = 9.6, AAC 256 = 7.68, FLAC 1411.2 x 0.546 = 770.5152 kbps
    # = 23,115,456 bytes; x 3 c/MB = 11.52, 17.28, 28.8, 23.04 and 69.35 c, half-up to the cent
    [("mp3-128", 0.12), ("mp3-192", 0.17), ("mp3-320", 0.29), ("aac-256", 0.23), ("flac", 0.69)],
)
def test_price_vs_length_at_four_minutes(charts, encoding, price):
    c = charts["price_vs_length"]
    order = ["mp3-128", "mp3-192", "mp3-320", "aac-256", "flac"]
    assert _y_at(c, order.index(encoding), 240) == price
    d = c.data[(c.data.encoding == encoding) & (c.data.duration_s == 240)]
    assert d.price_usd.item() == price
    assert f"${price:.2f} at {encoding}" in c.alt


def test_price_vs_length_traces_equal_the_data(charts):
    c = charts["price_vs_length"]
    assert list(c.data.columns) == ["duration_s", "encoding", "size_mb", "price_usd"]
    for t, (enc, d) in zip(c.figure.data, c.data.groupby("encoding", sort=False), strict=True):
        assert enc in t.hovertemplate and t.line.shape == "hv"
        # the trace holds only the step corners; as a step function it equals the data at every second
        assert len(t.x) < len(d)
        assert np.array_equal(_step_at(t, d.duration_s.to_numpy() / 60), d.price_usd.to_numpy())
        assert (np.diff(d.price_usd.to_numpy()) >= 0).all()                  # never cheaper when longer
        assert d.duration_s.tolist() == list(range(1, 601))
    mp3 = c.data[c.data.encoding == "mp3-192"]
    assert np.allclose(mp3.size_mb, 192 * mp3.duration_s / 8 / 1000, rtol=1e-15)
    shapes = c.figure.layout.shapes
    assert (shapes[0].y0, shapes[0].y1, shapes[1].y0) == (0.10, 0.20, 0.99)   # reported band, iTunes
    assert c.title == "Price per track against length at 3 c/MB [USD]"
    assert "5,760,000 bytes → $0.17" in c.formula


@pytest.mark.parametrize(
    ("overrides", "price", "title_rate"),
    [
        ({RATE: 0.02}, 0.12, "2 c/MB"),                                     # 5.76 x 2 = 11.52 c
        ({RATE: 0.025}, 0.14, "2.5 c/MB"),                                  # 14.4 c
        ({"pricing.discount_share": 0.1}, 0.16, "3 c/MB"),                  # 17.28 x 0.9 = 15.552 c
        ({"pricing.mb_convention": "binary"}, 0.16, "3 c/MiB"),             # 5,760,000 / 2**20 x 3 = 16.48 c
        ({"encoding.tag_overhead_bytes": 200_000}, 0.18, "3 c/MB"),         # 5.96 x 3 = 17.88 c
    ],
    ids=["2c", "2.5c", "discount", "binary", "overhead"],
)
def test_price_vs_length_follows_the_scenario(overrides, price, title_rate):
    c = price_vs_length_chart(make_scenario(overrides=overrides), encodings=("mp3-192",), max_duration_s=300)
    assert _y_at(c, 0, 240) == price
    assert f"at {title_rate} [USD]" in c.title and f"${price:.2f} at mp3-192" in c.alt
    assert len(c.figure.data) == 1 and c.data.duration_s.max() == 300


def test_price_vs_length_rounds_half_up():
    # 125 s at 128 kbps = 2,000,000 bytes = 2 MB; at 0.25 c/MB that is exactly half a cent
    c = price_vs_length_chart(make_scenario(overrides={RATE: 0.0025}), encodings=("mp3-128",), max_duration_s=130)
    assert _y_at(c, 0, 125) == 0.01 and _y_at(c, 0, 124) == 0.0
    assert "A 2:10 track costs $0.01 at mp3-128" in c.alt                # shorter than 4:00: the longest drawn


def test_price_vs_length_unknown_encoding():
    with pytest.raises(ValueError, match="unknown encoding 'mp3-1'"):
        price_vs_length_chart(S, encodings=("mp3-192", "mp3-1"))


# --- revenue split --------------------------------------------------------------------------------


def test_revenue_split_closed_form(charts):
    c = charts["revenue_split"]
    y = market_year(S)
    d = c.data.set_index("recipient")
    assert list(d.index) == ["ROMS", "FAIR", "Labels (wholesale)", "Card fees", "Bandwidth", "Contribution margin"]
    # cents of each dollar: 15 to ROMS, 4 to cards, bandwidth 0.1 USD/GB over the receipts per GB served, the rest.
    # The year (Jul 2006 to Jun 2007) sells at 2 c/MB until 13 Aug 2006 and 3 c/MB after, so a GB brings between
    # 20 and 30 USD: bandwidth takes between 0.1 / 30 = 1/3 c and 0.1 / 20 = 1/2 c of each dollar.
    bandwidth = 100 * 0.1 * (y.data_served_tb * 1000) / y.revenue_usd
    assert 1 / 3 < bandwidth < 1 / 2
    expected = {"ROMS": 15.0, "FAIR": 0.0, "Labels (wholesale)": 0.0, "Card fees": 4.0, "Bandwidth": bandwidth,
                "Contribution margin": 100 - 15 - 4 - bandwidth}
    assert d.cents_per_dollar.to_dict() == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert d.usd_per_year.sum() == pytest.approx(y.revenue_usd, rel=1e-12)
    bars = np.asarray(c.figure.data[0].y, dtype=float)
    assert bars.sum() * 1e6 == pytest.approx(y.revenue_usd, rel=1e-12)
    assert bars == pytest.approx(d.usd_per_year.to_numpy() / 1e6, rel=1e-15)
    assert list(c.figure.data[0].text)[0] == "15.0 c"
    assert c.figure.layout.xaxis.title.text == "Bar labels: cents of each dollar of revenue"
    assert list(c.figure.data[0].x)[2] == "Labels<br>(wholesale)"  # two lines, never rotated
    assert c.figure.layout.xaxis.tickangle == 0
    assert f"${y.revenue_usd / 1e6:.1f} million" in c.alt and "15.0 c of each dollar" in c.alt
    assert "Contribution margin" in c.alt


@pytest.mark.parametrize(
    ("overrides", "cents"),
    [
        ({"royalties.fair_enabled": True}, {"ROMS": 15.0, "FAIR": 25.0, "Card fees": 4.0}),
        ({"rights.payment_model": "itunes_wholesale"}, {"ROMS": 0.0, "FAIR": 0.0, "Card fees": 4.0}),
        # the year before the rise (Aug 2005 to Jul 2006) is all at 2 c/MB: 0.3 / 20 USD/GB and 0.1 / 20 USD/GB
        ({"costs.bandwidth_usd_per_gb": 0.3, "timeline.year_end": "2006-08"}, {"Bandwidth": 1.5}),
        ({"timeline.year_end": "2006-08"}, {"ROMS": 15.0, "Card fees": 4.0, "Bandwidth": 0.5}),
    ],
    ids=["fair", "wholesale", "bandwidth", "one-rate-year"],
)
def test_revenue_split_follows_the_scenario(overrides, cents):
    s = make_scenario(overrides=overrides)
    c = revenue_split_chart(s)
    d = c.data.set_index("recipient")
    for k, v in cents.items():
        assert d.cents_per_dollar[k] == pytest.approx(v, rel=1e-12, abs=1e-12), k
    assert d.cents_per_dollar.sum() == pytest.approx(100.0, rel=1e-12)
    assert d.usd_per_year.sum() == pytest.approx(market_year(s).revenue_usd, rel=1e-12)


def test_revenue_split_of_labels_on_itunes_terms_leaves_a_loss():
    s = make_scenario(preset="itunes_terms")
    d = revenue_split_chart(s).data.set_index("recipient")
    y = market_year(s)
    assert d.usd_per_year["Labels (wholesale)"] == pytest.approx(0.65 * y.downloads, rel=1e-12)
    assert d.cents_per_dollar["Labels (wholesale)"] == pytest.approx(65 / y.mean_price_usd, rel=1e-12)
    assert d.usd_per_year["Contribution margin"] < 0


def _year_without_buyers(s) -> MarketYear:
    """The store model's year with no potential buyers (below the input's bounds, as the iso grid's axis may go)."""
    p = periods_of(s)
    run = run_store(p, replace(store_inputs(s), potential_buyers=0.0))
    return year_from_run(run, window_mask(p, s.timeline.year_end), accounting_inputs(s))


def test_revenue_split_with_no_revenue():
    # Every input within its bounds leaves the store some revenue; a market with no potential buyers has none.
    y = _year_without_buyers(S)
    assert y.revenue_usd == 0 and y.downloads == 0
    c = revenue_split_chart(S, year=y)
    assert (c.data.usd_per_year == 0).all() and (c.data.cents_per_dollar == 0).all()
    assert "$0.0 million" in c.alt and "= $0 (the store model's year" in c.formula


# --- iso-revenue map ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def per_buyer() -> np.ndarray:
    """g(rate): the market year's revenue per potential buyer at each rate of the default grid. [USD/person]"""
    rate_lo = S.assumptions.parameters[RATE].bounds[0]
    rates = np.linspace(rate_lo, S.charts.rate_max_usd_per_mb, S.charts.grid_points)
    prof = download_profile(S)
    revenue = [market_year(S.with_overrides({RATE: float(r)}), profile=prof).revenue_usd for r in rates]
    return np.array(revenue) / S.demand.potential_buyers


def test_iso_revenue_contour_earns_the_target_at_every_rate(charts, per_buyer):
    c = charts["iso_revenue"]
    contour = c.figure.data[1]
    assert contour.name == "$30.0 million a year"
    x, y = np.asarray(contour.x, dtype=float), np.asarray(contour.y, dtype=float)
    assert len(x) == 61 and x[0] == pytest.approx(0.1) and x[-1] == pytest.approx(6.0)
    # revenue = N x g(rate), so the contour is N = target / g(rate) [million people]
    assert y * 1e6 == pytest.approx(30e6 / per_buyer, rel=1e-12)
    prof = download_profile(S)
    for rate_c, n in zip(x, y, strict=True):
        s = S.with_overrides({RATE: float(rate_c) / 100, BUYERS: float(n) * 1e6})
        assert market_year(s, profile=prof).revenue_usd == pytest.approx(30e6, rel=1e-9)
    # lowest at the revenue-maximizing rate (the static model's contour fell across the whole map)
    k = int(np.argmin(y))
    assert 0 < k < 60 and (np.diff(y[: k + 1]) < 0).all() and (np.diff(y[k:]) > 0).all()
    assert abs(x[k] - 100 * best_rate("revenue", S).best_rate_usd_per_mb) <= x[1] - x[0]
    # on a 2 x 2 grid the contour is what goal seek finds for the potential buyers at each rate
    at = iso_revenue_chart(iso_grid(S, rates_usd_per_mb=[0.02, 0.03], potential_buyers=[0.0, 1e7]))
    sought = [solve(S.with_overrides({RATE: 0.02}), vary=BUYERS).value, solve(S, vary=BUYERS).value]
    assert np.asarray(at.figure.data[1].y, dtype=float) * 1e6 == pytest.approx(sought, rel=1e-9)


def test_iso_revenue_leaves_out_the_contour_beyond_the_bounds(per_buyer):
    g = iso_grid(S, target=2e8)
    c = iso_revenue_chart(g)
    assert c.figure.data[1].name == "$200.0 million a year"
    x, y = np.asarray(c.figure.data[1].x), np.asarray(c.figure.data[1].y)
    full = g.contour_potential_buyers
    assert full == pytest.approx(2e8 / per_buyer, rel=1e-12)
    # demand.potential_buyers goes up to 100 million: far from the best rate $200 million needs more
    assert 0 < len(x) < 61 and (y <= 100).all()
    assert len(x) == int((full <= 1e8).sum()) and full[0] > 1e8 and full.min() < 1e8
    assert np.asarray(x) == pytest.approx(100 * g.rate_usd_per_mb[full <= 1e8])


def test_iso_revenue_map_values_and_point(charts, per_buyer):
    c = charts["iso_revenue"]
    g = iso_grid(S)
    heat, point = c.figure.data[0], c.figure.data[2]
    assert np.array_equal(np.asarray(heat.z), g.z / 1e6)
    n0 = S.demand.potential_buyers
    assert (point.x[0], point.y[0]) == (100 * S.pricing.rate_usd_per_mb, n0 / 1e6)     # 3 c/MB, 7.271 million
    d = c.data
    assert list(d.columns) == ["rate_usd_per_mb", "potential_buyers", "revenue_usd"] and len(d) == 61 * 61
    # rows run over the rates for each number of potential buyers: revenue = N x g(rate)
    assert d.revenue_usd.to_numpy() == pytest.approx(d.potential_buyers.to_numpy() * np.tile(per_buyer, 61),
                                                     rel=1e-12)
    y = market_year(S)
    assert "3.00 c/MB" in c.alt and "7.27 million potential buyers" in c.alt and format_usd(y.revenue_usd) in c.alt
    k = int(np.argmax(per_buyer))
    best_c = 100 * g.rate_usd_per_mb[k]
    assert f"peaks near {best_c:.2f} c/MB" in c.alt
    assert f"at 3.00 c/MB, g = {format_usd(y.revenue_usd / n0, cents=True)})" in c.formula
    assert f"at 3.00 c/MB that is {solve(S, vary=BUYERS).value / 1e6:,.2f} million" in c.formula
    assert f"g peaks near {best_c:.2f} c/MB, where the contour is lowest ({30e6 / per_buyer[k] / 1e6:,.2f} million)" \
        in c.formula
    assert "MiB" in iso_revenue_chart(g, mb_unit="MiB").title


def test_iso_revenue_with_no_potential_buyers_keeps_its_formula():
    # no potential buyers, no revenue: the map's bottom row is 0 and the formula still gives g at the scenario's rate
    n0 = S.demand.potential_buyers
    g = iso_grid(S, rates_usd_per_mb=[0.02, 0.03], potential_buyers=[0.0, n0])
    c = iso_revenue_chart(g)
    assert (np.asarray(c.figure.data[0].z)[0] == 0).all()
    assert np.asarray(c.figure.data[0].z)[1, 1] == pytest.approx(market_year(S).revenue_usd / 1e6, rel=1e-12)
    assert f"g = {format_usd(market_year(S).revenue_usd / n0, cents=True)}" in c.formula


# --- demand, time line, pricing models --------------------------------------------------------------


def test_demand_chart_draws_the_curve(charts):
    c = charts["demand_and_revenue"]
    curve = demand_curve(S)
    rev, margin, downloads = c.figure.data
    assert np.array_equal(np.asarray(rev.x), curve.rate_usd_per_mb.to_numpy() * 100)
    assert np.array_equal(np.asarray(rev.y), curve.revenue_usd.to_numpy() / 1e6)
    assert np.array_equal(np.asarray(margin.y), curve.operator_margin_usd.to_numpy() / 1e6)
    assert np.array_equal(np.asarray(downloads.y), curve.downloads.to_numpy() / 1e6) and downloads.yaxis == "y2"
    # one model: every point of the curve is the market year at that rate (the static model's constant
    # elasticities made revenue a power of the rate; the fitted demand has no such closed form)
    prof = download_profile(S)
    for _, row in curve.iterrows():
        y = market_year(S.with_overrides({RATE: float(row.rate_usd_per_mb)}), profile=prof)
        assert (row.revenue_usd, row.operator_margin_usd, row.downloads) == pytest.approx(
            (y.revenue_usd, y.operator_margin_usd, y.downloads), rel=1e-12)
    assert (np.diff(curve.downloads) < 0).all()                            # downloads fall as the rate rises
    revenue_opt, profit_opt = best_rate("revenue", S), best_rate("profit", S)
    assert curve.revenue_usd.max() <= revenue_opt.best_value_usd * (1 + 1e-12)   # the best rate earns the most
    assert curve.operator_margin_usd.max() <= profit_opt.best_value_usd * (1 + 1e-12)
    lines = [sh.x0 for sh in c.figure.layout.shapes]
    assert lines == pytest.approx([3.0, revenue_opt.best_rate_usd_per_mb * 100, profit_opt.best_rate_usd_per_mb * 100])
    assert revenue_opt.statement in c.alt and profit_opt.statement in c.formula
    # the formula quotes the elasticity at the scenario's own rate: the market year's
    e = market_year(S).elasticity
    assert f"At the scenario's 3.00 c/MB: elasticity {e:.2f}." in c.formula
    assert "elasticity of downloads = −α p̄ (1 − s_A)" in c.formula       # minus signs, not hyphens
    assert c.data.equals(curve)


def test_timeline_chart_draws_the_months(charts):
    c = charts["timeline"]
    t = monthly_timeline(S)
    bars, rate = c.figure.data
    assert np.array_equal(np.asarray(bars.y), t.revenue_usd.to_numpy() / 1e6) and len(bars.y) == len(t)
    assert np.array_equal(np.asarray(rate.y), t.rate_usd_per_mb.to_numpy() * 100)
    assert {1.0, 2.0, 3.0} <= set(np.round(np.asarray(rate.y, dtype=float), 12))   # the three rate steps [c/MB]
    assert (np.asarray(rate.y) >= 1).all() and (np.asarray(rate.y) <= 3).all()
    assert "events" not in c.data.columns and c.data.equals(t.drop(columns=["events"]))
    years = t.assign(year=t.month.dt.year).groupby("year").revenue_usd.sum()
    for year, v in years.items():
        assert f"{year}: {format_usd(v)}" in c.alt and f"- {year}: {format_usd(v)}" in c.formula
    peak = t.loc[t.revenue_usd.idxmax()]
    assert f"peaking at {format_usd(peak.revenue_usd)} in {peak.month:%B %Y}" in c.alt
    notes = [a.text for a in c.figure.layout.annotations]
    # every event within the months drawn is marked: the store model runs from January 2004 to June 2007, so the
    # launch (2000) and the shutdown (1 July 2007, the day after its last month) are not; the static model's
    # months ran to July 2007 and marked the shutdown
    first, last = t.month.min(), t.month.max() + pd.offsets.MonthEnd(1)
    within = [e.short for e in S.assumptions.events.values() if first <= pd.Timestamp(e.date) <= last]
    assert notes == within and "Visa stops" in notes and "Launch" not in notes and "Shutdown" not in notes
    shutdown = next(e for e in S.assumptions.events.values() if e.short == "Shutdown")
    assert pd.Timestamp(shutdown.date) == last + pd.Timedelta(days=1)


def test_models_chart_draws_each_model(charts):
    c = charts["pricing_models"]
    p = price_by_length(S)
    assert [t.name for t in c.figure.data] == list(dict.fromkeys(p.series))
    for t in c.figure.data:
        d = p[p.series == t.name]
        assert np.array_equal(np.asarray(t.y), d.price_usd.to_numpy())
        assert t.line.shape == ("hv" if d.model.iloc[0] == "per_mb" else "linear")
    # at 4 minutes: 192 kbps at 3 c/MB 17 c, iTunes 99 c, subscription 9.99 / 40 = 24.975 c -> 25 c
    for text in ("AllofMP3, per MB (mp3-192) $0.17", "iTunes, per track $0.99", "eMusic-style subscription $0.25"):
        assert text in c.alt


# --- customers --------------------------------------------------------------------------------------


def test_lorenz_chart_runs_from_corner_to_corner(charts, cy):
    c = charts["lorenz_curve"]
    d = c.data
    assert (d.population_share.iloc[0], d.revenue_share.iloc[0]) == (0.0, 0.0)
    assert (d.population_share.iloc[-1], d.revenue_share.iloc[-1]) == (1.0, 1.0)
    assert (np.diff(d.population_share) >= 0).all() and (np.diff(d.revenue_share) >= 0).all()
    assert (d.revenue_share <= d.population_share + 1e-12).all()          # below the diagonal
    diagonal, curve, points = c.figure.data
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]
    assert np.array_equal(np.asarray(curve.x), d.population_share) and np.array_equal(np.asarray(curve.y), d.revenue_share)
    tops = list(zip(points.x, points.y, strict=True))
    expected = [(0.99, 1 - cy.top_1_share), (0.90, 1 - cy.top_10_share), (0.80, 1 - cy.top_20_share)]
    assert np.asarray(tops, dtype=float) == pytest.approx(np.asarray(expected, dtype=float))
    assert list(points.text) == ["top 1%", "top 10%", "top 20%"]
    box = c.figure.layout.annotations[0].text
    assert box == (f"Top 1% of customers: {cy.top_1_share:.0%} of revenue<br>Top 10% of customers: "
                   f"{cy.top_10_share:.0%} of revenue<br>Top 20% of customers: {cy.top_20_share:.0%} of revenue")
    assert f"Gini {cy.gini:.2f}" in c.title and f"top 10% {cy.top_10_share:.0%}" in c.alt
    # the simulated Gini is close to the lognormal's closed form 2 Phi(sigma / sqrt 2) - 1 (0.604 at sigma 1.2)
    assert cy.gini == pytest.approx(cy.gini_lognormal, abs=0.01) and cy.gini_lognormal == pytest.approx(0.6039, abs=1e-4)


def test_spend_histogram_adds_up_to_the_customers(charts, cy):
    c = charts["spend_histogram"]
    d = c.data
    assert d.customers.sum() == cy.customers == round(market_year(SMALL).customers)      # every customer drawn
    assert d.revenue_usd.sum() == pytest.approx(cy.revenue_usd, rel=1e-9)
    assert cy.revenue_usd == pytest.approx(market_year(SMALL).revenue_usd, rel=0.02)
    assert (d.spend_low_usd.to_numpy()[1:] == d.spend_high_usd.to_numpy()[:-1]).all()
    bars, line = c.figure.data
    assert np.asarray(bars.x) == pytest.approx(np.sqrt(d.spend_low_usd * d.spend_high_usd), rel=1e-12)
    assert np.array_equal(np.asarray(bars.y), d.customers) and line.yaxis == "y2"
    assert c.figure.layout.shapes[0].x0 == 300.0 and c.figure.layout.xaxis.type == "log"
    assert f"{cy.clone_customers:,} customers spend over $300" in c.alt


# --- uncertainty ------------------------------------------------------------------------------------


def test_montecarlo_lines_match_the_summary(charts, mc):
    y = market_year(S)
    for output, scale in (("revenue_usd", 1e6), ("downloads_per_customer", 1.0)):
        c = charts[f"montecarlo_{output}"]
        row = mc.summary.set_index("output").loc[output]
        x = mc.samples[output].to_numpy()
        assert np.percentile(x, [5, 50, 95]) == pytest.approx([row.p5_value, row.p50_value, row.p95_value], rel=1e-12)
        lines = [sh.x0 for sh in c.figure.layout.shapes]
        assert lines == pytest.approx(np.array([row.p5_value, row.p50_value, row.p95_value,
                                                row.deterministic_value]) / scale, rel=1e-12)
        assert np.asarray(c.figure.data[0].x) == pytest.approx(x / scale, rel=1e-15)
        assert list(c.data.columns) == [output] and len(c.data) == 2000
        assert row.deterministic_value == pytest.approx(getattr(y, output), rel=1e-12)   # the market year's
    rev = charts["montecarlo_revenue_usd"]
    row = mc.summary.set_index("output").loc["revenue_usd"]
    assert rev.title == "Monte Carlo: Revenue a year over 2,000 draws [USD million a year]"
    assert format_usd(row.p5_value) in rev.alt and format_usd(row.p95_value) in rev.alt
    dpc = charts["montecarlo_downloads_per_customer"]
    assert dpc.title == "Monte Carlo: Downloads per customer over 2,000 draws [downloads/customer/year]"
    assert f"against {y.downloads_per_customer:,.1f} for the scenario itself" in dpc.alt
    assert "seed 7" in dpc.caption


def test_montecarlo_formula_says_how_each_input_is_drawn(charts, mc):
    # the fitted demand parameters around the fit, each with its conditional standard error 1 / sqrt((C^-1)_jj)
    # (in logs for the lognormal ones); every other input triangular over its plausible range
    formula = charts["montecarlo_revenue_usd"].formula
    drawn = mc.inputs.set_index("input")
    assert set(FIT_PARAMETERS) <= set(drawn.index)
    se = 1 / np.sqrt(np.diag(np.linalg.inv(fit_store(S).covariance)))
    for k, sd in zip(FIT_PARAMETERS, se, strict=True):
        r = drawn.loc[k]
        assert r.distribution in ("normal", "lognormal") and r.sd == pytest.approx(sd, rel=1e-12), k
        assert r["mode"] == S[k]                                           # centred on the scenario's value
        how = (f"lognormal, median {r['mode']:g}, ln-sd {r.sd:.3g}" if r.distribution == "lognormal"
               else f"normal, mean {r['mode']:g}, sd {r.sd:.3g}")
        assert f"- {r.label}{f' [{r.unit}]' if r.unit else ''}: {how}" in formula, k
    for k, r in drawn.drop(index=list(FIT_PARAMETERS)).iterrows():
        assert r.distribution == "triangular" and r.low <= r["mode"] <= r.high, k
        assert f"- {r.label}{f' [{r.unit}]' if r.unit else ''}: triangular({r.low:g}, {r['mode']:g}, {r.high:g})" in formula, k
    p = S.assumptions.parameters["demand.track_wants_per_month"]
    assert (drawn.loc["demand.track_wants_per_month", ["low", "high"]] == [p.low, p.high]).all()


def test_montecarlo_table_names_the_outputs(mc):
    t = montecarlo_table(mc)
    assert list(t.output) == ["Revenue a year", "Customers at the year's end", "Downloads per customer",
                              "ROMS payout a year", "Operator's contribution margin a year"]
    assert t.drop(columns="output").equals(mc.summary.drop(columns="output"))  # the numbers are the summary's
    assert list(mc.summary.output) == list(MC_OUTPUTS)                           # the summary keeps machine names


def test_montecarlo_unknown_output(mc):
    # the static model's implied downloads per customer are a model output now (downloads_per_customer)
    with pytest.raises(ValueError, match="output must be one of .* got 'implied_downloads_per_customer'"):
        montecarlo_chart(mc, "implied_downloads_per_customer")


def test_tornado_bars_match_the_table(charts, tornado_table):
    c = charts["tornado_revenue_usd"]
    top = tornado_table.dropna(subset=["swing"]).head(12).iloc[::-1]
    low, high = c.figure.data
    base = tornado_table.output_base.iloc[0]
    assert base == pytest.approx(market_year(S).revenue_usd, rel=1e-12)
    assert list(low.y) == list(top.label) and list(high.y) == list(top.label)
    assert low.base == high.base == pytest.approx(base / 1e6)
    assert np.asarray(low.x) + low.base == pytest.approx(top.output_at_low.to_numpy() / 1e6, rel=1e-12)
    assert np.asarray(high.x) + high.base == pytest.approx(top.output_at_high.to_numpy() / 1e6, rel=1e-12)
    swings = tornado_table.swing.to_numpy()
    assert (np.diff(swings) <= 0).all()                                     # widest first
    # the widest bar's ends are the market year with that input at its low and its high end
    first = tornado_table.iloc[0]
    for end in ("low", "high"):
        y = market_year(S.with_overrides({first.input: float(first[end])}))
        assert y.revenue_usd == pytest.approx(first[f"output_at_{end}"], rel=1e-12), end
    # closed forms: downloads N_t w_t a_t s_A are proportional to the wants and to the potential buyers
    rows = tornado_table.set_index("input")
    for k in ("demand.track_wants_per_month", "demand.potential_buyers"):
        r = rows.loc[k]
        assert r.output_at_high / r.output_at_low == pytest.approx(r.high / r.low, rel=1e-12), k
    # revenue does not read the costs or the royalty share: no swing
    unread = ["costs.card_fee_share", "costs.bandwidth_usd_per_gb", "royalties.roms_share"]
    assert (rows.loc[unread, "swing"] == 0).all()
    assert f"the biggest swing is {first.label.lower()}" in c.alt and format_usd(first.output_at_high) in c.alt
    assert list(c.data.columns) == ["input", "label", "unit", "low", "base", "high", "output_at_low", "output_base",
                                    "output_at_high", "swing"]
    assert len(tornado_chart(tornado_table, top=3).figure.data[0].y) == 3


def test_every_chart_of_a_scenario_is_a_valid_plotly_figure():
    """Charts are built without Plotly's per-property validation (for speed): validate them all here."""
    import plotly.graph_objects as go

    from simulator.present.registry import scenario_charts

    for c in scenario_charts(S, customers=20_000, draws=500):
        go.Figure(c.figure.to_dict())  # raises ValueError on any invalid property


def test_timeline_labels_its_events_with_their_short_names():
    from simulator.model.timeline import monthly_timeline
    from simulator.present.charts_market import timeline_chart

    s = make_scenario()
    texts = [a["text"] for a in timeline_chart(monthly_timeline(s), s).figure.to_plotly_json()["layout"]["annotations"]]
    for short in ("MasterCard stops", "Visa stops", "US lawsuit", "MP3Sparks"):  # no "Us lawsuit"
        assert short in texts, texts


def test_the_operators_margin_is_named_a_contribution_margin(charts):
    # The model has no fixed costs: revenue less royalties, card fees and bandwidth is a contribution margin.
    from simulator.cli._columns import GLOSSARY
    from simulator.present.charts_distribution import OUTPUT_LABELS
    from simulator.present.report import headline_metrics

    m = {x.key: x for x in headline_metrics(S)}["operator_margin_usd"]
    assert m.label == "Operator's contribution margin a year" and "before fixed costs" in m.help
    assert OUTPUT_LABELS["operator_margin_usd"] == "Operator's contribution margin a year"
    assert GLOSSARY["operator_margin_usd"].startswith("the operator's contribution margin (before fixed costs)")
    d = charts["demand_and_revenue"]
    assert [t.name for t in d.figure.data][1] == "Operator's contribution margin [USD million]"
    assert "best for contribution margin" in json.dumps(d.figure.layout.to_plotly_json())
    assert "Contribution margin (revenue less royalties, card fees and bandwidth, before fixed costs):" in d.formula
    split = charts["revenue_split"]
    y = market_year(S)
    assert f"operator's contribution margin = the remainder, before fixed costs = ${y.operator_margin_usd:,.0f}." in split.formula
    for c in charts.values():
        for text in (c.title, c.caption, c.alt, c.formula):
            assert "Operator margin" not in text and "operator margin" not in text, c.name


def test_price_vs_length_names_binary_megabytes_in_its_data():
    c = price_vs_length_chart(make_scenario(overrides={"pricing.mb_convention": "binary"}))
    assert list(c.data.columns) == ["duration_s", "encoding", "size_mib", "price_usd"]
    mp3 = c.data[c.data.encoding == "mp3-192"]
    assert np.allclose(mp3.size_mib, 192_000 * mp3.duration_s / 8 / 2**20, rtol=1e-15)   # 240 s: 5.49 MiB


@pytest.mark.parametrize(
    ("overrides", "words"),
    [({}, "15% of gross receipts to ROMS (as the company's 2006 statement said)"),
     ({"royalties.roms_share": 0.2}, "20% of gross receipts to ROMS (the company's 2006 statement said 15%)"),
     ({"royalties.roms_share": 0.175, "royalties.base": "profit"},
      "17.5% of receipts less card fees and bandwidth to ROMS (the company's 2006 statement said 15%)")],
    ids=["stated", "twenty", "on-profit"],
)
def test_revenue_split_caption_takes_the_share_from_the_scenario(overrides, words):
    s = make_scenario(overrides=overrides)
    c = revenue_split_chart(s)
    assert words in c.caption
    assert c.data.set_index("recipient").cents_per_dollar["ROMS"] == pytest.approx(
        100 * market_year(s).roms_usd / market_year(s).revenue_usd, rel=1e-12)
