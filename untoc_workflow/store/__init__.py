"""The store: the append-only event log, parties and reviews, in SQLite or PostgreSQL.

    store = open_store()                  # settings' database_url; migrated to the newest schema
    store.import_file("mechanism.json")   # all or nothing, idempotent -> ImportResult
    store.append([Event(...)])            # -> [True, False, ...]: False = id already stored
    snap = store.snapshot(as_of)          # core.model.Snapshot, events sorted by (on, seq)
    store.export_file("backup.yaml")      # the same mechanism file again
    with store.session() as s: ...        # SQLModel session (commits on success)
    store.close()

Database differences live in `dialect.py`; the schema in `migrations/` (see its README).
"""

from .store import ImportResult, Store, event_id, open_store

__all__ = ["ImportResult", "Store", "event_id", "open_store"]
