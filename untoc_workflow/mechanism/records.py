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
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Column, select, text
from sqlmodel import Field, SQLModel, col

from ..errors import InputError, Problem
from .decisions import Decision

if TYPE_CHECKING:
    from ..store.store import Store


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
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    rules_version: str = Field(max_length=64)
    made_on: date
    record: str  # JSON: groups, lots (pool, lot, drawn), requests
    recorded_at: datetime


_DECISION_COLUMNS = ("ref", "digest", "title", "adopted_on", "applied_as_of", "body", "recorded_at")
_DRAW_COLUMNS = (
    "id",
    "kind",
    "cluster",
    "seed",
    "rules_version",
    "made_on",
    "record",
    "recorded_at",
)


def _insert(table: str, columns: tuple[str, ...]) -> Any:
    # Plain SQL: the columns are the migration's; timestamps are naive UTC, as elsewhere.
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    return text(f"INSERT INTO {table} ({names}) VALUES ({values})")


def _now() -> datetime:
    # Only when the row was written, for the audit trail; nothing is derived from it.
    return datetime.now(UTC).replace(tzinfo=None)


def applied_decisions(store: Store) -> list[tuple[Decision, date]]:
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


def check_not_amended(store: Store, decision: Decision) -> bool:
    """True when the decision is already recorded; InputError when recorded with other content."""
    with store.engine.connect() as conn:
        digest = conn.execute(
            select(col(DecisionRow.digest)).where(col(DecisionRow.ref) == decision.ref)
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


def record_decision(store: Store, decision: Decision, as_of: date) -> bool:
    """Record the decision once; False when it was already recorded (same content)."""
    if check_not_amended(store, decision):
        return False
    with store.engine.begin() as conn:
        conn.execute(
            _insert("mechanism_decision", _DECISION_COLUMNS),
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
    store: Store,
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
        found = conn.execute(select(col(DrawRow.id)).where(col(DrawRow.id) == id)).first()
        if found is not None:
            return False
        conn.execute(
            _insert("mechanism_draw", _DRAW_COLUMNS),
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


def draws(store: Store, kind: str | None = None) -> list[dict[str, Any]]:
    """Recorded draws, oldest first, as plain dicts (record decoded)."""
    sql = (
        "SELECT id, kind, cluster, seed, rules_version, made_on, record FROM mechanism_draw"
        + (" WHERE kind = :kind" if kind is not None else "")
        + " ORDER BY recorded_at, id"
    )
    with store.engine.connect() as conn:
        rows = conn.execute(text(sql), {"kind": kind}).all()
    return [
        {
            "id": id_,
            "kind": k,
            "cluster": cluster,
            "seed": seed,
            "rules_version": rules,
            "made_on": made_on if isinstance(made_on, date) else date.fromisoformat(made_on),
            "record": json.loads(record),
        }
        for id_, k, cluster, seed, rules, made_on, record in rows
    ]
