"""The register of experts and observers who may sign in (kept by the secretariat)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from .audit import log_action
from .tables import PortalPersonRow

PEOPLE = PortalPersonRow.__table__  # type: ignore[attr-defined]
# Characters that reorder the text around them (embeddings, overrides, isolates, marks):
# in a name they make a page or a listing show what is not there ("‮fdp.exe" reads
# "exe.pdf"). A name is refused with one, and with any other control character.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a person's name, or None."""
    if any(c in BIDI_CONTROLS for c in name):
        return "a name may not hold a right-to-left or left-to-right control character"
    if not name.isprintable():
        return "a name may not hold a control character"
    return None


def _current(email: str, party: str, role: str) -> Any:
    return (
        (PEOPLE.c.email == email)
        & (PEOPLE.c.party == party)
        & (PEOPLE.c.role == role)
        & PEOPLE.c.removed_at.is_(None)
    )


def add_person(
    engine: Engine, email: str, name: str, party: str, role: str, *, by: str, now: datetime
) -> bool:
    """Register a person; False when already registered in that role for that Party.
    ValueError for a name that cannot be shown as it is (name_problem)."""
    problem = name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    with engine.begin() as conn:
        if conn.execute(select(PEOPLE.c.id).where(_current(email, party, role))).first():
            return False
        conn.execute(
            insert(PEOPLE).values(
                email=email, name=name, party=party, role=role, added_by=by, added_at=now
            )
        )
        log_action(conn, f"{role}_added", at=now, who=by, detail=f"{email} for {party}")
    return True


def remove_person(
    engine: Engine, email: str, party: str, role: str, *, by: str, now: datetime
) -> bool:
    with engine.begin() as conn:
        done = conn.execute(
            update(PEOPLE).where(_current(email, party, role)).values(removed_by=by, removed_at=now)
        )
        if done.rowcount:
            log_action(conn, f"{role}_removed", at=now, who=by, detail=f"{email} for {party}")
    return bool(done.rowcount)


def current_people(engine: Engine, party: str | None = None) -> list[Any]:
    """Experts and observers who may sign in (of one Party, when given)."""
    query = select(PEOPLE).where(PEOPLE.c.removed_at.is_(None))
    if party is not None:
        query = query.where(PEOPLE.c.party == party)
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(PEOPLE.c.party, PEOPLE.c.email)))
