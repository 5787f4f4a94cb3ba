"""Requests for more time: a focal point asks, the secretariat approves or refuses.

An approval records `deadline_extended` through the same path as `untoc record`, with its
basis ("agreed by ... on ..."), and the requester is told by email through the outbox
(one row, delivered like every notice, and shown on the review's page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from ..errors import InputError, Problem
from .access import ReviewParties, may_decide_extension, may_request_extension
from .audit import log_action
from .identity import FOCAL_POINT, Identity
from .mechanism import MechanismView
from .recording import record_event
from .tables import PortalExtensionRow

EXTENSIONS = PortalExtensionRow.__table__  # type: ignore[attr-defined]
REQUESTED, APPROVED, REFUSED = "requested", "approved", "refused"
MAX_REASON = 2000


class NotAllowed(Exception):
    """The person may not do this."""


def extendable_steps(view: MechanismView, review_id: str) -> list[Any]:
    """Open steps with a deadline that an agreement can move (those the definition lets the
    preliminary consultation agree on: `agreed_as`)."""
    state = view.state(review_id)
    if state is None:
        return []
    movable = {s.id for s in view.definition.steps if _movable(s)}
    return [s for s in state.steps if s.is_open and s.deadline and s.step in movable]


def _movable(step: Any) -> bool:
    """The definition says whether a step's deadline may be extended (`extendable`); a
    definition without that flag: the steps whose date the consultation agrees."""
    if hasattr(step, "extendable"):
        return bool(step.extendable)
    return getattr(step, "agreed_as", None) is not None


def request_extension(
    view: MechanismView,
    who: Identity,
    review: ReviewParties,
    step: str,
    due: date,
    reason: str,
    *,
    now: datetime,
    client: str | None,
) -> int:
    """Record a request; InputError says what is wrong with it (nothing recorded then)."""
    if not may_request_extension(who, review):
        raise NotAllowed("request_extension")
    open_steps = {s.step: s for s in extendable_steps(view, review.review)}
    problems = []
    reason = reason.strip()
    if step not in open_steps:
        problems.append(Problem(f"step {step!r} is not open for more time", path="step"))
    elif due <= open_steps[step].deadline.due:
        problems.append(
            Problem(f"the new date must be after {open_steps[step].deadline.due}", path="due")
        )
    if not reason:
        problems.append(Problem("say why more time is needed", path="reason"))
    if len(reason) > MAX_REASON:
        problems.append(Problem(f"at most {MAX_REASON} characters", path="reason"))
    if problems:
        raise InputError(problems)
    mine = who.parties(FOCAL_POINT)
    waiting = open_steps[step].waiting_for
    party = next((p for p in waiting if p in mine), None) or next(
        p for p in (review.reviewed, *review.reviewers) if p in mine
    )
    with view.store.engine.begin() as conn:
        new_id = conn.execute(
            insert(EXTENSIONS).values(
                review_id=review.review,
                step=step,
                party=party,
                requested_by=who.email,
                requested_due=due,
                reason=reason,
                requested_at=now,
                status=REQUESTED,
            )
        ).inserted_primary_key[0]
        log_action(
            conn,
            "extension_requested",
            at=now,
            who=who.email,
            review=review.review,
            detail=f"request {new_id}: {step} to {due.isoformat()}",
            client=client,
        )
    return int(new_id)


def extension_rows(
    conn: Any, *, review_id: str | None = None, open_only: bool = False
) -> list[Any]:
    query = select(EXTENSIONS).order_by(EXTENSIONS.c.id)
    if review_id is not None:
        query = query.where(EXTENSIONS.c.review_id == review_id)
    if open_only:
        query = query.where(EXTENSIONS.c.status == REQUESTED)
    return list(conn.execute(query))


@dataclass(frozen=True)
class Decision:
    request_id: int
    status: str
    review: str
    step: str
    due: date | None
    told: str  # the address told


def decide_extension(
    store: Any,
    request_id: int,
    *,
    approve: bool,
    by: str,
    on: date,
    now: datetime,
    due: date | None = None,
    answer: str | None = None,
    who: Identity | None = None,
    client: str | None = None,
) -> Decision:
    """Approve (recording `deadline_extended`) or refuse a request, and tell the requester.
    `who` is the signed-in person when decided in the portal (checked), None from the CLI."""
    if who is not None and not may_decide_extension(who):
        raise NotAllowed("decide_extension")
    with store.engine.connect() as conn:
        row = conn.execute(select(EXTENSIONS).where(EXTENSIONS.c.id == request_id)).first()
    if row is None:
        raise InputError([Problem(f"no request for more time numbered {request_id}")])
    if row.status != REQUESTED:
        raise InputError(
            [Problem(f"request {request_id} was already {row.status} by {row.decided_by}")]
        )
    granted = due or row.requested_due
    if approve:
        basis = (
            f"agreed by {by} on {on.isoformat()} at the request of {row.party} "
            f"({row.requested_by}): {row.reason}"
        )
        record_event(
            store,
            {
                "on": on.isoformat(),
                "type": "deadline_extended",
                "review": row.review_id,
                "step": row.step,
                "due": granted.isoformat(),
                "basis": basis[:1000],
                "id": f"portal-extension-{request_id}",
            },
            f"request for more time {request_id}",
            on,
        )
    status = APPROVED if approve else REFUSED
    with store.engine.begin() as conn:
        done = conn.execute(
            update(EXTENSIONS)
            .where(EXTENSIONS.c.id == request_id, EXTENSIONS.c.status == REQUESTED)
            .values(
                status=status,
                decided_by=by,
                decided_on=on,
                decided_at=now,
                granted_due=granted if approve else None,
                answer=(answer or "").strip() or None,
            )
        )
        if done.rowcount != 1:
            raise InputError([Problem(f"request {request_id} was decided meanwhile")])
        log_action(
            conn,
            f"extension_{status}",
            at=now,
            who=who.email if who else by,
            review=row.review_id,
            detail=f"request {request_id}: {row.step}"
            + (f" to {granted.isoformat()}" if approve else ""),
            client=client,
        )
    return Decision(
        request_id, status, row.review_id, row.step, granted if approve else None, row.requested_by
    )
