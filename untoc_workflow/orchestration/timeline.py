"""A review's timeline as markdown: the artifact `review-<id>` its run keeps in the Prefect UI.

Every step with its deadline and where the deadline comes from, every fact with who recorded
it, and the notices the outbox holds for the review. Built from the same review snapshot the
run folds (its own events only) and one query of the outbox by review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from ..core.model import Event
from .desk import (
    deadline_source,
    party_names,
    review_definition,
    step_label,
    stored_date,
    un_date,
)
from .facts import split_recorder
from .own_words import fact_words, numbered, review_word, reviewed_word, reviewer_word, stage_words
from .position import Position

if TYPE_CHECKING:
    from ..definitions.catalog import Definitions
    from ..store.store import Store

# the outbox's kind of the go-live letters (notify/sweep.py's OPENING_KIND; notify is not
# imported here: the orchestration reads its tables only)
OPENING_KIND = "opening"

_STATUS = {
    "not_started": "not started",
    "open": "open",
    "completed": "done",
    "waived": "waived",
}


def artifact_key(review_id: str) -> str:
    """Prefect artifact keys allow lower-case letters, digits and dashes only."""
    safe = "".join(c if c.isalnum() else "-" for c in review_id.lower())
    return f"review-{safe}"


def review_notices(store: Store, review_id: str) -> list[dict[str, Any]]:
    """The notices of one review, oldest first, with the state of the message carrying each
    (one message per recipient per day carries the notices of several reviews: the ledger
    `outbox_notice` says which)."""
    sql = text(
        "SELECT n.due_on, n.step, n.rung, n.role, n.party, o.recipient_name, o.status,"
        " o.sent_at, n.copy_only"
        " FROM outbox_notice n JOIN outbox o ON o.key = n.outbox_key"
        " WHERE n.review_id = :review ORDER BY n.due_on, n.id"
    )
    # The go-live letters carry no notice of their own (the ledger has no row for them): a
    # letter to one of the review's Parties lists the review's outstanding steps by its id.
    opening = text(
        "SELECT o.due_on, '' AS step, 'go-live letter' AS rung, o.role, o.party,"
        " o.recipient_name, o.status, o.sent_at, o.copy_only"
        " FROM outbox o WHERE o.kind = :kind AND o.body_text LIKE :listed ESCAPE '!'"
        " ORDER BY o.due_on, o.id"
    )
    listed = "%" + review_id.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sql, {"review": review_id})]
        letters = conn.execute(opening, {"kind": OPENING_KIND, "listed": listed})
        rows += [dict(r._mapping) for r in letters]
    return sorted(rows, key=lambda r: str(r["due_on"]))


def _fact_line(e: Event, parties: Mapping[str, Any], own: Any) -> str:
    note, who = split_recorder(e.note)
    what = fact_words(own, e.type)  # its title in the review's process, not its id
    if e.party:
        what += f" ({party_names([e.party], parties)})"
    extra = f" - {note}" if note else ""
    return f"| {un_date(e.on)} | {what}{extra} | {who or ''} |"


def timeline_markdown(
    position: Position,
    definition: Definitions,
    parties: Mapping[str, Any],
    events: Sequence[Event],
    notices: Sequence[Mapping[str, Any]],
    message: str,
) -> str:
    """The markdown of the review's artifact."""
    state = position.state
    own = review_definition(definition, state)
    # the review's own words: its Parties' roles, its group and cluster if it is numbered in
    # any, its stage by its title
    where = [
        f"{label} {n}"
        for label, n in (("Group", state.group), ("cluster", state.cluster))
        if numbered(n)
    ]
    lines = [
        f"# {position.review}: {party_names([state.reviewed], parties)}",
        "",
        f"{review_word(own, cap=True)} of {party_names([state.reviewed], parties)} "
        f"({reviewed_word(own)}). "
        f"{reviewer_word(own, count=len(state.reviewers), cap=True)}: "
        f"{party_names(list(state.reviewers), parties)}. "
        + (", ".join(where) + "; " if where else "")
        + f"stage: {stage_words(own, state.stage)}.",
        "",
        f"**Now** ({un_date(position.as_of)}): {message}",
        "",
        "## Steps",
        "",
        "| step | status | deadline | source | done on | waiting for |",
        "|---|---|---|---|---|---|",
    ]
    for s in state.steps:
        d = s.deadline
        lines.append(
            f"| {step_label(definition, state, s.step)} | {_STATUS.get(s.status, s.status)} "
            f"| {un_date(d.due) if d else ''} | {deadline_source(d, own) if d else ''} "
            f"| {un_date(s.completed_on) if s.completed_on else ''} "
            f"| {party_names(list(s.waiting_for), parties) if s.is_open else ''} |"
        )
    lines += ["", "## Facts", "", "| date | fact | recorded by |", "|---|---|---|"]
    lines += [_fact_line(e, parties, own) for e in events] or ["| | none yet | |"]
    lines += ["", "## Notices", ""]
    if notices:
        lines += ["| due on | step | rung | to | status |", "|---|---|---|---|---|"]
        for n in notices:
            to = n["recipient_name"] or n["role"]
            if n["copy_only"]:
                to += " (copy)"
            step = (
                step_label(definition, state, n["step"]) if n["step"] else "every step outstanding"
            )
            day = stored_date(n["due_on"])
            lines.append(f"| {day} | {step} | {n['rung']} | {to} | {n['status']} |")
    else:
        lines.append("No notice recorded for this review yet.")
    return "\n".join(lines) + "\n"
