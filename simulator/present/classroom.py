"""Exercises for a media-economics class, with answers computed live from the current assumptions.

Each exercise has a question, hints, an answer (Markdown, every number computed
by the model for the scenario given) and a note for the teacher. Change an
assumption and the answers change with it. Each also has a numeric answer (one
number, its unit and the tolerance within which a student's number is right),
which a live class marks (see ``simulator.live``).

Examples
--------
>>> ex = {e.key: e for e in exercises(make_scenario())}
>>> sorted(ex)[:3]
['best_rate', 'card_freeze', 'clone']
>>> "**27.18 downloads per customer a year**" in ex["implied_downloads"].answer
True
>>> n = ex["implied_downloads"].numeric
>>> round(n.value, 2), n.unit, n.tolerance, n.relative
(27.18, 'downloads a year', 0.01, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from simulator.model.customers import customer_year
from simulator.model.demand import (
    best_rate,
    break_even_licensed_rate,
    channels_at_rates,
    demand_curve,
    rate_rise,
    revenue_elasticity,
)
from simulator.model.encoding import encoding_menu, mb_unit, size_bytes
from simulator.model.market import market_year
from simulator.model.pricing import cost_terms, pricing_terms, track_price_usd
from simulator.model.rights import lawsuit_arithmetic, rights_comparison
from simulator.params.scenario import Scenario
from simulator.present.lawsuit import STATUTE, earned_usd_text, per_work_text, rate_days_text
from simulator.present.report import format_count, format_usd

__all__ = ["Exercise", "NumericAnswer", "exercises", "EXERCISE_KEYS"]

# Tolerances of the numeric answers: how far a student's number may be from the model's and still be
# right. They are marking rules, not model inputs.
#: A price is rounded to the cent, so a right price is within half a cent of it. [USD]
PRICE_TOLERANCE_USD = Decimal("0.005")
#: Figures a student reads off the simulator or works out by hand with rounded intermediate values
#: (2-3 significant figures): within 1% of the model's value. [share of the value]
READ_OFF_TOLERANCE = 0.01
#: A share read off a chart (the Lorenz curve) to two significant figures: within 5% of it. [share of the value]
CHART_TOLERANCE = 0.05
#: An elasticity given to three decimals (the answer shows three): within 0.005. [dimensionless]
ELASTICITY_TOLERANCE = 0.005


@dataclass(frozen=True)
class NumericAnswer:
    """The one number a student enters for an exercise, and how close it must be.

    Attributes
    ----------
    ask : str
        What to enter, as a sentence shown next to the answer box.
    value : Decimal or float
        The model's value for the scenario (a Decimal for money, exact).
    unit : str
        Its unit as shown (``USD``, ``%``, ``downloads a year``...).
    tolerance : Decimal or float
        Largest accepted distance from ``value``: in the value's unit, or, when ``relative``, as a
        share of ``|value|``.
    relative : bool
    """

    ask: str
    value: Decimal | float
    unit: str
    tolerance: Decimal | float
    relative: bool = False

    def tolerance_text(self) -> str:
        """Return the tolerance in words, e.g. ``within 1% of the model's value``."""
        if self.relative:
            return f"within {float(self.tolerance):.0%} of the model's value"
        return f"within ±{self.tolerance} {self.unit}"


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    Attributes
    ----------
    key : str
    title : str
    question : str
    hints : tuple of str
    answer : str
        Markdown with the numbers of the scenario it was built for.
    teacher_note : str
    numeric : NumericAnswer or None
        The number to enter and its tolerance; None when the scenario has no answer.
    """

    key: str
    title: str
    question: str
    hints: tuple[str, ...]
    answer: str
    teacher_note: str
    numeric: NumericAnswer | None = None


def _finite(n: NumericAnswer) -> NumericAnswer | None:
    """Return the numeric answer, or None when the model's value is not a finite number (no answer)."""
    return n if math.isfinite(n.value) else None


