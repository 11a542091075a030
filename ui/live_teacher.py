"""Live class, the teacher's side: start a class (from Classroom) and the live dashboard.

Every action goes through simulator.live.service with the teacher's credential, which checks it
against the database each time. The teacher secret is never drawn: after a class is made it can be
downloaded as a file or shown on request (before it is used); the dashboard never shows it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.live import links, service
from simulator.live.charts import answers_chart, format_answer
from simulator.live.errors import LiveError
from simulator.live.export import export_class
from simulator.live.storage import StorageBusy
from simulator.present.classroom import EXERCISE_KEYS
from ui import live_common as lc
from ui import state

#: How often the dashboard asks whether the class changed [s]: a new answer or student shows within
#: this plus one redraw. The question is one small read (~2 ms) and draws nothing; the dashboard is
#: drawn again only when the answer differs, so an idle class costs the projector's browser little.
DASHBOARD_REFRESH_S = 1.0
_NEW = "_live_new_class"  # (code, secret) of the class just made, until its dashboard is opened
_DRAWN = "_live_dashboard_drawn"  # set by a full run just before the watch: it has nothing to check
_SEEN = "_live_dashboard_seen"  # the state key the dashboard's panel was last drawn with
LIVE_PAGE = "live"


# --- Classroom -> Start a live class -------------------------------------------------------------------------


def _start(titles: dict[str, str]) -> None:
    ss = st.session_state
    choice = ss.get("live_new_source")
    try:
        if choice == "A shared link":
            scenario, label, notes = service.choose_scenario(link=ss.get("live_new_link", ""))
        elif choice == "A preset":
            scenario, label, notes = service.choose_scenario(preset=ss.get("live_new_preset"))
        else:
            scenario, label, notes = state.current_scenario(), "the scenario in the sidebar", ()
            if state.changed() or state.scenario_key()[0] != state.default_preset():
                label = f"the sidebar's scenario (preset {state.scenario_key()[0]}, {len(state.changed())} changed)"
        new = service.create_class(lc.store(), ss.get("live_new_title", ""), scenario, scenario_label=label,
                                   live=ss.get("live_new_exercises") or ())
    except (LiveError, StorageBusy) as e:
        lc.say("error", str(e))
        return
    ss[_NEW] = (new.code, new.teacher_secret)
    if notes:
        lc.say("info", " ".join(notes))


def start_panel() -> None:
    """The "Start a live class" panel of the Classroom page."""
    titles = service.exercise_titles()
    with st.expander("Start a live class", key="live_start_panel", icon="🟢"):
        lc.show_message()
        made = st.session_state.get(_NEW)
        if made:
            _made(*made)
            return
        st.caption("Students join from their own browsers with a short code and a nickname; each works on their "
                   "own variant of the scenario and you watch the answers arrive. Everything is kept in the "
                   "database (see the README: Teaching with a live class).")
        st.text_input("Title", key="live_new_title", max_chars=service.TITLE_MAX, placeholder="Media economics, week 5")
        src = st.radio("Scenario", ["The scenario in the sidebar", "A preset", "A shared link"], key="live_new_source",
                       horizontal=True)
        if src == "A preset":
            st.selectbox("Preset", list(state.assumptions().presets), key="live_new_preset")
        elif src == "A shared link":
            st.text_input("Shared link", key="live_new_link", max_chars=service.LINK_MAX,
                          placeholder="http://…/explore?preset=rate_2005&pricing.rate_usd_per_mb=0.02")
        st.multiselect("Live from the start (you can change this on the dashboard)", list(EXERCISE_KEYS),
                       format_func=titles.get, key="live_new_exercises")
        st.button("Start the class", key="live_new_go", type="primary", on_click=_start, args=(titles,))


def _made(code: str, secret: str) -> None:
    base = lc.base_url()
    st.success(f"Class {code} is ready. Students open {links.join_link(base, code)} (or the Live class page) and "
               f"type the code {code}.")
    st.download_button("Download the teacher link (keep it private)", data=links.teacher_link(base, code, secret),
                       file_name=f"teacher-link-{code}.txt", mime="text/plain", key="live_new_download",
                       on_click="ignore")
    st.caption("The teacher link is the only way back to the dashboard from another browser. It is not stored "
               "(only a hash of it) and is not shown on screen, so you can keep projecting.")
    if st.button("Open the teacher dashboard", key="live_new_open", type="primary"):
        st.session_state[lc.TEACHER] = (code, secret)
        st.session_state.pop(_NEW, None)
        st.switch_page(state.page(LIVE_PAGE))
    if st.button("Start another class", key="live_new_again"):
        st.session_state.pop(_NEW, None)
        st.rerun()


# --- the dashboard -----------------------------------------------------------------------------------------------


def _toggle_exercise(key: str, what: str) -> None:
    cred = lc.teacher()
    value = st.session_state[f"live_{what}_{key}"]
    lc.attempt(service.set_exercise, lc.store(), cred, key, **{what: value})


def _toggle_lock() -> None:
    lc.attempt(service.set_joining_locked, lc.store(), lc.teacher(), st.session_state["live_lock"])


def _close() -> None:
    lc.attempt(service.close_class, lc.store(), lc.teacher())


def _remove() -> None:
    pid = st.session_state.get("live_remove_who")
    if pid is not None and lc.attempt(service.remove_participant, lc.store(), lc.teacher(), pid) is None:
        return


def _delete() -> None:
    if not st.session_state.get("live_delete_sure"):
        lc.say("error", "Tick 'Yes, delete everything' first: a deleted class cannot be brought back.")
        return
    code = lc.attempt(service.delete_class, lc.store(), lc.teacher())
    if code:
        lc.forget(lc.TEACHER)
        lc.say("success", f"Class {code} and everything in it (students, answers) has been deleted.")


def _change_scenario() -> None:
    ss = st.session_state
    try:
        if ss.get("live_scn_link", "").strip():
            scenario, label, _ = service.choose_scenario(link=ss["live_scn_link"])
        else:
            scenario, label, _ = service.choose_scenario(preset=ss.get("live_scn_preset"))
        service.change_scenario(lc.store(), lc.teacher(), scenario, label)
    except (LiveError, StorageBusy) as e:
        lc.say("error", str(e))


def render() -> None:
    """The teacher's dashboard for the session's teacher credential."""
    cred = lc.teacher()
    try:
        d = service.dashboard(lc.store(), cred)
    except (LiveError, StorageBusy) as e:
        st.error(str(e))
        lc.forget(lc.TEACHER)
        return
    st.title(d.title)
    lc.show_message()
    top = st.container(horizontal=True, gap="medium")
    top.metric("Join code", d.code, border=True)
    top.markdown(f"Students open **{links.join_link(lc.base_url(), d.code)}**  \nor this app's *Live class* page, "
                 f"and type the code **{d.code}** and a nickname.")
    if d.closed:
        st.info("This class is closed: no one can join or answer. Everything stays here until you delete it "
                f"(or until {d.expires_at:%Y-%m-%d} UTC).")
    _live_panel()
    _controls(d)
    st.session_state[_DRAWN] = True  # the watch below skips this run: the panel was just drawn
    _watch()


@st.fragment(run_every=DASHBOARD_REFRESH_S)
def _watch() -> None:
    """Every second: if the class changed since the dashboard was drawn, draw the page again."""
    cred = lc.teacher()
    lc.redraw_if_moved(_DRAWN, _SEEN, None if cred is None else lambda: service.dashboard_state(lc.store(), cred))


@st.fragment
def _live_panel() -> None:
    """Counts, one box per exercise (switches, chart, common wrong answers) and the students' table; a
    fragment, so that a switch redraws only it."""
    cred = lc.teacher()
    if cred is None:
        return
    try:
        d = service.dashboard(lc.store(), cred)
    except (LiveError, StorageBusy) as e:
        st.session_state[_SEEN] = None
        st.error(str(e))
        return
    st.session_state[_SEEN] = d.state_key
    present = [p for p in d.participants if not p.removed]
    row = st.container(horizontal=True, gap="small", key="live_counts")
    row.metric("Students", len(present), border=True)
    row.metric("Answers", d.submissions, border=True)
    row.metric("Joining", "locked" if d.joining_locked or d.closed else "open", border=True)
    for e in sorted(d.exercises, key=lambda e: e.position):
        with st.container(border=True, key=f"live_ex_{e.key}"):
            st.subheader(e.title)
            st.session_state[f"live_live_{e.key}"] = e.live
            st.session_state[f"live_revealed_{e.key}"] = e.revealed
            bar = st.container(horizontal=True, gap="medium")
            bar.toggle("Live", key=f"live_live_{e.key}", on_change=_toggle_exercise, args=(e.key, "live"),
                       disabled=d.closed)
            bar.toggle("Reveal the answer", key=f"live_revealed_{e.key}", on_change=_toggle_exercise,
                       args=(e.key, "revealed"))
            bar.metric("Answered", f"{e.submitted} / {len(present)}")
            bar.metric("Right", e.right)
            if e.submitted:
                c = answers_chart(e)
                st.plotly_chart(c.figure, key=f"live_chart_{e.key}", alt=c.alt, config={"displaylogo": False})
                st.caption(c.caption)
                if e.common_wrong:
                    st.text("Common wrong answers (times the student's right answer): "
                            + ", ".join(f"{r} ({n})" for r, n in e.common_wrong))
    st.subheader("Students")
    if d.participants:
        titles = {e.key: e for e in d.exercises}
        rows = []
        for p in d.participants:
            r = {"student": p.nickname, "joined (UTC)": f"{p.joined_at:%H:%M:%S}", "removed": p.removed,
                 "variant": "; ".join(f"{k.split('.')[-1]}={v:,.10g}" for k, v in sorted(p.variant.items()))}
            for k, e in titles.items():
                if not e.live and k not in p.answers:
                    continue
                last, ok, n = p.answers.get(k, (None, None, 0))
                right = format_answer(p.expected.get(k), e.unit)
                r[k] = "–" if last is None else f"{'✓' if ok else '✗'} {last} (right {right}; {n} tries)"
            rows.append(r)
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="live_students_table")
    else:
        st.caption("No one has joined yet.")


def _controls(d: service.Dashboard) -> None:
    st.subheader("Class")
    st.session_state["live_lock"] = d.joining_locked
    bar = st.container(horizontal=True, gap="medium")
    bar.toggle("Lock joining", key="live_lock", on_change=_toggle_lock, disabled=d.closed)
    bar.button("Close the class", key="live_close", on_click=_close, disabled=d.closed)
    cred = lc.teacher()
    bar.download_button("Export answers (CSV)", data=lambda: export_class(lc.store(), cred).csv_text,
                        file_name=f"live-class-{d.code}.csv", mime="text/csv", key="live_export_csv", on_click="ignore")
    bar.download_button("Export the scenario (YAML)", data=d.scenario_yaml, file_name=f"live-class-{d.code}-scenario.yaml",
                        mime="application/x-yaml", key="live_export_yaml", on_click="ignore")
    present = {p.id: p.nickname for p in d.participants if not p.removed}
    if present:
        rm = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
        rm.selectbox("Remove a student", list(present), format_func=present.get, key="live_remove_who")
        rm.button("Remove", key="live_remove", on_click=_remove)
    with st.expander(f"Scenario: {d.scenario_label}", key="live_scenario_panel"):
        st.code(d.scenario_yaml, language="yaml")
        if d.submissions:
            st.caption("The scenario is fixed once students have answered.")
        else:
            st.selectbox("Preset", list(state.assumptions().presets), key="live_scn_preset")
            st.text_input("…or a shared link (wins over the preset)", key="live_scn_link", max_chars=service.LINK_MAX)
            st.button("Use this scenario", key="live_scn_go", on_click=_change_scenario)
    with st.expander("Delete the class", key="live_delete_panel"):
        st.write(f"Deletes the class, its {len(d.participants)} students and {d.submissions} answers from the "
                 "database now. Export first if you want to keep them.")
        st.checkbox("Yes, delete everything", key="live_delete_sure")
        st.button("Delete the class", key="live_delete", on_click=_delete, type="primary")
    if st.button("Leave the dashboard", key="live_teacher_leave"):
        lc.forget(lc.TEACHER)
        st.rerun()
