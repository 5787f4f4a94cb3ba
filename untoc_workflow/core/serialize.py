"""Review states as plain JSON-ready dicts (for `untoc status --format json` and others)."""

from __future__ import annotations

from typing import Any

from .state import Deadline, DueNotification, ReviewState, StepState


def deadline_to_dict(d: Deadline | None) -> dict[str, Any] | None:
    if d is None:
        return None
    out: dict[str, Any] = {"due": d.due.isoformat(), "source": d.source}
    if d.basis:
        out["basis"] = d.basis
    if d.decision:
        out["decision"] = d.decision
    return out


def step_to_dict(s: StepState) -> dict[str, Any]:
    return {
        "step": s.step,
        "status": s.status,
        "started_on": s.started_on.isoformat() if s.started_on else None,
        "completed_on": s.completed_on.isoformat() if s.completed_on else None,
        "deadline": deadline_to_dict(s.deadline),
        "days_overdue": s.days_overdue,
        "waiting_for": list(s.waiting_for),
        **({"submitted_by": list(s.submitted_by)} if s.submitted_by else {}),
    }


def notification_to_dict(n: DueNotification) -> dict[str, Any]:
    return {
        "key": n.key,
        "step": n.step,
        "rung": n.rung,
        "due_on": n.due_on.isoformat(),
        "caught_up": n.caught_up,
        "deadline": deadline_to_dict(n.deadline),
        "days_overdue": n.days_overdue,
        "to": list(n.to),
        "cc": list(n.cc),
        "template": n.template,
    }


def state_to_dict(state: ReviewState) -> dict[str, Any]:
    nxt = state.next_deadline
    return {
        "review": state.review,
        "cluster": state.cluster,
        "group": state.group,
        "as_of": state.as_of.isoformat(),
        "stage": state.stage,
        "reviewed": state.reviewed,
        "reviewers": list(state.reviewers),
        "blocked": state.blocked,
        "parties_without_focal_point": list(state.parties_without_focal_point),
        "waiting_for": list(state.waiting_for),
        "consultation_held_on": (
            state.consultation_held_on.isoformat() if state.consultation_held_on else None
        ),
        "languages": None if state.languages is None else list(state.languages),
        "next_deadline": None
        if nxt is None
        else {"step": nxt.step, **(deadline_to_dict(nxt.deadline) or {})},
        "days_overdue": state.days_overdue,
        "steps": [step_to_dict(s) for s in state.steps],
        "notifications_due": [notification_to_dict(n) for n in state.notifications],
        "process": state.process,
        "process_version": state.process_version,
    }
