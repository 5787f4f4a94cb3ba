"""Reminders and escalations by email: the sweep, the outbox, templates, delivery.

    notifier = Notifier(load_process(), load_settings())
    report = sweep(store, notifier, transport_for(settings), as_of, now)

`templates.check_definition_templates` is the definition check a rung's template must pass;
the edges hand it to the definition loader (untoc_workflow.wiring).
"""

from .delivery import AppriseMail, DeliveryFailed, EmlFolder, transport_for
from .digest import DigestReport, record_digest, run_digest
from .languages import UN_LANGUAGES, choose_language
from .outbox import DrainReport, drain, status_counts
from .recipients import Fallback, Recipient, RecipientResolver
from .sweep import Notifier, SweepReport, notifier_from_settings, run_sweep, sweep
from .tables import OutboxRow
from .templates import Rendered, Templates, check_definition_templates, templates_dir

__all__ = [
    "AppriseMail",
    "DeliveryFailed",
    "DigestReport",
    "DrainReport",
    "EmlFolder",
    "Fallback",
    "Notifier",
    "OutboxRow",
    "Recipient",
    "RecipientResolver",
    "Rendered",
    "SweepReport",
    "Templates",
    "UN_LANGUAGES",
    "check_definition_templates",
    "choose_language",
    "drain",
    "notifier_from_settings",
    "record_digest",
    "run_digest",
    "run_sweep",
    "status_counts",
    "sweep",
    "templates_dir",
    "transport_for",
]
