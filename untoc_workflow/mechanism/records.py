"""What the Mechanism records beside the event log: applied decisions and draws.

Decisions: the reference, a fingerprint of the file and its whole content, so the rules it
changed (the 70 % threshold) are read back from the store, and re-applying a changed file
under the same reference is refused. Draws: the seed, the rules version and every lot, so
each draw and redraw can be repeated and audited. Tables are made by migration
`0003_mechanism`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Field, SQLModel

from ..errors import InputError, Problem
from .decisions import Decision


class DecisionRow(SQLModel, table=True):
    __tablename__ = "mechanism_decision"

    ref: str = Field(primary_key=True, max_length=128)
    digest: str = Field(max_length=64)
    title: str
    adopted_on: date
    applied_as_of: date
    body: str  # the decision as JSON (Decision.model_dump)
    recorded_at: datetime


class DrawRow(SQLModel, table=True):
    __tablename__ = "mechanism_draw"

    id: str = Field(primary_key=True, max_length=160)
    kind: str = Field(max_length=32)  # cluster | late_joiner | redraw
    cluster: int
    seed: int
    rules_version: str = Field(max_length=64)
    made_on: date
    record: str  # JSON: groups, lots (pool, lot, drawn), requests
    recorded_at: datetime


def _now() -> datetime:
    # Only when the row was written, for the audit trail; nothing is derived from it.
    return datetime.now(UTC).replace(tzinfo=None)


def applied_decisions(store: Any) -> list[tuple[Decision, date]]:
    """Every decision recorded in the store with the date it was applied as of."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(DecisionRow.body, DecisionRow.applied_as_of).order_by(  # type: ignore[call-overload]
                DecisionRow.adopted_on, DecisionRow.ref
            )
        ).all()
    out = []
    for body, applied in rows:
        applied = applied if isinstance(applied, date) else date.fromisoformat(applied)
        out.append((Decision.model_validate(json.loads(body)), applied))
    return out


def check_not_amended(store: Any, decision: Decision) -> bool:
    """True when the decision is already recorded; InputError when recorded with other content."""
    with store.engine.connect() as conn:
        digest = conn.execute(
            select(DecisionRow.digest).where(DecisionRow.ref == decision.ref)  # type: ignore[arg-type]
        ).scalar_one_or_none()
    if digest is None:
        return False
    if digest != decision.digest():
        raise InputError(
            [
                Problem(
                    f"decision {decision.ref} was applied with different content",
                    hint="a decision is never edited once applied: write the change as a new "
                    "decision with its own reference",
                )
            ]
        )
    return True


def record_decision(store: Any, decision: Decision, as_of: date) -> bool:
    """Record the decision once; False when it was already recorded (same content)."""
    if check_not_amended(store, decision):
        return False
    with store.engine.begin() as conn:
        conn.execute(
            insert(DecisionRow.__table__),  # type: ignore[arg-type]
            {
                "ref": decision.ref,
                "digest": decision.digest(),
                "title": decision.label(),
                "adopted_on": decision.adopted_on,
                "applied_as_of": as_of,
                "body": json.dumps(decision.model_dump(mode="json", by_alias=True)),
                "recorded_at": _now(),
            },
        )
    return True


def record_draw(
    store: Any,
    *,
    id: str,
    kind: str,
    cluster: int,
    seed: int,
    rules_version: str,
    made_on: date,
    record: dict[str, Any],
) -> bool:
    """Record a draw once (by id); False when a draw with that id is already recorded."""
    with store.engine.begin() as conn:
        found = conn.execute(
            select(DrawRow.id).where(DrawRow.id == id)  # type: ignore[arg-type]
        ).first()
        if found is not None:
            return False
        conn.execute(
            insert(DrawRow.__table__),  # type: ignore[arg-type]
            {
                "id": id,
                "kind": kind,
                "cluster": cluster,
                "seed": seed,
                "rules_version": rules_version,
                "made_on": made_on,
                "record": json.dumps(record, default=str, ensure_ascii=False),
                "recorded_at": _now(),
            },
        )
    return True


def draws(store: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """Recorded draws, oldest first, as plain dicts (record decoded)."""
    query = select(DrawRow).order_by(DrawRow.recorded_at, DrawRow.id)  # type: ignore[arg-type]
    if kind is not None:
        query = query.where(DrawRow.kind == kind)  # type: ignore[arg-type]
    with store.session() as s:
        rows = s.exec(query).all()  # type: ignore[call-overload]
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "cluster": r.cluster,
                "seed": r.seed,
                "rules_version": r.rules_version,
                "made_on": r.made_on,
                "record": json.loads(r.record),
            }
            for r in rows
        ]