def _per_mb_follows_cost(s: Scenario) -> Exercise:
    """Exercise 1: per-MB pricing is quality versioning; bandwidth is a fraction of a percent of the price.

    The key keeps its first name (``per_mb_follows_cost``): live classes store answers under it.
    """
    t, c = pricing_terms(s), cost_terms(s)
    enc = encoding_menu(s)
    ms = int(s.assumptions.constants["ms_per_s"])
    cases = [("a 3:30 pop single", 210, "mp3-192"), ("a 12:00 prog epic", 720, "mp3-192"),
             ("the pop single in FLAC", 210, "flac")]
    rows = []
    for label, secs, e in cases:
        b = size_bytes(secs * ms, enc[e].bitrate_kbps, t.overhead_bytes)
        price = track_price_usd(b, t)
        cost = float(c.bandwidth_usd_per_byte) * b
        rows.append((label, e, b, price, cost))
    itunes = s.comparison.itunes_track_usd
    single = rows[0][3]

    def times(price) -> str:  # a single that rounds to $0.00 has no ratio
        return f"{price / single:.1f}×" if single else "infinitely many times"

    table = "\n".join(f"| {lab} | {e} | {b / t.bytes_per_mb:,.2f} {t.mb_unit} | ${p} | ${cost:.5f} | ${itunes:.2f} |"
                      for lab, e, b, p, cost in rows)
    price_per_mb = float(t.usd_per_byte) * t.bytes_per_mb                  # after the discount
    cost_per_mb = float(c.bandwidth_usd_per_byte) * t.bytes_per_mb
    share = cost_per_mb / price_per_mb                                      # the rate is above 0 (its bounds)
    multiple = f", so each price is about {1 / share:,.0f}× its delivery cost" if share else ""
    bits = float(enc["flac"].bitrate_kbps / enc["mp3-192"].bitrate_kbps)
    answer = (
        "| track | encoding | size | AllofMP3 | bandwidth cost | iTunes |\n|---|---|---|---|---|---|\n" + table +
        f"\n\nSending the bytes costs ${cost_per_mb:.4g} a {t.mb_unit} against ${price_per_mb:.4g} a {t.mb_unit} "
        f"charged: bandwidth is **{share:.2%} of every price**{multiple}. The price does not follow cost. It follows "
        "the bits, and buyers value bits: per-MB pricing is **quality versioning**, the same song sold in versions "
        f"of different quality. The FLAC buyer pays **{times(rows[2][3])}** what the 192 kbps buyer pays for the same "
        f"single ({bits:.1f}× the bits): he pays for a quality he values, not for a cost the store bears. Length is "
        f"metered too: the epic costs "
        f"{times(rows[1][3])} the single, where iTunes charged both ${itunes:.2f}."
    )
    return Exercise(
        "per_mb_follows_cost", "Pricing by the kilo: quality versioning, not cost",
        "Price a 3:30 pop single and a 12-minute prog-rock epic at 192 kbps, and the single in FLAC, at AllofMP3 and "
        "at iTunes. What share of each AllofMP3 price is the cost of sending its bytes, and what is the store "
        "charging for?",
        ("Size in bytes = kbps × ms / 8; price = size in MB × rate per MB.",
         "Bandwidth share = bandwidth cost per MB ÷ price per MB.",
         "Who buys the FLAC version, and what does he pay more for?"),
        answer,
        "Versioning of an information good (Shapiro and Varian, Information Rules, 1998, ch. 3): a download's "
        "marginal cost is near zero, so per-MB pricing is not cost-plus; it sells one song in several qualities and "
        "lets buyers sort themselves by what they will pay, with the bits as the meter. It also charges for length, "
        "which buyers value less: ask who gains (short songs, lossy quality) and who loses (long tracks, lossless).",
        NumericAnswer("The AllofMP3 price of the 3:30 pop single in FLAC, in US dollars.", rows[2][3], "USD",
                      PRICE_TOLERANCE_USD),
    )


