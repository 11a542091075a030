"""Live class, the student's side: join with a code and a nickname, then answer your own variant.

The rejoin link stays in the address bar (a reload, a dropped Wi-Fi or a new tab brings the student
back as themselves) and is shown once more to copy. Everything typed is shown back as text.
"""

from __future__ import annotations

import uuid

import pandas as pd
import streamlit as st

from simulator.live import links, service
from simulator.live.charts import format_answer
from simulator.live.errors import AccessDenied, LiveError
from simulator.live.marking import ANSWER_MAX_CHARS
from simulator.live.storage import StorageBusy
from ui import live_common as lc

#: How often a student's page asks whether the teacher changed something [s]: a reveal, a new live
#: exercise or a closed class shows within this. The question is one small read and draws nothing;
#: the page is drawn again only when the answer differs (every redraw costs the student's browser
#: ~0.1 s of CPU, and 40 of them share a classroom's Wi-Fi and the server).
STUDENT_REFRESH_S = 5.0
_SENT = "_live_sent"  # exercise key -> text of the last acknowledgement
_DRAWN = "_live_student_drawn"  # set by a full run just before the watch: it has nothing to check
_SEEN = "_live_student_seen"  # the state key the student's panel was last drawn with


def _join() -> None:
    ss = st.session_state
    try:
        joined = service.join(lc.store(), ss.get("live_join_code", ""), ss.get("live_join_nick", ""),
                              source=lc.source())
    except (LiveError, StorageBusy) as e:
        lc.say("error", str(e))
        return
    ss[lc.STUDENT] = (joined.code, joined.token)
    ss.pop(_SENT, None)


def join_form() -> None:
    """The join form (the code is prefilled from a join link)."""
    st.title("Join a live class")
    lc.show_message()
    if "live_join_code" not in st.session_state and st.session_state.get(lc.CODE):
        st.session_state["live_join_code"] = st.session_state[lc.CODE]
    with st.form("live_join_form"):
        st.text_input("Class code", key="live_join_code", max_chars=service.CODE_LENGTH + 2, placeholder="K7QX2M")
        st.text_input("Nickname", key="live_join_nick", max_chars=service.NICKNAME_MAX,
                      help="A first name or a made-up name. Nothing else about you is asked or kept.")
        st.form_submit_button("Join", type="primary", on_click=_join)
    with st.expander("How a live class works", key="live_how"):
        st.markdown(
            "- Your teacher gives you a six-character **class code**; you choose a **nickname** (nothing else about "
            "you is asked or kept).\n"
            "- You get your own **variant** of the scenario: your numbers differ from your neighbours'.\n"
            "- You send one number per exercise; the teacher sees the answers arrive and reveals the right ones.\n"
            "- Your **rejoin link** brings you back as yourself after a reload or on another device.\n"
            "- Teachers: start a class from the Classroom page (*Start a live class*) or with "
            "`allofmp3-sim class new --title ...`.")


def _send(code: str, token: str, key: str) -> None:
    ss = st.session_state
    text = ss.get(f"live_answer_{key}", "")
    ack = lc.attempt(service.submit, lc.store(), code, token, key, text, uuid.uuid4().hex, source=lc.source())
    if ack is not None:
        ss.setdefault(_SENT, {})[key] = f"Received: {text.strip()} (saved at {ack.submitted_at:%H:%M:%S} UTC)."


def render() -> None:
    """The student's page for the session's student credential."""
    code, token = lc.student()
    # Keep the rejoin link in the address bar (the sidebar's link syncing may have dropped it).
    if st.query_params.get(links.CLASS_PARAM) != code or st.query_params.get(links.STUDENT_PARAM) != token:
        st.query_params[links.CLASS_PARAM] = code
        st.query_params[links.STUDENT_PARAM] = token
    _student_panel()
    st.session_state[_DRAWN] = True  # the watch below skips this run: the panel was just drawn
    _watch()


@st.fragment(run_every=STUDENT_REFRESH_S)
def _watch() -> None:
    """Every few seconds: if the class changed since the panel was drawn, draw the page again."""
    cred = lc.student()
    lc.redraw_if_moved(_DRAWN, _SEEN, None if cred is None else
                       lambda: service.student_state(lc.store(), *cred, source=lc.source()))


@st.fragment
def _student_panel() -> None:
    """The student's class, variant and exercises; a fragment, so that sending an answer redraws only it."""
    cred = lc.student()
    if cred is None:
        return
    code, token = cred
    try:
        v = service.student_view(lc.store(), code, token, source=lc.source())
    except (LiveError, StorageBusy) as e:
        st.session_state[_SEEN] = None
        st.error(str(e))
        if isinstance(e, AccessDenied):
            lc.forget(lc.STUDENT)
            for p in (links.CLASS_PARAM, links.STUDENT_PARAM):
                st.query_params.pop(p, None)
        return
    st.session_state[_SEEN] = v.state_key
    st.title(v.title)
    st.text(f"You are {v.nickname}.")
    lc.show_message()
    with st.expander("Your rejoin link", key="live_rejoin"):
        st.caption("Open it to come back as yourself (after a reload, on another device). Keep it to yourself.")
        st.code(links.student_link(lc.base_url(), v.code, token), language=None)
    if v.closed:
        st.info("This class is closed: answers are no longer taken.")
    st.subheader("Your numbers")
    st.caption("Your variant: these inputs differ from the class scenario. Set them in the sidebar to work with "
               "the simulator.")
    st.dataframe(pd.DataFrame(v.variant, columns=["input", "class value", "your value"]), hide_index=True,
                 key="live_variant")
    if not v.exercises:
        st.info("No exercise is live yet: your teacher will start one.")
    sent = st.session_state.get(_SENT, {})
    for i, e in enumerate(v.exercises, start=1):
        with st.container(border=True, key=f"live_student_ex_{e.key}"):
            st.subheader(f"{i}. {e.title}")
            st.markdown(e.question)
            with st.expander("Hints", key=f"live_hints_{e.key}"):
                for h in e.hints:
                    st.markdown(f"- {h}")
            st.text(f"Enter: {e.ask} Right {e.tolerance_text}.")
            if e.revealed:
                mark = "" if e.correct is None else (" Yours is right." if e.correct else " Yours is not.")
                shown = "no answer" if e.last_answer is None else e.last_answer
                st.text(f"Your answer: {shown}. Right answer: {format_answer(e.expected, e.unit)}.{mark}")
            elif not v.closed:
                with st.form(f"live_form_{e.key}"):
                    st.text_input("Your answer", key=f"live_answer_{e.key}", max_chars=ANSWER_MAX_CHARS,
                                  placeholder=e.unit)
                    st.form_submit_button("Send", on_click=_send, args=(code, token, e.key))
                if e.key in sent:
                    st.success(sent[e.key])
                elif e.answers:
                    st.text(f"You have sent {e.answers} answer(s); the last: {e.last_answer}.")
    if st.button("Leave this class on this browser", key="live_student_leave"):
        lc.forget(lc.STUDENT)
        for p in (links.CLASS_PARAM, links.STUDENT_PARAM):
            st.query_params.pop(p, None)
        st.rerun()
