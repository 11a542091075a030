"""Classroom: exercises for a media-economics class, answered live from the current assumptions."""

from __future__ import annotations

from functools import partial

import streamlit as st

from simulator.output.worksheet import worksheet_html, worksheet_pdf
from simulator.present.classroom import exercises
from ui import export, live_common, live_teacher, state


@st.cache_resource(max_entries=16, show_spinner="Working out the answers…")
def _exercises(key):
    return exercises(state.scenario_of(key))


def render() -> None:
    state.current_scenario()
    key = state.valid_key()
    st.title("Classroom")
    st.caption(
        "Eleven exercises on the economics of selling music by the megabyte. Every answer is computed by the model "
        "from the inputs in the sidebar: change an assumption and the answers change with it."
    )
    live_teacher.start_panel()
    locked = live_common.locked_answers()  # in a live class, answers wait for the teacher's reveal
    if locked:
        st.info("You are in a live class: an answer shows here once your teacher reveals it.")
    teacher = st.toggle("Teacher view: show every answer and note", key="classroom_teacher", disabled=bool(locked))
    teacher = teacher and not locked
    _worksheet_downloads(key, teacher)
    for i, ex in enumerate(_exercises(key), start=1):
        with st.container(border=True, key=f"exercise_{ex.key}"):
            st.subheader(f"{i}. {ex.title}")
            st.markdown(ex.question)
            with st.expander("Hints", key=f"hints_{ex.key}"):
                for h in ex.hints:
                    st.markdown(f"- {h}")
            shut = ex.key in locked
            if teacher or (st.toggle("Show the answer", key=f"answer_{ex.key}", disabled=shut) and not shut):
                st.markdown(ex.answer)
            if teacher:
                st.info(ex.teacher_note, icon="🎓")


def _worksheet_html(key, teacher: bool) -> bytes:
    s = state.scenario_of(key)
    return worksheet_html(s, teacher=teacher, items=_exercises(key)).encode("utf-8")


def _worksheet_pdf(key, teacher: bool) -> bytes:
    s = state.scenario_of(key)
    return worksheet_pdf(s, teacher=teacher, items=_exercises(key))


def _worksheet_downloads(key, teacher: bool) -> None:
    """Download the worksheet: the students' (no answers), and in teacher view the teacher's version too."""
    row = st.container(horizontal=True, key="worksheet_downloads")
    versions = [(False, "Worksheet for students", "allofmp3_worksheet")]
    if teacher:
        versions.append((True, "Teacher's version", "allofmp3_worksheet_teacher"))
    pdf_ok = export.chromium_found()  # printing needs Chromium only, not Kaleido
    for is_teacher, label, stem in versions:
        with row:
            export.download_button(f"{label} (HTML)", partial(_worksheet_html, key, is_teacher), f"{stem}.html",
                                   "html", f"dl_{stem}_html",
                                   help="The exercises without answers, with space to write them."
                                   if not is_teacher else "Every exercise with its answer for this scenario and the note.")
            if pdf_ok:
                export.download_button(f"{label} (PDF)", partial(_worksheet_pdf, key, is_teacher), f"{stem}.pdf",
                                       "pdf", f"dl_{stem}_pdf")
