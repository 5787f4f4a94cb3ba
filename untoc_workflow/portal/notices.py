"""Telling the requester what became of a request for more time (through the outbox)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from ..wording.words import local_party_of
from .extensions import APPROVED, EXTENSIONS, Decision
from .identity import normal
from .links import review_url
from .mail import decision_letter, queue_and_send
from .mechanism import MechanismView
from .own_words import own_words


def tell_requester(
    view: MechanismView,
    project: Any,
    decision: Decision,
    base_url: str,
    answer: str | None,
    today: date,
    now: datetime,
) -> None:
    with view.store.engine.connect() as conn:
        row = conn.execute(select(EXTENSIONS).where(EXTENSIONS.c.id == decision.request_id)).one()
    who = view.identify(decision.told)
    language = (who.language if who else None) or "en"
    name = who.name if who else decision.told
    # the salutation follows the gender the event log records for the focal point
    people = view.fold().focal_points.get(normal(decision.told), [])
    gender = next(
        (getattr(p, "gender", None) for _, p in people if getattr(p, "gender", None)), None
    )
    parties = view.parties(decision.review)
    # the words of the review's own process (its reviews, its secretariat), if it has them
    definition = view.definition_of(decision.review)
    own = own_words(definition, language)
    # its duty station, where the process declares one (`roles: place`); else Vienna
    role_title = getattr(definition, "role_title", None)
    place = role_title("place", language) if role_title else None
    letter = decision_letter(
        name=name,
        language=language,
        approved=decision.status == APPROVED,
        review=decision.review,
        party_of=(
            local_party_of(parties.reviewed, language, view.party_name(parties.reviewed))
            if parties
            else decision.review
        ),
        step_title=view.step_title(decision.step, language, decision.review),
        requested_on=row.requested_at.date(),
        due=decision.due,
        answer=answer or None,
        url=review_url(decision.review, base_url),
        decided_on=today,
        gender=gender,
        own=own,
        place=place,
    )
    queue_and_send(
        view.store.engine,
        project,
        key=f"portal-extension-{decision.request_id}-{decision.status}|{decision.told}",
        recipient=decision.told,
        name=name,
        language=language,
        letter=letter,
        review=decision.review,
        step=decision.step,
        party=row.party,
        today=today,
        now=now,
        sender_name=own.secretariat,
    )
