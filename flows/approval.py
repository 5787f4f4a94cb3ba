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
    return f"escalations for approval, {date.today()}"


@flow(name=APPROVAL_FLOW, flow_run_name=_run_name, persist_result=True, log_prints=False)
async def escalation_approval() -> dict[str, Any]:
    """Ask the secretariat to approve or reject every escalation held for approval."""
    logger = get_run_logger()
    store = _store.store()
    held = awaiting_approval(store)
    if not held:
        logger.info("no escalation awaits approval")
        return {"held": 0}
    n = len(held)
    message = f"{n} escalation{'s' if n != 1 else ''} await{'s' if n == 1 else ''} approval"
    answer = await _desk.suspend_with_message(
        approval_form(held),
        key=approval_key(held),
        message=message,
        description=f"**{message}.** Approve or reject each (a rejection needs a reason); "
        "an escalation kept held stays in the outbox, unsent, for a later decision.",
    )
    decided = decisions(held, answer)
    for problem in decided.problems:
        logger.warning(problem)
    done = record_decisions(store, decided, datetime.now(UTC))
    logger.info(
        "%d approved, %d rejected by %s; %d kept held",
        len(done["approved"]),
        len(done["rejected"]),
        decided.by,
        n - len(done["approved"]) - len(done["rejected"]),
    )
    return {"held": n, **{k: len(v) for k, v in done.items()}, "by": decided.by}
