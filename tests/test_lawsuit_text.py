"""Tests of simulator.present.lawsuit: the lawsuit's rates and the statute, in words, from the scenario."""

from __future__ import annotations

import pytest

from simulator.params.scenario import make_scenario
from simulator.present.lawsuit import earned_usd_text, per_work_text, rate_days_text


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [("2006-06-01", "2006-10-31",
      "73 days at 2 c/MB (1 June to 12 August 2006) and 80 days at 3 c/MB (13 August to 31 October 2006)"),
     ("2006-08-13", "2006-08-13", "1 day at 3 c/MB (13 August 2006)"),
     ("2004-12-01", "2006-08-13", "45 days at 1 c/MB (1 December 2004 to 14 January 2005), 575 days at 2 c/MB "
                                  "(15 January 2005 to 12 August 2006) and 1 day at 3 c/MB (13 August 2006)")],
    ids=["june-october-2006", "one-day", "three-rates"],
)
def test_rate_days_text(first, last, text):
    s = make_scenario(overrides={"rights.us_songs_first_day": first, "rights.us_songs_last_day": last})
    assert rate_days_text(s) == text


def test_per_work_text_names_the_statute_and_the_scenario_maximum():
    assert per_work_text(make_scenario()).startswith(
        "US statutory damages are awarded per work infringed, not per copy (17 U.S.C. §504(c)): at most $150,000 for "
        "each work wilfully infringed")
    assert "at most $30,000 for each work" in per_work_text(
        make_scenario(overrides={"rights.statutory_damages_usd_per_song": 30_000}))


@pytest.mark.parametrize(("x", "text"), [(1_772_348.13, "$1.77 million"), (-2_500_000, "-$2.50 million"),
                                         (265_852.2, "$265,852"), (1.65e12, "$1.65 trillion")])
def test_earned_usd_text(x, text):
    assert earned_usd_text(x) == text