def _implied_downloads(s: Scenario) -> Exercise:
    # The model's year, as in every later exercise (and Explore's headline figures): one revenue figure for the class.
    y = market_year(s)
    numeric = None
    if y.customers <= 0 or y.downloads <= 0:
        answer = "This scenario has no answer: nobody buys, so there is no revenue per customer."
    else:
        per = y.revenue_usd / y.customers
        downloads = y.downloads / y.customers
        answer = (
            f"Revenue per customer = {format_usd(y.revenue_usd)} ÷ {format_count(y.customers)} = "
            f"**${per:.2f} a year**. At a mean price of ${y.mean_price_usd:.4f} a download that is "
            f"**{downloads:.2f} downloads per customer a year**, about {downloads / 12:.1f} a month: "
            f"{downloads / s.catalogue.tracks_per_album_mean:.1f} albums' worth of tracks a year. In a month "
            f"{format_count(y.monthly_buyers)} of the {format_count(y.customers)} accounts bought something "
            f"({y.monthly_buyers / y.customers:.0%}): small baskets bought often, not big ones. The model's year is "
            f"{y.revenue_gap_pct:+.1f}% against The Times' {format_usd(y.reported_revenue_usd)}: the fit sits between "
            "it and the Hollywood Reporter's $10-14 million."
        )
        numeric = NumericAnswer("Downloads per customer a year.", downloads, "downloads a year", READ_OFF_TOLERANCE,
                                relative=True)
    return Exercise(
        "implied_downloads", "What the customers and the revenue imply",
        f"Explore's headline figures give the store's revenue a year and its customers (The Times reported "
        f"{format_count(s.market.reported_customers)} customers and about {format_usd(s.market.reported_revenue_usd)}). "
        "How many tracks did the average customer buy?",
        ("Revenue per customer = revenue ÷ customers.", "Divide by the mean price of a download."),
        answer,
        "A classic calibration: a few dollars a customer a year means small baskets. Discuss whether 5.5 million "
        "counts accounts ever opened, and switch the Hollywood Reporter's $10-14 million off in the fit table "
        "(Explore, Demand) to see what The Times' figure alone would imply.",
        numeric,
    )


def _roms_vs_itunes(s: Scenario) -> Exercise:
    r = rights_comparison(s)
    answer = (
        f"ROMS received about **${r.roms_usd_per_download:.4f} per download**, {format_usd(r.roms_usd_per_year)} a "
        f"year. On iTunes terms labels got ${r.wholesale_usd_per_download:.2f} per download: "
        f"{format_usd(r.wholesale_usd_per_year)} a year for the same {format_count(r.downloads)} downloads "
        f"(${r.wholesale_low_usd_per_download:.2f}-{r.wholesale_high_usd_per_download:.2f} gives "
        f"{format_usd(r.wholesale_low_usd_per_year)}-{format_usd(r.wholesale_high_usd_per_year)}), "
        f"**{r.wholesale_to_paid_ratio:.0f}× more**, and {r.wholesale_share_of_revenue:.1f}× the store's whole revenue."
    )
    return Exercise(
        "roms_vs_itunes", "What rights holders got",
        "Compare what ROMS received with what labels would have been paid at iTunes wholesale for the same downloads.",
        ("ROMS took a share of the price; iTunes paid labels a fixed amount per track.",),
        answer,
        "The gap is the whole business model: the store could not pay licensed wholesale at per-MB prices. "
        "Note that ROMS had no mandate from the labels and was said to pass little on.",
        _finite(NumericAnswer("How many times more labels would have got at iTunes wholesale than ROMS received.",
                              r.wholesale_to_paid_ratio, "×", READ_OFF_TOLERANCE, relative=True)),
    )


