"""Runs a dead worker stranded come back: a country-review run left Pending or Running is
marked Crashed and replaced by one live run; an orphaned sweep run is marked Crashed and
frees the deployment's one slot for the next sweep. Against the session's real Prefect
server, on deployments no worker serves: the test claims runs as a worker would (Pending,
through the server's orchestration rules) and then never starts them, as a SIGKILLed worker
leaves them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

OWN_DEPLOYMENTS = (
    "country-review/stranded-test",
    "country-review/refresh-test",
    "daily-sweep/stranded-test",
)


@pytest.fixture(autouse=True)
def _ends_its_runs(prefect_api: str) -> Iterator[None]:
    """The runs this module leaves live on its own deployments (scheduled, which nobody
    serves) are ended after each test: the session's server is shared, and a review's live
    run is one `untoc flows start-reviews` of a later test would leave alone."""
    yield
    import httpx

    from .conftest import basic_auth, end_live_runs

    with httpx.Client(base_url=prefect_api, timeout=30, auth=basic_auth()) as http:
        ours = set()
        for name in OWN_DEPLOYMENTS:
            found = http.get(f"/deployments/name/{name}")
            if found.status_code == 200:
                ours.add(found.json()["id"])
        for flow in ("country-review", "daily-sweep"):
            end_live_runs(http, flow, lambda r: r["deployment_id"] in ours)


def _review(review_id: str) -> Any:
    return SimpleNamespace(
        id=review_id,
        group="G1",
        cluster=9,
        reviewed=review_id[-3:],
        reviewers=[],
        process="country_review",
        process_version=1,
    )


async def _deploy(flow: str, name: str, **options: Any) -> None:
    from prefect import get_client

    async with get_client() as client:
        flow_id = await client.create_flow_from_name(flow)
        await client.create_deployment(flow_id=flow_id, name=name, **options)


async def _claim(run_id: Any) -> str:
    """What a worker does when it takes a run: propose Pending (the server may refuse)."""
    from prefect import get_client
    from prefect.states import Pending

    async with get_client() as client:
        answer = await client.set_flow_run_state(run_id, Pending())
        return str(answer.state.type.value if answer.state else answer.status)


async def _end_live_runs_of(reviews: set[str]) -> None:
    """Other tests of the session's server leave runs of the same reviews: end them, so
    this test starts and counts the reviews' runs itself."""
    from prefect import get_client
    from prefect.states import Cancelled

    final = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}
    async with get_client() as client:
        for run in await _runs("country-review"):
            if run.parameters.get("review_id") in reviews and run.state.type.value not in final:
                await client.set_flow_run_state(run.id, Cancelled(), force=True)


async def _runs(flow: str) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    async with get_client() as client:
        return list(
            await client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[flow])), limit=200
            )
        )


def test_review_runs_a_dead_worker_left_pending_are_replaced_once_at_the_step_of_the_log(
    prefect_api,
):
    from untoc_workflow.orchestration.runs import replace_stranded_runs, start_review_runs

    deployment = "country-review/stranded-test"
    asyncio.run(_deploy("country-review", "stranded-test"))
    reviews = {r.id: r for r in (_review("S9-G1-AAA"), _review("S9-G1-BBB"), _review("S9-G1-CCC"))}
    first = start_review_runs(reviews.values(), deployment=deployment)
    # a worker claimed AAA's and BBB's runs, then died; CCC's was never claimed
    for review in ("S9-G1-AAA", "S9-G1-BBB"):
        assert asyncio.run(_claim(first.started[review])) == "PENDING"
    # a fresh claim is not stranded
    fresh = replace_stranded_runs(reviews, timedelta(minutes=10), datetime.now(UTC))
    assert fresh.crashed == {}
    time.sleep(2.5)

    replaced = replace_stranded_runs(
        reviews, timedelta(seconds=2), datetime.now(UTC), deployment=deployment
    )

    assert sorted(replaced.crashed.values()) == ["S9-G1-AAA", "S9-G1-BBB"]
    assert sorted(replaced.started.started) == ["S9-G1-AAA", "S9-G1-BBB"]
    runs = [r for r in asyncio.run(_runs("country-review")) if r.name.startswith("S9-G1-")]
    live = sorted(r.name for r in runs if r.state.type.value == "SCHEDULED")
    assert live == sorted(reviews)  # each review: exactly one live run
    crashed = sorted(r.name for r in runs if r.state.type.value == "CRASHED")
    assert crashed == ["S9-G1-AAA (crashed, replaced)", "S9-G1-BBB (crashed, replaced)"]
    assert all("stranded" in (r.state.message or "") for r in runs if r.state.is_crashed())
    # run again: nothing left to replace
    again = replace_stranded_runs(reviews, timedelta(seconds=2), datetime.now(UTC))
    assert again.crashed == {}


