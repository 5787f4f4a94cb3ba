"""The portal's log of actions: who did what, when, on which review, from which client."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert

from .tables import PortalActionRow

ACTIONS = PortalActionRow.__table__  # type: ignore[attr-defined]


def log_action(
    conn: Connection,
    action: str,
    *,
    at: datetime,
    who: str | None = None,
    review: str | None = None,
    detail: str | None = None,
    client: str | None = None,
) -> None:
    """Record one action (in the caller's transaction, so it stands or falls with it)."""
    conn.execute(
        insert(ACTIONS).values(
            at=at,
            who=who,
            action=action,
            review_id=review,
            detail=(detail or None) and detail[:2000],
            client=(client or None) and client[:64],
        )
    )