def _card_freeze(s: Scenario) -> Exercise:
    before = market_year(s.with_overrides({"payments.card_freeze_active": False}))
    after = market_year(s.with_overrides({"payments.card_freeze_active": True}))
    lost = before.revenue_usd - after.revenue_usd
    answer = (
        f"With {s.payments.card_share:.0%} of buyers paying by card and {s.payments.recovered_share:.0%} of "
        f"those recovered through vouchers, wires and other routes, {after.paying_factor:.0%} of the potential buyers "
        f"could still pay over the year (a mean by day; from September 2006 "
        f"{1 - s.payments.card_share * (1 - s.payments.recovered_share):.0%}): revenue falls from "
        f"{format_usd(before.revenue_usd)} to "
        f"**{format_usd(after.revenue_usd)}** ({format_usd(lost)} lost a year), and ROMS's payout from "
        f"{format_usd(before.roms_usd)} to {format_usd(after.roms_usd)}."
    )
    return Exercise(
        "card_freeze", "The card freeze",
        "MasterCard stopped processing payments in August 2006 and Visa from 1 September 2006. How much revenue "
        "did that cost the store a year?",
        ("Paying share = 1 − card share × (1 − recovered share).", "Compare with the 'Had the cards kept working' preset."),
        answer,
        "Payment networks as regulators: discuss why the freeze, not the lawsuits, hurt most, and why vouchers "
        "sold on eBay kept some of the business alive. Both shares are assumptions; let students vary them.",
        _finite(NumericAnswer("The store's revenue a year after the freeze, in US dollars.", after.revenue_usd, "USD",
                              READ_OFF_TOLERANCE, relative=True)),
    )


def _clone_answer(s: Scenario) -> tuple[str, NumericAnswer | None]:
    try:
        cy = customer_year(s)
    except ValueError as e:  # nobody downloads anything: no spend to distribute
        return f"This scenario has no answer: {e}.", None
    half = next((float(sp) for sp, rs in zip(cy.lorenz_spend_usd, cy.lorenz_revenue_share, strict=True)
                 if 1 - rs <= 0.5), float("nan"))
    text = (
        f"With downloads per customer lognormal (sigma {cy.downloads_sigma:g}; Gini {cy.gini:.2f}), the "
        f"{cy.clone_customers:,} customers spending over ${cy.clone_threshold_usd:,.0f} a year bring "
        f"**{cy.clone_revenue_share:.1%}** of revenue ({format_usd(cy.clone_revenue_usd)}). The top 1% bring "
        f"{cy.top_1_share:.0%}, the top 10% {cy.top_10_share:.0%}. To keep half the revenue the clone would have "
        f"to invite everyone spending over about ${half:,.2f} a year."
    )
    return text, _finite(NumericAnswer("The share of revenue the clone keeps, in percent.",
                                       100 * cy.clone_revenue_share, "%", CHART_TOLERANCE, relative=True))


def _clone(s: Scenario) -> Exercise:
    answer, numeric = _clone_answer(s)
    return Exercise(
        "clone", "The invite-only clone",
        "MemphisMembers was open only to the biggest spenders (several hundred dollars in a few months). How much "
        "of the revenue would such a club keep?",
        ("Look at the Lorenz curve in the Customers view of Explore.", "Mean spend is only a few dollars a year."),
        answer,
        "The reported averages ($30M / 5.5M ≈ $5 a customer) and a 'several hundred dollars' club do not sit well "
        "together unless spending is far more skewed: a good prompt for questioning reported figures.",
        numeric,
    )


