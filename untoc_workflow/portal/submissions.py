"""Submitting a document: kept in the document store, and, when it is what the review
waits for, the fact recorded (SAQ answers received, a reviewer's written feedback, the list
of observations with its summary agreed), naming who submitted it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import insert, select, update

from .access import ReviewParties, may_give_consent, may_submit, submitting_party
from .audit import log_action
from .documents import DocumentStore, clean_name
from .identity import Identity
from .mechanism import MechanismView
from .recording import record_event
from .tables import PortalDocumentRow

DOCUMENTS = PortalDocumentRow.__table__  # type: ignore[attr-defined]

# The fact each kind of document brings, when the review waits for it.
FACT_OF_KIND = {
    "saq": "saq_submitted",
    "written_feedback": "written_feedback_submitted",
    "observations": "observations_agreed",
    "summary": "observations_agreed",
}
# The list of observations is agreed when both it and its summary are in.
BOTH_NEEDED = {"observations": "summary", "summary": "observations"}


class NotAllowed(Exception):
    """The person may not do this on this review."""


@dataclass(frozen=True)
class Submitted:
    document_id: int
    file_name: str
    sha256: str
    recorded: str | None  # the event type recorded, if the upload completed a step


def documents_of(conn: Any, review_id: str) -> list[Any]:
    return list(
        conn.execute(
            select(DOCUMENTS).where(DOCUMENTS.c.review_id == review_id).order_by(DOCUMENTS.c.id)
        )
    )


def _open_step_for(view: MechanismView, review_id: str, fact: str) -> Any | None:
    state = view.state(review_id)
    if state is None:
        return None
    for step in state.steps:
        if step.is_open and view.completing_event(step.step) == fact:
            return step
    return None


def submit(
    view: MechanismView,
    files: DocumentStore,
    who: Identity,
    review: ReviewParties,
    kind: str,
    upload: BinaryIO,
    file_name: str | None,
    *,
    today: date,
    now: datetime,
    client: str | None,
    on_behalf_of: str | None = None,
) -> Submitted:
    """Keep the file and, if the review waits for it, record the fact (InputError from the
    event log's checks passes up, and then no document row is written)."""
    if not may_submit(who, review, kind):
        raise NotAllowed(kind)
    stored = files.keep(upload)
    shown = clean_name(file_name, "." + stored.stored_as.rsplit(".", 1)[-1])
    party = submitting_party(who, review, kind, on_behalf_of)
    store = view.store
    event = _fact(view, review, kind, party, who, shown, stored.sha256, today)
    recorded = None
    if event is not None and record_event(store, event, f"portal upload by {who.email}", today):
        recorded = str(event["type"])
    with store.engine.begin() as conn:
        doc_id = conn.execute(
            insert(DOCUMENTS).values(
                review_id=review.review,
                kind=kind,
                party=party,
                file_name=shown,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                stored_as=stored.stored_as,
                uploaded_by=who.email,
                uploaded_at=now,
                event_id=event["id"] if recorded and event else None,
            )
        ).inserted_primary_key[0]
        detail = f"{kind} {shown} sha256={stored.sha256} size={stored.size}"
        if recorded:
            detail += f"; recorded {recorded}"
        log_action(
            conn,
            "document_submitted",
            at=now,
            who=who.email,
            review=review.review,
            detail=detail,
            client=client,
        )
    return Submitted(int(doc_id), shown, stored.sha256, recorded)


def _fact(
    view: MechanismView,
    review: ReviewParties,
    kind: str,
    party: str | None,
    who: Identity,
    shown: str,
    sha256: str,
    today: date,
) -> dict[str, Any] | None:
    """The event this upload brings, or None when the review does not wait for it."""
    fact = FACT_OF_KIND[kind]
    step = _open_step_for(view, review.review, fact)
    if step is None:
        return None
    if kind == "written_feedback" and (party is None or party not in step.waiting_for):
        return None  # the secretariat's copy, or a reviewer that already sent its part
    partner = BOTH_NEEDED.get(kind)
    if partner is not None:
        with view.store.engine.connect() as conn:
            if not any(d.kind == partner for d in documents_of(conn, review.review)):
                return None
    event: dict[str, Any] = {
        "on": today.isoformat(),
        "type": fact,
        "review": review.review,
        "id": f"portal-{review.review}-{kind}-{party or 'secretariat'}-{sha256[:16]}",
        "note": f"submitted through the portal by {who.email}: {shown} (sha256 {sha256})",
    }
    if fact == "written_feedback_submitted":
        event["party"] = party
    return event


def set_consent(
    view: MechanismView,
    who: Identity,
    review: ReviewParties,
    document_id: int,
    consent: bool,
    *,
    now: datetime,
    client: str | None,
) -> None:
    """The reviewed Party's answer on publishing its SAQ answers (one document)."""
    if not may_give_consent(who, review):
        raise NotAllowed("consent")
    with view.store.engine.begin() as conn:
        done = conn.execute(
            update(DOCUMENTS)
            .where(
                DOCUMENTS.c.id == document_id,
                DOCUMENTS.c.review_id == review.review,
                DOCUMENTS.c.kind == "saq",
            )
            .values(consent_to_publish=consent, consent_by=who.email)
        )
        if done.rowcount != 1:
            raise LookupError(document_id)
        log_action(
            conn,
            "publication_consent",
            at=now,
            who=who.email,
            review=review.review,
            detail=f"document {document_id}: {'given' if consent else 'refused'}",
            client=client,
        )


def published_saq(conn: Any, review_id: str) -> Any | None:
    """The latest SAQ answers of a review that its Party consented to publish, if any."""
    from .access import may_publish

    saqs = [d for d in documents_of(conn, review_id) if d.kind == "saq"]
    latest = saqs[-1] if saqs else None
    if latest is None or not may_publish(latest.consent_to_publish):
        return None
    return latest
