"""Sources: every assumption with its value, unit, range and source; the story in brief."""

from __future__ import annotations

import streamlit as st

from simulator.present.report import format_count, format_usd, sources_table

from ui import state


@st.cache_data(show_spinner=False)
def _table():
    return sources_table(state.assumptions())


def render() -> None:
    a = state.assumptions()
    s = state.current_scenario()
    st.title("Sources")
    st.subheader("The story in brief")
    ev = a.events
    rates = a.rate_timeline
    st.markdown(
        f"""
- **{ev['launch'].date.year}**: AllofMP3 starts in Moscow as a free MP3 service; the paid store follows in 2001.
- **{ev['international'].date.year}**: the site is translated and the UK and the music industry take notice.
  Prices run at about {rates[0].rate_usd_per_mb * 100:g} US cent per megabyte, so an album costs a dollar or two.
- It says it pays **{s.royalties.roms_share * 100:g}%** of its receipts to ROMS, a Russian collecting society
  (and claims a further {s.royalties.fair_share * 100:g}% to FAIR); the IFPI calls ROMS a rogue society with no mandate.
- The rate rises to {rates[1].rate_usd_per_mb * 100:g} c/MB on {rates[1].from_.day} {rates[1].from_:%B %Y} and {rates[2].rate_usd_per_mb * 100:g} c/MB on {rates[2].from_.day} {rates[2].from_:%B %Y}.
- The Times reports **{format_count(s.market.reported_customers)} customers** and about
  **{format_usd(s.market.reported_revenue_usd)} a year**; it was the UK's second download store after iTunes in 2006.
- **{ev['mastercard_stop'].date:%B %Y}**: MasterCard stops processing its payments; Visa follows from {ev['visa_stop'].date.day} {ev['visa_stop'].date:%B %Y}.
  Buyers turn to vouchers sold on eBay and other auction sites, bank wires and prepaid codes.
- **{ev['us_lawsuit'].date:%B %Y}**: US labels sue for $150,000 a song on about 11 million songs: $1.65 trillion.
- **{ev['mp3sparks'].date:%B %Y}**: users are pointed to a clone, MP3Sparks (20-30 c a track); the biggest spenders
  are invited to MemphisMembers.
- **{ev['shutdown'].date:%B %Y}**: AllofMP3 goes offline.
"""
    )
    st.caption("Dates and figures from the sourced fact sheet; each event's source is listed below.")
    st.subheader("Every assumption")
    st.dataframe(
        _table(),
        hide_index=True,
        column_config={"url": st.column_config.LinkColumn("source", display_text="open")},
    )
    st.subheader("Events")
    st.dataframe(
        [{"date": e.date.isoformat(), "event": e.label, "source": e.source.url, "note": e.source.note} for e in ev.values()],
        hide_index=True,
        column_config={"source": st.column_config.LinkColumn("source", display_text="open")},
    )
    st.subheader("Rate per megabyte over time")
    st.dataframe(
        [{"from": r.from_.isoformat(), "rate_usd_per_mb": r.rate_usd_per_mb, "label": r.label, "source": r.source.url} for r in rates],
        hide_index=True,
        column_config={"source": st.column_config.LinkColumn("source", display_text="open")},
    )
