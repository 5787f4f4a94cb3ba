"""Reminders and escalations by email: what to write to whom, and when.

    notifier = Notifier(load_process(), load_settings())
    report = sweep(store, notifier, transport_for(settings), as_of, now)

What is written goes into the outbox (untoc_workflow.outbox, which delivers it); how it is
worded in each language is untoc_workflow.wording's.
`templates.check_definition_templates` is the definition check a rung's template must pass;
the edges hand it to the definition loader (untoc_workflow.wiring).
"""

from .digest import DigestReport, record_digest, run_digest
from .recipients import Fallback, Recipient, RecipientResolver
from .sweep import Notifier, SweepReport, notifier_from_settings, run_sweep, sweep
from .templates import Rendered, Templates, check_definition_templates, templates_dir

__all__ = [
    "DigestReport",
    "Fallback",
    "Notifier",
    "Recipient",
    "RecipientResolver",
    "Rendered",
    "SweepReport",
    "Templates",
    "check_definition_templates",
    "notifier_from_settings",
    "record_digest",
    "run_digest",
    "run_sweep",
    "sweep",
    "templates_dir",
]
