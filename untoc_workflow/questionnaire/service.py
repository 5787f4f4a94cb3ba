"""A review's questionnaire: which step asks for one, who answers it, and submitting it, which
records the step's fact (the one its definition names) the way `untoc record` does.

The written feedback beside each question belongs to the step that follows the questionnaire
step (`starts: {after: <it>}`) and that the reviewing Parties complete: the definition says
so, the code names no step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from . import responses
from .answers import Answers, digest, problems, relevant_answers
from .attached import definition_of, load, step_file
from .form import Form
from .tables import ANSWERS, FEEDBACK

REVIEWER_COMPLETIONS = ("each_reviewer", "any_reviewer")
# Appends one event; True when it was new. The callback writes the caller's rows in the
# fact's own transaction (portal/recording.py), so answers are never submitted without it.
Record = Callable[[dict[str, Any], Callable[[Any, bool], None]], bool]


@dataclass(frozen=True)
class ReviewQuestionnaire:
    """The questionnaire a step of a review asks for, and the step of feedback on it."""

    review: Any  # core Review
    step: Any  # definitions Step
    form: Form
    feedback_step: Any | None

    @property
    def completed_by(self) -> str | None:
        event = getattr(self.step.completed_by, "event", None)
        return str(event) if event else None


@dataclass(frozen=True)
class AnswerSheet:
    """One Party's sheet of a review's questionnaire: its answers (`kind` ANSWERS, the
    reviewed Party's) or its written feedback on them (FEEDBACK, a reviewer's)."""

    rq: ReviewQuestionnaire
    kind: str
    party: str


def questionnaires_of(catalog: Any, review: Any, folder: Path) -> list[ReviewQuestionnaire]:
    """The steps of the review's own definition that ask for a questionnaire, in order."""
    definition = definition_of(catalog, review)
    out = []
    for step in definition.steps:
        path = step_file(step, review.cluster, folder)
        if path is None:
            continue
        feedback = next(
            (
                s
                for s in definition.steps
                if s.starts.after == step.id
                and getattr(s.completed_by, "from_", None) in REVIEWER_COMPLETIONS
                and getattr(s.completed_by, "event", None)
            ),
            None,
        )
        out.append(ReviewQuestionnaire(review, step, load(path), feedback))
    return out


def current(found: list[ReviewQuestionnaire], state: Any) -> ReviewQuestionnaire | None:
    """The questionnaire of the review's open step; else the last one whose step started."""
    if not found:
        return None
    status = {s.step: s for s in state.steps} if state is not None else {}
    for q in found:
        s = status.get(q.step.id)
        if s is not None and s.is_open:
            return q
    started = [
        q for q in found if status.get(q.step.id) and status[q.step.id].status != "not_started"
    ]
    return started[-1] if started else found[0]


def _event(sheet: AnswerSheet, step: Any, sha: str, who: str, today: date) -> dict[str, Any]:
    rq, kind, party = sheet.rq, sheet.kind, sheet.party
    event: dict[str, Any] = {
        "on": today.isoformat(),
        "type": str(step.completed_by.event),
        "review": rq.review.id,
        "id": f"questionnaire-{rq.review.id}-{step.id}-{kind}-{party}-{sha[:16]}",
        "note": f"{rq.form.form_id} {kind} submitted through the portal by {who} (sha256 {sha})",
    }
    if getattr(step.completed_by, "from_", None) in REVIEWER_COMPLETIONS:
        event["party"] = party
    return event


def submit(
    engine: Any,
    record: Record,
    sheet: AnswerSheet,
    state: Any,
    answers: Answers,
    *,
    who: str,
    language: str,
    today: date,
    now: datetime,
) -> dict[str, str]:
    """Check everything and, when nothing is wrong, record the step's fact and keep the
    answers read-only. Returns the problems by question (empty: submitted). InputError
    when the step is not open or the event log refuses the fact (nothing kept then)."""
    rq, kind, party = sheet.rq, sheet.kind, sheet.party
    step = rq.step if kind == ANSWERS else rq.feedback_step
    if step is None:
        raise InputError([Problem(f"{rq.step.id} of {rq.review.id} takes no written feedback")])
    if kind == ANSWERS:
        wrong = problems(rq.form, answers, language, final=True)
        if wrong:
            return wrong
        kept = relevant_answers(rq.form, answers)
    else:
        kept = {k: v for k, v in answers.items() if isinstance(v, str) and v.strip()}
    opened = next((s for s in state.steps if s.step == step.id), None) if state else None
    if opened is None or not opened.is_open:
        raise InputError([Problem(f"the step {step.id} is not open in {rq.review.id}")])
    if kind == FEEDBACK and party not in opened.waiting_for:
        raise InputError([Problem(f"{step.id} of {rq.review.id} does not wait for {party}")])
    sha = digest(kept)
    event = _event(sheet, step, sha, who, today)
    with engine.begin() as conn:  # refuse a second submission before anything is recorded
        found = responses.find(conn, rq.review.id, rq.step.id, kind, party)
        if found is not None and found.submitted:
            raise responses.ReadOnly(rq.review.id)

    def keep(conn: Any, added: bool) -> None:
        submitted = (sha, str(event["id"]))
        keep_answers(conn, sheet, kept, who=who, now=now, submitted=submitted)

    record(event, keep)
    return {}


def save_draft(
    engine: Any, sheet: AnswerSheet, answers: Answers, *, who: str, now: datetime
) -> None:
    with engine.begin() as conn:
        keep_answers(conn, sheet, answers, who=who, now=now)


def keep_answers(
    conn: Any,
    sheet: AnswerSheet,
    answers: Answers,
    *,
    who: str,
    now: datetime,
    submitted: tuple[str, str | None] | None = None,
) -> None:
    """The sheet's answers, in the caller's transaction: a draft, or with `submitted`
    (sha256, event id) the final answers. ReadOnly once they were submitted."""
    rq = sheet.rq
    responses.save(
        conn,
        rq.review.id,
        rq.step.id,
        sheet.kind,
        sheet.party,
        (rq.form.form_id, rq.form.version),
        answers,
        who=who,
        now=now,
        submitted=submitted,
    )