def _best_rate(s: Scenario) -> Exercise:
    rev, prof = best_rate("revenue", s), best_rate("profit", s)
    rise = rate_rise(s)
    y = market_year(s)
    e = revenue_elasticity(s)
    cents = float(s.assumptions.constants["cents_per_usd"])
    answer = (
        f"{rev.statement}\n\n{prof.statement}\n\n{rise.statement}\n\n"
        f"Read backwards: a store that set revenue-maximizing prices would sit where a 1% higher rate loses as much "
        f"in downloads as it gains in price. At {cents * s.pricing.rate_usd_per_mb:.2f} c/MB a 1% higher rate loses "
        f"**{abs(e.downloads):.2f}%** of the year's downloads (elasticity {y.elasticity:.2f}, inelastic per track), "
        f"but raises the mean price per download by only {e.mean_price:.2f}%: buyers move to smaller files "
        f"(versioning), and the weeks before the rise are sold at the old rate. Revenue moves by "
        f"{e.revenue:+.2f}% for a 1% higher rate, so "
        + ("a lower rate would have earned more." if e.revenue < 0 else "a higher rate would still have earned more.")
    )
    return Exercise(
        "best_rate", "The revenue-maximizing rate",
        "On the fitted demand (Explore, Demand), which rate per MB maximizes the year's revenue, and which the "
        "operator's contribution margin (revenue less royalties, card fees and bandwidth, before fixed costs)? "
        "Did the August 2006 rise from 2 to 3 c/MB pay?",
        ("Revenue peaks where the elasticity of the year's revenue with respect to the rate is 0.",
         "In a logit the revenue-maximizing price of one product is 1 / (alpha (1 − share))."),
        answer,
        "The elasticity is an output of the fitted logit, not an input: −alpha × price × (1 − share). Switch reports "
        "off in the fit table and see how the best rate moves: the revenue estimates and the price reports pull "
        "alpha in different directions.",
        _finite(NumericAnswer("The revenue-maximizing rate, in US cents per MB.", cents * rev.best_rate_usd_per_mb,
                              "c/MB", READ_OFF_TOLERANCE, relative=True)),
    )


def _one_cent_lower(s: Scenario) -> float:
    """Return the scenario's rate less one US cent per MB, kept within the rate's bounds [USD/MB]."""
    b = s.assumptions.parameters["pricing.rate_usd_per_mb"].bounds
    assert b is not None  # a number parameter always has bounds
    cent = 1.0 / float(s.assumptions.constants["cents_per_usd"])
    return max(float(s.pricing.rate_usd_per_mb) - cent, float(b[0]))


def _piracy(s: Scenario) -> Exercise:
    r0 = float(s.pricing.rate_usd_per_mb)
    lower = _one_cent_lower(s)
    c = channels_at_rates(s, [lower, r0])
    won = float(c.store[0] - c.store[1])
    from_p2p, from_itunes = float(c.p2p[1] - c.p2p[0]), float(c.itunes[1] - c.itunes[0])
    cents = float(s.assumptions.constants["cents_per_usd"])
    answer = (
        f"At {cents * lower:.2f} c/MB instead of {cents * r0:.2f} the store sells **{won / 1e6:.1f} million** more "
        f"tracks a year. Of them **{from_p2p / 1e6:.1f} million** come from P2P, {from_itunes / 1e6:.1f} million from "
        f"iTunes and the rest from people who would have gone without. P2P keeps {c.p2p[0] / 1e6:.0f} million "
        "tracks a year even then: free is hard to beat."
    )
    return Exercise(
        "piracy", "Piracy as the outside option",
        f"In the fitted demand every wanted track goes to AllofMP3, iTunes, P2P or nowhere. How many P2P downloads "
        f"a year would a cut of {cents * (r0 - lower):.0f} c/MB have won for the store?",
        ("Explore's Demand view: the diversion shares say where a lost download goes.",
         "In a logit a price cut draws from each alternative in proportion to its share."),
        answer,
        "Independence of irrelevant alternatives: in this model only AllofMP3's encodings share a nest, so at the "
        "top level a cheaper store draws from iTunes, P2P and 'nothing' in proportion to their shares. Is that "
        "plausible for pirates? Putting P2P and the store in one nest would make them closer substitutes.",
        _finite(NumericAnswer("Tracks a year the cut wins from P2P, in millions.", from_p2p / 1e6, "million tracks",
                              READ_OFF_TOLERANCE, relative=True)),
    )


