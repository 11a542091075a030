"""Alembic environment: migrate the connection handed over by ``simulator.live.migrate``."""

from __future__ import annotations

from alembic import context

from simulator.live.storage import Base


def run() -> None:
    """Run the migrations on ``config.attributes["connection"]`` (the caller's transaction)."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run the live-class migrations through simulator.live.migrate.upgrade()")
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # Alembic is running this file (not a doctest collector)
    run()
