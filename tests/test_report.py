"""Tests of simulator.present.report: number formatting, headline metrics against the reported figures, sources table."""

from __future__ import annotations

import math

import pytest

from simulator.model.market import market_year
from simulator.params.assumptions import load_assumptions
from simulator.params.scenario import make_scenario
from simulator.present.report import format_count, format_usd, headline_metrics, sources_table

A = load_assumptions()
KEYS = ["customers", "revenue_usd", "downloads_per_customer", "mean_price_usd", "roms_usd",
        "operator_margin_usd"]

USD_CASES = [
    (0, False, "$0.00"),
    (0.1916, False, "$0.19"),
    (0.1916, True, "$0.19"),
    (-0.5, False, "-$0.50"),
    (99.99, False, "$99.99"),
    (100, False, "$100"),
    (1234.4, False, "$1,234"),
    (-2_500, False, "-$2,500"),
    (999_999, False, "$999,999"),
    (1_000_000, False, "$1.0 million"),
    (30_559_230.5, False, "$30.6 million"),
    (-30_559_230.5, False, "-$30.6 million"),
    (30_559_230.5, True, "$30,559,230.50"),
    (999_940_000, False, "$999.9 million"),
    (1e9, False, "$1.00 billion"),
    (2.5e9, False, "$2.50 billion"),
    (1.65e12, False, "$1.65 trillion"),
    (-1.65e12, False, "-$1.65 trillion"),
    (1.65e12, True, "$1,650,000,000,000.00"),
    (2.5e15, False, "$2,500.00 trillion"),
    (math.inf, False, "∞"),
    (-math.inf, False, "-∞"),
    (math.nan, True, "n/a"),
]


@pytest.mark.parametrize(("x", "cents", "text"), USD_CASES, ids=[f"{x}{'-cents' if c else ''}" for x, c, _ in USD_CASES])
def test_format_usd(x, cents, text):
    assert format_usd(x, cents=cents) == text


COUNT_CASES = [
    (0, "0.0"),
    (29, "29.0"),
    (28.469, "28.5"),
    (-3, "-3.0"),
    (999.9, "999.9"),
    (1000, "1,000"),
    (12_345, "12,345"),
    (-12_345, "-12,345"),
    (5_500_000, "5.50 million"),
    (-5_500_000, "-5.50 million"),
    (159_500_000, "159.50 million"),
    (2.5e9, "2.50 billion"),
    (1.65e12, "1.65 trillion"),
    (math.inf, "∞"),
    (math.nan, "n/a"),
]


@pytest.mark.parametrize(("x", "text"), COUNT_CASES, ids=[str(x) for x, _ in COUNT_CASES])
def test_format_count(x, text):
    assert format_count(x) == text


# --- headline metrics -------------------------------------------------------------------------


def _metrics(s=None, **kw):
    return {m.key: m for m in headline_metrics(s if s is not None else make_scenario(), **kw)}


def test_headline_metrics_at_the_defaults():
    s = make_scenario()
    ms = headline_metrics(s)
    assert [m.key for m in ms] == KEYS
    m = {x.key: x for x in ms}
    y = market_year(s)
    assert m["customers"].value == y.customers and m["customers"].reference == 5_500_000
    assert m["customers"].delta_pct == pytest.approx(100 * (y.customers - 5.5e6) / 5.5e6, rel=1e-12)
    assert m["customers"].delta_text == f"{m['customers'].delta_pct:+.1f}% vs reported 5.50 million"
    rev = m["revenue_usd"]
    assert rev.value == y.revenue_usd and rev.reference == 30_000_000
    assert rev.delta_text == f"{100 * (y.revenue_usd - 30e6) / 30e6:+.1f}% vs reported $30.0 million"
    assert m["downloads_per_customer"].value == pytest.approx(y.downloads / y.customers, rel=1e-12)
    assert m["mean_price_usd"].value == pytest.approx(y.revenue_usd / y.downloads, rel=1e-12)
    # ROMS is 15% of gross; the operator keeps 1 - 0.15 - 0.04 (card fees) less bandwidth at $0.10 a GB.
    assert m["roms_usd"].value == pytest.approx(0.15 * y.revenue_usd, rel=1e-12)
    bandwidth = 0.10 * y.data_served_tb * 1000
    assert m["operator_margin_usd"].value == pytest.approx(y.revenue_usd * (1 - 0.15 - 0.04) - bandwidth, rel=1e-12)
    for k in ("downloads_per_customer", "mean_price_usd", "roms_usd", "operator_margin_usd"):
        assert m[k].reference is None and m[k].delta_pct is None
    assert m["operator_margin_usd"].label == "Operator's contribution margin a year"
    assert all(x.help and x.label and x.unit for x in ms)
    assert [x.unit for x in ms] == ["customers", "USD/year", "downloads/customer/year", "USD/track", "USD/year",
                                    "USD/year"]


