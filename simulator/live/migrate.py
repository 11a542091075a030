"""Run the Alembic migrations shipped in ``simulator/live/migrations`` (no ``alembic.ini`` needed).

Every process runs :func:`upgrade` on first use of a database; it is a no-op when the schema is at
the newest revision. Two processes starting at once do not race: on PostgreSQL the upgrade holds
an advisory lock, on SQLite it runs inside one ``BEGIN IMMEDIATE`` transaction (DDL is
transactional on both).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

__all__ = ["MIGRATIONS", "alembic_config", "upgrade", "current_revision", "head_revision"]

#: The migration scripts, inside the package so that an installed copy can migrate its database.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock held while migrating (any constant shared by every process).
_PG_LOCK_KEY = 0x41_4C_4C_33  # "ALL3"


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at the shipped scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """Return the newest revision of the shipped scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # the package ships at least one revision
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (None before the first migration)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest), in one transaction."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
