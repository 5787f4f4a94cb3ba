"""The portal's log of actions: who did what, when, on which review, from which client."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Connection, insert

from .tables import PortalActionRow

ACTIONS = PortalActionRow.__table__  # type: ignore[attr-defined]
# What a visitor typed is kept as typed, but visibly: PostgreSQL stores no NUL and no half
# of a UTF-16 pair, and a line break in an address would forge a line of the listing.
_UNSAFE_IN_ADDRESS = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_UNSAFE_IN_TEXT = re.compile("[\x00\ud800-\udfff]")


def _kept(text: str | None, unsafe: re.Pattern[str], limit: int) -> str | None:
    if not text:
        return None
    return unsafe.sub(lambda m: repr(m.group())[1:-1], text)[:limit]


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
            who=_kept(who, _UNSAFE_IN_ADDRESS, 320),
            action=action,
            review_id=review,
            detail=_kept(detail, _UNSAFE_IN_TEXT, 2000),
            client=(client or None) and client[:64],
        )
    )
