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
