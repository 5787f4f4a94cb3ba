"""One long-running flow run per country review, suspended at the human step it waits for.

The body rebuilds the review's position from the event log on every execution: Prefect
re-executes a resumed run from the top, and an already-answered suspend key returns its
stored input at once, so a replay only re-derives what the log says and re-records nothing
(facts get the store's content id). A fact for a step the review is not waiting for is
refused in the run's log and the run suspends again under a new key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput

from flows import _store
from untoc_workflow.orchestration import FLOW_NAME, fact_model, record_fact, review_position


def _today() -> date:
    # The flow's one clock: the date a fact may not be later than.
    return date.today()


@flow(name=FLOW_NAME, persist_result=True, log_prints=False)
async def country_review(review_id: str) -> dict[str, Any]:
    """Follow review `review_id` until its observations are agreed."""
    logger = get_run_logger()
    store, definition = _store.store(), _store.definition()
    attempt, seen = 0, None
    while True:
        today = _today()
        position = review_position(definition, store.snapshot(), review_id, today)
        if position.complete:
            logger.info("review %s is complete (stage %s)", review_id, position.state.stage)
            return {"review": review_id, "stage": position.state.stage}
        if position.fingerprint != seen:
            attempt, seen = 0, position.fingerprint
        step = position.step_state
        assert step is not None and position.fact is not None
        due = f", due {step.deadline.due} ({step.deadline.source})" if step.deadline else ""
        waiting = f", waiting for {', '.join(step.waiting_for)}" if step.waiting_for else ""
        logger.info("review %s waits at %s%s%s", review_id, position.step, due, waiting)
        form = RunInput.subclass_from_base_model_type(fact_model(position.fact))
        step_title = definition.step(position.step).label()
        form = form.with_initial_data(
            description=f"**{review_id}** waits for *{step_title}*{due}{waiting}. "
            "Enter the fact to record it in the event log and move the review on."
        )
        fact = await suspend_flow_run(
            wait_for_input=form,
            timeout=None,
            key=position.key(attempt),
        )
        outcome = record_fact(store, position, fact, today)
        if outcome.refused:
            # The run stays suspended: the next suspend uses a new key for this position.
            logger.warning("fact refused for review %s: %s", review_id, outcome.refused)
            attempt += 1
        elif outcome.recorded:
            logger.info("recorded %s for review %s on %s", fact.fact, review_id, fact.on)
        else:
            logger.info("%s for review %s was already in the event log", fact.fact, review_id)


def serve_reviews(*, limit: int | None = None) -> None:
    """Serve the country-review deployment from this process (the embedded default)."""
    country_review.serve(name=FLOW_NAME, limit=limit, tags=["untoc"])


if __name__ == "__main__":
    serve_reviews()
