"""Links from the correspondence into the portal.

`review_url("C1-G1-NGA")` -> "http://127.0.0.1:8400/reviews/C1-G1-NGA" (UNTOC_PORTAL_URL is
the base). The page opens only after sign-in: the link carries no credential.
"""

from __future__ import annotations

from urllib.parse import quote

from .config import base_url


def review_url(review_id: str, base: str | None = None) -> str:
    """The address of a review's page in the portal, for notices and digests."""
    return f"{(base or base_url()).rstrip('/')}/reviews/{quote(review_id, safe='')}"


def portal_url(base: str | None = None) -> str:
    """The portal's front page (the list of the person's reviews)."""
    return f"{(base or base_url()).rstrip('/')}/reviews"
