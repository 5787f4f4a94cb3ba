"""What is outstanding in a Party's reviews, said the way the notices say it.

The go-live opening and the monthly digest list, for each review the Party takes part in,
every open step with its deadline, where the deadline comes from, its lateness (counted from
the step's start when the step began after its deadline, as the ladders count) and whether
the Party itself is asked to act. A review whose work is held up shows the step that holds
it up, never "not started" beside a lateness.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.ladder import ladder_base
from ..outbox.headers import one_line
from ..wording.languages import long_date
from ..wording.words import is_state, local_party_name
from .context import agreed_at, late_by


def outstanding_lines(
    states: Mapping[str, Any],
    parties: Mapping[str, Any],
    party: str,
    language: str,
    step_titles: Mapping[tuple[str, int, str], Any],
    processes: Mapping[tuple[str, int], Any] | None = None,
) -> list[dict[str, Any]]:
    """The Party's reviews in progress, each with its open steps that have a deadline;
    `step_titles` holds the steps by (process, version, step id): each review's own;
    `processes` the definitions by (process, version), which name where an agreed deadline
    was agreed (`agreed_at`)."""

    def name(code: str) -> str:
        p = parties.get(code)
        return one_line(local_party_name(code, language, p.name if p is not None else None))

    lines = []
    for state in sorted(states.values(), key=lambda s: s.review):
        if state.stage == "completed":
            continue
        if party == state.reviewed:
            as_ = "reviewed"
        elif party in state.reviewers:
            as_ = "reviewer"
        else:
            continue  # another Party's review: never shown
        steps = []
        for step in state.steps:
            if not step.is_open or step.deadline is None:
                continue
            base = ladder_base(step.deadline, step.started_on or step.deadline.due)
            # counted as `untoc status` counts it, from the deadline; a step that could
            # begin only after it says so (counted_from)
            days = (state.as_of - step.deadline.due).days
            found = step_titles.get((state.process, state.process_version, step.step))
            own = (processes or {}).get((state.process, state.process_version))
            titles = dict(getattr(found, "title", found) or {})
            steps.append(
                {
                    "step": {
                        "id": step.step,
                        "title": titles.get(language, ""),
                        "title_en": titles.get("en", step.step),
                    },
                    "due": long_date(step.deadline.due, language),
                    "source": step.deadline.source,
                    "basis": step.deadline.basis,
                    "agreed_at": agreed_at(own, step.step, language)
                    if step.deadline.source == "agreed"
                    else None,
                    "days_overdue": days,
                    "late_by": late_by(days, language),
                    "counted_from": long_date(base, language)
                    if base != step.deadline.due
                    else None,
                    "waiting_for": [name(p) for p in step.waiting_for],
                    "asked": party in step.waiting_for,
                }
            )
        steps.sort(key=lambda s: -s["days_overdue"])
        lines.append(
            {
                "id": state.review,
                "reviewed": name(state.reviewed),
                "as_": as_,
                # whose role as_ is: a State party, or the European Union (a Party)
                "is_state": is_state(party),
                "stage": state.stage,
                "steps": steps,
                "days_overdue": max((s["days_overdue"] for s in steps), default=0),
            }
        )
    lines.sort(key=lambda r: (-r["days_overdue"], r["id"]))
    return lines
