"""Requests for more time: a focal point asks, the secretariat approves or refuses.

An approval records `deadline_extended` through the same path as `untoc record`, with its
basis ("agreed by ... on ..."), and the requester is told by email through the outbox
(one row, delivered like every notice, and shown on the review's page).

An extension only lengthens a deadline, and only within the Mechanism's bounds, checked when
asked and again when approved: the step is open; the new date is after the step's current
deadline and after the day of the request (or approval); it is no later than the review's
start plus `HORIZON_YEARS` (no review runs that long; 2199-12-31 is a typing error, not a
plan); one request per step awaits a decision at a time; only a Party the step waits for may
ask (a reviewer does not move the reviewed Party's SAQ).
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
# The latest date a deadline may be moved to, counted from the review's start: a review of
# the Mechanism runs a few years; ten is past any plausible one.
HORIZON_YEARS = 10


class NotAllowed(Exception):
    """The person may not do this."""


def extendable_steps(view: MechanismView, review_id: str) -> list[Any]:
    """Open steps with a deadline that an agreement can move (those the definition lets the
    preliminary consultation agree on: `agreed_as`)."""
    state = view.state(review_id)
    if state is None:
        return []
    # the steps of the review's own (process, version), never another process's
    own = view.definition_of(review_id)
    movable = {s.id for s in getattr(own, "steps", ()) if _movable(s)}
    return [s for s in state.steps if s.is_open and s.deadline and s.step in movable]


def _movable(step: Any) -> bool:
    """The definition says whether a step's deadline may be extended (`extendable`); a
    definition without that flag: the steps whose date the consultation agrees."""
    if hasattr(step, "extendable"):
        return bool(step.extendable)
    return getattr(step, "agreed_as", None) is not None


def horizon(review_start: date) -> date:
    """The latest deadline a review may have: its start plus HORIZON_YEARS."""
    try:
        return review_start.replace(year=review_start.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return review_start.replace(year=review_start.year + HORIZON_YEARS, day=28)


def date_problems(
    view: MechanismView, review_id: str, step: str, due: date, on: date
) -> list[Problem]:
    """What makes `due` no new deadline for `step` of the review on `on`: the step is not
    open (or has no movable deadline), or the date does not lengthen it, is past, or is
    beyond the review's horizon. Empty when it may be granted."""
    open_steps = {s.step: s for s in extendable_steps(view, review_id)}
    current = open_steps.get(step)
    if current is None:
        title = view.step_title(step, "en", review_id)
        return [Problem(f"the step {title!r} is not open for more time", path="step")]
    problems = []
    if due <= current.deadline.due:
        problems.append(
            Problem(f"the new date must be after {current.deadline.due.isoformat()}", path="due")
        )
    elif due <= on:
        problems.append(Problem(f"the new date must be after {on.isoformat()}", path="due"))
    review = view.fold().snapshot.reviews.get(review_id)
    latest = horizon(review.starts_on) if review is not None else None
    if latest is not None and due > latest:
        problems.append(
            Problem(
                f"the new date must be no later than {latest.isoformat()} "
                f"({HORIZON_YEARS} years after the review started)",
                path="due",
            )
        )
    return problems


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
    """Record a request; InputError says what is wrong with it (nothing recorded then),
    NotAllowed when the person's Party is not one the step waits for."""
    if not may_request_extension(who, review):
        raise NotAllowed("request_extension")
    open_steps = {s.step: s for s in extendable_steps(view, review.review)}
    waiting = open_steps[step].waiting_for if step in open_steps else None
    if waiting is not None and not may_request_extension(who, review, waiting):
        raise NotAllowed("request_extension")
    reason = reason.strip()
    today = view.today()
    problems = date_problems(view, review.review, step, due, today)
    if not reason:
        problems.append(Problem("say why more time is needed", path="reason"))
    if len(reason) > MAX_REASON:
        problems.append(Problem(f"at most {MAX_REASON} characters", path="reason"))
    if problems:
        raise InputError(problems)
    assert waiting is not None
    mine = who.parties(FOCAL_POINT)
    party = next(p for p in waiting if p in mine)
    with view.store.engine.begin() as conn:
        pending = conn.execute(
            select(EXTENSIONS.c.id).where(
                EXTENSIONS.c.review_id == review.review,
                EXTENSIONS.c.step == step,
                EXTENSIONS.c.status == REQUESTED,
            )
        ).first()
        if pending is not None:
            raise InputError(
                [
                    Problem(
                        f"request {pending.id} for this step awaits the secretariat's decision",
                        path="step",
                    )
                ]
            )
        new_id = conn.execute(
            insert(EXTENSIONS).values(
                review_id=review.review,
                step=step,
                party=party,
                requested_by=who.email,
                requested_due=due,
                reason=reason,
                # dated by the portal's day (its --as-of), as the approval is: the answer
                # names the day of the request; the clock gives only the time of day
                requested_at=datetime.combine(today, now.time()),
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
    view: MechanismView,
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
    `by` is the person who decides (recorded in the basis and the log); `who` the signed-in
    person when decided in the portal (checked), None from the command line. An approval
    is checked again on its day `on` (the view's date): InputError, nothing changed, when
    the step is no longer open or the date no longer lengthens its deadline."""
    if who is not None and not may_decide_extension(who):
        raise NotAllowed("decide_extension")
    store = view.store
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
        with view.pinned():
            problems = date_problems(view, row.review_id, row.step, granted, on)
        if problems:
            raise InputError(problems, title=f"request {request_id} cannot be approved")
        basis = (
            f"agreed by {by} for the secretariat on {on.isoformat()} at the request of {row.party} "
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
