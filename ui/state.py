"""Session state: the scenario the widgets describe, presets, link parameters, last valid state."""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.live.links import CLASS_PARAM, STUDENT_PARAM
from simulator.params.assumptions import Assumptions, load_assumptions
from simulator.params.scenario import Scenario, changed_keys, make_scenario, preset_values
from simulator.present.inputs import InputSpec, input_specs, overrides_from_query

PRESET_KEY = "preset"
_INIT = "_initialised"
_NOTICES = "_link_notices"
_LAST_VALID = "_last_valid"
_INPUTS = "_inputs"
_PAGES = "_pages"
#: Link parameters that are not inputs but belong to a page (a live class's code and rejoin token):
#: the link syncing leaves them in the address bar.
KEPT_PARAMS = (CLASS_PARAM, STUDENT_PARAM)


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
    """On a session's first run: read the link, validate it, and fill the input store.

    The store (``st.session_state[_INPUTS]``) holds every input's value, whether or not its widget is
    drawn: the sidebar draws only the groups that are open (a closed group costs nothing on a
    rerun), and a widget's own state would vanish while it is hidden.
    """
    ss = st.session_state
    if ss.get(_INIT):
        return
    a = assumptions()
    link = {k: st.query_params.get_all(k) for k in st.query_params}  # every value of a repeated key
    q = overrides_from_query(a, link)  # accepts option labels too
    ss[_NOTICES] = q.notices
    preset = q.preset or default_preset()
    ss[PRESET_KEY] = preset
    base = preset_defaults(preset)
    ss[_INPUTS] = {key: q.overrides.get(key, base[key]) for key in specs()}
    try:  # each value passed its own check; together they must still make a scenario
        scenario_of(scenario_key())
    except ValueError as e:
        ss[_NOTICES] = (*q.notices, f"The link's input values do not fit together ({e}): all of them were "
                                    "ignored, and the preset is shown as it is.")
        ss[_INPUTS] = dict(base)
    ss[_INIT] = True
    sync_link()


def inputs() -> dict[str, Any]:
    """Every input's current value, by dotted name."""
    return st.session_state[_INPUTS]


def set_inputs(values: dict[str, Any]) -> None:
    """Set inputs (in a callback, before the widgets are drawn); drawn widgets follow."""
    ss = st.session_state
    store = ss[_INPUTS]
    for key, v in values.items():
        if key in store:
            store[key] = v
            if key in ss:
                ss[key] = v


def seed_widget(key: str) -> None:
    """Before drawing an input's widget: give it the stored value if it has no state of its own."""
    ss = st.session_state
    if key not in ss:
        ss[key] = ss[_INPUTS][key]


def absorb_widgets() -> None:
    """At the start of a run: take the values the user just set on drawn widgets into the store."""
    ss = st.session_state
    store = ss[_INPUTS]
    for key in store:
        if key in ss:
            store[key] = ss[key]


#: Largest whole float a link writes without its ".0" (beyond it, float64 no longer holds every integer).
_MAX_WHOLE_IN_LINK = 2**53


def link_value(v: Any) -> str:
    """How a value is written in a link (read back by ``simulator.present.inputs.overrides_from_query``).

    A whole number is written without ``.0`` (``4000000`` customers, not ``4000000.0``); it reads back
    as the same float.
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < _MAX_WHOLE_IN_LINK else repr(v)
    return str(v)


def sync_link() -> None:
    """Keep the address bar in step: ``?preset=`` (unless the baseline) and every input that differs from it."""
    ss = st.session_state
    want = {k: link_value(inputs()[k]) for k in changed()}
    if ss[PRESET_KEY] != default_preset():
        want[PRESET_KEY] = ss[PRESET_KEY]
    have = st.query_params.to_dict()
    want.update({k: have[k] for k in KEPT_PARAMS if k in have})
    if have != want:
        st.query_params.from_dict(want)


def apply_preset(preset: str | None = None) -> None:
    """Callback: set every input to the preset's value (the chosen one by default); keep the link in step.

    The preset lives in the link as ``?preset=NAME``; the baseline preset is left out.
    """
    ss = st.session_state
    name = preset or ss[PRESET_KEY]
    ss[PRESET_KEY] = name
    set_inputs(preset_defaults(name))
    sync_link()


def link_notices() -> tuple[str, ...]:
    """Sentences about link parameters that were ignored on this session's first run."""
    return st.session_state.get(_NOTICES, ())


def dismiss_notices() -> None:
    st.session_state[_NOTICES] = ()


def changed() -> list[str]:
    """Inputs whose value differs from the current preset."""
    base = preset_defaults(st.session_state[PRESET_KEY])
    return changed_keys(inputs(), {k: base[k] for k in specs()})


@st.cache_resource(max_entries=128, show_spinner=False)
def _cached_scenario(preset: str, overrides: tuple) -> Scenario:
    return make_scenario(assumptions(), preset=preset, overrides=dict(overrides))


def scenario_of(key: tuple[str, tuple]) -> Scenario:
    """The scenario a key describes (see :func:`scenario_key`), built once per process.

    Raises
    ------
    ValueError
        If the inputs are invalid (``make_scenario`` checks every value and how they fit together).
    """
    return _cached_scenario(*key)


def scenario_key() -> tuple[str, tuple]:
    """(preset, sorted overrides): a hashable description of the current scenario."""
    values = inputs()
    return st.session_state[PRESET_KEY], tuple(sorted((k, values[k]) for k in changed()))


def current_scenario() -> Scenario:
    """The scenario the widgets describe; on invalid input, an error and the last valid scenario."""
    key = scenario_key()
    try:
        s = scenario_of(key)
    except ValueError as e:
        st.error(f"{e}. Showing the last valid scenario.")
        return scenario_of(valid_key())
    st.session_state[_LAST_VALID] = key
    return s


def shown_scenario() -> Scenario:
    """The scenario the pages show, without drawing anything: the current one if valid, else the
    last valid one, else the preset's own (the page itself shows the error)."""
    try:
        return scenario_of(scenario_key())
    except ValueError:
        return scenario_of(valid_key())


def valid_key() -> tuple[str, tuple]:
    """The key of the scenario the pages show: the current one if valid, else the last valid one,
    else the preset's own (call after :func:`current_scenario`)."""
    return st.session_state.get(_LAST_VALID) or (st.session_state[PRESET_KEY], ())


def set_pages(pages: dict[str, Any]) -> None:
    """Keep this run's navigation pages by address, for :func:`page` (``app.py`` calls it)."""
    st.session_state[_PAGES] = pages


def page(url_path: str) -> Any:
    """The navigation's page at an address, for ``st.switch_page`` (pages never import each other)."""
    return st.session_state[_PAGES][url_path]
