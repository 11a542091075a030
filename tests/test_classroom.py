"""Tests of simulator.present.classroom: eleven exercises whose answers are computed live for the scenario given."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from simulator.model.customers import customer_year
from simulator.model.demand import (
    best_rate,
    break_even_licensed_rate,
    channels_at_rates,
    demand_curve,
    rate_rise,
    revenue_elasticity,
)
from simulator.model.market import market_year
from simulator.model.rights import lawsuit_arithmetic, rights_comparison
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario
from simulator.present.classroom import Exercise, exercises
from simulator.present.report import format_count, format_usd

KEYS = ["per_mb_follows_cost", "implied_downloads", "roms_vs_itunes", "card_freeze", "clone", "best_rate", "versioning",
        "piracy", "welfare", "licensed", "lawsuit"]
S = make_scenario()
#: The same prices with fewer potential buyers: the customer simulation runs in milliseconds.
SMALL = make_scenario(overrides={"demand.potential_buyers": 100_000.0})


@pytest.fixture(scope="module")
def default():
    return {e.key: e for e in exercises(S)}


def test_eleven_exercises_in_teaching_order(default):
    ex = exercises(make_scenario())                                                         # the default scenario
    assert [e.key for e in ex] == KEYS and ex == list(default.values())
    for e in ex:
        assert isinstance(e, Exercise)
        assert e.title and e.question.endswith(("?", "."))
        assert e.hints and all(isinstance(h, str) and h for h in e.hints)
        assert len(e.answer) > 80 and len(e.teacher_note) > 40
        assert not re.search(r"\bnan\b|\binf\b", e.answer)


def test_per_mb_follows_cost_by_hand(default):
    ex = default["per_mb_follows_cost"]
    a = ex.answer
    assert ex.title == "Pricing by the kilo: quality versioning, not cost" and "follows cost" not in ex.title
    header, *rows = [line for line in a.splitlines() if line.startswith("| ")]
    assert header == "| track | encoding | size | AllofMP3 | bandwidth cost | iTunes |"
    assert len(rows) == 3 and all(r.count("|") == 7 for r in rows)
    # 3:30 at 192 kbps: 210 s x 24,000 B/s = 5.04 MB -> 15.12 c; 12:00: 17.28 MB -> 51.84 c;
    # FLAC: 770.5152 kbps x 210 s / 8 = 20,226,024 bytes -> 60.68 c. Bandwidth: 0.1 USD/GB x 5.04 MB = $0.000504
    assert rows[0] == "| a 3:30 pop single | mp3-192 | 5.04 MB | $0.15 | $0.00050 | $0.99 |"
    assert rows[1] == "| a 12:00 prog epic | mp3-192 | 17.28 MB | $0.52 | $0.00173 | $0.99 |"
    assert rows[2] == "| the pop single in FLAC | flac | 20.23 MB | $0.61 | $0.00202 | $0.99 |"
    # bandwidth: 0.10 USD/GB = 0.0001 USD/MB against 0.03 USD/MB charged: 1/300 = 0.33% of every price
    assert 0.10 / 1000 / 0.03 == pytest.approx(0.003333, abs=1e-6)
    assert "Sending the bytes costs $0.0001 a MB against $0.03 a MB charged: bandwidth is **0.33% of every price**" in a
    assert "each price is about 300× its delivery cost" in a
    # versioning: the FLAC single costs 0.61 / 0.15 = 4.07 times the 192 kbps one, for 770.5152 / 192 = 4.01 x the bits
    assert "**quality versioning**" in a
    assert "The FLAC buyer pays **4.1×** what the 192 kbps buyer pays for the same single (4.0× the bits)" in a
    assert "the epic costs 3.5× the single, where iTunes charged both $0.99" in a               # 0.52 / 0.15 = 3.47
    assert (ex.numeric.value, ex.numeric.unit, ex.numeric.tolerance) == (Decimal("0.61"), "USD", Decimal("0.005"))


@pytest.mark.parametrize(
    ("overrides", "words"),
    [({"pricing.discount_share": 0.25}, "$0.0001 a MB against $0.0225 a MB charged: bandwidth is **0.44% of every price**"),
     ({"costs.bandwidth_usd_per_gb": 0.2, "pricing.rate_usd_per_mb": 0.02},
      "$0.0002 a MB against $0.02 a MB charged: bandwidth is **1.00% of every price**, so each price is about 100×"),
     ({"costs.bandwidth_usd_per_gb": 0.0}, "bandwidth is **0.00% of every price**. The price does not follow cost.")],
    ids=["a-quarter-off", "dear-bandwidth-2005-rate", "free-bandwidth"],
)
def test_bandwidth_share_follows_the_scenario(overrides, words):
    a = {e.key: e for e in exercises(SMALL.with_overrides(overrides))}["per_mb_follows_cost"].answer
    assert words in a


def test_implied_downloads_uses_the_models_year(default):
    small = {"demand.potential_buyers": 100_000.0}
    for s in (S, make_scenario(preset="rate_2005", overrides=small), make_scenario(preset="card_freeze", overrides=small),
              SMALL):
        a = default["implied_downloads"].answer if s is S else exercises(s)[1].answer
        y = market_year(s)
        per = y.revenue_usd / y.customers
        assert f"{format_usd(y.revenue_usd)} ÷ {format_count(y.customers)} = **${per:.2f} a year**" in a
        assert per / y.mean_price_usd == pytest.approx(y.downloads_per_customer, rel=1e-12)
        assert f"**{y.downloads_per_customer:.2f} downloads per customer a year**" in a
        assert f"{y.downloads_per_customer / 11:.1f} albums' worth" in a             # 11 tracks per album
        assert f"is {y.revenue_gap_pct:+.1f}% against The Times' $30.0 million" in a
    d = default["implied_downloads"]
    assert d.numeric.value == pytest.approx(market_year(S).downloads_per_customer, rel=1e-12)


def test_exercises_quote_one_revenue(default):
    revenue = format_usd(market_year(S).revenue_usd)
    assert f"{revenue} ÷" in default["implied_downloads"].answer
    assert f"to **{revenue}**" in default["card_freeze"].answer
    r = rights_comparison(S)
    assert r.revenue_usd == market_year(S).revenue_usd                          # ROMS vs iTunes: the same year
    assert "$30.0 million ÷" not in default["implied_downloads"].answer


def test_roms_vs_itunes(default):
    a = default["roms_vs_itunes"].answer
    r = rights_comparison(S)
    y = market_year(S)
    assert r.roms_usd_per_download == pytest.approx(0.15 * y.mean_price_usd, rel=1e-12)
    assert f"**${r.roms_usd_per_download:.4f} per download**" in a
    assert f"**{0.65 / (0.15 * y.mean_price_usd):.0f}× more**" in a          # 0.65 / 0.0287 = 23
    assert f"{format_usd(0.65 * y.downloads)} a year" in a


@pytest.mark.parametrize(
    ("overrides", "after_september"),
    [({}, "58%"), ({"payments.card_share": 0.5, "payments.recovered_share": 0.5}, "75%")],
    ids=["default", "half-and-half"],
)
def test_card_freeze_answer(overrides, after_september):
    s = SMALL.with_overrides(overrides)
    a = {e.key: e for e in exercises(s)}["card_freeze"].answer
    after = market_year(s.with_overrides({"payments.card_freeze_active": True}))
    before = market_year(s.with_overrides({"payments.card_freeze_active": False}))
    assert after.revenue_usd < before.revenue_usd
    assert f"{after.paying_factor:.0%} of the potential buyers could still pay over the year" in a
    assert f"from September 2006 {after_september})" in a
    assert f"revenue falls from {format_usd(before.revenue_usd)} to **{format_usd(after.revenue_usd)}**" in a
    assert f"({format_usd(before.revenue_usd - after.revenue_usd)} lost a year)" in a
    assert f"ROMS's payout from {format_usd(before.roms_usd)} to {format_usd(after.roms_usd)}" in a


def test_card_freeze_answer_at_the_defaults(default):
    open_cards = market_year(make_scenario(preset="card_freeze"))              # had the cards kept working
    assert f"revenue falls from {format_usd(open_cards.revenue_usd)}" in default["card_freeze"].answer
    assert f"**{format_usd(market_year(S).revenue_usd)}**" in default["card_freeze"].answer


def test_clone_answer_is_the_customer_simulation():
    a = {e.key: e for e in exercises(SMALL)}["clone"].answer
    cy = customer_year(SMALL)
    assert f"the {cy.clone_customers:,} customers spending over $300 a year bring **{cy.clone_revenue_share:.1%}**" in a
    assert f"Gini {cy.gini:.2f}" in a and f"the top 10% {cy.top_10_share:.0%}" in a
    half = next(float(sp) for sp, rs in zip(cy.lorenz_spend_usd, cy.lorenz_revenue_share, strict=True) if rs >= 0.5)
    assert f"about ${half:,.2f} a year" in a


def test_best_rate_is_the_fitted_demands(default):
    e = default["best_rate"]
    rev, prof = best_rate("revenue", S), best_rate("profit", S)
    assert rev.statement in e.answer and prof.statement in e.answer and rate_rise(S).statement in e.answer
    assert f"(elasticity {market_year(S).elasticity:.2f}, inelastic per track)" in e.answer
    r = revenue_elasticity(S)
    assert r.revenue == pytest.approx(r.downloads + r.mean_price, abs=1e-6)    # d ln R = d ln D + d ln p
    assert r.downloads == pytest.approx(market_year(S).elasticity, rel=1e-6)
    assert f"Revenue moves by {r.revenue:+.2f}% for a 1% higher rate, so a lower rate would have earned more." in e.answer
    assert e.numeric.value == pytest.approx(100 * rev.best_rate_usd_per_mb, rel=1e-12) and e.numeric.unit == "c/MB"
    assert "an output of the fitted logit, not an input" in e.teacher_note


def test_versioning_reads_the_mix(default):
    e = default["versioning"]
    c = demand_curve(S, [0.02, 0.03])
    a, z = c["share_mp3-128"]
    assert a < z and f"**{z:.1%}**" in e.answer and f"{a:.1%} of downloads" in e.answer
    assert e.numeric.value == pytest.approx(100 * z, rel=1e-12)


def test_piracy_counts_what_a_cent_wins_from_p2p(default):
    e = default["piracy"]
    c = channels_at_rates(S, [0.02, 0.03])
    from_p2p = float(c.p2p[1] - c.p2p[0])
    won = float(c.store[0] - c.store[1])
    assert 0 < from_p2p < won
    # every want goes somewhere: what the store wins, the others lose
    lost = float((c.itunes[1] - c.itunes[0]) + (c.p2p[1] - c.p2p[0]) + (c.none[1] - c.none[0]))
    assert lost == pytest.approx(won, rel=1e-9)
    assert e.numeric.value == pytest.approx(from_p2p / 1e6, rel=1e-12)
    assert f"**{from_p2p / 1e6:.1f} million** come from P2P" in e.answer


def test_welfare_and_licensed_rate(default):
    y = market_year(S)
    assert default["welfare"].numeric.value == pytest.approx(y.consumer_surplus_usd, rel=1e-12)
    assert f"**{format_usd(y.consumer_surplus_usd)}**" in default["welfare"].answer
    r = break_even_licensed_rate(S)
    assert default["licensed"].numeric.value == pytest.approx(100 * r, rel=1e-12)
    assert f"**{100 * r:.1f} c/MB**" in default["licensed"].answer


def test_lawsuit(default):
    a = default["lawsuit"].answer
    law = lawsuit_arithmetic(S)
    assert a.startswith("11.00 million songs × $150,000 = **$1.65 trillion**, the figure the press reported.")
    # per work, not per copy: the statute's unit, named with its section
    assert "US statutory damages are awarded per work infringed, not per copy (17 U.S.C. §504(c))" in a
    assert "is the press's arithmetic, not what the statute allows" in a
    # 1 Jun - 12 Aug 2006 is 73 days at 2 c/MB, 13 Aug - 31 Oct 80 days at 3 c/MB: (73 x 2 + 80 x 3) / 153 = 2.52 c/MB
    assert ("73 days at 2 c/MB (1 June to 12 August 2006) and 80 days at 3 c/MB (13 August to 31 October 2006): "
            "a day-weighted 2.52 c/MB") in a
    # 11 million songs at the store model's mean price of June-October 2006
    assert (f"earned the store about **${law.revenue_usd / 1e6:.2f} million** (${law.mean_price_usd:.2f} each) and ROMS "
            f"{format_usd(law.roms_usd)}") in a
    assert f"The press's figure is {150_000 / law.mean_price_usd:,.0f}× the revenue." in a
    assert "per work infringed, not per copy sold" in default["lawsuit"].hints[1]


def test_lawsuit_in_binary_megabytes_names_the_unit():
    a = {e.key: e for e in exercises(SMALL.with_overrides({"pricing.mb_convention": "binary"}))}["lawsuit"].answer
    assert "73 days at 2 c/MiB" in a and "a day-weighted 2.52 c/MiB" in a


def test_answers_change_with_the_scenario_and_nothing_else_does(default):
    other = {e.key: e for e in exercises(make_scenario(preset="rate_2005"))}
    for k in KEYS:
        assert other[k].answer != default[k].answer, k
        assert (other[k].question, other[k].hints, other[k].teacher_note, other[k].title) == (
            default[k].question, default[k].hints, default[k].teacher_note, default[k].title) or k in (
            "piracy",), k
    assert "each price is about 200× its delivery cost" in other["per_mb_follows_cost"].answer  # 0.02 / 0.0001


@pytest.mark.parametrize("preset", list(load_assumptions().presets))
def test_every_preset_has_answers(preset):
    ex = exercises(make_scenario(preset=preset))
    assert [e.key for e in ex] == KEYS and all(e.answer for e in ex)
    assert f"**{market_year(make_scenario(preset=preset)).downloads_per_customer:.2f} downloads" in ex[1].answer


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        ({"pricing.rate_usd_per_mb": 0.001, "pricing.discount_share": 0.34}, "per_mb_follows_cost",
         "the epic costs infinitely many times the single"),             # the single rounds to $0.00
    ],
    ids=["free-single"],
)
def test_valid_scenarios_without_an_answer_say_so(overrides, key, words):
    s = make_scenario(overrides={"demand.potential_buyers": 100_000.0, **overrides})
    ex = {e.key: e for e in exercises(s)}
    assert len(ex) == len(KEYS)
    assert words in ex[key].answer, ex[key].answer
