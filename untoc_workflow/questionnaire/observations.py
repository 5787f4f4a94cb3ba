"""The draft list of observations, built from the reviewing Parties' written feedback beside
the reviewed Party's answers: per section (for the SAQ, an article), the questions the
reviewers commented on, their comments, and whether technical assistance was found needed
(the status paper, para 38: the list records the technical assistance needed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .form import Form
from .publish import shown_answer
from .statistics import needs_assistance


def draft(form: Form, answers: Any, feedback: Iterable[Any], language: str) -> list[dict[str, Any]]:
    """One entry per section of the form; `answers` is the submitted response, `feedback`
    the reviewing Parties' submitted feedback responses."""
    notes = [f for f in feedback if f.submitted]
    given = answers.answers if answers is not None else {}
    out = []
    for section in form.sections:
        flagged = [
            q.name
            for q in section.questions
            if q.technical_assistance and needs_assistance(q, given.get(q.name))
        ]
        observations = []
        for q in section.questions:
            comments = [
                {"party": f.party, "text": f.answers[q.name]}
                for f in notes
                if f.answers.get(q.name)
            ]
            if comments:
                observations.append(
                    {
                        "question": q.name,
                        "label": q.label(language),
                        "answer": shown_answer(form, q.name, given.get(q.name), language, ""),
                        "feedback": comments,
                    }
                )
        out.append(
            {
                "section": section.name,
                "title": section.label(language) if section.name else "",
                "technical_assistance_needed": bool(flagged),
                "technical_assistance": [
                    shown_answer(form, name, given.get(name), language, "") for name in flagged
                ],
                "observations": observations,
            }
        )
    return out
