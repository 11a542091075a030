"""Compare: two or three scenarios side by side, a difference column and a verdict in words."""

from __future__ import annotations

import streamlit as st

from simulator.params.scenario import make_scenario
from simulator.present.compare import compare_scenarios, comparison_chart
from ui import show, state

CURRENT = "current"
NONE = "none"


@st.cache_resource(max_entries=32, show_spinner=False)
def _compare(choices: tuple[str, ...], current_key):
    a = state.assumptions()
    named = []
    for c in choices:
        if c == CURRENT:
            named.append(("Your inputs", state.scenario_of(current_key)))
        else:
            named.append((a.presets[c].label, make_scenario(a, preset=c)))
    comp = compare_scenarios(named)
    return comp.display_table(), comp.verdict, comparison_chart(comp)


def render() -> None:
    a = state.assumptions()
    state.current_scenario()
    current_key = state.valid_key()
    st.title("Compare scenarios")
    st.caption("Pick two or three scenarios: presets, or your own inputs from the sidebar. "
               "Differences are the last scenario minus the first.")
    options = [CURRENT, *a.presets]
    label = {CURRENT: "Your inputs (sidebar)", NONE: "(none)", **{k: p.label for k, p in a.presets.items()}}
    c1, c2, c3 = st.columns(3)
    first = c1.selectbox("First", options, index=options.index("rate_2005") if "rate_2005" in options else 1,
                         format_func=label.get, key="compare_first", persist_state="session")
    second = c2.selectbox("Second", options, index=0, format_func=label.get, key="compare_second", persist_state="session")
    third = c3.selectbox("Third (optional)", [NONE, *options], index=0, format_func=label.get, key="compare_third", persist_state="session")
    picked = [c for c in (first, second, third) if c != NONE]
    choices = tuple(dict.fromkeys(picked))  # a scenario picked twice is compared once
    if len(choices) < len(picked):
        st.caption("The same scenario is picked twice: it is shown once.")
    if len(choices) < 2:
        st.info("Pick two different scenarios to compare.")
        return
    table, verdict, chart = _compare(choices, current_key)
    st.info(verdict)
    st.dataframe(table, hide_index=True)
    show.chart(chart, key="compare_chart")
