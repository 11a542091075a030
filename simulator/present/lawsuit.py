"""The US lawsuit in words: the rates the counted songs were bought at, and what the statute allows.

Shared by the Classroom exercise, the Sources story and ``allofmp3-sim rights``, so that the three
say the same thing. Every figure comes from the scenario and its document (``rights.*``,
``rate_timeline``) through :mod:`simulator.model.rights`.

Examples
--------
>>> rate_days_text(make_scenario())
'73 days at 2 c/MB (1 June to 12 August 2006) and 80 days at 3 c/MB (13 August to 31 October 2006)'
>>> earned_usd_text(1_772_348.13)
'$1.77 million'
"""

from __future__ import annotations

import datetime as dt

from simulator.model.encoding import mb_unit
from simulator.model.rights import lawsuit_rate_days
from simulator.params.scenario import Scenario
from simulator.present.report import format_usd

__all__ = ["STATUTE", "rate_days_text", "per_work_text", "earned_usd_text"]

#: The US statute on statutory damages: an award per work infringed, not per copy.
STATUTE = "17 U.S.C. §504(c)"


def _day(d: dt.date, *, year: bool) -> str:
    return f"{d.day} {d:%B %Y}" if year else f"{d.day} {d:%B}"


def _span(first: dt.date, last: dt.date) -> str:
    if first == last:
        return _day(first, year=True)
    return f"{_day(first, year=first.year != last.year)} to {_day(last, year=True)}"


def rate_days_text(scenario: Scenario) -> str:
    """Say at which rates, for how many days each, the lawsuit's songs were bought.

    Parameters
    ----------
    scenario : Scenario
        Its window (``rights.us_songs_first_day``, ``rights.us_songs_last_day``), its document's
        ``rate_timeline`` and its MB convention (the unit of the rate).

    Returns
    -------
    str
        One clause per rate in force, oldest first, joined with commas and "and".
    """
    s = scenario
    cents = float(s.assumptions.constants["cents_per_usd"])
    unit = mb_unit(s.pricing.mb_convention)
    t = lawsuit_rate_days(s)
    parts = [f"{days:,.0f} day{'s' if days != 1 else ''} at {rate * cents:g} c/{unit} ({_span(first, last)})"
             for first, last, rate, days in zip(t["first_day"], t["last_day"], t["rate_usd_per_mb"], t["days"],
                                                strict=True)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def per_work_text(scenario: Scenario) -> str:
    """Say why songs x damages per song is the press's arithmetic, not what the statute allows.

    Parameters
    ----------
    scenario : Scenario
        ``rights.statutory_damages_usd_per_song`` is the statute's most per work.

    Returns
    -------
    str
        Two sentences.
    """
    most = format_usd(scenario.rights.statutory_damages_usd_per_song)
    return (f"US statutory damages are awarded per work infringed, not per copy ({STATUTE}): at most {most} for each "
            f"work wilfully infringed, however many copies were sold. Songs bought × {most} is the press's "
            "arithmetic, not what the statute allows.")


def earned_usd_text(x: float) -> str:
    """Format what the songs earned to three significant figures: ``$1.77 million``, ``$265,852``.

    Parameters
    ----------
    x : float
        [USD]

    Returns
    -------
    str
    """
    if 1e6 <= abs(x) < 1e9:
        return f"{'-' if x < 0 else ''}${abs(x) / 1e6:,.2f} million"
    return format_usd(x)
