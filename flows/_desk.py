"""The Prefect side of the secretariat's desk: a run's state message, tags and artifacts.

`suspend_with_message` is Prefect's `asuspend_flow_run` (prefect/flow_runs.py, 3.8.8) with
one change: the Suspended state carries a message. Prefect's own function proposes a bare
`Suspended(...)`, and the runs list and the run page show a state's message, not logs.

The async flow engine logs "Finished in state Suspended(...)" at ERROR (flow_engine.py: any
final state but Completed; the sync engine logs it at INFO). A suspended review run is the
normal case, so `quiet_suspension` turns exactly that record into INFO; a Failed or Crashed
run stays an ERROR.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any
from uuid import UUID

import httpx
from prefect import get_client
from prefect._flow_run_suspension import mark_flow_run_suspension_requested
from prefect.context import FlowRunContext
from prefect.exceptions import Abort, Pause
from prefect.input import keyset_from_paused_state
from prefect.input.run_input import run_input_subclass_from_type
from prefect.states import Suspended
from prefect.utilities.engine import propose_state
from pydantic import ValidationError

from untoc_workflow.orchestration.forms import refusal_words


class AnswerRefused(Exception):
    """The stored answer to a run's form does not fit it: the run suspends again saying why."""


class _SuspendedIsNotAnError(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR and str(record.msg).startswith(
            "Finished in state Suspended"
        ):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def quiet_suspension() -> None:
    """Log a run that finished Suspended at INFO (once per process)."""
    logger = logging.getLogger("prefect.flow_runs")
    if not any(isinstance(f, _SuspendedIsNotAnError) for f in logger.filters):
        logger.addFilter(_SuspendedIsNotAnError())


def current_run_id() -> UUID:
    context = FlowRunContext.get()
    assert context is not None and context.flow_run is not None
    return context.flow_run.id


async def suspend_with_message(form: Any, *, key: str, message: str, description: str) -> Any:
    """Suspend the current run under `key` with `message` on its state and `form` as its
    resume form; return the input when this key was answered already (a replay)."""
    flow_run_id = current_run_id()
    form = run_input_subclass_from_type(form)
    proposed = Suspended(timeout_seconds=None, pause_key=key, message=message)
    keyset = keyset_from_paused_state(proposed)
    proposed.state_details.run_input_keyset = keyset
    async with get_client() as client:
        try:
            state = await propose_state(client=client, state=proposed, flow_run_id=flow_run_id)
        except Abort as exc:
            raise RuntimeError(f"Flow run cannot be suspended: {exc}") from exc
        if state.is_running():
            # this key was suspended and answered before: return the stored answer, or say
            # why it does not fit the form (a date the server's schema check let through)
            try:
                return await form.aload(keyset)
            except ValidationError as exc:
                raise AnswerRefused(refusal_words(form, exc)) from None
        if not state.is_paused():
            raise RuntimeError(f"Flow run cannot be suspended: the API answered {state}")
        await _save_form(client, form, keyset, description, flow_run_id)
    mark_flow_run_suspension_requested(flow_run_id, state)
    raise Pause(state=state)


async def _save_form(
    client: Any, form: Any, keyset: Any, description: str, flow_run_id: UUID
) -> None:
    """Save the form's schema, then its description (the UI's signal that the form is
    complete). A run re-executed after a crash between the two finds the first saved: a
    409 "already exists" there is that earlier save, not an error (it failed runs at load)."""
    from prefect._internal.pydantic.v2_schema import create_v2_schema

    schema = create_v2_schema(form.__name__, model_base=form)
    for key, value in ((keyset["schema"], schema), (keyset["description"], description)):
        try:
            await client.create_flow_run_input(
                flow_run_id=flow_run_id, key=key, value=json.dumps(value)
            )
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 409:
                raise


async def show_on_run(name: str, tags: list[str]) -> None:
    """Name and tag the current run: the runs list shows a run's name and tags, not its
    state message, so the name carries the message and the tags follow the review."""
    async with get_client() as client:
        await client.update_flow_run(current_run_id(), name=name, tags=tags)


async def publish_markdown(key: str, markdown: str, description: str) -> bool:
    """A new version of artifact `key` when its text changed (a replay publishes nothing);
    True when one was created."""
    from prefect.artifacts import acreate_markdown_artifact
    from prefect.client.schemas.filters import ArtifactCollectionFilter, ArtifactCollectionFilterKey

    async with get_client() as client:
        latest = await client.read_latest_artifacts(
            artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=[key])),
            limit=1,
        )
    if latest and latest[0].data == markdown:
        return False
    await acreate_markdown_artifact(markdown=markdown, key=key, description=description)
    return True


def publish_boards(store: Any, definition: Any, as_of: date) -> dict[str, int]:
    """The desk's three tables as of `as_of`, as table artifacts of the current run (a new
    version each run: the sweep's date is the point). Returns the rows in each."""
    from prefect.artifacts import create_table_artifact

    from untoc_workflow.core import mechanism_states
    from untoc_workflow.orchestration.boards import (
        awaiting_approval,
        due_soon,
        in_lines,
        late_reviews,
        un_date,
    )

    snapshot = store.snapshot()
    states = mechanism_states(definition, snapshot, as_of, notifications=False)
    tables = {
        "late-reviews": (
            in_lines(late_reviews(states, definition, snapshot.parties)),
            f"Every step past its deadline on {un_date(as_of)}, the latest first",
        ),
        "due-soon": (
            in_lines(due_soon(states, definition, snapshot.parties, as_of)),
            f"Deadlines in the 30 days from {un_date(as_of)}",
        ),
        "awaiting-approval": (
            awaiting_approval(store, definition=definition),
            "Escalations held for the secretariat's approval (the approval flow asks for them)",
        ),
    }
    for key, (rows, description) in tables.items():
        create_table_artifact(
            rows or [{"none": "nothing to show"}], key=key, description=description
        )
    return {key: len(rows) for key, (rows, _) in tables.items()}


APPROVAL_DEPLOYMENT = "escalation-approval/escalation-approval"


def approval_run_name(day: date) -> str:
    """The approval run's name: its date (the runs list shows names; a random one says
    nothing)."""
    return f"escalations for approval, {day.isoformat()}"


def ask_for_approval(held: int, day: date | None = None) -> str | None:
    """Start a run of the approval flow, named after `day` (default today), when
    escalations are held and none is waiting or about to run; returns what happened, in
    words (None when nothing was held)."""
    if not held:
        return None
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(APPROVAL_DEPLOYMENT)
        except ObjectNotFound:
            return f"{held} escalation(s) held; no {APPROVAL_DEPLOYMENT} deployment to ask"
        live = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(
                        any_=[
                            StateType.PAUSED,
                            StateType.RUNNING,
                            StateType.SCHEDULED,
                            StateType.PENDING,
                        ]
                    )
                )
            ),
            limit=1,
        )
        if live:
            return f"{held} escalation(s) held; approval run {live[0].name} is open"
        run = client.create_flow_run_from_deployment(
            deployment.id, name=approval_run_name(day or date.today())
        )
        return f"{held} escalation(s) held; approval run {run.name} started"
