"""The approval form: escalations held for the secretariat, each approved or rejected.

Built from the outbox rows awaiting approval. Prefect has no users, so the form asks who
decides (kept as `decided_by`, as `untoc outbox approve --by` keeps it). Each held
escalation gets a decision (approve, reject, or leave held) and a reason, required to reject.
Decisions are recorded with `notify.outbox.approve`/`reject`, the functions the command
line calls, so the outbox cannot tell where a decision came from except by its author.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import text

APPROVE, REJECT, HOLD = "approve", "reject", "keep held"
_HELD = "SELECT key FROM outbox WHERE status = 'awaiting_approval'"


@dataclass
class Decisions:
    by: str
    approve: list[str] = field(default_factory=list)
    reject: dict[str, str] = field(default_factory=dict)  # key -> why
    problems: list[str] = field(default_factory=list)


def approval_key(held: Sequence[Mapping[str, Any]]) -> str:
    """The suspend key: the held rows it lists (a new row, a new form)."""
    digest = hashlib.sha256("|".join(sorted(r["key"] for r in held)).encode()).hexdigest()
    return f"approval--{digest[:12]}"


def approval_form(held: Sequence[Mapping[str, Any]]) -> type[BaseModel]:
    """One decision and one reason per held escalation, and who decides."""
    fields: dict[str, Any] = {
        "decided_by": (
            str,
            Field(
                ...,
                title="Decided by",
                description="Your name: kept with each decision in the outbox.",
            ),
        )
    }
    for i, row in enumerate(held, 1):
        label = f"{i}. {row['review']} - {row['subject']} - to {row['to']}"
        fields[f"decision_{i}"] = (
            Literal[APPROVE, REJECT, HOLD],  # type: ignore[valid-type]
            Field(HOLD, title=label, description=f"Outbox key {row['key']}"),
        )
        fields[f"reason_{i}"] = (
            str,
            Field("", title=f"{i}. Reason (required to reject)"),
        )
    return create_model(
        "EscalationsAwaitingApproval",
        __config__=ConfigDict(extra="ignore"),
        **fields,
    )


def decisions(
    held: Sequence[Mapping[str, Any]], answer: BaseModel | Mapping[str, Any]
) -> Decisions:
    """What the form's answer decides, row by row."""
    data = answer.model_dump() if isinstance(answer, BaseModel) else dict(answer)
    out = Decisions(by=" ".join(str(data.get("decided_by") or "").split()))
    for i, row in enumerate(held, 1):
        choice = data.get(f"decision_{i}", HOLD)
        why = " ".join(str(data.get(f"reason_{i}") or "").split())
        if choice == APPROVE:
            out.approve.append(row["key"])
        elif choice == REJECT:
            if why:
                out.reject[row["key"]] = why
            else:
                out.problems.append(f"{i}. {row['review']}: a rejection needs a reason; kept held")
    return out


def record_decisions(store: Any, decided: Decisions, at: datetime) -> dict[str, list[str]]:
    """Record the decisions as `untoc outbox approve|reject` records them."""
    from ..notify.outbox import approve, reject
    from ..store.dialect import writing

    approved: list[str] = []
    rejected: list[str] = []
    if not decided.by:
        decided.problems.append("nobody named as deciding: nothing recorded")
        return {"approved": approved, "rejected": rejected}
    # each call is its own transaction, as from `untoc outbox approve|reject`
    with store.engine.connect() as conn:
        # decided meanwhile from the command line: not held any more, left as decided there
        held = set(conn.execute(text(_HELD)).scalars())
    with writing(store.engine.connect()) as conn:
        decided.approve = [k for k in decided.approve if k in held]
        decided.reject = {k: v for k, v in decided.reject.items() if k in held}
        if decided.approve:
            approved = approve(conn, decided.approve, by=decided.by, at=at)
        for key, why in decided.reject.items():
            rejected += reject(conn, [key], why=why, by=decided.by, at=at)
    return {"approved": approved, "rejected": rejected}
