"""One long-running flow run per review, suspended at the human step it waits for.

The body rebuilds the review's position from the event log on every execution: Prefect
re-executes a resumed run from the top, and an already-answered suspend key returns its
stored input at once, so a replay only re-derives what the log says and re-records nothing
(facts get the store's content id). It reads only its own review's events and its Parties'
focal points (`review_snapshot`), never the whole log.

What the secretariat sees: the Suspended state's message says the step, the deadline and
its source, the days overdue and who is awaited; the tags carry role, step and lateness;
the artifact `review-<id>` keeps the timeline (a new version when the position changes).
A fact the review is not waiting for is refused: the run suspends again under the next
attempt's key, its message and its next form saying why.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger

from flows import _desk, _store
from untoc_workflow.orchestration import (
    FLOW_NAME,
    record_fact,
    resume_form,
    review_position,
    review_snapshot,
    run_name,
    run_tags,
    state_message,
)
from untoc_workflow.orchestration.forms import chosen_fact
from untoc_workflow.orchestration.own_words import review_word
from untoc_workflow.orchestration.runs import aresume_waiting_runs
from untoc_workflow.orchestration.timeline import artifact_key, review_notices, timeline_markdown

_desk.quiet_suspension()


def _today() -> date:
    # The flow's one clock: the date a fact may not be later than, the form's default date.
    return date.today()


async def _show(position: Any, definition: Any, snapshot: Any, message: str) -> None:
    """Tags and timeline artifact of the run, for the position it suspends at."""
    store = _store.store()
    await _desk.show_on_run(run_name(position.review, message), run_tags(position))
    markdown = timeline_markdown(
        position,
        definition,
        snapshot.parties,
        snapshot.events,
        review_notices(store, position.review),
        message,
    )
    await _desk.publish_markdown(
        artifact_key(position.review),
        markdown,
        f"Timeline of {review_word(position.definition)} {position.review}",
    )


@flow(name=FLOW_NAME, persist_result=True, log_prints=False)
@_store.refuses_cleanly
async def country_review(review_id: str) -> dict[str, Any]:
    """Follow one review, of whichever process and version it runs, from the event log:
    suspended at the step it waits for, until its process's last step is done."""
    logger = get_run_logger()
    store, definition = _store.store(), _store.definition()
    attempt, seen, refused = 0, None, None
    while True:
        today = _today()
        snapshot = review_snapshot(store, review_id)
        position = review_position(definition, snapshot, review_id, today)
        # the review's own process and version: its steps' titles and its facts' forms
        own = position.definition
        if position.complete:
            message = state_message(position, own, snapshot.parties)
            await _show(position, own, snapshot, message)
            logger.info("review %s is complete (stage %s)", review_id, position.state.stage)
            return {"review": review_id, "stage": position.state.stage}
        if position.fingerprint != seen:
            attempt, seen, refused = 0, position.fingerprint, None
        message = state_message(position, own, snapshot.parties, refused=refused)
        await _show(position, own, snapshot, message)
        logger.info("%s: %s", review_id, message)
        form = resume_form(position, snapshot.parties, today)
        why = f"\n\n**The last entry was not recorded:** {refused}." if refused else ""
        try:
            answer = await _desk.suspend_with_message(
                form,
                key=position.key(attempt),
                message=message,
                description=f"**{review_id}** - {message}.{why}\n\n"
                "Enter the fact to record it in the event log and move the review on"
                + (" (choose the open step it completes)." if "step" in form.model_fields else "."),
            )
        except _desk.AnswerRefused as exc:
            # nothing recorded: the run stays at this step under the next attempt's key
            logger.warning("not recorded for review %s: %s", review_id, exc)
            attempt, refused = attempt + 1, str(exc)
            continue
        chosen = chosen_fact(position, snapshot.parties, today, answer)
        if isinstance(chosen, str):
            # the server checked the form's schema; the chosen step's own form said no
            logger.warning("not recorded for review %s: %s", review_id, chosen)
            attempt, refused = attempt + 1, chosen
            continue
        at, fact = chosen
        outcome = record_fact(store, at, fact, today)
        if outcome.refused:
            # The run stays at this step: it suspends again under the next attempt's key.
            logger.warning("not recorded for review %s: %s", review_id, outcome.refused)
            attempt, refused = attempt + 1, outcome.refused
        elif outcome.recorded:
            who = f" by {fact.recorded_by}" if fact.recorded_by else ""
            logger.info("recorded %s for review %s on %s%s", fact.kind, review_id, fact.on, who)
            if "review" not in outcome.event:
                # A Party's fact (its focal point) concerns every review of the Party: the
                # other runs waiting for it move on too, as after `untoc record`.
                others = await aresume_waiting_runs(None, outcome.event)
                if others:
                    logger.info("%d other run(s) of the Party resumed", len(others))
        else:
            logger.info("%s for review %s was already in the event log", fact.kind, review_id)


def serve_reviews(*, limit: int | None = None) -> None:
    """Serve the country-review deployment from this process (the embedded default)."""
    from flows.serve import review_runs_description

    # no tag: each run carries its own process's (flows/serve.py says why)
    country_review.serve(name=FLOW_NAME, limit=limit, description=review_runs_description())


if __name__ == "__main__":
    serve_reviews()
