"""The Parties' portal: focal points, governmental experts and observers sign in with an
emailed single-use link, see the reviews their Party takes part in, submit documents and ask
for more time; the secretariat sees everything and decides on requests.

    from untoc_workflow.portal import create_app, review_url
    review_url("C1-G1-NGA")   # the link notices put in their text (UNTOC_PORTAL_URL)

Importing this package does not import FastAPI; `create_app` does.
"""

from __future__ import annotations

from typing import Any

from .links import portal_url, review_url


def create_app(*args: Any, **kwargs: Any) -> Any:
    """The FastAPI application (see app.create_app)."""
    from .app import create_app as make

    return make(*args, **kwargs)


__all__ = ["create_app", "portal_url", "review_url"]
