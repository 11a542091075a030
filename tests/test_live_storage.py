"""Storage of a live class (simulator.live.storage, .migrate) on SQLite and PostgreSQL.

Nothing lost: 200 concurrent submissions (threads) are each stored exactly once, resent requests
are not stored twice, and a database held locked by another writer delays a submission instead of
failing it. The schema comes from the shipped Alembic migrations and matches the ORM models.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from live_support import backend_url, live_store  # noqa: F401  (fixtures)
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from simulator.live import service as sv
from simulator.live import storage
from simulator.live.migrate import current_revision, head_revision
from simulator.live.storage import Base, StorageBusy, Store, Submission
from simulator.present.classroom import EXERCISE_KEYS

N_SUBMISSIONS = 200
N_STUDENTS = 8


def test_sqlite_file_is_made_on_first_use_in_the_data_folder(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "nested"
    monkeypatch.setenv(storage.DATA_DIR_ENV, str(folder))
    monkeypatch.delenv(storage.DATABASE_URL_ENV, raising=False)
    url = storage.database_url()
    assert url == f"sqlite:///{folder / 'live.sqlite3'}"
    assert not folder.exists()
    store = Store(url)
    try:
        assert (folder / "live.sqlite3").is_file()
        with store.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == storage.SQLITE_BUSY_TIMEOUT_MS
            assert c.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        store.dispose()


def test_postgres_url_gets_the_psycopg3_driver(monkeypatch):
    monkeypatch.setenv(storage.DATABASE_URL_ENV, "postgres://u:pw@db.example:5433/live")
    assert storage.database_url() == "postgresql+psycopg://u:pw@db.example:5433/live"
    monkeypatch.setenv(storage.DATABASE_URL_ENV, "postgresql+psycopg://u@/live?host=/run/pg")
    assert storage.database_url() == "postgresql+psycopg://u@/live?host=/run/pg"


def test_migrations_make_the_models_schema_once(backend_url):  # noqa: F811
    store = Store(backend_url)
    try:
        assert current_revision(store.engine) == head_revision() == "0001"
        with store.engine.connect() as c:
            assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
        again = Store(backend_url)  # a second process starting: nothing to do, nothing broken
        assert current_revision(again.engine) == "0001"
        again.dispose()
    finally:
        store.dispose()


def test_two_processes_migrating_at_once_do_not_collide(backend_url):  # noqa: F811
    errors = []

    def start():
        try:
            Store(backend_url).dispose()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    probe = Store(backend_url)
    assert current_revision(probe.engine) == "0001"
    probe.dispose()


@pytest.fixture
def busy_class(live_store):  # noqa: F811
    new = sv.create_class(live_store, "Concurrency", live=list(EXERCISE_KEYS))
    students = [sv.join(live_store, new.code, f"student {i}") for i in range(N_STUDENTS)]
    return live_store, new, students


def _count(store: Store) -> int:
    return store.read(lambda s: s.scalar(select(func.count()).select_from(Submission)))


def test_200_concurrent_submissions_are_each_stored_exactly_once(busy_class):
    store, new, students = busy_class
    jobs = []
    for i in range(N_SUBMISSIONS):
        st = students[i % N_STUDENTS]
        key = EXERCISE_KEYS[i % len(EXERCISE_KEYS)]
        jobs.append((st.token, key, f"{i}.5", uuid.uuid4().hex))
    start = threading.Barrier(50)

    def send(job):
        token, key, answer, rid = job
        try:
            start.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass
        return sv.submit(store, new.code, token, key, answer, rid)

    with ThreadPoolExecutor(max_workers=50) as pool:
        acks = list(pool.map(send, jobs))  # any exception (e.g. "database is locked") fails the test here
    assert len({a.id for a in acks}) == N_SUBMISSIONS and not any(a.duplicate for a in acks)
    rows = store.read(lambda s: s.execute(select(Submission.id, Submission.request_id, Submission.value)).all())
    assert len(rows) == N_SUBMISSIONS == _count(store)
    stored = {r.request_id: (r.id, r.value) for r in rows}
    for (_, _, answer, rid), ack in zip(jobs, acks, strict=True):
        assert stored[rid] == (ack.id, answer)

    # The same 60 requests sent again, concurrently (a browser retrying): stored once, acknowledged again.
    with ThreadPoolExecutor(max_workers=30) as pool:
        again = list(pool.map(lambda j: sv.submit(store, new.code, j[0], j[1], j[2], j[3]), jobs[:60]))
    assert all(a.duplicate for a in again)
    assert [a.id for a in again] == [a.id for a in acks[:60]]
    assert _count(store) == N_SUBMISSIONS


def test_the_same_request_racing_itself_is_stored_once(busy_class):
    store, new, students = busy_class
    rid = uuid.uuid4().hex
    with ThreadPoolExecutor(max_workers=8) as pool:
        acks = list(pool.map(lambda _: sv.submit(store, new.code, students[0].token, "lawsuit", "1.65e12", rid),
                             range(8)))
    assert len({a.id for a in acks}) == 1 and sum(not a.duplicate for a in acks) == 1
    assert _count(store) == 1


def _hold_write_lock(store: Store, url: str, seconds: float, locked: threading.Event) -> None:
    """Another writer holds the lock on submissions for ``seconds``."""
    if store.backend == "sqlite":
        con = sqlite3.connect(storage.make_url(url).database, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(seconds)
        con.execute("COMMIT")
        con.close()
    else:
        eng = create_engine(url)
        with eng.begin() as c:
            c.execute(text("LOCK TABLE live_submission IN EXCLUSIVE MODE"))
            locked.set()
            time.sleep(seconds)
        eng.dispose()


def test_a_locked_database_delays_submissions_instead_of_failing_them(busy_class, backend_url):  # noqa: F811
    store, new, students = busy_class
    locked = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(store, backend_url, 1.5, locked))
    holder.start()
    assert locked.wait(10)
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        acks = list(pool.map(lambda i: sv.submit(store, new.code, students[i % N_STUDENTS].token, "lawsuit",
                                                 str(i), uuid.uuid4().hex), range(20)))
    waited = time.monotonic() - t0
    holder.join()
    assert len(acks) == 20 == _count(store)
    assert waited >= 1.0  # they did wait for the other writer (and then succeeded)


def _locked_error() -> OperationalError:
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))


def test_transient_errors_are_retried_then_reported_without_the_drivers_words(live_store, monkeypatch):  # noqa: F811
    monkeypatch.setattr(storage, "BACKOFF_S", 0.001)
    calls = []

    def flaky(_s):
        calls.append(1)
        if len(calls) < 3:
            raise _locked_error()
        return "stored"

    assert live_store.write(flaky) == "stored" and len(calls) == 3

    def always(_s):
        raise _locked_error()

    with pytest.raises(StorageBusy) as e:
        live_store.write(always)
    assert "database is locked" not in str(e.value) and "try again" in str(e.value)


def test_other_database_errors_are_not_retried(live_store):  # noqa: F811
    calls = []

    def bad(s):
        calls.append(1)
        s.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(Exception) as e:
        live_store.write(bad)
    assert len(calls) == 1 and not isinstance(e.value, StorageBusy)