def _versioning(s: Scenario) -> Exercise:
    r0 = float(s.pricing.rate_usd_per_mb)
    lower = _one_cent_lower(s)
    c = demand_curve(s, [lower, r0])
    low = "share_mp3-128"
    cents = float(s.assumptions.constants["cents_per_usd"])
    a, z = float(c[low].iloc[0]), float(c[low].iloc[1])
    answer = (
        f"At {cents * lower:.2f} c/MB {a:.1%} of downloads are MP3 128 kbps; at {cents * r0:.2f} c/MB **{z:.1%}**: "
        f"the rise moves {100 * (z - a):.1f} points of the mix down to the smallest files. The mean download shrinks "
        f"from {c.mean_size_mb.iloc[0]:.2f} to {c.mean_size_mb.iloc[1]:.2f} MB, so the mean price rises less than the "
        "rate: buyers answer a per-MB rise by buying fewer bits, not only fewer songs."
    )
    return Exercise(
        "versioning", "Versioning: who moves to 128 kbps",
        "Per-MB pricing sells each song in versions of different quality. When the rate rises, which versions lose "
        "buyers, and what share of downloads is MP3 128 kbps before and after?",
        ("The Demand view's mix: shares of downloads by encoding at each rate.",
         "Within the store, a bigger file's price rises more with the rate."),
        answer,
        "Second-degree price discrimination: the buyers sort themselves by the quality they pay for. Ask what a flat "
        "price a track would do to the mix (the Demand view's table of pricing alternatives).",
        NumericAnswer("The share of downloads that are MP3 128 kbps at the scenario's rate, in percent.", 100 * z, "%",
                      READ_OFF_TOLERANCE, relative=True),
    )


def _welfare(s: Scenario) -> Exercise:
    y = market_year(s)
    parts = [("buyers (consumer surplus)", y.consumer_surplus_usd), ("ROMS and FAIR", y.roms_usd + y.fair_usd),
             ("labels", y.labels_usd), ("the operator (contribution margin)", y.operator_margin_usd),
             ("card fees and bandwidth", y.card_fee_usd + y.bandwidth_usd)]
    total = sum(v for _, v in parts)
    answer = ("The store's year created " + "; ".join(f"{format_usd(v)} for {w}" for w, v in parts if v) +
              f". Buyers' surplus, the logit log-sum, is **{format_usd(y.consumer_surplus_usd)}**"
              + (f", {y.consumer_surplus_usd / total:.0%} of the total." if total > 0 else "."))
    return Exercise(
        "welfare", "Who gained: consumer surplus",
        "The store's buyers paid a few cents a track. How much were its downloads worth to them above what they paid, "
        "and how does that compare with what ROMS, the labels and the operator got?",
        ("In a logit a buyer's expected surplus is the log-sum ln(Σ e^V) / alpha.",
         "The Demand view's table 'Who gains' splits the year."),
        answer,
        "Consumer surplus from the log-sum (Small and Rosen 1981) counts the gain of having the store against its "
        "absence, with iTunes, P2P and nothing still there. Ask who bears the loss the labels claimed.",
        _finite(NumericAnswer("Buyers' consumer surplus in the year, in US dollars.", y.consumer_surplus_usd, "USD",
                              READ_OFF_TOLERANCE, relative=True)),
    )


