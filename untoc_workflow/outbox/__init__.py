"""The outbox: every message written is a row here first, then delivered from here.

    rows = [new_row(...)]; insert_rows(conn, rows)       # written (idempotent on the key)
    drain(engine, transport_for(settings), now, ...)     # delivered, one claimed row at a time

- tables.py, ledger.py, golive.py: the outbox's rows; what the correspondence remembers
  beside it (the notices of each message, the go-live date, the days the sweep ran)
- rows.py: reading and writing rows; entries.py: what the secretariat sees of them
- approval.py: holding and releasing messages; decisions.py: the mechanism's notices
- drain.py: claims, delivery, retries; message.py, headers.py, note_pdf.py: the MIME message
- delivery.py: the outcomes of a send and the `.eml` folder; smtp.py: SMTP relays

The outbox knows nothing of what a letter says or to whom it goes (that is notify's): it
never imports `untoc_workflow.notify` (an import-linter contract).
"""

from __future__ import annotations

from typing import Any

from .delivery import DeliveryFailed, DeliveryInDoubt, EmlFolder
from .rows import DrainReport, drain, status_counts
from .smtp import SmtpMail, describe_notify_url
from .tables import OutboxRow


def transport_for(settings: Any) -> EmlFolder | SmtpMail:
    """The transport the settings ask for: SMTP relays, else the local outbox folder."""
    if settings.notify_url:
        return SmtpMail(settings.notify_url)
    return EmlFolder(settings.outbox_dir)


__all__ = [
    "DeliveryFailed",
    "DeliveryInDoubt",
    "DrainReport",
    "EmlFolder",
    "OutboxRow",
    "SmtpMail",
    "describe_notify_url",
    "drain",
    "status_counts",
    "transport_for",
]
