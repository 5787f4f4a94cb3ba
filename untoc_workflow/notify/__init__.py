"""Reminders and escalations by email: the sweep, the outbox, templates, delivery.

    notifier = Notifier(load_process(), load_settings())
    report = sweep(store, notifier, transport_for(settings), as_of, now)

Importing this package registers the template check with the definition loader, so a rung
naming a missing template, or a template using an unknown field, fails the definition.
"""

from ..definitions import register_check
from .delivery import AppriseMail, DeliveryFailed, EmlFolder, transport_for
from .digest import DigestReport, record_digest, run_digest
from .languages import UN_LANGUAGES, choose_language
from .outbox import DrainReport, drain, status_counts
from .recipients import Fallback, Recipient, RecipientResolver
from .sweep import Notifier, SweepReport, notifier_from_settings, run_sweep, sweep
from .tables import OutboxRow
from .templates import Rendered, Templates, check_definition_templates, templates_dir

register_check(check_definition_templates)

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
