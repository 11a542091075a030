"""Fixtures of the live-class tests: a fresh store on each backend (SQLite file, PostgreSQL server).

PostgreSQL runs when ``ALLOFMP3_TEST_DATABASE_URL`` names a database the tests may wipe (``.ci/run``
starts a throwaway server and exports it); without it the PostgreSQL cases are skipped with a reason,
unless ``ALLOFMP3_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), which makes them fail instead: in CI
they must run.

Import the fixtures into a test module: ``from live_support import live_store, backend_url  # noqa: F401``.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from simulator.live.storage import Base, Store

#: Environment variable naming a PostgreSQL database the tests may wipe.
PG_ENV = "ALLOFMP3_TEST_DATABASE_URL"
REQUIRE_ENV = "ALLOFMP3_REQUIRE_POSTGRES"
BACKENDS = ["sqlite", "postgresql"]


def pg_url() -> str | None:
    url = os.environ.get(PG_ENV, "").strip()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or None


def wipe_postgres(url: str) -> None:
    """Drop every live-class table and Alembic's version table, so the next Store migrates from nothing."""
    eng = create_engine(url)
    try:
        with eng.begin() as c:
            Base.metadata.drop_all(c)
            c.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        eng.dispose()


@pytest.fixture(params=BACKENDS)
def backend_url(request, tmp_path):
    """A URL of an empty database on each backend (the SQLite file is not created yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    url = pg_url()
    if url is None:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {PG_ENV} is not set: the PostgreSQL cases must run here")
        pytest.skip(f"no PostgreSQL: set {PG_ENV} to a database the tests may wipe (.ci/run does)")
    wipe_postgres(url)
    yield url


@pytest.fixture
def live_store(backend_url):
    """A migrated, empty store on each backend."""
    store = Store(backend_url)
    yield store
    store.dispose()
