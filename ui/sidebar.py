"""The sidebar: preset, reset, and one widget per input, generated from assumptions.yaml."""

from __future__ import annotations

import streamlit as st

from simulator.inputs import InputSpec, group_label, option_label

from . import export, state

#: Groups open when the app starts.
_OPEN_GROUPS = ("pricing",)
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
                        format=spec.format if spec.format != "%,d" else "%d", **common)
    elif spec.widget == "toggle":
        st.toggle(label, **common)
    else:
        st.selectbox(label, spec.options, format_func=option_label, **common)


def render() -> None:
    """Draw the sidebar (call on every run, before the page)."""
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
        state.absorb_widgets()
        changed = set(state.changed())
        groups: dict[str, list[InputSpec]] = {}
        for spec in state.specs().values():
            groups.setdefault(spec.group, []).append(spec)
        for group, items in groups.items():
            n = sum(s.key in changed for s in items)
            title = group_label(group) + (f" ({n} changed)" if n else "")
            # Only an open group's widgets are drawn (on_change="rerun" makes .open known): the
            # values of closed groups live in the input store, so a rerun costs what is visible.
            box = st.expander(title, expanded=group in _OPEN_GROUPS, key=f"group_{group}", on_change="rerun")
            if box.open:
                with box:
                    for spec in items:
                        _widget(spec, spec.key in changed)
        c1, c2 = summary.columns([3, 2])
        c1.caption(f"{len(changed)} input(s) differ from the preset." if changed else "All inputs as in the preset.")
        c2.button("Reset", on_click=state.apply_preset, disabled=not changed, key="reset_preset",
                  help="Set every input back to the preset's value.")
        state.sync_link()
        export.panel()
