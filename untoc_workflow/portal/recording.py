"""Facts from the portal go into the event log the way `untoc record` puts them there:
`Store.import_document` on a one-event mechanism file, with the same admission check (can
the fact be true on the date?) where the store has it, then the review's waiting Prefect
run, if any, is resumed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from ..mechanism_file import FORMAT
from ..yamlsource import Located

log = logging.getLogger("untoc.portal")


def record_event(
    store: Any,
    event: dict[str, Any],
    source: str,
    today: date,
    then: Callable[[Any, bool], None] | None = None,
) -> bool:
    """Append one event; True when it was new. InputError (nothing recorded) passes up.
    `then(conn, added)` writes the caller's rows in the fact's own transaction."""
    doc = {"format": FORMAT, "events": [event]}
    checked = _admission(today)
    kwargs: dict[str, Any] = {}
    if checked is not None:
        kwargs["admission"] = checked
    if then is not None:
        kwargs["then"] = lambda conn, result: then(conn, bool(result.added.get("events", 0)))
    result = store.import_document(Located(doc, source, {}), **kwargs)
    added = bool(result.added.get("events", 0))
    if added:
        _resume_waiting_run(event)
    return added


def _admission(today: date) -> Any | None:
    """The check `untoc record` asks of every fact (can it be true on this date, given the
    review's history?), where the store offers it (core.admission, store.admission)."""
    try:
        from ..core.admission import CommandDate  # type: ignore[import-not-found, unused-ignore]
        from ..store.admission import Admission  # type: ignore[import-not-found, unused-ignore]
    except ImportError:  # a store without the check: the import's own checks still apply
        return None
    return Admission(CommandDate(today, "today"))


def _resume_waiting_run(event: dict[str, Any]) -> None:
    try:
        from ..orchestration import resume_waiting_run

        run_id = resume_waiting_run(event.get("review"), event)
    except Exception as exc:  # the fact is recorded; `untoc flows sync` catches the run up
        log.warning("recorded, but the waiting flow run was not resumed: %s", exc)
        return
    if run_id:
        log.info("resumed flow run %s", run_id)