def test_headline_metrics_default_scenario_and_precomputed_year():
    assert headline_metrics(make_scenario()) == headline_metrics(make_scenario())
    s = make_scenario()
    other = market_year(make_scenario(preset="card_freeze"))
    m = _metrics(s, year=other)
    assert m["revenue_usd"].value == other.revenue_usd        # the given year is used, not recomputed


def test_headline_metrics_follow_the_scenario():
    base = market_year(make_scenario())
    s = make_scenario(overrides={"demand.potential_buyers": 2 * make_scenario().demand.potential_buyers})
    m = _metrics(s)
    # Twice the potential buyers: twice the downloads and receipts (the logit shares do not depend on them).
    assert m["revenue_usd"].value == pytest.approx(2 * base.revenue_usd, rel=1e-9)
    assert m["customers"].value == pytest.approx(2 * base.customers, rel=1e-9)


def test_nobody_paying_means_no_revenue_not_a_broken_number():
    s = make_scenario(overrides={"payments.card_share": 1.0, "payments.recovered_share": 0.0,
                                 "timeline.year_end": "2007-07"})
    m = _metrics(s)
    assert m["revenue_usd"].value > 0                            # July-August 2006, before the freeze
    assert all(math.isfinite(x.value) for x in m.values())


@pytest.mark.parametrize(("rate", "where"), [(0.001, "below"), (0.03, "within"), (0.05, "within"), (0.1, "within")])
def test_mean_price_band(rate, where):
    m = _metrics(make_scenario(overrides={"pricing.rate_usd_per_mb": rate}))["mean_price_usd"]
    assert m.value == pytest.approx(market_year(make_scenario(overrides={"pricing.rate_usd_per_mb": rate})).mean_price_usd)
    assert m.delta_text == f"{where} the reported 10-20 c a track"


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(0.05, 0.10, "above the reported 5-10 c a track"), (0.2, 0.3, "below the reported 20-30 c a track"),
     (0.19, 0.19, "below the reported 19-19 c a track"), (0.0, 1.0, "within the reported 0-100 c a track")],
)
def test_mean_price_band_follows_the_reported_range(low, high, text):
    s = make_scenario(overrides={"market.reported_track_price_low_usd": low, "market.reported_track_price_high_usd": high})
    assert _metrics(s)["mean_price_usd"].delta_text == text


# --- sources table ------------------------------------------------------------------------------


def test_sources_table_one_row_per_parameter_with_a_source_or_a_reason():
    t = sources_table(A)
    assert list(t.columns) == ["input", "label", "value", "unit", "low", "high", "provenance", "url", "date", "note"]
    assert list(t.input) == list(A.parameters) and len(t) == len(A.parameters) == t.input.nunique()
    src = t[t.provenance == "source"]
    asm = t[t.provenance == "assumption"]
    assert len(src) + len(asm) == len(t) and len(src) > 20 and len(asm) > 20
    assert src.url.str.match(r"https?://\S+$").all() and (src.date != "").all()
    assert (asm.url == "").all() and (asm.date == "").all() and (asm.note.str.len() > 10).all()
    for row in t.itertuples():
        p = A.parameters[row.input]
        assert row.label == p.label and row.unit == p.unit
        assert row.note == ((p.source.note or "") if p.source else p.assumption)
        if p.kind in ("number", "integer"):
            assert float(row.value) == p.value                      # the text reads back as the value
        else:
            assert row.value == str(p.value)
        if p.low is None:
            assert math.isnan(row.low) and math.isnan(row.high)
        else:
            assert (row.low, row.high) == (p.low, p.high)


def test_sources_table_named_rows():
    t = sources_table(A).set_index("input")
    rate = t.loc["pricing.rate_usd_per_mb"]
    assert (rate.value, rate.unit, rate.low, rate.high, rate.provenance, rate.date) == (
        "0.03", "USD/MB", 0.02, 0.03, "source", "2006-08-28")
    assert rate.url == "https://en.wikipedia.org/?oldid=72286582&title=AllOfMP3.com"
    n = t.loc["demand.potential_buyers"]
    assert (n.value, n.provenance, n.url) == ("7271000", "assumption", "")
    assert n.note.startswith("fitted by weighted least squares")
    assert t.loc["payments.card_freeze_active", "value"] == "True"
    assert t.loc["pricing.rounding", "value"] == "per_track"


