"""The access rules: every rule is one function here, and nothing else decides.

A review is seen by the secretariat, and by the focal points and governmental experts of
its reviewed Party and of its current reviewing Parties; an observer sees only the review
of the Party that named it, read-only. The focal point clears every submission, so only
focal points (and the secretariat, on a Party's behalf) submit documents and ask for time.
"""

from __future__ import annotations

from dataclasses import dataclass

from .identity import EXPERT, FOCAL_POINT, OBSERVER, Identity


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


def owing(review: ReviewParties, given_by: str | None) -> tuple[str, ...]:
    """The Parties that give a document declared as given by `given_by` (the process
    definition's `documents:`): the reviewed Party, each reviewer, or all of them."""
    if given_by == "reviewed":
        return (review.reviewed,)
    if given_by == "each_reviewer":
        return review.reviewers
    if given_by == "all":
        return (review.reviewed, *review.reviewers)
    return ()


def may_submit(who: Identity, review: ReviewParties, given_by: str | None) -> bool:
    """Upload a document of a kind the review's process declares as given by `given_by`
    (None: a kind it does not declare): the focal point of a Party that gives it."""
    owes = owing(review, given_by)
    if not owes:
        return False
    if who.is_secretariat:
        return True
    return bool(who.parties(FOCAL_POINT) & set(owes))


def submitting_party(
    who: Identity, review: ReviewParties, given_by: str | None, on_behalf_of: str | None = None
) -> str | None:
    """The Party on whose behalf `who` submits: a focal point's own Party; for the
    secretariat, the Party it names (a reviewer's feedback received by email), if that
    Party gives the kind in this review. None: the secretariat's own copy."""
    owes = owing(review, given_by)
    if who.is_secretariat and on_behalf_of is not None:
        return on_behalf_of if on_behalf_of in owes else None
    mine = who.parties(FOCAL_POINT)
    return next((party for party in owes if party in mine), None)


def may_request_extension(
    who: Identity, review: ReviewParties, waiting_for: tuple[str, ...] | None = None
) -> bool:
    """Ask for more time on a step: a focal point of a Party the step waits for (any
    Party of the review when no step is named: whether to offer the form at all)."""
    parties = {review.reviewed, *review.reviewers} if waiting_for is None else set(waiting_for)
    return bool(who.parties(FOCAL_POINT) & parties)


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
        f"submit_{given_by}": (lambda g: lambda who, review: may_submit(who, review, g))(given_by)
        for given_by in ("reviewed", "each_reviewer", "all")
    },
    "request_extension": lambda who, review: may_request_extension(who, review),
    "decide_extension": lambda who, review: may_decide_extension(who),
    "give_consent": lambda who, review: may_give_consent(who, review),
    "name_observers": lambda who, review: may_name_observers(who, review),
}
