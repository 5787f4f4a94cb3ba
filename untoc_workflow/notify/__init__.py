"""Reminders and escalations by email: what to write to whom, and when.

    notifier = Notifier(load_process(), load_settings())
    report = sweep(store, notifier, transport_for(settings), as_of, now)

What is written goes into the outbox (untoc_workflow.outbox, which delivers it); how it is
worded in each language is untoc_workflow.wording's.
The definition check a rung's template must pass, and the sample letters it renders, are
untoc_workflow.specimens' (above this package); the edges hand the check to the definition
loader (untoc_workflow.wiring).
"""

from .digest import DigestReport, record_digest, run_digest
from .recipients import Fallback, Recipient, RecipientResolver
from .sweep import Notifier, SweepReport, notifier_from_settings, run_sweep, sweep
from .templates import Rendered, Templates, templates_dir

__all__ = [
    "DigestReport",
    "Fallback",
    "Notifier",
    "Recipient",
    "RecipientResolver",
    "Rendered",
    "SweepReport",
    "Templates",
    "notifier_from_settings",
    "record_digest",
    "run_digest",
    "run_sweep",
    "sweep",
    "templates_dir",
]
