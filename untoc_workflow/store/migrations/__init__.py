"""Alembic migrations of the store, run by `open_store` (see README.md here)."""
