"""Tests of simulator.present.compare: the table of outputs, differences, the verdict in words and the stacked chart."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.model.market import market_year
from simulator.params.scenario import make_scenario
from simulator.present.compare import COMPARED_OUTPUTS, compare_scenarios, comparison_chart
from simulator.present.report import format_usd

R2005, R2006 = make_scenario(preset="rate_2005"), make_scenario(preset="reported_2006")


@pytest.fixture(scope="module")
def rates():
    return compare_scenarios([("2005", R2005), ("2006", R2006)])


def test_table_layout(rates):
    t = rates.table
    assert list(t.columns) == ["output", "label", "unit", "2005", "2006", "difference", "difference_pct"]
    assert list(t.output) == list(COMPARED_OUTPUTS)
    assert [tuple(r) for r in t[["label", "unit"]].itertuples(index=False)] == list(COMPARED_OUTPUTS.values())
    assert rates.names == ("2005", "2006") and rates.changed_inputs == ("pricing.rate_usd_per_mb",)
    y05, y06 = rates.years
    for row in t.itertuples(index=False):
        assert row[3] == getattr(y05, row.output) and row[4] == getattr(y06, row.output)


def test_each_column_is_that_scenarios_market_year(rates):
    t = rates.table.set_index("output")
    y05, y06 = market_year(R2005), market_year(R2006)
    for k in COMPARED_OUTPUTS:
        assert t.loc[k, "2005"] == getattr(y05, k) and t.loc[k, "2006"] == getattr(y06, k), k
    # On the fitted demand a cent more per MB loses downloads: they do not stay put.
    assert t.loc["downloads", "difference"] < 0 and t.loc["mean_price_usd", "difference"] > 0
    r = t.loc["revenue_usd"]
    assert r.difference_pct == pytest.approx(100 * (y06.revenue_usd - y05.revenue_usd) / y05.revenue_usd, rel=1e-12)


def test_verdict_names_the_change_and_the_move(rates):
    y05, y06 = rates.years
    pct = 100 * (y06.revenue_usd - y05.revenue_usd) / y05.revenue_usd
    assert rates.verdict.startswith(
        f"With the rate per megabyte at 0.03 USD/MB instead of 0.02 USD/MB, revenue "
        f"{'rises' if pct > 0 else 'falls'} {abs(pct):.0f}% ({format_usd(y05.revenue_usd)} → "
        f"{format_usd(y06.revenue_usd)}), while downloads fall ")
    assert "on the fitted demand. The operator's contribution margin" in rates.verdict
    back = compare_scenarios([("2006", R2006), ("2005", R2005)])
    assert back.verdict.startswith("With the rate per megabyte at 0.02 USD/MB instead of 0.03 USD/MB, revenue ")
    assert "while downloads rise" in back.verdict


@pytest.mark.parametrize("n", [0, 1, 4])
def test_two_or_three_scenarios_only(n):
    with pytest.raises(ValueError, match=f"compare needs 2 or 3 scenarios, got {n}"):
        compare_scenarios([(f"s{i}", R2006) for i in range(n)])


def test_identical_scenarios_stay_the_same():
    c = compare_scenarios([("x", R2006), ("y", make_scenario())])
    y = market_year(R2006)
    assert c.changed_inputs == ()
    assert (c.table.difference == 0).all() and (c.table.difference_pct == 0).all()
    assert c.verdict == (f"With the same inputs, revenue stays at {format_usd(y.revenue_usd)}. The operator's "
                         f"contribution margin stays at {format_usd(y.operator_margin_usd)}; ROMS gets "
                         f"{format_usd(y.roms_usd)} in both.")


@pytest.mark.parametrize(
    ("preset", "words"),
    [
        ("card_freeze", "With “Card freeze happens” turned off, revenue rises"),
        ("itunes_terms", "With “How rights holders are paid” set to itunes wholesale instead of share, revenue stays "
                         "at"),
        ("mp3sparks", "With the rate per megabyte at 0.04 USD/MB instead of 0.03 USD/MB, revenue falls"),
        ("lossless", "With the quality mix at 80% FLAC (lossless) and 20% MP3 320 kbps instead of 40% MP3 192 kbps, "
                     "35% MP3 128 kbps, 10% MP3 320 kbps, 8% MP3 256 kbps, 5% AAC 256 kbps and 2% FLAC (lossless), "
                     "revenue rises"),
    ],
)
def test_verdict_of_each_preset_against_the_baseline(preset, words):
    c = compare_scenarios([("baseline", R2006), (preset, make_scenario(preset=preset))])
    assert c.verdict.startswith(words), c.verdict
    for clumsy in ("(instead of", " weight", " on (", "share of downloads:", "_"):
        assert clumsy not in c.verdict


def test_verdict_phrases_each_kind_of_input():
    other = make_scenario(overrides={"royalties.fair_enabled": True, "pricing.discount_share": 0.1,
                                     "demand.potential_buyers": 4e6, "pricing.rounding": "per_basket"})
    v = compare_scenarios([("a", R2006), ("b", other)]).verdict
    assert v.startswith("With the discount off the base rate at 10% instead of 0%, “Rounding rule” set to per basket "
                        "instead of per track, “Pay FAIR too” turned on and 1 more changes, revenue falls")
    v = compare_scenarios([("a", R2006), ("b", make_scenario(overrides={"demand.potential_buyers": 3_635_500}))]).verdict
    assert v.startswith("With the potential buyers at 3.64 million instead of 7.27 million, "
                        "revenue falls 50%"), v


def test_a_margin_that_turns_from_loss_to_profit_rises():
    wholesale, share = make_scenario(preset="itunes_terms"), R2006
    c = compare_scenarios([("wholesale", wholesale), ("share", share)])
    m = c.table.set_index("output").loc["operator_margin_usd"]
    assert m.wholesale < 0 < m.share
    assert m.difference_pct == pytest.approx(100 * (m.share - m.wholesale) / abs(m.wholesale), rel=1e-12)
    assert m.difference_pct > 0
    assert (f"The operator's contribution margin turns from a loss into a positive margin: {format_usd(m.wholesale)} → "
            f"{format_usd(m.share)};") in c.verdict
    # labels get 0.65 per download under wholesale, nothing under the share model: -100%
    labels = c.table.set_index("output").loc["labels_usd"]
    assert labels.wholesale == pytest.approx(0.65 * market_year(share).downloads, rel=1e-12)
    assert labels.difference_pct == pytest.approx(-100.0)
    there = compare_scenarios([("share", share), ("wholesale", wholesale)])
    assert "The operator's contribution margin turns into a loss" in there.verdict


def test_from_zero_has_no_percentage():
    none = make_scenario(overrides={"payments.card_share": 1.0, "payments.recovered_share": 0.0,
                                    "timeline.year_end": "2007-07", "demand.potential_buyers": 100_000})
    c = compare_scenarios([("none", none), ("some", R2006)])
    assert "nan" not in c.verdict


def test_three_scenarios_difference_is_last_minus_first():
    named = [("2005", R2005), ("freeze", make_scenario(preset="card_freeze")), ("clone", make_scenario(preset="mp3sparks"))]
    c = compare_scenarios(named)
    t = c.table.set_index("output")
    assert list(c.table.columns[3:6]) == ["2005", "freeze", "clone"]
    assert t.loc["revenue_usd", "difference"] == pytest.approx(t.loc["revenue_usd", "clone"] - t.loc["revenue_usd", "2005"])
    for name, (_, sc) in zip(("2005", "freeze", "clone"), named, strict=True):
        assert t.loc["revenue_usd", name] == market_year(sc).revenue_usd
    assert c.changed_inputs == ("pricing.rate_usd_per_mb",)                              # first vs last only


# --- the chart ------------------------------------------------------------------------------------


@pytest.mark.parametrize("presets", [("rate_2005", "reported_2006"), ("reported_2006", "itunes_terms", "lossless")])
def test_comparison_chart_stacks_to_each_revenue(presets):
    c = compare_scenarios([(p, make_scenario(preset=p)) for p in presets])
    ch = comparison_chart(c)
    assert ch.name == "scenario_comparison" and "[USD million per year]" in ch.title
    assert list(ch.data.columns) == ["scenario", "recipient", "usd_per_year"]
    sums = ch.data.groupby("scenario", sort=False).usd_per_year.sum()
    for p, y in zip(presets, c.years, strict=True):
        assert sums[p] == pytest.approx(y.revenue_usd, rel=1e-12)
        assert format_usd(y.revenue_usd) in ch.alt and format_usd(y.revenue_usd) in ch.formula
    fig = ch.figure
    assert [t.name for t in fig.data] == ["ROMS", "FAIR", "Labels (wholesale)", "Card fees", "Bandwidth",
                                          "Contribution margin", "Revenue"]
    assert fig.layout.barmode == "relative"
    bars = [t for t in fig.data if t.type == "bar"]
    stacked = np.sum([np.asarray(t.y, dtype=float) for t in bars], axis=0)
    assert stacked == pytest.approx([y.revenue_usd / 1e6 for y in c.years], rel=1e-12)
    assert list(fig.data[-1].y) == pytest.approx([y.revenue_usd / 1e6 for y in c.years], rel=1e-12)
    # what the caption says is what the bars show: above zero, revenue plus any loss
    above = np.sum([np.clip(np.asarray(t.y, dtype=float), 0, None) for t in bars], axis=0)
    for p, y, top in zip(presets, c.years, above, strict=True):
        if y.operator_margin_usd < 0:
            assert f"{p}: the operator's contribution margin is a loss of {format_usd(-y.operator_margin_usd)}" in ch.caption
            assert f"add up to {format_usd(top * 1e6)}, revenue plus that loss" in ch.caption
        else:
            assert top == pytest.approx(y.revenue_usd / 1e6, rel=1e-12)
    if all(y.operator_margin_usd >= 0 for y in c.years):
        assert "each bar's height is its revenue" in ch.caption
    for t in fig.data:
        assert list(t.x) == list(presets)
    spec = json.loads(fig.to_json())
    assert "http" not in json.dumps(spec["data"]) and "http" not in json.dumps(spec["layout"])


def test_a_changed_date_reads_as_a_date():
    later = make_scenario(overrides={"rights.us_songs_first_day": "2006-07-01"})
    c = compare_scenarios([("June", R2006), ("July", later)])
    assert c.changed_inputs == ("rights.us_songs_first_day",)
    assert c.verdict.startswith("With the first day of the lawsuit's download count on 2006-07-01 instead of 2006-06-01,")
