"""The safety net: an email to the secretariat when the daily sweep did not complete.

Run by the Prefect Automation `untoc flows watch-sweep` creates (flows/automation.py): when
no daily-sweep run completes within 26 hours, Prefect runs this deployment. The email goes
by the project's own transport (UNTOC_NOTIFY_URL, or a .eml file in UNTOC_OUTBOX_DIR):
Prefect has no SMTP notification block of its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from prefect import flow, get_run_logger

from flows import _store

ALERT_FLOW = "sweep-missed-alert"


def alert_message(settings: Any, day: date, now: datetime, about: str = "sweep") -> Any:
    """The email, as the secretariat's own monitoring writes it (`about` "worker": a
    worker has gone silent)."""
    if about == "worker":
        return _worker_message(settings, now)
    from untoc_workflow.outbox.message import Outgoing, message_id

    to = settings.secretariat
    message = EmailMessage()
    message["From"] = formataddr(("UNTOC Review Mechanism", settings.sender))
    message["To"] = formataddr((to.name, to.email))
    message["Subject"] = f"[UNTOC] The daily deadline sweep did not complete ({day})"
    message["Date"] = format_datetime(now)
    # the same alert on the same day is the same message: a retried send shows as one
    message["Message-ID"] = message_id(f"sweep-missed/{day}", settings.sender)
    message.set_content(
        "The daily deadline sweep of the Review Mechanism has not completed in the last 26 "
        f"hours (as of {now:%d %B %Y, %H:%M} UTC).\n\n"
        "Until it runs, no reminder, overdue notice or escalation is recorded or sent. "
        "Please check that `untoc flows serve` (or the worker of the untoc-process work "
        "pool) is running, look at the last daily-sweep run in the Prefect UI, and run the "
        "sweep for the missed days with `untoc sweep --as-of YYYY-MM-DD`: the outbox sends "
        "nothing twice.\n\n"
        "This message was sent automatically by the Prefect Automation created with "
        "`untoc flows watch-sweep`.\n"
    )
    return Outgoing(settings.sender, to.email, message.as_bytes(), str(message["Subject"]))


def _worker_message(settings: Any, now: datetime) -> Any:
    from untoc_workflow.outbox.message import Outgoing, message_id

    to = settings.secretariat
    message = EmailMessage()
    message["From"] = formataddr(("UNTOC Review Mechanism", settings.sender))
    message["To"] = formataddr((to.name, to.email))
    message["Subject"] = f"[UNTOC] A Prefect worker has gone silent ({now:%Y-%m-%d %H:%M} UTC)"
    message["Date"] = format_datetime(now)
    # one alert per hour at most reads as one message: a retried send shows as one
    message["Message-ID"] = message_id(f"worker-silent/{now:%Y-%m-%dT%H}", settings.sender)
    message.set_content(
        "A worker of the Review Mechanism stopped answering while it held a flow run, or a "
        f"work pool has no worker left (as of {now:%d %B %Y, %H:%M} UTC).\n\n"
        "The runs it held are marked crashed; `untoc flows sync` (or the next daily sweep) "
        "starts each review again at the step the event log shows, and nothing is sent "
        "twice. Please check the machines that run `untoc flows worker --pool "
        "untoc-process` (docs/scaling-out.md) and start a worker again where one is "
        "missing.\n\n"
        "This message was sent automatically by the Prefect Automation created with "
        "`untoc flows watch-sweep`.\n"
    )
    return Outgoing(settings.sender, to.email, message.as_bytes(), str(message["Subject"]))


@flow(name=ALERT_FLOW, log_prints=False)
def sweep_missed_alert(about: str = "sweep") -> str:
    """Email the secretariat that the daily sweep did not complete (`about` "worker": that
    a worker has gone silent)."""
    from untoc_workflow.outbox import transport_for

    settings = _store.settings()
    now = datetime.now(UTC)
    outgoing = alert_message(settings, now.date(), now, about)
    transport = transport_for(settings)
    try:
        key = (
            f"worker-silent-{now:%Y-%m-%dT%H}"
            if about == "worker"
            else f"sweep-missed-{now.date()}"
        )
        transport.send(outgoing, key)
    finally:
        transport.close()
    said = "a worker has gone silent" if about == "worker" else "the daily sweep did not complete"
    get_run_logger().warning("%s: the secretariat was told", said)
    return outgoing.recipient
