"""The sidebar: preset, reset, and one widget per input, generated from assumptions.yaml."""

from __future__ import annotations

import streamlit as st

from simulator.present.inputs import InputSpec, group_label, option_label

from . import export, state

#: Groups shown when the app starts.
_OPEN_GROUPS = ("pricing",)
#: Session-state key of the "Input groups" selector (a list of group names).
GROUPS_KEY = "input_groups"
#: Prefix of a label whose input differs from the preset.
CHANGED_MARK = "● "


def _widget(spec: InputSpec, is_changed: bool) -> None:
    """One input's widget, seeded from the input store (ui.state); its value returns to the store at the
    start of the next run (``state.absorb_widgets``)."""
    label = (CHANGED_MARK if is_changed else "") + spec.label
    common = {"key": spec.key, "help": spec.help}
    state.seed_widget(spec.key)
    if spec.widget == "slider":
        st.slider(label, min_value=spec.min_value, max_value=spec.max_value, step=spec.step,
                  format=spec.format, **common)
    elif spec.widget == "number_input":
        st.number_input(label, min_value=spec.min_value, max_value=spec.max_value, step=spec.step,
                        format=spec.format, **common)
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
