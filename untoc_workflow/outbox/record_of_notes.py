"""What the outbox shows was done: the notes verbales sent to the Parties' missions. A
letter that tells what was done reads it here, never assumes it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from .rows import C
from .tables import SENT


def notes_sent(conn: Connection) -> dict[str, date]:
    """The day of the last note verbale delivered to each Party's mission (by Party code)."""
    query = (
        select(C.party, func.max(C.found_on))
        .where(C.role == "mission", C.status == SENT, C.party.is_not(None), C.copy_only.is_(False))
        .group_by(C.party)
    )
    return {party: day for party, day in conn.execute(query)}
