"""Session state: the scenario the widgets describe, presets, link parameters, last valid state."""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.assumptions import Assumptions, load_assumptions
from simulator.inputs import InputSpec, changed_keys, input_specs, overrides_from_query, preset_values
from simulator.market import market_year
from simulator.scenario import Scenario, make_scenario

PRESET_KEY = "preset"
_INIT = "_initialised"
_NOTICES = "_link_notices"
_LAST_VALID = "_last_valid"


@st.cache_resource
def assumptions() -> Assumptions:
    """The embedded assumptions, loaded once per process."""
    return load_assumptions()


@st.cache_resource
def specs() -> dict[str, InputSpec]:
    """Widget specifications, built once per process."""
    return input_specs(assumptions())


@st.cache_data(max_entries=32, show_spinner=False)
def preset_defaults(preset: str) -> dict[str, Any]:
    """Every input's value under a preset."""
    return preset_values(assumptions(), preset)


def default_preset() -> str:
    """The baseline preset: the first one in assumptions.yaml."""
    return next(iter(assumptions().presets))


def init_session() -> None:
    """On a session's first run: read the link, validate it, seed every widget's state."""
    ss = st.session_state
    if ss.get(_INIT):
        return
    a = assumptions()
    q = overrides_from_query(a, st.query_params.to_dict())  # accepts option labels too
    ss[_NOTICES] = q.notices
    drawn = specs()
    for name in list(st.query_params):
        if name != PRESET_KEY and name not in drawn:
            del st.query_params[name]  # unknown names and limits would otherwise linger in shared links
    preset = q.preset or default_preset()
    ss[PRESET_KEY] = preset
    base = preset_defaults(preset)
    for key in specs():
        ss[key] = q.overrides.get(key, base[key])
    ss[_INIT] = True


def apply_preset(preset: str | None = None) -> None:
    """Callback: set every input to the preset's value (the chosen one by default); keep the link in step.

    The preset lives in the link as ``?preset=NAME`` (written here, not bound to the
    selectbox, whose bound value would be its display label); the baseline preset is left out.
    """
    ss = st.session_state
    name = preset or ss[PRESET_KEY]
    base = preset_defaults(name)
    for key in specs():
        ss[key] = base[key]
    if name == default_preset():
        st.query_params.pop(PRESET_KEY, None)
    else:
        st.query_params[PRESET_KEY] = name


def link_notices() -> tuple[str, ...]:
    """Sentences about link parameters that were ignored on this session's first run."""
    return st.session_state.get(_NOTICES, ())


def dismiss_notices() -> None:
    st.session_state[_NOTICES] = ()


def changed() -> list[str]:
    """Inputs whose value differs from the current preset."""
    ss = st.session_state
    base = preset_defaults(ss[PRESET_KEY])
    return changed_keys({k: ss[k] for k in specs() if k in ss}, {k: base[k] for k in specs()})


@st.cache_resource(max_entries=128, show_spinner=False)
def _scenario(preset: str, overrides: tuple) -> Scenario:
    s = make_scenario(assumptions(), preset=preset, overrides=dict(overrides))
    market_year(s)  # validates inputs that only the model can check (e.g. an all-zero quality mix)
    return s


def scenario_key() -> tuple[str, tuple]:
    """(preset, sorted overrides): a hashable description of the current scenario."""
    ss = st.session_state
    return ss[PRESET_KEY], tuple(sorted((k, ss[k]) for k in changed()))


def current_scenario() -> Scenario:
    """The scenario the widgets describe; on invalid input, an error and the last valid scenario."""
    key = scenario_key()
    try:
        s = _scenario(*key)
    except ValueError as e:
        st.error(f"{e}. Showing the last valid scenario.")
        last = st.session_state.get(_LAST_VALID)
        return _scenario(*last) if last else _scenario(default_preset(), ())
    st.session_state[_LAST_VALID] = key
    return s
