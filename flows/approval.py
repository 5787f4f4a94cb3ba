"""Escalations held for approval, decided in the Prefect UI.

A run lists the outbox rows awaiting approval in a form and suspends; the secretariat
approves or rejects each (a reason to reject) and names itself; the decisions are recorded
as `untoc outbox approve|reject` records them, and delivery sends the approved ones at the
next sweep. A run with nothing held completes at once. The daily sweep starts one when it
leaves escalations held and no approval run is waiting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger

from flows import _desk, _store
from untoc_workflow.orchestration.approval import (
    approval_form,
    approval_key,
    decisions,
    record_decisions,
)
from untoc_workflow.orchestration.boards import awaiting_approval

APPROVAL_FLOW = "escalation-approval"

_desk.quiet_suspension()


def _run_name() -> str:
    # the sweep names the run after its own date (a catch-up sweeps an earlier day): kept;
    # a run started by hand is named after today
    from prefect.runtime import flow_run

    given = str(flow_run.name or "")
    return (
        given
        if given.startswith("escalations for approval")
        else (_desk.approval_run_name(date.today()))
    )


@flow(name=APPROVAL_FLOW, flow_run_name=_run_name, persist_result=True, log_prints=False)
@_store.refuses_cleanly
async def escalation_approval() -> dict[str, Any]:
    """Ask the secretariat to approve or reject every escalation held for approval; a form
    answered with a rejection and no reason (or a letter left without a decision) is asked
    again, with the letters still held, saying why."""
    logger = get_run_logger()
    store = _store.store()
    totals: dict[str, Any] = {"held": 0, "approved": 0, "rejected": 0, "by": None}
    attempt, problems = 0, []
    while True:
        held = awaiting_approval(store, with_text=True, definition=_store.definition())
        if not held:
            if not totals["held"]:
                logger.info("no escalation awaits approval")
            return totals
        totals["held"] = max(totals["held"], len(held))
        n = len(held)
        message = f"{n} escalation{'s' if n != 1 else ''} await{'s' if n == 1 else ''} approval"
        if problems:
            message = f"Not recorded: {'; '.join(problems)}. {message}"
        try:
            answer = await _desk.suspend_with_message(
                approval_form(held),
                key=approval_key(held, attempt),
                message=message,
                description=f"**{message}.** Approve or reject each letter (a rejection "
                "needs a reason), or approve them all; a letter kept held stays in the "
                "outbox, unsent, for a later decision.",
            )
        except _desk.AnswerRefused as exc:
            attempt, problems = attempt + 1, [str(exc)]
            continue
        decided = decisions(held, answer)
        done = record_decisions(store, decided, datetime.now(UTC))
        totals["approved"] += len(done["approved"])
        totals["rejected"] += len(done["rejected"])
        totals["by"] = decided.by
        logger.info(
            "%d approved, %d rejected by %s",
            len(done["approved"]),
            len(done["rejected"]),
            decided.by,
        )
        if not decided.problems:
            return totals
        # asked again: the letters still held, in a new form, with what was wrong
        for problem in decided.problems:
            logger.warning(problem)
        attempt, problems = attempt + 1, list(decided.problems)
