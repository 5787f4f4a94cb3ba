"""Submitting a document: kept in the document store, and, when it completes what the review
waits for, the fact recorded, naming who submitted it.

Which documents a review takes, who gives each and which step they complete is the review's
own process definition's (`documents:` of a step): a step's fact is recorded only when every
Party named has given every kind asked of it since the step opened (a list of observations
is agreed by the reviewed Party and each reviewer, not by one of them). The document row and
the fact are written in one transaction: both are kept, or neither.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import insert, select, update

from .access import ReviewParties, may_give_consent, may_submit, owing, submitting_party
from .audit import log_action
from .documents import DocumentStore, StoredFile, clean_name
from .identity import Identity
from .mechanism import MechanismView
from .recording import record_event
from .tables import PortalDocumentRow

DOCUMENTS = PortalDocumentRow.__table__  # type: ignore[attr-defined]
# For the test that kills the portal between the fact and its document: when set, the
# portal writes this file and waits there, inside the transaction. Never set in service.
PAUSE_BEFORE_DOCUMENT = "UNTOC_PORTAL_TEST_PAUSE_BEFORE_DOCUMENT"


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
    """Keep the file and, if it completes what the review waits for, record the fact in the
    same transaction as the document (InputError from the event log's checks passes up,
    and then no document row is written)."""
    given_by = view.document_kinds(review.review).get(kind)
    if not may_submit(who, review, given_by):
        raise NotAllowed(kind)
    stored = files.keep(upload)
    shown = clean_name(file_name, "." + stored.stored_as.rsplit(".", 1)[-1])
    party = submitting_party(who, review, given_by, on_behalf_of)
    event = _fact(view, review, kind, party, who, shown, stored.sha256, today, now)
    written: dict[str, Any] = {}

    def keep_row(conn: Any, recorded: bool) -> None:
        _pause_for_test()
        written["id"] = _document_row(
            conn, review, kind, party, who, shown, stored, now, client, event if recorded else None
        )
        written["recorded"] = str(event["type"]) if event and recorded else None

    if event is None:
        with view.store.engine.begin() as conn:
            keep_row(conn, False)
    else:
        record_event(view.store, event, f"portal upload by {who.email}", today, then=keep_row)
    return Submitted(int(written["id"]), shown, stored.sha256, written["recorded"])


def _pause_for_test() -> None:
    marker = os.environ.get(PAUSE_BEFORE_DOCUMENT)
    if marker:
        Path(marker).write_text("paused", encoding="utf-8")
        time.sleep(60)


def _document_row(
    conn: Any,
    review: ReviewParties,
    kind: str,
    party: str | None,
    who: Identity,
    shown: str,
    stored: StoredFile,
    now: datetime,
    client: str | None,
    event: dict[str, Any] | None,
) -> int:
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
            event_id=event["id"] if event else None,
        )
    ).inserted_primary_key[0]
    detail = f"{kind} {shown} sha256={stored.sha256} size={stored.size}"
    if event:
        detail += f"; recorded {event['type']}"
    log_action(
        conn,
        "document_submitted",
        at=now,
        who=who.email,
        review=review.review,
        detail=detail,
        client=client,
    )
    return int(doc_id)


def _fact(
    view: MechanismView,
    review: ReviewParties,
    kind: str,
    party: str | None,
    who: Identity,
    shown: str,
    sha256: str,
    today: date,
    now: datetime,
) -> dict[str, Any] | None:
    """The event this upload brings, or None when the step it belongs to still waits for
    someone's document (or no open step takes this kind)."""
    if party is None:
        return None  # the secretariat's own copy completes nothing
    definition = view.definition_of(review.review)
    state = view.state(review.review)
    if definition is None or state is None:
        return None
    declared = {s.id: s for s in definition.steps}
    with view.store.engine.connect() as conn:
        documents = documents_of(conn, review.review)
    for step in state.steps:
        spec = declared.get(step.step)
        if not step.is_open or spec is None or kind not in spec.documents:
            continue
        opened = step.started_on or date.min
        # what was given while this step was open (a summary uploaded for an earlier step
        # does not count), and this upload
        given = {
            (d.kind, d.party)
            for d in documents
            if d.party is not None and d.uploaded_at.date() >= opened
        } | {(kind, party)}
        needs = {(k, p) for k, by in spec.documents.items() for p in owing(review, by)}
        per_party = spec.completed_by.from_ == "each_reviewer"
        if per_party:
            if party not in step.waiting_for:
                return None  # a reviewer that already sent its part
            needs = {(k, p) for k, p in needs if p == party}
        if not needs <= given:
            return None
        event: dict[str, Any] = {
            "on": today.isoformat(),
            "type": spec.completed_by.event,
            "review": review.review,
            "id": f"portal-{review.review}-{step.step}-{kind}-{party}-{sha256[:16]}",
            "note": f"submitted through the portal by {who.email}: {shown} (sha256 {sha256})",
        }
        if per_party:
            event["party"] = party
        return event
    return None


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
    """The reviewed Party's answer on publishing one of its own documents."""
    if not may_give_consent(who, review):
        raise NotAllowed("consent")
    with view.store.engine.begin() as conn:
        done = conn.execute(
            update(DOCUMENTS)
            .where(
                DOCUMENTS.c.id == document_id,
                DOCUMENTS.c.review_id == review.review,
                DOCUMENTS.c.party == review.reviewed,
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


def published_document(conn: Any, review_id: str, kind: str) -> Any | None:
    """The latest document of `kind` of a review that its reviewed Party consented to
    publish, if any (the consent is asked of the reviewed Party's own documents)."""
    from .access import may_publish

    given = [d for d in documents_of(conn, review_id) if d.kind == kind]
    latest = given[-1] if given else None
    if latest is None or not may_publish(latest.consent_to_publish):
        return None
    return latest
