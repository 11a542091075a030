"""Sources: the story in brief, every input with its value, range and source, and every other sourced entry."""

from __future__ import annotations

import streamlit as st

from simulator.present.sources import MISSING, inputs_table, provenance_table, story_markdown
from ui import state

_LINK = st.column_config.LinkColumn("source", display_text="open")
_KINDS = {"constant": "Constants", "rate": "Rate per megabyte over time", "format": "Formats offered",
          "event": "Events", "report": "Reported figures", "preset": "Presets"}


@st.cache_data(show_spinner=False)
def _inputs():
    return inputs_table(state.assumptions())


@st.cache_data(show_spinner=False)
def _provenance():
    return provenance_table(state.assumptions())


@st.cache_data(max_entries=16, show_spinner=False)
def _story(key):
    return story_markdown(state.scenario_of(key))


def render() -> None:
    state.current_scenario()
    st.title("Sources")
    st.subheader("The story in brief")
    st.markdown(_story(state.valid_key()))
    st.caption("Dates and figures from the sourced fact sheet (assumptions.yaml); each entry's source is listed below.")
    st.subheader("Every input")
    st.dataframe(
        _inputs(),
        hide_index=True,
        column_config={"url": _LINK},
    )
    st.caption(f"{MISSING}: the input has no plausible range (a choice, a seed, a switch), or no date or note.")
    table = _provenance()
    for kind, title in _KINDS.items():
        rows = table[table.kind == kind].drop(columns="kind")
        st.subheader(title)
        st.dataframe(rows, hide_index=True, column_config={"url": _LINK})
