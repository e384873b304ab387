"""Alembic migrations: every table comes from here."""
