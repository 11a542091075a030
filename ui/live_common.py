"""Live class, shared by the teacher's and the students' pages: the credentials a browser session holds.

A session holds at most one teacher credential (join code + secret) and one student credential (join
code + rejoin token), read from the link that opened the app. Everything about the class itself is in
the database and read again on every run (see simulator.live); a restarted server loses only these
credentials, which the links bring back.

The link's secrets leave the address bar before anything else reads it (:func:`absorb_link`, called by
app.py before the sidebar reads its inputs from the link): the teacher's at once and for good (the page
can be projected), the student's until the live page puts it back (a reload must bring them back).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import streamlit as st

from simulator.live import links, service
from simulator.live.errors import LiveError
from simulator.live.storage import StorageBusy, get_store
from simulator.present.classroom import EXERCISE_KEYS
from ui import state

TEACHER = "_live_teacher"   # (code, secret)
STUDENT = "_live_student"   # (code, token)
CODE = "_live_code"         # a join code from a link (?class=), to prefill the join form
MESSAGE = "_live_message"   # (kind, text) to show once, set by callbacks


def absorb_link() -> None:
    """On a session's first run, move the live-class parameters from the address bar into the session
    (before the sidebar reads the link, so that no notice repeats a secret); a teacher secret, whenever
    it appears."""
    qp = st.query_params
    first = not st.session_state.get(state._INIT)
    if not qp.get(links.TEACHER_PARAM) and not (first and (links.CLASS_PARAM in qp or links.STUDENT_PARAM in qp)):
        return
    code = qp.get(links.CLASS_PARAM, "")
    ss = st.session_state
    if qp.get(links.TEACHER_PARAM):
        ss[TEACHER] = (code, qp[links.TEACHER_PARAM])
    if qp.get(links.STUDENT_PARAM):
        ss[STUDENT] = (code, qp[links.STUDENT_PARAM])
    if code:
        ss[CODE] = code
    for p in (links.CLASS_PARAM, links.TEACHER_PARAM, links.STUDENT_PARAM):
        if p in qp:
            del qp[p]


def store():
    """The process's store (made and migrated on first use)."""
    return get_store()


def source() -> str:
    """Where the request comes from (for rate limits): the client's address when Streamlit knows it."""
    return getattr(st.context, "ip_address", None) or "unknown"


def base_url() -> str:
    """The app's address as this browser sees it (scheme and host), for links shown to students."""
    try:
        u = urlsplit(st.context.url or "")
    except (AttributeError, ValueError):
        return links.DEFAULT_BASE_URL
    return f"{u.scheme}://{u.netloc}" if u.scheme and u.netloc else links.DEFAULT_BASE_URL


def teacher() -> service.Teacher | None:
    """The session's teacher credential, if any."""
    got = st.session_state.get(TEACHER)
    return service.Teacher(got[0], got[1], source=source()) if got else None


def student() -> tuple[str, str] | None:
    """The session's student credential (code, token), if any."""
    return st.session_state.get(STUDENT)


def forget(role: str) -> None:
    """Drop a credential (``TEACHER`` or ``STUDENT``) from the session."""
    st.session_state.pop(role, None)


def say(kind: str, text: str) -> None:
    """Queue a message for the next run (from a callback)."""
    st.session_state[MESSAGE] = (kind, text)


def show_message() -> None:
    """Show the queued message once."""
    got = st.session_state.pop(MESSAGE, None)
    if got:
        {"error": st.error, "success": st.success, "info": st.info}[got[0]](got[1])


def attempt(fn, *args, **kwargs):
    """Run a service call; on a refusal or a busy database, queue its message and return None."""
    try:
        return fn(*args, **kwargs)
    except (LiveError, StorageBusy) as e:
        say("error", str(e))
        return None


def redraw_if_moved(drawn: str, seen: str, read_key: Callable[[], str] | None) -> None:
    """The body of a page's polling fragment: rerun the whole page if the class moved since it was drawn.

    ``seen`` is the session key of the state key the page's panel was last drawn with; ``read_key()``
    reads the current one (a cheap service call; a refusal or a busy database reads as None, which the
    panel has recorded when it showed the error). ``drawn`` is a flag the full run sets just before the
    fragment: that run has just drawn the panel, so it does not check (a change meanwhile waits for the
    next tick, and a busy class redraws a page at most once a tick rather than run after run).
    ``read_key`` is None when the session no longer holds the credential: nothing to check.
    """
    if st.session_state.pop(drawn, False) or read_key is None:
        return
    try:
        key = read_key()
    except (LiveError, StorageBusy):
        key = None
    if key != st.session_state.get(seen):
        st.rerun()


def locked_answers() -> set[str]:
    """Exercises whose answers the static worksheet must not show: in this session's live class (as a
    student), every exercise the teacher has not revealed. Empty outside a live class."""
    cred = student()
    if not cred:
        return set()
    try:
        view = service.student_view(store(), cred[0], cred[1], source=source())
    except (LiveError, StorageBusy):
        return set()

    return set(EXERCISE_KEYS) - set(view.revealed_keys)
