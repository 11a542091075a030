"""The sidebar: preset, reset, and one widget per input, generated from assumptions.yaml."""

from __future__ import annotations

import streamlit as st

from simulator.params.assumptions import ScenarioError
from simulator.present.inputs import (
    SLIDER_AND_BOX,
    InputSpec,
    group_label,
    option_label,
    out_of_range_message,
)

from . import export, state

#: Groups shown when the app starts.
_OPEN_GROUPS = ("pricing",)
#: Session-state key of the "Input groups" selector (a list of group names).
GROUPS_KEY = "input_groups"
#: Prefix of a label whose input differs from the preset.
CHANGED_MARK = "● "


#: Key suffix of the number box beside a slider whose span is narrower than its input's bounds.
BOX_SUFFIX = "__box"
#: Session-state key of the messages about refused numbers, by input key (shown once, under the box).
_REFUSED = "_refused_numbers"


def _take_number(spec: InputSpec, box_key: str) -> None:
    """Callback of a number box: a value within the bounds goes to the input store; another one is
    refused with a message, and the box shows again the value the model keeps.

    The box has no min/max of its own: the browser would only outline an out-of-range value in red
    and keep it on screen while the model went on with the old one.
    """
    ss = st.session_state
    typed, kept = ss[box_key], state.inputs()[spec.key]
    refused = ss.setdefault(_REFUSED, {})
    try:
        value = state.assumptions().check_value(spec.key, typed)
    except ScenarioError:
        refused[spec.key] = out_of_range_message(spec, typed, kept)
        ss[box_key] = kept
        return
    refused.pop(spec.key, None)
    state.set_inputs({spec.key: value})


def _number_box(spec: InputSpec, label: str, key: str, **kwargs) -> None:
    """A number box that checks what is typed (see :func:`_take_number`), then its message, if any."""
    st.number_input(label, step=spec.step, format=spec.format, key=key, on_change=_take_number,
                    args=(spec, key), **kwargs)
    message = st.session_state.get(_REFUSED, {}).pop(spec.key, None)
    if message:
        st.error(message)


def _slider_and_box(spec: InputSpec, label: str) -> None:
    """A slider over the span where the history happened, and a number box for any value in bounds.

    The slider is the input's own widget (key = the input's name); it is left out while the value lies
    beyond its span (a slider cannot show it). The box follows the stored value on every run.
    """
    ss = st.session_state
    value = state.inputs()[spec.key]
    lo, hi = spec.slider_min, spec.slider_max
    if lo is not None and hi is not None and lo <= value <= hi:
        state.seed_widget(spec.key)
        st.slider(label, min_value=lo, max_value=hi, step=spec.step, format=spec.format, key=spec.key,
                  help=spec.help)
        box_label, visibility = f"{spec.label}, any value from {spec.min_value:g} to {spec.max_value:g}", "collapsed"
    else:
        box_label, visibility = f"{label} (beyond the slider's {lo:g} to {hi:g})", "visible"
    box = spec.key + BOX_SUFFIX
    ss[box] = value
    _number_box(spec, box_label, box, label_visibility=visibility,
                help=f"Any value from {spec.min_value:g} to {spec.max_value:g} {spec.unit}; the slider spans "
                     f"{lo:g} to {hi:g}, where the store's history lies.")


def _widget(spec: InputSpec, is_changed: bool) -> None:
    """One input's widget, seeded from the input store (ui.state); its value returns to the store at the
    start of the next run (``state.absorb_widgets``)."""
    label = (CHANGED_MARK if is_changed else "") + spec.label
    common = {"key": spec.key, "help": spec.help}
    if spec.widget == SLIDER_AND_BOX:
        _slider_and_box(spec, label)
        return
    state.seed_widget(spec.key)
    if spec.widget == "slider":
        st.slider(label, min_value=spec.min_value, max_value=spec.max_value, step=spec.step,
                  format=spec.format, **common)
    elif spec.widget == "number_input":
        _number_box(spec, label, spec.key, help=spec.help)
    elif spec.widget == "toggle":
        st.toggle(label, **common)
    else:
        st.selectbox(label, spec.options, format_func=option_label, **common)


def render() -> None:
    """Draw the sidebar (call on every run, after ``state.absorb_widgets``)."""
    a = state.assumptions()
    presets = list(a.presets)
    with st.sidebar:
        st.selectbox(
            "Preset", presets, key=state.PRESET_KEY,
            format_func=lambda p: a.presets[p].label, on_change=state.apply_preset,
            help="A named scenario; its purpose is shown below. Inputs you change are marked ●.",
        )
        preset = st.session_state[state.PRESET_KEY]
        st.caption(a.presets[preset].purpose)
        summary = st.container()
        changed = set(state.changed())
        groups: dict[str, list[InputSpec]] = {}
        for spec in state.specs().values():
            groups.setdefault(spec.group, []).append(spec)
        n_changed = {g: sum(s.key in changed for s in items) for g, items in groups.items()}
        # One row of group names to pick from, rather than an expander per group: every element is
        # re-sent and re-rendered on every rerun. Only the chosen groups' widgets are drawn; the
        # other values live in the input store (ui.state).
        shown = st.pills(
            "Input groups", list(groups), selection_mode="multi", default=list(_OPEN_GROUPS), key=GROUPS_KEY,
            format_func=lambda g: group_label(g) + (f" {CHANGED_MARK.strip()}{n_changed[g]}" if n_changed[g] else ""),
            help="Choose which groups of inputs to show. A group with inputs that differ from the preset "
                 "shows how many, after ●.",
        )
        for group in shown or ():
            with st.container(border=True, key=f"group_{group}"):
                st.markdown(f"**{group_label(group)}**")
                for spec in groups[group]:
                    _widget(spec, spec.key in changed)
        row = summary.container(horizontal=True, vertical_alignment="center")
        row.caption(f"{len(changed)} input(s) differ from the preset." if changed else "All inputs as in the preset.")
        row.button("Reset", on_click=state.apply_preset, disabled=not changed, key="reset_preset",
                  help="Set every input back to the preset's value.")
        state.sync_link()
        export.panel()
