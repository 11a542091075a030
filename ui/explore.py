"""Explore: headline figures against the reported ones, and the charts of the current scenario."""

from __future__ import annotations

import streamlit as st

from simulator.charts import price_vs_length_chart, revenue_split_chart
from simulator.report import headline_metrics

from . import show, state


@st.cache_data(max_entries=64, show_spinner=False)
def _metrics(key):
    return headline_metrics(state._scenario(*key))


@st.cache_data(max_entries=64, show_spinner=False)
def _price_chart(key):
    return price_vs_length_chart(state._scenario(*key))


@st.cache_data(max_entries=64, show_spinner=False)
def _split_chart(key):
    return revenue_split_chart(state._scenario(*key))


def render() -> None:
    show.link_notices()
    state.current_scenario()  # shows an error and keeps the last valid state on bad input
    key = state.st.session_state.get(state._LAST_VALID) or state.scenario_key()
    st.title("AllofMP3: music by the kilo")
    st.caption(
        "AllofMP3 (Russia, 2000–2007) sold downloads by the megabyte. Move the inputs in the sidebar and "
        "watch the store's year against what The Times reported: 5.5 million customers and about $30 million."
    )
    show.metrics(_metrics(key))
    st.subheader("Price per track")
    show.chart(_price_chart(key))
    st.subheader("Who gets what")
    show.chart(_split_chart(key))
