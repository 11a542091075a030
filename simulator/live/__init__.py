"""Live classes: a teacher runs the exercises with a whole class; every answer is kept in a database.

Storage (SQLAlchemy, SQLite or PostgreSQL, Alembic migrations), the operations with their access
checks, per-student variants, marking and export. Never imports a user interface.
"""