def test_an_orphaned_sweep_no_longer_blocks_the_next_one(prefect_api):
    from prefect import get_client
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy as Strategy

    from untoc_workflow.orchestration.runs import replace_stranded_runs

    asyncio.run(
        _deploy(
            "daily-sweep",
            "stranded-test",
            concurrency_limit=1,
            concurrency_options={"collision_strategy": Strategy.CANCEL_NEW},
        )
    )

    async def new_run() -> Any:
        async with get_client() as client:
            dep = await client.read_deployment_by_name("daily-sweep/stranded-test")
            return (await client.create_flow_run_from_deployment(dep.id)).id

    orphan = asyncio.run(new_run())
    assert asyncio.run(_claim(orphan)) == "PENDING"  # holds the deployment's one slot
    blocked = asyncio.run(new_run())
    assert asyncio.run(_claim(blocked)) != "PENDING"  # the next sweep cannot start
    time.sleep(2.5)

    freed = replace_stranded_runs({}, timedelta(seconds=2), datetime.now(UTC))

    assert str(orphan) in freed.crashed
    nxt = asyncio.run(new_run())
    assert asyncio.run(_claim(nxt)) == "PENDING"  # the slot is free again


def test_a_run_whose_review_moved_at_another_open_step_is_replaced_by_flows_sync(
    prefect_api, tmp_path
):
    # NGA's run waits at its SAQ; its experts (another open step) are named: the run's form
    # still fits, but its name and tags (the latest open step) are those of before
    from datetime import date
    from pathlib import Path

    from prefect import get_client
    from prefect.states import Suspended

    from untoc_workflow.definitions import load_definitions
    from untoc_workflow.orchestration import review_position
    from untoc_workflow.orchestration.runs import refresh_stale_runs, start_review_runs
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store import open_store

    deployment = "country-review/refresh-test"
    asyncio.run(_deploy("country-review", "refresh-test"))
    definition = load_definitions(load_settings().process_defs)
    today = date(2026, 11, 23)
    with open_store(f"sqlite:///{tmp_path / 'untoc.db'}") as store:
        store.import_file(Path(__file__).parent / "mechanism.yaml")
        snapshot = store.snapshot()
        review = snapshot.reviews["C1-G1-NGA"]
        asyncio.run(_end_live_runs_of(set(snapshot.reviews)))
        started = start_review_runs([review], deployment=deployment).started["C1-G1-NGA"]
        before = review_position(definition, snapshot, "C1-G1-NGA", today)
        assert before.step == "saq"

        async def suspend(key: str) -> None:
            async with get_client() as client:
                state = Suspended(timeout_seconds=None, pause_key=key)
                await client.set_flow_run_state(started, state, force=True)

        asyncio.run(suspend(before.key()))
        assert refresh_stale_runs(definition, snapshot, today, deployment=deployment) == []
        store.import_document(
            _doc([{"on": "2021-02-01", "type": "experts_nominated", "party": "NGA", "count": 2}])
        )
        moved = store.snapshot()
        after = review_position(definition, moved, "C1-G1-NGA", today)
        assert after.step == "saq" and after.fingerprint != before.fingerprint

        assert refresh_stale_runs(definition, moved, today, deployment=deployment) == ["C1-G1-NGA"]
    runs = {r.id: r for r in asyncio.run(_runs("country-review"))}
    assert runs[started].state.type.value == "CANCELLED"
    assert runs[started].name == "C1-G1-NGA (cancelled, replaced)"
    live = [
        r
        for r in runs.values()
        if r.parameters.get("review_id") == "C1-G1-NGA" and r.state.type.value == "SCHEDULED"
    ]
    assert len(live) == 1  # one live run, which rebuilds its name and tags from the log


def _doc(events: list[dict[str, Any]]) -> Any:
    from untoc_workflow.mechanism_file import FORMAT
    from untoc_workflow.yamlsource import Located

    return Located({"format": FORMAT, "events": events}, "test", {})