def test_sources_story_quotes_the_document_and_the_model():
    from simulator.model.rights import lawsuit_arithmetic
    from simulator.present.sources import story_markdown

    s = make_scenario()
    text = story_markdown(s)
    # 1 c/MB, 11 tracks of 4:00: 3,840,000 bytes (+ tags) at 128 kbps is 3.84 MB -> $0.04 a track, $0.44 an album;
    # 5,760,000 bytes at 192 kbps is 5.76 MB -> $0.06 a track, $0.66 an album
    assert "an album of 11 tracks of 4:00 (44:00 in all) costs $0.44 (128 kbps) to $0.66 (192 kbps)" in text
    assert "$150,000 a song" in text and "11.00 million songs" in text and "**$1.65 trillion**" in text
    assert lawsuit_arithmetic(s).claim_usd == 150_000 * 11_000_000
    # the statute counts works, not copies: the trillion is the press's arithmetic
    assert "US statutory damages are awarded per work infringed, not per copy (17 U.S.C. §504(c))" in text
    assert "Songs bought × $150,000 is the press's arithmetic, not what the statute allows" in text
    # 73 days at 2 c/MB and 80 at 3 c/MB: 11 million songs at the store model's mean price of June-October 2006
    earned = lawsuit_arithmetic(s).revenue_usd
    assert ("Bought over 73 days at 2 c/MB (1 June to 12 August 2006) and 80 days at 3 c/MB (13 August to "
            f"31 October 2006), those songs earned the store about\n  ${earned / 1e6:.2f} million") in text
    assert "MP3Sparks (20-30 c a track)" in text
    assert "**5.50 million customers**" in text and "**$30.0 million a year**" in text
    # the figures follow the document: another reported revenue, another sentence
    assert "**$25.0 million a year**" in story_markdown(make_scenario(overrides={"market.reported_revenue_usd": 25e6}))


@pytest.mark.parametrize(
    ("rounding", "words"),
    # A 50-minute album at 1 c/MB: 3,000 s x 16,000 B/s = 48 MB at 128 kbps, 72 MB at 192 kbps, so $0.48-0.72
    # bought exactly; each 5:00 track rounded to the cent (4.8 c -> 5 c, 7.2 c -> 7 c) makes it $0.50-0.70.
    # Not "a dollar or two".
    [("unrounded", "an album of 10 tracks of 5:00 (50:00 in all) costs $0.48 (128 kbps) to $0.72 (192 kbps)"),
     ("per_track", "an album of 10 tracks of 5:00 (50:00 in all) costs $0.50 (128 kbps) to $0.70 (192 kbps)")],
)
def test_sources_story_prices_a_fifty_minute_album_at_one_cent(rounding, words):
    from simulator.present.sources import story_markdown

    s = make_scenario(overrides={"catalogue.tracks_per_album_mean": 10.0, "catalogue.track_median_s": 300.0,
                                 "pricing.rounding": rounding})
    assert s.assumptions.rate_timeline[0].rate_usd_per_mb == 0.01
    assert 3000 * 128_000 / 8 / 1e6 * 0.01 == pytest.approx(0.48) and 3000 * 192_000 / 8 / 1e6 * 0.01 == pytest.approx(0.72)
    assert words in story_markdown(s)


def test_provenance_table_lists_every_sourced_entry_of_the_document():
    from simulator.present.sources import MISSING, provenance_table

    t = provenance_table(A)
    counts = t.kind.value_counts().to_dict()
    assert counts["constant"] == len(A.constants) and counts["rate"] == len(A.rate_timeline)
    assert counts["format"] == len(A.formats) and counts["event"] == len(A.events)
    assert counts["report"] == len(A.reports) >= 1
    assert counts["preset"] == sum(len(p.sources) + bool(p.assumption) for p in A.presets.values())
    assert set(t[t.kind == "preset"].name) == set(A.presets)          # every preset's sources are shown
    assert (t.applymap(lambda x: x is None or x == "None") if hasattr(t, "applymap") else t.map(
        lambda x: x is None or x == "None")).to_numpy().sum() == 0     # never Python's None
    sourced = t[t.provenance == "source"]
    assert sourced.url.str.match(r"https?://\S+$").all()
    assert (t[t.provenance == "assumption"].date == MISSING).all()
