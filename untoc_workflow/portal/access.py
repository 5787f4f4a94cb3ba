"""The access rules: every rule is one function here, and nothing else decides.

A review is seen by the secretariat, and by the focal points and governmental experts of
its reviewed Party and of its current reviewing Parties; an observer sees only the review
of the Party that named it, read-only. The focal point clears every submission, so only
focal points (and the secretariat, on a Party's behalf) submit documents and ask for time.
"""

from __future__ import annotations

from dataclasses import dataclass

from .identity import EXPERT, FOCAL_POINT, OBSERVER, Identity

# Documents a review collects, and who submits each: the reviewed Party, or a reviewer.
DOCUMENT_KINDS = ("saq", "written_feedback", "observations", "summary")
SUBMITTED_BY_REVIEWED = frozenset({"saq", "observations", "summary"})
SUBMITTED_BY_REVIEWER = frozenset({"written_feedback"})


@dataclass(frozen=True)
class ReviewParties:
    """Who takes part in a review on the date: the reviewed Party and current reviewers."""

    review: str
    reviewed: str
    reviewers: tuple[str, ...]


def may_view(who: Identity, review: ReviewParties) -> bool:
    """See the review's page, its steps, deadlines and documents."""
    if who.is_secretariat:
        return True
    if review.reviewed in who.parties(FOCAL_POINT, EXPERT, OBSERVER):
        return True
    return bool(who.parties(FOCAL_POINT, EXPERT) & set(review.reviewers))


def may_download(who: Identity, review: ReviewParties) -> bool:
    """Open a document of the review: whoever may see the review."""
    return may_view(who, review)


def may_submit(who: Identity, review: ReviewParties, kind: str) -> bool:
    """Upload a document of `kind`: the focal point of the Party that owes it."""
    if kind not in DOCUMENT_KINDS:
        return False
    if who.is_secretariat:
        return True
    mine = who.parties(FOCAL_POINT)
    if kind in SUBMITTED_BY_REVIEWED:
        return review.reviewed in mine
    return bool(mine & set(review.reviewers))


def submitting_party(
    who: Identity, review: ReviewParties, kind: str, on_behalf_of: str | None = None
) -> str | None:
    """The Party on whose behalf `who` submits `kind`: a focal point's own Party; for the
    secretariat, the Party it names (a reviewer's feedback received by email), if that
    Party owes `kind` in this review. None: the secretariat's own copy."""
    owes = (review.reviewed,) if kind in SUBMITTED_BY_REVIEWED else review.reviewers
    if who.is_secretariat and on_behalf_of is not None:
        return on_behalf_of if on_behalf_of in owes else None
    mine = who.parties(FOCAL_POINT)
    return next((party for party in owes if party in mine), None)


def may_request_extension(who: Identity, review: ReviewParties) -> bool:
    """Ask for more time on a step: a focal point of a Party in the review."""
    return bool(who.parties(FOCAL_POINT) & {review.reviewed, *review.reviewers})


def may_decide_extension(who: Identity) -> bool:
    """Approve or refuse a request for more time: the secretariat alone."""
    return who.is_secretariat


def may_give_consent(who: Identity, review: ReviewParties) -> bool:
    """Consent (or not) to publishing the SAQ answers: the reviewed Party's focal point."""
    return review.reviewed in who.parties(FOCAL_POINT)


def may_name_observers(who: Identity, review: ReviewParties) -> bool:
    """Name or remove the observers of the reviewed Party: its focal point."""
    return review.reviewed in who.parties(FOCAL_POINT)


def may_publish(consent: bool | None) -> bool:
    """SAQ answers are published only with the reviewed Party's consent, given explicitly."""
    return consent is True


ACTIONS = {
    "view": lambda who, review: may_view(who, review),
    "download": lambda who, review: may_download(who, review),
    **{
        f"submit_{kind}": (lambda k: lambda who, review: may_submit(who, review, k))(kind)
        for kind in DOCUMENT_KINDS
    },
    "request_extension": lambda who, review: may_request_extension(who, review),
    "decide_extension": lambda who, review: may_decide_extension(who),
    "give_consent": lambda who, review: may_give_consent(who, review),
    "name_observers": lambda who, review: may_name_observers(who, review),
}
