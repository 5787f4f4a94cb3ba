"""The store: event log, parties and reviews in SQLite or PostgreSQL (see store.py)."""

from .store import ImportResult, Store, event_id, open_store

__all__ = ["ImportResult", "Store", "event_id", "open_store"]
