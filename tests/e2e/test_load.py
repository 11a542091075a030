"""A short classroom under load (bench/classroom_load.py): 3 students at once for 20 s, in Chromium.

Each student is a browser context of one Chromium against one ``streamlit run app.py`` on a
loopback port; it goes round the pages and moves the rate slider on each. Asserts no error of any kind (page,
server log, connection, timeout) and that every student made progress; never asserts a time
(the figures are ``python -m bench --only load``'s). Each student goes on past the 20 s until it has
made two changes: a slow CI machine may spend the 20 s loading the app.
"""

from __future__ import annotations

import threading

import pytest

from bench.classroom_load import run_classroom

from .server import chromium_path

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        chromium_path() is None, reason="no Chromium at /usr/bin/chromium or on PATH (apt-get install -y chromium)"
    ),
]


def _in_own_thread(fn, *args, **kwargs):
    """Run ``fn`` in a fresh thread: the load script calls asyncio.run(), which refuses to start while
    pytest-playwright's sync API (used by the other browser tests) holds an event loop in this thread."""
    out: dict = {}

    def target():
        try:
            out["value"] = fn(*args, **kwargs)
        except BaseException as e:  # re-raised below, in the test's thread
            out["error"] = e

    t = threading.Thread(target=target, name="classroom-load")
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_three_students_at_once_without_errors():
    rep = _in_own_thread(run_classroom, 3, 20.0, single_seconds=0, min_actions=2)
    assert rep.errors == [], "\n".join(rep.errors)
    students = rep.load.students
    assert [s.index for s in students] == [1, 2, 3]
    for s in students:
        loads = [a for a in s.actions if a.kind == "load"]
        assert loads and loads[0].latency_s is not None, f"student {s.index} never loaded the app"
        assert s.done() >= 2, f"student {s.index} made fewer than two changes: {s.actions}"
    kinds = {a.kind for s in students for a in s.actions if a.latency_s is not None}
    assert {"load", "input"} <= kinds, kinds
    # Every server-side change moved the student's own rate within its band.
    assert len({s.band for s in students}) == 3
