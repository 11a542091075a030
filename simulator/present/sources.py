"""The Sources page's text and tables: the story in brief, and where every sourced entry comes from.

Every figure the story quotes is read from ``assumptions.yaml`` (a parameter, an event, a
report) or computed by the model from it; none is written here.

Examples
--------
>>> "1.65 trillion" in story_markdown(make_scenario())
True
>>> t = provenance_table(make_scenario().assumptions)
>>> sorted(set(t.kind))
['constant', 'event', 'format', 'preset', 'rate', 'report']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from simulator.model.pricing import quote_track
from simulator.model.rights import lawsuit_arithmetic
from simulator.model.units import format_duration
from simulator.params.assumptions import Assumptions, Report, Source
from simulator.params.scenario import Scenario
from simulator.present.lawsuit import earned_usd_text, per_work_text, rate_days_text
from simulator.present.report import format_count, format_usd, sources_table

__all__ = ["MISSING", "explore_intro", "inputs_table", "provenance_table", "story_markdown"]

#: What a table shows where an entry has no value (a format, an event) or no source.
MISSING = "—"

#: Encodings of the album example in the story: the two most bought MP3 rates.
_ALBUM_ENCODINGS = ("mp3-128", "mp3-192")


def _cents(rate_usd_per_mb: float, cents_per_usd: float) -> str:
    return f"{rate_usd_per_mb * cents_per_usd:g}"


def _band_usd(r: Report, cents_per_usd: float) -> str:
    if r.value is not None:
        return f"{r.value * cents_per_usd:g} c"
    assert r.low is not None and r.high is not None  # a report has a value or a band (checked on load)
    return f"{r.low * cents_per_usd:g}-{r.high * cents_per_usd:g} c"


def _album_prices(scenario: Scenario, rate_usd_per_mb: float) -> tuple[int, float, list[float]]:
    """Tracks, track length [ms] and price [USD] at each of :data:`_ALBUM_ENCODINGS` of a typical album."""
    s = scenario.with_overrides({"pricing.rate_usd_per_mb": rate_usd_per_mb})
    tracks = round(s.catalogue.tracks_per_album_mean)
    length_ms = s.catalogue.track_median_s * float(s.assumptions.constants["ms_per_s"])
    prices = [tracks * float(quote_track(int(length_ms), enc, s).price_usd) for enc in _ALBUM_ENCODINGS]
    return tracks, length_ms, prices


def story_markdown(scenario: Scenario) -> str:
    """Tell the store's story in brief, as Markdown, with every figure from the scenario and its document.

    Parameters
    ----------
    scenario : Scenario
        Its shares (ROMS, FAIR) and reported figures are quoted; its document gives the dates,
        rates and reports.

    Returns
    -------
    str
        A Markdown bullet list, one line an event.
    """
    s = scenario
    a = s.assumptions
    ev, rates = a.events, a.rate_timeline
    per_usd = float(a.constants["cents_per_usd"])
    tracks, length_ms, prices = _album_prices(s, rates[0].rate_usd_per_mb)
    album = (f"an album of {tracks} tracks of {format_duration(length_ms)} ({format_duration(tracks * length_ms)} in all) costs "
             + " to ".join(f"{format_usd(p, cents=True)} ({enc.split('-')[1]} kbps)"
                           for p, enc in zip(prices, _ALBUM_ENCODINGS, strict=True)))
    law = lawsuit_arithmetic(s)
    sparks = _band_usd(a.reports["mp3sparks_track_price"], per_usd)
    return f"""
- **{ev['launch'].date.year}**: AllofMP3 starts in Moscow as a free MP3 service; the paid store follows in 2001.
- **{ev['international'].date.year}**: the site is translated and the UK and the music industry take notice.
  Prices run at about {_cents(rates[0].rate_usd_per_mb, per_usd)} US cent per megabyte, so {album}.
- It says it pays **{s.royalties.roms_share:.0%}** of its receipts to ROMS, a Russian collecting society
  (and claims a further {s.royalties.fair_share:.0%} to FAIR); the IFPI calls ROMS a rogue society with no mandate.
- The rate rises to {_cents(rates[1].rate_usd_per_mb, per_usd)} c/MB on {rates[1].from_.day} {rates[1].from_:%B %Y} and {_cents(rates[2].rate_usd_per_mb, per_usd)} c/MB on {rates[2].from_.day} {rates[2].from_:%B %Y}.
- The Times reports **{format_count(s.market.reported_customers)} customers** and about
  **{format_usd(s.market.reported_revenue_usd)} a year**; it was the UK's second download store after iTunes in 2006.
- **{ev['mastercard_stop'].date:%B %Y}**: MasterCard stops processing its payments; Visa follows from {ev['visa_stop'].date.day} {ev['visa_stop'].date:%B %Y}.
  Buyers turn to vouchers sold on eBay and other auction sites, bank wires and prepaid codes.
