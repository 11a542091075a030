"""Rights holders: what ROMS got against what labels would have got at iTunes wholesale, and the US lawsuit.

Formulas
--------
* ROMS per download = ``roms_share x`` the royalty base of a mean download
  (gross price, or price less card fee and bandwidth), FAIR likewise when on;
  per year, times the year's downloads (:mod:`simulator.model.market`, share model).
* Labels at iTunes terms = ``comparison.label_wholesale_usd`` per download
  (low and high from its plausible range, 0.62-0.70; appleinsider 2004, LA Times 2006).
* Lawsuit: claim = ``rights.us_songs_jun_oct_2006 x rights.statutory_damages_usd_per_song``
  (about 11 million songs x $150,000 = $1.65 trillion; techenclave, TechCrunch 2007).
  That product is the press's arithmetic: US statutory damages are awarded per
  work infringed, not per copy (17 U.S.C. 504(c)(1)), from $750 to $30,000 a
  work and up to $150,000 for a wilful infringement (504(c)(2)), however many
  copies were sold: the ceiling is the number of works infringed x $150,000,
  not the number of downloads x $150,000.
  What those songs earned: ``songs`` downloads at the store model's mean price from
  ``rights.us_songs_first_day`` to ``rights.us_songs_last_day`` (June-October 2006), which weights
  each day by its downloads at the rate in force (2 c/MB until 13 Aug 2006, the
  scenario's rate after) and the mix the fitted demand gives at each rate; ROMS, FAIR and
  the contribution margin split those receipts as in :mod:`simulator.model.market`.

Examples
--------
>>> law = lawsuit_arithmetic(make_scenario())
>>> f"{law.claim_usd:,.0f}"
'1,650,000,000,000'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from simulator.model.market import accounting_inputs, market_year, year_from_run
from simulator.model.pricing import quote_track
from simulator.model.profile import DownloadProfile
from simulator.model.store import StoreError, store_run
from simulator.params.scenario import Scenario

__all__ = ["RightsComparison", "LawsuitArithmetic", "rights_comparison", "roms_per_track_table", "lawsuit_rate_days",
           "lawsuit_arithmetic"]


def _share_model(s: Scenario) -> Scenario:
    return s if s.rights.payment_model == "share" else s.with_overrides({"rights.payment_model": "share"})


def _wholesale(s: Scenario) -> tuple[float, float, float]:
    p = s.assumptions.parameters["comparison.label_wholesale_usd"]
    v = float(s.comparison.label_wholesale_usd)
    return v, float(p.low if p.low is not None else v), float(p.high if p.high is not None else v)


@dataclass(frozen=True)
class RightsComparison:
    """ROMS (and FAIR) against labels at iTunes wholesale, per download and per year.

    Attributes
    ----------
    downloads : float
        [downloads/year]
    revenue_usd : float
        The store's gross receipts. [USD/year]
    roms_usd_per_download, fair_usd_per_download : float
        Mean payment per download. [USD]
    wholesale_usd_per_download, wholesale_low_usd_per_download, wholesale_high_usd_per_download : float
        Labels' price per download at iTunes terms (value, low, high). [USD]
    roms_usd_per_year, fair_usd_per_year : float
        [USD/year]
    wholesale_usd_per_year, wholesale_low_usd_per_year, wholesale_high_usd_per_year : float
        [USD/year]
    wholesale_to_paid_ratio : float
        Wholesale over ROMS + FAIR (how many times more labels would have got). [ratio]
    shortfall_usd_per_year : float
        Wholesale minus ROMS + FAIR. [USD/year]
    wholesale_share_of_revenue : float
        Wholesale over the store's receipts (above 1: more than the store took). [ratio]
    """

    downloads: float
    revenue_usd: float
    roms_usd_per_download: float
    fair_usd_per_download: float
    wholesale_usd_per_download: float
    wholesale_low_usd_per_download: float
    wholesale_high_usd_per_download: float
    roms_usd_per_year: float
    fair_usd_per_year: float
    wholesale_usd_per_year: float
    wholesale_low_usd_per_year: float
    wholesale_high_usd_per_year: float
    wholesale_to_paid_ratio: float
    shortfall_usd_per_year: float
    wholesale_share_of_revenue: float

    def as_dict(self) -> dict:
        """Every field by name."""
        return asdict(self)


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf") if a else float("nan")


def rights_comparison(scenario: Scenario, *, profile: DownloadProfile | None = None) -> RightsComparison:
    """ROMS payout per download and per year against labels at iTunes wholesale.

    Parameters
    ----------
    scenario : Scenario
        Royalties are computed under the share model whatever ``rights.payment_model`` says.
    profile : DownloadProfile, optional

    Returns
    -------
    RightsComparison

    Examples
    --------
    >>> r = rights_comparison(make_scenario())
    >>> round(r.roms_usd_per_download, 4), round(r.wholesale_to_paid_ratio, 1)
    (0.0185, 35.1)
    """
    s = scenario
    y = market_year(_share_model(s), profile=profile)
    w = _wholesale(s)
    d = y.downloads
    per = (lambda x: x / d) if d else (lambda x: 0.0)
    paid = y.roms_usd + y.fair_usd
    return RightsComparison(
        downloads=d, revenue_usd=y.revenue_usd,
        roms_usd_per_download=per(y.roms_usd), fair_usd_per_download=per(y.fair_usd),
        wholesale_usd_per_download=w[0], wholesale_low_usd_per_download=w[1], wholesale_high_usd_per_download=w[2],
        roms_usd_per_year=y.roms_usd, fair_usd_per_year=y.fair_usd,
        wholesale_usd_per_year=d * w[0], wholesale_low_usd_per_year=d * w[1], wholesale_high_usd_per_year=d * w[2],
        wholesale_to_paid_ratio=_ratio(d * w[0], paid), shortfall_usd_per_year=d * w[0] - paid,
        wholesale_share_of_revenue=_ratio(d * w[0], y.revenue_usd),
    )


def roms_per_track_table(scenario: Scenario, *, duration_s: float | None = None, encodings=None) -> pd.DataFrame:
    """ROMS per track at each encoding, priced exactly, against the label wholesale price.

    Parameters
    ----------
    scenario : Scenario
    duration_s : float, optional
        Track length [s]; default ``catalogue.track_median_s``.
    encodings : sequence of str, optional
        Default: the encodings of the quality mix.

    Returns
    -------
    pandas.DataFrame, one row per encoding
        ``encoding``, ``duration_s`` [s], ``size_mb`` [MB or MiB], ``price_usd``,
        ``roms_usd``, ``fair_usd``, ``wholesale_usd`` [USD a track] and
        ``wholesale_to_roms_ratio`` [ratio].

    Raises
    ------
    ValueError
        A negative length or an unknown encoding.

    Examples
    --------
    >>> t = roms_per_track_table(make_scenario(), encodings=["mp3-192"])
    >>> t[["price_usd", "roms_usd", "wholesale_usd"]].values.tolist()
    [[0.17, 0.0255, 0.65]]
    """
    s = _share_model(scenario)
    d_s = float(s.catalogue.track_median_s) if duration_s is None else float(duration_s)
    if not np.isfinite(d_s) or d_s < 0:
        raise ValueError(f"duration_s must be a finite length >= 0, got {duration_s!r}")
    ms = int(round(d_s * int(s.assumptions.constants["ms_per_s"])))
    prefix = "market.quality_mix."
    encs = encodings or [k.removeprefix(prefix) for k in s.values if k.startswith(prefix)]
    w = _wholesale(s)[0]
    rows = []
    for e in encs:
        q = quote_track(ms, e, s)
        roms = float(q.split.roms_usd)
        rows.append({"encoding": q.encoding.name, "duration_s": d_s, "size_mb": q.size_mb,
                     "price_usd": float(q.price_usd), "roms_usd": roms, "fair_usd": float(q.split.fair_usd),
                     "wholesale_usd": w, "wholesale_to_roms_ratio": _ratio(w, roms)})
    return pd.DataFrame(rows)


def lawsuit_rate_days(scenario: Scenario) -> pd.DataFrame:
    """Return the rates per MB in force while the lawsuit's songs were bought, and their days.

    Parameters
    ----------
    scenario : Scenario
        ``rights.us_songs_first_day`` and ``rights.us_songs_last_day`` give the window (both
        days counted); the document's ``rate_timeline`` gives the dated rates, the scenario's
        ``pricing.rate_usd_per_mb`` the last step's (as in the store model).

    Returns
    -------
    pandas.DataFrame, one row per rate step that overlaps the window, oldest first
        ``first_day`` and ``last_day`` [date] of the step within the window,
        ``rate_usd_per_mb`` [USD/MB] and ``days`` [days].

    Examples
    --------
    >>> t = lawsuit_rate_days(make_scenario())            # 1 Jun-12 Aug and 13 Aug-31 Oct 2006
    >>> t[["rate_usd_per_mb", "days"]].values.tolist()
    [[0.02, 73.0], [0.03, 80.0]]
    """
    s = scenario
    first = dt.date.fromisoformat(s.rights.us_songs_first_day)
    last = dt.date.fromisoformat(s.rights.us_songs_last_day)
    steps = s.assumptions.rate_timeline
    rows = []
    for i, step in enumerate(steps):
        start = max(step.from_, first)
        end = min(steps[i + 1].from_ - dt.timedelta(days=1), last) if i + 1 < len(steps) else last
        if start <= end:
            rate = float(s.pricing.rate_usd_per_mb) if i + 1 == len(steps) else float(step.rate_usd_per_mb)
            rows.append({"first_day": start, "last_day": end, "rate_usd_per_mb": rate,
                         "days": float((end - start).days + 1)})
    return pd.DataFrame(rows, columns=["first_day", "last_day", "rate_usd_per_mb", "days"])


@dataclass(frozen=True)
class LawsuitArithmetic:
    """The US labels' claim next to what the same songs earned.

    Attributes
    ----------
    songs : float
        Songs bought by US customers, June-October 2006. [songs]
    statutory_damages_usd_per_song : float
        The statute's most per work infringed, which the press multiplied by the songs. [USD/song]
    claim_usd : float
        songs x damages per song: the press's arithmetic, not what the statute allows. [USD]
    rate_usd_per_mb, mean_price_usd : float
        The rate over June-October 2006 (mean by day) and the mean price of a song. [USD/MB], [USD]
    revenue_usd, roms_usd, fair_usd, operator_margin_usd : float
        What the songs earned the store, ROMS, FAIR and the operator (its contribution margin,
        before fixed costs). [USD]
    itunes_retail_usd, itunes_wholesale_usd : float
        The same songs at iTunes retail and at label wholesale. [USD]
    claim_to_revenue_ratio, claim_to_roms_ratio, claim_to_wholesale_ratio : float
        How many times the claim exceeds each. [ratio]
    """

    songs: float
    statutory_damages_usd_per_song: float
    claim_usd: float
    rate_usd_per_mb: float
    mean_price_usd: float
    revenue_usd: float
    roms_usd: float
    fair_usd: float
    operator_margin_usd: float
    itunes_retail_usd: float
    itunes_wholesale_usd: float
    claim_to_revenue_ratio: float
    claim_to_roms_ratio: float
    claim_to_wholesale_ratio: float

    def as_dict(self) -> dict:
        """Every field by name."""
        return asdict(self)


def lawsuit_arithmetic(scenario: Scenario, *, profile: DownloadProfile | None = None) -> LawsuitArithmetic:
    """Weigh the $1.65 trillion claim against what the 11 million songs earned AllofMP3 and ROMS.

    Parameters
    ----------
    scenario : Scenario
        ``rights.*`` give the claim and the window of the count; the dated rates of
        ``rate_timeline`` in that window, the scenario's mix, discount and royalties give the
        earnings (the scenario's own rate and card freeze do not apply).
    profile : DownloadProfile, optional

    Returns
    -------
    LawsuitArithmetic

    Examples
    --------
    >>> law = lawsuit_arithmetic(make_scenario())       # 73 days at 2 c/MB, 80 at 3 c/MB
    >>> round(law.rate_usd_per_mb, 6), round(law.revenue_usd), round(law.roms_usd)
    (0.025229, 1161951, 174293)
    """
    s = _share_model(scenario)
    songs = float(s.rights.us_songs_jun_oct_2006)
    per_song = float(s.rights.statutory_damages_usd_per_song)
    first = np.datetime64(s.rights.us_songs_first_day, "D")
    after_last = np.datetime64(s.rights.us_songs_last_day, "D") + 1
    run = store_run(s, profile=profile)
    p = run.periods
    mask = (p.start >= first) & (p.end <= after_last)   # the model's periods within the window
    if not mask.any():
        raise StoreError(f"rights.us_songs_first_day/last_day: the window {first} to {after_last - 1} holds no whole "
                         "period of the time line (a month, or its part before or after a rate step)")
    y = year_from_run(run, mask, accounting_inputs(s))
    k = songs / y.downloads if y.downloads else 0.0   # every split is proportional to downloads at the model's prices
    claim = songs * per_song
    w = _wholesale(s)[0]
    days = p.days[mask]
    return LawsuitArithmetic(
        songs=songs, statutory_damages_usd_per_song=per_song, claim_usd=claim,
        rate_usd_per_mb=float((run.rate_usd_per_mb[mask] * days).sum() / days.sum()), mean_price_usd=y.mean_price_usd,
        revenue_usd=k * y.revenue_usd, roms_usd=k * y.roms_usd, fair_usd=k * y.fair_usd,
        operator_margin_usd=k * y.operator_margin_usd,
        itunes_retail_usd=songs * float(s.comparison.itunes_track_usd), itunes_wholesale_usd=songs * w,
        claim_to_revenue_ratio=_ratio(claim, k * y.revenue_usd), claim_to_roms_ratio=_ratio(claim, k * y.roms_usd),
        claim_to_wholesale_ratio=_ratio(claim, songs * w),
    )
