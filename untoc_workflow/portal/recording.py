"""Facts from the portal go into the event log the way `untoc record` puts them there:
`Store.import_document` on a one-event mechanism file (its checks, and any admission check
added to that path, apply), then the review's waiting Prefect run, if any, is resumed."""

from __future__ import annotations

import logging
from typing import Any

from ..mechanism_file import FORMAT
from ..yamlsource import Located

log = logging.getLogger("untoc.portal")


def record_event(store: Any, event: dict[str, Any], source: str) -> bool:
    """Append one event; True when it was new. InputError (nothing recorded) passes up."""
    doc = {"format": FORMAT, "events": [event]}
    result = store.import_document(Located(doc, source, {}))
    added = bool(result.added.get("events", 0))
    if added:
        _resume_waiting_run(event)
    return added


def _resume_waiting_run(event: dict[str, Any]) -> None:
    try:
        from ..orchestration import resume_waiting_run

        run_id = resume_waiting_run(event.get("review"), event)
    except Exception as exc:  # the fact is recorded; `untoc flows sync` catches the run up
        log.warning("recorded, but the waiting flow run was not resumed: %s", exc)
        return
    if run_id:
        log.info("resumed flow run %s", run_id)
