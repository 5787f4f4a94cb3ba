"""Replacing runs: each replaced run keeps its own review's name, and a start for some
reviews counts only those reviews' runs. Against the session's real Prefect server, on a
deployment no runner serves (the runs stay Scheduled until the test ends them)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

DEPLOYMENT = "country-review/names-test"


def _review(review_id: str) -> Any:
    reviewed = review_id.rsplit("-", 1)[1]
    return SimpleNamespace(
        id=review_id,
        group="G1",
        cluster=9,
        reviewed=reviewed,
        reviewers=[],
        process="country_review",
        process_version=1,
    )


@pytest.fixture(scope="module")
def deployment(prefect_api: str) -> str:
    from prefect import get_client

    async def create() -> None:
        async with get_client() as client:
            flow_id = await client.create_flow_from_name("country-review")
            await client.create_deployment(flow_id=flow_id, name="names-test")

    asyncio.run(create())
    return DEPLOYMENT


async def _end(run_id: Any, state: Any) -> None:
    from prefect import get_client

    async with get_client() as client:
        await client.set_flow_run_state(run_id, state, force=True)


async def _names(run_ids: list[Any]) -> list[str]:
    from prefect import get_client

    async with get_client() as client:
        return [(await client.read_flow_run(i)).name for i in run_ids]


def test_two_runs_replaced_at_once_each_keep_their_own_reviews_name(deployment):
    from prefect.states import Cancelled, Failed

    from untoc_workflow.orchestration.runs import start_review_runs

    ale, bel, cyp = (_review(f"N9-G1-{p}") for p in ("ALE", "BEL", "CYP"))
    first = start_review_runs([ale, bel, cyp], deployment=deployment)
    assert set(first.started) == {ale.id, bel.id, cyp.id}
    asyncio.run(_end(first.started[ale.id], Failed(message="worker died")))
    asyncio.run(_end(first.started[bel.id], Cancelled(message="by hand")))

    again = start_review_runs([ale, bel], deployment=deployment)

    assert set(again.started) == {ale.id, bel.id}
    old = asyncio.run(_names([first.started[ale.id], first.started[bel.id]]))
    assert old == [f"{ale.id} (failed, replaced)", f"{bel.id} (cancelled, replaced)"]
    # CYP's live run is not one of the reviews asked for: not counted as "already has one"
    assert again.already == {}


def test_a_start_for_one_review_counts_only_that_reviews_run(deployment):
    from untoc_workflow.orchestration.runs import start_review_runs

    dan, est = _review("N9-G1-DAN"), _review("N9-G1-EST")
    start_review_runs([dan, est], deployment=deployment)

    again = start_review_runs([dan], deployment=deployment)

    assert again.started == {}
    assert list(again.already) == [dan.id]


def test_the_approval_run_the_sweep_starts_is_named_after_the_sweeps_date(prefect_api, monkeypatch):
    from datetime import date

    from prefect import get_client

    import flows._desk as desk

    async def create() -> None:
        async with get_client() as client:
            flow_id = await client.create_flow_from_name("escalation-approval")
            await client.create_deployment(flow_id=flow_id, name="names-test")

    asyncio.run(create())
    monkeypatch.setattr(desk, "APPROVAL_DEPLOYMENT", "escalation-approval/names-test")
    said = desk.ask_for_approval(2, date(2022, 6, 20))
    assert said == "2 escalation(s) held; approval run escalations for approval, 2022-06-20 started"


def test_a_resume_answered_503_database_is_locked_is_asked_again(prefect_api, monkeypatch):
    import uuid

    import httpx
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.responses import SetStateStatus, StateAcceptDetails
    from prefect.states import State

    from untoc_workflow.orchestration.runs import aresume_with_fact

    calls: list[dict] = []

    async def busy_then_accept(self, flow_run_id, run_input=None):  # noqa: ANN001
        calls.append(run_input)
        if len(calls) < 3:
            request = httpx.Request("POST", f"{prefect_api}/flow_runs/{flow_run_id}/resume")
            response = httpx.Response(503, request=request, text="database is locked")
            raise httpx.HTTPStatusError("503", request=request, response=response)
        from prefect.client.schemas.responses import OrchestrationResult

        return OrchestrationResult(
            state=State(type=StateType.RUNNING),
            status=SetStateStatus.ACCEPT,
            details=StateAcceptDetails(),
        )

    monkeypatch.setattr(PrefectClient, "resume_flow_run", busy_then_accept)
    asyncio.run(aresume_with_fact(uuid.uuid4(), {"on": "2021-05-20", "fact": "x"}))
    assert len(calls) == 3
    assert calls[-1] == {"on": "2021-05-20"}  # the fact's type is not a field of any form
