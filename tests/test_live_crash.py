"""A crash mid-class, at the storage level, on SQLite and PostgreSQL.

A child process plays students submitting as fast as it can and prints each acknowledgement once
``submit`` has returned; the test SIGKILLs it mid-stream, then checks that every acknowledged
submission is in the database exactly once, that the database is intact, and that the students
carry on with the same rejoin tokens. (The same through the app server and a browser:
tests/e2e/test_live_class.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from live_support import backend_url, live_store  # noqa: F401  (fixtures)
from sqlalchemy import func, select, text

from simulator.live import service as sv
from simulator.live.storage import Store, Submission

#: Acknowledgements to wait for before the kill (the child sends many more: it dies mid-stream).
ACKS_BEFORE_KILL = 60

CHILD = textwrap.dedent("""
    import json, sys, threading, uuid
    from simulator.live import service as sv
    from simulator.live.storage import Store
    url, code, tokens = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    store = Store(url)
    lock = threading.Lock()
    def student(token):
        i = 0
        while True:
            rid = uuid.uuid4().hex
            ack = sv.submit(store, code, token, "lawsuit", str(i), rid)
            with lock:
                print(json.dumps({"id": ack.id, "rid": rid, "token": token[:6]}), flush=True)
            i += 1
            if i >= sv.MAX_ATTEMPTS:
                return
    threads = [threading.Thread(target=student, args=(t,)) for t in tokens]
    for t in threads: t.start()
    for t in threads: t.join()
    print("DONE", flush=True)
""")


def test_every_acknowledged_submission_survives_a_sigkill(live_store, backend_url):  # noqa: F811
    new = sv.create_class(live_store, "Crash", live=["lawsuit"])
    students = [sv.join(live_store, new.code, f"s{i}") for i in range(6)]
    tokens = [s.token for s in students]
    proc = subprocess.Popen([sys.executable, "-c", CHILD, backend_url, new.code, json.dumps(tokens)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    acks = []
    try:
        deadline = time.monotonic() + 120
        while len(acks) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acks.append(json.loads(line))
        os.killpg(proc.pid, signal.SIGKILL)  # mid-stream: threads are inside transactions right now
    finally:
        proc.wait(timeout=30)
        out, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err
    acks += [json.loads(line) for line in out.splitlines() if line.startswith("{")]  # printed before death
    assert len(acks) >= ACKS_BEFORE_KILL, err[-2000:]
    assert "DONE" not in out  # it really died mid-class

    after = Store(backend_url)  # a new process opening the database after the crash
    try:
        if after.backend == "sqlite":
            with after.engine.connect() as c:
                assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        stored = after.read(lambda s: {r.request_id: r.id for r in s.execute(
            select(Submission.request_id, Submission.id))})
        for a in acks:
            assert stored.get(a["rid"]) == a["id"], a          # each acknowledged one, with its id
        total = after.read(lambda s: s.scalar(select(func.count()).select_from(Submission)))
        assert total == len(stored) >= len(acks)               # at most the last unacknowledged ones extra
        # the students carry on with their links
        assert sv.student_view(after, new.code, tokens[0]).nickname == "s0"
        room = [t for t in tokens if sv.student_view(after, new.code, t).exercises[0].answers < sv.MAX_ATTEMPTS]
        ack = sv.submit(after, new.code, room[0], "lawsuit", "42", "after-the-crash-1")
        assert after.read(lambda s: s.get(Submission, ack.id)).value == "42"
    finally:
        after.dispose()