- **{ev['us_lawsuit'].date:%B %Y}**: US labels sue. The press multiplied {format_usd(law.statutory_damages_usd_per_song)} a song
  by about {format_count(law.songs)} songs bought by US customers and reported **{format_usd(law.claim_usd)}**.
  {per_work_text(s)} Bought over {rate_days_text(s)}, those songs earned the store about
  {earned_usd_text(law.revenue_usd)} on the fitted demand (its mix and downloads at each day's rate).
- **{ev['mp3sparks'].date:%B %Y}**: users are pointed to a clone, MP3Sparks ({sparks} a track); the biggest spenders
  are invited to MemphisMembers.
- **{ev['shutdown'].date:%B %Y}**: AllofMP3 goes offline.
"""


def explore_intro(scenario: Scenario) -> str:
    """Write the line under Explore's title: what the store was and the figures it is held against.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    str
    """
    a = scenario.assumptions
    first, last = a.events["launch"].date.year, a.events["shutdown"].date.year
    return (f"AllofMP3 (Russia, {first}–{last}) sold downloads by the megabyte. Move the inputs in the sidebar "
            "and watch the store's year against what The Times reported: "
            f"{format_count(scenario.market.reported_customers)} customers and about "
            f"{format_usd(scenario.market.reported_revenue_usd)} a year.")


def _row(kind: str, name: str, label: str, value: Any, unit: str, source: Source | None,
         assumption: str | None = None) -> dict[str, str]:
    return {
        "kind": kind,
        "name": name,
        "label": label,
        "value": MISSING if value is None or value == "" else str(value),
        "unit": unit or MISSING,
        "provenance": "source" if source is not None else "assumption",
        "url": source.url if source is not None else "",
        "date": source.date if source is not None else MISSING,
        "note": (source.note if source is not None else assumption) or MISSING,
    }


def _rows(a: Assumptions) -> Iterator[dict[str, str]]:
    for name, c in a.constant_meta.items():
        yield _row("constant", name, c.label, f"{c.value:,}", c.unit, c.source, c.assumption)
    for step in a.rate_timeline:
        yield _row("rate", f"from {step.from_.isoformat()}", step.label, f"{step.rate_usd_per_mb:g}", "USD/MB",
                   step.source)
    for name, f in a.formats.items():
        value = ", ".join(str(b) for b in f.bitrates_kbps) if f.bitrates_kbps else f"see {f.cd_fraction}"
        yield _row("format", name, f.label, value, "kbit/s" if f.bitrates_kbps else "", f.source, f.assumption)
    for e in a.events.values():
        yield _row("event", e.name, e.label, e.date.isoformat(), "date", e.source)
    for r in a.reports.values():
        value = f"{r.value:g}" if r.value is not None else f"{r.low:g} to {r.high:g}"
        yield _row("report", r.name, r.label, value, r.unit, r.source, r.assumption)
    for name, p in a.presets.items():
        for src in p.sources:
            yield _row("preset", name, p.label, None, "", src)
        if p.assumption:
            yield _row("preset", name, p.label, None, "", None, p.assumption)


def provenance_table(assumptions: Assumptions) -> pd.DataFrame:
    """List every sourced entry of the document that is not an input.

    Constants, rates, formats, events, reports and presets (one row per source of a preset).

    Parameters
    ----------
    assumptions : Assumptions

    Returns
    -------
    pandas.DataFrame
        Columns: kind, name, label, value, unit, provenance ("source" or "assumption"), url, date,
        note; every cell text, :data:`MISSING` where there is nothing to show (``url`` is empty
        then, so a link column shows no link).
    """
    return pd.DataFrame(list(_rows(assumptions)),
                        columns=["kind", "name", "label", "value", "unit", "provenance", "url", "date", "note"])


def _number_text(x: Any) -> str:
    if x is None or (isinstance(x, float) and x != x):  # NaN: no plausible range
        return MISSING
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.10g}"


def inputs_table(assumptions: Assumptions) -> pd.DataFrame:
    """List every input with its value, range and source, as text for people to read.

    The same rows as :func:`simulator.present.report.sources_table`, with numbers written
    with thousands separators and :data:`MISSING` where an input has no range, date or note.

    Parameters
    ----------
    assumptions : Assumptions

    Returns
    -------
    pandas.DataFrame
        Columns: input, label, value, unit, low, high, provenance, url, date, note (all text).

    Examples
    --------
    >>> t = inputs_table(make_scenario().assumptions).set_index("input")
    >>> t.loc["encoding.tag_overhead_bytes", ["low", "high"]].tolist(), t.loc["pricing.rounding", "low"]
    (['0', '52,000'], '—')
    """
    t = sources_table(assumptions)
    for column in ("low", "high"):
        t[column] = [_number_text(x) for x in t[column]]
    params = assumptions.parameters
    t["value"] = [_number_text(params[k].value) if params[k].kind in ("number", "integer") else v
                  for k, v in zip(t["input"], t["value"], strict=True)]
    for column in ("unit", "date", "note"):
        t[column] = [x if x else MISSING for x in t[column]]
    return t
