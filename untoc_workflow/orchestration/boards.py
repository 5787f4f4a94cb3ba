"""The morning's tables on the desk: what is late, what falls due soon, what awaits approval.

The sweep and digest runs publish them as Prefect table artifacts (`late-reviews`,
`due-soon`, `awaiting-approval`): rows of plain strings and numbers, in the domain's words.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from .desk import (
    deadline_source,
    party_names,
    review_definition,
    step_label,
    stored_date,
    un_date,
)

if TYPE_CHECKING:
    from ..core.state import ReviewState
    from ..definitions.catalog import Definitions
    from ..store.store import Store

DUE_SOON_DAYS = 30
# Prefect's UI draws each cell of a table artifact on one line (white-space: nowrap), from
# markdown, where a line break starts a new line. On one line each, the seven columns of
# the late steps took 1,308 pixels: their last two were out of view on a 1,280-pixel screen
# beside the UI's sidebar (273). Their texts are cut into lines of at most WRAP characters.
WRAP = 16
WRAPPED = ("step", "awaited", "reviewed", "source")


def _row(
    state: ReviewState, step: Any, definition: Definitions, parties: Mapping[str, Any]
) -> dict[str, Any]:
    # The columns in the order the officer reads them: which review, how late, at what;
    # then the detail. The UI draws them left to right as the keys come.
    d = step.deadline
    return {
        "review": state.review,
        "days overdue": (state.as_of - d.due).days,
        "step": step_label(definition, state, step.step),
        "deadline": un_date(d.due),
        "awaited": party_names(list(step.waiting_for), parties),
        "reviewed": party_names([state.reviewed], parties),
        "source": deadline_source(d, review_definition(definition, state)),
    }


def late_reviews(
    states: Mapping[str, ReviewState], definition: Definitions, parties: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every open step past its deadline, of every review: the latest first."""
    rows = [
        _row(state, s, definition, parties)
        for state in states.values()
        for s in state.steps
        if s.is_open and s.deadline is not None and s.deadline.due < state.as_of
    ]
    return sorted(rows, key=lambda r: (-r["days overdue"], r["review"], r["step"]))


def due_soon(
    states: Mapping[str, ReviewState],
    definition: Definitions,
    parties: Mapping[str, Any],
    as_of: date,
    days: int = DUE_SOON_DAYS,
) -> list[dict[str, Any]]:
    """Every open step whose deadline falls in the next `days` days (today included)."""
    until = as_of + timedelta(days=days)
    rows = []
    for state in states.values():
        for s in state.steps:
            if s.is_open and s.deadline is not None and as_of <= s.deadline.due <= until:
                row = _row(state, s, definition, parties)
                # the same place as "days overdue" in the late table
                rows.append({k if k != "days overdue" else "days left": v for k, v in row.items()})
                rows[-1]["days left"] = -row["days overdue"]
    return sorted(rows, key=lambda r: (r["days left"], r["review"], r["step"]))


def in_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as the desk shows them: the long texts on lines of at most WRAP characters
    (a word longer than that keeps its own line)."""
    return [{k: _wrapped(v) if k in WRAPPED else v for k, v in row.items()} for row in rows]


def _wrapped(text: str) -> str:
    lines = textwrap.wrap(text, WRAP, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines)


def awaiting_approval(
    store: Store, *, with_text: bool = False, definition: Definitions | None = None
) -> list[dict[str, Any]]:
    """Escalations held for the secretariat's approval (outbox rows awaiting_approval);
    with `with_text`, each letter's text too (what the approval form shows to be signed).
    With `definition` (the catalog), each step by its title in its review's process."""
    sql = text(
        "SELECT o.key, o.review_id, o.step, o.rung, o.role, o.recipient_name, o.recipient,"
        " o.subject, o.due_on, o.body_text, r.process, r.process_version"
        " FROM outbox o LEFT JOIN review r ON r.id = o.review_id"
        " WHERE o.status = 'awaiting_approval' ORDER BY o.review_id, o.due_on, o.id"
    )
    with store.engine.connect() as conn:
        rows = conn.execute(sql).all()
    return [
        {
            "key": r.key,
            "review": r.review_id or "",
            "step": _step_title(definition, r.process, r.process_version, r.step),
            "to": f"{r.recipient_name} <{r.recipient}>" if r.recipient_name else r.recipient,
            "subject": r.subject,
            "due on": stored_date(r.due_on),
            **({"text": r.body_text} if with_text else {}),
        }
        for r in rows
    ]


def _step_title(definition: Any, process: str | None, version: int | None, step: str | None) -> str:
    """A held letter's step by its title in its review's process (its id when the process
    or the step is not loaded; nothing for a letter of no step)."""
    if not step:
        return ""
    if definition is None or not process:
        return step.replace("_", " ")
    from ..definitions.catalog import ProcessCatalog
    from ..errors import InputError

    try:
        own = (
            definition.resolve(process, version)
            if isinstance(definition, ProcessCatalog)
            else definition
        )
        return str(own.step(step).label())
    except (InputError, KeyError, StopIteration):
        return step.replace("_", " ")
