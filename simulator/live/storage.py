"""Where a live class is kept: the tables (SQLAlchemy 2 ORM), the engine, migrations and retries.

SQLite is the embedded default: one file, ``live.sqlite3``, in the data folder (``$ALLOFMP3_DATA_DIR``,
else ``$XDG_DATA_HOME/allofmp3-sim``, else ``~/.local/share/allofmp3-sim``), created on first use, in
WAL mode so that readers never wait for the writer. PostgreSQL (psycopg 3) when
``ALLOFMP3_DATABASE_URL`` is set, so that several app replicas share one class. The schema is made
and kept up to date by the Alembic migrations shipped in ``simulator/live/migrations``, run on first
use by every process (PostgreSQL: under an advisory lock; SQLite: in one ``BEGIN IMMEDIATE``).

Nothing about a class lives only in a process's memory: every read and write goes through
:meth:`Store.read` and :meth:`Store.write`, which run one short transaction each and retry it when
the database is busy, so "database is locked" never reaches a user.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from simulator.live.migrate import upgrade

__all__ = [
    "Base",
    "LiveClass",
    "ClassExercise",
    "Participant",
    "Assignment",
    "Submission",
    "AuthFailure",
    "Store",
    "StorageBusy",
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "data_dir",
    "database_url",
    "normalize_url",
    "get_store",
    "utcnow",
]

#: Environment variable naming a database URL (``postgresql://user:pw@host/db``); unset: SQLite.
DATABASE_URL_ENV = "ALLOFMP3_DATABASE_URL"
#: Environment variable naming the data folder that holds the SQLite file.
DATA_DIR_ENV = "ALLOFMP3_DATA_DIR"
#: The SQLite file's name in the data folder.
SQLITE_FILE = "live.sqlite3"

# Field sizes of the tables. The service validates every text field against its own, smaller caps
# (see simulator.live.service); these are the columns' hard limits.
CODE_LEN = 16
NAME_LEN = 80
HASH_LEN = 64       # SHA-256 in hex
KEY_LEN = 64
TEXT_LEN = 200

#: How long a writer waits for SQLite's lock before the driver gives up [ms]. A submission's
#: transaction holds it for about a millisecond, so 200 at once queue for well under this.
SQLITE_BUSY_TIMEOUT_MS = 15_000
#: Whole-transaction retries when the database still reports busy/locked or a serialization failure
#: (after SQLite's own busy wait); with back-off, the last attempt starts some seconds later.
RETRIES = 8
#: First back-off [s]; doubled each retry, with jitter.
BACKOFF_S = 0.05
#: Connections per process: Streamlit runs every browser session's script in a thread of one process.
POOL_SIZE, POOL_OVERFLOW = 10, 30
#: How long a thread waits for a free connection of the pool [s].
POOL_TIMEOUT_S = 60


def utcnow() -> datetime:
    """Now, in UTC, without a time zone (how every time is stored, on both backends)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of the live-class tables."""


class LiveClass(Base):
    """A live class: its join code, the hash of its teacher secret, scenario and state."""

    __tablename__ = "live_class"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LEN), unique=True)
    title: Mapped[str] = mapped_column(String(NAME_LEN))
    teacher_hash: Mapped[str] = mapped_column(String(HASH_LEN), unique=True)
    variant_salt: Mapped[str] = mapped_column(String(HASH_LEN))
    scenario_yaml: Mapped[str] = mapped_column(Text)
    scenario_label: Mapped[str] = mapped_column(String(TEXT_LEN))
    joining_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    exercises: Mapped[list[ClassExercise]] = relationship(
        back_populates="live_class", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ClassExercise.position")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="live_class", cascade="all, delete-orphan", passive_deletes=True, order_by="Participant.id")


class ClassExercise(Base):
    """One exercise of a class: whether it is live and whether its answer is revealed."""

    __tablename__ = "live_exercise"
    class_id: Mapped[int] = mapped_column(ForeignKey("live_class.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LEN), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    live: Mapped[bool] = mapped_column(Boolean, default=False)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    live_class: Mapped[LiveClass] = relationship(back_populates="exercises")


class Participant(Base):
    """A student in a class: a nickname, the hash of their rejoin token, their variant."""

    __tablename__ = "live_participant"
    __table_args__ = (UniqueConstraint("class_id", "nickname_key", name="uq_live_participant_nickname"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("live_class.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(String(NAME_LEN))
    nickname_key: Mapped[str] = mapped_column(String(NAME_LEN))  # case-folded: "Ana" and "ana" are one name
    token_hash: Mapped[str] = mapped_column(String(HASH_LEN), unique=True)
    variant_json: Mapped[str] = mapped_column(Text)
    joined_at: Mapped[datetime] = mapped_column(DateTime)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    live_class: Mapped[LiveClass] = relationship(back_populates="participants")
    assignments: Mapped[list[Assignment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Assignment.position")


class Assignment(Base):
    """A student's own correct answer to one exercise (computed by the model for their variant)."""

    __tablename__ = "live_assignment"
    participant_id: Mapped[int] = mapped_column(ForeignKey("live_participant.id", ondelete="CASCADE"),
                                                primary_key=True)
    exercise_key: Mapped[str] = mapped_column(String(KEY_LEN), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    expected: Mapped[str | None] = mapped_column(String(TEXT_LEN), nullable=True)  # exact decimal text
    unit: Mapped[str] = mapped_column(String(KEY_LEN))
    tolerance: Mapped[str] = mapped_column(String(KEY_LEN))
    relative: Mapped[bool] = mapped_column(Boolean)
    ask: Mapped[str] = mapped_column(String(TEXT_LEN))


class Submission(Base):
    """One answer a student sent; the latest per exercise counts, every one is kept."""

    __tablename__ = "live_submission"
    __table_args__ = (
        UniqueConstraint("participant_id", "request_id", name="uq_live_submission_request"),
        Index("ix_live_submission_class_exercise", "class_id", "exercise_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("live_class.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("live_participant.id", ondelete="CASCADE"), index=True)
    exercise_key: Mapped[str] = mapped_column(String(KEY_LEN))
    answer_text: Mapped[str] = mapped_column(String(NAME_LEN))
    value: Mapped[str] = mapped_column(String(TEXT_LEN))  # exact decimal text
    correct: Mapped[bool] = mapped_column(Boolean)
    request_id: Mapped[str] = mapped_column(String(KEY_LEN))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)


class AuthFailure(Base):
    """A wrong secret, token or join code, kept for rate limiting (no secret is stored)."""

    __tablename__ = "live_auth_failure"
    __table_args__ = (Index("ix_live_auth_failure_scope", "scope", "source", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(KEY_LEN))
    source: Mapped[str] = mapped_column(String(KEY_LEN))
    at: Mapped[datetime] = mapped_column(DateTime)


class StorageBusy(RuntimeError):
    """The database stayed busy through every retry (a server far beyond its load): try again."""


def data_dir() -> Path:
    """Return the data folder of the SQLite file (see the module's docstring); not created here."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "allofmp3-sim"


def normalize_url(url: str) -> str:
    """Return a database URL with the psycopg 3 driver named for PostgreSQL (other URLs unchanged).

    Examples
    --------
    >>> normalize_url("postgresql://u@db.example/live")
    'postgresql+psycopg://u@db.example/live'
    >>> normalize_url("sqlite:////srv/live.sqlite3")
    'sqlite:////srv/live.sqlite3'
    """
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def database_url() -> str:
    """Return the database URL: ``ALLOFMP3_DATABASE_URL`` (see :func:`normalize_url`), else the SQLite file."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return normalize_url(url)
    return f"sqlite:///{data_dir() / SQLITE_FILE}"


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=POOL_TIMEOUT_S,
                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # SQLAlchemy, not the sqlite3 module, begins transactions (see _on_begin).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")          # readers never wait for the writer
        cur.execute("PRAGMA synchronous=FULL")          # a commit is on disk before it is acknowledged
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A write transaction takes the write lock at once (BEGIN IMMEDIATE), so it waits in the busy
        # handler instead of failing when a read would later upgrade to a write; reads use a deferred BEGIN.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("readonly") else "BEGIN IMMEDIATE")

    return engine


def _make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=POOL_TIMEOUT_S,
                         pool_pre_ping=True)


def _transient(e: DBAPIError) -> bool:
    """Tell whether an error is worth retrying the transaction (busy/locked database, serialization failure, deadlock)."""
    msg = str(e.orig).lower() if e.orig is not None else str(e).lower()
    code = getattr(e.orig, "sqlstate", None)
    return ("database is locked" in msg or "database is busy" in msg or "database table is locked" in msg
            or code in ("40001", "40P01"))


T = TypeVar("T")


class Store:
    """One database: an engine, its sessions, and transactions that retry while it is busy.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (see :func:`database_url`).
    migrate : bool
        Run the Alembic migrations to the newest revision first (default).
    """

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            upgrade(self.engine)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def _session(self, readonly: bool) -> Iterator[Session]:
        with self.engine.connect() as conn:
            if readonly:
                conn = conn.execution_options(readonly=True)
            with Session(bind=conn, expire_on_commit=False) as s, s.begin():
                yield s

    def _run(self, fn: Callable[[Session], T], readonly: bool) -> T:
        delay = BACKOFF_S
        for attempt in range(RETRIES + 1):
            try:
                with self._session(readonly) as s:
                    return fn(s)
            except (OperationalError, DBAPIError) as e:
                if not _transient(e) or attempt == RETRIES:
                    if _transient(e):
                        raise StorageBusy("the class's database is too busy right now: please try again in a "
                                          "few seconds (nothing was saved)") from e
                    raise
                time.sleep(delay * (1 + random.random()))
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in one write transaction, committed when it returns; retried while busy.

        ``fn`` may run more than once (each time in a fresh transaction), so it must not have
        effects outside the database.
        """
        return self._run(fn, readonly=False)

    def read(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in one read transaction; retried while busy."""
        return self._run(fn, readonly=True)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def ping(self) -> bool:
        """Tell whether the database answers."""
        with self.engine.connect() as c:
            return c.execute(text("SELECT 1")).scalar() == 1


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def get_store(url: str | None = None) -> Store:
    """Return the process's store for ``url`` (default: :func:`database_url`), made and migrated on first use."""
    url = url or database_url()
    with _STORES_LOCK:
        store = _STORES.get(url)
        if store is None:
            store = _STORES[url] = Store(url)
        return store