def _licensed(s: Scenario) -> Exercise:
    r = break_even_licensed_rate(s)
    cents = float(s.assumptions.constants["cents_per_usd"])
    wholesale = float(s.comparison.label_wholesale_usd)
    if r is None:
        answer = (f"Paying labels ${wholesale:.2f} a download leaves a loss at every rate within the bounds: there is "
                  "no break-even licensed rate.")
        numeric = None
    else:
        answer = (f"Paying labels ${wholesale:.2f} a download, as on iTunes, the operator's contribution margin is "
                  f"zero at **{cents * r:.1f} c/MB**, {r / float(s.pricing.rate_usd_per_mb):.1f}× the rate it charged: "
                  "at that rate the fitted demand buys far fewer, smaller files.")
        numeric = NumericAnswer("The break-even licensed rate, in US cents per MB.", cents * r, "c/MB",
                                READ_OFF_TOLERANCE, relative=True)
    return Exercise(
        "licensed", "The break-even licensed rate",
        "Had AllofMP3 paid the labels wholesale for every download, as iTunes did, what rate per MB would it have "
        "needed just to cover that and its costs?",
        ("Contribution margin = revenue − labels × downloads − card fees − bandwidth.",
         "Demand answers the rate: downloads fall as it rises."),
        answer,
        "Why the model only worked without licences. The break-even uses the same fitted demand, so the store would "
        "also have lost most buyers to iTunes and P2P at that rate.",
        numeric,
    )


def _lawsuit(s: Scenario) -> Exercise:
    law = lawsuit_arithmetic(s)
    per_song = format_usd(law.statutory_damages_usd_per_song)
    answer = (
        f"{format_count(law.songs)} songs × {per_song} = **{format_usd(law.claim_usd)}**, the figure the press reported. "
        f"{per_work_text(s)}\n\n"
        f"The songs were bought over {rate_days_text(s)}: a day-weighted "
        f"{law.rate_usd_per_mb * float(s.assumptions.constants['cents_per_usd']):.2f} c/{mb_unit(s.pricing.mb_convention)}. "
        f"On the fitted demand (its mix and downloads at each day's rate) they earned the store about **{earned_usd_text(law.revenue_usd)}** "
        f"(${law.mean_price_usd:.2f} each) and ROMS {earned_usd_text(law.roms_usd)}; at iTunes wholesale labels would "
        f"have got {earned_usd_text(law.itunes_wholesale_usd)}. The press's figure is "
        f"{law.claim_to_revenue_ratio:,.0f}× the revenue."
    )
    return Exercise(
        "lawsuit", "The $1.65 trillion lawsuit",
        f"US labels sued over about {format_count(s.rights.us_songs_jun_oct_2006)} songs bought by US customers in "
        f"June-October 2006, and the press multiplied them by {format_usd(s.rights.statutory_damages_usd_per_song)}, "
        "the statute's most for a wilful infringement. Set that figure next to what those songs earned, and say what "
        "the statute allows.",
        ("The rate rose during the count: weight each rate per MB by the days it was in force (see Sources).",
         f"US statutory damages ({STATUTE}) are awarded per work infringed, not per copy sold."),
        answer,
        "Statutory damages as deterrence, not compensation, and counted per work, not per copy: multiplying downloads "
        "by the per-work maximum is how a headline reached $1.65 trillion. The suit was dropped in 2008 as the site "
        "was defunct.",
        _finite(NumericAnswer("The press's figure (songs × damages per song), in US dollars.", law.claim_usd, "USD",
                              READ_OFF_TOLERANCE, relative=True)),
    )


_BUILDERS = (_per_mb_follows_cost, _implied_downloads, _roms_vs_itunes, _card_freeze, _clone, _best_rate, _versioning,
             _piracy, _welfare, _licensed, _lawsuit)
#: The exercises' keys in teaching order.
EXERCISE_KEYS = ("per_mb_follows_cost", "implied_downloads", "roms_vs_itunes", "card_freeze", "clone", "best_rate",
                 "versioning", "piracy", "welfare", "licensed", "lawsuit")


def exercises(scenario: Scenario) -> list[Exercise]:
    """Return the class's exercises with answers for a scenario.

    Parameters
    ----------
    scenario : Scenario
        The inputs (built by the caller: the command line, the app or a test).

    Returns
    -------
    list of Exercise
        Eleven exercises, in teaching order.
    """
    s = scenario
    return [f(s) for f in _BUILDERS]
