"""The links of a live class: where students join, the teacher's link and each student's rejoin link.

The app's live-class page is at ``/live``; its query parameters are :data:`CLASS_PARAM` (the join
code), :data:`TEACHER_PARAM` (the teacher secret, removed from the address bar as soon as the page
has read it) and :data:`STUDENT_PARAM` (a student's rejoin token, which stays: a reload must bring
them back).

Examples
--------
>>> join_link("http://192.168.1.20:8501/", "K7QX2M")
'http://192.168.1.20:8501/live?class=K7QX2M'
>>> teacher_link("http://127.0.0.1:8501", "K7QX2M", "s3cr3t")
'http://127.0.0.1:8501/live?class=K7QX2M&teacher=s3cr3t'
"""

from __future__ import annotations

from urllib.parse import urlencode

__all__ = ["PAGE_PATH", "CLASS_PARAM", "TEACHER_PARAM", "STUDENT_PARAM", "DEFAULT_BASE_URL", "join_link",
           "teacher_link", "student_link"]

#: URL path of the live-class page (``url_path`` of its ``st.Page`` in app.py).
PAGE_PATH = "live"
CLASS_PARAM, TEACHER_PARAM, STUDENT_PARAM = "class", "teacher", "student"
#: Where ``streamlit run app.py`` listens by default (see .streamlit/config.toml).
DEFAULT_BASE_URL = "http://127.0.0.1:8501"


def _link(base: str, params: dict[str, str]) -> str:
    return f"{base.rstrip('/')}/{PAGE_PATH}?{urlencode(params)}"


def join_link(base: str, code: str) -> str:
    """Return the page where students type a nickname for this class."""
    return _link(base, {CLASS_PARAM: code})


def teacher_link(base: str, code: str, secret: str) -> str:
    """Return the teacher's link: whoever holds it runs the class. Keep it private."""
    return _link(base, {CLASS_PARAM: code, TEACHER_PARAM: secret})


def student_link(base: str, code: str, token: str) -> str:
    """Return a student's rejoin link: it brings them back as themselves."""
    return _link(base, {CLASS_PARAM: code, STUDENT_PARAM: token})
