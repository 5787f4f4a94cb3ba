"""The Prefect Automation that watches the daily sweep, declared here and created by
`untoc flows watch-sweep`.

Proactive: it fires when no run of the daily-sweep deployment reaches Completed within the
window (26 hours: a day and the schedule's slack), and runs the sweep-missed-alert
deployment, which emails the secretariat. Prefect keeps events 7 days by default: enough
for a daily window.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

AUTOMATION_NAME = "untoc: the daily sweep did not complete"
SWEEP_DEPLOYMENT = "daily-sweep/daily-sweep"
ALERT_DEPLOYMENT = "sweep-missed-alert/sweep-missed-alert"
WINDOW = timedelta(hours=26)


def sweep_watch(sweep_id: UUID, alert_id: UUID, within: timedelta = WINDOW) -> Any:
    """The automation, as Prefect's own model (nothing created yet)."""
    from prefect.events.actions import RunDeployment
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

    return AutomationCore(
        name=AUTOMATION_NAME,
        description="Emails the secretariat (sweep-missed-alert) when no daily sweep "
        f"completes within {within.total_seconds() / 3600:g} hours. "
        "Created by `untoc flows watch-sweep`.",
        trigger=EventTrigger(
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.id": f"prefect.deployment.{sweep_id}"},
            expect={"prefect.flow-run.Completed"},
            posture=Posture.Proactive,
            threshold=1,
            within=within,
        ),
        actions=[RunDeployment(source="selected", deployment_id=alert_id, parameters={})],
    )


async def create_sweep_watch(within: timedelta = WINDOW) -> UUID:
    """Create (or replace) the automation; returns its id. The two deployments must exist
    (`untoc flows serve` or `prefect deploy --all` made them)."""
    from prefect import get_client

    async with get_client() as client:
        sweep = await client.read_deployment_by_name(SWEEP_DEPLOYMENT)
        alert = await client.read_deployment_by_name(ALERT_DEPLOYMENT)
        for old in await client.read_automations_by_name(AUTOMATION_NAME):
            await client.delete_automation(old.id)
        return await client.create_automation(sweep_watch(sweep.id, alert.id, within))  # type: ignore[no-any-return]


# A worker that died (SIGKILL, a machine lost) stops the heartbeats of the runs it held:
# flow runs send `prefect.flow-run.heartbeat` every PREFECT_FLOWS_HEARTBEAT_FREQUENCY
# seconds (30 in docs/scaling-out.md) while they run. Three missed beats and no final state
# mean the run's process is gone. Every pool losing its last worker is said too.
WORKER_AUTOMATION_NAME = "untoc: a worker has gone silent"
HEARTBEAT_WINDOW = timedelta(seconds=90)
_A_RUN_ENDED = {
    "prefect.flow-run.heartbeat",
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Crashed",
    "prefect.flow-run.Suspended",
    "prefect.flow-run.Paused",
}


def worker_watches(alert_id: UUID, within: timedelta = HEARTBEAT_WINDOW) -> list[Any]:
    """The two automations, as Prefect's own models (nothing created yet): a run whose
    heartbeats stopped is marked Crashed (`untoc flows sync` and the sweep then replace it)
    and the secretariat is emailed; a work pool with no worker left emails it too."""
    from prefect.events.actions import ChangeFlowRunState, RunDeployment
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

    alert = RunDeployment(source="selected", deployment_id=alert_id, parameters={"about": "worker"})
    silent_run = AutomationCore(
        name=WORKER_AUTOMATION_NAME,
        description="A flow run stopped sending heartbeats without reaching a final state "
        f"within {within.total_seconds():g} s: its worker has gone silent. The run is "
        "marked Crashed and the secretariat emailed. Created by `untoc flows watch-sweep`.",
        trigger=EventTrigger(
            match={"prefect.resource.id": "prefect.flow-run.*"},
            after={"prefect.flow-run.heartbeat"},
            expect=_A_RUN_ENDED,
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=within,
        ),
        actions=[
            ChangeFlowRunState(
                state="CRASHED",
                message="its worker stopped sending heartbeats: replaced by `untoc flows "
                "sync` or the next sweep at the step the event log shows",
            ),
            alert,
        ],
    )
    no_worker = AutomationCore(
        name=f"{WORKER_AUTOMATION_NAME} (no worker left in a pool)",
        description="A work pool has no worker that answers. Created by `untoc flows watch-sweep`.",
        trigger=EventTrigger(
            match={"prefect.resource.id": "prefect.work-pool.*"},
            expect={"prefect.work-pool.not-ready"},
            posture=Posture.Reactive,
            threshold=1,
            within=timedelta(0),
        ),
        actions=[alert],
    )
    return [silent_run, no_worker]


async def create_worker_watches(within: timedelta = HEARTBEAT_WINDOW) -> list[UUID]:
    """Create (or replace) the worker automations; returns their ids."""
    from prefect import get_client

    async with get_client() as client:
        alert = await client.read_deployment_by_name(ALERT_DEPLOYMENT)
        made = []
        for automation in worker_watches(alert.id, within):
            for old in await client.read_automations_by_name(automation.name):
                await client.delete_automation(old.id)
            made.append(await client.create_automation(automation))
        return made
